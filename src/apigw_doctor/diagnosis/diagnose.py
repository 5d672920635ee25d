"""From a walk to its causes: every failing request gets ranked findings, each with a verified fix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..gateway import Evidence, Failure, Gateway, InvalidRequest, Outcome, Request
from ..gateway.evidence import rule
from ..model import Origin, RestApi, World
from . import access, auth, routes, stages
from . import commands as cmd
from .findings import Diagnosis, Finding, Fix
from .lookup import locate
from .reported import compare


def diagnose(
    request: Request,
    world: World,
    *,
    saw_status: int | None = None,
    saw_body: str | None = None,
    gateway: Gateway | None = None,
) -> Diagnosis:
    """Walk ``request`` and explain the result: the cause codes, most likely first, each with a fix."""
    gw = gateway or Gateway(world)
    outcome = gw.handle(request)
    d = Diagnoser(gw, outcome)
    findings = d.run()
    notes = _notes(world, outcome)
    reported = compare(outcome, findings, saw_status, saw_body) if (saw_status or saw_body) else None
    return Diagnosis(outcome, tuple(findings), notes, reported, d.canary_outcome)


class Diagnoser:
    def __init__(self, gateway: Gateway, outcome: Outcome) -> None:
        self.gw = gateway
        self.world = gateway.world
        self.o = outcome
        self.request = outcome.request
        self.canary_outcome: Outcome | None = None

    def walk(self, request: Request, canary: bool = False) -> Outcome:
        return self.gw.handle(request, canary)

    def try_url(self, url: str, method: str | None = None) -> Outcome | None:
        try:
            req = self.request.with_url(url)
        except InvalidRequest:
            return None
        return self.walk(req.with_method(method) if method else req)

    def run(self) -> list[Finding]:
        f = self.o.failure
        handler: Callable[[Diagnoser], list[Finding]] = {
            Failure.NONE: Diagnoser.matched,
            Failure.HOST: access.host,
            Failure.ENDPOINT_DISABLED: access.endpoint_disabled,
            Failure.PRIVATE: access.private,
            Failure.DOMAIN_MAPPING: stages.domain_mapping,
            Failure.STAGE: stages.stage,
            Failure.ROUTE: routes.route,
            Failure.IAM: auth.iam,
            Failure.AUTH_HEADER: auth.auth_header,
            Failure.AUTHORIZER: auth.authorizer,
            Failure.API_KEY: auth.api_key,
        }[f]
        findings = handler(self)
        canary = self.canary_finding()
        if canary is not None:
            findings.insert(0, canary)
        return [f if f.origin is not None else replace(f, origin=self.origin_for(f.code)) for f in findings]

    def origin_for(self, code: str) -> Origin | None:
        """The origin of the object a cause is about: the method, resource, stage, mapping or API."""
        o = self.o
        api = o.api
        if code in ("IAM_UNSIGNED", "AUTH_HEADER_NOT_SIGV4", "API_KEY_MISSING", "AUTHORIZER_IDENTITY_MISSING"):
            return o.handler.origin if o.handler is not None else None
        if code == "GATEWAY_RESPONSE_CUSTOMIZED" and isinstance(api, RestApi):
            g = api.gateway_response(o.response.response_type or "") or api.gateway_response("DEFAULT_4XX")
            return g.origin if g is not None else None
        if code in ("NOT_DEPLOYED", "CANARY_ONLY") and o.stage is not None:
            return o.stage.origin
        if code in ("BASE_PATH_UNMAPPED", "STAGE_IN_CUSTOM_DOMAIN_PATH"):
            domain = self.world.domain(self.request.host)
            return domain.origin if domain is not None else None
        if code in (
            "STAGE_ROOT_NO_METHOD",
            "PROXY_PARENT_NOT_COVERED",
            "METHOD_NOT_DEFINED",
            "CORS_PREFLIGHT_NO_OPTIONS",
        ):
            segs = o.route_segments
            if isinstance(api, RestApi) and segs is not None:
                resources, dep_id = self.gw.rest_routes(api, o.stage, o.canary)
                trie = self.gw.rest_trie(api, resources, dep_id or "working")
                node = locate(trie.root, segs)
                res = api.resource(node.template) if node is not None else None
                if res is not None:
                    return res.origin
        return api.origin if api is not None else None

    # -- success ---------------------------------------------------------------------------------------
    def matched(self) -> list[Finding]:
        m = self.o.matched
        assert m is not None or self.o.response.source == "gateway"
        if m is None:
            return [
                Finding(
                    "MATCHED",
                    "API Gateway answers this request itself (CORS preflight).",
                    rule("http.cors").evidence,
                )
            ]
        params = ", ".join(f"{k}={v}" for k, v in m.path_parameters)
        route = f"{m.method} {m.resource}" if m.resource != "$default" else "the $default route"
        msg = f"API Gateway routes this request to {route}" + (f" ({params})" if params else "") + "."
        details: list[str] = []
        if self.o.used_working_copy and self.o.stage is not None and self.o.api and self.o.api.kind == "REST":
            details.append(
                "The stage's deployed snapshot was not available: this assumes the working copy is deployed."
            )
        return [Finding("MATCHED", msg, Evidence.OBSERVED, details=tuple(details))]

    # -- stage -----------------------------------------------------------------------------------------
    def first_stage(self) -> str:
        api = self.o.api
        if api is None or not api.stages:
            return "prod"
        return api.stages[0].name

    # -- canary ----------------------------------------------------------------------------------------
    def canary_finding(self) -> Finding | None:
        stage = self.o.stage
        api = self.o.api
        if stage is None or stage.canary is None or not isinstance(api, RestApi):
            return None
        other = self.walk(self.request, canary=not self.o.canary)
        self.canary_outcome = other
        if (other.matched is None) == (self.o.matched is None):
            return None
        pct = stage.canary.percent
        base_ok = self.o.matched is not None
        fail_share = pct if base_ok else 100 - pct
        failing = (
            f"the canary deployment {stage.canary.deployment_id}"
            if base_ok
            else f"the stage's main deployment {stage.deployment_id}"
        )
        msg = (
            f"The route exists in only one of the two deployments of stage {stage.name!r}: requests sent to {failing} "
            f"(about {fail_share:g}%) fail, the others get through. Intermittent failures follow the canary split."
        )
        commands: tuple[str, ...] = (
            cmd.aws(
                "apigateway",
                "update-stage",
                "--rest-api-id",
                api.id,
                "--stage-name",
                stage.name,
                "--patch-operations",
                "op=remove,path=/canarySettings",
                region=api.region,
            ),
        )
        if not base_ok:
            commands = (cmd.point_stage(api, stage.name, stage.canary.deployment_id), commands[0])
            summary = "Promote the canary (point the stage at its deployment), then remove the canary settings."
        else:
            summary = "Remove the canary (or redeploy it with the route) so every request sees the same routes."
        return Finding(
            "CANARY_ONLY",
            msg,
            rule("rest.canary").evidence,
            Fix(summary, commands=commands, side="api"),
            verified=True,
        )


def _notes(world: World, outcome: Outcome) -> tuple[str, ...]:
    notes = list(world.notes)
    api = outcome.api
    if api is not None:
        notes.extend(api.notes)
        if not api.id_known:
            if outcome.resolution is not None and outcome.resolution.via != "custom-domain":
                notes.append(
                    f"The source carries no API id (not deployed yet); it was taken to be {api.id}, the URL's."
                )
            else:
                notes.append(f"The source carries no API id (not deployed yet); it is named {api.id} here.")
    for step in outcome.trace:
        if step.evidence is Evidence.ASSUMED:
            notes.append(f"Assumed: {step.detail}.")
        elif step.evidence is Evidence.UNCONFIRMED:
            notes.append(f"Unconfirmed on AWS: {rule(step.rule).summary}.")
    if outcome.request.fragment:
        notes.append(
            f"The URL contains '#{outcome.request.fragment}': clients never send what follows '#', "
            "so API Gateway saw the path cut there (encode '#' as %23 in a path)."
        )
    return tuple(dict.fromkeys(notes))


__all__ = ["Diagnoser", "diagnose"]
