"""The command line. Heavy imports happen inside the command that needs them, so start-up stays fast.

Exit codes: 0 the request would succeed (or the command succeeded), 1 it would fail, 2 bad input,
3 an internal error (a bug).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from . import __version__ as VERSION
from .errors import EXIT_INTERNAL, EXIT_USAGE, InputError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError(message)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="apigw-doctor",
        description="Explains Amazon API Gateway's 'Missing Authentication Token' "
        "(and its look-alikes): walks a request exactly as API Gateway does, names the step that fails "
        "and gives the fix.",
    )
    p.add_argument("--version", action="version", version=f"apigw-doctor {VERSION}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    d = sub.add_parser(
        "diagnose",
        help="walk one request and explain why it fails",
        description="Walk METHOD URL through the API definitions in --source, as API Gateway "
        "would, and explain the result. Exit 0: it would succeed; 1: it would fail; 2: bad input.",
    )
    d.add_argument("url", help="the URL that was called (https://{id}.execute-api.{region}.amazonaws.com/...)")
    d.add_argument("-X", "--request", dest="method", default="GET", help="HTTP method (default GET)")
    d.add_argument(
        "-H",
        "--header",
        dest="headers",
        action="append",
        default=[],
        metavar="'Name: value'",
        help="a request header, as curl takes it (repeatable)",
    )
    d.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="FILE",
        required=True,
        help="an OpenAPI/Swagger export (JSON or YAML) or a snapshot file (repeatable)",
    )
    d.add_argument("--format", choices=("text", "json"), default="text")
    d.add_argument("--saw", type=int, metavar="STATUS", help="the status the client got, to compare")
    d.add_argument("--saw-body", metavar="BODY", help="the body the client got, to compare")
    d.add_argument(
        "--basepath-mode",
        choices=("split", "prepend", "ignore"),
        default="split",
        help="how an OpenAPI basePath is read: split (first segment is the stage; exports), prepend, ignore",
    )
    d.add_argument("--api-kind", choices=("rest", "http"), help="force the kind of API an OpenAPI file describes")
    d.add_argument("--color", choices=("auto", "always", "never"), default="auto")

    demo = sub.add_parser("demo", help="diagnose a set of broken URLs against the bundled example APIs")
    demo.add_argument("--format", choices=("text", "json"), default="text")
    demo.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    return p


def use_color(choice: str, stream: TextIO) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


def cmd_diagnose(args: argparse.Namespace, out: TextIO) -> int:
    from .binding import bind_unknown_ids
    from .diagnosis import diagnose
    from .gateway import InvalidRequest, Request, parse_header
    from .render.report import exit_code, to_json
    from .render.text import render
    from .sources import load

    try:
        headers = tuple(parse_header(h) for h in args.headers)
        request = Request.from_url(args.method, args.url, headers)
    except InvalidRequest as exc:
        raise InputError(str(exc), "request") from exc
    world = load(
        args.source,
        basepath_mode=args.basepath_mode,
        api_kind=args.api_kind.upper() if args.api_kind else None,
    )
    world = bind_unknown_ids(world, request)
    result = diagnose(request, world, saw_status=args.saw, saw_body=args.saw_body)
    if args.format == "json":
        out.write(to_json(result, VERSION))
    else:
        out.write(render(result, use_color(args.color, out)))
    return exit_code(result)


def cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    from .demo import run_demo

    return run_demo(out, args.format, use_color(args.color, out))


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(out)
            return EXIT_USAGE
        handler = {"diagnose": cmd_diagnose, "demo": cmd_demo}[args.command]
        return handler(args, out)
    except InputError as exc:
        err.write(f"apigw-doctor: error: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        err.write("apigw-doctor: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # an internal error: one line, never a traceback (unless asked for)
        if os.environ.get("APIGW_DOCTOR_DEBUG"):
            raise
        err.write(
            f"apigw-doctor: internal error: {type(exc).__name__}: {exc} "
            "(a bug: please report it; APIGW_DOCTOR_DEBUG=1 shows the traceback)\n"
        )
        return EXIT_INTERNAL
