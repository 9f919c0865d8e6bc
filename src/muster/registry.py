"""Named pipeline stages, spaCy-style: each stage module registers its function under a name,
and the shipped config (default.yaml) lists the names in the order the data flows."""
from __future__ import annotations

import importlib
from typing import Any, Callable

from .model import Article

Stage = Callable[[Article, dict[str, Any]], Article]
_STAGES: dict[str, Stage] = {}


def stage(name: str) -> Callable[[Stage], Stage]:
    """Register `func(article, config) -> article` under `name`."""

    def register(func: Stage) -> Stage:
        _STAGES[name] = func
        return func

    return register


def load_yaml(text: str) -> Any:
    """A shipped YAML file's data: PyYAML's safe loader, with libyaml's C parser when present
    (the same data, parsed ~10x faster: the lexicons cost a second of start-up with the Python one)."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def get(name: str) -> Stage:
    if name not in _STAGES:
        # stages live in modules named like them (muster.places registers "places")
        importlib.import_module(f"muster.{name}")
    if name not in _STAGES:
        raise KeyError(f"no pipeline stage named {name!r}")
    return _STAGES[name]
