"""Checks as small data plus functions with stable ids: metadata, findings, the runner.

A check never aborts a run: one that raises becomes an ``APIGW000`` finding naming it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import Origin, World

if TYPE_CHECKING:
    from ..sources.cloudformation import Template
    from ..sources.terraform import TerraformConfig

SEVERITIES: tuple[str, ...] = ("error", "warning", "info")


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckMeta:
    id: str
    """Stable: ``APIGW`` and three digits. Never reused for another check."""
    name: str
    severity: str
    summary: str
    help: str
    """What goes wrong at runtime, in one or two sentences (the SARIF rule's full description)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Snippet:
    """A fix in the source's own language: ``terraform``, ``cloudformation``, ``sam``, ``openapi`` or ``shell``."""

    language: str
    text: str
    summary: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckFinding:
    check_id: str
    severity: str
    message: str
    origin: Origin
    subject: str
    """What the finding is about, stable across runs (API, path, method...): part of the fingerprint."""
    fix: Snippet | None = None

    @property
    def fingerprint(self) -> str:
        """Stable across line moves: the check, the file and the subject."""
        key = f"{self.check_id}\0{self.origin.source}\0{self.subject}"
        return hashlib.sha256(key.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckInput:
    """What the checks read: the World the sources built, and what loading refused (impossible trees)."""

    world: World
    refused: tuple[tuple[str, Origin], ...] = ()
    """(message, origin) of each file a source refused because AWS would refuse its route tree."""
    templates: tuple[Template, ...] = ()
    """CloudFormation templates as CloudFormation sees them (SAM expanded), for checks on the template itself."""
    terraform: tuple[TerraformConfig, ...] = ()
    """Terraform configurations (typed resources with arguments, references and lines), for the same."""


CheckFn = Callable[[CheckInput], Iterable[CheckFinding]]


@dataclass(frozen=True, slots=True)
class Check:
    meta: CheckMeta
    run: CheckFn


CRASHED = CheckMeta(
    id="APIGW000",
    name="check-crashed",
    severity="error",
    summary="a check failed to run",
    help="A bug in apigw-doctor: the other checks still ran. Please report it with the file that caused it.",
)


def run_checks(checks: Iterable[Check], data: CheckInput) -> tuple[CheckFinding, ...]:
    """Every check over ``data``; findings sorted by file, line, check id. A crash becomes a finding."""
    found: list[CheckFinding] = []
    for check in checks:
        try:
            found.extend(check.run(data))
        except Exception as exc:  # a check that crashes is a finding, never an aborted run
            found.append(
                CheckFinding(
                    check_id=CRASHED.id,
                    severity=CRASHED.severity,
                    message=f"check {check.meta.id} ({check.meta.name}) crashed: {type(exc).__name__}: {exc}",
                    origin=Origin(source="apigw-doctor"),
                    subject=check.meta.id,
                )
            )
    return tuple(sorted(found, key=lambda f: (f.origin.source, f.origin.line or 0, f.check_id, f.subject)))
