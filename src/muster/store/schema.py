"""The ledger's schema: the migrations in data/ledger/NNN_name.sql, applied in order."""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from importlib import resources
from typing import Iterator

# "MUST": marks the file as a Muster ledger (PRAGMA application_id)
APPLICATION_ID = 0x4D555354

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
