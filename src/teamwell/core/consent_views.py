"""How a person's choices are shown: the `consents` answer, the Home tab section, the replies."""

from __future__ import annotations

from dataclasses import dataclass

from teamwell.core.actions import ActionId
from teamwell.core.consent import Consents, Feature
from teamwell.core.messages import Block, Bold, Button, Context, Header, Message, Section, text


@dataclass(frozen=True, slots=True)
class Wording:
    """What one feature is called, what on and off mean, and what a change is answered with."""

    label: str
    on: str
    off: str
    turned_on: str
    turned_off: str


WORDING = {
    Feature.PULSES: Wording(
        "Weekly pulse",
        "You get a short, anonymous pulse each week. Managers see team results only for "
        "large enough groups; never your own answers.",
        "You're out of the weekly pulse: you're not asked and not counted.",
        "You're in: you'll get the weekly pulse again from the next round.",
        "You're out: no more pulses, and you're not counted in anyone's results. "
        "/teamwell pulse on brings them back."),
    Feature.CELEBRATIONS: Wording(
        "Celebrations",
        "Your work anniversaries are celebrated.",
        "You're left out of all celebrations.",
        "Work anniversaries (and your birthday, if you opted in) will be celebrated again.",
        "Done: no celebrations for you, anniversaries or birthdays. "
        "/teamwell celebrations on brings them back."),
    Feature.BIRTHDAY: Wording(
        "Birthday",
        "Your birthday is celebrated (never with your age).",
        "Your birthday stays private.",
        "I'll wish you a happy birthday on the day (never with your age). "
        "/teamwell birthday off undoes it.",
        "Your birthday stays private: I won't mention it."),
    Feature.MANAGER_NOTES: Wording(
        "Manager notes",
        "Your manager gets a short note when you receive kudos, and may be reminded to "
        "thank you when you've had none for a while.",
        "Your manager isn't told about kudos you receive, nor prompted about you.",
        "Your manager will hear about kudos you receive again.",
        "Done: your manager won't be told about kudos you receive. "
        "/teamwell kudos-notices on undoes it."),
    Feature.KUDOS_PROMPTS: Wording(
        "Recognition prompts (for managers)",
        "You get a weekly note naming reports who had no kudos lately, and a suggestion "
        "to thank someone after each pulse.",
        "You get no recognition prompts about your team.",
        "You'll get recognition prompts about your team again.",
        "Done: no more recognition prompts. /teamwell kudos-prompts on brings them back."),
}


def change_reply(feature: Feature, on: bool) -> str:
    """What a person is told after changing a choice."""
    wording = WORDING[feature]
    return wording.turned_on if on else wording.turned_off


def _state(consents: Consents, feature: Feature) -> str:
    wording = WORDING[feature]
    chosen = consents.chose(feature)
    line = wording.on if chosen else wording.off
    if chosen and not consents.allows(feature):
        line += " (Celebrations are off, so it isn't.)"
    return line


def _command(feature: Feature, on: bool) -> str:
    return f"/teamwell {feature.value} {'off' if on else 'on'}"


def consents_message(consents: Consents, features: tuple[Feature, ...]) -> Message:
    """`/teamwell consents`: each feature, whether it is on, and the command that changes it."""
    lines = tuple(Section(text(Bold(f"{WORDING[f].label}: {'on' if consents.chose(f) else 'off'}"),
                               f". {_state(consents, f)} Change it: {_command(f, consents.chose(f))}"))
                  for f in features)
    return Message(fallback="Your choices", blocks=(
        Header("Your choices"), *lines,
        Context(text("Only you can change these; nobody is told when you do. /teamwell stop "
                     "ends your onboarding messages."))))


def consent_button(feature: Feature, on: bool) -> Button:
    """The Home tab button that flips a choice (the pulse has buttons of its own)."""
    if feature is Feature.PULSES:
        return (Button("Opt out", ActionId.PULSE_OPT_OUT, "off") if on
                else Button("Take part again", ActionId.PULSE_OPT_IN, "on", "primary"))
    return Button("Turn off" if on else "Turn on", ActionId.RECOGNITION_CHOICE,
                  f"{feature.value}|{'off' if on else 'on'}")


def consent_home_blocks(consents: Consents, features: tuple[Feature, ...]) -> tuple[Block, ...]:
    """The Home tab's "Your choices" section: every feature with an on/off button."""
    rows = tuple(Section(text(Bold(WORDING[f].label + ": "), _state(consents, f)),
                         consent_button(f, consents.chose(f))) for f in features)
    return (Header("Your choices"), *rows,
            Context(text("The same switches work as commands: /teamwell consents lists them.")))
