"""How to run each handler for Alpha, with Alpha's own people, buttons and rounds.

One recipe per public handler that takes (deps, workspace_id, ...): the isolation tests run it
on a copy of the two-workspace world and check that Bravo is untouched and unseen. A recipe
returns what the handler returned, so that its answer is searched for Bravo's data too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import Any

from sqlalchemy import select

from teamwell.bot.storage.tables import SuggestionRow
from teamwell.core.actions import ActionId
from teamwell.core.consent import Feature
from teamwell.core.data_rights import bound_value
from teamwell.core.directory import Profile
from teamwell.core.messages import Actions
from teamwell.core.onboarding import StepStatus
from teamwell.handlers import (
    audit,
    commands,
    consent,
    data_rights,
    digest,
    forget_flow,
    forgotten,
    kudos,
    mydata,
    onboarding,
    onboarding_actions,
    onboarding_jobs,
    people,
    pulse_answers,
    pulse_results,
    pulse_rounds,
    pulse_schedules,
    reach,
    recognition,
    rejoin,
    results_view,
    roles,
    suggestion_actions,
)
from tests.isolation.world import Twin, account, email, people_csv

A = "alpha"
Recipe = Callable[[Twin], Any]
COMMANDS = ("help", "privacy", "consents", "kudos", "kudos team", "mydata", "results",
            "results Platform", "pulse", "onboarding", "forget me", "celebrations off")


def _ids(t: Twin, *who: str) -> list[str]:
    return [t.pid(A, w) for w in who]


def _id(t: Twin, who: str) -> str:
    return t.pid(A, who)


def _value(t: Twin, who: str, action: ActionId, last: bool = False) -> str:
    found = t.buttons(A, who, action)
    assert found, (who, action)
    return found[-1 if last else 0].value


def _suggestion(t: Twin) -> tuple[str, str]:
    """(id, manager id) of one of Alpha's suggestions."""
    with t.factory() as uow:
        row = uow.session.scalars(select(SuggestionRow).where(
            SuggestionRow.workspace_id == t.ws[A]).order_by(SuggestionRow.id)).first()
        assert row is not None
        return row.id, row.manager_id


def _respond(handler: Callable[..., str]) -> Recipe:
    def recipe(t: Twin) -> str:
        sid, manager = _suggestion(t)
        return handler(t.deps, t.ws[A], manager, sid)
    return recipe


def _tasks(t: Twin) -> list[str]:
    zed = _id(t, "zed")
    return [onboarding_actions.complete_task(t.deps, t.ws[A], zed, v) for v in dict.fromkeys(
        b.value for b in t.buttons(A, "zed", ActionId.TASK_DONE))]


def _send_step(t: Twin) -> bool:
    zed = _id(t, "zed")
    with t.factory() as uow:
        found = uow.onboardings.latest_for(t.ws[A], zed)
        assert found is not None
        run = next(r for r in uow.onboardings.steps(t.ws[A], found.id)
                   if r.status is StepStatus.PENDING)
    return onboarding_jobs.send_step(t.deps, t.ws[A], run)


def _import(t: Twin) -> Any:
    changed = people_csv(A).replace("Otto Lindqvist,maud@acme.test,Platform",
                                   "Otto Lindqvist,dag@acme.test,Design")
    newcomer = "quinn@acme.test,Quinn Abbott,maud@acme.test,Platform,2026-03-16,Europe/London,\n"
    return people.import_people(t.deps, t.ws[A], changed + newcomer)


def _confirm_forget(t: Twin) -> str:
    otto = _id(t, "otto")
    asked = forget_flow.forget_request(t.deps, t.ws[A], otto)
    value = next(b.value for block in asked.blocks if isinstance(block, Actions)
                 for b in block.buttons if b.action is ActionId.FORGET_CONFIRM)
    return forget_flow.confirm_forget(t.deps, t.ws[A], otto, value)


def _cancel_forget(t: Twin) -> str:
    otto = _id(t, "otto")
    return forget_flow.cancel_forget(t.deps, t.ws[A], otto, bound_value(otto, t.clock.now()))


def _accept_file(t: Twin) -> bytes:
    zed = _id(t, "zed")
    offer = data_rights.offer_export_file(t.deps, t.ws[A], zed)
    return data_rights.accept_export_file(t.deps, t.ws[A], zed, offer.value)


def _profile(who: str, name: str, **extra: Any) -> Profile:
    platform, external = account(A, who)
    return Profile(platform, external, name, email(who), **extra)


def _comment_context(t: Twin) -> str:
    return _value(t, "zed", ActionId.CHECKIN_COMMENT)


RECIPES: dict[str, Recipe] = {
    "audit.read_log": lambda t: audit.read_log(t.deps, t.ws[A]),
    "commands.command_reply": lambda t: [
        commands.command_reply(t.deps, t.ws[A], pid, text, private=True)
        for pid in _ids(t, "maud", "hana", "zed") for text in COMMANDS
        if text != "kudos team" or pid == t.pid(A, "maud")],
    "commands.reply_to_direct_message": lambda t: commands.reply_to_direct_message(
        t.deps, t.ws[A], _id(t, "zed"), "EvIsolationDm", "onboarding"),
    "consent.choice_button": lambda t: consent.choice_button(
        t.deps, t.ws[A], _id(t, "otto"), "celebrations|off"),
    "consent.choice_command": lambda t: consent.choice_command(
        t.deps, t.ws[A], _id(t, "otto"), ["pulse", "off"]),
    "consent.choices_home_blocks": lambda t: consent.choices_home_blocks(
        t.deps, t.ws[A], _id(t, "maud")),
    "consent.consents_reply": lambda t: consent.consents_reply(t.deps, t.ws[A], _id(t, "zed")),
    "consent.set_choice": lambda t: consent.set_choice(
        t.deps, t.ws[A], _id(t, "zed"), Feature.MANAGER_NOTES, True),
    "data_rights.accept_export_file": _accept_file,
    "data_rights.export_person": lambda t: data_rights.export_person(
        t.deps, t.ws[A], _id(t, "zed"), "cli"),
    "data_rights.export_size": lambda t: data_rights.export_size(t.deps, t.ws[A],
                                                                 _id(t, "zed")),
    "data_rights.forget_person": lambda t: data_rights.forget_person(
        t.deps, t.ws[A], _id(t, "zed"), "cli"),
    "data_rights.offer_export_file": lambda t: data_rights.offer_export_file(
        t.deps, t.ws[A], _id(t, "zed")),
    "digest.preview_digest": lambda t: [digest.preview_digest(t.deps, t.ws[A], email(who))
                                        for who in ("hana", "maud", "dag")],
    "forget_flow.cancel_forget": _cancel_forget,
    "forget_flow.confirm_forget": _confirm_forget,
    "forget_flow.forget_request": lambda t: forget_flow.forget_request(t.deps, t.ws[A],
                                                                       _id(t, "otto")),
    "forgotten.is_forgotten": lambda t: forgotten.is_forgotten(
        t.deps, t.ws[A], _profile("nell", "Nell Carver")),
    "kudos.give_kudos": lambda t: kudos.give_kudos(
        t.deps, t.ws[A], _id(t, "ivo"), _ids(t, "otto", "zed"), "The kestrel demo, thanks"),
    "mydata.my_data": lambda t: mydata.my_data(t.deps, t.ws[A], _id(t, "zed")),
    "onboarding.home_blocks": lambda t: onboarding.home_blocks(t.deps, t.ws[A],
                                                               _id(t, "maud")),
    "onboarding.progress_message": lambda t: onboarding.progress_message(
        t.deps, t.ws[A], _id(t, "zed")),
    "onboarding.start_onboarding": lambda t: onboarding.start_onboarding(
        t.deps, t.ws[A], _id(t, "lena"), date(2026, 3, 16)),
    "onboarding.stop_onboarding": lambda t: onboarding.stop_onboarding(t.deps, t.ws[A],
                                                                       _id(t, "zed")),
    "onboarding.stop_onboarding_for": lambda t: onboarding.stop_onboarding_for(
        t.deps, t.ws[A], _id(t, "zed")),
    "onboarding_actions.checkin_comment_form": lambda t: onboarding_actions.checkin_comment_form(
        t.deps, t.ws[A], _id(t, "zed"), _comment_context(t)),
    "onboarding_actions.complete_task": _tasks,
    "onboarding_actions.record_checkin_comment": lambda t: (
        onboarding_actions.record_checkin_comment(t.deps, t.ws[A], _id(t, "zed"),
                                                  _comment_context(t), "Better, kestrel")),
    "onboarding_actions.record_checkin_score": lambda t: onboarding_actions.record_checkin_score(
        t.deps, t.ws[A], _id(t, "zed"), _value(t, "zed", ActionId.CHECKIN_SCORE, True)),
    "onboarding_actions.request_help": lambda t: onboarding_actions.request_help(
        t.deps, t.ws[A], _id(t, "zed"), _value(t, "zed", ActionId.NEED_HELP, True)),
    "onboarding_jobs.send_step": _send_step,
    "people.find_person": lambda t: people.find_person(t.deps, t.ws[A], *account(A, "otto")),
    "people.import_people": _import,
    "people.person_joined": lambda t: people.person_joined(
        t.deps, t.ws[A], _profile("quinn", "Quinn Abbott")),
    "people.sync_profile": lambda t: people.sync_profile(
        t.deps, t.ws[A], _profile("otto", "Otto L.", timezone="Asia/Tokyo", deleted=True)),
    "pulse_answers.current_pulse": lambda t: pulse_answers.current_pulse(
        t.deps, t.ws[A], _id(t, "otto"), True),
    "pulse_answers.pulse_comment_form": lambda t: pulse_answers.pulse_comment_form(
        t.deps, t.ws[A], _id(t, "otto"), t.rounds[A][1]),
    "pulse_answers.record_answer": lambda t: pulse_answers.record_answer(
        t.deps, t.ws[A], _id(t, "otto"), _value(t, "otto", ActionId.PULSE_ANSWER, True)),
    "pulse_answers.record_pulse_comment": lambda t: pulse_answers.record_pulse_comment(
        t.deps, t.ws[A], _id(t, "otto"), t.rounds[A][1], "A kestrel of a week"),
    "pulse_answers.set_pulse_participation": lambda t: pulse_answers.set_pulse_participation(
        t.deps, t.ws[A], _id(t, "otto"), False),
    "pulse_results.results_for": lambda t: pulse_results.results_for(t.deps, t.ws[A], None),
    "pulse_results.team_results": lambda t: pulse_results.team_results(t.deps, t.ws[A],
                                                                       "Platform"),
    "pulse_rounds.close_open_rounds": lambda t: pulse_rounds.close_open_rounds(t.deps, t.ws[A]),
    "pulse_rounds.close_round": lambda t: pulse_rounds.close_round(t.deps, t.ws[A],
                                                                   t.rounds[A][1]),
    "pulse_rounds.open_round": lambda t: pulse_rounds.open_round(t.deps, t.ws[A], "Design"),
    "pulse_schedules.describe_schedules": lambda t: pulse_schedules.describe_schedules(
        t.deps, t.ws[A]),
    "pulse_schedules.set_leave": lambda t: pulse_schedules.set_leave(
        t.deps, t.ws[A], email("kofi"), date(2026, 4, 1)),
    "pulse_schedules.set_pulse_schedule": lambda t: pulse_schedules.set_pulse_schedule(
        t.deps, t.ws[A], "Platform", (3, time(9, 30))),
    "reach.tell_admins_unreachable": lambda t: reach.tell_admins_unreachable(
        t.deps, t.ws[A], _id(t, "otto"), "their account is inactive", "Ask IT."),
    "recognition.fairness_view": lambda t: recognition.fairness_view(t.deps, t.ws[A]),
    "recognition.my_kudos": lambda t: recognition.my_kudos(t.deps, t.ws[A], _id(t, "otto")),
    "recognition.report_kudos": lambda t: recognition.report_kudos(
        t.deps, t.ws[A], _id(t, "maud"), _id(t, "otto")),
    "recognition.set_recognition_choice": lambda t: recognition.set_recognition_choice(
        t.deps, t.ws[A], _id(t, "otto"), "birthday|on"),
    "recognition.suggest_thanks_after_pulse": lambda t: recognition.suggest_thanks_after_pulse(
        t.deps, t.ws[A], t.rounds[A][0]),
    "recognition.team_kudos": lambda t: recognition.team_kudos(t.deps, t.ws[A],
                                                               _id(t, "maud")),
    "rejoin.rejoin": lambda t: rejoin.rejoin(t.deps, t.ws[A], _profile("nell", "Nell Carver"),
                                             reply_here=False),
    "results_view.cli_results": lambda t: results_view.cli_results(t.deps, t.ws[A], None, None),
    "results_view.results_reply": lambda t: results_view.results_reply(
        t.deps, t.ws[A], _id(t, "hana"), None),
    "roles.change_role": lambda t: roles.change_role(t.deps, t.ws[A], email("ivo"), "admin",
                                                     True),
    "suggestion_actions.accept_suggestion": _respond(suggestion_actions.accept_suggestion),
    "suggestion_actions.complete_suggestion": _respond(suggestion_actions.complete_suggestion),
    "suggestion_actions.defer_suggestion": _respond(suggestion_actions.defer_suggestion),
    "suggestion_actions.dismiss_suggestion": _respond(suggestion_actions.dismiss_suggestion),
}

# Public handlers that take (deps, workspace_id, ...) but get no recipe here, and why.
SKIPPED: dict[str, str] = {}
