"""Claims as Parquet: the columns of the ledger's `claims_view`, typed, for pandas, DuckDB and Spark.

One row a claim. Booleans are Parquet booleans, counts and coordinates doubles, offsets integers;
`locations` is a list of structs (name, country, lat, lon, geonames_id, precision), which DuckDB
and Spark read as nested columns (`UNNEST(locations)`, `explode(locations)`); `latitude` and
`longitude` are the first located place's, for tools that want flat points.

`muster extract -f parquet` stores its articles in a temporary ledger first and writes that
ledger's claims: the same columns as `muster export -f parquet` (near-duplicates linked too).
"""
from __future__ import annotations

import json
import os
import tempfile
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from .model import Article, InputError

if TYPE_CHECKING:
    import pyarrow as pa

    from .ledger import Ledger

BATCH_ROWS = 10_000

# claims_view's columns, in its order, with their Parquet types (see data/ledger/*claims_view*)
_STR, _INT, _FLOAT, _BOOL = "string", "int64", "float64", "bool"
COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", _STR), ("article_id", _STR), ("seq", _INT), ("type", _STR), ("actor", _STR), ("actor_id", _STR),
    ("children", _BOOL), ("forced", _BOOL), ("count_low", _FLOAT), ("count_high", _FLOAT),
    ("count_approx", _BOOL), ("count_unit", _STR), ("count_text", _STR), ("rate", _STR),
    ("time_start", _STR), ("time_end", _STR), ("date_start", _STR), ("date_end", _STR), ("trend", _STR),
    ("hedged", _BOOL), ("negated", _BOOL), ("confidence", _FLOAT), ("speaker_name", _STR), ("speaker_role", _STR),
    ("speaker_org", _STR), ("speaker_anonymous", _BOOL), ("speaker_quote", _STR), ("speaker_text", _STR),
    ("evidence", _STR), ("evidence_start", _INT), ("evidence_end", _INT),
    ("locations", "locations"), ("latitude", _FLOAT), ("longitude", _FLOAT), ("doc", _STR), ("title", _STR),
    ("outlet", _STR), ("published", _STR), ("url", _STR), ("duplicate_of", _STR), ("original_id", _STR),
    # the review (005_reviews.sql): the status, what was corrected, and the machine's own values beside
    ("review_status", _STR), ("reviewed_fields", _STR), ("reviewed_by", _STR), ("reviewed_at", _STR),
    ("review_note", _STR), ("reviews", _INT), ("lost_at", _STR),
    ("machine_type", _STR), ("machine_actor", _STR), ("machine_actor_id", _STR), ("machine_children", _BOOL),
    ("machine_forced", _BOOL), ("machine_count_low", _FLOAT), ("machine_count_high", _FLOAT),
    ("machine_count_approx", _BOOL), ("machine_count_unit", _STR), ("machine_count_text", _STR),
    ("machine_rate", _STR), ("machine_time_start", _STR), ("machine_time_end", _STR), ("machine_trend", _STR),
    ("machine_hedged", _BOOL), ("machine_negated", _BOOL), ("machine_speaker_name", _STR),
    ("machine_speaker_role", _STR), ("machine_speaker_org", _STR), ("machine_speaker_anonymous", _BOOL),
    ("machine_locations", "locations"),
)


def schema() -> "pa.Schema":
    import pyarrow as pa

    location = pa.struct([("name", pa.string()), ("country", pa.string()), ("lat", pa.float64()),
                          ("lon", pa.float64()), ("geonames_id", pa.int64()), ("precision", pa.string())])
    types = {_STR: pa.string(), _INT: pa.int64(), _FLOAT: pa.float64(), _BOOL: pa.bool_(),
             "locations": pa.list_(location)}
    return pa.schema([(name, types[kind]) for name, kind in COLUMNS])


def _column(rows: Sequence[dict], name: str, kind: str) -> list:
    values = [r.get(name) for r in rows]
    if kind == "locations":  # a list, or the JSON text of one (machine_locations)
        return [json.loads(v) if isinstance(v, str) else v for v in values]
    if kind == _STR:  # a JSON value kept as its text (reviewed_fields)
        return [v if v is None or isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in values]
    if kind == _BOOL:
        return [None if v is None else bool(v) for v in values]
    if kind == _FLOAT:
        return [None if v is None else float(v) for v in values]
    return values


def write_parquet(rows: Iterable[dict], path: str) -> int:
    """Write flat claim rows (Ledger.claims) to a Parquet file, a batch at a time; the number written.
    Written to a temporary name and moved into place, so a failed run leaves no half file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sch = schema()
    tmp = f"{path}.{os.getpid()}.tmp"
    n = 0
    try:
        with pq.ParquetWriter(tmp, sch, compression="zstd") as writer:
            batch: list[dict] = []
            for r in rows:
                batch.append(r)
                if len(batch) >= BATCH_ROWS:
                    writer.write_batch(_batch(batch, sch))
                    n += len(batch)
                    batch = []
            if batch or n == 0:
                writer.write_batch(_batch(batch, sch))
                n += len(batch)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return n


def _batch(rows: Sequence[dict], sch: "pa.Schema") -> "pa.RecordBatch":
    import pyarrow as pa

    return pa.RecordBatch.from_arrays([pa.array(_column(rows, name, kind), type=sch.field(name).type)
                                       for name, kind in COLUMNS], schema=sch)


def export_parquet(led: "Ledger", path: str) -> int:
    """Every claim of the ledger, as Parquet at `path`."""
    return write_parquet(led.claims(), path)


def extract_parquet(items: Iterable[Article | InputError], path: str,
                    on_error: Callable[[InputError], None] | None = None) -> tuple[int, int]:
    """Store extracted articles in a temporary ledger and write its claims as Parquet at `path`.
    Returns (claims written, bad inputs)."""
    from .ledger import Ledger

    with tempfile.TemporaryDirectory(prefix="muster-parquet-") as tmp:
        with Ledger(os.path.join(tmp, "extract.db")) as led:
            report = led.ingest(items, on_error=on_error)
            return export_parquet(led, path), report.errors


def read_back(path: str) -> list[dict[str, Any]]:
    """The rows of a Parquet file as dicts (for tests and quick looks)."""
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


__all__ = ["COLUMNS", "schema", "write_parquet", "export_parquet", "extract_parquet", "read_back"]
