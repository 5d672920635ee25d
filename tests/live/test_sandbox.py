"""The sandbox itself: the server's life cycle, the apiSummary fidelity module, the demo seed and paging."""

from __future__ import annotations

import json
import os
import socket
import threading
from typing import Any
from urllib.parse import urlsplit

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError

from apigw_doctor.diagnosis import diagnose
from apigw_doctor.diagnosis.codes import BY_CODE
from apigw_doctor.gateway import Request
from apigw_doctor.sandbox import DemoApi, Sandbox, SandboxError, apisummary, seed_demo
from apigw_doctor.sandbox.seed import API_ID, DOMAIN, HTTP_ROUTES, PROXY_API_ID, RELEASES, traps
from apigw_doctor.sources.snapshot_read import world_from_dict

from .conftest import aws_like_paging

MODEL = botocore.session.get_session().get_service_model("apigateway")


def _refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except ConnectionRefusedError:
        return True
    return False


def _code(error: pytest.ExceptionInfo[ClientError]) -> tuple[int, str]:
    response = error.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]


def _api_with_a_method(apigw: Any, api_id: str = "sumtest001") -> tuple[str, str]:
    api = apigw.create_rest_api(name="summary", tags={"_custom_id_": api_id})
    root = api["rootResourceId"]
    pets = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="pets")["id"]
    apigw.put_method(restApiId=api_id, resourceId=pets, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=api_id, resourceId=pets, httpMethod="GET", type="MOCK")
    return api_id, root


# -- the server -----------------------------------------------------------------------------------------
def test_a_second_sandbox_binds_loopback_on_a_free_port_shares_state_and_stops_cleanly(sandbox: Sandbox) -> None:
    sandbox.client("apigateway").create_rest_api(name="shared", tags={"_custom_id_": "shared0001"})
    before = set(threading.enumerate())
    with Sandbox() as other:
        host = urlsplit(other.endpoint_url).hostname
        assert host == "127.0.0.1" and other.port not in (0, sandbox.port)
        names = [a["name"] for a in other.client("apigateway").get_rest_apis()["items"]]
        assert names == ["shared"]  # moto's state is process-global
        port = other.port
    assert not other.running and _refused(port)
    assert set(threading.enumerate()) <= before
    assert sandbox.client("apigateway").get_rest_api(restApiId="shared0001")["name"] == "shared"  # still serving
    other.stop()  # idempotent
    with pytest.raises(SandboxError):
        _ = other.endpoint_url


def test_starting_twice_is_an_error(sandbox: Sandbox) -> None:
    with pytest.raises(SandboxError, match="already running"):
        sandbox.start()


def test_reset_gives_fresh_state(sandbox: Sandbox) -> None:
    apigw = sandbox.client("apigateway")
    apigw.create_rest_api(name="gone")
    sandbox.client("apigatewayv2").create_api(Name="gone-too", ProtocolType="HTTP")
    sandbox.reset()
    assert apigw.get_rest_apis()["items"] == []
    assert sandbox.client("apigatewayv2").get_apis()["Items"] == []


def test_clients_make_one_attempt_per_call(sandbox: Sandbox) -> None:
    apigw = sandbox.client("apigateway", region="eu-west-1")
    assert apigw.meta.region_name == "eu-west-1"
    with pytest.raises(ClientError) as error:
        apigw.get_tags(resourceArn="arn:aws:apigateway:eu-west-1::/restapis/nope")  # moto: 500, not implemented
    assert error.value.response["ResponseMetadata"]["RetryAttempts"] == 0


def test_session_clients_reach_the_sandbox_without_endpoint_url(sandbox: Sandbox) -> None:
    session = sandbox.session()
    apigw = session.client("apigateway")
    assert session.region_name == "us-east-1" and apigw.meta.endpoint_url == sandbox.endpoint_url
    apigw.create_rest_api(name="via-session")
    assert [a["name"] for a in sandbox.client("apigateway").get_rest_apis()["items"]] == ["via-session"]
    assert session.client("sts").get_caller_identity()["Account"] == "123456789012"


def test_env_is_what_a_subprocess_needs(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    env = sandbox.env({"PATH": "/bin", "AWS_PROFILE": "prod", "AWS_SESSION_TOKEN": "real", "NO_PROXY": "corp"})
    assert env["PATH"] == "/bin" and "AWS_PROFILE" not in env and "AWS_SESSION_TOKEN" not in env
    assert env["AWS_ENDPOINT_URL"] == sandbox.endpoint_url and env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["NO_PROXY"] == "corp,127.0.0.1,localhost"
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key)
    for key, value in sandbox.env({}).items():
        monkeypatch.setenv(key, value)
    boto3.session.Session().client("apigateway").create_rest_api(name="via-env")  # what a subprocess would do
    assert [a["name"] for a in sandbox.client("apigateway").get_rest_apis()["items"]] == ["via-env"]


# -- the apiSummary fidelity module --------------------------------------------------------------------
def test_get_deployment_embeds_the_summary_recorded_at_deployment(sandbox: Sandbox) -> None:
    apigw = sandbox.client("apigateway")
    api_id, root = _api_with_a_method(apigw)
    pets = apigw.get_resources(restApiId=api_id)["items"]
    pets_id = next(r["id"] for r in pets if r["path"] == "/pets")
    apigw.put_method(restApiId=api_id, resourceId=pets_id, httpMethod="DELETE", authorizationType="AWS_IAM")
    apigw.put_integration(restApiId=api_id, resourceId=pets_id, httpMethod="DELETE", type="MOCK")
    apigw.put_method(
        restApiId=api_id, resourceId=root, httpMethod="POST", authorizationType="NONE", apiKeyRequired=True
    )
    apigw.put_integration(restApiId=api_id, resourceId=root, httpMethod="POST", type="MOCK")
    deployment = apigw.create_deployment(restApiId=api_id, stageName="prod")["id"]
    late = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="late")["id"]  # after the deployment
    apigw.put_method(restApiId=api_id, resourceId=late, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=api_id, resourceId=late, httpMethod="GET", type="MOCK")
    apigw.delete_method(restApiId=api_id, resourceId=pets_id, httpMethod="DELETE")

    got = apigw.get_deployment(restApiId=api_id, deploymentId=deployment, embed=["apisummary"])
    assert got["apiSummary"] == {
        "/": {"POST": {"authorizationType": "NONE", "apiKeyRequired": True}},
        "/pets": {
            "GET": {"authorizationType": "NONE", "apiKeyRequired": False},
            "DELETE": {"authorizationType": "AWS_IAM", "apiKeyRequired": False},
        },
    }
    newer = apigw.create_deployment(restApiId=api_id)["id"]
    summary = apigw.get_deployment(restApiId=api_id, deploymentId=newer, embed=["apisummary"])["apiSummary"]
    assert set(summary) == {"/", "/pets", "/late"} and set(summary["/pets"]) == {"GET"}


def test_no_summary_without_embed(sandbox: Sandbox) -> None:
    apigw = sandbox.client("apigateway")
    api_id, _ = _api_with_a_method(apigw)
    deployment = apigw.create_deployment(restApiId=api_id)["id"]
    got = apigw.get_deployment(restApiId=api_id, deploymentId=deployment)
    assert "apiSummary" not in got and got["id"] == deployment


def _check(value: Any, shape: Any, where: str) -> None:
    """``value`` (raw JSON) conforms to botocore's ``shape``: types, member names, map keys and values."""
    if shape.type_name == "map":
        assert isinstance(value, dict), where
        for key, item in value.items():
            _check(key, shape.key, f"{where} key")
            _check(item, shape.value, f"{where}[{key}]")
    elif shape.type_name == "structure":
        assert isinstance(value, dict) and value and set(value) <= set(shape.members), where
        for key, item in value.items():
            _check(item, shape.members[key], f"{where}.{key}")
    else:
        assert isinstance(value, {"string": str, "boolean": bool}[shape.type_name]), where


def test_raw_api_summary_has_the_shape_of_botocores_model(sandbox: Sandbox) -> None:
    apigw = sandbox.client("apigateway")
    api_id, _ = _api_with_a_method(apigw)
    deployment = apigw.create_deployment(restApiId=api_id)["id"]
    bodies: list[bytes] = []
    apigw.meta.events.register(
        "after-call.apigateway.GetDeployment", lambda http_response, **_: bodies.append(http_response.content)
    )
    apigw.get_deployment(restApiId=api_id, deploymentId=deployment, embed=["apisummary"])
    raw = json.loads(bodies[0])  # the bytes on the wire, before botocore parses them
    member = MODEL.shape_for("Deployment").members["apiSummary"]
    assert (member.name, member.value.name, member.value.value.name) == (
        "PathToMapOfMethodSnapshot",
        "MapOfMethodSnapshot",
        "MethodSnapshot",
    )
    assert set(member.value.value.members) == {"authorizationType", "apiKeyRequired"}
    _check(raw["apiSummary"], member, "apiSummary")
    assert raw["apiSummary"] == {"/pets": {"GET": {"authorizationType": "NONE", "apiKeyRequired": False}}}


def test_unknown_deployment_is_not_found(sandbox: Sandbox) -> None:
    apigw = sandbox.client("apigateway")
    api_id, _ = _api_with_a_method(apigw)
    with pytest.raises(apigw.exceptions.NotFoundException) as error:
        apigw.get_deployment(restApiId=api_id, deploymentId="nosuchdep1", embed=["apisummary"])
    assert _code(error) == (404, "NotFoundException")
    assert error.value.response["Error"]["Message"] == "Invalid Deployment identifier specified"
    assert error.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == "NotFoundException"
    with pytest.raises(apigw.exceptions.NotFoundException):
        apigw.get_deployment(restApiId="nosuchapi1", deploymentId="nosuchdep1")


def test_base_path_mappings_of_a_domain_without_any(sandbox: Sandbox) -> None:
    apigw = sandbox.client("apigateway")
    apigw.create_domain_name(domainName="bare.example.com", regionalCertificateArn="arn:aws:acm:us-east-1:1:c/x")
    assert apigw.get_base_path_mappings(domainName="bare.example.com").get("items", []) == []
    with pytest.raises(apigw.exceptions.NotFoundException) as error:
        apigw.get_base_path_mapping(domainName="bare.example.com", basePath="v1")
    assert _code(error) == (404, "NotFoundException")
    with pytest.raises(apigw.exceptions.NotFoundException):
        apigw.get_base_path_mappings(domainName="nosuch.example.com")


def test_http_api_deployments_are_an_empty_list(sandbox: Sandbox) -> None:
    v2 = sandbox.client("apigatewayv2")
    api_id = v2.create_api(Name="h", ProtocolType="HTTP")["ApiId"]
    assert v2.get_deployments(ApiId=api_id)["Items"] == []
    with pytest.raises(v2.exceptions.NotFoundException) as error:
        v2.get_deployment(ApiId=api_id, DeploymentId="abc123")
    assert _code(error) == (404, "NotFoundException")
    with pytest.raises(v2.exceptions.NotFoundException):
        v2.get_deployments(ApiId="nosuchapi")


def test_http_api_authorizers_are_listed(sandbox: Sandbox) -> None:
    v2 = sandbox.client("apigatewayv2")
    api_id = v2.create_api(Name="h", ProtocolType="HTTP")["ApiId"]
    assert v2.get_authorizers(ApiId=api_id)["Items"] == []
    made = v2.create_authorizer(
        ApiId=api_id,
        Name="orders-jwt",
        AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Audience": ["orders"], "Issuer": "https://issuer.example.com"},
    )
    listed = v2.get_authorizers(ApiId=api_id)["Items"]
    assert [(a["AuthorizerId"], a["Name"], a["IdentitySource"]) for a in listed] == [
        (made["AuthorizerId"], "orders-jwt", ["$request.header.Authorization"])
    ]
    one = v2.get_authorizer(ApiId=api_id, AuthorizerId=made["AuthorizerId"])
    assert listed[0] == {k: v for k, v in one.items() if k != "ResponseMetadata"}


def test_install_is_idempotent_and_uninstall_restores_moto(sandbox: Sandbox) -> None:
    from moto.apigateway import urls
    from moto.apigateway.models import APIGatewayBackend
    from moto.apigateway.responses import APIGatewayResponse
    from moto.apigatewayv2.responses import ApiGatewayV2Response

    assert apisummary.installed()
    patched = APIGatewayBackend.create_deployment
    apisummary.install()
    assert APIGatewayBackend.create_deployment is patched
    try:
        apisummary.uninstall()
        assert not apisummary.installed()
        assert APIGatewayBackend.create_deployment.__module__ == "moto.apigateway.models"
        assert APIGatewayResponse.get_deployment.__module__ == "moto.apigateway.responses"
        assert "get_deployments" not in vars(ApiGatewayV2Response)
        assert not any("deployments" in key and "/v2/" in key for key in urls.url_paths)
    finally:
        apisummary.install()
    assert APIGatewayBackend.create_deployment.__module__ == "apigw_doctor.sandbox.apisummary"


# -- the demo seed ------------------------------------------------------------------------------------
def test_every_trap_url_is_well_formed() -> None:
    demo = traps("us-east-1", "h77papid")
    assert len(demo) == len({t.method + t.url for t in demo})
    hosts = {f"{a}.execute-api.us-east-1.amazonaws.com" for a in (API_ID, PROXY_API_ID, "h77papid")} | {DOMAIN}
    for trap in demo:
        parts = urlsplit(trap.url)
        assert parts.scheme == "https" and parts.hostname in hosts and parts.path.startswith("/"), trap
        assert not parts.query and not parts.fragment and " " not in trap.url and trap.headers == (), trap
        assert trap.method in {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}, trap
        assert trap.expected_verdict in BY_CODE, trap
    expected = {"STAGE_MISSING", "RESOURCE_NOT_FOUND", "METHOD_NOT_DEFINED", "NOT_DEPLOYED"}
    expected |= {"PROXY_PARENT_NOT_COVERED", "STAGE_IN_CUSTOM_DOMAIN_PATH", "IAM_UNSIGNED", "MATCHED"}
    assert expected <= {t.expected_verdict for t in demo}


def _summary(routes: Any) -> dict[str, Any]:
    """The apiSummary AWS would give for the seeded ``routes``."""
    out: dict[str, Any] = {}
    for r in routes:
        out.setdefault(r.path, {})[r.method] = {
            "authorizationType": r.authorization,
            "apiKeyRequired": r.api_key_required,
        }
    return out


def test_the_seeded_account_is_what_the_demo_claims(sandbox: Sandbox, seeded: DemoApi) -> None:
    assert seeded.traps == traps(seeded.region, seeded.http_api_id)
    assert seeded.trap("NOT_DEPLOYED").url == f"{seeded.url}/prod/pets/7/vaccinations"
    apigw = sandbox.client("apigateway")
    assert {a["id"] for a in apigw.get_rest_apis()["items"]} == {seeded.api_id, seeded.proxy_api_id}
    stages = {s["stageName"]: s for s in apigw.get_stages(restApiId=seeded.api_id)["item"]}
    assert set(stages) == set(seeded.stages) == {"prod", "dev"}
    assert {name: s["deploymentId"] for name, s in stages.items()} == dict(seeded.deployments)
    assert stages["prod"]["variables"] == {"lambdaAlias": "live"} and stages["prod"]["tracingEnabled"] is True
    assert seeded.deployment_of("prod") != seeded.deployment_of("dev")
    deployments = apigw.get_deployments(restApiId=seeded.api_id)["items"]
    assert {d["id"] for d in deployments} == set(dict(seeded.deployments).values())

    def summary(stage: str) -> Any:
        dep = seeded.deployment_of(stage)
        return apigw.get_deployment(restApiId=seeded.api_id, deploymentId=dep, embed=["apisummary"])["apiSummary"]

    assert summary("prod") == _summary(RELEASES[0])
    assert summary("dev") == _summary(RELEASES[0] + RELEASES[1])
    resources = apigw.get_resources(restApiId=seeded.api_id)["items"]
    working = {r["path"]: set(r.get("resourceMethods", {})) for r in resources}
    assert working["/"] == set() and working["/pets/{petId}/vaccinations"] == {"GET"}
    assert {p: set(m) for p, m in _summary(RELEASES[0] + RELEASES[1] + RELEASES[2]).items()} == {
        p: m for p, m in working.items() if m
    }

    web = {r["path"]: r for r in apigw.get_resources(restApiId=seeded.proxy_api_id)["items"]}
    assert set(web) == {"/", "/{proxy+}"} and "resourceMethods" not in web["/"]
    assert web["/{proxy+}"]["resourceMethods"]["ANY"]["methodIntegration"]["type"] == "HTTP_PROXY"
    assert [s["stageName"] for s in apigw.get_stages(restApiId=seeded.proxy_api_id)["item"]] == ["prod"]

    domain = apigw.get_domain_name(domainName=seeded.domain)
    assert domain["endpointConfiguration"]["types"] == ["REGIONAL"]
    mappings = apigw.get_base_path_mappings(domainName=seeded.domain)["items"]
    assert mappings == [{"basePath": seeded.base_path, "restApiId": seeded.api_id, "stage": seeded.stage}]

    v2 = sandbox.client("apigatewayv2")
    assert [a["ApiId"] for a in v2.get_apis()["Items"]] == [seeded.http_api_id]
    assert sorted(r["RouteKey"] for r in v2.get_routes(ApiId=seeded.http_api_id)["Items"]) == sorted(
        k for k, _ in HTTP_ROUTES
    )
    stage = v2.get_stages(ApiId=seeded.http_api_id)["Items"]
    assert [(s["StageName"], s["AutoDeploy"]) for s in stage] == [("$default", True)]


def test_seeding_is_deterministic_and_refuses_a_seeded_sandbox(sandbox: Sandbox, seeded: DemoApi) -> None:
    with pytest.raises(SandboxError, match="reset"):
        seed_demo(sandbox)
    sandbox.reset()
    assert seed_demo(sandbox) == seeded


# -- the traps' verdicts, end to end ------------------------------------------------------------------
def _methods(methods: dict[str, Any]) -> list[dict[str, Any]]:
    keys = (("authorization_type", "authorizationType"), ("api_key_required", "apiKeyRequired"))
    return [{"http_method": verb, **{k: m[key] for k, key in keys}} for verb, m in methods.items()]


def _tree(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """apiSummary lists only the paths with methods: add their ancestors, which the model needs."""
    paths = {"/"} | {path[: i or None] for path in summary for i, c in enumerate(path) if c == "/" and i}
    paths |= set(summary)
    return [{"path": p, "methods": _methods(summary.get(p, {}))} for p in sorted(paths)]


def _world_from_sandbox(sandbox: Sandbox, region: str) -> Any:
    """The seeded account read back through boto3 (what each deployment holds from apiSummary), as a World."""
    apigw, v2 = sandbox.client("apigateway"), sandbox.client("apigatewayv2")
    apis: list[dict[str, Any]] = []
    for api in apigw.get_rest_apis()["items"]:
        rid = api["id"]
        summaries = [
            apigw.get_deployment(restApiId=rid, deploymentId=d["id"], embed=["apisummary"])
            for d in apigw.get_deployments(restApiId=rid)["items"]
        ]
        stages = apigw.get_stages(restApiId=rid)["item"]
        apis.append(
            {
                "kind": "REST",
                "id": rid,
                "region": region,
                "endpoint_type": api["endpointConfiguration"]["types"][0],
                "resources": [
                    {"path": r["path"], "methods": _methods(r.get("resourceMethods", {}))}
                    for r in apigw.get_resources(restApiId=rid)["items"]
                ],
                "deployments": [{"id": d["id"], "resources": _tree(d["apiSummary"])} for d in summaries],
                "stages": [{"name": s["stageName"], "deployment_id": s["deploymentId"]} for s in stages],
            }
        )
    for api in v2.get_apis()["Items"]:
        hid = api["ApiId"]
        routes = v2.get_routes(ApiId=hid)["Items"]
        stages = v2.get_stages(ApiId=hid)["Items"]
        apis.append(
            {
                "kind": "HTTP",
                "id": hid,
                "region": region,
                "routes": [{"key": r["RouteKey"], "authorization_type": r["AuthorizationType"]} for r in routes],
                "stages": [{"name": s["StageName"], "auto_deploy": s["AutoDeploy"]} for s in stages],
            }
        )
    domains = [
        {
            "name": d["domainName"],
            "endpoint_type": d["endpointConfiguration"]["types"][0],
            "region": region,
            "mappings": [
                {"base_path": m["basePath"], "api_id": m["restApiId"], "stage": m["stage"], "source": "v1"}
                for m in apigw.get_base_path_mappings(domainName=d["domainName"])["items"]
            ],
        }
        for d in apigw.get_domain_names()["items"]
    ]
    return world_from_dict({"format": "apigw-doctor/world", "version": 1, "apis": apis, "domains": domains}, "moto")


def test_every_trap_gets_its_expected_verdict(sandbox: Sandbox, seeded: DemoApi) -> None:
    world = _world_from_sandbox(sandbox, seeded.region)
    got = {t.title: diagnose(Request.from_url(t.method, t.url, t.headers), world).verdict for t in seeded.traps}
    assert got == {t.title: t.expected_verdict for t in seeded.traps}


# -- AWS-like paging ---------------------------------------------------------------------------------
def test_aws_like_paging_pages_v1_and_v2_like_aws(sandbox: Sandbox) -> None:
    apigw = aws_like_paging(sandbox.client("apigateway"))
    for i in range(27):
        apigw.create_rest_api(name=f"api-{i:02}")
    first = apigw.get_rest_apis()
    assert len(first["items"]) == 25 and first["position"] == "25"
    rest = apigw.get_rest_apis(position=first["position"])
    assert len(rest["items"]) == 2 and "position" not in rest
    pages = list(apigw.get_paginator("get_rest_apis").paginate(PaginationConfig={"PageSize": 10}))
    assert [len(p["items"]) for p in pages] == [10, 10, 7]
    assert len({a["id"] for p in pages for a in p["items"]}) == 27
    assert len(sandbox.client("apigateway").get_rest_apis()["items"]) == 27  # other clients: moto's all-at-once

    v2 = aws_like_paging(sandbox.client("apigatewayv2"))
    api_id = v2.create_api(Name="h", ProtocolType="HTTP")["ApiId"]
    for i in range(30):
        v2.create_route(ApiId=api_id, RouteKey=f"GET /r{i:02}")
    page = v2.get_routes(ApiId=api_id)
    assert len(page["Items"]) == 25 and page["NextToken"] == "25"
    assert len(v2.get_routes(ApiId=api_id, NextToken="25")["Items"]) == 5
    assert len(v2.get_routes(ApiId=api_id, MaxResults="7")["Items"]) == 7


def test_only_loopback_is_reachable() -> None:
    with pytest.raises(OSError, match=r"127\.0\.0\.1"):
        socket.getaddrinfo("apigateway.us-east-1.amazonaws.com", 443)
    assert socket.getaddrinfo("127.0.0.1", 80)
