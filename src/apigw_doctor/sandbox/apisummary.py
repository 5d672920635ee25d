"""Fidelity patches: moto's API Gateway, server side, answering a read-only client the way AWS does.

A live source must talk plain HTTP to a server that answers like AWS, so these are patches of moto's
backend and response classes (what the server runs), not botocore hooks in the client. Each closes one gap
measured in ``../shared/reference/moto.md`` (and re-checked against moto 5.2.5):

1. **Deployment snapshots and** ``apiSummary`` (moto.md §1 "Deployment snapshot" and
   "get_deployment(embed=['apisummary'])"; §9.1). moto keeps no record of what a deployment contained.
   At CreateDeployment (with or without ``stageName``, and from CloudFormation) the API's route summary
   is recorded on moto's deployment object: ``path -> HTTP method -> {authorizationType, apiKeyRequired}``
   for every resource that has methods, as AWS does. ``GET /restapis/{id}/deployments/{d}?embed=apisummary``
   returns it as ``apiSummary``, the shape botocore's model defines for ``Deployment.apiSummary``
   (``map<string, map<string, MethodSnapshot>>``); without ``embed=apisummary`` there is no ``apiSummary``.
   A method moto stored without an authorization type (``import_rest_api``) is summarised as ``NONE``,
   AWS's default. A deployment made before :func:`install` has no record, so it gets no ``apiSummary``.
2. **GetDeployment of an unknown id** (moto.md §1 "get_deployment unknown id": HTTP 500, ``KeyError``):
   404 ``{"message": "Invalid Deployment identifier specified"}`` with ``x-amzn-ErrorType:
   NotFoundException``.
3. **Base-path mappings of a domain that has none** (moto.md §1 "get_base_path_mappings on a domain with
   no mappings yet", §9.8): GetBasePathMappings answers ``[]`` and GetBasePathMapping 404
   NotFoundException, where moto answered 500 (``KeyError``).
4. **HTTP API deployments** (moto.md §2 "create_deployment, get_deployments": 404 HTML, no route;
   "update_stage": HTTP 500): the sibling module ``v2deploy.py`` keeps HTTP API deployments on moto's ``Api``
   as AWS does. CreateDeployment (201, ``DEPLOYED``; with ``stageName`` the stage is pointed at it),
   GetDeployments, GetDeployment, UpdateDeployment and DeleteDeployment (400 while a stage points at it),
   UpdateStage (``deploymentId`` must name one of the API's deployments), and ``deploymentId`` in every stage
   answer. Each deployment records what the API serves (``v2export.py``), and ExportApi (no route in moto)
   writes the OpenAPI 3 file of what a stage's deployment serves, as AWS exports an HTTP API. Auto-deploy is not
   simulated: an auto-deploy stage gets no deployment of its own (its export is the current routes).
5. **HTTP API GetAuthorizers** (found in moto 5.2.5, not in moto.md: moto stores HTTP API authorizers and
   answers GetAuthorizer, but GetAuthorizers is HTTP 500, "not implemented"): the stored authorizers,
   ``{"items": [...]}``, each as moto's GetAuthorizer returns it.

Left as moto has them (a real account would return more, and nothing here is invented): no data plane
(execute-api URLs are not served), no CloudTrail events, no paging (``limit``/``position`` ignored: the
tests add AWS's 25-per-page in a client hook), the
default gateway responses not listed, v1 and v2 custom domains in separate stores (moto.md §9.7), no
``test_invoke_method``. GetExport is made to answer like AWS by the sibling module ``export.py``.

:func:`install` is idempotent and thread-safe; the sandbox calls it before starting a server (routes are
read when a server builds its URL map, so fix 4 reaches servers started after it). :func:`uninstall`
restores moto exactly (for tests). The patches are process-wide, like moto's state. Fixes 4 and 5 add
handlers moto lacks; a later moto that has its own keeps them (fix 4 as a whole, ExportApi on its own:
``v2deploy.patches``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from . import v2deploy

if TYPE_CHECKING:
    from moto.apigateway.models import APIGatewayBackend, BasePathMapping, Deployment, Resource
    from moto.apigateway.responses import APIGatewayResponse
    from moto.apigatewayv2.responses import ApiGatewayV2Response
    from moto.core.common_types import TYPE_RESPONSE

SUMMARY_ATTRIBUTE = "apigw_doctor_api_summary"
"""The attribute of moto's ``Deployment`` holding the route summary recorded at its creation."""

Summary = dict[str, dict[str, dict[str, str | bool]]]
"""``apiSummary``: path -> HTTP method -> ``{"authorizationType": str, "apiKeyRequired": bool}``."""

DEPLOYMENT_NOT_FOUND = "Invalid Deployment identifier specified"
_MISSING = object()
_lock = threading.Lock()
_saved: list[tuple[Any, str, object]] = []
"""(owner, attribute, original value or _MISSING), in the order applied; empty when not installed."""


def route_summary(resources: Iterable[Resource]) -> Summary:
    """The ``apiSummary`` of a set of moto resources: only resources with methods, as AWS lists them."""
    summary: Summary = {}
    for resource in resources:
        if resource.resource_methods:
            summary[resource.get_path()] = {
                verb: {
                    "authorizationType": method.authorization_type or "NONE",
                    "apiKeyRequired": bool(method.api_key_required),
                }
                for verb, method in resource.resource_methods.items()
            }
    return summary


def recorded_summary(deployment: Deployment) -> Summary | None:
    """What :func:`install` recorded for ``deployment`` at its creation (None: made before install)."""
    summary: Summary | None = getattr(deployment, SUMMARY_ATTRIBUTE, None)
    return summary


def installed() -> bool:
    return bool(_saved)


def install() -> None:
    """Apply every patch of the module docstring to the imported moto. Calling it again changes nothing."""
    from moto.apigateway import urls as v1_urls
    from moto.apigateway.models import APIGatewayBackend
    from moto.apigateway.responses import APIGatewayResponse
    from moto.apigatewayv2 import urls as v2_urls
    from moto.apigatewayv2.responses import ApiGatewayV2Response

    with _lock:
        if _saved:
            return
        backend = APIGatewayBackend
        _set(backend, "create_deployment", _recording_create_deployment(backend.create_deployment))
        _set(backend, "get_base_path_mappings", _tolerant_get_mappings(backend.get_base_path_mappings))
        _set(backend, "get_base_path_mapping", _tolerant_get_mapping(backend.get_base_path_mapping))
        _set(APIGatewayResponse, "get_deployment", _get_deployment)
        for owner, name, value in v2deploy.patches():
            _set(owner, name, value)
        if not hasattr(ApiGatewayV2Response, "get_authorizers"):  # a later moto that has its own keeps it
            _set(ApiGatewayV2Response, "get_authorizers", _v2_get_authorizers)
        for paths in (v1_urls.url_paths, v2_urls.url_paths):
            for route in v2deploy.ROUTES:
                if route not in paths:
                    _set_item(paths, route, ApiGatewayV2Response.dispatch)


def uninstall() -> None:
    """Undo :func:`install`: moto's classes and URL tables are as they were. Servers already started keep
    the routes of fix 4 in their URL map; those then answer moto's "not implemented"."""
    with _lock:
        while _saved:
            owner, name, original = _saved.pop()
            if isinstance(owner, dict):
                if original is _MISSING:
                    owner.pop(name, None)
                else:
                    owner[name] = original
            elif original is _MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, original)


def _set(owner: type, name: str, value: object) -> None:
    _saved.append((owner, name, owner.__dict__.get(name, _MISSING)))
    setattr(owner, name, value)


def _set_item(table: dict[str, Any], key: str, value: object) -> None:
    _saved.append((table, key, table.get(key, _MISSING)))
    table[key] = value


# -- 1. snapshots at CreateDeployment ------------------------------------------------------------------
CreateDeployment = Callable[["APIGatewayBackend", str, str, str, Any], "Deployment"]


def _recording_create_deployment(original: CreateDeployment) -> CreateDeployment:
    def create_deployment(
        self: APIGatewayBackend, function_id: str, name: str, description: str = "", stage_variables: Any = None
    ) -> Deployment:
        summary = route_summary(self.get_resources(function_id))  # before: what this deployment will serve
        deployment = original(self, function_id, name, description, stage_variables)
        setattr(deployment, SUMMARY_ATTRIBUTE, summary)
        return deployment

    return create_deployment


# -- 1 and 2. GetDeployment ------------------------------------------------------------------------------
def _get_deployment(self: APIGatewayResponse) -> TYPE_RESPONSE:
    """``GET /restapis/{id}/deployments/{d}``: AWS's answer, with ``apiSummary`` when ``embed=apisummary``."""
    parts = self.path.split("/")
    api = self.backend.get_rest_api(parts[2])  # an unknown API: moto's own 404 NotFoundException
    deployment = api.deployments.get(parts[4])
    if deployment is None:
        return _not_found(DEPLOYMENT_NOT_FOUND)
    body = deployment.to_json()
    summary = recorded_summary(deployment)
    if summary is not None and "apisummary" in _embeds(self.querystring):
        body["apiSummary"] = summary
    return 200, {}, json.dumps(body)


def _embeds(querystring: dict[str, Any]) -> set[str]:
    """``embed`` values: repeated (``embed=a&embed=b``, botocore's form) or comma-separated."""
    values: list[str] = querystring.get("embed") or []
    return {v.strip().lower() for value in values for v in value.split(",")}


def _not_found(message: str) -> TYPE_RESPONSE:
    headers = {"status": "404", "x-amzn-ErrorType": "NotFoundException", "Content-Type": "application/json"}
    return 404, headers, json.dumps({"message": message})


# -- 3. base-path mappings of a domain without any -------------------------------------------------------
GetMappings = Callable[["APIGatewayBackend", str], "list[BasePathMapping]"]
GetMapping = Callable[["APIGatewayBackend", str, str], "BasePathMapping"]


def _tolerant_get_mappings(original: GetMappings) -> GetMappings:
    def get_base_path_mappings(self: APIGatewayBackend, domain_name: str) -> list[BasePathMapping]:
        if domain_name in self.domain_names and domain_name not in self.base_path_mappings:
            return []
        return original(self, domain_name)

    return get_base_path_mappings


def _tolerant_get_mapping(original: GetMapping) -> GetMapping:
    def get_base_path_mapping(self: APIGatewayBackend, domain_name: str, base_path: str) -> BasePathMapping:
        from moto.apigateway.exceptions import BasePathNotFoundException

        if domain_name in self.domain_names and domain_name not in self.base_path_mappings:
            raise BasePathNotFoundException()
        return original(self, domain_name, base_path)

    return get_base_path_mapping


# -- 5. HTTP API authorizers -------------------------------------------------------------------------------
def _v2_get_authorizers(self: ApiGatewayV2Response) -> TYPE_RESPONSE:
    """``GET /v2/apis/{id}/authorizers``: every authorizer moto holds for the API."""
    api = self.apigatewayv2_backend.get_api(self.path.split("/")[3])
    return 200, {}, json.dumps({"items": [a.to_json() for a in api.authorizers.values()]})
