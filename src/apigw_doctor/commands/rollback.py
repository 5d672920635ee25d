"""`apigw-doctor rollback BACKUP`: undo a `fix --apply` from its backup file, then verify against the backup."""

from __future__ import annotations

import argparse
from datetime import UTC
from typing import TextIO

from .common import add_output_options


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "rollback",
        help="undo a fix --apply from its backup file (the stage's deployment, the mapping or method it added)",
        description="Restore what `fix --apply` changed, from the backup it wrote before changing anything: the "
        "stage points at its previous deployment again (or is deleted, if the fix created it), and a base-path "
        "mapping or method the fix added is deleted. Then the stage is read again and compared with the backup "
        "field by field. Works on a fix that was interrupted at any point. Deployments the fix created are kept. "
        "Exit 0: ROLLED BACK (the account matches the backup); 1: ROLLBACK INCOMPLETE; 2: bad input.",
    )
    p.add_argument("backup", metavar="BACKUP", help="the backup file written by fix --apply")
    p.add_argument(
        "--force",
        action="store_true",
        help="restore the stage's deployment even when it changed after the fix (someone deployed since)",
    )
    add_output_options(p)
    g = p.add_argument_group("AWS")
    g.add_argument("--profile", help="a named profile from ~/.aws/config (default: the standard chain)")
    g.add_argument(
        "--endpoint-url",
        help="a different API endpoint, e.g. moto or LocalStack (default: AWS_ENDPOINT_URL or AWS itself)",
    )
    g.add_argument("--no-pacing", action="store_true", help="do not pace calls under API Gateway's quotas")


def run(args: argparse.Namespace, out: TextIO) -> int:
    from datetime import datetime

    from .. import __version__
    from ..actions import read_backup, rollback
    from ..render.apply import render_rollback, rollback_json
    from ..sources.live import LiveSource
    from .common import use_color

    backup = read_backup(args.backup)  # before any AWS call
    args.region = backup.region  # the backup says where the API is
    source = LiveSource.from_args(args)
    result, _ = rollback(backup, source, lambda: datetime.now(UTC), force=args.force)
    if args.format == "json":
        out.write(rollback_json(result, backup.path, __version__, len(source.calls)))
    else:
        out.write(render_rollback(result, backup.path, use_color(args.color, out), source.calls.summary()))
    return 0 if result.ok else 1
