"""Typed reads of botocore's parsed responses (plain dicts): each returns the value or a default, never raises.

AWS answers are trusted for their shape, but emulators leave fields out or change their type; a field that is
missing or of another type reads as the default, and the model builders decide what that means.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from urllib.parse import quote

from ...model import Origin

JSON = dict[str, object]


def partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def origin(region: str, *parts: str) -> Origin:
    """The ARN of an API Gateway object: ``origin("us-east-1", "restapis", "abc", "stages", "prod")`` ->
    ``arn:aws:apigateway:us-east-1::/restapis/abc/stages/prod`` (the form IAM policies use)."""
    path = "/".join(quote(p, safe="{}+$()") for p in parts)
    return Origin(f"arn:{partition(region)}:apigateway:{region}::/{path}")


def text(data: Mapping[str, object], key: str, default: str = "") -> str:
    value = data.get(key)
    return value if isinstance(value, str) else default


def opt_text(data: Mapping[str, object], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def flag(data: Mapping[str, object], key: str, default: bool = False) -> bool:
    value = data.get(key)
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.lower() == "true"
    return default


def number(data: Mapping[str, object], key: str) -> float | None:
    value = data.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def obj(data: Mapping[str, object], key: str) -> JSON:
    value = data.get(key)
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    return {}


def objs(data: Mapping[str, object], key: str) -> list[JSON]:
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [{str(k): v for k, v in item.items()} for item in value if isinstance(item, dict)]


def strings(data: Mapping[str, object], key: str) -> tuple[str, ...]:
    value = data.get(key)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def pairs(data: Mapping[str, object], key: str) -> tuple[tuple[str, str], ...]:
    """A string-to-string map as sorted pairs (stage variables, tags, templates)."""
    value = data.get(key)
    if not isinstance(value, dict):
        return ()
    return tuple(sorted((str(k), str(v)) for k, v in value.items() if isinstance(v, str | int | float | bool)))


def iso(data: Mapping[str, object], key: str) -> str | None:
    """A date as ISO 8601 text (botocore parses timestamps into datetimes)."""
    value = data.get(key)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and value:
        return value
    return None
