"""The Slack renderer: every block type, escaping of what people type, Slack's limits."""

from __future__ import annotations

import typing

from teamwell.bot.slack.blocks import (
    ALL_RENDERERS,
    BLOCK_RENDERERS,
    action_pattern,
    base_action_id,
    escape,
    render_blocks,
    render_form,
    render_message,
)
from teamwell.bot.slack.fake_checks import invalid_blocks_reason, invalid_view_reason
from teamwell.bot.slack.mrkdwn import INLINE_RENDERERS
from teamwell.core.actions import ActionId
from teamwell.core.messages import (
    BLOCK_TYPES,
    Actions,
    Bold,
    Button,
    Chart,
    ChartSeries,
    Context,
    Divider,
    Form,
    Header,
    Inline,
    Link,
    LinkList,
    Mention,
    Message,
    Section,
    TextField,
    text,
)

SLACK_IDS = {"p1": "U0001", "p2": "U0002"}
INJECTION = "<!channel> <!here> <@U999|boss> <http://evil.example|click> & co"
CHART = Chart("Team pulse", ("W1", "W2", "W3"),
              (ChartSeries("Workload", (3.0, None, 3.5)),), alt="Workload rose from 3 to 3.5.")


def _every_block() -> Message:
    return Message(
        fallback="Your day one",
        blocks=(
            Header("Welcome aboard"),
            Section(text("Hi ", Mention("p1"), ", meet ", Bold("your buddy"), " ", Mention("p2")),
                    Button("Done", ActionId.TASK_DONE, "o1|t1", "primary")),
            Context(text("Only you see this.")),
            Divider(),
            Actions((Button("Need help", ActionId.NEED_HELP, "o1|s1", "danger"),
                     Button("Comment", ActionId.CHECKIN_COMMENT))),
            LinkList((Link("https://example.com/handbook?a=1&b=2", "Handbook"),
                      Link("https://example.com/it", "IT setup"))),
        ),
    )


def _mrkdwn_texts(blocks: list[dict[str, typing.Any]]) -> list[str]:
    out: list[str] = []
    for block in blocks:
        if block["type"] == "section":
            out.append(block["text"]["text"])
        elif block["type"] == "context":
            out.extend(el["text"] for el in block["elements"])
    return out


def test_every_block_type_and_inline_type_has_a_slack_renderer() -> None:
    inline_types = set(typing.get_args(Inline))

    assert set(BLOCK_RENDERERS) == set(BLOCK_TYPES)
    assert set(INLINE_RENDERERS) == inline_types
    assert set(ALL_RENDERERS) == set(BLOCK_TYPES) | inline_types


def test_a_message_with_every_block_type_renders_to_valid_block_kit() -> None:
    message = _every_block()

    fallback, blocks = render_message(message, SLACK_IDS.get)

    assert invalid_blocks_reason(blocks) is None
    assert fallback == "Your day one"
    assert [b["type"] for b in blocks] == [
        "header", "section", "context", "divider", "actions", "section"]
    section = blocks[1]
    assert section["text"] == {"type": "mrkdwn", "verbatim": True,
                               "text": "Hi <@U0001>, meet *your buddy* <@U0002>"}
    assert section["accessory"] == {"type": "button", "action_id": "tw_task_done",
                                    "value": "o1|t1", "style": "primary",
                                    "text": {"type": "plain_text", "text": "Done", "emoji": True}}
    assert [e["action_id"] for e in blocks[4]["elements"]] == ["tw_need_help", "tw_checkin_comment"]
    assert blocks[4]["elements"][0]["style"] == "danger"
    assert "style" not in blocks[4]["elements"][1]
    assert blocks[5]["text"]["text"] == ("• <https://example.com/handbook?a=1&amp;b=2|Handbook>\n"
                                         "• <https://example.com/it|IT setup>")


def test_text_a_person_typed_can_never_ping_mention_or_link() -> None:
    message = Message(fallback=INJECTION, blocks=(
        Header(INJECTION),
        Section(text(INJECTION, Bold(INJECTION), Link("https://example.com", INJECTION))),
        Context(text(INJECTION)),
    ))

    fallback, blocks = render_message(message, SLACK_IDS.get)

    escaped = escape(INJECTION)
    assert fallback == escaped
    for mrkdwn in _mrkdwn_texts(blocks):
        assert "<!" not in mrkdwn and "<@" not in mrkdwn and "<http://evil" not in mrkdwn
        assert escaped in mrkdwn
    # plain_text is never parsed by Slack, so the header shows the text as typed.
    assert blocks[0]["text"]["text"] == INJECTION


def test_escape_turns_slack_control_characters_into_entities() -> None:
    assert escape("a & <b> <!channel>") == "a &amp; &lt;b&gt; &lt;!channel&gt;"


def test_link_urls_lose_characters_that_could_end_the_link_and_unsafe_schemes_are_not_linked(
) -> None:
    body = text(Link("https://ex.com/a|<!channel>", "ok"), " ", Link("javascript:alert(1)", "x"))

    _, blocks = render_message(Message("f", (Section(body),)), SLACK_IDS.get)

    assert blocks[0]["text"]["text"] == "<https://ex.com/a!channel|ok> x"


def test_unknown_or_malformed_mentions_render_as_someone() -> None:
    resolver = {"p1": "U1>|<!channel", "p2": None}.get
    body = text(Mention("p1"), " and ", Mention("p2"), " and ", Mention("p3"))

    _, blocks = render_message(Message("f", (Section(body),)), resolver)

    assert blocks[0]["text"]["text"] == "someone and someone and someone"


def test_bold_keeps_surrounding_spaces_outside_the_asterisks() -> None:
    _, blocks = render_message(Message("f", (Section(text(Bold("What I keep: "), "x")),)),
                               SLACK_IDS.get)

    assert blocks[0]["text"]["text"] == "*What I keep:* x"


def test_long_texts_are_cut_with_an_ellipsis_within_slack_limits() -> None:
    message = Message("f" * 5000, (
        Header("h" * 200),
        Section(text("s" * 5000), Button("b" * 100, ActionId.TASK_DONE)),
        Context(text("&" * 2000)),
    ))

    fallback, blocks = render_message(message, SLACK_IDS.get)

    assert invalid_blocks_reason(blocks) is None
    assert len(fallback) <= 4000 and fallback.endswith("…")
    assert len(blocks[0]["text"]["text"]) == 150 and blocks[0]["text"]["text"].endswith("…")
    assert len(blocks[1]["text"]["text"]) == 3000 and blocks[1]["text"]["text"].endswith("…")
    assert len(blocks[1]["accessory"]["text"]["text"]) == 75
    context = blocks[2]["elements"][0]["text"]
    # Escaping makes 10,000 characters; the cut never splits an entity.
    assert len(context) <= 3000 and context.endswith("&amp;…")


def test_too_many_blocks_and_buttons_are_kept_within_slack_limits() -> None:
    buttons = tuple(Button(f"b{i}", ActionId.TASK_DONE, str(i)) for i in range(30))
    blocks_in = (Actions(buttons),) + tuple(Divider() for _ in range(60))

    blocks = render_blocks(blocks_in, SLACK_IDS.get)

    assert invalid_blocks_reason(blocks) is None
    assert len(blocks) == 50
    assert [len(b["elements"]) for b in blocks[:2]] == [25, 5]
    assert blocks[-1] == {"type": "context",
                          "elements": [{"type": "mrkdwn", "text": "…", "verbatim": True}]}


def test_repeated_action_ids_get_suffixes_that_listeners_can_strip() -> None:
    message = Message("f", (
        Section(text("one"), Button("Done", ActionId.TASK_DONE, "o|1")),
        Section(text("two"), Button("Done", ActionId.TASK_DONE, "o|2")),
        Actions((Button("Help", ActionId.NEED_HELP), Button("Done", ActionId.TASK_DONE, "o|3"))),
    ))

    _, blocks = render_message(message, SLACK_IDS.get)

    ids = [blocks[0]["accessory"]["action_id"], blocks[1]["accessory"]["action_id"],
           *[e["action_id"] for e in blocks[2]["elements"]]]
    assert ids == ["tw_task_done:0", "tw_task_done:1", "tw_need_help", "tw_task_done:2"]
    assert invalid_blocks_reason(blocks) is None
    assert {base_action_id(i) for i in ids} == {"tw_task_done", "tw_need_help"}
    pattern = action_pattern(ActionId.TASK_DONE)
    assert pattern.match("tw_task_done") and pattern.match("tw_task_done:12")
    assert not pattern.match("tw_task_done_x") and not pattern.match("tw_need_help")


def test_an_empty_fallback_is_taken_from_the_first_words_of_the_message() -> None:
    fallback, _ = render_message(Message("", (Divider(), Section(text("Hello <you>")))),
                                 SLACK_IDS.get)

    assert fallback == "Hello &lt;you&gt;"


def test_a_form_renders_as_a_valid_slack_modal() -> None:
    form = Form(title="Tell us more about your first week", submit_label="Send",
                callback=ActionId.CHECKIN_COMMENT_SUBMIT, context="onb1|day7",
                fields=(TextField("comment", "Anything to add?", multiline=True, optional=True,
                                  max_length=500, hint="Your manager sees this."),),
                intro=text("Hi ", Mention("p1")))

    view = render_form(form, SLACK_IDS.get)

    assert invalid_view_reason(view) is None
    assert view["type"] == "modal"
    assert view["callback_id"] == "tw_checkin_comment_submit"
    assert view["private_metadata"] == "onb1|day7"
    assert len(view["title"]["text"]) <= 24 and view["title"]["text"].endswith("…")
    assert view["submit"]["text"] == "Send"
    assert view["blocks"][0]["text"]["text"] == "Hi <@U0001>"
    field = view["blocks"][1]
    assert (field["block_id"], field["optional"]) == ("comment", True)
    assert field["element"] == {"type": "plain_text_input", "action_id": "comment",
                                "multiline": True, "max_length": 500}
    assert field["hint"]["text"] == "Your manager sees this."


def test_a_chart_with_an_uploaded_file_renders_as_an_image_block() -> None:
    message = Message("Digest", (Header("Weekly digest"), CHART, Divider()))

    _, blocks = render_message(message, SLACK_IDS.get, {CHART: "F0000000001"})

    assert invalid_blocks_reason(blocks) is None
    assert blocks[1] == {
        "type": "image", "slack_file": {"id": "F0000000001"},
        "alt_text": "Workload rose from 3 to 3.5.",
        "title": {"type": "plain_text", "text": "Team pulse", "emoji": True},
    }


def test_a_chart_without_a_file_renders_as_its_words_so_the_message_still_works() -> None:
    untitled = Chart("", CHART.x_labels, CHART.series, alt="Only words")

    _, blocks = render_message(Message("Digest", (CHART, untitled)), SLACK_IDS.get)

    assert invalid_blocks_reason(blocks) is None
    assert [b["type"] for b in blocks] == ["context", "context"]
    assert blocks[0]["elements"][0]["text"] == "*Team pulse*\nWorkload rose from 3 to 3.5."
    assert blocks[1]["elements"][0]["text"] == "Only words"
    # A file for another chart is not this chart's file.
    _, blocks = render_message(Message("Digest", (untitled,)), SLACK_IDS.get,
                               {CHART: "F0000000001"})
    assert blocks[0]["type"] == "context"


def test_chart_words_are_escaped_in_mrkdwn_and_clipped_in_the_image_alt_text() -> None:
    sneaky = Chart(INJECTION, CHART.x_labels, CHART.series, alt=INJECTION * 100)

    _, words = render_message(Message("f", (sneaky,)), SLACK_IDS.get)
    _, image = render_message(Message("f", (sneaky,)), SLACK_IDS.get, {sneaky: "F1"})

    assert invalid_blocks_reason(words) is None and invalid_blocks_reason(image) is None
    context = words[0]["elements"][0]["text"]
    assert "<!" not in context and escape(INJECTION) in context and len(context) <= 3000
    # alt_text and title are plain text, never parsed by Slack: clipped, not escaped.
    assert image[0]["alt_text"].startswith(INJECTION) and len(image[0]["alt_text"]) == 2000
    assert image[0]["title"]["text"] == INJECTION


def test_a_chart_with_neither_title_nor_alt_text_still_renders_validly() -> None:
    blank = Chart(" ", CHART.x_labels, CHART.series, alt="")

    _, words = render_message(Message("f", (blank,)), SLACK_IDS.get)
    _, image = render_message(Message("f", (blank,)), SLACK_IDS.get, {blank: "F1"})

    assert words == []
    assert image == [{"type": "image", "slack_file": {"id": "F1"}, "alt_text": "Chart"}]
    assert invalid_blocks_reason(image) is None


def test_an_empty_fallback_can_come_from_a_charts_title() -> None:
    fallback, _ = render_message(Message("", (Divider(), CHART)), SLACK_IDS.get)

    assert fallback == "Team pulse"


def test_the_fake_api_checks_image_blocks_as_slack_does() -> None:
    good = {"type": "image", "alt_text": "a", "slack_file": {"id": "F1"}}

    assert invalid_blocks_reason([good]) is None
    assert invalid_blocks_reason([{"type": "image", "alt_text": "a",
                                   "image_url": "https://x.example/a.png"}]) is None
    assert invalid_blocks_reason([{**good, "image_url": "https://x.example/a.png"}])
    assert invalid_blocks_reason([{k: v for k, v in good.items() if k != "slack_file"}])
    assert invalid_blocks_reason([{**good, "alt_text": ""}])
    assert invalid_blocks_reason([{**good, "slack_file": {"id": "F1", "url": "https://x"}}])
    assert invalid_blocks_reason([{**good, "title": {"type": "mrkdwn", "text": "t"}}])
