"""A button (or form) made in one workspace, clicked by someone of the other, changes nothing.

Every value is taken from what Alpha really sent (or would send) to one of its people. The
clicker is Bravo's person with the same name and email: first as the edge would present them
(Bravo's workspace id, Bravo's person id), then with Alpha's workspace id and Bravo's person
id. Either way the handler refuses and no row of either workspace changes. The Home tab's
switches carry no identity in their value (`pulse|off`): they act on the clicker's own choice
in the clicker's own workspace, which is checked separately.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from teamwell.core.actions import ActionId
from teamwell.core.errors import TeamwellError
from teamwell.core.messages import Actions
from teamwell.handlers.data_rights import accept_export_file, offer_export_file
from teamwell.handlers.deps import Deps
from teamwell.handlers.forget_flow import forget_request
from teamwell.handlers.interactions import BUTTONS, FORMS
from teamwell.handlers.kudos import give_kudos
from tests.isolation.scan import changed, snapshot
from tests.isolation.world import Twin

Click = Callable[[Deps, str, str, str], object]


def _from_outbox(who: str, action: ActionId) -> Callable[[Twin], str]:
    def value(t: Twin) -> str:
        found = t.buttons("alpha", who, action)
        assert found, (who, action)
        return found[-1].value
    return value


def _suggestion(t: Twin) -> str:
    return _from_outbox("maud", ActionId.DIGEST_DO)(t)


def _forget_value(t: Twin) -> str:
    asked = forget_request(t.deps, t.ws["alpha"], t.pid("alpha", "otto"))
    return next(b.value for block in asked.blocks if isinstance(block, Actions)
                for b in block.buttons if b.action is ActionId.FORGET_CONFIRM)


def _comment(recorder: Callable[..., object]) -> Click:
    def click(deps: Deps, ws: str, person_id: str, context: str) -> object:
        return recorder(deps, ws, person_id, context, "From the other side: osprey")
    return click


def _file_offer(t: Twin) -> str:
    return offer_export_file(t.deps, t.ws["alpha"], t.pid("alpha", "zed")).value


# (what, whom Alpha made it for, its value, the handler a click runs)
CLICKS: list[tuple[str, str, Callable[[Twin], str], Click]] = [
    *((action.value, "zed", _from_outbox("zed", action), BUTTONS[action])
      for action in (ActionId.TASK_DONE, ActionId.CHECKIN_SCORE, ActionId.NEED_HELP)),
    (ActionId.PULSE_ANSWER.value, "otto", _from_outbox("otto", ActionId.PULSE_ANSWER),
     BUTTONS[ActionId.PULSE_ANSWER]),
    *((action.value, "maud", _suggestion, BUTTONS[action])
      for action in (ActionId.DIGEST_DO, ActionId.DIGEST_LATER, ActionId.DIGEST_NOT_USEFUL,
                     ActionId.DIGEST_DONE)),
    *((action.value, "otto", _forget_value, BUTTONS[action])
      for action in (ActionId.FORGET_CONFIRM, ActionId.FORGET_CANCEL)),
    *((f"{action.value} (form)", who, _from_outbox(who, action), FORMS[action][0])
      for action, who in ((ActionId.CHECKIN_COMMENT, "zed"), (ActionId.PULSE_COMMENT, "otto"))),
    *((f"{action.value} (submit)", who, _from_outbox(who, action), _comment(FORMS[action][2]))
      for action, who in ((ActionId.CHECKIN_COMMENT, "zed"), (ActionId.PULSE_COMMENT, "otto"))),
    ("data file offer", "zed", _file_offer, accept_export_file),
]
# Buttons whose value names nobody: the click is about the clicker's own choices.
OWN_CHOICES = {ActionId.PULSE_OPT_OUT, ActionId.PULSE_OPT_IN, ActionId.RECOGNITION_CHOICE}


def test_every_button_is_clicked_across_workspaces_or_is_about_the_clickers_own_choice(
        ) -> None:
    clicked = {name for name, *_ in CLICKS}

    assert {a.value for a in BUTTONS} - OWN_CHOICES - clicked == set()
    assert {f"{a.value} (submit)" for a in FORMS} <= clicked


@pytest.mark.parametrize("as_workspace", ["bravo", "alpha"])
@pytest.mark.parametrize(("name", "who", "value_of", "click"), CLICKS,
                         ids=[c[0] for c in CLICKS])
def test_a_value_from_one_workspace_clicked_by_someone_of_the_other_is_refused(
        twin: Twin, name: str, who: str, value_of: Callable[[Twin], str], click: Click,
        as_workspace: str) -> None:
    value = value_of(twin)
    before = {label: snapshot(twin.engine, ws) for label, ws in twin.ws.items()}
    clicker = twin.pid("bravo", who)  # the same name and email as the one it was made for

    with pytest.raises(TeamwellError):
        click(twin.deps, twin.ws[as_workspace], clicker, value)

    after = {label: snapshot(twin.engine, ws) for label, ws in twin.ws.items()}
    assert {label: changed(before[label], after[label]) for label in before} == {
        "alpha": [], "bravo": []}


@pytest.mark.parametrize(("action", "value"), [(ActionId.PULSE_OPT_OUT, ""),
                                               (ActionId.RECOGNITION_CHOICE, "birthday|on")])
def test_a_choice_button_changes_only_the_clickers_own_choice_in_their_own_workspace(
        twin: Twin, action: ActionId, value: str) -> None:
    alpha = snapshot(twin.engine, twin.ws["alpha"])
    bravo = snapshot(twin.engine, twin.ws["bravo"])
    otto = twin.pid("bravo", "otto")

    BUTTONS[action](twin.deps, twin.ws["bravo"], otto, value)

    assert changed(alpha, snapshot(twin.engine, twin.ws["alpha"])) == []
    after = snapshot(twin.engine, twin.ws["bravo"])
    assert changed(bravo, after) in (["pulse_preferences"], ["recognition_preferences"])
    table = changed(bravo, after)[0]
    assert {row[1] for row in set(after[table]) ^ set(bravo[table])} == {otto}


def test_kudos_to_someone_of_the_other_workspace_are_refused_and_store_nothing(
        twin: Twin) -> None:
    before = {label: snapshot(twin.engine, ws) for label, ws in twin.ws.items()}

    with pytest.raises(TeamwellError):
        give_kudos(twin.deps, twin.ws["alpha"], twin.pid("alpha", "otto"),
                   [twin.pid("bravo", "zed")], "Thanks across the fence")

    after = {label: snapshot(twin.engine, ws) for label, ws in twin.ws.items()}
    assert {label: changed(before[label], after[label]) for label in before} == {
        "alpha": [], "bravo": []}
