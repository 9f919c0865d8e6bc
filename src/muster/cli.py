"""The command line: thin over the library, one call per command, errors as clean messages."""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import IO, Iterable, Iterator

import click

from . import __version__
from .model import Article, InputError


@contextmanager
def _output(path: str | None) -> Iterator[IO[str]]:
    if not path or path == "-":
        yield sys.stdout
        return
    try:
        fh = open(path, "w", encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from None
    with fh:
        yield fh


def _progress(items: Iterable, paths: tuple[str, ...]) -> Iterable:
    """A progress bar on standard error when it is a terminal and there are many inputs."""
    if not sys.stderr.isatty():
        return items
    from .read import count_inputs

    n = count_inputs(paths)
    if n < 20:
        return items
    from tqdm import tqdm

    return tqdm(items, total=None, unit=" articles", file=sys.stderr, leave=False)


def report_error(err: InputError) -> None:
    click.echo(f"muster: error: {err.source}: {err.reason}", err=True)


def write_records(items: Iterable[Article | InputError], out: IO[str], mode: str) -> int:
    """Write each article's record; report each bad input; return the number of failures."""
    failed = 0
    for item in items:
        if isinstance(item, InputError):
            report_error(item)
            failed += 1
            continue
        rec = item.to_extract() if mode == "extract" else item.to_annotate()
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        out.flush()
    return failed


@click.group()
@click.version_option(__version__, prog_name="muster")
def main() -> None:
    """Muster: claims about armed groups' manpower, read from the news, with their evidence."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", default=None, help="write JSON Lines here (default: standard output)")
@click.option("--max-bytes", type=int, default=None, help="refuse inputs larger than this (default 20 MB)")
def extract(paths: tuple[str, ...], output: str | None, max_bytes: int | None) -> None:
    """Extract the claims of every article under PATHS (files, directories, '-') as JSON Lines."""
    from .pipeline import extract as run, load_config

    config = load_config({"read": {"max_bytes": max_bytes}} if max_bytes else None)
    with _output(output) as out:
        failed = write_records(_progress(run(paths, config), paths), out, "extract")
    if failed:
        sys.exit(1)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", default=None, help="write JSON Lines here (default: standard output)")
@click.option("--raw", is_flag=True, help="use the text exactly as given, so offsets point into the input")
@click.option("--published", default=None, help="resolve times against this date (YYYY-MM-DD)")
def annotate(paths: tuple[str, ...], output: str | None, raw: bool, published: str | None) -> None:
    """Show the annotation layers (places, quantities, times, attributions, actors) as JSON Lines."""
    from .pipeline import annotate as run

    with _output(output) as out:
        failed = write_records(_progress(run(paths, raw=raw, published=published), paths), out, "annotate")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
