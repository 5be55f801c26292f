"""Data rights across tenants: forgetting, rejoining and retention act on one workspace only.

The same human may be in two workspaces (the same email): what they ask of one tenant says
nothing about the other, and a namesake in another tenant is never touched.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from urllib.parse import urlencode

from teamwell.bot.storage.inbox_store import InboxStore
from teamwell.core.directory import Profile
from teamwell.core.retention import RetentionConfig
from teamwell.handlers.data_rights import forget_person
from teamwell.handlers.people import import_people, sync_profile
from teamwell.handlers.rejoin import rejoin
from teamwell.handlers.retention import run_retention
from tests.isolation.conftest import Guard
from tests.isolation.scan import changed, snapshot
from tests.isolation.world import NEW_HIRE, SLACK_TEAM, Twin, account, email, people_csv

ZED_NAME = NEW_HIRE[1]


def _profile(label: str, who: str, name: str, deleted: bool = False) -> Profile:
    platform, external = account(label, who)
    return Profile(platform, external, name, email(who), deleted=deleted)


def test_someone_forgotten_in_one_workspace_is_still_synced_and_imported_in_the_other(
        twin: Twin) -> None:
    forget_person(twin.deps, twin.ws["alpha"], twin.pid("alpha", "zed"), "cli")

    in_bravo = sync_profile(twin.deps, twin.ws["bravo"], _profile("bravo", "zed", "Zed Q."))
    bravo_import = import_people(twin.deps, twin.ws["bravo"], people_csv("bravo"))
    in_alpha = sync_profile(twin.deps, twin.ws["alpha"], _profile("alpha", "zed", "Zed Q."))
    alpha_import = import_people(twin.deps, twin.ws["alpha"], people_csv("alpha"))

    assert in_bravo is not None and in_bravo[0].id == twin.pid("bravo", "zed")
    assert [e.line for e in bravo_import.errors] == [_line("bravo", "nell")]  # Bravo's own
    assert in_alpha is None
    assert sorted(e.line for e in alpha_import.errors) == [_line("alpha", "nell"),
                                                           _line("alpha", "zed")]


def _line(label: str, who: str) -> int:
    lines = people_csv(label).splitlines()
    return next(n for n, line in enumerate(lines, start=1) if line.startswith(email(who)))


def test_rejoining_one_workspace_leaves_the_person_forgotten_in_the_other(
        twin: Twin, guard: Guard) -> None:
    came_back = rejoin(twin.deps, twin.ws["alpha"], _profile("alpha", "nell", "Nell Carver"),
                       reply_here=False)

    bravo_sync = sync_profile(twin.deps, twin.ws["bravo"],
                              _profile("bravo", "nell", "Nell Carver"))

    assert came_back is None and twin.pid("alpha", "nell")
    assert bravo_sync is None
    assert guard.bravo_untouched() == []


def test_retention_erases_a_leaver_in_one_workspace_and_not_their_namesake_in_the_other(
        twin: Twin) -> None:
    twin.deps = replace(twin.deps, retention=RetentionConfig(
        comment_days=3650, message_days=3650, departed_days=1))
    otto = twin.pid("alpha", "otto")
    sync_profile(twin.deps, twin.ws["alpha"], _profile("alpha", "otto", "Otto", deleted=True))
    run_retention(twin.deps)  # notes when Alpha's Otto left
    bravo = snapshot(twin.engine, twin.ws["bravo"])
    twin.clock.advance(timedelta(days=2))

    done = run_retention(twin.deps)

    assert done.departed == ((twin.ws["alpha"], otto),)
    with twin.factory() as uow:
        assert uow.people.by_email(twin.ws["alpha"], email("otto")) is None
        assert uow.people.by_email(twin.ws["bravo"], email("otto")) is not None
    # Bravo's own platform event ids expired meanwhile (a week); nothing else of Bravo moved.
    assert changed(bravo, snapshot(twin.engine, twin.ws["bravo"])) in ([], ["processed_events"])


def _click(team: str, user: str, name: str) -> tuple[str, str]:
    payload = {"type": "block_actions", "team": {"id": team},
               "user": {"id": user, "name": name, "team_id": team},
               "message": {"text": f"Thanks {name} <{email('zed')}>"}}
    return "application/x-www-form-urlencoded", urlencode({"payload": json.dumps(payload)})


def test_forgetting_someone_keeps_clicks_another_slack_team_stored_about_their_namesake(
        twin: Twin) -> None:
    with twin.factory() as uow:
        uow.workspaces.ensure("slack", "TCHARLIE01", "Charlie")
        uow.commit()
    inbox = InboxStore(twin.engine)
    inbox.add_many([_click(SLACK_TEAM, account("alpha", "zed")[1], ZED_NAME),
                    _click("TCHARLIE01", "UCZED01", ZED_NAME)], twin.clock.now())

    forget_person(twin.deps, twin.ws["alpha"], twin.pid("alpha", "zed"), "cli")

    left = [item.body for item in inbox.claim(twin.clock.now(), timedelta(minutes=1), 10)]
    assert [("TCHARLIE01" in body, "UCZED01" in body) for body in left] == [(True, True)]
