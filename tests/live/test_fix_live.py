"""`apigw-doctor fix` through the CLI against the sandbox's demo account: plans built from real reads, read-only.

Every boto3 session the command creates is observed through botocore's ``before-call`` event (as in
test_readonly_commands.py), so a write would be seen even if the internal guard were bypassed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from apigw_doctor.sandbox import DemoApi, Sandbox
from clirun import READ_PREFIXES, run

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = jsonschema.Draft202012Validator(json.loads((ROOT / "src/apigw_doctor/data/fix.schema.json").read_text()))


def _fix_json(*argv: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run("fix", *argv, "--format", "json")
    assert code in (0, 1), err
    data = json.loads(out)
    VALIDATOR.validate(data)
    return code, data


def _only_reads(ops: list[tuple[str, str]]) -> None:
    assert ops
    writes = [op for op in ops if not op[1].startswith(READ_PREFIXES)]
    assert not writes, writes


def test_not_deployed_plan_lists_every_route_a_redeploy_publishes(
    sandbox_cli: DemoApi, sandbox: Sandbox, operations: list[tuple[str, str]]
) -> None:
    demo = sandbox_cli
    apigw = sandbox.client("apigateway")
    apigw.create_usage_plan(name="gold", apiStages=[{"apiId": demo.api_id, "stage": demo.stage}])
    code, data = _fix_json(demo.trap("NOT_DEPLOYED").url)
    assert code == 1 and data["verdict"] == "NOT_DEPLOYED" and data["side"] == "api"
    assert [c["operation"] for c in data["calls"]] == ["create-deployment"]
    assert data["calls"][0]["writes"] and not data["calls"][0]["changes_api_resources"]
    blast = data["blast_radius"]
    assert [(s["stage"], s["deployment_before"]) for s in blast["stages"]] == [
        (demo.stage, demo.deployment_of(demo.stage))
    ]
    assert set(blast["routes_appear"]) == {"GET /pets/{petId}/photos", "GET /pets/{petId}/vaccinations"}
    assert blast["routes_disappear"] == []
    assert blast["mappings"] == [{"domain": demo.domain, "base_path": demo.base_path, "stage": demo.stage}]
    assert [(u["name"], u["stage"]) for u in blast["usage_plans"]] == [("gold", demo.stage)]
    assert data["iac"]["managed_by"] is None
    assert any("1 request every 5 seconds" in n for n in data["notes"])
    assert ("apigateway", "GetUsagePlans") in operations
    _only_reads(operations)
    assert data["aws_calls"] == len(operations)


def test_text_plan_fits_80_columns(sandbox_cli: DemoApi, operations: list[tuple[str, str]]) -> None:
    code, out, err = run("fix", sandbox_cli.trap("NOT_DEPLOYED").url, "--color", "never")
    assert code == 1, err
    assert "GET /pets/{petId}/photos" in out and "GET /pets/{petId}/vaccinations" in out
    assert "api.example.com/v1 -> prod" in out
    assert all(len(line) <= 80 for line in out.splitlines() if "https://" not in line), out
    _only_reads(operations)


@pytest.mark.parametrize("verdict", ["STAGE_IN_CUSTOM_DOMAIN_PATH", "RESOURCE_NOT_FOUND", "IAM_UNSIGNED"])
def test_client_side_trap_gives_the_corrected_request(
    sandbox_cli: DemoApi, operations: list[tuple[str, str]], verdict: str
) -> None:
    trap = sandbox_cli.trap(verdict)
    code, data = _fix_json(trap.url, "-X", trap.method)
    assert code == 1 and data["verdict"] == verdict and data["side"] == "client"
    assert data["calls"] == [] and data["blast_radius"]["stages"] == []
    assert data["corrected_request"] is not None and data["corrected_request"]["curl"].startswith("curl ")
    assert ("apigateway", "GetUsagePlans") not in operations
    _only_reads(operations)


def _stack_api(sandbox: Sandbox) -> str:
    """A REST API tagged by CloudFormation (tags given at creation: moto has no TagResource for API Gateway),
    with GET /a deployed to prod and GET /b added afterwards."""
    apigw = sandbox.client("apigateway")
    api = apigw.create_rest_api(
        name="stack-api",
        endpointConfiguration={"types": ["REGIONAL"]},
        tags={
            "_custom_id_": "stackapi01",
            "aws:cloudformation:stack-name": "petstore",
            "aws:cloudformation:logical-id": "PetsApi",
        },
    )["id"]
    root = next(r["id"] for r in apigw.get_resources(restApiId=api)["items"] if r["path"] == "/")

    def method(part: str) -> None:
        rid = apigw.create_resource(restApiId=api, parentId=root, pathPart=part)["id"]
        apigw.put_method(restApiId=api, resourceId=rid, httpMethod="GET", authorizationType="NONE")
        apigw.put_integration(restApiId=api, resourceId=rid, httpMethod="GET", type="MOCK")

    method("a")
    apigw.create_deployment(restApiId=api, stageName="prod")
    method("b")
    return str(api)


def test_cloudformation_tags_make_the_template_patch_primary(
    sandbox_cli: DemoApi, sandbox: Sandbox, operations: list[tuple[str, str]]
) -> None:
    api = _stack_api(sandbox)
    url = f"https://{api}.execute-api.{sandbox_cli.region}.amazonaws.com/prod/b"
    code, data = _fix_json(url)
    assert code == 1 and data["verdict"] == "NOT_DEPLOYED", data["verdict"]
    assert data["iac"]["managed_by"] == "cloudformation"
    assert "aws:cloudformation:stack-name=petstore" in data["iac"]["evidence"]
    assert data["iac"]["patch"] is not None and "PetsApiDeployment" in data["iac"]["patch"]["text"]
    assert any("reverted by its next deploy" in n for n in data["notes"])
    assert data["blast_radius"]["routes_appear"] == ["GET /b"]
    code, out, _ = run("fix", url, "--color", "never")
    assert out.index("Primary fix: change the cloudformation code") < out.index("aws apigateway create-deployment")
    _only_reads(operations)


def test_a_working_request_exits_0(sandbox_cli: DemoApi, operations: list[tuple[str, str]]) -> None:
    trap = sandbox_cli.trap("MATCHED")
    code, data = _fix_json(trap.url, "-X", trap.method)
    assert code == 0 and data["side"] == "none" and data["calls"] == []
    _only_reads(operations)


def test_bad_input_exits_2(sandbox_cli: DemoApi) -> None:
    code, _, err = run("fix", "not a url")
    assert code == 2 and "error" in err
