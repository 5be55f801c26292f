"""Teams forms as task modules, and reading back what cards and dialogs submit."""

from __future__ import annotations

import json

import pytest

from teamwell.bot.teams.cards import (
    parse_submit,
    render_activity,
    render_form_card,
    task_message,
    task_module,
)
from teamwell.core.actions import ActionId
from teamwell.core.copy import help_message
from teamwell.core.messages import (
    Actions,
    Button,
    ChoiceField,
    Form,
    Mention,
    Message,
    PeopleField,
    TextField,
    text,
)
from tests.teams.card_checks import card_of, invalid_card_reason

TEAMS_IDS = {"p1": ("29:1abc", "Maya Ngata")}

COMMENT_FORM = Form(
    title="Tell us more about your first week here, in as many words as you like",
    submit_label="Send",
    callback=ActionId.CHECKIN_COMMENT_SUBMIT, context="onb1|day7",
    fields=(TextField("comment", "Anything to add?", multiline=True, optional=True,
                      max_length=500, hint="Your manager sees this."),),
    intro=text("Seen by ", Mention("p1"), " and ", Mention("p9"), ". **Really**"))
KUDOS_FORM = Form(
    title="Give kudos", submit_label="Send", callback=ActionId.KUDOS_SUBMIT, context="",
    fields=(PeopleField("receivers", "Who?"),
            TextField("message", "What did they do?"),
            ChoiceField("where", "Where?", (("public", "Channel"), ("private", "Only them")),
                        initial="private"),
            ChoiceField("value", "Value", (("team", "Teamwork"),), optional=True,
                        initial="gone")))


def test_a_form_renders_its_inputs_and_submit_action_with_mentions_as_names() -> None:
    card = render_form_card(COMMENT_FORM, TEAMS_IDS.get)

    assert invalid_card_reason(card) is None
    intro, field = card["body"]
    assert intro["text"] == "Seen by Maya Ngata and someone. \\*\\*Really\\*\\*"
    assert field == {"type": "Input.Text", "id": "comment", "label": "Anything to add?",
                     "isMultiline": True, "maxLength": 500, "isRequired": False,
                     "placeholder": "Your manager sees this."}
    assert card["actions"] == [{
        "type": "Action.Submit", "title": "Send", "style": "positive",
        "data": {"tw_action": "tw_checkin_comment_submit", "tw_context": "onb1|day7"}}]


def test_people_and_choice_fields_become_a_people_picker_and_compact_choice_sets() -> None:
    card = render_form_card(KUDOS_FORM)

    assert invalid_card_reason(card) is None
    people, message, where, value = card["body"]
    assert people == {"type": "Input.ChoiceSet", "id": "receivers", "label": "Who?",
                      "isRequired": True, "isMultiSelect": True, "choices": [],
                      "choices.data": {"type": "Data.Query",
                                       "dataset": "graph.microsoft.com/users"}}
    assert message["isRequired"] is True and "placeholder" not in message
    assert where["style"] == "compact" and where["value"] == "private"
    assert where["choices"] == [{"title": "Channel", "value": "public"},
                                {"title": "Only them", "value": "private"}]
    assert value["isRequired"] is False and "value" not in value
    assert card["actions"][0]["data"]["tw_people"] == ["receivers"]


def test_a_form_refuses_a_context_it_would_have_to_cut_or_a_field_id_it_would_clash_with() -> None:
    too_long = Form("t", "s", ActionId.KUDOS_SUBMIT, "c" * 3001)
    clash = Form("t", "s", ActionId.KUDOS_SUBMIT, "", fields=(TextField("tw_value", "x"),))

    with pytest.raises(ValueError, match="context"):
        render_form_card(too_long)
    with pytest.raises(ValueError, match="clash"):
        render_form_card(clash)


def test_task_module_and_task_message_are_the_invoke_answers_teams_expects() -> None:
    opened = task_module(COMMENT_FORM, TEAMS_IDS.get)
    closed = task_message("  Thanks!\nSaved.  " + "x" * 600)

    value = opened["task"]["value"]
    assert opened["task"]["type"] == "continue"
    assert value["title"].startswith("Tell us more") and len(value["title"]) == 64
    assert value["card"] == {"contentType": "application/vnd.microsoft.card.adaptive",
                             "content": render_form_card(COMMENT_FORM, TEAMS_IDS.get)}
    assert closed["task"]["type"] == "message"
    assert closed["task"]["value"].startswith("Thanks! Saved. xxx")
    assert len(closed["task"]["value"]) == 500


def test_a_button_click_parses_back_to_its_action_and_value() -> None:
    button = Button("Comment", ActionId.PULSE_COMMENT, "round1")
    activity = render_activity(Message("f", (Actions((button,)),)), TEAMS_IDS.get)
    data = card_of(activity)["body"][0]["actions"][0]["data"]

    as_message = parse_submit(data)
    as_task_fetch = parse_submit({"data": data, "context": {"theme": "dark"}})

    assert as_message == as_task_fetch
    assert as_message is not None
    assert (as_message.action, as_message.raw_action) == (ActionId.PULSE_COMMENT,
                                                          "tw_pulse_comment")
    assert (as_message.value, as_message.context, as_message.fields) == ("round1", "", {})


def test_a_form_submit_parses_its_fields_and_splits_the_people_picker() -> None:
    data = render_form_card(KUDOS_FORM)["actions"][0]["data"]
    typed = {"receivers": "aad-1, aad-2,,", "message": "a, b and c", "where": "public",
             "value": ""}

    submit = parse_submit({"data": {**data, **typed}})

    assert submit is not None
    assert (submit.action, submit.context, submit.value) == (ActionId.KUDOS_SUBMIT, "", "")
    assert submit.fields == {"receivers": ["aad-1", "aad-2"], "message": "a, b and c",
                             "where": "public", "value": ""}


def test_an_action_execute_payload_and_odd_field_values_are_read_carefully() -> None:
    payload = {"action": {"type": "Action.Execute", "data": {
        "tw_action": "tw_digest_do", "tw_value": "s1", "msteams": {"x": 1},
        "picked": ["a", "b"], "count": 3, "flag": None, 7: "seven"}}}

    submit = parse_submit(payload)

    assert submit is not None
    assert submit.action is ActionId.DIGEST_DO
    assert submit.fields == {"picked": ["a", "b"]}


def test_an_unknown_action_id_is_kept_raw_with_no_action() -> None:
    submit = parse_submit({"tw_action": "tw_retired_button", "tw_value": "v"})

    assert submit is not None
    assert (submit.action, submit.raw_action, submit.value) == (None, "tw_retired_button", "v")


@pytest.mark.parametrize("data", [
    None, "tw_task_done", ["tw_action"], {}, {"text": "hello"}, {"data": "tw_action"},
    {"tw_action": ""}, {"tw_action": 5}, {"tw_action": "tw_task_done", "tw_value": 5},
    {"tw_action": "tw_task_done", "tw_context": {"a": 1}},
    {"tw_action": "tw_kudos_submit", "tw_people": "receivers"},
    {"tw_action": "tw_kudos_submit", "tw_people": [1]},
    {"action": {"data": {"no": "action"}}}, {"action": "tw_task_done"},
])
def test_payloads_that_are_not_teamwell_submits_parse_to_none(data: object) -> None:
    assert parse_submit(data) is None


def test_slack_command_wording_reads_as_typed_commands_in_teams() -> None:
    activity = render_activity(help_message(), lambda _pid: None)

    shown = json.dumps(activity)
    assert "/teamwell" not in shown and "/kudos" not in shown
    assert "pulse off | on: stop or restart the weekly pulse" in shown
    assert "@Teamwell kudos @name" in shown
