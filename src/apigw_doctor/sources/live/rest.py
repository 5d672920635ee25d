"""One REST API, read live: the working copy, stages, deployments (what each stage serves), responses.

The calls, for an API whose ``get-rest-api`` answer is in hand (see ``docs/live.md``)::

    phase 1, in parallel   get-resources --embed methods, get-stages, get-deployments, get-gateway-responses
    phase 2, in parallel   get-deployment --embed apisummary, once per distinct deployment a stage or canary
                           serves (plus the newest deployment when no stage serves it), and get-authorizers
                           when a method uses a CUSTOM or COGNITO_USER_POOLS authorizer

So a diagnosis costs at most 6 calls + 1 per distinct deployment, counting ``get-rest-api`` (one page per
listing: a page holds 500 items). A call that fails (access denied, an emulator's missing feature) leaves a
note on the API saying what could not be verified and what is assumed instead; nothing else stops.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from ...model import Authorizer, GatewayResponse, Resource, RestApi, RestDeployment, Stage
from . import rest_model as build
from .fetch import Caller, CallFailed, parallel
from .fields import JSON, flag, iso, obj, objs, pairs, strings, text

T = TypeVar("T")
SERVICE = "apigateway"


@dataclass(frozen=True, slots=True)
class Got(Generic[T]):
    """What one call gave: the value, or None and the reason it failed."""

    value: T | None
    failure: CallFailed | None = None


def attempt(fn: Callable[[], T]) -> Got[T]:
    try:
        return Got(fn())
    except CallFailed as exc:
        return Got(None, exc)


class RestFetch:
    """Reads one REST API in ``region`` through ``caller``; :meth:`api` builds the model object."""

    def __init__(self, caller: Caller, region: str, api_id: str, workers: int) -> None:
        self.caller = caller
        self.region = region
        self.api_id = api_id
        self.workers = workers
        self.notes: list[str] = []

    def _listing(self, method: str, **params: object) -> Callable[[], Got[JSON]]:
        """Every page of a listing, as one ``{"items": [...]}`` answer."""

        def run() -> JSON:
            return {"items": self.caller.items(SERVICE, self.region, method, restApiId=self.api_id, **params)}

        return lambda: attempt(run)

    def _call(self, method: str, **params: object) -> Callable[[], Got[JSON]]:
        return lambda: attempt(lambda: self.caller.call(SERVICE, self.region, method, restApiId=self.api_id, **params))

    def api(self, answer: JSON) -> RestApi:
        """The whole API, from its ``get-rest-api`` answer."""
        got_resources, got_stages, got_deployments, got_responses = parallel(
            self.workers,
            [
                self._listing("get_resources", embed=["methods"]),
                self._call("get_stages"),
                self._listing("get_deployments"),
                self._listing("get_gateway_responses"),
            ],
        )
        working = self._working_copy(got_resources)
        stages = self._stages(got_stages)
        listed = self._listed(got_deployments)
        wanted = _served(stages)
        to_fetch = self._to_fetch(wanted, listed)
        need_authorizers = build.uses_authorizers(working)
        phase2 = [self._summary(d) for d in to_fetch] + ([self._authorizer_items] if need_authorizers else [])
        results = parallel(self.workers, phase2)
        summaries = dict(zip(to_fetch, results, strict=False))
        deployments = self._deployments(listed, wanted, summaries, working)
        got_authorizers: Got[JSON] | None = results[-1] if need_authorizers else None
        if got_authorizers is None and any(build.uses_authorizers(d.resources) for d in deployments):
            got_authorizers = self._authorizer_items()
        authorizers = self._authorizers(got_authorizers)
        working = self._check_authorizers(working, authorizers, got_authorizers)
        deployments = tuple(
            d if d.resources is None else replace(d, resources=self._check_authorizers(d.resources, authorizers, None))
            for d in deployments
        )
        return self._assemble(answer, working, stages, deployments, self._responses(got_responses), authorizers)

    def _summary(self, deployment_id: str) -> Callable[[], Got[JSON]]:
        return self._call("get_deployment", deploymentId=deployment_id, embed=["apisummary"])

    def _authorizer_items(self) -> Got[JSON]:
        return self._listing("get_authorizers")()

    # -- each part, with the note when its call failed ---------------------------------------------------
    def _working_copy(self, got: Got[JSON]) -> tuple[Resource, ...]:
        if got.value is None:
            self._note(got, "the resources (the working copy)", "only the root resource / is assumed")
            return (Resource(path="/", origin=build.api_origin(self.region, self.api_id, "resources")),)
        return build.resources(objs(got.value, "items"), self.region, self.api_id, self.notes)

    def _stages(self, got: Got[JSON]) -> tuple[Stage, ...] | None:
        if got.value is None:
            self._note(got, "the stages", "any stage in a URL is accepted and serves the working copy")
            return None
        stages = [build.stage(item, self.region, self.api_id, self.notes) for item in objs(got.value, "item")]
        return tuple(sorted(stages, key=lambda s: s.name))

    def _listed(self, got: Got[JSON]) -> dict[str, JSON] | None:
        if got.value is None:
            self._note(got, "the list of deployments", "only the deployments the stages name are known")
            return None
        return {text(item, "id"): item for item in objs(got.value, "items") if text(item, "id")}

    def _to_fetch(self, wanted: list[str], listed: dict[str, JSON] | None) -> list[str]:
        if listed is None:
            return list(wanted)
        fetch = [d for d in wanted if d in listed]
        newest = _newest(listed)
        if newest is not None and newest not in fetch:
            fetch.append(newest)
        return fetch

    def _deployments(
        self,
        listed: dict[str, JSON] | None,
        wanted: list[str],
        summaries: dict[str, Got[JSON]],
        working: tuple[Resource, ...],
    ) -> tuple[RestDeployment, ...]:
        items = dict(listed or {})
        missing_summary: list[str] = []
        for deployment_id in wanted:
            if deployment_id not in items:
                items[deployment_id] = {"id": deployment_id}
                if listed is not None:
                    self.notes.append(
                        f"A stage serves deployment {deployment_id}, which get-deployments does not list: what it "
                        "serves is unknown, so the working copy is assumed."
                    )
        built = []
        for deployment_id, item in items.items():
            got = summaries.get(deployment_id)
            resources = None
            if got is not None and got.value is not None:
                merged = {**item, **{k: v for k, v in got.value.items() if k != "apiSummary"}}
                item = merged
                summary = got.value.get("apiSummary")
                if isinstance(summary, dict):
                    at = build.api_origin(self.region, self.api_id, "deployments", deployment_id)
                    resources = build.summary_resources(
                        {str(k): v for k, v in summary.items()}, at, working, self.notes
                    )
                elif deployment_id in wanted:
                    missing_summary.append(deployment_id)
            elif got is not None and got.failure is not None:
                self._note(got, f"deployment {deployment_id}", "it is taken to serve the working copy")
            built.append(build.deployment(item, self.region, self.api_id, resources))
        if missing_summary:
            self.notes.append(
                f"get-deployment returned no apiSummary for {', '.join(missing_summary)} (AWS returns it; emulators "
                "such as moto do not): what the stages serve could not be verified, so the working copy "
                "(get-resources) is assumed to be deployed."
            )
        return tuple(sorted(built, key=lambda d: (d.created or "", d.id)))

    def _responses(self, got: Got[JSON]) -> tuple[GatewayResponse, ...]:
        if got.value is None:
            self._note(
                got,
                "the gateway responses",
                "the built-in defaults are assumed (a customised MISSING_AUTHENTICATION_TOKEN or DEFAULT_4XX "
                "response would change the status and body a client sees)",
            )
            return ()
        return build.gateway_responses(objs(got.value, "items"), self.region, self.api_id)

    def _authorizers(self, got: Got[JSON] | None) -> tuple[Authorizer, ...]:
        if got is None:
            return ()
        if got.value is None:
            self._note(
                got,
                "the authorizers",
                "their identity sources are unknown; the Authorization header is assumed",
            )
            return ()
        return build.authorizers(objs(got.value, "items"), self.region, self.api_id)

    def _check_authorizers(
        self, resources: tuple[Resource, ...], authorizers: tuple[Authorizer, ...], got: Got[JSON] | None
    ) -> tuple[Resource, ...]:
        """Drop references to authorizers that are not known (unreadable, or missing: an emulator allows that)."""
        known = {a.id for a in authorizers}
        changed = False
        fixed = []
        for r in resources:
            methods = []
            for m in r.methods:
                if m.authorizer_id is not None and m.authorizer_id not in known:
                    if got is not None and got.value is not None:
                        self.notes.append(
                            f"{m.http_method} {r.path} names authorizer {m.authorizer_id}, which the API does not "
                            "have: the Authorization header is assumed as its identity source."
                        )
                    m = replace(m, authorizer_id=None)
                    changed = True
                methods.append(m)
            fixed.append(replace(r, methods=tuple(methods)))
        return tuple(fixed) if changed else resources

    def _assemble(
        self,
        answer: JSON,
        working: tuple[Resource, ...],
        stages: tuple[Stage, ...] | None,
        deployments: tuple[RestDeployment, ...],
        responses: tuple[GatewayResponse, ...],
        authorizers: tuple[Authorizer, ...],
    ) -> RestApi:
        configuration = obj(answer, "endpointConfiguration")
        return RestApi(
            id=self.api_id,
            name=text(answer, "name"),
            region=self.region,
            endpoint_type=build.endpoint_type(answer),
            disable_execute_api_endpoint=flag(answer, "disableExecuteApiEndpoint"),
            api_key_source=text(answer, "apiKeySource", "HEADER") or "HEADER",
            vpc_endpoint_ids=strings(configuration, "vpcEndpointIds"),
            resources=working,
            deployments=deployments,
            stages=stages or (),
            stages_known=stages is not None,
            gateway_responses=responses,
            authorizers=authorizers,
            tags=pairs(answer, "tags"),
            origin=build.api_origin(self.region, self.api_id),
            notes=tuple(dict.fromkeys(self.notes)),
        )

    def _note(self, got: Got[T], what: str, assumed: str) -> None:
        reason = got.failure.reason if got.failure is not None else "no answer"
        self.notes.append(f"Could not read {what} of REST API {self.api_id} ({reason}): {assumed}.")


def _served(stages: tuple[Stage, ...] | None) -> list[str]:
    """The distinct deployments the stages and canaries serve, in stage order."""
    wanted: list[str] = []
    for s in stages or ():
        for deployment_id in (s.deployment_id, s.canary.deployment_id if s.canary else None):
            if deployment_id and deployment_id not in wanted:
                wanted.append(deployment_id)
    return wanted


def _newest(listed: dict[str, JSON]) -> str | None:
    """The most recently created deployment (None when no dates are given).

    ``createdDate`` has whole seconds: of deployments made in the same second, the last listed wins.
    """
    dated = [(created, i, key) for i, (key, item) in enumerate(listed.items()) if (created := iso(item, "createdDate"))]
    return max(dated)[2] if dated else None
