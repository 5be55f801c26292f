"""Renderer parity: every block type, form field and real message renders on Slack and Teams."""

from __future__ import annotations

import typing
import zlib
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from teamwell.bot.slack import blocks as slack
from teamwell.bot.slack.fake_checks import invalid_blocks_reason, invalid_view_reason
from teamwell.bot.teams import cards as teams
from teamwell.core import copy, kudos_views, onboarding_views, pulse_views, recognition_stats
from teamwell.core.actions import ActionId
from teamwell.core.celebrations import (
    Celebration,
    CelebrationKind,
    celebration_dm,
    celebration_post,
)
from teamwell.core.digest import (
    DigestContent,
    DimensionLine,
    NewHireLine,
    SignalView,
    TeamSection,
    chart_for,
    digest_message,
)
from teamwell.core.kudos import (
    Kudos,
    KudosSettings,
    channel_post,
    manager_notice,
    private_receipt,
    receiver_dm,
)
from teamwell.core.messages import (
    BLOCK_TYPES,
    Actions,
    Block,
    Button,
    Chart,
    ChartSeries,
    ChoiceField,
    Context,
    Divider,
    Form,
    FormField,
    Header,
    Link,
    LinkList,
    Message,
    PeopleField,
    Section,
    TextField,
    mentioned_people,
    say,
    text,
)
from teamwell.core.onboarding import CheckIn, Onboarding, OnboardingStatus, StepRun, TaskState
from teamwell.core.onboarding_cast import Cast
from teamwell.core.onboarding_plan import Progress
from teamwell.core.onboarding_views import ProgressView, StepContext
from teamwell.core.people import Person
from teamwell.core.pulse import PulseRound
from teamwell.core.suggestions import PERSON, TEAM, Kind, Suggestion
from teamwell.surveys.onboarding import load_library
from teamwell.surveys.pulse_bank import ENPS, load_bank
from teamwell.surveys.values import load_values
from tests.teams.card_checks import card_of, invalid_activity_reason, invalid_card_reason

NOW = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")
TYPED = "Thanks for <!channel> *all* the [help](https://evil.example) & <at>Boss</at>\n- really"
CHART = Chart("Team pulse", ("W1", "W2", "W3"), (ChartSeries("Workload", (3.0, None, 3.5)),),
              alt="Workload rose from 3 to 3.5.")


def _slack_id(person_id: str) -> str:
    return f"U{zlib.crc32(person_id.encode()):010d}"


def _teams_id(person_id: str) -> tuple[str, str]:
    return f"29:{person_id}", person_id.title()


BLOCK_EXAMPLES: dict[type, Block] = {
    Header: Header("Weekly digest"),
    Section: Section(text("Body"), Button("Done", ActionId.TASK_DONE, "o|t", "primary")),
    Context: Context(text("Only you see this.")),
    Divider: Divider(),
    Actions: Actions((Button("Help", ActionId.NEED_HELP, "o|s", "danger"),
                      Button("Comment", ActionId.CHECKIN_COMMENT, "o|s"))),
    LinkList: LinkList((Link("https://example.com/handbook", "Handbook"),)),
    Chart: CHART,
}
FIELD_EXAMPLES: dict[type, FormField] = {
    TextField: TextField("comment", "Anything to add?", multiline=True, hint="Optional."),
    PeopleField: PeopleField("receivers", "Who?", max_people=3),
    ChoiceField: ChoiceField("where", "Where?", (("public", "Channel"), ("private", "DM")),
                             initial="public"),
}


def _both(message: Message) -> tuple[list[dict[str, typing.Any]], dict[str, typing.Any]]:
    _fallback, blocks = slack.render_message(message, _slack_id)
    activity = teams.render_activity(message, _teams_id)
    assert invalid_blocks_reason(blocks) is None
    assert invalid_activity_reason(activity) is None
    return blocks, activity


@pytest.mark.parametrize("block_type", BLOCK_TYPES, ids=lambda t: t.__name__)
def test_every_block_type_renders_on_both_platforms(block_type: type) -> None:
    assert block_type in BLOCK_EXAMPLES, f"add an example {block_type.__name__} here"
    example = BLOCK_EXAMPLES[block_type]
    around = (Section(text("before")), Section(text("after")))

    slack_with, teams_with = _both(Message("f", (around[0], example, around[1])))
    slack_without, teams_without = _both(Message("f", around))

    assert block_type in slack.BLOCK_RENDERERS and block_type in teams.BLOCK_RENDERERS
    assert slack_with != slack_without
    assert card_of(teams_with)["body"] != card_of(teams_without)["body"]


@pytest.mark.parametrize("field_type", typing.get_args(FormField), ids=lambda t: t.__name__)
def test_every_form_field_type_renders_on_both_platforms(field_type: type) -> None:
    assert field_type in FIELD_EXAMPLES, f"add an example {field_type.__name__} here"
    field = FIELD_EXAMPLES[field_type]
    form = Form("A form", "Send", ActionId.KUDOS_SUBMIT, "ctx", fields=(field,), intro=text("Hi"))

    view = slack.render_form(form, _slack_id)
    card = teams.render_form_card(form, _teams_id)

    assert invalid_view_reason(view) is None
    assert invalid_card_reason(card) is None
    assert [b.get("block_id") for b in view["blocks"]][-1] == field.id
    assert [el.get("id") for el in card["body"]][-1] == field.id


# --- every real message the product builds that is cheap to construct ---

PEOPLE = {pid: Person(pid, "w1", pid.title(), timezone="Europe/London")
          for pid in ("maya", "ben", "dana", "luis", "kai")}
SEQUENCE = load_library().default()
ONBOARDING = Onboarding("onb1", "w1", "luis", "default", date(2026, 3, 2),
                        OnboardingStatus.ACTIVE, NOW, buddy_id="dana", manager_id="maya")
CAST = Cast(PEOPLE["luis"], PEOPLE["maya"], PEOPLE["dana"])
TASKS = (TaskState("onb1", "s1", "laptop", "Collect your laptop", done_at=NOW),
         TaskState("onb1", "s1", "badge", "Get your <badge>"))
PROGRESS = Progress("onb1", OnboardingStatus.ACTIVE, date(2026, 3, 2), 3, 9, 1, 2, TASKS[1:],
                    (CheckIn("onb1", SEQUENCE.steps[-1].id, NOW, 4, TYPED),),
                    StepRun("onb1", SEQUENCE.steps[-1].id, "luis", NOW + timedelta(days=2)))
VALUES = load_values()
KUDOS = Kudos("k1", "w1", "ben", ("dana", "luis"), TYPED, VALUES.all()[0].id, True, NOW)
BANK = load_bank()
QUESTIONS = (*BANK.rotating()[:3], BANK.in_dimension(ENPS)[0])
ROUND = PulseRound("r1", "w1", "*", date(2026, 3, 9), tuple(q.id for q in QUESTIONS), NOW,
                   NOW + timedelta(days=4))
WEEKS = [date(2026, 1, 5) + timedelta(weeks=i) for i in range(12)]


def _digest() -> Message:
    chart = chart_for("Platform", WEEKS, [("Workload", [3.0 + 0.05 * i for i in range(12)]),
                                          ("Energy", [None] * 6 + [3.5] * 6)])
    shown = TeamSection("Platform", True, respondents=7, invited=8, chart=chart,
                        dimensions=(DimensionLine("workload", "Workload", 3.6, 0.4, False,
                                                  WEEKS[-1]),),
                        signal=SignalView("watch", ("workload up 3 weeks",), "medium"),
                        attention=("Platform: watch",))
    hidden = TeamSection("Design", False, reason="Fewer than 5 answered.",
                         not_assessed="Too few answers to assess.")
    suggestions = tuple(
        Suggestion(f"s{n}", "w1", "maya", WEEKS[-1], kind, target, tid, "Workload", TYPED,
                   "What could we drop?")
        for n, (kind, target, tid) in enumerate(((Kind.TEAM_DIMENSION, TEAM, "platform"),
                                                 (Kind.NEW_HIRE_CHECKIN, PERSON, "luis"))))
    return digest_message(DigestContent("maya", WEEKS[-1], False, (shown, hidden), 4, 2,
                                        (NewHireLine("luis", "3 of 9 steps"),), suggestions, 5))


def _step(step_index: int) -> Message:
    step = SEQUENCE.steps[step_index]
    return onboarding_views.step_message(
        StepContext(ONBOARDING, step, CAST, TASKS, PROGRESS, SEQUENCE))


def _celebrations() -> list[Message]:
    at = datetime.combine(date(2026, 3, 9), time(9), tzinfo=UTC)
    anniversary = Celebration("ben", CelebrationKind.ANNIVERSARY, date(2026, 3, 8),
                              date(2026, 3, 9), at, 3)
    birthday = Celebration("dana", CelebrationKind.BIRTHDAY, date(2026, 3, 9), date(2026, 3, 9),
                           at, None)
    return [celebration_post([anniversary, birthday]), celebration_dm(anniversary),
            celebration_dm(birthday)]


def _recognition() -> list[Message]:
    stats = recognition_stats.PersonStats(3, 5, (("teamwork", 2),), (("teamwork", 4),),
                                          (("2026-02", 2), ("2026-03", 3)),
                                          (("2026-02", 1), ("2026-03", 2)))
    fairness = recognition_stats.Fairness(20, 9, 30, 0.4, 0.52, ("research",), 0.6)
    return [recognition_stats.stats_message(stats, VALUES, True, "Ben"),
            recognition_stats.stats_message(stats, VALUES, False, "Ben"),
            recognition_stats.unrecognised_prompt("maya", [PEOPLE["ben"], PEOPLE["dana"]], 6),
            recognition_stats.fairness_message(fairness, {"research": "Research"})]


MESSAGES: dict[str, Callable[[], list[Message]]] = {
    "copy": lambda: [copy.intro_message(), copy.privacy_message(), copy.help_message(),
                     Message("notice", (copy.bot_notice(),)), say(TYPED)],
    "kudos": lambda: [channel_post(KUDOS, VALUES.all()[0], {"ben": "Ben"}),
                      receiver_dm(KUDOS, None), manager_notice(KUDOS, None, "dana"),
                      private_receipt(KUDOS, VALUES.all()[0]),
                      Message("home", kudos_views.kudos_home_blocks())],
    "pulse": lambda: [pulse_views.pulse_message(ROUND, QUESTIONS, LONDON, 8, 5, 5,
                                                {QUESTIONS[0].id: 3, QUESTIONS[1].id: None}),
                      pulse_views.reminder_message(ROUND, LONDON)],
    "digest": lambda: [_digest()],
    "onboarding steps": lambda: [_step(i) for i in range(len(SEQUENCE.steps))],
    "onboarding others": lambda: [
        onboarding_views.reminder_message(StepContext(ONBOARDING, SEQUENCE.steps[0], CAST),
                                          TASKS[1:], 2),
        onboarding_views.help_handoff_message(
            StepContext(ONBOARDING, SEQUENCE.steps[0], CAST, sequence=SEQUENCE),
            "You're their buddy.", PROGRESS),
        onboarding_views.help_confirmation_message(
            StepContext(ONBOARDING, SEQUENCE.steps[0], CAST), PEOPLE["dana"]),
        Message("home", onboarding_views.progress_blocks(
            ProgressView(PEOPLE["luis"], PROGRESS, SEQUENCE),
            [ProgressView(PEOPLE["ben"], PROGRESS, SEQUENCE)])),
        Message("home", onboarding_views.progress_blocks(None, [])),
    ],
    "celebrations": _celebrations,
    "recognition": _recognition,
}
FORMS: dict[str, Callable[[], Form]] = {
    "kudos": lambda: kudos_views.kudos_form(VALUES, KudosSettings(), has_channel=True),
    "pulse comment": lambda: pulse_views.comment_form(ROUND, 5),
    "check-in comment": lambda: onboarding_views.checkin_comment_form(
        StepContext(ONBOARDING, SEQUENCE.steps[0], CAST), "onb1|s1"),
}


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_every_real_message_renders_on_both_platforms_with_every_mention_resolved(
        name: str) -> None:
    messages = MESSAGES[name]()

    rendered = [_both(message) for message in messages]

    for message, (blocks, activity) in zip(messages, rendered, strict=True):
        assert blocks
        card = card_of(activity)
        mentioned = {f"29:{pid}" for pid in mentioned_people(message)}
        assert {e["mentioned"]["id"] for e in card["msteams"].get("entities", [])} == mentioned


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_real_form_renders_as_a_slack_modal_and_a_teams_task_module(name: str) -> None:
    form = FORMS[name]()

    view = slack.render_form(form, _slack_id)
    task = teams.task_module(form, _teams_id)

    assert invalid_view_reason(view) is None
    content = task["task"]["value"]["card"]["content"]
    assert invalid_card_reason(content) is None
    assert [f.id for f in form.fields] == [el["id"] for el in content["body"] if "id" in el]
    assert content["actions"][0]["data"]["tw_action"] == form.callback.value
