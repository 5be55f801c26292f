"""A small workspace for onboarding tests, a scheduler stand-in, and readers for the outbox."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from teamwell.bot.storage.tables import OutboxRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock
from teamwell.core.messages import (
    Actions,
    Block,
    Button,
    Context,
    Header,
    LinkList,
    Message,
    Section,
    message_from_json,
)
from teamwell.core.onboarding import Onboarding
from teamwell.core.people import Person, Role
from teamwell.handlers.deps import Deps
from teamwell.handlers.onboarding import run_due_steps, send_due_reminders, start_onboarding
from teamwell.surveys.onboarding import load_library

AUCKLAND = ZoneInfo("Pacific/Auckland")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
FRIDAY, SATURDAY = date(2026, 3, 6), date(2026, 3, 7)
NAMES = {"maya": "Maya", "ben": "Ben", "dana": "Dana", "aroha": "Aroha", "luis": "Luis",
         "noor": "Noor", "kai": "Kai", "tui": "Tui"}


@dataclass(frozen=True)
class Sent:
    """One outbox row, decoded."""

    seq: int
    key: str
    recipient_id: str | None
    replaces: str | None
    created_at: datetime
    message: Message

    @property
    def text(self) -> str:
        """The whole message as plain text, mentions as @Name and buttons as [Label]."""
        return plain(self.message.blocks)


@dataclass
class World:
    """A workspace with a manager, two possible buddies and three new hires."""

    ws: str
    deps: Deps
    clock: FakeClock
    factory: SqlUnitOfWorkFactory

    def start(self, person_id: str, start: date | None = None) -> Onboarding:
        """Start someone's onboarding with the default sequence."""
        return start_onboarding(self.deps, self.ws, person_id, start)

    def run_until(self, until: datetime, every: timedelta = timedelta(minutes=30)) -> None:
        """Tick like the scheduler: move the clock in steps and run both jobs each time."""
        while self.clock.now() < until:
            self.clock.set(min(self.clock.now() + every, until))
            run_due_steps(self.deps)
            send_due_reminders(self.deps)

    def outbox(self, recipient: str | None = None) -> list[Sent]:
        """Everything queued (for one recipient), in delivery order."""
        with self.factory() as uow:
            rows = uow.session.scalars(select(OutboxRow).order_by(OutboxRow.seq)).all()
            sent = [Sent(r.seq, r.idempotency_key, r.recipient_id, r.replaces, r.created_at,
                         message_from_json(json.loads(r.payload))) for r in rows]
        return [s for s in sent if recipient is None or s.recipient_id == recipient]

    def one(self, key: str) -> Sent:
        """The single outbox row with this key."""
        (found,) = [s for s in self.outbox() if s.key == key]
        return found


def build_world(factory: SqlUnitOfWorkFactory, clock: FakeClock) -> World:
    """Acme: Maya (London) manages everyone; Aroha (Auckland) starts on a Friday, Luis (Los
    Angeles, buddy Dana) on a Saturday, Noor (London) alone in a small team; Tui (London) has
    no team and no manager; Kai is an admin."""
    with factory() as uow:
        ws = uow.workspaces.ensure("slack", "T1", "Acme")
        platform = uow.teams.ensure(ws, "Platform").id
        research = uow.teams.ensure(ws, "Research").id
        for person in (
            Person("maya", ws, "Maya", team_id=platform, timezone="Europe/London",
                   roles=frozenset({Role.EMPLOYEE, Role.MANAGER})),
            Person("kai", ws, "Kai", timezone="Europe/London",
                   roles=frozenset({Role.EMPLOYEE, Role.ADMIN})),
            Person("ben", ws, "Ben", team_id=platform, manager_id="maya",
                   timezone="Pacific/Auckland", start_date=date(2024, 1, 8)),
            Person("dana", ws, "Dana", team_id=platform, manager_id="maya",
                   timezone="America/Los_Angeles", start_date=date(2023, 5, 1)),
            Person("aroha", ws, "Aroha", team_id=platform, manager_id="maya",
                   timezone="Pacific/Auckland", start_date=FRIDAY),
            Person("luis", ws, "Luis", team_id=platform, manager_id="maya", buddy_id="dana",
                   timezone="America/Los_Angeles", start_date=SATURDAY),
            Person("noor", ws, "Noor", team_id=research, manager_id="maya",
                   timezone="Europe/London", start_date=FRIDAY),
            Person("tui", ws, "Tui", timezone="Europe/London", start_date=FRIDAY),
        ):
            uow.people.save(person)
        uow.commit()
    deps = Deps(uow=factory, clock=clock, sequences=load_library())
    return World(ws, deps, clock, factory)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A UTC moment."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def plain(blocks: Iterable[Block]) -> str:
    """Blocks as plain text, mentions as @Name, buttons as [Label], links as label (url)."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Header):
            out.append(block.title)
        elif isinstance(block, Section | Context):
            out.append(block.body.plain(NAMES))
            if isinstance(block, Section) and block.button:
                out.append(f"[{block.button.label}]")
        elif isinstance(block, Actions):
            out.append(" ".join(f"[{b.label}]" for b in block.buttons))
        elif isinstance(block, LinkList):
            out.append(" ".join(f"{link.label} ({link.url})" for link in block.links))
    return "\n".join(out)


def buttons(message: Message) -> list[Button]:
    """Every button in a message, in order."""
    found: list[Button] = []
    for block in message.blocks:
        if isinstance(block, Section) and block.button:
            found.append(block.button)
        elif isinstance(block, Actions):
            found.extend(block.buttons)
    return found


def button(message: Message, label: str) -> Button:
    """The one button with this label."""
    (found,) = [b for b in buttons(message) if b.label == label]
    return found
