"""Build Bot Framework activities shaped the way Microsoft Teams sends them to a bot.

Used by the tests, the offline demo and the benchmark to drive the real messaging endpoint.
Nothing is signed here: authentication is exercised separately.
"""

from __future__ import annotations

import base64
import hashlib
import html
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

TENANT_ID = "8c1f2e3d-0a4b-4c5d-9e6f-7a8b9c0d1e2f"
BOT_APP_ID = "00000000-0000-4000-8000-00000000beef"
SERVICE_URL = "https://smba.trafficmanager.net/emea/"
_NAMESPACE = uuid.UUID("5f1c2b7e-3d4a-4e5f-8a9b-0c1d2e3f4a5b")

Activity = dict[str, Any]


def personal_conversation_id(user_id: str, tenant_id: str = TENANT_ID) -> str:
    """The stable id ("a:...") of the bot's 1:1 conversation with a user."""
    digest = hashlib.sha256(f"{tenant_id}|{user_id}".encode()).digest()
    return "a:1" + base64.urlsafe_b64encode(digest).decode().rstrip("=")


@dataclass(frozen=True, slots=True)
class TeamsUser:
    """A simulated Teams user: "29:" id, display name, AAD object id, email, device settings."""

    id: str
    name: str
    aad_object_id: str
    email: str
    timezone: str = "UTC"
    locale: str = "en-US"

    @classmethod
    def make(cls, name: str, email: str | None = None, timezone: str = "UTC",
             locale: str = "en-US") -> TeamsUser:
        """A user whose ids derive from the email, so they are stable across runs."""
        email = email or f"{name.lower().replace(' ', '.')}@acme.test"
        digest = hashlib.sha256(email.lower().encode()).digest()
        user_id = "29:1" + base64.urlsafe_b64encode(digest).decode().rstrip("=")
        return cls(user_id, name, str(uuid.uuid5(_NAMESPACE, email.lower())), email,
                   timezone, locale)

    def account(self) -> dict[str, str]:
        """The `from` account Teams puts on this user's activities."""
        return {"id": self.id, "name": self.name, "aadObjectId": self.aad_object_id}


@dataclass(frozen=True, slots=True)
class TeamsBot:
    """The bot as Teams names it: "28:<app id>" and its display name."""

    app_id: str = BOT_APP_ID
    name: str = "Teamwell"

    @property
    def id(self) -> str:
        """The bot's channel account id."""
        return f"28:{self.app_id}"

    def account(self) -> dict[str, str]:
        """The `recipient` account of activities sent to the bot."""
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True, slots=True)
class TeamsTeam:
    """A team: its thread id (also the General channel's id), name and AAD group id."""

    id: str
    name: str
    aad_group_id: str

    @classmethod
    def make(cls, name: str) -> TeamsTeam:
        """A team with ids derived from its name."""
        token = hashlib.sha256(name.encode()).hexdigest()[:32]
        return cls(f"19:{token}@thread.tacv2", name, str(uuid.uuid5(_NAMESPACE, name)))

    def channel_data(self, tenant_id: str, channel_id: str | None = None) -> dict[str, Any]:
        """The channelData of an activity from a channel of this team."""
        channel = channel_id or self.id
        return {"teamsChannelId": channel, "teamsTeamId": self.id, "channel": {"id": channel},
                "team": {"id": self.id, "name": self.name, "aadGroupId": self.aad_group_id},
                "tenant": {"id": tenant_id}}


@dataclass(frozen=True, slots=True)
class Where:
    """Where activities come from: the connector's service URL, the tenant and the bot."""

    service_url: str = SERVICE_URL
    tenant_id: str = TENANT_ID
    bot: TeamsBot = TeamsBot()


HERE = Where()


def personal_message(user: TeamsUser, text: str, *, where: Where = HERE,
                     at: datetime | None = None) -> Activity:
    """A message a user types in their 1:1 chat with the bot."""
    activity = _base("message", user, _personal(user, where), where, at)
    activity.update(text=text, textFormat="plain", attachments=[_html(text)])
    return activity


def channel_message_with_mention(user: TeamsUser, text: str, bot: TeamsBot | None = None, *,
                                 team: TeamsTeam, channel_id: str | None = None,
                                 mentions: Sequence[TeamsUser] = (), thread_id: str | None = None,
                                 where: Where = HERE, at: datetime | None = None) -> Activity:
    """A channel post that @mentions the bot (and maybe users); text gets `<at>Bot</at>`."""
    bot = bot or where.bot
    tag = f"<at>{bot.name}</at>"
    text = text if tag in text else f"{tag} {text}"
    channel = channel_id or team.id
    activity = _base("message", user, {}, where, at)
    root = thread_id or activity["id"]  # a new post starts its own thread
    activity["conversation"] = {"isGroup": True, "conversationType": "channel",
                                "tenantId": where.tenant_id,
                                "id": f"{channel};messageid={root}"}
    activity["channelData"] = team.channel_data(where.tenant_id, channel)
    accounts = [bot.account(), *({"id": u.id, "name": u.name} for u in mentions)]
    activity["entities"] = [{"type": "mention", "text": f"<at>{a['name']}</at>", "mentioned": a}
                            for a in accounts] + activity["entities"]
    activity.update(text=text, textFormat="plain", attachments=[_html(text)])
    if thread_id:
        activity["replyToId"] = thread_id
    return activity


def card_submit(user: TeamsUser, data: dict[str, Any], *, reply_to_id: str | None = None,
                where: Where = HERE, at: datetime | None = None) -> Activity:
    """An Action.Submit click in a 1:1 chat: a message with `value` and no text."""
    activity = _base("message", user, _personal(user, where), where, at)
    activity["value"] = dict(data)
    _from_card(activity, reply_to_id)
    return activity


def invoke(user: TeamsUser, name: str, value: Any, *, reply_to_id: str | None = None,
           where: Where = HERE, at: datetime | None = None) -> Activity:
    """An invoke activity (task/fetch, task/submit, adaptiveCard/action...) in a 1:1 chat."""
    activity = _base("invoke", user, _personal(user, where), where, at)
    activity["id"] = f"f:{uuid.uuid4()}"
    activity.update(name=name, value=value)
    _from_card(activity, reply_to_id)
    return activity


def task_fetch(user: TeamsUser, data: dict[str, Any], **kwargs: Any) -> Activity:
    """The invoke Teams sends when a task/fetch button is pressed."""
    return invoke(user, "task/fetch", {"data": data, "context": {"theme": "default"}}, **kwargs)


def task_submit(user: TeamsUser, data: dict[str, Any], **kwargs: Any) -> Activity:
    """The invoke Teams sends when a dialog's card is submitted (inputs merged into data)."""
    return invoke(user, "task/submit", {"data": data, "context": {"theme": "default"}}, **kwargs)


def adaptive_card_action(user: TeamsUser, verb: str, data: dict[str, Any],
                         **kwargs: Any) -> Activity:
    """The invoke of an Action.Execute button (Universal Actions)."""
    action = {"type": "Action.Execute", "verb": verb, "data": data, "id": f"act-{verb}"}
    return invoke(user, "adaptiveCard/action", {"action": action, "trigger": "manual"}, **kwargs)


def conversation_update_members_added(user: TeamsUser, added: Sequence[TeamsUser] | None = None,
                                      *, bot_added: bool = True, team: TeamsTeam | None = None,
                                      where: Where = HERE, at: datetime | None = None
                                      ) -> Activity:
    """Members added: by default the bot and user (personal install), the bot alone in a team."""
    people = list(added) if added is not None else ([] if team else [user])
    return _membership("membersAdded", "teamMemberAdded", user, people, bot_added, team, where,
                       at)


def conversation_update_members_removed(user: TeamsUser, removed: Sequence[TeamsUser] = (), *,
                                        bot_removed: bool = True, team: TeamsTeam | None = None,
                                        where: Where = HERE, at: datetime | None = None
                                        ) -> Activity:
    """Members removed by user: by default the bot (uninstalled from a 1:1 chat or a team)."""
    return _membership("membersRemoved", "teamMemberRemoved", user, list(removed), bot_removed,
                       team, where, at)


def installation_update(user: TeamsUser, action: str = "add", *, team: TeamsTeam | None = None,
                        where: Where = HERE, at: datetime | None = None) -> Activity:
    """The app installed ("add") or uninstalled ("remove") by user, personally or in a team."""
    activity = _base("installationUpdate", user, _scope(user, team, where), where, at)
    activity["id"] = f"f:{uuid.uuid4()}"
    activity["from"] = {"id": user.id, "aadObjectId": user.aad_object_id}
    activity["action"] = action
    activity["entities"] = [{"type": "clientInfo", "locale": user.locale}]
    if team is not None:
        activity["channelData"] = {**team.channel_data(where.tenant_id),
                                   "settings": {"selectedChannel": {"id": team.id}},
                                   "source": {"name": "message"}}
    return activity


# --- internals ---


def _membership(field: str, event: str, user: TeamsUser, users: Sequence[TeamsUser],
                with_bot: bool, team: TeamsTeam | None, where: Where,
                at: datetime | None) -> Activity:
    activity = _base("conversationUpdate", user, _scope(user, team, where), where, at)
    activity["id"] = f"f:{uuid.uuid4()}"
    # Membership events carry ids only: no names or emails (look them up in the roster).
    activity["from"] = {"id": user.id, "aadObjectId": user.aad_object_id}
    accounts = [{"id": u.id, "aadObjectId": u.aad_object_id} for u in users]
    activity[field] = ([{"id": where.bot.id}] if with_bot else []) + accounts
    activity.pop("entities")
    activity.pop("locale")
    activity.pop("localTimezone")
    if team is not None:
        activity["channelData"] = {**team.channel_data(where.tenant_id), "eventType": event}
    return activity


def _scope(user: TeamsUser, team: TeamsTeam | None, where: Where) -> dict[str, Any]:
    if team is None:
        return _personal(user, where)
    return {"isGroup": True, "conversationType": "channel", "tenantId": where.tenant_id,
            "id": team.id, "name": team.name}


def _personal(user: TeamsUser, where: Where) -> dict[str, Any]:
    return {"conversationType": "personal", "tenantId": where.tenant_id,
            "id": personal_conversation_id(user.id, where.tenant_id)}


def _base(kind: str, user: TeamsUser, conversation: dict[str, Any], where: Where,
          at: datetime | None) -> Activity:
    moment = (at or datetime.now(UTC)).astimezone(UTC)
    local = moment.astimezone(ZoneInfo(user.timezone))
    return {
        "type": kind,
        "id": str(int(moment.timestamp() * 1000)),
        "timestamp": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "localTimestamp": local.isoformat(timespec="milliseconds"),
        "channelId": "msteams",
        "serviceUrl": where.service_url,
        "from": user.account(),
        "conversation": conversation,
        "recipient": where.bot.account(),
        "entities": [{"type": "clientInfo", "locale": user.locale,
                      "country": user.locale.rpartition("-")[2], "platform": "Web",
                      "timezone": user.timezone}],
        "channelData": {"tenant": {"id": where.tenant_id}},
        "locale": user.locale,
        "localTimezone": user.timezone,
    }


def _from_card(activity: Activity, reply_to_id: str | None) -> None:
    # Clicks on a card arrive as replies to the card's message.
    activity["channelData"] = {**activity["channelData"], "source": {"name": "message"}}
    if reply_to_id:
        activity["replyToId"] = reply_to_id
        activity["channelData"]["legacy"] = {"replyToId": f"1:{reply_to_id}"}


def _html(text: str) -> dict[str, str]:
    # The Teams client also attaches the message as HTML; bots must tolerate that attachment.
    escaped = html.escape(text).replace("&lt;at&gt;", "<at>").replace("&lt;/at&gt;", "</at>")
    return {"contentType": "text/html", "content": f"<p>{escaped}</p>"}
