"""A REST API's settings beside its routes: endpoint configuration, authorizers, gateway responses."""

from __future__ import annotations

from ...model import ENDPOINT_TYPES, Authorizer, GatewayResponse
from ..document import fail
from .resources import Reader
from .template import TemplateResource
from .values import as_text

AUTHORIZER_TYPES = ("TOKEN", "REQUEST", "COGNITO_USER_POOLS")
HEADER_PREFIX = "gatewayresponse.header."


def endpoint(
    reader: Reader, api: TemplateResource, endpoint_type: str, vpce: tuple[str, ...]
) -> tuple[str, tuple[str, ...]]:
    """``EndpointConfiguration`` (it wins over the definition's); ``endpoint_type`` and ``vpce`` when absent."""
    config = reader.props(api).get("EndpointConfiguration")
    if not isinstance(config, dict):
        return endpoint_type, vpce
    types = tuple(t.upper() for t in reader.texts(api, "EndpointConfiguration", config.get("Types")))
    for value in types:
        if value not in ENDPOINT_TYPES:
            fail(
                f"endpoint type {value!r} is not one of {', '.join(ENDPOINT_TYPES)}",
                reader.origin(api, "EndpointConfiguration", "Types"),
            )
    if config.get("VpcEndpointIds") is not None:
        vpce = reader.texts(api, "EndpointConfiguration", config["VpcEndpointIds"])
    if types:
        endpoint_type = "PRIVATE" if "PRIVATE" in types else types[0]
    return endpoint_type, vpce


def authorizer(reader: Reader, res: TemplateResource, notes: list[str]) -> Authorizer:
    """``AWS::ApiGateway::Authorizer``: its id is its logical id (what a method's ``AuthorizerId`` Ref names)."""
    kind = (reader.concrete(res, "Type", notes, "TOKEN is assumed") or "TOKEN").upper()
    if kind not in AUTHORIZER_TYPES:
        fail(f"authorizer Type {kind!r} is not one of {', '.join(AUTHORIZER_TYPES)}", reader.origin(res, "Type"))
    source = as_text(reader.props(res).get("IdentitySource"))
    sources: tuple[str, ...]
    if source is not None:
        sources = tuple(s.strip() for s in source.split(",") if s.strip())
    else:
        sources = () if kind == "REQUEST" else ("method.request.header.Authorization",)
    name = as_text(reader.props(res).get("Name")) or res.logical_id
    return Authorizer(id=res.logical_id, name=name, type=kind, identity_sources=sources, origin=res.origin)


def gateway_response(reader: Reader, res: TemplateResource, notes: list[str]) -> GatewayResponse | None:
    """``AWS::ApiGateway::GatewayResponse``; None when its type is not known before deployment."""
    kind = reader.concrete(res, "ResponseType", notes, "the response is left out")
    if kind is None:
        if "ResponseType" not in reader.props(res):
            fail(f"{res.logical_id} needs a ResponseType", res.origin)
        return None
    status = None
    raw = as_text(reader.props(res).get("StatusCode"))
    if raw is not None:
        if not raw.isdigit() or not 100 <= int(raw) <= 599:
            fail(f"StatusCode must be an HTTP status (100-599), not {raw!r}", reader.origin(res, "StatusCode"))
        status = int(raw)
    headers = tuple(
        (name.removeprefix(HEADER_PREFIX), value) for name, value in reader.pairs(res, "ResponseParameters")
    )
    return GatewayResponse(
        type=kind.upper(),
        status=status,
        templates=reader.pairs(res, "ResponseTemplates"),
        headers=headers,
        origin=res.origin,
    )
