"""``check --format sarif``: SARIF 2.1.0 as GitHub code scanning reads it.

One run. ``tool.driver`` lists every rule (from the check metadata: id, name, descriptions, help with what
is flagged, why it breaks and the fix, and the default level). Each result has its rule, level, message,
one physical location (the file relative to ``%SRCROOT%``, the working directory, with forward slashes;
``region.startLine`` is the line, 1 when the source does not know it), ``partialFingerprints`` from
:attr:`CheckFinding.fingerprint` (stable across runs and line moves, so code scanning keeps an alert's
history when lines shift) and the fix snippet in ``properties.fix``. Files that were skipped are
``toolExecutionNotifications`` of the invocation.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import PurePath
from urllib.parse import quote

from ..checks.baseline import CheckReport
from ..checks.core import CheckFinding, CheckMeta, Snippet

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/apigw-doctor/apigw-doctor"
CHECKS_DOC = f"{INFORMATION_URI}/blob/main/docs/checks.md"
SRCROOT = "%SRCROOT%"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FENCES = {"terraform": "hcl", "cloudformation": "yaml", "sam": "yaml", "openapi": "yaml", "shell": "sh"}
NOT_A_FILE = ("", "apigw-doctor")
"""Origins that name no file: the finding is about apigw-doctor itself (a crashed check)."""


def artifact_location(source: str, root: str) -> dict[str, str]:
    """``source`` relative to ``root`` (``uriBaseId: %SRCROOT%``), or an absolute ``file://`` URI outside it."""
    absolute = source if os.path.isabs(source) else os.path.join(root, source)
    absolute = os.path.normpath(absolute)
    relative = os.path.relpath(absolute, root)
    if relative == ".." or relative.startswith(".." + os.sep):
        return {"uri": PurePath(absolute).as_uri()}
    return {"uri": quote(PurePath(relative).as_posix(), safe="/"), "uriBaseId": SRCROOT}


def _level(severity: str) -> str:
    return LEVELS.get(severity, "warning")


def _fix_text(fix: Snippet) -> str:
    return f"Fix ({fix.language}): {fix.summary}\n\n{fix.text.rstrip()}\n"


def _fix_markdown(fix: Snippet) -> str:
    fence = FENCES.get(fix.language, "")
    return f"**Fix** ({fix.language}): {fix.summary}\n\n```{fence}\n{fix.text.rstrip()}\n```\n"


def _rule(meta: CheckMeta, example: Snippet | None) -> dict[str, object]:
    text = f"Flagged: {meta.summary}.\n\nWhy it breaks: {meta.help}\n"
    markdown = f"**Flagged:** {meta.summary}.\n\n**Why it breaks:** {meta.help}\n"
    if example is not None:
        text += "\n" + _fix_text(example)
        markdown += "\n" + _fix_markdown(example)
    docs = f"docs/checks.md ({meta.id}) has a bad and a good example."
    return {
        "id": meta.id,
        "name": meta.name,
        "shortDescription": {"text": meta.summary},
        "fullDescription": {"text": meta.help},
        "helpUri": f"{CHECKS_DOC}#{meta.id.lower()}-{meta.name}",
        "help": {"text": f"{text}\n{docs}", "markdown": f"{markdown}\n{docs}"},
        "defaultConfiguration": {"level": _level(meta.severity)},
        "properties": {"tags": ["api-gateway", "reliability"], "precision": "high"},
    }


def _location(f: CheckFinding, root: str) -> dict[str, object]:
    physical: dict[str, object] = {
        "artifactLocation": artifact_location(f.origin.source, root),
        "region": {"startLine": f.origin.line or 1},
    }
    location: dict[str, object] = {"physicalLocation": physical}
    if f.origin.pointer:
        location["logicalLocations"] = [{"fullyQualifiedName": f.origin.pointer, "kind": "member"}]
    return location


def _result(f: CheckFinding, index: int, root: str) -> dict[str, object]:
    message = f.message if f.fix is None else f"{f.message} Fix: {f.fix.summary}."
    result: dict[str, object] = {
        "ruleId": f.check_id,
        "ruleIndex": index,
        "level": _level(f.severity),
        "message": {"text": message},
        "partialFingerprints": {"primaryLocationLineHash": f.fingerprint, "apigwDoctorFingerprint/v1": f.fingerprint},
    }
    if f.origin.source not in NOT_A_FILE:
        result["locations"] = [_location(f, root)]
    properties: dict[str, object] = {"severity": f.severity, "subject": f.subject}
    if f.fix is not None:
        properties["fix"] = {"language": f.fix.language, "summary": f.fix.summary, "text": f.fix.text}
    result["properties"] = properties
    return result


def _rules(report: CheckReport, metas: Sequence[CheckMeta]) -> list[CheckMeta]:
    """``metas`` plus a stand-in for any id a finding carries that they do not list (never silently dropped)."""
    rules = list(metas)
    known = {m.id for m in rules}
    for f in report.findings:
        if f.check_id not in known:
            known.add(f.check_id)
            rules.append(
                CheckMeta(id=f.check_id, name=f.check_id.lower(), severity=f.severity, summary=f.check_id, help="")
            )
    return rules


def to_dict(report: CheckReport, metas: Sequence[CheckMeta], root: str) -> dict[str, object]:
    """The SARIF log. ``root`` is the directory uris are relative to (the working directory)."""
    rules = _rules(report, metas)
    index = {m.id: i for i, m in enumerate(rules)}
    examples: dict[str, Snippet] = {}
    for f in report.findings:
        if f.fix is not None:
            examples.setdefault(f.check_id, f.fix)
    notifications = [
        {
            "level": "warning",
            "message": {"text": str(s)},
            "locations": [{"physicalLocation": {"artifactLocation": artifact_location(s.path, root)}}],
        }
        for s in report.skipped
    ]
    invocation: dict[str, object] = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, object] = {
        "tool": {
            "driver": {
                "name": "apigw-doctor",
                "version": report.version,
                "semanticVersion": report.version,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(m, examples.get(m.id)) for m in rules],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": PurePath(os.path.abspath(root)).as_uri().rstrip("/") + "/"}},
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index[f.check_id], root) for f in report.findings],
        "properties": {"failOn": report.fail_on, "ignored": report.ignored, "baselined": report.baselined},
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def to_sarif(report: CheckReport, metas: Sequence[CheckMeta], root: str) -> str:
    return json.dumps(to_dict(report, metas, root), indent=2, ensure_ascii=False) + "\n"


__all__ = ["INFORMATION_URI", "SARIF_VERSION", "artifact_location", "to_dict", "to_sarif"]
