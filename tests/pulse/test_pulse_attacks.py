"""Attacks on pulse anonymity through the database and the results, on SQLite and PostgreSQL.

Each test names the attack it defeats.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Date, inspect, select, text

from teamwell.bot.storage.tables import Base, PulseAnswerRow, PulseRoundKeyRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock
from teamwell.core.pulse import answer_token
from teamwell.handlers.pulse_answers import record_answer, record_pulse_comment
from teamwell.handlers.pulse_results import team_results
from teamwell.handlers.pulse_rounds import close_round
from tests.pulse.pulse_world import (
    FOUR,
    MONDAY,
    SEVEN,
    PulseWorld,
    answer_values,
    build_pulse_world,
)


@pytest.fixture
def world(any_uow_factory: SqlUnitOfWorkFactory) -> PulseWorld:
    return build_pulse_world(any_uow_factory, FakeClock(MONDAY))


def _everyone_answers(w: PulseWorld, people: tuple[str, ...], pick: int = 2) -> None:
    for person in people:
        for values in answer_values(w.pulse_to(person)).values():
            record_answer(w.deps, w.ws, person, values[pick])
        w.later(hours=1)


def _person_columns() -> dict[str, list[str]]:
    tables = ("pulse_answers", "pulse_comments")
    return {t: [c.name for c in Base.metadata.tables[t].columns] for t in tables}


def test_database_inspection_finds_no_column_naming_a_person(world: PulseWorld) -> None:
    columns = _person_columns()

    assert columns["pulse_answers"] == ["workspace_id", "round_id", "token", "question_id",
                                        "dimension", "team_id", "answered_on", "value"]
    assert columns["pulse_comments"] == ["workspace_id", "round_id", "token", "team_id", "body",
                                         "sentiment", "sentiment_label", "stress"]
    assert isinstance(Base.metadata.tables["pulse_answers"].c.answered_on.type, Date)


def test_database_inspection_after_close_cannot_link_a_token_to_anyone(world: PulseWorld) -> None:
    pulse = world.open("Platform")
    _everyone_answers(world, SEVEN)
    record_pulse_comment(world.deps, world.ws, "ada", pulse.id, "More focus time please")
    with world.factory() as uow:
        key = uow.pulses.round_key(world.ws, pulse.id)
    assert key is not None

    assert close_round(world.deps, world.ws, pulse.id)

    with world.factory() as uow:
        assert uow.pulses.round_key(world.ws, pulse.id) is None
        assert uow.session.scalars(select(PulseRoundKeyRow)).all() == []
        tokens = set(uow.session.scalars(select(PulseAnswerRow.token)))
        dump = _every_value_outside_pulse_tables(uow.session)
    assert len(tokens) == 7
    # Nothing that knows a person holds a token, and without the key none can be recomputed.
    assert not any(tok in value for tok in tokens for value in dump)
    assert {answer_token(key, p) for p in SEVEN} == tokens  # (only the destroyed key links them)


def _every_value_outside_pulse_tables(session: object) -> list[str]:
    values: list[str] = []
    conn = session.connection()  # type: ignore[attr-defined]
    for name in inspect(conn).get_table_names():
        if name in ("pulse_answers", "pulse_comments", "alembic_version"):
            continue
        for row in conn.execute(text(f"SELECT * FROM {name}")):
            values.extend(str(v) for v in row if v is not None)
    return values


def test_a_deleted_key_is_not_left_in_the_sqlite_file_or_its_log(tmp_path: Path,
                                                                  sqlite_url: str) -> None:
    from teamwell.bot.storage.engine import make_engine

    engine = make_engine(sqlite_url)
    w = build_pulse_world(SqlUnitOfWorkFactory(engine), FakeClock(MONDAY))
    pulse = w.open("Platform")
    _everyone_answers(w, SEVEN[:5])
    with w.factory() as uow:
        key = uow.pulses.round_key(w.ws, pulse.id)
    assert key is not None

    db_file = Path(sqlite_url.removeprefix("sqlite:///"))
    files = list(db_file.parent.glob(db_file.name + "*"))
    assert key.hex().encode() in b"".join(p.read_bytes() for p in files)

    close_round(w.deps, w.ws, pulse.id)

    # Read while the engine is still open, as on a running server (closing it would
    # checkpoint the log anyway and hide a missing purge).
    raw = b"".join(p.read_bytes() for p in db_file.parent.glob(db_file.name + "*"))
    engine.dispose()
    assert key.hex().encode() not in raw


def test_timing_attack_answer_order_cannot_be_recovered_after_close(world: PulseWorld) -> None:
    pulse = world.open("Platform")
    order = list(reversed(SEVEN))
    _everyone_answers(world, tuple(order))  # an hour apart, in a known order
    with world.factory() as uow:
        key = uow.pulses.round_key(world.ws, pulse.id)
    assert key is not None
    arrival = [answer_token(key, p) for p in order]

    close_round(world.deps, world.ws, pulse.id)

    with world.factory() as uow:
        conn = uow.session.connection()
        if conn.dialect.name == "postgresql":
            rows = conn.execute(text("SELECT token, xmin::text FROM pulse_answers "
                                     "ORDER BY ctid")).all()
            assert len({xmin for _, xmin in rows}) == 1  # one rewrite, one transaction
        else:
            with pytest.raises(Exception, match="rowid"):
                conn.execute(text("SELECT rowid FROM pulse_answers")).all()
            rows = conn.execute(text("SELECT token, 0 FROM pulse_answers")).all()
        stored = list(dict.fromkeys(tok for tok, _ in rows))
        days = set(uow.session.scalars(select(PulseAnswerRow.answered_on)))
    assert stored == sorted(stored) and stored != arrival  # storage order is token order
    assert all(isinstance(d, date) for d in days) and len(days) <= 2  # dates, no times


def test_a_team_of_four_inside_a_department_is_never_shown_nor_derivable(
        world: PulseWorld) -> None:
    pulse = world.open()
    _everyone_answers(world, SEVEN, pick=4)
    _everyone_answers(world, FOUR, pick=0)
    close_round(world.deps, world.ws, pulse.id)

    results = {g.group.label: g for g in team_results(world.deps, world.ws).groups}

    assert not results["Design"].shown
    # Engineering (11) minus Platform (7) would be Design's four: only one of them is shown.
    assert results["Engineering"].shown != results["Platform"].shown
    shown = [g for g in results.values() if g.shown]
    for g in shown:
        for other in shown:
            diff = abs(g.respondents - other.respondents)
            assert diff == 0 or diff >= 5, (g.group.label, other.group.label)


def test_a_manager_sees_their_team_and_nothing_of_a_sibling(world: PulseWorld) -> None:
    pulse = world.open()
    _everyone_answers(world, SEVEN + FOUR)
    close_round(world.deps, world.ws, pulse.id)

    labels = [g.group.label for g in team_results(world.deps, world.ws, "Platform").groups]

    assert labels == ["Platform"]


def test_results_are_empty_while_the_round_is_open(world: PulseWorld) -> None:
    world.open("Platform")
    _everyone_answers(world, SEVEN)

    results = team_results(world.deps, world.ws, "Platform")

    assert results.week is None and results.groups == ()


def test_a_second_round_in_the_same_week_asks_nobody_twice(world: PulseWorld) -> None:
    world.open("Platform")

    again = __import__("teamwell.handlers.pulse_rounds", fromlist=["open_round"]).open_round(
        world.deps, world.ws, None)

    assert again.invited == len(FOUR)
    assert again.left_out == {"asked this week already": len(SEVEN)}
    world.later(days=7)
    assert timedelta(days=7)  # next week everyone can be asked again
