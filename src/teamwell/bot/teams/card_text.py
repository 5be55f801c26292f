"""Teams TextBlock markdown for one paragraph: escaped plain text plus the markup the bot means.

Teams renders a CommonMark subset in TextBlock and Fact text (bold, italic, lists, links) and
turns `<at>name</at>` into a mention when an entity names it. Plain strings are escaped so they
always show literally:

- Backslash, backtick and `* _ ~ [ ] < > &` get a backslash everywhere: no emphasis, code,
  strike-through, link, autolink, HTML, entity reference or `<at>` tag can come from text a
  person typed.
- At the start of a line, `- + = #` and the `.` or `)` after digits get one too (lists, setext
  and ATX headings), and leading spaces become no-break spaces (no indented code block).
- A newline becomes a blank line: outside lists Teams only breaks a line on "\\n\\n".

Backslash escapes are CommonMark's own, and what Teams honours: desktop and web always have,
the mobile renderers since fixes in 2023-24. HTML entities are no escape to rely on (cards do
not support HTML, and clients decode entities differently), so `&` itself is escaped. Bare URLs are left alone: Teams does not autolink bot card text, and a
bare address shows where it goes. Cutting to a length never splits an escape, mention or link.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from teamwell.core.messages import Bold, Link, Mention, Text

# Person id -> (Teams user id "29:...", display name), or None when unknown.
MentionOf = Callable[[str], tuple[str, str] | None]

TEXT_MAX = 3000
ELLIPSIS = "…"
SOMEONE = "someone"
NAME_MAX = 100
_UNLIMITED = 1 << 30

_ALWAYS = frozenset("\\`*_~[]<>&")
_LINE_START = frozenset("-+=#")
_DIGITS = frozenset("0123456789")
_NBSP = "\u00a0"
_SAFE_SCHEMES = ("https://", "http://", "mailto:")
# Characters that could end a link destination early or confuse the mobile renderers.
_URL_ENCODE = {ord(c): f"%{ord(c):02X}" for c in "()<>[]\\\"'`|"}
_NAME_DROP = re.compile(r"[\\`*_~\[\]<>&#|\x00-\x1f\x7f]+")
_TEAMS_ID = re.compile(r"^[^\s<>\"]{1,256}$")


def _lines(s: str) -> str:
    return s.replace("\r\n", "\n").replace("\r", "\n")


def _pieces(s: str, line_start: bool) -> Iterator[str]:
    """The escaped form of s, one piece per source character (or digit run)."""
    s, i, at_start = _lines(s), 0, line_start
    while i < len(s):
        ch = s[i]
        i += 1
        if ch == "\n":
            at_start = True
            yield "\n\n"
        elif at_start and ch in " \t":
            yield _NBSP
        elif at_start and ch in _DIGITS:
            while i < len(s) and s[i] in _DIGITS:
                ch += s[i]
                i += 1
            at_start = False
            yield ch
            if i < len(s) and s[i] in ".)":
                yield "\\" + s[i]
                i += 1
        else:
            escape = ch in _ALWAYS or (at_start and ch in _LINE_START)
            at_start = False
            yield "\\" + ch if escape else ch


def escaped_prefix(s: str, budget: int, line_start: bool = True) -> str:
    """The longest prefix of s whose escaped form fits budget (never cuts an escape)."""
    out: list[str] = []
    used = 0
    for piece in _pieces(s, line_start):
        if used + len(piece) > budget:
            break
        out.append(piece)
        used += len(piece)
    return "".join(out)


def escape(s: str, line_start: bool = True) -> str:
    """Escape text for Teams card markdown so that it always renders literally."""
    return "".join(_pieces(s, line_start))


def escaped_clip(s: str, limit: int, line_start: bool = True) -> str:
    """Escape s within limit characters, ending in an ellipsis when cut."""
    whole = escape(s, line_start)
    if len(whole) <= limit:
        return whole
    return escaped_prefix(s, limit - len(ELLIPSIS), line_start) + ELLIPSIS


def clip(s: str, limit: int) -> str:
    """Cut plain text (a title, label or alt text: never parsed) to limit, with an ellipsis."""
    return s if len(s) <= limit else s[: limit - len(ELLIPSIS)] + ELLIPSIS


def mention_name(name: str) -> str:
    """A display name safe inside `<at>...</at>`: no markup or control characters."""
    return " ".join(_NAME_DROP.sub(" ", name).split())[:NAME_MAX].strip()


@dataclass
class TextEnv:
    """What inline renderers share: the mention lookup and the mention entities used so far."""

    mention_of: MentionOf
    names_only: bool = False  # dialogs: a mention is shown as the person's name, no entity
    entities: list[dict[str, Any]] = field(default_factory=list)

    def add_entity(self, tag: str, teams_id: str, name: str) -> None:
        """Remember the entity a `<at>` tag needs (once per tag and person)."""
        entity = {"type": "mention", "text": tag, "mentioned": {"id": teams_id, "name": name}}
        if entity not in self.entities:
            self.entities.append(entity)


# --- inline parts ---


# The shared wording names Slack's slash commands; in Teams the same words are typed to the bot
# (kudos with an @mention, in a channel). Rewritten here, where the text becomes Teams text.
_SLASH_TEAMWELL = re.compile(r"/teamwell\b ?")
_SLASH_KUDOS = re.compile(r"/kudos\b")


def as_typed(s: str) -> str:
    """Slack's `/teamwell pulse off` as what a Teams user types: `pulse off`."""
    return _SLASH_KUDOS.sub("@Teamwell kudos", _SLASH_TEAMWELL.sub("", s))


def _render_str(part: str, _env: TextEnv, budget: int, line_start: bool) -> str:
    return escaped_prefix(as_typed(part), budget, line_start)


def _render_bold(part: Bold, _env: TextEnv, budget: int, line_start: bool) -> str:
    # Emphasis cannot span a blank line, and CommonMark only bolds when the asterisks touch
    # the words: each line is bolded on its own, with its spaces outside the asterisks.
    out = ""
    for n, line in enumerate(_lines(part.text).split("\n")):
        if n:
            if len(out) + 2 > budget:
                break
            out, line_start = out + "\n\n", True
        core = line.strip()
        if not core:
            out += escaped_prefix(line, budget - len(out), line_start)
            continue
        lead = escape(line[: len(line) - len(line.lstrip())], line_start)
        trail = escape(line[len(line.rstrip()):], False)
        whole = escape(core, False)
        inner = escaped_prefix(core, budget - len(out) - len(lead) - len(trail) - 4, False)
        if not inner:
            break
        out += f"{lead}**{inner}**{trail}"
        if inner != whole:
            break
    return out


def _render_mention(part: Mention, env: TextEnv, budget: int, line_start: bool) -> str:
    found = env.mention_of(part.person_id)
    name = mention_name(found[1]) if found else ""
    if found is None or not name or not _TEAMS_ID.match(found[0]):
        piece = escape(SOMEONE, line_start)
    elif env.names_only:
        piece = escape(name, line_start)
    else:
        piece = f"<at>{name}</at>"
        if len(piece) <= budget:
            env.add_entity(piece, found[0], found[1].strip() or name)
    return piece if len(piece) <= budget else ""


def _render_link(part: Link, _env: TextEnv, budget: int, line_start: bool) -> str:
    url = "".join(ch for ch in part.url if ch.isprintable() and not ch.isspace())
    label = " ".join(_lines(part.label).split())
    if not url.lower().startswith(_SAFE_SCHEMES):
        return escaped_prefix(label, budget, line_start)
    piece = f"[{escape(label or url, False)}]({url.translate(_URL_ENCODE)})"
    return piece if len(piece) <= budget else escaped_prefix(label, budget, line_start)


InlineRenderer = Callable[[Any, TextEnv, int, bool], str]
INLINE_RENDERERS: dict[type, InlineRenderer] = {
    str: _render_str,
    Bold: _render_bold,
    Mention: _render_mention,
    Link: _render_link,
}


def _at_line_start(rendered: str) -> bool:
    return not rendered or rendered.endswith("\n")


def render_text(body: Text, env: TextEnv, limit: int = TEXT_MAX) -> str:
    """Render a paragraph as card markdown no longer than limit, ending in an ellipsis if cut."""
    full: list[str] = []
    for part in body.parts:
        done = "".join(full)
        full.append(INLINE_RENDERERS[type(part)](part, env, _UNLIMITED, _at_line_start(done)))
    if sum(len(piece) for piece in full) <= limit:
        return "".join(full)
    out = ""
    room = limit - len(ELLIPSIS)
    for part, piece in zip(body.parts, full, strict=True):
        if len(piece) > room:
            out += INLINE_RENDERERS[type(part)](part, env, room, _at_line_start(out))
            break
        out += piece
        room -= len(piece)
    return out + ELLIPSIS
