"""Small-group suppression: each attack test also proves by brute force that nothing small leaks."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from fractions import Fraction
from itertools import combinations, product

import pytest

from teamwell.core import anonymity
from teamwell.core.anonymity import (
    ABSOLUTE_MIN_GROUP_SIZE,
    DEFAULT_MIN_GROUP_SIZE,
    NO_TEAM,
    TOO_COMPLEX,
    WORKSPACE_GROUP_ID,
    Group,
    Verdict,
    publishable,
    reporting_minimum,
    team_groups,
)
from teamwell.core.people import Team

MIN = DEFAULT_MIN_GROUP_SIZE


def team(id: str, parent: str | None = None, name: str | None = None) -> Team:
    return Team(id=id, workspace_id="w", name=name or id.title(), parent_id=parent)


def group(id: str, *atoms: str) -> Group:
    return Group(id=id, label=id, atoms=frozenset(atoms))


def shown(verdicts: Mapping[str, Verdict]) -> set[str]:
    return {gid for gid, v in verdicts.items() if v.shown}


def _rref(rows: list[list[Fraction]]) -> list[list[Fraction]]:
    """Reduced rows of a rational matrix, written independently of the module under test."""
    rows = [r[:] for r in rows]
    basis: list[list[Fraction]] = []
    width = len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((r for r in rows if r[col] != 0), None)
        if pivot is None:
            continue
        rows.remove(pivot)
        pivot = [v / pivot[col] for v in pivot]
        rows = [[a - r[col] * b for a, b in zip(r, pivot, strict=True)] for r in rows]
        basis = [[a - r[col] * b for a, b in zip(r, pivot, strict=True)] for r in basis]
        basis.append(pivot)
    return basis


def _in_span(basis: list[list[Fraction]], vector: list[Fraction]) -> bool:
    rest = vector[:]
    for row in basis:
        col = next(i for i, v in enumerate(row) if v != 0)
        if rest[col] != 0:
            rest = [a - rest[col] * b for a, b in zip(rest, row, strict=True)]
    return not any(rest)


def small_derivable_sets(groups: Sequence[Group], verdicts: Mapping[str, Verdict],
                         counts: Mapping[str, int], minimum: int) -> list[frozenset[str]]:
    """Brute force: every set of atoms in the span of the shown groups with 1..minimum-1 people."""
    visible = [g for g in groups if verdicts[g.id].shown]
    atoms = sorted({a for g in groups for a in g.atoms})
    assert len(atoms) <= 12, "brute force is for small examples"
    basis = _rref([[Fraction(a in g.atoms) for a in atoms] for g in visible])
    found = []
    for size in range(1, len(atoms) + 1):
        for subset in combinations(atoms, size):
            n = sum(counts.get(a, 0) for a in subset)
            if 0 < n < minimum and _in_span(basis, [Fraction(a in subset) for a in atoms]):
                found.append(frozenset(subset))
    return found


def small_signed_combinations(groups: Sequence[Group], verdicts: Mapping[str, Verdict],
                              counts: Mapping[str, int], minimum: int) -> list[tuple[int, ...]]:
    """Brute force: every sum of shown groups, coefficients -1, 0 or 1, isolating few people."""
    visible = [g for g in groups if verdicts[g.id].shown]
    atoms = sorted({a for g in groups for a in g.atoms})
    found = []
    for signs in product((-1, 0, 1), repeat=len(visible)):
        vector = [sum(s for s, g in zip(signs, visible, strict=True) if a in g.atoms)
                  for a in atoms]
        n = sum(counts.get(a, 0) for a, v in zip(atoms, vector, strict=True) if v == 1)
        if set(vector) <= {0, 1} and 0 < n < minimum:
            found.append(signs)
    return found


def assert_nothing_small_is_derivable(groups: Sequence[Group], verdicts: Mapping[str, Verdict],
                                      counts: Mapping[str, int], minimum: int = MIN) -> None:
    assert small_derivable_sets(groups, verdicts, counts, minimum) == []
    assert small_signed_combinations(groups, verdicts, counts, minimum) == []
    assert all(v.n >= minimum for v in verdicts.values() if v.shown)


def test_a_minimum_below_three_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="at least 3"):
        reporting_minimum(2)
    with pytest.raises(ValueError, match="at least 3"):
        publishable([group("a", "a")], {"a": 10}, minimum=2)
    assert reporting_minimum(ABSOLUTE_MIN_GROUP_SIZE) == 3
    assert reporting_minimum(DEFAULT_MIN_GROUP_SIZE) == 5


def test_a_group_exactly_at_the_minimum_is_shown_and_one_below_is_hidden() -> None:
    groups = [group("five", "a"), group("four", "b"), group("nobody", "c")]
    verdicts = publishable(groups, {"a": 5, "b": 4}, MIN)
    assert verdicts["five"] == Verdict(True, 5, "")
    assert verdicts["four"] == Verdict(False, 4, "fewer than 5 responses")
    assert verdicts["nobody"] == Verdict(False, 0, "fewer than 5 responses")


def test_differencing_attack_parent_minus_child_is_blocked() -> None:
    teams = [team("eng", name="Engineering"), team("platform", "eng"), team("design", "eng")]
    groups = team_groups(teams)
    counts = {"platform": 10, "design": 3}
    verdicts = publishable(groups, counts, MIN)
    # Engineering (13) is the rolled-up figure; showing Platform (10) too would reveal Design (3).
    assert verdicts["eng"].shown and not verdicts["platform"].shown
    assert verdicts["design"].reason == "fewer than 5 responses"
    reason = verdicts["platform"].reason
    assert reason.startswith("would let someone work out the answers of a smaller group (Design")
    assert "by subtracting Platform from Engineering" in reason
    assert not any(ch.isdigit() for ch in reason)  # never the small group's size
    assert_nothing_small_is_derivable(groups, verdicts, counts)


def test_a_team_of_four_inside_a_department_rolls_up_and_is_not_derivable() -> None:
    teams = [team("dept"), team("a", "dept"), team("b", "dept"), team("c", "dept"),
             team("sales")]
    groups = team_groups(teams)
    counts = {"a": 4, "b": 6, "c": 7, "sales": 8}
    verdicts = publishable(groups, counts, MIN)
    assert verdicts["a"] == Verdict(False, 4, "fewer than 5 responses")
    assert {"dept", "c", "sales", WORKSPACE_GROUP_ID} <= shown(verdicts)
    # The smaller sibling is hidden with it, so dept - c is a group of 10, not the team of 4.
    assert not verdicts["b"].shown
    assert_nothing_small_is_derivable(groups, verdicts, counts)


def test_three_children_subtracted_from_parent_cannot_isolate_the_fourth() -> None:
    teams = [team("p"), *(team(c, "p") for c in ("c1", "c2", "c3", "c4"))]
    groups = team_groups(teams)
    counts = {"c1": 6, "c2": 7, "c3": 8, "c4": 3}
    verdicts = publishable(groups, counts, MIN)
    assert shown(verdicts) == {WORKSPACE_GROUP_ID, "p", "c2", "c3"}
    assert_nothing_small_is_derivable(groups, verdicts, counts)


def test_two_overlapping_filters_cannot_isolate_a_small_group() -> None:
    # "A or B" and "A or C" next to "everyone": F1 + F2 - everyone is the small shared team A.
    groups = [group("everyone", "a", "b", "c"), group("a or b", "a", "b"),
              group("a or c", "a", "c")]
    counts = {"a": 3, "b": 6, "c": 7}
    verdicts = publishable(groups, counts, MIN)
    assert shown(verdicts) == {"everyone", "a or c"}
    assert "by subtracting everyone from a or b plus a or c" in verdicts["a or b"].reason
    assert_nothing_small_is_derivable(groups, verdicts, counts)


def test_two_overlapping_filters_cannot_isolate_a_small_difference() -> None:
    groups = [group("everyone", "a", "b", "c"), group("a or b", "a", "b"),
              group("a or c", "a", "c")]
    counts = {"a": 10, "b": 3, "c": 6}
    verdicts = publishable(groups, counts, MIN)
    assert shown(verdicts) == {"everyone", "a or b"}
    assert_nothing_small_is_derivable(groups, verdicts, counts)


def test_the_whole_company_minus_every_team_cannot_isolate_people_without_a_team() -> None:
    groups = team_groups([team("x"), team("y")])
    counts = {"x": 9, "y": 12, NO_TEAM: 2}
    verdicts = publishable(groups, counts, MIN)
    assert verdicts[WORKSPACE_GROUP_ID].shown
    assert shown(verdicts) == {WORKSPACE_GROUP_ID, "y"}
    assert_nothing_small_is_derivable(groups, verdicts, counts)


def test_a_grandchild_cannot_be_recovered_through_two_levels_of_subtraction() -> None:
    teams = [team("root"), team("mid", "root"), team("leaf", "mid"), team("side", "mid"),
             team("other", "root")]
    groups = team_groups(teams)
    counts = {"leaf": 2, "side": 6, "mid": 0, "other": 5, "root": 1}
    verdicts = publishable(groups, counts, MIN)
    assert_nothing_small_is_derivable(groups, verdicts, counts)
    assert verdicts[WORKSPACE_GROUP_ID].shown


@pytest.mark.parametrize("seed", range(40))
def test_random_team_trees_never_leave_a_small_group_derivable(seed: int) -> None:
    rng = random.Random(seed)
    teams: list[Team] = []
    for i in range(rng.randint(2, 7)):
        parent = rng.choice([None, *(t.id for t in teams)])
        teams.append(team(f"t{i}", parent))
    counts = {t.id: rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9]) for t in teams}
    counts[NO_TEAM] = rng.choice([0, 1, 2])
    minimum = rng.randint(3, 6)
    groups = team_groups(teams)
    verdicts = publishable(groups, counts, minimum)
    assert_nothing_small_is_derivable(groups, verdicts, counts, minimum)


@pytest.mark.parametrize("seed", range(40))
def test_random_overlapping_filters_never_leave_a_small_group_derivable(seed: int) -> None:
    rng = random.Random(1000 + seed)
    atoms = [f"a{i}" for i in range(rng.randint(3, 7))]
    groups = [group(f"g{i}", *rng.sample(atoms, rng.randint(1, len(atoms))))
              for i in range(rng.randint(2, 7))]
    counts = {a: rng.choice([0, 1, 2, 3, 4, 6, 8]) for a in atoms}
    minimum = rng.randint(3, 6)
    verdicts = publishable(groups, counts, minimum)
    assert_nothing_small_is_derivable(groups, verdicts, counts, minimum)


def test_when_overlaps_are_too_many_to_search_crossing_groups_are_hidden_to_be_safe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(anonymity, "MAX_EXACT_GROUPS", 2)
    groups = [group("everyone", "a", "b", "c", "d"), group("a or b", "a", "b"),
              group("b or c", "b", "c"), group("c or d", "c", "d")]
    counts = {"a": 6, "b": 7, "c": 8, "d": 9}
    verdicts = publishable(groups, counts, MIN)
    assert verdicts["everyone"].shown
    assert TOO_COMPLEX in {v.reason for v in verdicts.values()}
    assert_nothing_small_is_derivable(groups, verdicts, counts)


def _large_tree(rng: random.Random, size: int) -> list[Team]:
    teams: list[Team] = []
    for i in range(size):
        parent = teams[rng.randrange(len(teams))].id if teams and rng.random() < 0.95 else None
        teams.append(team(f"t{i}", parent))
    return teams


def test_a_large_tree_of_a_thousand_teams_is_checked_and_every_residual_is_safe() -> None:
    rng = random.Random(7)
    teams = _large_tree(rng, 1000)
    counts = {t.id: rng.choice([0, 0, 1, 2, 3, 4, 6, 10]) for t in teams}
    groups = team_groups(teams)
    verdicts = publishable(groups, counts, MIN)
    children: dict[str | None, list[str]] = {}
    for t in teams:
        children.setdefault(t.parent_id, []).append(t.id)
    children[WORKSPACE_GROUP_ID] = children[None]

    def visible_below(gid: str) -> list[str]:
        found = []
        for child in children.get(gid, []):
            found += [child] if verdicts[child].shown else visible_below(child)
        return found

    for gid, verdict in verdicts.items():
        if verdict.shown:
            rest = verdict.n - sum(verdicts[c].n for c in visible_below(gid))
            assert rest == 0 or rest >= MIN, gid
    assert len(shown(verdicts)) > 1


def test_a_large_tree_with_overlapping_filters_finishes_and_keeps_the_tree() -> None:
    rng = random.Random(8)
    teams = _large_tree(rng, 1000)
    counts = {t.id: rng.choice([0, 1, 2, 3, 6, 10]) for t in teams}
    filters = [Group(f"f{i}", f"filter {i}", frozenset(rng.sample([t.id for t in teams], 50)))
               for i in range(3)]
    verdicts = publishable([*team_groups(teams), *filters], counts, MIN)
    assert verdicts[WORKSPACE_GROUP_ID].shown
    assert not any(verdicts[f.id].shown for f in filters)


def test_the_verdicts_do_not_depend_on_the_order_of_groups_or_counts() -> None:
    rng = random.Random(3)
    teams = _large_tree(rng, 60)
    counts = {t.id: rng.choice([0, 1, 2, 3, 4, 6]) for t in teams}
    groups = [*team_groups(teams), group("mixed", "t1", "t2", "t3", "t5", "t8")]
    first = publishable(groups, counts, MIN)
    rng.shuffle(groups)
    shuffled_counts = dict(sorted(counts.items(), key=lambda _: rng.random()))
    assert publishable(groups, shuffled_counts, MIN) == first


def test_groups_with_the_same_atoms_are_one_figure_and_share_a_verdict() -> None:
    groups = [group("eng", "x"), group("engineering", "x"), group("all", "x", "y")]
    verdicts = publishable(groups, {"x": 5, "y": 5}, MIN)
    assert verdicts["eng"] == verdicts["engineering"]
    assert shown(verdicts) == {"eng", "engineering", "all"}


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="unique"):
        publishable([group("a", "x"), group("a", "y")], {}, MIN)
    with pytest.raises(ValueError, match="negative"):
        publishable([group("a", "x")], {"x": -1}, MIN)


def test_team_groups_hold_each_team_and_its_descendants_and_a_workspace_group() -> None:
    teams = [team("eng", name="Engineering"), team("platform", "eng"), team("core", "platform"),
             team("sales"), team("orphan", "gone")]
    groups = {g.id: g for g in team_groups(teams, workspace_label="Acme")}
    assert groups["eng"] == Group("eng", "Engineering", frozenset({"eng", "platform", "core"}))
    assert groups["platform"].atoms == {"platform", "core"}
    assert groups["orphan"].atoms == {"orphan"}
    assert groups[WORKSPACE_GROUP_ID] == Group(
        WORKSPACE_GROUP_ID, "Acme",
        frozenset({NO_TEAM, "eng", "platform", "core", "sales", "orphan"}))
    assert list(groups)[0] == WORKSPACE_GROUP_ID


def test_team_groups_survive_parent_cycles() -> None:
    teams = [team("a", "b"), team("b", "a"), team("c", "c"), team("d", "a")]
    groups = {g.id: g for g in team_groups(teams)}
    assert groups["a"].atoms == groups["b"].atoms == {"a", "b", "d"}
    assert groups["c"].atoms == {"c"}
