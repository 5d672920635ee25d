"""Is the API managed by infrastructure code? From its tags (and name), and the patch for that code (pure).

    detect_iac(api)  ->  Iac(managed_by="cloudformation", evidence=("aws:cloudformation:stack-name=shop",), ...)

An out-of-band change to such an API is reverted (or its deployment left behind) by the next deploy of the
stack or configuration, so the patch to the code is the primary fix. The patches are the ones ``check`` gives
(:mod:`..checks.terraform`, :mod:`..checks.cfn`), obtained by running those checks on the one deployment
resource the tags describe; they are imported only when needed (``check`` pulls in the template readers).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..checks.core import Snippet
from ..model import HttpApi, RestApi

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
    from ..checks.terraform import triggers_snippet
    from ..model import NO_ORIGIN
    from ..sources.terraform import TfResource

    name = "".join(c if c.isalnum() or c == "_" else "_" for c in api.name) or "api"
    dep = TfResource(
        address="aws_api_gateway_deployment.this", type="aws_api_gateway_deployment", name="this", origin=NO_ORIGIN
    )
    return triggers_snippet(dep, [], f"aws_api_gateway_rest_api.{name}")


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


__all__ = ["Iac", "detect_iac"]
