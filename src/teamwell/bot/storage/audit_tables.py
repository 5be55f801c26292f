"""The audit log's tables (kept apart from tables.py, which is already long).

audit_log is append-only: migration 0007 adds triggers that abort any UPDATE or DELETE (and, on
PostgreSQL, TRUNCATE). People appear in it only as pseudonyms from audit_pseudonyms.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from teamwell.bot.storage.tables import ID, Base
from teamwell.bot.storage.types import UTCDateTime


class AuditLogRow(Base):
    """One audit entry; the id (a sequence) gives the order entries were written in."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    workspace_id: Mapped[str] = mapped_column(ID)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text)  # JSON; never a person's id, name or email
    __table_args__ = (Index("ix_audit_log_workspace_at", "workspace_id", "at"),)


class AuditPseudonymRow(Base):
    """A person's random audit pseudonym; deleting the row (erasure) unlinks their entries."""

    __tablename__ = "audit_pseudonyms"
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    person_id: Mapped[str] = mapped_column(ID, primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(32))
    __table_args__ = (
        UniqueConstraint("workspace_id", "pseudonym", name="uq_audit_pseudonyms_pseudonym"),
    )
