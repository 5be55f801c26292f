"""The rights world on each database, and a scan of every table for a person's traces."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, MetaData, inspect, select

from teamwell.bot.storage.engine import make_engine
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from tests.rights.rights_world import RightsWorld, build_rights_world

# The Slack and Teams worlds over real HTTP, for the chat tests here.
from tests.slack.conftest import slack_env, slack_world  # noqa: F401
from tests.teams.conftest import teams_env, teams_start, teams_world  # noqa: F401


@pytest.fixture
def world(uow_factory: SqlUnitOfWorkFactory) -> RightsWorld:
    """The world on SQLite."""
    return build_rights_world(uow_factory)


@pytest.fixture
def any_world(db_url: str) -> Iterator[RightsWorld]:
    """The world on SQLite and on PostgreSQL."""
    engine = make_engine(db_url)
    yield build_rights_world(SqlUnitOfWorkFactory(engine))
    engine.dispose()


def traces_in_database(engine: Engine, traces: list[str]) -> list[str]:
    """`table.column: trace` for every value of every row that holds one (case-blind)."""
    wanted = [t.lower() for t in traces]
    meta = MetaData()
    meta.reflect(engine, only=inspect(engine).get_table_names())
    found: list[str] = []
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            for row in conn.execute(select(table)):
                for column, value in row._mapping.items():
                    shown = str(value).lower()
                    found += [f"{table.name}.{column}: {t}" for t in wanted if t in shown]
    return found
