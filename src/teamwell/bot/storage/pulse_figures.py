"""The pulse aggregation queries: counting happens in the database, rolled up the team tree."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func, literal, select, union_all
from sqlalchemy.orm import Session

from teamwell.bot.storage.tables import (
    PulseAnswerRow,
    PulseCommentRow,
    PulseInviteRow,
    PulseRoundRow,
    TeamRow,
)
from teamwell.core.pulse import WHOLE_WORKSPACE, InviteStatus, RoundStatus


class PulseFigureQueries:
    """Read-only figures for one workspace and week; mixed into the pulse repository."""

    s: Session

    def _round_ids(self, workspace_id: str, week: date) -> Select[str]:
        # Closed rounds only: figures that move while people answer would show who answered.
        return select(PulseRoundRow.id).where(PulseRoundRow.workspace_id == workspace_id,
                                              PulseRoundRow.week == week,
                                              PulseRoundRow.status == RoundStatus.CLOSED.value)

    def value_counts(self, workspace_id: str, week: date) -> list[tuple[str, str, int, int]]:
        """(group, dimension, value, count) for the week, rolled up the team tree ("*": all)."""
        a = PulseAnswerRow
        # Every team paired with itself and each of its descendants: a team's figures include
        # its sub-teams'. Depth is capped so that a cycle in parent links cannot loop forever.
        base = select(TeamRow.id.label("ancestor"), TeamRow.id.label("descendant"),
                      literal(0).label("depth")).where(TeamRow.workspace_id == workspace_id)
        closure = base.cte("closure", recursive=True)
        child = (select(closure.c.ancestor, TeamRow.id, closure.c.depth + 1)
                 .join(TeamRow, TeamRow.parent_id == closure.c.descendant)
                 .where(TeamRow.workspace_id == workspace_id, closure.c.depth < 32))
        closure = closure.union_all(child)
        answered = (a.workspace_id == workspace_id, a.value.is_not(None),
                    a.round_id.in_(self._round_ids(workspace_id, week)))
        per_team = (select(closure.c.ancestor, a.dimension, a.value, func.count())
                    .join(closure, closure.c.descendant == a.team_id).where(*answered)
                    .group_by(closure.c.ancestor, a.dimension, a.value))
        everyone = (select(literal(WHOLE_WORKSPACE), a.dimension, a.value, func.count())
                    .where(*answered).group_by(a.dimension, a.value))
        rows = self.s.execute(union_all(per_team, everyone))
        return [(str(g), str(d), int(v), int(n)) for g, d, v, n in rows]

    def respondents(self, workspace_id: str, week: date) -> dict[str, dict[str, int]]:
        """Respondents per dimension ("" for any answer) per team as answered, for the week."""
        a = PulseAnswerRow
        where = (a.workspace_id == workspace_id, a.value.is_not(None),
                 a.round_id.in_(self._round_ids(workspace_id, week)))
        per_dim = (select(a.dimension, a.team_id, func.count(func.distinct(a.token)))
                   .where(*where).group_by(a.dimension, a.team_id))
        # A person is asked at most once a week, so one token is one respondent.
        anyone = (select(literal(""), a.team_id, func.count(func.distinct(a.token)))
                  .where(*where).group_by(a.team_id))
        out: dict[str, dict[str, int]] = {}
        for dim, team, n in self.s.execute(union_all(per_dim, anyone)):
            out.setdefault(str(dim), {})[str(team)] = int(n)
        return out

    def invited(self, workspace_id: str, week: date) -> dict[str, int]:
        """People sent the week's pulse, per team as invited."""
        i = PulseInviteRow
        q = (select(i.team_id, func.count()).where(
            i.workspace_id == workspace_id, i.status == InviteStatus.SENT.value,
            i.round_id.in_(self._round_ids(workspace_id, week)),
        ).group_by(i.team_id))
        return {str(team): int(n) for team, n in self.s.execute(q)}

    def comments(self, workspace_id: str, week: date) -> list[tuple[str, str]]:
        """(team as answered, comment) for the week, in no meaningful order."""
        c = PulseCommentRow
        q = select(c.team_id, c.body).where(
            c.workspace_id == workspace_id, c.round_id.in_(self._round_ids(workspace_id, week)))
        return [(str(t), str(b)) for t, b in self.s.execute(q)]
