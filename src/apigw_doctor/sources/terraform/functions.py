"""The Terraform functions an API definition uses, evaluated on known values (any other is Unknown).

``file()`` reads relative paths from the root module's directory, as Terraform does, and returns a
:class:`~.values.FileText` that remembers the file (so a ``body`` read from it keeps the file as origin).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable

from .hcl import read_text
from .values import FileText, Scope, Value, from_plain, is_known, number_of, plain, text_of


def resolve_path(scope: Scope, path: str) -> str:
    """A path as ``file()`` reads it: relative paths from the root module's directory."""
    return os.path.normpath(path if os.path.isabs(path) else os.path.join(scope.base_dir, path))


def _file(args: list[Value], scope: Scope) -> Value:
    (path,) = args
    full = resolve_path(scope, str(path))
    return FileText(read_text(full, "a text file"), full)


def _yamldecode(args: list[Value], _: Scope) -> Value:
    import yaml

    try:
        return from_plain(yaml.safe_load(str(args[0])))
    except yaml.YAMLError as exc:
        raise ValueError(f"not YAML ({exc})") from None


def _yamlencode(args: list[Value], _: Scope) -> Value:
    import yaml

    return str(yaml.safe_dump(plain(args[0]), sort_keys=False))


def _format(args: list[Value], _: Scope) -> Value:
    spec, rest = str(args[0]), list(args[1:])
    out, i = [], 0
    while i < len(spec):
        if spec[i] == "%" and i + 1 < len(spec):
            verb = spec[i + 1]
            if verb == "%":
                out.append("%")
            elif verb in "sdvq":
                value = rest.pop(0)
                out.append(json.dumps(value) if verb == "q" else text_of(value))
            else:
                raise ValueError(f"format verb %{verb} is not evaluated")
            i += 2
        else:
            out.append(spec[i])
            i += 1
    return "".join(out)


def _merge(args: list[Value], _: Scope) -> Value:
    out: dict[str, Value] = {}
    for arg in args:
        if not isinstance(arg, dict):
            raise TypeError("merge() takes maps")
        out.update(arg)
    return out


def _to_list(value: Value) -> list[Value]:
    if isinstance(value, list):
        return value
    raise TypeError(f"expected a list, not {text_of(value)!r}")


def _digest(algorithm: str) -> Callable[[list[Value], Scope], Value]:
    return lambda args, _: hashlib.new(algorithm, str(args[0]).encode()).hexdigest()


FUNCTIONS: dict[str, Callable[[list[Value], Scope], Value]] = {
    "jsonencode": lambda a, _: json.dumps(plain(a[0]), separators=(",", ":")),
    "jsondecode": lambda a, _: from_plain(json.loads(str(a[0]))),
    "yamldecode": _yamldecode,
    "yamlencode": _yamlencode,
    "file": _file,
    "tostring": lambda a, _: text_of(a[0]),
    "tonumber": lambda a, _: number_of(a[0]),
    "tobool": lambda a, _: a[0] if isinstance(a[0], bool) else {"true": True, "false": False}[str(a[0])],
    "tolist": lambda a, _: _to_list(a[0]),
    "toset": lambda a, _: list(dict.fromkeys(_to_list(a[0]))) if is_known(a[0]) else _to_list(a[0]),
    "tomap": lambda a, _: _merge([a[0]], _),
    "lower": lambda a, _: str(a[0]).lower(),
    "upper": lambda a, _: str(a[0]).upper(),
    "trimspace": lambda a, _: str(a[0]).strip(),
    "trimprefix": lambda a, _: str(a[0]).removeprefix(str(a[1])),
    "trimsuffix": lambda a, _: str(a[0]).removesuffix(str(a[1])),
    "replace": lambda a, _: str(a[0]).replace(str(a[1]), str(a[2])),
    "split": lambda a, _: list[Value](str(a[1]).split(str(a[0]))),
    "join": lambda a, _: str(a[0]).join(text_of(v) for v in _to_list(a[1])),
    "format": _format,
    "concat": lambda a, _: [v for arg in a for v in _to_list(arg)],
    "merge": _merge,
    "lookup": lambda a, _: a[0][str(a[1])] if isinstance(a[0], dict) and str(a[1]) in a[0] else a[2],
    "element": lambda a, _: _to_list(a[0])[int(str(a[1])) % len(_to_list(a[0]))],
    "length": lambda a, _: len(a[0]) if isinstance(a[0], list | dict | str) else len(text_of(a[0])),
    "keys": lambda a, _: list[Value](sorted(a[0])) if isinstance(a[0], dict) else _to_list(a[0]),
    "values": lambda a, _: [a[0][k] for k in sorted(a[0])] if isinstance(a[0], dict) else _to_list(a[0]),
    "coalesce": lambda a, _: next(v for v in a if v not in (None, "")),
    "sha1": _digest("sha1"),
    "sha256": _digest("sha256"),
    "md5": _digest("md5"),
}
"""The functions evaluated here; any other is :class:`Unknown` (never guessed)."""

PASS_THROUGH = frozenset(("tolist", "toset", "tomap", "concat", "merge", "lookup", "element", "keys", "values"))
"""Functions whose arguments may hold symbolic values: they move values around without reading them."""
