"""`teamwell pulse ...` as a user runs it: a real process on a SQLite file, no Slack token.

Without a token the commands act on the only workspace, which `teamwell people import` creates.
Results themselves are covered elsewhere; here it is exit codes and one clear line, never a
traceback.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PLATFORM = ("ada", "bo", "cy", "di", "ed", "flo", "gus")
DESIGN = ("hal", "ivy", "jo", "kim")
ZONES = ("Europe/London", "America/New_York", "Asia/Tokyo")
# Log records (alembic says which migration context it uses at INFO) are not the error.
LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ [A-Z]+ ")


def _teamwell(*args: str, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "TEAMWELL_", "HTTP_PROXY", "HTTPS_PROXY"))}
    env.update({"TEAMWELL_DATABASE_URL": f"sqlite:///{cwd / 'teamwell.db'}", **extra})
    return subprocess.run([sys.executable, "-m", "teamwell.bot.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def _one_clear_line(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = [line for line in result.stderr.strip().splitlines() if not LOG_RECORD.match(line)]
    assert len(lines) == 1 and lines[0].startswith("teamwell: "), result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with 7 people in Platform and 4 in Design, all long-serving."""
    folder = tmp_path_factory.mktemp("imported")
    rows = [f"{p}@acme.test,{p.title()},,{team},2020-01-06,{ZONES[i % 3]}"
            for i, (p, team) in enumerate([(p, "Platform") for p in PLATFORM]
                                          + [(p, "Design") for p in DESIGN])]
    csv = folder / "people.csv"
    csv.write_text("email,name,manager_email,team,start_date,timezone\n" + "\n".join(rows) + "\n")
    result = _teamwell("people", "import", str(csv), "--slack-team", "T1", cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "teamwell.db"


@pytest.fixture
def here(imported: Path, tmp_path: Path) -> Path:
    """A folder holding a fresh copy of the imported database."""
    shutil.copy(imported, tmp_path / "teamwell.db")
    return tmp_path


def test_pulse_send_says_how_many_were_asked_and_a_second_send_that_week_exits_1(
        here: Path) -> None:
    first = _teamwell("pulse", "send", "--team", "Platform", cwd=here)
    again = _teamwell("pulse", "send", "--team", "Platform", cwd=here)

    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Pulse opened for 7 people")
    assert again.returncode == 1
    assert "Platform already has a pulse this week" in again.stdout
    assert "Traceback" not in first.stderr + again.stderr


def test_results_before_a_close_say_no_round_has_closed_and_close_closes_it(
        here: Path) -> None:
    assert _teamwell("pulse", "send", "--team", "Platform", cwd=here).returncode == 0

    before = _teamwell("pulse", "results", "--team", "Platform", cwd=here)
    closed = _teamwell("pulse", "close", cwd=here)
    after = _teamwell("pulse", "results", "--team", "Platform", cwd=here)

    assert before.returncode == 0 and "No pulse round has closed yet" in before.stdout
    assert closed.returncode == 0 and closed.stdout.startswith("closed 1 pulse round;")
    assert after.returncode == 0 and after.stdout.startswith("Pulse results for the week of")
    assert "Platform: hidden" in after.stdout  # nobody answered
    assert "Traceback" not in before.stderr + closed.stderr + after.stderr


@pytest.mark.parametrize("command", ["results", "send"])
def test_an_unknown_team_is_one_clear_line_and_exit_2(here: Path, command: str) -> None:
    result = _teamwell("pulse", command, "--team", "Nope", cwd=here)

    assert result.returncode == 2
    _one_clear_line(result, "'Nope'")


def test_a_leave_date_that_is_not_a_date_is_one_clear_line_naming_it(here: Path) -> None:
    result = _teamwell("pulse", "leave", "ada@acme.test", "--until", "2026-13-01", cwd=here)

    assert result.returncode == 2
    _one_clear_line(result, "2026-13-01", "--until")


def test_leave_for_someone_not_in_the_directory_is_one_clear_line(here: Path) -> None:
    result = _teamwell("pulse", "leave", "nobody@acme.test", "--until", "2026-05-01", cwd=here)

    assert result.returncode == 2
    _one_clear_line(result, "nobody@acme.test")


def test_leave_for_someone_known_says_until_when(here: Path) -> None:
    result = _teamwell("pulse", "leave", "ADA@acme.test", "--until", "2026-05-01", cwd=here)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Ada: on leave until 2026-05-01"


@pytest.mark.parametrize(("name", "value"), [
    ("TEAMWELL_MIN_GROUP_SIZE", "2"),
    ("TEAMWELL_PULSE_DAY", "saturday"),
    ("TEAMWELL_QUIET_HOURS", "nonsense"),
])
def test_a_malformed_pulse_setting_stops_with_one_line_naming_it(
        tmp_path: Path, name: str, value: str) -> None:
    result = _teamwell("pulse", "results", cwd=tmp_path, **{name: value})

    assert result.returncode == 2
    _one_clear_line(result, name, "configuration error")
    assert not (tmp_path / "teamwell.db").exists()  # stopped before touching the database


def test_a_pulse_time_inside_quiet_hours_is_refused_naming_both(tmp_path: Path) -> None:
    result = _teamwell("pulse", "results", cwd=tmp_path, TEAMWELL_PULSE_TIME="20:00")

    assert result.returncode == 2
    _one_clear_line(result, "TEAMWELL_PULSE", "20:00", "quiet hours")


def test_kudos_fairness_prints_for_admins_and_the_leaderboard_is_off_unless_enabled(
        here: Path) -> None:
    fairness = _teamwell("kudos", "fairness", cwd=here)
    board_off = _teamwell("kudos", "leaderboard", cwd=here)
    board_on = _teamwell("kudos", "leaderboard", cwd=here, TEAMWELL_KUDOS_LEADERBOARD="true")

    assert fairness.returncode == 0 and "HOW EVENLY KUDOS ARE SPREAD" in fairness.stdout
    assert "Platform" in fairness.stdout and "Design" in fairness.stdout  # teams with none
    assert board_off.returncode == 2
    _one_clear_line(board_off, "TEAMWELL_KUDOS_LEADERBOARD")
    assert board_on.returncode == 0 and "Traceback" not in board_on.stderr
