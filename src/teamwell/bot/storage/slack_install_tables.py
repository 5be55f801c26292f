"""slack_sdk's installation and OAuth state tables, declared in our schema (migration 0009).

The columns are slack_sdk's own (its SQLAlchemy stores read and write them), built by its own
table builders so that they cannot drift apart, with one change: token columns are Text,
because they hold Fernet ciphertext (see bot/slack/install_store.py), which is longer than the
200 characters slack_sdk allows for a plain token. Every row names its Slack workspace
(team_id, and enterprise_id inside an Enterprise Grid organisation).
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Table, Text

from teamwell.bot.storage.tables import Base

TOKEN_COLUMNS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")


def _with_text_tokens(table: Table) -> Table:
    for name in TOKEN_COLUMNS:
        if name in table.c:
            table.c[name].type = Text()
    return table


SLACK_INSTALLATIONS = _with_text_tokens(SQLAlchemyInstallationStore.build_installations_table(
    Base.metadata, "slack_installations"))
SLACK_BOTS = _with_text_tokens(SQLAlchemyInstallationStore.build_bots_table(
    Base.metadata, "slack_bots"))
SLACK_OAUTH_STATES = SQLAlchemyOAuthStateStore.build_oauth_states_table(
    Base.metadata, "slack_oauth_states")
