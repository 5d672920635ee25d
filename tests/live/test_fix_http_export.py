"""`fix --apply` and `rollback` through the CLI on an HTTP API stage that serves an old deployment: the sandbox's
ExportApi (``sandbox/v2export.py``) shows what the stage serves, so a route added since is NOT_DEPLOYED; the fix
deploys the current routes to the stage, and the rollback points the stage back at the old deployment."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from apigw_doctor.sandbox import Sandbox
from clirun import run
from live.test_fix_apply import apply_json, field_differences, writes

MOVING = frozenset({"ResponseMetadata", "LastUpdatedDate"})


def http_api_with_a_route_added_since(sandbox: Sandbox) -> tuple[str, str]:
    """(API id, deployment id): ``GET /orders`` deployed to ``prod`` (auto-deploy off), then ``GET /orders/{id}``."""
    v2 = sandbox.client("apigatewayv2")
    api_id = str(v2.create_api(Name="orders", ProtocolType="HTTP")["ApiId"])
    integration = v2.create_integration(
        ApiId=api_id,
        IntegrationType="HTTP_PROXY",
        IntegrationUri="https://example.com",
        IntegrationMethod="ANY",
        PayloadFormatVersion="1.0",
    )["IntegrationId"]
    v2.create_route(ApiId=api_id, RouteKey="GET /orders", Target=f"integrations/{integration}")
    v2.create_stage(ApiId=api_id, StageName="prod", AutoDeploy=False, StageVariables={"color": "blue"})
    deployment = str(v2.create_deployment(ApiId=api_id, StageName="prod", Description="release 1")["DeploymentId"])
    v2.create_route(ApiId=api_id, RouteKey="GET /orders/{id}", Target=f"integrations/{integration}")
    return api_id, deployment


def stage_now(sandbox: Sandbox, api_id: str) -> dict[str, Any]:
    got = sandbox.client("apigatewayv2").get_stage(ApiId=api_id, StageName="prod")
    return {k: v for k, v in got.items() if k not in MOVING}


def verdict(url: str) -> str:
    code, out, err = run("diagnose", url, "--format", "json")
    assert code in (0, 1), err
    return str(json.loads(out)["verdict"])


def test_a_route_added_since_the_deployment_is_fixed_and_rolled_back(
    sandbox_cli: object, sandbox: Sandbox, tmp_path: Path, operations: list[tuple[str, str]]
) -> None:
    api_id, old = http_api_with_a_route_added_since(sandbox)
    base = f"https://{api_id}.execute-api.us-east-1.amazonaws.com/prod/orders"
    url = base + "/42"
    before = stage_now(sandbox, api_id)
    assert before["DeploymentId"] == old
    assert verdict(url) == "NOT_DEPLOYED" and verdict(base) == "MATCHED"

    operations.clear()
    code, data, _ = apply_json(tmp_path, url)
    applied = data["apply"]
    assert code == 0 and applied["result"] == "FIXED" and applied["kind"] == "redeploy", applied
    assert applied["verification"]["verdict"] == "MATCHED"
    assert writes(operations) == ["CreateDeployment"]
    after_fix = stage_now(sandbox, api_id)
    new = after_fix["DeploymentId"]
    assert new != old and applied["steps"][0]["detail"] == f"deployment id {new}"
    assert field_differences(before, after_fix) == [f"DeploymentId: {old!r} -> {new!r}"]
    assert verdict(url) == "MATCHED"

    operations.clear()
    code, out, err = run("rollback", applied["backup"], "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["result"] == "ROLLED BACK" and result["differences"] == [], err + out
    assert writes(operations) == ["UpdateStage"]
    assert field_differences(before, stage_now(sandbox, api_id)) == []
    assert verdict(url) == "NOT_DEPLOYED" and verdict(base) == "MATCHED"
    assert any(new in kept for kept in result["kept"])  # the fix's deployment stays, no stage serving it
