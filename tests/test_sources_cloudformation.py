"""CloudFormation templates -> the model: the bundled example, Body definitions, HTTP APIs, domains, intrinsics,
line numbers, errors, a 10,000-resource template, and `diagnose --source template.yaml` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from apigw_doctor.cli import main
from apigw_doctor.errors import InputError
from apigw_doctor.model import HttpApi, Method, Origin, RestApi, World
from apigw_doctor.sources import detect_kind, load, read_document
from apigw_doctor.sources.cloudformation import read_template
from apigw_doctor.sources.cloudformation.intrinsics import Resolver
from apigw_doctor.sources.cloudformation.template import parse_template
from apigw_doctor.sources.cloudformation.values import ResourceRef, Symbolic
from apigw_doctor.sources.validate import ImpossibleTree

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "examples" / "template-cfn.yaml")
DATA = ROOT / "tests" / "data" / "cfn"
HOST = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"


def rest(world: World, api_id: str) -> RestApi:
    api = world.api(api_id)
    assert isinstance(api, RestApi), api_id
    return api


def method(api: RestApi, path: str, verb: str) -> Method:
    resource = api.resource(path)
    assert resource is not None, path
    found = resource.method(verb)
    assert found is not None, f"{verb} {path}"
    return found


def line_of(path: str | Path, text: str) -> int:
    """The 1-based line of the first line of ``path`` containing ``text``."""
    for number, line in enumerate(Path(path).read_text().splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def write(tmp_path: Path, text: str, name: str = "template.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def api_template(resources: dict[str, object], **extra: object) -> dict[str, object]:
    doc: dict[str, object] = {"AWSTemplateFormatVersion": "2010-09-09"}
    doc.update(extra)
    doc["Resources"] = {"Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "t"}}, **resources}
    return doc


def resource(part: str, parent: object = None) -> dict[str, object]:
    parent = parent or {"Fn::GetAtt": ["Api", "RootResourceId"]}
    return {
        "Type": "AWS::ApiGateway::Resource",
        "Properties": {"RestApiId": {"Ref": "Api"}, "ParentId": parent, "PathPart": part},
    }


def get_method(resource_id: object, **props: object) -> dict[str, object]:
    return {
        "Type": "AWS::ApiGateway::Method",
        "Properties": {
            "RestApiId": {"Ref": "Api"},
            "ResourceId": resource_id,
            "HttpMethod": "GET",
            "AuthorizationType": "NONE",
            "Integration": {"Type": "MOCK"},
            **props,
        },
    }


# -- the bundled example: a classic REST API, resource by resource ------------------------------------------


def test_classic_rest_api_example() -> None:
    world = load([EXAMPLE])
    api = rest(world, "PetsApi")
    assert (api.name, api.region, api.endpoint_type, api.id_known, api.source_kind) == (
        "pets",
        "us-east-1",
        "REGIONAL",
        False,
        "cloudformation",
    )
    assert api.origin == Origin(EXAMPLE, "/Resources/PetsApi", line_of(EXAMPLE, "  PetsApi:"))
    # the working copy: a {proxy+} beside a root without a method
    assert {r.path: r.method_names for r in api.resources} == {
        "/": (),
        "/pets": ("GET", "POST"),
        "/pets/{petId}": ("DELETE", "GET"),
        "/{proxy+}": ("ANY",),
    }
    table = {
        ("/pets", "GET"): ("ListPets", "NONE", False, "MOCK", None),
        ("/pets", "POST"): ("AddPet", "NONE", True, "MOCK", None),
        ("/pets/{petId}", "GET"): ("GetPet", "NONE", False, "MOCK", None),
        ("/pets/{petId}", "DELETE"): ("DeletePet", "AWS_IAM", False, "MOCK", None),
        ("/{proxy+}", "ANY"): ("ProxyAny", "NONE", False, "HTTP_PROXY", "${BackendUrl}/{proxy}"),
    }
    for (path, verb), (logical_id, auth, key, integration, uri) in table.items():
        m = method(api, path, verb)
        assert (m.authorization_type, m.api_key_required, m.integration_type, m.integration_uri) == (
            auth,
            key,
            integration,
            uri,
        )
        assert m.origin == Origin(EXAMPLE, f"/Resources/{logical_id}", line_of(EXAMPLE, f"  {logical_id}:"))
    assert api.resource("/pets/{petId}").origin.pointer == "/Resources/PetResource"  # type: ignore[union-attr]
    assert api.resource("/").origin == api.origin  # type: ignore[union-attr]
    # the deployment depends on every method but AddPet: POST /pets is not in its snapshot
    (deployment,) = api.deployments
    assert deployment.id == "PetsDeployment" and deployment.description == "first deployment"
    assert {r.path: r.method_names for r in deployment.resources or ()} == {
        "/": (),
        "/pets": ("GET",),
        "/pets/{petId}": ("DELETE", "GET"),
        "/{proxy+}": ("ANY",),
    }
    (stage,) = api.stages
    assert (stage.name, stage.deployment_id, stage.variables) == (
        "prod",
        "PetsDeployment",
        (("backend", "${BackendUrl}"),),
    )
    assert stage.origin.line == line_of(EXAMPLE, "  ProdStage:")
    assert api.stages_known
    (response,) = api.gateway_responses
    assert (response.type, response.status, response.headers) == (
        "MISSING_AUTHENTICATION_TOKEN",
        404,
        (("Access-Control-Allow-Origin", "'*'"),),
    )
    assert response.templates == (("application/json", '{"message": "no such route: $context.path"}'),)
    notes = "\n".join(api.notes)
    assert "PetsApi is read from a template" in notes
    assert "does not depend on POST /pets" in notes and "add it to its DependsOn" in notes
    assert "only when a Deployment's logical id or properties change" in notes
    # custom domains: a base path mapped to the stage, and a (none) mapping without a stage
    assert [
        (d.name, d.endpoint_type, [(m.base_path, m.api_id, m.stage, m.source) for m in d.mappings])
        for d in world.domains
    ] == [
        ("api.example.com", "REGIONAL", [("v1", "PetsApi", "prod", "v1")]),
        ("legacy.example.com", "REGIONAL", [("", "PetsApi", None, "v1")]),
    ]
    assert world.domains[1].mappings[0].origin.line == line_of(EXAMPLE, "  LegacyMapping:")


def test_template_is_a_typed_list_of_resources() -> None:
    template = read_template(EXAMPLE)
    assert template is not None and not template.is_sam
    deployment = template.resource("PetsDeployment")
    assert deployment is not None
    assert (deployment.type, deployment.depends_on, deployment.condition) == (
        "AWS::ApiGateway::Deployment",
        ("ListPets", "GetPet", "DeletePet", "ProxyAny"),
        None,
    )
    assert deployment.properties == {"RestApiId": {"Ref": "PetsApi"}, "Description": "first deployment"}
    assert deployment.origin == Origin(EXAMPLE, "/Resources/PetsDeployment", line_of(EXAMPLE, "  PetsDeployment:"))
    assert template.origin(deployment, "/Properties/Description").line == line_of(EXAMPLE, "Description: first")
    assert [r.logical_id for r in template.of_type("AWS::ApiGateway::Method")] == [
        "ListPets",
        "AddPet",
        "GetPet",
        "DeletePet",
        "ProxyAny",
    ]
    assert template.resource("ProxyAny").properties["Integration"]["Uri"] == {  # type: ignore[index,union-attr]
        "Fn::Sub": "${BackendUrl}/{proxy}"
    }


def test_detect_kind_and_non_templates(tmp_path: Path) -> None:
    json_template = write(tmp_path, json.dumps(api_template({})), "t.json")
    assert detect_kind(read_document(json_template)) == "cloudformation"
    sam = write(tmp_path, json.dumps({"Transform": "AWS::Serverless-2016-10-31", "Resources": {}}), "s.json")
    assert detect_kind(read_document(sam)) == "sam"
    bare = write(tmp_path, json.dumps({"Resources": {"X": {"Type": "AWS::SNS::Topic"}}}), "b.json")
    assert detect_kind(read_document(bare)) == "cloudformation"
    assert read_template(write(tmp_path, "openapi: 3.0.1\npaths: {}\n", "o.yaml")) is None
    assert read_template(write(tmp_path, 'resource "aws_api_gateway_rest_api" "x" {\n}\n', "main.tf")) is None
    world = load([write(tmp_path, json.dumps({"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}), "sns.json")])
    assert world.apis == () and any("creates no API Gateway" in n for n in world.notes)


# -- Body, BodyS3Location ----------------------------------------------------------------------------------


def test_rest_api_from_an_inline_body_in_json() -> None:
    path = str(DATA / "rest-body.json")
    api = rest(load([path]), "BooksApi")
    assert (api.name, api.endpoint_type) == ("books", "REGIONAL")
    assert {r.path: r.method_names for r in api.resources} == {
        "/": (),
        "/books": ("GET",),
        "/books/{id}": ("DELETE", "GET"),
    }
    get = method(api, "/books", "GET")
    assert get.integration_uri == (
        "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${FunctionArn}/invocations"
    )
    assert get.origin == Origin(path, "/Resources/BooksApi/Properties/Body/paths/~1books/get", 18)
    assert method(api, "/books/{id}", "GET").api_key_required
    assert method(api, "/books/{id}", "DELETE").authorization_type == "AWS_IAM"
    assert api.origin == Origin(path, "/Resources/BooksApi", line_of(path, '"BooksApi": {'))
    # the stage the deployment names, from a parameter's default; its StageDescription variables
    (stage,) = api.stages
    assert (stage.name, stage.deployment_id, stage.variables) == ("v1", "BooksDeployment", (("color", "blue"),))
    assert stage.origin == Origin(path, "/Resources/BooksDeployment/Properties/StageName", line_of(path, '"StageName"'))
    (deployment,) = api.deployments
    assert deployment.resources == api.resources
    # the template's GatewayResponse replaces the definition's
    (response,) = api.gateway_responses
    assert (response.type, response.status, response.headers) == ("DEFAULT_4XX", 404, ())
    assert not any("no DependsOn" in n for n in api.notes)


def test_body_s3_location_local_file_and_s3() -> None:
    path = str(DATA / "rest-body-file.yaml")
    world = load([path])
    local, remote = rest(world, "LocalApi"), rest(world, "RemoteApi")
    body = str(DATA / "books-openapi.yaml")
    assert {r.path: r.method_names for r in local.resources} == {
        "/": (),
        "/books": ("GET",),
        "/books/{proxy+}": ("ANY",),
    }
    assert method(local, "/books/{proxy+}", "ANY").origin == Origin(
        body, "/paths/~1books~1{proxy+}/x-amazon-apigateway-any-method", 11
    )
    assert local.stages == () and local.stages_known
    assert {r.path for r in remote.resources} == {"/"}
    assert any("s3://my-artifacts/openapi/remote.yaml, which cannot be read offline" in n for n in remote.notes)


FOREIGN = '"Foreign": {'


def test_what_cannot_be_read_is_noted(tmp_path: Path) -> None:
    include = {"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://bucket/openapi.yaml"}}}
    doc = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Included": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": include}},
            "Cloned": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"CloneFrom": "a1b2c3d4e5"}},
            "Foreign": get_method({"Fn::ImportValue": "root-id"}, RestApiId={"Fn::ImportValue": "shared-api"}),
        },
    }
    path = write(tmp_path, json.dumps(doc, indent=1), "t.json")
    world = load([path])
    included, cloned = rest(world, "Included"), rest(world, "Cloned")
    assert [r.path for r in included.resources] == ["/"]
    assert any("the Body of Included is !Transform" in n and "macro" in n for n in included.notes)
    assert any("Cloned is cloned from another API" in n for n in cloned.notes)
    where = f"{path}:{line_of(path, FOREIGN)}#/Resources/Foreign"
    assert any(
        n.startswith(f"{where}: Foreign (AWS::ApiGateway::Method)")
        and 'belongs to the API !ImportValue "shared-api"' in n
        for n in world.notes
    )


# -- HTTP APIs, v2 domains ------------------------------------------------------------------------------------


def test_http_api_routes_stages_domain() -> None:
    path = str(DATA / "http-api.yaml")
    world = load([path])
    api = world.api("OrdersApi")
    assert isinstance(api, HttpApi)
    assert (api.name, api.disable_execute_api_endpoint, api.source_kind) == ("orders", False, "cloudformation")
    assert [(r.key, r.authorization_type, r.authorizer_id, r.target) for r in api.routes] == [
        ("GET /orders", "NONE", None, "integrations/${OrdersIntegration}"),
        ("GET /orders/{id}", "JWT", "JwtAuthorizer", "integrations/${OrdersIntegration}"),
        ("$default", "NONE", None, "integrations/${OrdersIntegration}"),
    ]
    assert api.routes[1].origin == Origin(path, "/Resources/GetOrder", line_of(path, "  GetOrder:"))
    (authorizer,) = api.authorizers
    assert (authorizer.id, authorizer.name, authorizer.type, authorizer.identity_sources) == (
        "JwtAuthorizer",
        "cognito",
        "JWT",
        ("$request.header.Authorization",),
    )
    assert api.cors is not None and api.cors.allow_origins == ("https://shop.example.com",)
    assert [(s.name, s.deployment_id, s.auto_deploy, s.variables) for s in api.stages] == [
        ("prod", "FirstDeployment", False, (("table", "orders-prod"),)),
        ("$default", None, True, ()),
    ]
    (deployment,) = api.deployments
    assert [r.key for r in deployment.routes or ()] == ["GET /orders", "GET /orders/{id}"]
    assert any("does not depend on $default" in n for n in api.notes)
    (domain,) = world.domains
    assert (domain.name, domain.endpoint_type) == ("orders.example.com", "REGIONAL")
    assert [(m.base_path, m.api_id, m.stage, m.source) for m in domain.mappings] == [
        ("shop/v2", "OrdersApi", "prod", "v2"),
        ("", "OrdersApi", "$default", "v2"),
    ]


def test_quick_create_http_api_and_websocket(tmp_path: Path) -> None:
    doc = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Quick": {
                "Type": "AWS::ApiGatewayV2::Api",
                "Properties": {
                    "Name": "quick",
                    "ProtocolType": "HTTP",
                    "Target": "arn:aws:lambda:eu-west-1:1:function:f",
                },
            },
            "Chat": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Name": "chat", "ProtocolType": "WEBSOCKET"}},
        },
    }
    world = load([write(tmp_path, json.dumps(doc), "q.json")])
    (api,) = world.apis
    assert isinstance(api, HttpApi)
    assert [(r.key, r.target) for r in api.routes] == [("$default", "arn:aws:lambda:eu-west-1:1:function:f")]
    assert [(s.name, s.auto_deploy) for s in api.stages] == [("$default", True)]
    assert any("Chat is a WEBSOCKET API" in n for n in world.notes)


def test_domain_outside_the_template_and_mapping_variants(tmp_path: Path) -> None:
    doc = api_template(
        {
            "Dep": {
                "Type": "AWS::ApiGateway::Deployment",
                "Properties": {"RestApiId": {"Ref": "Api"}, "StageName": "prod"},
            },
            "Edge": {"Type": "AWS::ApiGateway::DomainName", "Properties": {"DomainName": "edge.example.com"}},
            "EdgeMapping": {
                "Type": "AWS::ApiGateway::BasePathMapping",
                "Properties": {
                    "DomainName": {"Ref": "Edge"},
                    "RestApiId": {"Ref": "Api"},
                    "BasePath": "(none)",
                    "Stage": "prod",
                },
            },
            "Elsewhere": {
                "Type": "AWS::ApiGateway::BasePathMapping",
                "Properties": {
                    "DomainName": "shared.example.com",
                    "RestApiId": {"Ref": "Api"},
                    "BasePath": "",
                    "Stage": "",
                },
            },
            "Imported": {
                "Type": "AWS::ApiGateway::BasePathMapping",
                "Properties": {
                    "DomainName": "shared.example.com",
                    "RestApiId": {"Fn::ImportValue": "other-api"},
                    "BasePath": "other",
                },
            },
        }
    )
    world = load([write(tmp_path, json.dumps(doc), "d.json")])
    assert [
        (d.name, d.endpoint_type, [(m.base_path, m.api_id, m.stage) for m in d.mappings]) for d in world.domains
    ] == [
        ("edge.example.com", "EDGE", [("", "Api", "prod")]),
        ("shared.example.com", "REGIONAL", [("", "Api", None), ("other", '!ImportValue "other-api"', None)]),
    ]
    assert any("shared.example.com is not created by this template" in n for n in world.notes)
    assert any("an API defined elsewhere" in n for n in world.notes)


# -- intrinsic functions ---------------------------------------------------------------------------------------

RESOLVE_TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Stage: {Type: String, Default: prod}
  NoDefault: {Type: String}
  Names: {Type: CommaDelimitedList, Default: "a, b,c"}
  Port: {Type: Number, Default: 8080}
Mappings:
  Regions:
    eu-west-1: {Zone: eu.example.com}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  Unknown: !Equals [!Ref NoDefault, x]
  Both: !And [!Condition IsProd, !Condition Unknown]
  Either: !Or [!Condition IsProd, !Condition Unknown]
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
  Fn:
    Type: AWS::Lambda::Function
"""

RESOLVE_CASES = [
    ("Ref parameter default", {"Ref": "Stage"}, "prod"),
    ("Ref number default", {"Ref": "Port"}, 8080),
    ("Ref list default", {"Ref": "Names"}, ["a", "b", "c"]),
    ("Ref resource", {"Ref": "Api"}, ResourceRef("Api")),
    ("GetAtt list", {"Fn::GetAtt": ["Api", "RootResourceId"]}, ResourceRef("Api", "RootResourceId")),
    ("GetAtt dotted", {"Fn::GetAtt": "Fn.Arn"}, ResourceRef("Fn", "Arn")),
    ("Sub known", {"Fn::Sub": "/${Stage}/x"}, "/prod/x"),
    ("Sub with variables", {"Fn::Sub": ["${A}-${Stage}", {"A": {"Ref": "Port"}}]}, "8080-prod"),
    ("Sub literal", {"Fn::Sub": "${!Stage}"}, "${Stage}"),
    ("Join", {"Fn::Join": ["-", ["a", {"Ref": "Stage"}, 1]]}, "a-prod-1"),
    ("Select", {"Fn::Select": [1, {"Ref": "Names"}]}, "b"),
    ("Split", {"Fn::Split": [".", "a.b"]}, ["a", "b"]),
    ("FindInMap", {"Fn::FindInMap": ["Regions", "eu-west-1", "Zone"]}, "eu.example.com"),
    ("If decided", {"Fn::If": ["IsProd", "yes", "no"]}, "yes"),
    ("If undecided, same branches", {"Fn::If": ["Unknown", "same", "same"]}, "same"),
    ("If False and", {"Fn::If": ["Both", "a", "b"]}, Symbolic('!If ["Both","a","b"]', "")),
    ("If Or with a true side", {"Fn::If": ["Either", "a", "b"]}, "a"),
    ("Base64", {"Fn::Base64": "hi"}, "aGk="),
    ("Length", {"Fn::Length": {"Ref": "Names"}}, 3),
    ("NoValue dropped", {"a": {"Ref": "AWS::NoValue"}, "b": [1, {"Ref": "AWS::NoValue"}]}, {"b": [1]}),
    ("nested", {"k": [{"Fn::Sub": "${Stage}"}]}, {"k": ["prod"]}),
]

SYMBOLIC_CASES = [
    ("Ref without default", {"Ref": "NoDefault"}, "${NoDefault}", "parameter NoDefault has no Default"),
    ("pseudo parameter", {"Ref": "AWS::Region"}, "${AWS::Region}", "AWS::Region is known only"),
    (
        "Sub keeps what it cannot resolve",
        {"Fn::Sub": "${Stage}/${NoDefault}/${Fn.Arn}"},
        "prod/${NoDefault}/${Fn.Arn}",
        "${Fn.Arn} exists only",
    ),
    ("Join with a ref", {"Fn::Join": ["/", ["integrations", {"Ref": "Api"}]]}, "integrations/${Api}", "known only"),
    ("ImportValue", {"Fn::ImportValue": "shared"}, '!ImportValue "shared"', "exported by another stack"),
    ("GetAZs", {"Fn::Select": [0, {"Fn::GetAZs": ""}]}, '!Select [0,{"Fn::GetAZs":""}]', "not known"),
    ("If undecided", {"Fn::If": ["Unknown", "a", "b"]}, '!If ["Unknown","a","b"]', "condition Unknown"),
    (
        "FindInMap missing key",
        {"Fn::FindInMap": ["Regions", "us-east-1", "Zone"]},
        '!FindInMap ["Regions","us-east-1","Zone"]',
        "no key",
    ),
]


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    template = parse_template(RESOLVE_TEMPLATE, "r.yaml")
    assert template is not None
    return Resolver(template)


@pytest.mark.parametrize(("title", "value", "expected"), RESOLVE_CASES, ids=[c[0] for c in RESOLVE_CASES])
def test_intrinsics_resolved(resolver: Resolver, title: str, value: object, expected: object) -> None:
    got = resolver.resolve(value, Origin("r.yaml"))
    if isinstance(expected, Symbolic):
        assert isinstance(got, Symbolic) and got.text == expected.text
    else:
        assert got == expected


@pytest.mark.parametrize(("title", "value", "text", "reason"), SYMBOLIC_CASES, ids=[c[0] for c in SYMBOLIC_CASES])
def test_intrinsics_kept_symbolic(resolver: Resolver, title: str, value: object, text: str, reason: str) -> None:
    got = resolver.resolve(value, Origin("r.yaml"))
    assert isinstance(got, Symbolic), got
    assert got.text == text and reason in got.reason


def test_region_resolves_only_when_given() -> None:
    template = parse_template(RESOLVE_TEMPLATE, "r.yaml")
    assert template is not None
    assert Resolver(template, "eu-west-1").resolve({"Fn::Sub": "${AWS::Region}"}, Origin()) == "eu-west-1"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"Ref": "Nope"}, "Ref to 'Nope', which is not a parameter or a resource of the template"),
        ({"Fn::GetAtt": ["Nope", "Arn"]}, "Fn::GetAtt of 'Nope', which is not a resource of the template"),
        ({"Fn::Sub": "${Nope}"}, "Ref to 'Nope'"),
        ({"Fn::If": ["Missing", 1, 2]}, "condition 'Missing' is not defined in 'Conditions'"),
    ],
)
def test_intrinsics_that_cloudformation_rejects(resolver: Resolver, value: object, message: str) -> None:
    with pytest.raises(InputError) as info:
        resolver.resolve(value, Origin("r.yaml", "/Resources/X", 3))
    assert info.value.message.startswith(message)
    assert info.value.location == "r.yaml:3#/Resources/X"


def test_conditions_parameters_and_symbolic_names() -> None:
    path = str(DATA / "conditions.yaml")
    world = load([path])
    api = rest(world, "Api")
    assert api.name == "dev-api"
    # IsProd is false: ProdOnly is left out; IsAcme depends on a parameter without a default: kept, with a note
    # TenantResource's PathPart is unknown: it and UnderTenant are left out, with a note
    assert {r.path: r.method_names for r in api.resources} == {"/": (), "/acme": (), "/alpha": ("GET",)}
    assert method(api, "/alpha", "GET").authorization_type == "NONE"
    assert [(s.name, s.deployment_id) for s in api.stages] == [
        ("sandbox", "Deployment"),
        ("${Tenant}-stage", "Deployment"),
    ]
    notes = "\n".join(api.notes)
    assert f"{path}:{line_of(path, 'PathPart: !Ref Tenant')}#/Resources/TenantResource/Properties/PathPart" in notes
    assert "TenantResource and the resources under it are left out" in notes
    assert "kept as the text '${Tenant}-stage'" in notes and "parameter Tenant has no Default" in notes
    assert "has no DependsOn" in notes
    assert any("AcmeOnly exists only if condition IsAcme holds" in n for n in world.notes)


# -- YAML and JSON: short forms, line numbers ---------------------------------------------------------------------

SHORT_FORMS = [
    ("!Ref X", {"Ref": "X"}),
    ("!GetAtt Api.RootResourceId", {"Fn::GetAtt": ["Api", "RootResourceId"]}),
    ("!GetAtt [Api, RootResourceId]", {"Fn::GetAtt": ["Api", "RootResourceId"]}),
    ("!Sub 'a-${X}'", {"Fn::Sub": "a-${X}"}),
    ("!Sub ['${A}', {A: b}]", {"Fn::Sub": ["${A}", {"A": "b"}]}),
    ("!Join [',', [a, b]]", {"Fn::Join": [",", ["a", "b"]]}),
    ("!Select [0, !Split [',', 'a,b']]", {"Fn::Select": [0, {"Fn::Split": [",", "a,b"]}]}),
    ("!If [C, a, b]", {"Fn::If": ["C", "a", "b"]}),
    ("!Equals [a, b]", {"Fn::Equals": ["a", "b"]}),
    ("!And [!Condition A, !Not [!Condition B]]", {"Fn::And": [{"Condition": "A"}, {"Fn::Not": [{"Condition": "B"}]}]}),
    ("!Or [!Condition A]", {"Fn::Or": [{"Condition": "A"}]}),
    ("!FindInMap [M, a, b]", {"Fn::FindInMap": ["M", "a", "b"]}),
    ("!ImportValue shared", {"Fn::ImportValue": "shared"}),
    ("!Base64 hi", {"Fn::Base64": "hi"}),
    ("!Cidr [10.0.0.0/16, 2, 8]", {"Fn::Cidr": ["10.0.0.0/16", 2, 8]}),
    ("!GetAZs ''", {"Fn::GetAZs": ""}),
    ("2010-09-09", "2010-09-09"),
]


@pytest.mark.parametrize(("text", "expected"), SHORT_FORMS, ids=[c[0] for c in SHORT_FORMS])
def test_short_forms_become_long_forms(text: str, expected: object) -> None:
    template = parse_template(
        f"Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      V: {text}\n", "t.yaml"
    )
    assert template is not None
    assert template.resource("A").properties["V"] == expected  # type: ignore[union-attr]


def test_yaml_and_json_line_numbers_agree_with_the_text(tmp_path: Path) -> None:
    doc = api_template({"Res": resource("a"), "Get": get_method({"Ref": "Res"})})
    for name, text in (("t.json", json.dumps(doc, indent=2)), ("t.yaml", yaml.safe_dump(doc, sort_keys=False))):
        path = write(tmp_path, text, name)
        template = read_template(path)
        assert template is not None
        for logical_id in ("Api", "Res", "Get"):
            found = template.resource(logical_id)
            assert found is not None
            assert found.origin.line == line_of(
                path, f'"{logical_id}":' if name.endswith("json") else f"  {logical_id}:"
            )
        get = template.resource("Get")
        assert get is not None
        assert template.origin(get, "/Properties/HttpMethod").line == line_of(path, "HttpMethod")
        assert template.origin(get, "/Properties/Integration/Type").line == line_of(path, "MOCK")


# -- errors -------------------------------------------------------------------------------------------------

ERRORS = [
    (
        "malformed YAML",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A:\n    Type: AWS::SNS::Topic\n   bad: [\n",
        ":5:",
        "malformed YAML:",
    ),
    (
        "unknown tag",
        "Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      Name: !Reff X\n",
        ":5:13",
        "malformed YAML: unknown tag '!Reff' (CloudFormation's short forms are !Ref, !Condition, !GetAtt",
    ),
    (
        "duplicate logical id",
        "Resources:\n  A:\n    Type: AWS::SNS::Topic\n  A:\n    Type: AWS::SNS::Topic\n",
        ":4",
        "duplicate key 'A' (also at line 2)",
    ),
    ("no Resources", "AWSTemplateFormatVersion: '2010-09-09'\n", "", "a CloudFormation template needs 'Resources'"),
    (
        "Resources not a mapping",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources: [a]\n",
        ":2#/Resources",
        "'Resources' must be a mapping, not a list",
    ),
    (
        "no Type",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A:\n    Properties: {}\n",
        ":3#/Resources/A/Type",
        "resource A needs a 'Type' string, not null",
    ),
    (
        "bad logical id",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  my-api:\n    Type: AWS::SNS::Topic\n",
        ":3#/Resources/my-api",
        "logical id 'my-api' must be letters and digits only",
    ),
]


@pytest.mark.parametrize(("title", "text", "where", "message"), ERRORS, ids=[e[0] for e in ERRORS])
def test_broken_templates(tmp_path: Path, title: str, text: str, where: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load([path])
    assert info.value.location is not None and info.value.location.startswith(path + where)
    assert info.value.message.startswith(message), info.value.message


TREE_ERRORS = [
    (
        "two variable siblings",
        {"A": resource("{id}"), "B": resource("{name}")},
        "B",
        "two variable siblings under /: {id} and {name} (AWS allows one)",
    ),
    (
        "child of a greedy variable",
        {"P": resource("{proxy+}"), "C": resource("x", {"Ref": "P"})},
        "C",
        "greedy {proxy+} at /{proxy+} cannot have children",
    ),
    ("same path twice", {"A": resource("x"), "B": resource("x")}, "B", "resource /x appears twice"),
    ("two segments in a PathPart", {"A": resource("a/b")}, "A", "PathPart 'a/b' of A must be one path segment"),
    (
        "same method twice",
        {"A": resource("x"), "G1": get_method({"Ref": "A"}), "G2": get_method({"Ref": "A"})},
        "G2",
        "method GET appears twice on /x",
    ),
]


@pytest.mark.parametrize(("title", "resources", "at", "message"), TREE_ERRORS, ids=[e[0] for e in TREE_ERRORS])
def test_impossible_trees_are_located(
    tmp_path: Path, title: str, resources: dict[str, object], at: str, message: str
) -> None:
    path = write(tmp_path, yaml.safe_dump(api_template(resources), sort_keys=False))
    with pytest.raises(ImpossibleTree) as info:
        load([path])
    assert info.value.message.startswith(message), info.value.message
    assert info.value.origin.source == path and info.value.origin.pointer.startswith(f"/Resources/{at}")
    assert info.value.origin.line is not None and info.value.origin.line >= line_of(path, f"  {at}:")


TEMPLATE_ERRORS = [
    (
        "ParentId cycle",
        {"A": resource("a", {"Ref": "B"}), "B": resource("b", {"Ref": "A"})},
        "leads back to itself",
    ),
    (
        "method on another API's root",
        {
            "Other": {"Type": "AWS::ApiGateway::RestApi"},
            "G": get_method({"Fn::GetAtt": ["Other", "RootResourceId"]}),
        },
        "ResourceId of G is in the API Other, but its RestApiId is Api",
    ),
    (
        "Ref to a wrong type",
        {"Fn": {"Type": "AWS::SNS::Topic"}, "G": get_method({"Ref": "Fn"})},
        "ResourceId of G names ${Fn}",
    ),
    (
        "unknown HttpMethod",
        {"G": get_method({"Fn::GetAtt": ["Api", "RootResourceId"]}, HttpMethod="FETCH")},
        "HttpMethod 'FETCH'",
    ),
    (
        "unknown AuthorizationType",
        {"G": get_method({"Fn::GetAtt": ["Api", "RootResourceId"]}, AuthorizationType="OAUTH")},
        "AuthorizationType 'OAUTH'",
    ),
    (
        "stage twice",
        {
            "D": {
                "Type": "AWS::ApiGateway::Deployment",
                "Properties": {"RestApiId": {"Ref": "Api"}, "StageName": "prod"},
            },
            "S": {
                "Type": "AWS::ApiGateway::Stage",
                "Properties": {"RestApiId": {"Ref": "Api"}, "StageName": "prod", "DeploymentId": {"Ref": "D"}},
            },
        },
        "stage 'prod' is created twice",
    ),
    ("Ref to nothing", {"G": get_method({"Ref": "Missing"})}, "Ref to 'Missing'"),
]


@pytest.mark.parametrize(("title", "resources", "message"), TEMPLATE_ERRORS, ids=[e[0] for e in TEMPLATE_ERRORS])
def test_templates_cloudformation_would_reject(
    tmp_path: Path, title: str, resources: dict[str, object], message: str
) -> None:
    path = write(tmp_path, json.dumps(api_template(resources), indent=1), "t.json")
    with pytest.raises(InputError) as info:
        load([path])
    assert message in info.value.message
    assert info.value.location is not None and info.value.location.startswith(f"{path}:")


def test_unreadable_and_odd_files(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load([str(tmp_path / "missing.yaml")])
    assert info.value.message == "no such file"
    nested = "[" * 5000 + "]" * 5000
    topic = f"Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      V: {nested}\n"
    assert load([write(tmp_path, topic, "topic.yaml")]).apis == ()
    api = f"Resources:\n  A:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      V: {nested}\n"
    with pytest.raises(InputError) as info:
        load([write(tmp_path, api, "api.yaml")])
    assert info.value.message == "nested too deeply to resolve"


def test_ten_thousand_resources(tmp_path: Path) -> None:
    resources: dict[str, object] = {}
    for i in range(4999):
        resources[f"R{i}"] = resource(f"r{i}")
        resources[f"M{i}"] = get_method({"Ref": f"R{i}"})
    methods = [f"M{i}" for i in range(4999)]
    resources["Dep"] = {
        "Type": "AWS::ApiGateway::Deployment",
        "DependsOn": methods,
        "Properties": {"RestApiId": {"Ref": "Api"}, "StageName": "prod"},
    }
    doc = api_template(resources)
    assert len(doc["Resources"]) == 10_000  # type: ignore[arg-type]
    path = write(tmp_path, json.dumps(doc, indent=1), "big.json")
    api = rest(load([path]), "Api")
    assert len(api.resources) == 5000
    assert len(api.deployments[0].resources or ()) == 5000
    assert api.resource("/r4998").origin.line == line_of(path, '"R4998": {')  # type: ignore[union-attr]


# -- end to end: diagnose URL --source template ---------------------------------------------------------------------

E2E = [
    ("root without a method beside {proxy+}", "GET", f"{HOST}/prod/", "PROXY_PARENT_NOT_COVERED", 1),
    ("stage left out", "GET", f"{HOST}/pets", "STAGE_MISSING", 1),
    ("works", "GET", f"{HOST}/prod/pets/7", "MATCHED", 0),
    ("IAM unsigned", "DELETE", f"{HOST}/prod/pets/7", "IAM_UNSIGNED", 1),
    ("not deployed: the proxy takes it", "POST", f"{HOST}/prod/pets", "MATCHED", 0),
    ("custom domain, base path", "GET", "https://api.example.com/v1/pets", "MATCHED", 0),
    ("(none) stage mapping", "GET", "https://legacy.example.com/prod/pets/7", "MATCHED", 0),
]


@pytest.mark.parametrize(("title", "verb", "url", "verdict", "code"), E2E, ids=[c[0] for c in E2E])
def test_diagnose_the_example_template(
    capsys: pytest.CaptureFixture[str], title: str, verb: str, url: str, verdict: str, code: int
) -> None:
    assert main(["diagnose", url, "-X", verb, "--source", EXAMPLE, "--format", "json"]) == code
    report = json.loads(capsys.readouterr().out)
    assert report["verdict"] == verdict, report["findings"]


def test_diagnose_text_names_the_template_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagnose", f"{HOST}/prod/", "--source", EXAMPLE, "--color", "never"]) == 1
    out = capsys.readouterr().out
    assert "PROXY_PARENT_NOT_COVERED" in out
    assert f"at {EXAMPLE}:{line_of(EXAMPLE, '  PetsApi:')}#/Resources/PetsApi" in out.replace("\n     ", " ")
    assert "PetsApi is read from a template" in out.replace("\n    ", " ")


def test_a_broken_template_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties: {V: !Nope x}\n")
    assert main(["diagnose", f"{HOST}/prod/", "--source", path]) == 2
    err = capsys.readouterr().err
    assert f"{path}:4:" in err and "unknown tag '!Nope'" in err and "Traceback" not in err
