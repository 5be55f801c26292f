"""The SQL unit of work: one session, one transaction, every repository."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from teamwell.bot.storage.audit_repo import SqlAuditLog
from teamwell.bot.storage.comment_scores_repo import SqlCommentScores
from teamwell.bot.storage.consent_repo import SqlConsents
from teamwell.bot.storage.digest_repo import SqlDigests
from teamwell.bot.storage.engine import make_session_factory
from teamwell.bot.storage.forgotten import SqlForgottenAccounts
from teamwell.bot.storage.onboarding_repo import SqlOnboardings
from teamwell.bot.storage.person_data import SqlPersonData
from teamwell.bot.storage.pulse_repo import SqlPulses
from teamwell.bot.storage.purge import run_after_commit
from teamwell.bot.storage.recognition_repo import SqlRecognition
from teamwell.bot.storage.repos import SqlEvents, SqlOutbox, SqlPeople, SqlTeams, SqlWorkspaces
from teamwell.bot.storage.retention_repo import SqlRetention
from teamwell.core.audit import AuditLog
from teamwell.core.consent import ConsentStore
from teamwell.core.data_rights import ForgottenAccounts, PersonData
from teamwell.core.ports import (
    CommentScores,
    Digests,
    Events,
    Onboardings,
    Outbox,
    People,
    Pulses,
    Recognition,
    Teams,
    Workspaces,
)
from teamwell.core.retention import RetentionStore


class SqlUnitOfWork:
    """A transaction over all repositories; leaving without commit() rolls back."""

    def __init__(self, factory: sessionmaker[Session], secret_keys: Sequence[str] = ()) -> None:
        self._factory = factory
        self._secret_keys = secret_keys
        self.session: Session

    def __enter__(self) -> SqlUnitOfWork:
        self.session = self._factory()
        # Typed as the ports so that this class satisfies the UnitOfWork protocol.
        self.workspaces: Workspaces = SqlWorkspaces(self.session)
        self.people: People = SqlPeople(self.session)
        self.teams: Teams = SqlTeams(self.session)
        self.onboardings: Onboardings = SqlOnboardings(self.session)
        self.pulses: Pulses = SqlPulses(self.session)
        self.recognition: Recognition = SqlRecognition(self.session)
        self.comment_scores: CommentScores = SqlCommentScores(self.session)
        self.digests: Digests = SqlDigests(self.session)
        self.outbox: Outbox = SqlOutbox(self.session)
        self.events: Events = SqlEvents(self.session)
        self.audit: AuditLog = SqlAuditLog(self.session)
        self.person_data: PersonData = SqlPersonData(self.session)
        self.forgotten: ForgottenAccounts = SqlForgottenAccounts(self.session,
                                                                   self._secret_keys)
        self.consents: ConsentStore = SqlConsents(self.session)
        self.retention: RetentionStore = SqlRetention(self.session)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        """Commit everything done in this unit of work, then any clean-up it asked for."""
        pending = self.session.info.pop("after_commit", set())
        self.session.commit()
        run_after_commit(self.session.get_bind(), pending)

    def rollback(self) -> None:
        """Throw away everything done since the last commit."""
        self.session.rollback()


class SqlUnitOfWorkFactory:
    """Makes SQL units of work on one engine."""

    def __init__(self, engine: Engine, secret_keys: Sequence[str] = ()) -> None:
        self.engine = engine
        self._factory = make_session_factory(engine)
        # TEAMWELL_SECRET_KEY's keys also key the hashes of forgotten accounts (forgotten.py).
        self._secret_keys = tuple(secret_keys)

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._factory, self._secret_keys)
