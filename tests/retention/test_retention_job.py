"""The retention job deletes exactly what has expired, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from teamwell.bot.storage.outbox_store import retry_failed
from teamwell.bot.storage.tables import (
    CheckInRow,
    PersonAccountRow,
    PersonRow,
    ProcessedEventRow,
    PulseCommentRow,
    SlackInboxRow,
)
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.audit import Action
from teamwell.core.clock import FakeClock
from teamwell.core.messages import say
from teamwell.core.outbox import OutboundItem
from teamwell.core.retention import TOMBSTONE
from teamwell.handlers.retention import run_retention
from tests.retention.retention_world import NOW, RetentionWorld, build_retention_world


@pytest.fixture
def world(any_uow_factory: SqlUnitOfWorkFactory) -> RetentionWorld:
    """The seeded database on each supported kind."""
    return build_retention_world(any_uow_factory)


def _without_erasure(monkeypatch: pytest.MonkeyPatch,
                     world: RetentionWorld) -> list[tuple[str, str]]:
    """Stand in for forget_person (tested with it elsewhere): drop the person's row, record it."""
    erased: list[tuple[str, str]] = []

    def forget(_deps: object, ws: str, pid: str) -> bool:
        with world.factory() as uow:
            uow.session.execute(delete(PersonRow).where(PersonRow.workspace_id == ws,
                                                        PersonRow.id == pid))
            uow.commit()
        erased.append((ws, pid))
        return True

    monkeypatch.setattr("teamwell.handlers.retention._erase", forget)
    return erased


def test_delivered_message_contents_go_after_the_limit_and_their_keys_stay(
        world: RetentionWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    _without_erasure(monkeypatch, world)

    expired = run_retention(world.deps)

    rows = world.outbox()
    assert expired.message_payloads == 2
    assert rows["sent-old"] == ("sent", TOMBSTONE, None, "1.0"), "the reference stays"
    assert rows["sent-new"][0] == "sent" and "the words of sent-new" in rows["sent-new"][1]
    assert rows["failed-old"] == ("expired", TOMBSTONE, None, None)
    assert rows["failed-new"][:1] == ("failed",) and rows["failed-new"][2] == "channel_not_found"
    assert "the words of pending-old" in rows["pending-old"][1], "unsent rows are never touched"


def test_an_expired_message_can_never_be_sent_again_by_a_rerun_or_a_retry(
        world: RetentionWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    _without_erasure(monkeypatch, world)
    run_retention(world.deps)

    with world.factory() as uow:
        again = [uow.outbox.add(OutboundItem(world.ws, key, say("again"), recipient_id="here"),
                                NOW) for key in ("sent-old", "failed-old")]
        uow.commit()
    retried = retry_failed(world.factory)

    assert again == [False, False]
    assert retried == 1, "only the failed row still within its period is queued again"
    assert world.outbox()["failed-old"][0] == "expired"


def test_event_ids_clicks_and_comment_texts_go_exactly_at_their_limits(
        world: RetentionWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    _without_erasure(monkeypatch, world)

    expired = run_retention(world.deps)

    with world.factory() as uow:
        events = set(uow.session.scalars(select(ProcessedEventRow.event_id)))
        clicks = set(uow.session.scalars(select(SlackInboxRow.body)))
        checkins = dict(uow.session.execute(select(CheckInRow.onboarding_id,
                                                   CheckInRow.comment)).all())
        pulse = dict(uow.session.execute(select(PulseCommentRow.round_id,
                                                PulseCommentRow.body)).all())
        scores = list(uow.session.scalars(select(CheckInRow.sentiment)))
    assert (expired.events, expired.inbox_rows, expired.comment_texts) == (1, 1, 2)
    assert events == {"Ev-new"} and clicks == {'{"click": "new"}'}
    assert checkins == {"onb-old": None, "onb-new": "check-in new"}
    assert pulse == {"round-old": None, "round-new": "pulse comment new"}
    assert scores == [0.5, 0.5], "scores outlive the text"


def test_people_who_left_lose_their_chat_after_a_week_and_are_erased_after_the_limit(
        world: RetentionWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    erased = _without_erasure(monkeypatch, world)

    expired = run_retention(world.deps)

    with world.factory() as uow:
        refs = dict(uow.session.execute(select(PersonAccountRow.person_id,
                                               PersonAccountRow.conversation_ref)).all())
        since = dict(uow.session.execute(select(PersonRow.id,
                                                PersonRow.inactive_since)).all())
    assert erased == [(world.ws, "gone-old")] and expired.departed == ((world.ws, "gone-old"),)
    assert expired.references == 2
    assert refs["gone-old"] is None and refs["gone-new"] is None
    assert refs["gone-fresh"] is not None and refs["here"] is not None
    assert refs["left-today"] is not None
    assert since["left-today"] == NOW, "the clock starts the first night they are seen inactive"
    assert since["here"] is None, "someone who came back starts afresh"


def test_a_second_run_the_same_night_finds_nothing_more(
        world: RetentionWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    _without_erasure(monkeypatch, world)
    run_retention(world.deps)

    again = run_retention(world.deps)

    assert (again.comment_texts, again.message_payloads, again.events, again.inbox_rows,
            again.references) == (0, 0, 0, 0, 0)


def test_a_dry_run_deletes_nothing_and_counts_what_a_real_run_deletes(
        world: RetentionWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    erased = _without_erasure(monkeypatch, world)
    before = world.snapshot()

    dry = run_retention(world.deps, dry_run=True)

    assert world.snapshot() == before
    assert erased == []
    real = run_retention(world.deps)
    assert dry == real
    assert dry.departed == ((world.ws, "gone-old"),)


def test_a_person_deactivated_later_is_stamped_and_erased_only_after_the_limit(
        world: RetentionWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    erased = _without_erasure(monkeypatch, world)
    clock = FakeClock(NOW)
    deps = replace(world.deps, clock=clock)
    run_retention(deps)  # the people seeded as gone go tonight or later: not what we watch
    with world.factory() as uow:
        here = uow.people.get(world.ws, "here")
        assert here is not None
        uow.people.save(replace(here, active=False))
        uow.commit()

    nights = []
    for step in (timedelta(days=1), timedelta(days=20), timedelta(seconds=1)):
        clock.advance(step)
        before = len(erased)
        run_retention(deps)
        nights.append([pid for _ws, pid in erased[before:]])

    # Stamped the night after leaving (NOW + 1 day); erased once 20 days have passed since.
    assert ["here" in night for night in nights] == [False, False, True]


def test_people_past_the_limit_are_really_erased_and_the_erasure_is_audited(
        world: RetentionWorld) -> None:
    expired = run_retention(world.deps)

    with world.factory() as uow:
        left = {p.id for p in uow.people.list(world.ws, active_only=False)}
        accounts = set(uow.session.scalars(select(PersonAccountRow.person_id)))
        entries = [e for e in uow.audit.list(world.ws) if e.action is Action.DELETION]
    assert expired.departed == ((world.ws, "gone-old"),)
    assert "gone-old" not in left and "gone-old" not in accounts
    assert {"gone-new", "gone-fresh", "left-today", "here"} <= left
    assert [(e.actor, e.subject.startswith("person:")) for e in entries] == [("teamwell", True)]
