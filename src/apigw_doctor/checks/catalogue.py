"""Every check, listed explicitly (no discovery by import). Ids are stable and unique (a test guards it)."""

from __future__ import annotations

from collections.abc import Iterator

from . import cfn, cors, deploys, routes, terraform
from .core import Check, CheckFinding, CheckInput, CheckMeta

VARIABLE_SIBLINGS = CheckMeta(
    id="APIGW060",
    name="impossible-route-tree",
    severity="error",
    summary="a route tree AWS refuses (two variable siblings, a greedy parent, a bad path part)",
    help="CreateResource/PutRestApi fail ('A sibling ... already has a variable path part -- only one is "
    "allowed'): the stack or apply fails before anything is deployed.",
)


def refused_trees(data: CheckInput) -> Iterator[CheckFinding]:
    for message, origin in data.refused:
        yield CheckFinding(
            check_id=VARIABLE_SIBLINGS.id,
            severity=VARIABLE_SIBLINGS.severity,
            message=message,
            origin=origin,
            subject=f"{origin.pointer}:{message}",
        )


CHECKS: tuple[Check, ...] = (
    Check(cfn.NOT_REDEPLOYED, cfn.not_redeployed),
    Check(cfn.BEFORE_METHODS, cfn.before_methods),
    Check(cfn.NOT_REDEPLOYED, terraform.not_redeployed),
    Check(cfn.BEFORE_METHODS, terraform.before_methods),
    Check(terraform.DESTROY_FIRST, terraform.destroy_first),
    Check(routes.ROOT_BESIDE_PROXY, routes.root_beside_proxy),
    Check(routes.PROXY_PARENT, routes.proxy_parent),
    Check(cors.OPTIONS_MISSING, cors.options_missing),
    Check(cors.OPTIONS_BEHIND_AUTH, cors.options_behind_auth),
    Check(deploys.HTTP_STAGE_NOT_DEPLOYED, deploys.http_stage_not_deployed),
    Check(deploys.MAPPING_UNDEFINED_STAGE, deploys.mappings),
    Check(routes.NO_INTEGRATION, routes.no_integration),
    Check(VARIABLE_SIBLINGS, refused_trees),
    Check(deploys.SAM_STAGE_STAGE, deploys.sam_stage_stage),
    Check(deploys.MAT_HIDDEN, deploys.mat_hidden),
    Check(routes.IAM_METHOD, routes.iam_method),
)

METAS: tuple[CheckMeta, ...] = tuple(dict.fromkeys((*(c.meta for c in CHECKS), deploys.MAPPING_STAGE_NONE)))
"""Every rule a finding can carry (a check function may emit more than one rule)."""
