"""`drift`: the pure core on builder worlds (every kind, the no-drift case), fixes, renderers, schema, CLI."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from apigw_doctor.drift import BY_KIND, KINDS, DriftReport, StageDrift, compute, diff, http_table, in_time_order
from apigw_doctor.model import Canary, HttpApi, HttpDeployment, RestApi, RestDeployment, Stage, World
from apigw_doctor.render.drift import exit_code, render_drift, report, to_json
from apigw_doctor.sandbox import DemoApi
from builders import http_api, resources, rest_api, routes, world
from clirun import run

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "src/apigw_doctor/data/drift.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
PETS = ["GET /pets", "GET /pets/{id}"]


def only(r: DriftReport, stage: str = "prod") -> StageDrift:
    (found,) = [s for s in r.stages if s.stage == stage]
    return found


def kinds(s: StageDrift) -> list[tuple[str, str | None]]:
    return [(i.kind, i.route) for i in s.items]


def with_created(api: RestApi, **created: str) -> RestApi:
    return replace(
        api, deployments=tuple(replace(d, created=created.get(d.id.replace("-", "_"))) for d in api.deployments)
    )


# -- the kinds ---------------------------------------------------------------------------------------------
def test_no_drift() -> None:
    r = compute(world(rest_api("abc123", stages={"prod": PETS})))
    s = only(r)
    assert not r.drift and s.items == () and s.fixes == ()
    assert exit_code(r) == 0
    assert "✓ no drift" in render_drift(r) and "No drift in 1 stage." in render_drift(r)


def test_undeployed_route_and_the_exact_fix() -> None:
    r = compute(world(rest_api("abc123", stages={"prod": PETS}, working=[*PETS, "GET /pets/{id}/photos"])))
    s = only(r)
    assert kinds(s) == [("UNDEPLOYED_ROUTE", "GET /pets/{id}/photos")]
    assert "answers 403 Missing Authentication Token" in s.items[0].message
    assert [f.commands for f in s.fixes] == [
        (
            "aws apigateway create-deployment --rest-api-id abc123 --stage-name prod "
            "--description 'apigw-doctor: deploy the working copy' --region us-east-1",
        )
    ]
    assert exit_code(r) == 1


def test_deleted_but_live() -> None:
    r = compute(world(rest_api("abc123", stages={"prod": [*PETS, "DELETE /pets/{id}"]}, working=PETS)))
    assert kinds(only(r)) == [("DELETED_BUT_LIVE", "DELETE /pets/{id}")]
    assert "still serves it (deployment d-prod)" in only(r).items[0].message


def test_auth_and_api_key_changes_not_yet_live() -> None:
    r = compute(world(rest_api("abc123", stages={"prod": PETS}, working=["GET /pets key", "GET /pets/{id} iam"])))
    s = only(r)
    assert kinds(s) == [("AUTH_CHANGED", "GET /pets/{id}"), ("API_KEY_CHANGED", "GET /pets")]
    auth, key = s.items
    assert (auth.live, auth.pending) == ("NONE", "AWS_IAM")
    assert (key.live, key.pending) == ("false", "true")
    assert s.fixes[0].commands[0].startswith("aws apigateway create-deployment --rest-api-id abc123 --stage-name prod")


def test_any_is_a_method_like_the_others() -> None:
    r = compute(world(rest_api("abc123", stages={"prod": ["GET /app/{proxy+}"]}, working=["ANY /app/{proxy+}"])))
    assert kinds(only(r)) == [("UNDEPLOYED_ROUTE", "ANY /app/{proxy+}"), ("DELETED_BUT_LIVE", "GET /app/{proxy+}")]


def test_newer_deployment_by_created_date_and_the_update_stage_fix() -> None:
    api = rest_api("abc123", stages={"prod": PETS}, extra_deployments={"d2": [*PETS, "GET /toys iam"]})
    # listed newest first, as a source may list them: the created dates decide
    api = replace(api, deployments=tuple(reversed(api.deployments)), resources=resources(PETS))
    api = with_created(api, d_prod="2026-11-01T10:00:00Z", d2="2026-11-02T10:00:00+00:00")
    s = only(compute(world(api)))
    assert kinds(s) == [("NEWER_DEPLOYMENT", None)]
    item = s.items[0]
    assert item.deployment_id == "d2"
    assert (
        item.message == "Deployment d2 (created 2026-11-02T10:00:00+00:00) is newer than d-prod, which 'prod' serves."
    )
    assert item.details == ("+ GET /toys",)
    assert [f.commands for f in s.fixes] == [
        (
            "aws apigateway update-stage --rest-api-id abc123 --stage-name prod --patch-operations "
            "op=replace,path=/deploymentId,value=d2 --region us-east-1",
        )
    ]


def test_newer_deployment_falls_back_to_list_order() -> None:
    api = rest_api("abc123", stages={"prod": PETS}, extra_deployments={"d2": PETS})
    api = with_created(api, d2="2026-11-02T10:00:00Z")  # d-prod has no date: list order decides
    s = only(compute(world(api)))
    assert kinds(s) == [("NEWER_DEPLOYMENT", None)]
    assert s.items[0].details == ("no route or auth changes (integrations and other settings may differ)",)
    api = replace(api, deployments=tuple(reversed(api.deployments)))
    assert only(compute(world(api))).items == ()


def test_in_time_order() -> None:
    a, b, c = (RestDeployment(id=i, created=t) for i, t in (("a", "2026-01-03"), ("b", "2026-01-01"), ("c", None)))
    assert [d.id for d in in_time_order([a, b])] == ["b", "a"]
    assert [d.id for d in in_time_order([a, b, c])] == ["a", "b", "c"]


def test_newer_deployment_and_undeployed_routes_offer_both_fixes() -> None:
    working = [*PETS, "GET /toys"]
    api = rest_api("abc123", stages={"prod": PETS}, working=working, extra_deployments={"d2": working})
    s = only(compute(world(api)))
    assert kinds(s) == [("UNDEPLOYED_ROUTE", "GET /toys"), ("NEWER_DEPLOYMENT", None)]
    assert [f.summary for f in s.fixes] == [
        "Deploy the working copy to 'prod' (this publishes every pending change of the API, not only these routes).",
        "Point 'prod' at the newer deployment d2 (it has the working copy's routes).",
    ]


def test_canary_differs() -> None:
    api = rest_api("abc123", stages={"prod": PETS}, canary={"prod": (10.0, ["GET /pets", "GET /pets/{id} iam"])})
    api = replace(api, resources=resources(PETS))
    s = only(compute(world(api)))
    assert ("CANARY_DIFFERS", "GET /pets/{id}") in kinds(s)
    canary = [i for i in s.items if i.kind == "CANARY_DIFFERS"]
    assert [(i.live, i.pending, i.deployment_id) for i in canary] == [("NONE", "AWS_IAM", "c-prod")]
    assert "about 10% of requests" in canary[0].message
    assert (s.canary_deployment_id, s.canary_percent) == ("c-prod", 10.0)
    assert [f.commands[0] for f in s.fixes] == [
        "aws apigateway update-stage --rest-api-id abc123 --stage-name prod --patch-operations "
        "op=replace,path=/canarySettings/percentTraffic,value=0.0 "
        "op=copy,from=/canarySettings/deploymentId,path=/deploymentId --region us-east-1",
        "aws apigateway update-stage --rest-api-id abc123 --stage-name prod --patch-operations "
        "op=remove,path=/canarySettings --region us-east-1",
    ]


def test_canary_only_routes_either_way() -> None:
    api = rest_api("abc123", stages={"prod": PETS}, canary={"prod": (25.0, ["GET /pets", "GET /toys"])})
    api = replace(api, resources=resources(PETS))
    canary = [i for i in only(compute(world(api))).items if i.kind == "CANARY_DIFFERS"]
    assert [i.route for i in canary] == ["GET /pets/{id}", "GET /toys"]
    assert "not in the canary deployment c-prod: about 25% of requests" in canary[0].message
    assert "only in the canary deployment c-prod: about 25% of requests reach it, the other 75%" in canary[1].message


def test_http_non_auto_deploy_stage_lacks_current_routes() -> None:
    r = compute(world(http_api("h1", stages={"$default": ["GET /pets"]}, working=["GET /pets", "POST /pets"])))
    s = only(r, "$default")
    assert kinds(s) == [("UNDEPLOYED_ROUTE", "POST /pets")]
    assert "404 Not Found" in s.items[0].message
    assert s.fixes[0].commands == (
        "aws apigatewayv2 create-deployment --api-id h1 --stage-name '$default' "
        "--description 'apigw-doctor: deploy the current routes' --region us-east-1",
    )


def test_http_auto_deploy_stage_serves_the_current_routes() -> None:
    api = http_api("h1", stages={"$default": ["GET /pets"]}, working=["GET /pets", "POST /pets"], auto_deploy=True)
    assert only(compute(world(api)), "$default").items == ()


def test_http_auto_deploy_failed() -> None:
    api = http_api("h1", stages={"$default": ["GET /pets"]}, working=["GET /pets", "POST /pets"], auto_deploy=True)
    failed = replace(api.stages[0], last_deployment_status="Deployment failed: Integration not found.")
    s = only(compute(world(replace(api, stages=(failed,)))), "$default")
    assert kinds(s) == [("AUTO_DEPLOY_FAILED", None), ("UNDEPLOYED_ROUTE", "POST /pets")]
    assert s.items[0].message == (
        "The last auto-deploy of '$default' failed (Deployment failed: Integration not found); the stage keeps "
        "serving deployment d-default."
    )
    assert s.fixes[0].commands == (
        "aws apigatewayv2 get-stage --api-id h1 --stage-name '$default' --query LastDeploymentStatusMessage "
        "--region us-east-1",
    )


def test_http_newer_deployment() -> None:
    api = http_api("h1", stages={"prod": ["GET /pets"]}, working=["GET /pets", "POST /pets"])
    api = replace(
        api, deployments=(*api.deployments, HttpDeployment(id="d9", routes=routes(["GET /pets", "POST /pets"])))
    )
    s = only(compute(world(api)))
    assert kinds(s) == [("UNDEPLOYED_ROUTE", "POST /pets"), ("NEWER_DEPLOYMENT", None)]
    assert s.fixes[1].commands == (
        "aws apigatewayv2 update-stage --api-id h1 --stage-name prod --deployment-id d9 --region us-east-1",
    )


def test_http_default_route_key() -> None:
    table = http_table(routes(["$default", "GET /pets"]))
    assert sorted(table) == ["$default", "GET /pets"]


def test_no_deployment() -> None:
    api = HttpApi(id="h1", routes=routes(["GET /pets"]), stages=(Stage(name="prod"),))
    s = only(compute(World(apis=(api,))))
    assert kinds(s) == [("NO_DEPLOYMENT", None), ("UNDEPLOYED_ROUTE", "GET /pets")]
    assert s.fixes[0].commands[0].startswith("aws apigatewayv2 create-deployment --api-id h1 --stage-name prod")


@pytest.mark.parametrize("where", ["rest", "http", "missing", "canary"])
def test_snapshot_unknown_says_so_instead_of_guessing(where: str) -> None:
    if where == "rest":
        api: RestApi | HttpApi = replace(rest_api(), deployments=(RestDeployment(id="d-prod"),))
    elif where == "http":
        api = replace(http_api(stages={"prod": ["GET /pets"]}), deployments=(HttpDeployment(id="d-prod"),))
    elif where == "missing":
        api = replace(rest_api(), deployments=())
    else:
        base = rest_api()
        api = replace(base, stages=(replace(base.stages[0], canary=Canary(percent=5, deployment_id="c1")),))
        api = replace(api, deployments=(RestDeployment(id="c1"), *api.deployments))
    r = compute(world(api))
    unknown = [i for i in only(r).items if i.kind == "SNAPSHOT_UNKNOWN"]
    assert len(unknown) == 1 and not unknown[0].drift
    assert "the deployment's routes are not available" in unknown[0].message
    assert unknown[0].details[0] == "see them with:"
    assert unknown[0].details[1].startswith("aws apigateway" if where != "http" else "aws apigatewayv2 export-api")
    assert not r.drift and exit_code(r) == 0
    assert "could not be compared fully (SNAPSHOT_UNKNOWN)" in render_drift(r)


def test_requested_ids_that_do_not_exist_are_reported() -> None:
    r = compute(world(rest_api("abc123")), ["abc123", "nope", "abc123"])
    assert r.missing == ("nope",) and [a.api_id for a in r.apis] == ["abc123"]


def test_stages_unknown_and_no_stages_are_notes() -> None:
    r = compute(world(replace(rest_api(), stages_known=False), replace(http_api(), stages=())))
    assert [a.notes for a in r.apis] == [
        ("The source does not say which stages exist: nothing to compare.",),
        ("The API has no stages: nothing of it is deployed.",),
    ]
    assert not r.drift


def test_diff_lines() -> None:
    a = http_table(routes(["GET /a", "GET /b"]))
    b = http_table(routes(["GET /b jwt", "GET /c"]))
    assert [c.line() for c in diff(a, b)] == ["- GET /a", "~ GET /b: authorization NONE -> JWT", "+ GET /c"]


# -- kinds, docs, schema -----------------------------------------------------------------------------------
def test_kinds_are_unique_documented_and_in_the_schema() -> None:
    ids = [k.id for k in KINDS]
    assert len(ids) == len(set(ids)) == len(BY_KIND)
    assert SCHEMA["$defs"]["kind"]["enum"] == ids
    docs = (ROOT / "docs/drift.md").read_text()
    for kind in ids:
        assert f"`{kind}`" in docs, kind
    assert [k.id for k in KINDS if not k.drift] == ["SNAPSHOT_UNKNOWN"]


def _everything() -> World:
    failed = http_api("h1", stages={"$default": ["GET /pets"]}, working=["GET /pets", "POST /pets"], auto_deploy=True)
    failed = replace(failed, stages=(replace(failed.stages[0], last_deployment_status="Deployment failed"),))
    return world(
        rest_api(
            "abc123",
            name="pets",
            stages={"prod": ["GET /pets", "GET /pets/{id} iam", "DELETE /pets/{id}"], "dev": [*PETS, "GET /toys"]},
            working=["GET /pets key", "GET /pets/{id}", "GET /toys", "ANY /pets/{id}/photos"],
            canary={"prod": (10.0, [*PETS, "GET /toys"])},
        ),
        failed,
        replace(http_api("h2"), deployments=(HttpDeployment(id="d-default"),)),
    )


SCENARIOS = {
    "everything": _everything,
    "none": lambda: world(rest_api("abc123", stages={"prod": PETS})),
    "empty": lambda: World(),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_json_is_schema_valid(name: str) -> None:
    r = compute(SCENARIOS[name]())
    doc = json.loads(to_json(r, "test"))
    VALIDATOR.validate(doc)
    assert doc["schema"] == 1 and doc["exit_code"] == exit_code(r) and doc == report(r, "test")


def test_schema_is_a_valid_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


# -- text --------------------------------------------------------------------------------------------------
GOLDEN = """\
API abc123 "api-abc123" (REST, us-east-1)
  stage 'prod': deployment d-prod
    ✗ UNDEPLOYED_ROUTE GET /pets/{id}/photos is in the working copy but not
      deployed on 'prod': it answers 403 Missing Authentication Token.
    ✗ AUTH_CHANGED GET /pets: authorization is NONE on 'prod' but AWS_IAM in the
      working copy (not live yet).
    Fix: Deploy the working copy to 'prod' (this publishes every pending change
      of the API, not only these routes).
      {DEPLOY}

Drift: 1 of 1 stage (2 differences).
""".replace(
    "{DEPLOY}",
    "aws apigateway create-deployment --rest-api-id abc123 --stage-name prod "
    "--description 'apigw-doctor: deploy the working copy' --region us-east-1",
)


def test_text_golden() -> None:
    api = rest_api(
        "abc123", stages={"prod": PETS}, working=["GET /pets iam", "GET /pets/{id}", "GET /pets/{id}/photos"]
    )
    assert render_drift(compute(world(api))) == GOLDEN


def test_text_is_80_columns_and_colour_only_when_asked() -> None:
    r = compute(_everything())
    text = render_drift(r)
    assert "\033[" not in text
    for line in text.splitlines():
        if not line.lstrip().startswith("aws "):
            assert len(line) <= 80, line
    coloured = render_drift(r, color=True)
    assert "\033[31;1m✗\033[0m" in coloured
    assert re.sub(r"\033\[[0-9;]*m", "", coloured) == text


def test_the_docs_example_is_real_output() -> None:
    working = ["GET /pets iam", "GET /pets/{id}", "GET /pets/{id}/photos"]
    api = rest_api("abc123", name="pets", stages={"prod": PETS, "dev": working}, working=working)
    d_prod, d_dev = api.deployments
    api = replace(
        api,
        deployments=(
            replace(d_prod, created="2026-11-01T10:00:00Z"),
            replace(d_dev, id="d2", created="2026-11-02T10:00:00Z"),
        ),
        stages=(api.stages[0], replace(api.stages[1], deployment_id="d2")),
    )
    docs = (ROOT / "docs/drift.md").read_text()
    start = docs.index("$ apigw-doctor drift --api abc123\n") + len("$ apigw-doctor drift --api abc123\n")
    assert render_drift(compute(world(api))) == docs[start : docs.index("```", start)]


def test_a_stage_with_a_canary_deploys_through_it() -> None:
    api = rest_api("abc123", stages={"prod": PETS}, working=[*PETS, "GET /toys"], canary={"prod": (10.0, PETS)})
    api = replace(api, deployments=tuple(reversed(api.deployments)))  # the canary's deployment is the older one
    s = only(compute(world(api)))
    assert kinds(s) == [("UNDEPLOYED_ROUTE", "GET /toys")]
    assert s.fixes[0].commands == (
        "aws apigateway create-deployment --rest-api-id abc123 --stage-name prod --canary-settings percentTraffic=10 "
        "--description 'apigw-doctor: deploy the working copy' --region us-east-1",
        "aws apigateway update-stage --rest-api-id abc123 --stage-name prod --patch-operations "
        "op=replace,path=/canarySettings/percentTraffic,value=0.0 "
        "op=copy,from=/canarySettings/deploymentId,path=/deploymentId --region us-east-1",
    )


def test_a_stage_with_a_canary_is_not_repointed_directly() -> None:
    api = rest_api("abc123", stages={"prod": PETS}, canary={"prod": (10.0, PETS)}, extra_deployments={"d9": PETS})
    s = only(compute(world(api)))
    assert kinds(s) == [("NEWER_DEPLOYMENT", None)]
    assert s.fixes[0].commands == (
        "aws apigateway update-stage --rest-api-id abc123 --stage-name prod --patch-operations "
        "op=remove,path=/canarySettings --region us-east-1",
        "aws apigateway update-stage --rest-api-id abc123 --stage-name prod --patch-operations "
        "op=replace,path=/deploymentId,value=d9 --region us-east-1",
    )


# -- the command, end to end against the sandbox (moto's server, seeded through boto3) ---------------------
@pytest.fixture
def demo(sandbox_cli: DemoApi) -> DemoApi:
    return sandbox_cli


def test_cli_drift_on_the_sandbox(demo: DemoApi) -> None:
    code, out, err = run("drift", "--api", demo.api_id, "--color", "never")
    assert code == 1, err
    prod, dev = demo.deployment_of("prod"), demo.deployment_of("dev")
    assert f"stage 'prod': deployment {prod}" in out and f"stage 'dev': deployment {dev}" in out
    assert "✗ UNDEPLOYED_ROUTE GET /pets/{petId}/vaccinations is in the working copy but" in out
    assert "✗ UNDEPLOYED_ROUTE GET /pets/{petId}/photos is in the working copy but not\n      deployed on 'prod'" in out
    assert f"is newer than {prod}, which 'prod' serves." in out
    for stage in ("prod", "dev"):
        assert (
            f"      aws apigateway create-deployment --rest-api-id {demo.api_id} --stage-name {stage} "
            f"--description 'apigw-doctor: deploy the working copy' --region {demo.region}\n"
        ) in out
    assert "SNAPSHOT_UNKNOWN" not in out  # the sandbox serves apiSummary
    assert "\033[" not in out


def test_cli_drift_json_on_the_sandbox(demo: DemoApi) -> None:
    code, out, err = run("drift", "--all", "--format", "json")
    assert code == 1, err
    doc = json.loads(out)
    VALIDATOR.validate(doc)
    by_id = {a["api_id"]: a for a in doc["apis"]}
    assert set(by_id) == {demo.api_id, demo.proxy_api_id, demo.http_api_id}
    assert by_id[demo.api_id]["drift"] and not by_id[demo.proxy_api_id]["drift"]
    assert not by_id[demo.http_api_id]["drift"]  # auto-deploy


def test_cli_drift_exit_0_without_drift(demo: DemoApi, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run("drift", "--api", demo.proxy_api_id, "--api", demo.http_api_id)
    assert (code, err) == (0, "")
    assert out.endswith("No drift in 2 stages.\n") and "\033[" not in out
    code, out, _ = run("drift", "--api", demo.proxy_api_id, "--color", "always")
    assert code == 0 and "\033[32m✓ no drift\033[0m" in out
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in run("drift", "--api", demo.proxy_api_id)[1]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ((), "give --api ID (repeatable) or --all"),
        (("--api", "petstore01", "--all"), "--api and --all exclude each other"),
        (("--api", "nope000000"), "nope000000"),
        (("--api", "petstore01", "--format", "yaml"), "invalid choice"),
    ],
)
def test_cli_drift_bad_input_exits_2(demo: DemoApi, argv: tuple[str, ...], message: str) -> None:
    code, out, err = run("drift", *argv)
    assert code == 2 and out == ""
    assert err.startswith("apigw-doctor: error: ") and message in err and err.count("\n") == 1
