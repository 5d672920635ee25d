"""Gateway responses: the built-in defaults, customisations, the DEFAULT_4XX/5XX fallback and templates.

Templates are not VTL: only ``$context.*`` / ``$stageVariables.*`` / ``$method.request.*`` substitution
(DG ``api-gateway-gatewayResponse-definition``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ..model import GatewayResponse

# type -> (default status, x-amzn-ErrorType, default message)
DEFAULTS: dict[str, tuple[int | None, str | None, str]] = {
    "MISSING_AUTHENTICATION_TOKEN": (
        403,
        "MissingAuthenticationTokenException",
        "Missing Authentication Token",
    ),
    "ACCESS_DENIED": (403, "AccessDeniedException", "User is not authorized to access this resource"),
    "INVALID_API_KEY": (403, "ForbiddenException", "Forbidden"),
    "INVALID_SIGNATURE": (403, "InvalidSignatureException", "Invalid signature"),
    "EXPIRED_TOKEN": (403, "InvalidSignatureException", "Signature expired"),
    "UNAUTHORIZED": (401, "UnauthorizedException", "Unauthorized"),
    "RESOURCE_NOT_FOUND": (404, "NotFoundException", "Not Found"),
    "THROTTLED": (429, "TooManyRequestsException", "Too Many Requests"),
    "QUOTA_EXCEEDED": (429, "LimitExceededException", "Limit Exceeded"),
    "BAD_REQUEST_PARAMETERS": (400, "BadRequestException", "Invalid request parameters"),
    "BAD_REQUEST_BODY": (400, "BadRequestException", "Invalid request body"),
    "UNSUPPORTED_MEDIA_TYPE": (415, "BadRequestException", "Unsupported Media Type"),
    "REQUEST_TOO_LARGE": (413, "RequestTooLargeException", "Request Too Long"),
    "WAF_FILTERED": (403, "WAFFilteredException", "Forbidden"),
    "INTEGRATION_FAILURE": (504, "InternalServerErrorException", "Internal server error"),
    "INTEGRATION_TIMEOUT": (504, "InternalServerErrorException", "Endpoint request timed out"),
    "API_CONFIGURATION_ERROR": (500, "InternalServerErrorException", "Internal server error"),
    "AUTHORIZER_CONFIGURATION_ERROR": (500, "AuthorizerConfigurationException", "Internal server error"),
    "AUTHORIZER_FAILURE": (500, "AuthorizerFailureException", "Internal server error"),
    "DEFAULT_4XX": (None, None, ""),
    "DEFAULT_5XX": (None, None, ""),
}
"""Statuses are documented; error types and messages beyond MAT, ACCESS_DENIED, INVALID_API_KEY and
UNAUTHORIZED are LocalStack's mapping or unconfirmed (reference 2.1)."""

RESPONSE_TYPES: tuple[str, ...] = tuple(DEFAULTS)
DEFAULT_TEMPLATE = '{"message":$context.error.messageString}'


@dataclass(frozen=True, slots=True)
class Response:
    """What the client receives. ``status`` None: no HTTP response at all (the host does not resolve)."""

    status: int | None
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None
    source: str = "gateway"
    """``gateway`` (API Gateway answered), ``integration`` (the backend answers), ``none`` (no response)."""
    response_type: str | None = None
    """The gateway-response type behind it (``MISSING_AUTHENTICATION_TOKEN``...), when there is one."""
    customized: bool = False
    """True when a customised gateway response (the type's own or DEFAULT_4XX/5XX) shaped it."""

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for k, v in self.headers:
            if k.lower() == lname:
                return v
        return None

    @property
    def error_type(self) -> str | None:
        return self.header("x-amzn-ErrorType")


@dataclass(frozen=True, slots=True)
class ResponseContext:
    """The values a template may substitute. ``request_id`` is fixed offline; the emulator passes real ones."""

    request_id: str = "00000000-0000-0000-0000-000000000000"
    api_id: str = ""
    stage: str = ""
    resource_path: str = ""
    path: str = ""
    http_method: str = ""
    domain_name: str = ""
    stage_variables: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    query: tuple[tuple[str, str], ...] = ()
    path_parameters: tuple[tuple[str, str], ...] = ()


def compact(obj: dict[str, str]) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def plain_error(
    status: int,
    message: str,
    error_type: str | None,
    key: str = "message",
    extra: tuple[tuple[str, str], ...] = (),
) -> Response:
    """An answer that is not a (customisable) gateway response: Forbidden stages, 404 of HTTP APIs..."""
    body = compact({key: message})
    headers: list[tuple[str, str]] = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body.encode()))),
    ]
    if error_type:
        headers.append(("x-amzn-ErrorType", error_type))
    headers.extend(extra)
    return Response(status, tuple(headers), body)


def gateway_response(
    response_type: str,
    customised: tuple[GatewayResponse, ...],
    ctx: ResponseContext,
    message: str | None = None,
) -> Response:
    """The response AWS sends for ``response_type``, after customisation and the DEFAULT_4XX/5XX fallback."""
    default_status, error_type, default_message = DEFAULTS[response_type]
    message = default_message if message is None else message
    own = _find(customised, response_type)
    family = "DEFAULT_5XX" if (default_status or 400) >= 500 else "DEFAULT_4XX"
    fallback = _find(customised, family) if own is None else None
    chosen = own or fallback
    status = default_status or 500
    if chosen is not None and chosen.status is not None:
        status = chosen.status
    template = _template(chosen) if chosen is not None else None
    if template is None:
        template = DEFAULT_TEMPLATE
        if response_type == "ACCESS_DENIED" and chosen is None:
            template = '{"Message":$context.error.messageString}'
    body = substitute(template, ctx, response_type, message)
    headers: list[tuple[str, str]] = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body.encode()))),
    ]
    if error_type:
        headers.append(("x-amzn-ErrorType", error_type))
    if chosen is not None:
        for name, expr in chosen.headers:
            value = _header_value(expr, ctx)
            if value is not None:
                headers = [(k, v) for k, v in headers if k.lower() != name.lower()] + [(name, value)]
    return Response(status, tuple(headers), body, "gateway", response_type, chosen is not None)


def _find(items: tuple[GatewayResponse, ...], response_type: str) -> GatewayResponse | None:
    for g in items:
        if g.type == response_type:
            return g
    return None


def _template(g: GatewayResponse) -> str | None:
    if not g.templates:
        return None
    for ctype, tpl in g.templates:
        if ctype == "application/json":
            return tpl
    return g.templates[0][1]


_VAR = re.compile(r"\$(?:\{([A-Za-z0-9_.\-]+)\}|([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_\-]+)*))")


def substitute(template: str, ctx: ResponseContext, response_type: str, message: str) -> str:
    """Replace ``$context.*``, ``$stageVariables.*`` and ``$method.request.*`` references; others stay."""

    def value(name: str) -> str | None:
        return _lookup(name, ctx, response_type, message)

    def repl(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2)
        v = value(name)
        return m.group(0) if v is None else v

    return _VAR.sub(repl, template)


def _lookup(name: str, ctx: ResponseContext, response_type: str, message: str) -> str | None:
    context = {
        "context.error.message": message,
        "context.error.messageString": json.dumps(message, ensure_ascii=False),
        "context.error.responseType": response_type,
        "context.error.validationErrorString": "",
        "context.requestId": ctx.request_id,
        "context.extendedRequestId": ctx.request_id,
        "context.apiId": ctx.api_id,
        "context.stage": ctx.stage,
        "context.resourcePath": ctx.resource_path,
        "context.path": ctx.path,
        "context.httpMethod": ctx.http_method,
        "context.domainName": ctx.domain_name,
    }
    if name in context:
        return context[name]
    if name.startswith("stageVariables."):
        return dict(ctx.stage_variables).get(name.split(".", 1)[1], "")
    if name.startswith("method.request.header."):
        wanted = name.split(".", 3)[3].lower()
        return next((v for k, v in ctx.headers if k.lower() == wanted), "")
    if name.startswith("method.request.querystring."):
        return dict(ctx.query).get(name.split(".", 3)[3], "")
    if name.startswith("method.request.path."):
        return dict(ctx.path_parameters).get(name.split(".", 3)[3], "")
    return None


def _header_value(expr: str, ctx: ResponseContext) -> str | None:
    expr = expr.strip()
    if len(expr) >= 2 and expr[0] == "'" and expr[-1] == "'":
        return expr[1:-1]
    return _lookup(expr, ctx, "", "")
