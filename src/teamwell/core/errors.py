"""Specific failures that the edges turn into kind replies."""

from __future__ import annotations

# Sequence files are loaded in surveys/, which imports nothing of ours; the class lives there.
from teamwell.surveys.errors import InvalidSequence as InvalidSequence
from teamwell.surveys.errors import UnknownSequence as UnknownSequence


class TeamwellError(Exception):
    """Base class: the message is safe to show to the person who caused it."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class UnknownPerson(TeamwellError):
    """The person is not in the directory (or not in this workspace)."""


class UnknownAction(TeamwellError):
    """A button, form or command the bot does not know, or with a malformed value."""


class NotAllowed(TeamwellError):
    """The person may not do this (for example, ticking someone else's task)."""


class InvalidInput(TeamwellError):
    """The input is malformed; the message says what is wrong."""
