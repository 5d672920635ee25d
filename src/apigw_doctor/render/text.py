"""The text report: the walk with the failing step marked, then the causes and their fixes (80 columns)."""

from __future__ import annotations

import textwrap

from ..diagnosis import Diagnosis, Finding
from ..gateway import Outcome

WIDTH = 80


class Style:
    """ANSI styling, or none at all (not a TTY, NO_COLOR)."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def _w(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.color else text

    def ok(self, t: str) -> str:
        return self._w("32", t)

    def bad(self, t: str) -> str:
        return self._w("31;1", t)

    def bold(self, t: str) -> str:
        return self._w("1", t)

    def dim(self, t: str) -> str:
        return self._w("2", t)


def wrap(text: str, indent: str, first: str | None = None) -> list[str]:
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=first if first is not None else indent,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [indent]


def _answer(o: Outcome) -> list[str]:
    r = o.response
    if r.source == "none":
        return ["API Gateway answers: nothing (the host name does not resolve)"]
    if r.source == "integration":
        return ["API Gateway answers: nothing itself; the request reaches the integration"]
    line = f"API Gateway answers: {r.status} {r.body}"
    lines = [line] if len(line) <= WIDTH else [f"API Gateway answers: {r.status}", f"  {r.body}"]
    for name in ("x-amzn-ErrorType", "www-authenticate"):
        value = r.header(name)
        if value:
            lines.append(f"  {name}: {value}")
    return lines


def render(d: Diagnosis, color: bool = False) -> str:
    s = Style(color)
    o = d.outcome
    out: list[str] = [s.bold(f"{o.request.method} {o.request.url}"), *_answer(o), "", s.bold("The walk")]
    for step in o.trace:
        mark = "✓" if step.ok else "✗"
        lines = wrap(f"{step.detail} [{step.evidence.value}]", " " * 16, f"  {mark} {step.name:<11} ")
        lines[0] = lines[0].replace(mark, s.ok(mark) if step.ok else s.bad(mark), 1)
        out.extend(lines)
    out.append("")
    failing = d.fails
    out.append(s.bold("Cause, most likely first" if failing else "Result"))
    for i, f in enumerate(d.findings, 1):
        out.extend(_finding(i, f, s))
    if d.reported is not None:
        out.append("")
        out.append(s.bold("What you saw"))
        if d.reported.consistent:
            out.extend(wrap("It matches what the model expects.", "  "))
        else:
            out.extend(wrap("It differs from what the model expects. What could explain it:", "  "))
            for e in d.reported.explanations:
                out.extend(wrap(e, "    ", "  - "))
    if d.notes:
        out.append("")
        out.append(s.bold("Notes"))
        for n in d.notes:
            out.extend(wrap(n, "    ", "  - "))
    return "\n".join(out) + "\n"


def _finding(i: int, f: Finding, s: Style) -> list[str]:
    tag = f"[{f.evidence.value}{', verified' if f.verified else ''}]"
    lines = wrap(f"{f.code}  {f.message} {tag}", "     ", f"  {i}. ")
    lines[0] = lines[0].replace(f.code, s.bad(f.code) if f.severity == "error" else s.bold(f.code), 1)
    if f.origin is not None and f.origin.source:
        lines.append(f"     at {f.origin}")
    for detail in f.details:
        lines.extend(wrap(detail, "       ", "     - "))
    for n, fix in enumerate((f.fix, *f.alternatives) if f.fix is not None else f.alternatives):
        side = {"client": "the request", "api": "the API", "either": "the request or the API"}[fix.side]
        label = f"Fix ({side}): " if n == 0 else "Or: "
        lines.extend(wrap(label + fix.summary, "       ", "     "))
        lines.extend(f"       {x}" for x in (fix.url, fix.curl, *fix.commands) if x)
    lines.append("")
    return lines[:-1] if not lines[-1] else lines


__all__ = ["render"]


def render_short(d: Diagnosis, color: bool = False) -> str:
    """A few lines: the request, API Gateway's answer, the failing step, the rank-1 cause and its fix."""
    s = Style(color)
    o = d.outcome
    out = [s.bold(f"{o.request.method} {o.request.url}"), *_answer(o)]
    failed = o.failed_step
    if failed is not None:
        out.extend(wrap(f"fails at: {failed.name}: {failed.detail} [{failed.evidence.value}]", "    ", "  "))
    if d.findings:
        out.extend(_finding(1, d.findings[0], s))
    return "\n".join(out) + "\n"
