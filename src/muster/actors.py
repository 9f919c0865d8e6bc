"""Stage: actors. Find every mention of an armed group or armed force and resolve it to its
canonical name and Wikidata id, from the gazetteer in `data/actors.yaml`.

It runs on every article, so matching is one compiled regular expression over the text (no
parser): aliases are tried longest first at each position, acronyms case-sensitively ("IS" is
not the verb "is"), other names case-insensitively with a space or a hyphen and an optional
apostrophe where the alias has one ("al-Qaeda", "al Qaeda", "Al-Qa'ida").

Besides the named mentions it sets, for the stages after it:

- `article.context["main_actor"]`: `{"name", "id"}` of the group the article is about (most
  mentions, headline mentions counting extra), or None;
- generic mentions ("the group", "the militants", "the terror group", "the jihadists") as
  ActorMention entries resolved to the non-state group the passage is about; their offsets are
  listed in `article.context["generic_actor_mentions"]` (see `is_generic`) so that the claims
  stage can tell them from named mentions;
- "government forces", "regime troops": resolved to the state force of the country the article
  names most (never to a non-state group).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from .registry import load_yaml

from .fast_regex import with_lookahead
from .model import Article, ActorMention
from .registry import stage

# a space, hyphen or dash between words of an alias: "al-Qaeda" = "al Qaeda" = "al–Qaeda"
_SEP = r"[\s\-‐‑–]+"
_APOS = "['’‘`]"
# words, with apostrophes inside ("Kata'ib", "Qa'ida") but not a possessive "'s" ("ISIS's")
_TOKEN = re.compile(r"[^\W_]+(?:['’‘`](?!s\b)[^\W_]+)*")
# what may stand between two words of one name: separators, apostrophes ("Workers' Party") and the
# full stops of an abbreviation ("U.S. troops"; the alias table is keyed with the stops, so a sentence
# break between two words never makes a name)
_POSSESSIVE = re.compile(r"['’‘`]s\b")
_GAP = re.compile(r"(?:[\s.\-‐‑–'’‘`]|\b)+")
# prefixes that make a mention not about the group acting: "anti-ISIS coalition"
_NEGATING_PREFIX = re.compile(r"(?:anti|counter|non|post|ex)[\-‐‑–]\s*$", re.I)
_COUNTRY_SUFFIX = r"(?:n|ns|an|ans|i|is|ian|ians|ese)?"


@dataclass
class Group:
    name: str
    id: str | None
    kind: str
    country: list[str] = field(default_factory=list)
    parent: str | None = None
    jihadist: bool = False
    # the countries (ISO codes) the group fights in: a claim about it that names no place is set there
    operates_in: frozenset[str] = frozenset()


@dataclass
class Gazetteer:
    groups: list[Group]
    # normalised alias -> group index: case-insensitive aliases and case-sensitive ones
    folded: dict[str, int]
    exact: dict[str, int]
    # first word of an alias (folded, or as written for exact ones) -> alias lengths in words
    first_folded: dict[str, list[int]]
    first_exact: dict[str, list[int]]
    # first words of aliases written in lower case ("al-Qaeda", "dissident FARC"): only these
    # may start a match on a lower-case word, so "is", "group", "forces" cost nothing
    first_lower: set[str]
    # alias key -> compiled regex of `when` words that must appear in the article
    conditions: dict[tuple[str, str], re.Pattern]
    generic: re.Pattern
    jihadist_words: re.Pattern
    state_generic: re.Pattern
    # the words naming the countries of state forces (one regex) -> group index
    country_regex: re.Pattern | None
    country_of: dict[str, int]
    # word -> whether it can start an alias (filled as articles are read; see _may_start_alias)
    starts_alias: dict[str, bool] = field(default_factory=dict)


_APOS_RE = re.compile(_APOS)
_SEP_RE = re.compile(_SEP)
_NO_APOS = str.maketrans("", "", "'’‘`")


def _fold(text: str) -> str:
    """The key of a case-insensitive alias: lower case, separators as one space, no apostrophes."""
    return _SEP_RE.sub(" ", text.lower().translate(_NO_APOS)).strip()


def _fold_word(word: str) -> str:
    # one word has no separators: the cheap half of _fold, run on every distinct word
    low = word.lower()
    return low.translate(_NO_APOS) if ("'" in low or "’" in low or "‘" in low or "`" in low) else low


def _exact_key(text: str) -> str:
    return _SEP_RE.sub(" ", text).strip()


def _alias_pattern(alias: str) -> str:
    parts = []
    for token in re.split(r"([\s\-]+|['’])", alias):
        if not token:
            continue
        if re.fullmatch(r"[\s\-]+", token):
            parts.append(_SEP)
        elif token in ("'", "’"):
            parts.append(_APOS + "?")
        else:
            parts.append(re.escape(token))
    return "".join(parts)


def _words_regex(words: list[str], suffix: str = "") -> re.Pattern:
    # case-sensitive; without a suffix pattern the words are prefixes ("Kurd" finds "Kurdish")
    alts = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alts}){suffix}" + (r"(?!\w)" if suffix else ""))


def _generic_regex(spec: dict) -> re.Pattern:
    mods = "|".join(re.escape(m) for m in sorted(spec["modifiers"], key=len, reverse=True))
    free_heads = [h for h in spec["head"] if h not in spec["need_modifier"]]
    need = "|".join(re.escape(h) for h in spec["need_modifier"])
    free = "|".join(re.escape(h) for h in free_heads)
    plural = "|".join(re.escape(p) for p in spec["plural"])
    modseq = rf"(?:(?:{mods}){_SEP})"
    body = (rf"(?:{modseq}{{0,3}}(?:{free})"          # "the group", "the militant group"
            rf"|{modseq}{{1,3}}(?:{need})"             # "the terror organisation", never "the movement"
            rf"|(?:{plural}))")                        # "the militants"
    # "the group of children" is not a group's mention
    return re.compile(rf"\b[Tt]he\s+{body}\b(?!\s+of\b)")


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Load and index the gazetteer once per process."""
    data = load_yaml(resources.files("muster").joinpath("data/actors.yaml").read_text(encoding="utf-8"))
    groups: list[Group] = []
    folded: dict[str, int] = {}
    exact: dict[str, int] = {}
    first_folded: dict[str, set[int]] = {}
    first_exact: dict[str, set[int]] = {}
    first_lower: set[str] = set()
    conditions: dict[tuple[str, str], re.Pattern] = {}

    def add(alias: str, gi: int, is_exact: bool, when: list[str] | None) -> None:
        words = _TOKEN.findall(alias)
        if not words:
            return
        if len(words[0]) <= 2 and words[0].isupper():
            is_exact = True  # "IS-Khorasan" must not start at the verb "is"
        if is_exact:
            key = ("exact", _exact_key(alias))
            exact.setdefault(key[1], gi)
            first_exact.setdefault(words[0], set()).add(len(words))
        else:
            key = ("folded", _fold(alias))
            folded.setdefault(key[1], gi)
            first_folded.setdefault(_fold_word(words[0]), set()).add(len(words))
            if words[0][0].islower() or len(words) >= 3:
                # "al-Qaeda" as written; "cubs of the Caliphate" is long enough to be the name
                first_lower.add(_fold_word(words[0]))
        if when:
            conditions[key] = _words_regex(when)
        if not is_exact and _POSSESSIVE.search(alias):
            # "People's Protection Units" is written "Peoples Protection Units" too (texts that lost their
            # apostrophes): the same folded key, one word fewer, so its length must be known as well
            add(_POSSESSIVE.sub("s", alias), gi, False, when)

    for gi, g in enumerate(data["groups"]):
        groups.append(Group(g["name"], g.get("id"), g.get("kind", "nonstate"), g.get("country") or [], g.get("parent"),
                            bool(g.get("jihadist")), frozenset(g.get("operates_in") or ())))
        if g["name"] not in (g.get("exact") or []):  # "Islamic State" is case-sensitive: not "an Islamic state"
            add(g["name"], gi, _is_acronym(g["name"]), None)
        for a in g.get("aliases") or []:
            add(a, gi, False, None)
        for a in g.get("exact") or []:
            add(a, gi, True, None)
        for c in g.get("context") or []:
            for a in c["aliases"]:
                add(a, gi, bool(c.get("exact")), c["when"])
    sg = "|".join(_alias_pattern(p) for p in sorted(data["state_generic"], key=len, reverse=True))
    # both scanned over every article: with a first-character lookahead (see fast_regex)
    state_generic = with_lookahead(re.compile(r"\b(?:pro-)?(?:" + sg + r")\b", re.I))
    country_of = {w: gi for gi, g in enumerate(groups) for w in g.country}
    country_regex = (with_lookahead(re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in sorted(country_of, key=len, reverse=True))
                                               + ")" + _COUNTRY_SUFFIX + r"(?!\w)")) if country_of else None)
    return Gazetteer(groups, folded, exact,
                     {k: sorted(v, reverse=True) for k, v in first_folded.items()},
                     {k: sorted(v, reverse=True) for k, v in first_exact.items()}, first_lower,
                     conditions, _generic_regex(data["generic"]),
                     re.compile("|".join(data["generic"]["jihadist_words"]), re.I), state_generic, country_regex, country_of)


def _is_acronym(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Z0-9\-]{2,8}", name))


def _shouting(text: str, start: int, end: int) -> bool:
    """True when a neighbouring word is in capitals: in "ISIS IS SAVING", "IS" is the verb."""
    before = re.search(r"([A-Za-z]{2,})\W{0,3}$", text[max(0, start - 30):start])
    after = re.match(r"\W{0,3}([A-Za-z]{2,})", text[end:end + 30])
    return any(m and m.group(1).isupper() and m.group(1) not in ("US", "UN", "UK", "EU") for m in (before, after))


def _positions(text: str, words: set[str]) -> list[tuple[int, str]]:
    """Where each word stands as a whole word (str.find is far cheaper than a regex per article)."""
    out = []
    n = len(text)
    for w in words:
        i = text.find(w)
        while i >= 0:
            j = i + len(w)
            if (i == 0 or not _is_word_char(text[i - 1])) and (j >= n or not _continues(text, j)):
                out.append((i, w))
            i = text.find(w, i + 1)
    out.sort()
    return out


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c in "'’‘`"


def _continues(text: str, j: int) -> bool:
    """True when the word goes on at j: a letter or digit, or an apostrophe inside a word ("Kata'ib"),
    but not a possessive ("ISIS's")."""
    c = text[j]
    if c.isalnum():
        return True
    if c in "'’‘`" and j + 1 < len(text) and text[j + 1].isalnum():
        return not (text[j + 1] in "sS" and (j + 2 >= len(text) or not text[j + 2].isalnum()))
    return False


def _may_start_alias(gz: Gazetteer, word: str) -> bool:
    """Whether `word` is the first word of some alias (kept by word: an article's words are
    mostly words earlier articles had)."""
    got = gz.starts_alias.get(word)
    if got is None:
        if len(gz.starts_alias) > 500_000:
            gz.starts_alias.clear()
        got = gz.starts_alias[word] = (word in gz.first_exact or _fold_word(word) in
                                       (gz.first_lower if word[0].islower() else gz.first_folded))
    return got


def find_named(text: str) -> list[tuple[int, int, int]]:
    """Named mentions as (start, end, group index), in text order, longest alias first.

    Cheap on purpose (it runs on every article): the article's distinct words are checked
    against the first words of the aliases, and only where one of those stands are the
    following words looked up, as n-grams, in the alias tables."""
    gz = gazetteer()
    # _may_start_alias inlined for the words seen before (most of an article's): a dict lookup each
    known = gz.starts_alias.get
    cands = {w for w in set(_TOKEN.findall(text)) if (got := known(w)) or (got is None and _may_start_alias(gz, w))}
    if not cands:
        return []
    found: list[tuple[int, int, int]] = []
    condition_cache: dict[int, bool] = {}
    last_end = 0
    for s0, word in _positions(text, cands):
        e0 = s0 + len(word)
        if s0 < last_end:
            continue
        lengths_e = gz.first_exact.get(word, [])
        fw = _fold_word(word)
        lengths_f = gz.first_folded.get(fw, []) if not word[0].islower() or fw in gz.first_lower else []
        longest = max(lengths_e[:1] + lengths_f[:1])
        # the words that follow, as long as only separators stand between them
        ends = [e0]
        if longest > 1:
            for t in _TOKEN.finditer(text, e0):
                if len(ends) >= longest or not _GAP.fullmatch(text, ends[-1], t.start()):
                    break
                ends.append(t.end())
        hit = None
        for n in sorted(set(lengths_e) | set(lengths_f), reverse=True):
            if n > len(ends):
                continue
            span = text[s0:ends[n - 1]]
            for key, table in ((("exact", _exact_key(span)), gz.exact) if n in lengths_e else (None, None),
                               (("folded", _fold(span)), gz.folded) if n in lengths_f else (None, None)):
                if key is None or key[1] not in table:
                    continue
                pat = gz.conditions.get(key)
                if pat is not None:
                    if id(pat) not in condition_cache:
                        condition_cache[id(pat)] = pat.search(text) is not None
                    if not condition_cache[id(pat)]:
                        continue
                hit = (s0, ends[n - 1], table[key[1]])
                break
            if hit:
                break
        if hit is None:
            continue
        s, e, gi = hit
        last_end = e
        if text[s:e] == "IS" and _shouting(text, s, e):
            continue
        if _NEGATING_PREFIX.search(text, max(0, s - 10), s):
            continue  # "anti-ISIS": the coalition against the group, not the group
        found.append((s, e, gi))
    return found


def _sentence_index(article: Article, pos: int) -> int:
    starts = [s.start for s in article.sentences]
    i = bisect.bisect_right(starts, pos) - 1
    return i if i >= 0 and pos < article.sentences[i].end else -1


def _main_group(article: Article, named: list[tuple[int, int, int]], nonstate_only: bool,
                jihadist_only: bool = False, title_named: "_TitleNamed | None" = None) -> int | None:
    gz = gazetteer()
    title_named = title_named or _TitleNamed(article.title)
    score: dict[int, float] = {}
    first: dict[int, int] = {}
    headline_end = -1
    for s in article.sentences:
        if s.kind == "headline":
            headline_end = max(headline_end, s.end)
    for s, e, gi in named:
        if nonstate_only and gz.groups[gi].kind != "nonstate":
            continue
        if jihadist_only and not gz.groups[gi].jihadist:
            continue
        # the headline says what the article is about; a state force counts half: the armies of a war
        # (the Russian forces bombing Douma, the US troops leaving Syria) are named throughout stories
        # that are about the armed groups they fight
        w = 0.5 if gz.groups[gi].kind == "state" else 1.0
        score[gi] = score.get(gi, 0) + w * (3 if s < headline_end else 1)
        first.setdefault(gi, s)
    if article.title and headline_end < 0:
        # a title given with the input but not part of the text
        for _, _, gi in title_named():
            if (not nonstate_only or gz.groups[gi].kind == "nonstate") and (not jihadist_only or gz.groups[gi].jihadist):
                score[gi] = score.get(gi, 0) + 2
                first.setdefault(gi, -1)
    if not score:
        return None
    return max(score, key=lambda g: (score[g], -first[g]))


class _TitleNamed:
    """find_named over a title, found when first asked: resolve's three _main_group calls share it."""

    def __init__(self, title: str | None):
        self.title, self.found = title, None

    def __call__(self) -> list[tuple[int, int, int]]:
        if self.found is None:
            self.found = find_named(self.title)
        return self.found


def _country_force(article: Article) -> int | None:
    """The state force of the country the article names most (at least twice)."""
    gz = gazetteer()
    if gz.country_regex is None:
        return None
    counts: dict[int, int] = {}
    for m in gz.country_regex.finditer(article.text):
        gi = gz.country_of[m.group(1)]
        counts[gi] = counts.get(gi, 0) + 1
    best = max(counts, key=counts.get, default=None)
    return best if best is not None and counts[best] >= 2 else None


def _regime_force(article: Article) -> int | None:
    """The Syrian state force when the article names Syria (its country words), else None."""
    gz = gazetteer()
    gi = next((i for i, g in enumerate(gz.groups) if g.name == "Syrian Arab Army"), None)
    if gi is None or gz.country_regex is None:
        return None
    for m in gz.country_regex.finditer(article.text):
        if gz.country_of[m.group(1)] == gi:
            return gi
    return None


def _mention(gz: Gazetteer, text: str, s: int, e: int, gi: int) -> ActorMention:
    g = gz.groups[gi]
    return ActorMention(text=text[s:e], start=s, end=e, name=g.name, id=g.id)


def _overlaps(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    return any(a < e and s < b for a, b in spans)


def is_generic(article: Article, mention: ActorMention) -> bool:
    """True for a mention such as "the group" that was resolved to the article's group."""
    return (mention.start, mention.end) in {tuple(x) for x in article.context.get("generic_actor_mentions", [])}


def resolve(article: Article) -> Article:
    gz = gazetteer()
    text = article.text
    named = find_named(text)
    mentions = [_mention(gz, text, s, e, gi) for s, e, gi in named]
    spans = [(s, e) for s, e, _ in named]

    title_named = _TitleNamed(article.title)
    main = _main_group(article, named, nonstate_only=False, title_named=title_named)
    main_ns = _main_group(article, named, nonstate_only=True, title_named=title_named)
    article.context["main_actor"] = ({"name": gz.groups[main].name, "id": gz.groups[main].id}
                                     if main is not None else None)

    generic_spans: list[tuple[int, int]] = []
    if main_ns is not None:
        # "the jihadists", "the terror group" are never the YPG's or Hezbollah's fighters
        main_jh = _main_group(article, named, nonstate_only=True, jihadist_only=True, title_named=title_named)
        named_jh = [t for t in named if gz.groups[t[2]].jihadist]
        for m in gz.generic.finditer(text):
            s, e = m.span()
            if _overlaps(spans, s, e):
                continue
            jh = gz.jihadist_words.search(m.group()) is not None
            main_g, pool = (main_jh, named_jh) if jh else (main_ns, named)
            if main_g is None:
                continue
            gi = _local_group(article, pool, s, main_g) if article.sentences else None
            gi = main_g if gi is None else gi
            mentions.append(_mention(gz, text, s, e, gi))
            generic_spans.append((s, e))

    force = _country_force(article)
    regime: list[int | None] = []  # looked for only when the article says "regime forces"
    for m in gz.state_generic.finditer(text):
        s, e = m.span()
        if _overlaps(spans, s, e) or _overlaps(generic_spans, s, e):
            continue
        gi = force
        if m.group().lower().startswith(("regime", "pro-regime")):
            # "the regime" is how the Syrian war is reported: in an article that names Syria, regime forces
            # are Assad's, even when another state (Russia in Syria) is named more; elsewhere too loose
            if not regime:
                regime.append(_regime_force(article))
            gi = regime[0]
        if gi is not None:
            mentions.append(_mention(gz, text, s, e, gi))

    mentions.sort(key=lambda a: (a.start, a.end))
    article.actors = mentions
    article.context["generic_actor_mentions"] = sorted(generic_spans)
    return article


def _local_group(article: Article, named: list[tuple[int, int, int]], pos: int, main_ns: int) -> int | None:
    """The non-state group a generic mention refers to when the text just before it says so.

    When the mention's sentence (before it) and the sentence before that, in the same
    paragraph, name one non-state group and not the article's main one, that group is meant
    ("Hezbollah said on Monday ... The group said"); otherwise None (the main group)."""
    gz = gazetteer()
    si = _sentence_index(article, pos)
    if si < 0:
        return None
    sents = article.sentences
    first = si - 1 if si > 0 and sents[si - 1].paragraph == sents[si].paragraph else si
    window_start = article.sentences[first].start
    local = {gi for s, e, gi in named if window_start <= s < pos and gz.groups[gi].kind == "nonstate"}
    if len(local) != 1 or main_ns in local:
        return None
    return local.pop()


@stage("actors")
def actors(article: Article, config: dict[str, Any]) -> Article:
    return resolve(article)
