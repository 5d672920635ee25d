"""`apigw-doctor check`: walking, loading each file on its own, exit codes, baselines, text/JSON/JUnit outputs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from apigw_doctor.checks import CRASHED, METAS, CheckFinding, Snippet
from apigw_doctor.checks.baseline import CheckReport, dumps_baseline, parse_baseline, parse_ignore, split
from apigw_doctor.checks.discover import Target, classify, display_path, find_targets, load_targets
from apigw_doctor.errors import InputError
from apigw_doctor.model import HttpApi, Origin, Route, World
from apigw_doctor.render.check_text import render
from apigw_doctor.render.junit import to_junit
from clirun import run

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests/data/check"
SCHEMA = json.loads((ROOT / "src/apigw_doctor/data/check.schema.json").read_text())
GOLDEN = DATA / "repo-text.golden"
TIMEOUT = 300
"""Seconds before a subprocess counts as hung (a failure, not a wait): far above any normal run."""


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of tests/data/check/repo as the working directory (findings name files relative to it)."""
    dest = tmp_path / "repo"
    shutil.copytree(DATA / "repo", dest)
    for vendored in ("node_modules/pkg", ".terraform/modules", ".git", ".aws-sam/build"):  # never walked
        (dest / vendored).mkdir(parents=True)
        shutil.copy(dest / "api/shop-openapi.yaml", dest / vendored / "openapi.yaml")
    monkeypatch.chdir(dest)
    return dest


def ids(out: str) -> list[str]:
    return [f["id"] for f in json.loads(out)["findings"]]


# -- walking and loading -------------------------------------------------------------------------------------


def test_walk_finds_sources_by_content_and_skips_vendored_dirs(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run("check", ".", "--format", "json")
    err = capsys.readouterr().err
    data = json.loads(out)
    assert code == 1
    assert sorted(data["sources"]) == ["api/pets-cors.yaml", "api/shop-openapi.yaml", "api/siblings.json"]
    assert sorted(set(ids(out))) == ["APIGW010", "APIGW020", "APIGW060", "APIGW090"]
    assert [f["file"] for f in data["findings"] if f["id"] == "APIGW010"] == ["api/shop-openapi.yaml"]
    # the malformed file is one line on stderr; the docker-compose file is skipped silently
    assert len(err.splitlines()) == 1
    assert err.startswith("skipped api/broken.yaml:3:1: malformed YAML: ")
    assert data["skipped"] == [{"path": "api/broken.yaml", "reason": err.splitlines()[0][len("skipped ") :]}]


def test_every_finding_has_a_line(repo: Path) -> None:
    """OpenAPI origins are pointers; the command finds their lines, so file:line always points somewhere."""
    _, out, _ = run("check", ".", "--format", "json")
    lines = {(f["file"], f["id"]): f["line"] for f in json.loads(out)["findings"]}
    assert lines[("api/shop-openapi.yaml", "APIGW010")] == 9  # the /{proxy+} key
    assert lines[("api/siblings.json", "APIGW060")] == 8
    assert all(isinstance(line, int) and line >= 1 for line in lines.values())


def test_impossible_tree_is_a_finding_not_an_abort(repo: Path) -> None:
    code, out, _ = run("check", "api/siblings.json", "api/shop-openapi.yaml", "--format", "json")
    found = {(f["file"], f["id"]) for f in json.loads(out)["findings"]}
    assert code == 1
    assert found == {("api/siblings.json", "APIGW060"), ("api/shop-openapi.yaml", "APIGW010")}


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("compose.yaml", "services: {web: {image: nginx}}\n", "not an API description"),
        ("broken.yaml", "openapi: 3.0.1\npaths: {\n", "malformed YAML"),
        ("empty.json", "", "the file is empty"),
        ("list.json", "[1, 2]", "expected a mapping"),
        ("binary.json", "{\x00}", "binary data"),
        ("deep.json", "[" * 100_000, "nested too deeply"),
        ("latin1.yaml", None, "not UTF-8"),
    ],
)
def test_a_named_file_that_is_not_a_good_source_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, content: str | None, says: str
) -> None:
    monkeypatch.chdir(tmp_path)
    if content is None:
        Path(name).write_bytes("openapi: 3.0.1\ninfo: {title: caf\xe9}\n".encode("latin-1"))
    else:
        Path(name).write_text(content)
    code, out, err = run("check", name)
    assert code == 2
    assert out == ""
    assert err.startswith(f"apigw-doctor: error: {name}") and says in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_the_same_files_found_by_walking_are_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("compose.yaml").write_text("services: {web: {image: nginx}}\n")
    Path("broken.yaml").write_text("openapi: 3.0.1\npaths: {\n")
    Path("deep.json").write_text("[" * 100_000)
    os.symlink("nowhere.yaml", "dangling.yaml")
    proc = cli(".", cwd=tmp_path)
    assert proc.returncode == 0
    lines = sorted(proc.stderr.splitlines())
    assert len(lines) == 4, lines
    assert lines[0] == "apigw-doctor: no API sources found in ."
    assert lines[1].startswith("skipped broken.yaml:3:1: malformed YAML: ")
    assert lines[2] == "skipped dangling.yaml: no such file"
    assert lines[3] == "skipped deep.json: malformed JSON: nested too deeply"


def test_missing_and_unreadable_named_files_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run("check", "nope.yaml")
    assert (code, err) == (2, "apigw-doctor: error: nope.yaml: no such file or directory\n")
    if os.geteuid() == 0:
        pytest.skip("running as root: permissions do not stop reads")
    locked = Path("locked.yaml")
    shutil.copy(DATA / "clean/ok.yaml", locked)
    locked.chmod(0)
    code, _, err = run("check", "locked.yaml")
    assert (code, err) == (2, "apigw-doctor: error: locked.yaml: permission denied\n")


def test_skip_unknown_for_hooks_that_pass_every_changed_file(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ("check", "--skip-unknown", "api/docker-compose.yaml", "api/broken.yaml", "api/shop-openapi.yaml")
    code, out, _ = run(*args, "--format", "json")
    assert code == 1 and ids(out) == ["APIGW010"]
    assert capsys.readouterr().err.startswith("skipped api/broken.yaml:3:1: malformed YAML")
    # an API source that is broken still fails, --skip-unknown or not
    Path("bad-openapi.yaml").write_text("openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths: [1]\n")
    code, _, err = run("check", "--skip-unknown", "bad-openapi.yaml")
    assert code == 2 and "'paths' must be a mapping" in err


def test_a_source_that_crashes_is_a_finding_and_the_others_still_load(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import apigw_doctor.sources as sources

    real = sources.load_file

    def flaky(path: str) -> World:
        if path.endswith("pets-cors.yaml"):
            raise KeyError("boom")
        return real(path)

    monkeypatch.setattr(sources, "load_file", flaky)
    code, out, _ = run("check", "api", "--format", "json")
    data = json.loads(out)
    crash = [f for f in data["findings"] if f["id"] == CRASHED.id]
    assert code == 1
    assert crash[0]["file"] == "api/pets-cors.yaml" and "KeyError" in crash[0]["message"]
    assert "APIGW010" in ids(out)


def test_find_targets_walks_and_groups_terraform_by_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("infra/main.tf", "infra/api.tf", "infra/modules/api/main.tf", "infra/openapi.json", "a.template"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text("{}")
    for name in (".git/x.yaml", "node_modules/x.yaml", ".venv/x.json", "infra/.terraform/x.tf", "README.md"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text("{}")
    targets, skipped = find_targets(["."])
    assert skipped == ()
    assert targets == (
        Target("a.template", False),
        Target("infra", False),
        Target("infra/openapi.json", False),
        Target("infra/modules/api", False),
    )
    # a named .tf file stands for its directory (one Terraform source, named); a named directory is named too
    targets, _ = find_targets(["infra/main.tf", "infra/api.tf", "./infra/../infra/openapi.json"])
    assert targets == (Target("infra", True), Target("infra/openapi.json", True))
    assert find_targets(["infra"])[0][0] == Target("infra", True)
    with pytest.raises(InputError, match="no such file or directory"):
        find_targets(["missing"])


def test_display_path_is_relative_inside_the_working_directory(tmp_path: Path) -> None:
    cwd = str(tmp_path)
    assert display_path("./a/../b.yaml", cwd) == "b.yaml"
    assert display_path(str(tmp_path / "x" / "y.tf"), cwd) == os.path.join("x", "y.tf")
    assert display_path("/elsewhere/t.yaml", cwd) == "/elsewhere/t.yaml"
    assert display_path(".", cwd) == "."


def test_classify(tmp_path: Path) -> None:
    files = {
        "cfn.yaml": "Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties: {Name: !Sub 'x'}\n",
        "compose.yaml": "services: {}\n",
        "list.yaml": "- 1\n",
        "broken.yaml": "a: {\n",
        "oas.json": '{"openapi": "3.0.1"}',
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    kinds = {name: classify(str(tmp_path / name)) for name in files}
    assert kinds == {
        "cfn.yaml": "source",
        "compose.yaml": "unknown",
        "list.yaml": "unknown",
        "broken.yaml": "unparseable",
        "oas.json": "source",
    }


def test_load_targets_keeps_going() -> None:
    from apigw_doctor.sources.validate import ImpossibleTree

    def load(path: str) -> World:
        if path == "refused.json":
            raise ImpossibleTree("two variable siblings", Origin("refused.json", "/paths/~1a"))
        if path == "bug.yaml":
            raise ZeroDivisionError("division by zero")
        return World()

    loaded = load_targets([Target(p, True) for p in ("ok.yaml", "refused.json", "bug.yaml")], load)
    assert loaded.sources == ("ok.yaml", "refused.json")
    assert loaded.refused == (("two variable siblings", Origin("refused.json", "/paths/~1a")),)
    assert [c.check_id for c in loaded.crashes] == [CRASHED.id]
    with pytest.raises(ZeroDivisionError):
        load_targets([Target("bug.yaml", False)], load, debug=True)


def test_a_walked_file_another_source_reads_is_not_loaded_twice() -> None:
    def load(path: str) -> World:
        route = Route(key="GET /x", origin=Origin("infra/openapi.yaml", "/paths/~1x/get"))
        if path == "infra":
            return World(apis=(build_http_api("tf", (route,)),))
        return World(apis=(build_http_api(path, (route,)),))

    walked = load_targets([Target("infra", True), Target("infra/openapi.yaml", False)], load)
    assert walked.sources == ("infra",) and [a.id for a in walked.world.apis] == ["tf"]
    named = load_targets([Target("infra", True), Target("infra/openapi.yaml", True)], load)
    assert named.sources == ("infra", "infra/openapi.yaml")


# -- exit codes, --fail-on, --ignore ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fail_on", "expected"),
    [("error", 0), ("warning", 1), ("info", 1)],
)
def test_fail_on(repo: Path, fail_on: str, expected: int) -> None:
    code, out, _ = run("check", "api/pets-cors.yaml", "--fail-on", fail_on, "--format", "json")
    assert code == expected
    assert json.loads(out)["failed"] is bool(expected)


def test_fail_on_info_only(repo: Path) -> None:
    assert run("check", "api/pets-cors.yaml", "--ignore", "APIGW020", "--fail-on", "warning")[0] == 0
    assert run("check", "api/pets-cors.yaml", "--ignore", "APIGW020", "--fail-on", "info")[0] == 1


def test_clean_file_exits_0() -> None:
    code, out, _ = run("check", str(DATA / "clean"))
    assert code == 0
    assert out.endswith("0 errors, 0 warnings, 0 info in 1 source: passes (--fail-on error)\n")


def test_ignore(repo: Path) -> None:
    code, out, _ = run("check", ".", "--ignore", "apigw010,APIGW060", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert sorted(ids(out)) == ["APIGW020", "APIGW090"]
    assert data["summary"]["ignored"] == 2
    code, _, err = run("check", ".", "--ignore", "APIGW999")
    assert code == 2 and "unknown check id APIGW999" in err


def test_parse_ignore_and_split() -> None:
    known = {m.id for m in METAS}
    assert parse_ignore(["apigw010, APIGW011", "APIGW090"], known) == {"APIGW010", "APIGW011", "APIGW090"}
    a = finding("APIGW010", "a.yaml", "api:/")
    b = finding("APIGW090", "a.yaml", "api:GET /x")
    c = finding("APIGW011", "a.yaml", "api:/x")
    assert split([a, b, c], {"APIGW090"}, {c.fingerprint}) == ((a,), 1, 1)


# -- baselines ----------------------------------------------------------------------------------------------


def test_write_then_use_a_baseline(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run("check", ".", "--write-baseline", "baseline.json")
    assert code == 0
    assert "4 in the baseline" in out
    assert "wrote 4 fingerprints to baseline.json" in capsys.readouterr().err
    saved = json.loads(Path("baseline.json").read_text())
    assert saved["version"] == 1 and len(saved["fingerprints"]) == 4
    assert saved["fingerprints"] == sorted(saved["fingerprints"])
    code, out, _ = run("check", ".", "--baseline", "baseline.json", "--format", "json", "--fail-on", "info")
    assert code == 0 and json.loads(out)["summary"]["baselined"] == 4 and ids(out) == []

    # lines move: still baselined
    shop = Path("api/shop-openapi.yaml")
    shop.write_text("# a comment\n# another\n\n" + shop.read_text())
    assert run("check", ".", "--baseline", "baseline.json")[0] == 0
    # a new finding (another API with the same mistake) is not in the baseline
    shutil.copy(shop, "api/shop2-openapi.yaml")
    code, out, _ = run("check", ".", "--baseline", "baseline.json", "--format", "json")
    assert code == 1
    assert [(f["file"], f["id"]) for f in json.loads(out)["findings"]] == [("api/shop2-openapi.yaml", "APIGW010")]


def test_baseline_errors(repo: Path) -> None:
    code, _, err = run("check", ".", "--baseline", "none.json")
    assert code == 2 and "none.json: no such baseline file" in err
    Path("bad.json").write_text('{"version": 2, "fingerprints": []}')
    code, _, err = run("check", ".", "--baseline", "bad.json")
    assert code == 2 and "bad.json#/version: baseline version 2 is not supported" in err
    for text in ("[]", "{", '{"version": 1, "fingerprints": [1]}'):
        with pytest.raises(InputError):
            parse_baseline(text, "b.json")


def test_baseline_round_trip() -> None:
    found = [finding("APIGW010", "a.yaml", "x:/"), finding("APIGW010", "a.yaml", "x:/"), finding("APIGW011", "b", "y")]
    assert parse_baseline(dumps_baseline(found), "b.json") == {f.fingerprint for f in found}


# -- outputs ------------------------------------------------------------------------------------------------


def test_json_output_matches_its_schema(repo: Path) -> None:
    _, out, _ = run("check", ".", "--format", "json", "--ignore", "APIGW090")
    data = json.loads(out)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert data["schema"] == 1 and data["tool"]["name"] == "apigw-doctor"
    assert {r["id"] for r in data["rules"]} == {m.id for m in METAS} | {CRASHED.id}
    first = data["findings"][0]
    assert first["fix"]["text"] and first["fingerprint"] and first["rule"]
    assert data["summary"] == {
        "error": 2,
        "warning": 1,
        "info": 0,
        "failing": 2,
        "ignored": 1,
        "baselined": 0,
        "sources": 3,
        "skipped": 1,
    }


def test_text_output_golden(repo: Path) -> None:
    code, out, _ = run("check", ".", "--color", "never")
    assert code == 1
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(out)
    assert out == GOLDEN.read_text()


def test_text_is_80_columns_except_code_and_paths(repo: Path) -> None:
    _, out, _ = run("check", ".")
    report_lines = out.splitlines()
    for line in report_lines:
        if len(line) > 80:
            assert line.startswith("      "), line  # a snippet line: code is never wrapped
    assert report_lines[-2:] == [
        "2 errors, 1 warning, 1 info in 3 sources (1 file skipped):",
        "fails (--fail-on error)",
    ]


def test_colour_only_when_asked(repo: Path) -> None:
    assert "\033[" in run("check", ".", "--color", "always")[1]
    assert "\033[" not in run("check", ".", "--color", "never")[1]
    assert "\033[" not in run("check", ".")[1]  # not a TTY


def test_text_groups_by_file_with_locations() -> None:
    report = CheckReport(
        findings=(
            finding("APIGW010", "a.yaml", "x:/", line=3, fix=Snippet(language="sam", text="A: 1\n", summary="do")),
            finding("APIGW011", "a.yaml", "x:/b", pointer="/paths/~1b"),
            finding("APIGW000", "apigw-doctor", "APIGW050"),
        ),
        sources=("a.yaml",),
    )
    assert render(report).splitlines() == [
        "a.yaml",
        "a.yaml:3: error APIGW010 message about x:/",
        "    fix (sam): do",
        "      A: 1",
        "a.yaml#/paths/~1b: warning APIGW011 message about x:/b",
        "",
        "apigw-doctor",
        "apigw-doctor: error APIGW000 message about APIGW050",
        "",
        "2 errors, 1 warning, 0 info in 1 source: fails (--fail-on error)",
    ]


def test_junit(repo: Path) -> None:
    _, out, _ = run("check", ".", "--format", "junit")
    root = ET.fromstring(out)
    suites = {s.get("name", ""): s for s in root.iter("testsuite")}
    assert sorted(suites) == ["api/pets-cors.yaml", "api/shop-openapi.yaml", "api/siblings.json"]
    rules = len(METAS) + 1
    assert all(s.get("tests") == str(rules) and len(s.findall("testcase")) == rules for s in suites.values())
    shop = suites["api/shop-openapi.yaml"]
    failed = [c.get("name") for c in shop.iter("testcase") if c.find("failure") is not None]
    assert failed == ["APIGW010 root-without-method-beside-proxy"]
    failure = shop.find("testcase/failure")
    assert failure is not None and "api/shop-openapi.yaml:9" in (failure.text or "")
    assert root.get("failures") == "2"
    # below --fail-on: passing testcases, findings listed in system-out
    pets = suites["api/pets-cors.yaml"]
    assert pets.get("failures") == "0"
    assert any("APIGW020" in (o.text or "") for o in pets.iter("system-out"))
    strict = ET.fromstring(run("check", ".", "--format", "junit", "--fail-on", "info")[1])
    assert strict.get("failures") == "4"


def test_junit_terraform_directory_suite() -> None:
    report = CheckReport(
        findings=(finding("APIGW010", os.path.join("infra", "main.tf"), "x:/"),),
        sources=("infra", "other.yaml"),
    )
    suites = {s.get("name"): s.get("failures") for s in ET.fromstring(to_junit(report, METAS)).iter("testsuite")}
    assert suites == {"infra": "1", "other.yaml": "0"}


# -- big and real inputs ------------------------------------------------------------------------------------


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed entry point in a subprocess, with a timeout: a hang fails the test instead of blocking."""
    exe = Path(sys.executable).with_name("apigw-doctor")
    return subprocess.run(
        [str(exe), "check", *args], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def big_openapi(n: int) -> dict[str, object]:
    """``n`` resources: /{proxy+} with a method and / without (one APIGW010), the rest plain GETs."""
    any_method = {"x-amazon-apigateway-any-method": {"x-amazon-apigateway-integration": {"type": "mock"}}}
    paths: dict[str, object] = {"/{proxy+}": any_method}
    for i in range(n // 100):
        paths[f"/r{i}"] = {"get": {}}
        for j in range(99):
            paths[f"/r{i}/c{j}"] = {"get": {"x-amazon-apigateway-integration": {"type": "mock"}}}
    return {"openapi": "3.0.1", "info": {"title": "big", "version": "1"}, "paths": paths}


def test_ten_thousand_resources_openapi_and_snapshot(tmp_path: Path) -> None:
    from apigw_doctor.sources import dumps_world, load_file

    (tmp_path / "big.json").write_text(json.dumps(big_openapi(10_000)))
    proc = cli("big.json", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert ids(proc.stdout) == ["APIGW010"]
    world = load_file(str(tmp_path / "big.json"))
    assert sum(len(a.resources) for a in world.apis if hasattr(a, "resources")) >= 10_000
    (tmp_path / "world.json").write_text(dumps_world(world))
    proc = cli("world.json", "--format", "sarif", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert [r["ruleId"] for r in json.loads(proc.stdout)["runs"][0]["results"]] == ["APIGW010"]


def test_ten_thousand_resources_cloudformation(tmp_path: Path) -> None:
    lines = [
        "Resources:",
        "  Api:",
        "    Type: AWS::ApiGateway::RestApi",
        "    Properties: {Name: big}",
        "  Proxy:",
        "    Type: AWS::ApiGateway::Resource",
        "    Properties: {RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: '{proxy+}'}",
        "  ProxyAny:",
        "    Type: AWS::ApiGateway::Method",
        "    Properties: {RestApiId: !Ref Api, ResourceId: !Ref Proxy, HttpMethod: ANY, AuthorizationType: NONE,",
        "                 Integration: {Type: MOCK}}",
    ]
    for i in range(4_999):
        lines += [
            f"  R{i}:",
            "    Type: AWS::ApiGateway::Resource",
            f"    Properties: {{RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: r{i}}}",
            f"  M{i}:",
            "    Type: AWS::ApiGateway::Method",
            f"    Properties: {{RestApiId: !Ref Api, ResourceId: !Ref R{i}, HttpMethod: GET, AuthorizationType: NONE,",
            "                 Integration: {Type: MOCK}}",
        ]
    (tmp_path / "template.yaml").write_text("\n".join(lines) + "\n")
    proc = cli("template.yaml", "--format", "json", cwd=tmp_path)
    if proc.returncode == 2 and "not an API description" in proc.stderr:
        pytest.skip("the CloudFormation source is not wired into sources.load_file yet")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "APIGW010" in ids(proc.stdout)


def test_cloudformation_fixture() -> None:
    code, out, err = run("check", str(DATA / "cfn-proxy-root.yaml"), "--format", "json")
    if code == 2 and "not an API description" in err:
        pytest.skip("the CloudFormation source is not wired into sources.load_file yet")
    assert code == 1
    assert [(f["id"], f["line"]) for f in json.loads(out)["findings"]] == [("APIGW010", 8)]


def test_terraform_directory_is_one_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "examples/terraform", tmp_path / "infra")
    monkeypatch.chdir(tmp_path)
    code, out, err = run("check", "infra/main.tf", "--format", "json")
    if code == 2 and "is a directory" in err:
        pytest.skip("the Terraform source is not wired into sources.load_file yet (directories of .tf files)")
    data = json.loads(out)
    assert data["sources"] == ["infra"]
    assert "APIGW010" in ids(out)
    assert all(f["file"].startswith("infra" + os.sep) for f in data["findings"])
    # walking: the OpenAPI file the module reads (body = file(...)) belongs to the module, not checked twice
    code, walked, _ = run("check", ".", "--format", "json")
    assert json.loads(walked)["sources"] == ["infra"]
    assert json.loads(walked)["findings"] == data["findings"]
    # named on its own, it is its own source
    code, alone, _ = run("check", "infra", "infra/orders-openapi.yaml", "--format", "json")
    assert json.loads(alone)["sources"] == ["infra", os.path.join("infra", "orders-openapi.yaml")]


# -- helpers ------------------------------------------------------------------------------------------------


def build_http_api(api_id: str, routes: tuple[Route, ...]) -> HttpApi:
    return HttpApi(id=api_id, name=api_id, region="us-east-1", routes=routes)


def finding(
    check_id: str,
    source: str,
    subject: str,
    *,
    line: int | None = None,
    pointer: str = "",
    fix: Snippet | None = None,
) -> CheckFinding:
    severity = {"APIGW011": "warning", "APIGW090": "info"}.get(check_id, "error")
    return CheckFinding(
        check_id=check_id,
        severity=severity,
        message=f"message about {subject}",
        origin=Origin(source, pointer, line),
        subject=subject,
        fix=fix,
    )


def test_docs_ci_example_is_the_real_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/ci.md shows `check api/shop-openapi.yaml` run in tests/data/check/repo: it must stay true."""
    doc = (ROOT / "docs/ci.md").read_text()
    command = "  $ apigw-doctor check api/shop-openapi.yaml\n"
    block = doc[doc.index(command) + len(command) : doc.index("  ```\n", doc.index(command))]
    shown = "".join(line.removeprefix("  ") + "\n" for line in block.splitlines())
    monkeypatch.chdir(DATA / "repo")
    assert shown == run("check", "api/shop-openapi.yaml")[1]
