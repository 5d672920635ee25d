"""Is the API managed by infrastructure code? From its tags (and name), and the patch for that code (pure).

    detect_iac(api)  ->  Iac(managed_by="cloudformation", evidence=("aws:cloudformation:stack-name=shop",), ...)

An out-of-band change to such an API is reverted (or its deployment left behind) by the next deploy of the
stack or configuration, so the patch to the code is the primary fix. The patches are the ones ``check`` gives
(:mod:`..checks.terraform`, :mod:`..checks.cfn`), obtained by running those checks on the one deployment
resource the tags describe; they are imported only when needed (``check`` pulls in the template readers).
:func:`generic_snippet` gives the other generic patches of :mod:`.iac_patch` (a mapping, a method, auto-deploy),
used when no ``--iac-source`` holds the API: placeholders where the tags cannot tell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..checks.core import Snippet
from ..model import HttpApi, RestApi
from .iac_text import LIFECYCLE, cfn_resource, indented, tf_block

if TYPE_CHECKING:
    from .iac_patch import Target

_CFN_STACK = "aws:cloudformation:stack-name"
_CFN_LOGICAL = "aws:cloudformation:logical-id"
_TF_KEYS = ("terraform", "managedby", "managed_by", "managed-by", "created_by", "createdby", "provisioner")


@dataclass(frozen=True, slots=True, kw_only=True)
class Iac:
    managed_by: str | None
    """``cloudformation``, ``sam``, ``terraform``, or None (no sign of infrastructure code)."""
    evidence: tuple[str, ...] = ()
    patch: Snippet | None = None


def detect_iac(api: RestApi | HttpApi) -> Iac:
    tags = dict(api.tags)
    evidence: list[str] = []
    if tags.get("lambda:createdBy", "").upper() == "SAM" or any("SamTransform" in v for v in tags.values()):
        evidence = [f"{k}={v}" for k, v in sorted(tags.items()) if k == "lambda:createdBy" or "SamTransform" in v]
        evidence += [f"{k}={v}" for k, v in sorted(tags.items()) if k.startswith("aws:cloudformation:")]
        return Iac(managed_by="sam", evidence=tuple(evidence), patch=_sam_patch())
    if _CFN_STACK in tags:
        evidence = [f"{k}={v}" for k, v in sorted(tags.items()) if k.startswith("aws:cloudformation:")]
        return Iac(managed_by="cloudformation", evidence=tuple(evidence), patch=_cfn_patch(tags.get(_CFN_LOGICAL)))
    tf = [
        f"{k}={v}"
        for k, v in sorted(tags.items())
        if k.lower().startswith("tf:")
        or k.lower() == "terraform"
        or (k.lower() in _TF_KEYS and "terraform" in v.lower())
    ]
    if api.name.lower().startswith(("tf-", "tf_")):
        tf.append(f"name={api.name}")
    if tf:
        return Iac(managed_by="terraform", evidence=tuple(tf), patch=_terraform_patch(api))
    return Iac(managed_by=None)


def _terraform_patch(api: RestApi | HttpApi) -> Snippet:
    """The deployment ``check`` asks for (APIGW001, APIGW003), with the API's own parts left to name."""
    name = "".join(c if c.isalnum() or c == "_" else "_" for c in api.name) or "api"
    text = (
        'resource "aws_api_gateway_deployment" "this" {\n'
        f"  rest_api_id = aws_api_gateway_rest_api.{name}.id\n"
        "  triggers = {\n    redeployment = sha1(jsonencode([\n"
        "      # every aws_api_gateway_resource, _method and _integration of the API:\n"
        "      aws_api_gateway_method.<name>.id,\n      aws_api_gateway_integration.<name>.id,\n"
        f"      # (an API defined by its OpenAPI body: aws_api_gateway_rest_api.{name}.body)\n"
        "    ]))\n  }\n" + "".join(indented(LIFECYCLE, 2)) + "}\n"
    )
    return Snippet(
        language="terraform", text=text, summary="redeploy whenever a resource, method or integration changes"
    )


def _cfn_patch(api_logical_id: str | None) -> Snippet:
    from ..checks.cfn import not_redeployed
    from ..checks.core import CheckInput
    from ..model import World
    from ..sources.cloudformation import Template, TemplateResource
    from ..sources.cloudformation.yaml_cfn import LineMap

    api = api_logical_id or "Api"
    dep = TemplateResource(
        logical_id=f"{api}Deployment", type="AWS::ApiGateway::Deployment", properties={"RestApiId": {"Ref": api}}
    )
    template = Template(path="(live)", data={}, resources=(dep,), lines=LineMap({}))
    found = next(iter(not_redeployed(CheckInput(world=World(), templates=(template,)))), None)
    assert found is not None and found.fix is not None
    return found.fix


def _sam_patch() -> Snippet:
    return Snippet(
        language="sam",
        text="# under the AWS::Serverless::Api resource:\nProperties:\n  AlwaysDeploy: true\n",
        summary="redeploy the API on every stack deploy",
    )


def generic_snippet(language: str, target: Target) -> Snippet:
    """For ``language``: what the request tells, placeholders for the rest (a redeploy of an HTTP API, a mapping,
    a method)."""
    api, base = target.api, target.first_segment
    tag = dict(api.tags).get("aws:cloudformation:logical-id") if api is not None else None
    cfn_api = tag or "<the RestApi's logical id>"
    path = "/" + "/".join(target.path)
    method = target.http_method if target.cause == "METHOD_NOT_DEFINED" else "ANY"
    if target.kind == "redeploy" and isinstance(api, HttpApi):
        auto = {
            "terraform": "auto_deploy = true  # in the aws_apigatewayv2_stage\n",
            "cloudformation": "AutoDeploy: true  # in the AWS::ApiGatewayV2::Stage's Properties\n",
        }
        text = auto.get(language, "# SAM HTTP APIs deploy automatically\n")
        return Snippet(language=language, text=text, summary="deploy every change of the API")
    if target.kind == "mapping" and language == "terraform":
        text = tf_block(
            "aws_api_gateway_base_path_mapping",
            re.sub(r"\W+", "_", base) or "root",
            [
                ("api_id", "aws_api_gateway_rest_api.<api>.id"),
                ("stage_name", '"<stage>"'),
                ("domain_name", f'"{target.host}"'),
                *([("base_path", f'"{base}"')] if base else []),
            ],
        )
    elif target.kind == "mapping":
        text = cfn_resource(
            re.sub(r"\W", "", base.title()) + "BasePathMapping",
            "AWS::ApiGateway::BasePathMapping",
            [
                ("DomainName", target.host),
                *([("BasePath", base)] if base else []),
                ("RestApiId", f"!Ref {cfn_api}"),
                ("Stage", "<stage>"),
            ],
        )
    elif language == "terraform":
        parent = (
            "aws_api_gateway_rest_api.<api>.root_resource_id" if path == "/" else "aws_api_gateway_resource.<parent>.id"
        )
        text = tf_block(
            "aws_api_gateway_method",
            "root_any" if path == "/" else "parent_any",
            [
                ("rest_api_id", "aws_api_gateway_rest_api.<api>.id"),
                ("resource_id", parent),
                ("http_method", f'"{method}"'),
                ("authorization", '"NONE"'),
            ],
        )
        text += "\n# + an aws_api_gateway_integration for it (as the {proxy+}'s), and the method in the triggers\n"
    elif language == "sam":
        text = (
            f"# on the function behind the API, next to its events:\nEvents:\n  Root:\n    Type: Api\n"
            f"    Properties:\n      Path: {path}\n      Method: {method.lower()}\n"
        )
    else:
        ref = f"!GetAtt {cfn_api}.RootResourceId" if path == "/" else "!Ref <the parent resource>"
        text = cfn_resource(
            "RootAnyMethod",
            "AWS::ApiGateway::Method",
            [
                ("RestApiId", f"!Ref {cfn_api}"),
                ("ResourceId", ref),
                ("HttpMethod", method),
                ("AuthorizationType", "NONE"),
                ("Integration", "# the same as the {proxy+} method's\n"),
            ],
        )
    what = f"map https://{target.host}/{base} to the API" if target.kind == "mapping" else f"add {method} {path}"
    return Snippet(language=language, text=text, summary=what)


__all__ = ["Iac", "detect_iac", "generic_snippet"]
