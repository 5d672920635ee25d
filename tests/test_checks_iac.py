"""Checks on infrastructure code itself, through the real `check` command on template files."""

from __future__ import annotations

import json
from pathlib import Path

from clirun import run

DATA = Path(__file__).parent / "data" / "check-iac"


def findings(path: Path) -> list[dict[str, object]]:
    code, out, err = run("check", str(path), "--format", "json", "--fail-on", "info")
    assert code in (0, 1), err
    result: list[dict[str, object]] = json.loads(out)["findings"]
    return result


def test_cloudformation_deployment_that_never_redeploys_and_deploys_too_early() -> None:
    found = {(f["id"], f["line"]) for f in findings(DATA / "cfn-bad.yaml")}
    assert ("APIGW001", 29) in found
    assert ("APIGW002", 29) in found
    assert ("APIGW050", 22) in found
    by_id = {f["id"]: f for f in findings(DATA / "cfn-bad.yaml")}
    fix = by_id["APIGW002"]["fix"]
    assert isinstance(fix, dict) and fix["language"] == "cloudformation" and "- PostPets" in str(fix["text"])
    assert "AlwaysDeploy: true" in str(by_id["APIGW001"]["fix"]["text"])  # type: ignore[index]


def test_cloudformation_good_template_is_clean() -> None:
    ids = {f["id"] for f in findings(DATA / "cfn-good.yaml")}
    assert not ids & {"APIGW001", "APIGW002", "APIGW050"}


def test_terraform_triggers_that_miss_methods_and_no_create_before_destroy() -> None:
    found = findings(DATA / "tf-bad")
    by_id = {f["id"]: f for f in found}
    assert {"APIGW001", "APIGW002", "APIGW003"} <= set(by_id)
    assert by_id["APIGW001"]["line"] == 41  # the triggers argument
    assert "aws_api_gateway_method.post_pets" in str(by_id["APIGW001"]["message"])
    fix = by_id["APIGW001"]["fix"]
    assert isinstance(fix, dict) and fix["language"] == "terraform"
    assert "aws_api_gateway_integration.post_pets.id" in str(fix["text"]) and "create_before_destroy" in str(
        fix["text"]
    )


def test_terraform_without_triggers(tmp_path: Path) -> None:
    text = (DATA / "tf-bad" / "main.tf").read_text()
    start = text.index("  triggers = {")
    end = text.index("  }\n", start) + len("  }\n")
    (tmp_path / "main.tf").write_text(text[:start] + text[end:])
    by_id = {f["id"]: f for f in findings(tmp_path)}
    assert "has no triggers" in str(by_id["APIGW001"]["message"])
    assert "APIGW003" not in by_id  # no triggers: nothing replaces it


def test_terraform_good_module_is_clean() -> None:
    assert not {f["id"] for f in findings(DATA / "tf-good")} & {"APIGW001", "APIGW002", "APIGW003", "APIGW050"}
