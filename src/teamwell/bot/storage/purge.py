"""Clean-up that must run outside a transaction: purging dead row versions after a deletion.

A deleted or rewritten row is not gone at commit: PostgreSQL keeps the old version until VACUUM,
and SQLite keeps the old page in its write-ahead log until a checkpoint. Closing a pulse round
deletes its token key and rewrites its answers, so both are purged right after that commit; so
is what the nightly retention job deleted.
"""

from __future__ import annotations

import logging
import sqlite3

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

PULSE_TABLES = ("pulse_round_keys", "pulse_answers", "pulse_comments")
# What the nightly retention job empties or deletes (see retention_repo.py).
RETENTION_TABLES = ("outbox", "pulse_comments", "onboarding_checkins", "processed_events",
                    "slack_inbox", "person_accounts")


def run_after_commit(bind: Engine | Connection, tasks: set[str]) -> None:
    """Run the clean-up tasks a unit of work asked for (best effort: failures are logged)."""
    if "purge_pulse_history" in tasks:
        purge_history(bind.engine, PULSE_TABLES)
    if "purge_retention" in tasks:
        purge_history(bind.engine, RETENTION_TABLES)


def purge_history(engine: Engine, tables: tuple[str, ...]) -> None:
    """Remove dead row versions of tables (PostgreSQL VACUUM, SQLite WAL checkpoint)."""
    try:
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                auto = conn.execution_options(isolation_level="AUTOCOMMIT")
                for table in tables:
                    auto.exec_driver_sql(f"VACUUM {table}")
            return
        # secure_delete already zeroes freed pages; the WAL still holds old copies. A checkpoint
        # cannot run inside a transaction, and every SQLAlchemy connection begins one.
        raw = engine.raw_connection()
        try:
            busy, _log, _done = raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy:
                log.warning("WAL checkpoint after a deletion was blocked by a reader")
        finally:
            raw.close()
    except (SQLAlchemyError, sqlite3.Error) as exc:
        log.warning("could not purge old row versions of %s: %s", ", ".join(tables), exc)
