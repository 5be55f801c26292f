"""The scheduled pulse over weeks, on both databases.

Twelve weeks from Monday 2026-03-02 are simulated once per database: the fake clock jumps from
one due moment to the next and every job runs at each. The tests read what people were asked
from pulse_invites and pulse_rounds, and what was sent from the outbox.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from teamwell.bot.storage.engine import make_engine
from teamwell.bot.storage.migrate import upgrade
from teamwell.bot.storage.tables import OutboxRow, PulseInviteRow, PulseRoundRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock
from teamwell.core.messages import message_from_json
from teamwell.core.people import Person
from teamwell.core.pulse import PulseInvite, PulsePreference, PulseRound, RoundStatus
from teamwell.core.pulse_rotation import coverage_weeks, rounds_per_cycle, week_monday
from teamwell.core.pulse_schedule import PulseSchedule
from teamwell.handlers.pulse_answers import record_answer, set_pulse_participation
from teamwell.handlers.pulse_delivery import send_due_invites, send_due_pulse_reminders
from teamwell.handlers.pulse_rounds import close_due_rounds, open_weekly_rounds
from teamwell.handlers.pulse_schedules import set_pulse_schedule
from teamwell.surveys.pulse_bank import ENPS, load_bank
from tests.conftest import _database_url
from tests.pulse.pulse_world import FOUR, SEVEN, PulseWorld, answer_values, build_pulse_world

START = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday, midnight UTC
WEEKS = 12
HOUR = timedelta(hours=1)
NEW_HIRE, HIRED = "nia", date(2026, 3, 16)  # Tokyo, Design
QUITTER, QUITS = "gus", datetime(2026, 3, 25, 12, tzinfo=UTC)  # London; Wednesday of week 4
LEAVER, LEAVE_SET, BACK = "di", datetime(2026, 4, 3, 12, tzinfo=UTC), date(2026, 4, 26)
BANK = load_bank()
ROTATING = {q.id for q in BANK.rotating()}
DIMENSIONS = {q.dimension.id for q in BANK.rotating()}
QUIET = PulseSchedule()
EVERYONE = (*SEVEN, *FOUR, NEW_HIRE)


@dataclass
class Log:
    """What twelve weeks left behind, read back from the database."""

    rounds: list[PulseRound]
    invites: dict[str, list[PulseInvite]]
    keys: Counter[str]
    queued_at: dict[str, datetime]
    answered: set[tuple[str, str]]
    closed_at: dict[str, datetime]
    counted: dict[date, dict[str, int]]
    zones: dict[str, ZoneInfo]
    teams: dict[str, str]

    def asked(self, person: str) -> list[tuple[PulseRound, PulseInvite]]:
        return [(r, i) for r in self.rounds for i in self.invites[r.id] if i.person_id == person]


def _answer_new_invites(w: PulseWorld, after: int, answered: set[tuple[str, str]]) -> int:
    with w.factory() as uow:
        rows = uow.session.scalars(select(OutboxRow).where(
            OutboxRow.seq > after, OutboxRow.idempotency_key.like("pulse:%"))).all()
        found = [(r.seq, str(r.recipient_id), r.idempotency_key.split(":")[1], r.payload)
                 for r in rows]
        weeks = {rid: uow.pulses.get_round(w.ws, rid) for _, _, rid, _ in found}
    for seq, person, rid, payload in found:
        after = max(after, seq)
        week = (weeks[rid].week - START.date()).days // 7  # type: ignore[union-attr]
        # Most people answer; who doesn't changes week by week. The quitter always answers.
        if person == QUITTER or (week + EVERYONE.index(person)) % 3:
            for values in answer_values(message_from_json(json.loads(payload))).values():
                record_answer(w.deps, w.ws, person, values[2])
            answered.add((rid, person))
    return after


def _next_moment(w: PulseWorld, now: datetime) -> datetime:
    """The next moment anything is due: an invitation, a reminder, a close, a Monday, an event."""
    i, r = PulseInviteRow, PulseRoundRow
    with w.factory() as uow:
        due = [uow.session.scalars(select(col).where(*where).order_by(col).limit(1)).first()
               for col, where in ((i.invite_at, (i.status == "pending",)),
                                  (i.remind_at, (i.status == "sent", i.reminded.is_(False),
                                                 i.remind_at.is_not(None))),
                                  (r.closes_at, (r.status == "open",)))]
    monday = datetime.combine(week_monday(now.date()) + timedelta(weeks=1), time(0), UTC)
    return min(m for m in (*due, monday, QUITS, LEAVE_SET) if m is not None and m > now)


def _simulate(factory: SqlUnitOfWorkFactory) -> Log:
    w = build_pulse_world(factory, FakeClock(START))
    with w.factory() as uow:
        uow.people.save(Person(NEW_HIRE, w.ws, "Nia", team_id=w.teams["Design"],
                               timezone="Asia/Tokyo", start_date=HIRED))
        uow.commit()
    answered: set[tuple[str, str]] = set()
    closed_at: dict[str, datetime] = {}
    seen = 0
    while (now := w.clock.now()) < START + timedelta(weeks=WEEKS):
        if now == QUITS:
            set_pulse_participation(w.deps, w.ws, QUITTER, False)
        if now == LEAVE_SET:
            with w.factory() as uow:
                uow.pulses.set_preference(w.ws, LEAVER, PulsePreference(on_leave_until=BACK))
                uow.commit()
        open_weekly_rounds(w.deps)
        if send_due_invites(w.deps):
            seen = _answer_new_invites(w, seen, answered)
        send_due_pulse_reminders(w.deps)
        with w.factory() as uow:
            due = [r.id for r in uow.pulses.due_closes(now)]
        assert close_due_rounds(w.deps) == len(due)
        closed_at.update(dict.fromkeys(due, now))
        w.clock.set(_next_moment(w, now))
    with w.factory() as uow:
        rounds = [r for k in range(WEEKS)
                  for r in uow.pulses.rounds_in_week(w.ws, START.date() + timedelta(weeks=k))]
        invites = {r.id: uow.pulses.invites(w.ws, r.id) for r in rounds}
        rows = uow.session.scalars(select(OutboxRow)).all()
        counted = {r.week: uow.pulses.invited(w.ws, r.week) for r in rounds}
        people = uow.people.list(w.ws)
        return Log(rounds, invites, Counter(r.idempotency_key for r in rows),
                   {r.idempotency_key: r.not_before for r in rows}, answered, closed_at,
                   counted, {p.id: p.zone for p in people},
                   {p.id: p.team_id or "" for p in people})


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def log(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Log:
    url = _database_url(request.param, tmp_path_factory.mktemp("weeks"))
    upgrade(url)
    engine = make_engine(url)
    try:
        return _simulate(SqlUnitOfWorkFactory(engine))
    finally:
        engine.dispose()


def _runs(log: Log, person: str) -> list[list[PulseRound]]:
    """The person's rounds, cut into runs of consecutive weeks."""
    runs: list[list[PulseRound]] = []
    for pulse, _ in log.asked(person):
        if runs and pulse.week - runs[-1][-1].week == timedelta(weeks=1):
            runs[-1].append(pulse)
        else:
            runs.append([pulse])
    return runs


def test_every_week_has_one_round_of_three_to_five_questions_closed_after_three_working_days(
        log: Log) -> None:
    assert [r.week for r in log.rounds] == [START.date() + timedelta(weeks=k)
                                            for k in range(WEEKS)]
    for r in log.rounds:
        assert 3 <= len(r.question_ids) <= 5
        assert r.status is RoundStatus.CLOSED and log.closed_at[r.id] == r.closes_at
        # Invited Tuesday 10:00 local: three working days later is Friday 10:00 (New York last).
        assert r.closes_at == max(i.invite_at for i in log.invites[r.id]) + timedelta(days=3)
        assert r.closes_at.astimezone(ZoneInfo("America/New_York")).strftime("%a %H:%M") \
            == "Fri 10:00"


def test_invitations_land_on_tuesday_at_ten_local_time_once_each_and_never_in_quiet_hours(
        log: Log) -> None:
    for r in log.rounds:
        for invite in log.invites[r.id]:
            local = invite.invite_at.astimezone(log.zones[invite.person_id])
            key = f"pulse:{r.id}:{invite.person_id}"
            assert (local.weekday(), local.time()) == (1, time(10, 0)), (r.week, invite)
            assert log.keys[key] == 1 and log.queued_at[key] == invite.invite_at
    for key, at in log.queued_at.items():
        person = key.rsplit(":", 1)[-1]
        local = at.astimezone(log.zones[person])
        assert local.weekday() < 5 and not QUIET.in_quiet_hours(local.time()), (key, local)


def test_one_reminder_at_most_and_only_to_people_who_had_not_answered(log: Log) -> None:
    reminders = 0
    for r in log.rounds:
        for invite in log.invites[r.id]:
            key = f"pulse-reminder:{r.id}:{invite.person_id}"
            count = log.keys[key]
            assert count == (0 if (r.id, invite.person_id) in log.answered else 1)
            if count:  # halfway: Wednesday at the pulse time, in the person's zone
                local = log.queued_at[key].astimezone(log.zones[invite.person_id])
                assert log.queued_at[key] == invite.remind_at
                assert local.strftime("%a %H:%M") == "Wed 10:00"
            reminders += count
    assert 0 < reminders < len(log.answered)  # both kinds of people were there


def test_no_rotating_question_repeats_before_every_one_has_been_asked(log: Log) -> None:
    for person in log.zones:
        for run in _runs(log, person):
            asked = [set(r.question_ids) & ROTATING for r in run]
            for i, first in enumerate(asked):
                for j in range(i + 1, len(asked)):
                    if first & asked[j]:
                        assert set().union(*asked[i:j]) == ROTATING, (person, run[i].week)
    full = [set(r.question_ids) & ROTATING for r, _ in log.asked("ada")]
    cycle = rounds_per_cycle(len(ROTATING), QUIET.per_round, weekly=1)  # 11 weeks
    assert len(full) == WEEKS and full[cycle:] == full[:WEEKS - cycle]  # repeats seen...
    assert set().union(*full[:cycle]) == ROTATING  # ...only after seeing them all


def test_every_round_asks_one_exhaustion_question_the_four_taking_turns(log: Log) -> None:
    weekly = [q.id for q in BANK.weekly()]
    rounds = sorted(log.rounds, key=lambda r: r.week)
    asked = [[q for q in r.question_ids if q in weekly] for r in rounds]

    assert all(len(ids) == 1 for ids in asked)
    assert {ids[0] for ids in asked[:4]} == set(weekly)
    assert all(a == b for a, b in zip(asked, asked[4:], strict=False))


def test_every_dimension_comes_round_within_the_coverage_span(log: Log) -> None:
    span = coverage_weeks(BANK, QUIET.per_round)
    windows = [(person, run[i:i + span]) for person in log.zones for run in _runs(log, person)
               for i in range(len(run) - span + 1)]
    for person, window in windows:
        asked = {BANK.get(q).dimension.id  # type: ignore[union-attr]
                 for r in window for q in r.question_ids if q in ROTATING}
        assert asked == DIMENSIONS, (person, window[0].week)
    assert len(windows) > WEEKS


def test_enps_is_asked_exactly_once_in_every_calendar_month(log: Log) -> None:
    enps = BANK.in_dimension(ENPS)[0].id
    by_month: dict[tuple[int, int], list[PulseRound]] = {}
    for r in log.rounds:
        by_month.setdefault((r.week + timedelta(days=1)).timetuple()[:2], []).append(r)
    assert {m: sum(enps in r.question_ids for r in rs) for m, rs in by_month.items()} \
        == {(2026, 3): 1, (2026, 4): 1, (2026, 5): 1}
    for person in log.zones:
        mine = {r.id for r, _ in log.asked(person)}
        for rounds in by_month.values():
            got = sum(enps in r.question_ids for r in rounds if r.id in mine)
            assert got <= 1
            if all(r.id in mine for r in rounds):
                assert got == 1, person


def test_the_new_hire_is_first_asked_in_the_first_round_on_or_after_day_thirty(log: Log) -> None:
    weeks = [r.week for r, _ in log.asked(NEW_HIRE)]

    first_allowed = HIRED + timedelta(days=30)  # Wednesday 15 April: the Tuesday after is 21st
    assert weeks[0] == date(2026, 4, 20) and weeks[0] + timedelta(days=1) >= first_allowed
    assert weeks == [r.week for r in log.rounds if r.week >= weeks[0]]


def test_someone_who_opts_out_in_week_four_is_never_asked_or_reminded_after(log: Log) -> None:
    weeks = [r.week for r, _ in log.asked(QUITTER)]

    assert weeks == [START.date() + timedelta(weeks=k) for k in range(4)]
    assert not [k for k, at in log.queued_at.items() if k.endswith(QUITTER) and at > QUITS]


def test_someone_on_leave_in_weeks_six_to_eight_is_neither_asked_nor_counted(log: Log) -> None:
    weeks = {r.week for r, _ in log.asked(LEAVER)}
    platform = log.teams["ada"]

    assert not weeks & {date(2026, 4, 6), date(2026, 4, 13), date(2026, 4, 20)}  # weeks 6-8
    assert {date(2026, 3, 30), date(2026, 4, 27)} <= weeks
    assert [log.counted[r.week][platform] for r in log.rounds] == [7] * 4 + [6] + [5] * 3 + [6] * 4
    assert [log.counted[r.week][log.teams["hal"]] for r in log.rounds] == [4] * 7 + [5] * 5
    for r in log.rounds:
        assert sum(log.counted[r.week].values()) == len(log.invites[r.id])


def _tick(w: PulseWorld, hours: int, step: timedelta = HOUR, twice: bool = False) -> list[int]:
    done: list[int] = []
    for _ in range(int(hours * HOUR / step)):
        for _ in range(2 if twice else 1):
            done += [open_weekly_rounds(w.deps), send_due_invites(w.deps),
                     send_due_pulse_reminders(w.deps)]
        w.clock.advance(step)
    return done


def _pulse_keys(w: PulseWorld) -> Counter[str]:
    with w.factory() as uow:
        return Counter(uow.session.scalars(select(OutboxRow.idempotency_key).where(
            OutboxRow.idempotency_key.like("pulse%"))))


def test_a_scheduler_tick_that_fires_twice_opens_one_round_and_asks_each_person_once(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    w = build_pulse_world(any_uow_factory, FakeClock(START))

    done = _tick(w, 3 * 24, twice=True)

    with w.factory() as uow:
        (pulse,) = uow.pulses.rounds_in_week(w.ws, START.date())
        invites = uow.pulses.invites(w.ws, pulse.id)
    keys = _pulse_keys(w)
    assert sum(done[0::3]) == 1 and sum(done[1::3]) == 11 and sum(done[2::3]) == 11
    assert len(invites) == 11 and set(keys.values()) == {1}
    assert sorted(k.split(":")[0] for k in keys) == ["pulse"] * 11 + ["pulse-reminder"] * 11


def test_no_round_is_opened_once_the_pulse_day_has_passed_that_week(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    w = build_pulse_world(any_uow_factory, FakeClock(START + timedelta(days=2)))  # back Wed

    done = _tick(w, 5 * 24)

    with w.factory() as uow:
        assert uow.pulses.rounds_in_week(w.ws, START.date()) == []
    assert sum(done) == 0 and not _pulse_keys(w)
    assert open_weekly_rounds(w.deps) == 1  # Monday: the next week's round opens as usual


def test_a_team_with_its_own_schedule_is_asked_on_thursday_at_half_past_nine_local(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    w = build_pulse_world(any_uow_factory, FakeClock(START))
    set_pulse_schedule(w.deps, w.ws, "Design", (3, time(9, 30)))

    _tick(w, 5 * 24, step=timedelta(minutes=30))

    with w.factory() as uow:
        (pulse,) = uow.pulses.rounds_in_week(w.ws, START.date())
        invites = uow.pulses.invites(w.ws, pulse.id)
        people = {p.id: p for p in uow.people.list(w.ws)}
        queued = {r.idempotency_key: r.not_before for r in uow.session.scalars(
            select(OutboxRow).where(OutboxRow.idempotency_key.like("pulse:%")))}
    when = {i.person_id: i.invite_at.astimezone(people[i.person_id].zone).strftime("%a %H:%M")
            for i in invites}
    assert when == {**dict.fromkeys(SEVEN, "Tue 10:00"), **dict.fromkeys(FOUR, "Thu 09:30")}
    assert all(queued[f"pulse:{pulse.id}:{i.person_id}"] == i.invite_at for i in invites)
