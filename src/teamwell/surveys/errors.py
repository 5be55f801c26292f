"""Errors in survey data files (defined here because surveys/ imports nothing of ours)."""

from __future__ import annotations


class InvalidSequence(Exception):
    """An onboarding sequence file is invalid; the message names file, step and field."""


class UnknownSequence(InvalidSequence):
    """No onboarding sequence has the requested id."""
