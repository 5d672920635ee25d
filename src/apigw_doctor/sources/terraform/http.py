"""``aws_apigatewayv2_*`` resources -> :class:`HttpApi`: routes, authorizers, deployments, stages, CORS.

Only ``protocol_type = "HTTP"`` APIs are read (WebSocket APIs are skipped with a note). A quick-create API
(``target`` on the API itself) gets the route and the auto-deployed ``$default`` stage AWS creates for it.
"""

from __future__ import annotations

from ...errors import InputError
from ...model import DEFAULT_ROUTE, DEFAULT_STAGE, Authorizer, Cors, HttpApi, HttpDeployment, Route, Stage
from ..validate import validate_routes
from .body import read_body
from .config import SOURCE_KINDS, TerraformConfig, TfResource
from .link import Links, account_and_region, flag, pairs, shown, string, strings, text, where
from .rest import creates

HTTP_API = "aws_apigatewayv2_api"
ROUTE = "aws_apigatewayv2_route"
STAGE = "aws_apigatewayv2_stage"
DEPLOYMENT = "aws_apigatewayv2_deployment"
AUTHORIZER = "aws_apigatewayv2_authorizer"
MEMBERS = (ROUTE, STAGE, DEPLOYMENT, AUTHORIZER)


def http_apis(config: TerraformConfig, links: Links, notes: list[str]) -> list[HttpApi]:
    apis = []
    for api in config.of_type(HTTP_API):
        protocol = (string(api, "protocol_type") or "").upper()
        if protocol == "HTTP":
            apis.append(api)
        else:
            notes.append(f"{where(api)}: protocol_type = {shown(api, 'protocol_type')}: only HTTP APIs are read")
    groups = {t: links.group(t, "api_id", apis, notes) for t in MEMBERS}
    return [_Http(api, {t: groups[t][api.key] for t in MEMBERS}, links, config.kind).build() for api in apis]


class _Http:
    def __init__(self, api: TfResource, members: dict[str, list[TfResource]], links: Links, kind: str) -> None:
        self.api, self.members, self.links, self.kind = api, members, links, kind
        self.notes: list[str] = []

    def build(self) -> HttpApi:
        api = self.api
        body = read_body(api, "HTTP", "ignore", self.notes)
        assert body is None or isinstance(body, HttpApi)
        routes = {r.key: r for r in body.routes} if body else {}
        quick = api.value("target")
        if quick is not None:
            key = string(api, "route_key") or DEFAULT_ROUTE
            routes[key] = Route(key=key, target=text(api, "target"), origin=api.origin)
        for r in self.members[ROUTE]:
            route = self._route(r)
            if route is not None:
                routes[route.key] = route
        validate_routes(tuple(routes.values()))
        authorizers = {a.id: a for a in body.authorizers} if body else {}
        authorizers.update((a.key, self._authorizer(a)) for a in self.members[AUTHORIZER])
        deployments = tuple(
            HttpDeployment(
                id=d.key,
                routes=tuple(routes.values()) if creates(d, self.kind) else None,
                description=string(d, "description") or "",
                origin=d.origin,
            )
            for d in self.members[DEPLOYMENT]
        )
        stages = self._stages()
        if quick is not None and DEFAULT_STAGE not in {s.name for s in stages}:
            stages = (Stage(name=DEFAULT_STAGE, auto_deploy=True, origin=api.origin), *stages)
        account, region = account_and_region(api)
        return HttpApi(
            id=api.key,
            name=string(api, "name") or (body.name if body else "") or api.name,
            region=region or api.region,
            account=account,
            disable_execute_api_endpoint=flag(
                api, "disable_execute_api_endpoint", body.disable_execute_api_endpoint if body else False
            ),
            routes=tuple(routes.values()),
            deployments=deployments,
            stages=stages,
            stages_known=True,
            cors=self._cors() or (body.cors if body else None),
            authorizers=tuple(authorizers.values()),
            tags=pairs(api.value("tags")),
            origin=api.origin,
            id_known=api.real_id is not None,
            source_kind=SOURCE_KINDS[self.kind],
            notes=tuple(dict.fromkeys(self.notes)),
        )

    def _route(self, r: TfResource) -> Route | None:
        key = string(r, "route_key")
        if key is None:
            self.notes.append(f"{where(r)}: route_key = {shown(r, 'route_key')} is not known here: skipped")
            return None
        return Route(
            key=key,
            authorization_type=(string(r, "authorization_type") or "NONE").upper(),
            api_key_required=flag(r, "api_key_required"),
            authorizer_id=self.links.key(r.value("authorizer_id"), AUTHORIZER),
            target=text(r, "target"),
            origin=r.origin,
        )

    def _authorizer(self, a: TfResource) -> Authorizer:
        kind = (string(a, "authorizer_type") or "REQUEST").upper()
        sources = strings(a.value("identity_sources"))
        return Authorizer(
            id=a.key, name=string(a, "name") or a.name, type=kind, identity_sources=sources, origin=a.origin
        )

    def _stages(self) -> tuple[Stage, ...]:
        stages: dict[str, Stage] = {}
        for s in self.members[STAGE]:
            name = string(s, "name")
            if name is None:
                self.notes.append(f"{where(s)}: name = {shown(s, 'name')} is not known here: skipped")
                continue
            if name in stages:
                raise InputError(f"stage {name!r} is defined twice (also at {stages[name].origin})", str(s.origin))
            auto = flag(s, "auto_deploy")
            deployment = self.links.key(s.value("deployment_id"), DEPLOYMENT)
            if deployment is None and s.value("deployment_id") is not None and not auto:
                self.notes.append(f"{where(s)}: deployment_id = {shown(s, 'deployment_id')} is not known here")
            stages[name] = Stage(
                name=name,
                deployment_id=deployment,
                variables=pairs(s.value("stage_variables")),
                auto_deploy=auto,
                origin=s.origin,
            )
        return tuple(stages.values())

    def _cors(self) -> Cors | None:
        config = self.api.block("cors_configuration")
        if not config:
            return None
        return Cors(
            allow_origins=strings(config.get("allow_origins")),
            allow_methods=tuple(m.upper() for m in strings(config.get("allow_methods"))),
            allow_headers=strings(config.get("allow_headers")),
        )
