"""OpenAPI 3 and Swagger 2 files -> the model: examples, basePath modes, HTTP detection, security, extensions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from apigw_doctor.model import HttpApi, Method, Origin, RestApi
from apigw_doctor.sources import load

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
HOST = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"


def write(tmp_path: Path, doc: dict[str, object], name: str = "api.json") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False) if name.endswith((".yaml", ".yml")) else json.dumps(doc))
    return str(path)


def oas3(paths: dict[str, object], url: str | None = f"{HOST}/prod", **extra: object) -> dict[str, object]:
    doc: dict[str, object] = {"openapi": "3.0.1", "info": {"title": "Pet Store", "version": "1"}, "paths": paths}
    if url is not None:
        doc["servers"] = [{"url": url}]
    doc.update(extra)
    return doc


def one_api(path: str, **kw: str) -> RestApi | HttpApi:
    world = load([path], **kw)
    assert len(world.apis) == 1
    return world.apis[0]


def rest(path: str, **kw: str) -> RestApi:
    api = one_api(path, **kw)
    assert isinstance(api, RestApi)
    return api


def http(path: str, **kw: str) -> HttpApi:
    api = one_api(path, **kw)
    assert isinstance(api, HttpApi)
    return api


def method(api: RestApi, path: str, verb: str) -> Method:
    resource = api.resource(path)
    assert resource is not None, path
    found = resource.method(verb)
    assert found is not None, f"{verb} {path}"
    return found


# -- the bundled examples ------------------------------------------------------------------------------


def test_petstore_oas30_export() -> None:
    path = str(EXAMPLES / "petstore-rest-oas30.json")
    api = rest(path)
    assert (api.id, api.region, api.name, api.id_known) == ("a1b2c3d4e5", "eu-west-1", "petstore", True)
    assert {r.path: r.method_names for r in api.resources} == {
        "/": (),
        "/admin": (),
        "/admin/reports": ("GET",),
        "/app": (),
        "/app/{proxy+}": ("ANY",),
        "/files": (),
        "/files/{proxy+}": ("ANY",),
        "/orders": ("POST",),
        "/pets": ("GET", "POST"),
        "/pets/{petId}": ("DELETE", "GET"),
    }
    table = {
        ("/pets", "GET"): ("NONE", False, "AWS_PROXY", None),
        ("/pets", "POST"): ("NONE", False, "AWS_PROXY", None),
        ("/pets/{petId}", "GET"): ("NONE", False, "AWS_PROXY", None),
        ("/pets/{petId}", "DELETE"): ("AWS_IAM", False, "AWS_PROXY", None),
        ("/orders", "POST"): ("NONE", True, "AWS_PROXY", None),
        ("/admin/reports", "GET"): ("COGNITO_USER_POOLS", False, "MOCK", "admins-cognito"),
        ("/files/{proxy+}", "ANY"): ("NONE", False, "HTTP_PROXY", None),
        ("/app/{proxy+}", "ANY"): ("NONE", False, "HTTP_PROXY", None),
    }
    for (p, verb), expected in table.items():
        m = method(api, p, verb)
        assert (m.authorization_type, m.api_key_required, m.integration_type, m.authorizer_id) == expected, (p, verb)
    assert method(api, "/app/{proxy+}", "ANY").integration_uri == "https://frontend.example.com/app/{proxy}"
    assert method(api, "/pets/{petId}", "DELETE").origin == Origin(path, "/paths/~1pets~1{petId}/delete")
    assert (
        method(api, "/files/{proxy+}", "ANY").origin.pointer
        == "/paths/~1files~1{proxy+}/x-amazon-apigateway-any-method"
    )
    assert api.resource("/pets/{petId}").origin == Origin(path, "/paths/~1pets~1{petId}")  # type: ignore[union-attr]
    assert api.resource("/app").origin.pointer == "/paths/~1app~1{proxy+}"  # type: ignore[union-attr]
    # the stage from the export, and its deployment
    assert [(s.name, s.deployment_id) for s in api.stages] == [("prod", "export")]
    assert api.stages[0].origin == Origin(path, "/servers/0")
    assert api.stages_known
    deployment = api.deployment("export")
    assert deployment is not None and deployment.resources == api.resources
    assert any("export of stage 'prod'" in n and "working copy" in n for n in api.notes)
    # authorizer, gateway responses, key source
    (authorizer,) = api.authorizers
    assert (authorizer.id, authorizer.type, authorizer.identity_sources) == (
        "admins-cognito",
        "COGNITO_USER_POOLS",
        ("method.request.header.Authorization",),
    )
    assert authorizer.origin.pointer == "/components/securitySchemes/admins-cognito"
    (response,) = api.gateway_responses
    assert response.type == "DEFAULT_4XX" and response.status is None
    assert response.headers == (("Access-Control-Allow-Origin", "'*'"),)
    assert response.templates == (("application/json", '{"message":$context.error.messageString}'),)
    assert response.origin.pointer == "/x-amazon-apigateway-gateway-responses/DEFAULT_4XX"
    assert (api.api_key_source, api.endpoint_type, api.disable_execute_api_endpoint) == ("HEADER", "EDGE", False)


def test_swagger2_yaml_export() -> None:
    path = str(EXAMPLES / "petstore-rest-swagger.yaml")
    api = rest(path)
    assert (api.id, api.region, api.name) == ("k9x8w7v6u5", "us-west-2", "bookshop")
    assert [(s.name, s.deployment_id) for s in api.stages] == [("dev", "export")]
    assert api.stages[0].origin == Origin(path, "/basePath")
    assert [r.path for r in api.resources] == ["/", "/books", "/books/{bookId}", "/health"]
    get = method(api, "/books/{bookId}", "GET")
    assert (get.authorization_type, get.authorizer_id) == ("CUSTOM", "reader-token")
    assert method(api, "/books/{bookId}", "PUT").authorization_type == "AWS_IAM"
    assert method(api, "/health", "GET").integration_type == "MOCK"
    (authorizer,) = api.authorizers
    assert (authorizer.type, authorizer.identity_sources) == ("TOKEN", ("method.request.header.Authorization",))
    assert authorizer.origin.pointer == "/securityDefinitions/reader-token"
    (response,) = api.gateway_responses
    assert (response.type, response.status) == ("MISSING_AUTHENTICATION_TOKEN", 404)


def test_http_api_export() -> None:
    path = str(EXAMPLES / "orders-http-oas30.json")
    api = http(path)
    assert (api.id, api.region, api.name) == ("h7k2m9p4q1", "us-east-1", "orders-http")
    assert [(r.key, r.authorization_type, r.authorizer_id) for r in api.routes] == [
        ("GET /orders", "NONE", None),
        ("POST /orders", "JWT", "orders-jwt"),
        ("GET /orders/{id}", "NONE", None),
        ("ANY /orders/{proxy+}", "NONE", None),
    ]
    assert api.routes[1].origin == Origin(path, "/paths/~1orders/post")
    assert api.routes[0].target is not None and api.routes[0].target.endswith("function:orders-list/invocations")
    assert [(s.name, s.deployment_id) for s in api.stages] == [("$default", "export")]
    deployment = api.deployment("export")
    assert deployment is not None and deployment.routes == api.routes
    (authorizer,) = api.authorizers
    assert (authorizer.id, authorizer.type, authorizer.identity_sources) == (
        "orders-jwt",
        "JWT",
        ("$request.header.Authorization",),
    )
    assert api.cors is not None
    assert api.cors.allow_origins == ("https://shop.example.com",)
    assert api.cors.allow_methods == ("GET", "OPTIONS", "POST")
    assert api.cors.allow_headers == ("authorization", "content-type")


def test_examples_merge_into_one_world() -> None:
    world = load([str(EXAMPLES / n) for n in ("petstore-rest-oas30.json", "orders-http-oas30.json", "world.json")])
    assert [(a.kind, a.id) for a in world.apis] == [
        ("REST", "a1b2c3d4e5"),
        ("HTTP", "h7k2m9p4q1"),
        ("REST", "a1b2c3d4e5"),
        ("HTTP", "q8w7e6r5t4"),
    ]
    assert [d.name for d in world.domains] == ["api.example.com", "legacy.example.com"]
    assert any("a1b2c3d4e5" in n and "first one" in n for n in world.notes)


# -- basePath modes ------------------------------------------------------------------------------------

PATHS = {"/": {"get": {}}, "/pets": {"get": {}}}


@pytest.mark.parametrize("swagger", [False, True], ids=["oas3", "swagger2"])
@pytest.mark.parametrize(
    ("mode", "stage", "paths"),
    [
        ("split", "prod", ["/", "/v1", "/v1/pets"]),
        ("prepend", None, ["/", "/prod", "/prod/v1", "/prod/v1/pets"]),
        ("ignore", None, ["/", "/pets"]),
    ],
)
def test_basepath_modes(tmp_path: Path, swagger: bool, mode: str, stage: str | None, paths: list[str]) -> None:
    if swagger:
        doc: dict[str, object] = {
            "swagger": "2.0",
            "info": {"title": "t"},
            "host": "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com",
            "basePath": "/prod/v1",
            "paths": PATHS,
        }
    else:
        doc = oas3(PATHS, f"{HOST}/prod/v1")
    api = rest(write(tmp_path, doc), basepath_mode=mode)
    assert [r.path for r in api.resources] == paths
    assert [s.name for s in api.stages] == ([stage] if stage else [])
    assert api.stages_known is (stage is not None)
    if stage is None:
        assert api.deployments == ()
        assert any("names no stage" in n for n in api.notes)
    else:
        assert [d.id for d in api.deployments] == ["export"]
    root_methods = {r.path: r.method_names for r in api.resources}
    assert root_methods[{"split": "/v1", "prepend": "/prod/v1", "ignore": "/"}[mode]] == ("GET",)


@pytest.mark.parametrize("default", ["/prod", "prod", "prod/"])
def test_basepath_variable_default(tmp_path: Path, default: str) -> None:
    doc = oas3(PATHS, f"{HOST}/{{basePath}}")
    doc["servers"] = [{"url": f"{HOST}/{{basePath}}", "variables": {"basePath": {"default": default}}}]
    api = rest(write(tmp_path, doc))
    assert [s.name for s in api.stages] == ["prod"]
    assert [r.path for r in api.resources] == ["/", "/pets"]


@pytest.mark.parametrize(
    ("url", "title", "name", "expected"),
    [
        ("https://api.example.com/v1", "Pet Store (v2)", "a.json", ("pet-store-v2", "us-east-1", False)),
        (None, None, "orders-api.yaml", ("orders-api", "us-east-1", False)),
        ("https://x1y2z3.execute-api.ap-southeast-2.amazonaws.com/", "t", "a.json", ("x1y2z3", "ap-southeast-2", True)),
        (
            "https://x1y2z3-vpce-0abc123.execute-api.eu-central-1.amazonaws.com/p",
            "t",
            "a.json",
            ("x1y2z3", "eu-central-1", True),
        ),
    ],
)
def test_api_identity(
    tmp_path: Path, url: str | None, title: str | None, name: str, expected: tuple[str, str, bool]
) -> None:
    doc = oas3(PATHS, url)
    doc["info"] = {"version": "1"} if title is None else {"title": title}
    api = rest(write(tmp_path, doc, name))
    assert (api.id, api.region, api.id_known) == expected
    assert any("no execute-api server URL" in n for n in api.notes) is (not expected[2])


def test_no_server_means_stage_unknown(tmp_path: Path) -> None:
    api = rest(write(tmp_path, oas3(PATHS, None)))
    assert (api.stages, api.stages_known, api.deployments) == ((), False, ())
    assert [r.path for r in api.resources] == ["/", "/pets"]


# -- REST or HTTP --------------------------------------------------------------------------------------

HTTP_INTEGRATION = {"type": "aws_proxy", "payloadFormatVersion": "2.0", "uri": "arn:aws:lambda:fn"}
JWT_SCHEMES = {
    "securitySchemes": {
        "jwt": {"type": "oauth2", "x-amazon-apigateway-authorizer": {"type": "jwt", "jwtConfiguration": {}}}
    }
}


@pytest.mark.parametrize(
    ("extra", "paths", "kind", "expected"),
    [
        ({}, {"/a": {"get": {}}}, None, "REST"),
        ({"x-amazon-apigateway-importexport-version": "1.0"}, {"/a": {"get": {}}}, None, "HTTP"),
        ({"x-amazon-apigateway-cors": {"allowOrigins": ["*"]}}, {"/a": {"get": {}}}, None, "HTTP"),
        ({}, {"/a": {"get": {"x-amazon-apigateway-integration": HTTP_INTEGRATION}}}, None, "HTTP"),
        ({"components": JWT_SCHEMES}, {"/a": {"get": {}}}, None, "HTTP"),
        ({}, {"/a": {"get": {}}}, "HTTP", "HTTP"),
        ({}, {"/a": {"get": {}}}, "http", "HTTP"),
        ({"x-amazon-apigateway-importexport-version": "1.0"}, {"/a": {"get": {}}}, "REST", "REST"),
    ],
)
def test_http_detection(
    tmp_path: Path, extra: dict[str, object], paths: dict[str, object], kind: str | None, expected: str
) -> None:
    api = one_api(write(tmp_path, oas3(paths, f"{HOST}/", **extra)), api_kind=kind)  # type: ignore[arg-type]
    assert api.kind == expected


def test_http_routes_and_stages(tmp_path: Path) -> None:
    doc = oas3(
        {
            "/$default": {"x-amazon-apigateway-any-method": {}},
            "/pets/{proxy+}": {"x-amazon-apigateway-any-method": {}, "parameters": []},
            "/pets": {"get": {}, "summary": "ignored", "x-foo": 1, "trace": {}},
        },
        f"{HOST}/dev",
        **{"x-amazon-apigateway-importexport-version": "1.0"},
    )
    path = write(tmp_path, doc)
    api = http(path)
    assert [r.key for r in api.routes] == ["$default", "ANY /pets/{proxy+}", "GET /pets"]
    assert [s.name for s in api.stages] == ["dev"]
    prepended = http(path, basepath_mode="prepend")
    assert [r.key for r in prepended.routes] == ["$default", "ANY /dev/pets/{proxy+}", "GET /dev/pets"]
    assert (prepended.stages, prepended.stages_known) == ((), False)


@pytest.mark.parametrize("base", ["", "/", None])
def test_http_default_stage(tmp_path: Path, base: str | None) -> None:
    doc = oas3({"/a": {"get": {}}}, None if base is None else HOST + base, **{"x-amazon-apigateway-cors": {}})
    assert [s.name for s in http(write(tmp_path, doc)).stages] == ["$default"]


# -- security ------------------------------------------------------------------------------------------

SCHEMES: dict[str, object] = {
    "sigv4": {"type": "apiKey", "name": "Authorization", "in": "header"},
    "iam": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"},
    "key": {"type": "apiKey", "name": "X-API-Key", "in": "header"},
    "tok": {
        "type": "apiKey",
        "name": "X-Token",
        "in": "header",
        "x-amazon-apigateway-authtype": "custom",
        "x-amazon-apigateway-authorizer": {"type": "token", "authorizerUri": "arn"},
    },
    "req": {
        "type": "apiKey",
        "name": "Unused",
        "in": "header",
        "x-amazon-apigateway-authorizer": {
            "type": "request",
            "identitySource": "method.request.header.Auth, method.request.querystring.tenant",
        },
    },
    "pool": {
        "type": "apiKey",
        "name": "Authorization",
        "in": "header",
        "x-amazon-apigateway-authtype": "cognito_user_pools",
        "x-amazon-apigateway-authorizer": {"providerARNs": ["arn:pool"]},
    },
    "basic": {"type": "http", "scheme": "basic"},
}


@pytest.mark.parametrize(
    ("top", "op", "expected"),
    [
        (None, {}, ("NONE", None, False)),
        ([{"iam": []}], {}, ("AWS_IAM", None, False)),
        ([{"iam": []}], {"security": []}, ("NONE", None, False)),
        ([{"iam": []}], {"security": [{"key": []}]}, ("NONE", None, True)),
        (None, {"security": [{"sigv4": []}]}, ("AWS_IAM", None, False)),
        (None, {"security": [{"key": []}, {"iam": []}]}, ("AWS_IAM", None, True)),
        (None, {"security": [{"key": [], "tok": []}]}, ("CUSTOM", "tok", True)),
        (None, {"security": [{"req": []}]}, ("CUSTOM", "req", False)),
        (None, {"security": [{"pool": ["scope/read"]}]}, ("COGNITO_USER_POOLS", "pool", False)),
        (None, {"security": [{"basic": []}]}, ("NONE", None, False)),
        (None, {"x-amazon-apigateway-auth": {"type": "AWS_IAM"}}, ("AWS_IAM", None, False)),
        ([{"tok": []}], {"x-amazon-apigateway-auth": {"type": "aws_iam"}}, ("AWS_IAM", None, False)),
        ([{"key": []}], {"x-amazon-apigateway-auth": {"type": "NONE"}}, ("NONE", None, True)),
    ],
)
def test_security_precedence(
    tmp_path: Path, top: list[object] | None, op: dict[str, object], expected: tuple[str, str | None, bool]
) -> None:
    extra: dict[str, object] = {"components": {"securitySchemes": SCHEMES}}
    if top is not None:
        extra["security"] = top
    api = rest(write(tmp_path, oas3({"/a": {"get": op}}, **extra)))
    m = method(api, "/a", "GET")
    assert (m.authorization_type, m.authorizer_id, m.api_key_required) == expected


def test_authorizers_from_schemes(tmp_path: Path) -> None:
    api = rest(write(tmp_path, oas3({"/a": {"get": {}}}, components={"securitySchemes": SCHEMES})))
    assert [(a.id, a.type, a.identity_sources) for a in api.authorizers] == [
        ("tok", "TOKEN", ("method.request.header.X-Token",)),
        ("req", "REQUEST", ("method.request.header.Auth", "method.request.querystring.tenant")),
        ("pool", "COGNITO_USER_POOLS", ("method.request.header.Authorization",)),
    ]


def test_several_authorization_schemes_keep_the_first_and_say_so(tmp_path: Path) -> None:
    doc = oas3({"/a": {"get": {"security": [{"tok": []}, {"iam": []}]}}}, components={"securitySchemes": SCHEMES})
    api = rest(write(tmp_path, doc))
    assert method(api, "/a", "GET").authorization_type == "CUSTOM"
    assert "GET /a lists several authorization schemes (tok, iam); API Gateway applies one: tok" in api.notes


def test_http_authorizers(tmp_path: Path) -> None:
    schemes = {
        "jwt": {"type": "oauth2", "x-amazon-apigateway-authorizer": {"type": "jwt"}},
        "lam": {
            "type": "apiKey",
            "name": "Authorization",
            "in": "header",
            "x-amazon-apigateway-authorizer": {"type": "request", "identitySource": ["$request.header.X"]},
        },
        "sigv4": {
            "type": "apiKey",
            "name": "Authorization",
            "in": "header",
            "x-amazon-apigateway-authtype": "awsSigv4",
        },
        "key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
    }
    paths = {
        "/j": {"get": {"security": [{"jwt": []}]}},
        "/l": {"get": {"security": [{"lam": []}]}},
        "/i": {"get": {"security": [{"sigv4": []}]}},
        "/k": {"get": {"security": [{"key": []}]}},
    }
    api = http(write(tmp_path, oas3(paths, f"{HOST}/", components={"securitySchemes": schemes})))
    assert [(r.key, r.authorization_type, r.authorizer_id, r.api_key_required) for r in api.routes] == [
        ("GET /j", "JWT", "jwt", False),
        ("GET /l", "CUSTOM", "lam", False),
        ("GET /i", "AWS_IAM", None, False),
        ("GET /k", "NONE", None, False),
    ]
    assert [(a.id, a.type, a.identity_sources) for a in api.authorizers] == [
        ("jwt", "JWT", ("$request.header.Authorization",)),
        ("lam", "REQUEST", ("$request.header.X",)),
    ]


# -- extensions and references -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "config", "expected"),
    [
        ("server", {"disableExecuteApiEndpoint": True}, ("EDGE", True, ())),
        ("root", {"vpcEndpointIds": ["vpce-0a1b"]}, ("PRIVATE", False, ("vpce-0a1b",))),
        ("root", {"types": ["REGIONAL"]}, ("REGIONAL", False, ())),
        ("server", {"types": ["private"], "disableExecuteApiEndpoint": False}, ("PRIVATE", False, ())),
    ],
)
def test_endpoint_configuration(
    tmp_path: Path, where: str, config: dict[str, object], expected: tuple[str, bool, tuple[str, ...]]
) -> None:
    doc = oas3({"/a": {"get": {}}})
    if where == "server":
        doc["servers"] = [{"url": f"{HOST}/prod", "x-amazon-apigateway-endpoint-configuration": config}]
    else:
        doc["x-amazon-apigateway-endpoint-configuration"] = config
    api = rest(write(tmp_path, doc))
    assert (api.endpoint_type, api.disable_execute_api_endpoint, api.vpc_endpoint_ids) == expected


def test_api_key_source_and_gateway_response_status(tmp_path: Path) -> None:
    doc = oas3(
        {"/a": {"get": {}}},
        **{
            "x-amazon-apigateway-api-key-source": "AUTHORIZER",
            "x-amazon-apigateway-gateway-responses": {
                "MISSING_AUTHENTICATION_TOKEN": {
                    "statusCode": "404",
                    "responseParameters": {"gatewayresponse.header.X-Why": "'route'", "other.x": "v"},
                },
                "ACCESS_DENIED": {"statusCode": 403},
            },
        },
    )
    api = rest(write(tmp_path, doc))
    assert api.api_key_source == "AUTHORIZER"
    assert [(g.type, g.status, g.headers, g.templates) for g in api.gateway_responses] == [
        ("MISSING_AUTHENTICATION_TOKEN", 404, (("X-Why", "'route'"), ("other.x", "v")), ()),
        ("ACCESS_DENIED", 403, (), ()),
    ]


def test_local_refs_are_followed(tmp_path: Path) -> None:
    doc = oas3(
        {"/a": {"$ref": "#/components/x-items/a"}},
        components={
            "x-items": {
                "a": {
                    "get": {
                        "security": [{"auth": []}],
                        "x-amazon-apigateway-integration": {"$ref": "#/components/x-int/mock"},
                    }
                }
            },
            "x-int": {"mock": {"type": "mock"}},
            "securitySchemes": {"auth": {"$ref": "#/components/x-schemes/iam"}},
            "x-schemes": {"iam": SCHEMES["iam"]},
        },
    )
    path = write(tmp_path, doc)
    api = rest(path)
    m = method(api, "/a", "GET")
    assert (m.authorization_type, m.integration_type) == ("AWS_IAM", "MOCK")
    assert m.origin == Origin(path, "/components/x-items/a/get")


def test_yaml_and_json_give_the_same_api(tmp_path: Path) -> None:
    doc = json.loads((EXAMPLES / "petstore-rest-oas30.json").read_text())
    from_json = rest(write(tmp_path, doc, "a.json"))
    from_yaml = rest(write(tmp_path, doc, "a.yaml"))
    assert from_json != from_yaml  # the origins name different files
    assert from_yaml.origin == Origin(str(tmp_path / "a.yaml"), "")

    def summary(api: RestApi) -> list[tuple[str, tuple[tuple[str, str, bool, str | None], ...]]]:
        return [
            (
                r.path,
                tuple((m.http_method, m.authorization_type, m.api_key_required, m.integration_type) for m in r.methods),
            )
            for r in api.resources
        ]

    assert summary(from_json) == summary(from_yaml)
    assert from_json.gateway_responses[0].headers == from_yaml.gateway_responses[0].headers


def test_yaml_content_in_a_json_named_file(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text("openapi: 3.0.1\ninfo: {title: t}\npaths:\n  /a:\n    get: {}\n")
    assert [r.path for r in rest(str(path)).resources] == ["/", "/a"]


def test_unquoted_yaml_versions(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("swagger: 2.0\ninfo: {title: t}\nbasePath: /live\npaths:\n  /a:\n    get: {}\n")
    api = rest(str(path))
    assert [s.name for s in api.stages] == ["live"]
