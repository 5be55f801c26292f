"""Who asked to be forgotten, as keyed hashes: the ForgottenAccounts port over SQL.

A row holds HMAC-SHA256 of the workspace, the kind ("email", "slack", "teams", "teams-aad")
and the value, never the value itself. New rows are keyed by the first TEAMWELL_SECRET_KEY
when it is set, else by a random salt the database keeps in `forgotten_salt` (made by migration
0010). With the salt only, someone who can read the database and holds a list of candidate
emails could test whether one of them was forgotten; with TEAMWELL_SECRET_KEY they also need
the key. Lookups try every configured key and the salt, so setting the key later, or putting a
new key first, keeps earlier rows recognised as long as the old key stays listed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import date

from sqlalchemy import Integer, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from teamwell.bot.storage.tables import ID, Base
from teamwell.bot.storage.upsert import insert_ignore
from teamwell.core.data_rights import account_value

# Domain separation: the same secret may also key token encryption; never use it raw here.
PURPOSE = b"teamwell forgotten accounts v1"
SALT_ROW = 1


class ForgottenAccountRow(Base):
    """A keyed hash of a forgotten person's email or platform user id, and the day they asked."""

    __tablename__ = "forgotten_accounts"
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    forgotten_on: Mapped[date]


class ForgottenSaltRow(Base):
    """The database's own random HMAC key for forgotten_accounts (one row)."""

    __tablename__ = "forgotten_salt"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    salt: Mapped[str] = mapped_column(String(64))


def secret_key(secret: str) -> bytes:
    """The HMAC key derived from one TEAMWELL_SECRET_KEY key."""
    return hmac.new(secret.encode("utf-8"), PURPOSE, hashlib.sha256).digest()


class SqlForgottenAccounts:
    """The ForgottenAccounts port over SQL (see the module docstring for the keys)."""

    def __init__(self, session: Session, keys: Sequence[str] = ()) -> None:
        self.s = session
        self._secrets = [secret_key(k) for k in keys if k]
        self._salt: bytes | None = None

    def _keys(self) -> list[bytes]:
        """The key new rows are written with first, then any other key rows may carry."""
        if self._salt is None:
            found = self.s.scalar(select(ForgottenSaltRow.salt).where(
                ForgottenSaltRow.id == SALT_ROW))
            if found is None:
                # A database made without the migration's row: the first caller makes it.
                insert_ignore(self.s, ForgottenSaltRow, {"id": SALT_ROW,
                                                         "salt": secrets.token_hex(32)})
                found = self.s.scalar(select(ForgottenSaltRow.salt).where(
                    ForgottenSaltRow.id == SALT_ROW))
            self._salt = bytes.fromhex(str(found))
        return [*self._secrets, self._salt]

    def _digests(self, workspace_id: str, kind: str, value: str) -> list[str]:
        message = "\x00".join((workspace_id, kind, account_value(kind, value))).encode("utf-8")
        return [hmac.new(key, message, hashlib.sha256).hexdigest() for key in self._keys()]

    def add(self, workspace_id: str, kind: str, value: str, on: date) -> None:
        """Remember that the owner of this email or account asked to be forgotten on a date."""
        if not value.strip():
            return
        insert_ignore(self.s, ForgottenAccountRow, {
            "workspace_id": workspace_id, "kind": kind,
            "digest": self._digests(workspace_id, kind, value)[0], "forgotten_on": on})

    def forgotten_on(self, workspace_id: str, kind: str, value: str) -> date | None:
        """When the owner of this email or account asked to be forgotten, or None."""
        if not value.strip():
            return None
        r = ForgottenAccountRow
        return self.s.scalar(select(r.forgotten_on).where(
            r.workspace_id == workspace_id, r.kind == kind,
            r.digest.in_(self._digests(workspace_id, kind, value)))
            .order_by(r.forgotten_on.desc()).limit(1))

    def remove(self, workspace_id: str, kind: str, value: str) -> int:
        """Forget that this email or account asked to be forgotten; returns rows removed."""
        if not value.strip():
            return 0
        r = ForgottenAccountRow
        done = self.s.execute(delete(r).where(
            r.workspace_id == workspace_id, r.kind == kind,
            r.digest.in_(self._digests(workspace_id, kind, value))))
        return max(int(getattr(done, "rowcount", 0) or 0), 0)
