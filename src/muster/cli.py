"""The command line: thin over the library, one call per command, errors as clean messages."""
from __future__ import annotations

import json
import os
import re
import sys
from contextlib import contextmanager
from typing import IO, Iterable, Iterator

import click

from . import __version__
from .model import Article, InputError


@contextmanager
def _output(path: str | None) -> Iterator[IO[str]]:
    """The output file (or standard output); a failed write (disk full, /dev/full, a closed pipe)
    is one clear error line, not a traceback."""
    name = "standard output" if not path or path == "-" else path
    try:
        if name == "standard output":
            yield sys.stdout
            sys.stdout.flush()
        else:
            with open(path, "w", encoding="utf-8") as fh:
                yield fh
    except OSError as exc:
        _silence_stdout()
        raise click.ClickException(f"cannot write {name}: {exc.strerror or exc}") from None


def _silence_stdout() -> None:
    """After a failed write, send what is left in standard output's buffer nowhere, so that the
    interpreter's last flush does not fail again with a second message."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _want_progress(paths: tuple[str, ...]) -> bool:
    """Standard error is a terminal and there are many inputs."""
    if not sys.stderr.isatty():
        return False
    from .read import count_inputs

    return count_inputs(paths) >= 20


def _progress(items: Iterable, paths: tuple[str, ...]) -> Iterable:
    """A progress bar on standard error when it is a terminal and there are many inputs."""
    if not _want_progress(paths):
        return items
    from tqdm import tqdm

    return tqdm(items, total=None, unit=" articles", file=sys.stderr, leave=False)


def report_error(err: InputError) -> None:
    click.echo(f"muster: error: {err.source}: {err.reason}", err=True)


def report_notes(article: Article) -> None:
    """What the reader mended or assumed (an encoding, a dropped date), one line each."""
    for note in article.notes:
        click.echo(f"muster: note: {article.doc}: {note}", err=True)


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def json_line(rec: dict) -> str:
    """One record as a line of strict JSON that encodes as UTF-8: no NaN, lone surrogates replaced
    (the readers mend them already; this is the last guard before the output)."""
    line = json.dumps(rec, ensure_ascii=False, allow_nan=False)
    return _SURROGATE.sub("\ufffd", line) + "\n"


def write_records(items: Iterable[Article | InputError], out: IO[str], mode: str) -> int:
    """Write each article's record; report each bad input; return the number of failures."""
    failed = 0
    for item in items:
        if isinstance(item, Article):
            report_notes(item)
            try:
                line = json_line(item.to_extract() if mode == "extract" else item.to_annotate())
            except ValueError as exc:  # a value JSON cannot hold (NaN): this record only
                item = InputError(item.doc, f"record not written ({exc})")
        if isinstance(item, InputError):
            report_error(item)
            failed += 1
            continue
        out.write(line)
        out.flush()
    return failed


def _budget_options(func):
    """--article-timeout and --max-memory: what one article may cost in its worker process."""
    func = click.option("--max-memory", type=click.IntRange(min=0, max=2**40), default=2048, show_default=True,
                        metavar="MB", help="address space a worker process may use (0: no cap); an article "
                        "over it is an error")(func)
    return click.option("--article-timeout", type=click.FloatRange(min=0, max=10**7), default=120.0,
                        show_default=True, metavar="SECONDS",
                        help="time one article may take (0: no limit); one over it is stopped, reported "
                        "and skipped")(func)


def _budget(article_timeout: float, max_memory: int):
    from .supervise import Budget

    return Budget(seconds=article_timeout, memory_mb=max_memory)


def _dask_options(func):
    """--dask ADDRESS and --dask-local N: extract on a Dask cluster (see dask_runner.py)."""
    func = click.option("--dask-local", type=click.IntRange(min=0, max=512), default=0, metavar="N",
                        help="extract on a local Dask cluster of N worker processes made for this run")(func)
    return click.option("--dask", "dask_address", default=None, metavar="SCHEDULER_ADDRESS",
                        help="extract on the Dask cluster at this scheduler (e.g. tcp://10.0.0.5:8786); its "
                        "workers must see the input files")(func)


def _extractor(dask_address: str | None, dask_local: int):
    """dask_runner.extract bound to the cluster asked for, or None (extract here)."""
    if not dask_address and not dask_local:
        return None
    from functools import partial

    from .dask_runner import extract as on_cluster

    return partial(on_cluster, address=dask_address, local_workers=dask_local)


# bounds that keep absurd values (--limit 9223372036854775808) a clear usage error, not an overflow
SQLITE_MAX_INT = 2**63 - 1
LIMIT = click.IntRange(min=1, max=SQLITE_MAX_INT)
MAX_BYTES = click.IntRange(min=1, max=2**62)
WORKERS = click.IntRange(min=0, max=512)


@click.group()
@click.version_option(__version__, prog_name="muster")
def main() -> None:
    """Muster: claims about armed groups' manpower, read from the news, with their evidence."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", default=None, help="write here (default: standard output)")
@click.option("-f", "--format", "fmt", type=click.Choice(["jsonl", "parquet"]), default="jsonl", show_default=True,
              help="jsonl: a record per article; parquet: a row per claim, the columns of the ledger's "
              "claims_view (needs -o)")
@click.option("--max-bytes", type=MAX_BYTES, default=None, help="refuse inputs larger than this (default 20 MB)")
@click.option("--workers", type=WORKERS, default=1, show_default=True,
              help="processes to extract with (0: one per core); output order is kept")
@_budget_options
@_dask_options
def extract(paths: tuple[str, ...], output: str | None, fmt: str, max_bytes: int | None, workers: int,
            article_timeout: float, max_memory: int, dask_address: str | None, dask_local: int) -> None:
    """Extract the claims of every article under PATHS (files, directories, '-') as JSON Lines.

    Each article runs in a supervised worker process, within a time and memory budget: one that
    crashes, hangs or runs out of memory is reported and skipped, and the batch goes on."""
    from .pipeline import extract as run, load_config

    if fmt == "parquet" and (not output or output == "-"):
        raise click.UsageError("-f parquet writes a file: give it with -o FILE")
    config = load_config({"read": {"max_bytes": max_bytes}} if max_bytes else None)
    budget = _budget(article_timeout, max_memory)
    if output and (output.endswith(("/", os.sep)) or os.path.isdir(output)):
        if not (dask_address or dask_local):
            raise click.UsageError(f"-o {output} is a directory: that is for --dask/--dask-local (a file a partition)")
        _extract_to_dir(paths, output, fmt, config, budget, dask_address, dask_local)
        return
    on_cluster = _extractor(dask_address, dask_local)
    items = on_cluster(paths, config, budget=budget) if on_cluster else \
        run(paths, config, workers=workers, budget=budget)
    if fmt == "parquet":
        from .parquet import extract_parquet

        n, failed = extract_parquet(_noting_cli(_progress(items, paths)), output, on_error=report_error)
        click.echo(f"muster: wrote {n} claims to {output}", err=True)
    else:
        with _output(output) as out:
            failed = write_records(_progress(items, paths), out, "extract")
    if failed:
        sys.exit(1)


def _extract_to_dir(paths: tuple[str, ...], out_dir: str, fmt: str, config: dict, budget, dask_address: str | None,
                    dask_local: int) -> None:
    """Each Dask worker writes its partitions into out_dir (part-NNNNN.jsonl or .parquet)."""
    from .dask_runner import extract_to_dir

    failed = articles = claims = files = 0
    for item in extract_to_dir(paths, out_dir, fmt, config, dask_address, dask_local, budget):
        if isinstance(item, InputError):
            report_error(item)
            failed += 1
            continue
        for doc, note in item.notes:
            click.echo(f"muster: note: {doc}: {note}", err=True)
        for err in item.errors:
            report_error(err)
        failed += len(item.errors)
        articles, claims, files = articles + item.articles, claims + item.claims, files + 1
    click.echo(f"muster: {articles} articles, {claims} claims in {files} files in {out_dir}, {failed} errors", err=True)
    if failed:
        sys.exit(1)


def _noting_cli(items: Iterable[Article | InputError]) -> Iterable[Article | InputError]:
    for item in items:
        if isinstance(item, Article):
            report_notes(item)
        yield item


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", default=None, help="write JSON Lines here (default: standard output)")
@click.option("--raw", is_flag=True, help="use the text exactly as given, so offsets point into the input")
@click.option("--published", default=None, help="resolve times against this date (YYYY-MM-DD)")
@click.option("--workers", type=WORKERS, default=1, show_default=True,
              help="processes to annotate with (0: one per core); output order is kept")
@_budget_options
def annotate(paths: tuple[str, ...], output: str | None, raw: bool, published: str | None, workers: int,
             article_timeout: float, max_memory: int) -> None:
    """Show the annotation layers (places, quantities, times, attributions, actors) as JSON Lines.

    Each article runs in a supervised worker process, within a time and memory budget, as in
    `extract`: one that crashes, hangs or runs out of memory is reported and skipped."""
    from .pipeline import annotate as run

    items = run(paths, raw=raw, published=published, workers=workers, budget=_budget(article_timeout, max_memory))
    with _output(output) as out:
        failed = write_records(_progress(items, paths), out, "annotate")
    if failed:
        sys.exit(1)


# ---------------------------------------------------------------------------------------------
# the ledger: ingest articles into SQLite, then ask it questions

DB_OPTION = click.option("--db", default="muster.db", show_default=True, envvar="MUSTER_DB",
                         help="the ledger (SQLite file; also $MUSTER_DB)")


@contextmanager
def _ledger_errors() -> Iterator[None]:
    """Ledger problems (no database, newer schema, lock held too long) as clean messages."""
    from .store import LedgerError

    try:
        yield
    except LedgerError as exc:
        raise click.ClickException(str(exc)) from None


def _open(db: str):  # -> Ledger
    from .store import Ledger, wants_readonly

    return Ledger(db, create=False, readonly=wants_readonly(db))


def _progress_callback(paths: tuple[str, ...]):
    """A tqdm counter on standard error when it is a terminal and there are many inputs."""
    if not _want_progress(paths):
        return None, None
    from tqdm import tqdm

    bar = tqdm(unit=" articles", file=sys.stderr, leave=False)
    return (lambda status: bar.update(1)), bar


@main.command()
@click.argument("paths", nargs=-1, required=True)
@DB_OPTION
@click.option("--max-bytes", type=MAX_BYTES, default=None, help="refuse inputs larger than this (default 20 MB)")
@click.option("--workers", type=WORKERS, default=1, show_default=True,
              help="processes to extract with (the ledger has one writer) (0: one per core); output order is kept")
@_budget_options
@click.option("--retry-failed", is_flag=True, help="run again the inputs that exhausted their budget in an "
              "earlier run (skipped by default)")
@_dask_options
def ingest(paths: tuple[str, ...], db: str, max_bytes: int | None, workers: int, article_timeout: float,
           max_memory: int, retry_failed: bool, dask_address: str | None, dask_local: int) -> None:
    """Extract the articles under PATHS and store them with their claims in the ledger.

    Ingesting an article again updates it (its id is the hash of its text); near-duplicates and
    syndicated copies are linked to their original. Bad inputs are reported and recorded in the
    ledger's errors table, and the rest is ingested; the exit status is then 1."""
    from .store import ingest_paths
    from .pipeline import load_config

    config = load_config({"read": {"max_bytes": max_bytes}} if max_bytes else None)
    tick, bar = _progress_callback(paths)
    with _ledger_errors():
        try:
            report = ingest_paths(db, paths, config, on_error=report_error, on_article=tick, workers=workers,
                                  on_note=report_notes, budget=_budget(article_timeout, max_memory),
                                  retry_failed=retry_failed, extractor=_extractor(dask_address, dask_local))
        finally:
            if bar is not None:
                bar.close()
    click.echo(report.summary(db), err=True)
    if report.errors:
        sys.exit(1)


@main.command("import")
@click.argument("paths", nargs=-1, required=True)
@DB_OPTION
def import_(paths: tuple[str, ...], db: str) -> None:
    """Store `muster export` or `muster extract` JSON Lines in the ledger as they are (no re-extraction)."""
    from .store import import_paths

    with _ledger_errors():
        report = import_paths(db, paths, on_error=report_error)
    click.echo(report.summary(db), err=True)
    if report.errors:
        sys.exit(1)


def _parsed(parse, value: str):
    """parse(value), its ValueError as a clean bad-option message."""
    try:
        return parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _near(ctx: click.Context, param: click.Parameter, value: str | None):
    from .store import parse_near

    return None if value is None else _parsed(parse_near, value)


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from .store import parse_date

    if value is not None:
        _parsed(parse_date, value)  # checked here; the ledger reads the period itself
    return value


def _country(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from .store import parse_country

    return None if value is None else _parsed(parse_country, value)


CLAIM_TYPES_CHOICE = click.Choice(["recruitment", "child_use", "training", "defection", "foreign_fighters",
                                   "strength", "finance"])
FORMAT_OPTION = click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "jsonl", "geojson"]),
                             default="table", show_default=True, help="output format")


@main.command()
@DB_OPTION
@click.option("-t", "--type", "types", multiple=True, type=CLAIM_TYPES_CHOICE, help="claim type (repeatable)")
@click.option("--actor", help="armed group: a Wikidata id (Q2429253), a name or alias (ISIS, Daesh, HTS), or part of a name")
@click.option("--country", callback=_country, help="a place of the claim is in this country (SY, SYR, Syria, UK, USA)")
@click.option("--near", callback=_near, metavar="LAT,LON,KM", help="a place of the claim is within KM of LAT,LON")
@click.option("--since", callback=_date, metavar="DATE", help="the claim's period (or its article's date) ends on or after DATE")
@click.option("--until", callback=_date, metavar="DATE", help="... starts on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD)")
@click.option("--children/--no-children", default=None, help="only claims about children (or about adults)")
@click.option("--forced/--not-forced", default=None, help="only forced (or voluntary) recruitment")
@click.option("--speaker", help="part of the speaker's name, role or organisation")
@click.option("--text", help="full-text query over the evidence (FTS5: words, \"phrases\", OR, NOT, prefix*)")
@click.option("--independent", is_flag=True, help="leave out claims of near-duplicate (copied) articles")
@click.option("--status", type=click.Choice(["unreviewed", "reviewed", "accepted", "corrected", "rejected", "lost"]),
              help="review status (lost: reviewed claims the pipeline no longer finds)")
@click.option("--undated", is_flag=True, help="with --since/--until, keep the claims that have no date at all")
@click.option("--min-confidence", type=click.FloatRange(0, 1), default=None, metavar="P",
              help="only claims the extractor gives at least this confidence (0-1, calibrated: of the claims at "
                   "0.8 about 80 %% are right)")
@click.option("--sort", "order", type=click.Choice(["date", "confidence"]), default="date", show_default=True,
              help="list order: by date, or the surest claims first")
@click.option("--limit", type=LIMIT, default=None, help="at most this many claims")
@FORMAT_OPTION
@click.option("-o", "--output", default=None, help="write here (default: standard output)")
def claims(db: str, types: tuple[str, ...], actor: str | None, country: str | None, near, since: str | None,
           until: str | None, children: bool | None, forced: bool | None, speaker: str | None, text: str | None,
           independent: bool, status: str | None, undated: bool, min_confidence: float | None, order: str,
           limit: int | None, fmt: str, output: str | None) -> None:
    """The claims in the ledger that match every filter given (reviewed values where an analyst
    corrected them)."""
    import shutil

    from .interfaces.present import write_claims

    filters = dict(types=types, actor=actor, country=country, near=near, since=since, until=until,
                   children=children, forced=forced, speaker=speaker, text=text, independent=independent,
                   status=status, undated=undated, min_confidence=min_confidence)
    with _ledger_errors(), _open(db) as led:
        if independent:
            from .facts import refresh
            refresh(led)  # the copies of claims (claim_copies) as the ledger stands now
        rows = led.claims(**filters, limit=limit, order=order)
        with _output(output) as out:
            width = shutil.get_terminal_size((120, 24)).columns if out is sys.stdout else 200
            write_claims(rows, fmt, out, width=width)
        left_out = led.count_undated(**filters)
        if left_out:
            click.echo(f"muster: {left_out} claims have no date (neither their own nor their article's) and are "
                       "left out by --since/--until; --undated keeps them", err=True)
        if fmt == "table":
            stats = led.stats()
            click.echo(f"{len(rows)} claims (of {stats['claims']} in {stats['articles']} articles in {db})", err=True)


@main.command()
@click.argument("claim")
@DB_OPTION
@click.option("--accept", "action", flag_value="accept", help="the claim is right as it reads")
@click.option("--reject", "action", flag_value="reject", help="the claim is wrong: not to be used")
@click.option("--reopen", "action", flag_value="reopen", help="back to unreviewed (the log keeps what was done)")
@click.option("--set", "sets", multiple=True, metavar="FIELD=VALUE",
              help="correct a field (repeatable): count.low=400, actor=ISIS, places='Raqqa; Mosul (IQ)', "
                   "time.start=2015-03, children=true, type=recruitment ...")
@click.option("--note", help="why (kept in the log with the review)")
@click.option("--reviewer", envvar="MUSTER_REVIEWER", help="who reviews (default: $MUSTER_REVIEWER or the login name)")
@click.option("--log", "show_log", is_flag=True, help="only show the claim's review log")
def review(claim: str, db: str, action: str | None, sets: tuple[str, ...], note: str | None, reviewer: str | None,
           show_log: bool) -> None:
    """Accept, reject or correct CLAIM (an id, or a unique start of one), with a note. Each action is
    kept in the ledger's append-only review log; re-ingesting never undoes it."""
    from .interfaces.present import render_review_log
    from .store import reviews

    with _ledger_errors(), _review_errors():
        if show_log:
            with _open(db) as led:
                click.echo(render_review_log(led.claim(claim)))
            return
        assignments = dict(reviews.parse_assignment(a) for a in sets)
        with _open_for_writing(db) as led:
            state = led.review(claim, action, assignments, note=note, reviewer=reviewer)
            click.echo(render_review_log(led.claim(state["claim_id"])))


@contextmanager
def _review_errors() -> Iterator[None]:
    from .store.reviews import ReviewError

    try:
        yield
    except ReviewError as exc:
        raise click.ClickException(str(exc)) from None


def _open_for_writing(db: str):  # -> Ledger
    from .store import Ledger

    return Ledger(db, create=False)


@main.command()
@click.argument("query")
@DB_OPTION
@click.option("--limit", type=LIMIT, default=20, show_default=True, help="hits of each kind")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def search(query: str, db: str, limit: int, fmt: str) -> None:
    """Full-text search over the articles and the claims' evidence (FTS5 syntax: words, "phrases",
    OR, NOT, prefix*), best matches first."""
    from .interfaces.present import render_search, strip_marks

    with _ledger_errors(), _open(db) as led:
        hits = led.search(query, limit=limit)
    if fmt == "jsonl":
        for kind, rows in strip_marks(hits).items():
            for r in rows:
                click.echo(json.dumps({"kind": kind[:-1], **r}, ensure_ascii=False))
        return
    # highlighted in a terminal, [marked] when piped
    click.echo(render_search(hits, style=click.style if sys.stdout.isatty() else None))


@main.command()
@click.argument("ident", metavar="ID")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="the article and its claims as JSON")
def show(ident: str, db: str, as_json: bool) -> None:
    """An article (by id, id prefix, doc name, or one of its claims' ids) with its claims' evidence
    highlighted in its text."""
    from .interfaces.present import render_article

    with _ledger_errors(), _open(db) as led:
        rec = led.article(ident)
    if as_json:
        click.echo(json.dumps(rec, ensure_ascii=False, indent=1))
        return
    color = sys.stdout.isatty()
    click.echo(render_article(rec, style=click.style if color else None), color=color)


@main.command()
@DB_OPTION
@click.option("-f", "--format", "fmt", type=click.Choice(["jsonl", "csv", "geojson", "parquet"]), default="jsonl",
              show_default=True, help="jsonl: every article with its claims (re-importable); csv, geojson: every "
              "claim; parquet: every claim, the columns of claims_view (needs -o)")
@click.option("-o", "--output", default=None, help="write here (default: standard output)")
def export(db: str, fmt: str, output: str | None) -> None:
    """The whole ledger."""
    from .interfaces.present import export as run

    if fmt == "parquet":
        _export_parquet(db, output)
        return
    with _ledger_errors(), _open(db) as led, _output(output) as out:
        n = run(led, out, fmt)
    click.echo(f"muster: exported {n} {'articles' if fmt == 'jsonl' else 'records'} from {db}", err=True)


@main.command()
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True,
              help="address to listen on; off the loopback, writes need a token")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--read-only", is_flag=True, help="serve without taking any review")
@click.option("--token", envvar="MUSTER_TOKEN", help="the token writes need (also $MUSTER_TOKEN); made and "
              "told when the server listens off the loopback without one")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="server processes (each answers requests; on N cores, up to N help under load)")
def serve(db: str, host: str, port: int, read_only: bool, token: str | None, workers: int) -> None:
    """The web pages (claims, claim pages with review, map, timeline) and the HTTP API (/api, its
    documentation at /docs) over the ledger, at http://HOST:PORT/."""
    from .interfaces.web.app import serve as run

    click.echo(f"muster: serving {db} at http://{host}:{port}/ (API documentation at /docs"
               f"{'; read-only' if read_only else ''}{f'; {workers} processes' if workers > 1 else ''}); "
               "Ctrl-C stops", err=True)
    with _ledger_errors():
        run(db, host=host, port=port, read_only=read_only, token=token, workers=workers,
            on_start=lambda msg: click.echo(f"muster: {msg}", err=True))


# ---------------------------------------------------------------------------------------------
# facts across articles (src/muster/facts.py): computed on demand, stored in the ledger's fact tables

@main.command("facts")
@DB_OPTION
@click.option("-t", "--type", "types", multiple=True, type=CLAIM_TYPES_CHOICE, help="claim type (repeatable)")
@click.option("--actor", help="armed group: a Wikidata id (Q2429253) or part of its name")
@click.option("--country", callback=_country, help="a claim of the fact is in this country (SY or Syria)")
@click.option("--place", help="part of the name of a place of the fact's claims")
@click.option("--since", callback=_date, metavar="DATE", help="the fact's period ends on or after DATE")
@click.option("--until", callback=_date, metavar="DATE", help="... starts on or before DATE")
@click.option("--contradicted/--uncontradicted", default=None, help="only facts with (or without) a contradiction")
@click.option("--min-claims", type=click.IntRange(min=1), default=2, show_default=True,
              help="leave out facts of fewer claims (1: every claim's fact)")
@click.option("--min-sources", type=click.IntRange(min=0), default=0, help="at least this many independent sources")
@click.option("--limit", type=LIMIT, default=None, help="at most this many facts")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "jsonl"]), default="table",
              show_default=True, help="output format")
@click.option("-o", "--output", default=None, help="write here (default: standard output)")
def facts_(db: str, types: tuple[str, ...], actor: str | None, country: str | None, place: str | None,
           since: str | None, until: str | None, contradicted: bool | None, min_claims: int, min_sources: int,
           limit: int | None, fmt: str, output: str | None) -> None:
    """Facts: claims of one type about one group at comparable places in overlapping periods, with the
    positions they take, the independent sources behind each, and contradictions."""
    from .facts import refresh, select
    from .factsout import write_facts

    with _ledger_errors(), _open(db) as led:
        claims, copies, found = refresh(led, singletons=min_claims <= 1)
    rows = select(found, types=types, actor=actor, country=country, place=place, since=since, until=until,
                  contradicted=contradicted, min_claims=min_claims, min_sources=min_sources)
    if limit:
        rows = rows[:limit]
    with _output(output) as out:
        write_facts(rows, fmt, out)
    if fmt == "table":
        click.echo(f"{len(rows)} facts shown (of {len(found)}{'' if min_claims <= 1 else ' of two claims or more'}; "
                   f"{sum(bool(f.contradictions) for f in found)} with a contradiction; "
                   f"{len(copies)} of {len(claims)} claims are copies)", err=True)


@main.command()
@DB_OPTION
@click.option("--actor", required=True, help="armed group: a Wikidata id (Q2429253) or part of its name")
@click.option("--place", help="part of the name of a place of the claims")
@click.option("-t", "--type", "types", multiple=True, type=CLAIM_TYPES_CHOICE,
              help="claim type (repeatable; default strength)")
@click.option("--with-copies", is_flag=True, help="keep claims that repeat an earlier claim's figure")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "json", "jsonl"]), default="table",
              show_default=True, help="output format")
@click.option("-o", "--output", default=None, help="write here (default: standard output)")
def series(db: str, actor: str, place: str | None, types: tuple[str, ...], with_copies: bool, fmt: str,
           output: str | None) -> None:
    """A group's figures over time (at a place): each counted claim's low-high range, date and source."""
    from . import facts
    from .factsout import write_series

    with _ledger_errors(), _open(db) as led:
        claims = facts.load_claims(led.conn)
    rows = facts.series(claims, facts.find_copies(claims), actor=actor, place=place,
                        types=types or ("strength",), with_copies=with_copies)
    with _output(output) as out:
        write_series(rows, fmt, out)


@main.command()
@click.argument("ident", metavar="CLAIM_ID")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="as JSON")
def claim(ident: str, db: str, as_json: bool) -> None:
    """One claim with the claims that corroborate and contradict it, and the copies of it."""
    from . import facts
    from .factsout import render_claim

    with _ledger_errors(), _open(db) as led:
        cid = led.resolve_claim(ident)  # an id, a unique prefix, or an id the claim had before
        try:
            rel, by_id = facts.related_in_ledger(led.conn, cid)
        except KeyError:
            raise click.ClickException(f"claim {cid!r} of {db} is in no fact: it was rejected by a review") from None
    if as_json:
        click.echo(json.dumps(rel, ensure_ascii=False, indent=1))
        return
    click.echo(render_claim(rel, by_id))


def _export_parquet(db: str, output: str | None) -> None:
    from .parquet import export_parquet

    if not output or output == "-":
        raise click.UsageError("-f parquet writes a file: give it with -o FILE")
    with _ledger_errors(), _open(db) as led:
        try:
            n = export_parquet(led, output)
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"muster: exported {n} claims from {db} to {output}", err=True)


if __name__ == "__main__":
    main()
