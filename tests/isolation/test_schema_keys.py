"""Every table keys its rows by workspace: workspace_id is in its primary key or a unique key.

Then two workspaces can hold rows with the same natural key (the same email, the same team
name, the same event id) without one overwriting or blocking the other. Checked on the
migrated database of each kind (what production runs) and on the models (what code assumes).
"""

from __future__ import annotations

from sqlalchemy import Engine, UniqueConstraint, inspect

from teamwell.bot.storage import audit_tables  # noqa: F401 - registers the audit tables
from teamwell.bot.storage.engine import make_engine
from teamwell.bot.storage.tables import Base

# Tables without workspace_id in any key, each for a stated reason.
EXCEPTIONS = {
    # Alembic's own one-row marker of the schema revision: about the database, not a tenant.
    "alembic_version": "migration marker",
    # The tenants themselves: the primary key `id` is the workspace id.
    "workspaces": "is the workspace",
    # Which workspace a Slack team or Teams tenant is: the platform's id is global by nature,
    # and it is unique so that a team can never be two workspaces.
    "workspace_accounts": "maps platform ids to workspaces",
    # Verified Slack clicks stored before the 200, before anyone knows their workspace; the
    # worker resolves the workspace per click when it replays one (bot/slack/inbox.py).
    "slack_inbox": "raw clicks, workspace not yet known",
    # Append-only, ordered by a sequence; never looked up by key, always filtered by
    # workspace_id (indexed with the time: ix_audit_log_workspace_at).
    "audit_log": "append-only log keyed by a sequence",
    # slack_sdk's own installation store (migration 0009), keyed the way slack_sdk reads it: by
    # Slack's team (and Enterprise Grid) id, which workspace_accounts maps to one workspace.
    "slack_installations": "slack_sdk's table, keyed by Slack team id",
    "slack_bots": "slack_sdk's table, keyed by Slack team id",
    # An OAuth state is made before the install it protects: no workspace exists yet.
    "slack_oauth_states": "before any workspace exists",
    # The database's one random HMAC key for forgotten_accounts (migration 0010).
    "forgotten_salt": "one row for the whole database",
}
# Of those, the tables that still say which workspace a row belongs to.
SCOPED_EXCEPTIONS = {"workspace_accounts", "audit_log"}


def _db_keys(engine: Engine) -> dict[str, list[list[str]]]:
    found: dict[str, list[list[str]]] = {}
    insp = inspect(engine)
    for table in insp.get_table_names():
        keys = [list(insp.get_pk_constraint(table)["constrained_columns"])]
        keys += [[str(c) for c in u["column_names"]]
                 for u in insp.get_unique_constraints(table)]
        keys += [[str(c) for c in i["column_names"]] for i in insp.get_indexes(table)
                 if i["unique"]]
        found[table] = [k for k in keys if k]
    return found


def _db_columns(engine: Engine) -> dict[str, set[str]]:
    insp = inspect(engine)
    return {t: {c["name"] for c in insp.get_columns(t)} for t in insp.get_table_names()}


def _model_keys() -> dict[str, list[list[str]]]:
    found: dict[str, list[list[str]]] = {}
    for table in Base.metadata.sorted_tables:
        keys = [[c.name for c in table.primary_key.columns]]
        keys += [[c.name for c in u.columns] for u in table.constraints
                 if isinstance(u, UniqueConstraint)]
        keys += [[c.name for c in ix.columns] for ix in table.indexes if ix.unique]
        keys += [[c.name] for c in table.columns if c.unique]
        found[table.name] = keys
    return found


def _unkeyed(keys: dict[str, list[list[str]]]) -> set[str]:
    return {t for t, ks in keys.items() if not any("workspace_id" in k for k in ks)}


def test_every_table_of_the_migrated_database_keys_its_rows_by_workspace(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        keys = _db_keys(engine)
        columns = _db_columns(engine)
    finally:
        engine.dispose()

    unkeyed = _unkeyed(keys)

    assert unkeyed == set(EXCEPTIONS), (
        f"not keyed by workspace and not a listed exception: {sorted(unkeyed - set(EXCEPTIONS))}; "
        f"listed but keyed now (drop from EXCEPTIONS): {sorted(set(EXCEPTIONS) - unkeyed)}")
    assert {t for t in SCOPED_EXCEPTIONS if "workspace_id" not in columns[t]} == set()


def test_every_model_keys_its_rows_by_workspace_with_the_same_exceptions() -> None:
    keys = _model_keys()

    unkeyed = _unkeyed(keys)

    assert unkeyed == set(EXCEPTIONS) - {"alembic_version"}, sorted(unkeyed)
