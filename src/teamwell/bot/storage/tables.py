"""The schema as typed SQLAlchemy 2 models. Every row carries its workspace id."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from teamwell.bot.storage.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


ID = String(64)


class WorkspaceRow(Base):
    __tablename__ = "workspaces"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set when the platform says the app was removed (Slack's app_uninstalled): nothing is
    # scheduled or sent for the workspace until it is installed again.
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WorkspaceAccountRow(Base):
    __tablename__ = "workspace_accounts"
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ID, index=True)


class TeamRow(Base):
    __tablename__ = "teams"
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[str | None] = mapped_column(ID)
    __table_args__ = (
        UniqueConstraint("workspace_id", "name", name="uq_teams_name"),
        # Walking the team tree down (results roll up sub-teams) looks children up by parent.
        Index("ix_teams_parent", "workspace_id", "parent_id"),
    )


class PersonRow(Base):
    __tablename__ = "people"
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    team_id: Mapped[str | None] = mapped_column(ID)
    manager_id: Mapped[str | None] = mapped_column(ID)
    buddy_id: Mapped[str | None] = mapped_column(ID)
    start_date: Mapped[date | None]
    birthday: Mapped[date | None]
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    locale: Mapped[str] = mapped_column(String(16), default="en-US")
    roles: Mapped[str] = mapped_column(String(64), default="employee")
    active: Mapped[bool] = mapped_column(default=True)
    introduced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The first night the retention job saw them inactive (None while active): erasure of people
    # who left counts from here.
    inactive_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    __table_args__ = (
        UniqueConstraint("workspace_id", "email", name="uq_people_email"),
        Index("ix_people_manager", "workspace_id", "manager_id"),
        Index("ix_people_team", "workspace_id", "team_id"),
    )


class PersonAccountRow(Base):
    """A person's id on a platform, and where to reach them there."""

    __tablename__ = "person_accounts"
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    person_id: Mapped[str] = mapped_column(ID)
    conversation_id: Mapped[str | None] = mapped_column(String(256))
    conversation_ref: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        UniqueConstraint("workspace_id", "person_id", "platform", name="uq_person_accounts_person"),
    )


class OnboardingRow(Base):
    __tablename__ = "onboardings"
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    person_id: Mapped[str] = mapped_column(ID)
    sequence_id: Mapped[str] = mapped_column(String(64))
    start_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    buddy_id: Mapped[str | None] = mapped_column(ID)
    manager_id: Mapped[str | None] = mapped_column(ID)
    __table_args__ = (
        # Starting the same person's sequence twice for the same start date is one onboarding.
        UniqueConstraint("workspace_id", "person_id", "sequence_id", "start_date",
                         name="uq_onboardings_run"),
        # At most one active onboarding per person, even when two starts race.
        Index("uq_onboardings_one_active", "workspace_id", "person_id", unique=True,
              sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'")),
    )


class OnboardingStepRow(Base):
    __tablename__ = "onboarding_steps"
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    onboarding_id: Mapped[str] = mapped_column(ID, primary_key=True)
    step_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    recipient_id: Mapped[str] = mapped_column(ID)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    __table_args__ = (Index("ix_onboarding_steps_due", "status", "due_at"),)


class OnboardingTaskRow(Base):
    __tablename__ = "onboarding_tasks"
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    onboarding_id: Mapped[str] = mapped_column(ID, primary_key=True)
    step_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    task_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    label: Mapped[str] = mapped_column(String(300))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    next_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    __table_args__ = (Index("ix_onboarding_tasks_reminder", "next_reminder_at"),)


class CheckInRow(Base):
    __tablename__ = "onboarding_checkins"
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    onboarding_id: Mapped[str] = mapped_column(ID, primary_key=True)
    step_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    score: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(Text)
    # The comment's sentiment, kept after the text itself is deleted (retention).
    sentiment: Mapped[float | None]
    sentiment_label: Mapped[str | None] = mapped_column(String(8))
    stress: Mapped[bool | None]


class HelpRequestRow(Base):
    __tablename__ = "help_requests"
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    onboarding_id: Mapped[str] = mapped_column(ID)
    step_id: Mapped[str] = mapped_column(String(64))
    helper_id: Mapped[str] = mapped_column(ID)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OutboxRow(Base):
    __tablename__ = "outbox"
    # seq orders delivery (an intro before the message it introduces); id is the public handle.
    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    id: Mapped[str] = mapped_column(ID, unique=True)
    workspace_id: Mapped[str] = mapped_column(ID)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    recipient_id: Mapped[str | None] = mapped_column(ID)
    channel: Mapped[str | None] = mapped_column(String(128))
    replaces: Mapped[str | None] = mapped_column(String(200))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))
    platform: Mapped[str | None] = mapped_column(String(16))
    conversation_id: Mapped[str | None] = mapped_column(String(256))
    message_ref: Mapped[str | None] = mapped_column(String(128))
    __table_args__ = (
        UniqueConstraint("workspace_id", "idempotency_key", name="uq_outbox_key"),
        Index("ix_outbox_due", "status", "not_before"),
    )


class ProcessedEventRow(Base):
    __tablename__ = "processed_events"
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PulseRoundRow(Base):
    __tablename__ = "pulse_rounds"
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    scope: Mapped[str] = mapped_column(ID)
    week: Mapped[date]
    question_ids: Mapped[str] = mapped_column(String(400))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))
    __table_args__ = (
        # One round per scope and week: a scheduler tick that fires twice opens one round.
        UniqueConstraint("workspace_id", "scope", "week", name="uq_pulse_rounds_week"),
        Index("ix_pulse_rounds_close", "status", "closes_at"),
    )


class PulseRoundKeyRow(Base):
    """A round's token key, in a table of its own: deleted (and vacuumed) when the round closes."""

    __tablename__ = "pulse_round_keys"
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    round_id: Mapped[str] = mapped_column(ID, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))


class PulseInviteRow(Base):
    __tablename__ = "pulse_invites"
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    round_id: Mapped[str] = mapped_column(ID, primary_key=True)
    person_id: Mapped[str] = mapped_column(ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(ID)
    week: Mapped[date]
    invite_at: Mapped[datetime] = mapped_column(UTCDateTime())
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))
    reminded: Mapped[bool] = mapped_column(default=False)
    __table_args__ = (
        # Asked at most once a week, whichever round asks: the week's questions never repeat.
        UniqueConstraint("workspace_id", "person_id", "week", name="uq_pulse_invites_week"),
        Index("ix_pulse_invites_due", "status", "invite_at"),
        Index("ix_pulse_invites_remind", "reminded", "remind_at"),
    )


class PulseAnswerRow(Base):
    """No column names a person; no time of day; no rowid, so storage order is token order."""

    __tablename__ = "pulse_answers"
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    round_id: Mapped[str] = mapped_column(ID, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(64))
    team_id: Mapped[str] = mapped_column(ID)
    answered_on: Mapped[date]
    value: Mapped[int | None]
    __table_args__ = ({"sqlite_with_rowid": False},)


class PulseCommentRow(Base):
    """A round's comments: token and team only, not even a date."""

    __tablename__ = "pulse_comments"
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    round_id: Mapped[str] = mapped_column(ID, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str] = mapped_column(ID)
    # None once the retention period has passed; the score stays for the aggregates.
    body: Mapped[str | None] = mapped_column(Text)
    sentiment: Mapped[float | None]
    sentiment_label: Mapped[str | None] = mapped_column(String(8))
    stress: Mapped[bool | None]
    __table_args__ = ({"sqlite_with_rowid": False},)


class PulsePreferenceRow(Base):
    __tablename__ = "pulse_preferences"
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    person_id: Mapped[str] = mapped_column(ID, primary_key=True)
    opted_out: Mapped[bool] = mapped_column(default=False)
    on_leave_until: Mapped[date | None]


class PulseScheduleRow(Base):
    """A workspace's (scope "*") or one team's pulse day and local time, overriding the default."""

    __tablename__ = "pulse_schedules"
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    scope: Mapped[str] = mapped_column(ID, primary_key=True)
    weekday: Mapped[int]
    at_minute: Mapped[int]


class SlackInboxRow(Base):
    """A verified Slack click, stored before the 200 and handled after it."""

    __tablename__ = "slack_inbox"
    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    content_type: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # "team:user" of the clicker: one person's clicks are handled one at a time, in order,
    # whichever process claims them.
    lane: Mapped[str] = mapped_column(String(64), default="", server_default="")
    __table_args__ = (Index("ix_slack_inbox_lane", "lane", "seq"),)


class KudosRow(Base):
    __tablename__ = "kudos"
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    giver_id: Mapped[str] = mapped_column(ID)
    message: Mapped[str] = mapped_column(Text)
    value_id: Mapped[str | None] = mapped_column(String(32))
    public: Mapped[bool]
    given_at: Mapped[datetime] = mapped_column(UTCDateTime())
    __table_args__ = (Index("ix_kudos_giver", "workspace_id", "giver_id", "given_at"),)


class KudosReceiverRow(Base):
    __tablename__ = "kudos_receivers"
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    kudos_id: Mapped[str] = mapped_column(ID, primary_key=True)
    receiver_id: Mapped[str] = mapped_column(ID, primary_key=True)
    given_at: Mapped[datetime] = mapped_column(UTCDateTime())
    __table_args__ = (Index("ix_kudos_receivers_person", "workspace_id", "receiver_id",
                            "given_at"),)


class RecognitionPreferenceRow(Base):
    __tablename__ = "recognition_preferences"
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    person_id: Mapped[str] = mapped_column(ID, primary_key=True)
    manager_notices: Mapped[bool] = mapped_column(default=True)
    birthday_opt_in: Mapped[bool] = mapped_column(default=False)
    celebrations_opt_out: Mapped[bool] = mapped_column(default=False)
    # Managers' weekly "no kudos lately" notes and the thank-you suggestion after each pulse.
    manager_prompts: Mapped[bool] = mapped_column(default=True, server_default=true())


class CelebrationSentRow(Base):
    """Each celebration once: a tick that fires twice, or overlapping windows, post nothing twice."""

    __tablename__ = "celebrations_sent"
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DigestSentRow(Base):
    """One weekly digest per person and week: a tick that fires twice sends nothing twice."""

    __tablename__ = "digests_sent"
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    person_id: Mapped[str] = mapped_column(ID, primary_key=True)
    week: Mapped[date] = mapped_column(primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SuggestionRow(Base):
    """A suggested check-in and what the manager did with it (follow-through per kind)."""

    __tablename__ = "digest_suggestions"
    workspace_id: Mapped[str] = mapped_column(ID, primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    manager_id: Mapped[str] = mapped_column(ID)
    week: Mapped[date]
    kind: Mapped[str] = mapped_column(String(32))
    target_kind: Mapped[str] = mapped_column(String(8))
    target_id: Mapped[str] = mapped_column(ID)
    topic: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    starter: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    __table_args__ = (
        Index("ix_digest_suggestions_manager", "workspace_id", "manager_id", "week"),
        Index("ix_digest_suggestions_remind", "status", "remind_at"),
    )
