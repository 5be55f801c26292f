"""Recognition insights: private stats, a fairness view for admins, gentle prompts to managers."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from teamwell.core.consent import Feature
from teamwell.core.errors import NotAllowed, UnknownPerson
from teamwell.core.messages import Context, Message, Section, text
from teamwell.core.pulse_schedule import out_of_quiet_hours
from teamwell.core.recognition_stats import (
    DEFAULT_QUIET_WEEKS,
    Fairness,
    fairness,
    fairness_message,
    leaderboard,
    person_stats,
    stats_message,
    unrecognised,
    unrecognised_prompt,
)
from teamwell.handlers.consent import allowing, choice_button
from teamwell.handlers.deps import Deps
from teamwell.handlers.notify import queue_for

YEAR = timedelta(days=366)


def my_kudos(deps: Deps, workspace_id: str, person_id: str) -> Message:
    """`/teamwell kudos`: the person's own kudos given and received, private to them."""
    now = deps.clock.now()
    with deps.uow() as uow:
        person = uow.people.get(workspace_id, person_id)
        if person is None:
            raise UnknownPerson("I couldn't find you in the directory.")
        records = uow.recognition.kudos_records(workspace_id, now - YEAR)
    return stats_message(person_stats(person.id, records, person.zone), deps.values, True,
                         person.name)


def report_kudos(deps: Deps, workspace_id: str, manager_id: str, report_id: str) -> Message:
    """A manager's private view of one report's kudos (nobody else's)."""
    now = deps.clock.now()
    with deps.uow() as uow:
        report = uow.people.get(workspace_id, report_id)
        if report is None or report.manager_id != manager_id:
            raise NotAllowed("You can see kudos figures only for people who report to you.")
        records = uow.recognition.kudos_records(workspace_id, now - YEAR)
    return stats_message(person_stats(report.id, records, report.zone), deps.values, False,
                         report.name)


def team_kudos(deps: Deps, workspace_id: str, manager_id: str) -> Message:
    """`/teamwell kudos team`: each of a manager's reports, kudos received in 12 weeks."""
    now = deps.clock.now()
    with deps.uow() as uow:
        reports = uow.people.reports_of(workspace_id, manager_id)
        records = uow.recognition.kudos_records(workspace_id, now - timedelta(weeks=12))
    if not reports:
        raise NotAllowed("Nobody reports to you in the directory, so there is no team view.")
    counts = {p.id: 0 for p in reports}
    for r in records:
        if r.receiver_id in counts:
            counts[r.receiver_id] += 1
    lines = "\n".join(f"{p.name}: {counts[p.id]}" for p in reports)
    return Message(fallback="Kudos received by your team", blocks=(
        Section(text("Kudos received in the last 12 weeks, by the people who report to you:\n"
                     + lines)),
        Context(text("Only you see this. It counts thanks given through Teamwell, not how "
                     "good anyone's work is."))))


def fairness_view(deps: Deps, workspace_id: str, since: date | None = None,
                  ) -> tuple[Fairness, Message, list[tuple[str, int]]]:
    """For admins: how evenly kudos spread, teams with none, and the top receivers."""
    start = (datetime.combine(since, datetime.min.time(), tzinfo=deps.clock.now().tzinfo)
             if since else deps.clock.now() - timedelta(days=90))
    with deps.uow() as uow:
        people = uow.people.list(workspace_id)
        teams = uow.teams.list(workspace_id)
        records = uow.recognition.kudos_records(workspace_id, start)
    result = fairness(people, teams, records, start)
    return result, fairness_message(result, {t.id: t.name for t in teams}), leaderboard(records)


def suggest_thanks_after_pulse(deps: Deps, workspace_id: str, round_id: str) -> int:
    """After a pulse round closes, a gentle, private nudge to each manager of people asked."""
    now = deps.clock.now()
    with deps.uow() as uow:
        invited = {i.person_id for i in uow.pulses.invites(workspace_id, round_id)}
        people = {p.id: p for p in uow.people.list(workspace_id)}
        managers = {people[pid].manager_id for pid in invited if pid in people}
        sent = 0
        wanting = {p.id for p in allowing(uow, workspace_id, list(people.values()),
                                          Feature.KUDOS_PROMPTS)}
        for manager_id in sorted(m for m in managers if m and m in wanting):
            manager = people[manager_id]
            # Rounds close at the last person's local time: not necessarily a good hour here.
            when = out_of_quiet_hours(now, deps.pulse.schedule, manager.zone)
            sent += queue_for(uow, now, manager, f"kudos-nudge:{round_id}:{manager_id}",
                              thanks_suggestion(), not_before=when)
        uow.commit()
    return sent


def send_recognition_prompts(deps: Deps, weeks: int = DEFAULT_QUIET_WEEKS) -> int:
    """Weekly, privately: tell each manager which reports had no kudos for a while."""
    now = deps.clock.now()
    week = (now - timedelta(days=now.weekday())).date().isoformat()
    with deps.uow() as uow:
        workspaces = uow.workspaces.all_ids()
    sent = 0
    for ws in workspaces:
        with deps.uow() as uow:
            people = uow.people.list(ws)
            records = uow.recognition.kudos_records(ws, now - timedelta(weeks=weeks + 1))
            # Someone who turned manager notes off is never named to their manager.
            nameable = allowing(uow, ws, people, Feature.MANAGER_NOTES)
            for manager in allowing(uow, ws, people, Feature.KUDOS_PROMPTS):
                local = now.astimezone(manager.zone)
                if not manager.is_manager or local.weekday() > 4 or (
                        local.weekday() == 0 and local.hour < 10):
                    continue  # from Monday 10:00 their time, never at the weekend
                quiet = unrecognised([p for p in nameable if p.manager_id == manager.id],
                                     records, now, weeks)
                if quiet:
                    sent += queue_for(uow, now, manager, f"recognition-prompt:{manager.id}:{week}",
                                      unrecognised_prompt(manager.id, quiet, weeks))
            uow.commit()
    return sent


def thanks_suggestion() -> Message:
    """The note after a pulse: a suggestion, never a task."""
    return Message(
        fallback="This week's pulse has closed.",
        blocks=(Section(text(
            "This week's pulse has closed; team results appear once enough people answered. "
            "If someone on your team went the extra mile lately, a word of thanks can go a "
            "long way: /kudos @name what they did.")),
                Context(text("Just a suggestion from a bot; only you get this note."))),
    )


def set_recognition_choice(deps: Deps, workspace_id: str, person_id: str, value: str) -> str:
    """A Home tab switch (value: what|on or what|off), the same as the matching command."""
    return choice_button(deps, workspace_id, person_id, value)
