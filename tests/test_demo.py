"""`apigw-doctor demo` end to end: moto in-process, seeded through boto3, diagnosed through the live source."""

from __future__ import annotations

import io
import json

import pytest

from apigw_doctor.cli import main


@pytest.fixture(scope="module")
def demo_json() -> dict[str, object]:
    out = io.StringIO()
    assert main(["demo", "--format", "json"], out) == 0
    data: dict[str, object] = json.loads(out.getvalue())
    return data


def test_every_trap_gets_its_expected_verdict(demo_json: dict[str, object]) -> None:
    traps = demo_json["traps"]
    assert isinstance(traps, list) and len(traps) >= 8
    for t in traps:
        assert t["verdict"] == t["expected"], t["title"]
    verdicts = {t["verdict"] for t in traps}
    for needed in (
        "STAGE_MISSING",
        "RESOURCE_NOT_FOUND",
        "METHOD_NOT_DEFINED",
        "NOT_DEPLOYED",
        "PROXY_PARENT_NOT_COVERED",
        "STAGE_IN_CUSTOM_DOMAIN_PATH",
        "IAM_UNSIGNED",
        "MATCHED",
    ):
        assert needed in verdicts
    assert demo_json["endpoint"].startswith("http://127.0.0.1:")  # type: ignore[union-attr]


def test_not_deployed_names_the_deployment_from_real_data(demo_json: dict[str, object]) -> None:
    trap = next(t for t in demo_json["traps"] if t["verdict"] == "NOT_DEPLOYED")  # type: ignore[union-attr]
    top = trap["findings"][0]
    assert trap["deployment_id"] in top["message"]
    assert any("create-deployment" in c for c in top["fix"]["commands"])
    assert trap["calls"] <= 6 + 2


def test_drift_and_snapshot_ran(demo_json: dict[str, object]) -> None:
    assert demo_json["drift_stages"] >= 1  # type: ignore[operator]
    assert demo_json["snapshot_verdict"] == demo_json["traps"][0]["verdict"]  # type: ignore[index]


def test_fix_applied_then_rolled_back(demo_json: dict[str, object]) -> None:
    assert demo_json["fix"]["result"] == "FIXED"  # type: ignore[index]
    assert demo_json["rollback"]["result"] == "ROLLED BACK"  # type: ignore[index]


def test_demo_text(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    assert main(["demo", "--color", "never"], out) == 0
    text = out.getvalue()
    for part in ("── drift", "── snapshot", "Summary", "traps named correctly", "Try next"):
        assert part in text
