"""Regular expressions tried only where they can match: two cheap tests put in front of them.

1. A first-character lookahead. `re` finds where a match may start by a literal prefix or a set
   of first characters, but it works one out only when the pattern opens with a literal or a
   character class, and never for a letter under IGNORECASE. A pattern that opens with `\\b`, a
   lookbehind, or an alternation of words ("(?:child|children|kids?|boys?...)") matched
   case-insensitively is tried in full at every position of the text. `with_lookahead` works
   out from the parsed pattern the characters a match can start with and puts them in front, as
   `(?=[...])`: most positions then fail on one class test.
2. Required words. Most of the claim types' patterns need a word that most sentences lack ("made
   ... to fight" needs "to" and one of "made", "forced", ...). `gated` works out from the parsed
   pattern a list of words one of which every match holds, and tries the pattern only on a text
   holding one of them (a substring test on the lower-cased text, far cheaper than a scan).

Neither changes a match (same spans, same groups): each removes only texts or positions where
the pattern fails anyway.
"""
from __future__ import annotations

import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Iterator

_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_CATEGORIES = {sre.CATEGORY_DIGIT: r"\d", sre.CATEGORY_SPACE: r"\s", sre.CATEGORY_WORD: r"\w"}


def _char(code: int) -> str:
    return "\\" + chr(code) if chr(code) in "-]\\^[" else re.escape(chr(code))


def _class_items(items: list) -> list[str] | None:
    out = []
    for op, av in items:
        if op is sre.LITERAL:
            out.append(_char(av))
        elif op is sre.RANGE:
            out.append(_char(av[0]) + "-" + _char(av[1]))
        elif op is sre.CATEGORY and av in _CATEGORIES:
            out.append(_CATEGORIES[av])
        else:  # a negated class, a negated category: any character, near enough
            return None
    return out


def _first(op, av) -> tuple[list[str] | None, bool]:
    """The class items a match of one parsed item can start with (None: unknown, take any), and
    whether the item can match the empty string (then what follows it can start the match too)."""
    if op is sre.LITERAL:
        return [_char(av)], False
    if op is sre.IN:
        return _class_items(av), False
    if op is sre.BRANCH:
        items: list[str] = []
        empty = False
        for alt in av[1]:
            got, alt_empty = _first_of(alt.data)
            if got is None:
                return None, False
            items += got
            empty = empty or alt_empty
        return items, empty
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        if add_flags & re.IGNORECASE:  # letters case-insensitive inside only: not worked out
            return None, False
        return _first_of(sub.data)
    if op is sre.ATOMIC_GROUP:
        return _first_of(av.data)
    if op in _REPEATS:
        low, _high, sub = av
        got, empty = _first_of(sub.data)
        return got, empty or low == 0
    if op in _ZERO_WIDTH:
        return [], True
    return None, False  # any character, a back reference, a conditional group


def _first_of(items: list) -> tuple[list[str] | None, bool]:
    out: list[str] = []
    for op, av in items:
        got, empty = _first(op, av)
        if got is None:
            return None, False
        out += got
        if not empty:
            return out, False
    return out, True


def first_class(pattern: str, flags: int = 0) -> str | None:
    """A character class holding every character a match of `pattern` can start with (under the
    same flags), or None when that is not worked out or could be any character."""
    return _class_of(sre_parse.parse(pattern, flags).data)


def _class_of(data: list) -> str | None:
    items, empty = _first_of(data)
    if items is None or empty or not items:
        return None
    return "[" + "".join(dict.fromkeys(items)) + "]"


def _lookahead_of(data: list) -> str | None:
    """The class worth a lookahead for a parsed pattern: none for a pattern that opens with a
    character or class itself (re tests that as fast), nor for a class as wide as a category
    (most positions pass it)."""
    if not data or data[0][0] in (sre.LITERAL, sre.IN):
        return None
    cls = _class_of(data)
    if cls is None or "\\d" in cls or "\\s" in cls or "\\w" in cls:
        return None
    return cls


def _wrapped(pattern: str, flags: int, cls: str | None) -> re.Pattern | None:
    if cls is None:
        return None
    try:
        return re.compile(f"(?={cls})(?:{pattern})", flags)
    except re.error:  # e.g. global inline flags, which must open the pattern
        return None


def with_lookahead(compiled: re.Pattern) -> re.Pattern:
    """`compiled` with a lookahead on its first character in front, when that helps."""
    if not isinstance(compiled.pattern, str) or compiled.flags & re.VERBOSE:  # (a comment would swallow the ")")
        return compiled
    cls = _lookahead_of(sre_parse.parse(compiled.pattern, compiled.flags).data)
    return _wrapped(compiled.pattern, compiled.flags, cls) or compiled


def compile_fast(pattern: str, flags: int = 0, gate: bool = False) -> "re.Pattern | Gated":
    """re.compile(pattern, flags) with a lookahead on its first character when that helps, and with
    `gate` behind a test for its required words (see gated): from one parse of the pattern (the
    claims lexicon compiles a few hundred at start-up)."""
    if flags & re.VERBOSE:
        return re.compile(pattern, flags)
    data = sre_parse.parse(pattern, flags).data
    compiled = _wrapped(pattern, flags, _lookahead_of(data)) or re.compile(pattern, flags)
    return _gate(compiled, _words_of(data)) if gate else compiled


# non-ASCII characters that IGNORECASE matches to an ASCII letter ("ſ" to "s", the Kelvin sign to
# "k", dotted and dotless i): a text holding one is always tried (str.lower() does not give those)
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


def required_words(pattern: str, flags: int = 0) -> tuple[str, ...] | None:
    """Lower-cased words one of which every match of `pattern` holds, or None when none is found."""
    return _words_of(sre_parse.parse(pattern, flags).data)


def _words_of(items: list) -> tuple[str, ...] | None:
    """The best requirement of a sequence: the one whose shortest word is longest, then fewest words."""
    found: list[tuple[str, ...]] = []
    run = ""
    for op, av in list(items) + [(None, None)]:
        if op is sre.LITERAL and chr(av).isascii():
            run += chr(av).lower()
            continue
        if run:
            found.append((run,))
            run = ""
        if op is sre.SUBPATTERN:
            got = _words_of(av[3].data)
        elif op is sre.ATOMIC_GROUP:
            got = _words_of(av.data)
        elif op in _REPEATS and av[0] >= 1:
            got = _words_of(av[2].data)
        elif op is sre.BRANCH:
            alts = [_words_of(alt.data) for alt in av[1]]
            got = None if any(a is None for a in alts) else tuple(dict.fromkeys(w for a in alts for w in a))
        else:
            got = None
        if got:
            found.append(got)
    if not found:
        return None
    return max(found, key=lambda words: (min(map(len, words)), -len(words)))


_last_lowered: tuple[str | None, str] = (None, "")


class Gated:
    """A compiled pattern tried only on texts that hold one of its required words (`search` and
    `finditer` on a whole text; `pattern` and `flags` are the compiled pattern's)."""

    __slots__ = ("compiled", "words", "pattern", "flags")

    def __init__(self, compiled: re.Pattern, words: tuple[str, ...]):
        self.compiled, self.words = compiled, words
        self.pattern, self.flags = compiled.pattern, compiled.flags

    def _may_match(self, text: str) -> bool:
        global _last_lowered
        # the same sentence is asked of many patterns in a row: lower-cased once for all of them
        # (one tuple, read and replaced whole)
        last = _last_lowered
        if last[0] is text:
            low = last[1]
        else:
            low = text.lower()
            _last_lowered = (text, low)
        return any(map(low.__contains__, self.words)) or (not text.isascii() and _FOLDS_TO_ASCII.search(text) is not None)

    def search(self, text: str) -> re.Match | None:
        return self.compiled.search(text) if self._may_match(text) else None

    def finditer(self, text: str) -> Iterator[re.Match]:
        return self.compiled.finditer(text) if self._may_match(text) else iter(())


def gated(compiled: re.Pattern) -> "re.Pattern | Gated":
    """`compiled`, behind a test for its required words when it has some worth testing."""
    if not isinstance(compiled.pattern, str) or compiled.flags & re.VERBOSE:
        return compiled
    return _gate(compiled, required_words(compiled.pattern, compiled.flags))


def _gate(compiled: re.Pattern, words: tuple[str, ...] | None) -> "re.Pattern | Gated":
    # words of at least two letters: a one-letter word is in every sentence
    if not words or min(map(len, words)) < 2:
        return compiled
    return Gated(compiled, words)
