"""Gateway responses built directly: defaults, the ACCESS_DENIED capital M, fallbacks, template substitution."""

from __future__ import annotations

import pytest

from apigw_doctor.gateway.responses import DEFAULTS, ResponseContext, gateway_response
from apigw_doctor.model import GatewayResponse

CTX = ResponseContext(
    request_id="req-1",
    api_id="abc123",
    stage="prod",
    resource_path="/pets/{id}",
    path="/prod/pets/7",
    http_method="GET",
    stage_variables=(("env", "blue"),),
    headers=(("Origin", "https://app.example.com"),),
    query=(("q", "1"),),
    path_parameters=(("id", "7"),),
)


def test_mat_default_is_42_bytes_of_compact_json() -> None:
    r = gateway_response("MISSING_AUTHENTICATION_TOKEN", (), CTX)
    assert (r.status, r.body) == (403, '{"message":"Missing Authentication Token"}')
    assert dict(r.headers) == {
        "Content-Type": "application/json",
        "Content-Length": "42",
        "x-amzn-ErrorType": "MissingAuthenticationTokenException",
    }
    assert not r.customized


def test_access_denied_uses_a_capital_m() -> None:
    r = gateway_response("ACCESS_DENIED", (), CTX, "User: anonymous is not authorized")
    assert r.body == '{"Message":"User: anonymous is not authorized"}'
    assert r.error_type == "AccessDeniedException"


@pytest.mark.parametrize(("rtype", "status"), [(t, s) for t, (s, _, _) in DEFAULTS.items() if s is not None])
def test_every_type_keeps_its_default_status(rtype: str, status: int) -> None:
    assert gateway_response(rtype, (), CTX).status == status


def test_default_4xx_fallback_and_own_customisation_order() -> None:
    d4 = GatewayResponse(type="DEFAULT_4XX", status=400, headers=(("Access-Control-Allow-Origin", "'*'"),))
    r = gateway_response("MISSING_AUTHENTICATION_TOKEN", (d4,), CTX)
    assert r.status == 400 and r.customized
    assert r.header("Access-Control-Allow-Origin") == "*"
    assert r.error_type == "MissingAuthenticationTokenException"
    own = GatewayResponse(type="MISSING_AUTHENTICATION_TOKEN", status=404)
    r2 = gateway_response("MISSING_AUTHENTICATION_TOKEN", (d4, own), CTX)
    assert r2.status == 404 and r2.header("Access-Control-Allow-Origin") is None
    assert r2.body == '{"message":"Missing Authentication Token"}'
    d5 = GatewayResponse(type="DEFAULT_5XX", status=503)
    assert gateway_response("INTEGRATION_TIMEOUT", (d4, d5), CTX).status == 503


def test_template_substitution() -> None:
    tpl = (
        '{"m":$context.error.messageString,"raw":"$context.error.message","t":"$context.error.responseType",'
        '"s":"$context.stage","r":"$context.resourcePath","v":"$stageVariables.env","id":"$context.requestId",'
        '"p":"$method.request.path.id","q":"${method.request.querystring.q}","o":"$method.request.header.origin",'
        '"keep":"$unknown.thing"}'
    )
    g = GatewayResponse(
        type="MISSING_AUTHENTICATION_TOKEN",
        templates=(("text/plain", "ignored"), ("application/json", tpl)),
        headers=(("X-Origin", "method.request.header.Origin"), ("X-Stage", "stageVariables.env")),
    )
    r = gateway_response("MISSING_AUTHENTICATION_TOKEN", (g,), CTX)
    assert r.body == (
        '{"m":"Missing Authentication Token","raw":"Missing Authentication Token",'
        '"t":"MISSING_AUTHENTICATION_TOKEN","s":"prod","r":"/pets/{id}","v":"blue","id":"req-1","p":"7","q":"1",'
        '"o":"https://app.example.com","keep":"$unknown.thing"}'
    )
    assert r.header("X-Origin") == "https://app.example.com" and r.header("X-Stage") == "blue"
    assert r.header("Content-Length") == str(len(r.body.encode()))
