"""Ports: what the rules and use cases need from the outside, as typing.Protocols.

Every method is scoped to one workspace (tenant); implementations must never return another
workspace's rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from types import TracebackType
from typing import Protocol

from teamwell.core.audit import AuditLog
from teamwell.core.consent import ConsentStore
from teamwell.core.data_rights import ForgottenAccounts, PersonData
from teamwell.core.kudos import Kudos
from teamwell.core.onboarding import (
    CheckIn,
    HelpRequest,
    Onboarding,
    StepRun,
    StepStatus,
    TaskState,
)
from teamwell.core.outbox import OutboundItem
from teamwell.core.people import Person, Team
from teamwell.core.pulse import (
    InviteStatus,
    PulseAnswer,
    PulseInvite,
    PulsePreference,
    PulseRound,
)
from teamwell.core.recognition_stats import KudosRecord
from teamwell.core.retention import RetentionStore
from teamwell.core.sentiment import SentimentScore, UnscoredComment
from teamwell.core.suggestions import Status as SuggestionStatus
from teamwell.core.suggestions import Suggestion


class Workspaces(Protocol):
    """Workspaces (tenants) and the platform account each one is known by."""

    def ensure(self, platform: str, external_id: str, name: str) -> str:
        """Return the workspace id for a platform workspace, creating it when new."""
        ...

    def find(self, platform: str, external_id: str) -> str | None:
        """Return the workspace id for a platform workspace, or None."""
        ...

    def all_ids(self) -> list[str]:
        """Every workspace Teamwell serves (not those uninstalled)."""
        ...


class People(Protocol):
    """The people directory of a workspace."""

    def get(self, workspace_id: str, person_id: str) -> Person | None:
        """The record with this id in the workspace, or None."""
        ...

    def by_email(self, workspace_id: str, email: str) -> Person | None:
        """The person with this email (case-insensitive), or None."""
        ...

    def by_account(self, workspace_id: str, platform: str, external_id: str) -> Person | None:
        """The person linked to this platform account, or None."""
        ...

    def account_of(self, workspace_id: str, person_id: str, platform: str) -> str | None:
        """The person's account id on a platform, or None."""
        ...

    def link_account(self, workspace_id: str, person_id: str, platform: str, external_id: str) -> None:
        """Link a platform account to a person (linking twice is harmless)."""
        ...

    def save(self, person: Person) -> None:
        """Insert or update the record."""
        ...

    def reports_of(self, workspace_id: str, manager_id: str) -> list[Person]:
        """Active people whose manager is manager_id."""
        ...

    def in_team(self, workspace_id: str, team_id: str) -> list[Person]:
        """Active people in a team."""
        ...

    def names(self, workspace_id: str) -> list[str]:
        """Every name in the workspace's directory, past people included (for redaction)."""
        ...

    # Last: once `list` is defined, `list[...]` in later annotations would mean this method.
    def list(self, workspace_id: str, active_only: bool = True) -> list[Person]:
        """Every record of the workspace (people: active ones unless told otherwise)."""
        ...


class Teams(Protocol):
    """Teams of a workspace."""

    def get(self, workspace_id: str, team_id: str) -> Team | None:
        """The record with this id in the workspace, or None."""
        ...

    def by_name(self, workspace_id: str, name: str) -> Team | None:
        """The team with this name, or None."""
        ...

    def ensure(self, workspace_id: str, name: str) -> Team:
        """Return the record, creating it when new (safe when two callers race)."""
        ...

    def list(self, workspace_id: str) -> list[Team]:
        """Every record of the workspace (people: active ones unless told otherwise)."""
        ...


class Onboardings(Protocol):
    """Onboardings, their scheduled steps, tasks, check-ins and help requests.

    The mark_* and record_* methods compare and set: they return False when another caller got
    there first, which is what makes a job that fires twice harmless.
    """

    def add(self, onboarding: Onboarding) -> bool:
        """Insert the record unless it exists; True when inserted."""
        ...

    def get(self, workspace_id: str, onboarding_id: str) -> Onboarding | None:
        """The record with this id in the workspace, or None."""
        ...

    def active_for(self, workspace_id: str, person_id: str) -> Onboarding | None:
        """The person's active onboarding, or None."""
        ...

    def latest_for(self, workspace_id: str, person_id: str) -> Onboarding | None:
        """The person's most recent onboarding, whatever its status, or None."""
        ...

    def list_active(self, workspace_id: str) -> list[Onboarding]:
        """Active onboardings of the workspace, earliest start first."""
        ...

    def set_status(self, workspace_id: str, onboarding_id: str, status: str) -> None:
        """Set an onboarding's status."""
        ...

    def add_steps(self, workspace_id: str, steps: Sequence[StepRun]) -> None:
        """Store scheduled steps (existing ones are kept as they are)."""
        ...

    def steps(self, workspace_id: str, onboarding_id: str) -> list[StepRun]:
        """An onboarding's steps, in due order."""
        ...

    def step(self, workspace_id: str, onboarding_id: str, step_id: str) -> StepRun | None:
        """One step of an onboarding, or None."""
        ...

    def due_steps(self, now: datetime, limit: int = 500) -> list[tuple[str, StepRun]]:
        """Pending steps due by now, across workspaces, oldest first."""
        ...

    def mark_step(
        self, workspace_id: str, onboarding_id: str, step_id: str, status: StepStatus, when: datetime
    ) -> bool:
        """Move a pending step to status; False when it was no longer pending."""
        ...

    def reopen_step(self, workspace_id: str, run: StepRun) -> bool:
        """Make a skipped step pending again for run's recipient and due moment; else False."""
        ...

    def record_step_failure(self, workspace_id: str, onboarding_id: str, step_id: str) -> int:
        """Count a failed attempt at a pending step; returns the count so far."""
        ...

    def add_tasks(self, workspace_id: str, tasks: Sequence[TaskState]) -> None:
        """Store checklist tasks (existing ones are kept as they are)."""
        ...

    def tasks(self, workspace_id: str, onboarding_id: str) -> list[TaskState]:
        """An onboarding's checklist tasks."""
        ...

    def mark_task_done(
        self, workspace_id: str, onboarding_id: str, step_id: str, task_id: str, when: datetime
    ) -> bool:
        """Tick a task; False when it was already done."""
        ...

    def set_task_reminder(
        self, workspace_id: str, onboarding_id: str, step_id: str, task_id: str,
        next_at: datetime | None,
    ) -> None:
        """Set when an open task is next reminded (None: never)."""
        ...

    def due_reminders(self, now: datetime, limit: int = 500) -> list[tuple[str, TaskState]]:
        """Open tasks whose reminder is due by now, across workspaces."""
        ...

    def record_reminder(
        self, workspace_id: str, onboarding_id: str, step_id: str, task_id: str,
        sent_before: int, next_at: datetime | None,
    ) -> bool:
        """Count a reminder if sent_before still holds; False when someone else did."""
        ...

    def save_checkin(self, workspace_id: str, checkin: CheckIn) -> None:
        """Store a check-in answer; a new score or comment replaces the old one."""
        ...

    def checkins(self, workspace_id: str, onboarding_id: str) -> list[CheckIn]:
        """An onboarding's check-in answers."""
        ...

    def add_help_request(self, workspace_id: str, request: HelpRequest) -> bool:
        """Store a help request; False when one with its id exists already."""
        ...

    def help_requests(self, workspace_id: str, onboarding_id: str) -> list[HelpRequest]:
        """An onboarding's help requests, oldest first."""
        ...


class Pulses(Protocol):
    """Pulse rounds, invitations, anonymous answers and comments, and preferences.

    Nothing here stores who gave an answer: answers and comments carry a per-round token only.
    """

    def add_round(self, pulse: PulseRound, key: bytes) -> bool:
        """Store a round and its token key; False when the scope already has a round that week."""
        ...

    def get_round(self, workspace_id: str, round_id: str) -> PulseRound | None:
        """The round with this id, or None."""
        ...

    def rounds_in_week(self, workspace_id: str, week: date) -> list[PulseRound]:
        """Every round of the workspace whose period is that week."""
        ...

    def round_key(self, workspace_id: str, round_id: str) -> bytes | None:
        """The open round's token key, or None once it is closed."""
        ...

    def add_invites(self, workspace_id: str, invites: Sequence[PulseInvite]) -> int:
        """Store invitations, skipping anyone already asked that week; returns how many stored."""
        ...

    def invite(self, workspace_id: str, round_id: str, person_id: str) -> PulseInvite | None:
        """One person's invitation to a round, or None."""
        ...

    def invites(self, workspace_id: str, round_id: str) -> list[PulseInvite]:
        """Every invitation of a round."""
        ...

    def latest_invite(self, workspace_id: str, person_id: str) -> PulseInvite | None:
        """The person's most recent sent invitation, or None."""
        ...

    def due_invites(self, now: datetime, limit: int = 200) -> list[tuple[str, PulseInvite]]:
        """Pending invitations due by now in open rounds, across workspaces."""
        ...

    def mark_invite(self, workspace_id: str, round_id: str, person_id: str,
                    status: InviteStatus) -> bool:
        """Move a pending invitation to sent or skipped; False when someone else did."""
        ...

    def due_reminders(self, now: datetime, limit: int = 200) -> list[tuple[str, PulseInvite]]:
        """Sent, not yet reminded invitations whose reminder is due, in open rounds."""
        ...

    def mark_reminded(self, workspace_id: str, round_id: str, person_id: str) -> bool:
        """Record that the one reminder was dealt with; False when someone else did."""
        ...

    def due_closes(self, now: datetime) -> list[PulseRound]:
        """Open rounds whose closing time has come, across workspaces."""
        ...

    def close_round(self, workspace_id: str, round_id: str) -> bool:
        """Close a round: destroy its key and rewrite its answers in token order.

        False when it was already closed.
        """
        ...

    def save_answer(self, workspace_id: str, answer: PulseAnswer) -> None:
        """Store an answer; a new one for the same token and question replaces the old."""
        ...

    def answers_of(self, workspace_id: str, round_id: str, token: str) -> dict[str, int | None]:
        """One token's answers in a round, by question id."""
        ...

    def answered_tokens(self, workspace_id: str, round_id: str) -> set[str]:
        """Tokens that gave at least one answer in a round."""
        ...

    def save_comment(
        self, workspace_id: str, round_id: str, token: str, team_id: str, body: str
    ) -> None:
        """Store a comment; a new one from the same token replaces the old."""
        ...

    def comment_of(self, workspace_id: str, round_id: str, token: str) -> str | None:
        """One token's comment in a round, or None."""
        ...

    def preference(self, workspace_id: str, person_id: str) -> PulsePreference:
        """The person's pulse preference (defaults when never set)."""
        ...

    def set_preference(self, workspace_id: str, person_id: str, pref: PulsePreference) -> None:
        """Store the person's pulse preference."""
        ...

    def preferences(self, workspace_id: str) -> dict[str, PulsePreference]:
        """Every stored preference of the workspace, by person id."""
        ...

    def schedules(self, workspace_id: str) -> dict[str, tuple[int, time]]:
        """Pulse day and local time per scope ("*" or a team id) where one was set."""
        ...

    def set_schedule(self, workspace_id: str, scope: str, when: tuple[int, time] | None) -> None:
        """Set (or, with None, clear) the pulse day and local time of a scope."""
        ...

    def value_counts(self, workspace_id: str, week: date) -> list[tuple[str, str, int, int]]:
        """(group, dimension, value, count) for the week, rolled up the team tree ("*": all)."""
        ...

    def respondents(self, workspace_id: str, week: date) -> dict[str, dict[str, int]]:
        """Respondents per dimension ("" for any answer) per team as answered, for the week."""
        ...

    def invited(self, workspace_id: str, week: date) -> dict[str, int]:
        """People sent the week's pulse, per team as invited."""
        ...

    def comments(self, workspace_id: str, week: date) -> list[tuple[str, str]]:
        """(team as answered, comment) for the week, in no meaningful order."""
        ...

    def comment_moods(self, workspace_id: str, week: date) -> list[tuple[str, str, bool]]:
        """(team as answered, sentiment label, stress) of the week's scored comments."""
        ...


class Recognition(Protocol):
    """Kudos given and received, and who wants their manager told."""

    def add_kudos(self, kudos: Kudos) -> None:
        """Store kudos and who received them."""
        ...

    def given_between(self, workspace_id: str, giver_id: str, start: datetime,
                      end: datetime) -> int:
        """How many people the giver thanked in [start, end) (each receiver counts once)."""
        ...

    def kudos_records(self, workspace_id: str, since: datetime) -> list[KudosRecord]:
        """One record per receiver of every kudos given since then, oldest first."""
        ...

    def manager_notices(self, workspace_id: str, person_id: str) -> bool:
        """Whether the person's manager hears about kudos they receive (default yes)."""
        ...

    def set_manager_notices(self, workspace_id: str, person_id: str, on: bool) -> None:
        """Turn the manager notices about this person's kudos on or off."""
        ...

    def celebration_choices(self, workspace_id: str) -> dict[str, tuple[bool, bool]]:
        """(birthday opt-in, celebrations opt-out) per person who set either."""
        ...

    def set_birthday_opt_in(self, workspace_id: str, person_id: str, on: bool) -> None:
        """Whether the person's birthday is celebrated (never without their say-so)."""
        ...

    def set_celebrations_opt_out(self, workspace_id: str, person_id: str, out: bool) -> None:
        """Whether the person is left out of every celebration."""
        ...

    def mark_celebrated(self, workspace_id: str, key: str, now: datetime) -> bool:
        """Record a celebration as posted; False when it already was."""
        ...


class CommentScores(Protocol):
    """Sentiment of the comments people addressed to the bot, and retention of their text."""

    def unscored(self, limit: int) -> list[UnscoredComment]:
        """Comments with text and no score yet, across workspaces."""
        ...

    def save_score(self, comment: UnscoredComment, score: SentimentScore) -> bool:
        """Store a score unless the text changed meanwhile; True when stored."""
        ...

    def forget_text(self, pulse_weeks_before: date, checkins_before: datetime) -> int:
        """Delete comment text past retention (scores stay); returns how many were deleted."""
        ...


class Digests(Protocol):
    """Weekly digests sent, and the check-ins they suggested."""

    def mark_sent(self, workspace_id: str, person_id: str, week: date, now: datetime) -> bool:
        """Record the person's digest for the week; False when it was already sent."""
        ...

    def add_suggestions(self, suggestions: Sequence[Suggestion]) -> None:
        """Store suggestions (existing ids are kept as they are)."""
        ...

    def suggestion(self, workspace_id: str, suggestion_id: str) -> Suggestion | None:
        """One suggestion, or None."""
        ...

    def respond(self, workspace_id: str, suggestion_id: str, status: SuggestionStatus,
                when: datetime, remind_at: datetime | None) -> bool:
        """Record the manager's answer; False when the suggestion is already done."""
        ...

    def due_reminders(self, now: datetime, limit: int = 200) -> list[Suggestion]:
        """Accepted suggestions whose reminder is due, across workspaces."""
        ...

    def clear_reminder(self, workspace_id: str, suggestion_id: str) -> bool:
        """Take a due reminder (False when another tick took it)."""
        ...

    def follow_through(self, workspace_id: str,
                       manager_id: str | None = None) -> dict[str, dict[str, int]]:
        """Suggestions per kind and status (one manager's, or everyone's)."""
        ...


class Outbox(Protocol):
    """The durable outbox: adding is part of the caller's transaction."""

    def add(self, item: OutboundItem, now: datetime) -> bool:
        """Queue an item; False (and nothing queued) when its idempotency key is already used."""
        ...


class Events(Protocol):
    """Inbound platform events already handled (platforms retry; we de-duplicate)."""

    def first_time(self, workspace_id: str, event_id: str, now: datetime) -> bool:
        """Record the event id; True when it had not been seen before."""
        ...

    def seen(self, workspace_id: str, event_id: str) -> bool:
        """True when the event id has been recorded."""
        ...


class UnitOfWork(Protocol):
    """One transaction over every repository; leaving without commit() rolls back."""

    workspaces: Workspaces
    people: People
    teams: Teams
    onboardings: Onboardings
    pulses: Pulses
    recognition: Recognition
    comment_scores: CommentScores
    digests: Digests
    outbox: Outbox
    events: Events
    audit: AuditLog
    person_data: PersonData
    forgotten: ForgottenAccounts
    consents: ConsentStore
    retention: RetentionStore

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None:
        """Commit everything done in this unit of work."""
        ...

    def rollback(self) -> None:
        """Throw away everything done since the last commit."""
        ...


class UnitOfWorkFactory(Protocol):
    """Makes a fresh unit of work."""

    def __call__(self) -> UnitOfWork: ...
