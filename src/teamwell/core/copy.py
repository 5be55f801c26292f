"""What the bot says about itself: the first-contact notice, privacy and help."""

from __future__ import annotations

from teamwell.core.messages import Bold, Context, Header, Message, Section, text

BOT_NAME = "Teamwell"


def intro_message() -> Message:
    """The first message anyone gets: a bot, what it collects, who sees what, how to opt out."""
    return Message(
        fallback=f"Hi! I'm {BOT_NAME}, a bot (not a person).",
        blocks=(
            Header(f"Hi, I'm {BOT_NAME}: a bot, not a person"),
            Section(text(
                "I help with onboarding, short pulse surveys and recognition. ",
                "A person set me up for your workspace; I suggest, people decide.",
            )),
            Section(text(
                Bold("What I keep: "),
                "your name, email, team, manager, start date and time zone from the directory; "
                "your onboarding progress; answers you choose to give me.",
            )),
            Section(text(
                Bold("Who sees what: "),
                "your manager and buddy see your onboarding progress and check-in answers "
                "(each check-in says so). Pulse answers are anonymous and only shown for groups "
                "of at least 5 people.",
            )),
            Context(text(
                "Type /teamwell privacy for details, /teamwell help for commands. "
                "To stop these messages or have your data removed, ask your HR team.",
            )),
        ),
    )


def privacy_message(min_group: int = 5) -> Message:
    """What is collected, who sees what, and how to opt out."""
    return Message(
        fallback="How Teamwell handles your data",
        blocks=(
            Header("Privacy: what Teamwell keeps and who sees it"),
            Section(text(
                Bold("Collected: "),
                "directory details (name, email, team, manager, start date, birthday if given, "
                "time zone); onboarding progress (tasks ticked, check-in answers, help requests); "
                "messages you send to the bot. I never read channels or direct messages that are "
                "not addressed to me.",
            )),
            Section(text(
                Bold("Onboarding check-ins "),
                "are seen by your manager and your buddy; each question says so before you answer.",
            )),
            Section(text(
                Bold("Pulse answers "),
                f"are stored without your name. Results are shown only for groups of {min_group} "
                "or more, never for one person.",
            )),
            Section(text(
                Bold("Your choices: "),
                "/teamwell onboarding shows your onboarding progress. To stop my messages, see "
                "everything I hold about you or have it erased, ask your HR team: they can do "
                "it for you.",
            )),
            Context(text("I'm a bot. I suggest; people decide. I never act on anyone's behalf.")),
        ),
    )


def help_message() -> Message:
    """The commands a person can use."""
    return Message(
        fallback="Teamwell commands",
        blocks=(
            Header("Teamwell commands"),
            Section(text(
                "/teamwell help: this list\n"
                "/teamwell privacy: what I keep and who sees it\n"
                "/teamwell onboarding: your onboarding progress (also on my Home tab)",
            )),
            Context(text("I'm a bot. If you need a person, use the 'I need help' button.")),
        ),
    )
