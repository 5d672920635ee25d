"""Checks that stop the mistakes behind "Missing Authentication Token" before they ship."""

from .catalogue import CHECKS, METAS
from .core import CRASHED, SEVERITIES, Check, CheckFinding, CheckInput, CheckMeta, Snippet, run_checks

__all__ = [
    "CHECKS",
    "CRASHED",
    "METAS",
    "SEVERITIES",
    "Check",
    "CheckFinding",
    "CheckInput",
    "CheckMeta",
    "Snippet",
    "run_checks",
]
