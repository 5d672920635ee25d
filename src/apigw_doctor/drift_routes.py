"""Drift's route tables: what a working copy or a deployment serves, the changes between two, deployments in time.

A route is a method on a path (``GET /pets/{id}``; ``ANY`` is a method like the others; ``$default`` for the
HTTP API default route) with its ``authorizationType`` and ``apiKeyRequired``. Comparing two tables is a set
comparison of route keys; which request matches which route does not matter here.

    diff(rest_table(live), rest_table(working))  ->  (Change(what="added", route="GET /pets/{id}"),)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from .model import HttpDeployment, Resource, RestDeployment, Route, Stage


# -- route tables ------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class RouteSig:
    """A route with the part of its configuration a deployment snapshot records."""

    method: str
    path: str
    """The resource path (``/pets/{id}``), or ``$default`` for the HTTP API default route."""
    authorization_type: str = "NONE"
    api_key_required: bool = False

    @property
    def key(self) -> str:
        return self.path if self.path == "$default" else f"{self.method} {self.path}"


RouteTable = Mapping[str, RouteSig]


def rest_table(resources: Iterable[Resource]) -> dict[str, RouteSig]:
    """A REST API's routes: every method of every resource."""
    sigs = (
        RouteSig(
            method=m.http_method,
            path=r.path,
            authorization_type=m.authorization_type,
            api_key_required=m.api_key_required,
        )
        for r in resources
        for m in r.methods
    )
    return {s.key: s for s in sigs}


def http_table(routes: Iterable[Route]) -> dict[str, RouteSig]:
    """An HTTP API's routes, by route key."""
    sigs = (
        RouteSig(
            method=r.method,
            path=r.path if r.path is not None else r.key,
            authorization_type=r.authorization_type,
            api_key_required=r.api_key_required,
        )
        for r in routes
    )
    return {s.key: s for s in sigs}


Deployment = RestDeployment | HttpDeployment


def deployed_table(dep: Deployment | None) -> RouteTable | None:
    """The routes a deployment serves, from its route snapshot (None: no deployment, or no snapshot)."""
    if isinstance(dep, RestDeployment) and dep.resources is not None:
        return rest_table(dep.resources)
    if isinstance(dep, HttpDeployment) and dep.routes is not None:
        return http_table(dep.routes)
    return None


# -- changes between two tables ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """How one route differs from table ``a`` (what is live) to table ``b`` (what would be)."""

    what: str
    """``added`` (only in b), ``removed`` (only in a), ``auth`` or ``api_key`` (in both, different)."""
    route: str
    before: str | None = None
    after: str | None = None

    def line(self) -> str:
        if self.what == "added":
            return f"+ {self.route}"
        if self.what == "removed":
            return f"- {self.route}"
        label = "authorization" if self.what == "auth" else "API key required"
        return f"~ {self.route}: {label} {self.before} -> {self.after}"


def route_sort_key(route: str) -> tuple[str, str]:
    """Sort route keys by path, then method (``$default`` sorts as a path)."""
    method, _, path = route.partition(" ")
    return (path or method, method if path else "")


def diff(a: RouteTable, b: RouteTable) -> tuple[Change, ...]:
    """The changes from ``a`` to ``b``, sorted by path then method."""
    out: list[Change] = []
    for key in sorted(a.keys() | b.keys(), key=route_sort_key):
        old, new = a.get(key), b.get(key)
        if old is None:
            out.append(Change(what="added", route=key))
        elif new is None:
            out.append(Change(what="removed", route=key))
        else:
            if old.authorization_type != new.authorization_type:
                out.append(Change(what="auth", route=key, before=old.authorization_type, after=new.authorization_type))
            if old.api_key_required != new.api_key_required:
                out.append(
                    Change(
                        what="api_key",
                        route=key,
                        before=str(old.api_key_required).lower(),
                        after=str(new.api_key_required).lower(),
                    )
                )
    return tuple(out)


# -- deployments in time order -----------------------------------------------------------------------------
def parse_time(value: object) -> datetime | None:
    """An ISO 8601 string or a datetime -> an aware UTC datetime (naive ones are taken as UTC); None otherwise."""
    if isinstance(value, datetime):
        t = value
    elif isinstance(value, str) and value:
        try:
            t = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def in_time_order(deployments: Sequence[Deployment]) -> list[Deployment]:
    """Oldest first: by creation time when every deployment has one, else in list order."""
    times = [parse_time(d.created) for d in deployments]
    if deployments and all(t is not None for t in times):
        order = sorted(range(len(deployments)), key=lambda i: (times[i], i))
        return [deployments[i] for i in order]
    return list(deployments)


def newest_after(deployments: Sequence[Deployment], deployment_id: str | None) -> Deployment | None:
    """The newest deployment if it is newer than ``deployment_id`` (None if that one is the newest or unknown)."""
    ordered = in_time_order(deployments)
    ids = [d.id for d in ordered]
    if deployment_id not in ids or ids[-1] == deployment_id:
        return None
    return ordered[-1]


def stages_serving(stages: Iterable[Stage], deployment_id: str) -> list[str]:
    """The names of the stages that serve ``deployment_id``."""
    return [s.name for s in stages if s.deployment_id == deployment_id]


__all__ = [
    "Change",
    "Deployment",
    "RouteSig",
    "RouteTable",
    "deployed_table",
    "diff",
    "http_table",
    "in_time_order",
    "newest_after",
    "parse_time",
    "rest_table",
    "route_sort_key",
    "stages_serving",
]
