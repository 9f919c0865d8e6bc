"""Shared test fixtures: where ../shared is, and skipping with a reason when it is absent."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("MUSTER_SHARED", ROOT.parent / "shared"))
EXAMPLES = ROOT / "examples"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with the reason."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} is absent (../shared/data is not copied into the project)")
    return p


def run_muster(*args: str, input: str | None = None, check: bool = False) -> subprocess.CompletedProcess:
    """Run the real command line, as a user would."""
    return subprocess.run([sys.executable, "-m", "muster.cli", *args], capture_output=True, text=True,
                          input=input, check=check, cwd=ROOT)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def seeds_extracted(tmp_path_factory) -> Path:
    """`muster extract` over the seed articles, once per test session."""
    out = tmp_path_factory.mktemp("seeds") / "seeds.jsonl"
    proc = run_muster("extract", str(shared_path("seeds")), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


def score_seeds(pred: Path) -> dict:
    gold = shared_path("eval", "seeds.gold.json")
    scorer = shared_path("eval", "score.py")
    proc = subprocess.run([sys.executable, str(scorer), "--gold", str(gold), "--pred", str(pred), "--json"],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)
