"""Near misses of a route miss (typos, a dropped segment, the stage twice, another stage or API) and the
generic explanations (no match, a customised response, an Authorization header on a miss). Each verified."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from ..gateway import Evidence, Outcome
from ..gateway.evidence import rule
from ..gateway.paths import Segments
from ..gateway.responses import DEFAULTS, compact
from ..gateway.router import Trie
from ..model import DEFAULT_STAGE, HttpApi, Method, RestApi, Route
from . import commands as cmd
from .findings import Finding, Fix
from .nearmiss import closest, typo_paths

if TYPE_CHECKING:
    from .diagnose import Diagnoser
from .lookup import join, match, routed, stage_trie


def stage_in_path(d: Diagnoser, api: RestApi | HttpApi, segs: Segments) -> list[tuple[int, Finding]]:
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


def typos(
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


def elsewhere(
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


def generic(
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


def changed_by_customisation(o: Outcome) -> bool:
    """True when a customised gateway response changed the status or the body (not only added headers)."""
    r = o.response
    if r.response_type not in DEFAULTS:
        return False
    status, _, message = DEFAULTS[r.response_type]
    return r.status != status or r.body != compact({"message": message})


def customized(d: Diagnoser) -> Finding:
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


def auth_header_on_miss(d: Diagnoser) -> Finding:
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
