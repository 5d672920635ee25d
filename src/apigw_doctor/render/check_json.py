"""``check --format json``: the report as stable JSON, ``"schema": 1``, described by ``data/check.schema.json``."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..checks.baseline import CheckReport, at_or_above
from ..checks.core import SEVERITIES, CheckFinding, CheckMeta

SCHEMA_VERSION = 1
NOT_A_FILE = ("", "apigw-doctor")
"""Origins that name no file: the finding is about apigw-doctor itself (a crashed check)."""


def _finding(f: CheckFinding, names: dict[str, str], fail_on: str) -> dict[str, object]:
    o = f.origin
    return {
        "id": f.check_id,
        "rule": names.get(f.check_id, f.check_id),
        "severity": f.severity,
        "fails": at_or_above(f.severity, fail_on),
        "message": f.message,
        "file": None if o.source in NOT_A_FILE else o.source,
        "line": o.line,
        "pointer": o.pointer or None,
        "subject": f.subject,
        "fingerprint": f.fingerprint,
        "fix": None if f.fix is None else {"language": f.fix.language, "summary": f.fix.summary, "text": f.fix.text},
    }


def to_dict(report: CheckReport, metas: Sequence[CheckMeta]) -> dict[str, object]:
    names = {m.id: m.name for m in metas}
    return {
        "schema": SCHEMA_VERSION,
        "tool": {"name": "apigw-doctor", "version": report.version},
        "fail_on": report.fail_on,
        "failed": report.failed,
        "summary": {
            **{s: report.count(s) for s in SEVERITIES},
            "failing": len(report.failing),
            "ignored": report.ignored,
            "baselined": report.baselined,
            "sources": len(report.sources),
            "skipped": len(report.skipped),
        },
        "sources": list(report.sources),
        "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
        "rules": [
            {"id": m.id, "name": m.name, "severity": m.severity, "summary": m.summary, "help": m.help} for m in metas
        ],
        "findings": [_finding(f, names, report.fail_on) for f in report.findings],
    }


def to_json(report: CheckReport, metas: Sequence[CheckMeta]) -> str:
    return json.dumps(to_dict(report, metas), indent=2, ensure_ascii=False) + "\n"


__all__ = ["SCHEMA_VERSION", "to_dict", "to_json"]
