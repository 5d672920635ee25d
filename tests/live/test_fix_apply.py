"""`fix --apply` and `rollback` through the CLI against the sandbox (moto over HTTP): every path of issue 5 §2.

The stage is given settings first (variables, method settings, tracing, description, tags), so that "the stage
equals the backup after apply + rollback" compares something: it is checked field by field on GetStage.
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
FIX_SCHEMA = jsonschema.Draft202012Validator(json.loads((ROOT / "src/apigw_doctor/data/fix.schema.json").read_text()))
ROLLBACK_SCHEMA = jsonschema.Draft202012Validator(
    json.loads((ROOT / "src/apigw_doctor/data/rollback.schema.json").read_text())
)
MOVING = frozenset({"ResponseMetadata", "lastUpdatedDate", "LastUpdatedDate"})


def settle(sandbox: Sandbox, demo: DemoApi) -> dict[str, Any]:
    """Give the stage settings a redeploy must keep, and return GetStage as it is then."""
    apigw = sandbox.client("apigateway")
    apigw.update_stage(
        restApiId=demo.api_id,
        stageName=demo.stage,
        patchOperations=[
            {"op": "replace", "path": "/variables/color", "value": "blue"},
            {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "50"},
        ],
    )
    return stage_now(sandbox, demo.api_id, demo.stage)


def stage_now(sandbox: Sandbox, api_id: str, stage: str) -> dict[str, Any]:
    got = sandbox.client("apigateway").get_stage(restApiId=api_id, stageName=stage)
    return {k: v for k, v in got.items() if k not in MOVING}


def field_differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [
        f"{k}: {before.get(k)!r} -> {after.get(k)!r}"
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    ]


def doctor_deployments(sandbox: Sandbox, api_id: str) -> list[dict[str, Any]]:
    items = sandbox.client("apigateway").get_deployments(restApiId=api_id)["items"]
    return [d for d in items if d.get("description", "").startswith("apigw-doctor:")]


def apply_json(tmp_path: Path, *argv: str) -> tuple[int, dict[str, Any], str]:
    code, out, err = run("fix", *argv, "--apply", "--yes", "--format", "json", "--backup-dir", str(tmp_path))
    assert code in (0, 1), err
    data = json.loads(out)
    FIX_SCHEMA.validate(data)
    return code, data, err


def writes(ops: list[tuple[str, str]]) -> list[str]:
    return [op for _, op in ops if not op.startswith(READ_PREFIXES)]


def test_redeploy_is_fixed_backed_up_and_rolled_back_field_by_field(
    sandbox_cli: DemoApi, sandbox: Sandbox, operations: list[tuple[str, str]], tmp_path: Path
) -> None:
    demo = sandbox_cli
    before = settle(sandbox, demo)
    operations.clear()
    code, data, _ = apply_json(tmp_path, demo.trap("NOT_DEPLOYED").url)
    assert code == 0 and data["exit_code"] == 0
    applied = data["apply"]
    assert applied["result"] == "FIXED" and applied["kind"] == "redeploy"
    assert [(s["operation"], s["status"]) for s in applied["steps"]] == [
        ("CreateDeployment", "done"),
        ("UpdateStage", "done"),
    ]
    assert applied["verification"]["verdict"] == "MATCHED" and applied["verification"]["stage_ok"]
    assert writes(operations) == ["CreateDeployment", "UpdateStage"]
    created = doctor_deployments(sandbox, demo.api_id)
    assert (
        len(created) == 1
        and "NOT_DEPLOYED" in created[0]["description"]
        and "on stage prod" in created[0]["description"]
    )
    after_fix = stage_now(sandbox, demo.api_id, demo.stage)
    assert after_fix["deploymentId"] == created[0]["id"]
    assert field_differences(before, after_fix) == [f"deploymentId: {before['deploymentId']!r} -> {created[0]['id']!r}"]

    backup = Path(applied["backup"])
    assert backup.parent == tmp_path and backup.name.startswith(f"apigw-doctor-backup-{demo.api_id}-{demo.stage}-")
    doc = json.loads(backup.read_text())
    assert doc["format"] == "apigw-doctor/fix-backup" and doc["state"] == "fixed"
    assert doc["stage_before"]["deploymentId"] == before["deploymentId"]
    assert [e["event"] for e in doc["journal"]] == ["CreateDeployment", "UpdateStage", "verified"]

    operations.clear()
    code, out, err = run("rollback", str(backup), "--format", "json")
    assert code == 0, err + out
    result = json.loads(out)
    ROLLBACK_SCHEMA.validate(result)
    assert result["result"] == "ROLLED BACK" and result["differences"] == []
    assert writes(operations) == ["UpdateStage"]
    assert field_differences(before, stage_now(sandbox, demo.api_id, demo.stage)) == []
    assert any(created[0]["id"] in k and "delete-deployment" in k for k in result["kept"])
    assert json.loads(backup.read_text())["state"] == "rolled-back"


def test_the_backup_is_a_snapshot_diagnose_can_read(sandbox_cli: DemoApi, tmp_path: Path) -> None:
    url = sandbox_cli.trap("NOT_DEPLOYED").url
    _, data, _ = apply_json(tmp_path, url)
    code, out, err = run("diagnose", url, "--source", data["apply"]["backup"], "--format", "json")
    assert code == 1, err
    assert json.loads(out)["verdict"] == "NOT_DEPLOYED"  # as it was before the fix


def test_applying_twice_makes_one_deployment(sandbox_cli: DemoApi, sandbox: Sandbox, tmp_path: Path) -> None:
    url = sandbox_cli.trap("NOT_DEPLOYED").url
    apply_json(tmp_path, url)
    code, data, _ = apply_json(tmp_path, url)
    assert code == 0 and data["verdict"] == "MATCHED" and data["apply"] is None
    assert len(doctor_deployments(sandbox, sandbox_cli.api_id)) == 1


def test_dry_run_is_the_default_and_changes_nothing(
    sandbox_cli: DemoApi, operations: list[tuple[str, str]], tmp_path: Path
) -> None:
    url = sandbox_cli.trap("NOT_DEPLOYED").url
    for extra in ((), ("--dry-run",)):
        code, out, err = run("fix", url, *extra, "--backup-dir", str(tmp_path), "--color", "never")
        assert code == 1, err
        assert "same command with --apply" in out
    assert writes(operations) == [] and list(tmp_path.iterdir()) == []


def test_unconfirmed_apply_changes_nothing(
    sandbox_cli: DemoApi, operations: list[tuple[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    code, out, err = run("fix", sandbox_cli.trap("NOT_DEPLOYED").url, "--apply", "--backup-dir", str(tmp_path))
    assert code == 2 and "not confirmed" in err and "Apply this change to AWS? [y/N]" in out
    assert "1. CreateDeployment" in out and "2. UpdateStage" in out
    assert writes(operations) == [] and list(tmp_path.iterdir()) == []


def test_confirmed_apply_asks_once(sandbox_cli: DemoApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    code, out, err = run(
        "fix", sandbox_cli.trap("NOT_DEPLOYED").url, "--apply", "--backup-dir", str(tmp_path), "--color", "never"
    )
    assert code == 0, err
    assert out.count("[y/N]") == 1 and "FIXED" in out and "apigw-doctor rollback" in out


def test_no_backup_no_change(sandbox_cli: DemoApi, operations: list[tuple[str, str]], tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    code, _, err = run("fix", sandbox_cli.trap("NOT_DEPLOYED").url, "--apply", "--yes", "--backup-dir", str(missing))
    assert code == 2 and "backup directory does not exist" in err and str(missing) in err
    assert writes(operations) == []


def test_repoint_to_an_existing_deployment(sandbox_cli: DemoApi, sandbox: Sandbox, tmp_path: Path) -> None:
    demo = sandbox_cli
    photos = f"https://{demo.api_id}.execute-api.{demo.region}.amazonaws.com/prod/pets/1/photos"
    dev = demo.deployment_of("dev")
    code, data, _ = apply_json(tmp_path, photos, "--deployment", dev)
    assert code == 0 and data["apply"]["kind"] == "repoint" and data["apply"]["result"] == "FIXED"
    assert stage_now(sandbox, demo.api_id, demo.stage)["deploymentId"] == dev
    assert doctor_deployments(sandbox, demo.api_id) == []


def test_a_change_that_does_not_fix_the_cause_is_rolled_back(
    sandbox_cli: DemoApi, sandbox: Sandbox, tmp_path: Path
) -> None:
    """Deployment of dev has /photos, not /vaccinations: pointing prod at it leaves the cause, so it is undone."""
    demo = sandbox_cli
    before = settle(sandbox, demo)
    code, data, _ = apply_json(tmp_path, demo.trap("NOT_DEPLOYED").url, "--deployment", demo.deployment_of("dev"))
    applied = data["apply"]
    assert code == 1 and applied["result"] == "ROLLED BACK"
    assert applied["verification"]["still_failing"] == "NOT_DEPLOYED" and "same cause" in applied["reason"]
    assert applied["rollback"]["result"] == "ROLLED BACK"
    assert field_differences(before, stage_now(sandbox, demo.api_id, demo.stage)) == []


def test_no_rollback_keeps_a_change_that_did_not_fix(sandbox_cli: DemoApi, sandbox: Sandbox, tmp_path: Path) -> None:
    demo = sandbox_cli
    dev = demo.deployment_of("dev")
    code, data, _ = apply_json(tmp_path, demo.trap("NOT_DEPLOYED").url, "--deployment", dev, "--no-rollback")
    assert code == 1 and data["apply"]["result"] == "NOT FIXED" and "--no-rollback" in data["apply"]["reason"]
    assert stage_now(sandbox, demo.api_id, demo.stage)["deploymentId"] == dev


def test_fixed_cause_but_another_remains_is_not_fixed(sandbox_cli: DemoApi, sandbox: Sandbox, tmp_path: Path) -> None:
    """A new AWS_IAM method, never deployed, called unsigned: the redeploy fixes NOT_DEPLOYED, IAM_UNSIGNED stays."""
    demo = sandbox_cli
    apigw = sandbox.client("apigateway")
    pets = next(r for r in apigw.get_resources(restApiId=demo.api_id)["items"] if r["path"] == "/pets")
    apigw.put_method(restApiId=demo.api_id, resourceId=pets["id"], httpMethod="PATCH", authorizationType="AWS_IAM")
    apigw.put_integration(restApiId=demo.api_id, resourceId=pets["id"], httpMethod="PATCH", type="MOCK")
    url = f"https://{demo.api_id}.execute-api.{demo.region}.amazonaws.com/prod/pets"
    code, data, _ = apply_json(tmp_path, url, "-X", "PATCH")
    applied = data["apply"]
    assert code == 1 and applied["result"] == "NOT FIXED"
    assert applied["verification"]["still_failing"] == "IAM_UNSIGNED" and applied["rollback"] is None
    assert applied["reason"].startswith("IAM_UNSIGNED")


def test_a_failed_call_rolls_back(
    sandbox_cli: DemoApi, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """UpdateStage refused by AWS (injected: moto cannot be made to refuse it): the change is undone."""
    from botocore.exceptions import ClientError

    from apigw_doctor.sources.live import LiveSource

    original = LiveSource.writer

    def refusing_writer(self: LiveSource, operations: frozenset[str]) -> Any:
        clients = original(self, operations)
        real = clients.client

        def client(service: str, region: str) -> Any:
            c = real(service, region)

            def refuse(**_: Any) -> None:
                error = {"Error": {"Code": "ConflictException", "Message": "injected"}}
                raise ClientError(error, "UpdateStage")

            if "UpdateStage" in operations and "CreateDeployment" in operations:
                c.meta.events.register("before-call.apigateway.UpdateStage", refuse)
            return c

        clients.client = client  # type: ignore[method-assign]
        return clients

    monkeypatch.setattr(LiveSource, "writer", refusing_writer)
    demo = sandbox_cli
    before = settle(sandbox, demo)
    code, data, _ = apply_json(tmp_path, demo.trap("NOT_DEPLOYED").url)
    applied = data["apply"]
    assert code == 1 and applied["result"] == "ROLLED BACK"
    assert applied["steps"][-1]["status"] == "failed" and "ConflictException" in applied["reason"]
    assert field_differences(before, stage_now(sandbox, demo.api_id, demo.stage)) == []


def test_refused_causes_exit_2_with_the_reason(sandbox_cli: DemoApi, operations: list[tuple[str, str]]) -> None:
    demo = sandbox_cli
    trap = demo.trap("IAM_UNSIGNED")
    code, _, err = run("fix", trap.url, "-X", trap.method, "--apply", "--yes")
    assert code == 2 and "client's side" in err
    code, _, err = run("fix", demo.trap("NOT_DEPLOYED").url, "--apply", "--yes", "--deployment", "nope12")
    assert code == 2 and "nope12 is not a deployment" in err
    assert writes(operations) == []


def test_apply_text_fits_80_columns(sandbox_cli: DemoApi, tmp_path: Path) -> None:
    url = sandbox_cli.trap("NOT_DEPLOYED").url
    code, out, err = run("fix", url, "--apply", "--yes", "--backup-dir", str(tmp_path), "--color", "never")
    assert code == 0, err
    assert "\nFIXED\n" in out and "Verification" in out and "apigw-doctor rollback" in out
    long = [
        line
        for line in out.splitlines()
        if len(line) > 80 and "https://" not in line and "/tmp" not in line and not _one_word(line)
    ]
    assert not long, long


def _one_word(line: str) -> bool:
    """A shell word longer than the screen (a quoted description): folding it would change the command."""
    import shlex

    return len(shlex.split(line.removesuffix("\\").strip())) == 1


def test_the_snapshots_before_and_after_apply_and_rollback_agree(
    sandbox_cli: DemoApi, sandbox: Sandbox, tmp_path: Path
) -> None:
    """The API read as a snapshot: after apply + rollback only the deployment the fix made (kept) is new."""
    from apigw_doctor.sources import world_to_dict
    from apigw_doctor.sources.live import LiveConfig, LiveSource

    demo = sandbox_cli
    settle(sandbox, demo)

    def snapshot() -> dict[str, Any]:
        source = LiveSource(
            LiveConfig(region=demo.region, endpoint_url=sandbox.endpoint_url), session=sandbox.session()
        )
        (api,) = world_to_dict(source.world_for_apis([demo.api_id], include_domains=True))["apis"]
        return api

    before = snapshot()
    _, data, _ = apply_json(tmp_path, demo.trap("NOT_DEPLOYED").url)
    assert run("rollback", data["apply"]["backup"])[0] == 0
    after = snapshot()
    assert after["stages"] == before["stages"]  # deployment, variables, canary... field by field
    for key in sorted(set(before) | set(after)):
        if key != "deployments":
            assert after.get(key) == before.get(key), key
    new = [d for d in after["deployments"] if d not in before["deployments"]]
    assert [d["description"][:24] for d in new] == ["apigw-doctor: fix NOT_DE"]


def test_writes_are_paced_under_the_create_deployment_quota(sandbox: Sandbox, seeded: DemoApi) -> None:
    """CreateDeployment: 1 per 5 s per account. The writer shares the source's buckets, so a second deployment
    made at once waits 5 s (a fake clock: no real wait)."""
    from apigw_doctor.actions import APPLY_WRITES
    from apigw_doctor.sources.live import FakeClock, LiveConfig, LiveSource

    clock = FakeClock()
    source = LiveSource(
        LiveConfig(region=seeded.region, endpoint_url=sandbox.endpoint_url),
        session=sandbox.session(),
        clock=clock,
        sleep=clock.sleep,
    )
    client = source.writer(APPLY_WRITES).client("apigateway", seeded.region)
    client.create_deployment(restApiId=seeded.api_id, description="one")
    client.create_deployment(restApiId=seeded.api_id, description="two")
    assert clock.slept == [pytest.approx(5.0)]
    assert [c.operation for c in source.calls][-2:] == ["CreateDeployment", "CreateDeployment"]
    with pytest.raises(Exception, match="not one of the changes this fix makes"):
        client.delete_rest_api(restApiId=seeded.api_id)
    with pytest.raises(Exception, match="only reads"):
        source.client("apigateway", seeded.region).create_deployment(restApiId=seeded.api_id)


def test_conflicting_options_are_exit_2_before_any_call(operations: list[tuple[str, str]]) -> None:
    url = "https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets"
    code, _, err = run("fix", url, "--apply", "--iac")
    assert code == 2 and "--iac" in err
    code, _, err = run("fix", url, "--apply", "--format", "json")
    assert code == 2 and "add --yes" in err
    code, _, err = run("fix", url, "--map-to", "abc123")
    assert code == 2 and "API_ID/STAGE" in err
    assert operations == []
