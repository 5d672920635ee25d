"""`fix --apply` for every kind of change besides the redeploy (issue 5 §2), against the sandbox over HTTP:
the missing base-path mapping, a new stage, the root/parent method (only with --allow-api-changes); each one
FIXED, then rolled back to the backup."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from apigw_doctor.sandbox import DemoApi, Sandbox
from clirun import run
from live.test_fix_apply import apply_json, field_differences, stage_now, writes


def mappings(sandbox: Sandbox, domain: str) -> list[dict[str, Any]]:
    return sandbox.client("apigateway").get_base_path_mappings(domainName=domain)["items"]


def test_missing_base_path_mapping(
    sandbox_cli: DemoApi, sandbox: Sandbox, tmp_path: Path, operations: list[tuple[str, str]]
) -> None:
    demo = sandbox_cli
    before = mappings(sandbox, demo.domain)
    url = f"https://{demo.domain}/v2/pets"
    code, out, err = run("fix", url, "--apply", "--yes", "--backup-dir", str(tmp_path))
    assert code == 2 and "--map-to API_ID/STAGE" in err  # which stage to map is the user's call
    operations.clear()
    code, data, _ = apply_json(tmp_path, url, "--map-to", f"{demo.api_id}/{demo.stage}")
    applied = data["apply"]
    assert code == 0 and applied["kind"] == "map" and applied["result"] == "FIXED", applied
    assert writes(operations) == ["CreateBasePathMapping"]
    assert "v2" in {m["basePath"] for m in mappings(sandbox, demo.domain)}
    stage_before = stage_now(sandbox, demo.api_id, demo.stage)
    code, out, err = run("rollback", applied["backup"], "--format", "json")
    assert code == 0 and json.loads(out)["result"] == "ROLLED BACK", out + err
    assert mappings(sandbox, demo.domain) == before
    assert field_differences(stage_before, stage_now(sandbox, demo.api_id, demo.stage)) == []  # stage untouched


def test_a_new_stage(sandbox_cli: DemoApi, sandbox: Sandbox, tmp_path: Path) -> None:
    demo = sandbox_cli
    url = f"https://{demo.api_id}.execute-api.{demo.region}.amazonaws.com/staging/pets"
    code, data, _ = apply_json(tmp_path, url, "--side", "api")
    applied = data["apply"]
    assert code == 0 and applied["kind"] == "create-stage" and applied["result"] == "FIXED", applied
    assert "staging" in {s["stageName"] for s in sandbox.client("apigateway").get_stages(restApiId=demo.api_id)["item"]}
    code, out, err = run("rollback", applied["backup"])
    assert code == 0 and "ROLLED BACK" in out, out + err
    assert "delete stage 'staging'" in out and "created by the fix, is kept" in out
    assert "staging" not in {
        s["stageName"] for s in sandbox.client("apigateway").get_stages(restApiId=demo.api_id)["item"]
    }


def _root_methods(sandbox: Sandbox, api_id: str) -> dict[str, Any]:
    items = sandbox.client("apigateway").get_resources(restApiId=api_id, embed=["methods"])["items"]
    return next(r for r in items if r["path"] == "/").get("resourceMethods", {})


def test_parent_of_a_proxy_needs_allow_api_changes(
    sandbox_cli: DemoApi, sandbox: Sandbox, tmp_path: Path, operations: list[tuple[str, str]]
) -> None:
    demo = sandbox_cli
    trap = demo.trap("PROXY_PARENT_NOT_COVERED")
    web = trap.url.split("//")[1].split(".")[0]
    code, _, err = run("fix", trap.url, "--apply", "--yes", "--backup-dir", str(tmp_path))
    assert code == 2 and "--allow-api-changes" in err and writes(operations) == []
    before = stage_now(sandbox, web, "prod")
    code, data, _ = apply_json(tmp_path, trap.url, "--allow-api-changes")
    applied = data["apply"]
    assert code == 0 and applied["kind"] == "method" and applied["result"] == "FIXED", applied
    assert [s["operation"] for s in applied["steps"]] == [
        "PutMethod",
        "PutIntegration",
        "CreateDeployment",
        "UpdateStage",
    ]
    assert "ANY" in _root_methods(sandbox, web)
    integration = sandbox.client("apigateway").get_integration(
        restApiId=web, resourceId=_root_id(sandbox, web), httpMethod="ANY"
    )
    assert integration["type"] == "HTTP_PROXY" and "{proxy" not in integration["uri"]
    code, out, err = run("rollback", applied["backup"])
    assert code == 0 and "ROLLED BACK" in out, out + err
    assert "ANY" not in _root_methods(sandbox, web)
    assert field_differences(before, stage_now(sandbox, web, "prod")) == []


def test_stage_root_gets_a_mock_method(sandbox_cli: DemoApi, sandbox: Sandbox, tmp_path: Path) -> None:
    demo = sandbox_cli
    url = f"https://{demo.api_id}.execute-api.{demo.region}.amazonaws.com/prod/"
    code, data, _ = apply_json(tmp_path, url, "--side", "api", "--allow-api-changes")
    applied = data["apply"]
    assert code == 0 and applied["kind"] == "method" and applied["result"] == "FIXED", applied
    assert "GET" in _root_methods(sandbox, demo.api_id)
    code, out, err = run("rollback", applied["backup"])
    assert code == 0 and "ROLLED BACK" in out, out + err
    assert "GET" not in _root_methods(sandbox, demo.api_id)


def _root_id(sandbox: Sandbox, api_id: str) -> str:
    items = sandbox.client("apigateway").get_resources(restApiId=api_id)["items"]
    return str(next(r["id"] for r in items if r["path"] == "/"))
