"""Causes at the door: the host, a disabled default endpoint, private APIs (before any stage is read)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..gateway.evidence import rule
from ..gateway.hosts import classify, execute_api_host
from ..model import RestApi
from . import commands as cmd
from . import stages
from .findings import Finding, Fix
from .nearmiss import closest

if TYPE_CHECKING:
    from .diagnose import Diagnoser


def host(d: Diagnoser) -> list[Finding]:
    info = classify(d.request)
    if info.kind == "custom-domain":
        names = [d.name for d in d.world.domains]
        near = closest(info.host, names)
        fix = None
        if near:
            url = d.request.url.replace(d.request.host, near[0][1], 1)
            fix = Fix(f"Did you mean {near[0][1]}?", url, cmd.curl(d.request, url))
        msg = (
            f"{info.host} is not an execute-api host and not a custom domain in the sources "
            f"({', '.join(names) or 'none'})."
        )
        return [Finding("API_NOT_FOUND", msg, rule("host.custom-domain").evidence, fix, verified=bool(near))]
    if info.kind == "vpce" and not info.api_id:
        return [
            Finding(
                "PRIVATE_API",
                "A VPC endpoint host needs the API id in an x-apigw-api-id header (or a Host header naming the API).",
                rule("host.vpce").evidence,
                Fix(
                    "Add the API id header.",
                    curl=cmd.curl(d.request, extra=("-H 'x-apigw-api-id: API_ID'",)),
                ),
            )
        ]
    api_id = info.api_id or ""
    elsewhere = d.world.apis_with_id(api_id)
    if elsewhere:
        api = elsewhere[0]
        url = d.request.url.replace(f".{info.region}.", f".{api.region}.", 1)
        out = d.try_url(url)
        return [
            Finding(
                "WRONG_REGION",
                f"API {api_id} is in {api.region}, not {info.region}: the host name {info.host} does not resolve.",
                rule("host.unknown-api").evidence,
                Fix(f"Use the {api.region} host.", url, cmd.curl(d.request, url)),
                verified=out is not None and out.matched is not None,
            )
        ]
    ids = [a.id for a in d.world.apis]
    near = closest(api_id, ids)
    fix = None
    verified = False
    if near:
        alt = d.world.apis_with_id(near[0][1])[0]
        url = d.request.url.replace(info.host, execute_api_host(alt.id, alt.region), 1)
        out = d.try_url(url)
        verified = out is not None and out.matched is not None
        fix = Fix(f"Did you mean API {alt.id} ({alt.name})?", url, cmd.curl(d.request, url))
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
    known = ", ".join(f"{a.id} ({a.region})" for a in d.world.apis) or "none"
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


def endpoint_disabled(d: Diagnoser) -> list[Finding]:
    api = d.o.api
    assert api is not None
    urls = stages.custom_domain_urls(d)
    if urls:
        url = urls[0]
        fix = Fix("Call the API through its custom domain.", url, cmd.curl(d.request, url))
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
                cmd.redeploy_rest(api, d.first_stage(), "apply disableExecuteApiEndpoint=false"),
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
            f"execute-api URL answers {d.o.response.status} on every stage.",
            rule(rule_id).evidence,
            fix,
            verified=bool(urls),
        )
    ]


def private(d: Diagnoser) -> list[Finding]:
    api = d.o.api
    assert api is not None
    info = classify(d.request)
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
    url = d.request.url.replace(d.request.host, host, 1)
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
                cmd.curl(d.request, url),
            ),
        )
    ]
