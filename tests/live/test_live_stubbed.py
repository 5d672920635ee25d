"""The live source on answers moto cannot give, from botocore's Stubber: throttling, AccessDenied, AWS's
apiSummary shapes, a multi-level v2 API mapping to a REST API. Calls run one at a time (``workers=1``) so the
stubs are consumed in a fixed order; the clock is fake, so nothing sleeps."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from apigw_doctor.diagnosis import diagnose
from apigw_doctor.gateway import Request
from apigw_doctor.model import RestApi
from apigw_doctor.sources.live import FakeClock, LiveConfig, LiveSource

REGION = "us-east-1"
API = "restapi123"
HOST = f"https://{API}.execute-api.{REGION}.amazonaws.com"
CREATED = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


class Stubbed:
    """A LiveSource whose apigateway and apigatewayv2 clients answer from stubs."""

    def __init__(self) -> None:
        self.clock = FakeClock()
        session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
        config = LiveConfig(region=REGION, workers=1, max_attempts=1)
        self.source = LiveSource(config, session=session, clock=self.clock, sleep=self.clock.sleep)
        self.v1 = Stubber(self.source.client("apigateway", REGION))
        self.v2 = Stubber(self.source.client("apigatewayv2", REGION))

    def __enter__(self) -> Stubbed:
        self.v1.activate()
        self.v2.activate()
        return self

    def __exit__(self, *exc: object) -> None:
        self.v1.deactivate()
        self.v2.deactivate()

    def done(self) -> None:
        self.v1.assert_no_pending_responses()
        self.v2.assert_no_pending_responses()


@pytest.fixture
def stubbed() -> Iterator[Stubbed]:
    with Stubbed() as s:
        yield s
    s.done()


def rest_answers(
    s: Stubbed,
    *,
    responses: dict[str, Any] | None = None,
    summary: dict[str, Any] | None = None,
    resources: list[dict[str, Any]] | None = None,
) -> None:
    """The calls of a REST diagnosis after get-rest-api: four listings, then the one deployment."""
    s.v1.add_response(
        "get_resources",
        {
            "items": resources
            or [
                {"id": "root", "path": "/"},
                {"id": "pets", "parentId": "root", "pathPart": "pets", "path": "/pets"},
            ]
        },
        {"restApiId": API, "embed": ["methods"], "limit": 500},
    )
    s.v1.add_response("get_stages", {"item": [{"stageName": "prod", "deploymentId": "dep1"}]}, {"restApiId": API})
    s.v1.add_response(
        "get_deployments", {"items": [{"id": "dep1", "createdDate": CREATED}]}, {"restApiId": API, "limit": 500}
    )
    if responses is None:
        s.v1.add_response("get_gateway_responses", {"items": []}, {"restApiId": API, "limit": 500})
    else:
        s.v1.add_client_error("get_gateway_responses", **responses)
    deployment: dict[str, Any] = {"id": "dep1", "createdDate": CREATED}
    if summary is not None:
        deployment["apiSummary"] = summary
    s.v1.add_response("get_deployment", deployment, {"restApiId": API, "deploymentId": "dep1", "embed": ["apisummary"]})


def test_a_throttled_call_is_retried_after_retry_after_seconds_and_recorded(stubbed: Stubbed) -> None:
    stubbed.v1.add_client_error(
        "get_rest_api",
        service_error_code="TooManyRequestsException",
        service_message="Too Many Requests",
        http_status_code=429,
        modeled_fields={"retryAfterSeconds": "3"},
    )
    stubbed.v1.add_response("get_rest_api", {"id": API, "name": "pets"}, {"restApiId": API})
    rest_answers(stubbed, summary={"/pets": {"GET": {"authorizationType": "NONE", "apiKeyRequired": False}}})
    world = stubbed.source.world_for_request(Request.from_url("GET", f"{HOST}/prod/pets"))
    assert world.apis[0].id == API
    first, second = stubbed.source.calls.calls[:2]
    assert (first.operation, first.status, first.error, first.throttles, first.retry_after, first.retry) == (
        "GetRestApi",
        429,
        "TooManyRequestsException",
        1,
        3.0,
        False,
    )
    assert (second.operation, second.status, second.retry) == ("GetRestApi", 200, True)
    assert (stubbed.source.calls.throttles, stubbed.source.calls.retries) == (1, 1)
    assert stubbed.clock.slept == [3.0]
    assert "1 throttled, 1 retried" in stubbed.source.calls.summary()


def test_a_call_still_throttled_after_the_retries_becomes_a_note(stubbed: Stubbed) -> None:
    stubbed.v1.add_response("get_rest_api", {"id": API, "name": "pets"}, {"restApiId": API})
    stubbed.v1.add_response("get_resources", {"items": [{"id": "root", "path": "/"}]})
    stubbed.v1.add_response("get_stages", {"item": []})
    stubbed.v1.add_response("get_deployments", {"items": []})
    for _ in range(3):
        stubbed.v1.add_client_error("get_gateway_responses", "LimitExceededException", "slow down", 429)
    api = stubbed.source.world_for_request(Request.from_url("GET", f"{HOST}/prod/")).apis[0]
    assert stubbed.clock.slept == [1.0, 2.0]  # no retryAfterSeconds: 1 s, then 2 s
    (note,) = api.notes
    assert "gateway responses" in note and "LimitExceededException" in note
    assert stubbed.source.calls.count("GetGatewayResponses") == 3


def test_access_denied_on_gateway_responses_is_a_note_and_the_rest_is_read(stubbed: Stubbed) -> None:
    stubbed.v1.add_response("get_rest_api", {"id": API, "name": "pets"}, {"restApiId": API})
    rest_answers(
        stubbed,
        responses={
            "service_error_code": "AccessDeniedException",
            "service_message": "User: arn:aws:iam::123456789012:user/ro is not authorized to perform: apigateway:GET",
            "http_status_code": 403,
        },
        summary={"/pets": {"GET": {"authorizationType": "NONE", "apiKeyRequired": False}}},
    )
    request = Request.from_url("GET", f"{HOST}/prod/pets")
    world = stubbed.source.world_for_request(request)
    api = world.apis[0]
    assert isinstance(api, RestApi)
    assert api.gateway_responses == () and [r.path for r in api.resources] == ["/", "/pets"]
    (note,) = api.notes
    assert note.startswith("Could not read the gateway responses of REST API restapi123 (GetGatewayResponses")
    assert "AccessDeniedException" in note and "built-in defaults are assumed" in note
    assert diagnose(request, world).findings[0].code == "MATCHED"


def test_an_api_summary_with_iam_and_api_keys_is_the_deployed_tree(stubbed: Stubbed) -> None:
    stubbed.v1.add_response("get_rest_api", {"id": API, "name": "pets"}, {"restApiId": API})
    summary = {
        "/pets": {
            "GET": {"authorizationType": "NONE", "apiKeyRequired": True},
            "POST": {"authorizationType": "AWS_IAM", "apiKeyRequired": False},
        },
        "/pets/{petId}/photos": {"DELETE": {"authorizationType": "AWS_IAM", "apiKeyRequired": True}},
    }
    rest_answers(stubbed, summary=summary)
    request = Request.from_url("DELETE", f"{HOST}/prod/pets/7/photos")
    world = stubbed.source.world_for_request(request)
    api = world.apis[0]
    assert isinstance(api, RestApi)
    deployment = api.deployment("dep1")
    assert deployment is not None and deployment.resources is not None
    tree = {
        r.path: {m.http_method: (m.authorization_type, m.api_key_required) for m in r.methods}
        for r in deployment.resources
    }
    assert tree == {
        "/": {},
        "/pets": {"GET": ("NONE", True), "POST": ("AWS_IAM", False)},
        "/pets/{petId}": {},
        "/pets/{petId}/photos": {"DELETE": ("AWS_IAM", True)},
    }
    method = deployment.resources[-1].methods[0]
    assert method.integration_type is None  # the summary does not say
    assert str(method.origin) == (
        "arn:aws:apigateway:us-east-1::/restapis/restapi123/deployments/dep1#/apiSummary/~1pets~1{petId}~1photos/DELETE"
    )
    assert api.resource("/pets/{petId}/photos") is None  # the working copy no longer has it
    assert diagnose(request, world).findings[0].code == "IAM_UNSIGNED"


def test_a_multi_level_v2_mapping_selects_a_rest_api(stubbed: Stubbed) -> None:
    domain = "api.example.com"
    stubbed.v1.add_response(
        "get_domain_name",
        {"domainName": domain, "endpointConfiguration": {"types": ["REGIONAL"]}},
        {"domainName": domain},
    )
    stubbed.v2.add_response(
        "get_domain_name",
        {"DomainName": domain, "DomainNameConfigurations": [{"EndpointType": "REGIONAL"}]},
        {"DomainName": domain},
    )
    stubbed.v1.add_response(
        "get_base_path_mappings",
        {"items": [{"basePath": "(none)", "restApiId": "otherapi01", "stage": "prod"}]},
        {"domainName": domain, "limit": 500},
    )
    stubbed.v2.add_response(
        "get_api_mappings",
        {
            "Items": [
                {"ApiId": "otherapi01", "ApiMappingId": "m0", "ApiMappingKey": "", "Stage": "prod"},
                {"ApiId": API, "ApiMappingId": "m1", "ApiMappingKey": "orders/v2", "Stage": "prod"},
            ]
        },
        {"DomainName": domain},
    )
    stubbed.v1.add_response("get_rest_api", {"id": API, "name": "orders"}, {"restApiId": API})
    rest_answers(
        stubbed,
        resources=[
            {"id": "root", "path": "/"},
            {
                "id": "items",
                "parentId": "root",
                "pathPart": "items",
                "path": "/items",
                "resourceMethods": {"GET": {"httpMethod": "GET", "authorizationType": "NONE", "apiKeyRequired": False}},
            },
        ],
        summary={"/items": {"GET": {"authorizationType": "NONE", "apiKeyRequired": False}}},
    )
    request = Request.from_url("GET", f"https://{domain}/orders/v2/items")
    world = stubbed.source.world_for_request(request)
    (found,) = world.domains
    assert [(m.base_path, m.api_id, m.stage, m.source) for m in found.mappings] == [
        ("", "otherapi01", "prod", "v1"),  # seen by both APIs: the v1 mapping is kept
        ("orders/v2", API, "prod", "v2"),
    ]
    assert str(found.mappings[1].origin) == "arn:aws:apigateway:us-east-1::/domainnames/api.example.com/apimappings/m1"
    assert [a.id for a in world.apis] == [API]  # only the API the path selects
    result = diagnose(request, world)
    assert result.findings[0].code == "MATCHED"


def test_the_http_authorizers_denied_leave_the_routes_without_an_authorizer_and_a_note(stubbed: Stubbed) -> None:
    stubbed.v1.add_client_error("get_rest_api", "NotFoundException", "Invalid API identifier specified", 404)
    stubbed.v2.add_response("get_api", {"ApiId": API, "Name": "h", "ProtocolType": "HTTP"}, {"ApiId": API})
    stubbed.v2.add_response(
        "get_routes",
        {"Items": [{"RouteId": "r1", "RouteKey": "GET /me", "AuthorizationType": "JWT", "AuthorizerId": "a1"}]},
    )
    stubbed.v2.add_response("get_stages", {"Items": [{"StageName": "$default", "AutoDeploy": True}]})
    stubbed.v2.add_response("get_deployments", {"Items": []})
    stubbed.v2.add_client_error("get_authorizers", "AccessDeniedException", "not authorized", 403)
    api = stubbed.source.world_for_request(Request.from_url("GET", f"{HOST}/me")).apis[0]
    assert api.kind == "HTTP" and api.routes[0].authorizer_id is None
    (note,) = api.notes
    assert "Could not read the authorizers of HTTP API" in note and "Authorization header is assumed" in note


def test_a_stage_export_gives_what_a_manual_stage_serves(stubbed: Stubbed) -> None:
    import json

    export = {
        "openapi": "3.0.1",
        "info": {"title": "h", "version": "1"},
        "servers": [{"url": f"{HOST}/{{basePath}}", "variables": {"basePath": {"default": "beta"}}}],
        "paths": {"/old": {"get": {"responses": {"default": {"description": "ok"}}}}},
        "x-amazon-apigateway-importexport-version": "1.0",
    }
    stubbed.v1.add_client_error("get_rest_api", "NotFoundException", "Invalid API identifier specified", 404)
    stubbed.v2.add_response("get_api", {"ApiId": API, "Name": "h", "ProtocolType": "HTTP"}, {"ApiId": API})
    stubbed.v2.add_response("get_routes", {"Items": [{"RouteId": "r1", "RouteKey": "GET /new"}]})
    stubbed.v2.add_response("get_stages", {"Items": [{"StageName": "beta", "DeploymentId": "d1"}]})
    stubbed.v2.add_response(
        "get_deployments", {"Items": [{"DeploymentId": "d1", "DeploymentStatus": "DEPLOYED", "CreatedDate": CREATED}]}
    )
    stubbed.v2.add_response(
        "export_api",
        {"body": _Body(json.dumps(export).encode())},
        {"ApiId": API, "Specification": "OAS30", "OutputType": "JSON", "StageName": "beta"},
    )
    request = Request.from_url("GET", f"{HOST}/beta/new")
    world = stubbed.source.world_for_request(request)
    api = world.apis[0]
    (deployment,) = api.deployments
    assert [r.key for r in deployment.routes or ()] == ["GET /old"]
    assert [r.key for r in api.routes] == ["GET /new"]
    assert diagnose(request, world).findings[0].code == "NOT_DEPLOYED"


class _Body:
    """What botocore gives for a blob body: something with ``read()``."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def read(self) -> bytes:
        return self._data


def test_botocores_own_retries_of_a_throttled_answer_are_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not the Stubber (it bypasses botocore's retry loop): a fake transport answers 429 once, then 200."""
    import itertools
    import json
    import types

    import botocore.endpoint
    import botocore.retries.bucket
    from botocore.awsrequest import AWSResponse

    class Raw:
        def __init__(self, data: bytes) -> None:
            self.data = data

        def stream(self, **_: Any) -> Iterator[bytes]:
            yield self.data

    answers = [
        (429, {"x-amzn-errortype": "TooManyRequestsException", "retry-after": "2"}, b'{"message":"Too Many"}'),
        (200, {}, json.dumps({"id": API, "name": "pets"}).encode()),
    ]

    def send(request: Any, **_: Any) -> AWSResponse:
        status, headers, body = answers.pop(0)
        return AWSResponse(request.url, status, {"content-type": "application/json", **headers}, Raw(body))

    backoffs: list[float] = []
    monkeypatch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=backoffs.append))
    ticks = itertools.count(0.0, 100.0)  # the adaptive rate limiter's clock: time flies, nothing waits
    monkeypatch.setattr(botocore.retries.bucket.Clock, "current_time", lambda self: next(ticks))
    clock = FakeClock()
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    source = LiveSource(LiveConfig(region=REGION, max_attempts=3), session=session, clock=clock, sleep=clock.sleep)
    client = source.client("apigateway", REGION)
    client.meta.events.register("before-send", send)
    assert client.get_rest_api(restApiId=API)["id"] == API
    (call,) = source.calls
    assert (call.status, call.throttles, call.retry_after, call.retries, call.retry) == (200, 1, 2.0, 1, False)
    assert len(backoffs) == 1 and answers == []


def test_a_canary_is_read_and_both_deployments_are_summarised(stubbed: Stubbed) -> None:
    """moto drops canarySettings; AWS returns them with the stage."""
    stubbed.v1.add_response("get_rest_api", {"id": API, "name": "pets"}, {"restApiId": API})
    stubbed.v1.add_response("get_resources", {"items": [{"id": "root", "path": "/"}]})
    stubbed.v1.add_response(
        "get_stages",
        {
            "item": [
                {
                    "stageName": "prod",
                    "deploymentId": "dep1",
                    "variables": {"alias": "live"},
                    "canarySettings": {
                        "percentTraffic": 10.0,
                        "deploymentId": "dep2",
                        "stageVariableOverrides": {"alias": "canary"},
                    },
                }
            ]
        },
    )
    stubbed.v1.add_response(
        "get_deployments",
        {"items": [{"id": "dep1", "createdDate": CREATED}, {"id": "dep2", "createdDate": datetime.now(UTC)}]},
    )
    stubbed.v1.add_response("get_gateway_responses", {"items": []})
    for deployment_id, paths in (("dep1", ["/pets"]), ("dep2", ["/pets", "/pets/new"])):
        summary = {p: {"GET": {"authorizationType": "NONE", "apiKeyRequired": False}} for p in paths}
        stubbed.v1.add_response(
            "get_deployment",
            {"id": deployment_id, "apiSummary": summary},
            {"restApiId": API, "deploymentId": deployment_id, "embed": ["apisummary"]},
        )
    request = Request.from_url("GET", f"{HOST}/prod/pets/new")
    world = stubbed.source.world_for_request(request)
    api = world.apis[0]
    (stage,) = api.stages
    assert stage.canary is not None
    assert (stage.canary.percent, stage.canary.deployment_id, stage.canary.stage_variable_overrides) == (
        10.0,
        "dep2",
        (("alias", "canary"),),
    )
    assert [d.id for d in api.deployments] == ["dep1", "dep2"]
    assert stubbed.source.calls.count("GetDeployment") == 2  # one per distinct deployment served
    assert diagnose(request, world).findings[0].code == "CANARY_ONLY"
