"""Causes of route misses (REST 403 Missing Authentication Token, HTTP API 404), each candidate verified."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..gateway import Evidence
from ..gateway.evidence import rule
from ..gateway.paths import Segments
from ..gateway.router import Trie
from ..gateway.walk import NO_DEPLOYMENT
from ..model import DEFAULT_STAGE, HTTP_METHODS, HttpApi, Method, RestApi, Route
from . import commands as cmd
from .findings import Finding, Fix

if TYPE_CHECKING:
    from .diagnose import Diagnoser
from . import misses
from .lookup import join, locate, match, merge, routed, snapshot_ids, trie_for


# -- routes --------------------------------------------------------------------------------------------
def route(d: Diagnoser) -> list[Finding]:
    o = d.o
    api, segs, method = o.api, o.route_segments, o.routed_method
    assert api is not None and segs is not None and method is not None
    stage_name = o.resolution.stage if o.resolution and o.resolution.stage else DEFAULT_STAGE
    trie = trie_for(d, api, o.deployment_id or "working")
    ranked: list[tuple[int, Finding]] = []
    ranked += _not_deployed(d, api, segs, method, stage_name)
    ranked += _cors(d, api, segs, method, trie)
    ranked += _custom_domain_stage(d, api, segs)
    if not any(f.code == "CORS_PREFLIGHT_NO_OPTIONS" for _, f in ranked):
        ranked += _method_not_defined(d, api, segs, method, trie, stage_name)
    ranked += _root_and_proxy_parent(d, api, segs, method, trie, stage_name)
    ranked += misses.stage_in_path(d, api, segs)
    ranked += misses.typos(d, api, segs, trie)
    ranked += misses.elsewhere(d, api, segs, method, stage_name)
    specific = bool(ranked)
    if not specific:
        ranked.append((60, misses.generic(d, api, segs, method, trie, stage_name)))
    if o.response.customized and misses.changed_by_customisation(o):
        ranked.append((50 if specific else 1, misses.customized(d)))
    if o.response.error_type == "IncompleteSignatureException":
        ranked.append((70, misses.auth_header_on_miss(d)))
    return merge([f for _, f in sorted(ranked, key=lambda x: x[0])])


def _not_deployed(
    d: Diagnoser, api: RestApi | HttpApi, segs: Segments, method: str, stage_name: str
) -> list[tuple[int, Finding]]:
    o = d.o
    if o.used_working_copy:
        return []
    in_working = match(api, trie_for(d, api, "working"), segs, method)
    newer = []
    for dep_id in snapshot_ids(api):
        if dep_id != o.deployment_id and match(api, trie_for(d, api, dep_id), segs, method):
            newer.append(dep_id)
    if not in_working and not newer:
        return []
    what = in_working or match(api, trie_for(d, api, newer[-1]), segs, method)
    stage = api.stage(stage_name)
    if isinstance(api, RestApi):
        where = "the API's working copy" if in_working else f"deployment {newer[-1]}"
        msg = (
            f"{what} exists in {where} but not in deployment {o.deployment_id}, which stage {stage_name!r} "
            "serves: the change was never deployed to this stage."
        )
        commands: tuple[str, ...] = (cmd.redeploy_rest(api, stage_name, f"deploy {what}"),)
        summary = (
            f"Deploy the API to stage {stage_name!r} (this publishes every undeployed change, not only this route)."
        )
        details: list[str] = []
        alternatives = tuple(
            Fix(
                f"Point {stage_name!r} at deployment {dep_id}"
                + (
                    f" (stage {', '.join(users)})"
                    if (users := [s.name for s in api.stages if s.deployment_id == dep_id])
                    else ""
                )
                + ", which already has it.",
                commands=(cmd.point_stage(api, stage_name, dep_id),),
                side="api",
            )
            for dep_id in newer
        )
    else:
        auto = stage.auto_deploy if stage else False
        where = (
            "stage {stage!r} has no deployment at all"
            if o.deployment_id == NO_DEPLOYMENT
            else "it is not in deployment {dep} of stage {stage!r}"
        ).format(stage=stage_name, dep=o.deployment_id)
        msg = f"Route {what} exists in the API but {where}" + (
            " (auto-deploy is off)." if not auto else " (the last auto-deploy failed)."
        )
        commands = (
            *cmd.redeploy_http(api, stage_name),
            cmd.aws(
                "apigatewayv2",
                "update-stage",
                "--api-id",
                api.id,
                "--stage-name",
                stage_name,
                "--auto-deploy",
                region=api.region,
            ),
        )
        summary = f"Deploy the current routes to {stage_name!r}, or turn auto-deploy on."
        details = []
        alternatives = ()
    return [
        (
            10,
            Finding(
                "NOT_DEPLOYED",
                msg,
                rule("rest.deployment").evidence,
                Fix(summary, commands=commands, side="api"),
                tuple(details),
                verified=True,
                alternatives=alternatives,
            ),
        )
    ]


def _cors(
    d: Diagnoser, api: RestApi | HttpApi, segs: Segments, method: str, trie: Trie[Method] | Trie[Route]
) -> list[tuple[int, Finding]]:
    req = d.request
    if method != "OPTIONS" or not req.header("Origin") or not req.header("Access-Control-Request-Method"):
        return []
    wanted = (req.header("Access-Control-Request-Method") or "GET").upper()
    target = match(api, trie, segs, wanted)
    if isinstance(api, HttpApi):
        fix = Fix(
            "Configure CORS on the HTTP API: API Gateway then answers preflights itself.",
            commands=(
                cmd.aws(
                    "apigatewayv2",
                    "update-api",
                    "--api-id",
                    api.id,
                    "--cors-configuration",
                    f"AllowOrigins={req.header('Origin')},AllowMethods={wanted},AllowHeaders=*",
                    region=api.region,
                ),
            ),
            side="api",
        )
    else:
        node = locate(trie.root, segs)
        resource = api.resource(node.template) if node is not None else None
        path = node.template if node is not None else segs.as_path()
        fix = Fix(
            f"Add an OPTIONS method (MOCK integration answering the CORS headers) on {path}, then redeploy.",
            commands=cmd.cors_preflight(
                api,
                resource,
                path,
                req.header("Origin") or "*",
                wanted,
                d.o.resolution.stage if d.o.resolution and d.o.resolution.stage else "prod",
            ),
            side="api",
        )
    msg = (
        f"The browser's CORS preflight (OPTIONS {segs.as_path()}) finds no OPTIONS method"
        + (f", although {target} exists" if target else "")
        + ": API Gateway answers it with an error that has no CORS headers, and the browser reports a CORS "
        "failure."
    )
    return [(12, Finding("CORS_PREFLIGHT_NO_OPTIONS", msg, Evidence.DOCUMENTED, fix, verified=True))]


def _custom_domain_stage(d: Diagnoser, api: RestApi | HttpApi, segs: Segments) -> list[tuple[int, Finding]]:
    res = d.o.resolution
    if res is None or res.via != "custom-domain" or res.mapping_stage is None or not segs.parts:
        return []
    names = {s.name for s in api.stages}
    if segs.parts[0] not in names:
        return []
    url = cmd.url_on(d.o, join(segs.parts[1:]))
    out = d.try_url(url)
    msg = (
        f"The URL repeats the stage {segs.parts[0]!r} after the base path, but the custom-domain mapping "
        f"{res.base_path or '(none)'!r} already selects stage {res.mapping_stage!r}: API Gateway looks for a "
        f"resource named {segs.parts[0]!r}."
    )
    return [
        (
            15,
            Finding(
                "STAGE_IN_CUSTOM_DOMAIN_PATH",
                msg,
                rule("domain.mapping").evidence,
                Fix("Leave the stage out of custom-domain URLs.", url, cmd.curl(d.request, url)),
                verified=routed(out),
            ),
        )
    ]


def _method_not_defined(
    d: Diagnoser,
    api: RestApi | HttpApi,
    segs: Segments,
    method: str,
    trie: Trie[Method] | Trie[Route],
    stage_name: str,
) -> list[tuple[int, Finding]]:
    others = [(m, t) for m in HTTP_METHODS if m != method and (t := match(api, trie, segs, m))]
    if not others:
        return []
    methods = sorted({m for m, _ in others})
    resource = others[0][1].split(" ", 1)[1]
    alt = "GET" if "GET" in methods else methods[0]
    url = d.request.url
    out = d.walk(d.request.with_method(alt).without_header("X-HTTP-Method-Override"))
    override = d.request.header("X-HTTP-Method-Override")
    msg = (
        f"{resource} exists but has no {method} method (it has {', '.join(methods)}); API Gateway answers a "
        "wrong method with the same error as a missing path (no 405)."
    )
    details = [f"X-HTTP-Method-Override: {override} made API Gateway route it as {method}."] if override else []
    if method == "HEAD" and "GET" in methods:
        details.append("HEAD is served only by a HEAD or ANY method, not by GET (unconfirmed on AWS).")
    fix = Fix(
        f"Call it with {alt}" + (", or add the method to the API and redeploy." if isinstance(api, RestApi) else "."),
        url,
        cmd.curl(d.request, url, alt, drop=("X-HTTP-Method-Override",)),
        side="either",
    )
    if isinstance(api, RestApi):
        node = trie.node(resource)
        res = api.resource(node.template) if node is not None else None
        fix = Fix(
            fix.summary,
            fix.url,
            fix.curl,
            cmd.put_method(api, res, resource, method, ("--type", "MOCK"), stage_name, f"add {method} {resource}"),
            "either",
        )
    return [
        (
            20,
            Finding(
                "METHOD_NOT_DEFINED",
                msg,
                rule("rest.miss").evidence,
                fix,
                tuple(details),
                verified=routed(out),
            ),
        )
    ]


def _root_and_proxy_parent(
    d: Diagnoser,
    api: RestApi | HttpApi,
    segs: Segments,
    method: str,
    trie: Trie[Method] | Trie[Route],
    stage_name: str,
) -> list[tuple[int, Finding]]:
    node = locate(trie.root, segs)
    if node is None or node.handler(method) is not None:
        return []
    greedy = node.greedy
    if greedy is not None and greedy.handlers:
        proxy = greedy.template
        msg = (
            f"{node.template} has no {method} method and its child {proxy} never matches its own parent: a "
            f"greedy path variable needs at least one segment after {node.template}."
        )
        fix = None
        if isinstance(api, RestApi):
            proxy_method = next(iter(greedy.handlers.values()))
            assert isinstance(proxy_method, Method)
            before, integ = _integration_args(api, proxy, proxy_method)
            steps = before + cmd.put_method(
                api,
                api.resource(node.template),
                node.template,
                "ANY",
                integ,
                stage_name,
                f"cover {node.template}",
            )
            fix = Fix(
                f"Give {node.template} its own ANY method with the same integration as {proxy}, then redeploy.",
                commands=tuple(c.replace("__PROXY_URI__", '"$PROXY_URI"') for c in steps),
                side="api",
            )
        else:
            fix = Fix(
                f"Add a route for {node.template} (e.g. ANY {node.template}) next to {proxy}.",
                commands=(
                    cmd.aws(
                        "apigatewayv2",
                        "create-route",
                        "--api-id",
                        api.id,
                        "--route-key",
                        f"ANY {node.template}",
                        "--target",
                        "integrations/INTEGRATION_ID",
                        region=api.region,
                    ),
                ),
                side="api",
            )
        return [
            (
                25,
                Finding(
                    "PROXY_PARENT_NOT_COVERED",
                    msg,
                    rule("rest.match.greedy-parent").evidence,
                    fix,
                    verified=True,
                ),
            )
        ]
    if segs.parts:
        return []
    children = [c for c in node.literal.values() if c.handler(method) is not None]
    url = cmd.url_on(d.o, children[0].template) if children else None
    details = (
        "Some clients report '/stage' (no trailing slash) behaving differently from '/stage/'; unconfirmed today.",
    )
    msg = f"The stage root / of {stage_name!r} has no {method} method: the invoke URL itself is not a route" + (
        f" (resources: {', '.join(sorted(c.template for c in node.literal.values())[:5])})." if node.literal else "."
    )
    commands: tuple[str, ...] = ()
    if isinstance(api, RestApi):
        commands = cmd.put_method(
            api, api.resource("/"), "/", method, ("--type", "MOCK"), stage_name, "add a method on /"
        )
    fix = Fix(
        "Call a resource under the stage" + (" or add a method on / and redeploy." if commands else "."),
        url,
        cmd.curl(d.request, url) if url else None,
        commands,
        "either",
    )
    return [
        (
            25,
            Finding(
                "STAGE_ROOT_NO_METHOD",
                msg,
                rule("rest.miss").evidence,
                fix,
                details,
                verified=routed(d.try_url(url)) if url else False,
            ),
        )
    ]


def _integration_args(api: RestApi, proxy: str, m: Method) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(commands to run first, put-integration arguments) copying the proxy's integration."""
    kind = m.integration_type or "AWS_PROXY"
    if kind == "MOCK":
        return (), ("--type", "MOCK")
    before: tuple[str, ...] = ()
    uri = m.integration_uri
    if uri and ("${" in uri or not uri.startswith(("arn:", "http://", "https://"))):
        uri = None  # unresolved in infrastructure code (${Fn.Arn}, a Terraform reference): read the deployed one
    if not uri:
        setter, rid = cmd.resource_id_var(api, api.resource(proxy), proxy, "PROXY_ID")
        rid_arg = f'"{rid}"' if rid.startswith("$") else rid
        lookup = cmd.aws(
            "apigateway",
            "get-integration",
            "--rest-api-id",
            api.id,
            "--resource-id",
            "__RID__",
            "--http-method",
            m.http_method,
            "--query",
            "uri",
            "--output",
            "text",
            region=api.region,
        ).replace("__RID__", rid_arg)
        before = (*([setter] if setter else []), f"PROXY_URI=$({lookup})")
        uri = "__PROXY_URI__"
    return before, (
        "--type",
        kind,
        "--integration-http-method",
        "POST" if kind.startswith("AWS") else "ANY",
        "--uri",
        uri,
    )
