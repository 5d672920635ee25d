"""What API Gateway reads from a request's credentials: SigV4 signatures and the Authorization header."""

from __future__ import annotations

from urllib.parse import parse_qsl

from .request import Request

SIGV4_ALGORITHM = "AWS4-HMAC-SHA256"


def is_sigv4_signed(request: Request) -> bool:
    """True when the request carries a SigV4 signature (header or presigned query string)."""
    auth = request.header("Authorization")
    if auth is not None and auth.strip().startswith(SIGV4_ALGORITHM + " "):
        return True
    keys = {k for k, _ in parse_qsl(request.query, keep_blank_values=True)}
    return {"X-Amz-Algorithm", "X-Amz-Signature"} <= keys


def non_sigv4_authorization(request: Request) -> str | None:
    """The Authorization header's value when present and not SigV4 (``Bearer ...``, a bare token)."""
    auth = request.header("Authorization")
    if auth is None or is_sigv4_signed(request):
        return None
    return auth


def incomplete_signature_message(value: str, request: Request) -> str:
    """AWS's IncompleteSignatureException text for a non-SigV4 Authorization header.

    Observed forms (reference 2.1): ``Bearer <tok>`` gives ``'<tok>' not a valid key=value pair
    (missing equal-sign) in Authorization header: 'Bearer <tok>'.``; a single token gives the list of
    required parameters followed by ``Authorization=<value>``. Newer wording is unconfirmed.
    """
    _, sep, rest = value.strip().partition(" ")
    if sep:
        for piece in rest.split(","):
            piece = piece.strip()
            if piece and "=" not in piece:
                return f"'{piece}' not a valid key=value pair (missing equal-sign) in Authorization header: '{value}'."
    pairs = {p.split("=", 1)[0].strip() for p in rest.split(",") if "=" in p} if sep else set()
    missing = [
        f"Authorization header requires '{k}' parameter."
        for k in ("Credential", "Signature", "SignedHeaders")
        if k not in pairs
    ]
    if request.header("X-Amz-Date") is None and request.header("Date") is None:
        missing.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
    return " ".join([*missing, f"Authorization={value}"])


def identity_present(request: Request, identity_sources: tuple[str, ...]) -> bool:
    """True when every identity source (``method.request.header.X``, ``$request.header.X``...) is present."""
    if not identity_sources:
        return True
    query = dict(parse_qsl(request.query, keep_blank_values=True))
    for src in identity_sources:
        src = src.strip().lstrip("$")
        name = src.rsplit(".", 1)[1]
        if src.startswith(("method.request.header.", "request.header.")) and not request.header(name):
            return False
        if src.startswith(("method.request.querystring.", "request.querystring.")) and not query.get(name):
            return False
    return True
