"""What remains of a run: rules ignored, findings already in a baseline, the ``--fail-on`` threshold.

A baseline is a JSON file ``{"version": 1, "fingerprints": [...]}``: the :attr:`CheckFinding.fingerprint`
of findings someone accepted (``check --write-baseline FILE``). A fingerprint is the check, the file and
what the finding is about, not the line, so a baselined finding stays baselined when lines move; it comes
back when the file is renamed or the finding changes subject (another path, another API).

Pure: the command reads and writes the files; this module turns text into fingerprints and back.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from ..errors import InputError
from .core import SEVERITIES, CheckFinding
from .discover import Skipped

BASELINE_VERSION = 1
RANK = {severity: i for i, severity in enumerate(SEVERITIES)}
"""error 0, warning 1, info 2: a finding fails when its rank is at most the threshold's."""


def at_or_above(severity: str, threshold: str) -> bool:
    return RANK.get(severity, 0) <= RANK[threshold]


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckReport:
    """Everything a renderer shows: the findings that remain and how the run got there."""

    findings: tuple[CheckFinding, ...]
    fail_on: str = "error"
    sources: tuple[str, ...] = ()
    """Files and Terraform directories read, as the findings name them."""
    skipped: tuple[Skipped, ...] = ()
    """Files found by walking that could not be read."""
    ignored: int = 0
    """Findings dropped by ``--ignore``."""
    baselined: int = 0
    """Findings dropped because their fingerprint is in the baseline."""
    version: str = ""
    """apigw-doctor's version."""

    @property
    def failing(self) -> tuple[CheckFinding, ...]:
        return tuple(f for f in self.findings if at_or_above(f.severity, self.fail_on))

    @property
    def failed(self) -> bool:
        return bool(self.failing)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


def parse_ignore(values: Iterable[str], known: Collection[str]) -> frozenset[str]:
    """``--ignore`` values (repeatable, comma-separated, any case) -> check ids; InputError for an unknown id."""
    ids = {part.strip().upper() for value in values for part in value.split(",") if part.strip()}
    unknown = sorted(ids - set(known))
    if unknown:
        raise InputError(f"unknown check id {', '.join(unknown)} (known: {', '.join(sorted(known))})", "--ignore")
    return frozenset(ids)


def split(
    findings: Iterable[CheckFinding], ignore: Collection[str], baseline: Collection[str]
) -> tuple[tuple[CheckFinding, ...], int, int]:
    """(the findings that remain, how many ``ignore`` dropped, how many ``baseline`` dropped)."""
    kept: list[CheckFinding] = []
    ignored = baselined = 0
    for f in findings:
        if f.check_id in ignore:
            ignored += 1
        elif f.fingerprint in baseline:
            baselined += 1
        else:
            kept.append(f)
    return tuple(kept), ignored, baselined


def parse_baseline(text: str, where: str) -> frozenset[str]:
    """The fingerprints of a baseline file's text; InputError at ``where`` when it is not one."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InputError(f"not a baseline: malformed JSON ({exc})", where) from None
    if not isinstance(data, dict) or "fingerprints" not in data:
        raise InputError(
            f'not a baseline: expected {{"version": {BASELINE_VERSION}, "fingerprints": [...]}} '
            "(written by check --write-baseline)",
            where,
        )
    if data.get("version") != BASELINE_VERSION:
        raise InputError(
            f"baseline version {data.get('version')!r} is not supported (this apigw-doctor reads version "
            f"{BASELINE_VERSION})",
            f"{where}#/version",
        )
    prints = data["fingerprints"]
    if not isinstance(prints, list) or not all(isinstance(p, str) for p in prints):
        raise InputError("'fingerprints' must be a list of strings", f"{where}#/fingerprints")
    return frozenset(prints)


def dumps_baseline(findings: Iterable[CheckFinding]) -> str:
    """A baseline accepting every finding: sorted, unique fingerprints (stable diffs in version control)."""
    prints = sorted({f.fingerprint for f in findings})
    return json.dumps({"version": BASELINE_VERSION, "fingerprints": prints}, indent=2) + "\n"
