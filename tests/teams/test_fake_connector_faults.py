"""Faults injected into the fake Teams connector reach the caller the way Teams fails."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
import pytest

from teamwell.bot.teams.fake_connector import FakeConnector
from teamwell.bot.teams.simulate import TeamsUser

ANA = TeamsUser.make("Ana Silva", "ana@acme.test")
CARD_TYPE = "application/vnd.microsoft.card.adaptive"


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    fake.add_member(ANA.id, ANA.name, ANA.email, ANA.aad_object_id)
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as s:
        yield s


@pytest.fixture
def url(connector: FakeConnector) -> str:
    """Where the bot posts new messages into Ana's 1:1 chat."""
    return f"{connector.base_url}/v3/conversations/{connector.conversation_of(ANA.id)}/activities"


async def _post(session: aiohttp.ClientSession, url: str, body: Any,
                **kwargs: Any) -> tuple[int, Any, Mapping[str, str]]:
    async with session.post(url, json=body, **kwargs) as response:
        return response.status, await response.json(content_type=None), response.headers


def _text(text: str) -> dict[str, str]:
    return {"type": "message", "text": text}


async def test_a_rate_limit_answers_429_with_retry_after_then_recovers(
    connector: FakeConnector, session: aiohttp.ClientSession, url: str
) -> None:
    connector.fail_next("send", 2, status=429, retry_after=7)

    first = await _post(session, url, _text("a"))
    second = await _post(session, url, _text("a"))
    third = await _post(session, url, _text("a"))

    assert [first[0], second[0], third[0]] == [429, 429, 201]
    assert first[2]["Retry-After"] == "7"
    assert first[1] == {"error": {"code": "Throttled", "message": "Too many requests."}}
    assert connector.texts_to(ANA.id) == ["a"]


async def test_a_server_error_can_hide_a_send_that_happened(
    connector: FakeConnector, session: aiohttp.ClientSession, url: str
) -> None:
    connector.fail_next("send", status=500)
    connector.fail_next("send", status=503, after_effect=True)

    lost = await _post(session, url, _text("a"))
    hidden = await _post(session, url, _text("b"))

    assert (lost[0], hidden[0]) == (500, 503)
    assert lost[1]["error"]["code"] == "ServiceError"
    assert connector.texts_to(ANA.id) == ["b"]
    assert [c.took_effect for c in connector.calls("send")] == [False, True]


async def test_send_faults_also_hit_replies_and_codes_can_be_chosen(
    connector: FakeConnector, session: aiohttp.ClientSession, url: str
) -> None:
    connector.fail_next("send", status=412, code="PreconditionFailed")

    status, answer, _ = await _post(session, f"{url}/1700000000000", _text("re"))

    assert (status, answer["error"]["code"]) == (412, "PreconditionFailed")
    assert connector.calls("reply")[0].status == 412
    assert connector.calls("send") == connector.calls("reply")


async def test_a_dropped_connection_loses_the_answer_but_not_the_message(
    connector: FakeConnector, session: aiohttp.ClientSession, url: str
) -> None:
    connector.fail_next("send", lost="drop")
    connector.fail_next("send", lost="drop", after_effect=False)

    for text in ("kept", "never"):
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await _post(session, url, _text(text))

    assert connector.texts_to(ANA.id) == ["kept"]
    assert [(c.status, c.took_effect) for c in connector.calls("send")] == [(0, True),
                                                                           (0, False)]


async def test_a_timeout_fault_never_answers_and_stop_releases_it(
    connector: FakeConnector, session: aiohttp.ClientSession, url: str
) -> None:
    connector.fail_next("send", lost="timeout")

    with pytest.raises(TimeoutError):
        await _post(session, url, _text("slow"), timeout=aiohttp.ClientTimeout(total=0.3))
    started = time.monotonic()
    await connector.stop()

    assert connector.texts_to(ANA.id) == ["slow"]
    assert time.monotonic() - started < 5


async def test_faults_are_only_accepted_for_known_kinds(connector: FakeConnector) -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        connector.fail_next("post")


async def test_invalid_bodies_are_refused_like_the_connector(
    connector: FakeConnector, session: aiohttp.ClientSession, url: str
) -> None:
    stringly_card = {"type": "message", "attachments": [
        {"contentType": CARD_TYPE, "content": '{"type": "AdaptiveCard"}'}]}

    async with session.post(url, data=b"{not json",
                            headers={"Content-Type": "application/json"}) as response:
        malformed = response.status
    untyped = await _post(session, url, {"text": "no type"})
    card = await _post(session, url, stringly_card)
    huge = await _post(session, url, _text("x" * 30_000))

    assert malformed == 400
    assert (untyped[0], card[0], huge[0]) == (400, 400, 413)
    assert huge[1]["error"]["code"] == "MessageSizeTooBig"
    assert connector.texts_to(ANA.id) == []
