"""`apigw-doctor drift`: what each stage serves against the working copy, newer deployments and canaries."""

from __future__ import annotations

import argparse
from typing import TextIO

from ..errors import InputError
from .common import add_aws_options, add_output_options, use_color


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "drift",
        help="list what each stage does not serve yet: undeployed routes, auth changes, newer deployments, canaries",
        description="For each stage of the APIs: routes of the working copy it does not serve, routes it still "
        "serves that were deleted, auth and API-key changes not yet live, a newer deployment it does not point at, "
        "canary differences and failed auto-deploys, each with the command that fixes it. "
        "Exit 0: no drift; 1: drift; 2: bad input.",
    )
    p.add_argument("--api", dest="api_ids", action="append", default=[], metavar="ID", help="an API id (repeatable)")
    p.add_argument("--all", dest="all_apis", action="store_true", help="every REST and HTTP API of the region")
    add_output_options(p)
    add_aws_options(p)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from .. import __version__
    from ..drift import compute
    from ..render.drift import exit_code, render_drift, to_json
    from ..sources.live import LiveSource

    if not args.api_ids and not args.all_apis:
        raise InputError("give --api ID (repeatable) or --all", "drift")
    if args.api_ids and args.all_apis:
        raise InputError("--api and --all exclude each other", "drift")
    source = LiveSource.from_args(args)
    world = source.world_for_apis(
        args.api_ids or None, all_apis=args.all_apis, region=args.region, include_domains=False
    )
    report = compute(world, None if args.all_apis else args.api_ids)
    if report.missing:
        where = f" in {args.region}" if args.region else ""
        raise InputError(f"no REST or HTTP API with id {', '.join(report.missing)}{where}", "--api")
    if args.format == "json":
        out.write(to_json(report, __version__))
    else:
        out.write(render_drift(report, use_color(args.color, out)))
    return exit_code(report)
