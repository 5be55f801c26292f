"""Whether Teamwell still serves a workspace: uninstalling stops its jobs, reinstalling resumes.

An uninstalled workspace (`workspaces.uninstalled_at` set) is left out of every scheduled job
(`serving.serving`, in the queries that find due work) and its queued messages fail at once
with a clear error; `teamwell outbox retry` queues them again after a reinstall. Its data stays.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from teamwell.bot.storage.outbox_store import FAILED, PENDING, UowFactory, _session
from teamwell.bot.storage.tables import OutboxRow, WorkspaceRow

UNINSTALLED = ("Teamwell was uninstalled from this workspace ({reason}); after a reinstall, "
               "`teamwell outbox retry` sends this message")


def mark_uninstalled(uow: UowFactory, workspace_id: str, now: datetime, reason: str) -> int:
    """Stop serving a workspace; its pending messages fail. Returns how many failed."""
    with _session(uow) as s:
        s.execute(update(WorkspaceRow).where(WorkspaceRow.id == workspace_id,
                                             WorkspaceRow.uninstalled_at.is_(None))
                  .values(uninstalled_at=now))
        # Rows being sent right now keep their claim: the courier fails them when it finds no
        # token, before calling the platform.
        failed = s.execute(update(OutboxRow).where(
            OutboxRow.workspace_id == workspace_id, OutboxRow.status == PENDING,
        ).values(status=FAILED, last_error=UNINSTALLED.format(reason=reason))
            .returning(OutboxRow.id)).all()
        s.commit()
    return len(failed)


def mark_installed(uow: UowFactory, platform: str, external_id: str, name: str) -> str:
    """Serve the platform workspace (again), creating it when new; its workspace id."""
    with uow() as unit:
        workspace_id = unit.workspaces.ensure(platform, external_id, name or external_id)
        unit.commit()
    with _session(uow) as s:
        s.execute(update(WorkspaceRow).where(WorkspaceRow.id == workspace_id)
                  .values(uninstalled_at=None))
        s.commit()
    return workspace_id


def uninstalled_at(uow: UowFactory, workspace_id: str) -> datetime | None:
    """When the workspace was uninstalled; None while it is served."""
    with _session(uow) as s:
        return s.scalar(select(WorkspaceRow.uninstalled_at).where(
            WorkspaceRow.id == workspace_id))
