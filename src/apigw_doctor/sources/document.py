"""Reading one input file into a Python mapping: JSON or YAML, told apart by content.

Every failure is an :class:`~apigw_doctor.errors.InputError` with a location: ``file:line:col`` when the
text is malformed (YAML or JSON), ``file`` when the file is missing, unreadable, empty, binary, or its top
level is not a mapping. Bad input never produces a traceback.

The typed reads at the end (:func:`mapping`, :func:`string`...) narrow values found inside a document: each
returns the value or fails at ``file#/json/pointer`` (the value's :class:`Origin`) with what was expected
and what was found, e.g. ``'paths' must be a mapping, not a list``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import NoReturn, cast

from ..errors import InputError
from ..model import Origin

YAML_SUFFIXES = (".yaml", ".yml")
MAX_BYTES = 64 * 1024 * 1024
"""Larger files are refused: no API Gateway export comes close."""


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed file: ``data`` is its top-level mapping, ``syntax`` is ``json`` or ``yaml``."""

    path: str
    data: dict[str, object]
    syntax: str


def read_document(path: str) -> Document:
    """Read ``path`` and parse it as JSON or YAML (by content; the extension only breaks ties)."""
    text = read_text(path)
    if not text.strip():
        raise InputError("the file is empty", path)
    syntax = "json" if text.lstrip()[:1] in ("{", "[") else "yaml"
    data: object
    if syntax == "json":
        try:
            data = parse_json(text, path)
        except InputError:
            if not path.lower().endswith(YAML_SUFFIXES):
                raise
            syntax = "yaml"
            data = _parse_yaml(text, path)
    else:
        data = _parse_yaml(text, path)
    if data is None:
        raise InputError("the file is empty (only comments or blank lines)", path)
    if not isinstance(data, dict):
        raise InputError(f"the top level is {type_name(data)}, expected a mapping of keys to values", path)
    for key in data:
        if not isinstance(key, str):
            raise InputError(f"the top level has a non-string key {key!r}", path)
    return Document(path, cast(dict[str, object], data), syntax)


def read_text(path: str, what: str = "a JSON or YAML text file", max_bytes: int = MAX_BYTES) -> str:
    """The file's text; InputError when it is missing, unreadable, binary, not UTF-8 or too large."""
    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            raise InputError(f"the file is too large ({size} bytes; at most {max_bytes})", path)
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except IsADirectoryError:
        raise InputError("is a directory, expected a file", path) from None
    except PermissionError:
        raise InputError("permission denied", path) from None
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or exc})", path) from None
    if b"\x00" in raw:
        raise InputError(f"binary data (NUL bytes): expected {what}", path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (bad byte at offset {exc.start}): expected {what}", path) from None


def parse_json(text: str, path: str) -> object:
    """JSON text -> data; InputError at ``file:line:col`` when it is malformed."""
    try:
        return cast(object, json.loads(text))
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON: {exc.msg}", f"{path}:{exc.lineno}:{exc.colno}") from None
    except RecursionError:
        raise InputError("malformed JSON: nested too deeply", path) from None


def _parse_yaml(text: str, path: str) -> object:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return cast(object, yaml.load(text, Loader=loader))
    except (yaml.YAMLError, RecursionError) as exc:
        raise yaml_error(exc, path) from None


def type_name(value: object) -> str:
    """A reader's name for a parsed value's type: ``a string``, ``a list``, ``null``..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def fail(message: str, origin: Origin) -> NoReturn:
    raise InputError(message, str(origin))


def mapping(value: object, origin: Origin, what: str) -> dict[str, object]:
    if not isinstance(value, dict):
        fail(f"{what} must be a mapping, not {type_name(value)}", origin)
    for key in value:
        if not isinstance(key, str):
            fail(f"{what} has a key that is not a string: {key!r}", origin)
    return cast(dict[str, object], value)


def sequence(value: object, origin: Origin, what: str) -> list[object]:
    if not isinstance(value, list):
        fail(f"{what} must be a list, not {type_name(value)}", origin)
    return cast(list[object], value)


def string(value: object, origin: Origin, what: str) -> str:
    if not isinstance(value, str):
        fail(f"{what} must be a string, not {type_name(value)}", origin)
    return value


def boolean(value: object, origin: Origin, what: str) -> bool:
    if not isinstance(value, bool):
        fail(f"{what} must be true or false, not {type_name(value)}", origin)
    return value


def opt_string(data: dict[str, object], key: str, origin: Origin, what: str | None = None) -> str | None:
    """``data[key]`` as a string, or None when absent or null. ``origin`` is the origin of ``data``."""
    value = data.get(key)
    if value is None:
        return None
    return string(value, origin.child(key), what or f"'{key}'")


def opt_mapping(data: dict[str, object], key: str, origin: Origin) -> dict[str, object] | None:
    value = data.get(key)
    if value is None:
        return None
    return mapping(value, origin.child(key), f"'{key}'")


def string_list(value: object, origin: Origin, what: str) -> tuple[str, ...]:
    items = sequence(value, origin, what)
    return tuple(string(item, origin.child(i), f"{what}[{i}]") for i, item in enumerate(items))


def string_pairs(value: object, origin: Origin, what: str) -> tuple[tuple[str, str], ...]:
    """A mapping of strings to strings, as ordered pairs."""
    data = mapping(value, origin, what)
    return tuple((key, string(item, origin.child(key), f"{what}[{key!r}]")) for key, item in data.items())


def yaml_error(exc: Exception, path: str) -> InputError:
    """A PyYAML failure (or a document nested too deeply) as one located line: ``file:line:col``."""
    import yaml

    if isinstance(exc, RecursionError):
        return InputError("malformed YAML: nested too deeply", path)
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "syntax error"
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else path
        return InputError(f"malformed YAML: {problem}", where)
    return InputError(f"malformed YAML: {exc}", path)
