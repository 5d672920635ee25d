"""Checks on the route tree of each API (REST working copies and HTTP API routes), from any source."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Method, Resource, RestApi
from .core import CheckFinding, CheckInput, CheckMeta, Snippet
from .snippets import integration_for, method_on

ROOT_BESIDE_PROXY = CheckMeta(
    id="APIGW010",
    name="root-without-method-beside-proxy",
    severity="error",
    summary="the root / has no method while /{proxy+} does",
    help="A greedy {proxy+} never matches its own parent: requests to the stage root get 403 Missing "
    "Authentication Token although every other path works.",
)
PROXY_PARENT = CheckMeta(
    id="APIGW011",
    name="proxy-parent-uncovered",
    severity="warning",
    summary="the parent of a {proxy+} resource has no method",
    help="/api/{proxy+} does not match /api itself: calls to the parent get 403 Missing Authentication Token.",
)
NO_INTEGRATION = CheckMeta(
    id="APIGW050",
    name="method-without-integration",
    severity="error",
    summary="a method has no integration",
    help="CreateDeployment fails with 'No integration defined for method': the change never reaches a stage.",
)
IAM_METHOD = CheckMeta(
    id="APIGW090",
    name="iam-method",
    severity="info",
    summary="a method uses AWS_IAM authorization",
    help="Unsigned calls to it get 403 Missing Authentication Token, not 401: clients must sign with SigV4.",
)

_DECLARED_INTEGRATIONS = ("cloudformation", "sam", "terraform", "terraform-plan", "terraform-state")
"""Sources that declare every integration, so a missing one is real (an export may simply omit them)."""


def _rest_apis(data: CheckInput) -> Iterator[RestApi]:
    for api in data.world.apis:
        if isinstance(api, RestApi):
            yield api


def _greedy_children(api: RestApi) -> dict[str, list[Resource]]:
    """Parent path -> its {proxy+} children that have methods (one pass over the resources)."""
    children: dict[str, list[Resource]] = {}
    for r in api.resources:
        parent = r.parent_path
        if parent is not None and r.is_greedy and r.methods:
            children.setdefault(parent, []).append(r)
    return children


def root_beside_proxy(data: CheckInput) -> Iterator[CheckFinding]:
    for api in _rest_apis(data):
        root = api.resource("/")
        if root is None or root.methods:
            continue
        for proxy in _greedy_children(api).get("/", []):
            yield CheckFinding(
                check_id=ROOT_BESIDE_PROXY.id,
                severity=ROOT_BESIDE_PROXY.severity,
                message=f"API {api.name or api.id}: {proxy.path} has {', '.join(proxy.method_names)} but / has no "
                "method; the stage root answers 403 Missing Authentication Token.",
                origin=proxy.origin if proxy.origin.source else api.origin,
                subject=f"{api.id}:/",
                fix=method_on(api, "/", "ANY", proxy.path, f"give / its own method, like {proxy.path}"),
            )


def proxy_parent(data: CheckInput) -> Iterator[CheckFinding]:
    for api in _rest_apis(data):
        greedy = _greedy_children(api)
        for parent in api.resources:
            if parent.path == "/" or parent.methods:
                continue
            for proxy in greedy.get(parent.path, []):
                yield CheckFinding(
                    check_id=PROXY_PARENT.id,
                    severity=PROXY_PARENT.severity,
                    message=f"API {api.name or api.id}: {proxy.path} never matches {parent.path}, which has no "
                    f"method; {parent.path} answers 403 Missing Authentication Token.",
                    origin=parent.origin if parent.origin.source else proxy.origin,
                    subject=f"{api.id}:{parent.path}",
                    fix=method_on(api, parent.path, "ANY", proxy.path, f"give {parent.path} its own method"),
                )


def _methods(api: RestApi) -> Iterator[tuple[Resource, Method]]:
    for r in api.resources:
        for m in r.methods:
            yield r, m


def no_integration(data: CheckInput) -> Iterator[CheckFinding]:
    for api in _rest_apis(data):
        if api.source_kind not in _DECLARED_INTEGRATIONS:
            continue
        for r, m in _methods(api):
            if m.integration_type is None:
                yield CheckFinding(
                    check_id=NO_INTEGRATION.id,
                    severity=NO_INTEGRATION.severity,
                    message=f"API {api.name or api.id}: {m.http_method} {r.path} has no integration; the next "
                    "deployment fails and the stage keeps its old routes.",
                    origin=m.origin if m.origin.source else r.origin,
                    subject=f"{api.id}:{m.http_method} {r.path}",
                    fix=integration_for(api, r.path, m.http_method, _method_name(m)),
                )


def _method_name(m: Method) -> str:
    """The method's name in its source: the logical id (CloudFormation) or resource name (Terraform)."""
    pointer = m.origin.pointer.rstrip("/")
    name = pointer.rsplit("/", 1)[-1].rsplit(".", 1)[-1] if pointer else ""
    return name or m.http_method.lower()


def iam_method(data: CheckInput) -> Iterator[CheckFinding]:
    for api in _rest_apis(data):
        for r, m in _methods(api):
            if m.authorization_type == "AWS_IAM":
                yield CheckFinding(
                    check_id=IAM_METHOD.id,
                    severity=IAM_METHOD.severity,
                    message=f"API {api.name or api.id}: {m.http_method} {r.path} uses AWS_IAM; unsigned calls get "
                    "403 Missing Authentication Token.",
                    origin=m.origin if m.origin.source else r.origin,
                    subject=f"{api.id}:{m.http_method} {r.path}",
                    fix=Snippet(
                        language="shell",
                        text='curl --aws-sigv4 "aws:amz:REGION:execute-api" '
                        '--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" URL',
                        summary="clients sign their calls with SigV4",
                    ),
                )
