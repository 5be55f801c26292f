"""How deep and how old the outbox is, per platform and status, for the metrics page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select

from teamwell.bot.storage.outbox_store import FAILED, PENDING, SENDING
from teamwell.bot.storage.tables import OutboxRow, WorkspaceAccountRow

# Sent rows are history (the deliveries counter tells their rate), and counting them would
# grow with the table; these three are what an operator watches.
STATUSES = (PENDING, SENDING, FAILED)


@dataclass(frozen=True, slots=True)
class Depth:
    """Rows of one platform in one status, and when the oldest of them was queued."""

    platform: str
    status: str
    count: int
    oldest: datetime | None


def outbox_depth(engine: Engine) -> list[Depth]:
    """Every platform with a workspace, each status in STATUSES (zeros included)."""
    # The platform is the workspace's (a row's own column is only set once claimed).
    grouped = (select(WorkspaceAccountRow.platform, OutboxRow.status, func.count(),
                      func.min(OutboxRow.created_at))
               .join(WorkspaceAccountRow,
                     WorkspaceAccountRow.workspace_id == OutboxRow.workspace_id)
               .where(OutboxRow.status.in_(STATUSES))
               .group_by(WorkspaceAccountRow.platform, OutboxRow.status))
    with engine.connect() as conn:
        platforms = list(conn.scalars(select(WorkspaceAccountRow.platform).distinct()))
        found = {(platform, status): (int(n), oldest)
                 for platform, status, n, oldest in conn.execute(grouped)}
    return [Depth(platform, status, *found.get((platform, status), (0, None)))
            for platform in sorted(platforms) for status in STATUSES]
