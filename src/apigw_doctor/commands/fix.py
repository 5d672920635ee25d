"""`apigw-doctor fix URL`: the remediation plan for the rank-1 cause (read-only: nothing is changed)."""

from __future__ import annotations

import argparse
from typing import TextIO

from .common import add_aws_options, add_output_options, add_request_arguments, parse_request, use_color

SIDE_CHOICES = ("auto", "client", "api")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "fix",
        help="show the remediation plan for a failing request (changes nothing)",
        description="Diagnose METHOD URL against the live account and print the plan for the most likely cause: "
        "the corrected request for causes on the client's side; for causes in the API, the AWS calls in order, "
        "their blast radius (stages, custom-domain mappings, usage plans, canary, every route a redeploy "
        "publishes) and, when infrastructure code manages the API, its patch first. Read-only. "
        "Exit 0: the request already works; 1: a plan was printed; 2: bad input.",
    )
    add_request_arguments(p)
    p.add_argument(
        "--side",
        choices=SIDE_CHOICES,
        default="auto",
        help="auto: the corrected request when the client is at fault, else the change to the API; api: plan the "
        "change to the API even when a corrected request would do (e.g. add the method that was called)",
    )
    add_output_options(p)
    add_aws_options(p)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from dataclasses import replace

    from .. import __version__
    from ..binding import bind_unknown_ids
    from ..diagnosis import diagnose
    from ..fix import build_plan, choose_side
    from ..fix.facts import usage_plans
    from ..render.fix import exit_code, render_fix, to_json
    from ..sources.live import LiveSource

    request = parse_request(args)
    source = LiveSource.from_args(args)
    world = bind_unknown_ids(source.world_for_request(request), request)
    result = diagnose(request, world, saw_status=None, saw_body=None)
    api = result.outcome.api
    usage = None
    if result.fails and api is not None and choose_side(result.findings[0], args.side) == "api":
        domains = source.world_of_domains(api.region)  # what serves the stage: the API itself is already read
        world = replace(world, domains=domains.domains, notes=(*world.notes, *domains.notes))
        usage = usage_plans(source, api.region)
    plan = build_plan(result, world, usage, args.side)
    if args.format == "json":
        out.write(to_json(plan, __version__, len(source.calls)))
    else:
        out.write(render_fix(plan, use_color(args.color, out), source.calls.summary()))
    return exit_code(plan)
