"""The data model: an article, its annotation layers and its claims.

Every pipeline stage takes an `Article` and returns it with more filled in. The JSON shapes
follow ../shared/spec/claims.md (claims) and ../shared/spec/layers.md (layers); `to_dict`
methods produce exactly those shapes so the CLI, the ledger and the scorers agree.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

CLAIM_TYPES = ("recruitment", "child_use", "training", "defection", "foreign_fighters", "strength", "finance")
PRECISIONS = ("country", "admin1", "admin2", "city", "site", "region")


def content_id(text: str) -> str:
    """A stable id for an article: the hash of its cleaned text (re-ingesting updates, never duplicates)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class Span:
    text: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    # "headline", "caption" or "body": headlines and captions can hold claims too
    kind: str = "body"
    paragraph: int = 0


@dataclass
class Place:
    text: str
    start: int
    end: int
    name: str
    country: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None
    precision: str

    def to_dict(self) -> dict:
        return asdict(self)

    def location(self) -> dict:
        """The claim-level shape: no offsets."""
        return {"name": self.name, "country": self.country, "lat": self.lat, "lon": self.lon,
                "geonames_id": self.geonames_id, "precision": self.precision}


@dataclass
class Quantity:
    text: str
    start: int
    end: int
    low: float | int | None
    high: float | int | None
    approx: bool = False
    unit: str | None = None
    rate: str | None = None
    # NewsQuant's change: "=" exact, "~" approximate, ">" at least, "<" at most, "up", "down"
    change: str = "="
    # the vague word when there is no number ("dozens", "a few thousand")
    vague: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class TimeExpr:
    text: str
    start: int
    end: int
    start_date: str | None
    end_date: str | None
    granularity: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Speaker:
    name: str | None = None
    role: str | None = None
    org: str | None = None
    anonymous: bool = False
    quote: str = "indirect"
    text: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Attribution:
    content: Span
    source: Span | None = None
    cue: Span | None = None
    speaker: Speaker | None = None

    def to_dict(self) -> dict:
        return {"source": self.source.to_dict() if self.source else None,
                "cue": self.cue.to_dict() if self.cue else None,
                "content": self.content.to_dict(),
                "speaker": self.speaker.to_dict() if self.speaker else None}


@dataclass
class ActorMention:
    text: str
    start: int
    end: int
    name: str
    id: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Count:
    low: float | int | None
    high: float | int | None
    approx: bool = False
    unit: str | None = None
    text: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Claim:
    type: str
    evidence: Span
    actor: dict | None = None
    children: bool | None = None
    forced: bool | None = None
    count: Count | None = None
    rate: str | None = None
    locations: list[dict] = field(default_factory=list)
    time: dict | None = None
    trend: str | None = None
    hedged: bool = False
    negated: bool = False
    speaker: Speaker | None = None
    # how likely the claim is right, calibrated (claim_finder); None when no model is shipped
    confidence: float | None = None

    def to_dict(self) -> dict:
        return {"type": self.type, "evidence": self.evidence.to_dict(), "actor": self.actor,
                "children": self.children, "forced": self.forced,
                "count": self.count.to_dict() if self.count else None, "rate": self.rate,
                "locations": list(self.locations), "time": self.time, "trend": self.trend,
                "hedged": self.hedged, "negated": self.negated,
                "speaker": self.speaker.to_dict() if self.speaker else None, "confidence": self.confidence}


@dataclass
class Article:
    """One input document on its way through the pipeline."""

    doc: str
    text: str
    raw: str = ""
    title: str | None = None
    outlet: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    dateline: str | None = None
    url: str | None = None
    # metadata given with the input (JSONL fields, HTML meta) wins over what the text suggests
    given: dict[str, Any] = field(default_factory=dict)
    sentences: list[Sentence] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    times: list[TimeExpr] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    actors: list[ActorMention] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    # set by stages for later stages (e.g. the article's main actor, its countries)
    context: dict[str, Any] = field(default_factory=dict)
    # what the reader noticed and mended, for the user (the encoding it read, a bad date it dropped)
    notes: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return content_id(self.text)

    def input_hash(self) -> str:
        """The hash of the input as read (before cleaning; an HTML page's markup when the page is
        still to be read): what identifies an input that failed, before any stage has run."""
        if "input_hash" not in self.context:
            self.context["input_hash"] = content_id(self.context.get("html") or self.text)
        return self.context["input_hash"]

    def article_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "outlet": self.outlet, "authors": list(self.authors),
                "published": self.published, "dateline": self.dateline, "url": self.url, "text": self.text}

    def to_extract(self) -> dict:
        """The `muster extract` record (spec/claims.md)."""
        return {"doc": self.doc, "article": self.article_dict(), "claims": [c.to_dict() for c in self.claims]}

    def to_annotate(self) -> dict:
        """The `muster annotate` record (spec/layers.md)."""
        return {"doc": self.doc, "text": self.text, "published": self.published,
                "places": [p.to_dict() for p in self.places],
                "quantities": [q.to_dict() for q in self.quantities],
                "times": [t.to_dict() for t in self.times],
                "attributions": [a.to_dict() for a in self.attributions],
                "actors": [a.to_dict() for a in self.actors]}


class InputError(Exception):
    """Bad input: names the input and the reason, so the batch can go on without it."""

    def __init__(self, source: str, reason: str, input_hash: str | None = None):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
        # set when the input exhausted its budget (crash, hang, memory): the ledger skips it next time
        self.input_hash = input_hash

    def __reduce__(self):
        # rebuilt from its fields, so that it crosses between worker processes
        return (InputError, (self.source, self.reason, self.input_hash))
