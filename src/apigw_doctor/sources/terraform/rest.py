"""``aws_api_gateway_*`` resources -> :class:`RestApi`: the resource tree, methods and their integrations,
authorizers, gateway responses, deployments and stages.

The tree: ``parent_id = aws_api_gateway_rest_api.x.root_resource_id`` is ``/``, ``parent_id =
aws_api_gateway_resource.y.id`` is under ``y``; ``path_part`` names the segment. A resource, method or
integration that cannot be placed (its parent, API or resource is unknown here) is skipped with a note.
A deployment's snapshot (what its stages serve) is the configured tree: Terraform creates the deployment
from the API as it is when the deployment is applied. In a plan, that holds for deployments the plan
creates; the others keep what they were created with, which the plan does not show (``resources=None``,
the working copy stands in). A state never shows snapshots.
"""

from __future__ import annotations

from ...errors import InputError
from ...model import (
    AUTHORIZATION_TYPES,
    HTTP_METHODS,
    Authorizer,
    Canary,
    GatewayResponse,
    Method,
    Origin,
    Resource,
    RestApi,
    RestDeployment,
    Stage,
)
from ..validate import validate_resources
from .body import read_body
from .config import SOURCE_KINDS, TerraformConfig, TfResource, string_value
from .link import Links, account_and_region, flag, pairs, shown, string, strings, text, unknown_reason, where
from .values import Value

REST_API = "aws_api_gateway_rest_api"
RESOURCE = "aws_api_gateway_resource"
METHOD = "aws_api_gateway_method"
INTEGRATION = "aws_api_gateway_integration"
AUTHORIZER = "aws_api_gateway_authorizer"
DEPLOYMENT = "aws_api_gateway_deployment"
STAGE = "aws_api_gateway_stage"
GATEWAY_RESPONSE = "aws_api_gateway_gateway_response"
MEMBERS = (RESOURCE, METHOD, INTEGRATION, AUTHORIZER, DEPLOYMENT, STAGE, GATEWAY_RESPONSE)
METHOD_NAMES = frozenset((*HTTP_METHODS, "ANY"))
HEADER_PREFIX = "gatewayresponse.header."


def rest_apis(config: TerraformConfig, links: Links, notes: list[str]) -> list[RestApi]:
    apis = config.of_type(REST_API)
    groups = {t: links.group(t, "rest_api_id", apis, notes) for t in MEMBERS}
    return [_Rest(api, {t: groups[t][api.key] for t in MEMBERS}, links, config.kind).build() for api in apis]


def creates(r: TfResource, kind: str) -> bool:
    """Whether the deployment's snapshot is the configured tree: .tf files, or a plan that (re)creates it."""
    return kind == "hcl" or (kind == "plan" and r.actions is not None and "create" in r.actions)


class _Rest:
    def __init__(self, api: TfResource, members: dict[str, list[TfResource]], links: Links, kind: str) -> None:
        self.api, self.members, self.links, self.kind = api, members, links, kind
        self.notes: list[str] = []
        self._paths: dict[str, str | None] = {}

    def build(self) -> RestApi:
        api = self.api
        basepath = string_value(api.block("parameters").get("basepath")) or "ignore"
        body = read_body(api, "REST", basepath.lower(), self.notes)
        assert body is None or isinstance(body, RestApi)
        resources = self._resources(body)
        validate_resources(resources)
        authorizers = {a.id: a for a in body.authorizers} if body else {}
        authorizers.update((a.key, self._authorizer(a)) for a in self.members[AUTHORIZER])
        responses = {g.type: g for g in body.gateway_responses} if body else {}
        for g in self.members[GATEWAY_RESPONSE]:
            response = self._gateway_response(g)
            if response is not None:
                responses[response.type] = response
        deployments = tuple(self._deployment(d, resources) for d in self.members[DEPLOYMENT])
        account, region = account_and_region(api)
        endpoint = api.block("endpoint_configuration")
        types = [t.upper() for t in strings(endpoint.get("types"))]
        endpoint_type = ("PRIVATE" if "PRIVATE" in types else types[0]) if types else None
        return RestApi(
            id=api.key,
            name=string(api, "name") or (body.name if body else "") or api.name,
            region=region or api.region,
            account=account,
            endpoint_type=endpoint_type or (body.endpoint_type if body else "EDGE"),
            disable_execute_api_endpoint=flag(
                api, "disable_execute_api_endpoint", body.disable_execute_api_endpoint if body else False
            ),
            api_key_source=(string(api, "api_key_source") or (body.api_key_source if body else "HEADER")).upper(),
            vpc_endpoint_ids=strings(endpoint.get("vpc_endpoint_ids")) or (body.vpc_endpoint_ids if body else ()),
            resources=resources,
            deployments=deployments,
            stages=self._stages(deployments),
            stages_known=True,
            gateway_responses=tuple(responses.values()),
            authorizers=tuple(authorizers.values()),
            tags=_tags(api),
            origin=api.origin,
            id_known=api.real_id is not None,
            source_kind=SOURCE_KINDS[self.kind],
            notes=tuple(dict.fromkeys(self.notes)),
        )

    # -- the tree --------------------------------------------------------------------------------------
    def _resources(self, body: RestApi | None) -> tuple[Resource, ...]:
        tree: dict[str, dict[str, Method]] = {}
        origins: dict[str, Origin] = {}
        ids: dict[str, str | None] = {"/": string_value(self.api.value("root_resource_id"))}
        for res in body.resources if body else ():
            tree[res.path] = {m.http_method: m for m in res.methods}
            origins[res.path] = res.origin
        tree.setdefault("/", {})
        origins.setdefault("/", self.api.origin)
        for r in self.members[RESOURCE]:
            path = self._path(r)
            if path is not None:
                tree.setdefault(path, {})
                origins[path] = r.origin
                ids[path] = r.real_id
        integrations = self._integrations()
        for m in self.members[METHOD]:
            placed = self._method(m, integrations)
            if placed is not None:
                tree[placed[0]][placed[1].http_method] = placed[1]
        for (path, verb), i in integrations.items():
            if verb not in tree.get(path, {}):
                self.notes.append(f"{where(i)}: there is no method {verb} on {path} for this integration: skipped")
        return tuple(
            Resource(path=path, methods=tuple(methods.values()), id=ids.get(path), origin=origins[path])
            for path, methods in sorted(tree.items())
        )

    def _path(self, r: TfResource) -> str | None:
        """The full path of an ``aws_api_gateway_resource`` (None, with a note, when it cannot be placed)."""
        if r.address in self._paths:
            return self._paths[r.address]
        self._paths[r.address] = None
        part = string(r, "path_part")
        parent = self._place(r.value("parent_id"))
        path: str | None = None
        if part is None:
            self.notes.append(f"{where(r)}: path_part = {shown(r, 'path_part')} is not known here: skipped")
        elif parent is None:
            self.notes.append(
                f"{where(r)}: parent_id = {shown(r, 'parent_id')} is not a resource of this API "
                f"({unknown_reason(r.value('parent_id'))}): skipped, with what is under it"
            )
        else:
            path = "/" + part if parent == "/" else f"{parent}/{part}"
        self._paths[r.address] = path
        return path

    def _place(self, value: Value) -> str | None:
        """The path a ``parent_id`` / ``resource_id`` names: ``/`` for the API's root resource."""
        found = self.links.target(value, REST_API, RESOURCE)
        if found is None:
            return None
        target, attribute = found
        if target.type == REST_API:
            return "/" if target is self.api and attribute == "root_resource_id" else None
        if target not in self.members[RESOURCE]:
            return None
        return self._path(target)

    def _method(self, m: TfResource, integrations: dict[tuple[str, str], TfResource]) -> tuple[str, Method] | None:
        path = self._place(m.value("resource_id"))
        verb = (string(m, "http_method") or "").upper()
        if path is None or not verb:
            field = "resource_id" if path is None else "http_method"
            self.notes.append(f"{where(m)}: {field} = {shown(m, field)} is not known here: skipped")
            return None
        if verb not in METHOD_NAMES:
            raise InputError(f"http_method {verb!r} is not one of {', '.join(sorted(METHOD_NAMES))}", _at(m))
        authorization = (string(m, "authorization") or "NONE").upper()
        if authorization not in AUTHORIZATION_TYPES:
            raise InputError(f"authorization {authorization!r} is not one of {', '.join(AUTHORIZATION_TYPES)}", _at(m))
        integration = integrations.get((path, verb))
        integration_type = string(integration, "type") if integration else None
        return path, Method(
            http_method=verb,
            authorization_type=authorization,
            api_key_required=flag(m, "api_key_required"),
            integration_type=integration_type.upper() if integration_type else None,
            authorizer_id=self.links.key(m.value("authorizer_id"), AUTHORIZER),
            integration_uri=text(integration, "uri") if integration else None,
            origin=m.origin,
        )

    def _integrations(self) -> dict[tuple[str, str], TfResource]:
        out: dict[tuple[str, str], TfResource] = {}
        for i in self.members[INTEGRATION]:
            path = self._place(i.value("resource_id"))
            verb = (string(i, "http_method") or "").upper()
            if path is None or not verb:
                field = "resource_id" if path is None else "http_method"
                self.notes.append(f"{where(i)}: {field} = {shown(i, field)} is not known here: skipped")
                continue
            out[(path, verb)] = i
        return out

    # -- the rest --------------------------------------------------------------------------------------
    def _authorizer(self, a: TfResource) -> Authorizer:
        kind = (string(a, "type") or "TOKEN").upper()
        sources = tuple(s.strip() for s in (string(a, "identity_source") or "").split(",") if s.strip())
        if not sources and kind in ("TOKEN", "COGNITO_USER_POOLS"):
            sources = ("method.request.header.Authorization",)
        return Authorizer(
            id=a.key, name=string(a, "name") or a.name, type=kind, identity_sources=sources, origin=a.origin
        )

    def _gateway_response(self, g: TfResource) -> GatewayResponse | None:
        kind = string(g, "response_type")
        if kind is None:
            self.notes.append(f"{where(g)}: response_type = {shown(g, 'response_type')} is not known here: skipped")
            return None
        status_text = string(g, "status_code")
        if status_text is not None and not (status_text.isdigit() and 100 <= int(status_text) <= 599):
            raise InputError(f"status_code {status_text!r} is not an HTTP status (100-599)", _at(g))
        headers = tuple((k.removeprefix(HEADER_PREFIX), v) for k, v in pairs(g.value("response_parameters")))
        return GatewayResponse(
            type=kind.upper(),
            status=int(status_text) if status_text else None,
            templates=pairs(g.value("response_templates")),
            headers=headers,
            origin=g.origin,
        )

    def _deployment(self, d: TfResource, resources: tuple[Resource, ...]) -> RestDeployment:
        snapshot = resources if creates(d, self.kind) else None
        if self.kind == "plan" and snapshot is None:
            self.notes.append(
                f"{d.address} is not (re)created by this plan: its stages keep serving the API as it was when it "
                "was created, which the plan does not show"
            )
        return RestDeployment(
            id=d.key,
            resources=snapshot,
            description=string(d, "description") or "",
            created=string(d, "created_date"),
            origin=d.origin,
        )

    def _stages(self, deployments: tuple[RestDeployment, ...]) -> tuple[Stage, ...]:
        stages: dict[str, Stage] = {}
        for s in self.members[STAGE]:
            name = string(s, "stage_name")
            if name is None:
                self.notes.append(f"{where(s)}: stage_name = {shown(s, 'stage_name')} is not known here: skipped")
                continue
            deployment = self.links.key(s.value("deployment_id"), DEPLOYMENT)
            if deployment is None:
                self.notes.append(f"{where(s)}: deployment_id = {shown(s, 'deployment_id')} is not known here")
            if name in stages:
                raise InputError(f"stage {name!r} is defined twice (also at {stages[name].origin})", _at(s))
            stages[name] = Stage(
                name=name,
                deployment_id=deployment,
                variables=pairs(s.value("variables")),
                canary=self._canary(s, deployment),
                origin=s.origin,
            )
        for d in self.members[DEPLOYMENT]:
            name = string(d, "stage_name")
            if name and name not in stages:
                stages[name] = Stage(
                    name=name, deployment_id=d.key, variables=pairs(d.value("variables")), origin=d.origin
                )
        return tuple(stages.values())

    def _canary(self, s: TfResource, deployment: str | None) -> Canary | None:
        settings = s.block("canary_settings")
        if not settings:
            return None
        percent = settings.get("percent_traffic")
        target = self.links.key(settings.get("deployment_id"), DEPLOYMENT) or deployment
        if target is None:
            return None
        return Canary(
            percent=float(percent) if isinstance(percent, int | float) and not isinstance(percent, bool) else 0.0,
            deployment_id=target,
            stage_variable_overrides=pairs(settings.get("stage_variable_overrides")),
        )


def _tags(r: TfResource) -> tuple[tuple[str, str], ...]:
    return pairs(r.value("tags"))


def _at(r: TfResource) -> str:
    return str(r.origin)
