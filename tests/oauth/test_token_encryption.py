"""Slack tokens are Fernet-encrypted in the database and readable only with TEAMWELL_SECRET_KEY."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store.models.installation import Installation
from sqlalchemy import Engine, text

from teamwell.bot.slack.install_store import EncryptedInstallationStore
from teamwell.bot.storage.encrypted import UndecryptableSecret, secret_box
from teamwell.bot.storage.engine import make_engine

BOT = "xoxb-1111-2222-bottokenbottokenbottoken"
USER = "xoxp-1111-2222-usertokenusertoken"
# Rotating tokens: a refresh token alone is longer than slack_sdk's 200-character columns
# once encrypted.
REFRESH = "xoxe-1-" + "R" * 150


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on each migrated database."""
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


def store(engine: Engine, *keys: str) -> EncryptedInstallationStore:
    """An installation store under these keys (the first encrypts)."""
    return EncryptedInstallationStore("1111.2222", engine, secret_box(keys))


def installation(team: str = "T0ALPHA") -> Installation:
    """An install with every kind of token."""
    return Installation(app_id="A0TEAMWELL", team_id=team, team_name="Alpha", bot_token=BOT,
                        bot_id="B1", bot_user_id="UTEAMWELL", bot_scopes="chat:write",
                        bot_refresh_token=REFRESH, user_id="UADMIN", user_token=USER,
                        user_refresh_token=REFRESH, user_scopes="")


def raw_values(engine: Engine) -> list[str]:
    """Every value of every row of the install tables, as text."""
    found: list[str] = []
    with engine.connect() as conn:
        for table in ("slack_installations", "slack_bots"):
            found += [str(v) for row in conn.execute(text(f"SELECT * FROM {table}"))
                      for v in row]
    return found


def test_no_token_is_readable_in_the_raw_tables_and_the_store_reads_them_back(
        engine: Engine) -> None:
    installs = store(engine, Fernet.generate_key().decode())

    installs.save(installation())

    values = raw_values(engine)
    found = installs.find_installation(enterprise_id=None, team_id="T0ALPHA")
    assert values and not [v for v in values if "xox" in v or "R" * 20 in v]
    assert "T0ALPHA" in values  # the workspace stays readable: every row names it
    assert found is not None
    assert (found.bot_token, found.user_token, found.bot_refresh_token) == (BOT, USER, REFRESH)
    assert installs.bot_token("T0ALPHA") == BOT


def test_another_key_cannot_read_the_tokens_and_the_error_names_the_setting(
        engine: Engine) -> None:
    store(engine, Fernet.generate_key().decode()).save(installation())

    with pytest.raises(UndecryptableSecret, match="TEAMWELL_SECRET_KEY"):
        store(engine, Fernet.generate_key().decode()).bot_token("T0ALPHA")


def test_a_new_key_reads_old_tokens_while_the_old_key_follows_it(engine: Engine) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    store(engine, old).save(installation("T0ALPHA"))
    rotated = store(engine, new, old)

    rotated.save(installation("T0BETA"))

    assert rotated.installed_teams() == [("T0ALPHA", BOT), ("T0BETA", BOT)]
    with pytest.raises(UndecryptableSecret):
        store(engine, old).bot_token("T0BETA")  # written under the new key
