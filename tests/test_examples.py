"""The bundled examples/ load and give the expected verdict for each classic trap."""

from __future__ import annotations

from pathlib import Path

import pytest

from apigw_doctor import Request, diagnose
from apigw_doctor.sources import load

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
REST = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
HTTP = "https://q8w7e6r5t4.execute-api.eu-west-1.amazonaws.com"
BEARER = (("Authorization", "Bearer eyJraWQiOiJrMSJ9"),)

WORLD_CASES = [
    ("stage left out", "GET", f"{REST}/pets", (), "STAGE_MISSING"),
    ("stage case", "GET", f"{REST}/Prod/pets", (), "STAGE_UNKNOWN"),
    ("typo", "GET", f"{REST}/prod/pest/7", (), "RESOURCE_NOT_FOUND"),
    ("POST-only called with GET", "GET", f"{REST}/prod/orders", (), "METHOD_NOT_DEFINED"),
    ("added after the last deployment", "GET", f"{REST}/prod/pets/7/vaccinations", (), "NOT_DEPLOYED"),
    ("live only in the canary", "GET", f"{REST}/prod/pets/7/photos", (), "CANARY_ONLY"),
    ("stage root", "GET", f"{REST}/prod/", (), "STAGE_ROOT_NO_METHOD"),
    ("proxy parent", "GET", f"{REST}/prod/app", (), "PROXY_PARENT_NOT_COVERED"),
    ("custom domain with the stage", "GET", "https://api.example.com/v1/prod/pets", (), "STAGE_IN_CUSTOM_DOMAIN_PATH"),
    ("legacy domain, stage from the URL", "GET", "https://legacy.example.com/shop/prod/pets", (), "MATCHED"),
    ("IAM unsigned", "DELETE", f"{REST}/prod/pets/7", (), "IAM_UNSIGNED"),
    ("bearer on a miss", "GET", f"{REST}/prod/pets/7/photo", BEARER, "RESOURCE_NOT_FOUND"),
    ("HTTP API, no such stage", "GET", f"{HTTP}/prod/orders", (), "RESOURCE_NOT_FOUND"),
    ("HTTP API through the (none) mapping", "GET", "https://api.example.com/orders/7", (), "MATCHED"),
    ("works", "GET", f"{REST}/prod/pets/7", (), "MATCHED"),
]


@pytest.fixture(scope="module")
def world():  # type: ignore[no-untyped-def]
    return load([str(EXAMPLES / "world.json")])


@pytest.mark.parametrize(("title", "method", "url", "headers", "verdict"), WORLD_CASES, ids=[c[0] for c in WORLD_CASES])
def test_world_example(world, title: str, method: str, url: str, headers, verdict: str) -> None:  # type: ignore[no-untyped-def]
    d = diagnose(Request.from_url(method, url, headers), world)
    assert d.verdict == verdict, [(f.code, f.message) for f in d.findings]


@pytest.mark.parametrize(
    ("source", "method", "url", "verdict"),
    [
        ("petstore-rest-oas30.json", "GET", f"{REST}/prod/pest", "RESOURCE_NOT_FOUND"),
        ("petstore-rest-oas30.json", "DELETE", f"{REST}/prod/pets/7", "IAM_UNSIGNED"),
        ("petstore-rest-oas30.json", "POST", f"{REST}/prod/orders", "API_KEY_MISSING"),
        ("petstore-rest-oas30.json", "GET", f"{REST}/prod/admin/reports", "AUTHORIZER_IDENTITY_MISSING"),
        ("petstore-rest-oas30.json", "GET", f"{REST}/prod/files/a/b.txt", "MATCHED"),
        ("orders-http-oas30.json", "GET", "https://h7k2m9p4q1.execute-api.us-east-1.amazonaws.com/orders/7", "MATCHED"),
        (
            "orders-http-oas30.json",
            "DELETE",
            "https://h7k2m9p4q1.execute-api.us-east-1.amazonaws.com/ordrs",
            "RESOURCE_NOT_FOUND",
        ),
    ],
)
def test_export_examples(source: str, method: str, url: str, verdict: str) -> None:
    d = diagnose(Request.from_url(method, url), load([str(EXAMPLES / source)]))
    assert d.verdict == verdict, [(f.code, f.message) for f in d.findings]


def test_swagger_example_loads_and_routes() -> None:
    w = load([str(EXAMPLES / "petstore-rest-swagger.yaml")])
    host = "https://k9x8w7v6u5.execute-api.us-west-2.amazonaws.com"
    assert diagnose(Request.from_url("GET", f"{host}/dev/books"), w).verdict == "MATCHED"
    token = (("Authorization", "tok"),)
    assert diagnose(Request.from_url("GET", f"{host}/dev/books/42", token), w).verdict == "MATCHED"
    assert diagnose(Request.from_url("GET", f"{host}/dev/books/42"), w).verdict == "AUTHORIZER_IDENTITY_MISSING"
    miss = diagnose(Request.from_url("GET", f"{host}/dev/zzzzzz"), w)
    assert miss.outcome.response.status == 404
    assert (
        miss.outcome.response.body == '{"message":"Missing Authentication Token","type":"MISSING_AUTHENTICATION_TOKEN"}'
    )
    assert miss.outcome.response.error_type == "MissingAuthenticationTokenException"
    assert miss.verdict == "GATEWAY_RESPONSE_CUSTOMIZED"
