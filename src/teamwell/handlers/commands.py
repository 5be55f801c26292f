"""Text commands (`/teamwell ...` and direct messages to the bot)."""

from __future__ import annotations

from teamwell.core.copy import help_message, privacy_message
from teamwell.core.messages import Message, Section, say, text
from teamwell.handlers.consent import choice_command, consents_reply
from teamwell.handlers.deps import Deps
from teamwell.handlers.forgotten import ALREADY_IN
from teamwell.handlers.notify import queue_for

MAX_COMMAND_LENGTH = 500


def _unknown(word: str) -> Message:
    shown = word if len(word) <= 40 else word[:40] + "…"
    return Message(
        fallback=f"I don't know the command {shown!r}.",
        blocks=(Section(text(f"I don't know the command \u201c{shown}\u201d. ")),
                *help_message().blocks),
    )


def command_reply(deps: Deps, workspace_id: str, person_id: str, command_text: str,
                  private: bool = False) -> Message:
    """Answer a text command (help, privacy, pulse, results, ...); private replies are not stored.

    private is True when the reply goes straight back to the person (a slash command's answer)
    rather than through the outbox: only then may it show their own pulse answers or team
    results.
    """
    from teamwell.handlers.onboarding import progress_message, stop_onboarding

    words = command_text.strip().lower().split()
    if len(command_text) > MAX_COMMAND_LENGTH:
        return say("That command is too long (500 characters at most).")
    if not words or words[0] in ("help", "?"):
        return help_message()
    if words[0] == "privacy":
        return privacy_message(deps.pulse.min_group_size)
    if words == ["rejoin"]:
        # A forgotten person's `rejoin` is answered where they are unknown (the identity edge).
        return say(ALREADY_IN)
    if words[0] in ("consents", "consent", "choices"):
        return consents_reply(deps, workspace_id, person_id)
    choice = choice_command(deps, workspace_id, person_id, words)
    if choice is not None:
        return say(choice)
    if words == ["kudos"]:
        from teamwell.handlers.recognition import my_kudos

        return my_kudos(deps, workspace_id, person_id)
    if words == ["kudos", "team"]:
        from teamwell.handlers.recognition import team_kudos

        return team_kudos(deps, workspace_id, person_id)
    if words[0] == "mydata":
        if not private:
            return say("Type /teamwell mydata (the slash command): its answer reaches only "
                        "you and is not kept, unlike my messages.")
        from teamwell.handlers.mydata import my_data

        return my_data(deps, workspace_id, person_id)
    if words[:2] == ["forget", "me"]:
        from teamwell.handlers.forget_flow import forget_request

        return forget_request(deps, workspace_id, person_id)
    if words[0] == "results":
        return _results_command(deps, workspace_id, person_id, command_text, private)
    if words[0] == "pulse":
        return _pulse_command(deps, workspace_id, person_id, words[1:], private)
    if words[0] in ("onboarding", "progress") and words[1:2] != ["stop"]:
        return progress_message(deps, workspace_id, person_id)
    if words[0] in ("stop", "onboarding"):
        reply = stop_onboarding(deps, workspace_id, person_id)
        return say(reply)
    return _unknown(words[0])


def _pulse_command(deps: Deps, workspace_id: str, person_id: str, rest: list[str],
                   private: bool) -> Message:
    from teamwell.handlers.pulse_answers import current_pulse

    if rest:
        return _unknown("pulse " + rest[0])
    return current_pulse(deps, workspace_id, person_id, with_answers=private)


def _results_command(deps: Deps, workspace_id: str, person_id: str, command_text: str,
                     private: bool) -> Message:
    if not private:
        return say("Type /teamwell results (the slash command), or ask me in our 1:1 chat on "
                   "Teams: that answer reaches only you and is not kept, unlike my messages.")
    from teamwell.handlers.results_view import results_reply

    rest = command_text.strip().split(maxsplit=1)[1:]
    return results_reply(deps, workspace_id, person_id, rest[0] if rest else None)


def reply_to_direct_message(
    deps: Deps, workspace_id: str, person_id: str, event_id: str, message_text: str
) -> bool:
    """Answer a direct message to the bot through the outbox; True when newly queued."""
    reply = command_reply(deps, workspace_id, person_id, message_text)
    now = deps.clock.now()
    with deps.uow() as uow:
        person = uow.people.get(workspace_id, person_id)
        if person is None:
            return False
        queued = queue_for(uow, now, person, f"dm-reply:{event_id}", reply)
        uow.commit()
    return queued
