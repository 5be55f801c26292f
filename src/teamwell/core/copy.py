"""What the bot says about itself: the first-contact notice, privacy and help."""

from __future__ import annotations

from teamwell.core.messages import Bold, Context, Header, Message, Section, text

BOT_NAME = "Teamwell"


def bot_notice() -> Context:
    """A one-line reminder that this is a bot, for screens that may be someone's first contact."""
    return Context(text(f"I'm {BOT_NAME}, a bot. /teamwell privacy shows what I keep and who "
                        "sees it."))


def intro_message() -> Message:
    """The first message anyone gets: a bot, what it collects, who sees what, how to opt out."""
    return Message(
        fallback=f"Hi! I'm {BOT_NAME}, a bot (not a person).",
        blocks=(
            Header(f"Hi, I'm {BOT_NAME}: a bot, not a person"),
            Section(text(
                "I help new colleagues settle in (onboarding messages, a setup checklist, short "
                "check-ins), ask everyone a short, anonymous weekly pulse and pass on kudos. "
                "A person set me "
                "up for your workspace; I suggest, people decide, and I never act on anyone's "
                "behalf.",
            )),
            Section(text(
                Bold("What I keep: "),
                "your name, email, team, manager, start date and time zone from the directory; "
                "onboarding progress; kudos given and received; answers you choose to give me. "
                "Pulse answers are stored "
                "without your name.",
            )),
            Section(text(
                Bold("Who sees what: "),
                "a new hire's manager and buddy see their onboarding progress and check-in "
                "answers (each check-in says so before you answer). Pulse results are shown "
                "only for groups large enough that nobody can be singled out.",
            )),
            Context(text(
                "/teamwell privacy: the details. /teamwell stop: no more onboarding messages. "
                "/teamwell pulse off: no pulses. /teamwell consents: all your choices. "
                "/teamwell help: everything I understand.",
            )),
        ),
    )


def privacy_message(minimum: int = 5) -> Message:
    """What is collected, who sees what, and how to opt out."""
    return Message(
        fallback="How Teamwell handles your data",
        blocks=(
            Header("Privacy: what Teamwell keeps and who sees it"),
            Section(text(
                Bold("Collected: "),
                "directory details (name, email, team, manager, start date, birthday if HR "
                "gave it, time zone); onboarding progress (tasks ticked, check-in answers, "
                "help requests); messages you send to me. I never read channels or direct "
                "messages that are not addressed to me.",
            )),
            Section(text(
                Bold("Onboarding check-ins "),
                "are seen by the new hire's manager and buddy; each question says so before "
                "you answer. \"I need help\" passes your request to your buddy or manager.",
            )),
            Section(text(
                Bold("Weekly pulse: "),
                "answers are stored with no link to you: a one-way code, whose key is "
                "destroyed when the pulse closes, only stops double answers while it is open. "
                "Answers keep your team and the date, not the time. Managers and HR see team "
                f"results only for groups of at least {minimum} people who answered, "
                "and nothing that could be worked out by subtracting one group from another. "
                "Comments are shown shuffled, undated and with names, emails and phone "
                "numbers removed. New hires are not asked in their first 30 days. Every "
                "look at team results is recorded in an audit log that admins can read.",
            )),
            Section(text(
                Bold("Kudos: "),
                "kudos you give are posted in the recognition channel, or only to the people "
                "you thank if you add 'private'. Whoever receives kudos gets a message, and "
                "their manager a short note unless they turn that off.",
            )),
            Section(text(
                Bold("Your choices: "),
                "/teamwell consents lists them all and how to change each; "
                "/teamwell pulse off stops pulses (/teamwell pulse on brings them back); "
                "/teamwell kudos-notices off keeps kudos you receive from your manager; "
                "/teamwell stop ends your onboarding messages at once. /teamwell mydata sends "
                "you a copy of everything I hold about you, as a file; /teamwell forget me "
                "erases it (after you confirm).",
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
                "/teamwell onboarding: your onboarding progress (also on my Home tab)\n"
                "/teamwell pulse: this week's pulse again, with your answers so far\n"
                "/teamwell pulse off | on: stop or restart the weekly pulse\n"
                "/teamwell results [team]: pulse results for the teams you lead (managers) or "
                "any team (HR); only you see them\n"
                "/kudos @name what they did #value: thank a colleague (add 'private' to keep "
                "it out of the recognition channel)\n"
                "/teamwell kudos: kudos you gave and received (only you see it)\n"
                "/teamwell kudos team: kudos your reports received (managers)\n"
                "/teamwell mydata: what I hold about you, with the full file\n"
                "/teamwell forget me: erase what I hold about you (you confirm first)\n"
                "/teamwell kudos-notices off | on: whether your manager hears about kudos "
                "you receive\n"
                "/teamwell birthday on | off: celebrate your birthday (off unless you ask)\n"
                "/teamwell celebrations off | on: leave out or rejoin all celebrations\n"
                "/teamwell kudos-prompts off | on: recognition prompts about your team "
                "(managers)\n"
                "/teamwell consents: every choice above, whether it is on, and how to change it\n"
                "/teamwell stop: no more onboarding messages for you",
            )),
            Context(text("I'm a bot. If you need a person, use the 'I need help' button.")),
        ),
    )
