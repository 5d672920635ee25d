"""The values of Terraform expressions as far as they can be known before ``terraform apply``.

A :data:`Value` is what Terraform's JSON output would show (strings, numbers, booleans, null, lists,
objects) or one of two symbolic values, kept as written and never guessed:

* :class:`Ref`: an attribute of a resource in the configuration that only exists after apply
  (``aws_api_gateway_rest_api.main.id``, ``.root_resource_id``, ``aws_lambda_function.f.invoke_arn``).
  The source links objects through them (a method's ``rest_api_id`` names its API).
* :class:`Unknown`: anything else that cannot be known here, with the reason: a data source, a module
  output, a variable without a default, a ``for`` expression, a function this source does not evaluate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Protocol, TypeAlias


@dataclass(frozen=True, slots=True)
class Ref:
    """``address.attribute`` of a resource instance, known only after apply."""

    address: str
    attribute: str

    @property
    def display(self) -> str:
        return "${" + f"{self.address}.{self.attribute}" + "}"


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value that cannot be known before apply. ``display`` is the expression as written.

    ``partial`` keeps what is known of it: the structure ``jsonencode``/``yamlencode`` would encode, or a
    template's text with each unknown part written as ``${...}`` (an OpenAPI ``body`` still has its paths
    when an integration's ``uri`` is a Lambda ARN known only after apply).
    """

    display: str
    reason: str
    partial: Value = None


class FileText(str):
    """The text of a file read by ``file()`` or rendered by ``templatefile()``, with the file's path."""

    path: str

    def __new__(cls, text: str, path: str) -> FileText:
        obj = super().__new__(cls, text)
        obj.path = path
        return obj


Value: TypeAlias = "str | int | float | bool | list[Value] | dict[str, Value] | Ref | Unknown | None"


Key = str | int


class Scope(Protocol):
    """What names mean where an expression is evaluated."""

    @property
    def base_dir(self) -> str:
        """The directory relative paths (``file("x")``) are read from: the root module's."""

    def lookup(self, root: str, keys: tuple[Key, ...], text: str) -> Value: ...


def is_known(value: Value) -> bool:
    """True when ``value`` holds no :class:`Ref` or :class:`Unknown`, at any depth."""
    if isinstance(value, Ref | Unknown):
        return False
    if isinstance(value, list):
        return all(is_known(v) for v in value)
    if isinstance(value, dict):
        return all(is_known(v) for v in value.values())
    return True


def symbols(value: Value) -> tuple[Ref | Unknown, ...]:
    """Every :class:`Ref` and :class:`Unknown` inside ``value``."""
    if isinstance(value, Ref | Unknown):
        return (value,)
    if isinstance(value, list):
        return tuple(s for v in value for s in symbols(v))
    if isinstance(value, dict):
        return tuple(s for v in value.values() for s in symbols(v))
    return ()


def text_of(value: Value) -> str:
    """A value as a string would show it; symbolic values as written (``${aws_lambda_function.f.arn}``)."""
    if isinstance(value, Unknown) and isinstance(value.partial, str):
        return value.partial
    if isinstance(value, Ref | Unknown):
        return value.display
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(plain(value), separators=(",", ":"))
    return str(value)


def plain(value: Value) -> object:
    """``value`` as JSON data, each symbolic value replaced by its display text."""
    if isinstance(value, Ref | Unknown):
        return value.display
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def get(value: Value, keys: tuple[Key, ...], text: str) -> Value:
    """``value[k1][k2]...``; Unknown when a step is missing or the value is symbolic."""
    for key in keys:
        if isinstance(value, Ref | Unknown):
            return value
        if isinstance(value, dict) and str(key) in value:
            value = value[str(key)]
        elif isinstance(value, list) and str(key).lstrip("-").isdigit() and -len(value) <= int(key) < len(value):
            value = value[int(key)]
        else:
            return Unknown(wrapped(text), f"{text}: no element {key!r}")
    return value


def reason_of(symbol: Ref | Unknown) -> str:
    """Why a symbolic value is not known: ``aws_api_gateway_rest_api.main.id is known only after apply``."""
    if isinstance(symbol, Ref):
        return f"{symbol.address}.{symbol.attribute} is known only after apply"
    return symbol.reason


def from_plain(data: object) -> Value:
    if isinstance(data, dict):
        return {str(k): from_plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [from_plain(v) for v in data]
    if data is None or isinstance(data, str | int | float | bool):
        return data
    return str(data)


def number_of(value: Value) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
        return int(number) if number.is_integer() else number
    return None


def wrapped(text: str) -> str:
    """An expression as a symbolic value displays it: ``${aws_lambda_function.f.arn}``, on one line."""
    return "${" + " ".join(text.split()) + "}"
