"""spaCy's attribute ruler, applied with a table instead of its Matcher.

The attribute ruler of en_core_web_sm (its tag map and morphology rules: 179 rules, nearly all on
one token's TAG, LOWER, DEP or IS_SPACE) costs a quarter of what parsing a sentence costs, most
of it in the Matcher, which tries every rule at every token. `FastRuler` gives the same tokens the
same attributes: a one-token rule's verdict depends only on those four values of the token, so it
is worked out once per distinct combination (kept in a dict); the few two-token rules ("gon na",
"there is") are tried where they can match. The ruler's semantics are kept: every rule is matched
against the tokens as the parser left them, then the matches are applied in rule order (a later
rule overrides an earlier one's attribute). A ruler whose patterns use anything else is refused
(ValueError), so that the caller keeps spaCy's own.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
from spacy.tokens._retokenize import set_token_attrs

_FIELDS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}
_COLUMNS = [TAG, LOWER, DEP, IS_SPACE]

Row = tuple  # (tag, lower, dep, is_space) of one token, as strings and a bool


def _predicate(field: str, want: Any) -> Callable[[Row], bool]:
    """One key of a Matcher token pattern as a test on a token's row."""
    k = _FIELDS[field]  # KeyError for an attribute this ruler does not handle
    if isinstance(want, dict):
        if len(want) != 1:
            raise ValueError(f"unsupported pattern value {want!r}")
        (op, arg), = want.items()
        if op == "IN":
            values = set(arg)
            return lambda row: row[k] in values
        if op == "NOT_IN":
            values = set(arg)
            return lambda row: row[k] not in values
        if op == "REGEX":
            rx = re.compile(arg)
            return lambda row: bool(rx.search(row[k]))
        raise ValueError(f"unsupported pattern operator {op!r}")
    if isinstance(want, (str, bool)):
        return lambda row: row[k] == want
    raise ValueError(f"unsupported pattern value {want!r}")


def _token_test(spec: dict) -> Callable[[Row], bool]:
    if not spec or set(spec) - set(_FIELDS):
        raise ValueError(f"unsupported token pattern {spec!r}")
    tests = [_predicate(f, v) for f, v in spec.items()]
    return lambda row: all(t(row) for t in tests)


class FastRuler:
    """Apply an AttributeRuler's rules to parsed docs (in place), as the ruler itself does."""

    def __init__(self, ruler):
        self.strings = ruler.vocab.strings
        self.attrs: list[dict] = list(ruler.attrs)
        self.single: list[tuple[int, int]] = []  # (rule, token test) of one-token patterns
        self.multi: list[tuple[int, list[int], int]] = []  # (rule, token tests, index)
        specs: list[dict] = []  # every token pattern, its test known by its position here
        for rule, entry in enumerate(ruler.patterns):
            for pattern in entry["patterns"]:
                ids = list(range(len(specs), len(specs) + len(pattern)))
                specs.extend(pattern)
                if len(ids) == 1:
                    self.single.append((rule, ids[0]))
                else:
                    self.multi.append((rule, ids, ruler.indices[rule]))
        self.tests = [_token_test(spec) for spec in specs]
        # the tests are indexed so that a token tries only those that can hold for it: by the
        # literal LOWER they ask for, and those without LOWER once per (tag, dep, is_space)
        self.by_lower: dict[str, list[int]] = {}
        self.no_lower: list[int] = []
        self.other: list[int] = []
        for k, spec in enumerate(specs):
            low = spec.get("LOWER")
            if low is None:
                self.no_lower.append(k)
            elif isinstance(low, str):
                self.by_lower.setdefault(low, []).append(k)
            elif isinstance(low, dict) and set(low) == {"IN"}:
                for word in low["IN"]:
                    self.by_lower.setdefault(word, []).append(k)
            else:
                self.other.append(k)
        self._held: dict[tuple, frozenset] = {}  # (tag, dep, is_space) -> no-LOWER tests that hold
        self._passed: dict[Row, frozenset] = {}  # token row -> every test that holds
        self._merged: dict[Row, dict] = {}  # token row -> the attributes its one-token rules leave

    def _passes(self, row: Row) -> frozenset:
        got = self._passed.get(row)
        if got is None:
            key = (row[0], row[2], row[3])
            held = self._held.get(key)
            if held is None:
                held = self._held[key] = frozenset(k for k in self.no_lower if self.tests[k](row))
            more = [k for k in self.by_lower.get(row[1], []) + self.other if self.tests[k](row)]
            got = self._passed[row] = held | frozenset(more)
        return got

    def _merge(self, rules: list[int]) -> dict:
        out: dict = {}
        for rule in sorted(rules):
            out.update(self.attrs[rule])
        return out

    def _single_rules(self, row: Row) -> list[int]:
        passed = self._passes(row)
        return [rule for rule, k in self.single if k in passed]

    def __call__(self, doc) -> None:
        rows = self._rows(doc)
        passed = [self._passes(row) for row in rows]
        extra: dict[int, list[int]] = {}
        for rule, ids, index in self.multi:
            n = len(ids)
            for i in range(len(rows) - n + 1):
                if ids[0] in passed[i] and all(k in passed[i + j] for j, k in enumerate(ids)):
                    target = i + (index if index >= 0 else n + index)
                    extra.setdefault(target, []).append(rule)
        for i, row in enumerate(rows):
            if i in extra:
                attrs = self._merge(self._single_rules(row) + extra[i])
            else:
                attrs = self._merged.get(row)
                if attrs is None:
                    attrs = self._merged[row] = self._merge(self._single_rules(row))
            if attrs:
                set_token_attrs(doc[i], attrs)

    def _rows(self, doc) -> list[Row]:
        s = self.strings
        return [(s[t], s[lo], s[d], bool(sp)) for t, lo, d, sp in doc.to_array(_COLUMNS).tolist()]
