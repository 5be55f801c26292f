"""The weekly digest built from eight weeks of real pulse history on a real database."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from teamwell.bot.storage.tables import OutboxRow, SuggestionRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.bot.transcript import plain_lines
from teamwell.core.messages import Chart, Message, mentioned_people, message_from_json
from teamwell.core.onboarding import CheckIn
from teamwell.core.people import Person
from teamwell.core.suggestions import Kind
from teamwell.handlers.digest import preview_digest, send_due_digests
from teamwell.handlers.onboarding import start_onboarding
from tests.digest.digest_world import (
    STRESSED,
    DigestWorld,
    build_digest_world,
    declining,
    stressed_comments,
)

WEEKS = 8


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, DigestWorld]:
    """Eight weeks of answers, built once for the module (it takes a few seconds)."""
    from teamwell.bot.storage.engine import make_engine
    from teamwell.bot.storage.migrate import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('digest') / 'digest.db'}"
    upgrade(url)
    world = build_digest_world(SqlUnitOfWorkFactory(make_engine(url)))
    for week in range(WEEKS):
        world.run_week(week, declining, stressed_comments)
    world.monday_nine(WEEKS)
    queued = send_due_digests(world.deps)
    assert queued == 4
    return url, world


def _digests(world: DigestWorld) -> dict[str, Message]:
    with world.factory() as uow:
        rows = uow.session.scalars(select(OutboxRow).where(
            OutboxRow.idempotency_key.like("digest:%"))).all()
        return {str(r.recipient_id): message_from_json(json.loads(r.payload)) for r in rows}


def _text(message: Message) -> str:
    return "\n".join(plain_lines(message, {}))


def test_each_manager_and_the_admin_get_one_digest_on_monday_morning(
        history: tuple[str, DigestWorld]) -> None:
    _, world = history

    again = send_due_digests(world.deps)

    assert again == 0
    assert set(_digests(world)) == {"mia", "max", "oli", "hana"}


def test_the_declining_team_sees_its_scores_trend_and_a_burnout_signal(
        history: tuple[str, DigestWorld]) -> None:
    _, world = history

    mia = _digests(world)["mia"]
    text = _text(mia)

    assert "Platform: 8 of 9 answered (89%)" in text
    assert "Workload:" in text and "Energy (exhaustion):" in text
    assert "Burnout signal: high" in text
    assert "Exhaustion rose from 2.0 to 4.2" in text
    charts = [b for b in mia.blocks if isinstance(b, Chart)]
    assert len(charts) == 1 and len(charts[0].x_labels) == 12
    assert "Suggested check-ins" in text and "[I'll do it]" in text


def test_a_team_of_four_gets_a_digest_that_says_why_there_are_no_scores(
        history: tuple[str, DigestWorld]) -> None:
    _, world = history

    text = _text(_digests(world)["max"])

    assert "Design: no scores this week." in text
    assert "5" in text.split("no scores this week.")[1].splitlines()[0]
    assert "Burnout signal" not in text
    assert not any(isinstance(b, Chart) for b in _digests(world)["max"].blocks)


def test_no_digest_holds_a_comment_or_names_a_team_member(
        history: tuple[str, DigestWorld]) -> None:
    _, world = history

    with world.factory() as uow:
        named = {(r.manager_id, r.target_id) for r in uow.session.scalars(
            select(SuggestionRow).where(SuggestionRow.target_kind == "person"))}
    for reader, message in _digests(world).items():
        raw = json.dumps([repr(b) for b in message.blocks])
        assert STRESSED not in raw and "team helped me" not in raw, reader
        # A person is named only by a suggestion about them (kudos, their own check-ins).
        assert {(reader, pid) for pid in mentioned_people(message)} <= named, reader


def test_suggestions_from_anonymous_data_target_the_team_and_are_stored(
        history: tuple[str, DigestWorld]) -> None:
    _, world = history

    with world.factory() as uow:
        rows = [(r.kind, r.target_kind) for r in uow.session.scalars(select(SuggestionRow).where(
            SuggestionRow.manager_id == "mia"))]

    assert 1 <= len(rows) <= 3
    assert {target for kind, target in rows if kind.startswith("team_")} == {"team"}
    assert Kind.TEAM_BURNOUT.value in {kind for kind, _ in rows}


def test_the_admin_digest_shows_the_organisation_and_the_team_to_look_at(
        history: tuple[str, DigestWorld]) -> None:
    _, world = history

    text = _text(preview_digest(world.deps, world.ws, "hana@acme.test"))

    assert "YOUR ORGANISATION THIS WEEK" in text
    assert "The organisation: 18 of 22 answered" in text
    assert "Teams to look at:" in text and "Platform:" in text


def test_a_new_hires_low_check_in_becomes_a_one_to_one_suggestion_for_their_manager(
        history: tuple[str, DigestWorld]) -> None:
    _, world = history
    now = world.clock.now()
    with world.factory() as uow:
        uow.people.save(Person("noa", world.ws, "Noa", "noa@acme.test",
                               team_id=world.ids["Platform"], manager_id="mia",
                               start_date=now.date() - timedelta(days=10),
                               timezone="Europe/London"))
        uow.commit()
    start_onboarding(world.deps, world.ws, "noa")
    with world.factory() as uow:
        onboarding = uow.onboardings.active_for(world.ws, "noa")
        assert onboarding is not None
        uow.onboardings.save_checkin(world.ws, CheckIn(onboarding.id, "checkin-day-7",
                                                       now - timedelta(days=2), 2))
        uow.commit()

    message = preview_digest(world.deps, world.ws, "mia@acme.test")

    text = _text(message)
    assert "How Noa's first weeks are going" in text
    assert "Answered 2/5 at the day 7 check-in (shared with you as their manager)" in text
    assert "noa" in mentioned_people(message)
    assert "New hires:" in text and "tasks done" in text
