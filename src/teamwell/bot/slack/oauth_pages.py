"""What the person installing Teamwell sees after Slack sends them back: done, or why not."""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence

from slack_bolt.oauth.async_callback_options import AsyncFailureArgs, AsyncSuccessArgs
from slack_bolt.response import BoltResponse

from teamwell.bot.slack.settings import INSTALL_PATH

log = logging.getLogger(__name__)

START_AGAIN = f'<a href="{INSTALL_PATH}">Start again</a>'
# Why an install did not complete (Bolt's reason), in the installer's words, and the status.
FAILURES: dict[str, tuple[int, str]] = {
    "invalid_browser": (400, "This page was opened without the cookie the install started "
                             "with (another browser, or cookies blocked). Nothing was "
                             f"installed. {START_AGAIN} in this browser."),
    "invalid_state": (400, "This install link has expired or was already used. Nothing was "
                           f"installed. {START_AGAIN}: links are valid for ten minutes."),
    "missing_code": (400, "Slack did not send an authorisation code. Nothing was installed. "
                          f"{START_AGAIN}."),
    "invalid_code": (400, "Slack did not accept the authorisation (the code was wrong, expired "
                          f"or already used). Nothing was installed. {START_AGAIN}."),
    "access_denied": (200, "The installation was cancelled in Slack. Nothing was installed."),
    "storage_error": (503, "Teamwell could not save the installation. Nothing was installed; "
                           f"please try again in a minute. {START_AGAIN}."),
}
UNKNOWN = (400, f"Slack reported a problem. Nothing was installed. {START_AGAIN}.")


def page(title: str, body_html: str) -> str:
    """A small, plain HTML page (body_html is trusted markup)."""
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title></head><body style=\"font-family: sans-serif; "
            f"max-width: 40em; margin: 3em auto\"><h1>{html.escape(title)}</h1>"
            f"<p>{body_html}</p></body></html>")


def _html(status: int, title: str, body_html: str, cookie: str | None) -> BoltResponse:
    headers: dict[str, str | Sequence[str]] = {"Content-Type": "text/html; charset=utf-8"}
    if cookie:
        headers["Set-Cookie"] = [cookie]
    return BoltResponse(status=status, body=page(title, body_html), headers=headers)


async def installed(args: AsyncSuccessArgs) -> BoltResponse:
    """The page after a completed install."""
    installation = args.installation
    team = html.escape(installation.team_name or installation.team_id or "your workspace")
    cookie = args.settings.state_utils.build_set_cookie_for_deletion()
    return _html(200, "Teamwell is installed",
                 f"Teamwell is now installed in {team}. In Slack, type "
                 "<code>/teamwell help</code> to see what it does, and "
                 "<code>/teamwell privacy</code> to see what it keeps.", cookie)


async def not_installed(args: AsyncFailureArgs) -> BoltResponse:
    """The page after an install that did not complete: why, and what to do."""
    status, text = FAILURES.get(args.reason, UNKNOWN)
    if args.error is not None:
        log.warning("Slack install failed (%s): %s", args.reason, args.error)
    else:
        log.info("Slack install refused: %s", args.reason)
    cookie = args.settings.state_utils.build_set_cookie_for_deletion()
    return _html(status, "Teamwell was not installed", text, cookie)
