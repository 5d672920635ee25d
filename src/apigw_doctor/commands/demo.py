"""`apigw-doctor demo`: the main job on the embedded default, no AWS account needed."""

from __future__ import annotations

import argparse
from typing import TextIO

from .common import add_output_options, use_color


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = sub.add_parser("demo", help="diagnose a set of broken URLs against a local sandbox API")
    add_output_options(demo)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..demo import run_demo

    return run_demo(out, args.format, use_color(args.color, out))
