"""Shared by the route and stage causes: compiled route lookups, joining paths, merging findings."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..gateway import Outcome
from ..gateway.paths import Segments
from ..gateway.router import Node, Trie
from ..gateway.walk import NO_DEPLOYMENT
from ..model import HttpApi, Method, RestApi, Route
from .findings import Finding, Fix

if TYPE_CHECKING:
    from .diagnose import Diagnoser


def routed(out: Outcome | None) -> bool:
    return out is not None and out.matched is not None


def snapshot_ids(api: RestApi | HttpApi) -> list[str]:
    """Ids of the API's deployments whose route snapshot is known."""
    if isinstance(api, RestApi):
        return [d.id for d in api.deployments if d.resources is not None]
    return [d.id for d in api.deployments if d.routes is not None]


def join(parts: tuple[str, ...] | list[str]) -> str:
    return "/" + "/".join(parts)


def trie_for(d: Diagnoser, api: RestApi | HttpApi, key: str) -> Trie[Method] | Trie[Route]:
    """The compiled routes of the working copy (``key="working"``) or of deployment ``key``."""
    if isinstance(api, RestApi):
        if key == "working":
            return d.gw.rest_trie(api, api.resources, "working")
        dep = api.deployment(key)
        assert dep is not None and dep.resources is not None
        return d.gw.rest_trie(api, dep.resources, key)
    if key == "working":
        return d.gw.http_trie(api, api.routes, "working")
    if key == NO_DEPLOYMENT:
        return d.gw.http_trie(api, (), key)
    hdep = api.deployment(key)
    assert hdep is not None and hdep.routes is not None
    return d.gw.http_trie(api, hdep.routes, key)


def match(api: RestApi | HttpApi, trie: Trie[Method] | Trie[Route], segs: Segments, method: str) -> str | None:
    """The template ``method`` ``segs`` routes to in ``trie``, or None."""
    found = trie.match_rest(segs, method) if isinstance(api, RestApi) else trie.match_http(segs, method)
    return f"{found.method} {found.template}" if found is not None else None


def stage_trie(d: Diagnoser, api: RestApi | HttpApi, stage_name: str) -> Trie[Method] | Trie[Route]:
    stage = api.stage(stage_name)
    if isinstance(api, RestApi):
        resources, dep = d.gw.rest_routes(api, stage)
        return d.gw.rest_trie(api, resources, dep or "working")
    routes, hdep = d.gw.http_routes(api, stage)
    return d.gw.http_trie(api, routes, hdep or "working")


def merge(findings: list[Finding]) -> list[Finding]:
    """One finding per code: later ones of the same code become alternatives (or details) of the first."""
    out: list[Finding] = []
    index: dict[str, int] = {}
    for f in findings:
        if f.code not in index:
            index[f.code] = len(out)
            out.append(f)
            continue
        first = out[index[f.code]]
        details, alternatives = first.details, first.alternatives
        if f.fix is not None and (f.fix.url or f.fix.commands):
            alt = Fix(
                f.fix.summary if f.message == first.message else f.message,
                f.fix.url,
                f.fix.curl,
                f.fix.commands,
                f.fix.side,
            )
            alternatives = (*alternatives, alt, *f.alternatives)
        else:
            details = (*details, f.message)
        out[index[f.code]] = replace(first, details=(*details, *f.details), alternatives=alternatives)
    return out


def locate(node: Node[Method] | Node[Route], segs: Segments) -> Node[Method] | Node[Route] | None:
    """The node a path reaches by literals and params, ignoring methods (literal first)."""
    cur = node
    for part in segs.parts:
        nxt = cur.literal.get(part) or cur.param
        if nxt is None:
            return None
        cur = nxt
    return cur
