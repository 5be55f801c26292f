"""What a people.csv import did, for the person who ran it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from teamwell.core.directory_csv import RowError


@dataclass(frozen=True, slots=True)
class NewHire:
    """Someone whose onboarding the import started."""

    person_id: str
    name: str
    start_date: date
    line: int


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did; errors are rows left out, warnings are rows imported with a caveat."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: tuple[RowError, ...] = ()
    warnings: tuple[RowError, ...] = ()
    onboarding: tuple[NewHire, ...] = ()

    @property
    def imported(self) -> int:
        """How many rows were imported."""
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        """A few lines for the person who ran the import."""
        if self.imported == 0 and any(e.line == 1 for e in self.errors):
            lines = ["Nothing imported: the header line needs fixing."]
        else:
            lines = [f"{self.imported} people imported: {self.created} new, {self.updated} "
                     f"updated, {self.unchanged} unchanged; "
                     f"{len({e.line for e in self.errors})} rows not imported."]
        lines += [f"error {e}" for e in self.errors]
        lines += [f"warning {w}" for w in self.warnings]
        lines += [f"onboarding starts for {h.name} on {h.start_date.isoformat()}"
                  for h in self.onboarding]
        return "\n".join(lines)
