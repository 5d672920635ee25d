"""Template text -> data plus a line map: YAML with CloudFormation's short-form tags, or JSON.

YAML is read with a SafeLoader subclass (the C one when PyYAML has it): each short form becomes its long
form (``!Ref X`` -> ``{"Ref": "X"}``, ``!GetAtt A.B`` -> ``{"Fn::GetAtt": ["A", "B"]}``, ``!Sub s`` ->
``{"Fn::Sub": "s"}``...); an unknown tag is an error at its line; timestamps stay strings
(``AWSTemplateFormatVersion: 2010-09-09`` is text, as CloudFormation reads it).

The line map gives the 1-based line of every mapping key and sequence item by JSON pointer
(``/Resources/Api/Properties/Name`` -> 12), for YAML from the composed nodes and for JSON from a scan of
the text's tokens, so every object read from a template can say where it is written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from ..document import parse_json, yaml_error

SHORT_FORMS: tuple[str, ...] = (
    "Ref",
    "Condition",
    "GetAtt",
    "Sub",
    "Join",
    "Select",
    "Split",
    "If",
    "Equals",
    "And",
    "Or",
    "Not",
    "FindInMap",
    "ImportValue",
    "Base64",
    "Cidr",
    "GetAZs",
    "Length",
    "ToJsonString",
    "Transform",
)
"""The tags CloudFormation's YAML accepts, each standing for ``Fn::<name>`` (``Ref`` and ``Condition`` as is)."""

_LONG = {name: name if name in ("Ref", "Condition") else f"Fn::{name}" for name in SHORT_FORMS}
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]')


@dataclass(frozen=True, slots=True)
class LineMap:
    """JSON pointer -> 1-based line of the key (or item) it names."""

    lines: Mapping[str, int]

    def line(self, pointer: str) -> int | None:
        """The line of ``pointer``, or of its nearest ancestor the map knows; None when none is known."""
        while True:
            found = self.lines.get(pointer)
            if found is not None or not pointer:
                return found
            pointer = pointer.rsplit("/", 1)[0] if "/" in pointer else ""

    def exact(self, pointer: str) -> int | None:
        return self.lines.get(pointer)


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def parse_text(text: str, path: str, syntax: str) -> tuple[object, LineMap, list[tuple[str, int, int]]]:
    """Parse ``text`` (``json`` or ``yaml``) -> (data, line map, duplicate keys as (pointer, line, first line)).

    Malformed text is an InputError at ``path:line:col``, worded as :mod:`..document` words it.
    """
    if syntax == "json":
        data = parse_json(text, path)
        lines, duplicates = _json_lines(text)
        return data, LineMap(lines), duplicates
    return _parse_yaml(text, path)


def _parse_yaml(text: str, path: str) -> tuple[object, LineMap, list[tuple[str, int, int]]]:
    import yaml

    loader = _loader_class()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, LineMap({}), []
        lines, duplicates = _yaml_lines(node)
        data = cast(object, loader.construct_document(node))
    except (yaml.YAMLError, RecursionError) as exc:
        raise yaml_error(exc, path) from None
    finally:
        loader.dispose()
    return data, LineMap(lines), duplicates


@cache
def _loader_class() -> Any:
    """A SafeLoader (C when available) with the short forms, no timestamps, and unknown tags refused."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class TemplateLoader(base):  # type: ignore[valid-type,misc]
        """SafeLoader + CloudFormation's short-form intrinsic function tags."""

    TemplateLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    for name in SHORT_FORMS:
        TemplateLoader.add_constructor(f"!{name}", _short_form(name))
    TemplateLoader.add_multi_constructor("!", _unknown_tag)
    return TemplateLoader


def _short_form(name: str) -> Callable[[Any, Any], dict[str, object]]:
    import yaml

    long = _LONG[name]

    def construct(loader: Any, node: Any) -> dict[str, object]:
        value: object
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if name == "GetAtt" and isinstance(value, str):
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {long: value}

    return construct


def _unknown_tag(loader: Any, suffix: str, node: Any) -> object:
    import yaml

    known = ", ".join(f"!{n}" for n in SHORT_FORMS)
    raise yaml.constructor.ConstructorError(
        None, None, f"unknown tag '!{suffix}' (CloudFormation's short forms are {known})", node.start_mark
    )


def _yaml_lines(root: Any) -> tuple[dict[str, int], list[tuple[str, int, int]]]:
    """Every key's and item's line, by the pointer it will have once constructed (short forms included)."""
    import yaml

    lines: dict[str, int] = {}
    duplicates: list[tuple[str, int, int]] = []
    seen: set[int] = set()
    stack: list[tuple[Any, str]] = [(root, "")]
    while stack:
        node, pointer = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        tag = node.tag
        if isinstance(tag, str) and tag.startswith("!") and tag[1:] in _LONG:
            pointer = f"{pointer}/{escape(_LONG[tag[1:]])}"
            lines.setdefault(pointer, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    continue
                child = f"{pointer}/{escape(str(key_node.value))}"
                line = key_node.start_mark.line + 1
                if child in lines and key_node.value != "<<":
                    duplicates.append((child, line, lines[child]))
                lines[child] = line
                stack.append((value_node, child))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                child = f"{pointer}/{i}"
                lines.setdefault(child, item.start_mark.line + 1)
                stack.append((item, child))
    return lines, duplicates


def _json_lines(text: str) -> tuple[dict[str, int], list[tuple[str, int, int]]]:
    """Every key's and container item's line in valid JSON ``text``, from its string and bracket tokens."""
    lines: dict[str, int] = {}
    duplicates: list[tuple[str, int, int]] = []
    # a frame: [pointer, is_object, last key or item index, expecting a key]
    frames: list[list[Any]] = []
    line, last = 1, 0
    for match in _JSON_TOKEN.finditer(text):
        pos = match.start()
        line += text.count("\n", last, pos)
        last = pos
        token = match.group()
        top = frames[-1] if frames else None
        if token in "{[":
            pointer = ""
            if top is not None:
                pointer = f"{top[0]}/{escape(str(top[2]))}"
                if not top[1]:
                    lines.setdefault(pointer, line)
            frames.append([pointer, token == "{", 0 if token == "[" else "", token == "{"])
        elif token in "}]":
            frames.pop()
        elif token == ",":
            if top is not None:
                if top[1]:
                    top[3] = True
                else:
                    top[2] += 1
        elif token == ":":
            if top is not None:
                top[3] = False
        elif top is not None:
            if top[1] and top[3]:
                key = cast(str, json.loads(token))
                top[2] = key
                child = f"{top[0]}/{escape(key)}"
                if child in lines:
                    duplicates.append((child, line, lines[child]))
                lines[child] = line
            elif not top[1]:
                lines.setdefault(f"{top[0]}/{top[2]}", line)
    return lines, duplicates
