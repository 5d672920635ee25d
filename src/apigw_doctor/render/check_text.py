"""``check`` as text: findings grouped by file, each with its fix, then one summary line.

::

    templates/api.yaml
    templates/api.yaml:14: error APIGW010 API shop: /{proxy+} has ANY but / has no method;
        the stage root answers 403 Missing Authentication Token.
        fix (cloudformation): give / its own method, like /{proxy+}
          RootAnyMethod:
            Type: AWS::ApiGateway::Method

    1 error, 0 warnings, 0 info in 3 sources: fails (--fail-on error)

Prose is wrapped at 80 columns; paths and code are never broken. Colour only when asked (a TTY).
"""

from __future__ import annotations

from itertools import groupby

from ..checks.baseline import CheckReport
from ..checks.core import SEVERITIES, CheckFinding
from .text import WIDTH, Style, wrap

NO_FILE = "apigw-doctor"


def location(f: CheckFinding) -> str:
    """``file:line``, ``file#/pointer`` when the line is unknown, ``file`` otherwise."""
    o = f.origin
    source = o.source or NO_FILE
    if o.line is not None:
        return f"{source}:{o.line}"
    if o.pointer:
        return f"{source}#{o.pointer}"
    return source


def _plural(n: int, word: str) -> str:
    if word == "info":
        return f"{n} info"
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary(report: CheckReport) -> list[str]:
    """The summary: counts, sources, what was dropped, and the verdict (on a line of its own when long)."""
    counts = ", ".join(_plural(report.count(s), s) for s in SEVERITIES)
    n = len(report.sources)
    text = f"{counts} in {_plural(n, 'source')}" if n else f"{counts}: no API sources found"
    extra = []
    if report.ignored:
        extra.append(f"{report.ignored} ignored")
    if report.baselined:
        extra.append(f"{report.baselined} in the baseline")
    if report.skipped:
        extra.append(f"{_plural(len(report.skipped), 'file')} skipped")
    if extra:
        text += f" ({', '.join(extra)})"
    verdict = f"{'fails' if report.failed else 'passes'} (--fail-on {report.fail_on})"
    line = f"{text}: {verdict}"
    return [line] if len(line) <= WIDTH else [*wrap(f"{text}:", ""), verdict]


def render(report: CheckReport, color: bool = False) -> str:
    """The text report (skipped files are only counted: the command prints them on stderr as it goes)."""
    s = Style(color)
    painted = {"error": s.bad, "warning": s.bold, "info": s.dim}
    out: list[str] = []
    for source, group in groupby(report.findings, key=lambda f: f.origin.source or NO_FILE):
        out.append(s.bold(source))
        for f in group:
            head = f"{location(f)}: {f.severity} {f.check_id} "
            lines = wrap(f.message, "    ", head)
            paint = painted.get(f.severity, s.bold)
            lines[0] = lines[0].replace(f" {f.severity} ", f" {paint(f.severity)} ", 1)
            out.extend(lines)
            if f.fix is not None:
                out.extend(wrap(f.fix.summary, "        ", f"    fix ({f.fix.language}): "))
                out.extend(f"      {line}".rstrip() for line in f.fix.text.rstrip("\n").splitlines())
        out.append("")
    paint = s.bad if report.failed else s.ok
    out.extend(paint(line) for line in summary(report))
    return "\n".join(out) + "\n"


__all__ = ["location", "render", "summary"]
