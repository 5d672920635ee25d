"""One broken World per cause code: the rank-1 code and its fix."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from apigw_doctor import Request, World, diagnose
from apigw_doctor.diagnosis import CAUSES
from apigw_doctor.model import GatewayResponse, RestApi
from builders import domain, http_api, rest_api, world

EXEC = "https://abc123.execute-api.us-east-1.amazonaws.com"
HTTP = "https://h1.execute-api.us-east-1.amazonaws.com"


@dataclass
class Case:
    code: str
    world: World
    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    fix_url: str | None = None
    fix_command: str | None = None
    """A substring of one of the fix's commands (or its curl line)."""
    status: int | None = 403
    body: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


PETS = ["GET /pets", "GET /pets/{id}", "POST /orders"]
BASIC = world(rest_api("abc123", stages={"prod": PETS}))

CASES = [
    Case("MATCHED", BASIC, "GET", f"{EXEC}/prod/pets/7", status=None),
    Case(
        "API_NOT_FOUND",
        BASIC,
        "GET",
        "https://abd123.execute-api.us-east-1.amazonaws.com/prod/pets",
        fix_url=f"{EXEC}/prod/pets",
        status=None,
    ),
    Case(
        "WRONG_REGION",
        BASIC,
        "GET",
        "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/pets",
        fix_url=f"{EXEC}/prod/pets",
        status=None,
    ),
    Case(
        "EXECUTE_API_DISABLED",
        world(
            rest_api("abc123", stages={"prod": PETS}, disable_execute_api_endpoint=True),
            domain("api.example.com", ("v1", "abc123", "prod")),
        ),
        "GET",
        f"{EXEC}/prod/pets",
        fix_url="https://api.example.com/v1/pets",
        body='{"message":"Forbidden"}',
    ),
    Case(
        "PRIVATE_API",
        world(rest_api("abc123", stages={"prod": PETS}, endpoint_type="PRIVATE", vpc_endpoint_ids=("vpce-0a1b2c3d",))),
        "GET",
        f"{EXEC}/prod/pets",
        fix_url="https://abc123-vpce-0a1b2c3d.execute-api.us-east-1.amazonaws.com/prod/pets",
    ),
    Case(
        "STAGE_MISSING",
        BASIC,
        "GET",
        f"{EXEC}/pets",
        fix_url=f"{EXEC}/prod/pets",
        body='{"message":"Forbidden"}',
    ),
    Case(
        "STAGE_UNKNOWN",
        BASIC,
        "GET",
        f"{EXEC}/Prod/pets",
        fix_url=f"{EXEC}/prod/pets",
        body='{"message":"Forbidden"}',
    ),
    Case(
        "STAGE_ROOT_NO_METHOD",
        BASIC,
        "GET",
        f"{EXEC}/prod/",
        fix_url=f"{EXEC}/prod/pets",
        fix_command="aws apigateway put-method --rest-api-id abc123",
    ),
    Case(
        "PROXY_PARENT_NOT_COVERED",
        world(rest_api("abc123", stages={"prod": ["ANY /{proxy+}"]})),
        "GET",
        f"{EXEC}/prod",
        fix_command="--http-method ANY",
    ),
    Case(
        "RESOURCE_NOT_FOUND",
        BASIC,
        "GET",
        f"{EXEC}/prod/pest/7",
        fix_url=f"{EXEC}/prod/pets/7",
        body='{"message":"Missing Authentication Token"}',
    ),
    Case(
        "METHOD_NOT_DEFINED",
        BASIC,
        "GET",
        f"{EXEC}/prod/orders",
        fix_url=f"{EXEC}/prod/orders",
        fix_command="curl -i -X POST",
    ),
    Case(
        "NOT_DEPLOYED",
        world(rest_api("abc123", stages={"prod": PETS}, working=[*PETS, "GET /pets/{id}/photos"])),
        "GET",
        f"{EXEC}/prod/pets/7/photos",
        fix_command="aws apigateway create-deployment --rest-api-id abc123 --stage-name prod",
    ),
    Case(
        "CANARY_ONLY",
        world(rest_api("abc123", stages={"prod": PETS}, canary={"prod": (10.0, [*PETS, "GET /toys"])})),
        "GET",
        f"{EXEC}/prod/toys",
        fix_command="value=c-prod",
    ),
    Case(
        "STAGE_IN_CUSTOM_DOMAIN_PATH",
        world(rest_api("abc123", stages={"prod": PETS}), domain("api.example.com", ("v1", "abc123", "prod"))),
        "GET",
        "https://api.example.com/v1/prod/pets",
        fix_url="https://api.example.com/v1/pets",
    ),
    Case(
        "BASE_PATH_UNMAPPED",
        world(rest_api("abc123", stages={"prod": PETS}), domain("api.example.com", ("v1", "abc123", "prod"))),
        "GET",
        "https://api.example.com/v2/pets",
        fix_url="https://api.example.com/v1/pets",
        body='{"message":"Forbidden"}',
    ),
    Case(
        "IAM_UNSIGNED",
        world(rest_api("abc123", stages={"prod": ["DELETE /pets/{id} iam"]})),
        "DELETE",
        f"{EXEC}/prod/pets/7",
        fix_command="--aws-sigv4",
        body='{"message":"Missing Authentication Token"}',
    ),
    Case(
        "AUTH_HEADER_NOT_SIGV4",
        world(rest_api("abc123", stages={"prod": ["DELETE /pets/{id} iam"]})),
        "DELETE",
        f"{EXEC}/prod/pets/7",
        headers=(("Authorization", "Bearer eyJhbGciOi"),),
        fix_command="--aws-sigv4",
        body='{"message":"\'eyJhbGciOi\' not a valid key=value pair (missing equal-sign) in Authorization header: '
        "'Bearer eyJhbGciOi'.\"}",
    ),
    Case(
        "API_KEY_MISSING",
        world(rest_api("abc123", stages={"prod": ["GET /pets key"]})),
        "GET",
        f"{EXEC}/prod/pets",
        fix_command="x-api-key",
        body='{"message":"Forbidden"}',
    ),
    Case(
        "AUTHORIZER_IDENTITY_MISSING",
        world(rest_api("abc123", stages={"prod": ["GET /pets custom"]})),
        "GET",
        f"{EXEC}/prod/pets",
        fix_command="Authorization: <token>",
        status=401,
        body='{"message":"Unauthorized"}',
    ),
    Case(
        "CORS_PREFLIGHT_NO_OPTIONS",
        BASIC,
        "OPTIONS",
        f"{EXEC}/prod/pets",
        headers=(("Origin", "https://app.example.com"), ("Access-Control-Request-Method", "GET")),
        fix_command="put-integration-response",
    ),
    Case(
        "GATEWAY_RESPONSE_CUSTOMIZED",
        world(
            rest_api(
                "abc123",
                stages={"prod": PETS},
                gateway_responses=[
                    GatewayResponse(
                        type="MISSING_AUTHENTICATION_TOKEN",
                        status=404,
                        templates=(("application/json", '{"error":"not found"}'),),
                    )
                ],
            )
        ),
        "GET",
        f"{EXEC}/prod/zzzzzzzz",
        fix_command="get-gateway-response",
        status=404,
        body='{"error":"not found"}',
    ),
]


def test_every_cause_code_has_a_case() -> None:
    assert {c.code for c in CASES} == {c.code for c in CAUSES}


@pytest.mark.parametrize("case", CASES, ids=[c.code for c in CASES])
def test_rank_one_cause_and_fix(case: Case) -> None:
    d = diagnose(Request.from_url(case.method, case.url, case.headers), case.world)
    assert d.verdict == case.code, [(f.code, f.message) for f in d.findings]
    top = d.findings[0]
    assert top.message
    assert d.outcome.response.status == case.status
    if case.body is not None:
        assert d.outcome.response.body == case.body
    if case.code == "MATCHED":
        assert not d.fails
        return
    assert d.fails
    assert top.fix is not None and top.fix.summary
    if case.fix_url is not None:
        assert top.fix.url == case.fix_url
    if case.fix_command is not None:
        text = "\n".join((*top.fix.commands, top.fix.curl or ""))
        assert case.fix_command in text, text


def test_client_fixes_are_verified_by_walking_them() -> None:
    for case in CASES:
        d = diagnose(Request.from_url(case.method, case.url, case.headers), case.world)
        top = d.findings[0]
        if top.fix is not None and top.fix.url and case.code not in ("PRIVATE_API",):
            assert top.verified, case.code
            again = diagnose(
                Request.from_url(
                    case.method if case.code != "METHOD_NOT_DEFINED" else "POST", top.fix.url, case.headers
                ),
                case.world,
            )
            assert again.outcome.matched is not None, (case.code, top.fix.url)


def test_not_deployed_names_the_deployment_that_has_the_route() -> None:
    api = rest_api("abc123", stages={"prod": PETS, "dev": [*PETS, "GET /toys"]})
    d = diagnose(Request.from_url("GET", f"{EXEC}/prod/toys"), world(api))
    assert d.verdict == "NOT_DEPLOYED"
    assert any("value=d-dev" in c for a in d.findings[0].alternatives for c in a.commands)
    assert "d-prod" in d.findings[0].message


def test_canary_route_missing_from_canary_is_intermittent() -> None:
    api = rest_api("abc123", stages={"prod": [*PETS, "GET /toys"]}, canary={"prod": (25.0, PETS)})
    d = diagnose(Request.from_url("GET", f"{EXEC}/prod/toys"), world(api))
    assert d.verdict == "CANARY_ONLY"
    assert "25%" in d.findings[0].message
    assert d.canary_outcome is not None and d.canary_outcome.matched is None


def test_http_api_stage_typo_falls_into_default_stage() -> None:
    api = http_api("h1", stages={"$default": ["GET /health"], "beta": ["GET /pets"]})
    d = diagnose(Request.from_url("GET", f"{HTTP}/betta/pets"), world(api))
    assert d.outcome.response.status == 404
    assert d.outcome.response.body == '{"message":"Not Found"}'
    assert d.verdict == "STAGE_UNKNOWN"
    assert d.findings[0].fix is not None and d.findings[0].fix.url == f"{HTTP}/beta/pets"


def test_http_api_route_not_deployed_without_auto_deploy() -> None:
    api = http_api("h1", stages={"$default": ["GET /pets"]}, working=["GET /pets", "POST /pets"])
    d = diagnose(Request.from_url("POST", f"{HTTP}/pets"), world(api))
    assert d.verdict == "NOT_DEPLOYED"
    assert any("apigatewayv2 create-deployment" in c for c in d.findings[0].fix.commands)  # type: ignore[union-attr]


def test_bearer_on_a_miss_explains_the_header_is_not_the_cause() -> None:
    d = diagnose(Request.from_url("GET", f"{EXEC}/prod/pest", (("Authorization", "Bearer abc"),)), BASIC)
    assert d.outcome.response.error_type == "IncompleteSignatureException"
    codes = [f.code for f in d.findings]
    assert codes[0] == "RESOURCE_NOT_FOUND"
    assert "AUTH_HEADER_NOT_SIGV4" in codes


def test_saw_mismatch_is_explained() -> None:
    d = diagnose(
        Request.from_url("GET", f"{EXEC}/prod/pets"),
        BASIC,
        saw_status=403,
        saw_body='{"message":"Missing Authentication Token"}',
    )
    assert d.reported is not None and not d.reported.consistent
    assert any("CloudFront" in e for e in d.reported.explanations)
    d2 = diagnose(
        Request.from_url("GET", f"{EXEC}/prod/nope"),
        BASIC,
        saw_status=403,
        saw_body='{"message":"Missing Authentication Token"}',
    )
    assert d2.reported is not None and d2.reported.consistent
    d3 = diagnose(
        Request.from_url("GET", f"{EXEC}/prod/nope"),
        BASIC,
        saw_status=403,
        saw_body="<MissingAuthenticationTokenException><Message>Missing Authentication Token</Message>",
    )
    assert d3.reported is not None and any("control plane" in e for e in d3.reported.explanations)


def test_unknown_deployment_snapshot_is_said() -> None:
    from dataclasses import replace

    from apigw_doctor.model import RestDeployment

    api = rest_api("abc123", stages={"prod": PETS})
    assert isinstance(api, RestApi)
    api = replace(api, deployments=(RestDeployment(id="d-prod", resources=None),))
    d = diagnose(Request.from_url("GET", f"{EXEC}/prod/pets"), world(api))
    assert d.verdict == "MATCHED"
    assert any("working copy" in n for n in d.notes)


def test_http_stage_without_deployment_serves_nothing() -> None:
    from dataclasses import replace

    from apigw_doctor.model import HttpApi, Stage

    api = http_api("h1", stages={"beta": ["GET /pets"]})
    assert isinstance(api, HttpApi)
    api = replace(api, stages=(Stage(name="beta", deployment_id=None, auto_deploy=False),), deployments=())
    d = diagnose(Request.from_url("GET", f"{HTTP}/beta/pets"), world(api))
    assert d.outcome.response.status == 404
    assert any("serves no route" in s.detail for s in d.outcome.trace)
    assert d.verdict == "NOT_DEPLOYED"
    assert "has no deployment at all" in d.findings[0].message
