"""Every repository method on the unit of work, walked with two tenants in the database.

Each method that takes a workspace_id is called for Alpha twice: with Alpha's own ids, and with
Bravo's ids (a button value or a stale id from the other tenant). Either way it must return
nothing of Bravo's (no object of Bravo's workspace, none of Bravo's ids or text) and change none
of Bravo's rows. Methods without a workspace_id are the scheduled jobs' cross-workspace queries:
they are listed with the reason, and their answers must tag each row with its own workspace.
"""

from __future__ import annotations

import dataclasses
import inspect
import typing
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from teamwell.core.directory import Profile
from teamwell.core.ports import UnitOfWork
from teamwell.core.suggestions import Status
from teamwell.handlers.people import sync_profile
from teamwell.handlers.suggestion_actions import accept_suggestion
from tests.isolation.conftest import guard_of
from tests.isolation.samples import Sample, arguments, moment, sample_of
from tests.isolation.scan import Finder, tables, workspace_rows
from tests.isolation.world import Twin, account, email

# Port methods with no workspace_id parameter, and why that is right.
ACROSS = {
    "workspaces.ensure": "finds a tenant by platform id", "workspaces.find": "same",
    "workspaces.all_ids": "the scheduler's list of tenants",
    "people.save": "the Person names its workspace", "onboardings.add": "the record names it",
    "pulses.add_round": "the round names it", "recognition.add_kudos": "the kudos name it",
    "digests.add_suggestions": "each suggestion names it", "outbox.add": "the item names it",
    "audit.add": "the entry names it",
    "onboardings.due_steps": "scheduler tick", "onboardings.due_reminders": "scheduler tick",
    "pulses.due_invites": "scheduler tick", "pulses.due_reminders": "scheduler tick",
    "pulses.due_closes": "scheduler tick", "digests.due_reminders": "scheduler tick",
    "comment_scores.unscored": "sentiment job", "comment_scores.save_score": "key names it",
    "comment_scores.forget_text": "retention", "retention.mark_inactive": "retention",
    "retention.expire_comment_text": "retention", "retention.expire_messages": "retention",
    "retention.expire_events": "retention", "retention.expire_inbox": "retention",
    "retention.forget_references": "retention", "retention.departed": "retention",
}


def _port_methods() -> Iterator[tuple[str, str, Callable[..., Any]]]:
    for attr, proto in typing.get_type_hints(UnitOfWork).items():
        if isinstance(proto, type):
            for name, fn in vars(proto).items():
                if not name.startswith("_") and callable(fn):
                    yield attr, name, fn


def _has_workspace(fn: Callable[..., Any]) -> bool:
    return "workspace_id" in inspect.signature(fn).parameters


def _foreign_objects(value: Any, ws: str) -> list[str]:
    """Objects in a result that belong to another workspace than ws."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        own = getattr(value, "workspace_id", ws)
        found = [f"{type(value).__name__} of workspace {own}"] if own != ws else []
        return found + [hit for f in dataclasses.fields(value)
                        for hit in _foreign_objects(getattr(value, f.name), ws)]
    if isinstance(value, dict):
        return [hit for k, v in value.items() for x in (k, v) for hit in _foreign_objects(x, ws)]
    if isinstance(value, list | tuple | set | frozenset):
        return [hit for x in value for hit in _foreign_objects(x, ws)]
    return []


def _walk(twin: Twin) -> tuple[list[str], list[str]]:
    """(problems, Alpha reads that found nothing) over every scoped port method."""
    alpha = twin.ws["alpha"]
    samples = {label: sample_of(twin, label) for label in twin.ws}
    finder = guard_of(twin).finder
    every = tables(twin.engine)
    problems: list[str] = []
    empty: list[str] = []
    for attr, name, fn in _port_methods():
        if not _has_workspace(fn):
            continue
        for label, sample in samples.items():
            where = f"{attr}.{name} with {label}'s ids"
            result = _call(twin, every, attr, name, sample, problems, where)
            problems += [f"{where}: {hit}" for hit in _foreign_objects(result, alpha)]
            problems += [f"{where}: returned {hit}" for hit in finder.in_text(repr(result))]
            reads = inspect.signature(fn).return_annotation not in ("None", "bool", "int")
            if label == "alpha" and reads and not result:
                empty.append(f"{attr}.{name}")
    return problems, empty


def _call(twin: Twin, every: list[Any], attr: str, name: str, sample: Sample,
          problems: list[str], where: str) -> Any:
    bravo = twin.ws["bravo"]
    with twin.factory() as uow:
        conn = uow.session.connection()
        before = workspace_rows(conn, bravo, every)
        try:
            result = getattr(getattr(uow, attr), name)(
                workspace_id=twin.ws["alpha"], **arguments(sample, attr, getattr(type(
                    getattr(uow, attr)), name)))
            uow.session.flush()
        except Exception as exc:  # noqa: BLE001 - every failure is reported together
            problems.append(f"{where}: raised {exc!r}")
            return None
        after = workspace_rows(conn, bravo, every)
        problems += [f"{where}: changed Bravo's {t}" for t in before
                     if before[t] != after.get(t)]
    return result


def test_no_repository_method_called_for_one_workspace_reads_or_writes_the_others(
        any_twin: Twin) -> None:
    problems, empty = _walk(any_twin)

    assert problems == []
    # The walk is not vacuous: Alpha's own ids find Alpha's rows almost everywhere.
    assert empty == [], empty


def test_every_port_method_takes_a_workspace_id_or_is_a_listed_cross_workspace_one() -> None:
    unscoped = {f"{attr}.{name}" for attr, name, fn in _port_methods() if not _has_workspace(fn)}

    assert unscoped == set(ACROSS), (sorted(unscoped - set(ACROSS)),
                                     sorted(set(ACROSS) - unscoped))


def _due_everywhere(twin: Twin) -> None:
    """Something due in both workspaces for every scheduler query."""
    for label, ws in twin.ws.items():
        with twin.factory() as uow:
            suggestion = sample_of(twin, label).values["suggestion_id"]
            found = uow.digests.suggestion(ws, suggestion)
        assert found is not None and found.status is Status.PROPOSED
        accept_suggestion(twin.deps, ws, found.manager_id, suggestion)
        platform, external = account(label, "otto")
        sync_profile(twin.deps, ws, _gone(platform, external))
    with twin.factory() as uow:
        uow.retention.mark_inactive(twin.clock.now() - timedelta(days=400))
        uow.commit()


def _gone(platform: str, external: str) -> Profile:
    return Profile(platform, external, "Otto Lindqvist", email("otto"), deleted=True)


def test_cross_workspace_queries_tag_every_row_with_the_workspace_it_belongs_to(
        any_twin: Twin) -> None:
    twin = any_twin
    _due_everywhere(twin)
    later = moment(sample_of(twin, "alpha")) + timedelta(days=30)

    with twin.factory() as uow:
        tagged: dict[str, list[tuple[str, Any]]] = {
            "due_steps": uow.onboardings.due_steps(later),
            "task_reminders": uow.onboardings.due_reminders(later),
            "pulse_reminders": uow.pulses.due_reminders(twin.clock.now() + timedelta(hours=1)),
            "due_closes": [(r.workspace_id, r) for r in uow.pulses.due_closes(later)],
            "suggestion_reminders": [(s.workspace_id, s)
                                     for s in uow.digests.due_reminders(later)],
            "unscored": [(c.workspace_id, c) for c in uow.comment_scores.unscored(500)],
            "departed": [(ws, pid) for ws, pid in uow.retention.departed(later)],
        }
        wrong = [f"{kind}: {item!r} is not in {ws}" for kind, items in tagged.items()
                 for ws, item in items if not _belongs(uow, ws, item)]

    assert wrong == []
    assert all({ws for ws, _ in items} == set(twin.ws.values()) for items in tagged.values()), {
        kind: len(items) for kind, items in tagged.items()}


def _belongs(uow: UnitOfWork, ws: str, item: Any) -> bool:
    if isinstance(item, str):
        return uow.people.get(ws, item) is not None
    if hasattr(item, "question_ids"):
        return uow.pulses.get_round(ws, item.id) is not None
    if hasattr(item, "manager_id") and hasattr(item, "starter"):
        return uow.digests.suggestion(ws, item.id) is not None
    if hasattr(item, "remind_at") and hasattr(item, "person_id"):
        return uow.pulses.invite(ws, item.round_id, item.person_id) is not None
    if hasattr(item, "kind") and hasattr(item, "body"):
        return Finder([item.key[0]]).in_text(repr(uow.pulses.get_round(ws, item.key[0])) + repr(
            uow.onboardings.get(ws, item.key[0]))) != []
    return uow.onboardings.get(ws, item.onboarding_id) is not None
