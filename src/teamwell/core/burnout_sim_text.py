"""Template comments for the burnout simulator, by the kind the simulator meant to write.

The detector never sees these kinds: comments are scored by a sentiment model like real ones,
so the model's mistakes (a stressed comment it reads as neutral) reach the detector too.
"""

from __future__ import annotations

POSITIVE = "positive"
NEUTRAL = "neutral"
NEGATIVE = "negative"
STRESSED = "stressed"

TEMPLATES: dict[str, tuple[str, ...]] = {
    POSITIVE: (
        "Great week, the team really pulled together.",
        "Loved the demo on Friday, proud of what we shipped.",
        "Thanks to everyone for the help with onboarding.",
        "Good balance this week, I felt productive.",
        "The new planning process is working well.",
        "Really enjoyed pairing with colleagues this week.",
        "Happy with how the sprint went.",
        "Nice to get positive feedback from the customer.",
    ),
    NEUTRAL: (
        "Nothing special to report this week.",
        "Mostly meetings and planning.",
        "Working on the migration, about halfway done.",
        "Quiet week, a few people on holiday.",
        "Same as last week.",
        "We moved to the new office floor.",
        "Still waiting on the vendor for the contract.",
        "Spent the week on documentation.",
    ),
    NEGATIVE: (
        "The meeting culture here is frustrating.",
        "Priorities changed again and nobody explained why.",
        "I don't feel my input was heard in the planning session.",
        "Communication between teams was poor this week.",
        "Disappointed that the release slipped again.",
        "The new tooling is annoying and slows me down.",
        "Too much back and forth on decisions that should be simple.",
    ),
    STRESSED: (
        "Too many deadlines at once, I'm exhausted.",
        "Worked late most nights to keep up.",
        "We are understaffed and everyone is stretched thin.",
        "I'm close to burning out.",
        "The workload is unmanageable right now.",
        "Another weekend of on call and firefighting.",
        "Feeling overwhelmed, there is no time to catch up.",
        "Constant pressure this week, I can't switch off.",
        "Long hours again, not sure how long I can keep this up.",
    ),
}
