"""The Teams driver: activities POSTed to /api/messages, the fake Bot Framework connector behind."""

from __future__ import annotations

import json
from typing import Any

from teamwell.bot.storage.outbox_store import OutboxStore
from teamwell.bot.teams import simulate
from teamwell.bot.teams.sender import TeamsSender
from teamwell.bot.teams.simulate import TeamsUser, personal_conversation_id
from tests.both.drivers import Press
from tests.teams.conftest import TENANT, TeamsWorld, shown


def _titles(node: Any) -> list[str]:
    if isinstance(node, list):
        return [t for item in node for t in _titles(item)]
    if not isinstance(node, dict):
        return []
    found = [str(node["title"])] if str(node.get("type", "")).startswith("Action.") else []
    return found + [t for value in node.values() for t in _titles(value)]


class TeamsDriver:
    """Teams: a 1:1 chat per person (the app installed for everyone), a team channel."""

    platform = "teams"

    def __init__(self, world: TeamsWorld) -> None:
        self.world = world
        self.wired = world.wired
        self.clock = world.clock
        self.users: dict[str, TeamsUser] = {}

    @property
    def workspace_id(self) -> str:
        """The fake tenant's workspace."""
        return self.world.workspace_id

    def add_person(self, handle: str, name: str, tz: str, **kwargs: Any) -> str:
        """A roster member, a directory entry and the 1:1 chat the app install made."""
        user = self.world.user(name)
        self.users[handle] = user
        ws = self.workspace_id
        with self.wired.deps.uow() as uow:
            from teamwell.core.people import Person

            person = Person(id=f"p-{handle}", workspace_id=ws, name=name, email=user.email,
                            timezone=tz, **kwargs)
            uow.people.save(person)
            uow.people.link_account(ws, person.id, "teams", user.id)
            uow.commit()
        conversation = personal_conversation_id(user.id, TENANT)
        ref = {"conversation": {"id": conversation}, "serviceUrl": self.world.connector.base_url,
               "user": {"id": user.id}, "channelId": "msteams"}
        OutboxStore(self.wired.deps.uow, "teams").remember_conversation(
            ws, user.id, conversation, json.dumps(ref))
        return person.id

    async def deliver(self) -> int:
        """Drain the Teams outbox through the connector."""
        sender = TeamsSender(self.wired.deps.uow, self.wired.settings.teams, self.clock)
        try:
            return await sender.drain()
        finally:
            await sender.close()

    def texts_to(self, handle: str) -> list[str]:
        """Summary, card text and button titles of each activity in the 1:1 chat."""
        activities = self.world.connector.activities_to(self.users[handle].id)
        return [shown(a) + "\n" + "\n".join(_titles(a.get("attachments"))) for a in activities]

    def buttons_to(self, handle: str) -> list[Press]:
        """Action.Submit buttons in cards to the person."""
        found = []
        for b in self.world.connector.buttons_to(self.users[handle].id):
            data = b.get("data") or {}
            found.append(Press(str(data.get("tw_action", "")), str(data.get("tw_value", "")), b))
        return found

    async def press(self, handle: str, button: Press) -> None:
        """An Action.Submit click in the 1:1 chat (a message activity with a value)."""
        status, _ = await self.world.click(self.users[handle], button.action, button.value)
        assert status == 200

    async def comment(self, handle: str, button: Press, words: str) -> None:
        """task/fetch opens the dialog; task/submit sends its one text field."""
        user = self.users[handle]
        status, answer = await self.world.post(
            simulate.task_fetch(user, dict(button.raw["data"]), where=self.world.where))
        assert status == 200, answer
        card = answer["task"]["value"]["card"]["content"]
        field = next(el["id"] for el in card["body"] if el.get("type") == "Input.Text")
        submit = dict(card["actions"][0]["data"])
        status, answer = await self.world.post(simulate.task_submit(
            user, {**submit, field: words}, where=self.world.where))
        assert status == 200, answer

    async def kudos(self, handle: str, receivers: list[str], words: str) -> str:
        """`@Teamwell kudos @Name words` in the team's channel; returns the bot's reply there."""
        user = self.users[handle]
        mentioned = [self.users[r] for r in receivers]
        text = "kudos " + " ".join(f"<at>{u.name}</at>" for u in mentioned) + " " + words
        before = len(self.world.in_thread())
        status, _ = await self.world.post(self.world.fresh(simulate.channel_message_with_mention(
            user, text, team=self.world.team, mentions=tuple(mentioned),
            where=self.world.where)))
        assert status == 200
        return "\n".join(self.world.in_thread()[before:])
