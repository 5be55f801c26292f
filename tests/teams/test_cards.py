"""The Teams renderer: every block type, escaping of what people type, mentions, size, charts."""

from __future__ import annotations

import re
import typing
from datetime import date, timedelta

import pytest

from teamwell.bot.teams import cards as cards_module
from teamwell.bot.teams.card_text import escape
from teamwell.bot.teams.cards import (
    ALL_RENDERERS,
    BLOCK_RENDERERS,
    CARD_BYTES_MAX,
    activity_size,
    render_activity,
)
from teamwell.core.actions import ActionId
from teamwell.core.digest import chart_for
from teamwell.core.messages import (
    BLOCK_TYPES,
    Actions,
    Bold,
    Button,
    Chart,
    ChartSeries,
    Context,
    Divider,
    Header,
    Inline,
    Link,
    LinkList,
    Mention,
    Message,
    Section,
    text,
)
from tests.teams.card_checks import card_of, invalid_activity_reason, invalid_card_reason

TEAMS_IDS = {"p1": ("29:1abc", "Maya Ngata"), "p2": ("29:2def", "Ben")}
INJECTION = ("<at>Boss</at> **loud** _quiet_ `code` ~~gone~~ [click](https://evil.example) "
             "<https://evil.example> &amp; \\*\n- item\n+ item\n1. first\n2) second\n# Heading\n"
             "=====\n    indented code\n> quote")
CHART = Chart("Team pulse", ("W1", "W2", "W3"),
              (ChartSeries("Workload", (3.0, None, 3.5)), ChartSeries("Energy", (4.0, 3.8, None))),
              alt="Workload rose from 3 to 3.5.")
# Unescaped markdown or HTML a person could have typed: emphasis, code, strike, link, tag.
_UNESCAPED = re.compile(r"(?<!\\)(?:\\\\)*[*_`~\[\]<>&]")
_BLOCK_START = re.compile(r"^[ \t]*(?:[-+*#=>]|\d+[.)]|`{3}|~{3})")


def _activity(*blocks: typing.Any, fallback: str = "f") -> dict[str, typing.Any]:
    activity = render_activity(Message(fallback, tuple(blocks)), TEAMS_IDS.get)
    assert invalid_activity_reason(activity) is None
    return activity


def _body(*blocks: typing.Any, fallback: str = "f") -> list[dict[str, typing.Any]]:
    body: list[dict[str, typing.Any]] = card_of(_activity(*blocks, fallback=fallback))["body"]
    return body


def _assert_literal(markdown: str) -> None:
    assert _UNESCAPED.search(markdown) is None, markdown
    for line in markdown.split("\n"):
        assert _BLOCK_START.match(line) is None, line


def test_every_block_type_and_inline_type_has_a_teams_renderer() -> None:
    inline_types = set(typing.get_args(Inline))

    assert set(BLOCK_RENDERERS) == set(BLOCK_TYPES)
    assert set(ALL_RENDERERS) == set(BLOCK_TYPES) | inline_types


def test_a_message_with_every_block_type_renders_to_a_valid_card() -> None:
    message = Message(fallback="Your day one", blocks=(
        Header("Welcome aboard"),
        Section(text("Hi ", Mention("p1"), ", meet ", Bold("your buddy"), " ", Mention("p2")),
                Button("Done", ActionId.TASK_DONE, "o1|t1", "primary")),
        Context(text("Only you see this.")),
        Divider(),
        Actions((Button("Need help", ActionId.NEED_HELP, "o1|s1", "danger"),
                 Button("Comment", ActionId.CHECKIN_COMMENT, "o1|s1"))),
        LinkList((Link("https://example.com/handbook?a=1&b=2", "Handbook"),
                  Link("https://example.com/it", "IT setup"))),
    ))

    activity = render_activity(message, TEAMS_IDS.get)

    assert invalid_activity_reason(activity) is None
    assert activity["summary"] == "Your day one" and "text" not in activity
    card = card_of(activity)
    body = card["body"]
    assert [el["type"] for el in body] == [
        "TextBlock", "TextBlock", "ActionSet", "TextBlock", "ActionSet", "TextBlock"]
    assert body[0]["text"] == "Welcome aboard" and body[0]["weight"] == "Bolder"
    assert body[1]["text"] == "Hi <at>Maya Ngata</at>, meet **your buddy** <at>Ben</at>"
    assert card["msteams"]["entities"] == [
        {"type": "mention", "text": "<at>Maya Ngata</at>",
         "mentioned": {"id": "29:1abc", "name": "Maya Ngata"}},
        {"type": "mention", "text": "<at>Ben</at>", "mentioned": {"id": "29:2def", "name": "Ben"}},
    ]
    assert body[2]["actions"] == [{"type": "Action.Submit", "title": "Done", "style": "positive",
                                   "data": {"tw_action": "tw_task_done", "tw_value": "o1|t1"}}]
    assert body[3]["isSubtle"] is True
    need_help, comment = body[4]["actions"]
    assert need_help["style"] == "destructive" and "msteams" not in need_help["data"]
    assert comment["data"] == {"tw_action": "tw_checkin_comment", "tw_value": "o1|s1",
                               "msteams": {"type": "task/fetch"}}
    assert "style" not in comment
    assert body[4]["separator"] is True  # the Divider's line
    assert body[5]["text"] == ("- [Handbook](https://example.com/handbook?a=1&b=2)\n"
                               "- [IT setup](https://example.com/it)")


def test_text_a_person_typed_can_never_mention_link_format_list_or_head() -> None:
    message = Message(fallback=INJECTION, blocks=(
        Header(INJECTION),
        Section(text(INJECTION, Bold(INJECTION))),
        Context(text(INJECTION)),
    ))

    activity = render_activity(message, TEAMS_IDS.get)

    assert invalid_activity_reason(activity) is None
    assert "entities" not in card_of(activity)["msteams"]
    assert "text" not in activity  # the fallback is only the plain summary
    header, section, context = card_of(activity)["body"]
    _assert_literal(header["text"])
    _assert_literal(context["text"])
    assert section["text"].startswith(context["text"])
    # The bot's own Bold: each line wrapped in asterisks, with nothing unescaped inside.
    for line in section["text"][len(context["text"]):].split("\n"):
        bolded = re.fullmatch(r"\u00a0*\*\*(.+)\*\*", line)
        assert line == "" or (bolded and _UNESCAPED.search(bolded.group(1)) is None), line


def test_escaping_uses_backslashes_line_starts_and_blank_lines() -> None:
    assert escape("a*b_c `d` [e](f) <at>g</at> & \\") == (
        "a\\*b\\_c \\`d\\` \\[e\\](f) \\<at\\>g\\</at\\> \\& \\\\")
    assert escape("- a\n+ b\n12. c\n3) d\n# e\n== f") == (
        "\\- a\n\n\\+ b\n\n12\\. c\n\n3\\) d\n\n\\# e\n\n\\== f")
    assert escape("  - indented\r\nwell-being #1 in 2.5 days") == (
        "\u00a0\u00a0\\- indented\n\nwell-being #1 in 2.5 days")
    assert escape("- mid-line", line_start=False) == "- mid-line"


def test_bold_keeps_spaces_outside_the_asterisks_and_bolds_each_line() -> None:
    body = _body(Section(text(Bold("What I keep: "), "x ", Bold("two\nlines"))))

    assert body[0]["text"] == "**What I keep:** x **two**\n\n**lines**"


def test_unknown_or_malformed_mentions_render_as_someone() -> None:
    resolver = {"p1": ("29:1 <at>", "Maya"), "p2": ("29:2", " <>*_ "), "p3": None}.get
    message = Message("f", (Section(text(Mention("p1"), ", ", Mention("p2"), ", ", Mention("p3"),
                                         " and ", Mention("p4"))),))

    activity = render_activity(message, resolver)

    assert invalid_activity_reason(activity) is None
    assert card_of(activity)["body"][0]["text"] == "someone, someone, someone and someone"
    assert "entities" not in card_of(activity)["msteams"]


def test_a_display_name_loses_markup_inside_its_mention_and_repeats_share_one_entity() -> None:
    resolver = {"p1": ("29:1", "Ana <b>*Silva*</b>_Jr")}.get
    message = Message("f", (Section(text(Mention("p1"), " and again ", Mention("p1"))),))

    card = card_of(render_activity(message, resolver))

    tag = "<at>Ana b Silva /b Jr</at>"
    assert card["body"][0]["text"] == f"{tag} and again {tag}"
    assert card["msteams"]["entities"] == [
        {"type": "mention", "text": tag,
         "mentioned": {"id": "29:1", "name": "Ana <b>*Silva*</b>_Jr"}}]
    assert invalid_card_reason(card) is None


def test_links_escape_their_label_encode_their_url_and_refuse_unsafe_schemes() -> None:
    body = _body(Section(text(Link("https://ex.com/a (b)<c>", "Docs [v2]"), " ",
                              Link("javascript:alert(1)", "x*y"), " ", Link("mailto:a@b.c", ""))))

    assert body[0]["text"] == ("[Docs \\[v2\\]](https://ex.com/a%28b%29%3Cc%3E) x\\*y "
                               "[mailto:a@b.c](mailto:a@b.c)")


def test_more_buttons_than_teams_shows_spill_into_further_action_sets() -> None:
    buttons = tuple(Button(f"{i}", ActionId.PULSE_ANSWER, f"r|q|{i}") for i in range(13))

    body = _body(Actions(buttons))

    assert [len(el["actions"]) for el in body] == [6, 6, 1]
    assert [a["data"]["tw_value"] for el in body for a in el["actions"]] == [
        f"r|q|{i}" for i in range(13)]


def test_long_texts_are_cut_with_an_ellipsis_without_splitting_an_escape() -> None:
    message = Message("f" * 5000, (
        Header("h" * 200),
        Section(text("s" * 5000), Button("b" * 100, ActionId.TASK_DONE)),
        Context(text("&" * 2000)),
    ))

    activity = render_activity(message, TEAMS_IDS.get)

    assert invalid_activity_reason(activity) is None
    assert len(activity["summary"]) == 4000 and activity["summary"].endswith("…")
    header, section, button, context = card_of(activity)["body"]
    assert len(header["text"]) == 150 and header["text"].endswith("…")
    assert len(section["text"]) == 3000 and section["text"].endswith("…")
    assert len(button["actions"][0]["title"]) == 75
    # Escaping makes 4,000 characters; the cut never leaves a lone backslash.
    assert len(context["text"]) <= 3000 and context["text"].endswith("\\&…")


def test_a_card_over_the_size_budget_is_cut_short_and_keeps_only_its_shown_mentions() -> None:
    blocks = [Section(text(Mention("p1"), " " + "x" * 2500))]
    blocks += [Section(text(f"{i} " + "y" * 2500)) for i in range(30)]
    blocks.append(Section(text(Mention("p2"), " at the very end")))

    activity = render_activity(Message("f", tuple(blocks)), TEAMS_IDS.get)

    assert invalid_activity_reason(activity) is None
    assert CARD_BYTES_MAX - 3000 < activity_size(activity) <= CARD_BYTES_MAX
    card = card_of(activity)
    assert card["body"][-1]["text"] == "…"
    assert [e["mentioned"]["id"] for e in card["msteams"]["entities"]] == ["29:1abc"]


def test_a_chart_with_a_supplied_url_renders_as_an_image_under_its_title() -> None:
    message = Message("Digest", (Header("Weekly digest"), CHART, Divider()))

    body = card_of(render_activity(message, TEAMS_IDS.get,
                                   {1: "https://files.example/c.png"}))["body"]

    assert body[1] == {"type": "TextBlock", "text": "**Team pulse**", "wrap": True}
    assert body[2] == {"type": "Image", "url": "https://files.example/c.png",
                       "altText": "Workload rose from 3 to 3.5.",
                       "msteams": {"allowExpand": True}}


def test_a_small_chart_without_a_url_is_drawn_into_the_card() -> None:
    body = _body(CHART)

    assert body[1]["type"] == "Image"
    assert body[1]["url"].startswith("data:image/png;base64,iVBORw0KGgo")


def test_a_twelve_week_digest_chart_fits_in_the_card_as_a_picture() -> None:
    weeks = [date(2026, 1, 5) + timedelta(weeks=i) for i in range(12)]
    chart = chart_for("Platform", weeks, [
        ("Workload", [3.0 + 0.1 * i for i in range(12)]),
        ("Energy", [4.0 - 0.1 * i for i in range(12)]),
        ("Belonging", [3.5 + 0.05 * i for i in range(12)]),
    ])
    assert chart is not None

    body = _body(chart)

    images = [el for el in body if el["type"] == "Image"]
    assert len(images) == 1 and images[0]["url"].startswith("data:image/png;base64,")
    assert images[0]["altText"]


def test_a_chart_too_big_for_the_card_shows_its_words_and_latest_figures(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cards_module, "render_compact_png", lambda _chart: b"\x89PNG" * 9000)
    weeks = [date(2026, 1, 5) + timedelta(weeks=i) for i in range(12)]
    big = chart_for("Platform", weeks, [
        ("Workload", [3.0 + 0.1 * i for i in range(12)]),
        ("Energy", [4.0 - 0.1 * i for i in range(12)]),
        ("eNPS", [None] * 12),
    ])
    assert big is not None

    body = _body(big)

    assert [el["type"] for el in body] == ["TextBlock", "TextBlock", "FactSet"]
    assert body[1]["text"] == escape(big.alt) and body[1]["isSubtle"] is True
    assert body[2]["facts"] == [
        {"title": "Workload", "value": "4\\.1 (23 Mar)"},
        {"title": "Energy", "value": "2\\.9 (23 Mar)"},
        {"title": "eNPS", "value": "no figures yet"},
    ]


def test_a_chart_that_cannot_be_drawn_or_has_an_unsafe_url_shows_its_words(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_chart: Chart) -> bytes:
        raise RuntimeError("no fonts")

    monkeypatch.setattr(cards_module, "render_compact_png", broken)

    drawn = _body(CHART)
    linked = card_of(render_activity(Message("f", (CHART,)), TEAMS_IDS.get,
                                     {0: "http://plain.example/c.png"}))["body"]

    assert [el["type"] for el in drawn] == ["TextBlock", "TextBlock", "FactSet"]
    assert linked == drawn


def test_a_message_without_visible_blocks_still_shows_its_words() -> None:
    body = _body(Divider(), Section(text(" ")), fallback="Just *words*")

    assert body == [{"type": "TextBlock", "text": "Just \\*words\\*", "wrap": True}]


def test_an_empty_fallback_is_taken_from_the_first_words_of_the_message() -> None:
    activity = _activity(Divider(), Section(text("Hello <you>")), fallback=" ")

    assert activity["summary"] == "Hello <you>"
