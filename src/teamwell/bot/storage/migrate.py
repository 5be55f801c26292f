"""Alembic migrations, run from the installed package (`teamwell db upgrade`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text

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
