"""Drift: what each stage serves against the working copy, newer deployments and canaries (pure).

A route is a method on a path (``GET /pets/{id}``; ``ANY`` is a method like the others; ``$default`` for the
HTTP API default route) with its ``authorizationType`` and ``apiKeyRequired``. Drift is a set comparison of
route keys between two route tables; which request matches which route does not matter here.

    compute(world, ["abc123"])  ->  DriftReport(apis=(ApiDrift(stages=(StageDrift(items=..., fixes=...),)),))

This module compares each stage and lists its items; the parts live beside it: the report model in
:mod:`.drift_report`, route tables and deployment order in :mod:`.drift_routes`, the fixes in :mod:`.drift_fixes`.
Every public name is importable from here.
"""

from __future__ import annotations

from collections.abc import Sequence

from .drift_fixes import http_fixes, rest_fixes, show_deployed
from .drift_report import BY_KIND, KIND_ORDER, KINDS, ApiDrift, DriftFix, DriftItem, DriftReport, Kind, StageDrift
from .drift_routes import (
    Change,
    Deployment,
    RouteSig,
    RouteTable,
    deployed_table,
    diff,
    http_table,
    in_time_order,
    newest_after,
    parse_time,
    rest_table,
    route_sort_key,
    stages_serving,
)
from .model import HttpApi, RestApi, RestDeployment, Stage, World


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
    items.sort(key=lambda i: (KIND_ORDER[i.kind], route_sort_key(i.route or "")))
    return StageDrift(
        stage=stage.name,
        deployment_id=stage.deployment_id,
        deployment_created=dep.created if dep is not None else None,
        canary_deployment_id=stage.canary.deployment_id if stage.canary else None,
        canary_percent=stage.canary.percent if stage.canary else None,
        items=tuple(items),
        fixes=rest_fixes(api, stage, items, working),
    )


def _live(api: RestApi | HttpApi, stage: Stage, dep: Deployment | None) -> tuple[RouteTable | None, list[DriftItem]]:
    """The routes the stage serves (None: unknown), with NO_DEPLOYMENT or SNAPSHOT_UNKNOWN when they cannot be."""
    if stage.deployment_id is None:
        msg = f"Stage {stage.name!r} points at no deployment: it serves no routes."
        return {}, [DriftItem(kind="NO_DEPLOYMENT", message=msg)]
    table = deployed_table(dep)
    if table is not None:
        return table, []
    why = "is not among the API's deployments" if dep is None else "has no route snapshot in the source"
    return None, [
        DriftItem(
            kind="SNAPSHOT_UNKNOWN",
            message=f"Cannot compare: the deployment's routes are not available (deployment {stage.deployment_id}, "
            f"which {stage.name!r} serves, {why}).",
            deployment_id=stage.deployment_id,
            details=("see them with:", show_deployed(api, stage.name, stage.deployment_id)),
        )
    ]


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
    users = stages_serving(api.stages, newest.id)
    if users:
        about.append("serves " + ", ".join(repr(u) for u in users))
    canaries = [s.name for s in api.stages if s.canary is not None and s.canary.deployment_id == newest.id]
    if canaries:
        about.append("the canary of " + ", ".join(repr(c) for c in canaries))
    suffix = f" ({'; '.join(about)})" if about else ""
    msg = f"Deployment {newest.id}{suffix} is newer than {dep.id}, which {stage.name!r} serves."
    before, after = deployed_table(dep), deployed_table(newest)
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
    canary = deployed_table(canary_dep)
    if canary is None:
        return [
            DriftItem(
                kind="SNAPSHOT_UNKNOWN",
                message=f"Cannot compare the canary: the deployment's routes are not available (canary deployment "
                f"{cid} of {stage.name!r}).",
                deployment_id=cid,
                details=("see them with:", show_deployed(api, stage.name, cid)),
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
    items.sort(key=lambda i: (KIND_ORDER[i.kind], route_sort_key(i.route or "")))
    return StageDrift(
        stage=stage.name,
        deployment_id=stage.deployment_id,
        deployment_created=dep.created if dep is not None else None,
        auto_deploy=stage.auto_deploy,
        items=tuple(items),
        fixes=http_fixes(api, stage, items, working),
    )


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
