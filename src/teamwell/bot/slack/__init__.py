"""Slack: listeners, Block Kit rendering, the outbox sender and a local fake Web API."""
