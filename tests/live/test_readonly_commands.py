"""diagnose, snapshot, drift, timeline and fix (a plan) send only Get/List/Describe/Export/Lookup operations.

Every boto3 session the commands create is observed through botocore's own event system (``before-call``),
which sees each operation just before it is sent; the commands themselves run unchanged through the CLI.
"""

from __future__ import annotations

from pathlib import Path

from apigw_doctor.sandbox import DemoApi
from clirun import READ_PREFIXES, run


def test_the_commands_only_read(sandbox_cli: DemoApi, operations: list[tuple[str, str]], tmp_path: Path) -> None:
    demo = sandbox_cli
    per_command: dict[str, list[tuple[str, str]]] = {}
    commands = {
        "diagnose": ("diagnose", demo.trap("NOT_DEPLOYED").url),
        "diagnose-domain": ("diagnose", demo.trap("STAGE_IN_CUSTOM_DOMAIN_PATH").url),
        "snapshot": ("snapshot", "--all", "-o", str(tmp_path / "world.json")),
        "drift": ("drift", "--all"),
        "timeline": ("timeline", "--api", demo.api_id),
        "fix": ("fix", demo.trap("NOT_DEPLOYED").url),
    }
    for name, argv in commands.items():
        before = len(operations)
        code, _, err = run(*argv, "--color", "never") if name != "snapshot" else run(*argv)
        assert code in (0, 1), (name, err)
        per_command[name] = operations[before:]
    for name, ops in per_command.items():
        assert ops, f"{name} made no AWS call"
        writes = [op for op in ops if not op[1].startswith(READ_PREFIXES)]
        assert not writes, (name, writes)
    assert ("cloudtrail", "LookupEvents") in per_command["timeline"]
    assert {op for _, op in per_command["snapshot"]} >= {"GetRestApis", "GetResources", "GetStages", "GetDeployment"}
