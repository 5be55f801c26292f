"""Slack's published Web API rate limits, per app and workspace (docs/decisions.md, "Pacing").

Slack publishes floors ("20+ per minute") and says bursts are tolerated without saying how
large; we keep to the floor with a burst of a tenth of a minute's calls. chat.postMessage is
"about one message a second per channel" plus a workspace-wide limit Slack describes only as
"several hundred messages per minute": we read "several" as three.
"""

from __future__ import annotations

from teamwell.bot.rate_limits import Limits, Rate

TIER_1 = Rate.per_minute(1)
TIER_2 = Rate.per_minute(20, burst=2)
TIER_3 = Rate.per_minute(50, burst=5)
TIER_4 = Rate.per_minute(100, burst=10)
POSTS_PER_WORKSPACE = Rate.per_minute(300, burst=10)
POSTS_PER_CHANNEL = Rate(1.0, burst=1)

SLACK_LIMITS = Limits(
    methods={
        # What the outbox sender calls (bot/slack/sender.py, addresses.py, uploads.py).
        "chat.postMessage": POSTS_PER_WORKSPACE,
        "chat.update": TIER_3,
        "conversations.open": TIER_3,
        # Tier 3 for internal apps; a commercially distributed app outside the Slack
        # Marketplace gets 1 a minute since 2025, which only the in-doubt check ever meets.
        "conversations.history": TIER_3,
        "users.lookupByEmail": TIER_3,
        "files.getUploadURLExternal": TIER_4,
        "files.completeUploadExternal": TIER_4,
        # Others a courier might call.
        "chat.postEphemeral": TIER_4,
        "chat.delete": TIER_3,
        "users.info": TIER_4,
        "views.publish": TIER_4,
    },
    default=TIER_2,  # most methods are Tier 2 or better
    per_conversation={"chat.postMessage": POSTS_PER_CHANNEL},
)
