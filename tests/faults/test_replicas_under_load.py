"""Two web replicas and one worker (or two) serving one workspace under load, on loopback ports.

Clicks and events are spread round robin over the replicas by many senders at once, as a load
balancer would. The replicas verify, store and ack; the worker handles the stored clicks, sends
the replies and runs the jobs. Every click has its effect once and in each person's order,
every event is answered once.
"""

from __future__ import annotations

import itertools
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from teamwell.bot.config import load_settings
from teamwell.bot.slack import simulate
from teamwell.bot.slack.fake_api import FakeSlackApiThread
from teamwell.bot.storage.tables import OutboxRow, SlackInboxRow
from teamwell.bot.wiring import wire
from teamwell.core.clock import FakeClock
from teamwell.core.onboarding import StepStatus
from teamwell.core.people import Person, Role
from teamwell.handlers.onboarding import run_due_steps, start_onboarding

from .conftest import (
    LEADING,
    TEAM,
    TOKEN,
    Cluster,
    free_port,
    unfinished,
    wait_until,
    web_up,
)

SECRET = "replicas-under-load-secret"
HIRES = 12
CLICKS_EACH = 9  # scores cycling 1..5: the last one decides what is stored
ASKERS = 12
STEP_ID = "checkin-day-3"


def _seed(pg_url: str, fake: FakeSlackApiThread) -> tuple[str, dict[str, str]]:
    """A manager, a buddy and HIRES new hires whose day-3 check-in was sent; returns the
    workspace id and each hire's onboarding id by Slack id."""
    today = datetime.now(UTC).date()
    monday = today - timedelta(days=today.weekday() + 14)
    clock = FakeClock(datetime(monday.year, monday.month, monday.day, 7, tzinfo=UTC))
    wired = wire(load_settings({"TEAMWELL_DATABASE_URL": pg_url, "SLACK_BOT_TOKEN": TOKEN,
                                "SLACK_SIGNING_SECRET": SECRET}), clock)
    deps = wired.deps
    people = [("UMGR", "Maya", frozenset({Role.EMPLOYEE, Role.MANAGER}), None, None),
              ("UBUD", "Ben", frozenset({Role.EMPLOYEE}), "p-UMGR", None)]
    people += [(f"UH{n:03d}", f"Hire {n}", frozenset({Role.EMPLOYEE}), "p-UMGR", "p-UBUD")
               for n in range(HIRES)]
    with deps.uow() as uow:
        ws = uow.workspaces.ensure("slack", TEAM, "Faults Inc")
        team = uow.teams.ensure(ws, "Platform")
        for slack_id, name, roles, manager, buddy in people:
            hire = buddy is not None
            person = Person(id=f"p-{slack_id}", workspace_id=ws, name=name,
                            email=f"{slack_id.lower()}@faults.test", team_id=team.id,
                            manager_id=manager, buddy_id=buddy, roles=roles, timezone="UTC",
                            start_date=monday + timedelta(days=1) if hire else date(2022, 1, 3))
            uow.people.save(person)
            uow.people.link_account(ws, person.id, "slack", slack_id)
            fake.add_user(slack_id, name, person.email or "", tz="UTC")
        uow.commit()
    onboardings = {f"UH{n:03d}": start_onboarding(deps, ws, f"p-UH{n:03d}").id
                   for n in range(HIRES)}
    clock.advance(timedelta(days=5))  # Saturday: past Friday 15:00, when day 3 was due
    while run_due_steps(deps):
        pass
    with deps.uow() as uow:
        for onboarding_id in onboardings.values():
            run = next(r for r in uow.onboardings.steps(ws, onboarding_id)
                       if r.step_id == STEP_ID)
            assert run.status is StepStatus.SENT
    wired.engine.dispose()
    return ws, onboardings


def _post(port: int, body: str, ctype: str) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/slack/events", data=body.encode(), method="POST",
        headers={"Content-Type": ctype, **simulate.sign(SECRET, body)})
    with urllib.request.urlopen(request, timeout=10) as resp:
        return int(resp.status)


def _waiting_clicks(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(SlackInboxRow)) or 0)


@pytest.mark.parametrize("workers", [1, 2])
def test_two_web_replicas_and_workers_serve_one_workspace_under_load_with_every_effect_once(
    cluster: Cluster, engine: Engine, fake_slack: FakeSlackApiThread, pg_url: str, workers: int
) -> None:
    ws, onboardings = _seed(pg_url, fake_slack)
    cluster.env["SLACK_SIGNING_SECRET"] = SECRET
    ports = [free_port(), free_port()]
    web = [cluster.spawn(f"web-{p}", "serve", "--no-scheduler", "--host", "127.0.0.1",
                         "--port", str(p)) for p in ports]
    # Every worker handles stored clicks; with two, one person's clicks could be claimed by
    # both: the inbox's lanes keep them in order.
    handlers = [cluster.spawn(f"worker-{n}", "worker") for n in range(workers)]

    def alive() -> None:
        for proc in [*web, *handlers]:
            proc.running()

    wait_until(lambda: all(web_up(p) for p in ports) and any(h.says(LEADING) for h in handlers), 60,
               "replicas and workers up", alive)
    wait_until(lambda: unfinished(engine) == 0, 60, "the check-ins delivered", alive)
    sent_before = _outbox_ids(engine)
    balancer = itertools.cycle(ports)
    scores = {hire: [(n % 5) + 1 for n in range(CLICKS_EACH + i % 3)]
              for i, hire in enumerate(onboardings)}

    def one_hire_clicks(hire: str) -> list[int]:
        # One person clicks one score after another, each after the last was answered.
        channel = fake_slack.dm_channel(hire) or ""
        statuses = []
        for score in scores[hire]:
            value = f"{onboardings[hire]}|{STEP_ID}|{score}"
            body, ctype = simulate.block_action_body(TEAM, hire, "tw_checkin_score", value,
                                                     channel)
            statuses.append(_post(next(balancer), body, ctype))
        return statuses

    def one_question(n: int) -> int:
        asker = f"UH{n % HIRES:03d}"
        body, ctype = simulate.event_body(TEAM, {
            "type": "message", "channel_type": "im", "user": asker, "text": "help",
            "channel": fake_slack.dm_channel(asker) or "", "ts": f"{time.time():.6f}"},
            f"EvLOAD{n:04d}")
        return _post(next(balancer), body, ctype)

    with ThreadPoolExecutor(16) as pool:
        clicks = pool.map(one_hire_clicks, onboardings)
        questions = pool.map(one_question, range(ASKERS))
        click_statuses = [s for statuses in clicks for s in statuses]
        question_statuses = list(questions)

    wait_until(lambda: _waiting_clicks(engine) == 0 and unfinished(engine) == 0, 90,
               "every click handled and every answer delivered", alive)
    time.sleep(1.5)  # a second effect, if there were one, would be visible by now

    answers = _outbox_ids(engine) - sent_before
    wired = wire(load_settings({"TEAMWELL_DATABASE_URL": pg_url, "SLACK_BOT_TOKEN": TOKEN,
                                "SLACK_SIGNING_SECRET": SECRET}), FakeClock(datetime.now(UTC)))
    with wired.deps.uow() as uow:
        final = {hire: uow.onboardings.checkins(ws, oid)[0].score
                 for hire, oid in onboardings.items()}
    wired.engine.dispose()
    saved = [c for c in fake_slack.calls_to("chat.postEphemeral")
             if str(c.params.get("text", "")).startswith("Thanks, saved")]
    assert click_statuses == [200] * sum(len(s) for s in scores.values())
    assert question_statuses == [200] * ASKERS
    assert final == {hire: s[-1] for hire, s in scores.items()}, "a person's clicks reordered"
    assert len(saved) == len(click_statuses)
    assert len(answers) == ASKERS, "each question answered once, through the outbox"
    assert all(len(fake_slack.messages_in(fake_slack.dm_channel(f"UH{n:03d}") or "")) >= 1
               for n in range(HIRES))


def _outbox_ids(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.scalars(select(OutboxRow.id)))
