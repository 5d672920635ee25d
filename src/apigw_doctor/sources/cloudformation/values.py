"""What resolving an intrinsic function gives back, besides plain data: a reference to a resource of the
template (:class:`ResourceRef`), a value known only once the stack exists (:class:`Symbolic`), and
``AWS::NoValue`` (:data:`NO_VALUE`); with the helpers that read them as text or plain JSON."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
"""A ``${Name}`` or ``${Resource.Attribute}`` placeholder of ``Fn::Sub`` (``${!Literal}`` is text)."""


@dataclass(frozen=True, slots=True)
class ResourceRef:
    """``Ref`` to (or ``Fn::GetAtt`` of) a resource of the template."""

    logical_id: str
    attribute: str | None = None

    @property
    def text(self) -> str:
        return f"${{{self.logical_id}.{self.attribute}}}" if self.attribute else f"${{{self.logical_id}}}"


@dataclass(frozen=True, slots=True)
class Symbolic:
    """A value known only once the stack exists: ``text`` is how it reads (``${Stage}``), ``reason`` why."""

    text: str
    reason: str


class _NoValue:
    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()


def as_text(value: object) -> str | None:
    """A resolved scalar as text: strings, numbers, booleans (``true``), refs and symbols by their text."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, ResourceRef | Symbolic):
        return value.text
    return None


def plain(value: object) -> object:
    """A resolved value as plain JSON data: refs and symbols become their text (an OpenAPI body, for one)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, ResourceRef | Symbolic):
        return value.text
    return value


def show(value: object) -> str:
    """An intrinsic function as a reader would write it: ``${Name}``, ``${Api.RootResourceId}``, ``!If [...]``."""
    if isinstance(value, dict) and len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Ref" and isinstance(arg, str):
            return f"${{{arg}}}"
        if key == "Fn::GetAtt":
            parts = arg.split(".", 1) if isinstance(arg, str) else arg
            if isinstance(parts, list) and len(parts) == 2 and all(isinstance(p, str) for p in parts):
                return f"${{{parts[0]}.{parts[1]}}}"
        if key.startswith("Fn::") or key == "Condition":
            text = json.dumps(arg, separators=(",", ":"), default=str)
            if len(text) > 60:
                text = text[:57] + "..."
            return f"!{key.removeprefix('Fn::')} {text}"
    return json.dumps(value, default=str)[:60]


def references(value: object) -> set[str]:
    """Names a raw value refers to (``Ref``, ``Fn::GetAtt``, ``${X}`` in ``Fn::Sub``): resources and parameters."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if len(item) == 1:
                ((key, arg),) = item.items()
                if key == "Ref" and isinstance(arg, str):
                    found.add(arg)
                    continue
                if key == "Fn::GetAtt":
                    name = arg.split(".", 1)[0] if isinstance(arg, str) else (arg[0] if isinstance(arg, list) else "")
                    if isinstance(name, str):
                        found.add(name)
                    continue
                if key == "Fn::Sub":
                    text = arg[0] if isinstance(arg, list) and arg else arg
                    if isinstance(text, str):
                        found.update(m.split(".", 1)[0] for m in PLACEHOLDER.findall(text) if not m.startswith("!"))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def has_symbols(value: object) -> bool:
    """True when a resolved value holds a reference or a symbolic part."""
    if isinstance(value, ResourceRef | Symbolic):
        return True
    if isinstance(value, dict):
        return any(has_symbols(v) for v in value.values())
    if isinstance(value, list):
        return any(has_symbols(v) for v in value)
    return False


def comparable(value: object) -> object:
    """A resolved value as ``Fn::Equals`` compares it: scalars as text."""
    if isinstance(value, list):
        return [comparable(v) for v in value]
    text = as_text(value)
    return text if text is not None else value
