"""Muster: an auditable ledger of claims about armed groups' manpower, read from the news."""
from __future__ import annotations

__version__ = "0.1.0"
