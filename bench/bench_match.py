"""How route matching scales with the size of a REST API: the trie against a naive scan, same run.

Builds REST resource trees of about 10, 1,000 and 10,000 resources (services with nested literals,
path parameters, a greedy ``{path+}`` per service and an OPTIONS-only ``/{proxy+}`` at the root),
compiles the Gateway once per tree, then times the same mix of requests (hits and misses, shallow
and deep, greedy and backtracking) with:

* ``trie``: the gateway's compiled router (``Trie.match_rest`` on the split path);
* ``scan``: the naive matcher, a linear scan over every resource with one regex per template,
  keeping the best match by the same precedence (literal < param < greedy, method or ANY);
* ``gateway``: the whole walk (``Gateway.handle``: host, stage, route, auth, response), for scale.

Run: ``PYTHONPATH=src python bench/bench_match.py [--json bench/results/match.json]``.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from apigw_doctor.gateway import Gateway, Request
from apigw_doctor.gateway.paths import split
from apigw_doctor.gateway.router import Trie
from apigw_doctor.model import Method, Resource, RestApi, RestDeployment, Stage, World

SIZES = (10, 1_000, 10_000)
HOST = "https://bench01.execute-api.us-east-1.amazonaws.com"
ROUND_SECONDS = 0.3
ROUNDS = 7


# -- the trees ---------------------------------------------------------------------------------------------
def service_routes(i: int) -> list[tuple[str, tuple[str, ...]]]:
    """One service's resources: (path, methods). Nine resources, up to five segments deep; the first
    eight (all a 10-resource tree holds) cover every request shape of :func:`requests_for`."""
    s = f"/svc{i}"
    return [
        (s, ("GET",)),
        (f"{s}/items", ("GET", "POST")),
        (f"{s}/items/{{id}}", ("GET", "PUT", "DELETE")),
        (f"{s}/items/{{id}}/parts", ("GET",)),
        (f"{s}/items/{{id}}/parts/{{partId}}", ("GET", "ANY")),
        (f"{s}/items/search", ("GET",)),
        (f"{s}/admin", ()),
        (f"{s}/files/{{path+}}", ("GET",)),
        (f"{s}/admin/reports", ("GET",)),
    ]


def build_resources(n: int) -> tuple[Resource, ...]:
    """About ``n`` resources: the root (GET), ``/{proxy+}`` (OPTIONS) and as many services as fit."""
    routes: list[tuple[str, tuple[str, ...]]] = [("/", ("GET",)), ("/{proxy+}", ("OPTIONS",))]
    i = 0
    while len(routes) < n:
        routes += service_routes(i)[: n - len(routes)]
        i += 1
    return tuple(
        Resource(path=path, methods=tuple(Method(http_method=m, integration_type="MOCK") for m in methods), id=f"r{k}")
        for k, (path, methods) in enumerate(routes)
    )


def build_world(resources: tuple[Resource, ...]) -> World:
    api = RestApi(
        id="bench01",
        endpoint_type="REGIONAL",
        resources=resources,
        deployments=(RestDeployment(id="d1", resources=resources),),
        stages=(Stage(name="prod", deployment_id="d1"),),
    )
    return World(apis=(api,))


def services_in(resources: tuple[Resource, ...]) -> int:
    return sum(1 for r in resources if re.fullmatch(r"/svc\d+", r.path))


def requests_for(resources: tuple[Resource, ...]) -> list[tuple[str, str]]:
    """(method, path) pairs: hits and misses, shallow and deep, in the first, middle and last service.

    The mix has the same 27 requests of the same shapes at every size (a 10-resource tree has one service).
    """
    n = services_in(resources)
    picks = [0, n // 2, max(n - 1, 0)]
    out: list[tuple[str, str]] = [("GET", "/"), ("GET", "/nowhere/at/all"), ("OPTIONS", "/any/thing")]
    for k in picks:
        s = f"/svc{k}"
        out += [
            ("GET", s),  # shallow hit
            ("GET", f"{s}/items/123/parts/9"),  # deep hit, two params
            ("PATCH", f"{s}/items/123/parts/9"),  # deep hit through ANY
            ("GET", f"{s}/items/search"),  # literal beats param
            ("GET", f"{s}/files/a/b/c.txt"),  # greedy
            ("PATCH", f"{s}/items"),  # miss: wrong method
            ("GET", f"{s}/admin"),  # miss: resource without methods
            ("GET", f"{s}/items/123/parts/9/x"),  # miss: too deep, backtracks to the root
        ]
    return out


# -- the naive baseline ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ScanEntry:
    template: str
    regex: re.Pattern[str]
    names: tuple[str, ...]
    kinds: tuple[int, ...]
    methods: frozenset[str]


def _compile(template: str) -> tuple[re.Pattern[str], tuple[str, ...], tuple[int, ...]]:
    pattern, names, kinds = "", [], []
    for part in (p for p in template.split("/") if p):
        if part.endswith("+}"):
            pattern, kind = pattern + "/(.+)", 2
            names.append(part[1:-2])
        elif part.startswith("{"):
            pattern, kind = pattern + "/([^/]+)", 1
            names.append(part[1:-1])
        else:
            pattern, kind = pattern + "/" + re.escape(part), 0
        kinds.append(kind)
    return re.compile("^" + (pattern or "/") + "$"), tuple(names), tuple(kinds)


class Scan:
    """Linear scan: every template's regex is tried; the smallest kind sequence with the method wins."""

    def __init__(self, resources: Sequence[Resource]) -> None:
        self.entries = [
            ScanEntry(r.path, *_compile(r.path), frozenset(m.http_method for m in r.methods)) for r in resources
        ]

    def match(self, path: str, method: str) -> tuple[str, str, tuple[tuple[str, str], ...]] | None:
        norm = "/" + "/".join(p for p in path.split("/") if p)
        best: tuple[tuple[int, ...], str, str, tuple[tuple[str, str], ...]] | None = None
        for e in self.entries:
            key = method if method in e.methods else ("ANY" if "ANY" in e.methods else None)
            if key is None or (best is not None and e.kinds >= best[0]):
                continue
            m = e.regex.match(norm)
            if m is not None:
                best = (e.kinds, e.template, key, tuple(zip(e.names, m.groups(), strict=True)))
        return None if best is None else best[1:]


# -- timing ------------------------------------------------------------------------------------------------
def mean_ns(work: Callable[[], object], calls_per_pass: int) -> float:
    """Best-of-ROUNDS mean time per call; each round repeats ``work`` for about ROUND_SECONDS."""
    start = time.perf_counter_ns()
    work()
    one_pass = max(time.perf_counter_ns() - start, 1)
    reps = max(1, int(ROUND_SECONDS * 1e9 / one_pass))
    means = []
    for _ in range(ROUNDS):
        start = time.perf_counter_ns()
        for _ in range(reps):
            work()
        means.append((time.perf_counter_ns() - start) / (reps * calls_per_pass))
    return min(means)


def bench_size(n: int) -> dict[str, float]:
    resources = build_resources(n)
    gateway = Gateway(build_world(resources))
    api = gateway.world.apis[0]
    assert isinstance(api, RestApi)
    gateway.handle(Request.from_url("GET", f"{HOST}/prod/"))  # compiles the trie once
    trie: Trie[Method] = gateway.rest_trie(api, resources, "d1")
    scan = Scan(resources)
    reqs = requests_for(resources)
    parsed = [Request.from_url(m, f"{HOST}/prod{p}") for m, p in reqs]
    check_agreement(trie, scan, reqs)

    def run_trie() -> None:
        for method, path in reqs:
            trie.match_rest(split(path), method)

    def run_scan() -> None:
        for method, path in reqs:
            scan.match(path, method)

    def run_gateway() -> None:
        for request in parsed:
            gateway.handle(request)

    return {
        "resources": float(len(resources)),
        "requests": float(len(reqs)),
        "trie_ns": mean_ns(run_trie, len(reqs)),
        "scan_ns": mean_ns(run_scan, len(reqs)),
        "gateway_ns": mean_ns(run_gateway, len(parsed)),
    }


def check_agreement(trie: Trie[Method], scan: Scan, reqs: list[tuple[str, str]]) -> None:
    """The baseline must be a correct matcher, or the comparison means nothing."""
    for method, path in reqs:
        found = trie.match_rest(split(path), method)
        got = None if found is None else (found.template, found.method, found.path_parameters)
        assert got == scan.match(path, method), (method, path, got, scan.match(path, method))


# -- report ------------------------------------------------------------------------------------------------
def report(rows: list[dict[str, float]]) -> dict[str, object]:
    first, last = rows[0], rows[-1]
    return {
        "rows": rows,
        "trie_10k_over_trie_10": last["trie_ns"] / first["trie_ns"],
        "scan_10k_over_trie_10k": last["scan_ns"] / last["trie_ns"],
        "scan_10k_over_scan_10": last["scan_ns"] / first["scan_ns"],
        "rounds": ROUNDS,
        "round_seconds": ROUND_SECONDS,
    }


def print_table(result: dict[str, object], rows: list[dict[str, float]]) -> None:
    print(f"{'resources':>10} {'requests':>9} {'trie ns':>10} {'scan ns':>12} {'gateway ns':>11} {'scan/trie':>10}")
    for r in rows:
        print(
            f"{int(r['resources']):>10} {int(r['requests']):>9} {r['trie_ns']:>10.0f} {r['scan_ns']:>12.0f} "
            f"{r['gateway_ns']:>11.0f} {r['scan_ns'] / r['trie_ns']:>10.1f}"
        )
    print(f"trie(10k)/trie(10) = {result['trie_10k_over_trie_10']:.2f}   (flat: near 1)")
    print(f"scan(10k)/trie(10k) = {result['scan_10k_over_trie_10k']:.0f}")
    print(f"scan(10k)/scan(10) = {result['scan_10k_over_scan_10']:.0f}   (linear in the tree size)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    rows = [bench_size(n) for n in SIZES]
    result = report(rows)
    print_table(result, rows)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
