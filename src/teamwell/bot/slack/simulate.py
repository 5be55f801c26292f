"""Build requests the way Slack sends them: signed events, button clicks, forms, commands.

Used by the offline demo, the tests and the benchmark to drive the real HTTP endpoint.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode


def sign(secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 signature headers for body (always with the real current time)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def event_body(team_id: str, event: dict[str, Any], event_id: str) -> tuple[str, str]:
    """An Events API callback as (body, content type)."""
    payload = {
        "token": "legacy", "team_id": team_id, "api_app_id": "A0TEAMWELL",
        "event": event, "type": "event_callback", "event_id": event_id,
        "event_time": int(time.time()), "authorizations": [
            {"team_id": team_id, "user_id": "UBOT", "is_bot": True}],
    }
    return json.dumps(payload), "application/json"


def block_action_body(team_id: str, user_id: str, action_id: str, value: str,
                      channel: str | None = None, view_type: str | None = None) -> tuple[str, str]:
    """A block_actions interaction (form-encoded `payload=<json>`)."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": team_id, "domain": "demo"},
        "user": {"id": user_id, "team_id": team_id},
        "api_app_id": "A0TEAMWELL", "token": "legacy", "trigger_id": f"trig-{time.time_ns()}",
        "response_url": "",
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b1", "value": value,
                     "action_ts": str(time.time())}],
    }
    if channel:
        payload["channel"] = {"id": channel}
        payload["container"] = {"type": "message", "channel_id": channel, "message_ts": "1.0"}
    if view_type:
        payload["view"] = {"id": "V1", "type": view_type}
        payload["container"] = {"type": "view", "view_id": "V1"}
    return urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"


def view_submission_body(team_id: str, user_id: str, callback_id: str, private_metadata: str,
                         values: dict[str, str | list[str]],
                         choices: dict[str, str] | None = None) -> tuple[str, str]:
    """A view_submission: text inputs (a list: picked users) and static selects by block id."""
    state: dict[str, Any] = {}
    for bid, v in values.items():
        state[bid] = {bid: ({"type": "multi_users_select", "selected_users": v}
                            if isinstance(v, list) else {"type": "plain_text_input", "value": v})}
    for bid, chosen in (choices or {}).items():
        state[bid] = {bid: {"type": "static_select",
                            "selected_option": {"value": chosen,
                                                "text": {"type": "plain_text", "text": chosen}}}}
    payload = {
        "type": "view_submission", "team": {"id": team_id, "domain": "demo"},
        "user": {"id": user_id, "team_id": team_id}, "api_app_id": "A0TEAMWELL",
        "token": "legacy", "trigger_id": f"trig-{time.time_ns()}",
        "view": {"id": "V2", "type": "modal", "callback_id": callback_id,
                 "private_metadata": private_metadata, "state": {"values": state}},
    }
    return urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"


def command_body(team_id: str, user_id: str, command: str, text: str) -> tuple[str, str]:
    """A slash command (a plain form post)."""
    return urlencode({
        "token": "legacy", "team_id": team_id, "team_domain": "demo", "channel_id": "D0CMD",
        "channel_name": "directmessage", "user_id": user_id, "user_name": "someone",
        "command": command, "text": text, "api_app_id": "A0TEAMWELL",
        "response_url": "", "trigger_id": f"trig-{time.time_ns()}",
    }), "application/x-www-form-urlencoded"
