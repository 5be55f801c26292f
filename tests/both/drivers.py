"""One way to drive Teamwell on either platform, so each scenario is written once.

A driver wraps a platform's world (a real HTTP endpoint, a local fake of the platform's API,
a real database, a fake clock) and speaks in people's handles: "maya", "ben". What a person
received is read back from the fake platform; what they do goes in over HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from teamwell.bot.slack import simulate as slack_sim
from teamwell.bot.slack.blocks import base_action_id
from teamwell.bot.wiring import Wired
from teamwell.core.clock import FakeClock
from tests.slack.conftest import TEAM, SlackWorld


@dataclass(frozen=True, slots=True)
class Press:
    """A button a person can press: its action id (without platform suffixes) and value."""

    action: str
    value: str
    raw: Any  # the platform's own button, for the driver that made it


class Driver(Protocol):
    """What every scenario may do, on any platform."""

    platform: str
    wired: Wired
    clock: FakeClock

    @property
    def workspace_id(self) -> str:
        """Our workspace id for the platform's workspace or tenant."""
        ...

    def add_person(self, handle: str, name: str, tz: str, **kwargs: Any) -> str:
        """Put a person in the platform's directory and ours, linked; returns the person id."""
        ...

    async def deliver(self) -> int:
        """Deliver the outbox to the fake platform."""
        ...

    def texts_to(self, handle: str) -> list[str]:
        """Every message the bot sent the person, oldest first, text and card content."""
        ...

    def buttons_to(self, handle: str) -> list[Press]:
        """Every button in messages to the person."""
        ...

    async def press(self, handle: str, button: Press) -> None:
        """The person presses a button."""
        ...

    async def comment(self, handle: str, button: Press, words: str) -> None:
        """The person presses a button that opens a one-field form and submits words."""
        ...

    async def kudos(self, handle: str, receivers: list[str], words: str) -> str:
        """The person gives kudos by command; returns the bot's answer."""
        ...


class SlackDriver:
    """Slack: signed requests into /slack/events, the fake Slack Web API behind."""

    platform = "slack"

    def __init__(self, world: SlackWorld) -> None:
        self.world = world
        self.wired = world.wired
        self.clock = world.clock
        self.names: dict[str, str] = {}

    @property
    def workspace_id(self) -> str:
        """The fake Slack team's workspace."""
        return self.world.workspace_id

    @staticmethod
    def user(handle: str) -> str:
        """The Slack user id of a handle."""
        return "U" + handle.upper()

    def add_person(self, handle: str, name: str, tz: str, **kwargs: Any) -> str:
        """A Slack user and a directory entry, linked."""
        self.names[handle] = name
        return self.world.add_person(self.user(handle), name, tz, **kwargs)

    async def deliver(self) -> int:
        """Drain the Slack outbox."""
        return await self.world.sender.drain()

    def texts_to(self, handle: str) -> list[str]:
        """Text and blocks of each DM."""
        channel = self.world.api.dm_channel(self.user(handle)) or ""
        return [f"{m.get('text', '')} {m.get('blocks', '')}"
                for m in self.world.api.messages_in(channel)]

    def buttons_to(self, handle: str) -> list[Press]:
        """Block Kit buttons in DMs."""
        return [Press(base_action_id(b["action_id"]), str(b.get("value", "")), b)
                for b in self.world.api.buttons_to(self.user(handle))]

    async def press(self, handle: str, button: Press) -> None:
        """A signed block_actions click."""
        status, _ = await self.world.click(self.user(handle), button.raw["action_id"],
                                           button.value)
        assert status == 200

    async def comment(self, handle: str, button: Press, words: str) -> None:
        """Open the modal, then a signed view_submission."""
        before = len(self.world.api.calls_to("views.open"))
        await self.press(handle, button)
        opened = self.world.api.calls_to("views.open")[before]
        view = opened.params["view"]
        field = view["blocks"][-1]["block_id"]
        status, _ = await self.world.post(*slack_sim.view_submission_body(
            TEAM, self.user(handle), view["callback_id"], view["private_metadata"],
            {field: words}))
        assert status == 200

    async def kudos(self, handle: str, receivers: list[str], words: str) -> str:
        """`/kudos <@U…|name> words`."""
        mentions = " ".join(f"<@{self.user(r)}|{self.names.get(r, r)}>" for r in receivers)
        status, body = await self.world.command(self.user(handle), f"{mentions} {words}",
                                                command="/kudos")
        assert status == 200
        return str(body.get("text", "")) if isinstance(body, dict) else str(body)
