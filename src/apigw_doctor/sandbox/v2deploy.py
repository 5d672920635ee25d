"""Fidelity patch: HTTP API (apigatewayv2) deployments, server side, kept the way AWS keeps them.

moto 5.2.5 has no HTTP API deployments (``../shared/reference/moto.md`` §2 "create_deployment,
get_deployments": 404 HTML, no route; "update_stage": HTTP 500) and its stages carry no ``DeploymentId``.
This module gives the sandbox what ``apigw-doctor fix --apply`` needs to deploy an HTTP API stage and roll it
back, over plain HTTP, in the JSON casing botocore's ``apigatewayv2`` model reads (``items``,
``deploymentId``, ``deploymentStatus``: each member's ``locationName``)::

    POST   /v2/apis/{id}/deployments        CreateDeployment  201 {deploymentId, deploymentStatus: DEPLOYED,
                                                               description, createdDate, autoDeployed: false}
                                            with stageName: the stage's deploymentId becomes the new id
                                            (an unknown stage: 404 "Invalid stage identifier specified")
    GET    /v2/apis/{id}/deployments        GetDeployments    200 {"items": [...]}, oldest first
    GET    /v2/apis/{id}/deployments/{d}    GetDeployment     200, an unknown id 404 NotFoundException
    PATCH  /v2/apis/{id}/deployments/{d}    UpdateDeployment  200 (the description)
    DELETE /v2/apis/{id}/deployments/{d}    DeleteDeployment  204; 400 BadRequestException while a stage
                                                              points at it
    PATCH  /v2/apis/{id}/stages/{s}         UpdateStage       200, the stage; deploymentId must be one of the
                                                              API's deployments (else 404) and the stage must
                                                              not auto-deploy (else 400)
    CreateStage, GetStage, GetStages        the stage's deploymentId when it has one
    GET    /v2/apis/{id}/exports/OAS30      ExportApi         200, the file (a blob) of what the stage's
           ?outputType=JSON|YAML                              deployment serves (with stageName), else of
           [&stageName=S&includeExtensions=                   the current routes; see ``v2export.py``
           true|false&exportVersion=1.0]

The deployments live on moto's ``Api`` object (attribute :data:`DEPLOYMENTS_ATTRIBUTE`), so a moto reset
drops them with the API; the stage's deployment on moto's ``Stage`` (:data:`STAGE_ATTRIBUTE`, else the
``deploymentId`` CreateStage was given). Ids are 6 lower-case letters and digits, as AWS's, from moto's
random generator (so ``Sandbox.seed_random`` fixes them). An unknown API answers moto's own 404.

Each deployment records what the API serves when it is made (``v2export.served``: the routes, their
integrations and authorizers), and ExportApi writes that record as AWS's export does. With ``stageName``: the
record of the deployment the stage points at; the current routes for an auto-deploy stage (AWS redeploys it on
every change) or a deployment id the API does not have (CreateStage accepts one unchecked); empty ``paths`` for a
stage without auto-deploy and without a deployment (what it serves: AWS's answer there is not in the reference).
An unknown stage is 404 "Invalid stage identifier specified"; a specification other than ``OAS30``, an
``outputType`` other than ``JSON``/``YAML`` or an ``exportVersion`` other than ``1.0`` is 400 BadRequestException.

Not simulated, because it would be invented: auto-deploy (an auto-deploy stage gets no deployment when the
routes change and no ``lastDeploymentStatusMessage``), and the checks whose AWS answer the reference does not
give (CreateDeployment with no routes, or naming an auto-deploy stage; CreateStage naming an unknown deployment:
all accepted). The exact wording of AWS's v2 error messages is not in the reference: the 404 for a deployment
reuses API Gateway's v1 message, the 400 of a deployment in use the v1 message, the 400 of an auto-deploy stage
paraphrases the model's documentation of ``UpdateStage.DeploymentId``, and ExportApi's 400s paraphrase the
model's documentation of its members.

:func:`patches` lists the class attributes to set; ``apisummary.install`` applies them with its own and
``apisummary.uninstall`` restores them. When moto has v2 deployments of its own, :func:`patches` is empty.
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from . import v2export

if TYPE_CHECKING:
    from moto.apigatewayv2.models import Api, Stage
    from moto.apigatewayv2.responses import ApiGatewayV2Response
    from moto.core.common_types import TYPE_RESPONSE

DEPLOYMENTS_ATTRIBUTE = "apigw_doctor_deployments"
"""The attribute of moto's apigatewayv2 ``Api`` holding its deployments, ``{id: V2Deployment}`` in order made."""
STAGE_ATTRIBUTE = "apigw_doctor_deployment_id"
"""The attribute of moto's apigatewayv2 ``Stage`` holding the id of the deployment it serves."""

ROUTES = (
    "{0}/v2/apis/(?P<api_id>[^/]+)/deployments$",
    "{0}/v2/apis/(?P<api_id>[^/]+)/deployments/(?P<deployment_id>[^/]+)$",
    "{0}/v2/apis/(?P<api_id>[^/]+)/exports/(?P<specification>[^/]+)$",
)
"""The URL patterns moto lacks; the stage URLs are moto's own."""

DEPLOYMENT_NOT_FOUND = "Invalid Deployment identifier specified"  # v1's wording; v2's is not in the reference
DEPLOYMENT_IN_USE = "Active stages pointing to this deployment must be moved or deleted"  # v1's wording too
AUTO_DEPLOY_STAGE = "DeploymentId can't be updated if autoDeploy is enabled"  # the model's doc, not AWS's text
ID_ALPHABET = string.ascii_lowercase + string.digits
ID_LENGTH = 6

STAGE_MEMBERS = (
    ("accessLogSettings", "access_log_settings"),
    ("autoDeploy", "auto_deploy"),
    ("clientCertificateId", "client_certificate_id"),
    ("defaultRouteSettings", "default_route_settings"),
    ("description", "description"),
    ("routeSettings", "route_settings"),
    ("stageVariables", "stage_variables"),
)
"""UpdateStage body member -> moto ``Stage`` attribute. A member given replaces the stored value."""


@dataclass(slots=True)
class V2Deployment:
    """One HTTP API deployment as AWS describes it (manual: never auto-deployed, always ``DEPLOYED``)."""

    id: str
    description: str
    created: datetime
    served: v2export.Served | None = None
    """What the API served when the deployment was made (what ExportApi of a stage pointing at it writes)."""

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "deploymentId": self.id,
            "deploymentStatus": "DEPLOYED",
            "createdDate": self.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "autoDeployed": False,
        }
        if self.description:
            body["description"] = self.description
        return body


def deployments(api: Api) -> dict[str, V2Deployment]:
    """The deployments recorded for moto's ``api``, in the order they were made (created when first asked)."""
    found: dict[str, V2Deployment] = vars(api).setdefault(DEPLOYMENTS_ATTRIBUTE, {})
    return found


def stage_deployment(stage: Stage) -> str | None:
    """The id of the deployment ``stage`` serves: the last one set, else the one CreateStage named."""
    deployment_id = getattr(stage, STAGE_ATTRIBUTE, None) or stage.config.get("deploymentId")
    return str(deployment_id) if deployment_id else None


def patches() -> list[tuple[type, str, object]]:
    """(class, attribute, value) for every patch of the module docstring; none when moto has its own."""
    from moto.apigatewayv2.models import Stage
    from moto.apigatewayv2.responses import ApiGatewayV2Response

    if hasattr(ApiGatewayV2Response, "create_deployment"):
        return []
    exporting: list[tuple[type, str, object]] = []
    if not hasattr(ApiGatewayV2Response, "export_api"):  # a later moto that has its own keeps it
        exporting.append((ApiGatewayV2Response, "export_api", _export_api))
    handlers: list[tuple[type, str, object]] = [
        (ApiGatewayV2Response, "create_deployment", _create_deployment),
        (ApiGatewayV2Response, "get_deployments", _get_deployments),
        (ApiGatewayV2Response, "get_deployment", _get_deployment),
        (ApiGatewayV2Response, "update_deployment", _update_deployment),
        (ApiGatewayV2Response, "delete_deployment", _delete_deployment),
        (ApiGatewayV2Response, "update_stage", _update_stage),  # moto's would not know these deployments
    ]
    return [*handlers, *exporting, (Stage, "to_json", _with_deployment_id(Stage.to_json))]


# -- the handlers --------------------------------------------------------------------------------------------
def _create_deployment(self: ApiGatewayV2Response) -> TYPE_RESPONSE:
    api = self.apigatewayv2_backend.get_api(_parts(self)[3])  # an unknown API: moto's own 404
    params = _params(self)
    stage_name = params.get("stageName")
    stage = api.get_stage(str(stage_name)) if stage_name else None  # 404 "Invalid stage identifier specified"
    found = deployments(api)
    created = datetime.now(UTC)
    record = v2export.served(api, created)
    deployment = V2Deployment(_new_id(found), str(params.get("description") or ""), created, record)
    found[deployment.id] = deployment
    if stage is not None:
        _point(stage, deployment.id)
    return _ok(deployment.to_json(), 201)


def _get_deployments(self: ApiGatewayV2Response) -> TYPE_RESPONSE:
    api = self.apigatewayv2_backend.get_api(_parts(self)[3])
    return _ok({"items": [d.to_json() for d in deployments(api).values()]})


def _get_deployment(self: ApiGatewayV2Response) -> TYPE_RESPONSE:
    parts = _parts(self)
    deployment = deployments(self.apigatewayv2_backend.get_api(parts[3])).get(parts[5])
    if deployment is None:
        return _error(404, "NotFoundException", DEPLOYMENT_NOT_FOUND)
    return _ok(deployment.to_json())


def _update_deployment(self: ApiGatewayV2Response) -> TYPE_RESPONSE:
    parts = _parts(self)
    deployment = deployments(self.apigatewayv2_backend.get_api(parts[3])).get(parts[5])
    if deployment is None:
        return _error(404, "NotFoundException", DEPLOYMENT_NOT_FOUND)
    params = _params(self)
    if "description" in params:
        deployment.description = str(params["description"] or "")
    return _ok(deployment.to_json())


def _delete_deployment(self: ApiGatewayV2Response) -> TYPE_RESPONSE:
    parts = _parts(self)
    api = self.apigatewayv2_backend.get_api(parts[3])
    found = deployments(api)
    if parts[5] not in found:
        return _error(404, "NotFoundException", DEPLOYMENT_NOT_FOUND)
    if any(stage_deployment(stage) == parts[5] for stage in api.stages.values()):
        return _error(400, "BadRequestException", DEPLOYMENT_IN_USE)
    del found[parts[5]]
    return 204, {"status": "204"}, ""


def _update_stage(self: ApiGatewayV2Response) -> TYPE_RESPONSE:
    """``PATCH /v2/apis/{id}/stages/{name}``: the members given replace the stage's; ``deploymentId`` repoints it."""
    parts = _parts(self)
    api = self.apigatewayv2_backend.get_api(parts[3])
    stage = api.get_stage(unquote(parts[5]))  # 404 "Invalid stage identifier specified"
    params = _params(self)
    deployment_id = params.get("deploymentId")
    if deployment_id is not None:
        if params.get("autoDeploy", stage.auto_deploy):
            return _error(400, "BadRequestException", AUTO_DEPLOY_STAGE)
        if deployment_id not in deployments(api):
            return _error(404, "NotFoundException", DEPLOYMENT_NOT_FOUND)
    for member, attribute in STAGE_MEMBERS:
        if member in params:
            setattr(stage, attribute, params[member])
    if deployment_id is not None:
        _point(stage, str(deployment_id))
    stage.updated = datetime.now()  # moto's own stage dates are naive local times
    return _ok(stage.to_json())


def _export_api(self: ApiGatewayV2Response) -> TYPE_RESPONSE:
    """``GET /v2/apis/{id}/exports/{specification}``: the file of what the stage serves, or of the current routes."""
    parts = _parts(self)
    api = self.apigatewayv2_backend.get_api(parts[3])  # an unknown API: moto's own 404
    opts = v2export.Options.parse(unquote(parts[5]), self.querystring)
    if isinstance(opts, str):
        return _error(400, "BadRequestException", opts)
    stage_name = (self.querystring.get("stageName") or [None])[0]
    # an unknown stage: get_stage's 404 "Invalid stage identifier specified"
    record = v2export.served(api) if stage_name is None else _served_on(api, api.get_stage(stage_name))
    body = v2export.render(v2export.document(record, api.api_endpoint, stage_name, opts), opts)
    return 200, {"status": "200", "Content-Type": "application/octet-stream"}, body


def _served_on(api: Api, stage: Stage) -> v2export.Served:
    """What ``stage`` serves: its deployment's record; the current routes when it auto-deploys (or the
    deployment has no record); nothing when it has no deployment and no auto-deploy."""
    if stage.auto_deploy:
        return v2export.served(api)
    deployment_id = stage_deployment(stage)
    if deployment_id is None:
        return replace(v2export.served(api), routes=())
    deployment = deployments(api).get(deployment_id)
    if deployment is None or deployment.served is None:
        return v2export.served(api)
    return deployment.served


# -- helpers ------------------------------------------------------------------------------------------------
StageToJson = Callable[["Stage"], dict[str, Any]]


def _with_deployment_id(original: StageToJson) -> StageToJson:
    def to_json(self: Stage) -> dict[str, Any]:
        body = original(self)
        deployment_id = stage_deployment(self)
        if deployment_id:
            body["deploymentId"] = deployment_id
        return body

    return to_json


def _point(stage: Stage, deployment_id: str) -> None:
    setattr(stage, STAGE_ATTRIBUTE, deployment_id)
    stage.updated = datetime.now()


def _new_id(taken: dict[str, V2Deployment]) -> str:
    from moto.moto_api._internal import mock_random

    while True:
        candidate = "".join(mock_random.choice(ID_ALPHABET) for _ in range(ID_LENGTH))
        if candidate not in taken:
            return candidate


def _parts(self: ApiGatewayV2Response) -> list[str]:
    """``/v2/apis/{id}/{collection}/{item}`` split on ``/``: the API id is [3], the item [5]."""
    return self.path.split("?", 1)[0].split("/")


def _params(self: ApiGatewayV2Response) -> dict[str, Any]:
    body = json.loads(self.body or "{}")
    return body if isinstance(body, dict) else {}


def _ok(body: dict[str, Any], status: int = 200) -> TYPE_RESPONSE:
    return status, {"status": str(status), "Content-Type": "application/json"}, json.dumps(body)


def _error(status: int, error_type: str, message: str) -> TYPE_RESPONSE:
    headers = {"status": str(status), "x-amzn-ErrorType": error_type, "Content-Type": "application/json"}
    return status, headers, json.dumps({"message": message})
