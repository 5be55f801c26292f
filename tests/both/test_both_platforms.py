"""The same end-to-end scenarios on Slack and on Teams: onboarding, a pulse with its anonymity
rules, kudos and the weekly digest, each over real HTTP into the platform's endpoint."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from teamwell.bot.storage.tables import KudosReceiverRow, OnboardingTaskRow
from teamwell.core.people import Role
from teamwell.handlers.digest import send_due_digests
from teamwell.handlers.onboarding import run_due_steps, start_onboarding
from teamwell.handlers.pulse_delivery import send_due_invites
from teamwell.handlers.pulse_results import team_results
from teamwell.handlers.pulse_rounds import close_due_rounds, open_round
from tests.both.drivers import Driver, Press
from tests.digest.digest_world import STRESSED, DigestWorld, declining, nest, stressed_comments

MANAGER = frozenset({Role.EMPLOYEE, Role.MANAGER})
LONDON = "Europe/London"
LONG_AGO = date(2023, 1, 9)


def _buttons(d: Driver, handle: str, prefix: str) -> list[Press]:
    return [b for b in d.buttons_to(handle) if b.action.startswith(prefix)]


async def test_a_new_hire_hears_it_is_a_bot_first_then_her_welcome_and_done_is_recorded(
        driver: Driver) -> None:
    d = driver
    maya = d.add_person("maya", "Maya", LONDON, roles=MANAGER, start_date=LONG_AGO)
    d.add_person("ben", "Ben", LONDON, manager_id=maya, start_date=LONG_AGO)
    nia = d.add_person("nia", "Nia", LONDON, manager_id=maya)
    start_onboarding(d.wired.deps, d.workspace_id, nia, date(2026, 3, 3))  # a Tuesday

    d.clock.set(d.clock.now().replace(day=3, hour=8, minute=59))  # 08:59 in London
    run_due_steps(d.wired.deps)
    await d.deliver()
    early = d.texts_to("nia")
    d.clock.set(d.clock.now().replace(day=4, hour=12))
    run_due_steps(d.wired.deps)
    await d.deliver()
    texts = d.texts_to("nia")
    done = _buttons(d, "nia", "tw_task_done")
    await d.press("nia", done[0])

    assert not any("Welcome" in t for t in early)
    assert "bot" in texts[0].lower()
    assert any("Welcome" in t for t in texts[1:])
    with d.wired.deps.uow() as uow:
        ticked = uow.session.scalars(select(OnboardingTaskRow.task_id).where(  # type: ignore[attr-defined]
            OnboardingTaskRow.done_at.is_not(None))).all()
    assert list(ticked) == [done[0].value.split("|")[2]]


async def _pulse_for_seven(d: Driver) -> list[str]:
    with d.wired.deps.uow() as uow:
        team = uow.teams.ensure(d.workspace_id, "Platform")
        uow.commit()
    handles = ["ada", "bo", "cy", "di", "ed", "flo", "gus"]
    for handle in handles:
        d.add_person(handle, handle.title(), LONDON, team_id=team.id)
    d.clock.advance(timedelta(hours=2))  # Monday 09:00 in London
    assert open_round(d.wired.deps, d.workspace_id, "Platform").invited == 7
    send_due_invites(d.wired.deps)
    await d.deliver()
    return handles


async def _answer_every_question(d: Driver, handle: str, pick: int) -> None:
    by_question: dict[str, list[Press]] = {}
    for b in _buttons(d, handle, "tw_pulse_answer"):
        if not b.value.endswith("|skip"):
            by_question.setdefault(b.value.split("|")[1], []).append(b)
    assert by_question, f"{handle} got no pulse buttons"
    for buttons in by_question.values():
        await d.press(handle, buttons[pick])


async def test_a_pulse_answered_by_six_of_seven_shows_six_and_the_comment_without_names(
        driver: Driver) -> None:
    d = driver
    handles = await _pulse_for_seven(d)
    for i, handle in enumerate(handles[:6]):
        await _answer_every_question(d, handle, i % 5)
    (comment,) = _buttons(d, "bo", "tw_pulse_comment")[:1]
    await d.comment("bo", comment, "Ask Ada about the deploy freeze")
    d.clock.advance(timedelta(days=7))
    assert close_due_rounds(d.wired.deps) == 1

    results = team_results(d.wired.deps, d.workspace_id, "Platform")

    platform = results.groups[0]
    assert platform.shown and (platform.respondents, platform.invited) == (6, 7)
    assert platform.comments == ("Ask [name] about the deploy freeze",)


async def test_a_pulse_answered_by_four_shows_nothing_about_the_team(driver: Driver) -> None:
    d = driver
    handles = await _pulse_for_seven(d)
    for handle in handles[:4]:
        await _answer_every_question(d, handle, 2)
    d.clock.advance(timedelta(days=7))
    assert close_due_rounds(d.wired.deps) == 1

    results = team_results(d.wired.deps, d.workspace_id, "Platform")

    platform = results.groups[0]
    assert not platform.shown
    assert all(not fig.shown for fig in platform.dimensions) and platform.comments == ()


async def test_kudos_by_command_reach_the_receiver_and_are_stored(driver: Driver) -> None:
    d = driver
    maya = d.add_person("maya", "Maya", LONDON, roles=MANAGER, start_date=LONG_AGO)
    d.add_person("bo", "Bo", LONDON, manager_id=maya, start_date=LONG_AGO)
    cy = d.add_person("cy", "Cy", LONDON, manager_id=maya, start_date=LONG_AGO)

    reply = await d.kudos("bo", ["cy"], "thanks for the calm release #teamwork")
    await d.deliver()

    assert reply.startswith("Kudos to Cy")
    assert any("calm release" in t for t in d.texts_to("cy"))
    with d.wired.deps.uow() as uow:
        receivers = uow.session.scalars(select(KudosReceiverRow.receiver_id)).all()  # type: ignore[attr-defined]
    assert list(receivers) == [cy]


def _org(d: Driver) -> DigestWorld:
    ws = d.workspace_id
    with d.wired.deps.uow() as uow:
        ids = nest(uow, ws)  # type: ignore[arg-type]
        uow.commit()
    mia = d.add_person("mia", "Mia", LONDON, roles=MANAGER, team_id=ids["Platform"])
    mx = d.add_person("max", "Max", LONDON, roles=MANAGER, team_id=ids["Design"])
    oli = d.add_person("oli", "Oli", LONDON, roles=MANAGER, team_id=ids["Ops"])
    plat = tuple(d.add_person(f"p{i}", f"Plat{i}", LONDON, team_id=ids["Platform"],
                              manager_id=mia, start_date=LONG_AGO) for i in range(8))
    others = tuple(d.add_person(f"d{i}", f"Des{i}", LONDON, team_id=ids["Design"],
                                manager_id=mx, start_date=LONG_AGO) for i in range(4))
    others += tuple(d.add_person(f"o{i}", f"Ops{i}", LONDON, team_id=ids["Ops"],
                                 manager_id=oli, start_date=LONG_AGO) for i in range(6))
    start = d.clock.now() + timedelta(days=1, hours=3)  # Tuesday 10:00 UTC
    return DigestWorld(ws, d.wired.deps, d.clock, d.wired.deps.uow,  # type: ignore[arg-type]
                       ids, plat, others, start)


async def test_weekly_digests_show_a_team_of_eight_its_scores_and_a_team_of_four_why_not(
        driver: Driver) -> None:
    d = driver
    org = _org(d)
    for week in range(8):
        org.run_week(week, declining, stressed_comments)
    await d.deliver()
    org.monday_nine(8)

    assert send_due_digests(d.wired.deps) == 3
    await d.deliver()

    (mia,) = [t for t in d.texts_to("mia") if "Scores are shown only for groups" in t]
    (mx,) = [t for t in d.texts_to("max") if "Scores are shown only for groups" in t]
    assert "8 of 9 answered" in mia and "I'll do it" in mia
    assert "Burnout signal: high" in mia or "Burnout signal: watch" in mia
    assert "no scores this week" in mx
    for body in (mia, mx):
        assert STRESSED not in body and "team helped me" not in body
        assert not any(f"Plat{i}" in body for i in range(8))
