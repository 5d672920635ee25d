"""Fix snippets in the source's own language, chosen by where an API came from (``source_kind``)."""

from __future__ import annotations

from ..model import HttpApi, RestApi
from .core import Snippet


def language(api: RestApi | HttpApi) -> str:
    kind = api.source_kind
    if kind.startswith("terraform"):
        return "terraform"
    if kind in ("cloudformation", "sam"):
        return kind
    if kind == "openapi":
        return "openapi"
    return "shell"


def tf_name(api: RestApi | HttpApi) -> str:
    """The Terraform resource name of the API (its address without the type), for references in snippets."""
    return api.id.split(".")[-1] if "." in api.id else api.id


def method_on(api: RestApi, path: str, http_method: str, copy_of: str | None, why: str) -> Snippet:
    """Add ``http_method`` on ``path`` (copying the integration of ``copy_of`` when given)."""
    lang = language(api)
    if lang == "terraform":
        parent = (
            f"aws_api_gateway_rest_api.{tf_name(api)}.root_resource_id"
            if path == "/"
            else "aws_api_gateway_resource.<parent>.id"
        )
        text = (
            f'resource "aws_api_gateway_method" "root_any" {{\n'
            f"  rest_api_id   = aws_api_gateway_rest_api.{tf_name(api)}.id\n"
            f"  resource_id   = {parent}\n"
            f'  http_method   = "{http_method}"\n'
            f'  authorization = "NONE"\n'
            f"}}\n\n"
            f'resource "aws_api_gateway_integration" "root_any" {{\n'
            f"  rest_api_id             = aws_api_gateway_rest_api.{tf_name(api)}.id\n"
            f"  resource_id             = aws_api_gateway_method.root_any.resource_id\n"
            f"  http_method             = aws_api_gateway_method.root_any.http_method\n"
            f"  # the same type, integration_http_method and uri as {copy_of or 'the backend'}\n"
            f"}}\n"
        )
    elif lang in ("cloudformation", "sam"):
        resource = "!GetAtt Api.RootResourceId" if path == "/" else "!Ref ParentResource"
        text = (
            "RootAnyMethod:\n"
            "  Type: AWS::ApiGateway::Method\n"
            "  Properties:\n"
            f"    RestApiId: !Ref {api.id}\n"
            f"    ResourceId: {resource}\n"
            f"    HttpMethod: {http_method}\n"
            "    AuthorizationType: NONE\n"
            f"    Integration:  # the same as {copy_of or 'the backend'}\n"
        )
        if lang == "sam":
            text = (
                "# on the function behind the proxy, next to its {proxy+} event:\n"
                "Events:\n"
                "  Root:\n"
                "    Type: Api\n"
                "    Properties:\n"
                f"      Path: {path}\n"
                f"      Method: {http_method.lower()}\n"
            )
    elif lang == "openapi":
        like = copy_of or "the backend"
        text = f"paths:\n  {path}:\n    x-amazon-apigateway-any-method:  # the same integration as {like}\n"
    else:
        text = (
            f"aws apigateway put-method --rest-api-id {api.id} --resource-id <id of {path}> --http-method "
            f"{http_method} --authorization-type NONE --region {api.region}\n"
            f"aws apigateway put-integration ...  # as {copy_of or 'the backend'}\n"
            f"aws apigateway create-deployment --rest-api-id {api.id} --stage-name <stage> --region {api.region}\n"
        )
    return Snippet(language=lang, text=text, summary=why)
