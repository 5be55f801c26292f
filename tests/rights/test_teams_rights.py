"""Data rights over Teams' real HTTP path: the mydata file by file consent, and `forget me`."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from teamwell.bot.teams.fake_files import FakeOneDrive, consent_invoke
from teamwell.bot.teams.files import DECLINED, FILE_CONSENT, FILE_INFO
from teamwell.core.actions import ActionId
from teamwell.handlers.kudos import give_kudos
from tests.rights.conftest import traces_in_database
from tests.teams.conftest import TeamsWorld

NAME = "Zephyrine Quorrington"


@pytest.fixture
async def onedrive() -> AsyncIterator[FakeOneDrive]:
    """Upload sessions as the person's OneDrive would give them."""
    drive = FakeOneDrive()
    await drive.start()
    yield drive
    await drive.stop()


def _attachments(w: TeamsWorld, user_id: str, kind: str) -> list[dict[str, Any]]:
    return [a for activity in w.connector.activities_to(user_id)
            for a in activity.get("attachments") or [] if a.get("contentType") == kind]


async def test_mydata_offers_the_file_and_uploads_it_once_the_person_allows_it(
        teams_world: TeamsWorld, onedrive: FakeOneDrive) -> None:
    w = teams_world
    zed, bea = w.user(NAME), w.user("Bea Hartley")
    zed_id, bea_id = w.add_person(zed), w.add_person(bea)
    give_kudos(w.wired.deps, w.workspace_id, bea_id, [zed_id], "Thanks for the review")

    await w.say(zed, "mydata")
    (offer,) = _attachments(w, zed.id, FILE_CONSENT)
    status, _ = await w.post(consent_invoke(zed, offer, onedrive.upload_info(offer["name"]),
                                            where=w.where))

    assert any("What Teamwell holds about you" in t for t in w.texts_to(zed))
    assert offer["name"].endswith(".json") and offer["content"]["sizeInBytes"] > 500
    assert status == 200
    export = json.loads(onedrive.files[offer["name"]])
    assert export["profile"]["name"] == NAME
    assert [k["message"] for k in export["kudos_received"]] == ["Thanks for the review"]
    assert "Bea" not in onedrive.files[offer["name"]].decode()
    (info,) = _attachments(w, zed.id, FILE_INFO)
    assert info["name"] == offer["name"] and info["content"]["fileType"] == "json"


async def test_a_declined_or_someone_elses_file_offer_uploads_nothing(
        teams_world: TeamsWorld, onedrive: FakeOneDrive) -> None:
    w = teams_world
    zed, bea = w.user(NAME), w.user("Bea Hartley")
    w.add_person(zed)
    w.add_person(bea)
    await w.say(zed, "mydata")
    (offer,) = _attachments(w, zed.id, FILE_CONSENT)

    await w.post(consent_invoke(zed, offer, None, where=w.where))
    await w.post(consent_invoke(bea, offer, onedrive.upload_info(offer["name"]), where=w.where))

    assert onedrive.files == {}
    assert any(DECLINED in t for t in w.texts_to(zed))
    assert any("offered to someone else" in t for t in w.texts_to(bea))


async def test_forget_me_over_teams_erases_only_after_the_persons_own_confirmation(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    zed, bea = w.user(NAME), w.user("Bea Hartley")
    w.add_person(zed)
    w.add_person(bea)
    traces = [zed.id, zed.aad_object_id, zed.email, *NAME.split()]

    await w.say(zed, "forget me")
    confirm = [b for b in w.connector.buttons_to(zed.id) if b["title"] == "Yes, forget me"][0]
    value = confirm["data"]["tw_value"]
    await w.click(bea, ActionId.FORGET_CONFIRM.value, value)
    kept = w.person_by_account(zed)
    await w.click(zed, ActionId.FORGET_CONFIRM.value, value)

    assert kept is not None
    assert any("Only the person who asked" in t for t in w.texts_to(bea))
    assert any("I have forgotten you" in t for t in w.texts_to(zed))
    assert w.person_by_account(zed) is None
    assert traces_in_database(w.wired.engine, traces) == []
