"""``--saw`` / ``--saw-body``: when what the user saw differs from what the model expects, say what explains it."""

from __future__ import annotations

import json

from ..gateway import Outcome
from .findings import Finding, Reported

MAT = "Missing Authentication Token"


def _message(body: str | None) -> str | None:
    if body is None:
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return body.strip()
    if isinstance(data, dict):
        for key in ("message", "Message"):
            if isinstance(data.get(key), str):
                return str(data[key])
    return body.strip()


def compare(outcome: Outcome, findings: list[Finding], saw_status: int | None, saw_body: str | None) -> Reported:
    expected = outcome.response
    saw_msg = _message(saw_body)
    exp_msg = _message(expected.body)
    status_ok = saw_status is None or saw_status == expected.status
    body_ok = saw_body is None or saw_msg == exp_msg
    if expected.source == "integration":
        status_ok = body_ok = False
    consistent = status_ok and body_ok
    why: list[str] = []
    if consistent:
        return Reported(saw_status, saw_body, True, ())
    body = saw_body or ""
    if "<MissingAuthenticationTokenException>" in body or body.lstrip().startswith("<"):
        why.append(
            "An XML body comes from the API Gateway control plane (apigateway.REGION.amazonaws.com), not "
            "from execute-api: the URL points at the management API."
        )
    if "Request is missing Authentication Token" in body:
        why.append(
            "'Request is missing Authentication Token' is another AWS service's unsigned-request error, not "
            "API Gateway's data plane."
        )
    if expected.source == "integration":
        why.append(
            "The model expects the request to reach the integration. The sources may be stale: the stage may "
            "serve an older deployment than the file shows (re-export it, or diagnose against the live "
            "account)."
        )
        why.append(
            "A CloudFront distribution or proxy in front may rewrite the path (an origin path such as /prod "
            "plus the behaviour's path): compare with $context.path in the access log."
        )
        why.append(
            "The backend itself may return this text: API Gateway's own errors carry x-amzn-ErrorType, a "
            "backend's usually do not."
        )
    elif saw_msg == MAT and exp_msg != MAT:
        why.append(
            "The URL you called may not be the one diagnosed (a proxy or CloudFront in front can add or "
            "strip the stage), or the sources are stale."
        )
        why.append("A customised gateway response or the backend can also produce this text.")
    elif saw_msg == "Forbidden" and exp_msg != "Forbidden":
        why.append(
            "'Forbidden' also comes from AWS WAF, a VPC endpoint with private DNS calling a public API, a "
            "missing API key, or a stage name that differs in the URL actually called."
        )
    elif saw_status is not None and expected.status is not None and saw_status != expected.status:
        why.append(
            "A different status with the same cause usually means a customised gateway response "
            "(DEFAULT_4XX) or a proxy in front changing it; x-amzn-ErrorType tells API Gateway's own cause."
        )
    if not why:
        why.append(
            "The sources may not describe what is deployed: diagnose against the live account or a fresh export."
        )
    return Reported(saw_status, saw_body, False, tuple(why))
