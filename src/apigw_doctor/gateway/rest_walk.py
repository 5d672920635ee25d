"""REST APIs: the stage (first path segment), the deployed resource tree, then authorization and API keys."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from ..model import HttpApi, Method, Resource, RestApi, Stage
from .auth import identity_present, incomplete_signature_message, is_sigv4_signed, non_sigv4_authorization
from .outcome import Failure, Matched, Outcome
from .paths import Segments
from .request import Request
from .responses import Response, ResponseContext, gateway_response, plain_error
from .router import RouteMatch
from .state import FORBIDDEN, WalkState, params_text, with_stage

if TYPE_CHECKING:
    from .walk import Gateway


def rest_stage(gw: Gateway, w: WalkState, api: RestApi, segs: Segments, mapped_stage: str | None) -> Outcome:
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
    w.resolution = with_stage(w.resolution, stage_name)
    resources, dep_id = gw.rest_routes(api, stage, w.canary)
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
                f"deployment {stage.deployment_id or '?'}: snapshot not available, the working copy stands in for it",
                "rest.deployment.unknown",
            )
        else:
            w.step("deployment", True, f"routes from deployment {dep_id}", "rest.deployment")
    return rest_route(gw, w, api, stage, resources, dep_id, rest)


def rest_route(
    gw: Gateway,
    w: WalkState,
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
    trie = gw.rest_trie(api, resources, dep_id or "working")
    found = trie.match_rest(segs, method)
    ctx = response_context(api, stage, request, segs, found)
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
        f"{method} {segs.as_path()} -> {found.method} {found.template}" + params_text(found.path_parameters),
        rule_id,
    )
    matched = Matched(found.template, found.method, found.path_parameters)
    m = found.handler
    return rest_auth(gw, w, api, m, matched, ctx)


def rest_auth(gw: Gateway, w: WalkState, api: RestApi, m: Method, matched: Matched, ctx: ResponseContext) -> Outcome:
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
                return w.done(plain_error(403, msg, "IncompleteSignatureException"), Failure.AUTH_HEADER, matched, m)
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


def response_context(
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
