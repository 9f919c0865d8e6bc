"""The command line: thin over the library, one call per command, errors as clean messages."""
from __future__ import annotations

import json
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
@click.option("-o", "--output", default=None, help="write JSON Lines here (default: standard output)")
@click.option("--max-bytes", type=MAX_BYTES, default=None, help="refuse inputs larger than this (default 20 MB)")
@click.option("--workers", type=WORKERS, default=1, show_default=True,
              help="processes to extract with (0: one per core); output order is kept")
@_budget_options
def extract(paths: tuple[str, ...], output: str | None, max_bytes: int | None, workers: int,
            article_timeout: float, max_memory: int) -> None:
    """Extract the claims of every article under PATHS (files, directories, '-') as JSON Lines.

    Each article runs in a supervised worker process, within a time and memory budget: one that
    crashes, hangs or runs out of memory is reported and skipped, and the batch goes on."""
    from .pipeline import extract as run, load_config

    config = load_config({"read": {"max_bytes": max_bytes}} if max_bytes else None)
    items = run(paths, config, workers=workers, budget=_budget(article_timeout, max_memory))
    with _output(output) as out:
        failed = write_records(_progress(items, paths), out, "extract")
    if failed:
        sys.exit(1)


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
    from .ledger import LedgerError

    try:
        yield
    except LedgerError as exc:
        raise click.ClickException(str(exc)) from None


def _open(db: str):  # -> Ledger
    from .ledger import Ledger, wants_readonly

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
def ingest(paths: tuple[str, ...], db: str, max_bytes: int | None, workers: int, article_timeout: float,
           max_memory: int, retry_failed: bool) -> None:
    """Extract the articles under PATHS and store them with their claims in the ledger.

    Ingesting an article again updates it (its id is the hash of its text); near-duplicates and
    syndicated copies are linked to their original. Bad inputs are reported and recorded in the
    ledger's errors table, and the rest is ingested; the exit status is then 1."""
    from .ledger import ingest_paths
    from .pipeline import load_config

    config = load_config({"read": {"max_bytes": max_bytes}} if max_bytes else None)
    tick, bar = _progress_callback(paths)
    with _ledger_errors():
        try:
            report = ingest_paths(db, paths, config, on_error=report_error, on_article=tick, workers=workers,
                                  on_note=report_notes, budget=_budget(article_timeout, max_memory),
                                  retry_failed=retry_failed)
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
    from .ledger import import_paths

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
    from .ledger import parse_near

    return None if value is None else _parsed(parse_near, value)


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from .ledger import parse_date

    if value is not None:
        _parsed(parse_date, value)  # checked here; the ledger reads the period itself
    return value


def _country(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from .ledger import parse_country

    return None if value is None else _parsed(parse_country, value)


CLAIM_TYPES_CHOICE = click.Choice(["recruitment", "child_use", "training", "defection", "foreign_fighters",
                                   "strength", "finance"])
FORMAT_OPTION = click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "jsonl", "geojson"]),
                             default="table", show_default=True, help="output format")


@main.command()
@DB_OPTION
@click.option("-t", "--type", "types", multiple=True, type=CLAIM_TYPES_CHOICE, help="claim type (repeatable)")
@click.option("--actor", help="armed group: a Wikidata id (Q2429253) or part of its name")
@click.option("--country", callback=_country, help="a place of the claim is in this country (SY or Syria)")
@click.option("--near", callback=_near, metavar="LAT,LON,KM", help="a place of the claim is within KM of LAT,LON")
@click.option("--since", callback=_date, metavar="DATE", help="the claim's period (or its article's date) ends on or after DATE")
@click.option("--until", callback=_date, metavar="DATE", help="... starts on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD)")
@click.option("--children/--no-children", default=None, help="only claims about children (or about adults)")
@click.option("--forced/--not-forced", default=None, help="only forced (or voluntary) recruitment")
@click.option("--speaker", help="part of the speaker's name, role or organisation")
@click.option("--text", help="full-text query over the evidence (FTS5: words, \"phrases\", OR, NOT, prefix*)")
@click.option("--independent", is_flag=True, help="leave out claims of near-duplicate (copied) articles")
@click.option("--limit", type=LIMIT, default=None, help="at most this many claims")
@FORMAT_OPTION
@click.option("-o", "--output", default=None, help="write here (default: standard output)")
def claims(db: str, types: tuple[str, ...], actor: str | None, country: str | None, near, since: str | None,
           until: str | None, children: bool | None, forced: bool | None, speaker: str | None, text: str | None,
           independent: bool, limit: int | None, fmt: str, output: str | None) -> None:
    """The claims in the ledger that match every filter given."""
    import shutil

    from .ledger import write_claims

    with _ledger_errors(), _open(db) as led:
        rows = led.claims(types=types, actor=actor, country=country, near=near, since=since, until=until,
                          children=children, forced=forced, speaker=speaker, text=text, independent=independent,
                          limit=limit)
        with _output(output) as out:
            width = shutil.get_terminal_size((120, 24)).columns if out is sys.stdout else 200
            write_claims(rows, fmt, out, width=width)
        if fmt == "table":
            stats = led.stats()
            click.echo(f"{len(rows)} claims (of {stats['claims']} in {stats['articles']} articles in {db})", err=True)


@main.command()
@click.argument("query")
@DB_OPTION
@click.option("--limit", type=LIMIT, default=20, show_default=True, help="hits of each kind")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def search(query: str, db: str, limit: int, fmt: str) -> None:
    """Full-text search over the articles and the claims' evidence (FTS5 syntax: words, "phrases",
    OR, NOT, prefix*), best matches first."""
    from .ledger import render_search, strip_marks

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
    from .ledger import render_article

    with _ledger_errors(), _open(db) as led:
        rec = led.article(ident)
    if as_json:
        click.echo(json.dumps(rec, ensure_ascii=False, indent=1))
        return
    color = sys.stdout.isatty()
    click.echo(render_article(rec, style=click.style if color else None), color=color)


@main.command()
@DB_OPTION
@click.option("-f", "--format", "fmt", type=click.Choice(["jsonl", "csv", "geojson"]), default="jsonl",
              show_default=True, help="jsonl: every article with its claims (re-importable); csv, geojson: every claim")
@click.option("-o", "--output", default=None, help="write here (default: standard output)")
def export(db: str, fmt: str, output: str | None) -> None:
    """The whole ledger."""
    from .ledger import export as run

    with _ledger_errors(), _open(db) as led, _output(output) as out:
        n = run(led, out, fmt)
    click.echo(f"muster: exported {n} {'articles' if fmt == 'jsonl' else 'records'} from {db}", err=True)


if __name__ == "__main__":
    main()
