"""Who is in the demo workspace, and what they press when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

TEAM_ID = "T0DEMO"
KUDOS_CHANNEL = "C0DEMOKUDOS"


@dataclass(frozen=True)
class Member:
    """A person in the simulated workspace."""

    slack_id: str
    name: str
    email: str
    tz: str
    role: str

    def local(self, moment: datetime) -> str:
        """The moment as this person's wall clock shows it."""
        here = moment.astimezone(ZoneInfo(self.tz))
        return f"{here:%a %d %b %H:%M} {self.tz}"


CAST = (
    Member("UMAYA", "Maya", "maya@acme.test", "Europe/London", "manager"),
    Member("UBEN", "Ben", "ben@acme.test", "Europe/Lisbon", "teammate"),
    Member("UNIA", "Nia", "nia@acme.test", "America/New_York", "new hire"),
    Member("UHANA", "Hana", "hana@acme.test", "Europe/Berlin", "HR admin"),
)

# Three more of Maya's team, so that the weekly pulse has enough answers to show results.
# Their messages are not printed: the transcript follows the four people above.
TEAMMATES = (
    Member("URAVI", "Ravi", "ravi@acme.test", "Asia/Kolkata", "teammate"),
    Member("USOFIA", "Sofia", "sofia@acme.test", "Europe/Madrid", "teammate"),
    Member("UTOM", "Tom", "tom@acme.test", "America/Chicago", "teammate"),
)

PEOPLE_CSV = """email,name,manager_email,team,start_date,timezone,role
hana@acme.test,Hana,,People,2023-05-02,Europe/Berlin,admin
maya@acme.test,Maya,,Platform,2022-09-12,Europe/London,
ben@acme.test,Ben,maya@acme.test,Platform,2024-01-08,Europe/Lisbon,
nia@acme.test,Nia,maya@acme.test,Platform,2026-03-09,America/New_York,
ravi@acme.test,Ravi,maya@acme.test,Platform,2024-06-03,Asia/Kolkata,
sofia@acme.test,Sofia,maya@acme.test,Platform,2025-01-13,Europe/Madrid,
tom@acme.test,Tom,maya@acme.test,Platform,2025-04-07,America/Chicago,
"""


@dataclass(frozen=True)
class Click:
    """A button a person presses once it is there and their local time has come."""

    slack_id: str
    label: str
    action_prefix: str
    local_day: date
    local_time: time
    comment: str = ""

    def at(self, now: datetime) -> datetime | None:
        """now, when it is time to press; None before."""
        member = next(c for c in CAST if c.slack_id == self.slack_id)
        due = datetime.combine(self.local_day, self.local_time, ZoneInfo(member.tz))
        return now if now >= due else None


def planned_clicks() -> list[Click]:
    """Nia ticks some setup tasks, asks for help once, and answers her first check-in."""
    return [
        Click("UNIA", "Done", "tw_task_done", date(2026, 3, 10), time(10, 30)),
        Click("UNIA", "Done", "tw_task_done", date(2026, 3, 10), time(11, 15)),
        Click("UNIA", "I need help", "tw_need_help", date(2026, 3, 10), time(14, 30)),
        Click("UNIA", "Good", "tw_checkin_score", date(2026, 3, 12), time(16, 0),
              comment="Everyone is friendly; I'm still finding my way around the tools."),
        Click("UNIA", "Done", "tw_task_done", date(2026, 3, 13), time(9, 45)),
    ]


@dataclass(frozen=True)
class PulseAnswers:
    """Someone answering the weekly pulse: one label per question, in order (cycled)."""

    slack_id: str
    labels: tuple[str, ...]
    local_day: date
    local_time: time
    comment: str = ""

    def at(self, now: datetime) -> datetime | None:
        """now, when it is time to answer; None before."""
        member = next(c for c in CAST + TEAMMATES if c.slack_id == self.slack_id)
        due = datetime.combine(self.local_day, self.local_time, ZoneInfo(member.tz))
        return now if now >= due else None


def planned_pulse_answers() -> list[PulseAnswers]:
    """Five of Maya's team answer Tuesday's pulse (Hana, in HR, has opted out of pulses)."""
    tue, wed = date(2026, 3, 10), date(2026, 3, 11)
    return [
        PulseAnswers("UBEN", ("Agree", "Strongly agree", "Disagree", "Agree", "8"), tue,
                     time(11, 0), comment="Release week was hectic; Maya shielded us well."),
        PulseAnswers("UMAYA", ("Agree", "Agree", "Neither", "Agree", "9"), tue, time(12, 30)),
        PulseAnswers("URAVI", ("Disagree", "Agree", "Disagree", "Agree", "7"), tue, time(15, 0)),
        PulseAnswers("USOFIA", ("Strongly agree", "Agree", "Neither", "Strongly agree", "10"),
                     wed, time(9, 30)),
        PulseAnswers("UTOM", ("Neither", "Disagree", "Agree", "Agree", "6"), wed, time(10, 0),
                     comment="Too many meetings this week; call me on 312-555-0188 if needed."),
    ]


# The recognition channel, printed in the transcript like a person's DM.
KUDOS_ROOM = Member(KUDOS_CHANNEL, "#kudos", "", "Europe/London", "recognition channel")


@dataclass(frozen=True)
class KudosPlan:
    """Someone typing /kudos at a local moment."""

    slack_id: str
    text: str
    local_day: date
    local_time: time


def planned_kudos() -> list[KudosPlan]:
    """Maya thanks Ben for looking after Nia."""
    return [KudosPlan("UMAYA", "<@UBEN|ben> thanks for looking after Nia so well this week "
                      "#teamwork", date(2026, 3, 12), time(17, 0))]
