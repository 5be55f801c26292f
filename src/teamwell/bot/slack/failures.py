"""What a failed Slack call means for an outbox row: wait, retry later, or give up."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError, SlackRequestError

from teamwell.bot.outbox_failures import (
    Failure,
    Kind,
    PermanentProblem,
    TransientProblem,
    backoff,
    network_failure,
    problem_failure,
    retry_after_seconds,
)

__all__ = ["Failure", "Kind", "PermanentProblem", "TransientProblem", "backoff", "classify"]

# Slack `ok: false` errors that go away by themselves; every other Slack error is about this
# message or recipient (channel_not_found, user_not_found, invalid_blocks...) and will not.
TRANSIENT_ERRORS = frozenset({
    "internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited",
    "team_added_to_org",
    # A broken token blocks every message of the workspace until someone reinstalls the app:
    # keep retrying (with backoff) rather than failing the whole outbox at once.
    "not_authed", "invalid_auth", "token_revoked", "token_expired",
})


def _retry_after(error: SlackApiError) -> float:
    headers = getattr(error.response, "headers", None) or {}
    for key, value in headers.items():
        if key.lower() == "retry-after":
            return retry_after_seconds(value)
    return 1.0


def classify(exc: BaseException) -> Failure | None:
    """Classify an exception raised by a Slack call; None when it is not a delivery failure."""
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", 200)
        data = getattr(exc.response, "data", None)
        code = str(data.get("error", "")) if isinstance(data, dict) else ""
        if status == 429:
            return Failure(Kind.RATE_LIMITED, "ratelimited", _retry_after(exc))
        if status != 200:
            # A 5xx (or a proxy's 4xx) says nothing about whether Slack acted on the request.
            return Failure(Kind.TRANSIENT, f"HTTP {status} {code}".strip(),
                           maybe_took_effect=True)
        if code in TRANSIENT_ERRORS or not code:
            return Failure(Kind.TRANSIENT, code or "unknown_error")
        return Failure(Kind.PERMANENT, code)
    if isinstance(exc, SlackRequestError):
        return Failure(Kind.PERMANENT, f"request refused by slack_sdk: {exc}")
    return network_failure(exc) or problem_failure(exc)
