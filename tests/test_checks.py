"""Each check: a bad World gives its finding (with location and fix), a good one gives none."""

from __future__ import annotations

from dataclasses import replace

import pytest

from apigw_doctor.checks import CHECKS, METAS, Check, CheckInput, CheckMeta, run_checks
from apigw_doctor.model import GatewayResponse, Origin, Stage, World
from builders import domain, http_api, rest_api, world


def ids(w: World, refused: tuple[tuple[str, Origin], ...] = ()) -> list[str]:
    return [f.check_id for f in run_checks(CHECKS, CheckInput(world=w, refused=refused))]


def sourced(api, kind: str):  # type: ignore[no-untyped-def]
    return replace(api, source_kind=kind)


CORS = GatewayResponse(type="DEFAULT_4XX", headers=(("Access-Control-Allow-Origin", "'*'"),))

CASES = [
    (
        "APIGW010",
        world(rest_api(stages={"prod": ["ANY /{proxy+}"]})),
        world(rest_api(stages={"prod": ["ANY /", "ANY /{proxy+}"]})),
    ),
    (
        "APIGW011",
        world(rest_api(stages={"prod": ["GET /", "ANY /api/{proxy+}"]})),
        world(rest_api(stages={"prod": ["GET /", "ANY /api", "ANY /api/{proxy+}"]})),
    ),
    (
        "APIGW020",
        world(rest_api(stages={"prod": ["GET /pets", "OPTIONS /pets", "GET /toys"]})),
        world(rest_api(stages={"prod": ["GET /pets", "OPTIONS /pets", "GET /toys", "OPTIONS /toys"]})),
    ),
    (
        "APIGW021",
        world(rest_api(stages={"prod": ["GET /pets", "OPTIONS /pets iam"]})),
        world(rest_api(stages={"prod": ["GET /pets iam", "OPTIONS /pets"]})),
    ),
    (
        "APIGW030",
        world(replace(http_api(stages={"beta": ["GET /x"]}), deployments=(), stages=(Stage(name="beta"),))),
        world(http_api(stages={"beta": ["GET /x"]}, auto_deploy=True)),
    ),
    (
        "APIGW040",
        world(rest_api("abc123", stages={"prod": ["GET /x"]}), domain("api.example.com", ("v1", "abc123", "live"))),
        world(rest_api("abc123", stages={"prod": ["GET /x"]}), domain("api.example.com", ("v1", "abc123", "prod"))),
    ),
    (
        "APIGW041",
        world(rest_api("abc123", stages={"prod": ["GET /x"]}), domain("api.example.com", ("v1", "abc123", None))),
        world(rest_api("abc123", stages={"prod": ["GET /x"]}), domain("api.example.com", ("v1", "abc123", "prod"))),
    ),
    (
        "APIGW050",
        world(sourced(rest_api(stages={"prod": ["GET /x nointegration"]}), "cloudformation")),
        world(sourced(rest_api(stages={"prod": ["GET /x"]}), "cloudformation")),
    ),
    (
        "APIGW070",
        world(sourced(rest_api(stages={"Prod": ["GET /x"], "Stage": ["GET /x"]}), "sam")),
        world(sourced(rest_api(stages={"Prod": ["GET /x"]}), "sam")),
    ),
    (
        "APIGW080",
        world(
            rest_api(
                stages={"prod": ["GET /x"]},
                gateway_responses=[
                    GatewayResponse(
                        type="MISSING_AUTHENTICATION_TOKEN",
                        status=404,
                        templates=(("application/json", '{"error":"nope"}'),),
                    )
                ],
            )
        ),
        world(
            rest_api(
                stages={"prod": ["GET /x"]},
                gateway_responses=[
                    GatewayResponse(
                        type="MISSING_AUTHENTICATION_TOKEN",
                        status=404,
                        templates=(("application/json", '{"message":$context.error.messageString}'),),
                    )
                ],
            )
        ),
    ),
    ("APIGW090", world(rest_api(stages={"prod": ["DELETE /x iam"]})), world(rest_api(stages={"prod": ["DELETE /x"]}))),
]


@pytest.mark.parametrize(("check_id", "bad", "good"), CASES, ids=[c[0] for c in CASES])
def test_bad_finds_and_good_does_not(check_id: str, bad: World, good: World) -> None:
    assert check_id in ids(bad)
    assert check_id not in ids(good)


def test_findings_carry_message_location_fix_and_stable_fingerprint() -> None:
    api = rest_api(stages={"prod": ["ANY /{proxy+}"]})
    proxy = api.resource("/{proxy+}")
    assert proxy is not None
    located = replace(proxy, origin=Origin(source="template.yaml", pointer="/Resources/Proxy", line=12))
    api = replace(api, resources=tuple(located if r is proxy else r for r in api.resources), source_kind="terraform")
    (f,) = [f for f in run_checks(CHECKS, CheckInput(world=world(api))) if f.check_id == "APIGW010"]
    assert f.origin.line == 12 and f.origin.source == "template.yaml"
    assert "403 Missing Authentication Token" in f.message
    assert f.fix is not None and f.fix.language == "terraform" and "root_resource_id" in f.fix.text
    moved = replace(located, origin=Origin(source="template.yaml", pointer="/Resources/Proxy", line=40))
    api2 = replace(api, resources=tuple(moved if r is located else r for r in api.resources))
    (g,) = [g for g in run_checks(CHECKS, CheckInput(world=world(api2))) if g.check_id == "APIGW010"]
    assert g.fingerprint == f.fingerprint


def test_refused_trees_become_findings() -> None:
    origin = Origin(source="api.json", pointer="/paths/~1pets~1{name}", line=7)
    found = run_checks(CHECKS, CheckInput(world=World(), refused=(("two variable siblings under /pets", origin),)))
    assert [(f.check_id, f.origin.line, f.severity) for f in found] == [("APIGW060", 7, "error")]


def test_a_crashing_check_is_a_finding_and_the_others_still_run() -> None:
    def boom(data: CheckInput) -> list:  # type: ignore[type-arg]
        raise RuntimeError("bad luck")

    broken = Check(CheckMeta(id="APIGW999", name="boom", severity="error", summary="s", help="h"), boom)
    found = run_checks((broken, *CHECKS), CheckInput(world=world(rest_api(stages={"prod": ["DELETE /x iam"]}))))
    codes = [f.check_id for f in found]
    assert "APIGW000" in codes and "APIGW090" in codes
    assert any("APIGW999" in f.message and "bad luck" in f.message for f in found)


def test_ids_are_unique_stable_and_well_formed() -> None:
    seen = [m.id for m in METAS]
    assert len(seen) == len(set(seen))
    assert all(len(i) == 8 and i.startswith("APIGW") and i[5:].isdigit() for i in seen)
    assert all(m.severity in ("error", "warning", "info") for m in METAS)
    assert len({m.name for m in METAS}) == len(METAS)


def test_every_rule_is_documented_with_a_bad_and_a_good_example() -> None:
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[1] / "docs" / "checks.md").read_text()
    for meta in METAS:
        assert f"| {meta.id} | {meta.name} | {meta.severity} |" in docs, meta.id
        section = docs.split(f"## {meta.id} {meta.name}", 1)[1].split("\n## ", 1)[0]
        assert "Bad" in section and "Good" in section, meta.id
