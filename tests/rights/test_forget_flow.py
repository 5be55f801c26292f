"""`forget me` in chat: an explanation first, and only the person's own, fresh confirmation acts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from teamwell.core.actions import ActionId
from teamwell.core.errors import NotAllowed, UnknownAction
from teamwell.core.messages import Actions, Button, Message
from teamwell.handlers.commands import command_reply
from teamwell.handlers.forget_flow import CANCELLED, EXPIRED, cancel_forget, confirm_forget
from teamwell.handlers.interactions import BUTTONS
from tests.rights.rights_world import YARROW, ZED, RightsWorld


def _buttons(message: Message) -> dict[ActionId, Button]:
    return {b.action: b for block in message.blocks if isinstance(block, Actions)
            for b in block.buttons}


def _exists(world: RightsWorld, person_id: str) -> bool:
    with world.factory() as uow:
        return uow.people.get(world.ws, person_id) is not None


def test_forget_me_explains_what_goes_and_what_stays_before_anything_is_deleted(
        world: RightsWorld) -> None:
    message = command_reply(world.deps, world.ws, ZED.id, "forget me", private=True)

    shown = " ".join(b.body.plain() for b in message.blocks if hasattr(b, "body"))
    buttons = _buttons(message)
    assert "onboarding" in shown and "kudos" in shown and "pulse answers" in shown
    assert "audit log" in shown and "cannot be undone" in shown
    assert buttons[ActionId.FORGET_CONFIRM].label == "Yes, forget me"
    assert buttons[ActionId.FORGET_CONFIRM].style == "danger"
    assert ActionId.FORGET_CANCEL in buttons
    assert {ActionId.FORGET_CONFIRM, ActionId.FORGET_CANCEL} <= set(BUTTONS)
    assert _exists(world, ZED.id)


def test_only_the_person_themself_can_confirm(world: RightsWorld) -> None:
    value = _buttons(command_reply(world.deps, world.ws, ZED.id, "forget me"))[
        ActionId.FORGET_CONFIRM].value

    with pytest.raises(NotAllowed):
        confirm_forget(world.deps, world.ws, YARROW.id, value)

    assert _exists(world, ZED.id) and _exists(world, YARROW.id)


def test_a_confirmation_after_its_expiry_deletes_nothing(world: RightsWorld) -> None:
    value = _buttons(command_reply(world.deps, world.ws, ZED.id, "forget me"))[
        ActionId.FORGET_CONFIRM].value
    world.clock.advance(timedelta(minutes=16))

    reply = confirm_forget(world.deps, world.ws, ZED.id, value)

    assert reply == EXPIRED and _exists(world, ZED.id)


def test_cancel_deletes_nothing_and_a_made_up_value_is_refused(world: RightsWorld) -> None:
    value = _buttons(command_reply(world.deps, world.ws, ZED.id, "forget me"))[
        ActionId.FORGET_CANCEL].value

    assert cancel_forget(world.deps, world.ws, ZED.id, value) == CANCELLED
    with pytest.raises(UnknownAction):
        confirm_forget(world.deps, world.ws, ZED.id, "not-a-value")
    assert _exists(world, ZED.id)


def test_the_persons_confirmation_forgets_them_and_says_what_remains(world: RightsWorld) -> None:
    value = _buttons(command_reply(world.deps, world.ws, ZED.id, "forget me"))[
        ActionId.FORGET_CONFIRM].value

    reply = confirm_forget(world.deps, world.ws, ZED.id, value)
    again = confirm_forget(world.deps, world.ws, ZED.id, value)

    assert reply.startswith("Done: I have forgotten you")
    assert "What remains, in aggregate form only" in reply and "2 received" in reply
    assert not _exists(world, ZED.id) and _exists(world, YARROW.id)
    assert again.startswith("Done already")
