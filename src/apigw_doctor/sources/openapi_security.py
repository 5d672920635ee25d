"""Security schemes and requirements as API Gateway imports them: IAM, API keys, Lambda/Cognito/JWT authorizers.

A scheme is one of:

* an authorizer: it carries ``x-amazon-apigateway-authorizer``. REST: ``token``/``request`` -> ``CUSTOM``,
  ``cognito_user_pools`` (or ``x-amazon-apigateway-authtype: cognito_user_pools``) -> ``COGNITO_USER_POOLS``.
  HTTP: ``jwt`` -> ``JWT``, ``request`` -> ``CUSTOM``. The API gets an :class:`Authorizer` whose id is the
  scheme's name;
* IAM: an ``apiKey`` scheme with ``x-amazon-apigateway-authtype: awsSigv4``, or one named ``sigv4`` on the
  ``Authorization`` header -> ``AWS_IAM``;
* an API key: an ``apiKey`` scheme on the ``x-api-key`` header -> ``apiKeyRequired`` (REST only);
* anything else is ignored, as API Gateway ignores it.

An operation's ``security`` replaces the top-level one; ``security: []`` means none. Every scheme named in
any requirement object applies (API Gateway exports write one object per scheme).
``x-amazon-apigateway-auth: {type: AWS_IAM}`` on an operation sets the authorization type.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Authorizer, Origin
from .document import fail, mapping, opt_string, sequence, string, string_list
from .openapi_spec import Operation, Spec

AUTHORIZER = "x-amazon-apigateway-authorizer"
AUTHTYPE = "x-amazon-apigateway-authtype"
REST_AUTHORIZER_TYPES = {"token": "TOKEN", "request": "REQUEST", "cognito_user_pools": "COGNITO_USER_POOLS"}
HTTP_AUTHORIZER_TYPES = {"jwt": "JWT", "request": "REQUEST"}
METHOD_AUTH = {"TOKEN": "CUSTOM", "REQUEST": "CUSTOM", "COGNITO_USER_POOLS": "COGNITO_USER_POOLS", "JWT": "JWT"}


@dataclass(frozen=True, slots=True)
class Scheme:
    name: str
    kind: str
    """``authorizer``, ``iam``, ``api_key`` or ``other``."""
    authorization_type: str
    authorizer: Authorizer | None
    origin: Origin


@dataclass(frozen=True, slots=True)
class Auth:
    """What an operation's security amounts to."""

    authorization_type: str = "NONE"
    authorizer_id: str | None = None
    api_key_required: bool = False


def has_jwt_authorizer(spec: Spec) -> bool:
    """True when a scheme declares a JWT authorizer (only HTTP APIs have them)."""
    for _, data, _ in spec.security_schemes():
        authorizer = data.get(AUTHORIZER)
        if isinstance(authorizer, dict) and str(authorizer.get("type", "")).lower() == "jwt":
            return True
    return False


class Security:
    """The schemes of one document, and each operation's effective authorization."""

    def __init__(self, spec: Spec, kind: str) -> None:
        self.spec = spec
        self.kind = kind
        self.schemes = {name: _scheme(name, data, origin, kind) for name, data, origin in spec.security_schemes()}
        self.notes: list[str] = []
        self._default: tuple[tuple[str, Origin], ...] = ()
        if spec.data.get("security") is not None:
            self._default = _requirement_names(spec.data["security"], spec.origin.child("security"))

    @property
    def authorizers(self) -> tuple[Authorizer, ...]:
        return tuple(s.authorizer for s in self.schemes.values() if s.authorizer is not None)

    def auth(self, op: Operation) -> Auth:
        if "security" in op.data:
            names = _requirement_names(op.data["security"], op.origin.child("security"))
        else:
            names = self._default
        authorization, authorizer_id, key_required = "NONE", None, False
        chosen: Scheme | None = None
        for name, origin in names:
            scheme = self.schemes.get(name)
            if scheme is None:
                fail(f"security scheme {name!r} is not defined in {self.spec.schemes_location}", origin)
            if scheme.kind == "api_key":
                key_required = self.kind == "REST"
            elif scheme.kind in ("iam", "authorizer"):
                if chosen is None:
                    chosen = scheme
                    authorization = scheme.authorization_type
                    authorizer_id = scheme.authorizer.id if scheme.authorizer else None
                elif scheme.name != chosen.name:
                    self.notes.append(
                        f"{op.method} {op.path} lists several authorization schemes "
                        f"({chosen.name}, {scheme.name}); API Gateway applies one: {chosen.name}"
                    )
        explicit = op.data.get("x-amazon-apigateway-auth")
        if explicit is not None:
            origin = op.origin.child("x-amazon-apigateway-auth")
            value = mapping(explicit, origin, "'x-amazon-apigateway-auth'")
            auth_type = (opt_string(value, "type", origin) or "").upper()
            if auth_type not in ("AWS_IAM", "NONE"):
                fail(
                    f"x-amazon-apigateway-auth type {auth_type or None!r} is not AWS_IAM or NONE", origin.child("type")
                )
            if auth_type == "AWS_IAM" or chosen is None:
                authorization, authorizer_id = auth_type, None
        return Auth(authorization, authorizer_id, key_required)


def _requirement_names(value: object, origin: Origin) -> tuple[tuple[str, Origin], ...]:
    """The scheme names of a security requirement list, each with where it is written."""
    out: list[tuple[str, Origin]] = []
    for i, item in enumerate(sequence(value, origin, "'security'")):
        requirement = mapping(item, origin.child(i), f"security[{i}]")
        out.extend((name, origin.child(i, name)) for name in requirement)
    return tuple(out)


def _scheme(name: str, data: dict[str, object], origin: Origin, kind: str) -> Scheme:
    scheme_type = (opt_string(data, "type", origin) or "").lower()
    header = opt_string(data, "name", origin) if scheme_type == "apikey" else None
    in_header = scheme_type == "apikey" and (opt_string(data, "in", origin) or "").lower() == "header"
    authtype = (opt_string(data, AUTHTYPE, origin) or "").lower()
    if data.get(AUTHORIZER) is not None:
        authorizer = _authorizer(name, data, origin, kind, header if in_header else None, authtype)
        return Scheme(name, "authorizer", METHOD_AUTH[authorizer.type], authorizer, origin)
    if scheme_type == "apikey" and (
        authtype == "awssigv4" or (name.lower() == "sigv4" and in_header and (header or "").lower() == "authorization")
    ):
        return Scheme(name, "iam", "AWS_IAM", None, origin)
    if in_header and (header or "").lower() == "x-api-key":
        return Scheme(name, "api_key", "NONE", None, origin)
    return Scheme(name, "other", "NONE", None, origin)


def _authorizer(
    name: str, data: dict[str, object], origin: Origin, kind: str, header: str | None, authtype: str
) -> Authorizer:
    at = origin.child(AUTHORIZER)
    config = mapping(data[AUTHORIZER], at, f"'{AUTHORIZER}'")
    raw_type = (opt_string(config, "type", at) or "").lower()
    types = HTTP_AUTHORIZER_TYPES if kind == "HTTP" else REST_AUTHORIZER_TYPES
    if not raw_type:
        raw_type = "cognito_user_pools" if authtype == "cognito_user_pools" else ("jwt" if kind == "HTTP" else "token")
    if raw_type not in types:
        fail(
            f"authorizer type {raw_type!r} is not one a{'n HTTP' if kind == 'HTTP' else ' REST'} API accepts "
            f"({', '.join(types)})",
            at.child("type"),
        )
    auth_type = types[raw_type]
    sources: tuple[str, ...]
    raw_sources = config.get("identitySource")
    if isinstance(raw_sources, list):
        sources = string_list(raw_sources, at.child("identitySource"), "'identitySource'")
    elif raw_sources is not None:
        text = string(raw_sources, at.child("identitySource"), "'identitySource'")
        sources = tuple(s.strip() for s in text.split(",") if s.strip())
    elif auth_type == "JWT":
        sources = ("$request.header.Authorization",)
    elif auth_type == "REQUEST":
        sources = ()
    else:
        sources = (f"method.request.header.{header or 'Authorization'}",)
    return Authorizer(id=name, name=name, type=auth_type, identity_sources=sources, origin=origin)
