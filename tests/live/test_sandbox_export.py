"""The sandbox's GetExport (``sandbox/export.py``): the stage's deployment, as AWS's ``get-export`` writes it.

Every export here goes through boto3's ``get_export`` (the body is a StreamingBody) and is checked against
what was deployed, then read back by apigw-doctor's own OpenAPI loader.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from botocore.exceptions import ClientError

from apigw_doctor.model import RestApi
from apigw_doctor.sandbox import Sandbox, export
from apigw_doctor.sources import load

API_ID = "exporttest"
REGION = "us-east-1"
LAMBDA = f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/arn:aws:lambda:{REGION}:123456789012:function:"
ITEMS_URI = "https://backend.example.com/items"

ITEM = {"$schema": "http://json-schema.org/draft-04/schema#", "title": "Item", "type": "object"}
ITEM_SCHEMA = {"title": "Item", "type": "object"}
Routes = dict[str, dict[str, tuple[str, bool]]]


def _build(apigw: Any) -> dict[str, str]:
    """``/items`` GET (HTTP_PROXY) and POST (AWS_IAM + API key), ``/items/{id}`` DELETE (TOKEN authorizer),
    ``/files/{proxy+}`` ANY (Lambda), ``/`` and ``/files`` without methods; a customised gateway response."""
    api = apigw.create_rest_api(name="shop", description="the shop", tags={"_custom_id_": API_ID})
    ids = {"/": api["rootResourceId"]}
    for path in ("/items", "/items/{id}", "/files", "/files/{proxy+}"):
        parent, part = path.rsplit("/", 1)
        ids[path] = apigw.create_resource(restApiId=API_ID, parentId=ids[parent or "/"], pathPart=part)["id"]
    ids["authorizer"] = apigw.create_authorizer(
        restApiId=API_ID,
        name="tokens",
        type="TOKEN",
        identitySource="method.request.header.X-Token",
        authorizerUri=f"{LAMBDA}auth/invocations",
        authorizerResultTtlInSeconds=300,
    )["id"]
    apigw.put_method(
        restApiId=API_ID,
        resourceId=ids["/items"],
        httpMethod="GET",
        authorizationType="NONE",
        requestParameters={"method.request.querystring.page": False},
    )
    apigw.put_integration(
        restApiId=API_ID,
        resourceId=ids["/items"],
        httpMethod="GET",
        type="HTTP_PROXY",
        integrationHttpMethod="GET",
        uri=ITEMS_URI,
    )
    apigw.put_method_response(
        restApiId=API_ID,
        resourceId=ids["/items"],
        httpMethod="GET",
        statusCode="200",
        responseModels={"application/json": "Empty"},
    )
    apigw.put_method(
        restApiId=API_ID, resourceId=ids["/items"], httpMethod="POST", authorizationType="AWS_IAM", apiKeyRequired=True
    )
    apigw.put_integration(
        restApiId=API_ID,
        resourceId=ids["/items"],
        httpMethod="POST",
        type="MOCK",
        requestTemplates={"application/json": '{"statusCode": 200}'},
    )
    apigw.put_integration_response(
        restApiId=API_ID, resourceId=ids["/items"], httpMethod="POST", statusCode="200", selectionPattern=""
    )
    apigw.put_method(
        restApiId=API_ID,
        resourceId=ids["/items/{id}"],
        httpMethod="DELETE",
        authorizationType="CUSTOM",
        authorizerId=ids["authorizer"],
    )
    apigw.create_model(restApiId=API_ID, name="Item", contentType="application/json", schema=json.dumps(ITEM))
    apigw.put_method_response(
        restApiId=API_ID,
        resourceId=ids["/items/{id}"],
        httpMethod="DELETE",
        statusCode="200",
        responseModels={"application/json": "Item"},
        responseParameters={"method.response.header.X-Request-Id": False},
    )
    apigw.put_integration(
        restApiId=API_ID,
        resourceId=ids["/items/{id}"],
        httpMethod="DELETE",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=f"{LAMBDA}items/invocations",
    )
    apigw.put_method(restApiId=API_ID, resourceId=ids["/files/{proxy+}"], httpMethod="ANY", authorizationType="NONE")
    apigw.put_integration(
        restApiId=API_ID,
        resourceId=ids["/files/{proxy+}"],
        httpMethod="ANY",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=f"{LAMBDA}files/invocations",
    )
    apigw.put_gateway_response(
        restApiId=API_ID,
        responseType="MISSING_AUTHENTICATION_TOKEN",
        statusCode="404",
        responseTemplates={"application/json": '{"message": "no such route"}'},
    )
    return ids


DEPLOYED: Routes = {
    "/items": {"GET": ("NONE", False), "POST": ("AWS_IAM", True)},
    "/items/{id}": {"DELETE": ("CUSTOM", False)},
    "/files/{proxy+}": {"ANY": ("NONE", False)},
}


def _change_after_deploying(apigw: Any, ids: dict[str, str]) -> None:
    """Edits of the working copy that a deployment made before them must not show."""
    late = apigw.create_resource(restApiId=API_ID, parentId=ids["/"], pathPart="late")["id"]
    apigw.put_method(restApiId=API_ID, resourceId=late, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=API_ID, resourceId=late, httpMethod="GET", type="MOCK")
    apigw.delete_method(restApiId=API_ID, resourceId=ids["/files/{proxy+}"], httpMethod="ANY")
    apigw.put_integration(
        restApiId=API_ID,
        resourceId=ids["/items"],
        httpMethod="GET",
        type="HTTP_PROXY",
        integrationHttpMethod="GET",
        uri="https://elsewhere.example.com/",
    )


def _export(apigw: Any, stage: str, export_type: str, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the parsed document, boto3's answer without the body)."""
    answer = apigw.get_export(restApiId=API_ID, stageName=stage, exportType=export_type, **kwargs)
    raw = answer.pop("body").read()
    accepts = str(kwargs.get("accepts", ""))
    return (yaml.safe_load(raw) if "yaml" in accepts else json.loads(raw)), answer


def _routes(api: RestApi, stage: str) -> Routes:
    """The stage's deployed route table, from a loaded model."""
    found = api.stage(stage)
    assert found is not None
    deployment = api.deployment(found.deployment_id)
    assert deployment is not None and deployment.resources is not None
    return {
        r.path: {m.http_method: (m.authorization_type, m.api_key_required) for m in r.methods}
        for r in deployment.resources
        if r.methods
    }


def _load(tmp_path: Path, name: str, document: dict[str, Any]) -> RestApi:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    world = load([str(path)])
    assert len(world.apis) == 1
    api = world.apis[0]
    assert isinstance(api, RestApi)
    return api


@pytest.fixture
def deployed(sandbox: Sandbox) -> Any:
    """An apigateway client, and the API deployed to ``prod`` then changed (not redeployed)."""
    apigw = sandbox.client("apigateway")
    ids = _build(apigw)
    apigw.create_deployment(restApiId=API_ID, stageName="prod")
    _change_after_deploying(apigw, ids)
    return apigw


def test_oas30_is_the_stages_deployment_with_every_extension(deployed: Any, tmp_path: Path) -> None:
    apigw = deployed
    doc, answer = _export(apigw, "prod", "oas30", parameters={"extensions": "apigateway"})
    assert answer["contentType"] == "application/octet-stream"
    assert answer["contentDisposition"].startswith('attachment; filename="oas30_')
    assert doc["openapi"] == "3.0.1"
    assert doc["info"]["title"] == "shop" and doc["info"]["description"] == "the shop"
    assert doc["servers"] == [
        {
            "url": f"https://{API_ID}.execute-api.{REGION}.amazonaws.com/{{basePath}}",
            "variables": {"basePath": {"default": "prod"}},
        }
    ]
    assert list(doc["paths"]) == ["/files/{proxy+}", "/items", "/items/{id}"]  # no /late, no method-less parents
    assert list(doc["paths"]["/items"]) == ["get", "post"]
    assert list(doc["paths"]["/files/{proxy+}"]) == ["x-amazon-apigateway-any-method"]

    get_items = doc["paths"]["/items"]["get"]
    assert get_items["parameters"] == [{"name": "page", "in": "query", "schema": {"type": "string"}}]
    assert get_items["responses"] == {
        "200": {
            "description": "200 response",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Empty"}}},
        }
    }
    assert "security" not in get_items
    assert get_items["x-amazon-apigateway-integration"] == {  # the uri deployed, not the one put afterwards
        "type": "http_proxy",
        "uri": ITEMS_URI,
        "httpMethod": "GET",
        "passthroughBehavior": "when_no_match",
    }
    post_items = doc["paths"]["/items"]["post"]
    assert post_items["security"] == [{"sigv4": []}, {"api_key": []}]
    assert post_items["x-amazon-apigateway-integration"] == {
        "type": "mock",
        "requestTemplates": {"application/json": '{"statusCode": 200}'},
        "responses": {"default": {"statusCode": "200"}},
        "passthroughBehavior": "when_no_match",
    }
    delete_item = doc["paths"]["/items/{id}"]["delete"]
    assert delete_item["parameters"] == [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
    assert delete_item["security"] == [{"tokens": []}]
    assert delete_item["responses"] == {
        "200": {
            "description": "200 response",
            "headers": {"X-Request-Id": {"schema": {"type": "string"}}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}},
        }
    }
    proxy = doc["paths"]["/files/{proxy+}"]["x-amazon-apigateway-any-method"]
    assert proxy["parameters"][0]["name"] == "proxy"  # the method deleted after the deployment is still there
    assert proxy["x-amazon-apigateway-integration"]["type"] == "aws_proxy"

    assert doc["components"]["schemas"] == {  # AWS's built-in Empty; the API's Item without its $schema
        "Empty": {"title": "Empty Schema", "type": "object"},
        "Item": ITEM_SCHEMA,
    }
    assert doc["components"]["securitySchemes"] == {
        "sigv4": {
            "type": "apiKey",
            "name": "Authorization",
            "in": "header",
            "x-amazon-apigateway-authtype": "awsSigv4",
        },
        "api_key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
        "tokens": {
            "type": "apiKey",
            "name": "X-Token",
            "in": "header",
            "x-amazon-apigateway-authtype": "custom",
            "x-amazon-apigateway-authorizer": {
                "type": "token",
                "authorizerUri": f"{LAMBDA}auth/invocations",
                "authorizerResultTtlInSeconds": 300,
            },
        },
    }
    assert doc["x-amazon-apigateway-gateway-responses"] == {
        "MISSING_AUTHENTICATION_TOKEN": {
            "statusCode": "404",
            "responseTemplates": {"application/json": '{"message": "no such route"}'},
        }
    }
    assert doc["x-amazon-apigateway-api-key-source"] == "HEADER"

    api = _load(tmp_path, "prod.json", doc)
    assert (api.id, api.region, [s.name for s in api.stages]) == (API_ID, REGION, ["prod"])
    assert _routes(api, "prod") == DEPLOYED
    assert [(a.id, a.type, a.identity_sources) for a in api.authorizers] == [
        ("tokens", "TOKEN", ("method.request.header.X-Token",))
    ]
    assert [(g.type, g.status) for g in api.gateway_responses] == [("MISSING_AUTHENTICATION_TOKEN", 404)]
    # Some exports write the stage as "/prod": the loader reads that form to the same stage.
    doc["servers"][0]["variables"]["basePath"]["default"] = "/prod"
    assert _routes(_load(tmp_path, "slash.json", doc), "prod") == DEPLOYED


def test_swagger_without_extensions_has_host_base_path_and_security_only(deployed: Any, tmp_path: Path) -> None:
    apigw = deployed
    doc, answer = _export(apigw, "prod", "swagger")
    assert answer["contentDisposition"].startswith('attachment; filename="swagger_')
    assert doc["swagger"] == "2.0"
    assert (doc["host"], doc["basePath"], doc["schemes"]) == (
        f"{API_ID}.execute-api.{REGION}.amazonaws.com",
        "/prod",
        ["https"],
    )
    assert list(doc["paths"]) == ["/files/{proxy+}", "/items", "/items/{id}"]
    get_items = doc["paths"]["/items"]["get"]
    assert get_items["produces"] == ["application/json"]
    assert get_items["parameters"] == [{"name": "page", "in": "query", "type": "string"}]
    assert get_items["responses"]["200"]["schema"] == {"$ref": "#/definitions/Empty"}
    assert doc["paths"]["/items/{id}"]["delete"]["parameters"] == [
        {"name": "id", "in": "path", "required": True, "type": "string"}
    ]
    assert doc["definitions"] == {"Empty": {"title": "Empty Schema", "type": "object"}, "Item": ITEM_SCHEMA}
    assert doc["paths"]["/items/{id}"]["delete"]["responses"]["200"]["headers"] == {"X-Request-Id": {"type": "string"}}
    assert doc["securityDefinitions"]["tokens"] == {"type": "apiKey", "name": "X-Token", "in": "header"}
    text = json.dumps(doc)
    assert "x-amazon-apigateway-integration" not in text and "x-amazon-apigateway-authorizer" not in text
    assert "x-amazon-apigateway-gateway-responses" not in doc and "x-amazon-apigateway-api-key-source" not in doc

    api = _load(tmp_path, "prod.json", doc)
    assert (api.id, api.region, [s.name for s in api.stages]) == (API_ID, REGION, ["prod"])
    # Without extensions=authorizers nothing says the "tokens" scheme is a Lambda authorizer: a reader of
    # the file sees a plain API-key-like header, so the CUSTOM method reads as NONE. IAM and API keys survive.
    assert _routes(api, "prod") == {**DEPLOYED, "/items/{id}": {"DELETE": ("NONE", False)}}


def test_each_extension_adds_only_its_part(deployed: Any) -> None:
    apigw = deployed
    integrations, _ = _export(apigw, "prod", "oas30", parameters={"extensions": "integrations"})
    text = json.dumps(integrations)
    assert "x-amazon-apigateway-integration" in text and "x-amazon-apigateway-authorizer" not in text
    assert "x-amazon-apigateway-gateway-responses" not in integrations
    authorizers, _ = _export(apigw, "prod", "oas30", parameters={"extensions": "authorizers"})
    text = json.dumps(authorizers)
    assert "x-amazon-apigateway-integration" not in text and "x-amazon-apigateway-authorizer" in text
    assert "x-amazon-apigateway-api-key-source" not in authorizers
    postman, _ = _export(apigw, "prod", "oas30", parameters={"extensions": "postman"})
    plain, _ = _export(apigw, "prod", "oas30")
    assert postman == plain
    extensions = ("integration", "authorizer", "gateway-responses", "api-key-source")
    assert not [e for e in extensions if f'"x-amazon-apigateway-{e}"' in json.dumps(plain)]
    assert plain["components"]["securitySchemes"]["sigv4"]["x-amazon-apigateway-authtype"] == "awsSigv4"  # always


def test_yaml_when_accepts_yaml(deployed: Any) -> None:
    apigw = deployed
    as_yaml, answer = _export(
        apigw, "prod", "swagger", accepts="application/yaml", parameters={"extensions": "integrations"}
    )
    assert answer["contentDisposition"].endswith('.yaml"')
    as_json, _ = _export(apigw, "prod", "swagger", parameters={"extensions": "integrations"})
    assert as_yaml == as_json


def test_each_stage_exports_the_deployment_it_points_at(deployed: Any) -> None:
    apigw = deployed
    newer = apigw.create_deployment(restApiId=API_ID)["id"]  # holds /late, not ANY /files/{proxy+}
    apigw.create_stage(restApiId=API_ID, stageName="dev", deploymentId=newer)
    dev, _ = _export(apigw, "dev", "oas30", parameters={"extensions": "integrations"})
    prod, _ = _export(apigw, "prod", "oas30")
    assert list(dev["paths"]) == ["/items", "/items/{id}", "/late"]
    assert dev["servers"][0]["variables"]["basePath"]["default"] == "dev"
    assert dev["paths"]["/items"]["get"]["x-amazon-apigateway-integration"]["uri"] == "https://elsewhere.example.com/"
    assert list(prod["paths"]) == ["/files/{proxy+}", "/items", "/items/{id}"]


def test_unknown_stage_type_or_api(deployed: Any) -> None:
    apigw = deployed
    with pytest.raises(apigw.exceptions.NotFoundException) as error:
        apigw.get_export(restApiId=API_ID, stageName="nope", exportType="oas30")
    response = error.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert response["Error"]["Message"] == "Invalid stage identifier specified"
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == "NotFoundException"
    with pytest.raises(ClientError) as bad:
        apigw.get_export(restApiId=API_ID, stageName="prod", exportType="raml")
    assert bad.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(apigw.exceptions.NotFoundException):
        apigw.get_export(restApiId="nosuchapi1", stageName="prod", exportType="oas30")


def test_install_is_idempotent_and_uninstall_restores_moto(sandbox: Sandbox) -> None:
    from moto.apigateway.models import RestAPI
    from moto.apigateway.responses import APIGatewayResponse

    assert export.installed()
    patched = RestAPI.create_deployment
    export.install()
    assert RestAPI.create_deployment is patched
    try:
        export.uninstall()
        assert not export.installed()
        assert RestAPI.create_deployment.__module__ == "moto.apigateway.models"
        assert APIGatewayResponse.get_export.__module__ == "moto.apigateway.responses"
    finally:
        export.install()
    assert APIGatewayResponse.get_export.__module__ == "apigw_doctor.sandbox.export"
