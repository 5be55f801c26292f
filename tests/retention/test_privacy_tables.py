"""docs/privacy.md names every table in the database, with what it holds, who sees it, how long."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

from sqlalchemy import inspect

import teamwell.bot.storage as storage
from teamwell.bot.storage.engine import make_engine
from teamwell.bot.storage.tables import Base

PRIVACY = Path(__file__).resolve().parents[2] / "docs" / "privacy.md"
HEADING = "## Every table:"


def _documented() -> dict[str, list[str]]:
    """The table's rows, by table name: its four cells."""
    lines = PRIVACY.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(HEADING))
    rows: dict[str, list[str]] = {}
    for line in lines[start + 1:]:
        if line.startswith("#"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        name = re.fullmatch(r"`([a-z_]+)`", cells[0]) if line.startswith("|") else None
        if name:
            rows[name.group(1)] = cells
    return rows


def _model_tables() -> set[str]:
    """Every table the code declares (any storage module may declare one)."""
    for module in pkgutil.iter_modules(storage.__path__):
        if module.name != "migrations":
            importlib.import_module(f"{storage.__name__}.{module.name}")
    return set(Base.metadata.tables)


def test_every_table_in_the_code_is_in_the_privacy_table_and_nothing_else_is() -> None:
    documented = set(_documented())

    declared = _model_tables()

    assert declared - documented == set(), "add these tables to docs/privacy.md"
    assert documented - declared == set(), "these are no tables (any more)"


def test_every_table_the_migrations_create_is_in_the_privacy_table(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    try:
        created = set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()

    assert created - set(_documented()) == set()


def test_each_documented_table_says_what_it_holds_who_sees_it_and_how_long() -> None:
    rows = _documented()

    incomplete = [name for name, cells in rows.items()
                  if len(cells) != 4 or not all(cells[1:])]

    assert incomplete == []
