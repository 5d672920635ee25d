"""`fix` plans (pure): the side of the fix, the calls in order, the blast radius, IaC detection, JSON and text."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from apigw_doctor.diagnosis import Diagnosis, diagnose
from apigw_doctor.diagnosis.commands import point_stage
from apigw_doctor.fix import (
    CREATE_DEPLOYMENT_QUOTA,
    Plan,
    UsagePlanFacts,
    build_plan,
    detect_iac,
    planned_call,
)
from apigw_doctor.fix.plan import blast_radius
from apigw_doctor.gateway import Request
from apigw_doctor.model import World
from apigw_doctor.render.fix import exit_code, render_fix, report
from builders import domain, http_api, rest_api, world

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "src/apigw_doctor/data/fix.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
HOST = "https://abc123.execute-api.us-east-1.amazonaws.com"


def _plan(w: World, method: str, url: str, usage: UsagePlanFacts | None = None, want: str = "auto") -> Plan:
    d: Diagnosis = diagnose(Request.from_url(method, url), w)
    return build_plan(d, w, usage, want)


def _checked(plan: Plan) -> dict[str, object]:
    data = report(plan, "test", 3)
    VALIDATOR.validate(data)
    text = render_fix(plan, color=False, calls="3 calls")
    long = [line for line in text.splitlines() if len(line) > 80 and "https://" not in line]
    assert not long, long
    return data


@pytest.fixture
def shop() -> World:
    """prod serves an older deployment: two routes undeployed, one deleted but live, an auth change pending."""
    api = rest_api(
        stages={"prod": ["GET /pets", "DELETE /old"], "dev": ["GET /pets", "GET /pets/{id}"]},
        working=["GET /pets iam", "GET /pets/{id}", "POST /orders"],
        canary={"prod": (10.0, ["GET /pets", "DELETE /old"])},
    )
    return world(
        api,
        domain("api.example.com", ("v1", "abc123", "prod"), ("", "abc123", None), ("beta", "abc123", "dev")),
        domain("other.example.com", ("v1", "zzz999", "prod")),
    )


USAGE = UsagePlanFacts(
    plans=(
        ("up1", "gold", (("abc123", "prod"), ("abc123", "dev"))),
        ("up2", "dev-only", (("abc123", "dev"),)),
        ("up3", "others", (("zzz999", "prod"),)),
    )
)


def test_not_deployed_plans_a_redeploy_with_everything_it_publishes(shop: World) -> None:
    plan = _plan(shop, "GET", f"{HOST}/prod/pets/1", USAGE)
    assert plan.verdict == "NOT_DEPLOYED" and plan.side == "api"
    assert [c.operation for c in plan.calls] == ["create-deployment"]
    call = plan.calls[0]
    assert call.writes and not call.changes_api_resources and "--stage-name prod" in call.command
    b = plan.blast
    assert [(s.stage, s.change, s.deployment_before, s.deployment_after) for s in b.stages] == [
        ("prod", "redeploy", "d-prod", None)
    ]
    assert {(m.domain, m.base_path, m.stage) for m in b.mappings} == {
        ("api.example.com", "v1", "prod"),
        ("api.example.com", "", None),
    }
    assert [(u.id, u.stage) for u in b.usage_plans] == [("up1", "prod")]
    assert [(c.stage, c.deployment_id, c.percent) for c in b.canary] == [("prod", "c-prod", 10.0)]
    assert set(b.routes_appear) == {"GET /pets/{id}", "POST /orders"}
    assert b.routes_disappear == ("DELETE /old",)
    assert len(b.changes_going_live) == 1 and "GET /pets" in b.changes_going_live[0]
    assert any(CREATE_DEPLOYMENT_QUOTA in n for n in plan.notes)
    assert exit_code(plan) == 1
    data = _checked(plan)
    assert data["side"] == "api" and data["corrected_request"] is None


def test_client_side_causes_give_the_corrected_request_and_no_call(shop: World) -> None:
    for url, verdict in ((f"{HOST}/pets", "STAGE_MISSING"), (f"{HOST}/prod/pest", "RESOURCE_NOT_FOUND")):
        plan = _plan(shop, "GET", url, USAGE)
        assert plan.verdict == verdict and plan.side == "client"
        assert plan.calls == () and plan.blast.stages == () and plan.blast.routes_appear == ()
        assert plan.corrected_url is not None and plan.corrected_curl is not None
        assert any("client's side" in n for n in plan.notes)
        data = _checked(plan)
        assert data["calls"] == [] and data["exit_code"] == 1


def test_iam_unsigned_is_a_signed_request() -> None:
    w = world(rest_api(stages={"prod": ["DELETE /pets/{id} iam"]}))
    plan = _plan(w, "DELETE", f"{HOST}/prod/pets/1")
    assert plan.verdict == "IAM_UNSIGNED" and plan.side == "client" and plan.calls == ()
    assert plan.corrected_curl is not None and "--aws-sigv4" in plan.corrected_curl


def test_a_working_request_needs_nothing(shop: World) -> None:
    plan = _plan(shop, "GET", f"{HOST}/prod/pets")
    assert plan.works and plan.side == "none" and exit_code(plan) == 0
    assert "nothing to fix" in render_fix(plan)
    assert _checked(plan)["exit_code"] == 0


def test_method_not_defined_is_the_client_unless_the_api_change_is_asked_for() -> None:
    w = world(rest_api(stages={"prod": ["POST /orders"]}))
    client = _plan(w, "GET", f"{HOST}/prod/orders")
    assert client.verdict == "METHOD_NOT_DEFINED" and client.side == "client" and client.calls == ()
    assert any("--side api" in n for n in client.notes)
    api = _plan(w, "GET", f"{HOST}/prod/orders", want="api")
    assert api.side == "api"
    ops = [(c.operation, c.changes_api_resources) for c in api.calls if c.operation]
    assert ("put-method", True) in ops and ("put-integration", True) in ops
    assert ops[-1] == ("create-deployment", False)
    assert any("GET /orders" in r for r in api.blast.routes_appear)
    assert any("--allow-api-changes" in n for n in api.notes)
    _checked(api)


def test_proxy_parent_adds_a_root_method() -> None:
    w = world(rest_api(stages={"prod": ["ANY /{proxy+}"]}))
    plan = _plan(w, "GET", f"{HOST}/prod/")
    assert plan.verdict == "PROXY_PARENT_NOT_COVERED" and plan.side == "api"
    assert any(c.changes_api_resources for c in plan.calls)
    assert plan.calls[-1].operation == "create-deployment"
    _checked(plan)


def test_repointing_a_stage_diffs_the_two_deployments() -> None:
    api = rest_api(
        stages={"prod": ["GET /pets", "DELETE /old"], "dev": ["GET /pets"]},
        extra_deployments={"d-new": ["GET /pets key", "GET /pets/{id}"]},
    )
    calls = (planned_call(point_stage(api, "prod", "d-new")),)
    assert calls[0].operation == "update-stage" and calls[0].writes and not calls[0].changes_api_resources
    b = blast_radius(api, world(api), calls, None)
    assert [(s.stage, s.change, s.deployment_after) for s in b.stages] == [("prod", "repoint", "d-new")]
    assert b.routes_appear == ("GET /pets/{id}",) and b.routes_disappear == ("DELETE /old",)
    assert len(b.changes_going_live) == 1


def test_repointing_names_the_stages_already_on_the_target() -> None:
    api = rest_api(stages={"prod": ["GET /pets"], "dev": ["GET /pets", "GET /x"]})
    b = blast_radius(api, world(api), (planned_call(point_stage(api, "prod", "d-dev")),), None)
    assert b.stages[0].sharing == ("dev",) and b.routes_appear == ("GET /x",)


def test_http_api_redeploy() -> None:
    w = world(http_api(stages={"prod": ["GET /pets"]}, working=["GET /pets", "GET /toys"]))
    plan = _plan(w, "GET", "https://h1.execute-api.us-east-1.amazonaws.com/prod/toys")
    assert plan.side == "api", plan.verdict
    assert plan.calls and plan.calls[0].service == "apigatewayv2"
    assert "GET /toys" in plan.blast.routes_appear


def test_usage_plans_unknown_becomes_a_note(shop: World) -> None:
    facts = UsagePlanFacts(note="Usage plans could not be read (AccessDeniedException ...)")
    plan = _plan(shop, "GET", f"{HOST}/prod/pets/1", facts)
    assert plan.blast.usage_plans == () and facts.note in plan.notes


def test_shell_lines_and_reads_are_classified() -> None:
    setter = planned_call("URI=$(aws apigateway get-integration --rest-api-id a --query uri --output text)")
    assert setter.operation == "get-integration" and not setter.writes
    other = planned_call("echo hello")
    assert other.operation is None and not other.writes


@pytest.mark.parametrize(
    ("tags", "name", "managed", "needle"),
    [
        (
            (("aws:cloudformation:stack-name", "shop"), ("aws:cloudformation:logical-id", "ShopApi")),
            "shop",
            "cloudformation",
            "ShopApiDeployment",
        ),
        ((("lambda:createdBy", "SAM"), ("aws:cloudformation:stack-name", "shop")), "shop", "sam", "AlwaysDeploy"),
        ((("ManagedBy", "Terraform"),), "shop", "terraform", "create_before_destroy"),
        ((("tf:module", "api"),), "shop", "terraform", "triggers"),
        ((), "tf-shop", "terraform", "redeployment"),
        ((("team", "pets"),), "shop", None, None),
    ],
)
def test_iac_detection(tags: tuple[tuple[str, str], ...], name: str, managed: str | None, needle: str | None) -> None:
    iac = detect_iac(rest_api(tags=tags, name=name))
    assert iac.managed_by == managed
    if needle is None:
        assert iac.patch is None and iac.evidence == ()
    else:
        assert iac.patch is not None and needle in iac.patch.text and iac.evidence


def test_iac_managed_api_puts_the_patch_first(shop: World) -> None:
    api = rest_api(
        stages={"prod": ["GET /pets"]},
        working=["GET /pets", "GET /toys"],
        tags=(("aws:cloudformation:stack-name", "shop"),),
    )
    w = world(api)
    plan = _plan(w, "GET", f"{HOST}/prod/toys")
    assert plan.iac is not None and plan.iac.managed_by == "cloudformation"
    assert any("reverted by its next deploy" in n for n in plan.notes)
    text = render_fix(plan)
    assert text.index("Primary fix") < text.index("create-deployment")
    assert _checked(plan)["iac"] == {
        "managed_by": "cloudformation",
        "evidence": ["aws:cloudformation:stack-name=shop"],
        "patch": report(plan, "t")["iac"]["patch"],  # type: ignore[index]
    }


def test_schema_and_tool_agree_on_required_keys(shop: World) -> None:
    data = report(_plan(shop, "GET", f"{HOST}/prod/pets/1", USAGE), "test")
    assert set(SCHEMA["required"]) == set(data)


def test_canary_only_plan_names_the_stage_and_its_canary() -> None:
    w = world(rest_api(stages={"prod": ["GET /pets"]}, canary={"prod": (20.0, ["GET /pets", "GET /toys"])}))
    plan = _plan(w, "GET", f"{HOST}/prod/toys")
    assert plan.verdict == "CANARY_ONLY" and plan.side == "api"
    assert [c.operation for c in plan.calls][-1] == "update-stage"
    assert "prod" in {s.stage for s in plan.blast.stages}
    assert [(c.stage, c.percent) for c in plan.blast.canary] == [("prod", 20.0)]
    _checked(plan)
