"""Renderer output against golden files (plain text, no colour). UPDATE_GOLDEN=1 rewrites them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

import apigw_doctor
from apigw_doctor import Request, diagnose
from apigw_doctor.render.report import report
from apigw_doctor.render.text import render
from builders import domain, rest_api, world

GOLDEN = Path(__file__).parent / "golden"
SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "src/apigw_doctor/data/diagnosis.schema.json").read_text())
EXEC = "https://abc123.execute-api.us-east-1.amazonaws.com"
PETS = ["GET /pets", "GET /pets/{id}", "POST /orders", "ANY /app/{proxy+}"]
WORLD = world(
    rest_api("abc123", stages={"prod": PETS, "dev": [*PETS, "GET /toys"]}, working=[*PETS, "GET /toys"], name="pets"),
    domain("api.example.com", ("v1", "abc123", "prod")),
)
SCENARIOS = {
    "stage_missing": ("GET", f"{EXEC}/pets/7", ()),
    "not_deployed": ("GET", f"{EXEC}/prod/toys", ()),
    "typo": ("GET", f"{EXEC}/prod/pest", ()),
    "proxy_parent": ("GET", f"{EXEC}/prod/app", ()),
    "custom_domain_stage": ("GET", "https://api.example.com/v1/prod/pets", ()),
    "bearer_on_miss": ("GET", f"{EXEC}/prod/nope", (("Authorization", "Bearer abc.def"),)),
    "matched": ("GET", f"{EXEC}/prod/pets/7", ()),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_text_golden(name: str) -> None:
    method, url, headers = SCENARIOS[name]
    text = render(diagnose(Request.from_url(method, url, headers), WORLD), color=False)
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("UPDATE_GOLDEN") or not path.exists():
        path.write_text(text)
    assert text == path.read_text()
    for line in text.splitlines():
        if not line.lstrip().startswith(("curl ", "aws ", "https://", "PROXY_URI=", "RESOURCE_ID=", "{")):
            assert len(line) <= 80, line


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_json_report_is_schema_valid(name: str) -> None:
    method, url, headers = SCENARIOS[name]
    data = report(diagnose(Request.from_url(method, url, headers), WORLD), "test")
    jsonschema.validate(json.loads(json.dumps(data)), SCHEMA)


def test_public_api_is_guarded() -> None:
    assert sorted(apigw_doctor.__all__) == sorted(
        ["Diagnosis", "Finding", "Fix", "Gateway", "Outcome", "Request", "World", "__version__", "diagnose", "walk"]
    )
    for name in apigw_doctor.__all__:
        assert hasattr(apigw_doctor, name)
