"""Reading a whole workspace back from the database: its rows, its identifiers, and leaks.

Tables are reflected from the migrated database (not the models), so a table a migration adds
is scanned without anyone remembering to list it here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, Table, inspect, select

from tests.isolation.world import MARK

Rows = dict[str, list[tuple[Any, ...]]]
# Ids the bot makes (uuid4 hex, hashes, pseudonyms, answer tokens): never the same twice.
_MINTED = re.compile(r"[0-9a-f]{16,}")
# Tables with rows of no workspace (see test_schema_keys for why each has none).
UNSCOPED = frozenset({"alembic_version", "slack_inbox", "slack_oauth_states", "forgotten_salt"})
# slack_sdk's tables name a Slack team, not a workspace: their rows go with the team's workspace.
BY_SLACK_TEAM = frozenset({"slack_installations", "slack_bots"})
PLATFORMS = frozenset({"slack", "teams", "teams-aad"})


def tables(engine: Engine) -> list[Table]:
    """Every table of the migrated database."""
    meta = MetaData()
    meta.reflect(engine, only=inspect(engine).get_table_names())
    return list(meta.sorted_tables)


def _scoped(table: Table, ws: str, every: dict[str, Table]) -> Any:
    if "workspace_id" in table.c:
        return select(table).where(table.c.workspace_id == ws)
    if table.name == "workspaces":
        return select(table).where(table.c.id == ws)
    if table.name in BY_SLACK_TEAM:
        accounts = every["workspace_accounts"].c
        return select(table).where(table.c.team_id.in_(select(accounts.external_id).where(
            accounts.workspace_id == ws, accounts.platform == "slack")))
    return None


def workspace_rows(conn: Connection, ws: str, chosen: list[Table]) -> Rows:
    """Every row of the workspace in these tables, table by table, in a stable order."""
    found: Rows = {}
    every = {t.name: t for t in chosen}
    for table in chosen:
        query = _scoped(table, ws, every)
        if query is None:
            assert table.name in UNSCOPED, f"{table.name} has no workspace_id column"
            continue
        found[table.name] = sorted((tuple(r) for r in conn.execute(query)), key=repr)
    return found


def identifiers(rows: Rows, ws: str, label: str) -> set[str]:
    """What only this workspace holds: minted ids, account ids and its marker word."""
    found = {ws, MARK[label]}
    for table, values in rows.items():
        for row in values:
            for value in row:
                if isinstance(value, str) and _MINTED.fullmatch(value):
                    found.add(value)
            if table in ("person_accounts", "workspace_accounts"):
                # Platform account ids (Slack U..., Teams 29:..., the team or tenant itself).
                found.update(v for v in row if isinstance(v, str) and v not in PLATFORMS
                             and len(v) < 100)
    return found


class Finder:
    """Finds any of a set of identifiers inside text (case-blind, as names and emails are)."""

    def __init__(self, needles: Iterable[str]) -> None:
        ordered = sorted(set(needles), key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(n) for n in ordered), re.IGNORECASE)

    def in_text(self, text: str) -> list[str]:
        """The identifiers found in text."""
        return sorted({m.group(0) for m in self.pattern.finditer(text)})

    def in_rows(self, rows: Rows) -> list[str]:
        """`table: identifier` for every row value that holds one."""
        return sorted({f"{table}: {hit}" for table, values in rows.items() for row in values
                       for value in row if value is not None
                       for hit in self.in_text(str(value))})


def snapshot(engine: Engine, ws: str) -> Rows:
    """The workspace's rows right now, in every table."""
    with engine.connect() as conn:
        return workspace_rows(conn, ws, tables(engine))


def changed(before: Rows, after: Rows) -> list[str]:
    """Tables whose rows differ between two snapshots."""
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))
