"""HTTP APIs: stage selection with the $default fallback, route priority, then the route's authorization."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import DEFAULT_ROUTE, DEFAULT_STAGE, HttpApi, Route, Stage
from .auth import identity_present, is_sigv4_signed
from .outcome import Failure, Matched, Outcome
from .paths import Segments, rename_params
from .responses import Response, plain_error
from .state import FORBIDDEN, NO_DEPLOYMENT, WalkState, params_text, with_stage

if TYPE_CHECKING:
    from .walk import Gateway


def http_stage(gw: Gateway, w: WalkState, api: HttpApi, segs: Segments, mapped_stage: str | None) -> Outcome:
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
    w.resolution = with_stage(w.resolution, stage_name)
    routes, dep_id = gw.http_routes(api, stage)
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
                f"deployment {stage.deployment_id or '?'}: routes not available, the current routes stand in for them",
                "rest.deployment.unknown",
            )
        else:
            w.step("deployment", True, f"routes from deployment {dep_id}", "http.deployment")
    return http_route(gw, w, api, stage, routes, dep_id, rest)


def http_route(
    gw: Gateway,
    w: WalkState,
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
    trie = gw.http_trie(api, routes, dep_id or "working")
    found = trie.match_http(segs, method)
    route: Route | None
    if found is not None:
        route = found.handler
        # Routes may name the same position differently (/pets/{id}, /pets/{petId}/toys) and share a trie
        # node: the names and template come from the route itgw.
        template = route.path or found.template
        params = rename_params(template, found.path_parameters)
        matched = Matched(template, found.method, params)
        w.step(
            "route",
            True,
            f"{method} {segs.as_path()} -> {route.key}" + params_text(params),
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
