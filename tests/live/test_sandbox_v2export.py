"""HTTP API ExportApi in the sandbox (``sandbox/v2export.py`` and its handler in ``sandbox/v2deploy.py``), through
boto3 over real HTTP: what a stage's deployment serves against the current routes, JSON and YAML, the extensions,
the errors, and what the live source and diagnosis make of a stage that serves an old deployment."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from botocore.exceptions import ClientError

from apigw_doctor.diagnosis import diagnose
from apigw_doctor.gateway import Request
from apigw_doctor.model import HttpApi
from apigw_doctor.sandbox import Sandbox, apisummary, v2deploy, v2export
from apigw_doctor.sources.document import Document
from apigw_doctor.sources.live import FakeClock, LiveConfig, LiveSource
from apigw_doctor.sources.openapi import load_openapi

REGION = "us-east-1"
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:orders"


class Orders:
    """An HTTP API ``orders``: ``GET /orders`` (HTTP_PROXY), ``GET /orders/{id}`` behind a JWT authorizer with a
    scope, ``DELETE /orders/{id}`` AWS_IAM, ``ANY /admin/{proxy+}`` behind a Lambda authorizer (AWS_PROXY),
    ``$default``; stage ``prod`` without auto-deploy, deployed once."""

    def __init__(self, sandbox: Sandbox) -> None:
        v2 = self.v2 = sandbox.client("apigatewayv2")
        self.api_id = v2.create_api(Name="orders", ProtocolType="HTTP", Description="the orders service")["ApiId"]
        self.http = self.integration(
            IntegrationType="HTTP_PROXY", IntegrationMethod="GET", IntegrationUri="https://orders.example.com/"
        )
        self.fn = self.integration(IntegrationType="AWS_PROXY", IntegrationUri=LAMBDA, PayloadFormatVersion="2.0")
        self.jwt = v2.create_authorizer(
            ApiId=self.api_id,
            AuthorizerType="JWT",
            Name="cognito",
            IdentitySource=["$request.header.Authorization"],
            JwtConfiguration={"Audience": ["client-1"], "Issuer": "https://issuer.example.com"},
        )["AuthorizerId"]
        self.lam = v2.create_authorizer(
            ApiId=self.api_id,
            AuthorizerType="REQUEST",
            Name="gatekeeper",
            IdentitySource=["$request.header.X-Token"],
            AuthorizerUri=f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{LAMBDA}/invocations",
            AuthorizerPayloadFormatVersion="2.0",
            AuthorizerResultTtlInSeconds=300,
            EnableSimpleResponses=True,
        )["AuthorizerId"]
        self.route("GET /orders", self.http)
        self.route(
            "GET /orders/{id}", self.http, AuthorizationType="JWT", AuthorizerId=self.jwt, AuthorizationScopes=["read"]
        )
        self.route("DELETE /orders/{id}", self.fn, AuthorizationType="AWS_IAM")
        self.route("ANY /admin/{proxy+}", self.fn, AuthorizationType="CUSTOM", AuthorizerId=self.lam)
        self.route("$default", self.fn)
        v2.create_stage(ApiId=self.api_id, StageName="prod", AutoDeploy=False)
        self.deployment = v2.create_deployment(ApiId=self.api_id, StageName="prod", Description="release 1")[
            "DeploymentId"
        ]

    def integration(self, **params: Any) -> str:
        params.setdefault("PayloadFormatVersion", "1.0")
        return str(self.v2.create_integration(ApiId=self.api_id, **params)["IntegrationId"])

    def route(self, key: str, integration: str, **params: Any) -> str:
        made = self.v2.create_route(ApiId=self.api_id, RouteKey=key, Target=f"integrations/{integration}", **params)
        return str(made["RouteId"])

    def export(self, stage: str | None = "prod", output: str = "JSON", **params: Any) -> dict[str, Any]:
        if stage is not None:
            params["StageName"] = stage
        answer = self.v2.export_api(ApiId=self.api_id, Specification="OAS30", OutputType=output, **params)
        body = answer["body"]
        text = (body.read() if hasattr(body, "read") else body).decode("utf-8")
        data = yaml.safe_load(text) if output == "YAML" else json.loads(text)
        assert isinstance(data, dict)
        return data

    @property
    def endpoint(self) -> str:
        return f"https://{self.api_id}.execute-api.{REGION}.amazonaws.com"


@pytest.fixture
def orders(sandbox: Sandbox) -> Orders:
    return Orders(sandbox)


def _operations(doc: dict[str, Any]) -> set[str]:
    """``GET /orders``, ``ANY /admin/{proxy+}``, ``$default``: the route keys a document holds."""
    keys = set()
    for path, item in doc["paths"].items():
        for name in item:
            if name == "parameters":
                continue
            method = "ANY" if name == v2export.ANY_METHOD else name.upper()
            keys.add("$default" if path == "/$default" else f"{method} {path}")
    return keys


def _extension_keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return {k for k in value if str(k).startswith("x-amazon-apigateway")} | {
            k for v in value.values() for k in _extension_keys(v)
        }
    if isinstance(value, list):
        return {k for v in value for k in _extension_keys(v)}
    return set()


def _error(error: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    response = error.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["Error"]["Message"]


def _live(sandbox: Sandbox) -> LiveSource:
    clock = FakeClock()
    config = LiveConfig(region=REGION, endpoint_url=sandbox.endpoint_url)
    return LiveSource(config, session=sandbox.session(), clock=clock, sleep=clock.sleep)


DEPLOYED = {"GET /orders", "GET /orders/{id}", "DELETE /orders/{id}", "ANY /admin/{proxy+}", "$default"}


# -- the file -------------------------------------------------------------------------------------------------
def test_the_stage_export_is_its_deployment_and_the_plain_export_the_current_routes(orders: Orders) -> None:
    orders.route("POST /orders", orders.http)  # not deployed
    staged, current = orders.export(), orders.export(stage=None)
    assert _operations(staged) == DEPLOYED
    assert _operations(current) == DEPLOYED | {"POST /orders"}

    assert staged["openapi"] == current["openapi"] == "3.0.1"
    assert staged["info"]["title"] == "orders" and staged["info"]["description"] == "the orders service"
    server = {"url": orders.endpoint + "/{basePath}", "variables": {"basePath": {"default": "prod"}}}
    assert staged["servers"] == [server]
    assert current["servers"] == [{"url": orders.endpoint}]
    assert staged["x-amazon-apigateway-importexport-version"] == "1.0"
    created = orders.v2.get_deployment(ApiId=orders.api_id, DeploymentId=orders.deployment)["CreatedDate"]
    assert staged["info"]["version"] == created.strftime("%Y-%m-%d %H:%M:%SUTC")


def test_yaml_is_the_same_document(orders: Orders) -> None:
    assert orders.export(output="YAML") == orders.export()
    answer = orders.v2.export_api(ApiId=orders.api_id, Specification="OAS30", OutputType="YAML", StageName="prod")
    assert answer["body"].read().decode().startswith("openapi: 3.0.1\n")
    assert answer["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "application/octet-stream"


def test_operations_security_and_integrations(orders: Orders) -> None:
    doc = orders.export()
    paths = doc["paths"]
    listed = paths["/orders"]["get"]
    assert listed["responses"] == {"default": {"description": "Default response for GET /orders"}}
    assert "security" not in listed
    assert listed["x-amazon-apigateway-integration"] == {
        "payloadFormatVersion": "1.0",
        "type": "http_proxy",
        "httpMethod": "GET",
        "uri": "https://orders.example.com/",
        "connectionType": "INTERNET",
        "timeoutInMillis": 30000,
    }
    one = paths["/orders/{id}"]
    assert one["get"]["security"] == [{"cognito": ["read"]}]
    assert one["delete"]["security"] == [{"sigv4": []}]
    lam = one["delete"]["x-amazon-apigateway-integration"]
    assert (lam["type"], lam["httpMethod"], lam["uri"], lam["payloadFormatVersion"]) == (
        "aws_proxy",
        "POST",
        LAMBDA,
        "2.0",
    )
    assert one["parameters"] == [
        {
            "name": "id",
            "in": "path",
            "description": "Generated path parameter for id",
            "required": True,
            "schema": {"type": "string"},
        }
    ]
    assert paths["/admin/{proxy+}"][v2export.ANY_METHOD]["security"] == [{"gatekeeper": []}]
    assert paths["/admin/{proxy+}"]["parameters"][0]["name"] == "proxy+"
    default = paths["/$default"][v2export.ANY_METHOD]
    assert default["isDefaultRoute"] is True and default["x-amazon-apigateway-integration"]["type"] == "aws_proxy"

    schemes = doc["components"]["securitySchemes"]
    assert schemes["sigv4"] == {
        "type": "apiKey",
        "name": "Authorization",
        "in": "header",
        "x-amazon-apigateway-authtype": "awsSigv4",
    }
    assert schemes["cognito"] == {
        "type": "oauth2",
        "flows": {},
        "x-amazon-apigateway-authorizer": {
            "identitySource": "$request.header.Authorization",
            "jwtConfiguration": {"audience": ["client-1"], "issuer": "https://issuer.example.com"},
            "type": "jwt",
        },
    }
    gatekeeper = schemes["gatekeeper"]
    assert (gatekeeper["type"], gatekeeper["name"], gatekeeper["in"]) == ("apiKey", "Unused", "header")
    assert gatekeeper["x-amazon-apigateway-authorizer"] == {
        "identitySource": "$request.header.X-Token",
        "authorizerUri": f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{LAMBDA}/invocations",
        "authorizerPayloadFormatVersion": "2.0",
        "authorizerResultTtlInSeconds": 300,
        "type": "request",
        "enableSimpleResponses": True,
    }


def test_without_extensions_no_amazon_member_is_written(orders: Orders) -> None:
    orders.v2.update_api(
        ApiId=orders.api_id, CorsConfiguration={"AllowOrigins": ["https://shop.example.com"], "AllowMethods": ["GET"]}
    )
    orders.v2.create_deployment(ApiId=orders.api_id, StageName="prod")
    plain = orders.export(IncludeExtensions=False)
    assert _extension_keys(plain) == {v2export.ANY_METHOD}  # it holds the ANY routes, not an extension to drop
    assert _operations(plain) == DEPLOYED
    assert plain["components"]["securitySchemes"]["cognito"] == {"type": "oauth2", "flows": {}}
    full = orders.export(IncludeExtensions=True, ExportVersion="1.0")
    assert full == orders.export()  # included by default
    assert full["x-amazon-apigateway-cors"] == {"allowOrigins": ["https://shop.example.com"], "allowMethods": ["GET"]}


def test_the_record_is_taken_at_the_deployment(orders: Orders) -> None:
    """Later edits of a route, its integration or its authorizer do not reach what the stage serves."""
    orders.v2.update_integration(
        ApiId=orders.api_id, IntegrationId=orders.http, IntegrationUri="https://v2.example.com"
    )
    routes = {r["RouteKey"]: r["RouteId"] for r in orders.v2.get_routes(ApiId=orders.api_id)["Items"]}
    orders.v2.update_route(ApiId=orders.api_id, RouteId=routes["GET /orders"], AuthorizationType="AWS_IAM")
    orders.v2.delete_route(ApiId=orders.api_id, RouteId=routes["$default"])
    staged, current = orders.export(), orders.export(stage=None)
    assert staged["paths"]["/orders"]["get"]["x-amazon-apigateway-integration"]["uri"] == "https://orders.example.com/"
    assert "security" not in staged["paths"]["/orders"]["get"] and "/$default" in staged["paths"]
    assert current["paths"]["/orders"]["get"]["x-amazon-apigateway-integration"]["uri"] == "https://v2.example.com"
    assert current["paths"]["/orders"]["get"]["security"] == [{"sigv4": []}] and "/$default" not in current["paths"]


def test_the_export_follows_the_stage_to_another_deployment(orders: Orders) -> None:
    orders.route("POST /orders", orders.http)
    newer = orders.v2.create_deployment(ApiId=orders.api_id, StageName="prod")["DeploymentId"]
    assert "POST /orders" in _operations(orders.export())
    orders.v2.update_stage(ApiId=orders.api_id, StageName="prod", DeploymentId=orders.deployment)
    assert _operations(orders.export()) == DEPLOYED
    orders.v2.update_stage(ApiId=orders.api_id, StageName="prod", DeploymentId=newer)
    assert "POST /orders" in _operations(orders.export())


def test_auto_deploy_and_undeployed_stages(orders: Orders) -> None:
    orders.route("POST /orders", orders.http)
    orders.v2.create_stage(ApiId=orders.api_id, StageName="$default", AutoDeploy=True)
    orders.v2.create_stage(ApiId=orders.api_id, StageName="beta", AutoDeploy=False)
    auto = orders.export(stage="$default")
    assert _operations(auto) == DEPLOYED | {"POST /orders"}  # AWS redeploys an auto-deploy stage on every change
    assert auto["servers"][0]["variables"] == {"basePath": {"default": ""}}
    beta = orders.export(stage="beta")
    assert beta["paths"] == {} and beta["servers"][0]["variables"] == {"basePath": {"default": "beta"}}


def test_errors(orders: Orders) -> None:
    v2 = orders.v2
    with pytest.raises(v2.exceptions.NotFoundException) as error:
        v2.export_api(ApiId=orders.api_id, Specification="OAS30", OutputType="JSON", StageName="nostage")
    assert _error(error) == (404, "NotFoundException", "Invalid stage identifier specified")
    assert error.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == "NotFoundException"
    with pytest.raises(v2.exceptions.NotFoundException) as error:
        v2.export_api(ApiId="nosuchapi", Specification="OAS30", OutputType="JSON")
    assert "Invalid API identifier specified" in _error(error)[2]
    bad = (
        {"Specification": "SWAGGER", "OutputType": "JSON"},
        {"Specification": "OAS30", "OutputType": "XML"},
        {"Specification": "OAS30", "OutputType": "JSON", "ExportVersion": "2.0"},
    )
    for params in bad:
        with pytest.raises(v2.exceptions.BadRequestException) as error:
            v2.export_api(ApiId=orders.api_id, **params)
        assert _error(error)[:2] == (400, "BadRequestException"), params


def test_the_export_loads_as_the_routes_the_stage_serves(orders: Orders) -> None:
    orders.route("POST /orders", orders.http)
    document = Document("export.json", orders.export(), "json")
    (api,) = load_openapi(document, api_kind="HTTP").apis
    assert isinstance(api, HttpApi) and (api.id, api.region, api.name) == (orders.api_id, REGION, "orders")
    assert [s.name for s in api.stages] == ["prod"]
    auth = {r.key: (r.authorization_type, r.authorizer_id) for r in api.routes}
    assert auth == {
        "GET /orders": ("NONE", None),
        "GET /orders/{id}": ("JWT", "cognito"),
        "DELETE /orders/{id}": ("AWS_IAM", None),
        "ANY /admin/{proxy+}": ("CUSTOM", "gatekeeper"),
        "$default": ("NONE", None),
    }
    assert {a.id: (a.type, a.identity_sources) for a in api.authorizers} == {
        "cognito": ("JWT", ("$request.header.Authorization",)),
        "gatekeeper": ("REQUEST", ("$request.header.X-Token",)),
    }


# -- what the live source and the diagnosis see ------------------------------------------------------------------
def test_the_live_source_reads_the_old_routes_of_the_stage(sandbox: Sandbox, orders: Orders) -> None:
    orders.route("POST /orders", orders.http)
    (api,) = _live(sandbox).world_for_apis(api_ids=(orders.api_id,)).apis
    assert isinstance(api, HttpApi)
    assert not any("export-api" in note or "could not be read" in note for note in api.notes), api.notes
    (stage,) = api.stages
    assert stage.deployment_id == orders.deployment
    (deployment,) = api.deployments
    assert deployment.id == orders.deployment and deployment.routes is not None
    served = {r.key: r for r in deployment.routes}
    current = {r.key: r for r in api.routes}
    assert set(served) == DEPLOYED and set(current) == DEPLOYED | {"POST /orders"}
    for key, route in served.items():  # the export's routes keep the current route's target and authorizer
        assert (route.authorization_type, route.authorizer_id, route.target) == (
            current[key].authorization_type,
            current[key].authorizer_id,
            current[key].target,
        ), key


def test_a_route_added_after_the_deployment_is_not_deployed(sandbox: Sandbox, orders: Orders) -> None:
    routes = {r["RouteKey"]: r["RouteId"] for r in orders.v2.get_routes(ApiId=orders.api_id)["Items"]}
    orders.v2.delete_route(ApiId=orders.api_id, RouteId=routes["$default"])  # it would catch the new route
    orders.v2.create_deployment(ApiId=orders.api_id, StageName="prod")
    orders.route("POST /orders", orders.http)
    base = f"{orders.endpoint}/prod/orders"
    added = Request.from_url("POST", base)
    outcome = diagnose(added, _live(sandbox).world_for_request(added))
    assert outcome.verdict == "NOT_DEPLOYED" and outcome.fails
    deployed = Request.from_url("GET", base)
    assert diagnose(deployed, _live(sandbox).world_for_request(deployed)).verdict == "MATCHED"

    orders.v2.create_deployment(ApiId=orders.api_id, StageName="prod")
    assert diagnose(added, _live(sandbox).world_for_request(added)).verdict == "MATCHED"


# -- install / uninstall --------------------------------------------------------------------------------------
def test_uninstall_removes_export_api(sandbox: Sandbox) -> None:
    from moto.apigatewayv2 import urls
    from moto.apigatewayv2.responses import ApiGatewayV2Response

    exports = v2deploy.ROUTES[-1]
    assert "exports" in exports and exports in urls.url_paths
    assert ApiGatewayV2Response.export_api.__module__ == v2deploy.__name__
    apisummary.install()  # again: nothing changes
    assert ApiGatewayV2Response.export_api.__module__ == v2deploy.__name__
    try:
        apisummary.uninstall()
        assert "export_api" not in vars(ApiGatewayV2Response) and exports not in urls.url_paths
    finally:
        apisummary.install()
    assert ApiGatewayV2Response.export_api.__module__ == v2deploy.__name__
