"""The stable cause codes, used by JSON output, logs, checks and fleet scans. Documented in docs/causes.md."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Cause:
    code: str
    severity: str
    """``error`` (the request fails for this reason), ``warning`` (it fails sometimes), ``info``."""
    side: str
    """``client`` (the request is wrong), ``api`` (the API must change), ``either``."""
    title: str


CAUSES: tuple[Cause, ...] = (
    Cause("MATCHED", "info", "either", "API Gateway routes the request to a method"),
    Cause("API_NOT_FOUND", "error", "client", "no API or custom domain answers at this host"),
    Cause("WRONG_REGION", "error", "client", "the API exists, in another region"),
    Cause("EXECUTE_API_DISABLED", "error", "either", "the default execute-api endpoint is disabled"),
    Cause(
        "PRIVATE_API",
        "error",
        "client",
        "a private API called from outside its VPC endpoint (or the reverse)",
    ),
    Cause("STAGE_MISSING", "error", "client", "the URL has no stage segment"),
    Cause("STAGE_UNKNOWN", "error", "client", "the first segment is not a stage name (case-sensitive)"),
    Cause("STAGE_ROOT_NO_METHOD", "error", "either", "the stage root / has no method"),
    Cause("PROXY_PARENT_NOT_COVERED", "error", "api", "a {proxy+} never matches its parent, which has no method"),
    Cause("RESOURCE_NOT_FOUND", "error", "client", "no resource matches the path"),
    Cause("METHOD_NOT_DEFINED", "error", "either", "the resource exists, without this HTTP method"),
    Cause("NOT_DEPLOYED", "error", "api", "the route exists in the API but not in the stage's deployment"),
    Cause("CANARY_ONLY", "warning", "api", "the route exists in only one of the stage's deployments (canary)"),
    Cause("STAGE_IN_CUSTOM_DOMAIN_PATH", "error", "client", "the stage name is in a custom-domain URL"),
    Cause("BASE_PATH_UNMAPPED", "error", "either", "no base-path mapping of the custom domain matches"),
    Cause("IAM_UNSIGNED", "error", "client", "an AWS_IAM method called without a SigV4 signature"),
    Cause("AUTH_HEADER_NOT_SIGV4", "error", "client", "a non-SigV4 Authorization header (IncompleteSignature)"),
    Cause("API_KEY_MISSING", "error", "client", "the method requires an API key (x-api-key)"),
    Cause("AUTHORIZER_IDENTITY_MISSING", "error", "client", "the authorizer's identity source is missing"),
    Cause("CORS_PREFLIGHT_NO_OPTIONS", "error", "api", "a browser preflight (OPTIONS) with no OPTIONS method"),
    Cause("GATEWAY_RESPONSE_CUSTOMIZED", "info", "api", "a customised gateway response changed status or body"),
)

BY_CODE: dict[str, Cause] = {c.code: c for c in CAUSES}


def cause(code: str) -> Cause:
    return BY_CODE[code]
