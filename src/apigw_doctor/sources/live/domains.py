"""Custom domain names, read live through both APIs and merged into one :class:`DomainName`.

AWS keeps one set of domains and mappings that both management APIs see: v1 (``get-domain-name``,
``get-base-path-mappings``: single-segment base paths, a stage or ``(none)``) and v2 (``get-domain-name``,
``get-api-mappings``: multi-level keys such as ``orders/v2``, REST and HTTP APIs alike). Emulators such as moto
keep two separate stores, so both are read and merged: a base path seen by both keeps the v1 mapping.

Looking a host up costs two calls per region searched (v1 and v2 ``get-domain-name``, in parallel) and, in the
region that has it, one listing per API that knows it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ...model import ENDPOINT_TYPES, DomainName, Mapping, Origin
from .fetch import Caller, CallFailed, parallel
from .fields import JSON, obj, objs, opt_text, origin, strings, text
from .rest import Got, attempt

NONE = "(none)"


def _domain_origin(region: str, name: str, *parts: str) -> Origin:
    return origin(region, "domainnames", name, *parts)


class DomainFetch:
    def __init__(self, caller: Caller, workers: int) -> None:
        self.caller = caller
        self.workers = workers
        self.notes: list[str] = []

    def lookup(self, host: str, regions: Sequence[str]) -> DomainName | None:
        """The domain ``host`` in the first of ``regions`` that has it, with every mapping; None if none has."""
        for region in regions:
            v1, v2 = parallel(
                self.workers,
                [
                    self._get(region, "apigateway", "get_domain_name", domainName=host),
                    self._get(region, "apigatewayv2", "get_domain_name", DomainName=host),
                ],
            )
            if v1 is None and v2 is None:
                continue
            return self._domain(region, host, v1, v2)
        return None

    def all(self, region: str) -> tuple[DomainName, ...]:
        """Every custom domain of ``region`` with its mappings."""
        listed = parallel(
            self.workers,
            [
                self._listing(region, "apigateway", "get_domain_names", "the custom domains (v1)"),
                self._listing(region, "apigatewayv2", "get_domain_names", "the custom domains (v2)"),
            ],
        )
        v1 = {text(item, "domainName"): item for item in listed[0] if text(item, "domainName")}
        v2 = {text(item, "DomainName"): item for item in listed[1] if text(item, "DomainName")}
        names = sorted(set(v1) | set(v2))
        return tuple(self._domain(region, name, v1.get(name), v2.get(name)) for name in names)

    # -- calls -----------------------------------------------------------------------------------------------
    def _get(self, region: str, service: str, method: str, **params: object) -> Callable[[], JSON | None]:
        def run() -> JSON | None:
            got = attempt(lambda: self.caller.call(service, region, method, **params))
            if got.failure is not None and not got.failure.not_found:
                self._note(got, f"the custom domain {next(iter(params.values()))} ({service}) in {region}")
            return got.value

        return run

    def _listing(self, region: str, service: str, method: str, what: str, **params: object) -> Callable[[], list[JSON]]:
        def listing() -> JSON:
            return {"items": self.caller.items(service, region, method, **params)}

        def run() -> list[JSON]:
            got = attempt(listing)
            if got.value is None:
                self._note(got, what, "none are assumed")
                return []
            return objs(got.value, "items")

        return run

    def _note(self, got: Got[JSON], what: str, assumed: str = "it is taken not to exist") -> None:
        reason = got.failure.reason if isinstance(got.failure, CallFailed) else "no answer"
        self.notes.append(f"Could not read {what} ({reason}): {assumed}.")

    # -- building ----------------------------------------------------------------------------------------------
    def _domain(self, region: str, name: str, v1: JSON | None, v2: JSON | None) -> DomainName:
        tasks = []
        if v1 is not None:
            what = f"the base path mappings of {name}"
            tasks.append(self._listing(region, "apigateway", "get_base_path_mappings", what, domainName=name))
        if v2 is not None:
            what = f"the API mappings of {name}"
            tasks.append(self._listing(region, "apigatewayv2", "get_api_mappings", what, DomainName=name))
        results = parallel(self.workers, tasks)
        v1_items = results[0] if v1 is not None else []
        v2_items = results[-1] if v2 is not None else []
        mappings: dict[str, Mapping] = {}
        for item in v1_items:
            base = text(item, "basePath", NONE)
            base_path = "" if base == NONE else base.strip("/")
            stage = text(item, "stage", NONE)
            mappings.setdefault(
                base_path,
                Mapping(
                    base_path=base_path,
                    api_id=text(item, "restApiId"),
                    stage=None if stage in (NONE, "") else stage,
                    source="v1",
                    origin=_domain_origin(region, name, "basepathmappings", base or NONE),
                ),
            )
        for item in v2_items:
            key = text(item, "ApiMappingKey").strip("/")
            mappings.setdefault(
                key,
                Mapping(
                    base_path=key,
                    api_id=text(item, "ApiId"),
                    stage=opt_text(item, "Stage"),
                    source="v2",
                    origin=_domain_origin(region, name, "apimappings", text(item, "ApiMappingId") or key or NONE),
                ),
            )
        return DomainName(
            name=name,
            endpoint_type=_endpoint_type(v1, v2),
            region=region,
            mappings=tuple(mappings[k] for k in sorted(mappings) if mappings[k].api_id),
            origin=_domain_origin(region, name),
        )


def _endpoint_type(v1: JSON | None, v2: JSON | None) -> str:
    if v1 is not None:
        types = strings(obj(v1, "endpointConfiguration"), "types")
        if types and types[0] in ENDPOINT_TYPES:
            return types[0]
    if v2 is not None:
        configurations = objs(v2, "DomainNameConfigurations")
        kind = text(configurations[0], "EndpointType") if configurations else ""
        if kind in ENDPOINT_TYPES:
            return kind
    return "REGIONAL"


def select(domain: DomainName, parts: tuple[str, ...]) -> Mapping | None:
    """The mapping a path selects: the longest base path that is a prefix of its segments, else ``(none)``."""
    best: Mapping | None = None
    for m in domain.mappings:
        key = m.key_segments
        if parts[: len(key)] == key and (best is None or len(key) > len(best.key_segments)):
            best = m
    return best
