"""How Terraform resources name each other, and reading their values as model fields.

A method's ``rest_api_id`` is a :class:`Ref` in a configuration (``aws_api_gateway_rest_api.main.id``) or a
plan of new resources, and a real id (``a1b2c3d4e5``) in a state. :class:`Links` answers both the same way:
which resource of the configuration it names, and through which attribute (``id``, ``root_resource_id``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .config import TerraformConfig, TfResource, string_value
from .values import Ref, Unknown, Value, text_of

_ARN = re.compile(r"arn:aws[a-z-]*:(?:execute-api|apigateway):(?P<region>[a-z0-9-]+):(?P<account>\d{12})?:")


class Links:
    def __init__(self, config: TerraformConfig) -> None:
        self.config = config
        self.by_address = {r.address: r for r in config.resources}
        self.by_id: dict[str, list[tuple[TfResource, str]]] = {}
        for r in config.resources:
            if r.real_id:
                self.by_id.setdefault(r.real_id, []).append((r, "id"))
            root = r.value("root_resource_id")
            if isinstance(root, str):
                self.by_id.setdefault(root, []).append((r, "root_resource_id"))

    def target(self, value: Value, *types: str) -> tuple[TfResource, str] | None:
        """The resource (of one of ``types``) that ``value`` names, and the attribute used; None if none."""
        if isinstance(value, Ref):
            r = self.by_address.get(value.address)
            return (r, value.attribute) if r is not None and r.type in types else None
        if isinstance(value, str):
            for r, attribute in self.by_id.get(value, ()):
                if r.type in types:
                    return r, attribute
        return None

    def key(self, value: Value, *types: str) -> str | None:
        """The model id of what ``value`` names: its key when linked, a plain string as is, else None."""
        found = self.target(value, *types)
        if found is not None:
            return found[0].key
        return value if isinstance(value, str) and value else None

    def group(
        self, rtype: str, field: str, parents: Iterable[TfResource], notes: list[str]
    ) -> dict[str, list[TfResource]]:
        """Resources of ``rtype`` by the key of the parent their ``field`` names (notes for the unlinked)."""
        parent_types = tuple(dict.fromkeys(p.type for p in parents))
        out: dict[str, list[TfResource]] = {p.key: [] for p in parents}
        for r in self.config.of_type(rtype):
            found = self.target(r.value(field), *parent_types) if parent_types else None
            if found is None or found[0].key not in out:
                notes.append(f"{where(r)}: {field} = {shown(r, field)} names no API of this configuration: skipped")
                continue
            out[found[0].key].append(r)
        return out


def where(r: TfResource) -> str:
    """``main.tf:12 aws_api_gateway_method.get`` (the file and line when known)."""
    origin = r.origin
    place = origin.source + (f":{origin.line}" if origin.line is not None else "")
    return f"{r.address} ({place})"


def shown(r: TfResource, name: str) -> str:
    """An argument as written (the value when there is no text): for notes."""
    argument = r.argument(name)
    if argument is None:
        return "(not set)"
    text = " ".join((argument.text or text_of(argument.value)).split())
    return text if len(text) <= 80 else text[:77] + "..."


def string(r: TfResource, name: str, default: str | None = None) -> str | None:
    value = string_value(r.value(name))
    return default if value is None else value


def text(r: TfResource, name: str) -> str | None:
    """A string field that may hold a symbolic value (an integration's uri): symbolic parts as written."""
    value = r.value(name)
    return None if value is None else text_of(value)


def flag(r: TfResource, name: str, default: bool = False) -> bool:
    value = r.value(name)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return default


def strings(value: Value) -> tuple[str, ...]:
    """A list of known strings (symbolic entries as written)."""
    if isinstance(value, list):
        return tuple(text_of(v) for v in value if v is not None)
    if isinstance(value, str):
        return (value,)
    return ()


def pairs(value: Value) -> tuple[tuple[str, str], ...]:
    """A map of strings as ordered pairs (symbolic values as written)."""
    if not isinstance(value, dict):
        return ()
    return tuple((k, text_of(v)) for k, v in value.items() if v is not None)


def unknown_reason(value: Value) -> str:
    if isinstance(value, Unknown):
        return value.reason
    if isinstance(value, Ref):
        return f"{value.address}.{value.attribute} is known only after apply"
    return "not set" if value is None else f"{text_of(value)!r} is not usable here"


def account_and_region(r: TfResource) -> tuple[str | None, str | None]:
    """From a state's ``arn`` / ``execution_arn`` (``arn:aws:execute-api:eu-west-1:123456789012:id``)."""
    for name in ("execution_arn", "arn"):
        value = r.value(name)
        match = _ARN.match(value) if isinstance(value, str) else None
        if match:
            return match["account"], match["region"]
    return None, None
