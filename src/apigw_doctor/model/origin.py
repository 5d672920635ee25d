"""Where a model object came from: a file and a JSON pointer, or an ARN. Used in messages and SARIF."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Origin:
    """The place an object was read from.

    ``source`` is a file path, an ARN or a symbolic name ("live", "test"); ``pointer`` a JSON pointer
    (RFC 6901) inside that file; ``line`` a 1-based line number when the source knows it.
    """

    source: str = ""
    pointer: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = self.source or "<unknown>"
        if self.line is not None:
            where += f":{self.line}"
        if self.pointer:
            where += f"#{self.pointer}"
        return where

    def child(self, *tokens: str | int) -> Origin:
        """The origin of a value nested under this one (JSON-pointer escaped)."""
        pointer = self.pointer
        for token in tokens:
            pointer += "/" + str(token).replace("~", "~0").replace("/", "~1")
        return Origin(self.source, pointer, None)


NO_ORIGIN = Origin()
