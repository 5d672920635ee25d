"""Interrupted `fix --apply` runs (issue 5 §2): a fault injected after the backup, after each change, after the
change and during verification leaves a state that `fix --apply` or `rollback` continues from; running the fix
again never makes a second deployment for the same cause.

The fault is raised from the Applier's checkpoints (the points an interruption could hit), through the real CLI,
against the sandbox over HTTP.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from apigw_doctor.actions import Applier
from apigw_doctor.sandbox import DemoApi, Sandbox
from clirun import run
from live.test_fix_apply import doctor_deployments, field_differences, settle, stage_now

POINTS = ("backed-up", "step:CreateDeployment", "step:UpdateStage", "changed", "verifying")


class Crash(BaseException):
    """A fault: the process dies here (nothing in apigw-doctor catches a BaseException it does not know)."""


@pytest.fixture
def crash_at(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, type[BaseException]], Callable[[], None]]:
    """``arm(point)`` makes the next Applier raise at ``point``; the returned function disarms it."""
    original = Applier.__init__

    def arm(point: str, fault: type[BaseException] = Crash) -> Callable[[], None]:
        def init(self: Applier, *args: Any, **kwargs: Any) -> None:
            original(self, *args, **kwargs)

            def checkpoint(name: str) -> None:
                if name == point:
                    raise fault(point)

            self.checkpoint = checkpoint

        monkeypatch.setattr(Applier, "__init__", init)
        return lambda: monkeypatch.setattr(Applier, "__init__", original)

    return arm


def _crash(tmp_path: Path, url: str) -> Path:
    with pytest.raises(Crash):
        run("fix", url, "--apply", "--yes", "--backup-dir", str(tmp_path))
    (backup,) = tmp_path.glob("apigw-doctor-backup-*.json")
    return backup


@pytest.mark.parametrize("point", POINTS)
def test_fix_again_finishes_with_one_deployment(
    sandbox_cli: DemoApi, sandbox: Sandbox, tmp_path: Path, crash_at: Any, point: str
) -> None:
    demo = sandbox_cli
    url = demo.trap("NOT_DEPLOYED").url
    disarm = crash_at(point)
    backup = _crash(tmp_path, url)
    state = json.loads(backup.read_text())
    assert state["journal"][-1]["event"] == "interrupted"
    disarm()
    code, out, err = run("fix", url, "--apply", "--yes", "--backup-dir", str(tmp_path), "--color", "never")
    assert code == 0, err + out
    created = doctor_deployments(sandbox, demo.api_id)
    assert len(created) == 1, created
    assert stage_now(sandbox, demo.api_id, demo.stage)["deploymentId"] == created[0]["id"]
    if point == "step:CreateDeployment":  # finished in the same backup, with the deployment of the first run
        assert "stopped after 1 of its 2 calls" in out and "made by the interrupted run" in out
        assert list(tmp_path.glob("apigw-doctor-backup-*.json")) == [backup]
        assert json.loads(backup.read_text())["state"] == "fixed"
    if point in ("step:UpdateStage", "changed", "verifying"):
        assert "nothing to fix" in out and "an earlier fix stopped" in out and str(backup) in out


@pytest.mark.parametrize("point", POINTS)
def test_rollback_restores_the_backup(
    sandbox_cli: DemoApi, sandbox: Sandbox, tmp_path: Path, crash_at: Any, point: str
) -> None:
    demo = sandbox_cli
    before = settle(sandbox, demo)
    crash_at(point)
    backup = _crash(tmp_path, demo.trap("NOT_DEPLOYED").url)
    code, out, err = run("rollback", str(backup), "--format", "json")
    assert code == 0, err + out
    assert json.loads(out)["result"] == "ROLLED BACK"
    assert field_differences(before, stage_now(sandbox, demo.api_id, demo.stage)) == []
    assert json.loads(backup.read_text())["state"] == "rolled-back"


def test_ctrl_c_says_where_things_stand(sandbox_cli: DemoApi, tmp_path: Path, crash_at: Any) -> None:
    crash_at("changed", KeyboardInterrupt)
    code, out, _ = run("fix", sandbox_cli.trap("NOT_DEPLOYED").url, "--apply", "--yes", "--backup-dir", str(tmp_path))
    (backup,) = tmp_path.glob("apigw-doctor-backup-*.json")
    assert code == 130
    assert f"interrupted: backup {backup}" in out and f"apigw-doctor rollback {backup}" in out
    assert json.loads(backup.read_text())["state"] == "changed"


def test_rollback_of_a_bad_file_is_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-backup.json"
    bad.write_text('{"format": "apigw-doctor/world", "version": 1, "apis": [], "domains": [], "notes": []}')
    code, _, err = run("rollback", str(bad))
    assert code == 2 and "not an apigw-doctor fix backup" in err and str(bad) in err
    code, _, err = run("rollback", str(tmp_path / "missing.json"))
    assert code == 2 and "no such backup file" in err


def test_the_fix_cycle_bench_runs(sandbox_cli: DemoApi, sandbox: Sandbox, tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    import bench_fix_cycle

    row = bench_fix_cycle.one_cycle(sandbox, "NOT_DEPLOYED", (), str(tmp_path))
    assert (row["apply_writes"], row["rollback_writes"]) == (2, 1)
    assert row["plan_calls"] < row["apply_calls"] and row["rollback_calls"] == 3


def test_rollback_leaves_a_stage_someone_changed_since(sandbox_cli: DemoApi, sandbox: Sandbox, tmp_path: Path) -> None:
    """After the fix, someone points prod elsewhere: rollback does not undo their change unless --force."""
    demo = sandbox_cli
    before = settle(sandbox, demo)
    code, out, err = run("fix", demo.trap("NOT_DEPLOYED").url, "--apply", "--yes", "--backup-dir", str(tmp_path))
    assert code == 0, err
    (backup,) = tmp_path.glob("apigw-doctor-backup-*.json")
    theirs = demo.deployment_of("dev")
    sandbox.client("apigateway").update_stage(
        restApiId=demo.api_id,
        stageName=demo.stage,
        patchOperations=[{"op": "replace", "path": "/deploymentId", "value": theirs}],
    )
    code, out, _ = run("rollback", str(backup), "--format", "json")
    result = json.loads(out)
    assert code == 1 and result["result"] == "ROLLBACK INCOMPLETE" and result["undone"] == []
    assert any("which the fix did not set" in d and "--force" in d for d in result["differences"])
    assert stage_now(sandbox, demo.api_id, demo.stage)["deploymentId"] == theirs
    code, out, _ = run("rollback", str(backup), "--force", "--format", "json")
    assert code == 0 and json.loads(out)["result"] == "ROLLED BACK", out
    assert field_differences(before, stage_now(sandbox, demo.api_id, demo.stage)) == []


METHOD_POINTS = ("step:PutMethod", "step:PutIntegration", "step:CreateDeployment", "changed")


@pytest.mark.parametrize("point", METHOD_POINTS)
def test_an_interrupted_method_fix_rolls_back_to_the_backup(
    sandbox_cli: DemoApi, sandbox: Sandbox, tmp_path: Path, crash_at: Any, point: str
) -> None:
    """The root method of the {proxy+} API, interrupted after each call: rollback deletes the method and puts
    the stage back, whatever was done."""
    trap = sandbox_cli.trap("PROXY_PARENT_NOT_COVERED")
    web = trap.url.split("//")[1].split(".")[0]
    apigw = sandbox.client("apigateway")
    before = stage_now(sandbox, web, "prod")
    crash_at(point)
    with pytest.raises(Crash):
        run("fix", trap.url, "--apply", "--yes", "--allow-api-changes", "--backup-dir", str(tmp_path))
    (backup,) = tmp_path.glob("apigw-doctor-backup-*.json")
    code, out, err = run("rollback", str(backup), "--format", "json")
    assert code == 0 and json.loads(out)["result"] == "ROLLED BACK", out + err
    root = next(r for r in apigw.get_resources(restApiId=web, embed=["methods"])["items"] if r["path"] == "/")
    assert "ANY" not in root.get("resourceMethods", {})
    assert field_differences(before, stage_now(sandbox, web, "prod")) == []


@pytest.mark.parametrize("point", ("step:PutIntegration", "step:CreateDeployment", "changed"))
def test_an_interrupted_method_fix_finishes_with_one_deployment(
    sandbox_cli: DemoApi, sandbox: Sandbox, tmp_path: Path, crash_at: Any, point: str
) -> None:
    trap = sandbox_cli.trap("PROXY_PARENT_NOT_COVERED")
    web = trap.url.split("//")[1].split(".")[0]
    disarm = crash_at(point)
    with pytest.raises(Crash):
        run("fix", trap.url, "--apply", "--yes", "--allow-api-changes", "--backup-dir", str(tmp_path))
    disarm()
    code, out, err = run("fix", trap.url, "--apply", "--yes", "--allow-api-changes", "--backup-dir", str(tmp_path))
    assert code == 0, out + err
    created = doctor_deployments(sandbox, web)
    assert len(created) == 1 and stage_now(sandbox, web, "prod")["deploymentId"] == created[0]["id"]


@pytest.mark.parametrize("point", ("step:PutMethod", "step:PutIntegration"))
def test_an_interrupted_method_fix_is_finished_call_by_call(
    sandbox_cli: DemoApi, sandbox: Sandbox, tmp_path: Path, crash_at: Any, point: str
) -> None:
    """Stopped right after PutMethod, the API has a method without an integration (AWS would refuse to deploy
    it): running the fix again finishes the recorded calls from the next one, in the same backup."""
    trap = sandbox_cli.trap("PROXY_PARENT_NOT_COVERED")
    web = trap.url.split("//")[1].split(".")[0]
    disarm = crash_at(point)
    with pytest.raises(Crash):
        run("fix", trap.url, "--apply", "--yes", "--allow-api-changes", "--backup-dir", str(tmp_path))
    (backup,) = tmp_path.glob("apigw-doctor-backup-*.json")
    disarm()
    code, out, err = run("fix", trap.url, "--apply", "--yes", "--backup-dir", str(tmp_path), "--format", "json")
    assert code == 0, out + err
    applied = json.loads(out)["apply"]
    assert applied["result"] == "FIXED" and applied["kind"] == "method" and applied["backup"] == str(backup)
    done = 1 if point == "step:PutMethod" else 2
    assert [s["detail"] for s in applied["steps"][:done]] == ["made by the interrupted run"] * done
    assert [s["status"] for s in applied["steps"]] == ["done"] * 4
    apigw = sandbox.client("apigateway")
    root = next(r["id"] for r in apigw.get_resources(restApiId=web)["items"] if r["path"] == "/")
    assert apigw.get_integration(restApiId=web, resourceId=root, httpMethod="ANY")["type"] == "HTTP_PROXY"
    assert len(doctor_deployments(sandbox, web)) == 1
    code, out, err = run("rollback", str(backup), "--format", "json")
    assert code == 0 and json.loads(out)["result"] == "ROLLED BACK", out + err
