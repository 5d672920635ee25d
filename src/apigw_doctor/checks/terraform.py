"""Checks on Terraform configurations themselves: deployments whose ``triggers`` miss changes, that can be
created before their methods, or that are destroyed before their replacement exists.

Terraform replaces an ``aws_api_gateway_deployment`` only when one of its arguments changes: ``triggers`` is
the documented way to tie it to the API's resources, methods and integrations.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Origin
from ..sources.terraform import TerraformConfig, TfResource
from .cfn import BEFORE_METHODS, NOT_REDEPLOYED
from .core import CheckFinding, CheckInput, CheckMeta, Snippet

DESTROY_FIRST = CheckMeta(
    id="APIGW003",
    name="deployment-without-create-before-destroy",
    severity="warning",
    summary="a Terraform deployment replaced without create_before_destroy",
    help="Terraform destroys the old deployment before creating the new one: the destroy fails while a stage "
    "still points at it, or the stage is briefly left without routes.",
)

_PARTS = ("aws_api_gateway_resource", "aws_api_gateway_method", "aws_api_gateway_integration")


def _api_of(resource: TfResource) -> str | None:
    argument = resource.argument("rest_api_id")
    if argument is None:
        return None
    apis = [r for r in argument.references if r.startswith("aws_api_gateway_rest_api.")]
    return apis[0] if apis else None


def _same_module(a: TfResource, b: TfResource) -> bool:
    return a.module == b.module


def _parts_of(config: TerraformConfig, dep: TfResource, api: str | None) -> list[TfResource]:
    return [r for r in config.of_type(*_PARTS) if _same_module(r, dep) and _api_of(r) == api]


def _trigger_refs(dep: TfResource) -> set[str] | None:
    argument = dep.argument("triggers")
    return None if argument is None else {_base(r) for r in argument.references}


def _base(address: str) -> str:
    """``aws_api_gateway_method.get[0]`` / ``...get["x"]`` -> ``aws_api_gateway_method.get``."""
    return address.split("[", 1)[0]


def triggers_snippet(dep: TfResource, parts: list[TfResource], api: str | None) -> Snippet:
    refs = [f"{r}.id" for r in sorted({_base(p.address) for p in parts})]
    refs = refs or [f"{api or 'aws_api_gateway_rest_api.main'}.body"]  # an API defined by its OpenAPI body
    listed = "".join(f"      {r},\n" for r in refs)
    text = (
        f'resource "aws_api_gateway_deployment" "{dep.name}" {{\n'
        f"  rest_api_id = {api or 'aws_api_gateway_rest_api.main'}.id\n"
        "  triggers = {\n    redeployment = sha1(jsonencode([\n"
        f"{listed}"
        "    ]))\n  }\n"
        "  lifecycle {\n    create_before_destroy = true\n  }\n}\n"
    )
    return Snippet(
        language="terraform", text=text, summary="redeploy whenever a resource, method or integration changes"
    )


def _deployments(data: CheckInput) -> Iterator[tuple[TerraformConfig, TfResource]]:
    for config in data.terraform:
        if config.kind != "hcl":
            continue
        for dep in config.of_type("aws_api_gateway_deployment"):
            yield config, dep


def not_redeployed(data: CheckInput) -> Iterator[CheckFinding]:
    for config, dep in _deployments(data):
        api = _api_of(dep)
        parts = _parts_of(config, dep, api)
        refs = _trigger_refs(dep)
        if refs is None:
            why = "has no triggers: Terraform never replaces it, so later API changes are never deployed."
        else:
            if api is not None and api in refs and not parts:
                continue  # an API defined by its body, with the body (or the API) in the triggers
            missing = sorted({_base(p.address) for p in parts} - refs)
            if not missing:
                continue
            shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
            why = f"has triggers that miss {shown}: changing them does not redeploy the API."
        trig = dep.argument("triggers")
        yield CheckFinding(
            check_id=NOT_REDEPLOYED.id,
            severity=NOT_REDEPLOYED.severity,
            message=f"{dep.address} {why}",
            origin=dep.origin if trig is None or trig.line is None else _at(dep, trig.line),
            subject=dep.address,
            fix=triggers_snippet(dep, parts, api),
        )


def before_methods(data: CheckInput) -> Iterator[CheckFinding]:
    for config, dep in _deployments(data):
        api = _api_of(dep)
        before = {_base(a) for a in dep.depends_on}
        for argument in dep.arguments:
            before.update(_base(r) for r in argument.references)
        methods = [p for p in _parts_of(config, dep, api) if p.type != "aws_api_gateway_resource"]
        missing = sorted({_base(m.address) for m in methods} - before)
        if not missing:
            continue
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        yield CheckFinding(
            check_id=BEFORE_METHODS.id,
            severity=BEFORE_METHODS.severity,
            message=f"{dep.address} neither depends on nor refers to {shown}: Terraform may create it first, and "
            "its snapshot then lacks them.",
            origin=dep.origin,
            subject=dep.address,
            fix=triggers_snippet(dep, _parts_of(config, dep, api), api),
        )


def destroy_first(data: CheckInput) -> Iterator[CheckFinding]:
    for _, dep in _deployments(data):
        if dep.argument("triggers") is None or dep.create_before_destroy:
            continue
        yield CheckFinding(
            check_id=DESTROY_FIRST.id,
            severity=DESTROY_FIRST.severity,
            message=f"{dep.address} is replaced on every trigger change without create_before_destroy: Terraform "
            "destroys it first, while a stage still points at it.",
            origin=dep.origin,
            subject=dep.address,
            fix=Snippet(
                language="terraform",
                text="  lifecycle {\n    create_before_destroy = true\n  }\n",
                summary=f"add to {dep.address}",
            ),
        )


def _at(dep: TfResource, line: int) -> Origin:
    return Origin(source=dep.origin.source, pointer=dep.origin.pointer, line=line)
