"""Kudos and recognition preferences, in SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from teamwell.bot.storage.tables import (
    CelebrationSentRow,
    KudosReceiverRow,
    KudosRow,
    RecognitionPreferenceRow,
)
from teamwell.bot.storage.upsert import insert_ignore
from teamwell.core.kudos import Kudos
from teamwell.core.recognition_stats import KudosRecord


class SqlRecognition:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add_kudos(self, kudos: Kudos) -> None:
        """Store kudos and who received them."""
        self.s.add(KudosRow(workspace_id=kudos.workspace_id, id=kudos.id,
                            giver_id=kudos.giver_id, message=kudos.message,
                            value_id=kudos.value_id, public=kudos.public,
                            given_at=kudos.given_at))
        self.s.add_all(KudosReceiverRow(workspace_id=kudos.workspace_id, kudos_id=kudos.id,
                                        receiver_id=rid, given_at=kudos.given_at)
                       for rid in kudos.receiver_ids)
        self.s.flush()

    def given_between(self, workspace_id: str, giver_id: str, start: datetime,
                      end: datetime) -> int:
        """How many people the giver thanked in [start, end) (each receiver counts once)."""
        q = (select(func.count()).select_from(KudosReceiverRow)
             .join(KudosRow, (KudosRow.workspace_id == KudosReceiverRow.workspace_id)
                   & (KudosRow.id == KudosReceiverRow.kudos_id))
             .where(KudosRow.workspace_id == workspace_id, KudosRow.giver_id == giver_id,
                    KudosRow.given_at >= start, KudosRow.given_at < end))
        return int(self.s.scalar(q) or 0)

    def kudos_records(self, workspace_id: str, since: datetime) -> list[KudosRecord]:
        """One record per receiver of every kudos given since then, oldest first."""
        q = (select(KudosRow.giver_id, KudosReceiverRow.receiver_id, KudosRow.value_id,
                    KudosRow.given_at)
             .join(KudosRow, (KudosRow.workspace_id == KudosReceiverRow.workspace_id)
                   & (KudosRow.id == KudosReceiverRow.kudos_id))
             .where(KudosRow.workspace_id == workspace_id, KudosRow.given_at >= since)
             .order_by(KudosRow.given_at))
        return [KudosRecord(g, r, v, at) for g, r, v, at in self.s.execute(q)]

    def manager_notices(self, workspace_id: str, person_id: str) -> bool:
        """Whether the person's manager hears about kudos they receive (default yes)."""
        row = self.s.get(RecognitionPreferenceRow, (workspace_id, person_id))
        return True if row is None else row.manager_notices

    def set_manager_notices(self, workspace_id: str, person_id: str, on: bool) -> None:
        """Turn the manager notices about this person's kudos on or off."""
        self._set(workspace_id, person_id, manager_notices=on)

    def _set(self, workspace_id: str, person_id: str, **changes: bool) -> None:
        row = self.s.get(RecognitionPreferenceRow, (workspace_id, person_id))
        if row is None:
            row = RecognitionPreferenceRow(workspace_id=workspace_id, person_id=person_id,
                                           manager_notices=True, birthday_opt_in=False,
                                           celebrations_opt_out=False)
            self.s.add(row)
        for name, value in changes.items():
            setattr(row, name, value)
        self.s.flush()

    def celebration_choices(self, workspace_id: str) -> dict[str, tuple[bool, bool]]:
        """(birthday opt-in, celebrations opt-out) per person who set either."""
        q = select(RecognitionPreferenceRow).where(
            RecognitionPreferenceRow.workspace_id == workspace_id)
        return {r.person_id: (r.birthday_opt_in, r.celebrations_opt_out)
                for r in self.s.scalars(q)}

    def set_birthday_opt_in(self, workspace_id: str, person_id: str, on: bool) -> None:
        """Whether the person's birthday is celebrated (never without their say-so)."""
        self._set(workspace_id, person_id, birthday_opt_in=on)

    def set_celebrations_opt_out(self, workspace_id: str, person_id: str, out: bool) -> None:
        """Whether the person is left out of every celebration."""
        self._set(workspace_id, person_id, celebrations_opt_out=out)

    def mark_celebrated(self, workspace_id: str, key: str, now: datetime) -> bool:
        """Record a celebration as posted; False when it already was."""
        return insert_ignore(self.s, CelebrationSentRow, {"workspace_id": workspace_id,
                                                          "key": key, "sent_at": now})
