"""A small keyword rule for work stress: words and phrases people use, with simple negation."""

from __future__ import annotations

import re

# Phrases that carry their own negation ("can't cope", "no time"): never read as negated.
_SELF_NEGATED = [
    r"can'?t (?:cope|keep up|switch off|take (?:it|much more)|sleep)", r"cannot (?:cope|keep up)",
    r"no (?:time|breaks?|lunch breaks?|down ?time|life|weekends?|let ?up)\b(?! pressure)",
    r"not enough (?:time|people|staff|hours|hands)", r"lack of (?:sleep|staff|resources)",
    r"(?:no|poor|bad|zero|non-?existent) work[- ]?life balance",
    r"work[- ]?life balance (?:is|has been) (?:poor|bad|terrible|awful|non-?existent|gone)",
]
# Words about the work itself: in a comment to an employer, they are work stress.
_WORK_WORDS = [
    r"burn(?:ed|t)[- ]?out", r"burnout", r"overwork(?:ed|ing)?", r"overtime", r"over-?loaded",
    r"overload", r"understaffed", r"short[- ]staffed", r"stretched (?:too )?thin", r"crunch",
    r"firefighting", r"(?:impossible|tight|constant|back to back) deadlines?", r"on call",
    r"(?:too|so) many (?:meetings|tickets|projects|tasks|deadlines)", r"long (?:hours|days|nights)",
    r"behind (?:on|with) (?:everything|my work|work)", r"snowed under", r"swamped", r"drowning",
    r"work(?:ing)? (?:late|nights|weekends|every weekend|through lunch)",
]
# Words of stress in general ("stressed about exams" is stress too, but not always work's).
_GENERAL_WORDS = [
    r"stress(?:ed|ful|ing)?", r"overwhelm(?:ed|ing)?", r"exhaust(?:ed|ing|ion)", r"pressured?",
    r"underwater", r"anxious", r"anxiety", r"worn out", r"knackered", r"shattered", r"frazzled",
    r"tired", r"breaking point", r"hectic", r"too much",
]
# Topic words that are stress only when a heavy word goes with them ("the workload is crazy").
_TOPICS = r"(?:workload|work load|deadlines?|targets?|hours)"
_HEAVY = (r"(?:heavy|huge|crazy|insane|massive|enormous|unmanageable|relentless|brutal|"
          r"ridiculous|unrealistic|impossible|endless|tight|too high|too long|keeps? growing|"
          r"piling up)")
_CALM = (r"(?:fine|manageable|reasonable|ok|okay|normal|fair|realistic|light|good|under control|"
         r"sustainable)")
_NEGATORS = {"not", "no", "never", "without", "hardly", "less", "nor", "zero", "reduced",
             "lower", "fewer", "cannot"}
_TOKEN = re.compile(r"[a-z']+")


def _any_of(patterns: list[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b")


_self_negated = re.compile(r"\b(?:" + "|".join(_SELF_NEGATED) + r")")
_work = _any_of([*_WORK_WORDS, rf"{_HEAVY}\W+(?:\w+\W+)?{_TOPICS}",
                 rf"{_TOPICS}\W+(?:\w+\W+){{0,3}}{_HEAVY}"])
_general = _any_of(_GENERAL_WORDS)
_calm = re.compile(rf"\b{_TOPICS}\W+(?:\w+\W+){{0,3}}{_CALM}\b")


def _lower(text: str) -> str:
    return text.lower().replace("\u2019", "'")


def _affirmed(low: str, pattern: re.Pattern[str]) -> bool:
    """Whether the pattern occurs once at least without a negation in the 3 words before it."""
    for match in pattern.finditer(low):
        if low[match.end():match.end() + 5] in ("-free", " free"):  # "stress-free": the opposite
            continue
        before = _TOKEN.findall(low[:match.start()])[-3:]
        if not any(t in _NEGATORS or t.endswith("n't") for t in before):
            return True
    return False


def names_work_strain(text: str) -> bool:
    """Whether a comment names strain that is about work itself (overtime, understaffed,
    burnt out, no work-life balance, a crazy workload, ...), negation aware."""
    low = _lower(text)
    return bool(_self_negated.search(low)) or _affirmed(low, _work)


def speaks_of_work_stress(text: str) -> bool:
    """Whether a comment speaks of work stress: the work words above, or stress words in
    general ("stressed", "exhausted", "too much"), negation aware."""
    return names_work_strain(text) or _affirmed(_lower(text), _general)


def denies_work_stress(text: str) -> bool:
    """Whether a comment says stress is absent ("not stressed", "no pressure", "the workload is
    fine") and names none: sentence embeddings read past such negations."""
    low = _lower(text)
    if speaks_of_work_stress(low):
        return False
    return bool(_calm.search(low) or _work.search(low) or _general.search(low))
