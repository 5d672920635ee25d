"""Errors that end a command with exit code 2 and one clear line (what, and where)."""

from __future__ import annotations

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class InputError(Exception):
    """Bad input: a file that cannot be read or understood, a bad URL or option.

    ``location`` is ``file``, ``file:line[:col]`` or ``file#/json/pointer``; the CLI prints
    ``apigw-doctor: error: <location>: <message>`` and exits with 2.
    """

    exit_code = EXIT_USAGE

    def __init__(self, message: str, location: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message
