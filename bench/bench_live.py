"""Live-source figures against the embedded sandbox (moto on 127.0.0.1), each against a baseline in the same run.

1. Per trap URL of the demo API: AWS calls per diagnosis, and the wall time of a live diagnosis against the
   same diagnosis from a snapshot file (the offline baseline): ratio live / offline.
2. `snapshot --all` of N APIs (default 200) with the quota pacing on: calls, throttles seen, wall time, and the
   quota-bound minimum for those calls (10 requests/s with a burst of 40; GetResources 5 per 2 s), as a ratio.

Usage: python bench/bench_live.py [--apis 200] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path


def quota_bound_seconds(total: int, get_resources: int) -> float:
    """The least time API Gateway's management quotas allow for these calls (reference 8.2)."""
    overall = max(0.0, (total - 40) / 10.0)
    resources = max(0.0, (get_resources - 5) / 2.5)
    return max(overall, resources)


def bench_diagnoses(box, runs: int) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    from apigw_doctor.diagnosis import diagnose
    from apigw_doctor.gateway import Request
    from apigw_doctor.sandbox import seed_demo
    from apigw_doctor.sources import load, write_snapshot
    from apigw_doctor.sources.live import LiveConfig, LiveSource

    box.reset()
    demo = seed_demo(box)
    config = LiveConfig(region=demo.region, endpoint_url=box.endpoint_url)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        snap = Path(tmp) / "world.json"
        world = LiveSource(config, session=box.session()).world_for_apis(all_apis=True)
        write_snapshot(world, str(snap))
        for trap in demo.traps:
            request = Request.from_url(trap.method, trap.url, trap.headers)
            live_t, off_t, calls = [], [], 0
            for _ in range(runs):
                t0 = time.perf_counter()
                source = LiveSource(config, session=box.session())
                verdict = diagnose(request, source.world_for_request(request)).verdict
                live_t.append(time.perf_counter() - t0)
                calls = len(source.calls)
                t0 = time.perf_counter()
                offline = diagnose(request, load([str(snap)])).verdict
                off_t.append(time.perf_counter() - t0)
            rows.append(
                {
                    "trap": trap.title,
                    "verdict": verdict,
                    "offline_verdict": offline,
                    "calls": calls,
                    "live_ms": statistics.median(live_t) * 1000,
                    "offline_ms": statistics.median(off_t) * 1000,
                    "ratio": statistics.median(live_t) / statistics.median(off_t),
                }
            )
    return rows


def seed_many(box, n: int) -> None:  # type: ignore[no-untyped-def]
    ag = box.client("apigateway")
    for i in range(n):
        api = ag.create_rest_api(name=f"bench-{i}", endpointConfiguration={"types": ["REGIONAL"]})
        root = ag.get_resources(restApiId=api["id"])["items"][0]["id"]
        res = ag.create_resource(restApiId=api["id"], parentId=root, pathPart="items")
        ag.put_method(restApiId=api["id"], resourceId=res["id"], httpMethod="GET", authorizationType="NONE")
        ag.put_integration(
            restApiId=api["id"],
            resourceId=res["id"],
            httpMethod="GET",
            type="HTTP_PROXY",
            integrationHttpMethod="GET",
            uri="https://backend.example.com/items",
        )
        ag.create_deployment(restApiId=api["id"], stageName="prod")


def bench_snapshot_all(box, n: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from apigw_doctor.sources.live import LiveConfig, LiveSource

    box.reset()
    t0 = time.perf_counter()
    seed_many(box, n)
    seeded = time.perf_counter() - t0
    source = LiveSource(LiveConfig(region=box.region, endpoint_url=box.endpoint_url), session=box.session())
    t0 = time.perf_counter()
    world = source.world_for_apis(all_apis=True, include_domains=False)
    wall = time.perf_counter() - t0
    ops = [c.operation for c in source.calls]
    minimum = quota_bound_seconds(len(ops), ops.count("GetResources"))
    return {
        "apis": len(world.apis),
        "calls": len(ops),
        "get_resources_calls": ops.count("GetResources"),
        "throttles": source.calls.throttles,
        "wall_s": wall,
        "quota_bound_min_s": minimum,
        "ratio_wall_to_min": wall / minimum if minimum else None,
        "seed_s": seeded,
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--apis", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", dest="json_path")
    args = ap.parse_args()
    from apigw_doctor.sandbox import Sandbox

    with Sandbox() as box:
        rows = bench_diagnoses(box, args.runs)
        snap = bench_snapshot_all(box, args.apis)
    print(f"{'trap':52} {'verdict':28} {'calls':>5} {'live ms':>8} {'file ms':>8} {'ratio':>6}")
    for r in rows:
        print(
            f"{r['trap']!s:52.52} {r['verdict']!s:28} {r['calls']:>5} {r['live_ms']:8.1f} {r['offline_ms']:8.1f} "
            f"{r['ratio']:6.1f}"
        )
    print(
        f"\nsnapshot --all of {snap['apis']} APIs, pacing on: {snap['calls']} calls "
        f"({snap['get_resources_calls']} GetResources), {snap['throttles']} throttles, {snap['wall_s']:.1f} s; "
        f"quota-bound minimum {snap['quota_bound_min_s']:.1f} s; ratio {snap['ratio_wall_to_min'] or 0:.2f}"
    )
    if args.json_path:
        Path(args.json_path).write_text(json.dumps({"diagnoses": rows, "snapshot_all": snap}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
