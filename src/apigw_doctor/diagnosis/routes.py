"""Causes of route misses (REST 403 Missing Authentication Token, HTTP API 404), each candidate verified."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from ..gateway import Evidence, Outcome
from ..gateway.evidence import rule
from ..gateway.paths import Segments
from ..gateway.responses import DEFAULTS, compact
from ..gateway.router import Trie
from ..gateway.walk import NO_DEPLOYMENT
from ..model import DEFAULT_STAGE, HTTP_METHODS, HttpApi, Method, RestApi, Route
from . import commands as cmd
from .findings import Finding, Fix
from .nearmiss import closest, typo_paths

if TYPE_CHECKING:
    from .diagnose import Diagnoser
from .lookup import join, locate, match, merge, routed, snapshot_ids, stage_trie, trie_for


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
    ranked += _stage_in_path(d, api, segs)
    ranked += _typos(d, api, segs, trie)
    ranked += _elsewhere(d, api, segs, method, stage_name)
    specific = bool(ranked)
    if not specific:
        ranked.append((60, _generic(d, api, segs, method, trie, stage_name)))
    if o.response.customized and _changed_by_customisation(o):
        ranked.append((50 if specific else 1, _customized(d)))
    if o.response.error_type == "IncompleteSignatureException":
        ranked.append((70, _auth_header_on_miss(d)))
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


def _stage_in_path(d: Diagnoser, api: RestApi | HttpApi, segs: Segments) -> list[tuple[int, Finding]]:
    """The stage written twice, or (HTTP APIs) a misspelled stage that fell into $default."""
    o = d.o
    out: list[tuple[int, Finding]] = []
    stage_name = o.resolution.stage if o.resolution else None
    if not segs.parts:
        return out
    first = segs.parts[0]
    if first == stage_name and o.resolution and o.resolution.via != "custom-domain":
        url = cmd.url_on(o, join(segs.parts[1:]))
        if routed(d.try_url(url)):
            out.append(
                (
                    30,
                    Finding(
                        "RESOURCE_NOT_FOUND",
                        f"The stage {first!r} appears twice in the URL.",
                        rule("rest.stage").evidence,
                        Fix("Write the stage once.", url, cmd.curl(d.request, url)),
                        verified=True,
                    ),
                )
            )
    if isinstance(api, HttpApi) and stage_name == DEFAULT_STAGE:
        for _, name in closest(first, [s.name for s in api.stages if s.name != DEFAULT_STAGE]):
            url = cmd.url_on(o, join(segs.parts[1:]), stage=name)
            if routed(d.try_url(url)):
                msg = (
                    f"{first!r} is not a stage, so API Gateway sent the request to the $default stage with "
                    f"{first!r} left in the path. Did you mean stage {name!r}?"
                )
                out.append(
                    (
                        28,
                        Finding(
                            "STAGE_UNKNOWN",
                            msg,
                            rule("http.stage").evidence,
                            Fix(f"Use stage {name!r}.", url, cmd.curl(d.request, url)),
                            verified=True,
                        ),
                    )
                )
                break
    return out


def _typos(
    d: Diagnoser, api: RestApi | HttpApi, segs: Segments, trie: Trie[Method] | Trie[Route]
) -> list[tuple[int, Finding]]:
    out: list[tuple[int, Finding]] = []
    kind = "resource" if isinstance(api, RestApi) else "route"
    found_typos = typo_paths(trie, segs)  # type: ignore[misc]
    candidates: list[tuple[int, tuple[str, ...], int | None]] = [(35, p, None) for _, p in found_typos]
    if len(segs.parts) >= 2:
        for i in range(len(segs.parts)):
            candidates.append((36 if i < len(segs.parts) - 1 else 38, segs.parts[:i] + segs.parts[i + 1 :], i))
    tried: set[tuple[str, ...]] = set()
    for rank, parts, dropped in candidates:
        if parts in tried:
            continue
        tried.add(parts)
        url = cmd.url_on(d.o, join(parts))
        found = d.try_url(url)
        if found is not None and found.matched is not None and _absorbed(found.matched.resource, dropped):
            continue
        if routed(found):
            changed = _describe(segs.parts, parts)
            out.append(
                (
                    rank,
                    Finding(
                        "RESOURCE_NOT_FOUND",
                        f"No {kind} matches {segs.as_path()}; did you mean {join(parts)} ({changed})?",
                        rule("rest.match.case").evidence,
                        Fix(f"Use {join(parts)}.", url, cmd.curl(d.request, url)),
                        verified=True,
                    ),
                )
            )
        if len(out) >= 3:
            break
    return out


def _absorbed(template: str, dropped: int | None) -> bool:
    """True when, after dropping segment ``dropped``, the segment moved into its place lands on a variable."""
    if dropped is None:
        return False
    parts = [p for p in template.split("/") if p]
    return dropped < len(parts) and parts[dropped].startswith("{")


def _describe(before: tuple[str, ...], after: tuple[str, ...]) -> str:
    if len(after) < len(before):
        gone = next((b for a, b in zip((*after, ""), before, strict=False) if a != b), before[-1])
        return f"without {gone!r}"
    diffs = [f"{b!r} -> {a!r}" for b, a in zip(before, after, strict=False) if a != b]
    kind = "case" if all(b.lower() == a.lower() for b, a in zip(before, after, strict=False)) else "typo"
    return f"{kind}: {', '.join(diffs)}"


def _elsewhere(
    d: Diagnoser, api: RestApi | HttpApi, segs: Segments, method: str, stage_name: str
) -> list[tuple[int, Finding]]:
    """The same path and method on another stage of this API, or on another API of the World."""
    out: list[tuple[int, Finding]] = []
    for s in api.stages:
        if s.name == stage_name:
            continue
        if match(api, stage_trie(d, api, s.name), segs, method):
            url = cmd.url_on(d.o, segs.as_path(), stage=s.name)
            out.append(
                (
                    40,
                    Finding(
                        "RESOURCE_NOT_FOUND",
                        f"{method} {segs.as_path()} is served by stage {s.name!r} of this API, not by {stage_name!r}.",
                        rule("rest.deployment").evidence,
                        Fix(
                            f"Use stage {s.name!r} (or deploy the route to {stage_name!r}).",
                            url,
                            cmd.curl(d.request, url),
                        ),
                        verified=routed(d.try_url(url)),
                    ),
                )
            )
    for other in d.world.apis:
        if other is api:
            continue
        for s in other.stages or ():
            if match(other, stage_trie(d, other, s.name), segs, method):
                url = cmd.execute_api_url(other, s.name, segs.as_path(), d.request.query)
                out.append(
                    (
                        45,
                        Finding(
                            "RESOURCE_NOT_FOUND",
                            f"{method} {segs.as_path()} is served by API "
                            f"{other.id} ({other.name}) stage {s.name!r}: is this the right API?",
                            Evidence.OBSERVED,
                            Fix(f"Call API {other.id}.", url, cmd.curl(d.request, url)),
                            verified=routed(d.try_url(url)),
                        ),
                    )
                )
                break
    return out


def _generic(
    d: Diagnoser,
    api: RestApi | HttpApi,
    segs: Segments,
    method: str,
    trie: Trie[Method] | Trie[Route],
    stage_name: str,
) -> Finding:
    templates = sorted(n.template for n in trie.nodes() if n.handlers)
    near = difflib.get_close_matches(segs.as_path(), templates, n=3, cutoff=0.5)
    kind = "resource" if isinstance(api, RestApi) else "route"
    msg = f"No {kind} of stage {stage_name!r} matches {method} {segs.as_path()}."
    details = tuple(f"Closest existing {kind}: {t}" for t in near)
    if isinstance(api, RestApi):
        fix = Fix(
            "Check the path against the deployed resources.",
            commands=(
                cmd.aws(
                    "apigateway",
                    "get-export",
                    "--rest-api-id",
                    api.id,
                    "--stage-name",
                    stage_name,
                    "--export-type",
                    "oas30",
                    "/dev/stdout",
                    region=api.region,
                ),
            ),
            side="client",
        )
    else:
        fix = Fix(
            "Check the path against the deployed routes.",
            commands=(
                cmd.aws(
                    "apigatewayv2",
                    "get-routes",
                    "--api-id",
                    api.id,
                    "--query",
                    "Items[].RouteKey",
                    region=api.region,
                ),
            ),
            side="client",
        )
    ev = rule("rest.miss" if isinstance(api, RestApi) else "http.miss").evidence
    return Finding("RESOURCE_NOT_FOUND", msg, ev, fix, details)


def _changed_by_customisation(o: Outcome) -> bool:
    """True when a customised gateway response changed the status or the body (not only added headers)."""
    r = o.response
    if r.response_type not in DEFAULTS:
        return False
    status, _, message = DEFAULTS[r.response_type]
    return r.status != status or r.body != compact({"message": message})


def _customized(d: Diagnoser) -> Finding:
    r = d.o.response
    api = d.o.api
    assert isinstance(api, RestApi)
    own = api.gateway_response(r.response_type or "")
    which = r.response_type if own is not None else "DEFAULT_4XX"
    msg = (
        f"The {r.response_type} gateway response is customised (through {which}): clients get "
        f"{r.status} {r.body!r}. The header x-amzn-ErrorType: {r.error_type} still tells the real cause: "
        "a request that matched no route."
    )
    return Finding(
        "GATEWAY_RESPONSE_CUSTOMIZED",
        msg,
        rule("gateway-response.custom").evidence,
        Fix(
            "Key monitoring and clients on x-amzn-ErrorType, not the status; inspect the customisation with:",
            commands=(
                cmd.aws(
                    "apigateway",
                    "get-gateway-response",
                    "--rest-api-id",
                    api.id,
                    "--response-type",
                    which or "MISSING_AUTHENTICATION_TOKEN",
                    region=api.region,
                ),
            ),
            side="api",
        ),
        verified=True,
    )


def _auth_header_on_miss(d: Diagnoser) -> Finding:
    msg = (
        "The Authorization header is not the problem: API Gateway parses a non-SigV4 Authorization header only "
        "because no route matched, and answers IncompleteSignatureException instead of Missing Authentication "
        "Token. Fix the route; the token can stay."
    )
    url = d.request.url
    return Finding(
        "AUTH_HEADER_NOT_SIGV4",
        msg,
        rule("rest.miss.authorization-header").evidence,
        Fix(
            "Without the header, the same request gets Missing Authentication Token.",
            url,
            cmd.curl(d.request, url, drop=("authorization",)),
        ),
    )
