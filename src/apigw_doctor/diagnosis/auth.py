"""Causes after a route matched: SigV4 for AWS_IAM, the Authorization header, authorizers, API keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..gateway.evidence import rule
from ..model import RestApi
from . import commands as cmd
from .findings import Finding, Fix

if TYPE_CHECKING:
    from .diagnose import Diagnoser


def iam(d: Diagnoser) -> list[Finding]:
    api = d.o.api
    assert api is not None and d.o.matched is not None
    m = d.o.matched
    region = api.region
    fix = Fix(
        "Sign the request with SigV4 (service execute-api) using credentials allowed to execute-api:Invoke.",
        curl=cmd.sigv4_curl(d.request, region),
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


def auth_header(d: Diagnoser) -> list[Finding]:
    api = d.o.api
    assert api is not None and d.o.matched is not None
    m = d.o.matched
    value = d.request.header("Authorization") or ""
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
                curl=cmd.sigv4_curl(d.request, api.region),
            ),
            verified=True,
        )
    ]


def authorizer(d: Diagnoser) -> list[Finding]:
    api = d.o.api
    assert api is not None and d.o.matched is not None
    handler = d.o.handler
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
                curl=cmd.curl(d.request, extra=(f"-H '{header}: <token>'",)),
            ),
            verified=True,
        )
    ]


def api_key(d: Diagnoser) -> list[Finding]:
    api = d.o.api
    assert isinstance(api, RestApi) and d.o.matched is not None
    m = d.o.matched
    return [
        Finding(
            "API_KEY_MISSING",
            f"{m.method} {m.resource} requires an API key: without an x-api-key "
            "header API Gateway answers 403 Forbidden (not Missing Authentication Token). The key "
            "must belong to a usage plan that includes this stage.",
            rule("rest.api-key").evidence,
            Fix(
                "Send a key of a usage plan on this stage in x-api-key.",
                curl=cmd.curl(d.request, extra=('-H "x-api-key: $API_KEY"',)),
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
