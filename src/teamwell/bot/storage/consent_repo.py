"""People's choices in SQL: pulse_preferences (pulses) and recognition_preferences (the rest)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from teamwell.bot.storage.tables import PulsePreferenceRow, RecognitionPreferenceRow
from teamwell.core.consent import DEFAULT, Consents, Feature

_RECOGNITION = {Feature.CELEBRATIONS: "celebrations_opt_out", Feature.BIRTHDAY: "birthday_opt_in",
                Feature.MANAGER_NOTES: "manager_notices", Feature.KUDOS_PROMPTS: "manager_prompts"}
# Columns that store "left out" rather than "taking part".
_INVERTED = frozenset({"celebrations_opt_out"})


def _consents(pulse: PulsePreferenceRow | None,
              recognition: RecognitionPreferenceRow | None) -> Consents:
    found = DEFAULT
    if pulse is not None:
        found = found.with_choice(Feature.PULSES, not pulse.opted_out)
    if recognition is not None:
        for feature, column in _RECOGNITION.items():
            value = bool(getattr(recognition, column))
            found = found.with_choice(feature, not value if column in _INVERTED else value)
    return found


class SqlConsents:
    def __init__(self, session: Session) -> None:
        self.s = session

    def of(self, workspace_id: str, person_id: str) -> Consents:
        """The person's choices (defaults when never set)."""
        key = (workspace_id, person_id)
        return _consents(self.s.get(PulsePreferenceRow, key),
                         self.s.get(RecognitionPreferenceRow, key))

    def in_workspace(self, workspace_id: str) -> dict[str, Consents]:
        """Every stored person's choices, by person id (others have the defaults)."""
        pulses = {r.person_id: r for r in self.s.scalars(select(PulsePreferenceRow).where(
            PulsePreferenceRow.workspace_id == workspace_id))}
        recognition = {r.person_id: r for r in self.s.scalars(
            select(RecognitionPreferenceRow).where(
                RecognitionPreferenceRow.workspace_id == workspace_id))}
        return {pid: _consents(pulses.get(pid), recognition.get(pid))
                for pid in pulses.keys() | recognition.keys()}

    def choose(self, workspace_id: str, person_id: str, feature: Feature, on: bool) -> None:
        """Store one of the person's choices."""
        if feature is Feature.PULSES:
            row = self.s.get(PulsePreferenceRow, (workspace_id, person_id))
            if row is None:
                self.s.add(PulsePreferenceRow(workspace_id=workspace_id, person_id=person_id,
                                              opted_out=not on, on_leave_until=None))
            else:
                row.opted_out = not on
            self.s.flush()
            return
        rec = self.s.get(RecognitionPreferenceRow, (workspace_id, person_id))
        if rec is None:
            rec = RecognitionPreferenceRow(workspace_id=workspace_id, person_id=person_id,
                                           manager_notices=True, birthday_opt_in=False,
                                           celebrations_opt_out=False, manager_prompts=True)
            self.s.add(rec)
        column = _RECOGNITION[feature]
        setattr(rec, column, not on if column in _INVERTED else on)
        self.s.flush()
