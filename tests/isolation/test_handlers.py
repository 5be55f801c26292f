"""Every handler run for one workspace leaves the other untouched and unseen.

Handlers are found by introspection: every public function in teamwell.handlers whose first
parameters are (deps, workspace_id). Each has a recipe (tests/isolation/recipes.py) that runs it
for Alpha with Alpha's own people, buttons and rounds; afterwards Bravo's rows (every table) are
exactly as before, Alpha's rows hold none of Bravo's ids or text, and neither does the handler's
answer. Functions that take a unit of work (record, allowing, own_step, load_window, ...) run
inside their callers' transactions and are covered through them; kudos_form_for ignores its
workspace (`_workspace_id`: the form is the same for everyone).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import teamwell.handlers
from tests.isolation.conftest import Guard, guard_of
from tests.isolation.recipes import RECIPES, SKIPPED
from tests.isolation.world import Twin


def _handlers() -> Iterator[tuple[str, Callable[..., Any]]]:
    for info in pkgutil.iter_modules(teamwell.handlers.__path__):
        module = importlib.import_module(f"teamwell.handlers.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            params = list(inspect.signature(fn).parameters)
            if (fn.__module__ == module.__name__ and not name.startswith("_")
                    and params[:2] == ["deps", "workspace_id"]):
                yield f"{info.name}.{name}", fn


def test_every_workspace_handler_has_a_recipe_or_a_reason_to_be_skipped() -> None:
    found = {name for name, _ in _handlers()}

    assert found - RECIPES.keys() - SKIPPED.keys() == set()
    assert (RECIPES.keys() | SKIPPED.keys()) - found == set()
    assert len(found) >= 55


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_a_handler_run_for_one_workspace_leaves_the_other_untouched_and_unseen(
        name: str, twin: Twin, guard: Guard) -> None:
    answer = RECIPES[name](twin)

    assert guard.bravo_untouched() == []
    assert guard.bravo_in_alpha() == []
    assert guard.bravo_in(answer) == []


# Handlers that write, in an order that keeps each one's arrangement valid.
WRITERS = ("pulse_answers.record_answer", "pulse_answers.record_pulse_comment",
           "pulse_rounds.close_open_rounds", "kudos.give_kudos", "people.import_people",
           "onboarding_actions.request_help", "onboarding_actions.complete_task",
           "suggestion_actions.accept_suggestion", "roles.change_role",
           "pulse_schedules.set_pulse_schedule", "rejoin.rejoin", "data_rights.forget_person")


def test_writing_handlers_keep_to_their_workspace_on_each_database(any_twin: Twin) -> None:
    guard = guard_of(any_twin)
    leaks: dict[str, list[str]] = {}

    for name in WRITERS:
        answer = RECIPES[name](any_twin)
        leaks[name] = (guard.bravo_untouched() + guard.bravo_in_alpha()
                       + guard.bravo_in(answer))

    assert leaks == {name: [] for name in WRITERS}
