"""Views (App Home tabs and modals) in the fake Slack Web API."""

from __future__ import annotations

import hashlib
from typing import Any

from teamwell.bot.slack.fake_checks import invalid_view_reason

Params = dict[str, Any]
Body = dict[str, Any]


def _error(error: str) -> Body:
    return {"ok": False, "error": error}


class FakeViews:
    """views.publish, views.open and views.update over an in-memory store."""

    def __init__(self, team_id: str, users: dict[str, dict[str, Any]]) -> None:
        self.team_id = team_id
        self.users = users
        self.by_id: dict[str, dict[str, Any]] = {}
        self.home_views: dict[str, str] = {}
        self._last_view = 0

    def _store(self, view: Any, view_id: str | None = None) -> Body:
        if reason := invalid_view_reason(view):
            return {"ok": False, "error": "invalid_arguments",
                    "response_metadata": {"messages": [reason]}}
        if view_id is None:
            self._last_view += 1
            view_id = f"V{self._last_view:08d}"
        stored = {**view, "id": view_id, "team_id": self.team_id,
                  "hash": hashlib.sha1(repr(view).encode()).hexdigest()[:12]}
        self.by_id[view_id] = stored
        return {"ok": True, "view": stored}

    def publish(self, p: Params) -> Body:
        """views.publish: set a user's App Home."""
        user_id = str(p.get("user_id", ""))
        if user_id not in self.users:
            return _error("user_not_found")
        view = p.get("view")
        if not isinstance(view, dict) or view.get("type") != "home":
            return _error("invalid_arguments")
        answer = self._store(view, self.home_views.get(user_id))
        if answer["ok"]:
            self.home_views[user_id] = answer["view"]["id"]
        return answer

    def open(self, p: Params) -> Body:
        """views.open: open a modal."""
        if not p.get("trigger_id"):
            return _error("invalid_trigger_id")
        return self._store(p.get("view"))

    def update(self, p: Params) -> Body:
        """views.update: replace an open view."""
        view_id = str(p.get("view_id") or "")
        if not view_id and p.get("external_id"):
            view_id = next((v for v, body in self.by_id.items()
                            if body.get("external_id") == p["external_id"]), "")
        if view_id not in self.by_id:
            return _error("not_found")
        return self._store(p.get("view"), view_id)
