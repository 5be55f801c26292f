"""Two workspaces filled with the same-shaped data through the real handlers.

Alpha is a Slack team, Bravo a Teams tenant. Both import the same people.csv, so every person
has the same name and email in both; ids differ (the directory makes them). Free text written
in a workspace carries that workspace's marker word (MARK), so a leak of text is found by a
plain search, like a leak of an id.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine, select

from teamwell.bot.storage.tables import OutboxRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.actions import ActionId
from teamwell.core.clock import FakeClock
from teamwell.core.directory import Profile
from teamwell.core.messages import Button, message_from_json
from teamwell.core.pulse import PulseConfig
from teamwell.core.sentiment import Label, SentimentScore
from teamwell.handlers.commands import command_reply
from teamwell.handlers.comment_scoring import score_pending_comments
from teamwell.handlers.data_rights import export_person, forget_person
from teamwell.handlers.deps import Deps
from teamwell.handlers.digest import send_due_digests
from teamwell.handlers.kudos import give_kudos
from teamwell.handlers.onboarding import (
    complete_task,
    record_checkin_comment,
    record_checkin_score,
    request_help,
    run_due_steps,
)
from teamwell.handlers.people import import_people, sync_profile
from teamwell.handlers.pulse_answers import record_answer, record_pulse_comment
from teamwell.handlers.pulse_delivery import send_due_invites
from teamwell.handlers.pulse_rounds import close_round, open_round
from teamwell.handlers.pulse_schedules import set_leave, set_pulse_schedule
from teamwell.handlers.roles import change_role
from teamwell.surveys.onboarding import load_library
from tests.handlers.onboarding_world import buttons as buttons_in

START = datetime(2026, 2, 20, 9, 0, tzinfo=UTC)  # a Friday; the new hire starts on Monday
SLACK_TEAM = "TALPHA0001"
TENANT = "b7e1c2d3-0000-4000-8000-00000000bb01"
MARK = {"alpha": "kestrel", "bravo": "osprey"}
# email local part, name, team, manager, extra column values
STAFF = (
    ("hana", "Hana Okafor", "Design", "", "admin"),
    ("maud", "Maud Ferris", "Platform", "", ""), ("dag", "Dag Holm", "Design", "", ""),
    ("otto", "Otto Lindqvist", "Platform", "maud", ""),
    ("ruth", "Ruth Okonkwo", "Platform", "maud", ""),
    ("ivo", "Ivo Brandt", "Platform", "maud", ""), ("lena", "Lena Marsh", "Platform", "maud", ""),
    ("nova", "Nova Reyes", "Platform", "maud", ""), ("ines", "Ines Moreau", "Design", "dag", ""),
    ("kofi", "Kofi Mensah", "Design", "dag", ""), ("nell", "Nell Carver", "Design", "dag", ""),
    ("pia", "Pia Salo", "Design", "dag", ""), ("rafe", "Rafe Dunmore", "Design", "dag", ""),
)
NEW_HIRE = ("zed", "Zephyrine Quorrington", "Platform", "maud", "")
# One person only each workspace has; their name and email carry the workspace's marker, so
# that a leak of a name (the others' names are the same in both) is found too.
LOCAL = {"alpha": ("kit.kestrelton", "Kit Kestrelton", "Platform", "maud", ""),
         "bravo": ("bram.ospreyfield", "Bram Ospreyfield", "Platform", "maud", "")}
FIRST_DAY = date(2026, 2, 23)


def email(who: str) -> str:
    """The email of someone in STAFF (or the new hire): the same in both workspaces."""
    return f"{who}@acme.test"


def people_csv(label: str) -> str:
    """The people.csv a workspace imports: the same but for its one local person."""
    lines = ["email,name,manager_email,team,start_date,timezone,role"]
    for who, name, team, manager, role in (*STAFF, NEW_HIRE, LOCAL[label]):
        start = FIRST_DAY if who == NEW_HIRE[0] else date(2023, 6, 5)
        lines.append(f"{email(who)},{name},{email(manager) if manager else ''},{team},"
                     f"{start.isoformat()},Europe/London,{role}")
    return "\n".join(lines) + "\n"


def account(label: str, who: str) -> tuple[str, str]:
    """(platform, account id) of someone: Slack users in Alpha, Teams users in Bravo."""
    short = who.split(".")[0]
    if label == "alpha":
        return "slack", f"UA{short.upper()}01"
    return "teams", f"29:1bravo-{short}"


@dataclass
class Twin:
    """The two workspaces, the deps and clock that built them, and how to find their people."""

    factory: SqlUnitOfWorkFactory
    deps: Deps
    clock: FakeClock
    ws: dict[str, str]  # label -> workspace id
    rounds: dict[str, tuple[str, str]]  # label -> (closed round id, open round id)

    @property
    def engine(self) -> Engine:
        """The database both workspaces live in."""
        return self.factory.engine

    def pid(self, label: str, who: str) -> str:
        """The id of someone (by email local part) in a workspace."""
        with self.factory() as uow:
            person = uow.people.by_email(self.ws[label], email(who))
        assert person is not None, (label, who)
        return person.id

    def buttons(self, label: str, who: str, action: ActionId) -> list[Button]:
        """Buttons of one kind in the messages queued for someone, oldest first."""
        ws, pid = self.ws[label], self.pid(label, who)
        with self.factory() as uow:
            rows = uow.session.scalars(select(OutboxRow.payload).where(
                OutboxRow.workspace_id == ws, OutboxRow.recipient_id == pid)
                .order_by(OutboxRow.seq)).all()
        found = [b for payload in rows for b in buttons_in(message_from_json(json.loads(payload)))]
        return [b for b in found if b.action is action]


class CalmModel:
    """A stand-in sentiment model: every comment reads as mildly positive."""

    name = "calm"

    def score(self, texts: Sequence[str]) -> list[SentimentScore]:
        """One positive, unstressed score per text."""
        return [SentimentScore(0.4, Label.POSITIVE, False) for _ in texts]


def make_deps(factory: SqlUnitOfWorkFactory, clock: FakeClock) -> Deps:
    """Handler deps for the world: everyone (new hires too) is asked pulses."""
    return Deps(uow=factory, clock=clock, sequences=load_library(),
                pulse=PulseConfig(new_hire_days=0))


def _tick(twin: Twin, until: datetime, every: timedelta) -> None:
    while twin.clock.now() < until:
        twin.clock.set(min(twin.clock.now() + every, until))
        run_due_steps(twin.deps)
        send_due_invites(twin.deps)


def _onboarding_clicks(twin: Twin, label: str) -> None:
    deps, ws, zed, mark = twin.deps, twin.ws[label], twin.pid(label, "zed"), MARK[label]
    score = twin.buttons(label, "zed", ActionId.CHECKIN_SCORE)[0].value
    onboarding_id, step_id, _ = score.split("|")
    record_checkin_score(deps, ws, zed, f"{onboarding_id}|{step_id}|2")
    record_checkin_comment(deps, ws, zed, f"{onboarding_id}|{step_id}",
                           f"The {mark} build keeps breaking")
    request_help(deps, ws, zed, twin.buttons(label, "zed", ActionId.NEED_HELP)[0].value)
    complete_task(deps, ws, zed, twin.buttons(label, "zed", ActionId.TASK_DONE)[0].value)


def _answer(twin: Twin, label: str, round_id: str, who: list[str], comments: int) -> None:
    deps, ws = twin.deps, twin.ws[label]
    with twin.factory() as uow:
        pulse = uow.pulses.get_round(ws, round_id)
    assert pulse is not None
    for n, person in enumerate(who):
        pid = twin.pid(label, person)
        for index, qid in enumerate(pulse.question_ids):
            question = deps.questions.get(qid)
            enps = question is not None and question.dimension.id == "enps"
            record_answer(deps, ws, pid, f"{round_id}|{qid}|{8 if enps else 2 + index % 4}")
        if n < comments:
            record_pulse_comment(deps, ws, pid, round_id,
                                 f"{person.title()} says the {MARK[label]} week was calm")


def _pulse_round(twin: Twin, label: str) -> str:
    opened = open_round(twin.deps, twin.ws[label])
    assert opened.pulse is not None, opened.message
    return opened.pulse.id


def _settle(twin: Twin, label: str) -> None:
    """Kudos, choices, audited views and settings: one workspace's week."""
    deps, ws, mark = twin.deps, twin.ws[label], MARK[label]
    pid = {who: twin.pid(label, who) for who in ("zed", "otto", "ivo", "ruth", "maud", "hana")}
    give_kudos(deps, ws, pid["zed"], [pid["otto"]], f"Thanks for the {mark} review #teamwork")
    give_kudos(deps, ws, pid["otto"], [pid["zed"], pid["ivo"]], f"The {mark} migration, both")
    give_kudos(deps, ws, pid["ruth"], [pid["otto"]], f"Great {mark} incident write-up")
    command_reply(deps, ws, pid["zed"], "kudos-notices off")
    command_reply(deps, ws, pid["zed"], "birthday on")
    command_reply(deps, ws, pid["hana"], "results", private=True)
    command_reply(deps, ws, pid["maud"], "results", private=True)
    change_role(deps, ws, email("lena"), "manager", True)
    set_pulse_schedule(deps, ws, "Design", (1, time(11, 0)))
    set_leave(deps, ws, email("rafe"), date(2026, 3, 6))
    export_person(deps, ws, pid["otto"], "cli")
    with twin.factory() as uow:
        uow.events.first_time(ws, f"Ev{ws}", deps.clock.now())
        uow.commit()


def build_twin(factory: SqlUnitOfWorkFactory) -> Twin:
    """Both workspaces after onboarding, a closed and an open pulse, kudos and digests."""
    clock = FakeClock(START)
    deps = make_deps(factory, clock)
    with factory() as uow:
        ws = {"alpha": uow.workspaces.ensure("slack", SLACK_TEAM, "Alpha"),
              "bravo": uow.workspaces.ensure("teams", TENANT, "Bravo")}
        uow.commit()
    twin = Twin(factory, deps, clock, ws, {})
    for label, workspace in ws.items():
        report = import_people(deps, workspace, people_csv(label))
        assert report.created == len(STAFF) + 2 and len(report.onboarding) == 1, report
        for who, name, *_ in (*STAFF, NEW_HIRE, LOCAL[label]):
            platform, external = account(label, who)
            sync_profile(deps, workspace, Profile(platform, external, name, email(who)))
    _tick(twin, datetime(2026, 2, 27, 17, 0, tzinfo=UTC), timedelta(hours=2))
    everyone = [who for who, *_ in (*STAFF, NEW_HIRE)]
    for label in ws:
        _onboarding_clicks(twin, label)
    clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    first = {label: _pulse_round(twin, label) for label in ws}
    _tick(twin, clock.now() + timedelta(hours=25), timedelta(hours=1))
    for label in ws:
        _answer(twin, label, first[label], everyone, comments=6)
        assert close_round(deps, ws[label], first[label])
        _settle(twin, label)
    while score_pending_comments(deps, CalmModel()):
        pass
    clock.set(datetime(2026, 3, 9, 9, 30, tzinfo=UTC))
    assert send_due_digests(deps, force=True) >= 6
    second = {label: _pulse_round(twin, label) for label in ws}
    _tick(twin, clock.now() + timedelta(hours=25), timedelta(hours=1))
    for label in ws:
        _answer(twin, label, second[label], everyone[:9], comments=2)
        forget_person(deps, ws[label], twin.pid(label, "nell"), "cli")  # stays forgotten
    twin.rounds = {label: (first[label], second[label]) for label in ws}
    return twin
