"""``check --format junit``: JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure).

One ``testsuite`` per source (a file, or a Terraform directory), one ``testcase`` per rule in it: the
testcase fails when the source has findings of that rule at or above ``--fail-on``; findings below it are
listed in the testcase's ``system-out``. Findings about no file (a crashed check) get a suite of their own.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from xml.etree import ElementTree as ET

from ..checks.baseline import CheckReport, at_or_above
from ..checks.core import CheckFinding, CheckMeta
from .check_text import location

NO_FILE = "apigw-doctor"


def _suite_of(f: CheckFinding, sources: Sequence[str]) -> str:
    """The source a finding belongs to: its file, or the Terraform directory holding it."""
    path = f.origin.source or NO_FILE
    if path in sources:
        return path
    for source in sources:
        if source == "." or path.startswith(source.rstrip(os.sep) + os.sep):
            return source
    return path


def _describe(f: CheckFinding) -> str:
    text = f"{location(f)}: {f.severity} {f.check_id} {f.message}"
    if f.fix is not None:
        text += f"\n  fix ({f.fix.language}): {f.fix.summary}\n" + "".join(
            f"    {line}\n" for line in f.fix.text.rstrip("\n").splitlines()
        )
    return text


def to_junit(report: CheckReport, metas: Sequence[CheckMeta]) -> str:
    by_suite: dict[str, list[CheckFinding]] = {s: [] for s in report.sources}
    for f in report.findings:
        by_suite.setdefault(_suite_of(f, report.sources), []).append(f)
    rules = list(metas)
    known = {m.id for m in rules}
    extra = sorted({f.check_id for f in report.findings} - known)
    root = ET.Element("testsuites", name="apigw-doctor check")
    total = failures_total = 0
    for suite_name, found in by_suite.items():
        suite = ET.SubElement(root, "testsuite", name=suite_name)
        ids = [(m.id, m.name) for m in rules] + [(i, i.lower()) for i in extra]
        failures = 0
        for rule_id, rule_name in ids:
            mine = [f for f in found if f.check_id == rule_id]
            case = ET.SubElement(suite, "testcase", name=f"{rule_id} {rule_name}", classname=suite_name, time="0")
            failing = [f for f in mine if at_or_above(f.severity, report.fail_on)]
            if failing:
                failures += 1
                message = failing[0].message if len(failing) == 1 else f"{len(failing)} findings: {failing[0].message}"
                failure = ET.SubElement(case, "failure", message=message, type=failing[0].severity)
                failure.text = "\n".join(_describe(f) for f in failing)
            passing = [f for f in mine if f not in failing]
            if passing:
                ET.SubElement(case, "system-out").text = "\n".join(_describe(f) for f in passing)
        suite.set("tests", str(len(ids)))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        suite.set("time", "0")
        total += len(ids)
        failures_total += failures
    root.set("tests", str(total))
    root.set("failures", str(failures_total))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


__all__ = ["to_junit"]
