"""Timeline: an API's management events from CloudTrail, and which came after each stage's deployment.

The core is pure: :func:`build` takes parsed :class:`TrailEvent` values, the World (stages and their
deployments) and the clock. :func:`parse_event` turns one ``lookup_events`` record into a TrailEvent;
:func:`fetch`, the one impure function, pages through CloudTrail with the client and the window it is given.

A change to the API's definition (a method, an integration, a resource, a route...) is live on a stage only
once a deployment created after it is what the stage serves. So every definition change later than the
creation of a stage's current deployment is "not live on" that stage; HTTP API stages with auto-deploy
are the exception (their changes deploy themselves, unless the last auto-deploy failed).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from .drift import parse_time
from .errors import InputError
from .model import HttpApi, RestApi, Stage, World

EVENT_SOURCE = "apigateway.amazonaws.com"
RETENTION = timedelta(days=90)
"""CloudTrail event history keeps 90 days of management events."""


def _names(*groups: str) -> frozenset[str]:
    return frozenset(name for group in groups for name in group.split())


DEFINITION: frozenset[str] = _names(
    # REST (v1): anything but stage settings needs a new deployment
    "PutMethod DeleteMethod UpdateMethod PutMethodResponse DeleteMethodResponse UpdateMethodResponse",
    "PutIntegration DeleteIntegration UpdateIntegration",
    "PutIntegrationResponse DeleteIntegrationResponse UpdateIntegrationResponse",
    "CreateResource DeleteResource UpdateResource PutGatewayResponse DeleteGatewayResponse UpdateGatewayResponse",
    "UpdateRestApi PutRestApi ImportRestApi CreateAuthorizer UpdateAuthorizer DeleteAuthorizer",
    "CreateModel UpdateModel DeleteModel CreateRequestValidator UpdateRequestValidator DeleteRequestValidator",
    # HTTP (v2)
    "CreateRoute DeleteRoute UpdateRoute CreateIntegration CreateRouteResponse DeleteRouteResponse",
    "UpdateRouteResponse ImportApi ReimportApi UpdateApi",
)
"""The changes that go live only with a new deployment."""
CATEGORIES: dict[str, frozenset[str]] = {
    "definition": DEFINITION,
    "deployment": _names("CreateDeployment DeleteDeployment UpdateDeployment"),
    "stage": _names("CreateStage UpdateStage DeleteStage FlushStageCache FlushStageAuthorizersCache"),
    "mapping": _names(
        "CreateBasePathMapping DeleteBasePathMapping UpdateBasePathMapping",
        "CreateApiMapping DeleteApiMapping UpdateApiMapping",
    ),
    "api": _names("CreateRestApi DeleteRestApi CreateApi DeleteApi"),
}


def category(event_name: str) -> str:
    """``definition`` (needs a deployment), ``deployment``, ``stage``, ``mapping``, ``api`` or ``other``."""
    for name, names in CATEGORIES.items():
        if event_name in names:
            return name
    return "other"


# -- events ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class TrailEvent:
    """One CloudTrail management event, with what it touched (each None when the event does not say)."""

    event_id: str
    name: str
    time: datetime
    """Timezone-aware (UTC)."""
    who: str = "unknown"
    """The caller's ARN, else its user name, else the service that called."""
    user_name: str | None = None
    identity_type: str | None = None
    invoked_by: str | None = None
    source: str = EVENT_SOURCE
    region: str | None = None
    read_only: bool = False
    error_code: str | None = None
    """Set when the call failed: it changed nothing."""
    api_id: str | None = None
    resource_id: str | None = None
    resource_path: str | None = None
    path_part: str | None = None
    http_method: str | None = None
    stage: str | None = None
    deployment_id: str | None = None
    route_key: str | None = None
    route_id: str | None = None
    base_path: str | None = None
    domain_name: str | None = None
    response_type: str | None = None
    patches: tuple[str, ...] = ()
    """Patch operations, ``"replace /deploymentId d2"``."""
    resource_names: tuple[str, ...] = ()
    """The ``Resources`` CloudTrail lists for the event."""


def _obj(value: object) -> Mapping[str, object]:
    return {str(k): v for k, v in value.items()} if isinstance(value, Mapping) else {}


def _text(value: object) -> str | None:
    if isinstance(value, str) and value:
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    return None


def _find(value: object, key: str, depth: int = 3) -> str | None:
    """The first scalar under ``key`` in ``value`` or the mappings nested in it (breadth first)."""
    level: list[Mapping[str, object]] = [_obj(value)]
    for _ in range(depth):
        nested: list[Mapping[str, object]] = []
        for m in level:
            found = _text(m.get(key))
            if found is not None:
                return found
            nested.extend(_obj(v) for v in m.values() if isinstance(v, Mapping))
        level = nested
    return None


def _patches(value: object, depth: int = 3) -> tuple[str, ...]:
    level: list[Mapping[str, object]] = [_obj(value)]
    for _ in range(depth):
        nested: list[Mapping[str, object]] = []
        for m in level:
            ops = m.get("patchOperations")
            if isinstance(ops, list):
                out = []
                for op in (_obj(o) for o in ops):
                    words = [_text(op.get(k)) for k in ("op", "path", "value")]
                    if _text(op.get("from")):
                        words.insert(2, f"from {_text(op.get('from'))}")
                    out.append(" ".join(w for w in words if w))
                return tuple(out)
            nested.extend(_obj(v) for v in m.values() if isinstance(v, Mapping))
        level = nested
    return ()


def _who(identity: Mapping[str, object], fallback: str | None) -> tuple[str, str | None]:
    issuer = _obj(_obj(identity.get("sessionContext")).get("sessionIssuer"))
    arn = _text(identity.get("arn")) or ""
    session = "/".join(arn.split("/")[-2:]) if ":assumed-role/" in arn else None
    user = _text(identity.get("userName")) or session or _text(issuer.get("userName")) or fallback
    who = (
        _text(identity.get("arn"))
        or user
        or _text(identity.get("invokedBy"))
        or _text(identity.get("principalId"))
        or "unknown"
    )
    return who, user


_CREATED_ID = {"CreateDeployment": "deployment_id", "CreateResource": "resource_id", "CreateRoute": "route_id"}


def parse_event(record: Mapping[str, object]) -> TrailEvent | None:
    """One ``lookup_events`` record (``EventId``, ``EventName``, ``CloudTrailEvent`` JSON...) -> a TrailEvent.

    A bare CloudTrail event (``eventID``, ``eventName``... as in a trail's log files) is accepted too.
    None when the record has no event name or time.
    """
    raw = record.get("CloudTrailEvent")
    detail: Mapping[str, object] = record
    if isinstance(raw, str):
        try:
            detail = _obj(json.loads(raw))
        except ValueError:
            detail = {}
    name = _text(detail.get("eventName")) or _text(record.get("EventName"))
    time = parse_time(detail.get("eventTime")) or parse_time(record.get("EventTime"))
    if name is None or time is None:
        return None
    identity = _obj(detail.get("userIdentity"))
    who, user = _who(identity, _text(record.get("Username")))
    req, resp = detail.get("requestParameters"), detail.get("responseElements")
    read_only = detail.get("readOnly", record.get("ReadOnly"))
    created = {_CREATED_ID[name]: _text(_obj(resp).get("id"))} if name in _CREATED_ID else {}
    resources = record.get("Resources") if isinstance(record.get("Resources"), list) else detail.get("resources")
    return TrailEvent(
        event_id=_text(detail.get("eventID")) or _text(record.get("EventId")) or f"{name}@{time.isoformat()}",
        name=name,
        time=time,
        who=who,
        user_name=user,
        identity_type=_text(identity.get("type")),
        invoked_by=_text(identity.get("invokedBy")),
        source=_text(detail.get("eventSource")) or _text(record.get("EventSource")) or EVENT_SOURCE,
        region=_text(detail.get("awsRegion")),
        read_only=read_only is True or read_only == "true" or name.startswith(("Get", "List", "Describe")),
        error_code=_text(detail.get("errorCode")),
        api_id=_find(req, "restApiId") or _find(req, "apiId") or _find(resp, "restApiId") or _find(resp, "apiId"),
        resource_id=created.get("resource_id") or _find(req, "resourceId"),
        resource_path=_text(_obj(resp).get("path")),
        path_part=_find(req, "pathPart"),
        http_method=_find(req, "httpMethod") or _text(_obj(resp).get("httpMethod")),
        stage=_find(req, "stageName") or _find(req, "stage"),
        deployment_id=created.get("deployment_id") or _find(req, "deploymentId") or _patched(req, "/deploymentId"),
        route_key=_find(req, "routeKey") or _text(_obj(resp).get("routeKey")),
        route_id=created.get("route_id") or _text(_obj(resp).get("routeId")) or _find(req, "routeId"),
        base_path=_find(req, "basePath") or _find(req, "apiMappingKey"),
        domain_name=_find(req, "domainName"),
        response_type=_find(req, "responseType"),
        patches=_patches(req),
        resource_names=tuple(
            n for n in (_text(_obj(r).get("ResourceName") or _obj(r).get("ARN")) for r in _items(resources)) if n
        ),
    )


def _items(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def _patched(req: object, path: str) -> str | None:
    for p in _patches(req):
        words = p.split(" ")
        if len(words) == 3 and words[0] in ("replace", "add") and words[1] == path:
            return words[2]
    return None


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


# -- fetching (the one function that talks to AWS) ---------------------------------------------------------
class CloudTrailClient(Protocol):
    def lookup_events(self, **kwargs: object) -> Mapping[str, object]: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Fetched:
    events: tuple[TrailEvent, ...] = ()
    available: bool = True
    reason: str | None = None
    """Why CloudTrail could not be read: an error code (``AccessDeniedException``), ``HTTP 500``..."""
    complete: bool = True
    """False when ``max_events`` stopped the paging before the start of the window."""
    pages: int = 0


PAGE_SIZE = 50
"""``lookup_events`` returns at most 50 events a call."""


def fetch(client: CloudTrailClient, start: datetime, end: datetime, *, max_events: int = 5000) -> Fetched:
    """API Gateway's management events from ``start`` to ``end`` (newest first, as CloudTrail pages them).

    One attribute is allowed per lookup; ``EventSource=apigateway.amazonaws.com`` finds every API Gateway
    event (REST and HTTP APIs, domains), and :func:`build` keeps the API's own. The call is read-only.
    An error (denied, not implemented, no endpoint, no credentials) ends the fetch with ``available=False``.
    """
    from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped,unused-ignore]

    events: list[TrailEvent] = []
    token: str | None = None
    pages = 0
    try:
        while True:
            kwargs: dict[str, object] = {
                "LookupAttributes": [{"AttributeKey": "EventSource", "AttributeValue": EVENT_SOURCE}],
                "StartTime": start,
                "EndTime": end,
                "MaxResults": PAGE_SIZE,
            }
            if token:
                kwargs["NextToken"] = token
            page = client.lookup_events(**kwargs)
            pages += 1
            for record in _items(page.get("Events")):
                event = parse_event(_obj(record))
                if event is not None:
                    events.append(event)
            token = _text(page.get("NextToken"))
            if not token:
                return Fetched(events=tuple(events), pages=pages)
            if len(events) >= max_events:
                return Fetched(events=tuple(events), pages=pages, complete=False)
    except ClientError as exc:
        return Fetched(available=False, reason=_client_error_code(exc), pages=pages)
    except BotoCoreError as exc:
        return Fetched(available=False, reason=type(exc).__name__, pages=pages)


def _client_error_code(exc: Exception) -> str:
    error = _obj(_obj(getattr(exc, "response", None)).get("Error"))
    code = _text(error.get("Code")) or type(exc).__name__
    return f"HTTP {code}" if code.isdigit() else code


def unavailable_line(reason: str | None) -> str:
    """The one line printed when CloudTrail cannot be read."""
    return f"apigw-doctor: CloudTrail is not available here ({reason or 'unknown error'}): no timeline."
