"""`forget_person`: nothing of the person is left in any table, and aggregates do not move."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from teamwell.bot.slack.blocks import render_message
from teamwell.bot.storage.tables import OutboxRow, PulseInviteRow
from teamwell.core.audit import FORGOTTEN, Action
from teamwell.core.errors import UnknownPerson
from teamwell.core.messages import message_from_json
from teamwell.core.pulse import answer_token
from teamwell.handlers.audit import read_log
from teamwell.handlers.data_rights import export_person, forget_person
from teamwell.handlers.pulse_results import Results, team_results
from tests.rights.conftest import traces_in_database
from tests.rights.rights_world import YARROW, YARROW_CHECKIN, ZED, RightsWorld


def _results(world: RightsWorld, team: str | None) -> Results:
    found = team_results(world.deps, world.ws, team, world.closed_week)
    # Comments come in a fresh random order each time; the figures and texts must not change.
    return replace(found, groups=tuple(replace(g, comments=tuple(sorted(g.comments)))
                                       for g in found.groups))


def test_after_forgetting_no_table_holds_their_ids_name_or_email(
        any_world: RightsWorld) -> None:
    engine = any_world.factory.engine
    assert traces_in_database(engine, ZED.traces())  # the world does hold them at first

    forget_person(any_world.deps, any_world.ws, ZED.id, "cli")

    assert traces_in_database(engine, ZED.traces()) == []


def test_the_sqlite_file_and_its_log_hold_no_trace_after_forgetting(
        world: RightsWorld, sqlite_url: str) -> None:
    path = Path(sqlite_url.removeprefix("sqlite:///"))

    def left() -> list[str]:
        files = [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]
        raw = b"".join(p.read_bytes() for p in files).lower()
        return [t for t in ZED.traces() if t.lower().encode() in raw]

    assert left()
    forget_person(world.deps, world.ws, ZED.id, "cli")

    assert left() == []
    assert Path(f"{path}-wal").stat().st_size == 0  # checkpointed and truncated


def test_pulse_results_are_the_same_before_and_after_forgetting(any_world: RightsWorld) -> None:
    before = [_results(any_world, team) for team in ("Platform", "Design", None)]

    forget_person(any_world.deps, any_world.ws, ZED.id, "cli")

    after = [_results(any_world, team) for team in ("Platform", "Design", None)]
    assert after == before
    assert any(g.shown and g.respondents for r in before for g in r.groups)
    # A colleague's comment named Zephyrine: shown redacted before, and still after.
    assert any("Busy, but [name] helped a lot" in g.comments for r in before for g in r.groups)


def test_answers_in_an_open_round_still_count_but_no_longer_link_to_them(
        world: RightsWorld) -> None:
    week = world.open_round.week
    with world.factory() as uow:
        counts = uow.pulses.value_counts(world.ws, week), uow.pulses.respondents(world.ws, week)
        key = uow.pulses.round_key(world.ws, world.open_round.id)
    assert key is not None

    forget_person(world.deps, world.ws, ZED.id, "cli")

    with world.factory() as uow:
        assert (uow.pulses.value_counts(world.ws, week),
                uow.pulses.respondents(world.ws, week)) == counts
        assert uow.pulses.answers_of(world.ws, world.open_round.id,
                                     answer_token(key, ZED.id)) == {}
        invites = uow.session.scalars(select(PulseInviteRow.person_id).where(
            PulseInviteRow.round_id == world.open_round.id)).all()
    assert len(invites) == 13 and ZED.id not in invites


def test_the_other_persons_own_data_is_untouched(world: RightsWorld) -> None:
    before = export_person(world.deps, world.ws, YARROW.id, "cli")

    forget_person(world.deps, world.ws, ZED.id, "cli")

    after = export_person(world.deps, world.ws, YARROW.id, "cli")
    for section in ("accounts", "choices", "pulse_invitations", "weekly_digests_sent_to_you"):
        assert after[section] == before[section]
    assert after["profile"] == {**before["profile"], "buddy_recorded": False}
    assert after["onboarding"][0]["check_ins"][0]["comment"] == YARROW_CHECKIN
    assert len(after["kudos_given"]) == 2 and len(after["kudos_received"]) == 1
    # Kudos Zephyrine gave Yarrow stay, without text: the text was Zephyrine's.
    assert after["kudos_received"][0]["message"] == ""


def test_messages_to_others_keep_working_and_show_someone_instead_of_them(
        world: RightsWorld) -> None:
    forget_person(world.deps, world.ws, ZED.id, "cli")

    with world.factory() as uow:
        rows = uow.session.execute(select(OutboxRow.recipient_id, OutboxRow.payload)).all()
    messages = [message_from_json(json.loads(payload)) for _, payload in rows]
    rendered = json.dumps([render_message(m, lambda _pid: None) for m in messages])
    assert "Zephyrine" not in rendered and "[name]" in rendered and "someone" in rendered
    assert ZED.id not in {recipient for recipient, _ in rows}


def test_the_deletion_is_audited_and_the_log_no_longer_links_to_them(
        world: RightsWorld) -> None:
    report = forget_person(world.deps, world.ws, ZED.id, "cli")

    entries = read_log(world.deps, world.ws)
    deletion = [e for e in entries if e.entry.action is Action.DELETION]
    assert len(deletion) == 1 and deletion[0].actor == "cli"
    assert deletion[0].subject == FORGOTTEN
    assert deletion[0].entry.detail["deleted"] == sum(report.deleted.values())
    about_zed = [e for e in entries if FORGOTTEN in (e.actor, e.subject)]
    assert len(about_zed) == report.audit_entries >= 3  # a digest, a results view, the deletion


def test_what_remains_is_reported_in_aggregate_form(world: RightsWorld) -> None:
    report = forget_person(world.deps, world.ws, ZED.id, "cli")

    summary = report.summary()
    assert "1 kudos given and 2 received" in summary
    assert "2 pulse invitations" in summary
    assert "Anonymous pulse answers" in summary
    assert "Zephyrine" not in summary


def test_forgetting_someone_twice_or_unknown_is_refused(world: RightsWorld) -> None:
    forget_person(world.deps, world.ws, ZED.id, "cli")

    with pytest.raises(UnknownPerson):
        forget_person(world.deps, world.ws, ZED.id, "cli")
