"""Causes of stage and custom-domain misses, each candidate verified by walking it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..gateway import Evidence
from ..gateway.evidence import rule
from ..gateway.paths import split
from ..model import DEFAULT_STAGE, HttpApi, RestApi
from . import commands as cmd
from .findings import Finding, Fix
from .nearmiss import closest

if TYPE_CHECKING:
    from .diagnose import Diagnoser
from .lookup import join, merge, routed, snapshot_ids, trie_for


# -- stages --------------------------------------------------------------------------------------------
def stage(d: Diagnoser) -> list[Finding]:
    o = d.o
    api = o.api
    assert api is not None
    res = o.resolution
    segs = split(d.request.raw_path)
    if res is not None and res.base_path:
        segs = segs.drop(len([p for p in res.base_path.split("/") if p]))
    names = [s.name for s in api.stages if s.name != DEFAULT_STAGE]
    if res is not None and res.mapping_stage is not None:
        return [
            Finding(
                "STAGE_UNKNOWN",
                f"The custom-domain mapping names stage {res.mapping_stage!r}, which API "
                f"{api.id} does not have (stages: {', '.join(names) or 'none'}).",
                rule("http.stage").evidence,
                Fix("Point the mapping at an existing stage.", side="api"),
            )
        ]
    ranked: list[tuple[int, Finding]] = []
    first = segs.parts[0] if segs.parts else None
    base_prefix = ("/" + res.base_path) if res is not None and res.base_path else ""
    ev = rule("rest.stage.missing" if isinstance(api, RestApi) else "http.stage").evidence
    if first is not None:
        for dist, name in closest(first, names):
            url = d.request.with_path(base_prefix + join((name, *segs.parts[1:]))).url
            ok = routed(d.try_url(url))
            how = "differs only in case (stage names are case-sensitive)" if dist == 0 else "looks like a typo"
            ranked.append(
                (
                    1 if ok else 20,
                    Finding(
                        "STAGE_UNKNOWN",
                        f"{first!r} is not a stage of {api.id}; it {how} of stage {name!r}.",
                        rule("rest.stage").evidence,
                        Fix(f"Use stage {name!r}.", url, cmd.curl(d.request, url)),
                        verified=ok,
                    ),
                )
            )
    top_level = _top_level_names(d, api)
    for name in names:
        url = d.request.with_path(base_prefix + join((name, *segs.parts))).url
        ok = routed(d.try_url(url))
        if ok or first is None or first in top_level:
            msg = (
                "The URL has no stage: the first segment must be the stage name."
                if first is None
                else f"The URL leaves out the stage: {first!r} is a resource, not a stage."
            )
            ranked.append(
                (
                    2 if ok else 10,
                    Finding(
                        "STAGE_MISSING",
                        msg,
                        ev,
                        Fix(f"Put the stage first: /{name}/...", url, cmd.curl(d.request, url)),
                        verified=ok,
                    ),
                )
            )
    for other in d.world.apis:
        if other is not api and first is not None and other.stage(first) is not None:
            url = cmd.execute_api_url(other, None, segs.as_path(), d.request.query)
            ok = routed(d.try_url(url))
            ranked.append(
                (
                    15,
                    Finding(
                        "STAGE_UNKNOWN",
                        f"{first!r} is a stage of API {other.id} ({other.name}), not "
                        f"of {api.id}: is this the right API?",
                        Evidence.OBSERVED,
                        Fix(f"Call API {other.id}.", url, cmd.curl(d.request, url)),
                        verified=ok,
                    ),
                )
            )
    if not ranked:
        stages = ", ".join(repr(n) for n in names) or "none"
        if isinstance(api, HttpApi):
            fix = Fix(
                "Use a stage name first, or give the API a $default stage.",
                commands=(
                    cmd.aws(
                        "apigatewayv2",
                        "create-stage",
                        "--api-id",
                        api.id,
                        "--stage-name",
                        "$default",
                        "--auto-deploy",
                        region=api.region,
                    ),
                ),
                side="either",
            )
        else:
            fix = Fix(
                f"Use one of the stages ({stages})"
                + (f", e.g. /{names[0]}/..." if names else "")
                + ", or create the stage by deploying to it.",
                cmd.url_on(o, segs.as_path(), stage=names[0]) if names else None,
                commands=(cmd.redeploy_rest(api, first or "prod", "create the stage"),),
                side="either",
            )
        code = "STAGE_MISSING" if first is None else "STAGE_UNKNOWN"
        ranked.append(
            (
                30,
                Finding(
                    code,
                    f"{first!r} is not a stage of {api.id} (stages: {stages}); stage names are case-sensitive."
                    if first
                    else f"The URL has no stage (stages: {stages}).",
                    ev,
                    fix,
                ),
            )
        )
    return merge([f for _, f in sorted(ranked, key=lambda x: x[0])])


def _top_level_names(d: Diagnoser, api: RestApi | HttpApi) -> set[str]:
    names: set[str] = set()
    for key in ["working", *snapshot_ids(api)]:
        names.update(trie_for(d, api, key).root.literal)
    return names


# -- custom domains ------------------------------------------------------------------------------------
def domain_mapping(d: Diagnoser) -> list[Finding]:
    o = d.o
    res = o.resolution
    domain = d.world.domain(d.request.host)
    assert domain is not None
    segs = split(d.request.raw_path)
    keys = [m.base_path for m in domain.mappings]
    ranked: list[tuple[int, Finding]] = []
    ev = rule("domain.unmapped").evidence
    first = segs.parts[0] if segs.parts else ""
    if res is not None and res.api_id is not None and o.api is None:
        return [
            Finding(
                "BASE_PATH_UNMAPPED",
                f"The mapping points at API {res.api_id}, which is not in the sources.",
                ev,
                Fix("Load that API's definition too, or fix the mapping.", side="api"),
            )
        ]
    for dist, key in closest(first, [k for k in keys if k and "/" not in k]):
        url = d.request.with_path(join((key, *segs.parts[1:]))).url
        ok = routed(d.try_url(url))
        ranked.append(
            (
                1 if ok else 20,
                Finding(
                    "BASE_PATH_UNMAPPED",
                    f"No mapping of {domain.name} has base path "
                    f"{first!r}; did you mean {key!r}" + (" (case)" if dist == 0 else "") + "?",
                    ev,
                    Fix(f"Use base path {key!r}.", url, cmd.curl(d.request, url)),
                    verified=ok,
                ),
            )
        )
    for key in keys:
        if not key:
            continue
        for drop in (0, 1):
            url = d.request.with_path(join((*key.split("/"), *segs.parts[drop:]))).url
            if routed(d.try_url(url)):
                how = "is missing the base path" if drop == 0 else f"has {first!r} where the base path goes"
                ranked.append(
                    (
                        5,
                        Finding(
                            "BASE_PATH_UNMAPPED",
                            f"The URL {how} {key!r}.",
                            ev,
                            Fix(f"Start the path with /{key}.", url, cmd.curl(d.request, url)),
                            verified=True,
                        ),
                    )
                )
                break
    known = ", ".join(repr(k or "(none)") for k in keys) or "none"
    fix = Fix(
        f"Use a mapped base path ({known}), or map this one to the API stage it should reach.",
        commands=(
            cmd.aws(
                "apigateway",
                "create-base-path-mapping",
                "--domain-name",
                domain.name,
                "--base-path",
                first or "(none)",
                "--rest-api-id",
                "API_ID",
                "--stage",
                "STAGE",
                region=domain.region or "us-east-1",
            )
            .replace("API_ID", '"$API_ID"')
            .replace("STAGE", '"$STAGE"'),
        ),
        side="either",
    )
    ranked.append(
        (
            30,
            Finding(
                "BASE_PATH_UNMAPPED",
                f"No mapping of custom domain {domain.name} matches "
                f"{segs.as_path()!r} and there is no (none) mapping (mappings: {known}): 403 "
                "Forbidden.",
                ev,
                fix,
            ),
        )
    )
    return merge([f for _, f in sorted(ranked, key=lambda x: x[0])])


def custom_domain_urls(d: Diagnoser) -> list[str]:
    """Verified custom-domain URLs that reach the same API and stage as the request."""
    api = d.o.api
    assert api is not None
    segs = split(d.request.raw_path)
    urls: list[str] = []
    for domain in d.world.domains:
        for m in domain.mappings:
            if m.api_id != api.id:
                continue
            base = m.key_segments
            if isinstance(api, RestApi):
                if not segs.parts:
                    continue
                if m.stage is None:
                    path = join((*base, *segs.parts))
                elif m.stage == segs.parts[0]:
                    path = join((*base, *segs.parts[1:]))
                else:
                    continue
            else:
                path = join((*base, *segs.parts))
            url = f"https://{domain.name}{path}" + (f"?{d.request.query}" if d.request.query else "")
            if routed(d.try_url(url)):
                urls.append(url)
    return urls
