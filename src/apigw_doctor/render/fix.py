"""`fix` output: text (80 columns) and JSON (schema 1, data/fix.schema.json). Pure functions of a Plan."""

from __future__ import annotations

import json
import shlex

from ..fix import Plan, PlannedCall
from .text import WIDTH, Style, wrap

SCHEMA_VERSION = 1


def exit_code(plan: Plan) -> int:
    """0: the request already works (nothing to fix); 1: a plan was printed."""
    return 0 if plan.works else 1


# -- text ------------------------------------------------------------------------------------------------
def render_fix(plan: Plan, color: bool = False, calls: str | None = None) -> str:
    """The plan as text; ``calls`` is the summary of the AWS calls made to build it, printed last."""
    s = Style(color)
    out = [f"{plan.method} {plan.url}"]
    if plan.works:
        out.append(s.ok("The request already works: nothing to fix."))
        out.extend(_notes(plan, s))
        out.extend(_calls_made(calls))
        return "\n".join(out) + "\n"
    out.extend(wrap(f"{plan.verdict}: {plan.title}", "  ", ""))
    out.extend(wrap(plan.message, "  "))
    out.append("")
    if plan.side == "client":
        out.append(s.bold("Plan: correct the request (no change to the API)"))
        if plan.summary:
            out.extend(wrap(plan.summary, "  "))
        if plan.corrected_url:
            out.extend(fold_command(plan.corrected_url, "  "))
        if plan.corrected_curl:
            out.extend(fold_command(plan.corrected_curl, "  "))
        for alt in plan.alternatives:
            out.extend(wrap(f"or: {alt.summary}", "    ", "  "))
            if alt.curl:
                out.extend(fold_command(alt.curl, "    "))
    else:
        out.extend(_api_plan(plan, s))
    out.extend(_notes(plan, s))
    out.extend(_calls_made(calls))
    return "\n".join(out) + "\n"


def _api_plan(plan: Plan, s: Style) -> list[str]:
    out: list[str] = []
    iac = plan.iac
    if iac is not None and iac.managed_by is not None and iac.patch is not None:
        out.append(s.bold(f"Primary fix: change the {iac.managed_by} code"))
        out.extend(wrap("evidence: " + ", ".join(iac.evidence), "    ", "  "))
        out.extend(wrap(iac.patch.summary, "  "))
        out.extend(_snippet(iac.patch.text, "    "))
        out.append("")
        out.append(s.bold("Stop-gap: the AWS calls, in order (reverted by the next deploy)"))
    else:
        out.append(s.bold("Plan: the AWS calls, in order (nothing is changed now)"))
    out.extend(wrap(plan.summary, "  "))
    for n, call in enumerate(plan.calls, 1):
        out.extend(wrap(f"{n}. {_label(call)}", "     ", "  "))
        out.extend(fold_command(call.command, "     "))
    for alt in plan.alternatives:
        out.extend(wrap(f"or: {alt.summary}", "    ", "  "))
        for c in alt.commands:
            out.extend(fold_command(c, "    "))
    out.append("")
    out.append(s.bold("Blast radius"))
    b = plan.blast
    for st in b.stages:
        after = st.deployment_after or "a new deployment"
        line = f"stage {st.stage!r}: {st.deployment_before or '(none)'} -> {after}"
        if st.sharing:
            line += f" (deployment also served by {', '.join(repr(x) for x in st.sharing)})"
        out.extend(wrap(line, "    ", "  - "))
    if not b.stages:
        out.extend(wrap("no stage is deployed or repointed by these calls", "    ", "  - "))
    for m in b.mappings:
        path = m.base_path or "(none)"
        stage = m.stage if m.stage is not None else "the stage in the URL"
        out.extend(wrap(f"custom domain {m.domain}/{path} -> {stage}", "    ", "  - "))
    for u in b.usage_plans:
        out.extend(wrap(f"usage plan {u.name or u.id} ({u.id}) covers stage {u.stage!r}", "    ", "  - "))
    for cn in b.canary:
        out.extend(
            wrap(
                f"canary on {cn.stage!r}: {cn.percent:g}% of requests go to {cn.deployment_id} "
                "(not the new deployment) until the canary is promoted or removed",
                "    ",
                "  - ",
            )
        )
    out.extend(_routes("Routes that will appear", b.routes_appear, "+"))
    out.extend(_routes("Routes that will disappear", b.routes_disappear, "-"))
    out.extend(_routes("Changes that go live", b.changes_going_live, "~"))
    return out


def _snippet(text: str, indent: str) -> list[str]:
    """Code verbatim; only a comment line too long for 80 columns is folded (as more comment lines)."""
    out: list[str] = []
    for line in text.rstrip("\n").split("\n"):
        body = line.lstrip()
        if body.startswith("#") and len(indent) + len(line) > WIDTH:
            lead = indent + line[: len(line) - len(body)]
            out.extend(wrap(body.lstrip("# "), lead + "# ", lead + "# "))
        else:
            out.append(indent + line)
    return out


def _routes(title: str, items: tuple[str, ...], mark: str) -> list[str]:
    if not items:
        return []
    out = [f"  {title}:"]
    for r in items:
        out.extend(wrap(r, "      ", f"    {mark} "))
    return out


def _label(call: PlannedCall) -> str:
    if call.operation is None:
        return "shell"
    what = "changes resources" if call.changes_api_resources else "writes" if call.writes else "read-only"
    return f"{call.operation} ({what})"


def fold_command(command: str, indent: str) -> list[str]:
    """A shell line folded under 80 columns with `` \\`` continuations (a URL stays whole)."""
    if len(indent) + len(command) <= WIDTH:
        return [indent + command]
    try:
        tokens = shlex.split(command, posix=False)
    except ValueError:
        return [indent + command]
    lines: list[str] = []
    cur = indent
    for t in tokens:
        candidate = t if cur.strip() == "" else f"{cur} {t}"
        if cur.strip() and len(candidate) + 2 > WIDTH:
            lines.append(cur + " \\")
            cur = indent + "  " + t
        else:
            cur = candidate if cur.strip() else indent + t
    lines.append(cur)
    return lines


def _notes(plan: Plan, s: Style) -> list[str]:
    if not plan.notes:
        return []
    out = ["", s.bold("Notes")]
    for n in plan.notes:
        out.extend(wrap(n, "    ", "  - "))
    return out


def _calls_made(calls: str | None) -> list[str]:
    return [] if calls is None else ["", *wrap(f"AWS calls made (all read-only): {calls}.", "  ", "")]


# -- JSON ------------------------------------------------------------------------------------------------
def report(plan: Plan, tool_version: str, aws_calls: int | None = None) -> dict[str, object]:
    b = plan.blast
    iac = plan.iac
    return {
        "schema": SCHEMA_VERSION,
        "tool": f"apigw-doctor {tool_version}",
        "exit_code": exit_code(plan),
        "request": {"method": plan.method, "url": plan.url},
        "verdict": plan.verdict,
        "title": plan.title,
        "message": plan.message,
        "side": plan.side,
        "api": None if plan.api_id is None else {"id": plan.api_id, "region": plan.region},
        "summary": plan.summary,
        "corrected_request": None
        if plan.corrected_url is None and plan.corrected_curl is None
        else {"url": plan.corrected_url, "curl": plan.corrected_curl},
        "calls": [
            {
                "command": c.command,
                "service": c.service,
                "operation": c.operation,
                "writes": c.writes,
                "changes_api_resources": c.changes_api_resources,
            }
            for c in plan.calls
        ],
        "alternatives": [
            {"summary": a.summary, "url": a.url, "curl": a.curl, "commands": list(a.commands)}
            for a in plan.alternatives
        ],
        "blast_radius": {
            "stages": [
                {
                    "stage": st.stage,
                    "change": st.change,
                    "deployment_before": st.deployment_before,
                    "deployment_after": st.deployment_after,
                    "sharing": list(st.sharing),
                }
                for st in b.stages
            ],
            "mappings": [{"domain": m.domain, "base_path": m.base_path, "stage": m.stage} for m in b.mappings],
            "usage_plans": [{"id": u.id, "name": u.name, "stage": u.stage} for u in b.usage_plans],
            "canary": [{"stage": c.stage, "deployment_id": c.deployment_id, "percent": c.percent} for c in b.canary],
            "routes_appear": list(b.routes_appear),
            "routes_disappear": list(b.routes_disappear),
            "changes_going_live": list(b.changes_going_live),
        },
        "iac": {
            "managed_by": iac.managed_by if iac else None,
            "evidence": list(iac.evidence) if iac else [],
            "patch": None
            if iac is None or iac.patch is None
            else {"language": iac.patch.language, "summary": iac.patch.summary, "text": iac.patch.text},
        },
        "aws_calls": aws_calls,
        "notes": list(plan.notes),
    }


def to_json(plan: Plan, tool_version: str, aws_calls: int | None = None) -> str:
    return json.dumps(report(plan, tool_version, aws_calls), indent=2, ensure_ascii=False) + "\n"


__all__ = ["exit_code", "fold_command", "render_fix", "report", "to_json"]
