"""Operations tests: the Slack world of tests/slack, and a way to seed an outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from teamwell.bot.storage.engine import make_engine
from teamwell.bot.storage.tables import OutboxRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.messages import Message, Section, text
from teamwell.core.outbox import OutboundItem
from teamwell.core.people import Person
from tests.slack.conftest import SlackWorld, slack_env, slack_world  # noqa: F401 - fixtures

TEAM = "T0OPS"


def seed_outbox(url: str, messages: int, people: int, now: datetime, team: str = TEAM,
                ) -> list[tuple[str, str, str]]:
    """A Slack workspace with people U0001... and messages queued to them, round robin;
    returns (Slack user id, name, email) of each person for the fake Slack."""
    engine = make_engine(url)
    uow = SqlUnitOfWorkFactory(engine)
    users = [(f"U{n:04d}", f"Person {n}", f"person{n}@example.com")
             for n in range(1, people + 1)]
    with uow() as tx:
        ws = tx.workspaces.ensure("slack", team, "Acme")
        for user_id, name, email in users:
            tx.people.save(Person(id=f"p-{user_id}", workspace_id=ws, name=name, email=email,
                                  timezone="UTC"))
            tx.people.link_account(ws, f"p-{user_id}", "slack", user_id)
        for i in range(messages):
            words = f"message {i:03d}"
            tx.outbox.add(OutboundItem(ws, f"ops-{i:03d}", Message(words, (Section(text(words)),)),
                                       recipient_id=f"p-{users[i % people][0]}"), now)
        tx.commit()
    engine.dispose()
    return users


def outbox_statuses(url: str) -> dict[str, int]:
    """How many outbox rows are in each status."""
    engine = make_engine(url)
    with engine.connect() as conn:
        counts = {status: int(n) for status, n in conn.execute(
            select(OutboxRow.status, func.count()).group_by(OutboxRow.status))}
    engine.dispose()
    return counts
