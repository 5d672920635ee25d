"""Timeline: an API's management events from CloudTrail, and which came after each stage's deployment.

The core is pure: :func:`build` takes parsed :class:`TrailEvent` values, the World (stages and their
deployments) and the clock. :func:`parse_event` turns one ``lookup_events`` record into a TrailEvent;
:func:`fetch`, the one impure function, pages through CloudTrail with the client and the window it is given
(both in :mod:`.timeline_events`; every public name is importable from here).

A change to the API's definition (a method, an integration, a resource, a route...) is live on a stage only
once a deployment created after it is what the stage serves. So every definition change later than the
creation of a stage's current deployment is "not live on" that stage; HTTP API stages with auto-deploy
are the exception (their changes deploy themselves, unless the last auto-deploy failed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .drift_routes import parse_time
from .errors import InputError
from .model import HttpApi, RestApi, Stage, World
from .timeline_events import (
    CATEGORIES,
    DEFINITION,
    EVENT_SOURCE,
    PAGE_SIZE,
    CloudTrailClient,
    Fetched,
    TrailEvent,
    category,
    fetch,
    parse_event,
    unavailable_line,
)

RETENTION = timedelta(days=90)
"""CloudTrail event history keeps 90 days of management events."""


# -- --since -----------------------------------------------------------------------------------------------
_RELATIVE = re.compile(r"(\d+)([dhm])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def parse_since(text: str, now: datetime) -> datetime:
    """``7d``, ``12h``, ``30m`` before ``now``, or an ISO date / date-time (UTC unless it says otherwise)."""
    value = text.strip()
    m = _RELATIVE.fullmatch(value)
    if m is not None:
        amount = int(m.group(1))
        if amount <= 0:
            raise InputError(f"must be more than zero, got {text!r}", "--since")
        return now - timedelta(**{_UNITS[m.group(2)]: amount})
    t = parse_time(value)
    if t is None:
        raise InputError(f"expected 7d, 12h, 30m or an ISO date such as 2024-05-01, got {text!r}", "--since")
    if t >= now:
        raise InputError(f"{text!r} is not in the past", "--since")
    return t


# -- the timeline ------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    event: TrailEvent
    category: str
    target: str
    """What the event touched, in words: ``GET /pets/{id}``, ``stage prod: deploymentId -> d2``..."""
    not_live_on: tuple[str, ...] = ()
    """Stages whose current deployment was created before this change: it is not live there."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StageState:
    stage: str
    deployment_id: str | None
    deployed_at: datetime | None
    """When the stage's current deployment was created (None: unknown)."""
    deployed_at_from: str
    """``model`` (the deployment's createdDate), ``event`` (its CreateDeployment event), ``before-window``
    (no CreateDeployment for it since ``since``: older than every event shown) or ``unknown``."""
    auto_deploy: bool = False
    not_live: tuple[str, ...] = ()
    """Event ids of the definition changes made after the deployment was created."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Timeline:
    api_id: str
    api_name: str | None
    api_kind: str | None
    region: str | None
    since: datetime
    until: datetime
    entries: tuple[Entry, ...] = ()
    stages: tuple[StageState, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def not_live(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.not_live_on)


def build(
    events: Iterable[TrailEvent],
    world: World,
    api_id: str,
    now: datetime,
    *,
    since: datetime | None = None,
    stage: str | None = None,
    complete: bool = True,
) -> Timeline:
    """The API's changes in time order, marked with the stages they are not live on.

    ``since``: the start of the window (default: 90 days before ``now``). ``stage``: only that stage (and
    the events not tied to another stage). ``complete``: False when the events were cut short (then a
    deployment with no CreateDeployment in the window has an unknown creation time, not an old one).
    """
    start = since if since is not None else now - RETENTION
    api = world.api(api_id)
    chosen = _select(events, api_id, start, now)
    paths = _resource_paths(api, chosen)
    states = tuple(_state(api, s, chosen, complete) for s in _stages(api, stage))
    if stage is not None:
        chosen = [e for e in chosen if e.stage is None or e.stage == stage]
    entries = tuple(
        Entry(
            event=e,
            category=category(e.name),
            target=_target(e, paths),
            not_live_on=tuple(s.stage for s in states if e.event_id in s.not_live),
        )
        for e in chosen
    )
    return Timeline(
        api_id=api_id,
        api_name=api.name if api is not None else None,
        api_kind=api.kind if api is not None else None,
        region=api.region if api is not None else None,
        since=start,
        until=now,
        entries=entries,
        stages=states,
        notes=tuple(_notes(api, api_id, entries, states, start, now, complete)),
    )


def _select(events: Iterable[TrailEvent], api_id: str, start: datetime, now: datetime) -> list[TrailEvent]:
    seen: set[str] = set()
    out: list[TrailEvent] = []
    for e in events:
        if e.event_id in seen or e.read_only or not start <= e.time <= now:
            continue
        if e.api_id == api_id or (e.api_id is None and any(api_id in n for n in e.resource_names)):
            seen.add(e.event_id)
            out.append(e)
    out.sort(key=lambda e: (e.time, e.event_id))
    return out


def _resource_paths(api: RestApi | HttpApi | None, events: Sequence[TrailEvent]) -> dict[str, str]:
    paths: dict[str, str] = {}
    if isinstance(api, RestApi):
        for dep in api.deployments:
            paths.update((r.id, r.path) for r in dep.resources or () if r.id)
        paths.update((r.id, r.path) for r in api.resources if r.id)
    for e in events:
        if e.resource_id and e.resource_path and e.name in ("CreateResource", "UpdateResource"):
            paths[e.resource_id] = e.resource_path
    return paths


def _stages(api: RestApi | HttpApi | None, stage: str | None) -> list[Stage]:
    if api is None:
        return []
    if stage is None:
        return list(api.stages)
    found = api.stage(stage)
    if found is None:
        names = ", ".join(repr(s.name) for s in api.stages) or "none"
        raise InputError(f"API {api.id} has no stage {stage!r} (stages: {names})", "--stage")
    return [found]


def _auto_deploy_live(stage: Stage) -> bool:
    return stage.auto_deploy and not stage.auto_deploy_failed


def _state(api: RestApi | HttpApi | None, stage: Stage, events: Sequence[TrailEvent], complete: bool) -> StageState:
    dep_id = stage.deployment_id
    dep = api.deployment(dep_id) if api is not None else None
    at, source = (parse_time(dep.created), "model") if dep is not None else (None, "unknown")
    if at is None:
        created = [e.time for e in events if e.name == "CreateDeployment" and e.deployment_id == dep_id and dep_id]
        at, source = (created[0], "event") if created else (None, "unknown")
    if at is None and complete and dep_id is not None:
        source = "before-window"
    if _auto_deploy_live(stage):
        not_live: tuple[str, ...] = ()
    elif at is None and source != "before-window":
        not_live = ()
    else:
        not_live = tuple(
            e.event_id for e in events if e.name in DEFINITION and e.error_code is None and (at is None or e.time > at)
        )
    return StageState(
        stage=stage.name,
        deployment_id=dep_id,
        deployed_at=at,
        deployed_at_from=source,
        auto_deploy=stage.auto_deploy,
        not_live=not_live,
    )


def _on(e: TrailEvent, paths: Mapping[str, str]) -> str:
    if e.resource_path:
        return e.resource_path
    if e.resource_id:
        return paths.get(e.resource_id, f"resource {e.resource_id}")
    return "?"


def _target(e: TrailEvent, paths: Mapping[str, str]) -> str:
    n = e.name
    if "Method" in n or (("Integration" in n) and e.http_method):
        what = f"{e.http_method or '?'} {_on(e, paths)}"
        what = what if "Method" in n and "Response" not in n else f"{what} ({_words(n)})"
        return f"{what}: {'; '.join(e.patches)}" if e.patches else what
    if n.endswith("Resource"):
        path = _on(e, paths)
        if path == "?" and e.path_part:
            path = f".../{e.path_part}"
        return f"resource {path}"
    if n.endswith("Deployment"):
        return f"deployment {e.deployment_id or '?'}" + (f" to stage {e.stage}" if e.stage else "")
    if n.endswith("Stage") or "StageCache" in n or "StageAuthorizers" in n:
        text = f"stage {e.stage or '?'}"
        if n == "UpdateStage" and e.patches:
            return f"{text}: {'; '.join(e.patches)}"
        return text + (f" (deployment {e.deployment_id})" if e.deployment_id else "")
    if "Mapping" in n:
        where = f"base path {e.base_path or '(none)'}" + (f" of {e.domain_name}" if e.domain_name else "")
        return where + (f" -> stage {e.stage}" if e.stage else "")
    if "Route" in n:
        return f"route {e.route_key or e.route_id or '?'}"
    if "GatewayResponse" in n:
        return f"gateway response {e.response_type or '?'}"
    if e.patches:
        return "; ".join(e.patches)
    return f"API {e.api_id}" if e.api_id else ""


def _words(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r" \1", name).lower()


def _notes(
    api: RestApi | HttpApi | None,
    api_id: str,
    entries: Sequence[Entry],
    states: Sequence[StageState],
    start: datetime,
    now: datetime,
    complete: bool,
) -> list[str]:
    notes: list[str] = []
    if api is None:
        notes.append(f"API {api_id} was not found: its stages and deployments are unknown.")
    if now - start > RETENTION:
        notes.append("CloudTrail event history keeps 90 days: older events are not shown.")
    if not complete:
        notes.append("The event list was cut short (--max-events): older changes may be missing.")
    if not entries:
        notes.append(f"No management event for {api_id} in the window.")
    for s in states:
        if s.deployed_at_from == "unknown" and s.deployment_id is not None:
            notes.append(
                f"The creation time of deployment {s.deployment_id} ({s.stage!r}) is unknown: cannot say which "
                "changes came after it."
            )
        elif s.deployed_at_from == "before-window":
            notes.append(
                f"Deployment {s.deployment_id} ({s.stage!r}) was created before the window (no CreateDeployment "
                "for it since then): every change shown came after it."
            )
    return notes


__all__ = [
    "CATEGORIES",
    "DEFINITION",
    "EVENT_SOURCE",
    "PAGE_SIZE",
    "RETENTION",
    "CloudTrailClient",
    "Entry",
    "Fetched",
    "StageState",
    "Timeline",
    "TrailEvent",
    "build",
    "category",
    "fetch",
    "parse_event",
    "parse_since",
    "unavailable_line",
]
