"""Drift's fixes: for each stage with drift, the fix first and then alternatives, as ``aws`` command lines (pure).

A REST stage takes the working copy through a new deployment (through its canary when it has one), or is
pointed at a newer deployment; an HTTP API stage is redeployed or re-pointed the same way, and a failed
auto-deploy is read before anything else.

    rest_fixes(api, stage, items, working)  ->  (DriftFix(summary="Deploy the working copy to 'prod' ...", ...),)
"""

from __future__ import annotations

from collections.abc import Sequence

from .diagnosis import commands as cmd
from .drift_report import DriftFix, DriftItem
from .drift_routes import RouteTable, deployed_table
from .model import HttpApi, RestApi, Stage


# -- command lines -----------------------------------------------------------------------------------------
def _aws(api: RestApi | HttpApi, template: str, **values: str) -> str:
    """An ``aws`` command line: each word of ``template`` is one argument, with ``{api}`` and ``values`` filled in.

    ``_aws(api, "apigatewayv2 get-stage --api-id {api} --stage-name {stage}", stage="$default")`` ->
    ``aws apigatewayv2 get-stage --api-id h1 --stage-name '$default' --region us-east-1``.
    """
    return cmd.aws(*(word.format(api=api.id, **values) for word in template.split()), region=api.region)


def show_deployed(api: RestApi | HttpApi, stage: str, deployment_id: str) -> str:
    """The command that shows the routes a stage's deployment serves."""
    if isinstance(api, RestApi):
        return _aws(
            api, "apigateway get-deployment --rest-api-id {api} --deployment-id {d} --embed apisummary", d=deployment_id
        )
    return _aws(
        api,
        "apigatewayv2 export-api --api-id {api} --specification OAS30 --output-type JSON --stage-name {s} routes.json",
        s=stage,
    )


# -- REST APIs ---------------------------------------------------------------------------------------------
_WORKING_KINDS = frozenset({"NO_DEPLOYMENT", "UNDEPLOYED_ROUTE", "DELETED_BUT_LIVE", "AUTH_CHANGED", "API_KEY_CHANGED"})


def rest_fixes(api: RestApi, stage: Stage, items: Sequence[DriftItem], working: RouteTable) -> tuple[DriftFix, ...]:
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
        same = deployed_table(newer_dep) == working
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
def http_fixes(api: HttpApi, stage: Stage, items: Sequence[DriftItem], working: RouteTable) -> tuple[DriftFix, ...]:
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
        same = deployed_table(newer_dep) == working
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


__all__ = ["http_fixes", "rest_fixes", "show_deployed"]
