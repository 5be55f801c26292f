"""Charts reach Slack as privately uploaded PNGs shown by the one message that carries them."""

from __future__ import annotations

import struct
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from teamwell.bot.charts import render_png
from teamwell.bot.slack.fake_files import UPLOAD
from teamwell.bot.slack.sender import SlackSender
from teamwell.bot.storage.tables import OutboxRow
from teamwell.core.messages import Chart, ChartSeries, Header, Message, Section, text
from teamwell.core.outbox import OutboundItem

from .conftest import SlackWorld

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WEEKS = tuple(f"W{n}" for n in range(1, 13))
CHART = Chart(
    title="Team pulse, last 12 weeks",
    x_labels=WEEKS,
    series=(
        ChartSeries("Workload", (3.1, 3.4, None, 3.9, 4.0, 3.8, 3.5, None, None, 3.2, 3.6, 3.7)),
        ChartSeries("Recognition", (2.5, 2.7, 2.9, 3.0, None, 3.3, 3.6, 3.8, 4.1, 4.0, 4.2, 4.4)),
    ),
    alt="Workload rose from 3.1 to 3.7; recognition rose from 2.5 to 4.4.",
)


def _size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return width, height


# --- render_png ---


def test_a_chart_renders_as_an_800_by_400_png() -> None:
    png = render_png(CHART)

    assert png.startswith(PNG_SIGNATURE)
    assert _size(png) == (800, 400)
    assert len(png) > 10_000  # lines, labels and a legend, not a blank canvas


def test_the_same_chart_always_gives_the_same_bytes() -> None:
    again = Chart(CHART.title, CHART.x_labels, CHART.series, CHART.alt)

    assert render_png(CHART) == render_png(again)
    assert b"Software" not in render_png(CHART)


def test_gaps_an_empty_series_and_no_series_at_all_still_render() -> None:
    gaps = Chart("Gaps", ("a", "b", "c"), (ChartSeries("x", (None, 2.0, None)),), "one value")
    empty = Chart("Empty", WEEKS, (ChartSeries("nothing", (None,) * 12),), "no values")
    bare = Chart("Bare", (), (), "nothing to show")

    for chart in (gaps, empty, bare):
        png = render_png(chart)
        assert png.startswith(PNG_SIGNATURE) and _size(png) == (800, 400)
    assert render_png(gaps) != render_png(empty)


# --- delivery through the outbox, against the fake Slack Web API over HTTP ---


def _digest() -> Message:
    return Message("Your weekly team digest", (
        Header("Weekly digest"), CHART, Section(text("Scores are team averages.")),
    ))


def _queue(w: SlackWorld, key: str = "digest-1") -> str:
    maya = w.add_person("UMAYA", "Maya", "Europe/London")
    with w.wired.deps.uow() as uow:
        assert uow.outbox.add(OutboundItem(w.workspace_id, key, _digest(), recipient_id=maya),
                              w.clock.now())
        uow.commit()
    return maya


def _row(w: SlackWorld, key: str = "digest-1") -> OutboxRow:
    with w.wired.deps.uow() as uow:
        row = uow.session.scalars(select(OutboxRow).where(OutboxRow.idempotency_key == key)).one()
        uow.session.expunge_all()
        return row


def _posted(w: SlackWorld) -> list[dict[str, Any]]:
    return w.api.messages_in(w.api.dm_channel("UMAYA") or "")


def _image_file_ids(message: dict[str, Any]) -> list[str]:
    return [b["slack_file"]["id"] for b in message["blocks"] if b["type"] == "image"]


async def test_a_chart_is_uploaded_once_privately_and_shown_by_the_one_message(
    slack_world: SlackWorld,
) -> None:
    w = slack_world
    _queue(w)

    assert await w.sender.drain() == 1

    assert len(w.api.files) == 1
    file_id, stored = next(iter(w.api.files.items()))
    assert stored.complete and stored.shared_to is None  # private: shown only by the message
    assert stored.data.startswith(PNG_SIGNATURE) and len(stored.data) > 10_000
    assert stored.title == CHART.title
    assert stored.data == render_png(CHART)
    [message] = _posted(w)
    assert [b["type"] for b in message["blocks"]] == ["header", "image", "section"]
    image = message["blocks"][1]
    assert image["slack_file"] == {"id": file_id}
    assert image["alt_text"] == CHART.alt
    assert image["title"]["text"] == CHART.title
    assert _row(w).status == "sent"
    [complete] = w.api.calls_to("files.completeUploadExternal")
    assert "channel_id" not in complete.params and "channels" not in complete.params
    [asked] = w.api.calls_to("files.getUploadURLExternal")
    assert int(asked.params["length"]) == len(stored.data)
    assert (asked.params["filename"], asked.params["alt_txt"]) == (
        "team-pulse-last-12-weeks.png", CHART.alt)


async def test_a_rate_limit_on_the_upload_is_waited_out_and_the_message_still_goes_once(
    slack_world: SlackWorld,
) -> None:
    w = slack_world
    _queue(w)
    w.api.fail_next("files.getUploadURLExternal", status=429, retry_after=30)

    assert await w.sender.drain() == 0
    row = _row(w)
    assert row.status == "pending" and row.not_before == w.clock.now() + timedelta(seconds=30)
    w.clock.advance(timedelta(seconds=29))
    assert await w.sender.drain() == 0  # Retry-After is honoured
    w.clock.advance(timedelta(seconds=1))
    assert await w.sender.drain() == 1

    assert len(w.api.calls_to("files.getUploadURLExternal")) == 2
    assert len(w.api.files) == 1
    [message] = _posted(w)
    assert _image_file_ids(message) == list(w.api.files)
    assert w.api.posted_outbox_ids() == [_row(w).id]


async def test_a_server_error_on_the_post_after_the_upload_is_retried_into_one_message(
    slack_world: SlackWorld,
) -> None:
    w = slack_world
    _queue(w)
    w.api.fail_next("chat.postMessage", status=500)

    assert await w.sender.drain() == 0
    assert len(w.api.files) == 1 and _posted(w) == []
    w.clock.advance(timedelta(minutes=1))
    assert await w.sender.drain() == 1

    # The retry looked for an earlier post (the 500 might have hidden one), then posted once,
    # showing the file the first attempt uploaded.
    assert w.api.calls_to("conversations.history")
    [message] = _posted(w)
    assert _image_file_ids(message) == list(w.api.files)
    assert len(w.api.calls_to("chat.postMessage")) == 2
    assert w.api.posted_outbox_ids() == [_row(w).id]


async def test_a_lost_answer_to_the_post_neither_posts_nor_uploads_twice(
    slack_world: SlackWorld,
) -> None:
    w = slack_world
    _queue(w)
    w.api.fail_next("chat.postMessage", status=500, after_effect=True)

    assert await w.sender.drain() == 0
    w.clock.advance(timedelta(minutes=1))
    await w.sender.drain()

    assert len(_posted(w)) == 1 and len(w.api.files) == 1
    assert _row(w).status == "sent"


async def test_a_sender_that_restarts_between_upload_and_post_leaves_only_a_private_spare(
    slack_world: SlackWorld,
) -> None:
    w = slack_world
    _queue(w)
    w.api.fail_next("chat.postMessage", status=500)
    assert await w.sender.drain() == 0

    restarted = SlackSender(w.wired.deps.uow, w.sender.client, w.clock)
    w.clock.advance(timedelta(minutes=1))
    assert await restarted.drain() == 1

    # The new process uploads again; the first file stays unshared and unseen.
    assert len(w.api.files) == 2
    [message] = _posted(w)
    [shown] = _image_file_ids(message)
    assert all(f.shared_to is None for f in w.api.files.values())
    assert shown == list(w.api.files)[1]


async def test_an_image_slack_has_not_processed_yet_is_posted_on_a_retry_with_the_same_file(
    slack_world: SlackWorld,
) -> None:
    w = slack_world
    _queue(w)
    w.api.uploads.processing = timedelta(seconds=3)

    assert await w.sender.drain() == 0
    [refused] = w.api.calls_to("chat.postMessage")
    assert refused.response["error"] == "invalid_blocks"
    assert _row(w).status == "pending"
    w.clock.advance(timedelta(seconds=5))
    assert await w.sender.drain() == 1

    assert len(w.api.files) == 1
    [message] = _posted(w)
    assert _image_file_ids(message) == list(w.api.files)


async def test_a_failed_upload_of_the_bytes_is_retried_with_a_new_upload(
    slack_world: SlackWorld,
) -> None:
    w = slack_world
    _queue(w)
    w.api.fail_next(UPLOAD, status=503)

    assert await w.sender.drain() == 0
    w.clock.advance(timedelta(minutes=1))
    assert await w.sender.drain() == 1

    complete = [file_id for file_id, f in w.api.files.items() if f.complete]
    assert len(w.api.files) == 2 and len(complete) == 1
    [message] = _posted(w)
    assert _image_file_ids(message) == complete


@pytest.mark.parametrize("error", ["missing_scope", "file_uploads_disabled"])
async def test_when_slack_will_never_take_the_file_the_message_goes_with_the_charts_words(
    slack_world: SlackWorld, error: str,
) -> None:
    w = slack_world
    _queue(w)
    w.api.fail_next("files.getUploadURLExternal", status=200, error=error)

    assert await w.sender.drain() == 1

    [message] = _posted(w)
    assert [b["type"] for b in message["blocks"]] == ["header", "context", "section"]
    assert CHART.alt in message["blocks"][1]["elements"][0]["text"]
    assert _row(w).status == "sent"


async def test_a_chart_that_cannot_be_drawn_goes_out_as_its_words(
    slack_world: SlackWorld, monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(_chart: Chart) -> bytes:
        raise ValueError("bad figure")

    monkeypatch.setattr("teamwell.bot.slack.uploads.render_png", broken)
    w = slack_world
    _queue(w)

    assert await w.sender.drain() == 1

    assert w.api.files == {} and w.api.calls_to("files.getUploadURLExternal") == []
    [message] = _posted(w)
    assert message["blocks"][1]["type"] == "context"


async def test_the_fake_refuses_unknown_unfinished_and_mismatched_files(
    slack_world: SlackWorld,
) -> None:
    w = slack_world
    client = w.sender.client
    w.api.add_channel("C0DIGEST")
    got = await client.files_getUploadURLExternal(filename="c.png", length=3)
    file_id = str(got["file_id"])

    async def post(ref: str) -> str | None:
        image = {"type": "image", "alt_text": "a chart", "slack_file": {"id": ref}}
        try:
            await client.chat_postMessage(channel="C0DIGEST", text="x", blocks=[image])
        except SlackApiError as exc:
            return str(exc.response["error"])
        return None

    assert await post("F0NOSUCHFILE") == "invalid_blocks"
    assert await post(file_id) == "invalid_blocks"  # no bytes yet
    with pytest.raises(SlackApiError, match="file_not_found"):
        await client.files_completeUploadExternal(files=[{"id": file_id, "title": "c"}])
    async with aiohttp.ClientSession() as session:
        async with session.post(got["upload_url"], data=b"four") as resp:
            assert resp.status == 400  # not the length announced
        async with session.post(got["upload_url"], data=b"abc") as resp:
            assert resp.status == 200
    assert await post(file_id) == "invalid_blocks"  # uploaded but not completed
    await client.files_completeUploadExternal(files=[{"id": file_id, "title": "c"}])
    assert await post(file_id) is None
    assert (w.api.files[file_id].title, w.api.files[file_id].data) == ("c", b"abc")
    assert w.api.files[file_id].complete
