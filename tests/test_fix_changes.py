"""The change a fix makes, as data (pure): which causes become which calls, which are refused, and why."""

from __future__ import annotations

import dataclasses
import shlex

import pytest

from apigw_doctor.diagnosis import diagnose
from apigw_doctor.fix import build_plan
from apigw_doctor.fix.changes import ChangeSet, Refusal, Step, change_set, describe, reusable_deployment
from apigw_doctor.gateway import Request
from apigw_doctor.model import RestDeployment, World
from builders import domain, http_api, rest_api, world

HOST = "https://abc123.execute-api.us-east-1.amazonaws.com"


def _changes(w: World, url: str, method: str = "GET", want: str = "auto", **options: object) -> ChangeSet | Refusal:
    d = diagnose(Request.from_url(method, url), w)
    return change_set(build_plan(d, w, None, want), d, w, **options)  # type: ignore[arg-type]


@pytest.fixture
def shop() -> World:
    return world(
        rest_api(stages={"prod": ["GET /pets"], "dev": ["GET /pets", "GET /pets/{id}"]}),
        domain("api.example.com", ("v1", "abc123", "prod")),
    )


def test_not_deployed_is_a_deployment_then_the_stage_pointed_at_it(shop: World) -> None:
    c = _changes(shop, f"{HOST}/prod/pets/7")
    assert isinstance(c, ChangeSet) and c.kind == "redeploy" and c.cause == "NOT_DEPLOYED"
    assert [s.operation for s in c.steps] == ["CreateDeployment", "UpdateStage"]
    assert c.deployment_before == "d-prod" and not c.changes_api_resources
    assert c.description == describe("NOT_DEPLOYED", "GET /pets/{id}", "prod", "d-prod")
    create, point = c.steps
    assert create.kwargs({}) == {"restApiId": "abc123", "description": c.description}  # no stageName: see module
    assert point.kwargs({"deployment_id": "new1"})["patchOperations"] == [
        {"op": "replace", "path": "/deploymentId", "value": "new1"}
    ]


def test_cli_lines_are_the_same_calls(shop: World) -> None:
    c = _changes(shop, f"{HOST}/prod/pets/7")
    assert isinstance(c, ChangeSet)
    create, point = (s.cli("us-east-1") for s in c.steps)
    assert create.startswith("DEPLOYMENT_ID=$(aws apigateway create-deployment --rest-api-id abc123 --description ")
    assert create.endswith("--region us-east-1 --query id --output text)")
    assert point.endswith('"op=replace,path=/deploymentId,value=${DEPLOYMENT_ID}" --region us-east-1')
    words = shlex.split(point)
    assert words[:3] == ["aws", "apigateway", "update-stage"] and "--stage-name" in words


def test_repoint_to_a_named_deployment(shop: World) -> None:
    c = _changes(shop, f"{HOST}/prod/pets/7", deployment="d-dev")
    assert isinstance(c, ChangeSet) and c.kind == "repoint" and c.target_deployment == "d-dev"
    assert [s.operation for s in c.steps] == ["UpdateStage"]
    refused = _changes(shop, f"{HOST}/prod/pets/7", deployment="zzz")
    assert isinstance(refused, Refusal) and "d-dev" in refused.hint and "d-prod" in refused.hint
    same = _changes(shop, f"{HOST}/prod/pets/7", deployment="d-prod")
    assert isinstance(same, Refusal) and "already serves" in same.reason


def test_client_side_and_working_requests_are_refused(shop: World) -> None:
    assert isinstance(r := _changes(shop, f"{HOST}/prod/pest"), Refusal) and "client's side" in r.reason
    assert isinstance(r := _changes(shop, f"{HOST}/prod/pets"), Refusal) and "already works" in r.reason


def test_a_new_stage_only_when_asked(shop: World) -> None:
    c = _changes(shop, f"{HOST}/staging/pets", want="api")
    assert isinstance(c, ChangeSet) and c.kind == "create-stage" and c.stage == "staging" and c.stage_created
    assert c.steps[0].kwargs({})["stageName"] == "staging"


def test_mapping_needs_its_target(shop: World) -> None:
    url = "https://api.example.com/v2/pets"
    r = _changes(shop, url)
    assert isinstance(r, Refusal) and "--map-to" in r.hint
    c = _changes(shop, url, want="api", map_to=("abc123", "prod"))  # the CLI: --map-to implies --side api
    assert isinstance(c, ChangeSet) and c.kind == "map" and (c.domain, c.base_path) == ("api.example.com", "v2")
    assert c.steps[0].operation == "CreateBasePathMapping"
    assert c.steps[0].kwargs({}) == {
        "domainName": "api.example.com",
        "basePath": "v2",
        "restApiId": "abc123",
        "stage": "prod",
    }


def test_mapping_to_an_http_api_is_an_api_mapping() -> None:
    w = world(http_api("h1"), domain("api.example.com", ("v1", "h1", "$default")))
    c = _changes(w, "https://api.example.com/orders/v2/x", want="api", map_to=("h1", "$default"))
    assert isinstance(c, ChangeSet) and c.steps[0].service == "apigatewayv2"
    assert c.steps[0].operation == "CreateApiMapping" and c.steps[0].capture == ("api_mapping_id", "ApiMappingId")


def test_method_changes_need_allow_api_changes() -> None:
    w = world(rest_api(stages={"prod": ["GET /pets"]}))
    r = _changes(w, f"{HOST}/prod/", want="api")
    assert isinstance(r, Refusal) and "--allow-api-changes" in r.hint
    c = _changes(w, f"{HOST}/prod/", want="api", allow_api_changes=True)
    assert isinstance(c, ChangeSet) and c.kind == "method" and c.changes_api_resources
    assert c.method_added is not None and c.method_added[1:] == ("/", "GET")
    assert [s.operation for s in c.steps] == [
        "PutMethod",
        "PutIntegration",
        "PutMethodResponse",
        "PutIntegrationResponse",
        "CreateDeployment",
        "UpdateStage",
    ]
    assert c.steps[1].kwargs({})["type"] == "MOCK"


def test_http_api_redeploy_is_one_call() -> None:
    api = http_api("h1", stages={"prod": ["GET /pets"]}, working=["GET /pets", "GET /orders"])
    c = _changes(world(api), "https://h1.execute-api.us-east-1.amazonaws.com/prod/orders")
    assert isinstance(c, ChangeSet) and c.api_kind == "HTTP" and c.kind == "redeploy"
    assert [(s.service, s.operation) for s in c.steps] == [("apigatewayv2", "CreateDeployment")]
    assert c.steps[0].kwargs({})["StageName"] == "prod"


def test_other_causes_are_not_applied_automatically() -> None:
    api = rest_api(stages={"prod": ["GET /pets"]}, canary={"prod": (10.0, ["GET /pets", "GET /cats"])})
    w = world(dataclasses.replace(api, resources=api.resources))
    r = _changes(w, f"{HOST}/prod/cats")
    assert isinstance(r, Refusal) and "not applied automatically" in r.reason and "--script" in r.hint


def test_an_unused_deployment_of_an_interrupted_fix_is_reused() -> None:
    from builders import resources

    api = rest_api(stages={"prod": ["GET /pets"]}, working=["GET /pets", "GET /toys"])
    key = describe("NOT_DEPLOYED", "GET /toys", "prod", "d-prod")
    mine = RestDeployment(id="x1", description=key, created="2", resources=resources(["GET /pets", "GET /toys"]))
    stale = RestDeployment(id="x0", description=key, created="3", resources=resources(["GET /pets"]))
    unknown = RestDeployment(id="x3", description=key, created="4")
    other = RestDeployment(id="x2", description="apigw-doctor: fix NOT_DEPLOYED for GET /a on stage dev (was d-dev)")
    api = dataclasses.replace(api, deployments=(*api.deployments, mine, stale, unknown, other))
    outcome = diagnose(Request.from_url("GET", f"{HOST}/prod/toys"), world(api)).outcome
    assert reusable_deployment(api, "prod", "d-prod", outcome) == "x1"  # x0 lacks the route, x3 is not known
    assert reusable_deployment(api, "prod", "other", outcome) is None  # the stage moved on since


def test_step_cli_renders_flags_and_objects() -> None:
    step = Step(
        service="apigateway",
        operation="PutIntegration",
        params=(("restApiId", "a"), ("type", "MOCK"), ("requestTemplates", (("application/json", '{"x": 1}'),))),
        purpose="p",
    )
    assert shlex.split(step.cli("eu-west-1"))[-4:] == [
        "--request-templates",
        '{"application/json":"{\\"x\\": 1}"}',
        "--region",
        "eu-west-1",
    ]
    flag = Step(service="apigatewayv2", operation="CreateStage", params=(("AutoDeploy", True),), purpose="p")
    assert "--auto-deploy" in flag.cli("us-east-1")


def test_an_api_managed_by_infrastructure_code_is_warned_about() -> None:
    api = rest_api(
        stages={"prod": ["GET /pets"]},
        working=["GET /pets", "GET /toys"],
        tags=(("aws:cloudformation:stack-name", "shop"), ("aws:cloudformation:logical-id", "Api")),
    )
    c = _changes(world(api), f"{HOST}/prod/toys")
    assert isinstance(c, ChangeSet)
    assert any("managed by cloudformation" in n and "--iac" in n for n in c.notes)
