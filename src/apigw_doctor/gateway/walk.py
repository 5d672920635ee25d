"""The request path, exactly as API Gateway walks it: host -> API -> stage -> route -> auth -> response.

:class:`Gateway` compiles each deployment's routes once and answers any number of requests; the
module-level :func:`walk` is the one-shot form. Both are pure: no network, no files, no clock.
"""

from __future__ import annotations

from ..model import DEFAULT_STAGE, HttpApi, Method, Resource, RestApi, Route, Stage, World
from .hosts import HostInfo, classify
from .http_walk import http_stage
from .outcome import Failure, Outcome, Resolution, Step
from .paths import Segments, split
from .request import Request
from .responses import plain_error
from .rest_walk import rest_stage
from .router import Trie
from .state import FORBIDDEN, NO_DEPLOYMENT, NO_RESPONSE, WalkState

__all__ = ["NO_DEPLOYMENT", "Gateway", "walk"]


class Gateway:
    """API Gateway's data plane over one :class:`World`. Route tries are compiled lazily and kept."""

    def __init__(self, world: World) -> None:
        self.world = world
        self._rest: dict[tuple[str, str, str], Trie[Method]] = {}
        self._http: dict[tuple[str, str, str], Trie[Route]] = {}

    # -- compiled routes -------------------------------------------------------------------------------
    def rest_trie(self, api: RestApi, resources: tuple[Resource, ...], key: str) -> Trie[Method]:
        k = (api.id, api.region, key)
        trie = self._rest.get(k)
        if trie is None:
            trie = Trie()
            for r in resources:
                trie.add(r.path, None, None)
                for m in r.methods:
                    trie.add(r.path, m.http_method, m)
            self._rest[k] = trie
        return trie

    def http_trie(self, api: HttpApi, routes: tuple[Route, ...], key: str) -> Trie[Route]:
        k = (api.id, api.region, key)
        trie = self._http.get(k)
        if trie is None:
            trie = Trie()
            for r in routes:
                if r.path is not None:
                    trie.add(r.path, r.method, r)
            self._http[k] = trie
        return trie

    def rest_routes(
        self, api: RestApi, stage: Stage | None, canary: bool = False
    ) -> tuple[tuple[Resource, ...], str | None]:
        """The resources a stage serves and the deployment id (None: working copy, deployment unknown)."""
        if stage is None:
            return api.resources, None
        dep_id = stage.canary.deployment_id if canary and stage.canary else stage.deployment_id
        dep = api.deployment(dep_id)
        if dep is None or dep.resources is None:
            return api.resources, None
        return dep.resources, dep.id

    def http_routes(self, api: HttpApi, stage: Stage | None) -> tuple[tuple[Route, ...], str | None]:
        """The routes a stage serves and the deployment id (None: the current routes stand in)."""
        if stage is None or (stage.auto_deploy and not stage.auto_deploy_failed):
            return api.routes, None
        if stage.deployment_id is None and not stage.auto_deploy:
            return (), NO_DEPLOYMENT
        dep = api.deployment(stage.deployment_id)
        if dep is None or dep.routes is None:
            return api.routes, None
        return dep.routes, dep.id

    # -- the walk --------------------------------------------------------------------------------------
    def handle(self, request: Request, canary: bool = False) -> Outcome:
        """Walk ``request``; ``canary=True`` routes it as one of the stage's canary requests."""
        w = WalkState(request, canary)
        info = classify(request)
        segs = split(request.raw_path)
        if info.kind == "custom-domain":
            return self._custom_domain(w, info, segs)
        return self._execute_api(w, info, segs)

    def _execute_api(self, w: WalkState, info: HostInfo, segs: Segments) -> Outcome:
        assert info.api_id is not None or info.kind == "vpce"
        api = self.world.api(info.api_id, info.region) if info.api_id else None
        if api is None:
            others = self.world.apis_with_id(info.api_id) if info.api_id else ()
            detail = (
                f"no API {info.api_id!r} in {info.region}"
                + (f" (it is in {', '.join(a.region for a in others)})" if others else "")
                + "; the host name does not resolve"
            )
            if info.kind == "vpce" and not info.api_id:
                detail = "a VPC endpoint host needs a Host or x-apigw-api-id header naming the API"
            w.step("host", False, detail, "host.unknown-api")
            return w.done(NO_RESPONSE, Failure.HOST)
        w.api = api
        w.resolution = Resolution(info.kind, api.id, api.kind, api.region)
        w.step(
            "host",
            True,
            f"{info.host} -> {api.kind} API {api.id} ({api.name or 'unnamed'}) in {api.region}",
            "host.vpce" if info.kind == "vpce" else "host.execute-api",
        )
        alias = info.vpce_id and not info.host.endswith(".vpce.amazonaws.com")
        if alias and isinstance(api, RestApi) and api.vpc_endpoint_ids and info.vpce_id not in api.vpc_endpoint_ids:
            w.trace[-1] = Step.of(
                "host",
                False,
                f"{info.host}: the alias exists only for VPC endpoints associated with API {api.id} "
                f"({', '.join(api.vpc_endpoint_ids)}); this name does not resolve",
                "host.vpce",
            )
            return w.done(NO_RESPONSE, Failure.HOST)
        w.edge = info.kind == "execute-api" and api.endpoint_type == "EDGE" and isinstance(api, RestApi)
        if api.disable_execute_api_endpoint and info.kind == "execute-api":
            if isinstance(api, RestApi):
                w.step(
                    "endpoint",
                    False,
                    "the default execute-api endpoint is disabled",
                    "endpoint.disabled.rest",
                )
                return w.done(plain_error(403, FORBIDDEN, "ForbiddenException"), Failure.ENDPOINT_DISABLED)
            w.step("endpoint", False, "the default execute-api endpoint is disabled", "endpoint.disabled.http")
            return w.done(plain_error(404, "Not Found", None), Failure.ENDPOINT_DISABLED)
        if isinstance(api, RestApi):
            private = api.endpoint_type == "PRIVATE"
            if private and info.kind != "vpce":
                w.step("endpoint", False, "a PRIVATE API called through its public name", "endpoint.private")
                return w.done(plain_error(403, FORBIDDEN, "ForbiddenException"), Failure.PRIVATE)
            if not private and info.kind == "vpce":
                w.step("endpoint", False, "a VPC endpoint routes only to PRIVATE APIs", "endpoint.private")
                return w.done(plain_error(403, FORBIDDEN, "ForbiddenException"), Failure.PRIVATE)
            return rest_stage(self, w, api, segs, None)
        return http_stage(self, w, api, segs, None)

    def _custom_domain(self, w: WalkState, info: HostInfo, segs: Segments) -> Outcome:
        domain = self.world.domain(info.host)
        if domain is None:
            w.step(
                "host",
                False,
                f"{info.host} is neither an execute-api host nor a custom domain in the sources",
                "host.custom-domain",
            )
            return w.done(NO_RESPONSE, Failure.HOST)
        w.step("host", True, f"{info.host} is a custom domain ({domain.endpoint_type})", "host.custom-domain")
        w.edge = domain.endpoint_type == "EDGE"
        best = None
        for m in domain.mappings:
            key = m.key_segments
            if segs.parts[: len(key)] == key and (best is None or len(key) > len(best.key_segments)):
                best = m
        if best is None:
            w.resolution = Resolution("custom-domain", domain=domain.name)
            keys = ", ".join(repr(m.base_path or "(none)") for m in domain.mappings) or "none"
            w.step(
                "mapping",
                False,
                f"no base path matches {segs.as_path()!r} (mappings: {keys})",
                "domain.unmapped",
            )
            return w.done(plain_error(403, FORBIDDEN, "ForbiddenException"), Failure.DOMAIN_MAPPING)
        api = self.world.api(best.api_id)
        w.resolution = Resolution(
            "custom-domain",
            best.api_id,
            api.kind if api else None,
            api.region if api else None,
            best.stage,
            best.base_path,
            domain.name,
            best.stage,
        )
        w.step(
            "mapping",
            True,
            f"base path {best.base_path or '(none)'!r} -> API {best.api_id} stage "
            f"{best.stage or '(none): taken from the URL'}",
            "domain.mapping",
        )
        if api is None:
            w.step(
                "api",
                False,
                f"the mapping names API {best.api_id}, which is not in the sources",
                "host.custom-domain",
            )
            return w.done(plain_error(403, FORBIDDEN, "ForbiddenException"), Failure.DOMAIN_MAPPING)
        w.api = api
        rest = segs.drop(len(best.key_segments))
        if isinstance(api, RestApi):
            return rest_stage(self, w, api, rest, best.stage)
        return http_stage(self, w, api, rest, best.stage or DEFAULT_STAGE)

    # -- REST ------------------------------------------------------------------------------------------


def walk(request: Request, world: World, canary: bool = False) -> Outcome:
    """Walk one request through ``world`` (compiles what it needs; use :class:`Gateway` for many)."""
    return Gateway(world).handle(request, canary)
