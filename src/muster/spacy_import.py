"""Importing spaCy without its command line.

`import spacy` runs `from .cli.info import info`, which imports the whole `spacy.cli` package
(typer, weasel, the download and packaging commands): about a third of spaCy's import time,
0.4-0.5 CPU seconds of the start-up of `muster extract` on one article, for code Muster never
runs. `import_spacy()` registers `spacy.cli` as an empty package whose `__path__` is the real
one (so that any `spacy.cli.<command>` still imports for real, if something asks for it) and a
`spacy.cli.info` holding a stub `info`, then imports spaCy. Models load and parse exactly as
before; only `spacy.info()` is the stub (it raises, saying so).
"""
from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path
from typing import Any


def _no_info(*args: Any, **kwargs: Any) -> None:
    raise RuntimeError("spacy.info() is not available in a muster process (see muster.spacy_import)")


def import_spacy() -> Any:
    """The spacy module, imported (once) without spacy.cli's commands."""
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    spec = importlib.util.find_spec("spacy")
    if spec is not None and spec.origin and "spacy.cli" not in sys.modules:
        cli = types.ModuleType("spacy.cli")
        cli.__path__ = [str(Path(spec.origin).parent / "cli")]
        info = types.ModuleType("spacy.cli.info")
        info.info = _no_info  # type: ignore[attr-defined]
        cli.info = info  # type: ignore[attr-defined]
        sys.modules["spacy.cli"] = cli
        sys.modules["spacy.cli.info"] = info
    import spacy

    return spacy
