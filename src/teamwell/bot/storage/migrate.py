"""Alembic migrations, run from the installed package (`teamwell db upgrade`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from teamwell.bot.storage.engine import make_engine

HERE = Path(__file__).resolve().parent
MIGRATION_LOCK = 7_340_112_001  # any constant; shared by every Teamwell process


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at the packaged migrations and the given database."""
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database schema up to revision (one process at a time on PostgreSQL)."""
    if not url.startswith("postgresql"):
        # SQLite: BEGIN IMMEDIATE already serialises writers, DDL included.
        command.upgrade(alembic_config(url), revision)
        return
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            # Several replicas starting at once would race on the same DDL otherwise.
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            try:
                command.upgrade(alembic_config(url), revision)
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
    finally:
        engine.dispose()


def downgrade(url: str, revision: str) -> None:
    """Take the database schema down to revision."""
    command.downgrade(alembic_config(url), revision)


@cache
def packaged_heads() -> frozenset[str]:
    """The head revision(s) of the migrations shipped with this code."""
    return frozenset(ScriptDirectory(str(HERE / "migrations")).get_heads())


def database_heads(conn: Connection) -> frozenset[str]:
    """The revision(s) the database's schema is at (empty before the first upgrade)."""
    return frozenset(MigrationContext.configure(conn).get_current_heads())
