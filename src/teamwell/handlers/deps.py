"""What every use case is handed: storage, the clock and the survey data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from teamwell.core.clock import Clock
from teamwell.core.ports import UnitOfWorkFactory

if TYPE_CHECKING:
    from teamwell.surveys.onboarding import SequenceLibrary


@dataclass(frozen=True)
class Deps:
    """Injected into every handler; the edge builds one at start-up."""

    uow: UnitOfWorkFactory
    clock: Clock
    sequences: SequenceLibrary
