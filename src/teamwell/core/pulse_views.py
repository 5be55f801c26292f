"""What pulse messages say: the invitation with its privacy receipt, reminders, the comment form."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from teamwell.core.actions import ActionId, pack
from teamwell.core.messages import (
    Actions,
    Bold,
    Button,
    Context,
    Divider,
    Form,
    Header,
    Message,
    Section,
    TextField,
    text,
)
from teamwell.core.pulse import MAX_COMMENT_LENGTH, SKIP, PulseRound
from teamwell.surveys.pulse_bank import Question

COMMENT_FIELD = "comment"


def when_local(moment: datetime, zone: ZoneInfo) -> str:
    """A moment as the reader would say it, e.g. "Friday 10:00"."""
    local = moment.astimezone(zone)
    return f"{local:%A} {local:%H:%M}"


def privacy_receipt(team_size: int, minimum: int, comment_minimum: int) -> Section:
    """Who will see what, said before anyone answers."""
    return Section(text(
        Bold("Before you answer: "),
        "your answers are stored without your name. Your manager and HR see team results "
        f"only for groups of at least {minimum} people who answered, never who said what. "
        f"Comments are shown only for groups of at least {comment_minimum}, shuffled, "
        "undated and with names removed. "
        f"Your team currently has {team_size} member{'s' if team_size != 1 else ''}.",
    ))


def _question_blocks(pulse: PulseRound, q: Question, current: int | None | str,
                     ) -> tuple[Section, Actions]:
    chosen = ""
    if current == SKIP:
        chosen = " (you skipped this)"
    elif isinstance(current, int):
        chosen = f" (your answer: {q.scale.label(current)})"
    buttons = tuple(
        Button(q.scale.label(v), ActionId.PULSE_ANSWER, pack(pulse.id, q.id, str(v)),
               "primary" if current == v else "default")
        for v in q.scale.values()
    )
    skip = Button("Skip", ActionId.PULSE_ANSWER, pack(pulse.id, q.id, SKIP))
    return Section(text(Bold(q.text), chosen)), Actions((*buttons, skip))


def pulse_message(pulse: PulseRound, questions: tuple[Question, ...], zone: ZoneInfo,
                  team_size: int, minimum: int, comment_minimum: int,
                  current: dict[str, int | None] | None = None) -> Message:
    """The pulse DM: receipt first, then one row of labelled buttons per question."""
    answers: dict[str, int | None | str] = {
        k: (SKIP if v is None else v) for k, v in (current or {}).items()}
    blocks: list[object] = [
        Header("This week's pulse: a minute or two"),
        privacy_receipt(team_size, minimum, comment_minimum),
        Divider(),
    ]
    for q in questions:
        blocks.extend(_question_blocks(pulse, q, answers.get(q.id)))
    blocks.append(Divider())
    blocks.append(Section(text("Anything else on your mind? Comments are anonymous too."),
                          Button("Add a comment", ActionId.PULSE_COMMENT, pulse.id)))
    blocks.append(Context(text(
        f"Open until {when_local(pulse.closes_at, zone)}; you can change any answer until "
        "then. I'm a bot. /teamwell pulse off: no more pulses. /teamwell privacy: details.")))
    return Message(fallback="This week's pulse: a minute or two, anonymous.",
                   blocks=tuple(blocks))  # type: ignore[arg-type]


def reminder_message(pulse: PulseRound, zone: ZoneInfo) -> Message:
    """The one gentle reminder, for people whose pulse has no answer yet."""
    return Message(
        fallback="Reminder: this week's pulse is still open.",
        blocks=(Section(text(
            f"This week's pulse is open until {when_local(pulse.closes_at, zone)}. "
            "If you'd like to answer, it's in my message above, or type /teamwell pulse. "
            "No answer is fine too; this is the only reminder.")),),
    )


def comment_form(pulse: PulseRound, comment_minimum: int) -> Form:
    """The modal for an anonymous comment on a round."""
    return Form(
        title="Pulse comment", submit_label="Save", callback=ActionId.PULSE_COMMENT_SUBMIT,
        context=pulse.id,
        fields=(TextField(COMMENT_FIELD, "Your comment", multiline=True,
                          max_length=MAX_COMMENT_LENGTH,
                          hint=f"Anonymous: shown only for groups of {comment_minimum} or "
                               "more, shuffled, undated, with names, emails and phone numbers "
                               "removed."),),
        intro=text("Saving again replaces your earlier comment for this pulse."),
    )
