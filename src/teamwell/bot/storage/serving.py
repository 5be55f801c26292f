"""Which workspaces scheduled jobs look at: those not uninstalled (see workspace_state.py)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute

from teamwell.bot.storage.tables import WorkspaceRow


def serving(workspace_id: InstrumentedAttribute[str]) -> ColumnElement[bool]:
    """A condition on a workspace id column: the workspace has not been uninstalled."""
    return workspace_id.not_in(select(WorkspaceRow.id).where(WorkspaceRow.uninstalled_at
                                                             .is_not(None)))
