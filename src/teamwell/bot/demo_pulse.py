"""The demo's weekly pulse: five people answer over signed HTTP, then Maya reads the results."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from teamwell.bot.demo_script import CAST, TEAM_ID, TEAMMATES, PulseAnswers
from teamwell.bot.pulse_cli import format_results
from teamwell.bot.slack import simulate
from teamwell.bot.slack.fake_api import FakeSlackApi
from teamwell.core.clock import FakeClock
from teamwell.handlers.deps import Deps
from teamwell.handlers.pulse_results import team_results

Post = Callable[[str, str], Awaitable[int]]


def _matches(button: dict[str, Any], label: str) -> bool:
    shown = str(button["text"]["text"])
    return shown == label or shown.startswith(label + " ")


async def answer_due_pulses(post: Post, api: FakeSlackApi, clock: FakeClock,
                            pending: list[PulseAnswers], write: Callable[[str], None],
                            ) -> list[PulseAnswers]:
    """Answer the pulses whose moment has come; returns those still waiting."""
    left: list[PulseAnswers] = []
    for plan in pending:
        rows = _question_rows(api, plan.slack_id)
        if plan.at(clock.now()) is None or not rows:
            left.append(plan)
            continue
        member = next(c for c in CAST + TEAMMATES if c.slack_id == plan.slack_id)
        chosen = []
        for i, row in enumerate(rows):
            label = plan.labels[i % len(plan.labels)]
            button = next((b for b in row if _matches(b, label)), row[-1])
            await post(*simulate.block_action_body(TEAM_ID, plan.slack_id, button["action_id"],
                                                   button["value"],
                                                   api.dm_channel(plan.slack_id)))
            chosen.append(str(button["text"]["text"]))
        write(f"\n{member.local(clock.now())}  <- {member.name} answered the pulse: "
              + "; ".join(chosen))
        if plan.comment:
            await _comment(post, api, plan, write)
    return left


def _question_rows(api: FakeSlackApi, slack_id: str) -> list[list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {}
    for b in api.buttons_to(slack_id):
        if str(b.get("action_id", "")).startswith("tw_pulse_answer"):
            rows.setdefault(str(b["value"]).split("|")[1], []).append(b)
    return list(rows.values())


async def _comment(post: Post, api: FakeSlackApi, plan: PulseAnswers,
                   write: Callable[[str], None]) -> None:
    button = next((b for b in api.buttons_to(plan.slack_id)
                   if str(b.get("action_id", "")).startswith("tw_pulse_comment")), None)
    if button is None:
        return
    await post(*simulate.block_action_body(TEAM_ID, plan.slack_id, button["action_id"],
                                           button["value"], api.dm_channel(plan.slack_id)))
    view = api.calls_to("views.open")[-1].params["view"]
    field = view["blocks"][-1]["block_id"]
    await post(*simulate.view_submission_body(TEAM_ID, plan.slack_id, view["callback_id"],
                                              view["private_metadata"], {field: plan.comment}))
    write(f"    (and added an anonymous comment: \u201c{plan.comment}\u201d)")


def print_results(deps: Deps, workspace_id: str, write: Callable[[str], None]) -> None:
    """What Maya (manager of Platform) and HR may see once the round has closed."""
    write("\nMaya runs `teamwell pulse results --team Platform` after the round closed:")
    for line in format_results(team_results(deps, workspace_id, "Platform")).splitlines():
        write(f"    {line}")
    write("\nHana (HR) runs `teamwell pulse results` (every team):")
    for line in format_results(team_results(deps, workspace_id)).splitlines():
        write(f"    {line}")
