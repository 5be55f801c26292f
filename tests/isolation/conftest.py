"""The two-workspace world: built once on SQLite and copied for each test, or built afresh on
each database (SQLite and PostgreSQL) where storage itself is under test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from teamwell.bot.storage.engine import make_engine
from teamwell.bot.storage.migrate import upgrade
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock
from tests.isolation.scan import Finder, Rows, changed, identifiers, snapshot
from tests.isolation.world import Twin, build_twin, make_deps


@dataclass(frozen=True)
class Template:
    """A built world in a SQLite file, and what a copy needs to carry on from it."""

    path: Path
    ws: dict[str, str]
    rounds: dict[str, tuple[str, str]]
    now: datetime


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The world, built once per test session."""
    path = tmp_path_factory.mktemp("isolation") / "twin.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    twin = build_twin(SqlUnitOfWorkFactory(engine))
    engine.dispose()  # the last connection checkpoints the WAL into the file
    return Template(path, twin.ws, twin.rounds, twin.clock.now())


@pytest.fixture
def twin(template: Template, tmp_path: Path) -> Iterator[Twin]:
    """A private copy of the world on SQLite, clock where the build left it."""
    path = tmp_path / "twin.db"
    shutil.copy(template.path, path)
    engine = make_engine(f"sqlite:///{path}")
    factory = SqlUnitOfWorkFactory(engine)
    clock = FakeClock(template.now)
    yield Twin(factory, make_deps(factory, clock), clock, dict(template.ws),
               dict(template.rounds))
    engine.dispose()


@pytest.fixture
def any_twin(db_url: str) -> Iterator[Twin]:
    """The world built afresh on each database (SQLite and PostgreSQL)."""
    engine = make_engine(db_url)
    yield build_twin(SqlUnitOfWorkFactory(engine))
    engine.dispose()


@dataclass
class Guard:
    """Bravo as it was, and what only Bravo holds: checked after Alpha's work."""

    twin: Twin
    bravo: Rows
    finder: Finder

    def bravo_untouched(self) -> list[str]:
        """Tables whose Bravo rows changed since the guard was set."""
        return changed(self.bravo, snapshot(self.twin.engine, self.twin.ws["bravo"]))

    def bravo_in_alpha(self) -> list[str]:
        """Bravo's ids or text found anywhere in Alpha's rows."""
        return self.finder.in_rows(snapshot(self.twin.engine, self.twin.ws["alpha"]))

    def bravo_in(self, value: object) -> list[str]:
        """Bravo's ids or text found in what a handler returned."""
        return self.finder.in_text(repr(value))


def guard_of(twin: Twin) -> Guard:
    """A guard set now; it also checks that Alpha holds nothing of Bravo to start with."""
    bravo = snapshot(twin.engine, twin.ws["bravo"])
    guard = Guard(twin, bravo, Finder(identifiers(bravo, twin.ws["bravo"], "bravo")))
    assert guard.bravo_in_alpha() == []
    return guard


@pytest.fixture
def guard(twin: Twin) -> Guard:
    """A guard over the SQLite copy of the world."""
    return guard_of(twin)
