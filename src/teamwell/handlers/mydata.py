"""`/teamwell mydata`: what Teamwell holds about the person asking, in their own words."""

from __future__ import annotations

from datetime import timedelta

from teamwell.core.errors import UnknownPerson
from teamwell.core.messages import Bold, Context, Header, Message, Section, text
from teamwell.handlers.deps import Deps

SHOWN_KUDOS = 20


def my_data(deps: Deps, workspace_id: str, person_id: str) -> Message:
    """The directory record, onboarding, pulse choices and kudos given and received."""
    now = deps.clock.now()
    with deps.uow() as uow:
        me = uow.people.get(workspace_id, person_id)
        if me is None:
            raise UnknownPerson("I couldn't find you in the directory, so I hold nothing.")
        names = {p.id: p.name for p in uow.people.list(workspace_id, active_only=False)}
        team = uow.teams.get(workspace_id, me.team_id) if me.team_id else None
        onboarding = uow.onboardings.latest_for(workspace_id, me.id)
        pulse = uow.pulses.preference(workspace_id, me.id)
        records = uow.recognition.kudos_records(workspace_id, now - timedelta(days=3660))
        notices = uow.recognition.manager_notices(workspace_id, me.id)
        choices = uow.recognition.celebration_choices(workspace_id).get(me.id, (False, False))
    directory = "; ".join(f"{label}: {value}" for label, value in (
        ("name", me.name), ("email", me.email or "none"), ("team", team.name if team else "none"),
        ("manager", names.get(me.manager_id or "", "none")),
        ("start date", me.start_date.isoformat() if me.start_date else "unknown"),
        ("birthday", me.birthday.strftime("%d %B") if me.birthday else "not held"),
        ("time zone", me.timezone), ("roles", ", ".join(sorted(r.value for r in me.roles)))))
    given = [r for r in records if r.giver_id == me.id]
    received = [r for r in records if r.receiver_id == me.id]
    lines = [f"{r.given_at:%Y-%m-%d}: to {names.get(r.receiver_id, 'someone')}" for r in given]
    lines += [f"{r.given_at:%Y-%m-%d}: from {names.get(r.giver_id, 'someone')}"
              for r in received]
    return Message(fallback="What Teamwell holds about you", blocks=(
        Header("What Teamwell holds about you"),
        Section(text(Bold("Directory: "), directory)),
        Section(text(Bold("Onboarding: "), f"{onboarding.status.value}, started "
                     f"{onboarding.start_date.isoformat()}" if onboarding else "none")),
        Section(text(Bold("Pulse: "), "opted out" if pulse.opted_out else "taking part",
                     f"; on leave until {pulse.on_leave_until}" if pulse.on_leave_until else "",
                     ". Your pulse answers are stored without your name, so nobody (not even "
                     "me) can list them for you.")),
        Section(text(Bold("Kudos: "), f"{len(given)} given, {len(received)} received. "
                     f"Manager notes {'on' if notices else 'off'}; birthday "
                     f"{'celebrated' if choices[0] else 'private'}; celebrations "
                     f"{'off' if choices[1] else 'on'}.")),
        *([Section(text("\n".join(lines[-SHOWN_KUDOS:])))] if lines else []),
        Context(text("Everything, in full, follows as a JSON file in our 1:1 chat. To have "
                     "it all erased, type forget me.")),
    ))
