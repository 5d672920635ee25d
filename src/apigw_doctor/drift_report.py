"""Drift's report model: the kinds of drift item, and the item / fix / stage / API / report values (pure data).

    DriftReport(apis=(ApiDrift(stages=(StageDrift(items=(DriftItem(kind="UNDEPLOYED_ROUTE", ...),), ...),)),))

A report counts as drift when any of its items does; an item's kind says whether it does (``SNAPSHOT_UNKNOWN``
does not: it says the comparison could not be made).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Kind:
    """One kind of drift item: a stable id, what it means, and whether it counts as drift (exit code 1)."""

    id: str
    title: str
    drift: bool = True


KINDS: tuple[Kind, ...] = (
    Kind(id="NO_DEPLOYMENT", title="the stage points at no deployment: it serves no routes"),
    Kind(id="AUTO_DEPLOY_FAILED", title="the last auto-deploy of an HTTP API stage failed"),
    Kind(id="UNDEPLOYED_ROUTE", title="a route of the working copy that the stage does not serve"),
    Kind(id="DELETED_BUT_LIVE", title="a route deleted from the working copy that the stage still serves"),
    Kind(id="AUTH_CHANGED", title="the route's authorizationType differs between the working copy and the stage"),
    Kind(id="API_KEY_CHANGED", title="the route's apiKeyRequired differs between the working copy and the stage"),
    Kind(id="NEWER_DEPLOYMENT", title="a newer deployment exists that the stage does not point at"),
    Kind(id="CANARY_DIFFERS", title="a route differs between the stage's deployment and its canary deployment"),
    Kind(
        id="SNAPSHOT_UNKNOWN",
        title="cannot compare: the deployment's routes are not available to the source",
        drift=False,
    ),
)
BY_KIND: dict[str, Kind] = {k.id: k for k in KINDS}
KIND_ORDER: dict[str, int] = {k.id: i for i, k in enumerate(KINDS)}
"""The position of each kind in :data:`KINDS`: a stage lists its items in that order."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DriftItem:
    kind: str
    message: str
    route: str | None = None
    live: str | None = None
    """The value the stage serves (an authorizationType, ``true``/``false``), when the item compares values."""
    pending: str | None = None
    """The value in the working copy (or the newer / canary deployment) that is not live."""
    deployment_id: str | None = None
    """The other deployment concerned (the newer one, the canary, the one whose routes are unknown)."""
    details: tuple[str, ...] = ()

    @property
    def drift(self) -> bool:
        return BY_KIND[self.kind].drift


@dataclass(frozen=True, slots=True, kw_only=True)
class DriftFix:
    summary: str
    commands: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class StageDrift:
    stage: str
    deployment_id: str | None
    deployment_created: str | None = None
    canary_deployment_id: str | None = None
    canary_percent: float | None = None
    auto_deploy: bool = False
    items: tuple[DriftItem, ...] = ()
    fixes: tuple[DriftFix, ...] = ()
    """The fix first, then alternatives; empty when there is no drift."""

    @property
    def drift(self) -> bool:
        return any(i.drift for i in self.items)


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiDrift:
    api_id: str
    name: str
    kind: str
    region: str
    stages: tuple[StageDrift, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def drift(self) -> bool:
        return any(s.drift for s in self.stages)


@dataclass(frozen=True, slots=True, kw_only=True)
class DriftReport:
    apis: tuple[ApiDrift, ...] = ()
    missing: tuple[str, ...] = ()
    """Requested API ids the world does not have."""
    notes: tuple[str, ...] = ()

    @property
    def drift(self) -> bool:
        return any(a.drift for a in self.apis)

    @property
    def stages(self) -> tuple[StageDrift, ...]:
        """Every API's stages, in order."""
        return tuple(s for a in self.apis for s in a.stages)

    @property
    def item_count(self) -> int:
        return sum(1 for a in self.apis for s in a.stages for i in s.items if i.drift)


__all__ = ["BY_KIND", "KINDS", "KIND_ORDER", "ApiDrift", "DriftFix", "DriftItem", "DriftReport", "Kind", "StageDrift"]
