"""A workspace where two new hires, Zephyrine and Yarrow, have done everything Teamwell offers.

Both onboard (each is the other's buddy), answer check-ins, ask for help, give and receive
kudos, answer a closed pulse round and an open one, manage one report each (so both get a
weekly digest), and set a few choices. Zephyrine also has Teams accounts and a stored click.
Identifiers are unusual on purpose, so a scan of the whole database finds only real traces.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import select, update

from teamwell.bot.storage.inbox_store import InboxStore
from teamwell.bot.storage.tables import OutboxRow, PersonAccountRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.actions import ActionId
from teamwell.core.clock import FakeClock
from teamwell.core.messages import Button, message_from_json
from teamwell.core.people import Person, Role
from teamwell.core.pulse import PulseConfig, PulseRound
from teamwell.handlers.commands import command_reply
from teamwell.handlers.deps import Deps
from teamwell.handlers.digest import send_due_digests
from teamwell.handlers.kudos import give_kudos
from teamwell.handlers.onboarding import (
    record_checkin_comment,
    record_checkin_score,
    request_help,
    run_due_steps,
    start_onboarding,
)
from teamwell.handlers.pulse_answers import record_answer, record_pulse_comment
from teamwell.handlers.pulse_delivery import send_due_invites
from teamwell.handlers.pulse_rounds import close_round, open_round
from teamwell.surveys.onboarding import load_library
from tests.handlers.onboarding_world import buttons

START = datetime(2026, 2, 20, 9, 0, tzinfo=UTC)  # a Friday; onboarding starts Monday 23rd
FIRST_DAY = date(2026, 2, 23)
LONG_AGO = date(2023, 6, 5)
MANAGER = frozenset({Role.EMPLOYEE, Role.MANAGER})


@dataclass(frozen=True)
class Someone:
    """A person of the world and every identifier Teamwell may hold for them."""

    id: str
    name: str
    email: str
    slack: str
    teams: str = ""
    aad: str = ""

    def traces(self) -> list[str]:
        """What must not be found anywhere once they are forgotten (compared case-blind)."""
        return [t for t in (self.id, *self.name.split(), self.email, self.slack, self.teams,
                            self.aad) if t]


ZED = Someone("pz-7731c0de", "Zephyrine Quorrington", "zephyrine.quorrington@acme.test",
              "UZQ7731AB", "29:1zq7731teamsuser", "7731aad0-4e1f-4b7c-9d2a-5f3e8c1b0a99")
YARROW = Someone("py-5519e0f1", "Yarrow Vexleigh", "yarrow.vexleigh@acme.test", "UYV5519CD")
# Everyone else: (id, name, team, manager id).
OTHERS = (
    ("maud", "Maud Ferris", "Platform", None), ("otto", "Otto Lindqvist", "Platform", ZED.id),
    ("ruth", "Ruth Okonkwo", "Platform", YARROW.id), ("ivo", "Ivo Brandt", "Platform", "maud"),
    ("lena", "Lena Marsh", "Platform", "maud"), ("dag", "Dag Holm", "Design", None),
    ("ines", "Ines Moreau", "Design", "dag"), ("kofi", "Kofi Mensah", "Design", "dag"),
    ("nell", "Nell Carver", "Design", "dag"), ("pia", "Pia Salo", "Design", "dag"),
    ("rafe", "Rafe Dunmore", "Design", "dag"),
)
ZED_CHECKIN = "Settling in slowly, the build setup keeps breaking"
YARROW_CHECKIN = "Loving the team rituals so far"
YARROW_KUDOS_TO_RUTH = "Brilliant incident write-up, very clear"


@dataclass
class RightsWorld:
    """The workspace, its handlers' deps and the fake clock."""

    ws: str
    deps: Deps
    clock: FakeClock
    factory: SqlUnitOfWorkFactory
    closed_week: date
    open_round: PulseRound


def buttons_to(factory: SqlUnitOfWorkFactory, person_id: str, action: ActionId) -> list[Button]:
    """Buttons of one kind in the messages queued for a person, oldest first."""
    with factory() as uow:
        rows = uow.session.scalars(select(OutboxRow.payload).where(
            OutboxRow.recipient_id == person_id).order_by(OutboxRow.seq)).all()
    messages = [message_from_json(json.loads(payload)) for payload in rows]
    return [b for m in messages for b in buttons(m) if b.action is action]


def _people(factory: SqlUnitOfWorkFactory) -> str:
    with factory() as uow:
        ws = uow.workspaces.ensure("slack", "T1", "Acme")
        teams = {name: uow.teams.ensure(ws, name).id for name in ("Platform", "Design")}
        for who, buddy in ((ZED, YARROW), (YARROW, ZED)):
            uow.people.save(Person(who.id, ws, who.name, who.email, team_id=teams["Platform"],
                                   manager_id="maud", buddy_id=buddy.id, start_date=FIRST_DAY,
                                   timezone="Europe/London", roles=MANAGER))
            uow.people.link_account(ws, who.id, "slack", who.slack)
        for pid, name, team, manager in OTHERS:
            first = name.split()[0].lower()
            uow.people.save(Person(pid, ws, name, f"{first}@acme.test", team_id=teams[team],
                                   manager_id=manager, start_date=LONG_AGO,
                                   timezone="Europe/London",
                                   roles=MANAGER if pid in ("maud", "dag") else
                                   frozenset({Role.EMPLOYEE})))
            uow.people.link_account(ws, pid, "slack", f"U{first.upper()}0001")
        uow.people.link_account(ws, ZED.id, "teams", ZED.teams)
        uow.people.link_account(ws, ZED.id, "teams-aad", ZED.aad)
        reference = {"user": {"id": ZED.teams, "name": ZED.name, "aadObjectId": ZED.aad},
                     "conversation": {"id": "a:1zq7731conversation"}}
        uow.session.execute(update(PersonAccountRow).where(
            PersonAccountRow.person_id == ZED.id, PersonAccountRow.platform == "teams").values(
            conversation_id="a:1zq7731conversation", conversation_ref=json.dumps(reference)))
        uow.commit()
    return ws


def _tick(deps: Deps, clock: FakeClock, until: datetime, every: timedelta) -> None:
    while clock.now() < until:
        clock.set(min(clock.now() + every, until))
        run_due_steps(deps)
        send_due_invites(deps)


def _answer_pulse(deps: Deps, ws: str, pulse: PulseRound, people: list[str],
                  comments: dict[str, str]) -> None:
    for pid in people:
        for index, qid in enumerate(pulse.question_ids):
            question = deps.questions.get(qid)
            enps = question is not None and question.dimension.id == "enps"
            record_answer(deps, ws, pid, f"{pulse.id}|{qid}|{8 if enps else 2 + index % 4}")
        if pid in comments:
            record_pulse_comment(deps, ws, pid, pulse.id, comments[pid])


def _onboard(deps: Deps, ws: str, clock: FakeClock, factory: SqlUnitOfWorkFactory) -> None:
    for who in (ZED, YARROW):
        start_onboarding(deps, ws, who.id, FIRST_DAY)
    _tick(deps, clock, datetime(2026, 2, 27, 17, 0, tzinfo=UTC), timedelta(hours=2))
    for who, score, comment in ((ZED, 2, ZED_CHECKIN), (YARROW, 5, YARROW_CHECKIN)):
        scores = buttons_to(factory, who.id, ActionId.CHECKIN_SCORE)
        onboarding_id, step_id, _ = scores[0].value.split("|")
        record_checkin_score(deps, ws, who.id, f"{onboarding_id}|{step_id}|{score}")
        record_checkin_comment(deps, ws, who.id, f"{onboarding_id}|{step_id}", comment)
        help_button = buttons_to(factory, who.id, ActionId.NEED_HELP)[0]
        request_help(deps, ws, who.id, help_button.value)


def build_rights_world(factory: SqlUnitOfWorkFactory) -> RightsWorld:
    """The world after a closed pulse round, digests, kudos, and a second round still open."""
    clock = FakeClock(START)
    deps = Deps(uow=factory, clock=clock, sequences=load_library(),
                pulse=PulseConfig(new_hire_days=0))
    ws = _people(factory)
    _onboard(deps, ws, clock, factory)
    everyone = [ZED.id, YARROW.id, *(pid for pid, *_ in OTHERS)]

    clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    first = open_round(deps, ws).pulse
    assert first is not None
    _tick(deps, clock, clock.now() + timedelta(hours=25), timedelta(hours=1))
    _answer_pulse(deps, ws, first, everyone,
                  {ZED.id: "Calm week, good pairing", YARROW.id: "Too many meetings",
                   "otto": "Deploys were smooth", "ivo": "Fine",
                   "lena": "Busy, but Zephyrine helped a lot"})
    assert close_round(deps, ws, first.id)

    give_kudos(deps, ws, ZED.id, [YARROW.id], "Thanks for pairing on the release #teamwork")
    give_kudos(deps, ws, YARROW.id, [ZED.id], "Great demo today, Zephyrine")
    give_kudos(deps, ws, "otto", [ZED.id, "ivo"], "Thanks both for the migration")
    give_kudos(deps, ws, YARROW.id, ["ruth"], YARROW_KUDOS_TO_RUTH)
    command_reply(deps, ws, ZED.id, "kudos-notices off")
    command_reply(deps, ws, ZED.id, "birthday on")
    command_reply(deps, ws, ZED.id, "results", private=True)
    clock.set(datetime(2026, 3, 9, 9, 30, tzinfo=UTC))
    assert send_due_digests(deps, force=True) >= 3  # Maud, Dag, Zephyrine, Yarrow

    second = open_round(deps, ws).pulse
    assert second is not None
    _tick(deps, clock, clock.now() + timedelta(hours=25), timedelta(hours=1))
    _answer_pulse(deps, ws, second, everyone[:8], {ZED.id: "Still calm"})
    InboxStore(factory.engine).add_many([(
        "application/x-www-form-urlencoded",
        urlencode({"payload": json.dumps({"type": "block_actions", "user": {
            "id": ZED.slack, "username": "zephyrine.q", "name": ZED.name, "team_id": "T1"}})}),
    )], clock.now())
    return RightsWorld(ws, deps, clock, factory, first.week, second)
