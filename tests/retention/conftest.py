"""Fixtures for retention tests: the outbox tests' fake Slack and workspace (used by name)."""

from __future__ import annotations

from tests.outbox.conftest import client, fake_slack, org  # noqa: F401 - fixtures used by name
