"""The ASGI app of `muster serve`: the API and the web pages over one ledger, with its guards.

    app = create_app("muster.db")                      # loopback: writes need no token
    app = create_app("muster.db", token="s3cret")      # writes need "Authorization: Bearer s3cret"
    app = create_app("muster.db", read_only=True)      # nothing is written

Each worker thread uses its own connection to the ledger (a connection is used by one thread at a
time); the file is in WAL mode, so readers never wait for the writer. A connection outlives its
thread: the server's worker threads end after a few seconds idle, and the next thread takes
the connection back, open and with its cache warm, rather than open another.
"""
from __future__ import annotations

import gc
import hmac
import ipaddress
import os
import sqlite3
import threading
import weakref
from collections import OrderedDict
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator
from urllib.parse import quote

import anyio.to_thread
from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from ... import __version__
from ...store import Ledger, LedgerError

HERE = Path(__file__).parent
MAX_BODY = 64 * 1024          # a review is a few hundred bytes; nothing the server takes is large
MAX_QUERY = 4 * 1024          # the longest query string taken
CACHE_ENTRIES = 600           # answers kept per server (per filter: its claims and facets, undated, pages)
MMAP_BYTES = 256 * 1024 * 1024  # each thread's connection reads the ledger through the OS page cache (no copies)
# Requests worked on at once (the worker threads of the sync endpoints; the others wait, with no
# thread, in the event loop). A request's work holds the GIL but while SQLite steps, and SQLite
# gives the GIL back at each step (each row): among many threads, each step then waits for the
# GIL behind every other thread's switch interval (the convoy effect). Two: one in Python while
# the other is in SQLite.
WORK_THREADS = 2


class Settings:
    def __init__(self, db: str, read_only: bool = False, token: str | None = None):
        self.db = str(db)
        self.read_only = read_only
        self.token = token
        self._local = threading.local()
        self._cache: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._watch: sqlite3.Connection | None = None
        self._idle: list[Ledger] = []  # the connections of threads that ended, for the next ones
        self.writes = 0  # reviews taken by this server (they change what a cached answer would be)

    def state(self) -> tuple:
        """What tells that the ledger changed: the data_version of a connection of this server that
        never writes, which changes whenever any other connection commits (a review taken by this
        or another worker process, an ingest), and this server's writes."""
        with self._lock:
            if self._watch is None:
                self._watch = _watching(self.db)
            return self.writes, self._watch.execute("PRAGMA data_version").fetchone()[0]

    def cached(self, key: tuple, compute: Any) -> Any:
        """compute(), remembered for `key` while the ledger does not change (the matching claims of a
        filter, its facets: a page of the list, the next page and the claim pages' next/previous all
        reuse them). At most CACHE_ENTRIES answers are kept."""
        key = (key, self.state())
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = compute()
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)
        return value

    def ledger(self) -> Ledger:
        """This thread's connection to the ledger: an idle one, else a new one. It goes back to the
        idle ones when the thread ends (its thread-local storage is dropped)."""
        lent = getattr(self._local, "lent", None)
        if lent is None:
            lent = self._local.lent = _Lent(self._idle.pop() if self._idle else self._connect(), self._idle)
        return lent.ledger

    def _connect(self) -> Ledger:
        led = Ledger(self.db, create=False, readonly=self.read_only, any_thread=True)
        # memory-mapped reads: a list request reads thousands of scattered index and table pages,
        # and the threads share the mapped pages instead of each filling its own small cache
        led.conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        return led


class _Lent:
    """A connection lent to one thread, given back to `idle` when the thread is done with it."""

    def __init__(self, ledger: Ledger, idle: list):
        self.ledger = ledger
        weakref.finalize(self, idle.append, ledger)


def _watching(db: str) -> sqlite3.Connection:
    """A read-only connection to ask the ledger's data_version, from any thread (under a lock). In
    a directory one cannot write to, the ledger is opened immutable, as the store does: nobody can
    be writing to it there."""
    uri = "file:" + quote(os.path.abspath(db))
    for query in ("?mode=ro", "?mode=ro&immutable=1"):
        try:
            conn = sqlite3.connect(uri + query, uri=True, check_same_thread=False)
            conn.execute("PRAGMA data_version").fetchone()
            return conn
        except sqlite3.OperationalError as exc:
            error = exc
    raise LedgerError(f"cannot open {db} for reading: {error}")


class BodyLimit:
    """Refuse a request body over `limit` bytes (413) and a query string over MAX_QUERY (414),
    whether the client says its length or streams it."""

    def __init__(self, app: Any, limit: int = MAX_BODY):
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if len(scope.get("query_string") or b"") > MAX_QUERY:
            return await JSONResponse({"detail": f"query string over {MAX_QUERY} bytes"}, 414)(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            return await JSONResponse({"detail": f"request body over {self.limit} bytes"}, 413)(scope, receive, send)
        seen = 0

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise HTTPException(413, f"request body over {self.limit} bytes")
            return message

        return await self.app(scope, counted, send)


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_write(request: Request) -> None:
    """A write is allowed unless the server is read-only, and, when the server has a token, only
    with it (an Authorization: Bearer header, or the cookie the pages set). A write from a page of
    another site is refused (its Origin is not this server)."""
    s: Settings = request.app.state.settings
    if s.read_only:
        raise HTTPException(403, "this server is read-only (muster serve --read-only)")
    origin = request.headers.get("origin")
    if origin and origin.split("://", 1)[-1] != request.headers.get("host"):
        raise HTTPException(403, f"writes from another site ({origin}) are refused")
    if s.token:
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip() or \
            request.cookies.get("muster_token", "")
        if not hmac.compare_digest(given.encode(), s.token.encode()):
            raise HTTPException(401, "writes need the server's token (Authorization: Bearer TOKEN)")


def create_app(db: str, read_only: bool = False, token: str | None = None) -> Any:
    """The app over the ledger at `db` (which must exist)."""
    with Ledger(db, create=False, readonly=read_only) as led:  # migrate it now, and fail early if it is not a ledger
        led.fold_facet_counts()  # the claims ingested since the counts were last brought up to date
    app = FastAPIOffline(title="Muster", version=__version__, lifespan=_lifespan,
                         description="Claims about armed groups' manpower, read from the news, with their "
                                     "evidence, and the analysts' reviews of them.")
    app.state.settings = Settings(db, read_only, token)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(LedgerError)
    async def ledger_error(request: Request, exc: LedgerError) -> JSONResponse:
        status = 404 if "no claim" in str(exc) or "no article" in str(exc) else 400
        return JSONResponse({"detail": str(exc)}, status)

    @app.exception_handler(ValueError)
    async def value_error(request: Request, exc: ValueError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, 400)

    from . import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    return BodyLimitApp(app)


@asynccontextmanager
async def _lifespan(app: Any) -> AsyncIterator[None]:
    anyio.to_thread.current_default_thread_limiter().total_tokens = WORK_THREADS
    # what exists once the server has started (the framework, the app, its templates: some 57,000
    # objects) is never garbage: left out of the collector's full passes, one takes 8 ms instead
    # of 76, during which no request moves
    gc.freeze()
    yield


class BodyLimitApp(BodyLimit):
    """The app inside its size limits; `.app` is the FastAPI app (routes, state, openapi)."""

    def __init__(self, app: Any):
        super().__init__(app)
        self.state = app.state


def serve(db: str, host: str = "127.0.0.1", port: int = 8000, read_only: bool = False,
          token: str | None = None, on_start: Any = None, workers: int = 1) -> None:
    """Run the server. Off the loopback, writes need a token: one is made (and told) when none is given.
    `workers` > 1: that many processes (uvicorn's), each with its own answers remembered, all
    forgetting them when the ledger changes (Settings.state); SQLite's WAL lets them all read
    while one writes."""
    import secrets

    import uvicorn

    if not read_only and not token and not is_loopback(host):
        token = secrets.token_urlsafe(18)
        if on_start:
            on_start(f"writes need this token (Authorization: Bearer {token}, or open /login?token={token})")
    options = dict(host=host, port=port, log_level="warning", limit_concurrency=64, timeout_keep_alive=5,
                   h11_max_incomplete_event_size=16 * 1024)
    if workers <= 1:
        uvicorn.run(create_app(db, read_only=read_only, token=token), **options)
        return
    create_app(db, read_only=read_only, token=token)  # migrate once, and fail here rather than in each worker
    os.environ.update({"MUSTER_SERVE_DB": os.path.abspath(db), "MUSTER_SERVE_READ_ONLY": "1" if read_only else ""})
    if token:
        os.environ["MUSTER_SERVE_TOKEN"] = token
    uvicorn.run(f"{__name__}:app_from_environment", factory=True, workers=workers, **options)


def app_from_environment() -> Any:
    """The app of a worker process of `serve(workers=N)`, from what serve() put in the environment."""
    return create_app(os.environ["MUSTER_SERVE_DB"], read_only=bool(os.environ.get("MUSTER_SERVE_READ_ONLY")),
                      token=os.environ.get("MUSTER_SERVE_TOKEN") or None)
