"""`apigw-doctor check PATH...`: the checks over templates, Terraform, OpenAPI and snapshot files, for CI.

Exit 0: nothing at or above ``--fail-on`` (default ``error``) remains after ``--ignore`` and ``--baseline``;
1: something does; 2: bad input (a named file that is missing, unreadable, broken or not an API source; a bad
baseline or option). Files found by walking a directory that cannot be read are reported on stderr
(``skipped FILE: reason``) and do not change the exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, TextIO

from ..errors import EXIT_FAIL, EXIT_OK, InputError
from .common import add_output_options, use_color

if TYPE_CHECKING:
    from ..checks import CheckMeta
    from ..checks.baseline import CheckReport

FORMATS = ("text", "json", "sarif", "junit")
FAIL_ON = ("error", "warning", "info")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "check",
        help="check templates, Terraform, OpenAPI and snapshot files for what causes 'Missing Authentication Token'",
        description="Check API definitions before they ship: CloudFormation/SAM templates, Terraform (.tf "
        "directories, plan/state JSON), OpenAPI/Swagger files and snapshots. Directories are walked; files are "
        "recognised by content. Exit 0: nothing at or above --fail-on; 1: findings at or above it; 2: bad input.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="a file or a directory to walk (repeatable)")
    add_output_options(p, FORMATS)
    p.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="error",
        help="the lowest severity that makes the exit code 1 (default: error)",
    )
    p.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="ID",
        help="drop a rule, e.g. APIGW090 (repeatable, or comma-separated)",
    )
    p.add_argument("--baseline", metavar="FILE", help="drop the findings whose fingerprint FILE lists")
    p.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="write every finding's fingerprint to FILE (accepting them: they no longer fail this run or later "
        "runs given --baseline FILE)",
    )
    p.add_argument(
        "--skip-unknown",
        action="store_true",
        help="skip named files that are not API sources instead of failing (for pre-commit and editors, which "
        "pass every changed YAML/JSON file)",
    )


def run(args: argparse.Namespace, out: TextIO) -> int:
    from .. import __version__
    from ..checks import CHECKS, CRASHED, METAS, CheckInput, run_checks
    from ..checks.baseline import CheckReport, dumps_baseline, parse_ignore, split
    from ..checks.discover import add_lines, find_targets, load_targets
    from ..model import World
    from ..sources import load_file
    from ..sources.cloudformation import Template, load_template_expanded, read_template
    from ..sources.terraform import TerraformConfig, is_terraform_path, read_terraform, to_world

    rules = (*METAS, CRASHED)
    ignore = parse_ignore(args.ignore, {m.id for m in rules})
    baseline = _read_baseline(args.baseline) if args.baseline else frozenset()
    targets, unreadable = find_targets(args.paths)
    for skipped in unreadable:
        sys.stderr.write(f"{skipped}\n")
    templates: list[Template] = []
    terraform: list[TerraformConfig] = []

    def load(path: str) -> World:
        """``load_file``, keeping each CloudFormation template (SAM expanded) for the template checks."""
        if is_terraform_path(path):
            config = read_terraform(path)
            terraform.append(config)
            return to_world(config)
        if not is_terraform_path(path):
            template = read_template(path)
            if template is not None:
                world, expanded = load_template_expanded(template)
                templates.append(expanded)
                return world
        return load_file(path)

    loaded = load_targets(
        targets,
        load,
        skip_unknown=args.skip_unknown,
        debug=bool(os.environ.get("APIGW_DOCTOR_DEBUG")),
    )
    for skipped in loaded.skipped:
        sys.stderr.write(f"{skipped}\n")
    if not loaded.sources and not loaded.refused and not loaded.crashes:
        sys.stderr.write(f"apigw-doctor: no API sources found in {' '.join(args.paths)}\n")
    found = run_checks(
        CHECKS,
        CheckInput(world=loaded.world, refused=loaded.refused, templates=tuple(templates), terraform=tuple(terraform)),
    )
    findings = add_lines((*loaded.crashes, *found))
    findings = tuple(sorted(findings, key=lambda f: (f.origin.source, f.origin.line or 0, f.check_id, f.subject)))
    if args.write_baseline:
        accepted = [f for f in findings if f.check_id not in ignore]
        _write(args.write_baseline, dumps_baseline(accepted))
        count = len({f.fingerprint for f in accepted})
        sys.stderr.write(f"apigw-doctor: wrote {count} fingerprints to {args.write_baseline}\n")
        baseline = baseline | {f.fingerprint for f in accepted}
    kept, ignored, baselined = split(findings, ignore, baseline)
    report = CheckReport(
        findings=kept,
        fail_on=args.fail_on,
        sources=loaded.sources,
        skipped=(*unreadable, *loaded.skipped),
        ignored=ignored,
        baselined=baselined,
        version=__version__,
    )
    out.write(_render(report, rules, args, out))
    return EXIT_FAIL if report.failed else EXIT_OK


def _render(report: CheckReport, metas: tuple[CheckMeta, ...], args: argparse.Namespace, out: TextIO) -> str:
    if args.format == "json":
        from ..render.check_json import to_json

        return to_json(report, metas)
    if args.format == "sarif":
        from ..render.sarif import to_sarif

        return to_sarif(report, metas, os.getcwd())
    if args.format == "junit":
        from ..render.junit import to_junit

        return to_junit(report, metas)
    from ..render.check_text import render

    return render(report, use_color(args.color, out))


def _read_baseline(path: str) -> frozenset[str]:
    from ..checks.baseline import parse_baseline

    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise InputError("no such baseline file (write one with --write-baseline FILE)", path) from None
    except OSError as exc:
        raise InputError(f"cannot read the baseline ({exc.strerror or exc})", path) from None
    return parse_baseline(text, path)


def _write(path: str, text: str) -> None:
    """Atomically: a temporary file beside ``path``, then a rename."""
    import tempfile

    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".baseline-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise InputError(f"cannot write the baseline ({exc.strerror or exc})", path) from None
