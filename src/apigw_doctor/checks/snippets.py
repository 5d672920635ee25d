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
    address = api.origin.pointer if api.source_kind.startswith("terraform") and api.origin.pointer else api.id
    return address.split("[", 1)[0].rsplit(".", 1)[-1]


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


def integration_for(api: RestApi, path: str, http_method: str, method_name: str) -> Snippet:
    """Declare the integration of ``http_method`` ``path`` (a Lambda proxy, the most common; adjust the target)."""
    lang = language(api)
    if lang == "terraform":
        text = (
            f'resource "aws_api_gateway_integration" "{method_name}" {{\n'
            f"  rest_api_id             = aws_api_gateway_rest_api.{tf_name(api)}.id\n"
            f"  resource_id             = aws_api_gateway_method.{method_name}.resource_id\n"
            f"  http_method             = aws_api_gateway_method.{method_name}.http_method\n"
            '  type                    = "AWS_PROXY"\n'
            '  integration_http_method = "POST"\n'
            "  uri                     = aws_lambda_function.<handler>.invoke_arn\n"
            "}\n"
        )
    elif lang in ("cloudformation", "sam"):
        text = (
            f"{method_name}:\n  Type: AWS::ApiGateway::Method\n  Properties:\n    Integration:\n"
            "      Type: AWS_PROXY\n      IntegrationHttpMethod: POST\n"
            "      Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Handler.Arn}"
            "/invocations\n"
        )
    else:
        text = (
            f"aws apigateway put-integration --rest-api-id {api.id} --resource-id <id of {path}> "
            f"--http-method {http_method} --type AWS_PROXY --integration-http-method POST --uri <lambda invoke uri>\n"
        )
    return Snippet(language=lang, text=text, summary=f"declare the integration of {http_method} {path}")
