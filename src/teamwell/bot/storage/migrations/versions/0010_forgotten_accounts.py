"""forgotten accounts

`forgotten_accounts` remembers who asked to be forgotten (`forget me`, `teamwell people
forget`) as keyed hashes only: HMAC-SHA256 of their email and of each platform user id, so a
profile sync, a roster lookup or a click does not bring them back. `forgotten_salt` holds the
database's random HMAC key, used when TEAMWELL_SECRET_KEY is not set; it is made here, once.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('forgotten_accounts',
    sa.Column('workspace_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('forgotten_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('workspace_id', 'kind', 'digest',
                            name=op.f('pk_forgotten_accounts'))
    )
    salt = op.create_table('forgotten_salt',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('salt', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forgotten_salt'))
    )
    op.bulk_insert(salt, [{'id': 1, 'salt': secrets.token_hex(32)}])


def downgrade() -> None:
    op.drop_table('forgotten_salt')
    op.drop_table('forgotten_accounts')
