"""The command line. Heavy imports happen inside the command that needs them, so start-up stays fast.

Exit codes: 0 the request would succeed (or the command succeeded), 1 it would fail (or found something),
2 bad input, 3 an internal error (a bug).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from importlib import import_module
from typing import TextIO

from . import __version__
from .commands.common import use_color
from .errors import EXIT_INTERNAL, EXIT_USAGE, InputError

COMMANDS: tuple[str, ...] = ("diagnose", "fix", "rollback", "check", "drift", "timeline", "snapshot", "demo")
"""The subcommands, in help order; each is a module of apigw_doctor.commands."""

__all__ = ["COMMANDS", "build_parser", "main", "use_color"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError(message)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="apigw-doctor",
        description="Explains Amazon API Gateway's 'Missing Authentication Token' (and its look-alikes): walks a "
        "request exactly as API Gateway does, names the step that fails and gives the fix.",
    )
    p.add_argument("--version", action="version", version=f"apigw-doctor {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        import_module(f"apigw_doctor.commands.{name}").add_parser(sub)
    return p


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(out)
            return EXIT_USAGE
        run: Callable[[argparse.Namespace, TextIO], int] = import_module(f"apigw_doctor.commands.{args.command}").run
        return run(args, out)
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
