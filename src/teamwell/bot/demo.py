"""`teamwell demo`: a simulated Slack workspace, offline, with a fake clock and a transcript.

Everything real runs: migrations on a temporary SQLite file, the Bolt app behind its HTTP
endpoint (clicks arrive as signed requests), the onboarding ticks and the outbox sender, which
talks to a local fake Slack Web API. Only Slack itself and the passing of time are simulated.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import web

from teamwell.bot.config import load_settings
from teamwell.bot.demo_pulse import answer_due_pulses, print_results
from teamwell.bot.demo_script import (
    CAST,
    KUDOS_CHANNEL,
    KUDOS_ROOM,
    PEOPLE_CSV,
    TEAM_ID,
    TEAMMATES,
    Click,
    KudosPlan,
    planned_clicks,
    planned_kudos,
    planned_pulse_answers,
)
from teamwell.bot.scheduler import pulse_tick
from teamwell.bot.server import EDGE_KEY, INBOX_KEY, build_web_app
from teamwell.bot.slack import simulate
from teamwell.bot.slack.fake_api import FakeSlackApi
from teamwell.bot.slack.sender import SlackSender
from teamwell.bot.storage import migrate
from teamwell.bot.transcript import blocks_to_lines
from teamwell.bot.wiring import slack_client, wire
from teamwell.core.clock import FakeClock
from teamwell.core.pulse import RoundStatus
from teamwell.core.pulse_rotation import week_monday
from teamwell.handlers.deps import Deps
from teamwell.handlers.digest import send_due_digests
from teamwell.handlers.onboarding import run_due_steps, send_due_reminders
from teamwell.handlers.people import import_people

STEP = timedelta(minutes=15)
START = datetime(2026, 3, 4, 8, 0, tzinfo=UTC)  # Wednesday; the new hire starts on Monday


def run_demo(days: int = 15, out: TextIO | None = None) -> int:
    """Run the simulation and print the transcript; returns an exit status."""
    logging.getLogger().setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="teamwell-demo-") as tmp:
        return asyncio.run(_demo(Path(tmp), max(1, min(days, 100)), out))


class Transcript:
    """Prints what each person received and clicked, in their own local time."""

    def __init__(self, api: FakeSlackApi, write: Callable[[str], None]) -> None:
        self.api = api
        self.write = write
        self.seen = 0
        self.names = {c.slack_id: c.name for c in CAST + TEAMMATES}
        self.by_channel: dict[str, Any] = {}
        for member in CAST:
            # A first message names the person's user id; later ones, the DM it opened.
            self.by_channel[member.slack_id] = member
            channel = api.dm_channel(member.slack_id)
            if channel:
                self.by_channel[channel] = member
        self.by_channel[KUDOS_CHANNEL] = KUDOS_ROOM

    def flush(self) -> None:
        """Print the bot's new posts and updates since the last flush."""
        calls = self.api.calls
        for call in calls[self.seen:]:
            if call.method not in ("chat.postMessage", "chat.update") or not call.took_effect:
                continue
            member = self.by_channel.get(str(call.params.get("channel")))
            if member is None:
                continue
            verb = "updated" if call.method == "chat.update" else "->"
            self.write(f"\n{member.local(call.at)}  {verb} {member.name} ({member.role})")
            for line in blocks_to_lines(call.params.get("blocks") or [], self.names):
                if line.strip():
                    self.write(f"    {line}")
        self.seen = len(calls)

    def action(self, when: datetime, click: Click, outcome: str) -> None:
        """Record a click."""
        member = next(c for c in CAST if c.slack_id == click.slack_id)
        self.write(f"\n{member.local(when)}  <- {member.name} pressed [{click.label}]{outcome}")


async def _demo(tmp: Path, days: int, out: TextIO | None) -> int:
    def write(line: str) -> None:
        print(line, file=out, flush=True)

    clock = FakeClock(START)
    token = "xoxb-demo-" + secrets.token_hex(8)
    secret = secrets.token_hex(16)
    api = FakeSlackApi(token=token, clock=clock, team_id=TEAM_ID, team_name="Acme (simulated)")
    for member in CAST + TEAMMATES:
        api.add_user(member.slack_id, member.name, member.email, tz=member.tz)
    base = await api.start()
    url = f"sqlite:///{tmp / 'demo.db'}"
    migrate.upgrade(url)
    api.add_channel(KUDOS_CHANNEL)
    settings = load_settings({"TEAMWELL_DATABASE_URL": url, "SLACK_BOT_TOKEN": token,
                              "SLACK_SIGNING_SECRET": secret, "SLACK_API_URL": base + "/api/",
                              "TEAMWELL_RECOGNITION_CHANNEL": KUDOS_CHANNEL})
    wired = wire(settings, clock)
    client = slack_client(settings)
    app = build_web_app(wired, client, with_background=False)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    endpoint = f"http://127.0.0.1:{port}/slack/events"
    sender = SlackSender(wired.deps.uow, client, clock)
    transcript = Transcript(api, write)
    write("Teamwell offline demo: a simulated Slack workspace, a fake clock, no network.")
    write("Every message below went through the real bot: database, outbox, Slack renderer,")
    write("and a local fake Slack Web API. Button presses are signed HTTP requests.\n")
    try:
        async with aiohttp.ClientSession() as session:
            with wired.deps.uow() as uow:
                ws = uow.workspaces.ensure("slack", TEAM_ID, "Acme")
                uow.commit()
            report = import_people(wired.deps, ws, PEOPLE_CSV)
            write(f"HR imports people.csv: {report.summary()}")
            write(f"Slack sends team_join events as people join: {', '.join(c.name for c in CAST)}")
            for n, member in enumerate(CAST + TEAMMATES):
                body, ctype = simulate.event_body(TEAM_ID, {"type": "team_join",
                                                            "user": api.workspace.users[member.slack_id]},
                                                  f"EvDemo{n}")
                await _post(session, endpoint, secret, body, ctype)
            reply = await _command(session, endpoint, secret, "UHANA", "pulse off")
            hana = CAST[-1]
            write(f"\n{hana.local(clock.now())}  <- Hana types /teamwell pulse off (she reads "
                  f"the results as HR)\n    {reply}")
            end = START + timedelta(days=days)
            pending = planned_clicks()
            pulses = planned_pulse_answers()
            kudos = planned_kudos()
            shown_results = False

            async def post(body: str, ctype: str) -> int:
                return await _post(session, endpoint, secret, body, ctype)

            while clock.now() < end:
                await asyncio.to_thread(run_due_steps, wired.deps)
                await asyncio.to_thread(send_due_reminders, wired.deps)
                closed = await pulse_tick(wired.deps)
                await asyncio.to_thread(send_due_digests, wired.deps)
                await sender.drain()
                transcript.flush()
                pending = await _press_due(session, endpoint, secret, api, clock, pending,
                                           transcript)
                pulses = await answer_due_pulses(post, api, clock, pulses, write)
                kudos = await _give_due_kudos(session, endpoint, secret, clock, kudos, write)
                await app[INBOX_KEY].drain()
                await sender.drain()
                transcript.flush()
                if closed and not shown_results and _round_closed(wired.deps, ws):
                    print_results(wired.deps, ws, write)
                    shown_results = True
                clock.advance(STEP)
            await app[EDGE_KEY].drain_background()
    finally:
        await runner.cleanup()
        await api.stop()
        wired.engine.dispose()
    ids = api.posted_outbox_ids()
    once = "each exactly once" if len(ids) == len(set(ids)) else "SOME MORE THAN ONCE"
    write(f"\nDone: {days} simulated days, {len(ids)} messages delivered, {once}.")
    return 0 if len(ids) == len(set(ids)) else 1


def _round_closed(deps: Deps, workspace_id: str) -> bool:
    with deps.uow() as uow:
        week = week_monday(deps.clock.now().date())
        rounds = uow.pulses.rounds_in_week(workspace_id, week)
    return any(r.status is RoundStatus.CLOSED for r in rounds)


async def _give_due_kudos(session: aiohttp.ClientSession, endpoint: str, secret: str,
                          clock: FakeClock, pending: list[KudosPlan],
                          write: Callable[[str], None]) -> list[KudosPlan]:
    left = []
    for plan in pending:
        member = next(c for c in CAST if c.slack_id == plan.slack_id)
        due = datetime.combine(plan.local_day, plan.local_time, ZoneInfo(member.tz))
        if clock.now() < due:
            left.append(plan)
            continue
        body, ctype = simulate.command_body(TEAM_ID, plan.slack_id, "/kudos", plan.text)
        headers = {"Content-Type": ctype, **simulate.sign(secret, body)}
        async with session.post(endpoint, data=body.encode(), headers=headers) as resp:
            answer = await resp.text()  # a text-only ack comes back as plain text
        shown = plan.text.replace("<@UBEN|ben>", "@Ben")
        write(f"\n{member.local(clock.now())}  <- {member.name} types /kudos {shown}\n"
              f"    {answer}")
    return left


async def _command(session: aiohttp.ClientSession, endpoint: str, secret: str, user: str,
                   text: str) -> str:
    body, ctype = simulate.command_body(TEAM_ID, user, "/teamwell", text)
    headers = {"Content-Type": ctype, **simulate.sign(secret, body)}
    async with session.post(endpoint, data=body.encode(), headers=headers) as resp:
        answer = await resp.json(content_type=None)
    return str(answer.get("text", ""))


async def _post(session: aiohttp.ClientSession, endpoint: str, secret: str, body: str,
                ctype: str) -> int:
    headers = {"Content-Type": ctype, **simulate.sign(secret, body)}
    async with session.post(endpoint, data=body.encode(), headers=headers) as resp:
        await resp.read()
        return resp.status


async def _press_due(session: aiohttp.ClientSession, endpoint: str, secret: str,
                     api: FakeSlackApi, clock: FakeClock, pending: list[Click],
                     transcript: Transcript) -> list[Click]:
    left: list[Click] = []
    for click in pending:
        if click.at(clock.now()) is None:
            left.append(click)
            continue
        button = _find_button(api, click)
        if button is None:
            left.append(click)
            continue
        body, ctype = simulate.block_action_body(TEAM_ID, click.slack_id, button["action_id"],
                                                 button["value"],
                                                 api.dm_channel(click.slack_id))
        status = await _post(session, endpoint, secret, body, ctype)
        transcript.action(clock.now(), click, "" if status == 200 else f" (HTTP {status})")
        if click.comment and button["action_id"].startswith("tw_checkin_score"):
            await _comment(session, endpoint, secret, api, click, transcript, clock)
    return left


async def _comment(session: aiohttp.ClientSession, endpoint: str, secret: str,
                   api: FakeSlackApi, click: Click, transcript: Transcript,
                   clock: FakeClock) -> None:
    comment = _find_button(api, Click(click.slack_id, "Add a comment", "tw_checkin_comment",
                                      click.local_day, click.local_time, ""))
    if comment is None:
        return
    body, ctype = simulate.block_action_body(TEAM_ID, click.slack_id, comment["action_id"],
                                             comment["value"], api.dm_channel(click.slack_id))
    await _post(session, endpoint, secret, body, ctype)
    opened = api.calls_to("views.open")
    if not opened:
        return
    view = opened[-1].params["view"]
    field = view["blocks"][-1]["block_id"]
    body, ctype = simulate.view_submission_body(TEAM_ID, click.slack_id, view["callback_id"],
                                                view["private_metadata"], {field: click.comment})
    await _post(session, endpoint, secret, body, ctype)
    transcript.write(f"    (and wrote a comment in the form: \u201c{click.comment}\u201d)")


def _find_button(api: FakeSlackApi, click: Click) -> dict[str, Any] | None:
    buttons: list[dict[str, Any]] = api.buttons_to(click.slack_id)
    for element in buttons[::-1]:
        if (str(element.get("action_id", "")).startswith(click.action_prefix)
                and click.label.lower() in str(element["text"]["text"]).lower()):
            return element
    return None
