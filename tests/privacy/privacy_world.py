"""A workspace for role and audit tests: three top-level teams, their managers and HR.

Platform (7, led by Maya), Data (6, led by Hana, who is also the HR admin) and Design (4, led by
Dan). After one closed round, Platform's figures are shown, Design is below the reporting
minimum, and Data is hidden because the company minus Platform and Data would be Design.
"""

from __future__ import annotations

from dataclasses import replace

from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock
from teamwell.core.people import Person, Role
from teamwell.handlers.deps import Deps
from teamwell.handlers.pulse_answers import record_answer, record_pulse_comment
from teamwell.handlers.pulse_rounds import close_round
from teamwell.surveys.onboarding import load_library
from tests.pulse.pulse_world import LONG_AGO, MONDAY, PulseWorld, answer_values

PLATFORM = ("maya", "ada", "bo", "cy", "di", "ed", "flo")
DATA = ("hana", "gus", "ike", "jas", "kai", "lou")
DESIGN = ("dan", "hal", "ivy", "jo")
LEADS = {"maya": PLATFORM, "hana": DATA, "dan": DESIGN}
MANAGER = frozenset({Role.EMPLOYEE, Role.MANAGER})


def everyone() -> tuple[str, ...]:
    """Every person id in the world."""
    return PLATFORM + DATA + DESIGN


def build_privacy_world(factory: SqlUnitOfWorkFactory, clock: FakeClock | None = None,
                        admins: frozenset[str] = frozenset(),
                        slack_team: str = "T1") -> PulseWorld:
    """Seventeen long-serving people in three teams; Hana is an admin as well as a manager."""
    clock = clock or FakeClock(MONDAY)
    with factory() as uow:
        ws = uow.workspaces.ensure("slack", slack_team, "Acme")
        teams = {name: uow.teams.ensure(ws, name).id for name in ("Platform", "Data", "Design")}
        for team, members in zip(teams.values(), (PLATFORM, DATA, DESIGN), strict=True):
            lead = members[0]
            for pid in members:
                person = Person(pid, ws, pid.title(), email=f"{pid}@acme.test", team_id=team,
                                timezone="Europe/London", start_date=LONG_AGO,
                                manager_id=None if pid == lead else lead,
                                roles=MANAGER if pid == lead else frozenset({Role.EMPLOYEE}))
                uow.people.save(person.with_roles(Role.ADMIN) if pid == "hana" else person)
        uow.commit()
    deps = Deps(uow=factory, clock=clock, sequences=load_library(), admins=admins)
    return PulseWorld(ws, deps, clock, factory, teams)


def close_a_round(world: PulseWorld, comments: bool = True) -> None:
    """Everyone answers this week's round (Platform also comments), then it closes."""
    pulse = world.open()
    for person in everyone():
        for values in answer_values(world.pulse_to(person)).values():
            record_answer(world.deps, world.ws, person, values[2])
        if comments and person in PLATFORM:
            record_pulse_comment(world.deps, world.ws, person, pulse.id,
                                 f"Deploys were calm this week ({person[0]})")
    assert close_round(world.deps, world.ws, pulse.id)


def with_admins(world: PulseWorld, admins: frozenset[str]) -> PulseWorld:
    """The same world, with TEAMWELL_ADMINS set."""
    return replace(world, deps=replace(world.deps, admins=admins))
