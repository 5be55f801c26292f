"""Onboarding sequences as data: TOML files of steps at day offsets from a new hire's start.

Text in a sequence file is plain text, never markup. {name}, {manager} and {buddy} are the only
placeholders; they become mentions when a step is sent. Every problem is raised as
InvalidSequence naming the file, the step and the field, so an admin can fix it without guessing.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time
from enum import StrEnum
from pathlib import Path

from teamwell.surveys.errors import InvalidSequence, UnknownSequence
from teamwell.surveys.onboarding_schema import (
    Raw,
    Where,
    read_choice,
    read_day,
    read_list,
    read_scale,
    read_text,
    read_time,
    require_id,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_ID = "default"


class StepKind(StrEnum):
    """What a step does."""

    MESSAGE = "message"
    CHECKLIST = "checklist"
    LINKS = "links"
    INTRODUCTION = "introduction"
    CHECKIN = "checkin"
    MANAGER_PROMPT = "manager_prompt"


class Audience(StrEnum):
    """Who a step is sent to."""

    NEW_HIRE = "new_hire"
    MANAGER = "manager"
    BUDDY = "buddy"


class DayCount(StrEnum):
    """How a step's day offset is counted."""

    BUSINESS = "business"
    CALENDAR = "calendar"


@dataclass(frozen=True, slots=True)
class Task:
    """One checklist item the new hire ticks with a Done button."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class ResourceLink:
    """A resource the admin points new hires to (https only)."""

    label: str
    url: str


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a sequence: what to send, to whom, on which day and at what local time."""

    id: str
    kind: StepKind
    day: int
    at: time
    to: Audience
    title: str
    text: str
    count: DayCount = DayCount.BUSINESS
    tasks: tuple[Task, ...] = ()
    links: tuple[ResourceLink, ...] = ()
    question: str = ""
    scale_labels: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    show_progress: bool = False

    @property
    def calendar(self) -> bool:
        """True when the day offset counts calendar days rather than business days."""
        return self.count is DayCount.CALENDAR


@dataclass(frozen=True, slots=True)
class Sequence:
    """A named, ordered list of steps, and the file it came from."""

    id: str
    name: str
    steps: tuple[Step, ...]
    source: str = ""

    def step(self, step_id: str) -> Step | None:
        """The step with this id, or None."""
        return next((s for s in self.steps if s.id == step_id), None)


_COMMON = frozenset({"id", "kind", "day", "count", "at", "to", "title", "text"})
_EXTRA: dict[StepKind, frozenset[str]] = {
    StepKind.MESSAGE: frozenset(),
    StepKind.INTRODUCTION: frozenset(),
    StepKind.CHECKLIST: frozenset({"tasks"}),
    StepKind.LINKS: frozenset({"links"}),
    StepKind.CHECKIN: frozenset({"question", "scale_labels"}),
    StepKind.MANAGER_PROMPT: frozenset({"items", "show_progress"}),
}
# Buttons on checklists and check-ins act on the new hire's own onboarding, so only they get them.
_AUDIENCES: dict[StepKind, frozenset[Audience]] = {
    StepKind.CHECKLIST: frozenset({Audience.NEW_HIRE}),
    StepKind.CHECKIN: frozenset({Audience.NEW_HIRE}),
    StepKind.MANAGER_PROMPT: frozenset({Audience.MANAGER}),
}
_TOP = frozenset({"id", "name", "description", "steps"})


def _tasks(raw: Raw, where: Where) -> tuple[Task, ...]:
    tasks: list[Task] = []
    for i, item in enumerate(read_list(raw, "tasks", where, tables=True), start=1):
        field = f"tasks[{i}]"
        where.no_unknown(item, {"id", "label"}, field)
        task = Task(require_id(item, "id", where, f"{field}.id"),
                    read_text(item, "label", where, 300, field=f"{field}.label"))
        if any(t.id == task.id for t in tasks):
            raise where.error(f"{field}.id", f"duplicate task id {task.id!r}")
        tasks.append(task)
    return tuple(tasks)


def _links(raw: Raw, where: Where) -> tuple[ResourceLink, ...]:
    links: list[ResourceLink] = []
    for i, item in enumerate(read_list(raw, "links", where, tables=True), start=1):
        field = f"links[{i}]"
        where.no_unknown(item, {"label", "url"}, field)
        label = read_text(item, "label", where, 200, field=f"{field}.label")
        url = read_text(item, "url", where, 2000, field=f"{field}.url")
        if not where.is_https(url):
            raise where.error(f"{field}.url", f"{url!r} must be an https:// address")
        links.append(ResourceLink(label, url))
    return tuple(links)


def _items(raw: Raw, where: Where) -> tuple[str, ...]:
    if "items" not in raw:
        return ()
    items = read_list(raw, "items", where)
    for i, item in enumerate(items, start=1):
        read_text({"item": item}, "item", where, 300, placeholders=True, field=f"items[{i}]")
    return tuple(str(item).strip() for item in items)


def _step(raw: Raw, where: Where) -> Step:
    step_id = require_id(raw, "id", where)
    kind = read_choice(raw, "kind", StepKind, where, None)
    where.no_unknown(raw, _COMMON | _EXTRA[kind])
    to = read_choice(raw, "to", Audience, where, None)
    if kind in _AUDIENCES and to not in _AUDIENCES[kind]:
        allowed = ", ".join(sorted(a.value for a in _AUDIENCES[kind]))
        raise where.error("to", f"a {kind.value} step can only go to {allowed}")
    day = read_day(raw, where)
    if day < 0 and to is Audience.NEW_HIRE:
        raise where.error("day", "steps before day 0 can only go to the manager or buddy")
    show = raw.get("show_progress", False)
    if not isinstance(show, bool):
        raise where.error("show_progress", "must be true or false")
    return Step(
        id=step_id, kind=kind, day=day, at=read_time(raw, where), to=to,
        title=read_text(raw, "title", where, 150, placeholders=True),
        text=read_text(raw, "text", where, 2500, placeholders=True),
        count=read_choice(raw, "count", DayCount, where, DayCount.BUSINESS),
        tasks=_tasks(raw, where) if kind is StepKind.CHECKLIST else (),
        links=_links(raw, where) if kind is StepKind.LINKS else (),
        question=(read_text(raw, "question", where, 500, placeholders=True)
                  if kind is StepKind.CHECKIN else ""),
        scale_labels=read_scale(raw, where) if kind is StepKind.CHECKIN else (),
        items=_items(raw, where), show_progress=show,
    )


def parse_sequence(data: Raw, source: str) -> Sequence:
    """Validate parsed TOML data as a sequence; source names the file in error messages."""
    where = Where(source)
    where.no_unknown(data, _TOP)
    seq_id = require_id(data, "id", where)
    name = read_text(data, "name", where, 200)
    steps: list[Step] = []
    for index, raw in enumerate(read_list(data, "steps", where, tables=True, most=100), start=1):
        label = f"'{raw['id']}'" if isinstance(raw.get("id"), str) else f"#{index}"
        step = _step(raw, where.at_step(label))
        if any(s.id == step.id for s in steps):
            raise where.at_step(label).error("id", f"duplicate step id {step.id!r}")
        steps.append(step)
    return Sequence(id=seq_id, name=name, steps=tuple(steps), source=source)


def load_sequence(path: Path | str) -> Sequence:
    """Load and validate one sequence file; raises InvalidSequence naming file, step and field."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidSequence(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise InvalidSequence(f"{path}: the file is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InvalidSequence(f"{path}: not valid TOML ({exc})") from exc
    return parse_sequence(data, str(path))


class SequenceLibrary:
    """The onboarding sequences a deployment knows, by id."""

    def __init__(self, sequences: Iterable[Sequence]) -> None:
        self._by_id = {s.id: s for s in sequences}

    def get(self, sequence_id: str) -> Sequence:
        """The sequence with this id; UnknownSequence when there is none."""
        found = self._by_id.get(sequence_id)
        if found is None:
            known = ", ".join(sorted(self._by_id)) or "none"
            raise UnknownSequence(f"no onboarding sequence with id {sequence_id!r} (known: {known})")
        return found

    def default(self) -> Sequence:
        """The sequence used when nobody names one."""
        return self.get(DEFAULT_ID)

    def ids(self) -> tuple[str, ...]:
        """Every known sequence id, sorted."""
        return tuple(sorted(self._by_id))


def _load_dir(directory: Path) -> dict[str, Sequence]:
    if not directory.is_dir():
        raise InvalidSequence(f"{directory}: not a directory of onboarding sequence files")
    found: dict[str, Sequence] = {}
    for path in sorted(directory.glob("*.toml")):
        sequence = load_sequence(path)
        if sequence.id in found:
            raise InvalidSequence(f"{path}: field 'id': sequence id {sequence.id!r} is already "
                                  f"used by {found[sequence.id].source}")
        found[sequence.id] = sequence
    return found


def load_library(extra_dir: Path | None = None) -> SequenceLibrary:
    """Load the packaged sequences plus an admin's directory of TOML files, if given."""
    sequences = _load_dir(DATA_DIR)
    if extra_dir is not None:
        # An admin's file replaces a packaged sequence with the same id (their own "default").
        sequences.update(_load_dir(Path(extra_dir)))
    return SequenceLibrary(sequences.values())
