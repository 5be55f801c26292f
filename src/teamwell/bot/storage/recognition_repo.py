"""Kudos and recognition preferences, in SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from teamwell.bot.storage.tables import KudosReceiverRow, KudosRow, RecognitionPreferenceRow
from teamwell.bot.storage.upsert import upsert
from teamwell.core.kudos import Kudos


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

    def manager_notices(self, workspace_id: str, person_id: str) -> bool:
        """Whether the person's manager hears about kudos they receive (default yes)."""
        row = self.s.get(RecognitionPreferenceRow, (workspace_id, person_id))
        return True if row is None else row.manager_notices

    def set_manager_notices(self, workspace_id: str, person_id: str, on: bool) -> None:
        """Turn the manager notices about this person's kudos on or off."""
        upsert(self.s, RecognitionPreferenceRow, {"workspace_id": workspace_id,
                                                  "person_id": person_id,
                                                  "manager_notices": on})
