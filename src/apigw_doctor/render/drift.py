"""`drift` output: text (80 columns) and JSON (schema 1, data/drift.schema.json). Pure functions of a report."""

from __future__ import annotations

import json

from ..drift import ApiDrift, DriftItem, DriftReport, StageDrift
from .text import Style, wrap

SCHEMA_VERSION = 1


def exit_code(r: DriftReport) -> int:
    """0: no drift; 1: drift (SNAPSHOT_UNKNOWN alone is not drift)."""
    return 1 if r.drift else 0


# -- text ------------------------------------------------------------------------------------------------
def render_drift(r: DriftReport, color: bool = False) -> str:
    s = Style(color)
    out: list[str] = []
    for api in r.apis:
        if out:
            out.append("")
        out.extend(_api(api, s))
    if not r.apis:
        out.append("No API to compare.")
    out.append("")
    stages = r.stages
    drifting = [st for st in stages if st.drift]
    if drifting:
        summary = (
            f"Drift: {len(drifting)} of {len(stages)} stage{'s' if len(stages) != 1 else ''} "
            f"({r.item_count} difference{'s' if r.item_count != 1 else ''})."
        )
        out.append(s.bad(summary))
    else:
        out.append(s.ok(f"No drift in {len(stages)} stage{'s' if len(stages) != 1 else ''}."))
    unknown = sum(1 for st in stages if any(i.kind == "SNAPSHOT_UNKNOWN" for i in st.items))
    if unknown:
        out.extend(wrap(f"{unknown} stage(s) could not be compared fully (SNAPSHOT_UNKNOWN).", "", ""))
    if r.notes:
        out.append("")
        out.append(s.bold("Notes"))
        for n in r.notes:
            out.extend(wrap(n, "    ", "  - "))
    return "\n".join(out) + "\n"


def _api(api: ApiDrift, s: Style) -> list[str]:
    name = f' "{api.name}"' if api.name else ""
    out = [s.bold(f"API {api.api_id}{name} ({api.kind}, {api.region})")]
    for i, st in enumerate(api.stages):
        if i and (st.items or api.stages[i - 1].items):
            out.append("")
        out.extend(_stage(st, s))
    for n in api.notes:
        out.extend(wrap(n, "    ", "  - "))
    return out


def _stage_head(st: StageDrift) -> str:
    if st.auto_deploy:
        serves = "auto-deploy" + (f", deployment {st.deployment_id}" if st.deployment_id else "")
    elif st.deployment_id:
        serves = f"deployment {st.deployment_id}"
        if st.deployment_created:
            serves += f" ({st.deployment_created})"
    else:
        serves = "no deployment"
    if st.canary_deployment_id:
        pct = f"{st.canary_percent:g}%" if st.canary_percent is not None else "?"
        serves += f", canary {st.canary_deployment_id} ({pct})"
    return f"  stage {st.stage!r}: {serves}"


def _stage(st: StageDrift, s: Style) -> list[str]:
    head = _stage_head(st)
    if not st.items:
        return [f"{head}  {s.ok('✓ no drift')}"]
    out = [head]
    for item in st.items:
        out.extend(_item(item, s))
    for n, fix in enumerate(st.fixes):
        label = "Fix: " if n == 0 else "Or: "
        out.extend(wrap(label + fix.summary, "      ", "    "))
        out.extend(f"      {c}" for c in fix.commands)
    return out


def _item(item: DriftItem, s: Style) -> list[str]:
    mark = "✗" if item.drift else "?"
    lines = wrap(f"{item.kind} {item.message}", "      ", f"    {mark} ")
    styled_mark = s.bad(mark) if item.drift else s.dim(mark)
    lines[0] = lines[0].replace(mark, styled_mark, 1).replace(item.kind, s.bold(item.kind), 1)
    for d in item.details:
        lines.extend([f"        {d}"] if d.startswith("aws ") else wrap(d, "          ", "        "))
    return lines


# -- JSON ------------------------------------------------------------------------------------------------
def _item_dict(i: DriftItem) -> dict[str, object]:
    return {
        "kind": i.kind,
        "drift": i.drift,
        "route": i.route,
        "message": i.message,
        "live": i.live,
        "pending": i.pending,
        "deployment_id": i.deployment_id,
        "details": list(i.details),
    }


def _stage_dict(st: StageDrift) -> dict[str, object]:
    return {
        "stage": st.stage,
        "deployment_id": st.deployment_id,
        "deployment_created": st.deployment_created,
        "auto_deploy": st.auto_deploy,
        "canary": None
        if st.canary_deployment_id is None
        else {"deployment_id": st.canary_deployment_id, "percent": st.canary_percent},
        "drift": st.drift,
        "items": [_item_dict(i) for i in st.items],
        "fixes": [{"summary": f.summary, "commands": list(f.commands)} for f in st.fixes],
    }


def report(r: DriftReport, tool_version: str) -> dict[str, object]:
    return {
        "schema": SCHEMA_VERSION,
        "tool": f"apigw-doctor {tool_version}",
        "drift": r.drift,
        "exit_code": exit_code(r),
        "apis": [
            {
                "api_id": a.api_id,
                "name": a.name,
                "kind": a.kind,
                "region": a.region,
                "drift": a.drift,
                "stages": [_stage_dict(st) for st in a.stages],
                "notes": list(a.notes),
            }
            for a in r.apis
        ],
        "missing": list(r.missing),
        "notes": list(r.notes),
    }


def to_json(r: DriftReport, tool_version: str) -> str:
    return json.dumps(report(r, tool_version), indent=2, ensure_ascii=False) + "\n"


__all__ = ["exit_code", "render_drift", "report", "to_json"]
