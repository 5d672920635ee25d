"""Options and helpers shared by the subcommands (argparse only: nothing heavy)."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, TextIO

from ..errors import InputError

if TYPE_CHECKING:
    from ..gateway import Request

COLOR_CHOICES = ("auto", "always", "never")


def use_color(choice: str, stream: TextIO) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


def add_output_options(p: argparse.ArgumentParser, formats: tuple[str, ...] = ("text", "json")) -> None:
    p.add_argument("--format", choices=formats, default=formats[0])
    p.add_argument("--color", choices=COLOR_CHOICES, default="auto")


def add_aws_options(p: argparse.ArgumentParser) -> None:
    """The AWS way: the standard credential chain, plus --profile, --region and --endpoint-url."""
    g = p.add_argument_group("AWS (live source)")
    g.add_argument("--profile", help="a named profile from ~/.aws/config (default: the standard chain)")
    g.add_argument("--region", help="the region (default: from the URL, the profile or AWS_REGION)")
    g.add_argument(
        "--endpoint-url",
        help="a different API endpoint, e.g. moto or LocalStack (default: AWS_ENDPOINT_URL or AWS itself)",
    )
    g.add_argument(
        "--regions",
        metavar="R1,R2|all",
        help="other regions to search for a custom domain, or for an API id not found in the URL's region "
        "('all': every region enabled for the account)",
    )
    g.add_argument(
        "--no-pacing",
        action="store_true",
        help="do not pace calls under API Gateway's management quotas (10/s; GetResources 5 per 2 s)",
    )


def add_request_arguments(p: argparse.ArgumentParser) -> None:
    """URL, -X and -H, as curl takes them."""
    p.add_argument("url", help="the URL that was called (https://{id}.execute-api.{region}.amazonaws.com/...)")
    p.add_argument("-X", "--request", dest="method", default="GET", help="HTTP method (default GET)")
    p.add_argument(
        "-H",
        "--header",
        dest="headers",
        action="append",
        default=[],
        metavar="'Name: value'",
        help="a request header, as curl takes it (repeatable)",
    )


def parse_request(args: argparse.Namespace) -> Request:
    """The request named by ``url``, ``-X`` and ``-H``; a bad one is an InputError located at "request"."""
    from ..gateway import InvalidRequest, Request, parse_header

    try:
        headers = tuple(parse_header(h) for h in args.headers)
        return Request.from_url(args.method, args.url, headers)
    except InvalidRequest as exc:
        raise InputError(str(exc), "request") from exc
