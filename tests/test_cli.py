"""The `teamwell` command as a user runs it: a real process, real files, a fake Slack."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest

from teamwell.bot.demo import run_demo
from teamwell.bot.slack import simulate
from teamwell.bot.slack.fake_api import FakeSlackApiThread

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TOKEN = "xoxb-cli-test"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "TEAMWELL_", "HTTP_PROXY", "HTTPS_PROXY"))}
    env.update(extra)
    return env


def _teamwell(*args: str, cwd: Path, timeout: float = 60, **env: str
              ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "teamwell.bot.cli", *args], cwd=cwd,
                          env=_env(**env), capture_output=True, text=True, timeout=timeout)


def test_serving_without_a_bot_token_stops_with_one_line_naming_it(tmp_path: Path) -> None:
    result = _teamwell("serve", cwd=tmp_path, SLACK_SIGNING_SECRET="s")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "SLACK_BOT_TOKEN" in result.stderr


@pytest.mark.parametrize(("name", "value"), [
    ("SLACK_BOT_TOKEN", "not-a-token"),
    ("SLACK_SIGNING_SECRET", " padded "),
    ("TEAMWELL_DATABASE_URL", "mysql://db/x"),
    ("TEAMWELL_DATABASE_URL", "postgresql://"),
    ("TEAMWELL_DATABASE_URL", "sqlite:///"),
    ("TEAMWELL_DATABASE_URL", "sqlite:////no/such/folder/teamwell.db"),
    ("SLACK_API_URL", "ftp://nope"),
    ("SLACK_API_URL", "http://[::1"),
    ("SLACK_API_URL", "http:///no-host"),
    ("SLACK_APP_TOKEN", "xoxb-wrong-kind"),
    ("TEAMWELL_LOG_LEVEL", "LOUD"),
    ("TEAMWELL_OUTBOX_LEASE_SECONDS", "5"),
])
def test_a_malformed_setting_stops_start_up_with_one_line_naming_it(
        tmp_path: Path, name: str, value: str) -> None:
    result = _teamwell("db", "upgrade", cwd=tmp_path, **{name: value})
    assert result.returncode == 2
    assert name in result.stderr and result.stderr.strip().count("\n") == 0
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [
    ("people", "import", "/no/such/people.csv"),
    ("people", "import", "."),
    ("serve", "--port", "99999"),
])
def test_bad_arguments_get_one_clear_line_not_a_traceback(tmp_path: Path,
                                                          args: tuple[str, ...]) -> None:
    result = _teamwell(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    # One line says what is wrong (argparse puts its usage lines before it).
    assert result.stderr.strip().splitlines()[-1].startswith("teamwell")


def test_an_unreachable_database_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    result = _teamwell("db", "upgrade", cwd=tmp_path,
                       TEAMWELL_DATABASE_URL="postgresql://nobody@127.0.0.1:1/nothing")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "database is not usable" in result.stderr


def test_settings_can_come_from_a_dot_env_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TEAMWELL_DATABASE_URL=sqlite:///from-dotenv.db\n")
    result = _teamwell("db", "upgrade", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "from-dotenv.db").exists()


def test_people_import_reports_bad_rows_by_line_and_keeps_the_good_ones(tmp_path: Path) -> None:
    result = _teamwell("people", "import", str(FIXTURES / "people_bad.csv"),
                       "--slack-team", "T1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for line in (3, 4, 5, 6, 7, 8, 9):
        assert f"line {line}:" in result.stdout
    assert "2 people imported" in result.stdout or "imported: 2" in result.stdout


def test_an_invalid_sequence_file_is_named_with_its_step_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "mine.toml"
    bad.write_text('id = "mine"\nname = "Mine"\n[[steps]]\nid = "hello"\nkind = "message"\n'
                   'day = 0\nat = "25:00"\nto = "new_hire"\ntitle = "Hi"\ntext = "Hello"\n')
    result = _teamwell("onboarding", "check", str(bad), cwd=tmp_path)
    assert result.returncode == 2
    assert "mine.toml" in result.stderr and "hello" in result.stderr and "at" in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not come up")


def _last_weekday() -> date:
    start = datetime.now(UTC).date() - timedelta(days=1)
    while start.weekday() >= 5:
        start -= timedelta(days=1)
    return start


def _hire_with_due_welcome(tmp_path: Path, fake: FakeSlackApiThread, env: dict[str, str]) -> None:
    """Maya and Nia in Slack and the directory; Nia's onboarding began on the last weekday.

    Day-0 steps to the hire are sent however late the onboarding starts, so her welcome is due.
    """
    start = _last_weekday()
    csv = tmp_path / "people.csv"
    csv.write_text("email,name,manager_email,team,start_date,timezone\n"
                   "maya@acme.test,Maya,,Core,2020-01-06,UTC\n"
                   f"nia@acme.test,Nia,maya@acme.test,Core,{start.isoformat()},UTC\n")
    fake.add_user("UMAYA", "Maya", "maya@acme.test", tz="UTC")
    fake.add_user("UNIA", "Nia", "nia@acme.test", tz="UTC")
    imported = _teamwell("people", "import", str(csv), cwd=tmp_path, **env)
    assert imported.returncode == 0, imported.stderr
    started = _teamwell("onboarding", "start", "nia@acme.test", "--date", start.isoformat(),
                        cwd=tmp_path, **env)
    assert started.returncode == 0, started.stderr


def _texts_to(fake: FakeSlackApiThread, user: str, wanted: str, wait: float) -> list[str]:
    deadline = time.monotonic() + wait
    while True:
        texts = [str(m.get("text")) for m in fake.messages_in(fake.dm_channel(user) or "")]
        if any(wanted in t for t in texts) or time.monotonic() > deadline:
            return texts
        time.sleep(0.2)


def _stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    return process.returncode, process.stdout.read() if process.stdout else ""


def _spawn(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "teamwell.bot.cli", *args], cwd=tmp_path,
                            env=_env(**env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def test_serve_answers_slack_and_its_scheduler_delivers_a_due_welcome(tmp_path: Path) -> None:
    with FakeSlackApiThread(token=TOKEN, team_id="T1") as fake:
        env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": "cli-secret",
               "SLACK_API_URL": fake.base_url + "/api/"}
        _hire_with_due_welcome(tmp_path, fake, env)
        port = _free_port()
        server = _spawn(tmp_path, env, "serve", "--host", "127.0.0.1", "--port", str(port))
        try:
            _wait_for(f"http://127.0.0.1:{port}/healthz", time.monotonic() + 30)
            body, ctype = simulate.command_body("T1", "UNIA", "/teamwell", "help")
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/slack/events", data=body.encode(), method="POST",
                headers={"Content-Type": ctype, **simulate.sign("cli-secret", body)})
            with urllib.request.urlopen(request, timeout=5) as resp:
                assert resp.status == 200 and b"/teamwell privacy" in resp.read()
            texts = _texts_to(fake, "UNIA", "Welcome", wait=30)
        finally:
            _, output = _stop(server)
    assert "bot" in texts[0].lower()
    assert any("Welcome" in t for t in texts)
    assert "Traceback" not in output


def test_the_worker_alone_delivers_due_messages_and_stops_cleanly(tmp_path: Path) -> None:
    with FakeSlackApiThread(token=TOKEN, team_id="T1") as fake:
        env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": fake.base_url + "/api/"}
        _hire_with_due_welcome(tmp_path, fake, env)
        fake.add_user("UOLA", "Ola", "ola@acme.test", tz="Europe/Oslo")  # only in Slack
        worker = _spawn(tmp_path, env, "worker")
        try:
            texts = _texts_to(fake, "UNIA", "Welcome", wait=30)
        finally:
            status, output = _stop(worker)
    assert any("Welcome" in t for t in texts)
    assert status == 0 and "Traceback" not in output
    with sqlite3.connect(tmp_path / "teamwell.db") as db:
        synced = db.execute(
            "SELECT timezone FROM people WHERE email = 'ola@acme.test'").fetchall()
    assert synced == [("Europe/Oslo",)]  # the worker synced the directory from users.list


def test_the_demo_walks_a_new_hire_through_her_first_days_and_runs_a_pulse() -> None:
    out = StringIO()
    assert run_demo(days=10, out=out) == 0
    transcript = out.getvalue()
    first_to_nia = transcript.index("-> Nia")
    assert "A BOT, NOT A PERSON" in transcript[first_to_nia:first_to_nia + 200]
    assert "Mon 09 Mar 09:00 America/New_York  -> Nia (new hire)" in transcript
    assert "<- Nia pressed [Done]" in transcript and "updated Nia" in transcript
    assert "NIA WOULD LIKE A HAND" in transcript
    assert "Reminder 1 of 2" in transcript
    assert "Sat" not in transcript.split("Done:")[0].replace("Saturday", "")
    assert "each exactly once" in transcript
    # The weekly pulse: a receipt before the questions, five answers, results only once closed.
    assert "Tue 10 Mar 10:00 Europe/London  -> Maya (manager)" in transcript
    assert "Your team currently has 6 members." in transcript
    results = transcript.index("Maya runs `teamwell pulse results --team Platform`")
    assert transcript.index("<- Tom answered the pulse") < results
    assert "Platform: 5 responses of 5 asked (100%)" in transcript[results:]
    assert "[name] shielded us well" in transcript[results:]
    assert "People: hidden" in transcript[results:]
    # Kudos: typed by Maya, posted in the recognition channel, sent to Ben.
    assert "<- Maya types /kudos @Ben" in transcript
    assert "-> #kudos (recognition channel)" in transcript
