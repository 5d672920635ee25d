"""``AWS::ApiGatewayV2::*`` (HTTP protocol) -> :class:`HttpApi`: routes, authorizers, deployments, stages, CORS.

Routes come from the API's ``Body`` / ``BodyS3Location`` and from ``AWS::ApiGatewayV2::Route`` resources; a
quick-create API (``Target``) also gets its route (``RouteKey``, ``$default`` when absent) and the
``$default`` auto-deploy stage AWS creates for it. A stage serves its ``DeploymentId``, or the deployment
that names it in ``StageName``; with ``AutoDeploy`` it serves the current routes. WebSocket APIs are not
read (they never answer "Missing Authentication Token").
"""

from __future__ import annotations

from ...model import DEFAULT_ROUTE, DEFAULT_STAGE, Authorizer, Cors, HttpApi, HttpDeployment, Route, Stage
from ..document import fail
from ..validate import validate_routes
from .bodies import read_body
from .deployments import api_notes, snapshot_members, stage_names_unique
from .resources import HTTP_API, HTTP_AUTHORIZER, HTTP_DEPLOYMENT, HTTP_ROUTE, HTTP_STAGE, Reader
from .template import TemplateResource
from .values import as_text

CHILD_TYPES = (HTTP_ROUTE, HTTP_STAGE, HTTP_DEPLOYMENT, HTTP_AUTHORIZER)
ROUTE_AUTHORIZATION = ("NONE", "AWS_IAM", "JWT", "CUSTOM")
AUTHORIZER_TYPES = {"JWT": "JWT", "REQUEST": "REQUEST"}


def read_http_apis(reader: Reader) -> tuple[HttpApi, ...]:
    children = reader.children(HTTP_API, "ApiId", CHILD_TYPES)
    out = []
    for api in reader.active(HTTP_API):
        props = reader.props(api)
        protocol = props.get("ProtocolType")
        if protocol is None and props.get("Body") is None and props.get("BodyS3Location") is None:
            fail(f"{api.logical_id} needs a ProtocolType (HTTP or WEBSOCKET) or a Body", api.origin)
        text = as_text(protocol) if protocol is not None else "HTTP"
        if text != "HTTP":
            reader.notes.append(
                f"{api.origin}: {api.logical_id} is a {text} API, not an HTTP API: it is not read "
                "(WebSocket APIs do not route HTTP requests)"
            )
            continue
        out.append(_HttpReader(reader, api, children.get(api.logical_id, [])).read())
    return tuple(out)


class _HttpReader:
    def __init__(self, reader: Reader, api: TemplateResource, children: list[TemplateResource]) -> None:
        self.reader = reader
        self.res = api
        self.kids = {kind: [c for c in children if c.type == kind] for kind in CHILD_TYPES}
        self.notes: list[str] = []

    def read(self) -> HttpApi:
        reader, res, notes = self.reader, self.res, self.notes
        props = reader.props(res)
        body = read_body(reader, res, "HTTP", notes)
        body_api = body.api if body is not None and isinstance(body.api, HttpApi) else None
        placed: list[tuple[str, Route]] = [("", r) for r in (body_api.routes if body_api is not None else ())]
        stages: list[Stage] = []
        if props.get("Target") is not None:
            key = reader.concrete(res, "RouteKey", notes, f"the route is taken as {DEFAULT_ROUTE}") or DEFAULT_ROUTE
            placed.append((res.logical_id, Route(key=key, target=as_text(props["Target"]), origin=res.origin)))
            stages.append(Stage(name=DEFAULT_STAGE, auto_deploy=True, origin=res.origin))
        for child in self.kids[HTTP_ROUTE]:
            route = self._route(child)
            if route is not None:
                placed.append((child.logical_id, route))
        routes = tuple(r for _, r in placed)
        validate_routes(routes)
        deployments = []
        members = [(logical_id, r.key) for logical_id, r in placed if logical_id and logical_id != res.logical_id]
        for dep in self.kids[HTTP_DEPLOYMENT]:
            include = snapshot_members(reader, dep, members, notes)
            deployments.append(
                HttpDeployment(
                    id=dep.logical_id,
                    routes=tuple(
                        r for logical_id, r in placed if include is None or not logical_id or logical_id in include
                    ),
                    description=as_text(reader.props(dep).get("Description")) or "",
                    origin=dep.origin,
                )
            )
        for child in self.kids[HTTP_STAGE]:
            stages.append(self._stage(child))
        stage_names_unique(stages)
        name = props.get("Name")
        return HttpApi(
            id=res.logical_id,
            name=name if isinstance(name, str) else (body.title if body is not None else "") or res.logical_id,
            region=reader.region,
            disable_execute_api_endpoint=reader.flag(res, "DisableExecuteApiEndpoint"),
            routes=routes,
            deployments=tuple(deployments),
            stages=tuple(stages),
            cors=self._cors() or (body_api.cors if body_api is not None else None),
            authorizers=(body_api.authorizers if body_api is not None else ())
            + tuple(self._authorizer(a) for a in self.kids[HTTP_AUTHORIZER]),
            tags=reader.tags(res),
            origin=res.origin,
            id_known=False,
            source_kind=reader.source_kind,
            notes=(
                *api_notes(reader, res, self.kids[HTTP_DEPLOYMENT]),
                *dict.fromkeys(notes + list(body.api.notes if body is not None else ())),
            ),
        )

    def _route(self, res: TemplateResource) -> Route | None:
        reader, notes = self.reader, self.notes
        props = reader.props(res)
        if "RouteKey" not in props:
            fail(f"{res.logical_id} needs a RouteKey", res.origin)
        key = reader.concrete(res, "RouteKey", notes, f"{res.logical_id} is left out")
        if key is None:
            return None
        auth = (reader.concrete(res, "AuthorizationType", notes, "NONE is assumed") or "NONE").upper()
        if auth not in ROUTE_AUTHORIZATION:
            fail(
                f"AuthorizationType {auth!r} is not one of {', '.join(ROUTE_AUTHORIZATION)}",
                reader.origin(res, "AuthorizationType"),
            )
        authorizer = reader.ref(res, "AuthorizerId", (HTTP_AUTHORIZER,))
        if authorizer is None and props.get("AuthorizerId") is not None:
            authorizer = as_text(props["AuthorizerId"])
        return Route(
            key=key,
            authorization_type=auth,
            api_key_required=reader.flag(res, "ApiKeyRequired"),
            authorizer_id=authorizer,
            target=as_text(props.get("Target")),
            origin=res.origin,
        )

    def _stage(self, res: TemplateResource) -> Stage:
        reader, notes = self.reader, self.notes
        name = reader.text(res, "StageName", notes)
        if name is None:
            fail(f"{res.logical_id} needs a StageName", res.origin)
        ids = {d.logical_id for d in self.kids[HTTP_DEPLOYMENT]}
        deployment = reader.ref(res, "DeploymentId", (HTTP_DEPLOYMENT,))
        if deployment is not None and deployment not in ids:
            fail(
                f"DeploymentId of {res.logical_id} is {deployment}, a deployment of another API",
                reader.origin(res, "DeploymentId"),
            )
        if deployment is None:
            for dep in self.kids[HTTP_DEPLOYMENT]:
                if as_text(reader.props(dep).get("StageName")) == name:
                    deployment = dep.logical_id
        return Stage(
            name=name,
            deployment_id=deployment,
            variables=reader.pairs(res, "StageVariables"),
            auto_deploy=reader.flag(res, "AutoDeploy"),
            origin=res.origin,
        )

    def _cors(self) -> Cors | None:
        reader = self.reader
        config = reader.props(self.res).get("CorsConfiguration")
        if config is None:
            return None
        if not isinstance(config, dict):
            fail("CorsConfiguration must be a mapping", reader.origin(self.res, "CorsConfiguration"))
        return Cors(
            allow_origins=reader.texts(self.res, "CorsConfiguration", config.get("AllowOrigins")),
            allow_methods=reader.texts(self.res, "CorsConfiguration", config.get("AllowMethods")),
            allow_headers=reader.texts(self.res, "CorsConfiguration", config.get("AllowHeaders")),
        )

    def _authorizer(self, res: TemplateResource) -> Authorizer:
        reader = self.reader
        raw = (reader.concrete(res, "AuthorizerType", self.notes, "JWT is assumed") or "JWT").upper()
        if raw not in AUTHORIZER_TYPES:
            fail(f"AuthorizerType {raw!r} is not JWT or REQUEST", reader.origin(res, "AuthorizerType"))
        sources = reader.texts(res, "IdentitySource")
        if not sources and raw == "JWT":
            sources = ("$request.header.Authorization",)
        name = as_text(reader.props(res).get("Name")) or res.logical_id
        return Authorizer(
            id=res.logical_id, name=name, type=AUTHORIZER_TYPES[raw], identity_sources=sources, origin=res.origin
        )
