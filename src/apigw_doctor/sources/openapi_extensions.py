"""API-level ``x-amazon-apigateway-*`` extensions: gateway responses, endpoint configuration, key source, CORS."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import ENDPOINT_TYPES, Cors, GatewayResponse
from .document import boolean, fail, mapping, opt_mapping, opt_string, string, string_list, string_pairs
from .openapi_spec import Operation, Server, Spec

GATEWAY_RESPONSES = "x-amazon-apigateway-gateway-responses"
ENDPOINT_CONFIGURATION = "x-amazon-apigateway-endpoint-configuration"
API_KEY_SOURCE = "x-amazon-apigateway-api-key-source"
CORS = "x-amazon-apigateway-cors"
HEADER_PREFIX = "gatewayresponse.header."
INTEGRATION_TYPES = ("AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK")


@dataclass(frozen=True, slots=True)
class Endpoint:
    endpoint_type: str = "EDGE"
    endpoint_type_known: bool = False
    disable_execute_api_endpoint: bool = False
    vpc_endpoint_ids: tuple[str, ...] = ()


def gateway_responses(spec: Spec) -> tuple[GatewayResponse, ...]:
    """``x-amazon-apigateway-gateway-responses``: ``{TYPE: {statusCode, responseParameters, responseTemplates}}``."""
    config = opt_mapping(spec.data, GATEWAY_RESPONSES, spec.origin)
    if config is None:
        return ()
    out = []
    for response_type, raw in config.items():
        origin = spec.origin.child(GATEWAY_RESPONSES, response_type)
        data = mapping(raw, origin, f"gateway response {response_type}")
        status: int | None = None
        raw_status = data.get("statusCode")
        if raw_status is not None:
            text = str(raw_status)
            if isinstance(raw_status, bool) or not text.isdigit() or not 100 <= int(text) <= 599:
                fail(
                    f"statusCode of gateway response {response_type} must be an HTTP status (100-599), "
                    f"not {raw_status!r}",
                    origin.child("statusCode"),
                )
            status = int(text)
        templates: tuple[tuple[str, str], ...] = ()
        if data.get("responseTemplates") is not None:
            templates = string_pairs(
                data["responseTemplates"], origin.child("responseTemplates"), "'responseTemplates'"
            )
        headers: tuple[tuple[str, str], ...] = ()
        if data.get("responseParameters") is not None:
            parameters = string_pairs(
                data["responseParameters"], origin.child("responseParameters"), "'responseParameters'"
            )
            headers = tuple((name.removeprefix(HEADER_PREFIX), value) for name, value in parameters)
        out.append(
            GatewayResponse(type=response_type, status=status, templates=templates, headers=headers, origin=origin)
        )
    return tuple(out)


def endpoint(spec: Spec, server: Server) -> Endpoint:
    """``x-amazon-apigateway-endpoint-configuration``: on the OAS3 server object, or at the top level."""
    config, origin = None, spec.origin.child(ENDPOINT_CONFIGURATION)
    if server.data.get(ENDPOINT_CONFIGURATION) is not None:
        config = opt_mapping(server.data, ENDPOINT_CONFIGURATION, server.origin)
        origin = server.origin.child(ENDPOINT_CONFIGURATION)
    elif spec.data.get(ENDPOINT_CONFIGURATION) is not None:
        config = opt_mapping(spec.data, ENDPOINT_CONFIGURATION, spec.origin)
    if config is None:
        return Endpoint()
    disable = False
    if config.get("disableExecuteApiEndpoint") is not None:
        disable = boolean(
            config["disableExecuteApiEndpoint"],
            origin.child("disableExecuteApiEndpoint"),
            "'disableExecuteApiEndpoint'",
        )
    vpce: tuple[str, ...] = ()
    if config.get("vpcEndpointIds") is not None:
        vpce = string_list(config["vpcEndpointIds"], origin.child("vpcEndpointIds"), "'vpcEndpointIds'")
    endpoint_type = "PRIVATE" if vpce else "EDGE"
    if config.get("types") is not None:
        types = tuple(t.upper() for t in string_list(config["types"], origin.child("types"), "'types'"))
        for i, value in enumerate(types):
            if value not in ENDPOINT_TYPES:
                fail(f"endpoint type {value!r} is not one of {', '.join(ENDPOINT_TYPES)}", origin.child("types", i))
        if types:
            endpoint_type = "PRIVATE" if "PRIVATE" in types else types[0]
    return Endpoint(
        endpoint_type=endpoint_type,
        endpoint_type_known=bool(vpce) or config.get("types") is not None,
        disable_execute_api_endpoint=disable,
        vpc_endpoint_ids=vpce,
    )


def api_key_source(spec: Spec) -> str:
    value = (opt_string(spec.data, API_KEY_SOURCE, spec.origin) or "HEADER").upper()
    if value not in ("HEADER", "AUTHORIZER"):
        fail(f"{API_KEY_SOURCE} must be HEADER or AUTHORIZER, not {value!r}", spec.origin.child(API_KEY_SOURCE))
    return value


def cors(spec: Spec) -> Cors | None:
    """``x-amazon-apigateway-cors`` (HTTP APIs): the origins, methods and headers API Gateway allows."""
    config = opt_mapping(spec.data, CORS, spec.origin)
    if config is None:
        return None
    origin = spec.origin.child(CORS)

    def strings(key: str) -> tuple[str, ...]:
        value = config.get(key)
        return () if value is None else string_list(value, origin.child(key), f"'{key}'")

    return Cors(
        allow_origins=strings("allowOrigins"),
        allow_methods=strings("allowMethods"),
        allow_headers=strings("allowHeaders"),
    )


def integration_type(op: Operation) -> str | None:
    """``x-amazon-apigateway-integration.type`` upper-cased (``aws_proxy`` -> ``AWS_PROXY``), None if absent."""
    if op.integration is None or op.integration.get("type") is None:
        return None
    at = op.integration_origin.child("type")
    value = string(op.integration["type"], at, "integration 'type'").upper()
    if value not in INTEGRATION_TYPES:
        fail(f"integration type {value.lower()!r} is not one of {', '.join(t.lower() for t in INTEGRATION_TYPES)}", at)
    return value


def integration_target(op: Operation) -> str | None:
    """The integration's ``uri`` (an HTTP API route's target, as a reader would name it)."""
    if op.integration is None:
        return None
    return opt_string(op.integration, "uri", op.integration_origin)


def is_http_export(spec: Spec, operations: tuple[Operation, ...]) -> bool:
    """An apigatewayv2 export: its version marker, CORS extension, or a ``payloadFormatVersion`` integration."""
    if "x-amazon-apigateway-importexport-version" in spec.data or CORS in spec.data:
        return True
    return any(op.integration is not None and "payloadFormatVersion" in op.integration for op in operations)
