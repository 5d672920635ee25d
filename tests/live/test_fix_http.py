"""`fix --apply` on an HTTP API (apigatewayv2), against the sandbox: a stage with auto-deploy off and no
deployment serves nothing; the fix deploys the current routes to it. AWS cannot take a deployment away from an
HTTP API stage again, so the rollback says so instead of claiming the stage is as it was."""

from __future__ import annotations

import json
from pathlib import Path

from apigw_doctor.sandbox import Sandbox
from clirun import run
from live.test_fix_apply import apply_json, writes


def http_api_without_deployment(sandbox: Sandbox) -> str:
    v2 = sandbox.client("apigatewayv2")
    api = v2.create_api(Name="orders", ProtocolType="HTTP")
    integration = v2.create_integration(
        ApiId=api["ApiId"],
        IntegrationType="HTTP_PROXY",
        IntegrationUri="https://example.com",
        IntegrationMethod="ANY",
        PayloadFormatVersion="1.0",
    )
    v2.create_route(ApiId=api["ApiId"], RouteKey="GET /orders", Target=f"integrations/{integration['IntegrationId']}")
    v2.create_stage(ApiId=api["ApiId"], StageName="prod", AutoDeploy=False)
    return str(api["ApiId"])


def test_http_stage_without_deployment(
    sandbox_cli: object, sandbox: Sandbox, tmp_path: Path, operations: list[tuple[str, str]]
) -> None:
    api_id = http_api_without_deployment(sandbox)
    url = f"https://{api_id}.execute-api.us-east-1.amazonaws.com/prod/orders"
    code, out, err = run("diagnose", url, "--format", "json")
    assert json.loads(out)["verdict"] == "NOT_DEPLOYED", err
    operations.clear()
    code, data, _ = apply_json(tmp_path, url)
    applied = data["apply"]
    assert code == 0 and applied["result"] == "FIXED" and applied["kind"] == "redeploy", applied
    assert writes(operations) == ["CreateDeployment"]
    stage = sandbox.client("apigatewayv2").get_stage(ApiId=api_id, StageName="prod")
    deployment = stage["DeploymentId"]
    assert applied["steps"][0]["detail"] == f"deployment id {deployment}"
    code, out, err = run("rollback", applied["backup"], "--format", "json")
    result = json.loads(out)
    assert code == 1 and result["result"] == "ROLLBACK INCOMPLETE"
    assert any("cannot detach" in d for d in result["differences"])
    assert result["kept"] == [f"deployment {deployment}, created by the fix, still serves stage 'prod'"]
