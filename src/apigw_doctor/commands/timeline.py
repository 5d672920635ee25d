"""`apigw-doctor timeline --api ID`: the API's changes from CloudTrail, and which are not live on each stage."""

from __future__ import annotations

import argparse
from typing import TextIO

from ..errors import InputError
from .common import add_aws_options, add_output_options, use_color


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "timeline",
        help="who changed the API and when (CloudTrail), and which changes are not live on each stage",
        description="The API's management events from CloudTrail in time order, with who made each change and "
        "what it touched, marking the changes made after each stage's current deployment was created (they are "
        "not live there). Needs cloudtrail:LookupEvents; without it, one line says so and the exit code is 0. "
        "Exit 0: done; 2: bad input.",
    )
    p.add_argument("--api", dest="api_id", required=True, metavar="ID", help="the API id")
    p.add_argument(
        "--since",
        default="7d",
        metavar="WHEN",
        help="how far back: 7d, 12h, 30m, or an ISO date such as 2024-05-01 (default 7d; CloudTrail keeps 90 days)",
    )
    p.add_argument("--stage", help="only this stage (and the changes not tied to another stage)")
    p.add_argument(
        "--max-events",
        type=_positive,
        default=5000,
        metavar="N",
        help="stop reading CloudTrail after N API Gateway events (default 5000)",
    )
    add_output_options(p)
    add_aws_options(p)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from datetime import UTC, datetime

    from .. import __version__
    from ..render.timeline import render_timeline, to_json, unavailable_json
    from ..sources.live import LiveSource
    from ..timeline import build, fetch, parse_since, unavailable_line

    now = datetime.now(UTC)
    since = parse_since(args.since, now)
    source = LiveSource.from_args(args)
    world = source.world_for_apis([args.api_id], region=args.region, include_domains=False)
    api = world.api(args.api_id)
    if api is None:
        where = f" in {args.region}" if args.region else ""
        raise InputError(f"no REST or HTTP API with id {args.api_id}{where}", "--api")
    if args.stage is not None and api.stage(args.stage) is None:
        names = ", ".join(repr(s.name) for s in api.stages) or "none"
        raise InputError(f"API {api.id} has no stage {args.stage!r} (stages: {names})", "--stage")
    fetched = fetch(source.client("cloudtrail", api.region), since, now, max_events=args.max_events)
    if not fetched.available:
        if args.format == "json":
            out.write(unavailable_json(api, fetched.reason, __version__))
        else:
            out.write(unavailable_line(fetched.reason) + "\n")
        return 0
    timeline = build(fetched.events, world, args.api_id, now, since=since, stage=args.stage, complete=fetched.complete)
    if args.format == "json":
        out.write(to_json(timeline, __version__, complete=fetched.complete))
    else:
        out.write(render_timeline(timeline, use_color(args.color, out)))
    return 0
