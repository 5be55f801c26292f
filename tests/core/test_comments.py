"""Comment redaction and display: nothing that names or reaches a person survives."""

from __future__ import annotations

import random

import pytest

from teamwell.core.comments import (
    DEFAULT_COMMENT_MINIMUM,
    EMAIL,
    NAME,
    PHONE,
    redact,
    shown_comments,
)

PEOPLE = ["Zoë Martin", "José Álvarez", "Siobhán O'Brien", "Li Wei", "Anne-Marie Dubois"]


@pytest.mark.parametrize(("comment", "expected"), [
    ("Ask zoe.martin@example.com", f"Ask {EMAIL}"),
    ("mail ZOE+pulse@sub.example.co.uk!", f"mail {EMAIL}!"),
    ("josé@exämple.org said so", f"{EMAIL} said so"),
    ("<mailto:a@b.io|a@b.io>", f"<mailto:{EMAIL}|{EMAIL}>"),
])
def test_emails_are_redacted_so_a_comment_cannot_point_at_its_author(
        comment: str, expected: str) -> None:
    assert redact(comment, []) == expected


@pytest.mark.parametrize("number", [
    "+44 20 7946 0958", "+44 (0)20 7946 0958", "(555) 123-4567", "555-123-4567",
    "555.123.4567", "555 1234", "555-1234", "0612345678", "06 12 34 56 78", "+33 6 12 34 56 78",
    "0049-30-1234567", "+1-800-555-0199",
])
def test_phone_numbers_in_international_and_local_formats_are_redacted(number: str) -> None:
    assert redact(f"call me on {number} tonight", []) == f"call me on {PHONE} tonight"


@pytest.mark.parametrize("text", [
    "3 days late", "since 2026", "50% of the team", "1,000,000 steps", "version 2.0.1",
    "2025-2026 was hard", "on 2026-03-09", "on 09.03.2026", "scored 1 2 3 4 5 6 7",
    "costs $1234567", "12345", "ticket #123456", "Q3 2026: 4/5",
])
def test_ordinary_numbers_are_kept(text: str) -> None:
    assert redact(text, PEOPLE) == text


@pytest.mark.parametrize(("comment", "expected"), [
    ("Zoë Martin helped", f"{NAME} helped"),
    ("zoe martin helped", f"{NAME} helped"),
    ("ZOË helped, then Martin", f"{NAME} helped, then {NAME}"),
    ("Jose and josé and JOSÉ", f"{NAME} and {NAME} and {NAME}"),
    ("thanks Alvarez", f"thanks {NAME}"),
    ("Siobhan O’Brien and O'Brien", f"{NAME} and {NAME}"),
    ("Anne-Marie and Marie and Dubois", f"{NAME} and {NAME} and {NAME}"),
    ("Li Wei", NAME),
    ("Zoë  \n Martin", NAME),
])
def test_names_full_or_partial_accented_or_not_are_redacted(comment: str, expected: str) -> None:
    assert redact(comment, PEOPLE) == expected


def test_name_parts_must_be_whole_words_and_short_parts_are_left() -> None:
    assert redact("Martinez and Zoëlle are not Zoë; Li is too short", PEOPLE) == (
        f"Martinez and Zoëlle are not {NAME}; Li is too short")


def test_decomposed_accents_are_treated_like_composed_ones() -> None:
    assert redact("Zoe\u0308 was great", PEOPLE) == f"{NAME} was great"


def test_mentions_are_redacted_but_other_markup_is_plain_text() -> None:
    comment = "<@U123ABC> and <@W9|zoe> said <!channel> *bold* <http://x|y> `code` ask @pat.lee"
    assert redact(comment, []) == (
        f"{NAME} and {NAME} said <!channel> *bold* <http://x|y> `code` ask {NAME}")


def test_unicode_and_emoji_are_kept() -> None:
    comment = "Great week 🎉🙌 — très bien, 很好, Zoë 👍"
    assert redact(comment, PEOPLE) == f"Great week 🎉🙌 — très bien, 很好, {NAME} 👍"


def test_placeholders_are_not_redacted_again() -> None:
    assert redact("Name Email Phone and a@b.co", ["Name Email", "Phone Person"]) == (
        f"{NAME} {NAME} and {EMAIL}")


def test_small_groups_get_no_comments_at_all() -> None:
    rng = random.Random(1)
    comments = ["fine", "ok", "good", "meh"]
    assert shown_comments(comments, PEOPLE, 4, DEFAULT_COMMENT_MINIMUM, rng) == []
    assert shown_comments(comments, PEOPLE, 5, DEFAULT_COMMENT_MINIMUM, rng) != []


def test_comments_are_redacted_and_shuffled_so_answer_order_reveals_nobody() -> None:
    comments = [f"comment {i} from Zoë" for i in range(20)]
    shown = shown_comments(comments, PEOPLE, 20, 5, random.Random(42))
    assert sorted(shown) == sorted(f"comment {i} from {NAME}" for i in range(20))
    assert shown != [f"comment {i} from {NAME}" for i in range(20)]
    assert shown == shown_comments(comments, PEOPLE, 20, 5, random.Random(42))


def test_blank_comments_are_dropped() -> None:
    assert shown_comments(["  ", "", "ok"], [], 5, 5, random.Random(0)) == ["ok"]


def test_a_comment_minimum_below_three_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 3"):
        shown_comments(["ok"], [], 10, 2, random.Random(0))
