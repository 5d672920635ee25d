"""Route trees AWS would refuse, checked the same way for every source (OpenAPI files, snapshots).

REST (reference 1.2): a segment is a literal of letters, digits and ``_ - . , :``, or a whole-segment
variable ``{name}`` / ``{name+}``; a parent has at most one variable child, greedy or not; a greedy
``{name+}`` has no children; every resource's parent is a resource. HTTP APIs (reference 5): the same
segment syntax, and a greedy variable only as the last segment. Each error is located at the offending
object's origin (``file#/json/pointer``) and names the paths involved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NoReturn

from ..errors import InputError
from ..model import DEFAULT_ROUTE, HTTP_METHODS, Origin, Resource, Route


class ImpossibleTree(InputError):
    """A route tree AWS would refuse. ``check`` reports it as a finding at ``origin``; other commands stop."""

    def __init__(self, message: str, origin: Origin) -> None:
        super().__init__(message, str(origin))
        self.origin = origin


def fail(message: str, origin: Origin) -> NoReturn:
    raise ImpossibleTree(message, origin)


LITERAL_SEGMENT = re.compile(r"[A-Za-z0-9_\-.,:]+")
VARIABLE_SEGMENT = re.compile(r"\{[A-Za-z0-9_\-.]+\+?\}")
ALLOWED = "letters, digits, _ - . , : and whole-segment variables {name} or {name+}"
ROUTE_METHODS = frozenset((*HTTP_METHODS, "ANY"))


def path_segments(path: str, origin: Origin) -> tuple[str, ...]:
    """The segments of ``path`` (``()`` for ``/``); InputError when AWS would reject one of them."""
    if not path.startswith("/"):
        fail(f"path {path!r} must start with '/'", origin)
    if path == "/":
        return ()
    parts = tuple(path[1:].split("/"))
    for part in parts:
        if not part:
            fail(f"empty path segment in {path} (AWS path parts cannot be empty; drop the extra '/')", origin)
        if "{" in part or "}" in part:
            if not VARIABLE_SEGMENT.fullmatch(part):
                fail(
                    f"path segment {part!r} in {path}: a variable must be a whole segment, {{name}} or "
                    f"{{name+}} (AWS allows {ALLOWED})",
                    origin,
                )
        elif not LITERAL_SEGMENT.fullmatch(part):
            bad = " ".join(sorted({c for c in part if not LITERAL_SEGMENT.fullmatch(c)}))
            fail(f"path segment {part!r} in {path} has characters AWS rejects ({bad}); allowed: {ALLOWED}", origin)
    return parts


def is_variable(part: str) -> bool:
    return part.startswith("{") and part.endswith("}")


def is_greedy(part: str) -> bool:
    return part.startswith("{") and part.endswith("+}")


def validate_resources(resources: Sequence[Resource]) -> None:
    """A REST resource tree: unique paths and methods, parents present, one variable child, no greedy parent."""
    by_path: dict[str, Resource] = {}
    for resource in resources:
        path_segments(resource.path, resource.origin)
        if resource.path in by_path:
            fail(f"resource {resource.path} appears twice (also at {by_path[resource.path].origin})", resource.origin)
        by_path[resource.path] = resource
        seen: set[str] = set()
        for method in resource.methods:
            if method.http_method in seen:
                fail(f"method {method.http_method} appears twice on {resource.path}", method.origin)
            seen.add(method.http_method)
    variable_child: dict[str, str] = {}
    for resource in resources:
        parent = resource.parent_path
        if parent is None:
            continue
        if parent not in by_path:
            fail(
                f"resource {resource.path} has no parent resource {parent} (AWS creates every path part as "
                "a resource: list it too)",
                resource.origin,
            )
        parent_part = by_path[parent].path_part
        if is_greedy(parent_part):
            fail(
                f"greedy {parent_part} at {parent} cannot have children, but {resource.path} is one "
                "(AWS rejects children of a greedy path variable)",
                resource.origin,
            )
        part = resource.path_part
        if is_variable(part):
            other = variable_child.setdefault(parent, part)
            if other != part:
                fail(f"two variable siblings under {parent}: {other} and {part} (AWS allows one)", resource.origin)


def validate_routes(routes: Sequence[Route]) -> None:
    """HTTP API routes: ``METHOD /path`` or ``$default``, unique keys, a greedy variable only at the end."""
    seen: dict[str, Route] = {}
    for route in routes:
        if route.key in seen:
            fail(f"route {route.key!r} appears twice (also at {seen[route.key].origin})", route.origin)
        seen[route.key] = route
        if route.key == DEFAULT_ROUTE:
            continue
        method, _, path = route.key.partition(" ")
        if method not in ROUTE_METHODS or not path:
            fail(
                f"route key {route.key!r} must be '$default' or 'METHOD /path' with METHOD one of "
                f"{', '.join(sorted(ROUTE_METHODS))}",
                route.origin,
            )
        parts = path_segments(path, route.origin)
        for i, part in enumerate(parts[:-1]):
            if is_greedy(part):
                fail(
                    f"greedy {part} must be the last segment of an HTTP API route, but {path} continues after "
                    f"/{'/'.join(parts[: i + 1])}",
                    route.origin,
                )
