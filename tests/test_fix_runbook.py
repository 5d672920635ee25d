"""`fix --runbook`: the Markdown incident record (render/runbook.py), against golden files.

UPDATE_GOLDEN=1 rewrites tests/golden/runbook_*.md. The headings are parsed (outside fenced blocks) to check that
every section is there, in order.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from apigw_doctor.actions import ApplyResult, ProbeResult, RollbackResult
from apigw_doctor.actions.apply import StepResult, Verification
from apigw_doctor.actions.rollback import Undo
from apigw_doctor.checks.catalogue import METAS
from apigw_doctor.diagnosis import BY_CODE, Diagnosis, diagnose
from apigw_doctor.fix import Plan, build_plan
from apigw_doctor.fix.changes import ChangeSet, Refusal, change_set
from apigw_doctor.gateway import Request
from apigw_doctor.model import World
from apigw_doctor.render.runbook import HTTP_PREVENTION, PREVENTION, _block, _code, _md, render_runbook
from builders import domain, http_api, rest_api, world

GOLDEN = Path(__file__).parent / "golden"
NOW = datetime(2026, 11, 22, 5, 1, 2, tzinfo=UTC)
TOOL = "apigw-doctor 0.1.0"
HOST = "https://abc123.execute-api.us-east-1.amazonaws.com"
SECTIONS = ["Symptom", "The walk", "Cause", "Change", "Verification", "Rollback", "Prevention"]
BACKUP = "/srv/fixes/apigw-doctor-backup-abc123-prod-20261122T050102Z.json"


def _shop() -> World:
    api = rest_api(
        stages={"prod": ["GET /pets", "GET /pets/{id}"]},
        working=["GET /pets", "GET /pets/{id}", "GET /pets/{id}/photos", "POST /orders"],
    )
    return world(api, domain("api.example.com", ("v1", "abc123", "prod")))


def _fix(w: World, url: str, want: str = "auto") -> tuple[Diagnosis, Plan, ChangeSet | Refusal]:
    d = diagnose(Request.from_url("GET", url), w)
    plan = build_plan(d, w, None, want)
    return d, plan, change_set(plan, d, w)


def _redeploy() -> tuple[Diagnosis, Plan, ChangeSet]:
    d, plan, changes = _fix(_shop(), f"{HOST}/prod/pets/7/photos")
    assert d.verdict == "NOT_DEPLOYED" and isinstance(changes, ChangeSet)
    return d, plan, changes


def _steps(changes: ChangeSet) -> tuple[StepResult, ...]:
    return (
        StepResult(
            operation="CreateDeployment", purpose=changes.steps[0].purpose, status="done", detail="deployment id dep9"
        ),
        StepResult(operation="UpdateStage", purpose=changes.steps[1].purpose, status="done"),
    )


def _scenario(name: str) -> str:
    if name == "dry_run":
        d, plan, changes = _redeploy()
        return render_runbook(d, plan, changes, None, now=NOW, tool=TOOL)
    if name == "fixed":
        d, plan, changes = _redeploy()
        url = f"{HOST}/prod/pets/7/photos"
        result = ApplyResult(
            result="FIXED",
            backup=BACKUP,
            changes=changes,
            steps=_steps(changes),
            verification=Verification(
                stage_ok=True,
                stage_detail="stage 'prod' serves deployment dep9",
                verdict="MATCHED",
                probe=ProbeResult(url=url, status=200, body='{"photos": []}'),
            ),
        )
        return render_runbook(d, plan, changes, result, now=NOW, tool=TOOL)
    if name == "rolled_back":
        d, plan, changes = _redeploy()
        result = ApplyResult(
            result="ROLLED BACK",
            backup=BACKUP,
            changes=changes,
            steps=_steps(changes),
            verification=Verification(
                stage_ok=True,
                stage_detail="stage 'prod' serves deployment dep9",
                verdict="NOT_DEPLOYED",
                still_failing="NOT_DEPLOYED",
                message="GET /pets/{id}/photos is still not in deployment dep9",
            ),
            rollback=RollbackResult(
                result="ROLLED BACK",
                undone=(Undo(operation="UpdateStage", detail="point stage 'prod' back at deployment d-prod"),),
                kept=(
                    "deployment dep9, created by the fix, is kept (nothing serves it); to delete it: "
                    "aws apigateway delete-deployment --rest-api-id abc123 --deployment-id dep9 --region us-east-1",
                ),
            ),
            reason="the request still fails for the same cause (NOT_DEPLOYED)",
        )
        return render_runbook(d, plan, changes, result, now=NOW, tool=TOOL)
    if name == "client_side":
        d, plan, changes = _fix(_shop(), f"{HOST}/prod/pest")
        assert plan.side == "client" and isinstance(changes, Refusal)
        return render_runbook(d, plan, changes, None, now=NOW, tool=TOOL)
    raise AssertionError(name)


SCENARIOS = ("dry_run", "fixed", "rolled_back", "client_side")


def headings(markdown: str) -> list[tuple[int, str]]:
    """(level, text) of every ATX heading outside fenced code blocks."""
    found: list[tuple[int, str]] = []
    fence: str | None = None
    for line in markdown.splitlines():
        opened = re.match(r"^(`{3,}|~{3,})", line)
        if fence is not None:
            if opened and line.strip() == fence[0] * len(opened[1]) and len(opened[1]) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened[1]
            continue
        m = re.match(r"^(#{1,6}) +(.*?) *#* *$", line)
        if m:
            found.append((len(m[1]), m[2]))
    assert fence is None, "a fenced block is never closed"
    return found


@pytest.mark.parametrize("name", SCENARIOS)
def test_runbook_golden(name: str) -> None:
    text = _scenario(name)
    path = GOLDEN / f"runbook_{name}.md"
    if os.environ.get("UPDATE_GOLDEN") or not path.exists():
        path.write_text(text)
    assert text == path.read_text()


@pytest.mark.parametrize("name", SCENARIOS)
def test_runbook_has_every_section_in_order(name: str) -> None:
    found = headings(_scenario(name))
    assert found[0][0] == 1 and found[0][1].startswith("Incident: ")
    assert [t for level, t in found if level == 2] == SECTIONS


def test_dry_run_proposes_the_calls_and_their_undo() -> None:
    text = _scenario("dry_run")
    changes = _redeploy()[2]
    assert "**Proposed**, not applied" in text
    for step in changes.steps:
        assert step.cli("us-east-1") in text
    assert "apigw-doctor fix https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets/7/photos --apply" in text
    assert "Not applied: nothing was verified" in text
    assert "op=replace,path=/deploymentId,value=d-prod --region us-east-1" in text
    assert '--deployment-id "${DEPLOYMENT_ID}"' in text
    assert "- appears: `GET /pets/{id}/photos`" in text and "- appears: `POST /orders`" in text
    assert "**APIGW001** `deployment-not-redeployed`" in text and "**APIGW002**" in text
    assert "- **Date:** 2026-11-22 05:01 UTC" in text


def test_applied_runbook_gives_the_steps_backup_verification_and_rollback_command() -> None:
    text = _scenario("fixed")
    assert "**FIXED**" in text and "**Made** with `apigw-doctor fix --apply`" in text
    assert "1. `CreateDeployment` **done**" in text and "(deployment id dep9)" in text
    assert f"`{BACKUP}`" in text
    assert "- ✓ diagnosed again: `MATCHED`" in text and "200" in text
    assert f"apigw-doctor rollback {BACKUP}" in text
    rolled = _scenario("rolled_back")
    assert "Rolled back automatically: **ROLLED BACK**" in rolled
    assert "still fails with `NOT_DEPLOYED`" in rolled and "Result: **ROLLED BACK**" in rolled
    assert "delete-deployment" in rolled


def test_client_side_runbook_is_the_corrected_request() -> None:
    text = _scenario("client_side")
    assert "**The request**, not the API" in text and "curl -i" in text
    assert "https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets" in text
    assert "Nothing to roll back" in text
    assert "No `apigw-doctor check` rule catches `RESOURCE_NOT_FOUND`" in text


def test_symptom_gives_status_body_and_error_type() -> None:
    text = _scenario("dry_run")
    assert "HTTP/1.1 403 Forbidden" in text and '{"message":"Missing Authentication Token"}' in text
    assert "x-amzn-ErrorType: MissingAuthenticationTokenException" in text
    assert "```sh\ncurl -i https://abc123.execute-api.us-east-1.amazonaws.com/prod/pets/7/photos\n```" in text
    walk = text.split("## The walk")[1].split("## Cause")[0]
    failing = [line for line in walk.splitlines() if "fails here" in line]
    assert len(failing) == 1 and "✗" in failing[0]


def test_http_not_deployed_points_at_the_auto_deploy_rule() -> None:
    w = world(http_api(stages={"prod": ["GET /pets"]}, working=["GET /pets", "GET /toys"]))
    d, plan, changes = _fix(w, "https://h1.execute-api.us-east-1.amazonaws.com/prod/toys")
    assert d.verdict == "NOT_DEPLOYED"
    text = render_runbook(d, plan, changes, None, now=NOW, tool=TOOL)
    assert "**APIGW030** `http-stage-not-deployed`" in text and "APIGW001" not in text


def test_a_refused_api_change_says_why_and_lists_the_commands() -> None:
    w = world(rest_api(stages={"prod": ["GET /pets"]}))
    d, plan, changes = _fix(w, f"{HOST}/prod/", want="api")
    assert isinstance(changes, Refusal)
    text = render_runbook(d, plan, changes, None, now=NOW, tool=TOOL)
    assert "**Not applied automatically**" in text and "put-method" in text
    assert [t for level, t in headings(text) if level == 2] == SECTIONS


def test_prevention_names_only_real_rules_and_causes() -> None:
    ids = {m.id for m in METAS}
    for table in (PREVENTION, HTTP_PREVENTION):
        for code, (rules, why) in table.items():
            assert code in BY_CODE and rules and why
            assert set(rules) <= ids, (code, rules)


def test_markdown_is_escaped() -> None:
    assert _md("a *b* _c_ `d` <e> [f](g) #h | i & j \\ k -> l") == (
        "a \\*b\\* \\_c\\_ \\`d\\` \\<e> \\[f\\](g) \\#h \\| i \\& j \\\\ k -> l"
    )
    assert _md("1. not a list") == "1\\. not a list" and _md("- nor this") == "\\- nor this"
    assert _md("> nor a quote") == "\\> nor a quote"
    assert _md("two\nlines") == "two lines"
    assert _code("plain") == "`plain`"
    assert _code("a `b` c") == "``a `b` c``"
    assert _code("`x`") == "`` `x` ``"
    assert _block("echo ```", "sh") == ["````sh", "echo ```", "````"]


def prose(markdown: str) -> str:
    """The Markdown without its fenced blocks and code spans."""
    text = re.sub(r"^(`{3,})[^\n]*\n.*?^\1$", "", markdown, flags=re.M | re.S)
    return re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", text)


def test_a_hostile_request_cannot_break_out_of_its_code() -> None:
    w = _shop()
    url = f"{HOST}/prod/pe*t_s/<b>"
    d = diagnose(Request.from_url("GET", url, (("X-Note", "``` # not a heading"),)), w)
    text = render_runbook(d, build_plan(d, w), None, None, now=NOW, tool=TOOL)
    assert [t for level, t in headings(text) if level == 2] == SECTIONS
    assert "```` # not a heading" not in text and "-H 'X-Note: ``` # not a heading'\n````" in text
    rest = prose(text)
    assert re.search(r"(?<!\\)<b>", rest) is None and "\\<b>" in rest
    assert "pe*t" not in rest and "pe\\*t\\_s" in rest
