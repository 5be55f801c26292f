"""Comments people wrote to the bot get a score; their text goes after the retention period."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from teamwell.bot.storage.tables import CheckInRow, PulseCommentRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock
from teamwell.core.onboarding import CheckIn
from teamwell.core.retention import RetentionConfig
from teamwell.handlers.comment_scoring import forget_old_comment_text, score_pending_comments
from teamwell.handlers.pulse_answers import record_pulse_comment
from teamwell.handlers.pulse_rounds import close_open_rounds
from tests.digest.digest_world import STRESSED, KeywordModel
from tests.pulse.pulse_world import MONDAY, PulseWorld, build_pulse_world


@pytest.fixture
def world(any_uow_factory: SqlUnitOfWorkFactory) -> PulseWorld:
    return build_pulse_world(any_uow_factory, FakeClock(MONDAY))


def _comments(world: PulseWorld) -> list[PulseCommentRow]:
    with world.factory() as uow:
        rows = uow.session.scalars(select(PulseCommentRow)).all()
        uow.session.expunge_all()
        return list(rows)


def test_a_pulse_comment_is_scored_and_a_changed_comment_is_scored_again(
        world: PulseWorld) -> None:
    pulse = world.open("Platform")
    record_pulse_comment(world.deps, world.ws, "ada", pulse.id, "Lovely week")
    assert score_pending_comments(world.deps, KeywordModel()) == 1

    record_pulse_comment(world.deps, world.ws, "ada", pulse.id, STRESSED)
    rescored = score_pending_comments(world.deps, KeywordModel())

    (row,) = _comments(world)
    assert rescored == 1
    assert (row.sentiment_label, row.stress) == ("negative", True)
    assert score_pending_comments(world.deps, KeywordModel()) == 0


def test_an_onboarding_check_in_comment_is_scored(world: PulseWorld) -> None:
    with world.factory() as uow:
        uow.onboardings.save_checkin(world.ws, CheckIn("onb-1", "checkin-day-3", MONDAY, 2,
                                                       "The deadline stress is too much"))
        uow.commit()

    scored = score_pending_comments(world.deps, KeywordModel())

    with world.factory() as uow:
        (checkin,) = uow.onboardings.checkins(world.ws, "onb-1")
    assert scored == 1 and checkin.sentiment == "negative"


def test_a_score_is_not_stored_for_text_that_changed_while_it_was_scored(
        world: PulseWorld) -> None:
    pulse = world.open("Platform")
    record_pulse_comment(world.deps, world.ws, "ada", pulse.id, "First thoughts")
    with world.factory() as uow:
        (pending,) = uow.comment_scores.unscored(10)
    record_pulse_comment(world.deps, world.ws, "ada", pulse.id, "Second thoughts")

    with world.factory() as uow:
        stored = uow.comment_scores.save_score(pending, KeywordModel().score([pending.body])[0])
        uow.commit()

    assert stored is False
    assert _comments(world)[0].sentiment_label is None


def test_retention_deletes_old_comment_text_and_keeps_the_scores(world: PulseWorld) -> None:
    pulse = world.open("Platform")
    record_pulse_comment(world.deps, world.ws, "ada", pulse.id, STRESSED)
    with world.factory() as uow:
        uow.onboardings.save_checkin(world.ws, CheckIn("onb-1", "checkin-day-3",
                                                       world.clock.now(), 4, "All good"))
        uow.commit()
    close_open_rounds(world.deps, world.ws)
    score_pending_comments(world.deps, KeywordModel())
    deps = replace(world.deps, retention=RetentionConfig(comment_days=30))

    world.later(days=29)
    kept = forget_old_comment_text(deps)
    world.later(days=9)
    deleted = forget_old_comment_text(deps)

    (row,) = _comments(world)
    with world.factory() as uow:
        checkin = uow.session.scalars(select(CheckInRow)).one()
        uow.session.expunge(checkin)
    assert (kept, deleted) == (0, 2)
    assert row.body is None and row.sentiment_label == "negative" and row.stress is True
    assert checkin.comment is None and checkin.sentiment_label == "positive"
    assert forget_old_comment_text(deps) == 0


def test_an_open_rounds_comment_is_never_deleted_however_old_its_week(
        world: PulseWorld) -> None:
    pulse = world.open("Platform")
    record_pulse_comment(world.deps, world.ws, "ada", pulse.id, "Still open")
    deps = replace(world.deps, retention=RetentionConfig(comment_days=1))
    world.later(days=20)

    forget_old_comment_text(deps)

    assert _comments(world)[0].body == "Still open"
