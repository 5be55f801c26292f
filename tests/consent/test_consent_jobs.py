"""Every job that contacts people, or tells a manager about them, respects their choices.

Each test turns a feature off with the same command a person types, runs the job on a real
database, and checks that the person who said no gets (or is named in) nothing, while someone
who did not is served, so the job demonstrably ran.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from teamwell.bot.storage.tables import OutboxRow, SuggestionRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock
from teamwell.core.people import Person, Role
from teamwell.core.recognition import RecognitionConfig
from teamwell.core.suggestions import Kind
from teamwell.handlers.celebrations import send_due_celebrations
from teamwell.handlers.commands import command_reply
from teamwell.handlers.deps import Deps
from teamwell.handlers.digest import send_due_digests
from teamwell.handlers.kudos import give_kudos
from teamwell.handlers.pulse_delivery import send_due_invites, send_due_pulse_reminders
from teamwell.handlers.pulse_rounds import close_round, open_round, open_weekly_rounds
from teamwell.handlers.recognition import send_recognition_prompts, suggest_thanks_after_pulse
from teamwell.surveys.onboarding import load_library
from tests.digest.digest_world import build_digest_world, declining
from tests.pulse.pulse_world import build_pulse_world

MONDAY = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
MANAGER = frozenset({Role.EMPLOYEE, Role.MANAGER})
CHANNEL = "C0CELEBR8"


def _rows(factory: SqlUnitOfWorkFactory, prefix: str) -> list[tuple[str, str | None, str]]:
    with factory() as uow:
        rows = uow.session.scalars(select(OutboxRow).where(
            OutboxRow.idempotency_key.like(prefix + "%")).order_by(OutboxRow.seq)).all()
        return [(r.idempotency_key, r.recipient_id, r.payload) for r in rows]


def _recipients(factory: SqlUnitOfWorkFactory, prefix: str) -> set[str | None]:
    return {who for _key, who, _payload in _rows(factory, prefix)}


def _team(factory: SqlUnitOfWorkFactory, clock: FakeClock,
          recognition: RecognitionConfig | None = None) -> tuple[Deps, str]:
    """Mia (Tokyo) manages Ana, Bo and Cy (London), who all started on 11 March years ago."""
    with factory() as uow:
        ws = uow.workspaces.ensure("slack", "T1", "Acme")
        team = uow.teams.ensure(ws, "Platform").id
        uow.people.save(Person("mia", ws, "Mia", timezone="Asia/Tokyo", roles=MANAGER,
                               team_id=team, start_date=date(2020, 1, 6)))
        for pid in ("ana", "bo", "cy"):
            uow.people.save(Person(pid, ws, pid.title(), manager_id="mia", team_id=team,
                                   start_date=date(2023, 3, 11), birthday=date(1900, 3, 11),
                                   timezone="Europe/London"))
        uow.commit()
    deps = Deps(uow=factory, clock=clock, sequences=load_library(),
                recognition=recognition or RecognitionConfig())
    return deps, ws


def test_pulses_off_means_no_invitation_and_no_reminder(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    w = build_pulse_world(any_uow_factory, FakeClock(MONDAY))
    command_reply(w.deps, w.ws, "ada", "pulse off")  # before the round opens
    assert open_weekly_rounds(w.deps) == 1
    command_reply(w.deps, w.ws, "bo", "pulse off")  # after it opened, before the invitation

    for _ in range(2 * 24):  # Tuesday's invitations
        send_due_invites(w.deps)
        w.later(hours=1)
    command_reply(w.deps, w.ws, "cy", "pulse off")  # after the invitation, before the reminder
    for _ in range(2 * 24):
        send_due_pulse_reminders(w.deps)
        w.later(hours=1)

    invited = _recipients(w.factory, "pulse:")
    reminded = _recipients(w.factory, "pulse-reminder:")
    assert "ada" not in invited and "bo" not in invited and "cy" in invited
    assert "cy" not in reminded and "di" in reminded


def _celebrate(factory: SqlUnitOfWorkFactory) -> tuple[Deps, str, FakeClock]:
    clock = FakeClock(datetime(2026, 3, 10, 0, 0, tzinfo=UTC))  # the day before 11 March
    deps, ws = _team(factory, clock, recognition=RecognitionConfig(channel=CHANNEL))
    return deps, ws, clock


def _run_celebrations(deps: Deps, clock: FakeClock) -> None:
    for _ in range(2 * 24 * 4):
        send_due_celebrations(deps)
        clock.advance(timedelta(minutes=15))


def test_celebrations_off_means_no_anniversary_in_the_channel_or_by_message(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    deps, ws, clock = _celebrate(any_uow_factory)
    command_reply(deps, ws, "ana", "celebrations off")

    _run_celebrations(deps, clock)

    queued = _rows(any_uow_factory, "celebration")
    assert {who for _k, who, _p in queued if who} == {"bo", "cy"}
    posts = [p for _k, who, p in queued if who is None]
    assert posts and all('"ana"' not in p and "Ana" not in p for p in posts)


def test_a_birthday_is_celebrated_only_when_opted_in_and_celebrations_are_on(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    deps, ws, clock = _celebrate(any_uow_factory)
    command_reply(deps, ws, "ana", "birthday on")
    command_reply(deps, ws, "bo", "birthday on")
    command_reply(deps, ws, "bo", "celebrations off")  # cy never opted in

    _run_celebrations(deps, clock)

    birthdays = {who for key, who, _p in _rows(any_uow_factory, "celebration")
                 if "birthday" in key and who}
    assert birthdays == {"ana"}


def test_with_manager_notes_off_the_manager_hears_nothing_about_kudos_received(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    deps, ws = _team(any_uow_factory, FakeClock(MONDAY))
    command_reply(deps, ws, "ana", "kudos-notices off")

    give_kudos(deps, ws, "cy", ["ana", "bo"], "thanks for the release")

    notes = [key for key, who, _p in _rows(any_uow_factory, "kudos:") if who == "mia"]
    assert len(notes) == 1 and notes[0].endswith(":manager:bo")


def test_someone_with_manager_notes_off_is_never_named_in_a_recognition_prompt(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    clock = FakeClock(MONDAY + timedelta(weeks=8, hours=2))  # Monday 11:00 in Tokyo
    deps, ws = _team(any_uow_factory, clock)
    command_reply(deps, ws, "ana", "kudos-notices off")

    assert send_recognition_prompts(deps) == 1

    ((_key, _who, payload),) = _rows(any_uow_factory, "recognition-prompt:")
    assert '"bo"' in payload and '"cy"' in payload and '"ana"' not in payload


def test_a_manager_with_recognition_prompts_off_gets_no_weekly_prompt_and_no_pulse_nudge(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    clock = FakeClock(MONDAY + timedelta(weeks=8, hours=2))
    deps, ws = _team(any_uow_factory, clock)
    command_reply(deps, ws, "mia", "kudos-prompts off")
    opened = open_round(deps, ws)
    assert opened.pulse is not None
    send_due_invites(deps)
    close_round(deps, ws, opened.pulse.id)

    prompts = send_recognition_prompts(deps)
    nudges = suggest_thanks_after_pulse(deps, ws, opened.pulse.id)

    assert (prompts, nudges) == (0, 0)
    assert _rows(any_uow_factory, "recognition-prompt:") == []
    assert _rows(any_uow_factory, "kudos-nudge:") == []
    command_reply(deps, ws, "mia", "kudos-prompts on")
    assert send_recognition_prompts(deps) == 1, "the job runs for a manager who says yes"


def test_the_digest_never_suggests_thanking_someone_who_turned_manager_notes_off(
        uow_factory: SqlUnitOfWorkFactory) -> None:
    w = build_digest_world(uow_factory)
    w.run_week(0, declining, lambda *_: None)
    for pid in ("plat2", "plat3", "plat4", "plat5", "plat6", "plat7"):
        command_reply(w.deps, w.ws, pid, "kudos-notices off")
    give_kudos(w.deps, w.ws, "oli", ["plat0"], "thanks for the on-call cover")
    w.monday_nine(1)

    send_due_digests(w.deps)

    with w.factory() as uow:
        named = set(uow.session.scalars(select(SuggestionRow.target_id).where(
            SuggestionRow.manager_id == "mia", SuggestionRow.kind == Kind.RECOGNITION_GAP.value)))
    assert named == {"plat1"}
    (digest,) = [p for _k, who, p in _rows(w.factory, "digest:") if who == "mia"]
    assert not any(f'"plat{i}"' in digest for i in range(2, 8))
    assert json.loads(digest)
