"""`fix --iac`: the infrastructure-code patch as plain text and JSON. Pure functions of an IacPatch.

The text gives each edit's ``file:line``, the resource, what it does, then the diff or snippet verbatim (no
indentation, no colour): the output can be piped into ``patch -p0`` (the lines around the diffs are skipped).
"""

from __future__ import annotations

from ..fix.iac_patch import IacEdit, IacPatch
from .text import wrap

SCHEMA_VERSION = 1


def render_iac(patch: IacPatch) -> str:
    out: list[str] = []
    if not patch.edits:
        out.append(
            f"No infrastructure-code patch for {patch.cause}." if patch.cause else "No infrastructure-code patch."
        )
    else:
        where = f" ({', '.join(patch.sources)})" if patch.sources else ""
        generic = ": generic, not located in a file" if patch.generic else ""
        out.append(f"Infrastructure-code patch for {patch.cause}: {patch.language}{where}{generic}")
    for evidence in patch.managed_by_evidence:
        out.extend(wrap(f"evidence: {evidence}", "    ", "  "))
    for number, edit in enumerate(patch.edits, 1):
        out.append("")
        out.extend(wrap(f"{number}. {_where(edit)}  {edit.resource}", "   ", ""))
        rule = f" [{edit.rule}]" if edit.rule else ""
        kind = "diff" if edit.diff else "snippet"
        out.extend(wrap(f"{edit.summary}{rule} ({kind})", "   "))
        out.append(edit.text.rstrip("\n"))
    if patch.notes:
        out.append("")
        out.append("Notes")
        for note in patch.notes:
            out.extend(wrap(note, "    ", "  - "))
    return "\n".join(out) + "\n"


def _where(edit: IacEdit) -> str:
    if edit.file is None:
        return "(no file given: write it where the API is defined)"
    return f"{edit.file}:{edit.line}" if edit.line is not None else edit.file


def iac_to_json(patch: IacPatch) -> dict[str, object]:
    """Stable keys; ``edits[].kind`` is ``diff`` (``text`` is a unified diff of ``file``) or ``snippet``."""
    return {
        "schema": SCHEMA_VERSION,
        "cause": patch.cause,
        "language": patch.language,
        "generic": patch.generic,
        "managed_by_evidence": list(patch.managed_by_evidence),
        "sources": list(patch.sources),
        "edits": [
            {
                "file": e.file,
                "line": e.line,
                "resource": e.resource,
                "summary": e.summary,
                "rule": e.rule,
                "kind": "diff" if e.diff else "snippet",
                "text": e.text,
            }
            for e in patch.edits
        ],
        "notes": list(patch.notes),
    }


__all__ = ["SCHEMA_VERSION", "iac_to_json", "render_iac"]
