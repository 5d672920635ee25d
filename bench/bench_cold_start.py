"""Cold start of `apigw-doctor diagnose` on a small OpenAPI export, against `python -c pass`, in the same run.

Each command runs N times, alternating, in fresh processes; the script prints medians and the ratio.
Usage: python bench/bench_cold_start.py [--runs 15] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXPORT = {
    "openapi": "3.0.1",
    "info": {"title": "pets", "version": "1"},
    "servers": [
        {
            "url": "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/{basePath}",
            "variables": {"basePath": {"default": "/prod"}},
        }
    ],
    "paths": {
        "/pets": {"get": {}, "post": {}},
        "/pets/{petId}": {"get": {}, "delete": {}},
        "/orders": {"post": {}},
    },
}


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
"""Bytecode caching on, as for an installed package (the warm-up run writes the .pyc files)."""


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=ENV)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--json", dest="json_path")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "export.json"
        src.write_text(json.dumps(EXPORT))
        url = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod/pest"
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "apigw-doctor --help": [sys.executable, "-m", "apigw_doctor", "--help"],
            "apigw-doctor diagnose (text)": [
                sys.executable,
                "-m",
                "apigw_doctor",
                "diagnose",
                url,
                "--source",
                str(src),
            ],
            "apigw-doctor diagnose (json)": [
                sys.executable,
                "-m",
                "apigw_doctor",
                "diagnose",
                url,
                "--source",
                str(src),
                "--format",
                "json",
            ],
        }
        for cmd in commands.values():
            timed(cmd)  # warm the page cache and .pyc files
        times: dict[str, list[float]] = {k: [] for k in commands}
        for _ in range(args.runs):
            for name, cmd in commands.items():
                times[name].append(timed(cmd))
    base = statistics.median(times["python -c pass"])
    rows = {
        name: {"median_ms": statistics.median(t) * 1000, "ratio": statistics.median(t) / base}
        for name, t in times.items()
    }
    print(f"{'command':34} {'median ms':>10} {'x python -c pass':>17}")
    for name, row in rows.items():
        print(f"{name:34} {row['median_ms']:10.1f} {row['ratio']:17.2f}")
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
