"""retention and consent

`people.inactive_since`: when the nightly retention job first saw a person inactive; people who
left are erased a configurable number of days after it. `recognition_preferences.manager_prompts`:
whether a manager gets recognition prompts (the weekly "no kudos lately" note and the thank-you
suggestion after a pulse). Both are plain column additions, so SQLite's batch mode adds them with
ALTER TABLE and rebuilds nothing.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import teamwell.bot.storage.types


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('inactive_since',
                                      teamwell.bot.storage.types.UTCDateTime(timezone=True),
                                      nullable=True))

    with op.batch_alter_table('recognition_preferences', schema=None) as batch_op:
        # sa.true(): 1 on SQLite, true on PostgreSQL (which refuses an integer default).
        batch_op.add_column(sa.Column('manager_prompts', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('recognition_preferences', schema=None) as batch_op:
        batch_op.drop_column('manager_prompts')

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('inactive_since')
