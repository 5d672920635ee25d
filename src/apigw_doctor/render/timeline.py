"""`timeline` output: text (80 columns) and JSON (schema 1, data/timeline.schema.json). Pure functions."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ..model import Api
from ..timeline import Entry, StageState, Timeline
from .text import Style, wrap

SCHEMA_VERSION = 1


def when(t: datetime) -> str:
    """``2024-05-03 09:12:44Z``."""
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def iso(t: datetime | None) -> str | None:
    return None if t is None else t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _short(e: Entry) -> str:
    """Who, briefly: the user or role session name, else the last part of the ARN."""
    ev = e.event
    if ev.user_name:
        return ev.user_name
    return ev.who.rsplit("/", 1)[-1] if "/" in ev.who else ev.who


# -- text ------------------------------------------------------------------------------------------------
def render_timeline(t: Timeline, color: bool = False) -> str:
    s = Style(color)
    name = f' "{t.api_name}"' if t.api_name else ""
    kind = f" ({t.api_kind}, {t.region})" if t.api_kind else ""
    out = [
        s.bold(f"Timeline of API {t.api_id}{name}{kind}"),
        f"from {when(t.since)} to {when(t.until)}: {len(t.entries)} event{'s' if len(t.entries) != 1 else ''}",
        "",
    ]
    for e in t.entries:
        out.extend(_entry(e, s))
    if t.stages:
        out.append("")
        out.append(s.bold("Stages"))
        for st in t.stages:
            out.extend(_stage(st, t, s))
    if t.notes:
        out.append("")
        out.append(s.bold("Notes"))
        for n in t.notes:
            out.extend(wrap(n, "    ", "  - "))
    return "\n".join(out) + "\n"


def _entry(e: Entry, s: Style) -> list[str]:
    ev = e.event
    lines = wrap(f"{ev.name}  {e.target}", " " * 24, f"  {when(ev.time)}  ")
    lines[0] = lines[0].replace(ev.name, s.bold(ev.name), 1)
    by = f"by {ev.who}" + (f" via {ev.invoked_by}" if ev.invoked_by and ev.invoked_by not in ev.who else "")
    lines.extend(wrap(by, " " * 26, " " * 24))
    if ev.error_code:
        lines.append(" " * 24 + s.dim(f"failed ({ev.error_code}): changed nothing"))
    if e.not_live_on:
        stages = ", ".join(e.not_live_on)
        lines.append(" " * 24 + s.bad(f"! not live on {stages}"))
    return lines


def _stage(st: StageState, t: Timeline, s: Style) -> list[str]:
    if st.deployment_id is None:
        return [f"  {st.stage}: no deployment"]
    head = f"  {st.stage}: deployment {st.deployment_id}"
    if st.deployed_at is not None:
        head += f", created {when(st.deployed_at)}"
    elif st.deployed_at_from == "before-window":
        head += ", created before the window"
    if st.auto_deploy:
        head += " (auto-deploy)"
    out = wrap(head, "    ", "")
    if st.auto_deploy and not st.not_live:
        out.extend(wrap("changes go live on their own (auto-deploy)", "    ", "    "))
        return out
    if st.deployed_at is None and st.deployed_at_from == "unknown":
        out.extend(wrap("its creation time is unknown: cannot say what is not live", "    ", "    "))
        return out
    if not st.not_live:
        out.append("    " + s.ok(f"every change shown is live on {st.stage}"))
        return out
    by_id = {e.event.event_id: e for e in t.entries}
    title = f"changed after {st.stage}'s deployment {st.deployment_id}: these are not live on {st.stage}:"
    out.extend(s.bad(line) for line in wrap(title, "    ", "    "))
    for event_id in st.not_live:
        e = by_id.get(event_id)
        if e is not None:
            out.extend(wrap(f"{e.event.name} {e.target} ({_short(e)})", " " * 30, f"      {when(e.event.time)}  "))
    return out


# -- JSON ------------------------------------------------------------------------------------------------
def _event(e: Entry) -> dict[str, object]:
    ev = e.event
    return {
        "event_id": ev.event_id,
        "time": iso(ev.time),
        "name": ev.name,
        "category": e.category,
        "target": e.target,
        "who": ev.who,
        "user_name": ev.user_name,
        "identity_type": ev.identity_type,
        "invoked_by": ev.invoked_by,
        "error_code": ev.error_code,
        "resource_id": ev.resource_id,
        "http_method": ev.http_method,
        "stage": ev.stage,
        "deployment_id": ev.deployment_id,
        "route_key": ev.route_key,
        "patches": list(ev.patches),
        "not_live_on": list(e.not_live_on),
    }


def report(
    t: Timeline | None,
    tool_version: str,
    *,
    api: Api | None = None,
    available: bool = True,
    reason: str | None = None,
    complete: bool = True,
) -> dict[str, object]:
    """The JSON document; ``t`` None (with ``available=False``) when CloudTrail could not be read."""
    return {
        "schema": SCHEMA_VERSION,
        "tool": f"apigw-doctor {tool_version}",
        "api": {
            "api_id": t.api_id if t else api.id if api else None,
            "name": t.api_name if t else api.name if api else None,
            "kind": t.api_kind if t else api.kind if api else None,
            "region": t.region if t else api.region if api else None,
        },
        "since": iso(t.since) if t else None,
        "until": iso(t.until) if t else None,
        "cloudtrail": {"available": available, "reason": reason, "complete": complete},
        "events": [_event(e) for e in t.entries] if t else [],
        "stages": [
            {
                "stage": st.stage,
                "deployment_id": st.deployment_id,
                "deployed_at": iso(st.deployed_at),
                "deployed_at_from": st.deployed_at_from,
                "auto_deploy": st.auto_deploy,
                "not_live": list(st.not_live),
            }
            for st in (t.stages if t else ())
        ],
        "notes": list(t.notes) if t else [],
    }


def to_json(t: Timeline, tool_version: str, *, complete: bool = True) -> str:
    return json.dumps(report(t, tool_version, complete=complete), indent=2, ensure_ascii=False) + "\n"


def unavailable_json(api: Api, reason: str | None, tool_version: str) -> str:
    """One line of JSON: CloudTrail could not be read."""
    doc = report(None, tool_version, api=api, available=False, reason=reason)
    return json.dumps(doc, ensure_ascii=False) + "\n"


__all__ = ["iso", "render_timeline", "report", "to_json", "unavailable_json", "when"]
