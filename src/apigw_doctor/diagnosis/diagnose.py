"""From a walk to its causes: every failing request gets ranked findings, each with a verified fix."""

from __future__ import annotations

from dataclasses import replace

from ..gateway import Evidence, Failure, Gateway, InvalidRequest, Outcome, Request
from ..gateway.evidence import rule
from ..gateway.hosts import classify, execute_api_host
from ..model import Origin, RestApi, World
from . import commands as cmd
from . import routes, stages
from .findings import Diagnosis, Finding, Fix
from .lookup import locate
from .nearmiss import closest
from .reported import compare


def diagnose(
    request: Request,
    world: World,
    *,
    saw_status: int | None = None,
    saw_body: str | None = None,
    gateway: Gateway | None = None,
) -> Diagnosis:
    """Walk ``request`` and explain the result: the cause codes, most likely first, each with a fix."""
    gw = gateway or Gateway(world)
    outcome = gw.handle(request)
    d = Diagnoser(gw, outcome)
    findings = d.run()
    notes = _notes(world, outcome)
    reported = compare(outcome, findings, saw_status, saw_body) if (saw_status or saw_body) else None
    return Diagnosis(outcome, tuple(findings), notes, reported, d.canary_outcome)


class Diagnoser:
    def __init__(self, gateway: Gateway, outcome: Outcome) -> None:
        self.gw = gateway
        self.world = gateway.world
        self.o = outcome
        self.request = outcome.request
        self.canary_outcome: Outcome | None = None

    def walk(self, request: Request, canary: bool = False) -> Outcome:
        return self.gw.handle(request, canary)

    def try_url(self, url: str, method: str | None = None) -> Outcome | None:
        try:
            req = self.request.with_url(url)
        except InvalidRequest:
            return None
        return self.walk(req.with_method(method) if method else req)

    def run(self) -> list[Finding]:
        f = self.o.failure
        handler = {
            Failure.NONE: self.matched,
            Failure.HOST: self.host,
            Failure.ENDPOINT_DISABLED: self.endpoint_disabled,
            Failure.PRIVATE: self.private,
            Failure.DOMAIN_MAPPING: self.domain_mapping,
            Failure.STAGE: self.stage,
            Failure.ROUTE: self.route,
            Failure.IAM: self.iam,
            Failure.AUTH_HEADER: self.auth_header,
            Failure.AUTHORIZER: self.authorizer,
            Failure.API_KEY: self.api_key,
        }[f]
        findings = handler()
        canary = self.canary_finding()
        if canary is not None:
            findings.insert(0, canary)
        return [f if f.origin is not None else replace(f, origin=self.origin_for(f.code)) for f in findings]

    def origin_for(self, code: str) -> Origin | None:
        """The origin of the object a cause is about: the method, resource, stage, mapping or API."""
        o = self.o
        api = o.api
        if code in ("IAM_UNSIGNED", "AUTH_HEADER_NOT_SIGV4", "API_KEY_MISSING", "AUTHORIZER_IDENTITY_MISSING"):
            return o.handler.origin if o.handler is not None else None
        if code == "GATEWAY_RESPONSE_CUSTOMIZED" and isinstance(api, RestApi):
            g = api.gateway_response(o.response.response_type or "") or api.gateway_response("DEFAULT_4XX")
            return g.origin if g is not None else None
        if code in ("NOT_DEPLOYED", "CANARY_ONLY") and o.stage is not None:
            return o.stage.origin
        if code in ("BASE_PATH_UNMAPPED", "STAGE_IN_CUSTOM_DOMAIN_PATH"):
            domain = self.world.domain(self.request.host)
            return domain.origin if domain is not None else None
        if code in (
            "STAGE_ROOT_NO_METHOD",
            "PROXY_PARENT_NOT_COVERED",
            "METHOD_NOT_DEFINED",
            "CORS_PREFLIGHT_NO_OPTIONS",
        ):
            segs = o.route_segments
            if isinstance(api, RestApi) and segs is not None:
                resources, dep_id = self.gw.rest_routes(api, o.stage, o.canary)
                trie = self.gw.rest_trie(api, resources, dep_id or "working")
                node = locate(trie.root, segs)
                res = api.resource(node.template) if node is not None else None
                if res is not None:
                    return res.origin
        return api.origin if api is not None else None

    # -- success ---------------------------------------------------------------------------------------
    def matched(self) -> list[Finding]:
        m = self.o.matched
        assert m is not None or self.o.response.source == "gateway"
        if m is None:
            return [
                Finding(
                    "MATCHED",
                    "API Gateway answers this request itself (CORS preflight).",
                    rule("http.cors").evidence,
                )
            ]
        params = ", ".join(f"{k}={v}" for k, v in m.path_parameters)
        route = f"{m.method} {m.resource}" if m.resource != "$default" else "the $default route"
        msg = f"API Gateway routes this request to {route}" + (f" ({params})" if params else "") + "."
        details: list[str] = []
        if self.o.used_working_copy and self.o.stage is not None and self.o.api and self.o.api.kind == "REST":
            details.append(
                "The stage's deployed snapshot was not available: this assumes the working copy is deployed."
            )
        return [Finding("MATCHED", msg, Evidence.OBSERVED, details=tuple(details))]

    # -- host ------------------------------------------------------------------------------------------
    def host(self) -> list[Finding]:
        info = classify(self.request)
        if info.kind == "custom-domain":
            names = [d.name for d in self.world.domains]
            near = closest(info.host, names)
            fix = None
            if near:
                url = self.request.url.replace(self.request.host, near[0][1], 1)
                fix = Fix(f"Did you mean {near[0][1]}?", url, cmd.curl(self.request, url))
            msg = (
                f"{info.host} is not an execute-api host and not a custom domain in the sources "
                f"({', '.join(names) or 'none'})."
            )
            return [Finding("API_NOT_FOUND", msg, rule("host.custom-domain").evidence, fix, verified=bool(near))]
        if info.kind == "vpce" and not info.api_id:
            return [
                Finding(
                    "PRIVATE_API",
                    "A VPC endpoint host needs the API id in an x-apigw-api-id header "
                    "(or a Host header naming the API).",
                    rule("host.vpce").evidence,
                    Fix(
                        "Add the API id header.",
                        curl=cmd.curl(self.request, extra=("-H 'x-apigw-api-id: API_ID'",)),
                    ),
                )
            ]
        api_id = info.api_id or ""
        elsewhere = self.world.apis_with_id(api_id)
        if elsewhere:
            api = elsewhere[0]
            url = self.request.url.replace(f".{info.region}.", f".{api.region}.", 1)
            out = self.try_url(url)
            return [
                Finding(
                    "WRONG_REGION",
                    f"API {api_id} is in {api.region}, not {info.region}: the host name {info.host} does not resolve.",
                    rule("host.unknown-api").evidence,
                    Fix(f"Use the {api.region} host.", url, cmd.curl(self.request, url)),
                    verified=out is not None and out.matched is not None,
                )
            ]
        ids = [a.id for a in self.world.apis]
        near = closest(api_id, ids)
        fix = None
        verified = False
        if near:
            alt = self.world.apis_with_id(near[0][1])[0]
            url = self.request.url.replace(info.host, execute_api_host(alt.id, alt.region), 1)
            out = self.try_url(url)
            verified = out is not None and out.matched is not None
            fix = Fix(f"Did you mean API {alt.id} ({alt.name})?", url, cmd.curl(self.request, url))
        else:
            fix = Fix(
                "List the APIs of the account and region to find the id.",
                commands=(
                    cmd.aws(
                        "apigateway",
                        "get-rest-apis",
                        "--query",
                        "items[].[id,name]",
                        "--output",
                        "table",
                        region=info.region or "us-east-1",
                    ),
                    cmd.aws(
                        "apigatewayv2",
                        "get-apis",
                        "--query",
                        "Items[].[ApiId,Name]",
                        "--output",
                        "table",
                        region=info.region or "us-east-1",
                    ),
                ),
                side="client",
            )
        known = ", ".join(f"{a.id} ({a.region})" for a in self.world.apis) or "none"
        return [
            Finding(
                "API_NOT_FOUND",
                f"No API {api_id} in {info.region} in the sources (known: {known}); on AWS "
                "this host name does not resolve.",
                rule("host.unknown-api").evidence,
                fix,
                verified=verified,
            )
        ]

    def endpoint_disabled(self) -> list[Finding]:
        api = self.o.api
        assert api is not None
        urls = stages.custom_domain_urls(self)
        if urls:
            url = urls[0]
            fix = Fix("Call the API through its custom domain.", url, cmd.curl(self.request, url))
        elif isinstance(api, RestApi):
            fix = Fix(
                "Re-enable the default endpoint (or map a custom domain), then redeploy.",
                commands=(
                    cmd.aws(
                        "apigateway",
                        "update-rest-api",
                        "--rest-api-id",
                        api.id,
                        "--patch-operations",
                        "op=replace,path=/disableExecuteApiEndpoint,value=false",
                        region=api.region,
                    ),
                    cmd.redeploy_rest(api, self.first_stage(), "apply disableExecuteApiEndpoint=false"),
                ),
                side="api",
            )
        else:
            fix = Fix(
                "Re-enable the default endpoint (or map a custom domain).",
                commands=(
                    cmd.aws(
                        "apigatewayv2",
                        "update-api",
                        "--api-id",
                        api.id,
                        "--no-disable-execute-api-endpoint",
                        region=api.region,
                    ),
                ),
                side="api",
            )
        rule_id = "endpoint.disabled.rest" if isinstance(api, RestApi) else "endpoint.disabled.http"
        return [
            Finding(
                "EXECUTE_API_DISABLED",
                f"API {api.id} has disableExecuteApiEndpoint set: its "
                f"execute-api URL answers {self.o.response.status} on every stage.",
                rule(rule_id).evidence,
                fix,
                verified=bool(urls),
            )
        ]

    def private(self) -> list[Finding]:
        api = self.o.api
        assert api is not None
        info = classify(self.request)
        if info.kind == "vpce":
            return [
                Finding(
                    "PRIVATE_API",
                    f"API {api.id} is not PRIVATE: a VPC endpoint only routes to private "
                    "APIs. From a VPC whose execute-api endpoint has private DNS on, public APIs answer "
                    "403 Forbidden.",
                    rule("endpoint.private").evidence,
                    Fix(
                        "Call the public API through a custom domain, or turn private DNS off on the VPC endpoint.",
                        side="either",
                    ),
                )
            ]
        vpce = api.vpc_endpoint_ids[0] if isinstance(api, RestApi) and api.vpc_endpoint_ids else "{vpce-id}"
        host = f"{api.id}-{vpce}.execute-api.{api.region}.amazonaws.com"
        url = self.request.url.replace(self.request.host, host, 1)
        return [
            Finding(
                "PRIVATE_API",
                f"API {api.id} is PRIVATE: it answers only through an interface VPC "
                "endpoint, from inside the VPC (from the internet the name does not resolve or answers "
                "403).",
                rule("endpoint.private").evidence,
                Fix(
                    "From inside the VPC, use the VPC-endpoint host name"
                    + ("." if "{vpce-id}" not in url else " (put your interface endpoint's id for {vpce-id})."),
                    url,
                    cmd.curl(self.request, url),
                ),
            )
        ]

    def domain_mapping(self) -> list[Finding]:
        return stages.domain_mapping(self)

    # -- stage -----------------------------------------------------------------------------------------
    def first_stage(self) -> str:
        api = self.o.api
        if api is None or not api.stages:
            return "prod"
        return api.stages[0].name

    def stage(self) -> list[Finding]:
        return stages.stage(self)

    # -- route -----------------------------------------------------------------------------------------
    def route(self) -> list[Finding]:
        return routes.route(self)

    # -- auth ------------------------------------------------------------------------------------------
    def iam(self) -> list[Finding]:
        api = self.o.api
        assert api is not None and self.o.matched is not None
        m = self.o.matched
        region = api.region
        fix = Fix(
            "Sign the request with SigV4 (service execute-api) using credentials allowed to execute-api:Invoke.",
            curl=cmd.sigv4_curl(self.request, region),
        )
        if isinstance(api, RestApi):
            msg = (
                f"{m.method} {m.resource} uses AWS_IAM authorization and the request is not SigV4-signed: API "
                "Gateway answers Missing Authentication Token although the route exists."
            )
            ev = rule("rest.auth.iam").evidence
        else:
            msg = (
                f"Route {m.method} {m.resource} uses AWS_IAM authorization and the request is not signed "
                "(the exact HTTP API answer is unconfirmed)."
            )
            ev = rule("http.auth.iam").evidence
        return [Finding("IAM_UNSIGNED", msg, ev, fix, verified=True)]

    def auth_header(self) -> list[Finding]:
        api = self.o.api
        assert api is not None and self.o.matched is not None
        m = self.o.matched
        value = self.request.header("Authorization") or ""
        kind = value.split(" ", 1)[0] if " " in value else "a bare token"
        return [
            Finding(
                "AUTH_HEADER_NOT_SIGV4",
                f"{m.method} {m.resource} uses AWS_IAM, which reads the "
                f"Authorization header as a SigV4 signature; this one is {kind}, so API Gateway answers "
                "IncompleteSignatureException.",
                rule("rest.miss.authorization-header").evidence,
                Fix(
                    "Sign with SigV4 instead of sending this Authorization header (or, if the method "
                    "should take this token, give it a Lambda/Cognito authorizer and redeploy).",
                    curl=cmd.sigv4_curl(self.request, api.region),
                ),
                verified=True,
            )
        ]

    def authorizer(self) -> list[Finding]:
        api = self.o.api
        assert api is not None and self.o.matched is not None
        handler = self.o.handler
        auth = api.authorizer(handler.authorizer_id) if handler is not None else None
        sources = auth.identity_sources if auth else ("method.request.header.Authorization",)
        header = sources[0].rsplit(".", 1)[-1] if sources else "Authorization"
        return [
            Finding(
                "AUTHORIZER_IDENTITY_MISSING",
                f"The route's authorizer ({auth.name if auth else '?'}) "
                f"reads {', '.join(sources)}, which the request does not carry: 401 Unauthorized "
                "before the authorizer runs.",
                rule("rest.auth.authorizer").evidence,
                Fix(
                    f"Send the {header} the authorizer expects.",
                    curl=cmd.curl(self.request, extra=(f"-H '{header}: <token>'",)),
                ),
                verified=True,
            )
        ]

    def api_key(self) -> list[Finding]:
        api = self.o.api
        assert isinstance(api, RestApi) and self.o.matched is not None
        m = self.o.matched
        return [
            Finding(
                "API_KEY_MISSING",
                f"{m.method} {m.resource} requires an API key: without an x-api-key "
                "header API Gateway answers 403 Forbidden (not Missing Authentication Token). The key "
                "must belong to a usage plan that includes this stage.",
                rule("rest.api-key").evidence,
                Fix(
                    "Send a key of a usage plan on this stage in x-api-key.",
                    curl=cmd.curl(self.request, extra=('-H "x-api-key: $API_KEY"',)),
                    commands=(
                        cmd.aws(
                            "apigateway",
                            "get-api-keys",
                            "--include-values",
                            "--query",
                            "items[].[name,value]",
                            "--output",
                            "table",
                            region=api.region,
                        ),
                    ),
                ),
                verified=True,
            )
        ]

    # -- canary ----------------------------------------------------------------------------------------
    def canary_finding(self) -> Finding | None:
        stage = self.o.stage
        api = self.o.api
        if stage is None or stage.canary is None or not isinstance(api, RestApi):
            return None
        other = self.walk(self.request, canary=not self.o.canary)
        self.canary_outcome = other
        if (other.matched is None) == (self.o.matched is None):
            return None
        pct = stage.canary.percent
        base_ok = self.o.matched is not None
        fail_share = pct if base_ok else 100 - pct
        failing = (
            f"the canary deployment {stage.canary.deployment_id}"
            if base_ok
            else f"the stage's main deployment {stage.deployment_id}"
        )
        msg = (
            f"The route exists in only one of the two deployments of stage {stage.name!r}: requests sent to {failing} "
            f"(about {fail_share:g}%) fail, the others get through. Intermittent failures follow the canary split."
        )
        commands: tuple[str, ...] = (
            cmd.aws(
                "apigateway",
                "update-stage",
                "--rest-api-id",
                api.id,
                "--stage-name",
                stage.name,
                "--patch-operations",
                "op=remove,path=/canarySettings",
                region=api.region,
            ),
        )
        if not base_ok:
            commands = (cmd.point_stage(api, stage.name, stage.canary.deployment_id), commands[0])
            summary = "Promote the canary (point the stage at its deployment), then remove the canary settings."
        else:
            summary = "Remove the canary (or redeploy it with the route) so every request sees the same routes."
        return Finding(
            "CANARY_ONLY",
            msg,
            rule("rest.canary").evidence,
            Fix(summary, commands=commands, side="api"),
            verified=True,
        )


def _notes(world: World, outcome: Outcome) -> tuple[str, ...]:
    notes = list(world.notes)
    api = outcome.api
    if api is not None:
        notes.extend(api.notes)
        if not api.id_known:
            notes.append(f"The source carries no API id; it was taken to be {api.id}, the request's.")
    for step in outcome.trace:
        if step.evidence is Evidence.ASSUMED:
            notes.append(f"Assumed: {step.detail}.")
        elif step.evidence is Evidence.UNCONFIRMED:
            notes.append(f"Unconfirmed on AWS: {rule(step.rule).summary}.")
    if outcome.request.fragment:
        notes.append(
            f"The URL contains '#{outcome.request.fragment}': clients never send what follows '#', "
            "so API Gateway saw the path cut there (encode '#' as %23 in a path)."
        )
    return tuple(dict.fromkeys(notes))


__all__ = ["Diagnoser", "diagnose"]
