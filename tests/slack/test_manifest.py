"""manifest.yml declares exactly what the code uses, and is a valid Slack app manifest."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SLACK_CODE = ROOT / "src" / "teamwell" / "bot" / "slack"
SCHEMA = ROOT.parent / "shared" / "schemas" / "slack-manifest.schema.1.0.0.json"
# Not the bot's own calls: the fake Web API and the request simulator.
NOT_APP_CODE = {"fake_api.py", "fake_workspace.py", "fake_views.py", "fake_checks.py",
                "fake_files.py", "fake_oauth.py", "simulate.py"}

# Slack's documented bot scope for each Web API method (None: no scope needed).
METHOD_SCOPES: dict[str, str | tuple[str, ...] | None] = {
    "auth.test": None,
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.postEphemeral": "chat:write",
    "conversations.open": "im:write",
    # Our own DMs, and the recognition channel (a public channel the bot was invited to), when
    # the sender checks whether a post went out just before a crash.
    "conversations.history": ("im:history", "channels:history"),
    "users.list": "users:read",
    "users.info": "users:read",
    "users.lookupByEmail": "users:read.email",
    "views.publish": None,
    "views.open": None,
    "views.update": None,
    # Chart images, uploaded privately and shown in the message that follows.
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
}
# Scopes events need, and scopes implied by what we read.
EVENT_SCOPES = {"team_join": "users:read", "user_change": "users:read",
                "message.im": "im:history", "app_home_opened": None,
                # Uninstalls (OAuth installs): every app may subscribe to them.
                "app_uninstalled": None, "tokens_revoked": None}
IMPLIED = {"commands"}  # slash commands
EMAIL_IN_PROFILES = "users:read.email"  # the directory reads profile.email


def _manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))


def _code() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SLACK_CODE.glob("*.py"))
                     if p.name not in NOT_APP_CODE)


def _methods_used(code: str) -> set[str]:
    found = set(re.findall(
        r"\.(auth_test|chat_\w+|conversations_\w+|files_\w+|users_\w+|views_\w+)\(", code))
    found |= set(re.findall(r"api_call\(\s*[\"']([\w.]+)[\"']", code))
    return {m.replace("_", ".", 1) if "_" in m else m for m in found}


def _events_used(code: str) -> set[str]:
    events = set(re.findall(r"app\.event\(\s*\"(\w+)\"", code))
    if "message" in events:
        events.discard("message")
        events.add("message.im")  # the listener only answers direct messages
    return events


def test_every_method_the_code_calls_has_a_known_scope() -> None:
    unknown = _methods_used(_code()) - METHOD_SCOPES.keys()
    assert unknown == set()


def test_manifest_scopes_are_exactly_those_the_code_needs() -> None:
    code = _code()
    needed: set[str | None] = set()
    for method in _methods_used(code):
        scopes = METHOD_SCOPES[method]
        needed |= set(scopes) if isinstance(scopes, tuple) else {scopes}
    needed |= {EVENT_SCOPES[e] for e in _events_used(code)}
    needed |= IMPLIED | {EMAIL_IN_PROFILES}
    needed.discard(None)
    declared = set(_manifest()["oauth_config"]["scopes"]["bot"])
    assert declared == needed


def test_manifest_events_are_exactly_those_the_code_listens_to() -> None:
    declared = set(_manifest()["settings"]["event_subscriptions"]["bot_events"])
    assert declared == _events_used(_code())


def test_manifest_commands_are_exactly_those_the_code_handles() -> None:
    declared = {c["command"] for c in _manifest()["features"]["slash_commands"]}
    handled = set(re.findall(r"app\.command\(\s*\"(/[\w-]+)\"", _code()))
    assert declared == handled


def test_interactivity_and_events_point_at_the_one_endpoint() -> None:
    settings = _manifest()["settings"]
    urls = {settings["interactivity"]["request_url"],
            settings["event_subscriptions"]["request_url"],
            *(c["url"] for c in _manifest()["features"]["slash_commands"])}
    assert settings["interactivity"]["is_enabled"] is True
    assert {u.split("/", 3)[-1] for u in urls} == {"slack/events"}


def test_manifest_validates_against_slacks_published_schema() -> None:
    if not SCHEMA.exists():
        pytest.skip(f"Slack's manifest schema is not here ({SCHEMA}); it ships in ../shared")
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(_manifest(), json.loads(SCHEMA.read_text(encoding="utf-8")))
