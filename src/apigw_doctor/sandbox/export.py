"""Fidelity patch: moto's GetExport, server side, answering like ``aws apigateway get-export``.

AWS's GetExport "exports a deployed version of a RestApi" (api-gateway-routing.md §3): the stage's
deployment, as OpenAPI 3.0.1 or Swagger 2.0, JSON or YAML, with the ``x-amazon-apigateway-*`` extensions the
``extensions`` parameter asks for. moto 5.2.5 answers something else; the gaps closed here, all from
``../shared/reference/moto.md`` §1 rows "get_export oas30/swagger/unknown stage" and "Deployment snapshot",
and §9.1:

1. **No deployment snapshot.** moto exports the API's *current* resources. At CreateDeployment (with or
   without ``stageName``, from the API or CloudFormation; moto's ``RestAPI.create_deployment``) what the
   deployment will serve is recorded on moto's deployment object: every resource's methods with their
   authorization, API key flag, authorizer, request parameters, method responses and integration (type, uri,
   httpMethod, passthrough, templates, responses...), and the API's authorizers, customised gateway
   responses, models, name, description and API key source. The export is built from the record of the
   deployment the stage points at, so a resource added after the deployment is not in it. (The apiSummary
   record of :mod:`.apisummary` is left as it is; this one is separate and richer.)
2. **Always Swagger 2.0.** ``oas30`` gives OpenAPI 3.0.1 with ``servers: [{"url":
   "https://{id}.execute-api.{region}.amazonaws.com/{basePath}", "variables": {"basePath": {"default":
   "{stage}"}}}]``; ``swagger`` gives Swagger 2.0 with ``host``, ``basePath: "/{stage}"``, ``schemes``.
   Any other type stays moto's 400 BadRequestException.
3. **Upper-case operation keys, no path parameters.** Operations are keyed ``get``, ``post``... and
   ``x-amazon-apigateway-any-method`` for ANY; every path variable (``{id}``, ``{proxy+}`` as ``proxy``) is a
   required path parameter, and the method's query-string and header request parameters are listed too;
   method responses carry their headers and models (AWS's built-in ``Empty`` and ``Error`` when the API
   does not define them). Only resources that have methods are listed.
4. **No security.** An AWS_IAM method has ``security: [{"sigv4": []}]`` (scheme ``type: apiKey, name:
   Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4``); an API-key method ``[{"api_key":
   []}]`` (``type: apiKey, name: x-api-key, in: header``); a CUSTOM or COGNITO_USER_POOLS method names its
   authorizer's scheme (with its scopes), an ``apiKey`` scheme on the identity header (``Unused`` for a
   REQUEST authorizer).
5. **No extensions.** ``extensions=integrations`` or ``apigateway`` adds ``x-amazon-apigateway-integration``
   (type lower-case as AWS writes it, ``uri``, ``httpMethod``, ``passthroughBehavior`` lower-case with AWS's
   default ``when_no_match``, and what else was set); ``authorizers`` or ``apigateway`` adds each
   authorizer scheme's ``x-amazon-apigateway-authtype`` and ``x-amazon-apigateway-authorizer``;
   ``apigateway`` also adds ``x-amazon-apigateway-gateway-responses`` (the customised ones: moto stores
   nothing else) and ``x-amazon-apigateway-api-key-source``. ``postman`` is accepted and adds nothing.
6. **JSON only.** ``Accept: application/yaml`` gives YAML.
7. **Unknown stage is a 200.** It is a 404 NotFoundException "Invalid stage identifier specified".

Left out, because the export would have to invent it or moto does not keep it: the resource policy, the
endpoint configuration, binary media types, request validators, documentation parts and models that no
method response names. moto keeps no stage history beyond what is recorded here: a deployment made before
:func:`install` has no record and is exported from the current resources, as moto did. ``info.version`` is
the deployment's creation time (second precision).

:func:`install` is idempotent and thread-safe; :meth:`~apigw_doctor.sandbox.Sandbox.start` calls it next
to :func:`.apisummary.install`. :func:`uninstall` restores moto exactly. The two modules patch different
attributes, so either can be uninstalled alone.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

if TYPE_CHECKING:
    from moto.apigateway.models import Deployment, RestAPI
    from moto.apigateway.responses import APIGatewayResponse
    from moto.core.common_types import TYPE_RESPONSE

JSON = dict[str, Any]
RECORD_ATTRIBUTE = "apigw_doctor_export_record"
"""The attribute of moto's ``Deployment`` holding the :class:`Deployed` record made at its creation."""
EXPORT_TYPES = ("oas30", "swagger")
OPERATION_ORDER = ("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "ANY")
ANY_METHOD = "x-amazon-apigateway-any-method"
SIGV4 = {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"}
API_KEY = {"type": "apiKey", "name": "x-api-key", "in": "header"}
BUILTIN_MODELS: dict[str, JSON] = {
    "Empty": {"title": "Empty Schema", "type": "object"},
    "Error": {"title": "Error Schema", "type": "object", "properties": {"message": {"type": "string"}}},
}
"""The models AWS creates in every REST API (moto creates none)."""

_lock = threading.Lock()
_saved: list[tuple[type, str, object]] = []


@dataclass(frozen=True, slots=True)
class Deployed:
    """What one deployment serves, copied from moto's objects when it was created (moto's JSON shapes)."""

    name: str
    description: str
    api_key_source: str
    created: int
    resources: tuple[tuple[str, JSON], ...]
    """(path, {HTTP method: moto's Method JSON}) for every resource that has methods, by path."""
    authorizers: JSON
    gateway_responses: JSON
    models: JSON


def deployed(api: RestAPI, created: int | None = None) -> Deployed:
    """The record of what ``api`` serves now (deep copies: later edits of moto's objects do not reach it)."""
    resources = sorted(
        ((r.get_path(), {verb: m.to_json() for verb, m in r.resource_methods.items()}) for r in api.resources.values()),
        key=lambda item: item[0],  # moto may hold two resources with one path: never compare their methods
    )
    return Deployed(
        name=api.name,
        description=api.description or "",
        api_key_source=api.api_key_source or "HEADER",
        created=int(time.time()) if created is None else created,
        resources=tuple(copy.deepcopy([(path, methods) for path, methods in resources if methods])),
        authorizers={k: copy.deepcopy(a.to_json()) for k, a in api.authorizers.items()},
        gateway_responses={k: copy.deepcopy(g.to_json()) for k, g in api.gateway_responses.items()},
        models={m.name: copy.deepcopy(m.to_json()) for m in api.models.values()},
    )


def recorded(deployment: Deployment) -> Deployed | None:
    """What :func:`install` recorded for ``deployment`` at its creation (None: made before install)."""
    record: Deployed | None = getattr(deployment, RECORD_ATTRIBUTE, None)
    return record


# -- the document ------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Options:
    """What GetExport asked for."""

    oas3: bool
    integrations: bool = False
    authorizers: bool = False
    apigateway: bool = False
    yaml: bool = False

    @staticmethod
    def parse(export_type: str, extensions: Iterable[str], accept: str) -> Options:
        wanted = {e.strip().lower() for value in extensions for e in value.split(",")}
        return Options(
            oas3=export_type == "oas30",
            integrations=bool(wanted & {"integrations", "apigateway"}),
            authorizers=bool(wanted & {"authorizers", "apigateway"}),
            apigateway="apigateway" in wanted,
            yaml="yaml" in accept.lower(),
        )


def export_document(record: Deployed, api_id: str, region: str, stage: str, opts: Options) -> JSON:
    """The document AWS's GetExport returns for ``stage`` of ``api_id``, serving ``record``."""
    writer = _Writer(record, opts)
    paths = {path: writer.path_item(path, methods) for path, methods in record.resources}
    host = f"{api_id}.execute-api.{region}.amazonaws.com" + (".cn" if region.startswith("cn-") else "")
    info: JSON = {"title": record.name}
    if record.description:
        info["description"] = record.description
    info["version"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created))
    doc: JSON
    if opts.oas3:
        server = {"url": f"https://{host}/{{basePath}}", "variables": {"basePath": {"default": stage}}}
        doc = {"openapi": "3.0.1", "info": info, "servers": [server], "paths": paths}
        components = {k: v for k, v in (("schemas", writer.models), ("securitySchemes", writer.schemes)) if v}
        if components:
            doc["components"] = components
    else:
        doc = {"swagger": "2.0", "info": info, "host": host, "basePath": f"/{stage}", "schemes": ["https"]}
        doc["paths"] = paths
        if writer.schemes:
            doc["securityDefinitions"] = writer.schemes
        if writer.models:
            doc["definitions"] = writer.models
    if opts.apigateway:
        responses = {t: _gateway_response(g) for t, g in sorted(record.gateway_responses.items())}
        if responses:
            doc["x-amazon-apigateway-gateway-responses"] = responses
        doc["x-amazon-apigateway-api-key-source"] = record.api_key_source
    return doc


class _Writer:
    """Turns recorded methods into operations, collecting the security schemes and models they use."""

    def __init__(self, record: Deployed, opts: Options) -> None:
        self.record = record
        self.opts = opts
        self.schemes: JSON = {}
        self.models: JSON = {}

    def path_item(self, path: str, methods: JSON) -> JSON:
        order = {verb: i for i, verb in enumerate(OPERATION_ORDER)}
        return {
            ANY_METHOD if verb == "ANY" else verb.lower(): self.operation(path, methods[verb])
            for verb in sorted(methods, key=lambda v: (order.get(v, len(order)), v))
        }

    def operation(self, path: str, method: JSON) -> JSON:
        op: JSON = {}
        if method.get("operationName"):
            op["operationId"] = method["operationName"]
        responses, content_types = self.responses(method.get("methodResponses") or {})
        if content_types and not self.opts.oas3:
            op["produces"] = content_types
        parameters = self.parameters(path, method.get("requestParameters") or {})
        if parameters:
            op["parameters"] = parameters
        op["responses"] = responses
        security = self.security(method)
        if security:
            op["security"] = security
        integration = method.get("methodIntegration")
        if self.opts.integrations and integration:
            op["x-amazon-apigateway-integration"] = _integration(integration)
        return op

    def parameters(self, path: str, request_parameters: Mapping[str, Any]) -> list[JSON]:
        found: list[tuple[str, str, bool]] = []
        for part in path.split("/"):
            if part.startswith("{") and part.endswith("}"):
                found.append(("path", part[1:-1].removesuffix("+"), True))
        for key, required in sorted(request_parameters.items()):
            where, _, name = key.removeprefix("method.request.").partition(".")
            if where in ("querystring", "header") and name:
                found.append(("query" if where == "querystring" else "header", name, bool(required)))
        out = []
        for where, name, required in found:
            param: JSON = {"name": name, "in": where}
            if required:
                param["required"] = True
            param.update({"schema": {"type": "string"}} if self.opts.oas3 else {"type": "string"})
            out.append(param)
        return out

    def responses(self, method_responses: Mapping[str, JSON]) -> tuple[JSON, list[str]]:
        out: JSON = {}
        content_types: list[str] = []
        for code, response in sorted(method_responses.items()):
            entry: JSON = {"description": f"{code} response"}
            headers = sorted(
                key.removeprefix("method.response.header.")
                for key in response.get("responseParameters") or {}
                if key.startswith("method.response.header.")
            )
            if headers:
                schema = {"schema": {"type": "string"}} if self.opts.oas3 else {"type": "string"}
                entry["headers"] = {h: dict(schema) for h in headers}
            refs = {ct: self.model_ref(name) for ct, name in sorted((response.get("responseModels") or {}).items())}
            refs = {ct: ref for ct, ref in refs.items() if ref is not None}
            if refs and self.opts.oas3:
                entry["content"] = {ct: {"schema": ref} for ct, ref in refs.items()}
            elif refs:
                entry["schema"] = next(iter(refs.values()))
                content_types.extend(ct for ct in refs if ct not in content_types)
            out[str(code)] = entry
        return out, content_types

    def model_ref(self, name: str) -> JSON | None:
        if name not in self.models:
            schema = _schema(self.record.models.get(name)) or BUILTIN_MODELS.get(name)
            if schema is None:
                return None  # a model the API does not have (moto accepts it; AWS would not)
            self.models[name] = dict(schema)
        return {"$ref": f"#/{'components/schemas' if self.opts.oas3 else 'definitions'}/{name}"}

    def security(self, method: JSON) -> list[JSON]:
        out: list[JSON] = []
        auth = (method.get("authorizationType") or "NONE").upper()
        if auth == "AWS_IAM":
            self.schemes["sigv4"] = dict(SIGV4)
            out.append({"sigv4": []})
        elif auth in ("CUSTOM", "COGNITO_USER_POOLS"):
            authorizer = self.record.authorizers.get(method.get("authorizerId") or "")
            if authorizer is not None:
                name = authorizer.get("name") or authorizer["id"]
                self.schemes[name] = self.authorizer_scheme(authorizer)
                out.append({name: list(method.get("authorizationScopes") or [])})
        if method.get("apiKeyRequired"):
            self.schemes["api_key"] = dict(API_KEY)
            out.append({"api_key": []})
        return out

    def authorizer_scheme(self, authorizer: JSON) -> JSON:
        kind = (authorizer.get("type") or "TOKEN").upper()
        source = authorizer.get("identitySource") or ""
        header = "Unused" if kind == "REQUEST" else source.removeprefix("method.request.header.") or "Authorization"
        scheme: JSON = {"type": "apiKey", "name": header, "in": "header"}
        if not self.opts.authorizers:
            return scheme
        scheme["x-amazon-apigateway-authtype"] = "cognito_user_pools" if kind == "COGNITO_USER_POOLS" else "custom"
        config: JSON = {"type": kind.lower()}
        if kind == "COGNITO_USER_POOLS":
            config["providerARNs"] = list(authorizer.get("providerARNs") or [])
        else:
            config.update(_present(authorizer, "authorizerUri", "authorizerCredentials"))
            if kind == "REQUEST" and source:
                config["identitySource"] = source
            config.update(_present(authorizer, "identityValidationExpression"))
            if authorizer.get("authorizerResultTtlInSeconds") is not None:
                config["authorizerResultTtlInSeconds"] = int(authorizer["authorizerResultTtlInSeconds"])
        scheme["x-amazon-apigateway-authorizer"] = config
        return scheme


def _schema(model: JSON | None) -> JSON | None:
    """A stored model's JSON schema without ``$schema`` (AWS leaves it out of exports); None if unreadable."""
    try:
        schema = json.loads((model or {}).get("schema") or "null")
    except ValueError:
        return None
    if not isinstance(schema, dict):
        return None
    schema.pop("$schema", None)
    return schema


def _integration(integration: JSON) -> JSON:
    out: JSON = {"type": str(integration.get("type") or "").lower()}
    out.update(_present(integration, "uri", "httpMethod", "credentials", "requestParameters", "requestTemplates"))
    responses = {
        response.get("selectionPattern") or "default": {
            "statusCode": str(response.get("statusCode")),
            **_present(response, "responseParameters", "contentHandling"),
            **({"responseTemplates": t} if (t := _strings(response.get("responseTemplates"))) else {}),
        }
        for response in (integration.get("integrationResponses") or {}).values()
    }
    if responses:
        out["responses"] = responses
    out["passthroughBehavior"] = str(integration.get("passthroughBehavior") or "WHEN_NO_MATCH").lower()
    out.update(_present(integration, "contentHandling", "timeoutInMillis", "cacheNamespace", "cacheKeyParameters"))
    if integration.get("connectionType") == "VPC_LINK":
        out.update(_present(integration, "connectionType", "connectionId"))
    if "timeoutInMillis" in out:
        out["timeoutInMillis"] = int(out["timeoutInMillis"])
    return out


def _gateway_response(response: JSON) -> JSON:
    out: JSON = {}
    if response.get("statusCode") is not None:
        out["statusCode"] = str(response["statusCode"])
    out.update(_present(response, "responseParameters", "responseTemplates"))
    return out


def _present(source: Mapping[str, Any], *keys: str) -> JSON:
    """The keys of ``source`` whose value is set (AWS leaves unset fields out of an export)."""
    return {k: source[k] for k in keys if source.get(k) not in (None, "", [], {})}


def _strings(value: object) -> dict[str, str]:
    return {k: v for k, v in value.items() if isinstance(v, str)} if isinstance(value, dict) else {}


def render(document: JSON, opts: Options) -> tuple[str, bytes]:
    """(content type of the file, its bytes): JSON, or YAML when ``Accept: application/yaml``."""
    if opts.yaml:
        import yaml

        return "yaml", yaml.safe_dump(document, sort_keys=False, allow_unicode=True).encode("utf-8")
    return "json", json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")


# -- install / uninstall -----------------------------------------------------------------------------------
def installed() -> bool:
    return bool(_saved)


def install() -> None:
    """Record deployments and answer GetExport as the module docstring says. Calling it again changes nothing."""
    from moto.apigateway.models import RestAPI
    from moto.apigateway.responses import APIGatewayResponse

    with _lock:
        if _saved:
            return
        _set(RestAPI, "create_deployment", _recording(RestAPI.create_deployment))
        _set(APIGatewayResponse, "get_export", _get_export)


def uninstall() -> None:
    """Undo :func:`install`: moto's classes are as they were; records already made stay on their objects."""
    with _lock:
        while _saved:
            owner, name, original = _saved.pop()
            setattr(owner, name, original)


def _set(owner: type, name: str, value: object) -> None:
    _saved.append((owner, name, owner.__dict__[name]))
    setattr(owner, name, value)


CreateDeployment = Callable[["RestAPI", str, str, Any], "Deployment"]


def _recording(original: CreateDeployment) -> CreateDeployment:
    def create_deployment(self: RestAPI, name: str, description: str, stage_variables: Any = None) -> Deployment:
        record = deployed(self)  # what this deployment will serve; creating it changes no resource
        deployment = original(self, name, description, stage_variables)
        setattr(deployment, RECORD_ATTRIBUTE, replace(record, created=int(deployment.created_date)))
        return deployment

    return create_deployment


def _get_export(self: APIGatewayResponse) -> TYPE_RESPONSE:
    """``GET /restapis/{id}/stages/{stage}/exports/{type}``: the stage's deployment, as AWS exports it."""
    from moto.apigateway.exceptions import BadRequestException, StageNotFoundException

    parts = [unquote(p) for p in self.path.split("/")]
    api_id, stage_name, export_type = parts[2], parts[4], parts[6]
    api = self.backend.get_rest_api(api_id)  # an unknown API: moto's own 404 NotFoundException
    if export_type not in EXPORT_TYPES:
        raise BadRequestException(f"No API exporter for type '{export_type}'")
    stage = api.stages.get(stage_name)
    if stage is None:
        raise StageNotFoundException()
    deployment = api.deployments.get(stage.deployment_id or "")
    record = recorded(deployment) if deployment is not None else None
    if record is None:  # made before install(), or a deployment id moto accepted without checking
        record = deployed(api, int(deployment.created_date) if deployment is not None else None)
    opts = Options.parse(export_type, self.querystring.get("extensions") or [], self.headers.get("Accept") or "")
    document = export_document(record, api.id, api.region_name, stage_name, opts)
    extension, body = render(document, opts)
    filename = f"{export_type}_{document['info']['version']}.{extension}"
    headers = {
        "Content-Type": "application/octet-stream",
        "Content-Disposition": f'attachment; filename="{filename}"',
    }
    return 200, headers, body
