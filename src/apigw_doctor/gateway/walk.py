"""The request path, exactly as API Gateway walks it: host -> API -> stage -> route -> auth -> response.

:class:`Gateway` compiles each deployment's routes once and answers any number of requests; the
module-level :func:`walk` is the one-shot form. Both are pure: no network, no files, no clock.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qsl

from ..model import DEFAULT_ROUTE, DEFAULT_STAGE, Api, HttpApi, Method, Resource, RestApi, Route, Stage, World
from .auth import identity_present, incomplete_signature_message, is_sigv4_signed, non_sigv4_authorization
from .hosts import HostInfo, classify
from .outcome import Failure, Matched, Outcome, Resolution, Step
from .paths import Segments, rename_params, split
from .request import Request
from .responses import Response, ResponseContext, gateway_response, plain_error
from .router import RouteMatch, Trie

NO_RESPONSE = Response(None, (), None, "none")
NO_DEPLOYMENT = "(none)"
"""The deployment id of an HTTP API stage that has none and no auto-deploy: it serves no route."""
FORBIDDEN = "Forbidden"


class _Walk:
    """The mutable state of one walk; finished into a frozen :class:`Outcome`."""

    def __init__(self, request: Request, canary: bool) -> None:
        self.request = request
        self.canary = canary
        self.trace: list[Step] = []
        self.resolution: Resolution | None = None
        self.api: Api | None = None
        self.stage: Stage | None = None
        self.deployment_id: str | None = None
        self.working_copy = False
        self.method: str | None = None
        self.segments: Segments | None = None
        self.edge = False
        """True when CloudFront fronts the entry point (edge-optimized API or custom domain)."""

    def step(self, name: str, ok: bool, detail: str, rule_id: str) -> None:
        self.trace.append(Step.of(name, ok, detail, rule_id))

    def done(
        self,
        response: Response,
        failure: Failure,
        matched: Matched | None = None,
        handler: Method | Route | None = None,
    ) -> Outcome:
        if self.edge and response.source == "gateway" and response.status is not None and response.status >= 400:
            response = replace(response, headers=(*response.headers, ("X-Cache", "Error from cloudfront")))
        return Outcome(
            self.request,
            response,
            failure,
            tuple(self.trace),
            self.resolution,
            matched,
            self.api,
            self.stage,
            self.deployment_id,
            self.working_copy,
            self.canary,
            self.method,
            self.segments,
            handler,
        )


class Gateway:
    """API Gateway's data plane over one :class:`World`. Route tries are compiled lazily and kept."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._rest: dict[tuple[str, str, str], Trie[Method]] = {}
        self._http: dict[tuple[str, str, str], Trie[Route]] = {}

    # -- compiled routes -------------------------------------------------------------------------------
    def rest_trie(self, api: RestApi, resources: tuple[Resource, ...], key: str) -> Trie[Method]:
        k = (api.id, api.region, key)
        trie = self._rest.get(k)
        if trie is None:
            trie = Trie()
            for r in resources:
                trie.add(r.path, None, None)
                for m in r.methods:
                    trie.add(r.path, m.http_method, m)
            self._rest[k] = trie
        return trie

    def http_trie(self, api: HttpApi, routes: tuple[Route, ...], key: str) -> Trie[Route]:
        k = (api.id, api.region, key)
        trie = self._http.get(k)
        if trie is None:
            trie = Trie()
            for r in routes:
                if r.path is not None:
                    trie.add(r.path, r.method, r)
            self._http[k] = trie
        return trie

    def rest_routes(
        self, api: RestApi, stage: Stage | None, canary: bool = False
    ) -> tuple[tuple[Resource, ...], str | None]:
        """The resources a stage serves and the deployment id (None: working copy, deployment unknown)."""
        if stage is None:
            return api.resources, None
        dep_id = stage.canary.deployment_id if canary and stage.canary else stage.deployment_id
        dep = api.deployment(dep_id)
        if dep is None or dep.resources is None:
            return api.resources, None
        return dep.resources, dep.id

    def http_routes(self, api: HttpApi, stage: Stage | None) -> tuple[tuple[Route, ...], str | None]:
        """The routes a stage serves and the deployment id (None: the current routes stand in)."""
        if stage is None or (stage.auto_deploy and not stage.auto_deploy_failed):
            return api.routes, None
        if stage.deployment_id is None and not stage.auto_deploy:
            return (), NO_DEPLOYMENT
        dep = api.deployment(stage.deployment_id)
        if dep is None or dep.routes is None:
            return api.routes, None
        return dep.routes, dep.id

    # -- the walk --------------------------------------------------------------------------------------
    def handle(self, request: Request, canary: bool = False) -> Outcome:
        """Walk ``request``; ``canary=True`` routes it as one of the stage's canary requests."""
        w = _Walk(request, canary)
        info = classify(request)
        segs = split(request.raw_path)
        if info.kind == "custom-domain":
            return self._custom_domain(w, info, segs)
        return self._execute_api(w, info, segs)

    def _execute_api(self, w: _Walk, info: HostInfo, segs: Segments) -> Outcome:
        assert info.api_id is not None or info.kind == "vpce"
        api = self.world.api(info.api_id, info.region) if info.api_id else None
        if api is None:
            others = self.world.apis_with_id(info.api_id) if info.api_id else ()
            detail = (
                f"no API {info.api_id!r} in {info.region}"
                + (f" (it is in {', '.join(a.region for a in others)})" if others else "")
                + "; the host name does not resolve"
            )
            if info.kind == "vpce" and not info.api_id:
                detail = "a VPC endpoint host needs a Host or x-apigw-api-id header naming the API"
            w.step("host", False, detail, "host.unknown-api")
            return w.done(NO_RESPONSE, Failure.HOST)
        w.api = api
        w.resolution = Resolution(info.kind, api.id, api.kind, api.region)
        w.step(
            "host",
            True,
            f"{info.host} -> {api.kind} API {api.id} ({api.name or 'unnamed'}) in {api.region}",
            "host.vpce" if info.kind == "vpce" else "host.execute-api",
        )
        alias = info.vpce_id and not info.host.endswith(".vpce.amazonaws.com")
        if alias and isinstance(api, RestApi) and api.vpc_endpoint_ids and info.vpce_id not in api.vpc_endpoint_ids:
            w.trace[-1] = Step.of(
                "host",
                False,
                f"{info.host}: the alias exists only for VPC endpoints associated with API {api.id} "
                f"({', '.join(api.vpc_endpoint_ids)}); this name does not resolve",
                "host.vpce",
            )
            return w.done(NO_RESPONSE, Failure.HOST)
        w.edge = info.kind == "execute-api" and api.endpoint_type == "EDGE" and isinstance(api, RestApi)
        if api.disable_execute_api_endpoint and info.kind == "execute-api":
            if isinstance(api, RestApi):
                w.step(
                    "endpoint",
                    False,
                    "the default execute-api endpoint is disabled",
                    "endpoint.disabled.rest",
                )
                return w.done(plain_error(403, FORBIDDEN, "ForbiddenException"), Failure.ENDPOINT_DISABLED)
            w.step("endpoint", False, "the default execute-api endpoint is disabled", "endpoint.disabled.http")
            return w.done(plain_error(404, "Not Found", None), Failure.ENDPOINT_DISABLED)
        if isinstance(api, RestApi):
            private = api.endpoint_type == "PRIVATE"
            if private and info.kind != "vpce":
                w.step("endpoint", False, "a PRIVATE API called through its public name", "endpoint.private")
                return w.done(plain_error(403, FORBIDDEN, "ForbiddenException"), Failure.PRIVATE)
            if not private and info.kind == "vpce":
                w.step("endpoint", False, "a VPC endpoint routes only to PRIVATE APIs", "endpoint.private")
                return w.done(plain_error(403, FORBIDDEN, "ForbiddenException"), Failure.PRIVATE)
            return self._rest_stage(w, api, segs, None)
        return self._http_stage(w, api, segs, None)

    def _custom_domain(self, w: _Walk, info: HostInfo, segs: Segments) -> Outcome:
        domain = self.world.domain(info.host)
        if domain is None:
            w.step(
                "host",
                False,
                f"{info.host} is neither an execute-api host nor a custom domain in the sources",
                "host.custom-domain",
            )
            return w.done(NO_RESPONSE, Failure.HOST)
        w.step("host", True, f"{info.host} is a custom domain ({domain.endpoint_type})", "host.custom-domain")
        w.edge = domain.endpoint_type == "EDGE"
        best = None
        for m in domain.mappings:
            key = m.key_segments
            if segs.parts[: len(key)] == key and (best is None or len(key) > len(best.key_segments)):
                best = m
        if best is None:
            w.resolution = Resolution("custom-domain", domain=domain.name)
            keys = ", ".join(repr(m.base_path or "(none)") for m in domain.mappings) or "none"
            w.step(
                "mapping",
                False,
                f"no base path matches {segs.as_path()!r} (mappings: {keys})",
                "domain.unmapped",
            )
            return w.done(plain_error(403, FORBIDDEN, "ForbiddenException"), Failure.DOMAIN_MAPPING)
        api = self.world.api(best.api_id)
        w.resolution = Resolution(
            "custom-domain",
            best.api_id,
            api.kind if api else None,
            api.region if api else None,
            best.stage,
            best.base_path,
            domain.name,
            best.stage,
        )
        w.step(
            "mapping",
            True,
            f"base path {best.base_path or '(none)'!r} -> API {best.api_id} stage "
            f"{best.stage or '(none): taken from the URL'}",
            "domain.mapping",
        )
        if api is None:
            w.step(
                "api",
                False,
                f"the mapping names API {best.api_id}, which is not in the sources",
                "host.custom-domain",
            )
            return w.done(plain_error(403, FORBIDDEN, "ForbiddenException"), Failure.DOMAIN_MAPPING)
        w.api = api
        rest = segs.drop(len(best.key_segments))
        if isinstance(api, RestApi):
            return self._rest_stage(w, api, rest, best.stage)
        return self._http_stage(w, api, rest, best.stage or DEFAULT_STAGE)

    # -- REST ------------------------------------------------------------------------------------------
    def _rest_stage(self, w: _Walk, api: RestApi, segs: Segments, mapped_stage: str | None) -> Outcome:
        if mapped_stage is not None:
            stage_name, rest = mapped_stage, segs
        elif not segs.parts:
            w.step("stage", False, "the URL has no stage segment", "rest.stage.missing")
            return w.done(plain_error(403, FORBIDDEN, "ForbiddenException"), Failure.STAGE)
        else:
            stage_name, rest = segs.parts[0], segs.drop(1)
        stage = api.stage(stage_name)
        if stage is None and api.stages_known:
            names = ", ".join(s.name for s in api.stages) or "none"
            w.step("stage", False, f"{stage_name!r} is not a stage of {api.id} (stages: {names})", "rest.stage")
            return w.done(plain_error(403, FORBIDDEN, "ForbiddenException"), Failure.STAGE)
        w.stage = stage
        w.resolution = _with_stage(w.resolution, stage_name)
        resources, dep_id = self.rest_routes(api, stage, w.canary)
        w.deployment_id = dep_id
        w.working_copy = dep_id is None
        if stage is None:
            w.step(
                "stage",
                True,
                f"stage {stage_name!r} assumed (the source does not list stages)",
                "rest.deployment.unknown",
            )
        else:
            w.step(
                "stage",
                True,
                f"stage {stage_name!r}" + (" (canary)" if w.canary and stage.canary else ""),
                "rest.stage",
            )
            if dep_id is None:
                w.step(
                    "deployment",
                    True,
                    f"deployment {stage.deployment_id or '?'}: snapshot not available, "
                    "the working copy stands in for it",
                    "rest.deployment.unknown",
                )
            else:
                w.step("deployment", True, f"routes from deployment {dep_id}", "rest.deployment")
        return self._rest_route(w, api, stage, resources, dep_id, rest)

    def _rest_route(
        self,
        w: _Walk,
        api: RestApi,
        stage: Stage | None,
        resources: tuple[Resource, ...],
        dep_id: str | None,
        segs: Segments,
    ) -> Outcome:
        request = w.request
        method = request.method
        override = request.header("X-HTTP-Method-Override")
        if override and override.strip():
            method = override.strip().upper()
            w.step("method", True, f"X-HTTP-Method-Override: {method}", "rest.method-override")
        w.method = method
        w.segments = segs
        if "%2f" in segs.raw.lower():
            w.step("path", True, "%2F kept inside its segment", "rest.path.encoded-slash")
        trie = self.rest_trie(api, resources, dep_id or "working")
        found = trie.match_rest(segs, method)
        ctx = self._context(api, stage, request, segs, found)
        if found is None:
            detail = f"no resource and method match {method} {segs.as_path()}"
            auth = non_sigv4_authorization(request)
            if auth is not None:
                w.step(
                    "route",
                    False,
                    detail + "; the Authorization header is not SigV4",
                    "rest.miss.authorization-header",
                )
                msg = incomplete_signature_message(auth, request)
                return w.done(plain_error(403, msg, "IncompleteSignatureException"), Failure.ROUTE)
            w.step("route", False, detail, "rest.miss.sigv4-header" if is_sigv4_signed(request) else "rest.miss")
            return w.done(gateway_response("MISSING_AUTHENTICATION_TOKEN", api.gateway_responses, ctx), Failure.ROUTE)
        rule_id = "rest.match.any" if found.method == "ANY" and method != "ANY" else "rest.match"
        if method == "HEAD" and found.method == "ANY":
            rule_id = "rest.match.head"
        w.step(
            "route",
            True,
            f"{method} {segs.as_path()} -> {found.method} {found.template}" + _params_text(found.path_parameters),
            rule_id,
        )
        matched = Matched(found.template, found.method, found.path_parameters)
        m = found.handler
        return self._rest_auth(w, api, m, matched, ctx)

    def _rest_auth(self, w: _Walk, api: RestApi, m: Method, matched: Matched, ctx: ResponseContext) -> Outcome:
        request = w.request
        if m.authorization_type == "AWS_IAM":
            if not is_sigv4_signed(request):
                auth = non_sigv4_authorization(request)
                if auth is not None:
                    w.step(
                        "auth",
                        False,
                        "AWS_IAM method; the Authorization header is not SigV4",
                        "rest.miss.authorization-header",
                    )
                    msg = incomplete_signature_message(auth, request)
                    return w.done(
                        plain_error(403, msg, "IncompleteSignatureException"), Failure.AUTH_HEADER, matched, m
                    )
                w.step("auth", False, "AWS_IAM method called without a SigV4 signature", "rest.auth.iam")
                return w.done(
                    gateway_response("MISSING_AUTHENTICATION_TOKEN", api.gateway_responses, ctx),
                    Failure.IAM,
                    matched,
                    m,
                )
            w.step(
                "auth",
                True,
                "AWS_IAM: SigV4 signature present (not verified offline)",
                "rest.auth.iam.signed",
            )
        elif m.authorization_type in ("CUSTOM", "COGNITO_USER_POOLS"):
            authorizer = api.authorizer(m.authorizer_id)
            sources = authorizer.identity_sources if authorizer else ("method.request.header.Authorization",)
            if authorizer is not None and authorizer.type == "REQUEST" and not sources:
                sources = ()
            if not identity_present(request, sources):
                w.step(
                    "auth",
                    False,
                    f"{m.authorization_type} authorizer: identity source {', '.join(sources)} missing",
                    "rest.auth.authorizer",
                )
                return w.done(
                    gateway_response("UNAUTHORIZED", api.gateway_responses, ctx),
                    Failure.AUTHORIZER,
                    matched,
                    m,
                )
            w.step(
                "auth",
                True,
                f"{m.authorization_type} authorizer: identity present (decision not evaluated)",
                "rest.auth.authorizer.decision",
            )
        if m.api_key_required:
            if api.api_key_source == "HEADER" and not request.header("x-api-key"):
                w.step(
                    "api-key",
                    False,
                    "the method requires an API key and no x-api-key header was sent",
                    "rest.api-key",
                )
                return w.done(
                    gateway_response("INVALID_API_KEY", api.gateway_responses, ctx),
                    Failure.API_KEY,
                    matched,
                    m,
                )
            w.step(
                "api-key",
                True,
                "API key present (validity and usage plan not checked offline)",
                "rest.api-key.value",
            )
        w.step(
            "integration",
            True,
            f"handed to the {m.integration_type or 'method'} integration",
            "rest.integration",
        )
        return w.done(Response(None, (), None, "integration"), Failure.NONE, matched, m)

    def _context(
        self,
        api: RestApi | HttpApi,
        stage: Stage | None,
        request: Request,
        segs: Segments,
        found: RouteMatch[Method] | None,
    ) -> ResponseContext:
        return ResponseContext(
            api_id=api.id,
            stage=stage.name if stage else "",
            resource_path=found.template if found else "",
            path=request.raw_path,
            http_method=request.method,
            domain_name=request.host,
            stage_variables=stage.variables if stage else (),
            headers=request.headers,
            query=tuple(parse_qsl(request.query, keep_blank_values=True)),
            path_parameters=found.path_parameters if found else (),
        )

    # -- HTTP APIs -------------------------------------------------------------------------------------
    def _http_stage(self, w: _Walk, api: HttpApi, segs: Segments, mapped_stage: str | None) -> Outcome:
        stage: Stage | None
        if mapped_stage is not None:
            stage, rest = api.stage(mapped_stage), segs
            if stage is None and api.stages_known:
                w.step(
                    "stage",
                    False,
                    f"the mapping names stage {mapped_stage!r}, which does not exist",
                    "http.stage",
                )
                return w.done(plain_error(404, "Not Found", None), Failure.STAGE)
        elif segs.parts and segs.parts[0] != DEFAULT_STAGE and api.stage(segs.parts[0]) is not None:
            stage, rest = api.stage(segs.parts[0]), segs.drop(1)
        elif api.stage(DEFAULT_STAGE) is not None:
            stage, rest = api.stage(DEFAULT_STAGE), segs
        elif not api.stages_known:
            stage, rest = None, segs
        else:
            first = segs.parts[0] if segs.parts else ""
            names = ", ".join(s.name for s in api.stages) or "none"
            w.step(
                "stage",
                False,
                f"{first or '(no segment)'!r} is not a stage and there is no $default stage (stages: {names})",
                "http.stage",
            )
            return w.done(plain_error(404, "Not Found", None), Failure.STAGE)
        w.stage = stage
        stage_name = stage.name if stage else DEFAULT_STAGE
        w.resolution = _with_stage(w.resolution, stage_name)
        routes, dep_id = self.http_routes(api, stage)
        w.deployment_id = dep_id
        w.working_copy = dep_id is None
        if stage is None:
            w.step("stage", True, "stage $default assumed (the source does not list stages)", "http.stage")
        else:
            w.step("stage", True, f"stage {stage_name!r}", "http.stage")
            if stage.auto_deploy and not stage.auto_deploy_failed:
                w.step("deployment", True, "auto-deploy: the current routes are live", "http.deployment")
            elif dep_id == NO_DEPLOYMENT:
                w.step(
                    "deployment",
                    True,
                    "no deployment and auto-deploy off: the stage serves no route",
                    "http.deployment",
                )
            elif dep_id is None:
                w.step(
                    "deployment",
                    True,
                    f"deployment {stage.deployment_id or '?'}: routes not available, the "
                    "current routes stand in for them",
                    "rest.deployment.unknown",
                )
            else:
                w.step("deployment", True, f"routes from deployment {dep_id}", "http.deployment")
        return self._http_route(w, api, stage, routes, dep_id, rest)

    def _http_route(
        self,
        w: _Walk,
        api: HttpApi,
        stage: Stage | None,
        routes: tuple[Route, ...],
        dep_id: str | None,
        segs: Segments,
    ) -> Outcome:
        request = w.request
        method = request.method
        w.method = method
        w.segments = segs
        if (
            method == "OPTIONS"
            and api.cors is not None
            and request.header("Origin")
            and request.header("Access-Control-Request-Method")
        ):
            w.step("cors", True, "CORS preflight answered by API Gateway", "http.cors")
            headers = (
                ("Access-Control-Allow-Origin", ", ".join(api.cors.allow_origins) or "*"),
                ("Access-Control-Allow-Methods", ", ".join(api.cors.allow_methods) or "*"),
            )
            return w.done(Response(204, headers, "", "gateway"), Failure.NONE)
        trie = self.http_trie(api, routes, dep_id or "working")
        found = trie.match_http(segs, method)
        route: Route | None
        if found is not None:
            route = found.handler
            # Routes may name the same position differently (/pets/{id}, /pets/{petId}/toys) and share a trie
            # node: the names and template come from the route itself.
            template = route.path or found.template
            params = rename_params(template, found.path_parameters)
            matched = Matched(template, found.method, params)
            w.step(
                "route",
                True,
                f"{method} {segs.as_path()} -> {route.key}" + _params_text(params),
                "http.match.specificity" if found.method == "ANY" else "http.match",
            )
        else:
            route = next((r for r in routes if r.key == DEFAULT_ROUTE), None)
            if route is None:
                w.step(
                    "route",
                    False,
                    f"no route matches {method} {segs.as_path()} and there is no $default route",
                    "http.miss",
                )
                return w.done(plain_error(404, "Not Found", None), Failure.ROUTE)
            matched = Matched(DEFAULT_ROUTE, "ANY", ())
            w.step("route", True, f"{method} {segs.as_path()} -> $default route", "http.match")
        if route.authorization_type == "AWS_IAM" and not is_sigv4_signed(request):
            w.step("auth", False, "AWS_IAM route called without a SigV4 signature", "http.auth.iam")
            return w.done(plain_error(403, FORBIDDEN, None), Failure.IAM, matched, route)
        if route.authorization_type in ("JWT", "CUSTOM"):
            authorizer = api.authorizer(route.authorizer_id)
            sources = authorizer.identity_sources if authorizer else ("$request.header.Authorization",)
            if not identity_present(request, sources):
                w.step(
                    "auth",
                    False,
                    f"{route.authorization_type} authorizer: identity source missing",
                    "http.auth.jwt",
                )
                extra = (("www-authenticate", "Bearer"),) if route.authorization_type == "JWT" else ()
                return w.done(plain_error(401, "Unauthorized", None, extra=extra), Failure.AUTHORIZER, matched, route)
            w.step(
                "auth",
                True,
                f"{route.authorization_type} authorizer: identity present (not evaluated)",
                "rest.auth.authorizer.decision",
            )
        w.step(
            "integration",
            True,
            f"handed to the route's integration {route.target or ''}".rstrip(),
            "rest.integration",
        )
        return w.done(Response(None, (), None, "integration"), Failure.NONE, matched, route)


def _with_stage(res: Resolution | None, stage: str) -> Resolution | None:
    if res is None:
        return None
    return Resolution(
        res.via, res.api_id, res.api_kind, res.region, stage, res.base_path, res.domain, res.mapping_stage
    )


def _params_text(params: tuple[tuple[str, str], ...]) -> str:
    return (" (" + ", ".join(f"{k}={v}" for k, v in params) + ")") if params else ""


def walk(request: Request, world: World, canary: bool = False) -> Outcome:
    """Walk one request through ``world`` (compiles what it needs; use :class:`Gateway` for many)."""
    return Gateway(world).handle(request, canary)
