"""Alembic environment: uses Teamwell's own engine settings."""

from __future__ import annotations

from alembic import context

from teamwell.bot.storage import audit_tables  # noqa: F401 - registers its tables on Base
from teamwell.bot.storage import forgotten  # noqa: F401 - registers its tables on Base
from teamwell.bot.storage import slack_install_tables  # noqa: F401 - registers its tables on Base
from teamwell.bot.storage.engine import make_engine
from teamwell.bot.storage.tables import Base

config = context.config
url = config.get_main_option("sqlalchemy.url") or ""
engine = make_engine(url)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=url.startswith("sqlite"),
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
