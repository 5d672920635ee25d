"""SARIF 2.1.0 output: valid against the official schema, and shaped the way GitHub code scanning reads it.

The schema is read from ../shared/reference/sarif-schema-2.1.0.json (never copied into the repository). Where
it is absent, the schema validation is skipped with a message and the structural assertions still run.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from apigw_doctor.checks import CRASHED, METAS, CheckFinding, Snippet
from apigw_doctor.checks.baseline import CheckReport
from apigw_doctor.checks.discover import Skipped
from apigw_doctor.model import Origin
from apigw_doctor.render.sarif import INFORMATION_URI, artifact_location, to_dict
from clirun import run

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests/data/check"
SARIF_SCHEMA = ROOT.parent / "shared/reference/sarif-schema-2.1.0.json"
RULES = (*METAS, CRASHED)


def sarif_of(*argv: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = run("check", *argv, "--format", "sarif")
    return code, json.loads(out)


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    dest = tmp_path / "repo"
    shutil.copytree(DATA / "repo", dest)
    monkeypatch.chdir(dest)
    return dest


def synthetic(root: Path) -> dict[str, Any]:
    """Every kind of result: with and without a line, without a pointer, no file at all, a file outside the
    working directory, a name with a space, every severity, a skipped file."""
    fix = Snippet(language="terraform", text='triggers = {\n  redeployment = "x"\n}\n', summary="redeploy")
    findings = (
        CheckFinding(
            check_id="APIGW010",
            severity="error",
            message="root",
            origin=Origin("api/a.yaml", "/paths/~1", 4),
            subject="a:/",
            fix=fix,
        ),
        CheckFinding(
            check_id="APIGW041",
            severity="warning",
            message="no line",
            origin=Origin("api/b c.json", "/x"),
            subject="b",
        ),
        CheckFinding(check_id="APIGW090", severity="info", message="no pointer", origin=Origin("c.tf"), subject="c"),
        CheckFinding(
            check_id=CRASHED.id, severity="error", message="crashed", origin=Origin("apigw-doctor"), subject="x"
        ),
        CheckFinding(
            check_id="APIGW011",
            severity="warning",
            message="outside",
            origin=Origin("/elsewhere/d.yaml", "", 2),
            subject="d",
        ),
    )
    report = CheckReport(
        findings=findings,
        sources=("api/a.yaml", "api/b c.json", "c.tf"),
        skipped=(Skipped("e.yaml", "e.yaml:1:1: malformed YAML: x"),),
        version="0.1.0",
    )
    return to_dict(report, RULES, str(root))


def validate_against_official_schema(log: dict[str, Any]) -> None:
    if not SARIF_SCHEMA.exists():
        pytest.skip(f"{SARIF_SCHEMA} is absent: the SARIF output was only checked structurally")
    schema = json.loads(SARIF_SCHEMA.read_text())
    # the file declares draft-04 ("$schema"); validator_for picks the matching validator
    validator_class = jsonschema.validators.validator_for(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def check_structure(log: dict[str, Any]) -> None:
    """What GitHub code scanning needs, checked without the schema."""
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    run_ = log["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "apigw-doctor" and driver["version"] and driver["informationUri"] == INFORMATION_URI
    rules = driver["rules"]
    rule_ids = [r["id"] for r in rules]
    assert len(rule_ids) == len(set(rule_ids))
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert rule["helpUri"].startswith("https://")
    for result in run_["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        assert set(result["partialFingerprints"]) >= {"primaryLocationLineHash"}
        for location in result.get("locations", []):
            physical = location["physicalLocation"]
            uri = physical["artifactLocation"]["uri"]
            assert "\\" not in uri and not uri.startswith("./")
            if "uriBaseId" in physical["artifactLocation"]:
                assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%" and not uri.startswith("/")
            assert physical["region"]["startLine"] >= 1


def test_cli_sarif_is_valid(repo: Path) -> None:
    code, log = sarif_of(".", "--fail-on", "info")
    assert code == 1
    check_structure(log)
    validate_against_official_schema(log)


def test_synthetic_sarif_is_valid(tmp_path: Path) -> None:
    log = synthetic(tmp_path)
    check_structure(log)
    validate_against_official_schema(log)


def test_results_locations_and_levels(repo: Path) -> None:
    _, log = sarif_of(".")
    results = log["runs"][0]["results"]
    seen = {
        (
            r["ruleId"],
            r["level"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in results
    }
    assert seen == {
        ("APIGW010", "error", "api/shop-openapi.yaml", 9),
        ("APIGW020", "warning", "api/pets-cors.yaml", 20),
        ("APIGW060", "error", "api/siblings.json", 8),
        ("APIGW090", "note", "api/pets-cors.yaml", 26),
    }
    shop = next(r for r in results if r["ruleId"] == "APIGW010")
    assert shop["properties"]["fix"]["summary"] and shop["properties"]["fix"]["text"]
    assert shop["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "/paths/~1{proxy+}"
    assert "Fix: give / its own method" in shop["message"]["text"]
    # the skipped file is a notification, not a result
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes] == ["api/broken.yaml"]
    # rules carry their default level from the severity, and the fix of this run as the good example
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["APIGW090"]["defaultConfiguration"]["level"] == "note"
    assert rules["APIGW041"]["defaultConfiguration"]["level"] == "warning"
    assert "```yaml" in rules["APIGW010"]["help"]["markdown"]  # the fix in the source's language (OpenAPI)
    assert set(rules) == {m.id for m in RULES}


def test_synthetic_locations(tmp_path: Path) -> None:
    results = synthetic(tmp_path)["runs"][0]["results"]
    by_rule = {r["ruleId"]: r for r in results}
    a = by_rule["APIGW010"]["locations"][0]["physicalLocation"]
    assert a == {"artifactLocation": {"uri": "api/a.yaml", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 4}}
    b = by_rule["APIGW041"]["locations"][0]["physicalLocation"]
    assert b["artifactLocation"]["uri"] == "api/b%20c.json" and b["region"] == {"startLine": 1}
    assert "logicalLocations" not in by_rule["APIGW090"]["locations"][0]
    assert "locations" not in by_rule[CRASHED.id]
    outside = by_rule["APIGW011"]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert outside == {"uri": "file:///elsewhere/d.yaml"}
    assert by_rule["APIGW010"]["properties"]["fix"]["language"] == "terraform"


def test_artifact_location(tmp_path: Path) -> None:
    root = str(tmp_path)
    assert artifact_location("a/./b/../c.yaml", root) == {"uri": "a/c.yaml", "uriBaseId": "%SRCROOT%"}
    assert artifact_location(str(tmp_path / "x.tf"), root) == {"uri": "x.tf", "uriBaseId": "%SRCROOT%"}
    assert artifact_location("../out.yaml", root)["uri"] == (tmp_path.parent / "out.yaml").as_uri()
    assert artifact_location("dir/ü #1.yaml", root)["uri"] == "dir/%C3%BC%20%231.yaml"


def test_fingerprints_are_stable_across_runs_and_line_moves(repo: Path) -> None:
    def prints(log: dict[str, Any]) -> dict[tuple[str, str], tuple[str, int]]:
        return {
            (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]): (
                r["partialFingerprints"]["primaryLocationLineHash"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
            )
            for r in log["runs"][0]["results"]
        }

    first = prints(sarif_of(".")[1])
    assert first == prints(sarif_of(".")[1])
    for name in ("api/shop-openapi.yaml", "api/pets-cors.yaml"):
        path = Path(name)
        path.write_text("# moved down\n" * 5 + path.read_text())
    moved = prints(sarif_of(".")[1])
    assert set(moved) == set(first)
    for key, (fingerprint, line) in first.items():
        assert moved[key][0] == fingerprint
        if key[1] != "api/siblings.json":
            assert moved[key][1] == line + 5
    # the same file reached another way (a directory, ./ prefix, an absolute path) keeps its fingerprints
    assert prints(sarif_of("./api")[1]) == moved
    assert prints(sarif_of(os.path.abspath("api"))[1]) == moved
    # a different subject is a different fingerprint
    prints_by_rule = [v[0] for k, v in moved.items()]
    assert len(prints_by_rule) == len(set(prints_by_rule))


def test_original_uri_base_points_at_the_working_directory(repo: Path) -> None:
    _, log = sarif_of(".")
    base = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == Path.cwd().as_uri() + "/"
