"""The work-stress keyword rule: words, phrases and simple negation."""

from __future__ import annotations

import pytest

from teamwell.bot.sentiment.stress import (
    denies_work_stress,
    names_work_strain,
    speaks_of_work_stress,
)


@pytest.mark.parametrize("text", [
    "I am drowning in deadlines and working every weekend",
    "Too much work and not enough people",
    "We are understaffed and stretched thin",
    "I feel burnt out",
    "Overtime again this week",
    "The workload is crazy right now",
    "There is no time to do anything properly",
    "Constant pressure from the sales team",
    "I'm exhausted",
    "Deadlines are tight",
    "No work-life balance at all",
])
def test_comments_about_workload_and_pressure_speak_of_stress(text: str) -> None:
    assert speaks_of_work_stress(text)


@pytest.mark.parametrize("text", [
    "The team lunch was lovely",
    "I am not stressed at all",
    "No pressure this week, which was nice",
    "A stress-free week",
    "I never work late",
    "Not too much on my plate this week",
    "The workload is manageable",
    "Great work-life balance",
])
def test_comments_without_stress_or_denying_it_do_not_speak_of_stress(text: str) -> None:
    assert not speaks_of_work_stress(text)


def test_a_stress_word_still_counts_when_another_is_negated() -> None:
    assert speaks_of_work_stress("There's no overtime, but I'm exhausted")


def test_phrases_that_carry_their_own_negation_are_not_read_as_negated() -> None:
    assert speaks_of_work_stress("I can't cope with the number of tickets")


def test_general_stress_words_are_not_strain_named_about_the_work_itself() -> None:
    assert speaks_of_work_stress("I'm stressed about my exams")
    assert not names_work_strain("I'm stressed about my exams")
    assert names_work_strain("We're understaffed")


def test_a_comment_saying_stress_is_absent_denies_it_and_one_naming_it_does_not() -> None:
    assert denies_work_stress("I'm not stressed, the workload is fine")
    assert not denies_work_stress("Not stressed about the audit, but the overtime is killing me")
    assert not denies_work_stress("The team lunch was lovely")
