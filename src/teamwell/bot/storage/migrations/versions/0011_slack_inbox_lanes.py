"""slack inbox lanes

`slack_inbox.lane` names the clicker ("team:user"). A claim skips every lane that another
worker holds under a live lease, so one person's clicks are handled in order even when several
processes handle stored clicks. Rows stored before this revision share the lane "".

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('slack_inbox') as batch:
        batch.add_column(sa.Column('lane', sa.String(length=64), server_default='',
                                   nullable=False))
    op.create_index('ix_slack_inbox_lane', 'slack_inbox', ['lane', 'seq'])


def downgrade() -> None:
    op.drop_index('ix_slack_inbox_lane', table_name='slack_inbox')
    with op.batch_alter_table('slack_inbox') as batch:
        batch.drop_column('lane')
