"""`timeline`: parsing real-shaped CloudTrail events, the pure core, --since, fetching with Stubber, renderers."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import jsonschema
import pytest
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber

from apigw_doctor.errors import InputError
from apigw_doctor.model import RestApi, World
from apigw_doctor.render.timeline import render_timeline, report, to_json, unavailable_json
from apigw_doctor.sandbox import DemoApi
from apigw_doctor.timeline import (
    PAGE_SIZE,
    TrailEvent,
    build,
    category,
    fetch,
    parse_event,
    parse_since,
    unavailable_line,
)
from builders import http_api, rest_api, world
from clirun import run

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "src/apigw_doctor/data/timeline.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
ACCOUNT = "123456789012"

ALICE = {
    "type": "IAMUser",
    "principalId": "AIDAEXAMPLEALICE",
    "arn": f"arn:aws:iam::{ACCOUNT}:user/alice",
    "accountId": ACCOUNT,
    "accessKeyId": "AKIAEXAMPLEALICE",
    "userName": "alice",
}
BOB = {
    "type": "AssumedRole",
    "principalId": "AROAEXAMPLEROLE:bob",
    "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/Deployer/bob",
    "accountId": ACCOUNT,
    "accessKeyId": "ASIAEXAMPLEBOB",
    "sessionContext": {
        "sessionIssuer": {
            "type": "Role",
            "principalId": "AROAEXAMPLEROLE",
            "arn": f"arn:aws:iam::{ACCOUNT}:role/Deployer",
            "accountId": ACCOUNT,
            "userName": "Deployer",
        },
        "attributes": {"creationDate": "2026-11-20T11:58:00Z", "mfaAuthenticated": "false"},
    },
}
CFN = {**BOB, "invokedBy": "cloudformation.amazonaws.com"}


def record(
    name: str,
    when: str,
    req: dict[str, object] | None = None,
    resp: dict[str, object] | None = None,
    *,
    who: dict[str, object] = ALICE,
    error: str | None = None,
    read_only: bool = False,
    event_id: str | None = None,
) -> dict[str, object]:
    """A ``lookup_events`` record, its ``CloudTrailEvent`` shaped as CloudTrail writes API Gateway events."""
    event_id = event_id or f"{name}-{when}"
    detail: dict[str, object] = {
        "eventVersion": "1.09",
        "userIdentity": who,
        "eventTime": when,
        "eventSource": "apigateway.amazonaws.com",
        "eventName": name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "203.0.113.7",
        "userAgent": "aws-cli/2.15.30 md/Botocore#1.34.70",
        "requestParameters": req,
        "responseElements": resp,
        "requestID": "2f0bd3d4-0c1a-4d1f-9b1a-0a8f1c2e3d4b",
        "eventID": event_id,
        "readOnly": read_only,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }
    if error:
        detail["errorCode"] = error
        detail["errorMessage"] = "User is not authorized to perform: apigateway:PUT"
    return {
        "EventId": event_id,
        "EventName": name,
        "ReadOnly": "true" if read_only else "false",
        "AccessKeyId": str(who["accessKeyId"]),
        "EventTime": datetime.fromisoformat(when),
        "EventSource": "apigateway.amazonaws.com",
        "Username": str(who.get("userName") or "bob"),
        "Resources": [],
        "CloudTrailEvent": json.dumps(detail),
    }


RECORDS = [
    record(
        "CreateResource",
        "2026-11-19T08:00:00Z",
        {"restApiId": "abc123", "parentId": "r0", "createResourceInput": {"pathPart": "toys"}},
        {"id": "r9", "parentId": "r0", "pathPart": "toys", "path": "/toys"},
    ),
    record(
        "PutMethod",
        "2026-11-19T08:01:00Z",
        {
            "restApiId": "abc123",
            "resourceId": "r9",
            "httpMethod": "GET",
            "putMethodInput": {"authorizationType": "NONE", "apiKeyRequired": False},
        },
        {"httpMethod": "GET", "authorizationType": "NONE", "apiKeyRequired": False},
    ),
    record(
        "PutIntegration",
        "2026-11-19T08:02:00Z",
        {"restApiId": "abc123", "resourceId": "r9", "httpMethod": "GET", "putIntegrationInput": {"type": "MOCK"}},
        {"type": "MOCK", "passthroughBehavior": "WHEN_NO_MATCH"},
    ),
    record(
        "CreateDeployment",
        "2026-11-20T12:00:00Z",
        {"restApiId": "abc123", "createDeploymentInput": {"stageName": "dev", "description": "ship toys"}},
        {"id": "d2", "description": "ship toys", "createdDate": "Nov 20, 2026 12:00:00 PM"},
        who=BOB,
    ),
    record(
        "UpdateMethod",
        "2026-11-20T13:00:00Z",
        {
            "restApiId": "abc123",
            "resourceId": "r1",
            "httpMethod": "GET",
            "updateMethodInput": {
                "patchOperations": [{"op": "replace", "path": "/authorizationType", "value": "AWS_IAM"}]
            },
        },
        {"httpMethod": "GET", "authorizationType": "AWS_IAM"},
        who=CFN,
    ),
    record(
        "UpdateStage",
        "2026-11-20T14:00:00Z",
        {
            "restApiId": "abc123",
            "stageName": "prod",
            "updateStageInput": {"patchOperations": [{"op": "replace", "path": "/variables/color", "value": "blue"}]},
        },
        {"stageName": "prod", "deploymentId": "d1"},
    ),
    record(
        "PutMethod",
        "2026-11-20T15:00:00Z",
        {"restApiId": "abc123", "resourceId": "r9", "httpMethod": "DELETE", "putMethodInput": {}},
        None,
        error="AccessDenied",
    ),
    record(
        "CreateBasePathMapping",
        "2026-11-20T16:00:00Z",
        {
            "domainName": "api.example.com",
            "createBasePathMappingInput": {"restApiId": "abc123", "basePath": "v1", "stage": "prod"},
        },
        {"basePath": "v1", "restApiId": "abc123", "stage": "prod"},
    ),
    record("GetResources", "2026-11-20T17:00:00Z", {"restApiId": "abc123"}, None, read_only=True),
    record("PutMethod", "2026-11-20T18:00:00Z", {"restApiId": "zzz999", "resourceId": "q", "httpMethod": "GET"}),
]


def the_world() -> World:
    api = rest_api(
        "abc123",
        name="pets",
        stages={"prod": ["GET /pets"], "dev": ["GET /pets", "GET /toys"]},
        working=["GET /pets iam", "GET /toys"],
    )
    d_prod, d_dev = api.deployments
    return world(
        replace(
            api,
            deployments=(replace(d_prod, id="d1", created="2026-11-18T10:00:00Z"), replace(d_dev, id="d2")),
            stages=(replace(api.stages[0], deployment_id="d1"), replace(api.stages[1], deployment_id="d2")),
        )
    )


def events() -> list[TrailEvent]:
    parsed = [parse_event(r) for r in RECORDS]
    assert all(e is not None for e in parsed)
    return [e for e in parsed if e is not None]


# -- parsing -----------------------------------------------------------------------------------------------
def test_parse_event_reads_who_and_what() -> None:
    put, deploy, update = (parse_event(RECORDS[i]) for i in (1, 3, 4))
    assert put is not None and deploy is not None and update is not None
    assert (put.name, put.api_id, put.resource_id, put.http_method) == ("PutMethod", "abc123", "r9", "GET")
    assert (put.who, put.user_name, put.identity_type) == (f"arn:aws:iam::{ACCOUNT}:user/alice", "alice", "IAMUser")
    assert put.time == datetime(2026, 11, 19, 8, 1, tzinfo=UTC)
    assert (deploy.deployment_id, deploy.stage, deploy.user_name) == ("d2", "dev", "Deployer/bob")
    assert deploy.who == f"arn:aws:sts::{ACCOUNT}:assumed-role/Deployer/bob"
    assert update.patches == ("replace /authorizationType AWS_IAM",)
    assert update.invoked_by == "cloudformation.amazonaws.com"


def test_parse_event_read_only_errors_and_garbage() -> None:
    get = parse_event(RECORDS[8])
    failed = parse_event(RECORDS[6])
    assert get is not None and get.read_only
    assert failed is not None and failed.error_code == "AccessDenied"
    assert parse_event({"EventId": "x"}) is None
    assert parse_event({"CloudTrailEvent": "{not json", "EventName": "PutMethod", "EventTime": NOW}) is not None


def test_parse_event_update_stage_deployment_and_v2_route() -> None:
    point = record(
        "UpdateStage",
        "2026-11-20T10:00:00Z",
        {
            "restApiId": "abc123",
            "stageName": "prod",
            "updateStageInput": {"patchOperations": [{"op": "replace", "path": "/deploymentId", "value": "d2"}]},
        },
    )
    route = record(
        "CreateRoute",
        "2026-11-20T10:00:00Z",
        {"apiId": "h1", "createRouteInput": {"routeKey": "POST /orders", "target": "integrations/i1"}},
        {"routeId": "rt1", "routeKey": "POST /orders", "apiKeyRequired": False},
    )
    p, r = parse_event(point), parse_event(route)
    assert p is not None and (p.stage, p.deployment_id, p.patches) == ("prod", "d2", ("replace /deploymentId d2",))
    assert r is not None and (r.api_id, r.route_key, r.route_id) == ("h1", "POST /orders", "rt1")


@pytest.mark.parametrize(
    ("name", "cat"),
    [
        ("PutMethod", "definition"),
        ("CreateRoute", "definition"),
        ("PutGatewayResponse", "definition"),
        ("ImportRestApi", "definition"),
        ("CreateDeployment", "deployment"),
        ("UpdateStage", "stage"),
        ("DeleteBasePathMapping", "mapping"),
        ("CreateApiMapping", "mapping"),
        ("TagResource", "other"),
    ],
)
def test_categories(name: str, cat: str) -> None:
    assert category(name) == cat


# -- the pure core -----------------------------------------------------------------------------------------
def test_build_orders_filters_and_marks_what_is_not_live() -> None:
    t = build(events(), the_world(), "abc123", NOW, since=NOW - timedelta(days=7))
    assert [(e.event.name, e.target) for e in t.entries] == [
        ("CreateResource", "resource /toys"),
        ("PutMethod", "GET /toys"),
        ("PutIntegration", "GET /toys (put integration)"),
        ("CreateDeployment", "deployment d2 to stage dev"),
        ("UpdateMethod", "GET /pets: replace /authorizationType AWS_IAM"),
        ("UpdateStage", "stage prod: replace /variables/color blue"),
        ("PutMethod", "DELETE /toys"),
        ("CreateBasePathMapping", "base path v1 of api.example.com -> stage prod"),
    ]
    prod, dev = t.stages
    assert (prod.deployment_id, prod.deployed_at_from) == ("d1", "model")
    assert (dev.deployment_id, dev.deployed_at, dev.deployed_at_from) == ("d2", NOW - timedelta(hours=24), "event")
    marks = {e.event.name + " " + e.target: e.not_live_on for e in t.entries}
    assert marks["CreateResource resource /toys"] == ("prod",)
    assert marks["PutMethod GET /toys"] == ("prod",)
    assert marks["UpdateMethod GET /pets: replace /authorizationType AWS_IAM"] == ("prod", "dev")
    assert marks["UpdateStage stage prod: replace /variables/color blue"] == ()  # a stage setting: live at once
    assert marks["PutMethod DELETE /toys"] == ()  # failed: changed nothing
    assert marks["CreateBasePathMapping base path v1 of api.example.com -> stage prod"] == ()


def test_build_for_one_stage() -> None:
    t = build(events(), the_world(), "abc123", NOW, since=NOW - timedelta(days=7), stage="dev")
    assert [s.stage for s in t.stages] == ["dev"]
    assert "UpdateStage" not in [e.event.name for e in t.entries]  # about prod
    assert [e.event.name for e in t.not_live] == ["UpdateMethod"]
    with pytest.raises(InputError) as exc:
        build(events(), the_world(), "abc123", NOW, stage="qa")
    assert exc.value.exit_code == 2 and "no stage 'qa'" in str(exc.value)


def test_build_window_and_a_deployment_older_than_it() -> None:
    w = the_world()
    (api,) = w.apis
    assert isinstance(api, RestApi)
    older = replace(api, deployments=tuple(replace(d, created=None) for d in api.deployments))
    since = NOW - timedelta(hours=23)  # after d2's CreateDeployment: both deployments predate the window
    t = build(events(), World(apis=(older,)), "abc123", NOW, since=since)
    assert [e.event.name for e in t.entries] == ["UpdateMethod", "UpdateStage", "PutMethod", "CreateBasePathMapping"]
    assert [s.deployed_at_from for s in t.stages] == ["before-window", "before-window"]
    assert [e.event.name for e in t.not_live] == ["UpdateMethod"]
    cut = build(events(), World(apis=(older,)), "abc123", NOW, since=since, complete=False)
    assert [s.deployed_at_from for s in cut.stages] == ["unknown", "unknown"] and cut.not_live == ()
    assert any("cut short" in n for n in cut.notes)


def test_build_http_auto_deploy_stages_are_always_live() -> None:
    api = http_api("h1", stages={"$default": ["GET /pets"]}, auto_deploy=True)
    route = record("CreateRoute", "2026-11-20T10:00:00Z", {"apiId": "h1", "createRouteInput": {"routeKey": "GET /x"}})
    parsed = parse_event(route)
    assert parsed is not None
    t = build([parsed], world(api), "h1", NOW, since=NOW - timedelta(days=2))
    assert t.entries[0].target == "route GET /x" and t.entries[0].not_live_on == ()
    failed = replace(api, stages=(replace(api.stages[0], last_deployment_status="Deployment failed"),))
    t = build([parsed], world(failed), "h1", NOW, since=NOW - timedelta(days=2))
    assert t.entries[0].not_live_on == ("$default",)


def test_build_unknown_api_and_no_events() -> None:
    t = build([], World(), "nope", NOW)
    assert t.stages == () and t.entries == ()
    assert t.notes == (
        "API nope was not found: its stages and deployments are unknown.",
        "No management event for nope in the window.",
    )


# -- --since -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", NOW - timedelta(days=7)),
        ("12h", NOW - timedelta(hours=12)),
        ("30m", NOW - timedelta(minutes=30)),
        ("2026-11-01", datetime(2026, 11, 1, tzinfo=UTC)),
        ("2026-11-01T10:00:00Z", datetime(2026, 11, 1, 10, tzinfo=UTC)),
        ("2026-11-01T12:00:00+02:00", datetime(2026, 11, 1, 10, tzinfo=UTC)),
    ],
)
def test_since(text: str, expected: datetime) -> None:
    assert parse_since(text, NOW) == expected


@pytest.mark.parametrize("text", ["", "7", "7x", "0d", "-1d", "seven days", "2026-13-01", "2027-01-01"])
def test_bad_since_is_input_error(text: str) -> None:
    with pytest.raises(InputError) as exc:
        parse_since(text, NOW)
    assert exc.value.exit_code == 2 and exc.value.location == "--since"


# -- fetching, with botocore's Stubber on a real client ----------------------------------------------------
def client() -> object:
    return boto3.client("cloudtrail", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")


def expected(start: datetime, token: str | None = None) -> dict[str, object]:
    params: dict[str, object] = {
        "LookupAttributes": [{"AttributeKey": "EventSource", "AttributeValue": "apigateway.amazonaws.com"}],
        "StartTime": start,
        "EndTime": NOW,
        "MaxResults": PAGE_SIZE,
    }
    if token:
        params["NextToken"] = token
    return params


def test_fetch_pages_with_next_token_and_only_reads() -> None:
    c = client()
    start = NOW - timedelta(days=7)
    operations: list[str] = []
    c.meta.events.register("before-parameter-build.cloudtrail", lambda model, **_: operations.append(model.name))  # type: ignore[attr-defined]
    with Stubber(c) as stub:  # type: ignore[arg-type]
        stub.add_response("lookup_events", {"Events": RECORDS[5:], "NextToken": "t1"}, expected(start))
        stub.add_response("lookup_events", {"Events": RECORDS[:5]}, expected(start, "t1"))
        fetched = fetch(c, start, NOW)  # type: ignore[arg-type]
        stub.assert_no_pending_responses()
    assert fetched.available and fetched.complete and fetched.pages == 2
    assert len(fetched.events) == len(RECORDS)
    assert operations == ["LookupEvents", "LookupEvents"]
    assert c.meta.service_model.operation_model("LookupEvents").http["method"] == "POST"  # type: ignore[attr-defined]
    t = build(fetched.events, the_world(), "abc123", NOW, since=start)
    assert [e.event.name for e in t.not_live] == ["CreateResource", "PutMethod", "PutIntegration", "UpdateMethod"]


def test_fetch_stops_at_max_events() -> None:
    c = client()
    start = NOW - timedelta(days=1)
    with Stubber(c) as stub:  # type: ignore[arg-type]
        stub.add_response("lookup_events", {"Events": RECORDS[:3], "NextToken": "t1"}, expected(start))
        fetched = fetch(c, start, NOW, max_events=3)  # type: ignore[arg-type]
    assert not fetched.complete and len(fetched.events) == 3


@pytest.mark.parametrize(
    ("code", "status", "reason"),
    [
        ("AccessDeniedException", 400, "AccessDeniedException"),
        ("500", 500, "HTTP 500"),  # moto: lookup_events is not implemented
        ("UnrecognizedClientException", 400, "UnrecognizedClientException"),
    ],
)
def test_fetch_unavailable(code: str, status: int, reason: str) -> None:
    c = client()
    with Stubber(c) as stub:  # type: ignore[arg-type]
        stub.add_client_error("lookup_events", service_error_code=code, http_status_code=status)
        fetched = fetch(c, NOW - timedelta(days=7), NOW)  # type: ignore[arg-type]
    assert not fetched.available and fetched.reason == reason and fetched.events == ()
    assert unavailable_line(fetched.reason) == (
        f"apigw-doctor: CloudTrail is not available here ({reason}): no timeline."
    )


def test_fetch_without_an_endpoint() -> None:
    class NoEndpoint:
        def lookup_events(self, **kwargs: object) -> dict[str, object]:
            raise EndpointConnectionError(endpoint_url="https://cloudtrail.xx-nowhere-1.amazonaws.com/")

    fetched = fetch(NoEndpoint(), NOW - timedelta(days=7), NOW)
    assert not fetched.available and fetched.reason == "EndpointConnectionError"


# -- renderers and schema ----------------------------------------------------------------------------------
def test_json_is_schema_valid() -> None:
    t = build(events(), the_world(), "abc123", NOW, since=NOW - timedelta(days=7))
    doc = json.loads(to_json(t, "test"))
    VALIDATOR.validate(doc)
    assert doc["schema"] == 1 and doc["cloudtrail"] == {"available": True, "reason": None, "complete": True}
    assert doc == report(t, "test")
    assert [s["not_live"] for s in doc["stages"]][1] == ["UpdateMethod-2026-11-20T13:00:00Z"]
    for empty in (build([], World(), "nope", NOW), build([], the_world(), "abc123", NOW, stage="prod")):
        VALIDATOR.validate(json.loads(to_json(empty, "test")))


def test_unavailable_json_is_one_schema_valid_line() -> None:
    text = unavailable_json(the_world().apis[0], "AccessDeniedException", "test")
    assert text.count("\n") == 1
    doc = json.loads(text)
    VALIDATOR.validate(doc)
    assert doc["cloudtrail"]["available"] is False and doc["events"] == []
    assert doc["api"] == {"api_id": "abc123", "name": "pets", "kind": "REST", "region": "us-east-1"}


def test_schema_is_a_valid_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_text_is_80_columns_and_colour_only_when_asked() -> None:
    t = build(events(), the_world(), "abc123", NOW, since=NOW - timedelta(days=7))
    text = render_timeline(t)
    assert "\033[" not in text
    assert all(len(line) <= 80 for line in text.splitlines()), text
    assert "changed after prod's deployment d1: these are not live on prod:" in text
    coloured = render_timeline(t, color=True)
    assert re.sub(r"\033\[[0-9;]*m", "", coloured) == text and coloured != text


def test_the_docs_example_is_real_output() -> None:
    t = build(events(), the_world(), "abc123", NOW, since=NOW - timedelta(days=7))
    docs = (ROOT / "docs/timeline.md").read_text()
    head = "$ apigw-doctor timeline --api abc123\n"
    start = docs.index(head) + len(head)
    assert render_timeline(t) == docs[start : docs.index("```", start)]


# -- the command -------------------------------------------------------------------------------------------
@pytest.fixture
def demo(sandbox_cli: DemoApi) -> DemoApi:
    return sandbox_cli


def test_cli_on_the_sandbox_says_cloudtrail_is_not_available(demo: DemoApi) -> None:
    code, out, err = run("timeline", "--api", demo.api_id)
    assert (code, out, err) == (0, "apigw-doctor: CloudTrail is not available here (HTTP 500): no timeline.\n", "")
    code, out, err = run("timeline", "--api", demo.api_id, "--format", "json")
    assert code == 0 and out.count("\n") == 1
    doc = json.loads(out)
    VALIDATOR.validate(doc)
    assert doc["cloudtrail"] == {"available": False, "reason": "HTTP 500", "complete": True}
    assert doc["api"] == {"api_id": demo.api_id, "name": "petstore", "kind": "REST", "region": demo.region}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--since", "7x"), "--since: expected 7d, 12h, 30m or an ISO date"),
        (("--since", "2999-01-01"), "--since: '2999-01-01' is not in the past"),
        (("--stage", "qa"), "no stage 'qa'"),
        (("--max-events", "0"), "expected a positive number"),
    ],
)
def test_cli_bad_input_exits_2(demo: DemoApi, argv: tuple[str, ...], message: str) -> None:
    code, out, err = run("timeline", "--api", demo.api_id, *argv)
    assert code == 2 and out == "" and message in err and err.count("\n") == 1


def test_cli_unknown_api_exits_2(demo: DemoApi) -> None:
    code, _, err = run("timeline", "--api", "nope000000")
    assert code == 2 and "nope000000" in err


def test_cli_with_events(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto records no CloudTrail events: a stubbed real client answers, the world comes from the builders."""
    from apigw_doctor.sources import live

    now = datetime.now(UTC).replace(microsecond=0)
    shifted = []  # the same events, as far before the real clock as they are before NOW
    for r in RECORDS:
        detail = json.loads(str(r["CloudTrailEvent"]))
        when = datetime.fromisoformat(detail["eventTime"]) + (now - NOW)
        detail["eventTime"] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        shifted.append({**r, "EventTime": when, "CloudTrailEvent": json.dumps(detail)})
    w = the_world()
    (api,) = w.apis
    d1 = replace(api.deployments[0], created=(now - timedelta(days=3)).isoformat())
    w = World(apis=(replace(api, deployments=(d1, api.deployments[1])),))
    c = client()
    stub = Stubber(c)  # type: ignore[arg-type]
    stub.add_response("lookup_events", {"Events": shifted})
    stub.activate()

    class Source:
        def world_for_apis(self, api_ids: list[str], **kwargs: object) -> World:
            assert api_ids == ["abc123"] and kwargs["include_domains"] is False
            return w

        def client(self, service: str, region: str) -> object:
            assert (service, region) == ("cloudtrail", "us-east-1")
            return c

    monkeypatch.setattr(live.LiveSource, "from_args", classmethod(lambda cls, args: Source()))
    code, out, err = run("timeline", "--api", "abc123", "--since", "7d", "--color", "never")
    assert (code, err) == (0, "")
    assert "changed after prod's deployment d1: these are not live on prod:" in out
    assert "changed after dev's deployment d2: these are not live on dev:" in out
    assert "UpdateMethod  GET /pets: replace /authorizationType" in out
    stub.assert_no_pending_responses()
