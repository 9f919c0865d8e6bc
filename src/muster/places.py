"""Stage: places. Find the toponyms of an article and resolve each to a GeoNames place.

Recognition is a gazetteer matcher over capitalised word sequences (longest match first, with
transliteration-blind keys for Arabic names). A match that is certainly a place (a country, a
province, a named region, a large city, a multi-word name) is kept at once; the others
(single words that are also surnames, common words or parts of longer names) are checked by
spaCy's NER, run only on the sentences that hold such a match. Adjectives ("Iraqi") never match;
metonyms ("Washington said") are dropped.

Resolution scores each candidate place of a name: population (prior), the kind of place
(countries and provinces before towns of the same name), the countries the article is about
(countries, provinces and demonyms it mentions, its dateline), the provinces it mentions, and
local patterns: "Iraq's Tal Afar", "Tal Afar, Iraq", "Tal Afar in Nineveh province", and spatial
coherence (the share of the article's other names that could lie within 120 km). A name is judged
by the votes of the article's OTHER names, never its own ("Paris" said six times in a Tennessee
paper does not vote itself into France); a town matched only by an alternate name ranks below
namesakes that bear the name; a province yields to a larger city of its name, at home or abroad.
A name the article gives a person ("Andrew Trapani", "Matthew D. Flores", "Mrs. Lincoln") and a
town named like a word the article writes in lower case ("Man", "Most") need a locative word.
Sets article.context["countries"]: the ISO2 codes the article is about, most-mentioned first.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import gazetteer as gz
from .model import Article, Place
from .registry import stage
from .triage import masked_text

# words: 'U.S.' style abbreviations, or letters with inner hyphens/apostrophes ("al-Qaim", "Ankara’s")
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_][\w]*(?:[-'’][\w]+)*")
_ABBREV = re.compile(r"[A-Z][A-Za-z]{0,4}\.(?:\s?[A-Z][A-Za-z]{0,3}\.){0,2}")
_POSSESSIVE = re.compile(r"['’]s$")
_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ad|ar|as|ash|az|an|at|ath|ez|es|ed|en|er|et|adh|ul)-[A-Z]")  # "Deir ez-Zor"
# lower-case words that may sit inside a place name ("Bay of Bengal", "Rio de Janeiro")
_CONNECTORS = {"of", "de", "del", "la", "le", "al", "el", "upon", "on", "the", "du", "des", "di", "da", "do",
               "dos", "das", "ez", "az", "ad", "ar", "as", "ash", "an", "bin", "ibn", "abu", "and"}
MAX_TOKENS = 6
# words that, capitalised before a place, are part of its description, not another name
_PLACE_MODIFIERS = {"northern", "southern", "eastern", "western", "central", "north", "south", "east", "west",
                    "northeast", "northwest", "southeast", "southwest", "northeastern", "northwestern",
                    "southeastern", "southwestern", "upper", "lower", "greater", "the", "in", "rural", "downtown",
                    "new", "old", "inner", "outer", "mid", "coastal", "eastern", "war-torn", "neighboring",
                    "neighbouring", "province", "governorate", "city", "town", "village", "district", "state",
                    "region", "county"}
# "Mount Sinjar", "Jabal Akrad": a mountain named after the place beside it stands for that place
_FEATURES = {"mount", "mt", "jebel", "jabal", "djebel"}
_TIME_WORDS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
               "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
               "nov", "dec", "today", "tonight", "yesterday", "tomorrow", "last", "this", "next", "on", "in"}
_TITLES = {"mr", "mrs", "ms", "miss", "dr", "president", "prime", "minister", "general", "gen", "sen", "senator",
           "rep", "gov", "governor", "mayor", "king", "queen", "prince", "princess", "sheikh", "judge", "justice",
           "pope", "saint", "st", "lord", "lady", "sir", "secretary", "ambassador", "officer", "sgt", "lt",
           "col", "capt", "maj", "coach", "chief", "commander", "professor", "prof", "rev", "father", "brother",
           "sister", "uncle", "aunt", "son", "daughter", "wife", "husband", "mother", "dad", "mom"}
_SPEECH = re.compile(r"\s+(?:has\s+|have\s+|had\s+|will\s+|would\s+|also\s+|has\s+also\s+)?(?:said|says|say|"
                     r"announced|announces|warned|warns|insisted|insists|claimed|claims|denied|denies|accused|"
                     r"accuses|urged|urges|believes|wants|demanded|demands|threatened|threatens|responded|"
                     r"condemned|condemns|called|calls|rejected|rejects|agreed|agrees|stated|told|tells|"
                     r"vowed|vows|signaled|signalled|hopes|argued|argues|decided|refused|refuses)\b")
_LOCATIVE = re.compile(r"(?:\b(?:in|at|near|outside|from|into|towards?|around|across|through|via|"
                       r"north of|south of|east of|west of|province of|city of|town of|village of|district of|"
                       r"suburb of|county of|state of|region of|"
                       # a part of a place: "in a neighbourhood of Baghuz village", "the outskirts of Hajin" (not "the corner
                       # of Northwest 13th Street", whose "of" opens a street)
                       r"(?:neighbou?rhood|outskirts|suburbs|countryside)\s+of|"
                       # verbs of moving to and of taking or holding ground: "fled to Manbij", "seized Hajin"
                       r"(?:fled|flee|fleeing|moved|sent|deployed|travell?ed|returned|headed|retreated|withdrew|"
                       r"arrived|went)\s+(?:back\s+)?to|"
                       r"captured|seized|retook|recaptured|besieged|stormed|entered|shelled|liberated|"
                       r"holds|controls|overran)\s+(?:the\s+)?)$", re.IGNORECASE)
_STRONG_LOCATIVE = re.compile(r"\b(?:in|near|outside|into|towards?|around|across)\s+$", re.IGNORECASE)
NER_KEEP = {"GPE", "LOC", "FAC"}
NER_DROP = {"PERSON", "ORG", "NORP", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW", "LANGUAGE", "MONEY", "DATE"}
KIND_BONUS = {gz.COUNTRY: 4.0, gz.ADMIN1: 2.5, gz.REGION: 3.0, gz.ADMIN2: -0.5, gz.CITY: 0.0}


def _ner(texts: list[str]):
    """spaCy's small English model's NER over `texts`: the model attribution loads (one load a
    process, not two), with every other component off. The recogniser has its own embedding
    layers, so the shared tok2vec (which only the tagger and parser read) need not run either."""
    from .attribution import nlp

    model = nlp()
    return model.pipe(texts, batch_size=256, disable=[name for name in model.pipe_names if name != "ner"])


class Mention:
    __slots__ = ("start", "end", "text", "key", "cands", "fuzzy", "sure", "possessive", "embedded", "strong", "settled",
                 "lead")

    def __init__(self, start: int, end: int, text: str, key: str, cands: tuple[int, ...], fuzzy: bool):
        self.start, self.end, self.text, self.key = start, end, text, key
        self.cands, self.fuzzy = cands, fuzzy
        self.sure = False
        self.possessive = False
        self.embedded: str | bool = False
        self.strong = False
        self.settled = False  # decided without NER
        self.lead = ""  # the capitalised word that opens the sentence right before the name, if any


# single words that GeoNames lists as provinces somewhere but news uses as ordinary words
# peoples and faiths that have no country of their own to be the demonym of, but towns of the
# same name somewhere ('Kurdish', 'Druze'): in conflict news they name people, never a place
_PEOPLES = {"kurdish", "kurd", "kurds", "arab", "arabs", "yazidi", "yazidis", "yezidi", "shiite", "shiites", "shia",
            "sunni", "sunnis", "druze", "alawite", "alawites", "turkmen", "assyrian", "assyrians", "chaldean",
            "pashtun", "pashtuns", "baloch", "baluch", "hazara", "hazaras", "tuareg", "tuaregs", "fulani", "hausa",
            "rohingya", "uighur", "uighurs", "uyghur", "uyghurs", "chechen", "chechens", "bedouin", "bedouins",
            "berber", "berbers", "amazigh", "muslim", "muslims", "christian", "christians", "islamic", "jihadist",
            "jihadists", "islamist", "islamists", "hutu", "hutus", "tutsi", "tutsis", "dinka", "nuer", "masalit",
            "zaghawa", "igbo", "yoruba", "kanuri", "tamil", "tamils", "sikh", "sikhs", "hindu", "hindus"}
_GENERIC = _PLACE_MODIFIERS | {"far north", "capital", "centre", "center", "coast", "north east", "north west",
                               "south east", "south west", "lakes", "interior", "islands", "border", "littoral",
                               "plateau", "mountain", "river", "national capital", "federal", "valley", "east end",
                               "west end", "midlands", "highlands", "lowlands", "north central", "south central",
                               "northern region", "southern region", "western region", "eastern region",
                               "central region", "northern province", "southern province", "eastern province",
                               "western province", "central province", "north western", "south western",
                               "street", "road", "avenue", "highway", "city", "center", "hall", "park", "station",
                               "trail", "ridge", "hills", "gulf", "metro", "bridge", "square", "court", "lane",
                               "harbor", "harbour", "port", "beach", "lake", "bay", "creek", "mount", "fort",
                               "village", "town", "county", "district", "state", "union", "university", "college",
                               "church", "school", "hospital", "airport", "camp", "base", "market", "mall", "plaza"}


# names recur across articles: normalising each surface once saves a third of the matcher's time
_norm = lru_cache(maxsize=100_000)(gz.norm)


def _is_cap(tok: str) -> bool:
    return tok[:1].isupper() or bool(_ARTICLE_PREFIX.match(tok))


def _lookup(g: gz.Gazetteer, surface: str) -> tuple[str, tuple[int, ...], bool]:
    key = _norm(surface)
    hits = g.lookup(key)
    if hits:
        return key, hits, False
    bare = gz.strip_article(key)
    if bare != key:
        hits = g.lookup(bare)
        if hits:
            return key, hits, False
    return key, (), False


_THE_BEFORE = re.compile(r"\bthe\s+$", re.IGNORECASE)


def _apostrophe_lost(g: gz.Gazetteer, key: str, text: str, start: int) -> tuple[int, ...]:
    """A possessive that lost its apostrophe, as texts stripped of punctuation write it ("in Syrias
    Idlib province", "Iraqs army", "Idlibs population"): the country, province or large city (100,000
    people), never a town ("Evans", "Hastings"), and not right after "the" ("the Americas" is a region,
    no one's possessive)."""
    if not key.endswith("s") or " " in key or len(key) < 5 or _THE_BEFORE.search(text, max(0, start - 8), start):
        return ()
    return tuple(i for i in g.lookup(key[:-1])
                 if g.kind[i] in (gz.COUNTRY, gz.ADMIN1) or (g.kind[i] == gz.CITY and g.pop[i] >= 100_000))


def find_mentions(text: str, g: gz.Gazetteer) -> list[Mention]:
    """Gazetteer matches over capitalised word sequences, longest first, left to right."""
    toks = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    out: list[Mention] = []
    i, n = 0, len(toks)
    while i < n:
        s, e, w = toks[i]
        if not _is_cap(w) or w.lower() in _TIME_WORDS and w[0].isupper() and len(w) > 2 and w.lower() != "may":
            i += 1
            continue
        best = None
        # 'Paris, Ky.', 'Vancouver, B.C.': state and province abbreviations, only as written
        am = _ABBREV.match(text, s)
        ab = am.group() if am else ""
        while ab and ab not in g.abbrevs and " " in ab:
            ab = ab[: ab.rstrip().rfind(" ")].rstrip()
        if ab in g.abbrevs and (ab.count(".") > 1 or text[max(0, s - 2):s] == ", "):
            m = Mention(s, s + len(ab), ab, _norm(ab), (g.abbrevs[ab],), False)
            m.sure = True
            out.append(m)
            while i < n and toks[i][0] < s + len(ab):
                i += 1
            continue
        # the longest contiguous run of name-like tokens starting here
        j = i
        run = [i]
        while j + 1 < n and len(run) < MAX_TOKENS:
            gap = text[toks[j][1]:toks[j + 1][0]]
            if gap not in (" ", "-"):
                break
            nxt = toks[j + 1][2]
            if not (_is_cap(nxt) or nxt in _CONNECTORS):
                break
            j += 1
            run.append(j)
        for k in range(len(run), 0, -1):
            last = run[k - 1]
            lw = toks[last][2]
            if not _is_cap(lw):
                continue
            end = toks[last][1]
            poss = False
            surface = text[s:end]
            pm = _POSSESSIVE.search(surface)
            if pm:
                surface, end, poss = surface[: pm.start()], end - 2, True
            key, hits, fuzzy = _lookup(g, surface)
            if not hits and k == 1:
                hits = _apostrophe_lost(g, key, text, s)
                if hits:  # the name without its "s" ("Aleppos" is Aleppo), the span with it
                    poss, surface, key = True, surface[:-1], key[:-1]
                else:
                    sk = gz.skeleton(_norm(surface))
                    if len(sk.replace(" ", "")) >= 2 and _norm(surface) not in _COMMON:
                        hits, fuzzy = g.skeletons.get(sk, ()), True
            if hits:
                best = Mention(s, end, surface, key, hits, fuzzy)
                best.possessive = poss
                nxt_i = last + 1
                break
        if best is None:
            i += 1
            continue
        # part of a longer proper name? ("Winnipeg Free Press", "Jordan Peterson", "President Jordan")
        if nxt_i < n and text[toks[nxt_i - 1][1]:toks[nxt_i][0]] == " " and not best.possessive:
            nw = toks[nxt_i][2]
            if nw[:1].isupper() and nw.lower() not in _TIME_WORDS or _ARABIC_NAME_PART.match(nw):
                best.embedded = "after"  # "Ain al-Arab", "Ras al-Ain": the first word of a longer name
        if i > 1 and text[toks[i - 1][1]:s] == ". " and len(toks[i - 1][2]) == 1 and toks[i - 1][2].isupper() \
                and text[toks[i - 2][1]:toks[i - 1][0]] == " " and toks[i - 2][2][:1].isupper():
            best.embedded = "before"  # 'Matthew D. Flores': a middle initial
        elif i > 0 and text[toks[i - 1][1]:s] == " ":
            pw = toks[i - 1][2]
            after_possessive = bool(out and out[-1].possessive and out[-1].end == toks[i - 1][1])  # "Syrias Idlib"
            if (pw[:1].isupper() and pw.lower() not in _PLACE_MODIFIERS and pw.lower().rstrip(".") not in _FEATURES
                    and not _POSSESSIVE.search(pw) and not after_possessive
                    and not _sentence_start(text, toks[i - 1][0])):
                best.embedded = "before"
            elif pw[:1].isupper() and pw.isalpha() and not pw.isupper() and not after_possessive:
                best.lead = pw
            if pw.lower().rstrip(".") in _TITLES:
                best.embedded = "title"
        out.append(best)
        i = nxt_i
    return out


def _sentence_start(text: str, pos: int) -> bool:
    before = text[max(0, pos - 3):pos].rstrip(" \"'“‘(")
    return not before or before[-1] in ".!?\n:;—–-"


# common English words that GeoNames also lists as places (small towns): never skeleton-matched
_COMMON = {"the", "and", "but", "for", "not", "all", "any", "can", "had", "her", "was", "one", "our", "out",
           "day", "get", "has", "him", "his", "how", "man", "new", "now", "old", "see", "two", "way", "who",
           "did", "its", "let", "put", "say", "she", "too", "use", "her", "here", "there", "when", "what"}


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    # spaCy's English stop-word list, read from its file: importing the spacy package costs ~1 s
    import importlib.util

    spec = importlib.util.find_spec("spacy")
    path = Path(spec.origin).parent / "lang" / "en" / "stop_words.py" if spec and spec.origin else None
    if path and path.exists():
        ns: dict[str, Any] = {}
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), ns)  # a set literal, no imports
        return frozenset(ns["STOP_WORDS"])
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


_LOWER_WORD = re.compile(r"(?<![\w.])[a-z]{2,}\b")


def _lower_words(text: str) -> set[str]:
    """The words `text` writes in lower case (two letters or more, not after a full stop). A match
    is a whole run of a-z (one followed by a word character fails, and so does every start inside
    it), so those of three letters or more are the matches of the same pattern with {3,}: one
    scan of the text serves find_places and _cheap_reject."""
    return set(_LOWER_WORD.findall(text))


def _cheap_reject(text: str, mentions: list[Mention], lower_words: set[str] | None = None) -> None:
    """Settle the unsure matches that need no NER: a single word that is an English function word
    ('It', 'We', 'But' at a sentence start), a title ('Mr'), or a word the article also writes in
    lower case ('Police', 'Council', 'Center') is not a place unless a locative word precedes it.
    `lower_words`: the text's lower-case words (_lower_words), when the caller has them."""
    lower = lower_words
    stop = _stop_words()
    g = gz.load()
    for m in mentions:
        if m.sure:
            continue
        if m.key in g.demonyms or m.key.rstrip("s") in g.demonyms:
            m.sure, m.settled = False, True  # 'Syrian', 'Sri Lankan': adjectives, dropped anyway
            continue
        if " " in m.key:
            continue
        if m.key.endswith(("ish", "ese")) and not m.strong:
            m.sure, m.settled = False, True  # 'Kurdish', 'Sudanese': adjectives of peoples
            continue
        if m.text.isupper() and len(m.text) <= 5 and not m.strong:
            m.sure, m.settled = False, True  # 'ISIS', 'SDF', 'UN': acronyms of organisations
            continue
        if m.embedded == "after" and not m.strong:
            # 'Donald Trump' when the article also writes 'Trump' alone: a person's first name
            nm = re.match(r"[ ]([A-Z][\w'’-]+)", text[m.end:m.end + 40])
            if nm and nm.group(1).lower() not in _GENERIC and nm.group(1).lower() not in _TITLES:
                if _standalone(text, nm.group(1), m.text):
                    m.sure, m.settled = False, True
                    continue
        if m.key in stop or m.key in _TITLES:
            m.sure, m.settled = False, True
            continue
        if lower is None:
            lower = _lower_words(text)
        if len(m.key) >= 3 and m.key in lower and m.text[:1].isupper() and not _STRONG_LOCATIVE.search(text[max(0, m.start - 12):m.start]):
            m.sure, m.settled = False, True


def _standalone(text: str, word: str, first: str) -> bool:
    """Whether `word` occurs in `text` without `first` right before it."""
    for mm in re.finditer(r"\b" + re.escape(word) + r"\b", text):
        if not text[max(0, mm.start() - len(first) - 1):mm.start()].startswith(first):
            return True
    return False


# what follows a town's name when it names the town's institutions or people: "Dublin Mayor",
# "Gainesville police", "a Stamford man", "DeKalb residents"
_CIVIC = re.compile(r"['’]?\s(?:Police|police|Fire|fire department|Mayor|mayor|Sheriff|sheriff|City Council|"
                    r"city council|City Hall|city hall|Township|County Sheriff|Public Schools|public schools|"
                    r"School District|school district|residents|natives?\b|man|woman|officials|area\b|"
                    r"voters|firefighters|Fire Department|Police Department|Board of Education)\b")


# characters of context each side of an unsure match that NER sees (snapped to the sentence)
NER_WINDOW = 100
# how many uses of one name NER reads in an article
NER_PER_NAME = 1
# how many distinct unsure names per article NER reads
NER_BUDGET = 8
_EMBED_RANK = {False: 0, "after": 1, "before": 2, "title": 3}


def _before_container(g: gz.Gazetteer, m: Mention, text: str) -> bool:
    """'Dublin, Ohio', 'Kisumu, Kenya': a name followed by a comma and a province or country it lies in."""
    nm = re.match(r",\s+((?:[A-Z][\w.]*\.?\s?){1,3})", text[m.end:m.end + 40])
    if not nm:
        return False
    words = nm.group(1).strip().split()
    for k in range(len(words), 0, -1):
        surf = " ".join(words[:k]).rstrip(",")
        if surf in g.abbrevs:
            rows = (g.abbrevs[surf],)
        else:
            rows = g.lookup(_norm(surf.rstrip(".")))
        for j in rows:
            if g.kind[j] == gz.COUNTRY and any(g.cc[i] == g.cc[j] for i in m.cands):
                return True
            if g.kind[j] == gz.ADMIN1 and any(g.admin1[i] == g.admin1[j] and i != j for i in m.cands):
                return True
    return False


def _ner_check(text: str, mentions: list[Mention], sentences: list[tuple[int, int]], budget: int = 8) -> None:
    """Run NER on a window around each unsure mention (within its sentence); keep those NER calls places."""
    _cheap_reject(text, mentions)
    todo = [m for m in mentions if not m.sure and not m.settled]
    if not todo:
        return
    # one sense per discourse: NER reads only the first NER_PER_NAME uses of a name (with the same
    # kind of neighbour); its verdict carries over to the name's other uses in the article
    groups: dict[tuple[str, Any], list[Mention]] = {}
    for m in todo:
        groups.setdefault((m.key, m.embedded), []).append(m)
    # a budget per article: the names most likely to be places first (not part of a longer name,
    # then the larger places); names past the budget are left to the context (a locative word)
    g = gz.load()
    order = sorted(groups, key=lambda k: (_EMBED_RANK[k[1]], -max(g.pop[i] for i in groups[k][0].cands)))
    keep = set(order[:budget])
    for k in order[budget:]:
        for m in groups.pop(k):
            m.sure = None
    todo = [m for m in todo if (m.key, m.embedded) in keep]
    reps = sorted((m for ms in groups.values() for m in ms[:NER_PER_NAME]), key=lambda m: m.start)
    if not reps:
        return
    spans: list[tuple[int, int]] = []
    si = 0
    for m in reps:
        while si < len(sentences) and sentences[si][1] <= m.start:
            si += 1
        a, b = sentences[si] if si < len(sentences) else (0, len(text))
        a = max(a, m.start - NER_WINDOW)
        b = min(b, m.end + NER_WINDOW)
        # snap to word boundaries so NER does not see half words
        while a > 0 and a < m.start and not text[a - 1].isspace():
            a += 1
        while b < len(text) and b > m.end and not text[b].isspace():
            b -= 1
        if spans and a <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(b, spans[-1][1]))
        else:
            spans.append((a, b))
    docs = _ner([text[a:b] for a, b in spans])
    ents = []
    for (a, _b), doc in zip(spans, docs):
        ents.extend((a + e.start_char, a + e.end_char, e.label_) for e in doc.ents)
    verdicts: dict[tuple[str, Any], tuple[set[str], bool, bool]] = {}
    for gk, ms in groups.items():
        labels: set[str] = set()
        place = inside = False
        for m in ms[:NER_PER_NAME]:
            over = [(s, e, lab) for s, e, lab in ents if s < m.end and m.start < e]
            labels |= {lab for _s, _e, lab in over}
            place |= any(lab in ("GPE", "LOC") or lab == "FAC" and s >= m.start and e <= m.end + 1
                         for s, e, lab in over)
            inside |= any(s >= m.start and e <= m.end + 1 for s, e, _l in over)
        verdicts[gk] = (labels, place, inside)
    for m in todo:
        labels, place, inside = verdicts[(m.key, m.embedded)]
        if place:
            m.sure = m.key not in _GENERIC or inside
        elif _STRONG_LOCATIVE.search(text[max(0, m.start - 12):m.start]) and not m.embedded and m.key not in _GENERIC:
            m.sure = True  # "in al-Shirqat", even when NER takes it for a person
        elif "PERSON" in labels:
            m.sure = False
        elif _LOCATIVE.search(text[max(0, m.start - 30):m.start]) and not m.embedded and m.key not in _GENERIC:
            m.sure = True  # "in Sinjar": NER's ORG or silence does not outweigh the preposition
        elif m.strong and m.embedded == "after" and labels & {"ORG", "FAC"}:
            m.sure = True  # "Kentucky State Police", "Winnipeg Free Press": the place named still counts
        elif labels & NER_DROP or "FAC" in labels:
            m.sure = False
        else:
            m.sure = None  # NER has no opinion: the context decides


def _sentence_spans(article: Article) -> list[tuple[int, int]]:
    if article.sentences:
        return [(s.start, s.end) for s in article.sentences]
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n.!?]+[.!?]*", article.text)]


def _is_capital(g: gz.Gazetteer, i: int) -> bool:
    return g.capitals.get(g.cc[i]) == i


# the article-word that goes on an Arabic place or person name ("al-Arab", "el-Sheikh", "ash-Shaddadi")
_ARABIC_NAME_PART = re.compile(r"(?:al|el|ad|ar|as|ash|at|az|an|ud|ul|ed|er|es|ez)-[A-Z]")


# "Sayed Abad district, Wardak province", "Idlib governorate": a name followed by the word for its kind of
# place, when the gazetteer has a place of that kind by that name
_KIND_AFTER = re.compile(r"\s+(province|governorate|district)\b")
_KIND_OF_WORD = {"province": (gz.ADMIN1,), "governorate": (gz.ADMIN1,), "district": (gz.ADMIN2, gz.ADMIN1)}


def _named_with_its_kind(g: gz.Gazetteer, m: Mention, text: str) -> bool:
    k = _KIND_AFTER.match(text, m.end)
    return k is not None and any(g.kind[i] in _KIND_OF_WORD[k.group(1)] for i in m.cands)


def _decide_sure(g: gz.Gazetteer, m: Mention, text: str) -> None:
    multi = " " in m.key
    strong = any(g.kind[i] in (gz.COUNTRY, gz.REGION) or g.kind[i] == gz.ADMIN1 and g.pop[i] >= 500_000
                 or g.pop[i] >= 100_000 for i in m.cands)
    m.strong = strong
    if m.fuzzy or m.key in _GENERIC:
        m.sure = False
    elif m.embedded in ("title", "before"):
        m.sure = False  # "President Jordan", "Michael Jordan" or "Costco Canada": NER decides
    elif strong and not m.embedded:
        m.sure = True
    elif multi and not m.embedded:
        m.sure = True
    else:
        # NER decides; a strong name that modifies an organisation ("Kentucky State Police") stays
        m.sure = False


# a town this large counts as a reading of its name however famous its namesake ('Paris', Tennessee)
MAJOR_POP = 20_000


def _major(g: gz.Gazetteer, m: Mention) -> list[int]:
    """The candidates a reader would think of: provinces, countries, regions and the larger towns."""
    top = max(g.pop[i] for i in m.cands)
    floor = min(0.1 * top, MAJOR_POP)
    return [i for i in m.cands if g.kind[i] in (gz.COUNTRY, gz.ADMIN1, gz.REGION) or g.pop[i] >= floor]


# the text before a word that opens a sentence (searched up to the word)
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|\n\s*)[\"'“‘(\[]?\s*$")
_CAP_WORDS = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?\b")


def _context(g: gz.Gazetteer, mentions: list[Mention], article: Article,
             own: dict[str, tuple[Counter, Counter]] | None = None) -> tuple[Counter, Counter]:
    """The countries (votes) and provinces the article is about, from names that are not ambiguous
    between countries ('Georgia' votes for neither the US nor Georgia). `own`, when given, receives
    each name's share of the votes, so that a name is judged by the article's other names only."""
    votes: Counter = Counter()
    admins: Counter = Counter()
    for m in mentions:
        major = _major(g, m)
        ccs = {g.cc[i] for i in major if g.cc[i]}
        if len(ccs) != 1:
            continue
        cc = ccs.pop()
        kinds = {g.kind[i] for i in major}
        v = 2 if gz.COUNTRY in kinds else 1
        votes[cc] += v
        a1 = {g.admin1[i] for i in major if g.kind[i] != gz.COUNTRY and g.admin1[i]}
        a = a1.pop() if len(a1) == 1 else 0
        if a:
            admins[a] += 1
        if own is not None:
            ov, oa = own.setdefault(m.key, (Counter(), Counter()))
            ov[cc] += v
            if a:
                oa[a] += 1
    for w in set(_CAP_WORDS.findall(article.text)):
        cc = g.demonyms.get(_norm(w))
        if cc:
            votes[cc] += 1
    if article.dateline:
        key, hits, _ = _lookup(g, article.dateline.split(",")[0].strip().title())
        if hits:
            top = max(hits, key=lambda i: g.pop[i] + (1e9 if g.kind[i] == gz.COUNTRY else 0))
            if g.cc[top]:
                votes[g.cc[top]] += 3
    return votes, admins


def _local_hints(g: gz.Gazetteer, m: Mention, mentions: list[Mention], idx: int, text: str) -> tuple[set[str], set[int]]:
    """Countries and provinces named right next to a mention: 'Iraq's Tal Afar', 'Tal Afar, Iraq',
    'Tal Afar in Nineveh province'."""
    ccs: set[str] = set()
    adm: set[int] = set()
    near = []
    if idx > 0:
        p = mentions[idx - 1]
        if p.possessive and text[p.end:m.start].strip() in ("’s", "'s"):
            near.append(p)
    if idx + 1 < len(mentions):
        q = mentions[idx + 1]
        gap = text[m.end:q.start]
        if re.fullmatch(r"\s*,\s*|\s+in\s+(?:the\s+)?|\s+\(\s*", gap):
            near.append(q)
    for o in near:
        for i in o.cands:
            if g.kind[i] == gz.COUNTRY:
                ccs.add(g.cc[i])
            elif g.kind[i] == gz.ADMIN1:
                adm.add(g.admin1[i])
                ccs.add(g.cc[i])
    return ccs, adm


# a town matched only by one of its alternate (often historical) names
ALT_PENALTY = 1.0


@lru_cache(maxsize=200_000)
def _primary_key(name: str) -> str:
    return gz.strip_article(gz.norm(name))


def _primary(g: gz.Gazetteer, i: int) -> str:
    return _primary_key(g.name[i])


def _is_primary(g: gz.Gazetteer, i: int, key: str) -> bool:
    """Is `key` the place's own name? In Arabic-speaking countries the final ta marbuta is often
    not written: 'Raqqa' is Ar Raqqah's own name, not an alternate one."""
    p, k = _primary(g, i), gz.strip_article(key)
    return p == k or g.cc[i] in gz.ARABIC_CC and p.endswith("ah") and p[:-1] == k


_STATE_AFTER = re.compile(r"\s+[Ss]tate\b|\s+[Pp]rovince\b")


def _score(g: gz.Gazetteer, m: Mention, i: int, votes: Counter, top_vote: float, admins: Counter,
           top_admin: float, ccs: set[str], adm: set[int], text: str) -> float:
    s = math.log10(g.pop[i] + 10) + KIND_BONUS[g.kind[i]]
    if g.kind[i] == gz.ADMIN1 and not _STATE_AFTER.match(text, m.end, m.end + 10):
        # 'Washington', 'New York', 'Aleppo': the city of the same name, when there is a big one
        # or, abroad, a city larger than the province: 'Gaza' is the Palestinian city before the
        # Mozambican province, though 'Victoria' is the Australian state before the Canadian city
        if any(g.kind[j] == gz.CITY and (g.cc[j] == g.cc[i] and (g.pop[j] >= 100_000 or _is_capital(g, j))
                                         or g.pop[j] >= max(100_000, g.pop[i]))
               for j in m.cands):
            s -= KIND_BONUS[gz.ADMIN1] + 1.0
    if g.kind[i] == gz.CITY and not _is_primary(g, i, m.key):
        s -= ALT_PENALTY  # known by another name: 'Paris' is rather a town called Paris than Swainsboro
    s += 3.0 * votes.get(g.cc[i], 0) / top_vote
    if g.kind[i] in (gz.CITY, gz.ADMIN2) and admins.get(g.admin1[i]):
        s += 1.5 + 1.5 * admins[g.admin1[i]] / top_admin
    if _is_capital(g, i):
        s += 1.5
    if g.cc[i] in ccs:
        s += 4.0
    if g.admin1[i] in adm and g.kind[i] != gz.ADMIN1:
        s += 4.0
    return s


# spatial coherence: a candidate near other places the article names gains up to this much
NEAR_BONUS = 3.0
NEAR_KM = 120.0
# weight of the first pass's choices in the second pass's country and province votes
ROUND_W = 0.5


def _top_cands(g: gz.Gazetteer, m: Mention, k: int = 12) -> list[int]:
    return sorted((i for i in m.cands if g.kind[i] != gz.COUNTRY and g.kind[i] != gz.REGION),
                  key=lambda i: -g.pop[i])[:k]


def _neighbours(g: gz.Gazetteer, mentions: list[Mention]) -> dict[int, float]:
    """For each town or province candidate of an ambiguous name, the share of the article's other
    names (towns, counties, provinces) that could be a place within NEAR_KM of it: 'Paris' with
    'Lamar County' is Paris, Texas (Mordecai and CLAVIN use the same idea)."""
    keys: dict[str, list[int]] = {}
    for m in mentions:
        if m.key not in keys:
            keys[m.key] = _top_cands(g, m)
    keys = {k: v for k, v in keys.items() if v}
    if len(keys) < 2:
        return {}
    pts = {k: [(math.radians(g.lat[i]), math.radians(g.lon[i])) for i in v] for k, v in keys.items()}
    out: dict[int, float] = {}
    lim = NEAR_KM / 6371.0
    for k, cands in keys.items():
        if len({g.cc[i] for i in cands}) == 1 and len(cands) == 1:
            continue  # unambiguous: nothing to choose
        others = [o for o in keys if o != k]
        for i in cands:
            la, lo = math.radians(g.lat[i]), math.radians(g.lon[i])
            cl = math.cos(la)
            hits = 0
            for o in others:
                for la2, lo2 in pts[o]:
                    dx = (lo2 - lo) * cl
                    if abs(la2 - la) < lim and abs(dx) < lim and (la2 - la) ** 2 + dx * dx < lim * lim:
                        hits += 1
                        break
            if hits:
                out[i] = hits / len(others)
    return out


def resolve(g: gz.Gazetteer, mentions: list[Mention], votes: Counter, admins: Counter, text: str,
            own: dict[str, tuple[Counter, Counter]] | None = None) -> list[int]:
    """Two passes: resolve with the article's countries and provinces, then again with the
    provinces of the places chosen (towns cluster: 'Decatur' near 'DeKalb County')."""
    hints = [_local_hints(g, m, mentions, idx, text) for idx, m in enumerate(mentions)]
    own = own if own is not None else {}
    chosen: list[int] = []
    for rnd in range(2):
        # each name is judged by the votes of the article's OTHER names: 'Paris' said six times
        # must not vote itself into France
        ctx: dict[str, tuple[Counter, float, Counter, float]] = {}
        for key in {m.key for m in mentions}:
            ov, oa = own.get(key, (None, None))
            v = votes - ov if ov else votes
            a = admins - oa if oa else admins
            ctx[key] = (v, max(v.values()) if v else 1.0, a, max(a.values()) if a else 1.0)
        chosen = []
        by_key: dict[str, int] = {}
        near = _neighbours(g, mentions) if rnd == 1 else {}
        for m, (ccs, adm) in zip(mentions, hints):
            v, top_vote, a, top_admin = ctx[m.key]
            # one name, one place per article, unless a local hint says otherwise
            if m.key in by_key and not (ccs or adm):
                best = by_key[m.key]
            else:
                best = max(m.cands, key=lambda i: _score(g, m, i, v, top_vote, a, top_admin, ccs, adm, text)
                           + NEAR_BONUS * near.get(i, 0.0))
                by_key.setdefault(m.key, best)
            chosen.append(best)
        if rnd == 0:
            admins = admins.copy()
            votes = votes.copy()
            own = {k: (ov.copy(), oa.copy()) for k, (ov, oa) in own.items()}
            for m, i in zip(mentions, chosen):
                ov, oa = own.setdefault(m.key, (Counter(), Counter()))
                if g.kind[i] != gz.COUNTRY and g.admin1[i]:
                    admins[g.admin1[i]] += ROUND_W
                    oa[g.admin1[i]] += ROUND_W
                if g.cc[i]:
                    votes[g.cc[i]] += ROUND_W
                    ov[g.cc[i]] += ROUND_W
    return chosen


LONE_FOREIGN = True
LONE_MAX_POP = 500_000


def _lone_foreign(g: gz.Gazetteer, m: Mention, i: int, votes: Counter, own: dict[str, tuple[Counter, Counter]]) -> bool:
    """A small place in a country nothing else in the article points to, in an article clearly about
    another country ('East', a region of Cameroon, in a story on Syria): a word or a name's part that
    the gazetteer happens to hold, not a place of the story."""
    if g.kind[i] == gz.COUNTRY or _is_capital(g, i) or g.pop[i] >= LONE_MAX_POP or not g.cc[i]:
        return False  # a country is named for itself, however small ('Iceland')
    ov = own.get(m.key, (Counter(), Counter()))[0]
    others = votes - ov
    if others.get(g.cc[i], 0) > 0 or not others:
        return False
    return max(others.values()) >= 3


def _display_name(g: gz.Gazetteer, i: int, surface: str) -> str:
    name = g.name[i]
    if name.isascii():
        return name
    return re.sub(r"^(?:the\s+)", "", surface)


SURNAMES = True
COMMON_WORDS = True
HOME_TOWNS = True
SURNAME_MAX_POP = 300_000


def _towns_of_named_countries(g: gz.Gazetteer, mentions: list[Mention]) -> None:
    """A town of some size in an Arabic-speaking country the article names is that town, with or without
    a locative word before it ("the Turkish assault on Afrin", "Mayadin fell"): a reader of a Syrian
    story knows Afrin. Only a lone word left undecided (not a title's, a lower-case word's or an
    adjective's: those are settled), and only a town whose every namesake of that size lies in a named
    Arabic-speaking country: their transliterated names are seldom English words or surnames, which
    the towns of an American story are ("Evans", "Franklin"), and there a locative word still decides."""
    named = {g.cc[i] for m in mentions if m.sure and not m.fuzzy for i in m.cands
             if g.kind[i] == gz.COUNTRY and g.cc[i] in gz.ARABIC_CC}
    if not named:
        return
    for m in mentions:
        if m.sure or m.settled or m.fuzzy or m.embedded or " " in m.key or m.key in _GENERIC:
            continue
        big = [i for i in m.cands if g.pop[i] >= MAJOR_POP]
        if big and all(g.cc[i] in named for i in big):
            m.sure = True


def _given_name(g: gz.Gazetteer, word: str, stop: frozenset[str], text: str) -> bool:
    """Whether a capitalised word opening a sentence before a name may be a person's given name
    ('Andrew Trapani is ...'): not a function, time, title or place word, not a large place itself,
    and not written in lower case elsewhere in the article."""
    w = word.lower()
    if w in stop or w in _TIME_WORDS or w in _TITLES or w in _PLACE_MODIFIERS or w in _GENERIC:
        return False
    if _norm(word) in g.demonyms or any(g.kind[i] != gz.CITY or g.pop[i] >= 100_000 for i in g.lookup(_norm(word))):
        return False  # 'Syrian Aleppo', 'Chicago Trapani': not a given name (small towns called 'Andrew' are)
    return not re.search(r"(?<![\w.])" + re.escape(w) + r"\b", text)


def find_places(article: Article, config: dict[str, Any] | None = None, text: str | None = None) -> list[Place]:
    """The places of `text` (article.text, or a copy of it with stretches blanked: offsets are
    the article's)."""
    config = config or {}
    g = gz.load()
    text = article.text if text is None else text
    mentions = find_mentions(text, g)
    for m in mentions:
        _decide_sure(g, m, text)
    if COMMON_WORDS:
        # a town whose name the article also writes as a lower-case word ('Man', 'Most', 'Split') is
        # not sure however large: the rules below want a locative word before it
        # ('Most of the fighters ...': a stop word opening a sentence is a lower-case word too)
        lower = _lower_words(text)
        stop = _stop_words()
        for m in mentions:
            common = m.key in lower or (m.key in stop and m.text[1:].islower() and _SENTENCE_START.search(text, max(0, m.start - 8), m.start))
            if m.sure and " " not in m.key and common and not m.possessive and all(
                    g.kind[i] in (gz.CITY, gz.ADMIN2) for i in m.cands):
                m.sure = False
    # "off" (default: rules only, ~10x faster, as accurate on TR-News, LGL, GeoVirus); "unsure": NER reads
    # a budget of unsure names; "all": NER decides every match
    ner = config.get("ner", "off")
    budget = int(config.get("ner_budget", NER_BUDGET))
    if ner == "all":
        for m in mentions:
            m.sure = False  # NER decides every match
        _ner_check(text, mentions, _sentence_spans(article), budget=10**6)
    elif ner != "off" and budget > 0:
        _ner_check(text, mentions, _sentence_spans(article), budget=budget)
    else:
        _cheap_reject(text, mentions, lower if COMMON_WORDS else None)
        for m in mentions:
            if not m.sure and not m.settled:
                m.sure = None
    for m in mentions:
        if m.sure is None:
            # NER silent or not asked: keep a single-word place only after a locative word ("in Hajin")
            # or before its province or country ("Dublin, Ohio"). (Carrying a locative along a list,
            # "in Hajin, Susa and Baghuz", found more names but lowered LGL accuracy: left out.)
            before = text[max(0, m.start - 30):m.start]
            m.sure = ((bool(_LOCATIVE.search(before)) or _before_container(g, m, text)) and not m.embedded
                      or m.embedded in (False, "after") and bool(_CIVIC.match(text, m.end))
                      or not m.embedded and _named_with_its_kind(g, m, text)
                      or m.lead.lower().rstrip(".") in _FEATURES)  # "Mount Sinjar" is a place's name
    if HOME_TOWNS:
        _towns_of_named_countries(g, mentions)
    # one sense per discourse: a name kept once stands for a place wherever the article uses it
    # on its own or as a modifier ("Huntsville police"), though not after a title or another name
    sure_keys = {m.key for m in mentions if m.sure and not m.fuzzy}
    for m in mentions:
        if m.sure is False and not m.settled and m.key in sure_keys and m.embedded in (False, "after"):
            m.sure = True
    # a name the article gives a person ('Andrew Trapani', 'Matthew D. Flores', 'Mrs. Lincoln') is that
    # person when used alone later ('Trapani's first film'), unless a locative word or a container says place
    if SURNAMES:
        # (a large city after another capitalised word is rather part of a name: 'Metro Vancouver')
        stop = _stop_words()
        given: dict[str, bool] = {}  # each word's search of the whole text once, not once per mention

        def given_name(word: str) -> bool:
            if word not in given:
                given[word] = _given_name(g, word, stop, text)
            return given[word]

        persons = {m.key for m in mentions if (m.embedded in ("before", "title")
                                               or m.lead and given_name(m.lead))
                   and " " not in m.key
                   and not any(g.kind[i] in (gz.COUNTRY, gz.REGION) or g.kind[i] == gz.ADMIN1 and g.pop[i] >= 500_000
                               for i in m.cands)
                   and (m.embedded == "title" or max(g.pop[i] if g.kind[i] == gz.CITY else 0 for i in m.cands)
                        < SURNAME_MAX_POP)}
        for m in mentions:
            if m.sure and m.key in persons and not m.embedded and not (
                    _LOCATIVE.search(text[max(0, m.start - 30):m.start]) or _before_container(g, m, text)
                    or _named_with_its_kind(g, m, text)):
                m.sure = False
    kept = []
    for m in mentions:
        if m.key in g.demonyms or m.key.rstrip("s") in g.demonyms or m.key in _PEOPLES:
            continue  # 'Sri Lankan', 'Kurdish': an adjective or a people, not a place
        if not m.sure:
            continue
        kept.append(m)
    own: dict[str, tuple[Counter, Counter]] = {}
    votes, admins = _context(g, kept, article, own)
    # a fuzzy (transliteration) match stands only for a place in a country the article is about
    final = []
    for m in kept:
        if m.fuzzy:
            m.cands = tuple(i for i in m.cands if votes.get(g.cc[i], 0) > 0)
            if not m.cands:
                continue
        final.append(m)
    chosen = resolve(g, final, votes, admins, text, own)
    places = []
    for m, i in zip(final, chosen):
        if LONE_FOREIGN and _lone_foreign(g, m, i, votes, own):
            continue
        # metonymy: "Washington said", "Moscow warned": the government, not the place
        if g.kind[i] == gz.CITY and _is_capital(g, i) and _SPEECH.match(text, m.end):
            continue
        places.append(Place(text=text[m.start:m.end], start=m.start, end=m.end, name=_display_name(g, i, m.text),
                            country=g.cc[i] or None, lat=g.lat[i], lon=g.lon[i],
                            geonames_id=g.gid[i] if g.gid[i] > 0 else None, precision=gz.KINDS[g.kind[i]]))
    article.context["countries"] = [cc for cc, _ in votes.most_common()]
    return places


# the opening sentences read for context even when triage leaves them out
LEDE_SENTENCES = 3


@stage("places")
def places(article: Article, config: dict[str, Any]) -> Article:
    text = None
    focus = article.context.get("focus")
    if focus is not None:
        # `muster extract`: only the sentences the triage stage marked, and the opening sentences
        # (headline and lede name the country the article is about: they vote in resolving the rest)
        if not focus:
            article.places = []
            return article
        lede = [(s.start, s.end) for s in article.sentences[:LEDE_SENTENCES]]
        text = masked_text(article, lede)
    article.places = find_places(article, config, text)
    return article
