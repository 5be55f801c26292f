"""Onboarding messages: each step kind, reminders, check-ins, help hand-offs and progress."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from teamwell.core.actions import ActionId, pack
from teamwell.core.copy import bot_notice
from teamwell.core.messages import (
    Actions,
    Block,
    Bold,
    Button,
    Context,
    Divider,
    Form,
    Header,
    Inline,
    Link,
    LinkList,
    Mention,
    Message,
    Section,
    TextField,
    text,
)
from teamwell.core.onboarding import Onboarding, OnboardingStatus, TaskState
from teamwell.core.onboarding_cast import Cast, fill, fill_plain, visibility
from teamwell.core.onboarding_plan import MAX_REMINDERS, Progress
from teamwell.core.people import Person
from teamwell.surveys.onboarding import Audience, Step, StepKind
from teamwell.surveys.onboarding import Sequence as OnboardingSequence

COMMENT_MAX = 2000


@dataclass(frozen=True, slots=True)
class StepContext:
    """Everything needed to draw one step for its recipient."""

    onboarding: Onboarding
    step: Step
    cast: Cast
    tasks: tuple[TaskState, ...] = ()
    progress: Progress | None = None
    sequence: OnboardingSequence | None = None


@dataclass(frozen=True, slots=True)
class ProgressView:
    """One person's onboarding, as shown on the Home tab or in a manager prompt."""

    person: Person
    progress: Progress
    sequence: OnboardingSequence


def open_labels(tasks: Iterable[TaskState], sequence: OnboardingSequence | None) -> str:
    """Task labels joined in the order the sequence lists them."""
    order = {(st.id, t.id): i for i, (st, t) in
             enumerate((st, t) for st in (sequence.steps if sequence else ()) for t in st.tasks)}
    ranked = sorted(tasks, key=lambda t: (order.get((t.step_id, t.task_id), len(order)),
                                          t.step_id, t.task_id))
    return "; ".join(t.label for t in ranked)


def _help_row(ctx: StepContext, *extra: Button) -> tuple[Block, ...]:
    help_button = Button("I need help", ActionId.NEED_HELP, pack(ctx.onboarding.id, ctx.step.id))
    helper = ctx.cast.helper
    note = (text("I'm a bot. \"I need help\" asks ", Mention(helper.id), " to reach out to you.")
            if helper else text("I'm a bot. \"I need help\" passes your question to a person."))
    return (Actions((*extra, help_button)), Context(note))


def _task_blocks(ctx: StepContext, tasks: Iterable[TaskState]) -> tuple[Block, ...]:
    blocks: list[Block] = []
    for task in tasks:
        if task.done_at is not None:
            blocks.append(Section(text(f"✓ {task.label} (done)")))
        else:
            done = Button("Done", ActionId.TASK_DONE,
                          pack(ctx.onboarding.id, ctx.step.id, task.task_id), "primary")
            blocks.append(Section(text(task.label), button=done))
    return tuple(blocks)


def _introduction(ctx: StepContext) -> tuple[Block, ...]:
    cast = ctx.cast
    if ctx.step.to is not Audience.NEW_HIRE:
        return (Context(text(f"You're getting this as {cast.hire.name}'s {ctx.step.to.value}.")),)
    lines: list[Block] = []
    if cast.manager:
        lines.append(Section(text(Bold("Your manager: "), Mention(cast.manager.id),
                                  ", for priorities, feedback and anything about your role.")))
    if cast.buddy:
        lines.append(Section(text(Bold("Your buddy: "), Mention(cast.buddy.id),
                                  ", a teammate for everyday questions: where things are, "
                                  "how things work, who to ask.")))
    elif cast.manager:
        lines.append(Section(text("You don't have a separate buddy yet, so ",
                                  Mention(cast.manager.id), " is your go-to person for "
                                  "everyday questions too.")))
    return tuple(lines)


def _checkin(ctx: StepContext) -> tuple[Block, ...]:
    step, onb = ctx.step, ctx.onboarding
    scores = tuple(Button(f"{n} · {label}", ActionId.CHECKIN_SCORE, pack(onb.id, step.id, str(n)))
                   for n, label in enumerate(step.scale_labels, start=1))
    return (Context(visibility(ctx.cast)), Section(text(Bold(fill_plain(step.question, ctx.cast)))),
            Actions(scores))


def _manager_prompt(ctx: StepContext) -> tuple[Block, ...]:
    blocks: list[Block] = []
    if ctx.step.items:
        bullets: list[Inline] = []
        for item in ctx.step.items:
            bullets.extend(("\n• " if bullets else "• ", *fill(item, ctx.cast)))
        blocks.append(Section(text(*bullets)))
    if ctx.step.show_progress and ctx.progress and ctx.sequence:
        blocks.extend(progress_section(ProgressView(ctx.cast.hire, ctx.progress, ctx.sequence)))
    blocks.append(Context(text(f"You're getting this as {ctx.cast.hire.name}'s manager. "
                               "I'm a bot: I suggest, you decide.")))
    return tuple(blocks)


def step_message(ctx: StepContext) -> Message:
    """The message a step sends to its recipient (checklists show ticked tasks as done)."""
    step, cast = ctx.step, ctx.cast
    title = fill_plain(step.title, cast)
    blocks: list[Block] = [Header(title), Section(text(*fill(step.text, cast)))]
    extra: tuple[Button, ...] = ()
    if step.kind is StepKind.CHECKLIST:
        blocks.extend(_task_blocks(ctx, ctx.tasks))
    elif step.kind is StepKind.LINKS:
        blocks.append(LinkList(tuple(Link(url=link.url, label=link.label) for link in step.links)))
    elif step.kind is StepKind.INTRODUCTION:
        blocks.extend(_introduction(ctx))
    elif step.kind is StepKind.CHECKIN:
        blocks.extend(_checkin(ctx))
        extra = (Button("Add a comment", ActionId.CHECKIN_COMMENT,
                        pack(ctx.onboarding.id, step.id)),)
    elif step.kind is StepKind.MANAGER_PROMPT:
        blocks.extend(_manager_prompt(ctx))
    if step.to is Audience.NEW_HIRE:
        blocks.extend(_help_row(ctx, *extra))
    return Message(fallback=title, blocks=tuple(blocks))


def reminder_message(ctx: StepContext, open_tasks: tuple[TaskState, ...], number: int) -> Message:
    """A gentle nudge about a checklist's open tasks; says how many nudges remain."""
    title = fill_plain(ctx.step.title, ctx.cast)
    last = ("That's my last reminder about these." if number >= MAX_REMINDERS
            else "I'll nudge once more in a couple of days, then stop.")
    return Message(fallback=f"A gentle reminder: {title}", blocks=(
        Section(text("A gentle nudge about ", Bold(title),
                     ": these are still open. No rush; press Done when they are.")),
        *_task_blocks(ctx, open_tasks),
        *_help_row(ctx),
        Context(text(f"Reminder {number} of {MAX_REMINDERS}. {last}")),
    ))


def help_handoff_message(ctx: StepContext, why: str, progress: Progress) -> Message:
    """Tell the helper who asked, about which step and how far they are; a person answers.

    why says in one sentence why this person is the one asked.
    """
    hire = ctx.cast.hire
    title = fill_plain(ctx.step.title, ctx.cast)
    where: list[Inline] = [Bold("Where they are: "),
                           f"{progress.tasks_done} of {progress.tasks_total} tasks done, "
                           f"{progress.steps_sent} of {progress.steps_planned} onboarding "
                           f"messages sent."]
    if progress.open_tasks:
        where.append(f" Still open: {open_labels(progress.open_tasks, ctx.sequence)}.")
    return Message(fallback=f"{hire.name} would like a hand with their onboarding", blocks=(
        Header(f"{hire.name} would like a hand"),
        Section(text(Mention(hire.id), " pressed \"I need help\" on ", Bold(title),
                     f" (day {ctx.step.day} of their onboarding).")),
        Section(text(*where)),
        Section(text("Please reach out to ", Mention(hire.id), " directly. I haven't tried to "
                     "answer: a person does this better.")),
        Context(text(why)),
    ))


def help_confirmation_message(ctx: StepContext, helper: Person) -> Message:
    """Tell the new hire who will reach out."""
    title = fill_plain(ctx.step.title, ctx.cast)
    return Message(fallback=f"{helper.name} will reach out to you", blocks=(
        Section(text("I've asked ", Mention(helper.id), " to reach out to you about ", Bold(title),
                     ". They'll message you directly.")),
        Context(text("I'm a bot, so I won't try to answer myself.")),
    ))


def checkin_comment_form(ctx: StepContext, context: str) -> Form:
    """The optional comment on a check-in, with who will see it."""
    return Form(
        title="Check-in comment", submit_label="Save", callback=ActionId.CHECKIN_COMMENT_SUBMIT,
        context=context, intro=visibility(ctx.cast),
        fields=(TextField(id="comment", label=fill_plain(ctx.step.question, ctx.cast),
                          multiline=True, optional=True, max_length=COMMENT_MAX,
                          hint="Optional. Leave it empty to remove an earlier comment."),),
    )


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def progress_section(view: ProgressView) -> tuple[Block, ...]:
    """One person's progress: steps, tasks, check-in answers and what comes next."""
    p, seq, zone = view.progress, view.sequence, view.person.zone
    stopped = p.status is OnboardingStatus.CANCELLED
    state = "stopped" if stopped else "finished" if p.finished else f"started {_day(p.day0)}"
    lines: list[Block] = [Section(text(
        Bold(view.person.name), f" · {state} · {p.steps_sent} of {p.steps_planned} steps · "
        f"{p.tasks_done} of {p.tasks_total} tasks done"))]
    if p.open_tasks:
        lines.append(Section(text(f"Still open: {open_labels(p.open_tasks, seq)}")))
    alone = Cast(view.person, None, None)
    for answer in p.checkins:
        step = seq.step(answer.step_id)
        label = step.scale_labels[answer.score - 1] if step and answer.score else ""
        score = f"{answer.score} · {label}" if answer.score else "no score"
        comment = f" · \"{answer.comment}\"" if answer.comment else ""
        title = fill_plain(step.title, alone) if step else answer.step_id
        lines.append(Context(text(f"{title}: {score}{comment}")))
    if p.next_step and not p.finished and not stopped:
        step = seq.step(p.next_step.step_id)
        title = fill_plain(step.title, alone) if step else "next step"
        lines.append(Context(text(f"Next: {title}, {_day(p.next_step.due_at.astimezone(zone))}")))
    return tuple(lines)


def _group(title: str, views: tuple[ProgressView, ...], after: bool) -> list[Block]:
    if not views:
        return []
    blocks: list[Block] = [Divider()] if after else []
    blocks.append(Section(text(Bold(title))))
    for view in views:
        blocks.extend(progress_section(view))
    return blocks


def progress_blocks(own: ProgressView | None, reports: Iterable[ProgressView],
                    buddies: Iterable[ProgressView] = ()) -> tuple[Block, ...]:
    """The Home tab: the person's own onboarding, their reports' and the hires they buddy."""
    team, pals = tuple(reports), tuple(buddies)
    blocks: list[Block] = [Header("Onboarding"), bot_notice()]
    if own:
        blocks.append(Section(text(Bold("Your onboarding"))))
        blocks.extend(progress_section(own))
        if own.progress.status is OnboardingStatus.CANCELLED:
            blocks.append(Context(text("Your onboarding messages are stopped. To restart them, "
                                       "ask your manager or HR team.")))
    blocks.extend(_group("New starters on your team", team, after=bool(own)))
    blocks.extend(_group("New starters you're a buddy to", pals, after=bool(own or team)))
    if not own and not team and not pals:
        blocks.append(Section(text("Nothing here yet. When you or someone on your team starts "
                                   "onboarding, their progress shows up here.")))
    blocks.append(Context(text("Check-in answers are seen by the new starter, their manager and "
                               "their buddy. Type /teamwell help for commands.")))
    return tuple(blocks)
