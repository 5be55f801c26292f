"""The weekly digest over real HTTP: delivered to the fake Slack API with its chart, and its
buttons clicked back through the signed endpoint."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from teamwell.core.people import Role
from teamwell.core.suggestions import Status
from teamwell.handlers.digest import send_due_digests
from teamwell.handlers.suggestion_actions import send_due_suggestion_reminders
from tests.digest.digest_world import (
    STRESSED,
    DigestWorld,
    declining,
    nest,
    stressed_comments,
)
from tests.slack.conftest import SlackWorld

WEEKS = 8
MANAGER = frozenset({Role.EMPLOYEE, Role.MANAGER})


def _org(w: SlackWorld) -> DigestWorld:
    """Mia leads Platform (8 people), Max Design (4), Oli Ops (6); all in London."""
    ws = w.workspace_id
    with w.wired.deps.uow() as uow:
        ids = nest(uow, ws)  # type: ignore[arg-type]
        uow.commit()
    long_ago = w.clock.now().date() - timedelta(days=900)
    mia = w.add_person("UMIA", "Mia", "Europe/London", roles=MANAGER, team_id=ids["Platform"])
    mx = w.add_person("UMAX", "Max", "Europe/London", roles=MANAGER, team_id=ids["Design"])
    oli = w.add_person("UOLI", "Oli", "Europe/London", roles=MANAGER, team_id=ids["Ops"])
    plat = tuple(w.add_person(f"UP{i}", f"Plat{i}", "Europe/London", team_id=ids["Platform"],
                              manager_id=mia, start_date=long_ago) for i in range(8))
    others = tuple(w.add_person(f"UD{i}", f"Des{i}", "Europe/London", team_id=ids["Design"],
                                manager_id=mx, start_date=long_ago) for i in range(4))
    others += tuple(w.add_person(f"UO{i}", f"Ops{i}", "Europe/London", team_id=ids["Ops"],
                                 manager_id=oli, start_date=long_ago) for i in range(6))
    start = w.clock.now() + timedelta(days=1, hours=3)  # Tuesday 10:00 UTC
    return DigestWorld(ws, w.wired.deps, w.clock, w.wired.deps.uow,  # type: ignore[arg-type]
                       ids, plat, others, start)


def _digest_posts(w: SlackWorld, user: str) -> list[dict[str, Any]]:
    channel = w.api.dm_channel(user) or ""
    return [m for m in w.api.messages_in(channel) if "this week" in str(m.get("text", ""))]


def _all_text(message: dict[str, Any]) -> str:
    return repr(message.get("blocks")) + str(message.get("text", ""))


async def _history_and_digests(w: SlackWorld) -> DigestWorld:
    org = _org(w)
    for week in range(WEEKS):
        org.run_week(week, declining, stressed_comments)
    await w.sender.drain()
    org.monday_nine(WEEKS)
    assert send_due_digests(w.wired.deps) == 3
    await w.sender.drain()
    return org


async def test_a_team_of_eight_with_a_planted_decline_gets_scores_a_chart_and_a_signal(
        slack_world: SlackWorld) -> None:
    w = slack_world
    await _history_and_digests(w)

    (digest,) = _digest_posts(w, "UMIA")

    images = [b for b in digest["blocks"] if b["type"] == "image"]
    assert len(images) == 1
    file_id = images[0]["slack_file"]["id"]
    assert w.api.files[file_id].complete and w.api.files[file_id].data.startswith(b"\x89PNG")
    body = _all_text(digest)
    assert "8 of 9 answered" in body
    assert "Burnout signal: high" in body or "Burnout signal: watch" in body
    assert "I'll do it" in body


async def test_a_team_of_four_gets_a_digest_without_scores_and_without_a_chart(
        slack_world: SlackWorld) -> None:
    w = slack_world
    await _history_and_digests(w)

    (digest,) = _digest_posts(w, "UMAX")

    assert not [b for b in digest["blocks"] if b["type"] == "image"]
    assert "no scores this week" in _all_text(digest)


async def test_no_digest_contains_a_comment_or_who_answered(slack_world: SlackWorld) -> None:
    w = slack_world
    await _history_and_digests(w)

    for user in ("UMIA", "UMAX"):
        for digest in _digest_posts(w, user):
            body = _all_text(digest)
            assert STRESSED not in body and "team helped me" not in body
            assert not any(f"<@UP{i}>" in body for i in range(8))


async def test_ill_do_it_over_http_brings_a_reminder_and_done_is_counted(
        slack_world: SlackWorld) -> None:
    w = slack_world
    await _history_and_digests(w)
    (digest,) = _digest_posts(w, "UMIA")
    do = next(e for b in digest["blocks"] if b["type"] == "actions" for e in b["elements"]
              if e["action_id"].startswith("tw_digest_do"))

    status, _ = await w.click("UMIA", do["action_id"], do["value"])

    assert status == 200
    (reply,) = [c for c in w.api.calls_to("chat.postEphemeral") if "remind" in
                str(c.params.get("text", ""))]
    assert reply.params["user"] == "UMIA"
    w.clock.advance(timedelta(days=5))
    assert send_due_suggestion_reminders(w.wired.deps) == 1
    assert send_due_suggestion_reminders(w.wired.deps) == 0
    await w.sender.drain()
    reminder = [m for m in w.api.messages_in(w.api.dm_channel("UMIA") or "")
                if str(m.get("text", "")).startswith("Reminder")]
    done = next(e for b in reminder[0]["blocks"] if b["type"] == "actions"
                for e in b["elements"] if e["action_id"].startswith("tw_digest_done"))
    status, _ = await w.click("UMIA", done["action_id"], done["value"])
    with w.wired.deps.uow() as uow:
        table = uow.digests.follow_through(w.workspace_id)
    assert status == 200
    assert table["team_burnout"].get(Status.DONE.value) == 1


async def test_someone_elses_suggestion_cannot_be_answered(slack_world: SlackWorld) -> None:
    w = slack_world
    await _history_and_digests(w)
    (digest,) = _digest_posts(w, "UMIA")
    do = next(e for b in digest["blocks"] if b["type"] == "actions" for e in b["elements"]
              if e["action_id"].startswith("tw_digest_do"))

    status, _ = await w.click("UMAX", do["action_id"], do["value"])

    assert status == 200
    replies = [str(c.params.get("text", "")) for c in w.api.calls_to("chat.postEphemeral")]
    assert any("someone else" in r for r in replies)
