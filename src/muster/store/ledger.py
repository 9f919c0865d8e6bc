"""The ledger: articles and their claims in an embedded SQLite database, and the questions analysts ask it.

    from muster.store import Ledger
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
from typing import Any, Callable, Iterable, Iterator, Sequence

from .. import __version__
from ..model import Article, InputError, content_id
from .filters import parse_actor, parse_country, parse_date
from . import reviews
from .ids import claim_id, claim_ids, overlap
from .records import _flat, article_record, claim_dict, read_records
from .schema import APPLICATION_ID, Migration, _statements, migrations

# "MUST": marks the file as a Muster ledger (PRAGMA application_id)

APPLICATION_ID = 0x4D555354
DEFAULT_TIMEOUT = 30.0
BOOL_COLUMNS = ("children", "forced", "count_approx", "hedged", "negated", "speaker_anonymous")
FORMATS = ("table", "csv", "jsonl", "geojson")


class LedgerError(Exception):
    """A problem the user can act on: no such database, a newer schema, a lock held too long."""

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


def _connect(path: str, timeout: float, any_thread: bool = False) -> sqlite3.Connection:
    try:
        return sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=not any_thread)
    except sqlite3.Error as exc:
        raise LedgerError(f"cannot open {path}: {exc}") from None


def _connect_readonly(path: str, timeout: float, any_thread: bool = False) -> sqlite3.Connection:
    """Open for reading only. In a directory one cannot write to, SQLite cannot make the WAL index
    (-shm) a WAL ledger needs: then the file is opened as immutable, which is right as nobody can
    be writing to it there."""
    uri = "file:" + urllib.parse.quote(os.path.abspath(path))
    for query in ("?mode=ro", "?mode=ro&immutable=1"):
        try:
            conn = sqlite3.connect(uri + query, uri=True, timeout=timeout, isolation_level=None,
                                   check_same_thread=not any_thread)
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
                 migrations_: Sequence[Migration] | None = None, readonly: bool = False, any_thread: bool = False):
        """`create`: make the file when absent; `readonly`: open it for reading only (no WAL
        switch, no migration, nothing written; for a ledger in a directory one cannot write to);
        `any_thread`: usable from a thread other than the one that opened it (one at a time: the
        server's pool hands a connection from a thread that ended to a new one)."""
        self.path = str(path)
        self.readonly = readonly
        _check_path(self.path, must_exist=not create or readonly)
        self.conn = (_connect_readonly(self.path, timeout, any_thread) if readonly
                     else _connect(self.path, timeout, any_thread))
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
        c.create_function("muster_claim_id", 6, claim_id, deterministic=True)  # for migration 004
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
        given = rec
        if "ledger" in rec:  # a `muster export` record: the claims as reviewed, the machine's values beside
            rec = {**rec, "claims": [reviews.machine_claim(cl) for cl in rec.get("claims") or []]}
        text = rec["article"]["text"]
        aid = content_id(text)
        from .. import dedup  # only writes need it (datasketch, numpy)

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
            ids = self._write_claims(c, aid, rec, run_id)
            reviews.import_reviews(c, aid, given, ids, str(given.get("doc") or aid))
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
        # an update replaces what the pipeline says about the article; its claims are matched by id
        # in _write_claims, so that reviewed claims and their reviews survive
        c.execute("DELETE FROM article_actors WHERE article_id = ?", (aid,))
        c.execute("DELETE FROM article_places WHERE article_id = ?", (aid,))

    def _write_claims(self, c: sqlite3.Connection, aid: str, rec: dict, run_id: int | None = None) -> list[str]:
        for m in rec.get("actors") or []:
            key = self._actor(c, m)
            if key:
                c.execute('INSERT INTO article_actors (article_id, actor_key, text, start, "end") VALUES (?, ?, ?, ?, ?)',
                          (aid, key, m.get("text"), m.get("start"), m.get("end")))
        for p in rec.get("places") or []:
            c.execute('INSERT INTO article_places (article_id, place_id, text, start, "end") VALUES (?, ?, ?, ?, ?)',
                      (aid, self._place(c, p), p.get("text"), p.get("start"), p.get("end")))
        claims = rec.get("claims") or []
        ids = claim_ids(aid, claims)
        before = {r["id"]: (r["evidence_start"], r["evidence_end"]) for r in c.execute(
            "SELECT id, evidence_start, evidence_end FROM claims WHERE article_id = ?", (aid,))}
        # seq is unique within an article: move the stored claims out of the way of the new order
        c.execute("UPDATE claims SET seq = -1 - seq WHERE article_id = ? AND seq >= 0", (aid,))
        # an exported record's claims are what an analyst saw: they do not overwrite what the
        # pipeline said of a claim already stored (import_reviews records the differences as reviews)
        keep = "ledger" in rec
        for n, (cid, cl) in enumerate(zip(ids, claims)):
            self._write_claim(c, aid, cid, n, cl, keep_machine=keep)
        self._retire_claims(c, aid, before, dict(zip(ids, claims)), run_id, len(claims))
        c.execute("UPDATE articles SET n_claims = ? WHERE id = ?", (len(claims), aid))
        return ids

    def _write_claim(self, c: sqlite3.Connection, aid: str, cid: str, n: int, cl: dict,
                     keep_machine: bool = False) -> None:
        """Insert a claim, or update the machine's values of the claim of that id (its reviews are
        kept apart, in reviews / claim_reviewed, and so are untouched); with `keep_machine` a claim
        already stored keeps its values."""
        if keep_machine and c.execute("SELECT 1 FROM claims WHERE id = ?", (cid,)).fetchone():
            c.execute("UPDATE claims SET seq = ?, lost_at = NULL, lost_run = NULL WHERE id = ?", (n, cid))
            return
        ev = cl.get("evidence") or {}
        cnt = cl.get("count") or {}
        tm = cl.get("time") or {}
        sp = cl.get("speaker") or None
        c.execute(
            """INSERT INTO claims (id, article_id, seq, type, actor_key, children, forced, count_low, count_high,
                   count_approx, count_unit, count_text, rate, time_start, time_end, trend, hedged, negated,
                   speaker_id, speaker_quote, speaker_text, evidence, evidence_start, evidence_end, confidence)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, type = excluded.type,
                   actor_key = excluded.actor_key, children = excluded.children, forced = excluded.forced,
                   count_low = excluded.count_low, count_high = excluded.count_high,
                   count_approx = excluded.count_approx, count_unit = excluded.count_unit,
                   count_text = excluded.count_text, rate = excluded.rate, time_start = excluded.time_start,
                   time_end = excluded.time_end, trend = excluded.trend, hedged = excluded.hedged,
                   negated = excluded.negated, speaker_id = excluded.speaker_id,
                   speaker_quote = excluded.speaker_quote, speaker_text = excluded.speaker_text,
                   evidence = excluded.evidence, evidence_start = excluded.evidence_start,
                   evidence_end = excluded.evidence_end, confidence = excluded.confidence,
                   lost_at = NULL, lost_run = NULL""",
            (cid, aid, n, cl["type"], self._actor(c, cl.get("actor")), _b(cl.get("children")),
             _b(cl.get("forced")), cnt.get("low"), cnt.get("high"), _b(cnt.get("approx")) if cnt else None,
             cnt.get("unit"), cnt.get("text"), cl.get("rate"), tm.get("start"), tm.get("end"), cl.get("trend"),
             int(bool(cl.get("hedged"))), int(bool(cl.get("negated"))), self._speaker(c, sp),
             sp.get("quote") if sp else None, sp.get("text") if sp else None,
             ev.get("text") or "", ev.get("start"), ev.get("end"), cl.get("confidence")))
        c.execute("DELETE FROM claim_places WHERE claim_id = ?", (cid,))
        for k, loc in enumerate(cl.get("locations") or []):
            c.execute("INSERT INTO claim_places (claim_id, seq, place_id) VALUES (?, ?, ?)",
                      (cid, k, self._place(c, loc)))

    @staticmethod
    def _retire_claims(c: sqlite3.Connection, aid: str, before: dict[str, tuple], now: dict[str, dict],
                       run_id: int | None, n: int) -> None:
        """The claims stored before that the pipeline no longer finds: each is linked to the new
        claims whose evidence overlaps it; a reviewed one is kept and marked lost, the rest deleted."""
        at = _now()
        reviewed = {r[0] for r in c.execute(
            "SELECT DISTINCT claim_id FROM reviews WHERE article_id = ?", (aid,))}
        for old_id, span in before.items():
            if old_id in now:
                continue
            for new_id, cl in now.items():
                ev = cl.get("evidence") or {}
                share = overlap(span, (ev.get("start"), ev.get("end")))
                if share > 0:
                    c.execute("INSERT OR IGNORE INTO claim_links (old_id, new_id, overlap, reason, run_id, at) "
                              "VALUES (?, ?, ?, 're-extracted', ?, ?)", (old_id, new_id, share, run_id, at))
            if old_id in reviewed:
                c.execute("UPDATE claims SET seq = ?, lost_at = COALESCE(lost_at, ?), lost_run = COALESCE(lost_run, ?) "
                          "WHERE id = ?", (n, at, run_id, old_id))
                n += 1
            else:
                c.execute("DELETE FROM claims WHERE id = ?", (old_id,))

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
        from .. import dedup

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
        from .. import dedup

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
               article: str | None = None, limit: int | None = None, offset: int = 0,
               status: str | None = None, min_confidence: float | None = None, year: int | None = None,
               undated: bool = False, order: str = "date") -> list[dict]:
        """Claims matching every filter given, as flat rows of `claims_view` (reviewed values, booleans
        as bool, locations parsed). `since`/`until` compare with the claim's period, or the article's
        date; claims with neither are left out by them unless `undated` (see `count_undated`).
        `status`: unreviewed, reviewed, accepted, corrected, rejected or lost. `order`: "date", "id", or
        "confidence" (the surest first, then by date)."""
        filters = dict(types=types, actor=actor, country=country, near=near, since=since, until=until,
                       children=children, forced=forced, speaker=speaker, text=text, independent=independent,
                       article=article, status=status, min_confidence=min_confidence, year=year, undated=undated)
        return self.rows(self.match_ids(**filters, order=order, limit=limit, offset=offset))

    def match_ids(self, order: str = "date", limit: int | None = None, offset: int = 0, **filters: Any) -> list[str]:
        """The ids of the claims matching `filters`, in the list order (by date, by id, or by confidence)."""
        match, args = self._match(**filters)
        order_by = {"id": "id",
                    # the claim's own row by its key: the match carries no confidence column
                    "confidence": "(SELECT confidence FROM claims c WHERE c.id = m.id) DESC, d, article_id, seq",
                    }.get(order, "d, article_id, seq")
        sql = f"SELECT id FROM ({match}) m ORDER BY {order_by}"
        if limit:
            sql += f" LIMIT {int(limit)} OFFSET {max(0, int(offset))}"
        return [r[0] for r in self._run(sql, args)]

    def rows(self, ids: Sequence[str], columns: Sequence[str] = ()) -> list[dict]:
        """These claims' rows of claims_view, in this order; with `columns`, those alone (and id):
        SQLite then computes only them (the places, the coordinates, the machine's places are
        subqueries each). (claims_view computes every claim's places: it is asked for these claims alone.)"""
        rows: dict[str, sqlite3.Row] = {}
        # all of a claim: with the earliest claim of another article it repeats (claim_copies, as of the
        # last `muster facts`)
        cols = ", ".join(dict.fromkeys(["id", *columns])) if columns else \
            "*, (SELECT copy_of FROM claim_copies WHERE claim_id = claims_view.id) AS copy_of"
        for k in range(0, len(ids), 500):
            chunk = list(ids[k:k + 500])
            rows.update((r["id"], r) for r in self.conn.execute(
                f"SELECT {cols} FROM claims_view WHERE id IN ({','.join('?' * len(chunk))})", chunk))
        return [_flat(rows[i]) for i in ids if i in rows]

    def list_rows(self, ids: Sequence[str], columns: Sequence[str]) -> list[dict]:
        """rows(ids, columns), but each claim's `locations` with its places' names alone
        ([{"name": ...}], in order): what a list shows. claims_view builds each place's JSON in a
        subquery per claim, half the time of reading a page of claims; the names are read here
        in one query for the page (an analyst's corrected places, a few, from claims_view)."""
        cols = [c for c in columns if c != "locations"]
        cols.append("CASE WHEN instr(reviewed_fields, '\"places\"') THEN locations END AS reviewed_locations")
        rows = self.rows(ids, cols)
        names: dict[str, list[dict]] = {}
        for k in range(0, len(ids), 500):
            chunk = list(ids[k:k + 500])
            for cid, name in self.conn.execute(
                    "SELECT cp.claim_id, pl.name FROM claim_places cp JOIN places pl ON pl.id = cp.place_id "
                    f"WHERE cp.claim_id IN ({','.join('?' * len(chunk))}) ORDER BY cp.claim_id, cp.seq", chunk):
                names.setdefault(cid, []).append({"name": name})
        for r in rows:
            corrected = r.pop("reviewed_locations")
            r["locations"] = json.loads(corrected) if corrected is not None else names.get(r["id"], [])
        return rows

    def _match(self, facets: bool = False, **filters: Any) -> tuple[str, list]:
        """SQL for the claims matching `filters` (columns id, d = the date to sort by, article_id, seq;
        with `facets`, then each claim's facet values: FACET_COLUMNS).
        The claims no analyst reviewed are matched on claims_machine_view, whose columns are the
        claims table's own (and the derived claim_countries, sort_date), so that SQLite uses their
        indexes; the few reviewed claims on claims_view, where a corrected value replaces the machine's."""
        where_m, args_m = self._where(**filters, machine=True)
        cols = "v.id, COALESCE(v.date_start, '9999') AS d, v.article_id, v.seq"
        cols_m = cols
        if facets:
            cols_m += (", v.type, v.actor, v.children, v.forced, substr(v.date_start, 1, 4), NULL, "
                       "round(v.confidence, 1), (SELECT group_concat(country, ' ') FROM claim_countries "
                       "WHERE claim_id = v.id)")
        reviewed, args_r = self._match_reviewed(facets, **filters)
        sql = (f"SELECT {cols_m} FROM claims_machine_view v WHERE v.id NOT IN (SELECT claim_id FROM claim_reviewed) "
               f"AND {' AND '.join(where_m)} UNION ALL {reviewed}")
        return sql, args_m + args_r

    def _match_reviewed(self, facets: bool = False, **filters: Any) -> tuple[str, list]:
        """The reviewed half of _match: the reviewed claims matching `filters`, on claims_view."""
        where_r, args_r = self._where(**filters)
        cols_r = "v.id, COALESCE(v.date_start, '9999') AS d, v.article_id, v.seq"
        if facets:
            # the countries: the corrected places', else the machine's (claim_countries: claims_view's
            # places JSON is not built for them)
            cols_r += (", v.type, v.actor, v.children, v.forced, substr(v.date_start, 1, 4), v.review_status, "
                       "round(v.confidence, 1), CASE WHEN instr(v.reviewed_fields, '\"places\"') THEN "
                       "(SELECT group_concat(DISTINCT json_extract(j.value, '$.country')) FROM json_each(v.locations) j) "
                       "ELSE (SELECT group_concat(country, ' ') FROM claim_countries WHERE claim_id = v.id) END")
        reviewed, args_c = self._reviewed_candidates(filters.get("country"), filters.get("types") or ())
        return (f"SELECT {cols_r} FROM claims_view v WHERE v.id IN ({reviewed}) AND {' AND '.join(where_r)}",
                args_c + args_r)

    @staticmethod
    def _reviewed_candidates(country: str | None, types: Sequence[str]) -> tuple[str, list]:
        """The reviewed claims that may match a country filter: those whose places or type an analyst
        corrected, and those whose machine places (claim_countries) are in the country, of the type;
        so that claims_view is computed for these alone, not for every reviewed claim."""
        if not country and types:
            # those whose type an analyst corrected, and those of the type
            # each reviewed claim's type looked up by its id: a join makes SQLite first read every claim
            # (a Bloom filter over 200,000 claims for 2,000 reviewed ones: 50 ms instead of 6)
            return ("SELECT claim_id FROM claim_reviewed r WHERE instr(fields, '\"type\"') "
                    f"OR (SELECT type FROM claims WHERE id = r.claim_id) IN ({','.join('?' * len(types))})", [*types])
        if not country:
            return "SELECT claim_id FROM claim_reviewed", []
        of_type = f" AND type IN ({','.join('?' * len(types))})" if types else ""
        sql = ("SELECT claim_id FROM claim_reviewed WHERE instr(fields, '\"places\"') OR instr(fields, '\"type\"') "
               f"UNION SELECT claim_id FROM claim_countries WHERE country = ?{of_type} AND reviewed = 1")
        return sql, [parse_country(country), *types]

    def match_facets(self, **filters: Any) -> list[tuple]:
        """The claims matching `filters` in the list order, each (id, *its facet values) (FACETS;
        "country" a space-separated list): one query gives both the list and its facets."""
        match, args = self._match(facets=True, **filters)
        sql = f"SELECT * FROM ({match}) ORDER BY d, article_id, seq"
        return [(r[0], *r[4:]) for r in self._run(sql, args)]

    def list_page(self, offset: int = 0, limit: int = 50, facet_limit: int = 30,
                  **filters: Any) -> tuple[list[str], int, dict] | None:
        """One page of the list (its claims' ids), the number of matching claims and their facets,
        as match_facets and facets would give them, read from the facet counts and the list index
        (schema 8) when the filters are only types and a country; None for other filters."""
        from .listing import counted_filters, list_page

        if not counted_filters(filters):
            return None
        return list_page(self, offset, limit, facet_limit, **filters)

    def fold_facet_counts(self) -> bool:
        """Bring the facet counts up to date: recount the claims written since (an ingest only
        notes them). False if this ledger is read-only or another writer holds it."""
        from .listing import fold_pending

        return fold_pending(self)

    def next_claim(self, claim_id: str, step: int = 1, **filters: Any) -> str | None:
        """The claim after (step 1) or before (step -1) `claim_id` in the list order among the
        claims matching `filters`, or None at the end."""
        row = self.conn.execute("SELECT COALESCE(date_start, '9999') AS d, article_id, seq FROM claims_view "
                                "WHERE id = ?", (claim_id,)).fetchone()
        if row is None:
            return None
        match, args = self._match(**filters)
        op, direction = (">", "ASC") if step > 0 else ("<", "DESC")
        sql = (f"SELECT id FROM ({match}) WHERE (d, article_id, seq) {op} (?, ?, ?) "
               f"ORDER BY d {direction}, article_id {direction}, seq {direction} LIMIT 1")
        got = self._run(sql, [*args, row[0], row[1], row[2]])
        return got[0][0] if got else None

    def count_claims(self, **filters: Any) -> int:
        """How many claims `claims(**filters)` finds without a limit."""
        match, args = self._match(**filters)
        return self._run(f"SELECT count(*) FROM ({match})", args)[0][0]

    def count_undated(self, **filters: Any) -> int:
        """How many claims match the other filters but have no date at all (no period, an undated
        article), so that `since`/`until` leave them out: said, not silently dropped."""
        if not (filters.get("since") or filters.get("until")) or filters.get("undated"):
            return 0
        rest = {k: v for k, v in filters.items() if k not in ("since", "until")}
        match, args = self._match(**rest)
        return self._run(f"SELECT count(*) FROM ({match}) WHERE d = '9999'", args)[0][0]

    FACETS = ("type", "actor", "country", "children", "forced", "year", "review_status", "confidence_band")

    def facets(self, limit: int = 30, rows: Sequence[tuple] | None = None,
               **filters: Any) -> dict[str, list[tuple[Any, int]]]:
        """The values of each facet (FACETS) among the claims matching `filters` (or among `rows` of
        match_facets, when the caller has them already), most frequent first."""
        from .listing import row_counters

        if rows is None:
            rows = self.match_facets(**filters)
        counts = row_counters(rows)
        return {f: counts[f].most_common(limit) for f in self.FACETS}

    def _fts(self, sql: str, args: list, query: str, extra: Sequence = ()) -> list[sqlite3.Row]:
        """Run a query whose FTS5 MATCH argument is `query` (after `args`, before `extra`)."""
        return self._run(sql, [*args, _FtsQuery(query), *extra])

    def _run(self, sql: str, args: list) -> list[sqlite3.Row]:
        """Run a query; if its full-text query (an _FtsQuery among `args`) is not valid FTS5
        syntax, search for its words as plain terms instead."""
        try:
            return self.conn.execute(sql, args).fetchall()
        except sqlite3.OperationalError:
            if not any(isinstance(a, _FtsQuery) for a in args):
                raise
            words = [re.findall(r"\w+", a) for a in args if isinstance(a, _FtsQuery)][0]
            if not words:
                return []
            quoted = " ".join('"' + w + '"' for w in words)
            return self.conn.execute(sql, [quoted if isinstance(a, _FtsQuery) else a for a in args]).fetchall()

    def _where(self, types: Sequence[str] = (), actor: str | None = None, country: str | None = None,
               near: tuple[float, float, float] | None = None, since: str | None = None,
               until: str | None = None, children: bool | None = None, forced: bool | None = None,
               speaker: str | None = None, text: str | None = None, independent: bool = False,
               article: str | None = None, status: str | None = None, min_confidence: float | None = None,
               year: int | None = None, undated: bool = False, machine: bool = False,
               **_: Any) -> tuple[list[str], list]:
        """The WHERE terms and their parameters for the claims filters (values only ever as parameters).
        The full-text query, when there is one, is an _FtsQuery parameter (see _run). `machine`: the
        terms for claims_machine_view (no claim reviewed), which may use the derived tables of schema 7."""
        where, args = ["1"], []
        if types:
            where.append(f"v.type IN ({','.join('?' * len(types))})")
            args += list(types)
        if actor:
            kind, groups = parse_actor(actor)
            if kind == "id":
                where.append("v.actor_id = ?")
                args.append(groups[0][1])
            elif kind == "alias":
                # an alias names its groups exactly: "IS" is the Islamic State, not any name with "is" in it
                terms = []
                for name, qid in groups:
                    terms.append("v.actor = ? COLLATE NOCASE")
                    args.append(name)
                    if qid:
                        terms.append("v.actor_id = ?")
                        args.append(qid)
                if len(actor.strip()) >= 4:  # a longer alias may also be part of a name as stored ("Shabaab")
                    terms.append(_contains("v.actor"))
                    args.append(actor.strip())
                where.append("(" + " OR ".join(terms) + ")")
            else:
                # a substring, not a LIKE pattern: '%' and '_' in the name are themselves
                where.append(_contains("v.actor"))
                args.append(actor.strip())
        if country and machine:
            # one range of claim_countries_country (country, type) rather than each claim's places
            code = parse_country(country)
            of_type = f" AND type IN ({','.join('?' * len(types))})" if types else ""
            where.append(f"v.id IN (SELECT claim_id FROM claim_countries WHERE country = ?{of_type})")
            args += [code, *types]
        elif country:
            code = parse_country(country)
            where.append("(CASE WHEN instr(v.reviewed_fields, '\"places\"') "
                         "THEN EXISTS (SELECT 1 FROM json_each(v.locations) j WHERE json_extract(j.value, '$.country') = ?) "
                         "ELSE EXISTS (SELECT 1 FROM claim_places cp JOIN places p ON p.id = cp.place_id "
                         "WHERE cp.claim_id = v.id AND p.country = ?) END)")
            args += [code, code]
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
            machine_near = ("EXISTS (SELECT 1 FROM claim_places cp JOIN places p ON p.id = cp.place_id "
                            f"WHERE cp.claim_id = v.id AND {' AND '.join(cond)} AND muster_km(p.lat, p.lon, ?, ?) <= ?)")
            if machine:
                where.append(machine_near)
                args += args_near + [lat, lon, km]
            else:  # an analyst's corrected places, where there are some, are where the claim is
                where.append("(CASE WHEN instr(v.reviewed_fields, '\"places\"') "
                             "THEN EXISTS (SELECT 1 FROM json_each(v.locations) j WHERE muster_km("
                             "json_extract(j.value, '$.lat'), json_extract(j.value, '$.lon'), ?, ?) <= ?) "
                             f"ELSE {machine_near} END)")
                args += [lat, lon, km] + args_near + [lat, lon, km]
        undated_ok = " OR v.date_start IS NULL" if undated else ""
        if since:
            where.append(f"(v.date_end >= ?{undated_ok})")
            args.append(parse_date(since))
        if until:
            where.append(f"(v.date_start <= ?{undated_ok})")
            args.append(parse_date(until, end=True))
        if year:
            where.append("v.date_start >= ? AND v.date_start < ?")
            args += [f"{int(year):04d}", f"{int(year) + 1:04d}"]
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
            # neither a near-duplicate article's claims nor a claim repeating another article's statement
            # (claim_copies: as of the last `muster facts`, derived data the facts stage keeps)
            where.append("v.duplicate_of IS NULL AND v.id NOT IN (SELECT claim_id FROM claim_copies)")
        if article:
            where.append("v.article_id = ?")
            args.append(article)
        if status:
            where.append(_STATUS_TERMS[_check_status(status)])
        if min_confidence is not None:
            where.append("v.confidence >= ?")
            args.append(float(min_confidence))
        if text:
            where.append("v.id IN (SELECT c.id FROM claims_fts f JOIN claims c ON c.rowid = f.rowid "
                         "WHERE claims_fts MATCH ?)")
            args.append(_FtsQuery(text))
        return where, args

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
        if ident.startswith("c") or "-" in ident:
            try:
                cid = self.resolve_claim(ident)
            except LedgerError:
                cid = None
            if cid:
                return self.conn.execute("SELECT article_id FROM claims WHERE id = ?", (cid,)).fetchone()[0], cid
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

    # -- reviews (store/reviews.py) --------------------------------------------------------------

    def review(self, claim_id: str, action: str | None = None, sets: dict | None = None, note: str | None = None,
               reviewer: str | None = None) -> dict:
        """Accept, reject or reopen a claim and/or correct fields of it (see reviews.review)."""
        return reviews.review(self, self.resolve_claim(claim_id), action, sets, note, reviewer)

    def reviews(self, claim_id: str | None = None, article: str | None = None, limit: int | None = None) -> list[dict]:
        """The review log (oldest first) of a claim, of an article's claims, or of the whole ledger
        (newest first, with `limit`)."""
        if claim_id:
            return reviews.log(self.conn, claim_id)
        sql, args = "SELECT * FROM reviews", []
        if article:
            sql += " WHERE article_id = ?"
            args.append(article)
        sql += " ORDER BY id" + (" DESC LIMIT ?" if limit else "")
        rows = [dict(r) for r in self.conn.execute(sql, args + ([int(limit)] if limit else []))]
        for r in rows:
            for k in ("before", "after"):
                r[k] = json.loads(r[k]) if r[k] is not None else None
        return rows

    def claim(self, claim_id: str) -> dict:
        """One claim (reviewed values, machine values, review) with its review log and the claims it
        replaced or that replaced it (claim_links)."""
        cid = self.resolve_claim(claim_id)
        rows = self.conn.execute("SELECT * FROM claims_view WHERE id = ?", (cid,)).fetchall()
        row = _flat(rows[0])
        row["log"] = reviews.log(self.conn, cid)
        row["replaced"] = [dict(r) for r in self.conn.execute(
            "SELECT old_id, overlap, reason, at FROM claim_links WHERE new_id = ? AND reason != 'renamed'", (cid,))]
        row["replaced_by"] = [dict(r) for r in self.conn.execute(
            "SELECT l.new_id, l.overlap, l.reason, l.at FROM claim_links l JOIN claims c ON c.id = l.new_id "
            "WHERE l.old_id = ?", (cid,))]
        return row

    def resolve_claim(self, ident: str) -> str:
        """A claim id, a unique prefix of one, or an id it had before (claim_links) -> its id."""
        ident = ident.strip()
        if self.conn.execute("SELECT 1 FROM claims WHERE id = ?", (ident,)).fetchone():
            return ident
        links = [r[0] for r in self.conn.execute(
            "SELECT l.new_id FROM claim_links l JOIN claims c ON c.id = l.new_id WHERE l.old_id = ? "
            "ORDER BY l.overlap DESC", (ident,))]
        if len(links) == 1:
            return links[0]
        if len(links) > 1:
            raise LedgerError(f"claim {ident!r} was re-extracted as several claims: {', '.join(links)}")
        if len(ident) >= 6:
            rows = self.conn.execute("SELECT id FROM claims WHERE id >= ? AND id < ? LIMIT 2",
                                     (ident, ident + "\uffff")).fetchall()
            if len(rows) == 1:
                return rows[0][0]
            if len(rows) > 1:
                raise LedgerError(f"{ident!r} is the start of several claim ids: give more of it")
        raise LedgerError(f"no claim {ident!r} in {self.path}")

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
                   "claims": [{"id": r["id"], **claim_dict(r, review=True)} for r in self.claims(article=aid)],
                   "reviews": [{k: e[k] for k in ("claim_id", "action", "field", "before", "after", "note",
                                                   "reviewer", "at")} for e in self.reviews(article=aid)],
                   "actors": actors, "places": places,
                   "ledger": {"duplicate_of": a["duplicate_of"], "dup_jaccard": a["dup_jaccard"],
                              "dup_containment": a["dup_containment"], "first_ingested": a["first_ingested"],
                              "last_ingested": a["last_ingested"]}}


class _FtsQuery(str):
    """A full-text query among a query's parameters (so that _run can retry it as plain words)."""


_STATUS_TERMS = {"unreviewed": "v.review_status IS NULL", "reviewed": "v.review_status IS NOT NULL",
                 "accepted": "v.review_status = 'accepted'", "corrected": "v.review_status = 'corrected'",
                 "rejected": "v.review_status = 'rejected'", "lost": "v.lost_at IS NOT NULL"}
STATUSES = tuple(_STATUS_TERMS)


def _check_status(status: str) -> str:
    if status not in _STATUS_TERMS:
        raise ValueError(f"unknown review status {status!r} (one of {', '.join(_STATUS_TERMS)})")
    return status


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
    from ..pipeline import extract
    from ..read import display_name

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

    from ..read import display_name

    with Ledger(db, timeout=timeout) as led:
        return led.ingest(records(), inputs=[display_name(p) for p in paths], on_error=on_error)
