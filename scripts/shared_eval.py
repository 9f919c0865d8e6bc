"""The rulers in ../shared/eval, loaded as modules by the scripts beside this file."""
from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

SHARED = Path(__file__).resolve().parents[2] / "shared"


def ruler(name: str) -> ModuleType:
    """../shared/eval/<name>.py as a module (geo, layers, score)."""
    spec = importlib.util.spec_from_file_location(name, SHARED / "eval" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
