"""The JSON report (schema 1, docs/json-output.md): the one machine-readable shape of a diagnosis."""

from __future__ import annotations

import json

from ..diagnosis import BY_CODE, Diagnosis, Fix
from ..gateway import Outcome

SCHEMA_VERSION = 1


def exit_code(d: Diagnosis) -> int:
    return 0 if not d.fails else 1


def _response(o: Outcome) -> dict[str, object]:
    r = o.response
    return {
        "status": r.status,
        "headers": dict(r.headers),
        "body": r.body,
        "source": r.source,
        "response_type": r.response_type,
        "customized": r.customized,
    }


def outcome_dict(o: Outcome) -> dict[str, object]:
    res = o.resolution
    return {
        "resolution": None
        if res is None
        else {
            "api_id": res.api_id,
            "api_kind": res.api_kind,
            "region": res.region,
            "stage": res.stage,
            "via": res.via,
            "base_path": res.base_path,
            "domain": res.domain,
        },
        "response": _response(o),
        "matched": None
        if o.matched is None
        else {
            "resource": o.matched.resource,
            "method": o.matched.method,
            "path_parameters": dict(o.matched.path_parameters),
        },
        "deployment_id": o.deployment_id,
        "trace": [
            {"step": s.name, "ok": s.ok, "detail": s.detail, "rule": s.rule, "evidence": s.evidence.value}
            for s in o.trace
        ],
    }


def _fix(fix: Fix) -> dict[str, object]:
    return {"summary": fix.summary, "url": fix.url, "curl": fix.curl, "commands": list(fix.commands), "side": fix.side}


def report(d: Diagnosis, tool_version: str) -> dict[str, object]:
    o = d.outcome
    req = o.request
    out: dict[str, object] = {
        "schema": SCHEMA_VERSION,
        "tool": f"apigw-doctor {tool_version}",
        "request": {"method": req.method, "url": req.url, "headers": dict(req.headers)},
    }
    out.update(outcome_dict(o))
    out["verdict"] = d.verdict
    out["exit_code"] = exit_code(d)
    out["findings"] = [
        {
            "rank": i,
            "code": f.code,
            "severity": f.severity,
            "side": BY_CODE[f.code].side,
            "message": f.message,
            "evidence": f.evidence.value,
            "verified": f.verified,
            "details": list(f.details),
            "fix": None if f.fix is None else _fix(f.fix),
            "alternatives": [_fix(a) for a in f.alternatives],
            "origin": str(f.origin) if f.origin is not None and f.origin.source else None,
        }
        for i, f in enumerate(d.findings, 1)
    ]
    out["canary"] = None if d.canary_outcome is None else outcome_dict(d.canary_outcome)
    out["reported"] = (
        None
        if d.reported is None
        else {
            "status": d.reported.status,
            "body": d.reported.body,
            "consistent": d.reported.consistent,
            "explanations": list(d.reported.explanations),
        }
    )
    out["notes"] = list(d.notes)
    return out


def to_json(d: Diagnosis, tool_version: str) -> str:
    return json.dumps(report(d, tool_version), indent=2, ensure_ascii=False) + "\n"
