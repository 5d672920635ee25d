"""What a diagnosis returns: ranked findings, each with a cause code, evidence and a fix."""

from __future__ import annotations

from dataclasses import dataclass

from ..gateway import Evidence, Outcome
from ..model import Origin
from .codes import cause


@dataclass(frozen=True, slots=True)
class Fix:
    """How to make the request work: the corrected request (client side) and/or the change to the API."""

    summary: str
    url: str | None = None
    curl: str | None = None
    commands: tuple[str, ...] = ()
    """Shell commands, in order, copy-pasteable (``aws ...``)."""
    side: str = "client"


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    message: str
    evidence: Evidence
    fix: Fix | None = None
    details: tuple[str, ...] = ()
    verified: bool = False
    """True when the suggested request was walked through the gateway and gets past routing."""
    alternatives: tuple[Fix, ...] = ()
    """Other ways to the same result, after ``fix``."""
    origin: Origin | None = None
    """Where the model object this finding is about was defined (file#pointer or ARN)."""

    @property
    def severity(self) -> str:
        return cause(self.code).severity


@dataclass(frozen=True, slots=True)
class Reported:
    """What the user saw (``--saw`` / ``--saw-body``) against what the model expects."""

    status: int | None
    body: str | None
    consistent: bool
    explanations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Diagnosis:
    outcome: Outcome
    findings: tuple[Finding, ...]
    notes: tuple[str, ...] = ()
    reported: Reported | None = None
    canary_outcome: Outcome | None = None

    @property
    def verdict(self) -> str:
        return self.findings[0].code if self.findings else "MATCHED"

    @property
    def fails(self) -> bool:
        return self.verdict != "MATCHED"
