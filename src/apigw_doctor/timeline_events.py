"""Timeline's events: API Gateway's management events from CloudTrail, parsed and fetched.

:func:`parse_event` turns one ``lookup_events`` record (or a bare CloudTrail event) into a :class:`TrailEvent`;
:func:`category` says what kind of change an event name is (``definition`` changes go live only with a new
deployment). :func:`fetch`, the one impure function, pages through CloudTrail with the client and the window
it is given.

    parse_event({"EventName": "PutMethod", "CloudTrailEvent": "{...}"})  ->  TrailEvent(name="PutMethod", ...)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from .drift_routes import parse_time

EVENT_SOURCE = "apigateway.amazonaws.com"


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


__all__ = [
    "CATEGORIES",
    "DEFINITION",
    "EVENT_SOURCE",
    "PAGE_SIZE",
    "CloudTrailClient",
    "Fetched",
    "TrailEvent",
    "category",
    "fetch",
    "parse_event",
    "unavailable_line",
]
