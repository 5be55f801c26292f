"""Teamwell: a Slack and Microsoft Teams bot that helps teams look after their people."""

__version__ = "0.1.0"
