"""Checks on CloudFormation templates themselves: deployments that never redeploy, or deploy too early.

A deployment is an immutable snapshot. CloudFormation replaces an ``AWS::ApiGateway::Deployment`` only when its
logical id or properties change, and creates it as soon as what it depends on exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..sources.cloudformation import Template, TemplateResource
from ..sources.cloudformation.resources import Reader
from ..sources.cloudformation.values import references
from .core import CheckFinding, CheckInput, CheckMeta, Snippet

NOT_REDEPLOYED = CheckMeta(
    id="APIGW001",
    name="deployment-not-redeployed",
    severity="error",
    summary="a deployment that will not redeploy when methods, resources or integrations change",
    help="CloudFormation keeps a Deployment whose logical id and properties do not change, and Terraform one whose "
    "triggers do not change: new methods never reach the stage, which answers 403 Missing Authentication Token.",
)
BEFORE_METHODS = CheckMeta(
    id="APIGW002",
    name="deployment-before-methods",
    severity="error",
    summary="a deployment that does not depend on all the API's methods",
    help="The deployment can be created before some methods exist: its snapshot lacks them, and they answer 403 "
    "Missing Authentication Token on every stage it serves.",
)

_HASHED = re.compile(r"[0-9A-Fa-f]{8,}$")
"""CDK and similar generators suffix the logical id with a hash of the API, so it changes with every change."""
_STATIC_KEYS = frozenset({"RestApiId", "StageName", "StageDescription", "DeploymentCanarySettings"})


def _api_of(resource: TemplateResource) -> str | None:
    names = sorted(references(resource.properties.get("RestApiId")))
    return names[0] if names else None


def _carries_changes(dep: TemplateResource) -> bool:
    """True when something about the deployment can change with the API: a hashed logical id, or a property
    computed from something else (an intrinsic in Description or any other key)."""
    if _HASHED.search(dep.logical_id):
        return True
    for key, value in dep.properties.items():
        if key in _STATIC_KEYS:
            continue
        if key != "Description" or not isinstance(value, str):
            return True
    return False


def _deployments(template: Template) -> Iterator[TemplateResource]:
    for dep in template.of_type("AWS::ApiGateway::Deployment"):
        if dep.generated_from is None:  # SAM names its deployments after a hash of the API definition
            yield dep


def not_redeployed(data: CheckInput) -> Iterator[CheckFinding]:
    for template in data.templates:
        for dep in _deployments(template):
            if _carries_changes(dep):
                continue
            api = _api_of(dep) or "the API"
            yield CheckFinding(
                check_id=NOT_REDEPLOYED.id,
                severity=NOT_REDEPLOYED.severity,
                message=f"Deployment {dep.logical_id} of {api} has a fixed logical id and nothing that changes with "
                "the API: CloudFormation keeps it on updates, so methods added later are never deployed.",
                origin=dep.origin,
                subject=f"{dep.logical_id}",
                fix=Snippet(
                    language="cloudformation",
                    text=f"# give the deployment a logical id that changes with the API (e.g. {dep.logical_id}"
                    "<hash of the methods>, as CDK does),\n# or move the API to SAM (AWS::Serverless::Api) with:\n"
                    "AlwaysDeploy: true\n",
                    summary="make every API change produce a new deployment",
                ),
            )


def before_methods(data: CheckInput) -> Iterator[CheckFinding]:
    for template in data.templates:
        deployments = list(_deployments(template))
        if not deployments:
            continue
        reader = Reader(template)
        methods = template.of_type("AWS::ApiGateway::Method")
        for dep in deployments:
            api = _api_of(dep)
            mine = [m for m in methods if _api_of(m) == api]
            before = reader.depends_on(dep)
            missing = [m.logical_id for m in mine if m.logical_id not in before]
            if not missing:
                continue
            shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
            yield CheckFinding(
                check_id=BEFORE_METHODS.id,
                severity=BEFORE_METHODS.severity,
                message=f"Deployment {dep.logical_id} does not depend on {shown}: CloudFormation may create it "
                "before them, and its snapshot then lacks them.",
                origin=dep.origin,
                subject=dep.logical_id,
                fix=Snippet(
                    language="cloudformation",
                    text=f"{dep.logical_id}:\n  Type: AWS::ApiGateway::Deployment\n  DependsOn:\n"
                    + "".join(f"    - {m.logical_id}\n" for m in mine),
                    summary="make the deployment depend on every method",
                ),
            )
