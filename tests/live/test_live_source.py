"""The live source against the sandbox (moto's server over real HTTP, through boto3): what it reads, what it
costs, and that it only reads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from apigw_doctor.diagnosis import diagnose
from apigw_doctor.errors import InputError
from apigw_doctor.gateway import Request
from apigw_doctor.model import HttpApi, RestApi, World
from apigw_doctor.sandbox import DemoApi, Sandbox
from apigw_doctor.sources import dumps_world, world_from_dict, world_to_dict
from apigw_doctor.sources.live import FakeClock, LiveConfig, LiveSource, ReadOnlyViolation, is_read_only

from .conftest import aws_like_paging

REGION = "us-east-1"
ROOT = Path(__file__).resolve().parents[2]


def live(sandbox: Sandbox, **config: Any) -> LiveSource:
    clock = FakeClock()
    options: dict[str, Any] = {"region": REGION, "endpoint_url": sandbox.endpoint_url, **config}
    return LiveSource(LiveConfig(**options), session=sandbox.session(), clock=clock, sleep=clock.sleep)


def url(api_id: str, path: str, region: str = REGION) -> Request:
    return Request.from_url("GET", f"https://{api_id}.execute-api.{region}.amazonaws.com{path}")


def only(world: World) -> Any:
    assert len(world.apis) == 1, world.apis
    return world.apis[0]


def rest_api(sandbox: Sandbox, api_id: str = "orders0001", region: str = REGION) -> dict[str, str]:
    """An API with NONE, AWS_IAM + API key and CUSTOM methods, a TOKEN authorizer, deployed to ``prod``."""
    apigw = sandbox.client("apigateway", region)
    api = apigw.create_rest_api(
        name="orders", endpointConfiguration={"types": ["REGIONAL"]}, tags={"_custom_id_": api_id}
    )
    ids = {"/": api["rootResourceId"]}
    ids["/orders"] = apigw.create_resource(restApiId=api_id, parentId=ids["/"], pathPart="orders")["id"]
    ids["/orders/{id}"] = apigw.create_resource(restApiId=api_id, parentId=ids["/orders"], pathPart="{id}")["id"]
    authorizer = apigw.create_authorizer(
        restApiId=api_id,
        name="tokens",
        type="TOKEN",
        authorizerUri=f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/arn:aws:lambda:{region}:"
        "123456789012:function:auth/invocations",
        identitySource="method.request.header.X-Token",
    )["id"]
    methods = [
        ("/orders", "GET", "NONE", False, None),
        ("/orders", "POST", "AWS_IAM", True, None),
        ("/orders/{id}", "GET", "CUSTOM", False, authorizer),
    ]
    for path, verb, auth, key, authorizer_id in methods:
        extra = {"authorizerId": authorizer_id} if authorizer_id else {}
        apigw.put_method(
            restApiId=api_id,
            resourceId=ids[path],
            httpMethod=verb,
            authorizationType=auth,
            apiKeyRequired=key,
            **extra,
        )
        apigw.put_integration(
            restApiId=api_id,
            resourceId=ids[path],
            httpMethod=verb,
            type="HTTP_PROXY",
            integrationHttpMethod=verb,
            uri="https://backend.example.com/orders",
        )
    deployment = apigw.create_deployment(restApiId=api_id, description="first")["id"]
    apigw.create_stage(restApiId=api_id, stageName="prod", deploymentId=deployment, variables={"alias": "live"})
    apigw.put_gateway_response(
        restApiId=api_id,
        responseType="MISSING_AUTHENTICATION_TOKEN",
        statusCode="404",
        responseParameters={"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"},
        responseTemplates={"application/json": '{"message":"no such route"}'},
    )
    return {"api": api_id, "deployment": deployment, "authorizer": authorizer, **ids}


# -- what is read -----------------------------------------------------------------------------------------
def test_a_rest_world_built_live_is_what_was_created(sandbox: Sandbox) -> None:
    made = rest_api(sandbox)
    api = only(live(sandbox).world_for_request(url(made["api"], "/prod/orders")))
    assert isinstance(api, RestApi)
    assert (api.id, api.name, api.region, api.endpoint_type, api.account) == (
        "orders0001",
        "orders",
        REGION,
        "REGIONAL",
        None,
    )
    assert [r.path for r in api.resources] == ["/", "/orders", "/orders/{id}"]
    assert api.resource("/orders/{id}").id == made["/orders/{id}"]
    post = api.resource("/orders").method("POST")
    assert (post.authorization_type, post.api_key_required, post.integration_type) == ("AWS_IAM", True, "HTTP_PROXY")
    assert post.integration_uri == "https://backend.example.com/orders"
    custom = api.resource("/orders/{id}").method("GET")
    assert (custom.authorization_type, custom.authorizer_id) == ("CUSTOM", made["authorizer"])
    (authorizer,) = api.authorizers
    assert (authorizer.id, authorizer.type, authorizer.identity_sources) == (
        made["authorizer"],
        "TOKEN",
        ("method.request.header.X-Token",),
    )
    (stage,) = api.stages
    assert (stage.name, stage.deployment_id, stage.variables) == ("prod", made["deployment"], (("alias", "live"),))
    (deployment,) = api.deployments
    assert deployment.id == made["deployment"] and deployment.description == "first" and deployment.created
    assert deployment.resources is not None  # from the sandbox's apiSummary
    assert [(r.path, r.method_names) for r in deployment.resources] == [
        ("/", ()),
        ("/orders", ("GET", "POST")),
        ("/orders/{id}", ("GET",)),
    ]
    deployed = {(r.path, m.http_method): m for r in deployment.resources for m in r.methods}
    assert deployed[("/orders", "POST")].authorization_type == "AWS_IAM"
    assert deployed[("/orders", "POST")].api_key_required is True
    assert deployed[("/orders/{id}", "GET")].authorizer_id == made["authorizer"]  # taken from the working copy
    (response,) = api.gateway_responses
    assert (response.type, response.status) == ("MISSING_AUTHENTICATION_TOKEN", 404)
    assert response.headers == (("Access-Control-Allow-Origin", "'*'"),)
    assert api.notes == ()
    assert str(api.origin) == "arn:aws:apigateway:us-east-1::/restapis/orders0001"
    assert str(stage.origin) == "arn:aws:apigateway:us-east-1::/restapis/orders0001/stages/prod"


def test_a_resource_added_after_the_deployment_is_in_the_working_copy_only(sandbox: Sandbox) -> None:
    made = rest_api(sandbox)
    apigw = sandbox.client("apigateway")
    late = apigw.create_resource(restApiId=made["api"], parentId=made["/"], pathPart="late")["id"]
    apigw.put_method(restApiId=made["api"], resourceId=late, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=made["api"], resourceId=late, httpMethod="GET", type="MOCK")
    request = url(made["api"], "/prod/late")
    world = live(sandbox).world_for_request(request)
    api = only(world)
    assert api.resource("/late") is not None
    assert "/late" not in [r.path for r in api.deployments[0].resources or ()]
    assert diagnose(request, world).findings[0].code == "NOT_DEPLOYED"


def test_without_api_summary_the_deployment_is_unknown_and_a_note_says_so(sandbox: Sandbox) -> None:
    made = rest_api(sandbox)
    source = live(sandbox)

    def drop_summary(parsed: dict[str, Any], **_: Any) -> None:  # moto without the sandbox's fix
        parsed.pop("apiSummary", None)

    source.client("apigateway", REGION).meta.events.register("after-call.apigateway.GetDeployment", drop_summary)
    api = only(source.world_for_request(url(made["api"], "/prod/orders")))
    assert api.deployments[0].resources is None
    (note,) = api.notes
    assert "no apiSummary" in note and made["deployment"] in note and "working copy" in note


def test_a_stage_serves_what_its_deployment_held_and_a_newer_deployment_is_read_too(sandbox: Sandbox) -> None:
    made = rest_api(sandbox)
    apigw = sandbox.client("apigateway")
    newer = apigw.create_deployment(restApiId=made["api"], description="second")["id"]
    source = live(sandbox)
    api = only(source.world_for_request(url(made["api"], "/prod/orders")))
    assert {d.id for d in api.deployments} == {made["deployment"], newer}
    assert all(d.resources is not None for d in api.deployments)
    assert source.calls.count("GetDeployment") == 2


def test_an_http_world_built_live_is_what_was_created(sandbox: Sandbox) -> None:
    v2 = sandbox.client("apigatewayv2")
    api_id = v2.create_api(
        Name="orders-http",
        ProtocolType="HTTP",
        CorsConfiguration={"AllowOrigins": ["https://app.example.com"], "AllowMethods": ["GET"]},
    )["ApiId"]
    target = v2.create_integration(
        ApiId=api_id,
        IntegrationType="HTTP_PROXY",
        IntegrationMethod="ANY",
        IntegrationUri="https://b.example.com",
        PayloadFormatVersion="1.0",
    )["IntegrationId"]
    v2.create_route(ApiId=api_id, RouteKey="GET /orders", Target=f"integrations/{target}")
    v2.create_route(ApiId=api_id, RouteKey="POST /orders", AuthorizationType="AWS_IAM")
    v2.create_route(ApiId=api_id, RouteKey="$default")
    v2.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    v2.create_stage(ApiId=api_id, StageName="beta", StageVariables={"color": "blue"})
    source = live(sandbox)
    request = url(api_id, "/orders")
    world = source.world_for_request(request)
    api = only(world)
    assert isinstance(api, HttpApi)
    assert [r.key for r in api.routes] == ["$default", "GET /orders", "POST /orders"]
    routes = {r.key: r for r in api.routes}
    assert routes["GET /orders"].target == f"integrations/{target}"
    assert routes["POST /orders"].authorization_type == "AWS_IAM"
    stages = {s.name: s for s in api.stages}
    assert stages["$default"].auto_deploy and not stages["beta"].auto_deploy
    assert stages["beta"].variables == (("color", "blue"),)
    assert api.cors is not None and api.cors.allow_origins == ("https://app.example.com",)
    assert api.deployments == ()  # the sandbox answers GetDeployments with AWS's empty list
    assert any("'beta' has no deployment" in n for n in api.notes)
    assert diagnose(request, world).findings[0].code == "MATCHED"
    assert [c.operation for c in source.calls] == ["GetRestApi", "GetApi", "GetRoutes", "GetStages", "GetDeployments"]


def test_a_jwt_route_reads_the_authorizers(sandbox: Sandbox) -> None:
    v2 = sandbox.client("apigatewayv2")
    api_id = v2.create_api(Name="jwt", ProtocolType="HTTP")["ApiId"]
    authorizer = v2.create_authorizer(
        ApiId=api_id,
        AuthorizerType="JWT",
        Name="cognito",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Audience": ["app"], "Issuer": "https://issuer.example.com"},
    )["AuthorizerId"]
    v2.create_route(ApiId=api_id, RouteKey="GET /me", AuthorizationType="JWT", AuthorizerId=authorizer)
    v2.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    source = live(sandbox)
    request = Request.from_url("GET", f"https://{api_id}.execute-api.{REGION}.amazonaws.com/me")
    world = source.world_for_request(request)
    api = only(world)
    assert (api.routes[0].authorization_type, api.routes[0].authorizer_id) == ("JWT", authorizer)
    (read,) = api.authorizers
    assert (read.id, read.type, read.identity_sources) == (authorizer, "JWT", ("$request.header.Authorization",))
    assert source.calls.count("GetAuthorizers") == 1 and api.notes == ()
    assert diagnose(request, world).findings[0].code == "AUTHORIZER_IDENTITY_MISSING"


def test_a_live_world_round_trips_through_a_snapshot_file(sandbox: Sandbox, seeded: DemoApi) -> None:
    world = live(sandbox).world_for_apis(all_apis=True)
    assert {a.id for a in world.apis} == {seeded.api_id, seeded.proxy_api_id, seeded.http_api_id}
    assert [d.name for d in world.domains] == [seeded.domain]
    again = world_from_dict(json.loads(dumps_world(world)), "live.json")
    assert _without_origins(world_to_dict(again)) == _without_origins(world_to_dict(world))


# -- paging, pacing ----------------------------------------------------------------------------------------
def test_every_page_is_read(sandbox: Sandbox) -> None:
    apigw = sandbox.client("apigateway")
    for i in range(60):
        apigw.create_rest_api(name=f"api-{i:02}", tags={"_custom_id_": f"bulk{i:06}"})
    parent = apigw.get_resources(restApiId="bulk000059")["items"][0]["id"]
    for i in range(34):
        made = apigw.create_resource(restApiId="bulk000059", parentId=parent, pathPart=f"r{i:02}")["id"]
        apigw.put_method(restApiId="bulk000059", resourceId=made, httpMethod="GET", authorizationType="NONE")
    v2 = sandbox.client("apigatewayv2")
    for i in range(12):
        v2.create_api(Name=f"http-{i:02}", ProtocolType="HTTP")
    source = live(sandbox)
    aws_like_paging(source.client("apigateway", REGION), max_limit=7)
    aws_like_paging(source.client("apigatewayv2", REGION), max_limit=5)
    world = source.world_for_apis(all_apis=True, include_domains=False)
    assert len([a for a in world.apis if a.kind == "REST"]) == 60
    assert len([a for a in world.apis if a.kind == "HTTP"]) == 12
    assert source.calls.count("GetRestApis") == 9  # 60 APIs, 7 a page
    assert source.calls.count("GetApis") == 3
    big = world.api("bulk000059")
    assert big is not None and isinstance(big, RestApi) and len(big.resources) == 35
    assert source.calls.paced > 0  # > 40 calls: the pacing (on a fake clock) made some wait


def test_pacing_can_be_turned_off(sandbox: Sandbox, seeded: DemoApi) -> None:
    source = live(sandbox, pacing=False)
    for _ in range(10):
        source.world_for_apis([seeded.api_id], include_domains=False)
    assert len(source.calls) > 40 and source.calls.paced == 0


# -- custom domains, regions, missing APIs -----------------------------------------------------------------
def test_a_custom_domain_reads_the_domain_and_only_the_api_its_path_selects(sandbox: Sandbox, seeded: DemoApi) -> None:
    source = live(sandbox)
    request = Request.from_url("GET", f"https://{seeded.domain}/{seeded.base_path}/pets/7")
    world = source.world_for_request(request)
    (domain,) = world.domains
    assert (domain.name, domain.endpoint_type, domain.region) == (seeded.domain, "REGIONAL", REGION)
    (mapping,) = domain.mappings
    assert (mapping.base_path, mapping.api_id, mapping.stage, mapping.source) == (
        seeded.base_path,
        seeded.api_id,
        seeded.stage,
        "v1",
    )
    assert [a.id for a in world.apis] == [seeded.api_id]
    assert diagnose(request, world).findings[0].code == "MATCHED"
    ops = [c.operation for c in source.calls]
    assert ops[:3] == ["GetDomainName", "GetDomainName", "GetBasePathMappings"]


def test_an_unknown_host_is_a_world_with_a_note(sandbox: Sandbox, seeded: DemoApi) -> None:
    world = live(sandbox, regions=("eu-west-1",)).world_for_request(
        Request.from_url("GET", "https://nowhere.example.com/v1/pets")
    )
    assert world.apis == () and world.domains == ()
    assert "not a custom domain name in us-east-1, eu-west-1" in world.notes[0]


def test_an_api_in_another_region_is_found_through_regions(sandbox: Sandbox) -> None:
    rest_api(sandbox, "westapi001", region="us-west-2")
    request = url("westapi001", "/prod/orders")
    world = live(sandbox, regions=("us-west-2",)).world_for_request(request)
    assert only(world).region == "us-west-2"
    assert diagnose(request, world).findings[0].code == "WRONG_REGION"
    lonely = live(sandbox).world_for_request(request)
    assert lonely.apis == ()
    assert diagnose(request, lonely).findings[0].code == "API_NOT_FOUND"


def test_regions_all_searches_every_enabled_region(sandbox: Sandbox) -> None:
    rest_api(sandbox, "farapi0001", region="ap-southeast-2")
    request = url("farapi0001", "/prod/orders")
    source = live(sandbox, regions=("all",), pacing=False)
    world = source.world_for_request(request)
    assert only(world).region == "ap-southeast-2"
    assert diagnose(request, world).findings[0].code == "WRONG_REGION"
    assert source.calls.count("DescribeRegions") == 1
    assert all(c.operation.startswith(("Get", "Describe")) for c in source.calls)


def test_a_mistyped_api_id_reads_the_closest_api_so_the_fix_can_be_checked(sandbox: Sandbox, seeded: DemoApi) -> None:
    request = url("petstore02", "/prod/pets/7")
    source = live(sandbox)
    world = source.world_for_request(request)
    assert [a.id for a in world.apis] == [seeded.api_id]
    finding = diagnose(request, world).findings[0]
    assert finding.code == "API_NOT_FOUND" and finding.fix is not None and seeded.api_id in (finding.fix.url or "")
    assert "No REST or HTTP API petstore02 in us-east-1" in world.notes[0]


def test_world_for_apis_refuses_an_unknown_id(sandbox: Sandbox) -> None:
    with pytest.raises(InputError) as error:
        live(sandbox).world_for_apis(["nosuchapi1"])
    assert error.value.location == "nosuchapi1"


def test_an_unreachable_endpoint_is_an_input_error() -> None:
    source = LiveSource(LiveConfig(region=REGION, endpoint_url="http://127.0.0.1:9"), session=_dummy_session())
    with pytest.raises(InputError) as error:
        source.world_for_request(url("abcdef1234", "/prod/"))
    assert error.value.location == "aws" and "cannot reach http://127.0.0.1:9" in error.value.message


def test_no_credentials_is_an_input_error(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    source = LiveSource(LiveConfig(region=REGION, endpoint_url=sandbox.endpoint_url))
    with pytest.raises(InputError) as error:
        source.world_for_request(url("abcdef1234", "/prod/"))
    assert error.value.location == "aws" and "no AWS credentials" in error.value.message


def test_an_unknown_profile_is_an_input_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    source = LiveSource(LiveConfig(profile="nosuchprofile", region=REGION))
    with pytest.raises(InputError, match="nosuchprofile"):
        source.world_for_request(url("abcdef1234", "/prod/"))


# -- cost and safety ---------------------------------------------------------------------------------------
def test_a_rest_diagnosis_costs_at_most_6_calls_plus_one_per_distinct_deployment(
    sandbox: Sandbox, seeded: DemoApi
) -> None:
    measured = {}
    for trap in seeded.traps:
        source = live(sandbox)
        request = Request.from_url(trap.method, trap.url, trap.headers)
        world = source.world_for_request(request)
        assert diagnose(request, world).findings[0].code == trap.expected_verdict, trap.title
        deployments = source.calls.count("GetDeployment")
        domain = source.calls.count("GetDomainName") + source.calls.count("GetBasePathMappings")
        domain += source.calls.count("GetApiMappings")
        if any(a.kind == "REST" for a in world.apis):
            assert len(source.calls) - domain <= 6 + deployments, (trap.title, source.calls.summary())
            assert deployments == len({d.id for a in world.apis for d in a.deployments if d.resources is not None})
        measured[trap.title] = len(source.calls)
    assert measured["A request that works"] == 7  # get-rest-api, 4 listings, 2 deployments (prod's and dev's)
    assert measured["The same API through its custom domain"] == 10  # + 2 domain look-ups, 1 mapping listing
    assert measured["An HTTP API route on its $default stage"] == 5  # get-rest-api (NotFound), get-api, 3 listings


def test_only_read_operations_are_sent(sandbox: Sandbox, seeded: DemoApi) -> None:
    """Recorded by a handler of our own on the session (every client inherits it), not by the CallLog."""
    session = sandbox.session()
    seen: list[str] = []
    session.events.register("before-send.*.*", lambda request, **kw: seen.append(kw["event_name"].split(".")[-1]))
    clock = FakeClock()
    config = LiveConfig(region=REGION, endpoint_url=sandbox.endpoint_url)
    source = LiveSource(config, session=session, clock=clock, sleep=clock.sleep)
    for trap in seeded.traps:
        source.world_for_request(Request.from_url(trap.method, trap.url, trap.headers))
    source.world_for_request(url("petstore02", "/prod/"))
    source.world_for_apis(all_apis=True)
    assert len(seen) > 50
    assert all(is_read_only(op) for op in seen), sorted(set(seen))
    assert sorted(seen) == sorted(c.operation for c in source.calls)


def test_the_read_only_guard_refuses_a_write_before_it_is_sent(sandbox: Sandbox) -> None:
    source = live(sandbox)
    with pytest.raises(ReadOnlyViolation, match="CreateRestApi"):
        source.client("apigateway", REGION).create_rest_api(name="nope")
    with pytest.raises(ReadOnlyViolation):
        source.client("apigatewayv2", REGION).delete_api(ApiId="x")
    assert sandbox.client("apigateway").get_rest_apis()["items"] == []
    assert len(source.calls) == 0
    assert is_read_only("LookupEvents") and is_read_only("ExportApi") and not is_read_only("PutRestApi")


def test_clients_are_made_once_per_service_and_region(sandbox: Sandbox) -> None:
    source = live(sandbox)
    assert source.client("apigateway", REGION) is source.client("apigateway", REGION)
    assert source.client("apigateway", "eu-west-1") is not source.client("apigateway", REGION)
    user_agent = source.client("cloudtrail", REGION).meta.config.user_agent_extra
    assert user_agent.startswith("apigw-doctor/")


def test_from_args_reads_the_cli_options() -> None:
    import argparse

    args = argparse.Namespace(
        profile="p", region="eu-west-1", endpoint_url="http://x", no_pacing=True, regions="us-east-1, us-west-2"
    )
    config = LiveSource.from_args(args).config
    assert config == LiveConfig(
        profile="p", region="eu-west-1", endpoint_url="http://x", pacing=False, regions=("us-east-1", "us-west-2")
    )
    assert LiveSource.from_args(argparse.Namespace()).config == LiveConfig()


# -- docs and packaging ------------------------------------------------------------------------------------
def test_the_iam_policy_is_valid_and_read_only() -> None:
    policy = json.loads((ROOT / "docs" / "iam-policy.json").read_text())
    assert policy["Version"] == "2012-10-17"
    actions = []
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        assert "NotAction" not in statement and "NotResource" not in statement
        listed = statement["Action"]
        actions.extend([listed] if isinstance(listed, str) else listed)
    assert sorted(set(actions)) == ["apigateway:GET", "cloudtrail:LookupEvents", "ec2:DescribeRegions"]
    resources = [r for s in policy["Statement"] if "apigateway:GET" in s["Action"] for r in s["Resource"]]
    assert all(r.startswith("arn:aws:apigateway:*::/") for r in resources)
    for part in ("/restapis/*", "/apis/*", "/domainnames/*"):
        assert any(r.endswith(part) for r in resources), part


def test_boto3_is_not_imported_on_the_cli_start_up_path() -> None:
    code = (
        "import sys, apigw_doctor.cli, apigw_doctor.sources, apigw_doctor.commands.diagnose; "
        "apigw_doctor.cli.build_parser(); print('boto3' in sys.modules, 'botocore' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def _without_origins(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _without_origins(v) for k, v in data.items() if k != "origin"}
    if isinstance(data, list):
        return [_without_origins(v) for v in data]
    return data


def _dummy_session() -> Any:
    import boto3

    return boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
