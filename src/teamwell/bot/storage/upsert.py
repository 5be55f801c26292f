"""INSERT ... ON CONFLICT DO NOTHING on both supported databases."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignore(session: Session, model: Any, values: dict[str, Any]) -> bool:
    """Insert a row unless a unique key already holds it; True when inserted.

    Conflicts are settled by the database rather than by a read-then-write, so two processes
    doing the same thing at once still leave one row.
    """
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    table = model.__table__
    # RETURNING, not rowcount: psycopg reports -1 for ON CONFLICT DO NOTHING.
    stmt = (module.insert(table).values(**values).on_conflict_do_nothing()
            .returning(*table.primary_key.columns))
    return session.connection().execute(stmt).first() is not None


def upsert(session: Session, model: Any, values: dict[str, Any]) -> None:
    """Insert a row, or update the non-key columns of the row with the same primary key."""
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    table = model.__table__
    keys = [c.name for c in table.primary_key.columns]
    stmt = module.insert(table).values(**values)
    changes = {k: stmt.excluded[k] for k in values if k not in keys}
    session.connection().execute(stmt.on_conflict_do_update(index_elements=keys, set_=changes))
