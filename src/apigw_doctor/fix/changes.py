"""The change a fix makes, as data (pure): the exact AWS write calls, in order, and what undoes them.

    changes = change_set(plan, diagnosis, world)               # a ChangeSet, or a Refusal saying why not
    changes.steps[0].operation -> "CreateDeployment";  changes.steps[0].cli() -> "aws apigateway create-deployment ..."

One :class:`ChangeSet` drives both ``fix --apply`` (each :class:`Step` becomes one boto3 call) and
``fix --script`` (each step becomes one ``aws`` CLI line): the two cannot drift apart. What is applied:

==========================  ==============================================================================
``redeploy``                NOT_DEPLOYED: a new deployment of the working copy, then the stage pointed at it
``repoint``                 NOT_DEPLOYED with ``--deployment ID``: the stage pointed at an existing deployment
``create-stage``            STAGE_UNKNOWN / STAGE_MISSING with ``--side api``: deploy to a new stage
``map``                     BASE_PATH_UNMAPPED with ``--map-to API/STAGE``: the missing base-path mapping
``method``                  STAGE_ROOT_NO_METHOD / PROXY_PARENT_NOT_COVERED with ``--allow-api-changes``:
                            the missing method (and its integration), then a redeploy
==========================  ==============================================================================

A REST redeploy is two calls, ``create-deployment`` without a stage and ``update-stage /deploymentId``: AWS
does the same as ``create-deployment --stage-name`` (only the deployment id moves), it leaves nothing
half-done that a retry cannot see (the deployment carries a description naming the stage and the deployment
it replaces, so a second run reuses it instead of making another: :func:`reusable_deployment`), and it
keeps the stage's settings on emulators that rebuild the stage on a redeploy (moto).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, replace

from ..diagnosis import Diagnosis
from ..gateway import Outcome
from ..model import HttpApi, Method, RestApi, World
from .plan import Plan, planned_call
from .steps import Param, Step

DESCRIPTION_PREFIX = "apigw-doctor:"
KINDS = ("redeploy", "repoint", "create-stage", "map", "method")
MAX_DESCRIPTION = 1000


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeSet:
    """What ``fix --apply`` changes for one cause, and what it needs to verify and undo it."""

    kind: str
    """One of :data:`KINDS`."""
    cause: str
    api_id: str
    api_kind: str
    """``REST`` or ``HTTP``."""
    region: str
    stage: str
    """The stage the fix deploys, repoints, creates or maps to."""
    summary: str
    steps: tuple[Step, ...]
    deployment_before: str | None = None
    """The deployment the stage serves now (None: no deployment, or a new stage)."""
    target_deployment: str | None = None
    """``repoint``: the existing deployment the stage will serve."""
    description: str = ""
    """The description of the deployment the fix creates (names apigw-doctor, the cause and the stage)."""
    stage_created: bool = False
    domain: str | None = None
    """``map``: the custom domain."""
    base_path: str | None = None
    """``map``: the base path created (``""`` is ``(none)``)."""
    method_added: tuple[str, str, str] | None = None
    """``method``: (resource id, resource path, HTTP method) of the method the fix adds."""
    changes_api_resources: bool = False
    notes: tuple[str, ...] = ()

    def creates_deployment(self) -> bool:
        return any(s.operation == "CreateDeployment" for s in self.steps)


@dataclass(frozen=True, slots=True, kw_only=True)
class Refusal:
    """Why this plan cannot be applied automatically (exit 2), and what to do instead."""

    reason: str
    hint: str = ""


def change_set(
    plan: Plan,
    diagnosis: Diagnosis,
    world: World,
    *,
    deployment: str | None = None,
    map_to: tuple[str, str] | None = None,
    allow_api_changes: bool = False,
) -> ChangeSet | Refusal:
    """The change for ``plan``'s rank-1 cause (``world``: what was read), or why it is not applied here."""
    found = _change_set(plan, diagnosis, world, deployment, map_to, allow_api_changes)
    managed = plan.iac.managed_by if plan.iac is not None else None
    if isinstance(found, ChangeSet) and managed is not None:
        note = (
            f"API {found.api_id} is managed by {managed}: its next deploy reverts this change. Make the same change "
            "in the code too (fix URL --iac gives the patch)."
        )
        found = replace(found, notes=(*found.notes, note))
    return found


def _change_set(
    plan: Plan,
    diagnosis: Diagnosis,
    world: World,
    deployment: str | None,
    map_to: tuple[str, str] | None,
    allow_api_changes: bool,
) -> ChangeSet | Refusal:
    if plan.side == "none":
        return Refusal(reason="the request already works: there is nothing to apply")
    finding = diagnosis.findings[0]
    if plan.side == "client":
        also = (
            " (or --map-to API_ID/STAGE to create the mapping)"
            if finding.code == "BASE_PATH_UNMAPPED"
            else "; --side api plans a change to the API instead, where one exists"
        )
        return Refusal(
            reason="the fix is on the client's side (the corrected request): nothing in the API changes",
            hint="use the corrected request" + also,
        )
    o = diagnosis.outcome
    if finding.code == "BASE_PATH_UNMAPPED":
        if map_to is None:
            return Refusal(
                reason="the base path is not mapped, and which API stage it should reach is not known",
                hint="name it: --map-to API_ID/STAGE",
            )
        return _map(plan, world, diagnosis, map_to)
    api = o.api
    if api is None:
        return Refusal(reason="the API the request reaches is not known")
    api = world.api(api.id, api.region) or api
    route = _route(o, world, api)
    code = finding.code
    if code == "NOT_DEPLOYED":
        stage = o.stage.name if o.stage is not None else (o.resolution.stage if o.resolution else None)
        if stage is None:
            return Refusal(reason="the stage the request reaches is not known")
        if isinstance(api, HttpApi):
            return _http_deploy(api, stage, code, route)
        if deployment is not None:
            return _repoint(api, stage, code, route, deployment)
        return _redeploy(api, stage, code, route)
    if code in ("STAGE_UNKNOWN", "STAGE_MISSING"):
        return _create_stage(plan, api, code, route)
    if code in ("STAGE_ROOT_NO_METHOD", "PROXY_PARENT_NOT_COVERED"):
        if not allow_api_changes:
            return Refusal(
                reason=f"this fix adds a method to API {api.id} (a change to its resources, not only a stage)",
                hint="pass --allow-api-changes to apply it",
            )
        return _add_method(api, o, code, route)
    return Refusal(
        reason=f"{code} is not applied automatically: the plan's commands need a person's judgement",
        hint="run them yourself, or hand them over with --script fix.sh",
    )


# -- the kinds of change -------------------------------------------------------------------------------------
def describe(cause: str, route: str, stage: str, before: str | None) -> str:
    """The deployment description: apigw-doctor, the cause, the route, the stage and the deployment it replaces."""
    text = f"{DESCRIPTION_PREFIX} fix {cause} for {route} on stage {stage} (was {before or 'none'})"
    return text[:MAX_DESCRIPTION]


def reuse_key(stage: str, before: str | None) -> str:
    """The tail every description of a fix for ``stage`` replacing ``before`` ends with."""
    return f"on stage {stage} (was {before or 'none'})"


def reusable_deployment(api: RestApi | HttpApi, stage: str, before: str | None, outcome: Outcome) -> str | None:
    """A deployment an earlier, interrupted fix created for ``stage`` (still serving ``before``) and never used,
    whose routes are known and serve the request of ``outcome``.

    Running ``fix --apply`` again then points the stage at it instead of creating a second deployment. One made
    from an older working copy that lacks the route is not reused (it would never fix the request).
    """
    served = {s.deployment_id for s in api.stages}
    key = reuse_key(stage, before)
    found = [
        d
        for d in api.deployments
        if d.description.startswith(DESCRIPTION_PREFIX)
        and d.description.endswith(key)
        and d.id not in served
        and _serves(api, d.id, outcome)
    ]
    found.sort(key=lambda d: d.created or "")
    return found[-1].id if found else None


def _serves(api: RestApi | HttpApi, deployment_id: str, outcome: Outcome) -> bool:
    """Whether deployment ``deployment_id`` (its routes known) routes the request of ``outcome``."""
    from ..diagnosis.lookup import match
    from ..gateway import Gateway

    segs = outcome.route_segments
    method = outcome.routed_method or outcome.request.method
    gw = Gateway(World(apis=(api,)))
    if isinstance(api, RestApi):
        rest = api.deployment(deployment_id)
        if rest is None or rest.resources is None or segs is None:
            return False
        return match(api, gw.rest_trie(api, rest.resources, deployment_id), segs, method) is not None
    http = api.deployment(deployment_id)
    if http is None or http.routes is None or segs is None:
        return False
    return match(api, gw.http_trie(api, http.routes, deployment_id), segs, method) is not None


def _change(api: RestApi | HttpApi, kind: str, cause: str, stage: str, summary: str, **rest: object) -> ChangeSet:
    """A ChangeSet for ``api`` (its id, kind and region filled in)."""
    return ChangeSet(
        kind=kind,
        cause=cause,
        api_id=api.id,
        api_kind="HTTP" if isinstance(api, HttpApi) else "REST",
        region=api.region,
        stage=stage,
        summary=summary,
        **rest,  # type: ignore[arg-type]
    )


def _create_deployment(api: RestApi, description: str, stage: str | None = None, purpose: str = "") -> Step:
    """REST CreateDeployment (to ``stage`` only when it creates the stage: see the module docstring)."""
    params: tuple[tuple[str, Param], ...] = (("restApiId", api.id),)
    if stage is not None:
        params += (("stageName", stage),)
    return Step(
        service="apigateway",
        operation="CreateDeployment",
        params=(*params, ("description", description)),
        purpose=purpose or "deploy the API's working copy (a new, immutable deployment)",
        capture=("deployment_id", "id"),
    )


def _redeploy_steps(api: RestApi, stage: str, description: str) -> tuple[Step, ...]:
    return (_create_deployment(api, description), _point(api, stage, "${deployment_id}"))


def _point(api: RestApi, stage: str, deployment_id: str) -> Step:
    return Step(
        service="apigateway",
        operation="UpdateStage",
        params=(
            ("restApiId", api.id),
            ("stageName", stage),
            ("patchOperations", ((("op", "replace"), ("path", "/deploymentId"), ("value", deployment_id)),)),
        ),
        purpose=f"point stage {stage!r} at the deployment",
    )


def _before(api: RestApi | HttpApi, stage: str) -> str | None:
    found = api.stage(stage)
    return found.deployment_id if found is not None else None


def _redeploy(api: RestApi, stage: str, code: str, route: str) -> ChangeSet:
    before = _before(api, stage)
    description = describe(code, route, stage, before)
    return _change(
        api,
        "redeploy",
        code,
        stage,
        f"Deploy the working copy of {api.id} and point stage {stage!r} at the new deployment.",
        steps=_redeploy_steps(api, stage, description),
        deployment_before=before,
        description=description,
        notes=(
            f"The same as `create-deployment --stage-name {stage}` in two calls, so that a run interrupted between "
            "them is finished with the deployment it made, never a second one.",
        ),
    )


def _repoint(api: RestApi, stage: str, code: str, route: str, deployment: str) -> ChangeSet | Refusal:
    known = {d.id for d in api.deployments}
    if deployment not in known:
        return Refusal(
            reason=f"{deployment} is not a deployment of API {api.id}",
            hint="deployments: " + (", ".join(sorted(known)) or "none"),
        )
    before = _before(api, stage)
    if deployment == before:
        return Refusal(reason=f"stage {stage!r} already serves deployment {deployment}")
    return _change(
        api,
        "repoint",
        code,
        stage,
        f"Point stage {stage!r} of {api.id} at the existing deployment {deployment}.",
        steps=(_point(api, stage, deployment),),
        deployment_before=before,
        target_deployment=deployment,
    )


def _http_deploy(api: HttpApi, stage: str, code: str, route: str) -> ChangeSet:
    before = _before(api, stage)
    description = describe(code, route, stage, before)
    return _change(
        api,
        "redeploy",
        code,
        stage,
        f"Deploy the current routes of {api.id} to stage {stage!r}.",
        steps=(
            Step(
                service="apigatewayv2",
                operation="CreateDeployment",
                params=(("ApiId", api.id), ("StageName", stage), ("Description", description)),
                purpose=f"deploy the current routes to stage {stage!r}",
                capture=("deployment_id", "DeploymentId"),
            ),
        ),
        deployment_before=before,
        description=description,
    )


def _create_stage(plan: Plan, api: RestApi | HttpApi, code: str, route: str) -> ChangeSet | Refusal:
    calls = [planned_call(c.command) for c in plan.calls]
    wanted = next((_flag(c.command, "--stage-name") for c in calls if c.operation in _STAGE_OPS), None)
    if wanted is None or api.stage(wanted) is not None:
        return Refusal(reason="the stage to create is not known")
    if isinstance(api, HttpApi):
        return _change(
            api,
            "create-stage",
            code,
            wanted,
            f"Create stage {wanted!r} of {api.id} with auto-deploy.",
            steps=(
                Step(
                    service="apigatewayv2",
                    operation="CreateStage",
                    params=(("ApiId", api.id), ("StageName", wanted), ("AutoDeploy", True)),
                    purpose=f"create stage {wanted!r}, deploying every change automatically",
                ),
            ),
            stage_created=True,
        )
    description = describe(code, route, wanted, None)
    return _change(
        api,
        "create-stage",
        code,
        wanted,
        f"Create stage {wanted!r} of {api.id} by deploying the working copy to it.",
        steps=(_create_deployment(api, description, wanted, f"deploy the working copy to the new stage {wanted!r}"),),
        description=description,
        stage_created=True,
    )


_STAGE_OPS = ("create-deployment", "create-stage")


def _map(
    plan: Plan,
    world: World,
    diagnosis: Diagnosis,
    map_to: tuple[str, str],
) -> ChangeSet | Refusal:
    host = diagnosis.outcome.request.host
    domain = world.domain(host)
    if domain is None:
        return Refusal(reason=f"{host} is not a custom domain the source read")
    parts = [p for p in diagnosis.outcome.request.raw_path.split("/") if p]
    base_path = parts[0] if parts else ""
    api_id, stage = map_to
    target = next((a for a in world.apis if a.id == api_id), None)
    region = domain.region or plan.region or (target.region if target else "us-east-1")
    if any(m.base_path == base_path for m in domain.mappings):
        return Refusal(reason=f"{domain.name} already maps base path {base_path or '(none)'!r}")
    if isinstance(target, HttpApi):
        step = Step(
            service="apigatewayv2",
            operation="CreateApiMapping",
            params=(("DomainName", domain.name), ("ApiMappingKey", base_path), ("ApiId", api_id), ("Stage", stage)),
            purpose=f"map {domain.name}/{base_path} to {api_id}/{stage}",
            capture=("api_mapping_id", "ApiMappingId"),
        )
    else:
        step = Step(
            service="apigateway",
            operation="CreateBasePathMapping",
            params=(
                ("domainName", domain.name),
                ("basePath", base_path or "(none)"),
                ("restApiId", api_id),
                ("stage", stage),
            ),
            purpose=f"map {domain.name}/{base_path or '(none)'} to {api_id}/{stage}",
        )
    return ChangeSet(
        kind="map",
        cause=diagnosis.findings[0].code,
        api_id=api_id,
        api_kind="HTTP" if isinstance(target, HttpApi) else "REST",
        region=region,
        stage=stage,
        summary=f"Map base path {base_path or '(none)'!r} of {domain.name} to API {api_id}, stage {stage!r}.",
        steps=(step,),
        domain=domain.name,
        base_path=base_path,
        notes=() if target is not None else (f"API {api_id} was not read: taken to be a REST API.",),
    )


def _add_method(api: RestApi | HttpApi, o: Outcome, code: str, route: str) -> ChangeSet | Refusal:
    if not isinstance(api, RestApi):
        return Refusal(reason="adding a route to an HTTP API is not applied automatically", hint="use --script")
    stage = o.stage.name if o.stage is not None else None
    segs = o.route_segments
    if stage is None or segs is None:
        return Refusal(reason="the stage or the resource the request reaches is not known")
    path = segs.as_path()
    resource = api.resource(path)
    if resource is None or not resource.id:
        return Refusal(reason=f"the id of resource {path} is not known")
    if code == "PROXY_PARENT_NOT_COVERED":
        http_method = "ANY"
        proxy = next((r for r in api.resources if r.path.startswith(path.rstrip("/") + "/{") and r.methods), None)
        template = proxy.methods[0] if proxy is not None else None
        if template is None:
            return Refusal(reason=f"the greedy child of {path} has no method to copy")
        integration = _copied_integration(template)
        if integration is None:
            return Refusal(reason=f"the integration of {proxy.path if proxy else path} is not known to copy")
    else:
        http_method = o.request.method
        integration = (("type", "MOCK"), ("requestTemplates", (("application/json", '{"statusCode": 200}'),)))
    before = _before(api, stage)
    description = describe(code, route, stage, before)
    rid = resource.id
    common: tuple[tuple[str, Param], ...] = (("restApiId", api.id), ("resourceId", rid), ("httpMethod", http_method))
    steps = [
        Step(
            service="apigateway",
            operation="PutMethod",
            params=(*common, ("authorizationType", "NONE")),
            purpose=f"add {http_method} {path} (no authorization)",
        ),
        Step(
            service="apigateway",
            operation="PutIntegration",
            params=(*common, *integration),
            purpose=f"give {http_method} {path} its integration",
        ),
    ]
    if integration[0] == ("type", "MOCK"):
        steps += [
            Step(
                service="apigateway",
                operation="PutMethodResponse",
                params=(*common, ("statusCode", "200")),
                purpose="declare its 200 response",
            ),
            Step(
                service="apigateway",
                operation="PutIntegrationResponse",
                params=(*common, ("statusCode", "200")),
                purpose="answer 200 from the mock",
            ),
        ]
    steps += _redeploy_steps(api, stage, description)
    return _change(
        api,
        "method",
        code,
        stage,
        f"Add {http_method} {path} to {api.id}, deploy, and point stage {stage!r} at the new deployment.",
        steps=tuple(steps),
        deployment_before=before,
        description=description,
        method_added=(rid, path, http_method),
        changes_api_resources=True,
    )


def _copied_integration(m: Method) -> tuple[tuple[str, Param], ...] | None:
    kind = m.integration_type or ""
    if kind == "MOCK":
        return (("type", "MOCK"), ("requestTemplates", (("application/json", '{"statusCode": 200}'),)))
    uri = m.integration_uri
    if not kind or not uri or "${" in uri:
        return None
    if kind in ("HTTP_PROXY", "HTTP"):
        uri = re.sub(r"/?\{proxy\+?\}$", "/", uri)
    return (("type", kind), ("integrationHttpMethod", "POST" if kind.startswith("AWS") else "ANY"), ("uri", uri))


def _route(o: Outcome, world: World, api: RestApi | HttpApi) -> str:
    """``GET /pets/{petId}/photos``: the route of the working copy the request reaches (else its own path)."""
    from ..diagnosis.lookup import match
    from ..gateway import Gateway

    segs = o.route_segments
    method = o.routed_method or o.request.method
    if segs is None:
        return f"{method} {o.request.raw_path}"
    gw = Gateway(world)
    trie = (
        gw.rest_trie(api, api.resources, "working")
        if isinstance(api, RestApi)
        else gw.http_trie(api, api.routes, "working")
    )
    return match(api, trie, segs, method) or f"{method} {segs.as_path()}"


# -- helpers -----------------------------------------------------------------------------------------------
def _flag(command: str, name: str) -> str | None:
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    for i, word in enumerate(words[:-1]):
        if word == name:
            return words[i + 1]
    return None


__all__ = [
    "DESCRIPTION_PREFIX",
    "KINDS",
    "ChangeSet",
    "Param",
    "Refusal",
    "Step",
    "change_set",
    "describe",
    "reusable_deployment",
    "reuse_key",
]
