"""The command line end to end: real files, real processes for the entry points, exit codes, outputs."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from apigw_doctor.cli import main

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "src/apigw_doctor/data/diagnosis.schema.json").read_text())
HOST = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"

EXPORT = {
    "openapi": "3.0.1",
    "info": {"title": "pets", "version": "2026-11-01T00:00:00Z"},
    "x-amazon-apigateway-endpoint-configuration": {"types": ["REGIONAL"]},
    "servers": [{"url": f"{HOST}/{{basePath}}", "variables": {"basePath": {"default": "/prod"}}}],
    "paths": {
        "/pets": {
            "get": {"x-amazon-apigateway-integration": {"type": "mock"}},
            "post": {"x-amazon-apigateway-integration": {"type": "mock"}},
        },
        "/pets/{petId}": {"get": {"x-amazon-apigateway-integration": {"type": "mock"}}},
    },
}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture()
def export(tmp_path: Path) -> str:
    p = tmp_path / "export.json"
    p.write_text(json.dumps(EXPORT))
    return str(p)


def test_success_exits_0(export: str) -> None:
    code, out, err = run("diagnose", f"{HOST}/prod/pets/7", "--source", export)
    assert code == 0, err
    assert "GET /pets/{petId}" in out and "MATCHED" in out


def test_failure_exits_1_and_names_the_fix(export: str) -> None:
    code, out, _ = run("diagnose", f"{HOST}/prod/pest", "--source", export)
    assert code == 1
    assert "RESOURCE_NOT_FOUND" in out
    assert f"{HOST}/prod/pets" in out
    assert '403 {"message":"Missing Authentication Token"}' in out
    assert (
        max(len(line) for line in out.splitlines() if not line.lstrip().startswith(("curl", "aws", "http", "at ")))
        <= 80
    )


def test_json_output_validates_against_the_schema(export: str) -> None:
    for url, method in ((f"{HOST}/prod/pets", "GET"), (f"{HOST}/pets", "GET"), (f"{HOST}/prod/pets", "DELETE")):
        code, out, _ = run("diagnose", url, "-X", method, "--source", export, "--format", "json")
        data = json.loads(out)
        jsonschema.validate(data, SCHEMA)
        assert data["exit_code"] == code
    code, out, _ = run("diagnose", f"{HOST}/prod/pets", "-X", "DELETE", "--source", export, "--format", "json")
    data = json.loads(out)
    assert data["verdict"] == "METHOD_NOT_DEFINED"
    assert data["response"] == {
        "status": 403,
        "headers": {
            "Content-Type": "application/json",
            "Content-Length": "42",
            "x-amzn-ErrorType": "MissingAuthenticationTokenException",
        },
        "body": '{"message":"Missing Authentication Token"}',
        "source": "gateway",
        "response_type": "MISSING_AUTHENTICATION_TOKEN",
        "customized": False,
    }
    assert data["resolution"]["stage"] == "prod" and data["resolution"]["via"] == "execute-api"


def test_matched_json_has_path_parameters(export: str) -> None:
    _, out, _ = run("diagnose", f"{HOST}/prod/pets/7", "--source", export, "--format", "json")
    assert json.loads(out)["matched"] == {
        "resource": "/pets/{petId}",
        "method": "GET",
        "path_parameters": {"petId": "7"},
    }


def test_saw_is_compared(export: str) -> None:
    _, out, _ = run(
        "diagnose",
        f"{HOST}/prod/pets",
        "--source",
        export,
        "--saw",
        "403",
        "--saw-body",
        '{"message":"Missing Authentication Token"}',
        "--format",
        "json",
    )
    rep = json.loads(out)["reported"]
    assert rep["consistent"] is False and rep["explanations"]


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (("diagnose", "not a url", "--source", "{export}"), "request: not a URL"),
        (("diagnose", f"{HOST}/prod/pets", "--source", "/nonexistent/file.json"), "/nonexistent/file.json"),
        (("diagnose", f"{HOST}/prod/pets", "--source", "{bad}"), ":1:"),
        (("diagnose", f"{HOST}/prod/pets", "-H", "NoColon", "--source", "{export}"), "not a header"),
        (("snapshot", "--all"), "-o/--output"),
        (("snapshot", "-o", "{export}", "--all"), "exists; pass --force"),
        (("diagnose", f"{HOST}/prod/pets", "--format", "xml", "--source", "{export}"), "invalid choice"),
        (("frobnicate",), "invalid choice"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv: tuple[str, ...], fragment: str, export: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"openapi": "3.0.1", "paths": {')
    argv = tuple(a.format(export=export, bad=str(bad)) for a in argv)
    code, out, err = run(*argv)
    assert code == 2
    assert err.startswith("apigw-doctor: error: ") and err.count("\n") == 1, err
    assert fragment in err
    assert "Traceback" not in err + out


def test_color_only_when_asked_or_tty(export: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _, plain, _ = run("diagnose", f"{HOST}/prod/pest", "--source", export)
    assert "\033[" not in plain
    _, colored, _ = run("diagnose", f"{HOST}/prod/pest", "--source", export, "--color", "always")
    assert "\033[" in colored
    monkeypatch.setenv("NO_COLOR", "1")
    from apigw_doctor.cli import use_color

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert use_color("auto", Tty()) is False
    monkeypatch.delenv("NO_COLOR")
    assert use_color("auto", Tty()) is True


def test_entry_points_run_as_processes(export: str) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    mod = subprocess.run(
        [sys.executable, "-m", "apigw_doctor", "diagnose", f"{HOST}/pets", "--source", export],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert mod.returncode == 1 and "STAGE_MISSING" in mod.stdout, mod.stderr
    script = Path(sys.executable).with_name("apigw-doctor")
    if script.exists():
        res = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
        assert res.returncode == 0 and res.stdout.startswith("apigw-doctor ")


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys; from apigw_doctor.cli import build_parser; build_parser(); "
        "print(sorted(m for m in ('yaml', 'boto3', 'botocore', 'jsonschema') if m in sys.modules))"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "[]"


def test_internal_error_is_one_line_exit_3(export: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import apigw_doctor.diagnosis

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(apigw_doctor.diagnosis, "diagnose", broken)
    monkeypatch.delenv("APIGW_DOCTOR_DEBUG", raising=False)
    code, _, err = run("diagnose", f"{HOST}/prod/pets", "--source", export)
    assert code == 3
    assert err == (
        "apigw-doctor: internal error: RuntimeError: boom (a bug: please report it; APIGW_DOCTOR_DEBUG=1 shows "
        "the traceback)\n"
    )
