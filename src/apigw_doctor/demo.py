"""`apigw-doctor demo`: the main job on the embedded default, with no AWS account and no network.

It starts moto's server in this process on 127.0.0.1, builds a realistic API with the classic traps through
boto3, then runs the real ``diagnose`` (through the live source, as against a real account), ``drift``,
``fix --apply`` + ``rollback`` (on the NOT_DEPLOYED trap) and ``snapshot`` against it, and prints each verdict
and fix.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any, TextIO


def run_demo(out: TextIO, fmt: str = "text", color: bool = False) -> int:
    from . import __version__
    from .diagnosis import diagnose
    from .drift import compute
    from .gateway import Request
    from .render.drift import render_drift
    from .render.report import report
    from .render.text import Style, render_short, wrap
    from .sandbox import Sandbox, seed_demo
    from .sources import load, write_snapshot
    from .sources.live import LiveConfig, LiveSource

    s = Style(color)
    started = time.perf_counter()
    with Sandbox() as box:
        box.reset()  # moto's state is per process: start from an empty account
        demo = seed_demo(box)
        config = LiveConfig(region=demo.region, endpoint_url=box.endpoint_url)
        results = []
        calls = 0
        for trap in demo.traps:
            source = LiveSource(config, session=box.session())
            request = Request.from_url(trap.method, trap.url, trap.headers)
            world = source.world_for_request(request)
            results.append((trap, diagnose(request, world), len(source.calls)))
            calls += len(source.calls)
        live = LiveSource(config, session=box.session())
        world = live.world_for_apis([demo.api_id])
        drift = compute(world)
        with tempfile.TemporaryDirectory(prefix="apigw-doctor-demo-") as tmp:
            fixed, undone = _fix_and_roll_back(box, demo.trap("NOT_DEPLOYED").url, tmp)
            path = Path(tmp) / "world.json"
            write_snapshot(world, str(path))
            offline = load([str(path)])
            first = demo.traps[0]
            again = diagnose(Request.from_url(first.method, first.url, first.headers), offline)
            snapshot_size = path.stat().st_size
        endpoint = box.endpoint_url
    elapsed = time.perf_counter() - started
    if fmt == "json":
        doc = {
            "schema": 1,
            "endpoint": endpoint,
            "traps": [
                {"title": t.title, "expected": t.expected_verdict, "calls": n, **report(d, __version__)}
                for t, d, n in results
            ],
            "drift_stages": len(drift.stages),
            "fix": {"result": fixed["apply"]["result"], "aws_calls": fixed["aws_calls"]},
            "rollback": {"result": undone["result"], "aws_calls": undone["aws_calls"]},
            "snapshot_verdict": again.verdict,
        }
        out.write(json.dumps(doc, indent=2) + "\n")
        good = all(d.verdict == t.expected_verdict for t, d, _ in results)
        return 0 if good and fixed["apply"]["result"] == "FIXED" and undone["result"] == "ROLLED BACK" else 1
    out.write(s.bold("apigw-doctor demo") + f": a local AWS (moto) on {endpoint}, seeded through boto3 with\n")
    out.write(
        f"REST API {demo.api_id} ({demo.region}), stages {', '.join(demo.stages)}, custom domain {demo.domain}.\n"
    )
    out.write("Each request is diagnosed through the live source, exactly as against a real account.\n\n")
    for i, (trap, d, n) in enumerate(results, 1):
        out.write(s.bold(f"── {i}. {trap.title}") + f"  ({n} read-only AWS calls)\n")
        out.write(render_short(d, color) + "\n")
    out.write(s.bold("── drift: what the working copy has that the stages do not serve") + "\n")
    out.write(render_drift(drift, color) + "\n")
    out.write(s.bold("── fix --apply on the NOT_DEPLOYED trap, then rollback") + "\n")
    applied = fixed["apply"]
    lines = wrap(
        f"backup written first; {', '.join(st['operation'] for st in applied['steps'])}; verified: "
        f"{applied['verification']['stage']}, diagnosis now {applied['verification']['verdict']} "
        f"-> {applied['result']} ({fixed['aws_calls']} AWS calls)",
        "    ",
        "  ",
    ) + wrap(
        f"rollback: {'; '.join(u['detail'] for u in undone['undone'])}; the stage equals the backup field by "
        f"field -> {undone['result']} ({undone['aws_calls']} AWS calls)",
        "    ",
        "  ",
    )
    out.write("\n".join(lines) + "\n\n")
    out.write(s.bold("── snapshot") + "\n")
    out.write(
        f"  wrote the whole API ({snapshot_size:,} bytes) with snapshot; diagnosing trap 1 from that file offline "
        f"gives {again.verdict}, as live.\n\n"
    )
    out.write(s.bold("Summary") + "\n")
    ok = 0
    for i, (trap, d, _) in enumerate(results, 1):
        mark = "✓" if d.verdict == trap.expected_verdict else "✗"
        ok += d.verdict == trap.expected_verdict
        out.write(f"  {mark} {i:2}. {d.verdict:<28} {trap.title}\n")
    out.write(
        f"\n{ok}/{len(results)} traps named correctly, {calls} AWS calls, {elapsed:.1f} s.\n"
        "\nTry next, against your own account (read-only; docs/iam-policy.json lists the permissions):\n"
        "  apigw-doctor diagnose https://{api-id}.execute-api.{region}.amazonaws.com/{stage}/{path} [--profile P]\n"
        "  apigw-doctor drift --api {api-id} --region {region}\n"
        "  apigw-doctor fix URL   # the plan; --apply makes it (backup, verify, rollback: docs/fix.md)\n"
        "  apigw-doctor snapshot --all --region {region} -o world.json   # then: diagnose URL --source world.json\n"
    )
    return 0 if ok == len(results) and applied["result"] == "FIXED" and undone["result"] == "ROLLED BACK" else 1


def _fix_and_roll_back(box: object, url: str, backups: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """``fix URL --apply --yes`` then ``rollback BACKUP``, through the CLI, against the sandbox."""
    import io
    import os

    from .cli import main
    from .sandbox import Sandbox

    assert isinstance(box, Sandbox)
    saved = dict(os.environ)
    os.environ.update(box.env({}))
    try:
        out = io.StringIO()
        main(["fix", url, "--apply", "--yes", "--backup-dir", backups, "--format", "json"], out, io.StringIO())
        fixed: dict[str, Any] = json.loads(out.getvalue())
        out = io.StringIO()
        main(["rollback", fixed["apply"]["backup"], "--format", "json"], out, io.StringIO())
        undone: dict[str, Any] = json.loads(out.getvalue())
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return fixed, undone
