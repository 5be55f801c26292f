"""Migration 0009 creates the installation tables exactly as the code declares them, and undoes."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from teamwell.bot.storage import slack_install_tables  # noqa: F401 - registers its tables
from teamwell.bot.storage.engine import make_engine
from teamwell.bot.storage.migrate import downgrade, upgrade
from teamwell.bot.storage.tables import Base

OURS = {"slack_installations", "slack_bots", "slack_oauth_states", "workspaces"}


def _touches_ours(diff: object) -> bool:
    text = repr(diff)
    return any(f"'{name}'" in text or f"{name}." in text for name in OURS)


def test_the_migrated_tables_match_what_the_code_declares(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()

    assert [d for d in diffs if _touches_ours(d)] == []


def test_0009_goes_down_to_0008_and_up_again(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        downgrade(db_url, "0008")
        down = inspect(engine)
        tables_down = set(down.get_table_names())
        columns_down = {c["name"] for c in down.get_columns("workspaces")}
        engine.dispose()
        upgrade(db_url)
        up = inspect(engine)
        tables_up = set(up.get_table_names())
        columns_up = {c["name"] for c in up.get_columns("workspaces")}
    finally:
        engine.dispose()

    assert OURS - {"workspaces"} <= tables_up and not (OURS - {"workspaces"}) & tables_down
    assert "uninstalled_at" in columns_up and "uninstalled_at" not in columns_down
