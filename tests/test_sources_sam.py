"""SAM templates -> the model, through aws-sam-translator offline: implicit REST and HTTP APIs, explicit APIs,
the 'Stage' stage (OpenApiVersion trap), origins mapped back to the SAM resources, errors, no AWS calls."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from apigw_doctor.cli import main
from apigw_doctor.errors import InputError
from apigw_doctor.model import HttpApi, Method, Origin, RestApi, World
from apigw_doctor.sources import load
from apigw_doctor.sources.cloudformation import expand_sam, read_template

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "examples" / "template-sam.yaml")
DATA = ROOT / "tests" / "data" / "sam"
HOST = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
TRANSFORM = "AWS::Serverless-2016-10-31"


def line_of(path: str | Path, text: str) -> int:
    for number, line in enumerate(Path(path).read_text().splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def rest(world: World, api_id: str) -> RestApi:
    api = world.api(api_id)
    assert isinstance(api, RestApi), api_id
    return api


def http(world: World, api_id: str) -> HttpApi:
    api = world.api(api_id)
    assert isinstance(api, HttpApi), api_id
    return api


def method(api: RestApi, path: str, verb: str) -> Method:
    resource = api.resource(path)
    assert resource is not None, path
    found = resource.method(verb)
    assert found is not None, f"{verb} {path}"
    return found


def function(events: dict[str, object], **props: object) -> dict[str, object]:
    return {
        "Type": "AWS::Serverless::Function",
        "Properties": {"Runtime": "python3.12", "Handler": "app.handler", "CodeUri": "src/", "Events": events, **props},
    }


def write(tmp_path: Path, doc: dict[str, object], name: str = "template.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc, indent=1))
    return str(path)


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """No boto3 session and no socket: the expansion must not need either."""
    import boto3.session

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the SAM expansion tried to reach AWS")

    monkeypatch.setattr(boto3.session, "Session", refuse)
    monkeypatch.setattr(boto3, "client", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


# -- implicit APIs ---------------------------------------------------------------------------------------------


def test_implicit_rest_api_and_the_stage_stage(offline: None) -> None:
    world = load([EXAMPLE])
    api = rest(world, "ServerlessRestApi")
    assert (api.name, api.endpoint_type, api.id_known, api.source_kind) == ("ServerlessRestApi", "EDGE", False, "sam")
    assert {r.path: r.method_names for r in api.resources} == {
        "/": (),
        "/admin": (),
        "/admin/reports": ("GET",),
        "/orders": ("GET", "POST"),
        "/orders/{orderId}": ("GET",),
    }
    table = {
        ("/orders", "GET"): ("OrdersFunction", "ListOrders", False),
        ("/orders", "POST"): ("OrdersFunction", "CreateOrder", True),
        ("/orders/{orderId}", "GET"): ("OrdersFunction", "GetOrder", False),
        ("/admin/reports", "GET"): ("ReportsFunction", "Reports", False),
    }
    for (path, verb), (fn, event, key) in table.items():
        m = method(api, path, verb)
        assert (m.integration_type, m.api_key_required, m.authorization_type) == ("AWS_PROXY", key, "NONE")
        assert m.integration_uri == (
            f"arn:aws:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{{fn}.Arn}}/invocations"
        )
        assert m.origin == Origin(EXAMPLE, f"/Resources/{fn}/Properties/Events/{event}", line_of(EXAMPLE, f"{event}:"))
    # the API and everything SAM made for it point at the first event that asked for it
    first = Origin(EXAMPLE, "/Resources/OrdersFunction/Properties/Events/ListOrders", line_of(EXAMPLE, "ListOrders:"))
    assert api.origin == first
    # SAM's deployment carries StageName: Stage, so the 'Stage' stage exists beside 'Prod'
    (deployment,) = api.deployments
    assert deployment.id.startswith("ServerlessRestApiDeployment") and deployment.resources == api.resources
    assert [(s.name, s.deployment_id) for s in api.stages] == [("Stage", deployment.id), ("Prod", deployment.id)]
    assert all(s.origin == first for s in api.stages)
    notes = "\n".join(api.notes)
    assert "also creates the stage 'Stage' (OpenApiVersion is not set)" in notes
    assert "after a hash of the API's definition" in notes
    assert any("expanded offline with aws-sam-translator" in n for n in world.notes)


def test_implicit_http_api(offline: None) -> None:
    path = str(DATA / "implicit-http.yaml")
    api = http(load([path]), "ServerlessHttpApi")
    assert api.source_kind == "sam"
    assert sorted((r.key, r.origin.pointer) for r in api.routes) == [
        ("$default", "/Resources/FallbackFunction/Properties/Events/Everything"),
        ("GET /orders", "/Resources/OrdersFunction/Properties/Events/List"),
        ("GET /orders/{id}", "/Resources/OrdersFunction/Properties/Events/Get"),
    ]
    assert all(r.origin.line is not None for r in api.routes)
    assert [(s.name, s.auto_deploy, s.deployment_id) for s in api.stages] == [("$default", True, None)]
    assert api.deployments == ()


# -- explicit APIs -----------------------------------------------------------------------------------------------


def test_explicit_api_with_auth_keys_and_cors(offline: None) -> None:
    path = str(DATA / "explicit-api.yaml")
    api = rest(load([path]), "PetsApi")
    assert (api.name, api.endpoint_type) == ("pets", "REGIONAL")
    table = {
        ("/pets", "GET"): ("CUSTOM", "TokenAuth", True),
        ("/pets", "OPTIONS"): ("NONE", None, True),
        ("/pets/{petId}", "GET"): ("NONE", None, False),
        ("/pets/{petId}", "OPTIONS"): ("NONE", None, True),
    }
    for (p, verb), expected in table.items():
        m = method(api, p, verb)
        assert (m.authorization_type, m.authorizer_id, m.api_key_required) == expected, (p, verb)
    assert method(api, "/pets", "OPTIONS").integration_type == "MOCK"
    (authorizer,) = api.authorizers
    assert (authorizer.id, authorizer.type, authorizer.identity_sources) == (
        "TokenAuth",
        "TOKEN",
        ("method.request.header.X-Token",),
    )
    assert authorizer.origin == Origin(path, "/Resources/PetsApi", line_of(path, "  PetsApi:"))
    # StageName from a parameter's default, and SAM's extra 'Stage'
    assert [s.name for s in api.stages] == ["Stage", "v1"]
    assert method(api, "/pets/{petId}", "GET").origin.pointer == "/Resources/PetsFunction/Properties/Events/GetPet"


def test_definition_body_openapi_version_and_local_definition_uri(offline: None) -> None:
    path = str(DATA / "definition-body.yaml")
    world = load([path])
    books, files = rest(world, "BooksApi"), rest(world, "FilesApi")
    # OpenApiVersion is set: no 'Stage' stage
    assert [s.name for s in books.stages] == ["prod"]
    assert [s.name for s in files.stages] == ["files"]
    assert not any("'Stage'" in n for n in books.notes)
    delete = method(books, "/books/{id}", "DELETE")
    assert delete.authorization_type == "AWS_IAM"
    assert delete.origin == Origin(
        path,
        "/Resources/BooksApi/Properties/DefinitionBody/paths/~1books~1{id}/delete",
        line_of(path, "delete:"),
    )
    # DefinitionUri: a local file, read as SAM would once packaged; origins in that file
    body = str((DATA / ".." / "cfn" / "books-openapi.yaml").resolve())
    proxy = method(files, "/books/{proxy+}", "ANY")
    assert Path(proxy.origin.source).resolve() == Path(body)
    assert proxy.origin.line == line_of(body, "x-amazon-apigateway-any-method")
    assert files.name == "books (file)"


def test_explicit_http_api(offline: None) -> None:
    path = str(DATA / "http-api.yaml")
    api = http(load([path]), "OrdersHttpApi")
    assert sorted((r.key, r.authorization_type, r.authorizer_id) for r in api.routes) == [
        ("GET /health", "NONE", None),
        ("GET /orders", "JWT", "Jwt"),
    ]
    assert [(s.name, s.auto_deploy) for s in api.stages] == [("live", True)]
    assert api.cors is not None and api.cors.allow_origins == ("https://shop.example.com",)
    (authorizer,) = api.authorizers
    assert (authorizer.type, authorizer.identity_sources) == ("JWT", ("$request.header.Authorization",))


def test_domains_from_the_domain_property(offline: None) -> None:
    path = str(DATA / "domains.yaml")
    world = load([path])
    assert [
        (d.name, d.endpoint_type, [(m.base_path, m.api_id, m.stage, m.source) for m in d.mappings])
        for d in world.domains
    ] == [
        ("api.example.com", "REGIONAL", [("v1", "MyApi", "prod", "v1"), ("v2", "MyApi", "prod", "v1")]),
        ("http.example.com", "REGIONAL", [("orders/v2", "MyHttp", "$default", "v2")]),
    ]
    assert world.domains[0].origin == Origin(path, "/Resources/MyApi/Properties/Domain", line_of(path, "Domain:"))
    assert world.domains[0].mappings[0].origin == Origin(path, "/Resources/MyApi", line_of(path, "  MyApi:"))
    assert main(["diagnose", "https://api.example.com/v2/a", "--source", path, "--format", "json"]) == 0


def test_expanded_template_maps_generated_resources_to_their_sam_parent(offline: None) -> None:
    template = read_template(str(DATA / "explicit-api.yaml"))
    assert template is not None and template.is_sam
    expanded = expand_sam(template)
    assert not expanded.is_sam
    by_type = {r.type: r for r in expanded.resources}
    stage = by_type["AWS::ApiGateway::Stage"]
    assert (stage.logical_id, stage.generated_from) == ("PetsApiStage", "PetsApi")
    assert stage.origin == template.resource("PetsApi").origin  # type: ignore[union-attr]
    assert by_type["AWS::Lambda::Function"].generated_from in ("AuthFunction", "PetsFunction")
    assert expanded.resource("PetsFunctionRole").generated_from == "PetsFunction"  # type: ignore[union-attr]
    assert expand_sam(expanded) is expanded


def test_nested_application_and_local_code_need_no_network(tmp_path: Path, offline: None) -> None:
    doc = {
        "Transform": TRANSFORM,
        "Resources": {
            "Shared": {
                "Type": "AWS::Serverless::Application",
                "Properties": {
                    "Location": {
                        "ApplicationId": "arn:aws:serverlessrepo:us-east-1:1:applications/x",
                        "SemanticVersion": "1.0.0",
                    }
                },
            },
            "Fn": function({"Get": {"Type": "Api", "Properties": {"Path": "/x", "Method": "get"}}}, CodeUri="./code"),
            "Layer": {"Type": "AWS::Serverless::LayerVersion", "Properties": {"ContentUri": "layer/"}},
            "Bare": {"Type": "AWS::Serverless::Function", "Properties": {"Runtime": "python3.12", "Handler": "a.b"}},
        },
    }
    world = load([write(tmp_path, doc)])
    assert {r.path for r in rest(world, "ServerlessRestApi").resources} == {"/", "/x"}
    assert any("nested application Shared is not read" in n for n in world.notes)


# -- errors ------------------------------------------------------------------------------------------------------


def test_invalid_sam_is_one_line_at_the_resource(tmp_path: Path) -> None:
    doc = {
        "Transform": TRANSFORM,
        "Resources": {
            "Api": {"Type": "AWS::Serverless::Api", "Properties": {"StageName": "prod", "DefinitionBody": 3}},
        },
    }
    path = write(tmp_path, doc)
    with pytest.raises(InputError) as info:
        load([path])
    assert info.value.message.startswith("SAM cannot expand the template: Resource with id [Api] is invalid.")
    assert "\n" not in info.value.message
    line = line_of(path, '"Api": {')
    assert info.value.location == f"{path}:{line}#/Resources/Api"


def test_too_many_events_is_refused_not_slow(tmp_path: Path) -> None:
    events = {f"E{i}": {"Type": "Api", "Properties": {"Path": f"/p{i}", "Method": "get"}} for i in range(250)}
    path = write(tmp_path, {"Transform": TRANSFORM, "Resources": {"Fn": function(events)}})
    with pytest.raises(InputError) as info:
        load([path])
    assert info.value.message.startswith("too large to expand offline: 250 Api/HttpApi events")
    assert info.value.location == path


def test_unexpected_translator_failures_are_input_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from samtranslator.translator.translator import Translator

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyError("Properties")

    monkeypatch.setattr(Translator, "translate", crash)
    path = write(tmp_path, {"Transform": TRANSFORM, "Resources": {"Fn": function({})}})
    with pytest.raises(InputError) as info:
        load([path])
    assert (info.value.message, info.value.location) == (
        "SAM cannot expand the template (KeyError: 'Properties')",
        path,
    )


# -- end to end ----------------------------------------------------------------------------------------------------

E2E = [
    ("the stage SAM names", "GET", f"{HOST}/Prod/orders", "MATCHED", 0),
    ("the extra 'Stage' stage answers too", "GET", f"{HOST}/Stage/orders", "MATCHED", 0),
    ("stage left out", "GET", f"{HOST}/orders", "STAGE_MISSING", 1),
    ("stage case", "GET", f"{HOST}/prod/orders", "STAGE_UNKNOWN", 1),
    ("typo", "GET", f"{HOST}/Prod/order", "RESOURCE_NOT_FOUND", 1),
    ("method not defined", "DELETE", f"{HOST}/Prod/orders/7", "METHOD_NOT_DEFINED", 1),
    ("API key required", "POST", f"{HOST}/Prod/orders", "API_KEY_MISSING", 1),
]


@pytest.mark.parametrize(("title", "verb", "url", "verdict", "code"), E2E, ids=[c[0] for c in E2E])
def test_diagnose_the_sam_example(
    capsys: pytest.CaptureFixture[str], offline: None, title: str, verb: str, url: str, verdict: str, code: int
) -> None:
    assert main(["diagnose", url, "-X", verb, "--source", EXAMPLE, "--format", "json"]) == code
    report = json.loads(capsys.readouterr().out)
    assert report["verdict"] == verdict, report["findings"]


def test_sam_errors_exit_2_without_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = {
        "Transform": TRANSFORM,
        "Resources": {"Fn": {"Type": "AWS::Serverless::Function", "Properties": {"Runtime": 3}}},
    }
    assert main(["diagnose", f"{HOST}/Prod/x", "--source", write(tmp_path, doc)]) == 2
    err = capsys.readouterr().err
    assert "SAM cannot expand the template" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
