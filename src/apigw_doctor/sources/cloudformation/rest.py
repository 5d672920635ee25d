"""``AWS::ApiGateway::*`` -> :class:`RestApi`: the resource tree, methods, authorizers, deployments, stages.

* **The tree.** ``/`` always exists (``!GetAtt Api.RootResourceId``); each ``AWS::ApiGateway::Resource``
  adds ``PathPart`` under its ``ParentId`` (the root, or ``!Ref`` another resource). The routes of a
  ``Body`` / ``BodyS3Location`` definition come first, template resources and methods are added to them.
  The tree is checked by :mod:`..validate` (two variable siblings, a child under a greedy variable...).
* **Deployments.** A deployment snapshots what exists when CloudFormation creates it: the methods it is sure
  to follow are those it depends on (``DependsOn`` and references, transitively); the others are taken as
  not deployed, with a note. A deployment without ``DependsOn`` is taken to snapshot every method, with a
  note (nothing orders it after them). ``StageName`` on a deployment creates that stage.
* **Ids.** A stack's physical ids do not exist before it is created: the API's id is its logical id
  (``id_known=False``), authorizers and deployments are named by theirs.
"""

from __future__ import annotations

from ...model import (
    AUTHORIZATION_TYPES,
    HTTP_METHODS,
    Canary,
    Method,
    Resource,
    RestApi,
    RestDeployment,
    Stage,
)
from ..document import fail
from ..validate import fail as impossible
from ..validate import validate_resources
from .bodies import read_body
from .deployments import api_notes, snapshot_members, stage_names_unique
from .resources import (
    REST_API,
    REST_AUTHORIZER,
    REST_DEPLOYMENT,
    REST_GATEWAY_RESPONSE,
    REST_METHOD,
    REST_RESOURCE,
    REST_STAGE,
    Reader,
)
from .rest_settings import authorizer, endpoint, gateway_response
from .template import TemplateResource
from .values import ResourceRef, as_text

INTEGRATION_TYPES = ("AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK")
MAX_PATH = 10_240
"""API Gateway's longest URL (regional APIs); a deeper resource cannot be called, and would cost quadratic time."""
CHILD_TYPES = (REST_RESOURCE, REST_METHOD, REST_AUTHORIZER, REST_DEPLOYMENT, REST_STAGE, REST_GATEWAY_RESPONSE)

_Placed = tuple[str, str, Method]
"""A template method: (logical id, resource path, the method)."""


def read_rest_apis(reader: Reader) -> tuple[RestApi, ...]:
    children = reader.children(REST_API, "RestApiId", CHILD_TYPES)
    return tuple(_RestReader(reader, api, children.get(api.logical_id, [])).read() for api in reader.active(REST_API))


class _RestReader:
    def __init__(self, reader: Reader, api: TemplateResource, children: list[TemplateResource]) -> None:
        self.reader = reader
        self.res = api
        self.kids = {kind: [c for c in children if c.type == kind] for kind in CHILD_TYPES}
        self.notes: list[str] = []
        self.paths: dict[str, str | None] = {}
        self.resource_ids = frozenset(r.logical_id for r in self.kids[REST_RESOURCE])
        self.body_resources: tuple[Resource, ...] = ()

    def read(self) -> RestApi:
        reader, res, notes = self.reader, self.res, self.notes
        props = reader.props(res)
        body = read_body(reader, res, "REST", notes)
        if props.get("CloneFrom") is not None:
            notes.append(
                f"{reader.origin(res, 'CloneFrom')}: {res.logical_id} is cloned from another API: the routes it "
                "copies from it are not visible"
            )
        body_api = body.api if body is not None and isinstance(body.api, RestApi) else None
        self.body_resources = body_api.resources if body_api is not None else ()
        for child in self.kids[REST_RESOURCE]:
            self._path(child)
        methods = [m for m in (self._method(m) for m in self.kids[REST_METHOD]) if m is not None]
        resources = self._tree(methods, None)
        deployments, stages = self._deployments(methods)
        name = props.get("Name")
        endpoint_type, vpce = "EDGE", tuple[str, ...]()
        if body_api is not None and body is not None and body.declares_endpoint:
            endpoint_type, vpce = body_api.endpoint_type, body_api.vpc_endpoint_ids
        endpoint_type, vpce = endpoint(reader, res, endpoint_type, vpce)
        key_source = reader.concrete(res, "ApiKeySourceType", notes, "HEADER is assumed")
        if key_source is None:
            key_source = body_api.api_key_source if body_api is not None else "HEADER"
        if key_source.upper() not in ("HEADER", "AUTHORIZER"):
            fail(
                f"ApiKeySourceType must be HEADER or AUTHORIZER, not {key_source!r}",
                reader.origin(res, "ApiKeySourceType"),
            )
        responses = {g.type: g for g in (body_api.gateway_responses if body_api is not None else ())}
        for response in self.kids[REST_GATEWAY_RESPONSE]:
            found = gateway_response(reader, response, notes)
            if found is not None:
                responses[found.type] = found
        authorizers = (body_api.authorizers if body_api is not None else ()) + tuple(
            authorizer(reader, a, notes) for a in self.kids[REST_AUTHORIZER]
        )
        if body is not None:
            notes.extend(body.api.notes)
        return RestApi(
            id=res.logical_id,
            name=name if isinstance(name, str) else (body.title if body is not None else "") or res.logical_id,
            region=reader.region,
            endpoint_type=endpoint_type,
            disable_execute_api_endpoint=reader.flag(res, "DisableExecuteApiEndpoint"),
            api_key_source=key_source.upper(),
            vpc_endpoint_ids=vpce,
            resources=resources,
            deployments=deployments,
            stages=stages,
            gateway_responses=tuple(responses.values()),
            authorizers=authorizers,
            tags=reader.tags(res),
            origin=res.origin,
            id_known=False,
            source_kind=reader.source_kind,
            notes=(*api_notes(reader, res, self.kids[REST_DEPLOYMENT]), *dict.fromkeys(notes)),
        )

    # -- the tree ----------------------------------------------------------------------------------------
    def _path(self, start: TemplateResource) -> None:
        """Fill ``self.paths`` for ``start`` and its not-yet-placed ancestors (None: left out)."""
        reader, ids = self.reader, self.resource_ids
        chain: list[TemplateResource] = []
        on_chain: set[str] = set()
        node, base = start, None
        while node.logical_id not in self.paths:
            if node.logical_id in on_chain:
                fail(f"ParentId of {node.logical_id} leads back to itself (a cycle of resources)", node.origin)
            chain.append(node)
            on_chain.add(node.logical_id)
            parent = reader.props(node).get("ParentId")
            if parent is None:
                fail(f"{node.logical_id} needs a ParentId (!GetAtt Api.RootResourceId or !Ref a resource)", node.origin)
            if isinstance(parent, ResourceRef) and parent.attribute == "RootResourceId":
                self._same_api(node, "ParentId", parent.logical_id)
                base = "/"
                break
            if isinstance(parent, ResourceRef) and parent.attribute is None:
                target = reader.template.resource(parent.logical_id)
                assert target is not None
                if target.logical_id not in ids:
                    fail(
                        f"ParentId of {node.logical_id} names {target.logical_id}, which is not a resource of the "
                        f"API {self.res.logical_id}",
                        reader.origin(node, "ParentId"),
                    )
                node = target
                continue
            self.notes.append(
                f"{reader.origin(node, 'ParentId')}: ParentId of {node.logical_id} is {as_text(parent)}, not a "
                f"resource of this template: {node.logical_id} and the resources under it are left out"
            )
            break
        else:
            base = self.paths[node.logical_id]
        for item in reversed(chain):
            part = None
            if base is not None:
                if "PathPart" not in reader.props(item):
                    fail(f"{item.logical_id} needs a PathPart", item.origin)
                consequence = f"{item.logical_id} and the resources under it are left out"
                part = reader.concrete(item, "PathPart", self.notes, consequence)
            if part is not None and (not part or "/" in part):
                impossible(
                    f"PathPart {part!r} of {item.logical_id} must be one path segment", reader.origin(item, "PathPart")
                )
            base = None if part is None or base is None else ("/" + part if base == "/" else f"{base}/{part}")
            if base is not None and len(base) > MAX_PATH:
                fail(
                    f"the path of {item.logical_id} is {len(base)} characters long: no request can reach it "
                    f"(API Gateway accepts URLs of at most {MAX_PATH:,} characters)",
                    item.origin,
                )
            self.paths[item.logical_id] = base

    def _same_api(self, child: TemplateResource, key: str, api: str) -> None:
        if api != self.res.logical_id:
            fail(
                f"{key} of {child.logical_id} is in the API {api}, but its RestApiId is {self.res.logical_id}",
                self.reader.origin(child, key),
            )

    def _method(self, res: TemplateResource) -> _Placed | None:
        reader, notes = self.reader, self.notes
        props = reader.props(res)
        target = props.get("ResourceId")
        path: str | None
        if target is None:
            fail(f"{res.logical_id} needs a ResourceId", res.origin)
        if isinstance(target, ResourceRef) and target.attribute == "RootResourceId":
            self._same_api(res, "ResourceId", target.logical_id)
            path = "/"
        elif isinstance(target, ResourceRef) and target.attribute is None and target.logical_id in self.paths:
            path = self.paths[target.logical_id]
            if path is None:
                return None
        elif isinstance(target, ResourceRef):
            fail(
                f"ResourceId of {res.logical_id} names {target.text}, not a resource of the API {self.res.logical_id}",
                reader.origin(res, "ResourceId"),
            )
        else:
            notes.append(
                f"{reader.origin(res, 'ResourceId')}: ResourceId of {res.logical_id} is {as_text(target)}, not a "
                f"resource of this template: the method is left out"
            )
            return None
        if "HttpMethod" not in props:
            fail(f"{res.logical_id} needs an HttpMethod", res.origin)
        verb = reader.concrete(res, "HttpMethod", notes, f"{res.logical_id} is left out")
        if verb is None:
            return None
        verb = verb.upper()
        if verb not in (*HTTP_METHODS, "ANY"):
            fail(
                f"HttpMethod {verb!r} is not one of {', '.join((*HTTP_METHODS, 'ANY'))}",
                reader.origin(res, "HttpMethod"),
            )
        auth = (reader.concrete(res, "AuthorizationType", notes, "NONE is assumed") or "NONE").upper()
        if auth not in AUTHORIZATION_TYPES:
            fail(
                f"AuthorizationType {auth!r} is not one of {', '.join(AUTHORIZATION_TYPES)}",
                reader.origin(res, "AuthorizationType"),
            )
        authorizer = reader.ref(res, "AuthorizerId", (REST_AUTHORIZER,))
        if authorizer is None and props.get("AuthorizerId") is not None:
            authorizer = as_text(props["AuthorizerId"])
        integration_type, uri = None, None
        integration = props.get("Integration")
        if isinstance(integration, dict):
            kind = as_text(integration.get("Type"))
            if kind is not None:
                integration_type = kind.upper()
                if integration_type not in INTEGRATION_TYPES:
                    fail(
                        f"Integration.Type {kind!r} is not one of {', '.join(INTEGRATION_TYPES)}",
                        reader.origin(res, "Integration", "Type"),
                    )
            uri = as_text(integration.get("Uri"))
        method = Method(
            http_method=verb,
            authorization_type=auth,
            api_key_required=reader.flag(res, "ApiKeyRequired"),
            integration_type=integration_type,
            authorizer_id=authorizer,
            integration_uri=uri,
            origin=res.origin,
        )
        return res.logical_id, path, method

    def _tree(self, methods: list[_Placed], include: frozenset[str] | None) -> tuple[Resource, ...]:
        """The resources with their methods; ``include`` (a snapshot) keeps only those logical ids."""
        resources = list(self.body_resources)
        if not any(r.path == "/" for r in resources):
            resources.append(Resource(path="/", origin=self.res.origin))
        for child in self.kids[REST_RESOURCE]:
            path = self.paths.get(child.logical_id)
            if path is not None and (include is None or child.logical_id in include):
                resources.append(Resource(path=path, origin=child.origin))
        by_path = {r.path: i for i, r in enumerate(resources)}
        added: dict[int, list[Method]] = {}
        for logical_id, path, method in methods:
            if (include is None or logical_id in include) and path in by_path:
                added.setdefault(by_path[path], []).append(method)
        out = [
            Resource(path=r.path, methods=r.methods + tuple(added[i]), id=r.id, origin=r.origin) if i in added else r
            for i, r in enumerate(resources)
        ]
        if include is None:
            validate_resources(out)
        return tuple(sorted(out, key=lambda r: r.path))

    # -- deployments and stages --------------------------------------------------------------------------
    def _deployments(self, methods: list[_Placed]) -> tuple[tuple[RestDeployment, ...], tuple[Stage, ...]]:
        reader, notes = self.reader, self.notes
        deployments, stages = [], []
        members = [(logical_id, f"{m.http_method} {path}") for logical_id, path, m in methods]
        for dep in self.kids[REST_DEPLOYMENT]:
            include = snapshot_members(reader, dep, members, notes)
            deployments.append(
                RestDeployment(
                    id=dep.logical_id,
                    resources=self._tree(methods, include),
                    description=as_text(reader.props(dep).get("Description")) or "",
                    origin=dep.origin,
                )
            )
            if reader.props(dep).get("DeploymentCanarySettings") is not None:
                notes.append(
                    f"{reader.origin(dep, 'DeploymentCanarySettings')}: deployment {dep.logical_id} is created as a "
                    "canary of its stage: the canary's share of traffic is not modelled, the stage serves it"
                )
            name = reader.text(dep, "StageName", notes)
            if name is not None:
                description = reader.props(dep).get("StageDescription")
                variables = description.get("Variables") if isinstance(description, dict) else None
                stages.append(
                    Stage(
                        name=name,
                        deployment_id=dep.logical_id,
                        variables=reader.pairs(dep, "StageDescription", variables) if variables is not None else (),
                        origin=reader.origin(dep, "StageName"),
                    )
                )
        ids = {d.id for d in deployments}
        for res in self.kids[REST_STAGE]:
            stages.append(self._stage(res, ids))
        stage_names_unique(stages)
        return tuple(deployments), tuple(stages)

    def _stage(self, res: TemplateResource, deployments: set[str]) -> Stage:
        reader, notes = self.reader, self.notes
        name = reader.text(res, "StageName", notes)
        if name is None:
            fail(f"{res.logical_id} needs a StageName", res.origin)
        deployment = reader.ref(res, "DeploymentId", (REST_DEPLOYMENT,))
        if deployment is not None and deployment not in deployments:
            fail(
                f"DeploymentId of {res.logical_id} is {deployment}, a deployment of another API",
                reader.origin(res, "DeploymentId"),
            )
        if deployment is None and reader.props(res).get("DeploymentId") is not None:
            value = reader.props(res)["DeploymentId"]
            notes.append(
                f"{reader.origin(res, 'DeploymentId')}: the deployment of stage {name} is {as_text(value)}, not one "
                "of this template: what it serves is not known, the template's routes stand in for it"
            )
        canary = None
        setting = reader.props(res).get("CanarySetting")
        if isinstance(setting, dict):
            target = setting.get("DeploymentId")
            percent = as_text(setting.get("PercentTraffic")) or "0"
            if isinstance(target, ResourceRef) and target.logical_id in deployments:
                try:
                    share = float(percent)
                except ValueError:
                    fail(f"PercentTraffic {percent!r} is not a number", reader.origin(res, "CanarySetting"))
                overrides = setting.get("StageVariableOverrides")
                canary = Canary(
                    percent=share,
                    deployment_id=target.logical_id,
                    stage_variable_overrides=reader.pairs(res, "CanarySetting", overrides) if overrides else (),
                )
        return Stage(
            name=name,
            deployment_id=deployment,
            variables=reader.pairs(res, "Variables"),
            canary=canary,
            origin=res.origin,
        )
