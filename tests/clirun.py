"""Run the real CLI in-process and capture what it prints."""

from __future__ import annotations

import io

from apigw_doctor.cli import main

READ_PREFIXES = ("Get", "List", "Describe", "Export", "Lookup")
"""The operations a read-only command may send."""


def run(*argv: str) -> tuple[int, str, str]:
    """``apigw-doctor ARGV...`` -> (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()
