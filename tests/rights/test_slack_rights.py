"""Data rights over Slack's real HTTP path: the mydata file in the DM, and `forget me`."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from teamwell.bot.storage.tables import OutboxRow
from teamwell.core.actions import ActionId
from teamwell.handlers.kudos import give_kudos
from tests.rights.conftest import traces_in_database
from tests.rights.rights_world import Someone
from tests.slack.conftest import SlackWorld

ZED = Someone("p-UZQ7731AB", "Zephyrine", "zephyrine@acme.test", "UZQ7731AB")


def _outbox_rows(w: SlackWorld) -> int:
    with w.wired.deps.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(OutboxRow)) or 0)


def _buttons(answer: dict[str, object]) -> dict[str, str]:
    found: dict[str, str] = {}
    for block in answer.get("blocks") or []:  # type: ignore[attr-defined]
        for element in block.get("elements") or []:
            if element.get("type") == "button":
                found[element["action_id"].split(":")[0]] = element["value"]
    return found


async def test_slash_mydata_answers_with_the_summary_and_uploads_the_file_to_the_dm(
        slack_world: SlackWorld) -> None:
    w = slack_world
    w.add_person(ZED.slack, ZED.name, "Europe/London")
    w.add_person("UBEA", "Bea", "Europe/London")
    give_kudos(w.wired.deps, w.workspace_id, "p-UBEA", [ZED.id], "Thanks for the review")
    queued = _outbox_rows(w)

    status, answer = await w.command(ZED.slack, "mydata")

    assert status == 200 and "What Teamwell holds about you" in answer["text"]
    (file,) = w.api.files.values()
    assert file.complete and file.shared_to == w.api.dm_channel(ZED.slack)
    assert file.filename.startswith("teamwell-my-data-") and file.filename.endswith(".json")
    export = json.loads(file.data)
    assert export["profile"]["name"] == ZED.name
    assert [k["message"] for k in export["kudos_received"]] == ["Thanks for the review"]
    assert "Bea" not in file.data.decode()
    assert _outbox_rows(w) == queued  # the file never went through the outbox


async def test_forget_me_over_slack_needs_the_persons_own_confirmation(
        slack_world: SlackWorld) -> None:
    w = slack_world
    w.add_person(ZED.slack, ZED.name, "Europe/London")
    w.add_person("UBEA", "Bea", "Europe/London")

    status, answer = await w.command(ZED.slack, "forget me")
    buttons = _buttons(answer)
    await w.click("UBEA", ActionId.FORGET_CONFIRM.value, buttons[ActionId.FORGET_CONFIRM.value])
    still_there = traces_in_database(w.wired.engine, [ZED.slack])
    await w.click(ZED.slack, ActionId.FORGET_CONFIRM.value,
                  buttons[ActionId.FORGET_CONFIRM.value])

    assert status == 200 and "Forget me" in answer["text"]
    assert set(buttons) == {ActionId.FORGET_CONFIRM.value, ActionId.FORGET_CANCEL.value}
    replies = [c.params for c in w.api.calls_to("chat.postEphemeral")]
    assert replies[0]["user"] == "UBEA" and "Only the person who asked" in replies[0]["text"]
    assert still_there
    assert replies[1]["user"] == ZED.slack and "I have forgotten you" in replies[1]["text"]
    assert traces_in_database(w.wired.engine, ZED.traces()) == []
