"""Which pulse figures may be shown without exposing a small group of people.

A figure (average, distribution, count, participation) pools a group: a set of atoms, the team ids
people were in when they answered. Anyone may add and subtract the figures they see, so a group is
shown only when no combination of shown figures isolates 1..minimum-1 respondents (per figure).

Proven: a set of atoms is derivable exactly when its 0/1 vector lies in the rational span of the
shown groups' vectors. In a laminar family (a team tree) those sets are exactly the unions of
residuals (a group minus the largest shown groups inside it), so checking residuals is complete
and linear in the groups' total size. Overlapping families within MAX_EXACT_GROUPS groups and
MAX_SEARCH_STEPS are searched exhaustively: every 0/1 vector of the span, in exact integers.
Heuristic, deciding how much is hidden but never whether a leak remains: a leak hides the most
detailed group involved (fewest respondents, then atoms, then id) so rolled-up parents stay; past
those limits, groups crossing other shown groups are hidden, most crossings first, until the
family is a tree or small enough to search.
Not covered: inference from value ranges (five answers averaging 5.0 on a 1-5 scale) and from
combining different figures, rounds or dimensions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import gcd, lcm

from teamwell.core.people import Team

DEFAULT_MIN_GROUP_SIZE = 5
ABSOLUTE_MIN_GROUP_SIZE = 3
WORKSPACE_GROUP_ID = "*"
# Answers from people without a team count towards the whole company only.
NO_TEAM = ""
# The exact search for overlapping groups is exponential in the worst case; past these bounds the
# conservative fallback (hide crossing groups) takes over so a request always finishes quickly.
MAX_EXACT_GROUPS = 40
MAX_SEARCH_STEPS = 30_000
TOO_COMPLEX = "overlaps other shown groups in too many ways to check, so it is hidden to be safe"


def reporting_minimum(value: int) -> int:
    """The reporting minimum, refusing anything below ABSOLUTE_MIN_GROUP_SIZE."""
    if value < ABSOLUTE_MIN_GROUP_SIZE:
        raise ValueError(f"the minimum group size must be at least {ABSOLUTE_MIN_GROUP_SIZE} "
                         f"(got {value}); smaller groups would let people recognise each other")
    return value


@dataclass(frozen=True, slots=True)
class Group:
    """A reporting group: the atoms (team ids as answered) whose answers it pools."""

    id: str
    label: str
    atoms: frozenset[str]


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a group's figure may be shown. Never display n when it is hidden."""

    shown: bool
    n: int
    reason: str


def team_groups(teams: Sequence[Team], workspace_label: str = "Whole company") -> list[Group]:
    """The workspace-wide group, then one group per team: the team and all its descendants."""
    ids = {t.id for t in teams}
    children: dict[str, list[str]] = {}
    for team in teams:
        if team.parent_id in ids and team.parent_id != team.id:
            children.setdefault(str(team.parent_id), []).append(team.id)
    groups = [Group(WORKSPACE_GROUP_ID, workspace_label, frozenset(ids | {NO_TEAM}))]
    seen: set[str] = set()
    for team in teams:
        if team.id not in seen:
            seen.add(team.id)
            groups.append(Group(team.id, team.name, _subtree(team.id, children)))
    return groups


def _subtree(root: str, children: Mapping[str, list[str]]) -> frozenset[str]:
    # The visited set is the cycle guard: teams on a parent cycle all contain each other.
    found, todo = {root}, [root]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return frozenset(found)


def publishable(groups: Sequence[Group], counts: Mapping[str, int],
                minimum: int) -> dict[str, Verdict]:
    """Verdicts for every group, given one figure's respondents per atom (missing atoms are 0)."""
    minimum = reporting_minimum(minimum)
    if len({g.id for g in groups}) != len(groups):
        raise ValueError("group ids must be unique")
    if any(value < 0 for value in counts.values()):
        raise ValueError("respondent counts cannot be negative")
    present = frozenset(atom for atom, value in counts.items() if value)
    verdicts: dict[str, Verdict] = {}
    same: dict[frozenset[str], tuple[int, list[Group]]] = {}
    for group in groups:
        n = sum(counts[atom] for atom in group.atoms & present)
        if n < minimum:
            verdicts[group.id] = Verdict(False, n, f"fewer than {minimum} responses")
        else:
            same.setdefault(group.atoms, (n, []))[1].append(group)
    nodes = sorted((_Node(atoms, n, tuple(sorted(members, key=lambda g: g.id)))
                    for atoms, (n, members) in same.items()), key=_key)
    hidden = _resolve(nodes, counts, minimum, _index(groups))
    for node in nodes:
        reason = hidden.get(node, "")
        for group in node.groups:
            verdicts[group.id] = Verdict(not reason, node.n, reason)
    return {g.id: verdicts[g.id] for g in groups}


@dataclass(frozen=True, slots=True, eq=False)
class _Node:
    """Groups with the same atoms: one figure, shown or hidden together."""

    atoms: frozenset[str]
    n: int
    groups: tuple[Group, ...]


class _TooHard(Exception):
    """The exact search would take too long."""


def _key(node: _Node) -> tuple[int, int, str]:
    # Smallest key = most detailed group: the first to hide when figures leak.
    return node.n, len(node.atoms), node.groups[0].id


def _resolve(nodes: list[_Node], counts: Mapping[str, int], minimum: int,
             index: Mapping[str, list[Group]]) -> dict[_Node, str]:
    hidden: dict[_Node, str] = {}
    visible = list(nodes)
    budget = [MAX_SEARCH_STEPS]  # shared by every search of this call, so the total is bounded
    while True:
        kids, crossings = _structure(visible)
        if not crossings:
            hidden.update(_laminar(visible, kids, minimum, index))
            return hidden
        try:
            if len(visible) > MAX_EXACT_GROUPS:
                raise _TooHard
            leak = _search(visible, counts, minimum, budget)
            if leak is None:
                return hidden
            coefficients, atoms = leak
            involved = [(node, k) for node, k in zip(visible, coefficients, strict=True) if k]
            victim = min((node for node, _ in involved), key=_key)
            plus = [node for node, k in involved if k == 1]
            minus = [node for node, k in involved if k == -1]
            base = plus[0].groups[0].label if len(plus) == 1 else ""
            if len(plus) + len(minus) < len(involved):
                plus, minus = [node for node, _ in involved], []
            hidden[victim] = _reason(_name(atoms, base, index), plus, minus)
        except _TooHard:
            victim = min(crossings, key=lambda node: (-crossings[node], _key(node)))
            hidden[victim] = TOO_COMPLEX
        visible.remove(victim)


def _structure(nodes: list[_Node]) -> tuple[dict[_Node, list[_Node]], dict[_Node, int]]:
    """The largest nodes inside each node, and how many crossing pairs each node is in."""
    owner: dict[str, _Node] = {}
    kids: dict[_Node, list[_Node]] = {}
    crossings: dict[_Node, int] = {}
    # Smallest first, so an atom's owner is the largest node so far holding it; in a laminar
    # family those owners are exactly the node's children, and any crossing shows up here.
    for node in sorted(nodes, key=lambda x: (len(x.atoms), _key(x))):
        below = {owner[a] for a in node.atoms if a in owner}
        for low in sorted(below, key=_key):
            if low.atoms < node.atoms:
                kids.setdefault(node, []).append(low)
            else:
                crossings[low] = crossings.get(low, 0) + 1
                crossings[node] = crossings.get(node, 0) + 1
        owner.update(dict.fromkeys(node.atoms, node))
    return kids, crossings


def _laminar(visible: list[_Node], kids: dict[_Node, list[_Node]], minimum: int,
             index: Mapping[str, list[Group]]) -> dict[_Node, str]:
    hidden: dict[_Node, str] = {}
    # Children first: hiding a child only changes its parent's residual, so one pass settles all.
    for node in sorted(visible, key=lambda x: (len(x.atoms), _key(x))):
        inside = kids.get(node, [])
        while inside and 0 < node.n - sum(k.n for k in inside) < minimum:
            victim = min(inside, key=_key)
            rest = node.atoms.difference(*(k.atoms for k in inside))
            label = node.groups[0].label
            hidden[victim] = _reason(_name(rest, label, index), [node], inside)
            inside.remove(victim)
            inside.extend(kids.get(victim, []))
    return hidden


def _search(nodes: list[_Node], counts: Mapping[str, int], minimum: int,
            budget: list[int]) -> tuple[list[Fraction], frozenset[str]] | None:
    """A derivable set of 1..minimum-1 respondents (coefficients per node, atoms), or None."""
    cells: dict[tuple[int, ...], list[str]] = {}
    for atom in set().union(*(node.atoms for node in nodes)):
        signature = tuple(i for i, node in enumerate(nodes) if atom in node.atoms)
        cells.setdefault(signature, []).append(atom)
    size = {s: sum(counts.get(a, 0) for a in atoms) for s, atoms in cells.items()}
    # Large cells first: they can never be in a leak, which prunes the search early.
    order = sorted(cells, key=lambda s: (-size[s], s))
    width, height = len(order), len(nodes)
    # The identity on the right records which groups each reduced row combines.
    basis = _echelon([[int(i in s) for s in order] + [int(i == k) for k in range(height)]
                      for i in range(height)], width)
    scale = lcm(*(row[pivot] for pivot, row in basis))
    vectors = [[v * (scale // row[pivot]) for v in row[:width]] for pivot, row in basis]
    sparse = [[(j, v) for j, v in enumerate(vec) if v] for vec in vectors]
    settled: list[list[int]] = [[] for _ in basis]  # columns whose value is final after row r
    for j in range(width):
        settled[max(r for r, vec in enumerate(vectors) if vec[j])].append(j)
    values = [0] * width

    def visit(r: int, total: int, chosen: list[int]) -> list[int] | None:
        if r == len(basis):
            return chosen if total > 0 else None
        for pick in (0, 1):
            budget[0] -= 1
            if budget[0] < 0:
                raise _TooHard
            for j, v in sparse[r]:
                values[j] += v * pick
            grown, fits = total, True
            for j in settled[r]:
                if values[j] == scale:
                    grown += size[order[j]]
                elif values[j]:
                    fits = False
                    break
            if fits and grown < minimum:
                found = visit(r + 1, grown, [*chosen, r] if pick else chosen)
                if found is not None:
                    return found
            for j, v in sparse[r]:
                values[j] -= v * pick
        return None

    chosen = visit(0, 0, [])
    if chosen is None:
        return None
    coefficients = [sum((Fraction(basis[r][1][width + i], basis[r][1][basis[r][0]])
                         for r in chosen), Fraction(0)) for i in range(height)]
    atoms = frozenset(a for j, s in enumerate(order) if values[j] == scale for a in cells[s])
    return coefficients, atoms


def _echelon(rows: list[list[int]], width: int) -> list[tuple[int, list[int]]]:
    """Reduced row echelon form of the first width columns, over the integers (no division)."""
    done: list[tuple[int, list[int]]] = []
    rest = rows
    for col in range(width):
        pick = next((row for row in rest if row[col]), None)
        if pick is None:
            continue
        rest = [row for row in rest if row is not pick]
        nonzero = [j for j, v in enumerate(pick) if v]
        p = pick[col]
        for other in [*(row for _, row in done), *rest]:
            f = other[col]
            if not f:
                continue
            if p != 1:
                other[:] = [v * p for v in other]
            for j in nonzero:
                other[j] -= f * pick[j]
            common = gcd(*other)
            if common > 1:
                other[:] = [v // common for v in other]
        done.append((col, pick))
    return done


def _index(groups: Sequence[Group]) -> dict[str, list[Group]]:
    """Groups by any one of their atoms, smallest first, for naming derived sets."""
    # One atom per group suffices: a group inside a set has all its atoms in it.
    index: dict[str, list[Group]] = {}
    for group in sorted(groups, key=lambda g: len(g.atoms)):
        if group.atoms:
            index.setdefault(next(iter(group.atoms)), []).append(group)
    return index


def _name(atoms: frozenset[str], base: str, index: Mapping[str, list[Group]]) -> str:
    """A derived set named by the groups it is made of; never by counts, which could leak."""
    inside: dict[str, Group] = {}
    for atom in atoms:
        for group in index.get(atom, ()):
            if len(group.atoms) > len(atoms):
                break
            if group.atoms <= atoms:
                inside[group.id] = group
    covered: set[str] = set()
    names: list[str] = []
    for group in sorted(inside.values(), key=lambda g: (-len(g.atoms), g.id)):
        if not group.atoms <= covered:
            covered |= group.atoms
            names.append(group.label)
    if atoms - covered:
        names.append(f"others in {base}" if base else "others")
    return _join(names if len(names) <= 4 else [*names[:3], "others"])


def _reason(name: str, plus: Sequence[_Node], minus: Sequence[_Node]) -> str:
    labels = [sorted(node.groups[0].label for node in side) for side in (plus, minus)]
    how = (f"by subtracting {_join(labels[1])} from {' plus '.join(labels[0])}" if labels[1]
           else f"by combining {_join(labels[0])}")
    return f"would let someone work out the answers of a smaller group ({name}, {how})"


def _join(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
