"""`apigw-doctor diagnose URL`: walk one request and explain why it fails."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from .common import add_aws_options, add_output_options, add_request_arguments, parse_request, use_color

if TYPE_CHECKING:
    from ..model import World


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    d = sub.add_parser(
        "diagnose",
        help="walk one request and explain why it fails",
        description="Walk METHOD URL as API Gateway would, through the API definitions in --source (files) or "
        "the live account (the default), and explain the result. Exit 0: it would succeed; 1: it would fail; "
        "2: bad input.",
    )
    add_request_arguments(d)
    d.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="FILE|live",
        help="an OpenAPI/Swagger export (JSON or YAML), a CloudFormation or SAM template, a Terraform file or "
        "directory (or terraform show -json output), a snapshot file (repeatable), or 'live' (the default): "
        "the AWS account the credentials reach",
    )
    d.add_argument("--saw", type=int, metavar="STATUS", help="the status the client got, to compare")
    d.add_argument("--saw-body", metavar="BODY", help="the body the client got, to compare")
    d.add_argument(
        "--basepath-mode",
        choices=("split", "prepend", "ignore"),
        default="split",
        help="how an OpenAPI basePath is read: split (first segment is the stage; exports), prepend, ignore",
    )
    d.add_argument("--api-kind", choices=("rest", "http"), help="force the kind of API an OpenAPI file describes")
    add_output_options(d)
    add_aws_options(d)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from .. import __version__
    from ..binding import bind_unknown_ids
    from ..diagnosis import diagnose
    from ..render.report import exit_code, to_json
    from ..render.text import render

    request = parse_request(args)
    files = [s for s in args.source if s != "live"]
    live = not args.source or "live" in args.source
    world = _load_files(files, args) if files else None
    if live:
        from ..sources.live import LiveSource

        live_world = LiveSource.from_args(args).world_for_request(request)
        world = live_world if world is None else world.merge(live_world)
    assert world is not None
    world = bind_unknown_ids(world, request)
    result = diagnose(request, world, saw_status=args.saw, saw_body=args.saw_body)
    if args.format == "json":
        out.write(to_json(result, __version__))
    else:
        out.write(render(result, use_color(args.color, out)))
    return exit_code(result)


def _load_files(files: list[str], args: argparse.Namespace) -> World:
    from ..sources import load

    return load(files, basepath_mode=args.basepath_mode, api_kind=args.api_kind.upper() if args.api_kind else None)
