"""The pulse aggregation queries: counting happens in the database, rolled up the team tree."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func, literal, select, text, union_all
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

    def _no_jit(self) -> None:
        # The recursive team tree's row estimate is far too high, which makes PostgreSQL
        # JIT-compile these short queries: compiling costs more than running them.
        if self.s.get_bind().dialect.name == "postgresql":
            self.s.execute(text("SET LOCAL jit = off"))

    def value_counts(self, workspace_id: str, week: date) -> list[tuple[str, str, int, int]]:
        """(group, dimension, value, count) for the week, rolled up the team tree ("*": all)."""
        self._no_jit()
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
        # Count per team first (a few thousand rows), then add those counts up the tree:
        # joining every answer to every ancestor would group several times as many rows.
        per_team = (select(a.team_id, a.dimension, a.value, func.count().label("n"))
                    .where(a.workspace_id == workspace_id, a.value.is_not(None),
                           a.round_id.in_(self._round_ids(workspace_id, week)))
                    .group_by(a.team_id, a.dimension, a.value).cte("per_team"))
        up_the_tree = (select(closure.c.ancestor, per_team.c.dimension, per_team.c.value,
                              func.sum(per_team.c.n))
                       .join(closure, closure.c.descendant == per_team.c.team_id)
                       .group_by(closure.c.ancestor, per_team.c.dimension, per_team.c.value))
        everyone = (select(literal(WHOLE_WORKSPACE), per_team.c.dimension, per_team.c.value,
                           func.sum(per_team.c.n))
                    .group_by(per_team.c.dimension, per_team.c.value))
        rows = self.s.execute(union_all(up_the_tree, everyone))
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
            c.workspace_id == workspace_id, c.round_id.in_(self._round_ids(workspace_id, week)),
            c.body.is_not(None))
        return [(str(t), str(b)) for t, b in self.s.execute(q)]

    def comment_moods(self, workspace_id: str, week: date) -> list[tuple[str, str, bool]]:
        """(team as answered, sentiment label, stress) of the week's scored comments."""
        c = PulseCommentRow
        q = select(c.team_id, c.sentiment_label, c.stress).where(
            c.workspace_id == workspace_id, c.round_id.in_(self._round_ids(workspace_id, week)),
            c.sentiment_label.is_not(None))
        return [(str(t), str(label), bool(stress)) for t, label, stress in self.s.execute(q)]
