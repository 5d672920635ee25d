"""`apigw-doctor snapshot`: the whole World of an account (or of some APIs) as a snapshot file.

This is the "export the config before you change it" backup, and the offline input for
``diagnose --source world.json``. Written atomically; an existing file is kept unless ``--force``.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from ..errors import InputError
from .common import add_aws_options


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "snapshot",
        help="write what the account really has (working copies, deployed snapshots, stages, domains) to a file",
        description="Read APIs from the live account (read-only) and write them as an apigw-doctor snapshot file "
        "(docs/snapshot.md), for diagnose --source FILE and as a backup before a change.",
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--api", action="append", default=[], metavar="ID", help="an API id (repeatable)")
    which.add_argument("--all", action="store_true", help="every REST and HTTP API of the region")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the snapshot file to write")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.add_argument("--no-domains", action="store_true", help="leave custom domains out")
    add_aws_options(p)


def run(args: argparse.Namespace, out: TextIO) -> int:
    import os

    if not args.force and os.path.exists(args.output):  # before any AWS call
        raise InputError("exists; pass --force to overwrite it", args.output)
    from ..sources import write_snapshot
    from ..sources.live import LiveSource

    source = LiveSource.from_args(args)
    world = source.world_for_apis(args.api or None, all_apis=args.all, include_domains=not args.no_domains)
    write_snapshot(world, args.output, force=args.force)
    rest = sum(1 for a in world.apis if a.kind == "REST")
    deployments = sum(len(a.deployments) for a in world.apis)
    out.write(
        f"wrote {args.output}: {rest} REST and {len(world.apis) - rest} HTTP APIs, "
        f"{sum(len(a.stages) for a in world.apis)} stages, {deployments} deployments, "
        f"{len(world.domains)} custom domains ({len(source.calls)} read-only AWS calls)\n"
    )
    for note in world.notes:
        out.write(f"note: {note}\n")
    return 0
