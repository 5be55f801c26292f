"""The Teams sender keeps each conversation within Microsoft's per-thread limits."""

from __future__ import annotations

import json

from teamwell.bot.pacing import TokenBucket
from teamwell.bot.rate_limits import Rate
from teamwell.bot.storage.outbox_store import OutboxStore
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.bot.teams.fake_connector import FakeConnector
from teamwell.bot.teams.rate_limits import SEND, TEAMS_LIMITS
from teamwell.bot.teams.sender import SenderSettings, TeamsSender
from teamwell.bot.teams.settings import TeamsConfig
from teamwell.bot.teams.simulate import TENANT_ID, personal_conversation_id
from teamwell.core.clock import FakeClock
from teamwell.core.messages import Message, Section, text
from teamwell.core.people import Person
from teamwell.handlers.notify import queue_for

SCALE = 20
LIMITS = TEAMS_LIMITS.scaled(SCALE)


def _person(uow: SqlUnitOfWorkFactory, connector: FakeConnector, clock: FakeClock, ws: str,
            n: int) -> str:
    user = f"29:user-{n}"
    connector.add_member(user, f"Person {n}", f"p{n}@acme.test")
    with uow() as tx:
        tx.people.save(Person(id=f"p{n}", workspace_id=ws, name=f"Person {n}",
                              email=f"p{n}@acme.test", introduced_at=clock.now()))
        tx.people.link_account(ws, f"p{n}", "teams", user)
        tx.commit()
    conversation = personal_conversation_id(user, TENANT_ID)
    ref = {"conversation": {"id": conversation}, "serviceUrl": connector.base_url,
           "user": {"id": user}, "channelId": "msteams"}
    OutboxStore(uow, "teams").remember_conversation(ws, user, conversation, json.dumps(ref))
    return f"p{n}"


def _queue(uow: SqlUnitOfWorkFactory, clock: FakeClock, ws: str, person_id: str,
           key: str) -> None:
    with uow() as tx:
        person = tx.people.get(ws, person_id)
        assert person is not None
        queue_for(tx, clock.now(), person, key, Message(key, (Section(text(key)),)))
        tx.commit()


def _refused(moments: list[float], rate: Rate) -> int:
    bucket = TokenBucket(rate, moments[0])
    refused = 0
    for moment in moments:
        if bucket.wait(moment) > 0:
            refused += 1
        else:
            bucket.take(moment)
    return refused


async def test_a_paced_teams_sender_keeps_each_chat_within_its_limit_and_order(
    uow_factory: SqlUnitOfWorkFactory, clock: FakeClock
) -> None:
    connector = FakeConnector(clock=clock, tenant_id=TENANT_ID)
    await connector.start()
    with uow_factory() as tx:
        ws = tx.workspaces.ensure("teams", TENANT_ID, "Acme")
        tx.commit()
    ana, *others = [_person(uow_factory, connector, clock, ws, n) for n in range(1, 11)]
    for n in range(15):
        _queue(uow_factory, clock, ws, ana, f"m{n:02d}")
    for person in others:
        _queue(uow_factory, clock, ws, person, f"hello {person}")
    sender = TeamsSender(uow_factory, TeamsConfig(anonymous=True), clock,
                         SenderSettings(limits=LIMITS))
    try:
        delivered = await sender.drain()
    finally:
        await sender.close()
        await connector.stop()

    to_ana = [c.monotonic for c in connector.calls("send")
              if c.conversation_id == personal_conversation_id("29:user-1", TENANT_ID)]
    [(_, per_chat), _] = LIMITS.buckets(SEND, "a chat")
    assert delivered == 24
    assert connector.texts_to("29:user-1") == [f"m{n:02d}" for n in range(15)]
    assert len(to_ana) == 15 and _refused(to_ana, per_chat) == 0
