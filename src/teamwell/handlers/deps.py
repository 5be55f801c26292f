"""What every use case is handed: storage, the clock and the survey data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from teamwell.core.clock import Clock
from teamwell.core.ports import UnitOfWorkFactory
from teamwell.core.pulse import PulseConfig
from teamwell.core.recognition import RecognitionConfig
from teamwell.core.retention import RetentionConfig
from teamwell.surveys.pulse_bank import QuestionBank, load_bank
from teamwell.surveys.values import CompanyValues, load_values

if TYPE_CHECKING:
    from teamwell.surveys.onboarding import SequenceLibrary


@dataclass(frozen=True)
class Deps:
    """Injected into every handler; the edge builds one at start-up."""

    uow: UnitOfWorkFactory
    clock: Clock
    sequences: SequenceLibrary
    pulse: PulseConfig = field(default_factory=PulseConfig)
    questions: QuestionBank = field(default_factory=load_bank)
    recognition: RecognitionConfig = field(default_factory=RecognitionConfig)
    values: CompanyValues = field(default_factory=load_values)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    # TEAMWELL_ADMINS, lowercased: these people get the admin role (see handlers/roles.py).
    admins: frozenset[str] = frozenset()
