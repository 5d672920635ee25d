"""One HTTP API (apigatewayv2), read live: current routes, stages, deployments and what each stage serves.

The calls, for an API whose ``get-api`` answer is in hand (see ``docs/live.md``)::

    phase 1, in parallel   get-routes, get-stages, get-deployments
    phase 2, in parallel   export-api --specification OAS30 --stage-name S, once per distinct deployment a
                           stage serves without auto-deploy (or whose last auto-deploy failed), and
                           get-authorizers when a route uses a JWT or CUSTOM authorizer

Auto-deploy stages serve the current routes (``Stage.auto_deploy``). The export of a stage is parsed with the
OpenAPI source; its routes keep the current route's authorizer and target when the key and auth type agree
(an export names authorizers by scheme name, not id). When a call fails, a note says what is assumed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace

from ...errors import InputError
from ...model import Authorizer, Cors, HttpApi, HttpDeployment, Origin, Route, Stage
from ..document import Document
from ..openapi import load_openapi
from ..validate import validate_routes
from .fetch import Caller, CallFailed, parallel
from .fields import JSON, flag, iso, obj, objs, opt_text, origin, pairs, strings, text
from .rest import Got, attempt

SERVICE = "apigatewayv2"
AUTHORIZATION_TYPES = ("NONE", "AWS_IAM", "JWT", "CUSTOM")
AUTHORIZER_TYPES = ("JWT", "REQUEST")
STATUSES = ("PENDING", "FAILED", "DEPLOYED", "SUCCEEDED")
"""botocore's enum says DEPLOYED; its documentation text (and the reference) SUCCEEDED: both are read."""


class HttpFetch:
    """Reads one HTTP API in ``region`` through ``caller``; :meth:`api` builds the model object."""

    def __init__(self, caller: Caller, region: str, api_id: str, workers: int) -> None:
        self.caller = caller
        self.region = region
        self.api_id = api_id
        self.workers = workers
        self.notes: list[str] = []

    def _origin(self, *parts: str) -> Origin:
        return origin(self.region, "apis", self.api_id, *parts)

    def _listing(self, method: str, **params: object) -> Callable[[], Got[JSON]]:
        def run() -> JSON:
            return {"items": self.caller.items(SERVICE, self.region, method, ApiId=self.api_id, **params)}

        return lambda: attempt(run)

    def api(self, answer: JSON) -> HttpApi:
        """The whole API, from its ``get-api`` answer."""
        got_routes, got_stages, got_deployments = parallel(
            self.workers, [self._listing("get_routes"), self._listing("get_stages"), self._listing("get_deployments")]
        )
        routes = self._routes(got_routes)
        stages = self._stages(got_stages)
        listed = self._deployments(got_deployments)
        exports = _to_export(stages)
        need_authorizers = any(r.authorization_type in ("JWT", "CUSTOM") for r in routes)
        tasks = [self._export(stage) for stage in exports.values()]
        if need_authorizers:
            tasks.append(self._listing("get_authorizers"))
        results = parallel(self.workers, tasks)
        served = dict(zip(exports, results, strict=False))
        deployments = self._served(listed, served, exports, routes, stages or ())
        authorizers = self._authorizers(results[-1] if need_authorizers else None)
        known = {a.id for a in authorizers}
        routes = tuple(r if r.authorizer_id in known or r.authorizer_id is None else _unauthorized(r) for r in routes)
        deployments = tuple(
            d
            if d.routes is None
            else replace(d, routes=tuple(r if r.authorizer_id in known else _unauthorized(r) for r in d.routes))
            for d in deployments
        )
        cors = obj(answer, "CorsConfiguration")
        return HttpApi(
            id=self.api_id,
            name=text(answer, "Name"),
            region=self.region,
            disable_execute_api_endpoint=flag(answer, "DisableExecuteApiEndpoint"),
            routes=routes,
            deployments=deployments,
            stages=stages or (),
            stages_known=stages is not None,
            cors=Cors(
                allow_origins=strings(cors, "AllowOrigins"),
                allow_methods=strings(cors, "AllowMethods"),
                allow_headers=strings(cors, "AllowHeaders"),
            )
            if cors
            else None,
            authorizers=authorizers,
            tags=pairs(answer, "Tags"),
            origin=self._origin(),
            notes=tuple(dict.fromkeys(self.notes)),
        )

    # -- each part -----------------------------------------------------------------------------------------
    def _routes(self, got: Got[JSON]) -> tuple[Route, ...]:
        if got.value is None:
            self._note(got, "the routes", "the API is taken to have none")
            return ()
        found: dict[str, Route] = {}
        for item in objs(got.value, "items"):
            key = text(item, "RouteKey")
            if not key or key in found:
                continue
            auth = text(item, "AuthorizationType", "NONE").upper() or "NONE"
            if auth not in AUTHORIZATION_TYPES:
                self.notes.append(f"Route {key!r} has authorization type {auth!r}, which HTTP APIs lack: NONE assumed.")
                auth = "NONE"
            found[key] = Route(
                key=key,
                authorization_type=auth,
                api_key_required=flag(item, "ApiKeyRequired"),
                authorizer_id=opt_text(item, "AuthorizerId") if auth in ("JWT", "CUSTOM") else None,
                target=opt_text(item, "Target"),
                origin=self._origin("routes", text(item, "RouteId") or key),
            )
        return self._checked(tuple(found[k] for k in sorted(found)), "current routes")

    def _checked(self, routes: tuple[Route, ...], what: str) -> tuple[Route, ...]:
        try:
            validate_routes(routes)
        except InputError as exc:
            self.notes.append(f"The {what} hold what AWS would refuse: {exc.message}.")
        return routes

    def _stages(self, got: Got[JSON]) -> tuple[Stage, ...] | None:
        if got.value is None:
            self._note(got, "the stages", "any stage in a URL is accepted and serves the current routes")
            return None
        stages = []
        for item in objs(got.value, "items"):
            name = text(item, "StageName")
            stages.append(
                Stage(
                    name=name,
                    deployment_id=opt_text(item, "DeploymentId"),
                    variables=pairs(item, "StageVariables"),
                    auto_deploy=flag(item, "AutoDeploy"),
                    last_deployment_status=opt_text(item, "LastDeploymentStatusMessage"),
                    origin=self._origin("stages", name),
                )
            )
        return tuple(sorted(stages, key=lambda s: s.name))

    def _deployments(self, got: Got[JSON]) -> dict[str, HttpDeployment] | None:
        if got.value is None:
            self._note(got, "the deployments", "their status and history are unknown")
            return None
        found = {}
        for item in objs(got.value, "items"):
            deployment_id = text(item, "DeploymentId")
            status = text(item, "DeploymentStatus").upper()
            if deployment_id:
                found[deployment_id] = HttpDeployment(
                    id=deployment_id,
                    status=status if status in STATUSES else None,
                    auto_deployed=flag(item, "AutoDeployed"),
                    description=text(item, "Description"),
                    created=iso(item, "CreatedDate"),
                    origin=self._origin("deployments", deployment_id),
                )
        return found

    def _export(self, stage: str) -> Callable[[], Got[JSON]]:
        return lambda: attempt(
            lambda: self.caller.call(
                SERVICE,
                self.region,
                "export_api",
                ApiId=self.api_id,
                Specification="OAS30",
                OutputType="JSON",
                StageName=stage,
            )
        )

    def _served(
        self,
        deployments: dict[str, HttpDeployment] | None,
        served: dict[str, Got[JSON]],
        exports: dict[str, str],
        current: tuple[Route, ...],
        stages: tuple[Stage, ...],
    ) -> tuple[HttpDeployment, ...]:
        """The deployments with the routes each exported stage serves; a placeholder for any a stage names."""
        found = dict(deployments or {})
        for s in stages:
            if s.deployment_id and s.deployment_id not in found:
                found[s.deployment_id] = HttpDeployment(
                    id=s.deployment_id, origin=self._origin("deployments", s.deployment_id)
                )
            if s.deployment_id is None and not s.auto_deploy and deployments is not None:
                self.notes.append(
                    f"Stage {s.name!r} has no deployment and no auto-deploy: API Gateway serves nothing on it, but "
                    "the diagnosis walks the current routes."
                )
            elif s.deployment_id is None and not s.auto_deploy:
                self.notes.append(
                    f"Stage {s.name!r} names no deployment (the deployments could not be read): the current "
                    "routes are assumed to be what it serves."
                )
        for deployment_id, got in served.items():
            stage = exports[deployment_id]
            routes = self._export_routes(got, stage, current)
            if routes is not None:
                found[deployment_id] = replace(found[deployment_id], routes=routes)
        return tuple(sorted(found.values(), key=lambda d: (d.created or "", d.id)))

    def _export_routes(self, got: Got[JSON], stage: str, current: tuple[Route, ...]) -> tuple[Route, ...] | None:
        assumed = "the current routes (get-routes) are assumed to be what it serves"
        if got.value is None:
            self._note(got, f"what stage {stage!r} serves (export-api)", assumed)
            return None
        at = self._origin("exports", "OAS30").source + f"?stageName={stage}"
        try:
            body = got.value.get("body")
            raw = body.read() if hasattr(body, "read") else body
            data = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else str(raw))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            world = load_openapi(Document(at, data, "json"), basepath_mode="ignore", api_kind="HTTP")
        except (InputError, ValueError) as exc:
            self.notes.append(f"The export of stage {stage!r} could not be read ({exc}): {assumed}.")
            return None
        exported_api = world.apis[0]
        exported = exported_api.routes if isinstance(exported_api, HttpApi) else ()
        twins = {r.key: r for r in current}
        routes = []
        for route in exported:
            twin = twins.get(route.key)
            same_auth = twin is not None and twin.authorization_type == route.authorization_type
            routes.append(
                replace(
                    route,
                    authorizer_id=twin.authorizer_id if twin is not None and same_auth else None,
                    target=twin.target if twin is not None else route.target,
                )
            )
        return self._checked(tuple(sorted(routes, key=lambda r: r.key)), f"routes stage {stage!r} serves")

    def _authorizers(self, got: Got[JSON] | None) -> tuple[Authorizer, ...]:
        if got is None:
            return ()
        if got.value is None:
            self._note(
                got, "the authorizers", "their identity sources are unknown; the Authorization header is assumed"
            )
            return ()
        found = []
        for item in objs(got.value, "items"):
            kind = text(item, "AuthorizerType").upper()
            authorizer_id = text(item, "AuthorizerId")
            if authorizer_id and kind in AUTHORIZER_TYPES:
                found.append(
                    Authorizer(
                        id=authorizer_id,
                        name=text(item, "Name"),
                        type=kind,
                        identity_sources=strings(item, "IdentitySource"),
                        origin=self._origin("authorizers", authorizer_id),
                    )
                )
        return tuple(sorted(found, key=lambda a: a.id))

    def _note(self, got: Got[JSON], what: str, assumed: str) -> None:
        reason = got.failure.reason if isinstance(got.failure, CallFailed) else "no answer"
        self.notes.append(f"Could not read {what} of HTTP API {self.api_id} ({reason}): {assumed}.")


def _to_export(stages: tuple[Stage, ...] | None) -> dict[str, str]:
    """deployment id -> the first stage serving it, for stages that serve a fixed deployment."""
    exports: dict[str, str] = {}
    for s in stages or ():
        failed = bool(s.last_deployment_status and "fail" in s.last_deployment_status.lower())
        if s.deployment_id and (not s.auto_deploy or failed):
            exports.setdefault(s.deployment_id, s.name)
    return exports


def _unauthorized(route: Route) -> Route:
    return replace(route, authorizer_id=None)
