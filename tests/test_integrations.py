"""The CI integrations, exercised for real: the GitHub Action's check step run with bash as the runner runs it,
and the pre-commit hook installed and run by the real ``pre-commit`` package on a temporary git repository."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests/data/check"
BIN = Path(sys.executable).parent
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
BROKEN = """openapi: 3.0.1
info: {title: shop, version: "1"}
paths:
  /:
    description: the stage root, without a method
  /{proxy+}:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: ANY, uri: "https://example.com/{proxy}"}
"""
FIXED = BROKEN.replace(
    "    description: the stage root, without a method\n",
    "    x-amazon-apigateway-any-method:\n"
    '      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: ANY, uri: "https://example.com/"}\n',
)


# -- the GitHub Action ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "action.yml").read_text())
    assert isinstance(data, dict)
    return data


def step(action: dict[str, Any], step_id: str | None = None, uses: str | None = None) -> dict[str, Any]:
    for s in action["runs"]["steps"]:
        if (step_id and s.get("id") == step_id) or (uses and s.get("uses", "").startswith(uses)):
            return dict(s)
    raise AssertionError(f"no step {step_id or uses}")


def test_action_shape(action: dict[str, Any]) -> None:
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"paths", "fail-on", "args", "sarif-file", "upload", "python-version"}
    defaults = {name: spec.get("default") for name, spec in action["inputs"].items()}
    assert defaults == {
        "paths": ".",
        "fail-on": "error",
        "args": "",
        "sarif-file": "apigw-doctor.sarif",
        "upload": "true",
        "python-version": "3.11",
    }
    text = (ROOT / "action.yml").read_text()
    used = set(re.findall(r"\binputs\.([A-Za-z0-9_-]+)", text))
    assert used <= set(action["inputs"]), f"undeclared inputs: {used - set(action['inputs'])}"
    assert used == set(action["inputs"]), f"declared but unused: {set(action['inputs']) - used}"
    for s in action["runs"]["steps"]:
        assert ("run" in s) != ("uses" in s), s
        if "run" in s:
            assert s.get("shell") == "bash", f"composite run steps need a shell: {s.get('name')}"
            assert not EXPRESSION.search(s["run"]), f"expressions go through env, not into scripts: {s.get('name')}"
        else:
            assert re.search(r"@v\d+$", s["uses"]), s["uses"]
    assert step(action, uses="actions/setup-python")["with"]["python-version"] == "${{ inputs.python-version }}"
    install = next(s for s in action["runs"]["steps"] if "pip install" in s.get("run", ""))
    assert install["env"] == {"APIGW_DOCTOR_SRC": "${{ github.action_path }}"}
    upload = step(action, uses="github/codeql-action/upload-sarif@v3")
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    assert upload["if"].startswith("always()")


def expand(value: str, inputs: dict[str, str]) -> str:
    """A step's ``env`` value with its expressions replaced as the runner would (inputs, github.action_path)."""

    def one(match: re.Match[str]) -> str:
        expr = match.group(1)
        if expr.startswith("inputs."):
            return inputs[expr.removeprefix("inputs.")]
        if expr == "github.action_path":
            return str(ROOT)
        raise AssertionError(f"the test does not know how to expand {expr!r}")

    return EXPRESSION.sub(one, value)


def condition(expr: str, inputs: dict[str, str], exit_code: str) -> bool:
    """An ``if:`` of this action, evaluated: always(), ==, !=, &&, || over inputs and the check's exit code."""
    python = expr.replace("&&", " and ").replace("||", " or ").replace("always()", "True")
    python = re.sub(r"steps\.check\.outputs\.exit-code", repr(exit_code), python)
    python = re.sub(r"\binputs\.([A-Za-z0-9_-]+)", lambda m: repr(inputs[m.group(1)]), python)
    assert re.fullmatch(r"[\s()'\w.=!\-]*", python), python
    return bool(eval(python, {"__builtins__": {}}))  # only literals, and/or, ==, != remain


def run_step(s: dict[str, Any], inputs: dict[str, str], cwd: Path, extra: dict[str, str]) -> tuple[int, str]:
    """The step's script, with bash as GitHub runs ``shell: bash`` (``bash --noprofile --norc -eo pipefail``)."""
    script = cwd.parent / f"step-{os.getpid()}.sh"
    script.write_text(s["run"])
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", **extra}
    env.update({name: expand(str(value), inputs) for name, value in s.get("env", {}).items()})
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return proc.returncode, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("paths", "args", "fail_on", "expected"),
    [
        (".", "", "error", "1"),
        ("api/pets-cors.yaml", "", "error", "0"),
        ("api/pets-cors.yaml", "", "warning", "1"),
        ("api/shop-openapi.yaml api/siblings.json", "--ignore APIGW010 --ignore APIGW060", "error", "0"),
        ("no-such-dir", "", "error", "2"),
    ],
)
def test_action_check_step(
    action: dict[str, Any], tmp_path: Path, paths: str, args: str, fail_on: str, expected: str
) -> None:
    workspace = tmp_path / "workspace"
    shutil.copytree(DATA / "repo", workspace)
    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    inputs.update({"paths": paths, "args": args, "fail-on": fail_on, "sarif-file": "out/report.sarif"})
    (workspace / "out").mkdir()
    github_output = tmp_path / "github_output"
    github_output.write_text("")
    check = step(action, step_id="check")
    code, log = run_step(check, inputs, workspace, {"GITHUB_OUTPUT": str(github_output)})

    assert code == 0, log  # the step records the exit code and lets the upload run
    outputs = dict(line.split("=", 1) for line in github_output.read_text().splitlines())
    assert outputs == {"exit-code": expected}
    sarif_path = workspace / "out/report.sarif"
    if expected == "2":
        assert "::error title=apigw-doctor::check could not run (exit 2)" in log
        assert "no-such-dir: no such file or directory" in log
    else:
        sarif = json.loads(sarif_path.read_text())
        rule_ids = {r["ruleId"] for r in sarif["runs"][0]["results"]}
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
        assert sarif["version"] == "2.1.0"
        if paths == ".":
            assert {"APIGW010", "APIGW060"} <= rule_ids and "api/shop-openapi.yaml" in uris
        if expected == "1":
            assert "::error title=apigw-doctor::findings at or above" in log

    upload = step(action, uses="github/codeql-action/upload-sarif")
    assert condition(upload["if"], inputs, expected) is (expected in ("0", "1"))
    assert condition(upload["if"], {**inputs, "upload": "false"}, expected) is False
    final = action["runs"]["steps"][-1]
    assert condition(final["if"], inputs, expected) is (expected != "0")
    final_env = {k: v.replace("${{ steps.check.outputs.exit-code }}", expected) for k, v in final["env"].items()}
    final_code, _ = run_step({**final, "env": final_env}, inputs, workspace, {})
    assert final_code == int(expected)  # the job fails with the check's exit code


# -- the pre-commit hook -------------------------------------------------------------------------------------


def test_hook_definition() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    assert hook["id"] == "apigw-doctor-check"
    assert hook["entry"].startswith("apigw-doctor check")
    assert hook["language"] == "python" and hook["pass_filenames"] is True
    pattern = re.compile(hook["files"])
    for name in ("template.yaml", "a/b.yml", "openapi.json", "main.tf", "stack.template", "plan.tfplan.json"):
        assert pattern.search(name), name
    for name in ("README.md", "main.tf.bak", "yaml.txt", "terraform.tfstate"):
        assert not pattern.search(name), name


IGNORED_IN_COPY = shutil.ignore_patterns(
    ".git", ".venv", "*.egg-info", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis",
    "build", "dist",
)  # fmt: skip


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    proc = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout.strip()


@pytest.mark.slow
def test_pre_commit_hook_on_a_temporary_repository(tmp_path: Path) -> None:
    """pre-commit installs the hook from a commit of this working tree (pip, in its own virtualenv), runs it
    on a repository with a broken OpenAPI file (exit 1, naming APIGW010), then on the fixed file (passes)."""
    hook_repo = tmp_path / "apigw-doctor"
    shutil.copytree(ROOT, hook_repo, ignore=IGNORED_IN_COPY)
    git(hook_repo, "init", "-q")
    git(hook_repo, "add", "-A")
    git(hook_repo, "commit", "-q", "-m", "the working tree, for pre-commit")
    rev = git(hook_repo, "rev-parse", "HEAD")

    project = tmp_path / "project"
    (project / "api").mkdir(parents=True)
    (project / "api/openapi.yaml").write_text(BROKEN)
    (project / "docker-compose.yaml").write_text("services: {web: {image: nginx}}\n")  # not an API: skipped
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n      - id: apigw-doctor-check\n"
    )
    git(project, "init", "-q")
    git(project, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("VIRTUAL_ENV", None)
    pre_commit = [str(BIN / "pre-commit"), "run", "--all-files", "--color", "never"]

    started = time.monotonic()
    broken = subprocess.run(pre_commit, cwd=project, env=env, capture_output=True, text=True, timeout=1800)
    installed = time.monotonic()
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "apigw-doctor check" in broken.stdout and "Failed" in broken.stdout
    assert "api/openapi.yaml:6: error APIGW010" in broken.stdout, broken.stdout

    (project / "api/openapi.yaml").write_text(FIXED)
    git(project, "add", "-A")
    fixed = subprocess.run(pre_commit, cwd=project, env=env, capture_output=True, text=True, timeout=600)
    done = time.monotonic()
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "Passed" in fixed.stdout
    print(f"\npre-commit: install + first run {installed - started:.1f} s, second run {done - installed:.1f} s")


def test_docs_snippets_parse() -> None:
    """The workflow and .pre-commit-config.yaml in docs/ci.md are valid YAML that use the real ids and inputs."""
    doc = (ROOT / "docs/ci.md").read_text()
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", doc, re.S)]
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    workflow = next(b for b in blocks if isinstance(b, dict) and "jobs" in b)
    uses = [s for s in workflow["jobs"]["check"]["steps"] if s.get("uses", "").startswith("apigw-doctor/")]
    assert set(uses[0]["with"]) <= set(action["inputs"])
    config = next(b for b in blocks if isinstance(b, dict) and "repos" in b)
    assert config["repos"][0]["hooks"][0]["id"] == "apigw-doctor-check"
