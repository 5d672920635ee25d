"""Output of ``fix --apply`` and ``rollback``: text (80 columns) and JSON (pure functions of the results).

The JSON of ``fix --apply`` is the ``fix`` report (data/fix.schema.json) with its ``apply`` member filled;
``rollback`` has its own small report (data/rollback.schema.json).
"""

from __future__ import annotations

import json

from ..actions import ApplyResult, RollbackResult
from ..fix.changes import ChangeSet, Refusal
from .fix import fold_command
from .text import Style, wrap

ROLLBACK_SCHEMA_VERSION = 1


def apply_exit_code(result: ApplyResult) -> int:
    """0: FIXED; 1: NOT FIXED, ROLLED BACK or ROLLBACK INCOMPLETE."""
    return 0 if result.fixed else 1


# -- text ------------------------------------------------------------------------------------------------
def render_changes(changes: ChangeSet, s: Style) -> list[str]:
    """What ``--apply`` will do, as it is shown before asking."""
    out = [s.bold("--apply will make these calls, in order:")]
    for n, step in enumerate(changes.steps, 1):
        out.extend(wrap(f"{n}. {step.operation}: {step.purpose}", "     ", "  "))
        out.extend(fold_command(step.cli(changes.region), "     "))
    for note in changes.notes:
        out.extend(wrap(note, "    ", "  - "))
    return out


def render_refusal(refusal: Refusal) -> str:
    return refusal.reason + (f" ({refusal.hint})" if refusal.hint else "")


def render_apply(result: ApplyResult, color: bool = False, calls: str | None = None) -> str:
    s = Style(color)
    out = [s.bold(line) for line in wrap(f"Applied: {result.changes.summary}", "  ", "")]
    out.extend(wrap(f"backup: {result.backup}", "    ", "  "))
    for step in result.steps:
        mark = {"done": "ok", "reused": "reused", "failed": "FAILED"}.get(step.status, step.status)
        line = f"{step.operation} [{mark}]: {step.purpose}" + (f" ({step.detail})" if step.detail else "")
        out.extend(wrap(line, "    ", "  - "))
    v = result.verification
    if v is not None:
        out.append(s.bold("Verification"))
        out.extend(wrap(v.stage_detail, "    ", "  - ") if v.stage_detail else [])
        again = "the request now routes" if v.still_failing is None else f"still fails: {v.still_failing}"
        out.extend(wrap(f"diagnosis again: {v.verdict} ({again})", "    ", "  - "))
        if v.probe is not None:
            out.extend(wrap(f"probe {v.probe.url}: {v.probe.summary()}", "    ", "  - "))
    if result.rollback is not None:
        out.extend(render_rollback_lines(result.rollback, s))
    out.append("")
    word = {"FIXED": s.ok, "NOT FIXED": s.bad, "ROLLED BACK": s.bad, "ROLLBACK INCOMPLETE": s.bad}[result.result]
    out.append(word(result.result))
    if result.reason:
        out.extend(wrap(result.reason, "  "))
    if result.result in ("FIXED", "NOT FIXED"):
        out.extend(wrap(f"to undo: apigw-doctor rollback {result.backup}", "  "))
        for note in result.changes.notes:
            out.extend(wrap(note, "    ", "  - "))
    if calls is not None:
        out.extend(["", *wrap(f"AWS calls made: {calls}.", "  ", "")])
    return "\n".join(out) + "\n"


def render_rollback_lines(result: RollbackResult, s: Style) -> list[str]:
    out = [s.bold("Rollback")]
    for u in result.undone:
        out.extend(wrap(f"{u.operation}: {u.detail}" + (f" FAILED ({u.error})" if u.error else ""), "    ", "  - "))
    if not result.undone:
        out.extend(wrap("nothing to undo: the account already matches the backup", "    ", "  - "))
    for d in result.differences:
        out.extend(wrap(f"differs from the backup: {d}", "    ", "  ! "))
    for k in result.kept:
        out.extend(wrap(k, "    ", "  - "))
    return out


def render_rollback(result: RollbackResult, backup: str, color: bool = False, calls: str | None = None) -> str:
    s = Style(color)
    out = [f"rollback of {backup}", *render_rollback_lines(result, s), ""]
    out.append(s.ok(result.result) if result.ok else s.bad(result.result))
    if calls is not None:
        out.extend(["", *wrap(f"AWS calls made: {calls}.", "  ", "")])
    return "\n".join(out) + "\n"


# -- JSON ------------------------------------------------------------------------------------------------
def apply_report(result: ApplyResult) -> dict[str, object]:
    v = result.verification
    return {
        "result": result.result,
        "backup": result.backup,
        "kind": result.changes.kind,
        "cause": result.changes.cause,
        "steps": [
            {"operation": st.operation, "purpose": st.purpose, "status": st.status, "detail": st.detail}
            for st in result.steps
        ],
        "verification": None
        if v is None
        else {
            "stage_ok": v.stage_ok,
            "stage": v.stage_detail,
            "verdict": v.verdict,
            "still_failing": v.still_failing,
            "message": v.message,
            "probe": None
            if v.probe is None
            else {
                "url": v.probe.url,
                "status": v.probe.status,
                "error_type": v.probe.error_type,
                "routed": v.probe.routed,
                "error": v.probe.error,
                "attempts": v.probe.attempts,
            },
        },
        "rollback": None if result.rollback is None else rollback_fields(result.rollback),
        "reason": result.reason,
    }


def rollback_fields(result: RollbackResult) -> dict[str, object]:
    return {
        "result": result.result,
        "undone": [{"operation": u.operation, "detail": u.detail, "error": u.error} for u in result.undone],
        "differences": list(result.differences),
        "kept": list(result.kept),
    }


def rollback_json(result: RollbackResult, backup: str, tool_version: str, aws_calls: int) -> str:
    data = {
        "schema": ROLLBACK_SCHEMA_VERSION,
        "tool": f"apigw-doctor {tool_version}",
        "exit_code": 0 if result.ok else 1,
        "backup": backup,
        **rollback_fields(result),
        "aws_calls": aws_calls,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


__all__ = [
    "apply_exit_code",
    "apply_report",
    "render_apply",
    "render_changes",
    "render_refusal",
    "render_rollback",
    "rollback_fields",
    "rollback_json",
]
