"""`fix --iac`: the infrastructure-code patch, located in the given code and proven by applying it.

Each case copies a small module or template with the bug from tests/data/fix_iac/ to a temporary directory,
diagnoses a failing request (against a live-like World built with the test builders, or against the source
itself), applies the patch's diffs and runs the real `check` (and the diagnosis) again: the finding is gone.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from apigw_doctor.binding import bind_unknown_ids
from apigw_doctor.diagnosis import Diagnosis, diagnose
from apigw_doctor.errors import InputError
from apigw_doctor.fix import Plan, build_plan
from apigw_doctor.fix.iac_patch import IacEdit, IacPatch, iac_patch
from apigw_doctor.fix.iac_text import hcl_lifecycle, hcl_set, yaml_token
from apigw_doctor.gateway import Request
from apigw_doctor.model import World
from apigw_doctor.render.iac import iac_to_json, render_iac
from apigw_doctor.sandbox import DemoApi
from apigw_doctor.sources import load_file
from apigw_doctor.sources.cloudformation import read_template
from builders import domain, http_api, rest_api, world
from clirun import run

DATA = Path(__file__).parent / "data" / "fix_iac"
HOST = "https://abc123.execute-api.us-east-1.amazonaws.com"
CFN_TAGS = (("aws:cloudformation:stack-name", "shop"), ("aws:cloudformation:logical-id", "Api"))


# -- helpers ------------------------------------------------------------------------------------------------
@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of tests/data/fix_iac as the current directory: sources are named by relative paths, as users do."""
    shutil.copytree(DATA, tmp_path / "fix_iac")
    monkeypatch.chdir(tmp_path / "fix_iac")
    return tmp_path / "fix_iac"


def live_pets(tags: tuple[tuple[str, str], ...], name: str = "pets") -> World:
    """The deployed API: prod serves GET /pets; POST /pets is in the working copy only (NOT_DEPLOYED)."""
    return world(
        rest_api("abc123", name=name, stages={"prod": ["GET /pets"]}, working=["GET /pets", "POST /pets"], tags=tags)
    )


def planned(w: World, method: str, url: str, want: str = "auto") -> tuple[Plan, Diagnosis]:
    d = diagnose(Request.from_url(method, url), w)
    return build_plan(d, w, want=want), d


def from_source(source: str, method: str, url: str, want: str = "auto") -> tuple[Plan, Diagnosis]:
    """The diagnosis made from the source itself (the API bound to the URL's id, as `diagnose --source` does)."""
    request = Request.from_url(method, url)
    return planned(bind_unknown_ids(load_file(source), request), method, url, want)


def apply_diff(text: str, diff: str) -> str:
    """A unified diff applied strictly: every context and removed line must match where its hunk says."""
    lines = text.splitlines(True)
    out: list[str] = []
    at = 0
    body = diff.splitlines(True)
    i = next(n for n, line in enumerate(body) if line.startswith("@@"))
    while i < len(body):
        m = re.match(r"@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@", body[i])
        assert m is not None, body[i]
        start = int(m.group(1)) - (0 if m.group(2) == "0" else 1)
        out += lines[at:start]
        at = start
        i += 1
        while i < len(body) and not body[i].startswith("@@"):
            line, kind = body[i], body[i][0]
            if line.startswith("\\"):
                out[-1] = out[-1].rstrip("\n")
            elif kind in " -":
                assert lines[at] == line[1:] or lines[at] == line[1:].rstrip("\n"), (lines[at], line)
                if kind == " ":
                    out.append(lines[at])
                at += 1
            else:
                out.append(line[1:])
            i += 1
    return "".join(out + lines[at:])


def apply(patch: IacPatch) -> list[str]:
    """Every diff of the patch applied in order to its file; the files changed."""
    changed = []
    for edit in patch.edits:
        if edit.diff:
            assert edit.file is not None
            path = Path(edit.file)
            path.write_text(apply_diff(path.read_text(), edit.text))
            changed.append(edit.file)
    return changed


def findings(path: str) -> set[str]:
    code, out, err = run("check", path, "--format", "json", "--fail-on", "info")
    assert code in (0, 1), err
    return {f["id"] for f in json.loads(out)["findings"]}


def diffs(patch: IacPatch) -> list[IacEdit]:
    return [e for e in patch.edits if e.diff]


# -- the redeploy -------------------------------------------------------------------------------------------
def test_terraform_deployment_gets_triggers_and_create_before_destroy(work: Path) -> None:
    plan, d = planned(live_pets((("ManagedBy", "terraform"),)), "POST", f"{HOST}/prod/pets")
    assert plan.verdict == "NOT_DEPLOYED"
    assert {"APIGW001", "APIGW003"} & findings("tf") == {"APIGW001"}  # no triggers at all: nothing replaces it
    patch = iac_patch(plan, d, ("tf",))
    assert patch.language == "terraform" and not patch.generic and patch.sources == ("tf",)
    assert any("API name 'pets'" in e for e in patch.managed_by_evidence)
    edits = diffs(patch)
    assert [(e.file, e.resource, e.rule) for e in edits] == [
        ("tf/main.tf", "aws_api_gateway_deployment.pets", "APIGW001"),
        ("tf/main.tf", "aws_api_gateway_deployment.pets", "APIGW003"),
    ]
    assert edits[0].line == 47 and "+      aws_api_gateway_integration.post_pets.id,\n" in edits[0].text
    assert "+    create_before_destroy = true\n" in edits[1].text
    apply(patch)
    assert not findings("tf") & {"APIGW001", "APIGW002", "APIGW003"}
    again = iac_patch(plan, d, ("tf",))
    assert again.edits == () and any("already redeploys" in n for n in again.notes)


def test_cloudformation_deployment_gets_a_new_logical_id_and_every_method(work: Path) -> None:
    plan, d = planned(live_pets(CFN_TAGS), "POST", f"{HOST}/prod/pets")
    assert {"APIGW001", "APIGW002"} <= findings("cfn/template.yaml")
    patch = iac_patch(plan, d, ("cfn/template.yaml",))
    assert patch.language == "cloudformation"
    assert [(e.rule, e.line) for e in diffs(patch)] == [("APIGW002", 36), ("APIGW001", 34)]
    new_id = re.search(r"rename Deployment to (Deployment[0-9a-f]{10})", patch.edits[1].summary)
    assert new_id is not None
    apply(patch)
    assert not findings("cfn/template.yaml") & {"APIGW001", "APIGW002"}
    template = read_template("cfn/template.yaml")
    assert template is not None
    dep = template.resource(new_id.group(1))
    assert dep is not None and set(dep.depends_on) == {"GetPets", "PostPets"}
    prod = template.resource("Prod")
    assert prod is not None and prod.properties["DeploymentId"] == {"Ref": new_id.group(1)}
    text = Path("cfn/template.yaml").read_text()
    assert "Type: AWS::ApiGateway::Deployment\n" in text  # the type is not a reference
    assert "  Deployment:\n    Value: the deployment of the pets API" in text  # nor an output's name
    assert f"Value: !Ref {new_id.group(1)}" in text


def test_sam_api_gets_always_deploy(work: Path) -> None:
    tags = (("lambda:createdBy", "SAM"), ("aws:cloudformation:logical-id", "PetsApi"))
    plan, d = planned(live_pets(tags), "POST", f"{HOST}/prod/pets")
    patch = iac_patch(plan, d, ("sam/template.yaml",))
    assert patch.language == "sam" and [e.resource for e in diffs(patch)] == ["PetsApi"]
    apply(patch)
    template = read_template("sam/template.yaml")
    api = template.resource("PetsApi") if template is not None else None
    assert api is not None and api.properties["AlwaysDeploy"] is True
    again = iac_patch(plan, d, ("sam/template.yaml",))
    assert again.edits == () and any("AlwaysDeploy: true already" in n for n in again.notes)


def test_sam_implicit_api_gets_always_deploy_in_globals(work: Path) -> None:
    tags = (("aws:cloudformation:stack-name", "orders"), ("aws:cloudformation:logical-id", "ServerlessRestApi"))
    w = world(rest_api("abc123", name="orders", stages={"Prod": []}, working=["GET /orders"], tags=tags))
    plan, d = planned(w, "GET", f"{HOST}/Prod/orders")
    patch = iac_patch(plan, d, ("sam/implicit.yaml",))
    assert [(e.resource, e.line) for e in diffs(patch)] == [("Globals.Api", 9)]
    apply(patch)
    template = read_template("sam/implicit.yaml")
    assert template is not None and dict(template.section("Globals")) == {
        "Function": {"Runtime": "python3.12", "Handler": "app.handler", "CodeUri": "src/"},
        "Api": {"AlwaysDeploy": True},
    }
    assert "APIGW000" not in findings("sam/implicit.yaml")


def test_http_api_stage_gets_auto_deploy(work: Path) -> None:
    w = world(http_api("h1", name="events", stages={"prod": []}, working=["GET /events"]))
    plan, d = planned(w, "GET", "https://h1.execute-api.us-east-1.amazonaws.com/prod/events")
    assert plan.verdict == "NOT_DEPLOYED" and "APIGW030" in findings("http")
    patch = iac_patch(plan, d, ("http",))
    assert [(e.resource, e.rule) for e in diffs(patch)] == [("aws_apigatewayv2_stage.prod", "APIGW030")]
    apply(patch)
    assert "APIGW030" not in findings("http")


# -- a method on the root beside {proxy+} -------------------------------------------------------------------
def test_terraform_root_method_copies_the_proxy_integration_and_joins_the_triggers(work: Path) -> None:
    plan, d = from_source("tf-proxy", "GET", f"{HOST}/prod/")
    assert plan.verdict == "PROXY_PARENT_NOT_COVERED" and "APIGW010" in findings("tf-proxy")
    patch = iac_patch(plan, d, ("tf-proxy",))
    assert [(e.resource, e.rule) for e in diffs(patch)] == [
        ("aws_api_gateway_method.root_any", "APIGW010"),
        ("aws_api_gateway_deployment.shop", "APIGW001"),
    ]
    assert "+  uri                     = aws_lambda_function.shop.invoke_arn\n" in patch.edits[0].text
    apply(patch)
    assert not findings("tf-proxy") & {"APIGW001", "APIGW002", "APIGW003", "APIGW010", "APIGW050"}
    assert from_source("tf-proxy", "GET", f"{HOST}/prod/")[0].verdict == "MATCHED"


def test_cloudformation_root_method_and_the_redeploy(work: Path) -> None:
    plan, d = from_source("cfn/proxy.yaml", "GET", f"{HOST}/prod/")
    patch = iac_patch(plan, d, ("cfn/proxy.yaml",))
    assert [(e.resource, e.rule) for e in diffs(patch)] == [
        ("RootAnyMethod", "APIGW010"),
        ("Deployment", "APIGW002"),
        ("Deployment", "APIGW001"),
    ]
    added = patch.edits[0].text
    assert "+        Uri: https://backend.example.com\n" in added and "RequestParameters" not in added
    apply(patch)
    assert not findings("cfn/proxy.yaml") & {"APIGW001", "APIGW002", "APIGW010", "APIGW050"}
    assert from_source("cfn/proxy.yaml", "GET", f"{HOST}/prod/")[0].verdict == "MATCHED"


def test_sam_root_event_copies_the_proxy_event(work: Path) -> None:
    plan, d = from_source("sam/template.yaml", "GET", f"{HOST}/prod/")
    patch = iac_patch(plan, d, ("sam/template.yaml",))
    assert [(e.resource, e.rule) for e in diffs(patch)] == [("PetsFunction.Events.ProxyRoot", "APIGW010")]
    apply(patch)
    assert "APIGW010" not in findings("sam/template.yaml")
    assert from_source("sam/template.yaml", "GET", f"{HOST}/prod/")[0].verdict == "MATCHED"


def test_method_not_defined_on_the_api_side(work: Path) -> None:
    plan, d = from_source("tf", "DELETE", f"{HOST}/prod/pets", want="api")
    assert plan.verdict == "METHOD_NOT_DEFINED" and plan.side == "api"
    patch = iac_patch(plan, d, ("tf",))
    assert [(e.resource, e.rule) for e in diffs(patch)] == [
        ("aws_api_gateway_method.pets_delete", None),
        ("aws_api_gateway_deployment.pets", "APIGW001"),
        ("aws_api_gateway_deployment.pets", "APIGW003"),
    ]
    assert '+  type        = "MOCK"\n' in patch.edits[0].text  # the integration of GET /pets
    apply(patch)
    assert not findings("tf") & {"APIGW001", "APIGW002", "APIGW003", "APIGW050"}
    assert from_source("tf", "DELETE", f"{HOST}/prod/pets")[0].verdict == "MATCHED"


# -- the base-path mapping ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "resource"), [("tf", "aws_api_gateway_base_path_mapping.v2"), ("cfn/template.yaml", "V2BasePathMapping")]
)
def test_base_path_mapping_is_filled_from_the_request_and_the_code(work: Path, source: str, resource: str) -> None:
    url = "https://api.example.com/v2/pets"
    plan, d = from_source(source, "GET", url, want="api")
    assert plan.verdict == "BASE_PATH_UNMAPPED" and plan.side == "api"
    patch = iac_patch(plan, d, (source,))
    (edit,) = patch.edits
    assert edit.diff and edit.resource == resource
    assert "v2" in edit.text and ("aws_api_gateway_stage.prod.stage_name" in edit.text or "!Ref Prod" in edit.text)
    assert any("stage prod (its only stage)" in n for n in patch.notes)
    apply(patch)
    assert from_source(source, "GET", url)[0].verdict == "MATCHED"
    assert not findings(source) & {"APIGW040", "APIGW041"}


def test_base_path_mapping_without_source_asks_for_the_code() -> None:
    api = rest_api("abc123", name="pets", tags=(("ManagedBy", "terraform"),))
    w = world(api, domain("api.example.com", ("v1", "abc123", "prod")))
    plan, d = planned(w, "GET", "https://api.example.com/v2/pets", want="api")
    patch = iac_patch(plan, d)  # the API an unmapped base path should reach is not known: nor is its code
    assert patch.language == "none" and patch.edits == ()
    assert patch.notes == (
        "No API answers https://api.example.com/v2 yet, so no tags tell which code to patch: give "
        "the code that should map it with --iac-source PATH.",
    )


# -- what cannot be patched, or not as a diff ---------------------------------------------------------------
def test_client_side_cause_has_no_patch() -> None:
    plan, d = planned(live_pets(CFN_TAGS), "GET", f"{HOST}/pets")
    assert plan.verdict == "STAGE_MISSING" and plan.side == "client"
    patch = iac_patch(plan, d, (str(DATA / "cfn" / "template.yaml"),))
    assert patch.edits == () and patch.notes == (
        "The API is fine: correct the request (no change to the infrastructure code).",
    )
    assert "No infrastructure-code patch for STAGE_MISSING." in render_iac(patch)


def test_a_source_without_the_api_says_so_and_falls_back_to_the_generic_patch() -> None:
    plan, d = planned(live_pets(CFN_TAGS), "POST", f"{HOST}/prod/pets")
    other = str(DATA / "other" / "template.yaml")
    patch = iac_patch(plan, d, (other,))
    assert patch.generic and patch.sources == () and patch.edits[0].file is None
    assert patch.notes[0] == (
        f"{other} does not define API abc123 ('pets') (it defines orders (/Resources/OrdersApi)): the patch could "
        "not be located there."
    )


def test_without_source_the_patch_is_generic() -> None:
    plan, d = planned(live_pets((("ManagedBy", "terraform"),)), "POST", f"{HOST}/prod/pets")
    patch = iac_patch(plan, d)
    assert patch.language == "terraform" and patch.generic and len(patch.edits) == 1
    assert "create_before_destroy = true" in patch.edits[0].text and ".body.id" not in patch.edits[0].text
    assert "generic" in patch.notes[-1]
    plain = planned(live_pets(()), "POST", f"{HOST}/prod/pets")
    assert iac_patch(*plain).edits == ()


def test_json_template_gets_snippets_at_their_lines() -> None:
    plan, d = planned(live_pets(CFN_TAGS), "POST", f"{HOST}/prod/pets")
    source = str(DATA / "cfn" / "template.json")
    patch = iac_patch(plan, d, (source,))
    assert patch.edits and not any(e.diff for e in patch.edits)
    assert [(e.file, e.line, e.rule) for e in patch.edits] == [(source, 14, "APIGW001")]
    assert any("is JSON" in n for n in patch.notes)


def test_a_block_written_on_one_line_gets_the_snippet(work: Path) -> None:
    text = Path("tf/main.tf").read_text()
    one_line = re.sub(
        r'resource "aws_api_gateway_deployment" "pets" \{.*?\n\}',
        'resource "aws_api_gateway_deployment" "pets" { rest_api_id = aws_api_gateway_rest_api.pets.id }',
        text,
        flags=re.S,
    )
    Path("tf/main.tf").write_text(one_line)
    plan, d = planned(live_pets(()), "POST", f"{HOST}/prod/pets")
    patch = iac_patch(plan, d, ("tf",))
    assert [(e.diff, e.line, e.rule) for e in patch.edits] == [(False, 44, "APIGW001"), (False, 44, "APIGW003")]
    assert patch.edits[0].text.startswith("triggers = {")


@pytest.mark.parametrize(
    ("name", "location"),
    [("missing.yaml", "missing.yaml"), ("broken.yaml", "broken.yaml:6:8"), ("../../data/malformed.yaml", None)],
)
def test_bad_sources_are_input_errors_with_their_location(name: str, location: str | None) -> None:
    plan, d = planned(live_pets(CFN_TAGS), "POST", f"{HOST}/prod/pets")
    path = str(DATA / name)
    with pytest.raises(InputError) as caught:
        iac_patch(plan, d, (path,))
    assert caught.value.location is not None and caught.value.location.startswith(str(DATA / (location or name)))


# -- output ---------------------------------------------------------------------------------------------------
def test_text_output_pipes_into_patch(work: Path) -> None:
    plan, d = planned(live_pets(CFN_TAGS), "POST", f"{HOST}/prod/pets")
    patch = iac_patch(plan, d, ("cfn/template.yaml",))
    text = render_iac(patch)
    assert "1. cfn/template.yaml:36  Deployment" in text and patch.edits[1].text in text
    if shutil.which("patch") is None:
        pytest.skip("no patch(1) here")
    subprocess.run(["patch", "-p0", "--quiet"], input=text, text=True, check=True)
    assert not findings("cfn/template.yaml") & {"APIGW001", "APIGW002"}


def test_fix_iac_through_the_cli_against_the_sandbox(sandbox_cli: DemoApi, work: Path) -> None:
    """`fix URL --iac --iac-source PATH` on the demo account: the template naming the same API gets the diff."""
    template = Path("cfn/template.yaml")
    template.write_text(template.read_text().replace("Name: pets", "Name: petstore"))
    code, out, err = run("fix", sandbox_cli.trap("NOT_DEPLOYED").url, "--iac", "--iac-source", "cfn/template.yaml")
    assert code == 1, err
    assert "defines the API (API name 'petstore')" in out and "+++ cfn/template.yaml" in out
    if shutil.which("patch") is not None:
        subprocess.run(["patch", "-p0", "--quiet"], input=out, text=True, check=True)
        assert not findings("cfn/template.yaml") & {"APIGW001", "APIGW002"}
    code, out, err = run("fix", sandbox_cli.trap("NOT_DEPLOYED").url, "--iac", "--iac-source", "missing.tf")
    assert code == 2 and "missing.tf: no such file or directory" in err


def test_json_output_has_stable_keys() -> None:
    plan, d = planned(live_pets(CFN_TAGS), "POST", f"{HOST}/prod/pets")
    data = iac_to_json(iac_patch(plan, d, (str(DATA / "cfn" / "template.yaml"),)))
    assert list(data) == ["schema", "cause", "language", "generic", "managed_by_evidence", "sources", "edits", "notes"]
    assert data["schema"] == 1 and data["cause"] == "NOT_DEPLOYED"
    edits = data["edits"]
    assert isinstance(edits, list) and list(edits[0]) == ["file", "line", "resource", "summary", "rule", "kind", "text"]
    assert edits[0]["kind"] == "diff"
    json.dumps(data)


# -- the text editing underneath ------------------------------------------------------------------------------
def test_hcl_blocks_are_found_past_braces_in_strings_comments_and_heredocs() -> None:
    text = (
        'resource "aws_api_gateway_deployment" "d" {\n'
        '  description = "a } brace ${jsonencode({"a" = "}"})}"\n'
        "  # a } in a comment\n"
        "  variables = {\n    doc = <<EOT\n}\n  }\nEOT\n  }\n"
        '  triggers = { redeployment = "x" }\n'
        "}\n\n"
        'resource "aws_api_gateway_stage" "s" {\n}\n'
    )
    edited = hcl_set(text, "aws_api_gateway_deployment", "d", "triggers", 'triggers = {\n  redeployment = "y"\n}')
    assert edited is not None
    assert '  triggers = {\n    redeployment = "y"\n  }\n}\n\nresource "aws_api_gateway_stage"' in edited
    assert "<<EOT\n}\n  }\nEOT\n" in edited
    with_lifecycle = hcl_lifecycle(edited, "aws_api_gateway_deployment", "d")
    assert (
        with_lifecycle is not None and "  lifecycle {\n    create_before_destroy = true\n  }\n}\n\n" in with_lifecycle
    )
    assert hcl_lifecycle(with_lifecycle, "aws_api_gateway_deployment", "d") == with_lifecycle


def test_yaml_rename_leaves_types_and_longer_names_alone() -> None:
    text = "A:\n  Type: AWS::ApiGateway::Deployment\n  DeploymentId: !Ref Deployment\n  X: !GetAtt Deployment.Id\n"
    assert yaml_token(text, [2, 3, 4], "Deployment", "Deployment0123456789") == (
        "A:\n  Type: AWS::ApiGateway::Deployment\n  DeploymentId: !Ref Deployment0123456789\n"
        "  X: !GetAtt Deployment0123456789.Id\n"
    )
