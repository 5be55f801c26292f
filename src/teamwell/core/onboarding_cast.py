"""Who's who in an onboarding, and how {name}, {manager} and {buddy} become mentions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from teamwell.core.messages import Inline, Mention, Text, text
from teamwell.core.people import Person

_PLACEHOLDER = re.compile(r"\{(name|manager|buddy)\}")
# What a placeholder says when nobody fills the role, rather than a broken mention.
_NOBODY = "your team"


@dataclass(frozen=True, slots=True)
class Cast:
    """The people of one onboarding."""

    hire: Person
    manager: Person | None
    buddy: Person | None

    @property
    def helper(self) -> Person | None:
        """Who 'I need help' reaches: the buddy, or the manager standing in for one."""
        return self.buddy or self.manager

    def who(self, placeholder: str) -> Person | None:
        """The person a placeholder (name, manager, buddy) stands for, if any."""
        return {"name": self.hire, "manager": self.manager, "buddy": self.helper}[placeholder]


def fill(template: str, cast: Cast) -> tuple[Inline, ...]:
    """Replace {name}, {manager} and {buddy} with mentions; the rest stays plain text."""
    parts: list[Inline] = []
    pos = 0
    for match in _PLACEHOLDER.finditer(template):
        if match.start() > pos:
            parts.append(template[pos:match.start()])
        person = cast.who(match.group(1))
        parts.append(Mention(person.id) if person else _NOBODY)
        pos = match.end()
    if pos < len(template):
        parts.append(template[pos:])
    return tuple(parts)


def fill_plain(template: str, cast: Cast) -> str:
    """Replace the placeholders with names, for headers and notification text."""
    def name(match: re.Match[str]) -> str:
        person = cast.who(match.group(1))
        return person.name if person else _NOBODY
    return _PLACEHOLDER.sub(name, template)


def visibility(cast: Cast) -> Text:
    """Who sees a check-in answer, said plainly before anyone answers."""
    m, b = cast.manager, cast.buddy
    if m and b:
        return text("Your answer is visible to your manager ", Mention(m.id),
                    " and your buddy ", Mention(b.id), ".")
    if m or b:
        who = m or b
        assert who is not None
        return text(f"Your answer is visible to your {'manager' if m else 'buddy'} ",
                    Mention(who.id), ".")
    return text("Your answer is kept with your onboarding progress; "
                "no manager or buddy is set for you yet.")


def visibility_plain(cast: Cast) -> str:
    """The same visibility notice as plain text, for short replies."""
    names = {cast.hire.id: cast.hire.name}
    names.update({p.id: p.name for p in (cast.manager, cast.buddy) if p})
    return visibility(cast).plain(names)
