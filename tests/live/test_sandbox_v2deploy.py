"""HTTP API deployments in the sandbox (``sandbox/v2deploy.py``), through boto3 over real HTTP: create, list,
repoint, delete, the AWS errors, the wire casing botocore reads, and what the live source and diagnosis see."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError

from apigw_doctor.diagnosis import diagnose
from apigw_doctor.gateway import Request
from apigw_doctor.model import HttpApi
from apigw_doctor.sandbox import Sandbox, apisummary, v2deploy
from apigw_doctor.sources.live import FakeClock, LiveConfig, LiveSource

REGION = "us-east-1"
MODEL = botocore.session.get_session().get_service_model("apigatewayv2")
DEPLOYMENT_ID = re.compile(r"^[a-z0-9]{6}$")


def _http_api(sandbox: Sandbox, stage: str = "prod") -> tuple[Any, str]:
    """An HTTP API with ``GET /orders`` and a stage without auto-deploy and without a deployment."""
    v2 = sandbox.client("apigatewayv2")
    api_id = v2.create_api(Name="orders", ProtocolType="HTTP")["ApiId"]
    target = v2.create_integration(
        ApiId=api_id,
        IntegrationType="HTTP_PROXY",
        IntegrationMethod="ANY",
        IntegrationUri="https://orders.example.com",
        PayloadFormatVersion="1.0",
    )["IntegrationId"]
    v2.create_route(ApiId=api_id, RouteKey="GET /orders", Target=f"integrations/{target}")
    v2.create_stage(ApiId=api_id, StageName=stage)
    return v2, api_id


def _error(error: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    response = error.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["Error"]["Message"]


def _body(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k != "ResponseMetadata"}


def _live(sandbox: Sandbox) -> LiveSource:
    clock = FakeClock()
    config = LiveConfig(region=REGION, endpoint_url=sandbox.endpoint_url)
    return LiveSource(config, session=sandbox.session(), clock=clock, sleep=clock.sleep)


# -- the control plane ----------------------------------------------------------------------------------------
def test_create_deployment_with_a_stage_name_points_the_stage_at_it(sandbox: Sandbox) -> None:
    v2, api_id = _http_api(sandbox)
    assert "DeploymentId" not in v2.get_stage(ApiId=api_id, StageName="prod")
    assert v2.get_deployments(ApiId=api_id)["Items"] == []

    made = v2.create_deployment(ApiId=api_id, StageName="prod", Description="release 1")
    assert made["ResponseMetadata"]["HTTPStatusCode"] == 201
    deployment = made["DeploymentId"]
    assert DEPLOYMENT_ID.match(deployment)
    assert (made["DeploymentStatus"], made["AutoDeployed"], made["Description"]) == ("DEPLOYED", False, "release 1")
    assert isinstance(made["CreatedDate"], datetime) and made["CreatedDate"].tzinfo is not None

    assert v2.get_stage(ApiId=api_id, StageName="prod")["DeploymentId"] == deployment
    assert [s.get("DeploymentId") for s in v2.get_stages(ApiId=api_id)["Items"]] == [deployment]
    assert v2.get_deployments(ApiId=api_id)["Items"] == [_body(made)]
    assert _body(v2.get_deployment(ApiId=api_id, DeploymentId=deployment)) == _body(made)


def test_a_deployment_without_a_stage_name_moves_no_stage(sandbox: Sandbox) -> None:
    v2, api_id = _http_api(sandbox)
    first = v2.create_deployment(ApiId=api_id, StageName="prod")["DeploymentId"]
    loose = v2.create_deployment(ApiId=api_id)
    assert "Description" not in loose  # AWS leaves unset members out
    assert v2.get_stage(ApiId=api_id, StageName="prod")["DeploymentId"] == first
    listed = [d["DeploymentId"] for d in v2.get_deployments(ApiId=api_id)["Items"]]
    assert listed == [first, loose["DeploymentId"]] and first != loose["DeploymentId"]


def test_update_stage_repoints_the_stage_to_an_older_deployment(sandbox: Sandbox) -> None:
    v2, api_id = _http_api(sandbox)
    old = v2.create_deployment(ApiId=api_id, StageName="prod")["DeploymentId"]
    new = v2.create_deployment(ApiId=api_id, StageName="prod")["DeploymentId"]
    before = v2.get_stage(ApiId=api_id, StageName="prod")
    assert before["DeploymentId"] == new

    answer = v2.update_stage(ApiId=api_id, StageName="prod", DeploymentId=old, Description="rolled back")
    assert (answer["DeploymentId"], answer["Description"], answer["StageName"]) == (old, "rolled back", "prod")
    after = v2.get_stage(ApiId=api_id, StageName="prod")
    assert after["DeploymentId"] == old and after["LastUpdatedDate"] >= before["LastUpdatedDate"]
    assert after["CreatedDate"] == before["CreatedDate"]


def test_update_stage_refuses_a_deployment_the_api_does_not_have(sandbox: Sandbox) -> None:
    v2, api_id = _http_api(sandbox)
    deployment = v2.create_deployment(ApiId=api_id, StageName="prod")["DeploymentId"]
    _, other_api = _http_api(sandbox, stage="beta")
    foreign = v2.create_deployment(ApiId=other_api)["DeploymentId"]
    for unknown in ("nosuch", foreign):
        with pytest.raises(v2.exceptions.NotFoundException) as error:
            v2.update_stage(ApiId=api_id, StageName="prod", DeploymentId=unknown, Description="not applied")
        assert _error(error) == (404, "NotFoundException", v2deploy.DEPLOYMENT_NOT_FOUND)
    stage = v2.get_stage(ApiId=api_id, StageName="prod")
    assert stage["DeploymentId"] == deployment and "Description" not in stage  # nothing applied
    with pytest.raises(v2.exceptions.NotFoundException) as error:
        v2.update_stage(ApiId=api_id, StageName="nostage", DeploymentId=deployment)
    assert _error(error) == (404, "NotFoundException", "Invalid stage identifier specified")


def test_an_auto_deploy_stage_cannot_be_pointed_at_a_deployment(sandbox: Sandbox) -> None:
    v2, api_id = _http_api(sandbox)
    v2.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    deployment = v2.create_deployment(ApiId=api_id)["DeploymentId"]
    with pytest.raises(v2.exceptions.BadRequestException) as error:
        v2.update_stage(ApiId=api_id, StageName="$default", DeploymentId=deployment)
    assert _error(error)[:2] == (400, "BadRequestException")
    answer = v2.update_stage(ApiId=api_id, StageName="$default", AutoDeploy=False, DeploymentId=deployment)
    assert (answer["AutoDeploy"], answer["DeploymentId"]) == (False, deployment)


def test_a_deployment_a_stage_points_at_cannot_be_deleted(sandbox: Sandbox) -> None:
    v2, api_id = _http_api(sandbox)
    old = v2.create_deployment(ApiId=api_id, StageName="prod")["DeploymentId"]
    new = v2.create_deployment(ApiId=api_id, StageName="prod")["DeploymentId"]
    with pytest.raises(v2.exceptions.BadRequestException) as error:
        v2.delete_deployment(ApiId=api_id, DeploymentId=new)
    assert _error(error) == (400, "BadRequestException", v2deploy.DEPLOYMENT_IN_USE)

    assert v2.delete_deployment(ApiId=api_id, DeploymentId=old)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert [d["DeploymentId"] for d in v2.get_deployments(ApiId=api_id)["Items"]] == [new]
    with pytest.raises(v2.exceptions.NotFoundException):
        v2.get_deployment(ApiId=api_id, DeploymentId=old)
    with pytest.raises(v2.exceptions.NotFoundException):
        v2.delete_deployment(ApiId=api_id, DeploymentId=old)
    v2.delete_stage(ApiId=api_id, StageName="prod")
    v2.delete_deployment(ApiId=api_id, DeploymentId=new)  # no stage uses it any more
    assert v2.get_deployments(ApiId=api_id)["Items"] == []


def test_unknown_apis_stages_and_deployments_are_not_found(sandbox: Sandbox) -> None:
    v2, api_id = _http_api(sandbox)
    with pytest.raises(v2.exceptions.NotFoundException) as error:
        v2.create_deployment(ApiId=api_id, StageName="nostage")
    assert _error(error) == (404, "NotFoundException", "Invalid stage identifier specified")
    assert v2.get_deployments(ApiId=api_id)["Items"] == []  # nothing recorded
    with pytest.raises(v2.exceptions.NotFoundException) as error:
        v2.get_deployment(ApiId=api_id, DeploymentId="nosuch")
    assert _error(error) == (404, "NotFoundException", v2deploy.DEPLOYMENT_NOT_FOUND)
    assert error.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == "NotFoundException"
    calls = (
        lambda: v2.create_deployment(ApiId="nosuchapi"),
        lambda: v2.get_deployments(ApiId="nosuchapi"),
        lambda: v2.get_deployment(ApiId="nosuchapi", DeploymentId="nosuch"),
        lambda: v2.delete_deployment(ApiId="nosuchapi", DeploymentId="nosuch"),
        lambda: v2.update_stage(ApiId="nosuchapi", StageName="prod", DeploymentId="nosuch"),
    )
    for call in calls:
        with pytest.raises(v2.exceptions.NotFoundException) as error:
            call()
        assert _error(error)[:2] == (404, "NotFoundException")
        assert "Invalid API identifier specified" in _error(error)[2]


def test_update_deployment_changes_the_description(sandbox: Sandbox) -> None:
    v2, api_id = _http_api(sandbox)
    deployment = v2.create_deployment(ApiId=api_id, Description="first")["DeploymentId"]
    assert v2.update_deployment(ApiId=api_id, DeploymentId=deployment, Description="second")["Description"] == "second"
    assert v2.get_deployment(ApiId=api_id, DeploymentId=deployment)["Description"] == "second"


def test_a_seeded_sandbox_gives_the_same_deployment_ids(sandbox: Sandbox) -> None:
    ids = []
    for _ in range(2):
        sandbox.reset()
        sandbox.seed_random(7)
        v2, api_id = _http_api(sandbox)
        ids.append((api_id, v2.create_deployment(ApiId=api_id)["DeploymentId"]))
    assert ids[0] == ids[1]


def test_the_wire_uses_the_member_names_of_botocores_model(sandbox: Sandbox) -> None:
    v2, api_id = _http_api(sandbox)
    raw: dict[str, Any] = {}

    def keep(http_response: Any, model: Any, **_: Any) -> None:
        raw[model.name] = (json.loads(http_response.content), http_response.headers)

    v2.meta.events.register("after-call.apigatewayv2.*", keep)
    deployment = v2.create_deployment(ApiId=api_id, StageName="prod", Description="d")["DeploymentId"]
    v2.get_deployments(ApiId=api_id)
    v2.get_stage(ApiId=api_id, StageName="prod")
    v2.update_stage(ApiId=api_id, StageName="prod", DeploymentId=deployment)

    def names(operation: str) -> set[str]:
        members = MODEL.operation_model(operation).output_shape.members.values()
        return {m.serialization.get("name", m.name) for m in members}

    wanted = {"deploymentId", "deploymentStatus", "description", "createdDate", "autoDeployed"}
    created, headers = raw["CreateDeployment"]
    assert set(created) == wanted and wanted <= names("CreateDeployment")
    assert headers["content-type"] == "application/json"
    listed = raw["GetDeployments"][0]
    assert set(listed) == {"items"} <= names("GetDeployments") and listed["items"] == [created]
    for operation in ("GetStage", "UpdateStage"):
        stage = raw[operation][0]
        assert stage["deploymentId"] == deployment and set(stage) <= names(operation), operation


# -- what the live source and the diagnosis see ------------------------------------------------------------------
def test_the_live_source_reads_the_stage_deployment(sandbox: Sandbox) -> None:
    v2, api_id = _http_api(sandbox)
    old = v2.create_deployment(ApiId=api_id, Description="old")["DeploymentId"]
    current = v2.create_deployment(ApiId=api_id, StageName="prod", Description="current")["DeploymentId"]
    world = _live(sandbox).world_for_apis(api_ids=(api_id,))
    (api,) = world.apis
    assert isinstance(api, HttpApi)
    (stage,) = api.stages
    assert (stage.name, stage.deployment_id, stage.auto_deploy) == ("prod", current, False)
    found = {d.id: d for d in api.deployments}
    assert set(found) == {old, current}
    assert (found[current].description, found[current].auto_deployed) == ("current", False)
    assert found[current].created is not None and found[old].description == "old"
    assert not any("has no deployment" in note for note in api.notes)


def test_an_undeployed_stage_is_not_deployed_until_a_deployment_is_made(sandbox: Sandbox) -> None:
    v2, api_id = _http_api(sandbox)
    request = Request.from_url("GET", f"https://{api_id}.execute-api.{REGION}.amazonaws.com/prod/orders")
    before = diagnose(request, _live(sandbox).world_for_request(request))
    assert before.verdict == "NOT_DEPLOYED" and before.fails

    v2.create_deployment(ApiId=api_id, StageName="prod")
    after = diagnose(request, _live(sandbox).world_for_request(request))
    assert after.verdict == "MATCHED" and not after.fails


# -- install / uninstall --------------------------------------------------------------------------------------
def test_uninstall_removes_every_v2_deployment_patch(sandbox: Sandbox) -> None:
    from moto.apigatewayv2 import urls
    from moto.apigatewayv2.models import Stage
    from moto.apigatewayv2.responses import ApiGatewayV2Response

    names = ("create_deployment", "get_deployments", "get_deployment", "update_deployment", "delete_deployment")
    assert all(getattr(ApiGatewayV2Response, n).__module__ == v2deploy.__name__ for n in (*names, "update_stage"))
    patched = Stage.to_json
    apisummary.install()
    assert Stage.to_json is patched
    try:
        apisummary.uninstall()
        assert not any(n in vars(ApiGatewayV2Response) for n in (*names, "update_stage"))
        assert Stage.to_json.__module__ == "moto.apigatewayv2.models"
        assert not any(route in urls.url_paths for route in v2deploy.ROUTES)
    finally:
        apisummary.install()
    assert Stage.to_json.__module__ == v2deploy.__name__
