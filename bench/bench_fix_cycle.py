"""A full fix + verify + rollback cycle against the embedded sandbox (moto on 127.0.0.1), pacing on.

For each case of the demo account, median of N runs (the account is re-seeded before each run):

* baseline: the read-only plan (`fix URL`, what an engineer runs first), its AWS calls and wall time;
* `fix URL --apply --yes`: backup, change, verification (stage re-read and a fresh diagnosis), its calls;
* `rollback BACKUP`: undo and field-by-field verification, its calls;
* the ratio (apply + rollback) / plan, in calls and in time.

Usage: python bench/bench_fix_cycle.py [--runs 5] [--json PATH]
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

CASES = (
    ("NOT_DEPLOYED: redeploy", "NOT_DEPLOYED", ()),
    ("PROXY_PARENT_NOT_COVERED: add the root method", "PROXY_PARENT_NOT_COVERED", ("--allow-api-changes",)),
)


def cli(*argv: str) -> tuple[int, dict[str, Any], float]:
    from apigw_doctor.cli import main

    out, err = io.StringIO(), io.StringIO()
    gc.collect()  # moto's server shares this process: a full collection of its heap is not the command's time
    t0 = time.perf_counter()
    code = main([*argv, "--format", "json"], out, err)
    elapsed = time.perf_counter() - t0
    if code not in (0, 1):
        raise SystemExit(f"apigw-doctor {' '.join(argv)}: exit {code}: {err.getvalue()}")
    return code, json.loads(out.getvalue()), elapsed


def one_cycle(box: Any, verdict: str, extra: tuple[str, ...], backups: str) -> dict[str, Any]:
    from apigw_doctor.sandbox import seed_demo

    box.reset()
    demo = seed_demo(box)
    url = demo.trap(verdict).url
    cli("fix", url, *extra)  # warm-up: moto builds its backends lazily on the first requests after a reset
    _, plan, plan_t = cli("fix", url, *extra)
    _, applied, apply_t = cli("fix", url, *extra, "--apply", "--yes", "--backup-dir", backups)
    result = applied["apply"]["result"]
    if result != "FIXED":
        raise SystemExit(f"{verdict}: {result}: {applied['apply']['reason']}")
    _, undone, rollback_t = cli("rollback", applied["apply"]["backup"])
    if undone["result"] != "ROLLED BACK":
        raise SystemExit(f"{verdict}: rollback: {undone['differences']}")
    return {
        "plan_calls": plan["aws_calls"],
        "plan_s": plan_t,
        "apply_calls": applied["aws_calls"],
        "apply_writes": len(applied["apply"]["steps"]),
        "apply_s": apply_t,
        "rollback_calls": undone["aws_calls"],
        "rollback_writes": len(undone["undone"]),
        "rollback_s": rollback_t,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--json", metavar="PATH")
    args = parser.parse_args()
    from apigw_doctor.sandbox import Sandbox

    rows = []
    with Sandbox() as box, tempfile.TemporaryDirectory() as backups:
        os.environ.update(box.env({}))
        for title, verdict, extra in CASES:
            runs = [one_cycle(box, verdict, extra, backups) for _ in range(args.runs)]
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            cycle_calls = med["apply_calls"] + med["rollback_calls"]
            cycle_s = med["apply_s"] + med["rollback_s"]
            rows.append(
                {
                    "case": title,
                    **med,
                    "cycle_calls": cycle_calls,
                    "cycle_s": cycle_s,
                    "calls_ratio": cycle_calls / med["plan_calls"],
                    "time_ratio": cycle_s / med["plan_s"],
                }
            )
    print(f"fix + verify + rollback, median of {args.runs} runs (pacing on; baseline: the read-only plan)")
    print(f"{'case':48} {'plan':>14} {'apply':>18} {'rollback':>16} {'cycle/plan':>14}")
    for r in rows:
        print(
            f"{r['case']:48} {r['plan_calls']:>3.0f} calls {r['plan_s'] * 1000:>4.0f} ms "
            f"{r['apply_calls']:>3.0f} calls ({r['apply_writes']:.0f} w) {r['apply_s'] * 1000:>4.0f} ms "
            f"{r['rollback_calls']:>3.0f} calls ({r['rollback_writes']:.0f} w) {r['rollback_s'] * 1000:>4.0f} ms "
            f"{r['calls_ratio']:>5.2f}x calls {r['time_ratio']:>5.2f}x time"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
