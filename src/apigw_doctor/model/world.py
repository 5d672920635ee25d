"""The World: every API and custom domain a diagnosis can see."""

from __future__ import annotations

from dataclasses import dataclass

from .domain import DomainName
from .http import HttpApi
from .rest import RestApi

Api = RestApi | HttpApi


@dataclass(frozen=True, slots=True, kw_only=True)
class World:
    apis: tuple[Api, ...] = ()
    domains: tuple[DomainName, ...] = ()
    notes: tuple[str, ...] = ()
    """What the sources could not verify or assumed, for every diagnosis."""

    def api(self, api_id: str, region: str | None = None) -> Api | None:
        for a in self.apis:
            if a.id == api_id and (region is None or a.region == region):
                return a
        return None

    def apis_with_id(self, api_id: str) -> tuple[Api, ...]:
        return tuple(a for a in self.apis if a.id == api_id)

    def domain(self, host: str) -> DomainName | None:
        host = host.lower().rstrip(".")
        for d in self.domains:
            if d.name.lower() == host:
                return d
        return None

    def merge(self, other: World) -> World:
        return World(apis=self.apis + other.apis, domains=self.domains + other.domains, notes=self.notes + other.notes)
