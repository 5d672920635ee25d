"""`apigw-doctor fix URL`: the remediation plan for the rank-1 cause; with ``--apply``, the change made safely.

Without ``--apply`` (the default, ``--dry-run``) nothing is changed: every AWS call is a read. With it, the
plan is shown, confirmed once (or ``--yes``), backed up, applied, verified and, when it did not take, rolled
back (:mod:`apigw_doctor.actions`). ``--script``, ``--runbook`` and ``--iac`` write the hand-off formats.
"""

from __future__ import annotations

import argparse
from datetime import UTC
from typing import TYPE_CHECKING, TextIO

from ..errors import InputError
from .common import add_aws_options, add_output_options, add_request_arguments, parse_request, use_color

if TYPE_CHECKING:
    from datetime import datetime

    from ..actions import ApplyResult, Backup, ProbeResult
    from ..diagnosis import Diagnosis
    from ..fix import Plan
    from ..fix.changes import ChangeSet, Refusal
    from ..gateway import Request
    from ..model import DomainName, World
    from ..sources.live import LiveSource

SIDE_CHOICES = ("auto", "client", "api")
EXIT_INTERRUPTED = 130


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "fix",
        help="show the remediation plan for a failing request; --apply makes the change (backup, verify, rollback)",
        description="Diagnose METHOD URL against the live account and print the plan for the most likely cause: "
        "the corrected request for causes on the client's side; for causes in the API, the AWS calls in order, "
        "their blast radius (stages, custom-domain mappings, usage plans, canary, every route a redeploy "
        "publishes) and, when infrastructure code manages the API, its patch first. Read-only unless --apply: "
        "then a backup is written first, the change is made, verified and rolled back if it did not take. "
        "Exit 0: the request works (already, or FIXED); 1: a plan was printed, or NOT FIXED / ROLLED BACK; "
        "2: bad input or a change that is not applied automatically; 130: interrupted (see the backup).",
    )
    add_request_arguments(p)
    p.add_argument(
        "--side",
        choices=SIDE_CHOICES,
        default="auto",
        help="auto: the corrected request when the client is at fault, else the change to the API; api: plan the "
        "change to the API even when a corrected request would do (e.g. add the method that was called)",
    )
    a = p.add_argument_group("applying the fix")
    mode = a.add_mutually_exclusive_group()
    mode.add_argument("--apply", action="store_true", help="make the change (asks once unless --yes)")
    mode.add_argument("--dry-run", action="store_true", help="change nothing (the default)")
    a.add_argument("-y", "--yes", action="store_true", help="do not ask before applying (for scripts and CI)")
    a.add_argument(
        "--backup-dir",
        default=".",
        metavar="DIR",
        help="where the backup is written before any change (default: the current directory)",
    )
    a.add_argument(
        "--deployment",
        metavar="ID",
        help="NOT_DEPLOYED: point the stage at this existing deployment instead of deploying the working copy",
    )
    a.add_argument(
        "--map-to",
        metavar="API_ID/STAGE",
        help="BASE_PATH_UNMAPPED: the API stage the missing base path should reach (implies --side api)",
    )
    a.add_argument(
        "--allow-api-changes",
        action="store_true",
        help="allow a change to the API's resources (adding the missing root or parent method), not only a stage",
    )
    a.add_argument("--probe", action="store_true", help="after the change, send the request once for real")
    a.add_argument(
        "--probe-connect-to",
        metavar="HOST:PORT",
        help="send the probe to this address, keeping the URL's Host (like curl --connect-to)",
    )
    a.add_argument(
        "--probe-attempts",
        type=int,
        default=3,
        metavar="N",
        help="send the probe up to N times, 2 s apart, while API Gateway still answers a miss (default 3: a "
        "deployment takes seconds to reach every edge)",
    )
    a.add_argument(
        "--no-rollback",
        action="store_true",
        help="keep the change even when the verification fails (the default rolls it back)",
    )
    h = p.add_argument_group("hand-off formats")
    h.add_argument("--script", metavar="FILE", help="write a bash script making the same change with the AWS CLI")
    h.add_argument("--runbook", metavar="FILE", help="write a Markdown incident record (symptom, walk, cause, change)")
    h.add_argument("--iac", action="store_true", help="print only the infrastructure-code patch")
    h.add_argument(
        "--iac-source",
        action="append",
        default=[],
        metavar="PATH",
        help="the infrastructure code to patch (a CloudFormation/SAM template or a Terraform directory; repeatable)",
    )
    add_output_options(p)
    add_aws_options(p)


def _map_to(value: str | None) -> tuple[str, str] | None:
    if value is None:
        return None
    api_id, sep, stage = value.partition("/")
    if not sep or not api_id or not stage or "/" in stage:
        raise InputError("expected API_ID/STAGE, e.g. abc123/prod", "--map-to")
    return api_id, stage


def run(args: argparse.Namespace, out: TextIO) -> int:
    from dataclasses import replace

    from .. import __version__
    from ..binding import bind_unknown_ids
    from ..diagnosis import diagnose
    from ..fix import build_plan, choose_side
    from ..fix.changes import Refusal, change_set
    from ..fix.facts import usage_plans
    from ..render.fix import exit_code, render_fix, report
    from ..sources.live import LiveSource

    if args.apply and args.iac:
        raise InputError("--iac prints the infrastructure-code patch only; it cannot be combined with --apply", "--iac")
    if args.apply and args.format == "json" and not args.yes:
        raise InputError("with --format json there is no question to answer: add --yes", "--apply")
    map_to = _map_to(args.map_to)
    side = "api" if map_to is not None and args.side == "auto" else args.side
    request = parse_request(args)
    for path in (args.script, args.runbook):
        if path is not None and not _writable_target(path):
            raise InputError("cannot write here (the directory does not exist)", path)
    source = LiveSource.from_args(args)
    world = bind_unknown_ids(source.world_for_request(request), request)
    result = diagnose(request, world, saw_status=None, saw_body=None)
    api = result.outcome.api
    usage = None
    if result.fails and api is not None and choose_side(result.findings[0], side) == "api":
        domains = source.world_of_domains(api.region)  # what serves the stage: the API itself is already read
        world = replace(world, domains=_merge_domains(world, domains), notes=(*world.notes, *domains.notes))
        usage = usage_plans(source, api.region)
    plan = build_plan(result, world, usage, side)
    changes: ChangeSet | Refusal | None = None
    if not plan.works:
        changes = change_set(
            plan,
            result,
            world,
            deployment=args.deployment,
            map_to=map_to,
            allow_api_changes=args.allow_api_changes,
        )
    color = use_color(args.color, out)
    now = _now()
    if args.iac:
        return _iac(args, plan, result, out)
    if args.script is not None:
        _write_script(args, plan, changes)
    if not args.apply or plan.works:  # the plan only (--apply on a request that works: nothing to do)
        if args.runbook is not None:
            _write_runbook(args.runbook, result, plan, changes, None, now, __version__)
        if args.format == "json":
            data = report(plan, __version__, len(source.calls))
            data["apply"] = None
            out.write(_dumps(data))
            return exit_code(plan)
        if args.apply:
            _tell_unfinished(args, result, out)
        out.write(render_fix(plan, color, source.calls.summary()))
        if not args.apply and changes is not None and not isinstance(changes, Refusal):
            out.write("\nTo make this change: the same command with --apply (a backup is written first).\n")
        return exit_code(plan)
    interrupted = _interrupted_here(args, result)
    if interrupted is not None:  # finish that change first, in its own backup
        return _apply(args, out, source, plan, interrupted.changes(), result, world, request, color, now, interrupted)
    if changes is None or isinstance(changes, Refusal):
        refusal = changes if isinstance(changes, Refusal) else Refusal(reason="there is no change to apply")
        from ..render.apply import render_refusal

        raise InputError("not applied: " + render_refusal(refusal), "--apply")
    return _apply(args, out, source, plan, changes, result, world, request, color, now)


def _apply(
    args: argparse.Namespace,
    out: TextIO,
    source: LiveSource,
    plan: Plan,
    changes: ChangeSet,
    result: Diagnosis,
    world: World,
    request: Request,
    color: bool,
    now: datetime,
    resume: Backup | None = None,
) -> int:
    import sys

    from .. import __version__
    from ..actions import Applier, probe
    from ..binding import bind_unknown_ids
    from ..diagnosis import diagnose
    from ..render.apply import apply_exit_code, apply_report, render_apply, render_changes
    from ..render.fix import render_fix, report
    from ..render.text import Style

    if args.format == "text":
        out.write(render_fix(plan, color))
        if resume is not None:
            done = resume.steps_done()
            out.write(
                f"\nAn earlier fix of this request stopped after {done} of its {len(changes.steps)} calls "
                f"({resume.path}): it is finished first, from call {done + 1}, with the same backup.\n"
            )
        out.write("\n" + "\n".join(render_changes(changes, Style(color))) + "\n")
    if not args.yes and not _confirm(out, sys.stdin):
        raise InputError("not applied: not confirmed (pass --yes to apply without asking)", "--apply")

    def rediagnose() -> Diagnosis:
        fresh = bind_unknown_ids(source.world_for_request(request), request)
        return diagnose(request, fresh, saw_status=None, saw_body=None)

    def prober() -> ProbeResult:
        return probe(request, connect_to=args.probe_connect_to, attempts=max(1, args.probe_attempts))

    applier = Applier(
        source,
        backup_dir=args.backup_dir,
        rediagnose=rediagnose,
        now=_now,
        tool=f"apigw-doctor {__version__}",
        probe=prober if args.probe else None,
        auto_rollback=not args.no_rollback,
    )
    try:
        applied = applier.run(changes, result, world) if resume is None else applier.resume(resume, result, world)
    except KeyboardInterrupt as exc:
        _stopped(exc, "interrupted", out)
        return EXIT_INTERRUPTED
    except Exception as exc:  # reported by the CLI as an internal error, after saying where things stand
        _stopped(exc, "stopped by an error", out)
        raise
    if args.runbook is not None:
        _write_runbook(args.runbook, result, plan, changes, applied, now, __version__)
    if args.format == "json":
        data = report(plan, __version__, len(source.calls))
        data["exit_code"] = apply_exit_code(applied)
        data["apply"] = apply_report(applied)
        out.write(_dumps(data))
    else:
        out.write("\n" + render_apply(applied, color, source.calls.summary()))
    return apply_exit_code(applied)


def _stopped(exc: BaseException, what: str, out: TextIO) -> None:
    """Where an interrupted ``--apply`` left things, and how to go on from there."""
    where = next((n for n in getattr(exc, "__notes__", ()) if n.startswith("apigw-doctor: backup ")), None)
    if where is None:
        return  # before the backup: nothing was changed
    backup = where.removeprefix("apigw-doctor: backup ")
    out.write(
        f"\n{what}: backup {backup}. Run the same command again to finish the fix, or "
        f"`apigw-doctor rollback {backup}` to undo what was done.\n"
    )


def _confirm(out: TextIO, stdin: TextIO) -> bool:
    out.write("\nApply this change to AWS? [y/N] ")
    out.flush()
    answer = stdin.readline()
    out.write("\n")
    return answer.strip().lower() in ("y", "yes")


def _interrupted_here(args: argparse.Namespace, result: Diagnosis) -> Backup | None:
    """The latest backup of a fix of this same request that stopped part-way through its calls."""
    from ..actions import unfinished

    api, stage, request = result.outcome.api, result.outcome.stage, result.outcome.request
    if api is None or stage is None:
        return None
    found = [
        b
        for b in unfinished(args.backup_dir, api.id, stage.name)
        if b.state == "changing"
        and 0 < b.steps_done() < len(b.change.get("steps", []))
        and b.data.get("request") == {"method": request.method, "url": request.url}
    ]
    return found[-1] if found else None


def _tell_unfinished(args: argparse.Namespace, result: Diagnosis, out: TextIO) -> None:
    from ..actions import unfinished

    api, stage = result.outcome.api, result.outcome.stage
    if api is None or stage is None:
        return
    for backup in unfinished(args.backup_dir, api.id, stage.name):
        out.write(
            f"note: an earlier fix stopped before its verification ended ({backup.path}, state {backup.state}); "
            f"the request works now. To undo that fix: apigw-doctor rollback {backup.path}\n"
        )


def _merge_domains(world: World, extra: World) -> tuple[DomainName, ...]:
    names = {d.name for d in world.domains}
    return (*world.domains, *(d for d in extra.domains if d.name not in names))


def _iac(args: argparse.Namespace, plan: Plan, result: Diagnosis, out: TextIO) -> int:
    from ..fix.iac_patch import iac_patch
    from ..render.iac import iac_to_json, render_iac

    patch = iac_patch(plan, result, tuple(args.iac_source))
    out.write(_dumps(iac_to_json(patch)) if args.format == "json" else render_iac(patch))
    return 0 if not patch.edits else 1


def _write_script(args: argparse.Namespace, plan: Plan, changes: ChangeSet | Refusal | None) -> None:
    from ..fix.changes import Refusal
    from ..render.script import render_script

    if changes is None or isinstance(changes, Refusal):
        why = changes.reason if isinstance(changes, Refusal) else "the fix is the corrected request"
        raise InputError(f"no script: {why}", args.script)
    _write_text(args.script, render_script(plan, changes, profile=args.profile), mode=0o755)


def _write_runbook(
    path: str,
    result: Diagnosis,
    plan: Plan,
    changes: ChangeSet | Refusal | None,
    applied: ApplyResult | None,
    now: datetime,
    version: str,
) -> None:
    from ..render.runbook import render_runbook

    _write_text(path, render_runbook(result, plan, changes, applied, now=now, tool=f"apigw-doctor {version}"))


def _write_text(path: str, text: str, mode: int = 0o644) -> None:
    import os

    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(path, mode)
    except OSError as exc:
        raise InputError(f"cannot write the file ({exc.strerror or exc})", path) from None


def _writable_target(path: str) -> bool:
    import os

    return os.path.isdir(os.path.dirname(os.path.abspath(path)))


def _dumps(data: object) -> str:
    import json

    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _now() -> datetime:
    from datetime import datetime

    return datetime.now(UTC)
