"""Drift: what each stage serves against the working copy, newer deployments and canaries (pure).

A route is a method on a path (``GET /pets/{id}``; ``ANY`` is a method like the others; ``$default`` for the
HTTP API default route) with its ``authorizationType`` and ``apiKeyRequired``. Drift is a set comparison of
route keys between two route tables; which request matches which route does not matter here.

    compute(world, ["abc123"])  ->  DriftReport(apis=(ApiDrift(stages=(StageDrift(items=..., fixes=...),)),))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from .diagnosis import commands as cmd
from .model import HttpApi, HttpDeployment, Resource, RestApi, RestDeployment, Route, Stage, World


@dataclass(frozen=True, slots=True, kw_only=True)
class Kind:
    """One kind of drift item: a stable id, what it means, and whether it counts as drift (exit code 1)."""

    id: str
    title: str
    drift: bool = True


KINDS: tuple[Kind, ...] = (
    Kind(id="NO_DEPLOYMENT", title="the stage points at no deployment: it serves no routes"),
    Kind(id="AUTO_DEPLOY_FAILED", title="the last auto-deploy of an HTTP API stage failed"),
    Kind(id="UNDEPLOYED_ROUTE", title="a route of the working copy that the stage does not serve"),
    Kind(id="DELETED_BUT_LIVE", title="a route deleted from the working copy that the stage still serves"),
    Kind(id="AUTH_CHANGED", title="the route's authorizationType differs between the working copy and the stage"),
    Kind(id="API_KEY_CHANGED", title="the route's apiKeyRequired differs between the working copy and the stage"),
    Kind(id="NEWER_DEPLOYMENT", title="a newer deployment exists that the stage does not point at"),
    Kind(id="CANARY_DIFFERS", title="a route differs between the stage's deployment and its canary deployment"),
    Kind(
        id="SNAPSHOT_UNKNOWN",
        title="cannot compare: the deployment's routes are not available to the source",
        drift=False,
    ),
)
BY_KIND: dict[str, Kind] = {k.id: k for k in KINDS}
_ORDER: dict[str, int] = {k.id: i for i, k in enumerate(KINDS)}


# -- route tables ------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class RouteSig:
    """A route with the part of its configuration a deployment snapshot records."""

    method: str
    path: str
    """The resource path (``/pets/{id}``), or ``$default`` for the HTTP API default route."""
    authorization_type: str = "NONE"
    api_key_required: bool = False

    @property
    def key(self) -> str:
        return self.path if self.path == "$default" else f"{self.method} {self.path}"


RouteTable = Mapping[str, RouteSig]


def rest_table(resources: Iterable[Resource]) -> dict[str, RouteSig]:
    """A REST API's routes: every method of every resource."""
    sigs = (
        RouteSig(
            method=m.http_method,
            path=r.path,
            authorization_type=m.authorization_type,
            api_key_required=m.api_key_required,
        )
        for r in resources
        for m in r.methods
    )
    return {s.key: s for s in sigs}


def http_table(routes: Iterable[Route]) -> dict[str, RouteSig]:
    """An HTTP API's routes, by route key."""
    sigs = (
        RouteSig(
            method=r.method,
            path=r.path if r.path is not None else r.key,
            authorization_type=r.authorization_type,
            api_key_required=r.api_key_required,
        )
        for r in routes
    )
    return {s.key: s for s in sigs}


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """How one route differs from table ``a`` (what is live) to table ``b`` (what would be)."""

    what: str
    """``added`` (only in b), ``removed`` (only in a), ``auth`` or ``api_key`` (in both, different)."""
    route: str
    before: str | None = None
    after: str | None = None

    def line(self) -> str:
        if self.what == "added":
            return f"+ {self.route}"
        if self.what == "removed":
            return f"- {self.route}"
        label = "authorization" if self.what == "auth" else "API key required"
        return f"~ {self.route}: {label} {self.before} -> {self.after}"


def _sort_key(route: str) -> tuple[str, str]:
    method, _, path = route.partition(" ")
    return (path or method, method if path else "")


def diff(a: RouteTable, b: RouteTable) -> tuple[Change, ...]:
    """The changes from ``a`` to ``b``, sorted by path then method."""
    out: list[Change] = []
    for key in sorted(a.keys() | b.keys(), key=_sort_key):
        old, new = a.get(key), b.get(key)
        if old is None:
            out.append(Change(what="added", route=key))
        elif new is None:
            out.append(Change(what="removed", route=key))
        else:
            if old.authorization_type != new.authorization_type:
                out.append(Change(what="auth", route=key, before=old.authorization_type, after=new.authorization_type))
            if old.api_key_required != new.api_key_required:
                out.append(
                    Change(
                        what="api_key",
                        route=key,
                        before=str(old.api_key_required).lower(),
                        after=str(new.api_key_required).lower(),
                    )
                )
    return tuple(out)


# -- the report --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class DriftItem:
    kind: str
    message: str
    route: str | None = None
    live: str | None = None
    """The value the stage serves (an authorizationType, ``true``/``false``), when the item compares values."""
    pending: str | None = None
    """The value in the working copy (or the newer / canary deployment) that is not live."""
    deployment_id: str | None = None
    """The other deployment concerned (the newer one, the canary, the one whose routes are unknown)."""
    details: tuple[str, ...] = ()

    @property
    def drift(self) -> bool:
        return BY_KIND[self.kind].drift


@dataclass(frozen=True, slots=True, kw_only=True)
class DriftFix:
    summary: str
    commands: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class StageDrift:
    stage: str
    deployment_id: str | None
    deployment_created: str | None = None
    canary_deployment_id: str | None = None
    canary_percent: float | None = None
    auto_deploy: bool = False
    items: tuple[DriftItem, ...] = ()
    fixes: tuple[DriftFix, ...] = ()
    """The fix first, then alternatives; empty when there is no drift."""

    @property
    def drift(self) -> bool:
        return any(i.drift for i in self.items)


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiDrift:
    api_id: str
    name: str
    kind: str
    region: str
    stages: tuple[StageDrift, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def drift(self) -> bool:
        return any(s.drift for s in self.stages)


@dataclass(frozen=True, slots=True, kw_only=True)
class DriftReport:
    apis: tuple[ApiDrift, ...] = ()
    missing: tuple[str, ...] = ()
    """Requested API ids the world does not have."""
    notes: tuple[str, ...] = ()

    @property
    def drift(self) -> bool:
        return any(a.drift for a in self.apis)

    @property
    def stages(self) -> tuple[StageDrift, ...]:
        """Every API's stages, in order."""
        return tuple(s for a in self.apis for s in a.stages)

    @property
    def item_count(self) -> int:
        return sum(1 for a in self.apis for s in a.stages for i in s.items if i.drift)


def compute(world: World, api_ids: Sequence[str] | None = None) -> DriftReport:
    """Drift for ``api_ids`` (every API of the world when None), stage by stage."""
    if api_ids is None:
        apis = list(world.apis)
        missing: tuple[str, ...] = ()
    else:
        wanted = list(dict.fromkeys(api_ids))
        apis = [a for i in wanted for a in world.apis_with_id(i)]
        missing = tuple(i for i in wanted if not world.apis_with_id(i))
    return DriftReport(
        apis=tuple(_api(a) for a in apis),
        missing=missing,
        notes=world.notes,
    )


# -- deployments in time order -----------------------------------------------------------------------------
def parse_time(value: object) -> datetime | None:
    """An ISO 8601 string or a datetime -> an aware UTC datetime (naive ones are taken as UTC); None otherwise."""
    if isinstance(value, datetime):
        t = value
    elif isinstance(value, str) and value:
        try:
            t = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


Deployment = RestDeployment | HttpDeployment


def in_time_order(deployments: Sequence[Deployment]) -> list[Deployment]:
    """Oldest first: by creation time when every deployment has one, else in list order."""
    times = [parse_time(d.created) for d in deployments]
    if deployments and all(t is not None for t in times):
        order = sorted(range(len(deployments)), key=lambda i: (times[i], i))
        return [deployments[i] for i in order]
    return list(deployments)


def newest_after(deployments: Sequence[Deployment], deployment_id: str | None) -> Deployment | None:
    """The newest deployment if it is newer than ``deployment_id`` (None if that one is the newest or unknown)."""
    ordered = in_time_order(deployments)
    ids = [d.id for d in ordered]
    if deployment_id not in ids or ids[-1] == deployment_id:
        return None
    return ordered[-1]


def _users(stages: Iterable[Stage], deployment_id: str) -> list[str]:
    return [s.name for s in stages if s.deployment_id == deployment_id]


# -- REST APIs ---------------------------------------------------------------------------------------------
def _api(api: RestApi | HttpApi) -> ApiDrift:
    notes = list(api.notes)
    if not api.stages_known:
        notes.append("The source does not say which stages exist: nothing to compare.")
    elif not api.stages:
        notes.append("The API has no stages: nothing of it is deployed.")
    stages: tuple[StageDrift, ...] = ()
    if isinstance(api, RestApi) and api.stages_known:
        working = rest_table(api.resources)
        stages = tuple(_rest_stage(api, s, working) for s in api.stages)
    elif isinstance(api, HttpApi) and api.stages_known:
        working = http_table(api.routes)
        stages = tuple(_http_stage(api, s, working) for s in api.stages)
    return ApiDrift(api_id=api.id, name=api.name, kind=api.kind, region=api.region, stages=stages, notes=tuple(notes))


def _rest_stage(api: RestApi, stage: Stage, working: RouteTable) -> StageDrift:
    dep = api.deployment(stage.deployment_id)
    live, items = _live(api, stage, dep)
    if live is not None:
        items.extend(_working_items(api, stage, live, working))
    newer = _newer_item(api, stage, dep)
    if newer is not None:
        items.append(newer)
    canary_dep = api.deployment(stage.canary.deployment_id) if stage.canary else None
    if stage.canary is not None:
        items.extend(_canary_items(api, stage, live, canary_dep))
    items.sort(key=lambda i: (_ORDER[i.kind], _sort_key(i.route or "")))
    return StageDrift(
        stage=stage.name,
        deployment_id=stage.deployment_id,
        deployment_created=dep.created if dep is not None else None,
        canary_deployment_id=stage.canary.deployment_id if stage.canary else None,
        canary_percent=stage.canary.percent if stage.canary else None,
        items=tuple(items),
        fixes=_rest_fixes(api, stage, items, working),
    )


def _snapshot(dep: Deployment | None) -> RouteTable | None:
    if isinstance(dep, RestDeployment) and dep.resources is not None:
        return rest_table(dep.resources)
    if isinstance(dep, HttpDeployment) and dep.routes is not None:
        return http_table(dep.routes)
    return None


def _live(api: RestApi | HttpApi, stage: Stage, dep: Deployment | None) -> tuple[RouteTable | None, list[DriftItem]]:
    """The routes the stage serves (None: unknown), with NO_DEPLOYMENT or SNAPSHOT_UNKNOWN when they cannot be."""
    if stage.deployment_id is None:
        msg = f"Stage {stage.name!r} points at no deployment: it serves no routes."
        return {}, [DriftItem(kind="NO_DEPLOYMENT", message=msg)]
    table = _snapshot(dep)
    if table is not None:
        return table, []
    why = "is not among the API's deployments" if dep is None else "has no route snapshot in the source"
    return None, [
        DriftItem(
            kind="SNAPSHOT_UNKNOWN",
            message=f"Cannot compare: the deployment's routes are not available (deployment {stage.deployment_id}, "
            f"which {stage.name!r} serves, {why}).",
            deployment_id=stage.deployment_id,
            details=("see them with:", _show_deployed(api, stage.name, stage.deployment_id)),
        )
    ]


def _aws(api: RestApi | HttpApi, template: str, **values: str) -> str:
    """An ``aws`` command line: each word of ``template`` is one argument, with ``{api}`` and ``values`` filled in.

    ``_aws(api, "apigatewayv2 get-stage --api-id {api} --stage-name {stage}", stage="$default")`` ->
    ``aws apigatewayv2 get-stage --api-id h1 --stage-name '$default' --region us-east-1``.
    """
    return cmd.aws(*(word.format(api=api.id, **values) for word in template.split()), region=api.region)


def _show_deployed(api: RestApi | HttpApi, stage: str, deployment_id: str) -> str:
    if isinstance(api, RestApi):
        return _aws(
            api, "apigateway get-deployment --rest-api-id {api} --deployment-id {d} --embed apisummary", d=deployment_id
        )
    return _aws(
        api,
        "apigatewayv2 export-api --api-id {api} --specification OAS30 --output-type JSON --stage-name {s} routes.json",
        s=stage,
    )


def _miss(api: RestApi | HttpApi) -> str:
    return "403 Missing Authentication Token" if isinstance(api, RestApi) else "404 Not Found"


def _working_items(api: RestApi | HttpApi, stage: Stage, live: RouteTable, working: RouteTable) -> list[DriftItem]:
    dep = stage.deployment_id or "(none)"
    name = stage.name
    out: list[DriftItem] = []
    for c in diff(live, working):
        if c.what == "added":
            msg = f"{c.route} is in the working copy but not deployed on {name!r}: it answers {_miss(api)}."
            out.append(DriftItem(kind="UNDEPLOYED_ROUTE", message=msg, route=c.route))
        elif c.what == "removed":
            msg = f"{c.route} was deleted from the working copy but {name!r} still serves it (deployment {dep})."
            out.append(DriftItem(kind="DELETED_BUT_LIVE", message=msg, route=c.route))
        elif c.what == "auth":
            msg = (
                f"{c.route}: authorization is {c.before} on {name!r} but {c.after} in the working copy (not live yet)."
            )
            out.append(DriftItem(kind="AUTH_CHANGED", message=msg, route=c.route, live=c.before, pending=c.after))
        else:
            msg = (
                f"{c.route}: apiKeyRequired is {c.before} on {name!r} but {c.after} in the working copy (not live yet)."
            )
            out.append(DriftItem(kind="API_KEY_CHANGED", message=msg, route=c.route, live=c.before, pending=c.after))
    return out


def _newer_item(api: RestApi | HttpApi, stage: Stage, dep: Deployment | None) -> DriftItem | None:
    deployments: Sequence[Deployment] = api.deployments
    newest = newest_after(deployments, stage.deployment_id)
    if newest is None or dep is None:
        return None
    about = []
    if newest.created:
        about.append(f"created {newest.created}")
    users = _users(api.stages, newest.id)
    if users:
        about.append("serves " + ", ".join(repr(u) for u in users))
    canaries = [s.name for s in api.stages if s.canary is not None and s.canary.deployment_id == newest.id]
    if canaries:
        about.append("the canary of " + ", ".join(repr(c) for c in canaries))
    suffix = f" ({'; '.join(about)})" if about else ""
    msg = f"Deployment {newest.id}{suffix} is newer than {dep.id}, which {stage.name!r} serves."
    before, after = _snapshot(dep), _snapshot(newest)
    if before is None or after is None:
        details: tuple[str, ...] = ("the changes it would bring are not known: a route snapshot is not available",)
    else:
        changes = diff(before, after)
        details = (
            tuple(c.line() for c in changes)
            if changes
            else ("no route or auth changes (integrations and other settings may differ)",)
        )
    return DriftItem(kind="NEWER_DEPLOYMENT", message=msg, deployment_id=newest.id, details=details)


def _percent(p: float) -> str:
    return f"{p:g}%"


def _canary_items(
    api: RestApi, stage: Stage, base: RouteTable | None, canary_dep: RestDeployment | None
) -> list[DriftItem]:
    assert stage.canary is not None
    cid, pct = stage.canary.deployment_id, stage.canary.percent
    rest_pct = _percent(100 - pct)
    canary = _snapshot(canary_dep)
    if canary is None:
        return [
            DriftItem(
                kind="SNAPSHOT_UNKNOWN",
                message=f"Cannot compare the canary: the deployment's routes are not available (canary deployment "
                f"{cid} of {stage.name!r}).",
                deployment_id=cid,
                details=("see them with:", _show_deployed(api, stage.name, cid)),
            )
        ]
    if base is None:
        return []
    out: list[DriftItem] = []
    for c in diff(base, canary):
        if c.what == "added":
            msg = (
                f"{c.route} is only in the canary deployment {cid}: about {_percent(pct)} of requests reach it, the "
                f"other {rest_pct} get {_miss(api)}."
            )
        elif c.what == "removed":
            msg = (
                f"{c.route} is not in the canary deployment {cid}: about {_percent(pct)} of requests (the canary's) "
                f"get {_miss(api)}."
            )
        else:
            label = "authorization" if c.what == "auth" else "apiKeyRequired"
            msg = (
                f"{c.route}: {label} is {c.before} in {stage.deployment_id} but {c.after} in the canary "
                f"deployment {cid} (about {_percent(pct)} of requests)."
            )
        out.append(
            DriftItem(
                kind="CANARY_DIFFERS", message=msg, route=c.route, live=c.before, pending=c.after, deployment_id=cid
            )
        )
    return out


_WORKING_KINDS = frozenset({"NO_DEPLOYMENT", "UNDEPLOYED_ROUTE", "DELETED_BUT_LIVE", "AUTH_CHANGED", "API_KEY_CHANGED"})


def _rest_fixes(api: RestApi, stage: Stage, items: Sequence[DriftItem], working: RouteTable) -> tuple[DriftFix, ...]:
    kinds = {i.kind for i in items}
    fixes: list[DriftFix] = []
    newer = next((i.deployment_id for i in items if i.kind == "NEWER_DEPLOYMENT"), None)
    newer_dep = api.deployment(newer)
    if kinds & _WORKING_KINDS and stage.canary is None:
        fixes.append(
            DriftFix(
                summary=f"Deploy the working copy to {stage.name!r} (this publishes every pending change of the API, "
                "not only these routes).",
                commands=(cmd.redeploy_rest(api, stage.name, "deploy the working copy"),),
            )
        )
    elif kinds & _WORKING_KINDS and stage.canary is not None:
        deploy = _aws(
            api,
            "apigateway create-deployment --rest-api-id {api} --stage-name {s} --canary-settings percentTraffic={p} "
            "--description {d}",
            s=stage.name,
            p=f"{stage.canary.percent:g}",
            d="apigw-doctor: deploy the working copy",
        )
        fixes.append(
            DriftFix(
                summary=f"Deploy the working copy as the canary of {stage.name!r}, then promote it (a stage with a "
                "canary takes new deployments through its canary).",
                commands=(deploy, _canary_fixes(api, stage)[0].commands[0]),
            )
        )
    if newer_dep is not None and stage.canary is None:
        same = _snapshot(newer_dep) == working
        if not fixes or same:
            fixes.append(
                DriftFix(
                    summary=f"Point {stage.name!r} at the newer deployment {newer_dep.id}"
                    + (" (it has the working copy's routes)." if same else "."),
                    commands=(cmd.point_stage(api, stage.name, newer_dep.id),),
                )
            )
    if stage.canary is not None and ("CANARY_DIFFERS" in kinds or newer == stage.canary.deployment_id):
        fixes.extend(_canary_fixes(api, stage))
    elif stage.canary is not None and newer_dep is not None and not fixes:
        remove = _canary_fixes(api, stage)[1].commands
        fixes.append(
            DriftFix(
                summary=f"Remove the canary (a stage with a canary cannot be re-pointed), then point {stage.name!r} "
                f"at the newer deployment {newer_dep.id}.",
                commands=(*remove, cmd.point_stage(api, stage.name, newer_dep.id)),
            )
        )
    return tuple(fixes)


def _canary_fixes(api: RestApi, stage: Stage) -> list[DriftFix]:
    assert stage.canary is not None

    def update(ops: str) -> str:
        return _aws(
            api, "apigateway update-stage --rest-api-id {api} --stage-name {s} --patch-operations " + ops, s=stage.name
        )

    return [
        DriftFix(
            summary=f"Promote the canary: {stage.name!r} serves deployment {stage.canary.deployment_id} to every "
            "request.",
            commands=(
                update(
                    "op=replace,path=/canarySettings/percentTraffic,value=0.0 "
                    "op=copy,from=/canarySettings/deploymentId,path=/deploymentId"
                ),
            ),
        ),
        DriftFix(
            summary=f"Remove the canary: {stage.name!r} serves deployment {stage.deployment_id} to every request.",
            commands=(update("op=remove,path=/canarySettings"),),
        ),
    ]


# -- HTTP APIs ---------------------------------------------------------------------------------------------
def _http_stage(api: HttpApi, stage: Stage, working: RouteTable) -> StageDrift:
    items: list[DriftItem] = []
    dep = api.deployment(stage.deployment_id)
    failed = stage.auto_deploy and stage.auto_deploy_failed
    if failed:
        items.append(
            DriftItem(
                kind="AUTO_DEPLOY_FAILED",
                message=f"The last auto-deploy of {stage.name!r} failed "
                f"({(stage.last_deployment_status or '').rstrip('.')}); the stage keeps serving deployment "
                f"{stage.deployment_id or '(none)'}.",
            )
        )
    if not stage.auto_deploy or failed:
        live, unknown = _live(api, stage, dep)
        items.extend(unknown)
        if live is not None:
            items.extend(_working_items(api, stage, live, working))
    if not stage.auto_deploy:
        newer = _newer_item(api, stage, dep)
        if newer is not None:
            items.append(newer)
    items.sort(key=lambda i: (_ORDER[i.kind], _sort_key(i.route or "")))
    return StageDrift(
        stage=stage.name,
        deployment_id=stage.deployment_id,
        deployment_created=dep.created if dep is not None else None,
        auto_deploy=stage.auto_deploy,
        items=tuple(items),
        fixes=_http_fixes(api, stage, items, working),
    )


def _http_fixes(api: HttpApi, stage: Stage, items: Sequence[DriftItem], working: RouteTable) -> tuple[DriftFix, ...]:
    kinds = {i.kind for i in items}
    if "AUTO_DEPLOY_FAILED" in kinds:
        read = _aws(
            api,
            "apigatewayv2 get-stage --api-id {api} --stage-name {s} --query LastDeploymentStatusMessage",
            s=stage.name,
        )
        return (
            DriftFix(
                summary=f"Read why the auto-deploy of {stage.name!r} failed and fix that cause; the next change to "
                "the API starts a new auto-deploy.",
                commands=(read,),
            ),
        )
    fixes: list[DriftFix] = []
    if kinds & _WORKING_KINDS:
        fixes.append(
            DriftFix(
                summary=f"Deploy the current routes to {stage.name!r}.",
                commands=cmd.redeploy_http(api, stage.name),
            )
        )
    newer = next((i.deployment_id for i in items if i.kind == "NEWER_DEPLOYMENT"), None)
    newer_dep = api.deployment(newer)
    if newer_dep is not None:
        same = _snapshot(newer_dep) == working
        if not fixes or same:
            point = _aws(
                api,
                "apigatewayv2 update-stage --api-id {api} --stage-name {s} --deployment-id {d}",
                s=stage.name,
                d=newer_dep.id,
            )
            fixes.append(
                DriftFix(
                    summary=f"Point {stage.name!r} at the newer deployment {newer_dep.id}"
                    + (" (it has the current routes)." if same else "."),
                    commands=(point,),
                )
            )
    return tuple(fixes)


__all__ = [
    "BY_KIND",
    "KINDS",
    "ApiDrift",
    "Change",
    "DriftFix",
    "DriftItem",
    "DriftReport",
    "Kind",
    "RouteSig",
    "StageDrift",
    "compute",
    "diff",
    "http_table",
    "in_time_order",
    "newest_after",
    "parse_time",
    "rest_table",
]
