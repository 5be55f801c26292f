"""What a platform's sender reads about accounts beyond one recipient: names, tenants, refs."""

from __future__ import annotations

import json
from collections.abc import Collection

from sqlalchemy import select

from teamwell.bot.storage.outbox_store import OutboxStore, _session
from teamwell.bot.storage.tables import PersonAccountRow, PersonRow, WorkspaceAccountRow


def names(store: OutboxStore, workspace_id: str, person_ids: Collection[str]) -> dict[str, str]:
    """Display names of the given people."""
    if not person_ids:
        return {}
    with _session(store.uow_factory) as s:
        rows = s.execute(select(PersonRow.id, PersonRow.name).where(
            PersonRow.workspace_id == workspace_id, PersonRow.id.in_(list(person_ids))))
        return {pid: name for pid, name in rows}


def workspace_external_id(store: OutboxStore, workspace_id: str) -> str | None:
    """The platform's id for the workspace (a Slack team id, a Teams tenant id)."""
    with _session(store.uow_factory) as s:
        return s.scalars(select(WorkspaceAccountRow.external_id).where(
            WorkspaceAccountRow.workspace_id == workspace_id,
            WorkspaceAccountRow.platform == store.platform)).first()


def reference_value(store: OutboxStore, workspace_id: str, key: str) -> str | None:
    """A value (e.g. serviceUrl) from any stored conversation reference in the workspace."""
    with _session(store.uow_factory) as s:
        refs = s.scalars(select(PersonAccountRow.conversation_ref).where(
            PersonAccountRow.workspace_id == workspace_id,
            PersonAccountRow.platform == store.platform,
            PersonAccountRow.conversation_ref.is_not(None)).limit(20))
        for raw in refs:
            try:
                value = json.loads(raw or "{}").get(key)
            except (ValueError, AttributeError):
                continue
            if value:
                return str(value)
    return None
