"""From a URL (or a list of API ids) to the World a diagnosis needs, and no more.

A request's host decides what is read (see ``docs/live.md``):

* ``{id}.execute-api.{region}.amazonaws.com`` (and the VPC endpoint forms, where the id comes from the
  ``x-apigw-api-id`` or ``Host`` header): the API ``id`` in the URL's region. ``get-rest-api`` first; on
  NotFound, apigatewayv2 ``get-api``. Not there: the same look-up in each of the configured ``regions`` (so the
  diagnosis can name the right region), then the region's API ids are listed and the one closest to ``id``
  (a likely typo) is read, so a "did you mean" can be checked. The World then lacks the API, which the
  diagnosis reports as API_NOT_FOUND or WRONG_REGION.
* any other host: a custom domain, looked up in the default region, then in ``regions``; only the API of
  the mapping the path selects (longest base path first, then ``(none)``) is read.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ...errors import InputError
from ...gateway import Request
from ...gateway.hosts import classify
from ...gateway.paths import split
from ...model import Api, DomainName, World
from .domains import DomainFetch, select
from .fetch import Caller, CallFailed
from .fields import JSON, text
from .http_api import HttpFetch
from .rest import RestFetch
from .session import AWS

NEAR_RATIO = 0.8
"""How alike two API ids must be (difflib ratio) to read the other as a likely typo."""


@dataclass(frozen=True, slots=True)
class Found:
    """An API located by id: its kind, region and its ``get-rest-api`` / ``get-api`` answer."""

    kind: str
    region: str
    answer: JSON


ALL_REGIONS = "all"
"""``--regions all``: every region enabled for the account."""


class Resolver:
    def __init__(
        self, caller: Caller, workers: int, default_region: Callable[[], str | None], regions: Sequence[str]
    ) -> None:
        self.caller = caller
        self.workers = workers
        self.default_region = default_region
        self._regions = tuple(regions)
        self._expanded: tuple[str, ...] | None = None
        self.notes: list[str] = []

    # -- one API -------------------------------------------------------------------------------------------
    def find(self, api_id: str, region: str) -> Found | None:
        """The API ``api_id`` in ``region`` (REST first, then HTTP), or None; InputError when it cannot tell."""
        for kind, service, method, params in (
            ("REST", "apigateway", "get_rest_api", {"restApiId": api_id}),
            ("HTTP", "apigatewayv2", "get_api", {"ApiId": api_id}),
        ):
            try:
                answer = self.caller.call(service, region, method, **params)
            except CallFailed as exc:
                if exc.not_found:
                    continue
                hint = " (see docs/iam-policy.json for the read-only policy)" if exc.denied else ""
                raise InputError(f"cannot read API {api_id} in {region}: {exc.reason}{hint}", api_id) from None
            if kind == "HTTP" and text(answer, "ProtocolType", "HTTP") != "HTTP":
                self.notes.append(
                    f"API {api_id} in {region} is a {text(answer, 'ProtocolType')} API: apigw-doctor reads REST and "
                    "HTTP APIs only, so it is left out."
                )
                return None
            return Found(kind, region, answer)
        return None

    def fetch(self, found: Found, api_id: str) -> Api:
        if found.kind == "REST":
            return RestFetch(self.caller, found.region, api_id, self.workers).api(found.answer)
        return HttpFetch(self.caller, found.region, api_id, self.workers).api(found.answer)

    # -- a request -----------------------------------------------------------------------------------------
    def for_request(self, request: Request) -> World:
        info = classify(request)
        if info.kind == "custom-domain":
            return self._custom_domain(request, info.host)
        if not info.api_id or not info.region:
            return World()
        found = self.find(info.api_id, info.region)
        if found is not None:
            return self._world((self.fetch(found, info.api_id),))
        for region in self.regions():
            if region == info.region:
                continue
            found = self.find(info.api_id, region)
            if found is not None:
                self.notes.append(f"API {info.api_id} is not in {info.region}: it was found in {region}.")
                return self._world((self.fetch(found, info.api_id),))
        return self._world(self._near(info.api_id, info.region))

    def _near(self, api_id: str, region: str) -> tuple[Api, ...]:
        """The region's API closest to ``api_id`` (a likely typo), read in full; () when none is close."""
        ids: dict[str, str] = {}
        for service, method, key in (("apigateway", "get_rest_apis", "id"), ("apigatewayv2", "get_apis", "ApiId")):
            try:
                for item in self.caller.items(service, region, method):
                    if text(item, key) and text(item, "ProtocolType", "HTTP") == "HTTP":
                        ids[text(item, key)] = service
            except CallFailed as exc:
                self.notes.append(f"Could not list the APIs of {region} ({exc.reason}): no similar id was looked for.")
        searched = ", ".join((region, *[r for r in self.regions() if r != region]))
        scored = sorted(
            ((difflib.SequenceMatcher(None, api_id.lower(), other.lower()).ratio(), other) for other in ids),
            reverse=True,
        )
        self.notes.append(f"No REST or HTTP API {api_id} in {searched}; {len(ids)} APIs are in {region}.")
        if not scored or scored[0][0] < NEAR_RATIO:
            return ()
        found = self.find(scored[0][1], region)
        return (self.fetch(found, scored[0][1]),) if found is not None else ()

    def _custom_domain(self, request: Request, host: str) -> World:
        regions = self._search_regions(None)
        domains = DomainFetch(self.caller, self.workers)
        domain = domains.lookup(host, regions)
        self.notes.extend(domains.notes)
        if domain is None:
            self.notes.append(
                f"{host} is not a custom domain name in {', '.join(regions)} (looked up with get-domain-name, v1 "
                "and v2); give --region, or more regions, if it lives elsewhere."
            )
            return self._world(())
        mapping = select(domain, split(request.raw_path).parts)
        if mapping is None or domain.region is None:
            return self._world((), (domain,))
        found = self.find(mapping.api_id, domain.region)
        if found is None:
            self.notes.append(
                f"The mapping {mapping.base_path or '(none)'!r} of {host} names API {mapping.api_id}, which is not "
                f"in {domain.region}."
            )
            return self._world((), (domain,))
        return self._world((self.fetch(found, mapping.api_id),), (domain,))

    # -- several APIs --------------------------------------------------------------------------------------
    def for_apis(
        self, api_ids: Sequence[str] | None, all_apis: bool, region: str | None, include_domains: bool
    ) -> World:
        regions = self._search_regions(region)
        apis: list[Api] = []
        if all_apis:
            for r in regions:
                apis.extend(self._all_apis(r))
        elif api_ids:
            for api_id in dict.fromkeys(api_ids):
                apis.append(self._one(api_id, regions))
        else:
            raise InputError("name the APIs to read (their ids), or ask for all of them", AWS)
        domains = tuple(d for r in regions for d in self.domains(r).domains) if include_domains else ()
        return self._world(tuple(apis), domains)

    def domains(self, region: str) -> World:
        """Every custom domain of ``region`` with its mappings, and nothing else."""
        fetch = DomainFetch(self.caller, self.workers)
        found = fetch.all(region)
        self.notes.extend(fetch.notes)
        return self._world((), tuple(found))

    def _one(self, api_id: str, regions: Sequence[str]) -> Api:
        for r in regions:
            found = self.find(api_id, r)
            if found is not None:
                return self.fetch(found, api_id)
        raise InputError(f"no REST or HTTP API {api_id} in {', '.join(regions)}", api_id)

    def _all_apis(self, region: str) -> list[Api]:
        listed: list[tuple[str, Found]] = []
        for kind, service, method, key in (
            ("REST", "apigateway", "get_rest_apis", "id"),
            ("HTTP", "apigatewayv2", "get_apis", "ApiId"),
        ):
            try:
                items = self.caller.items(service, region, method)
            except CallFailed as exc:
                raise InputError(f"cannot list the {kind} APIs of {region}: {exc.reason}", AWS) from None
            for item in items:
                if text(item, key) and (kind == "REST" or text(item, "ProtocolType", "HTTP") == "HTTP"):
                    listed.append((text(item, key), Found(kind, region, item)))
        return [self.fetch(found, api_id) for api_id, found in sorted(listed, key=lambda pair: pair[0])]

    # -- helpers -------------------------------------------------------------------------------------------
    def regions(self) -> tuple[str, ...]:
        """The extra regions to search; ``all`` stands for the account's enabled regions (ec2 DescribeRegions)."""
        if self._expanded is None:
            expanded: list[str] = []
            for r in self._regions:
                if r != ALL_REGIONS:
                    expanded.append(r)
                    continue
                home = self.default_region() or "us-east-1"
                try:
                    answer = self.caller.call("ec2", home, "describe_regions")
                except CallFailed as exc:
                    self.notes.append(
                        f"the enabled regions could not be listed ({exc}); only the given ones are searched"
                    )
                    continue
                items = answer.get("Regions")
                expanded.extend(text(item, "RegionName") or "" for item in (items if isinstance(items, list) else []))
            self._expanded = tuple(dict.fromkeys(r for r in expanded if r))
        return self._expanded

    def _search_regions(self, region: str | None) -> tuple[str, ...]:
        first = region or self.default_region()
        regions = tuple(dict.fromkeys(r for r in (first, *([] if region else self.regions())) if r))
        if not regions:
            raise InputError("no region: give --region or set AWS_REGION (or AWS_DEFAULT_REGION)", AWS)
        return regions

    def _world(self, apis: tuple[Api, ...], domains: tuple[DomainName, ...] = ()) -> World:
        live = tuple(a if a.source_kind else replace(a, source_kind="live") for a in apis)
        return World(apis=live, domains=domains, notes=tuple(dict.fromkeys(self.notes)))
