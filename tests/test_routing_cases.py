"""Runs the routing conformance cases of ``tests/cases/routing.yaml`` through the gateway.

Each case is one request against one named World; every key under ``expect`` is asserted. The
World form is documented in ``tests/cases/README.md`` and converted here with ``tests/builders.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from apigw_doctor.gateway import Gateway, Outcome, Request
from apigw_doctor.model import Cors, DomainName, GatewayResponse, HttpApi, RestApi, Stage, World
from builders import domain, http_api, rest_api, world

CASES_FILE = Path(__file__).parent / "cases" / "routing.yaml"
EVIDENCE = frozenset({"documented", "observed", "inferred", "unconfirmed"})
CASE_KEYS = frozenset({"name", "evidence", "source", "world", "request", "expect", "xfail"})
REQUEST_KEYS = frozenset({"method", "url", "headers", "canary"})
EXPECT_KEYS = frozenset({"status", "body", "headers", "failure", "matched", "response_source"})
MATCHED_KEYS = frozenset({"resource", "method", "path_parameters"})
NONE = "(none)"

Spec = Mapping[str, Any]
"""A parsed YAML mapping (raw data stops here: it is converted to model objects below)."""


# -- loading -------------------------------------------------------------------------------------------
@cache
def load() -> dict[str, Any]:
    with CASES_FILE.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def cases() -> list[dict[str, Any]]:
    return list(load()["cases"])


def world_specs() -> dict[str, Spec]:
    return dict(load()["worlds"])


# -- World conversion ----------------------------------------------------------------------------------
def _strict(spec: Spec, allowed: Iterable[str], what: str) -> None:
    unknown = set(spec) - set(allowed)
    if unknown:
        raise ValueError(f"{what}: unknown keys {sorted(unknown)}")


def _working(stages: Mapping[str, list[str]], working: list[str] | Spec | None) -> list[str] | None:
    """``working`` as a full list, or ``{add: [...], remove: [...]}`` relative to the stages' union."""
    if working is None or isinstance(working, list):
        return working
    _strict(working, ("add", "remove"), "working")
    union = dict.fromkeys(r for routes in stages.values() for r in routes)
    removed = set(working.get("remove", ()))
    return [r for r in union if r not in removed] + list(working.get("add", ()))


def _gateway_response(spec: Spec) -> GatewayResponse:
    _strict(spec, ("type", "status", "templates", "headers"), "gateway response")
    return GatewayResponse(
        type=spec["type"],
        status=spec.get("status"),
        templates=tuple(dict(spec.get("templates", {})).items()),
        headers=tuple((k, str(v)) for k, v in dict(spec.get("headers", {})).items()),
    )


def _with_variables(stages: tuple[Stage, ...], variables: Mapping[str, Mapping[str, str]]) -> tuple[Stage, ...]:
    return tuple(
        replace(s, variables=tuple((k, str(v)) for k, v in variables[s.name].items())) if s.name in variables else s
        for s in stages
    )


REST_PASSTHROUGH = ("endpoint_type", "disable_execute_api_endpoint", "vpc_endpoint_ids", "api_key_source")
"""REST API fields passed to the model as they are (lists become tuples)."""
REST_KEYS = ("id", "region", "stages", "working", "canary", "variables", "gateway_responses", *REST_PASSTHROUGH)


def build_rest(spec: Spec) -> RestApi:
    _strict(spec, REST_KEYS, f"rest api {spec.get('id')}")
    stages = {name: list(routes) for name, routes in spec["stages"].items()}
    canary = {name: (float(c["percent"]), list(c["routes"])) for name, c in spec.get("canary", {}).items()}
    extra: dict[str, Any] = {
        k: (tuple(v) if isinstance(v, list) else v) for k, v in spec.items() if k in REST_PASSTHROUGH
    }
    api = rest_api(
        spec["id"],
        stages=stages,
        working=_working(stages, spec.get("working")),
        region=spec.get("region", "us-east-1"),
        canary=canary or None,
        gateway_responses=[_gateway_response(g) for g in spec.get("gateway_responses", ())],
        **extra,
    )
    if "variables" in spec:
        api = replace(api, stages=_with_variables(api.stages, spec["variables"]))
    return api


HTTP_KEYS = (
    "id",
    "region",
    "stages",
    "working",
    "auto_deploy",
    "last_deployment_status",
    "cors",
    "disable_execute_api_endpoint",
)


def build_http(spec: Spec) -> HttpApi:
    _strict(spec, HTTP_KEYS, f"http api {spec.get('id')}")
    stages = {name: list(routes) for name, routes in spec["stages"].items()}
    cors = None
    if "cors" in spec:
        c = spec["cors"]
        _strict(c, ("allow_origins", "allow_methods", "allow_headers"), "cors")
        cors = Cors(
            allow_origins=tuple(c.get("allow_origins", ())),
            allow_methods=tuple(c.get("allow_methods", ())),
            allow_headers=tuple(c.get("allow_headers", ())),
        )
    auto = spec.get("auto_deploy", False)
    extra = {k: spec[k] for k in ("disable_execute_api_endpoint",) if k in spec}
    api = http_api(
        spec["id"],
        stages=stages,
        working=_working(stages, spec.get("working")),
        region=spec.get("region", "us-east-1"),
        auto_deploy=auto is True,
        cors=cors,
        **extra,
    )
    if isinstance(auto, list):
        api = replace(api, stages=tuple(replace(s, auto_deploy=s.name in auto) for s in api.stages))
    status = dict(spec.get("last_deployment_status", {}))
    if status:
        api = replace(api, stages=tuple(replace(s, last_deployment_status=status.get(s.name)) for s in api.stages))
    return api


def build_domain(spec: Spec) -> DomainName:
    _strict(spec, ("name", "endpoint_type", "mappings"), f"domain {spec.get('name')}")
    mappings = []
    for m in spec.get("mappings", ()):
        _strict(m, ("path", "api", "stage"), "mapping")
        path = "" if m["path"] == NONE else str(m["path"])
        stage = None if m["stage"] == NONE else str(m["stage"])
        mappings.append((path, str(m["api"]), stage))
    return domain(spec["name"], *mappings, endpoint_type=spec.get("endpoint_type", "REGIONAL"))


def build_world(spec: Spec) -> World:
    _strict(spec, ("rest", "http", "domains"), "world")
    items: list[RestApi | HttpApi | DomainName] = [build_rest(s) for s in spec.get("rest", ())]
    items += [build_http(s) for s in spec.get("http", ())]
    items += [build_domain(s) for s in spec.get("domains", ())]
    return world(*items)


@cache
def gateway(world_name: str) -> Gateway:
    return Gateway(build_world(world_specs()[world_name]))


# -- running one case ----------------------------------------------------------------------------------
def run(case: Spec) -> Outcome:
    req = case["request"]
    headers = tuple((str(k), str(v)) for k, v in dict(req.get("headers", {})).items())
    request = Request.from_url(req["method"], req["url"], headers)
    return gateway(case["world"]).handle(request, canary=bool(req.get("canary", False)))


def check_matched(outcome: Outcome, expected: Spec | None) -> None:
    if expected is None:
        assert outcome.matched is None, f"expected no match, got {outcome.matched}"
        return
    got = outcome.matched
    assert got is not None, f"expected a match {dict(expected)}, got none (failure {outcome.failure})"
    if "resource" in expected:
        assert got.resource == expected["resource"]
    if "method" in expected:
        assert got.method == expected["method"]
    if "path_parameters" in expected:
        want = {str(k): str(v) for k, v in dict(expected["path_parameters"] or {}).items()}
        assert dict(got.path_parameters) == want


def check(outcome: Outcome, expect: Spec) -> None:
    response = outcome.response
    if "status" in expect:
        assert response.status == expect["status"], f"status {response.status}, body {response.body}"
    if "body" in expect:
        assert response.body == expect["body"]
    for name, value in dict(expect.get("headers") or {}).items():
        assert response.header(name) == str(value), f"header {name}: {response.headers}"
    if "failure" in expect:
        assert outcome.failure == expect["failure"], f"failure {outcome.failure}: {outcome.failed_step}"
    if "response_source" in expect:
        assert response.source == expect["response_source"]
    if "matched" in expect:
        check_matched(outcome, expect["matched"])


def _params() -> list[Any]:
    out = []
    for case in cases():
        marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if case.get("xfail") else []
        out.append(pytest.param(case, id=case["name"], marks=marks))
    return out


@pytest.mark.parametrize("case", _params())
def test_case(case: dict[str, Any]) -> None:
    check(run(case), case["expect"])


# -- the data file itself ------------------------------------------------------------------------------
def test_enough_cases() -> None:
    assert len(cases()) >= 80


def test_names_unique() -> None:
    names = [c["name"] for c in cases()]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


@pytest.mark.parametrize("case", cases(), ids=lambda c: c["name"])
def test_case_shape(case: dict[str, Any]) -> None:
    assert set(case) <= CASE_KEYS and {"name", "evidence", "source", "world", "request", "expect"} <= set(case)
    assert case["evidence"] in EVIDENCE
    assert isinstance(case["source"], str) and case["source"].strip()
    assert case["world"] in world_specs(), f"world {case['world']!r} is not defined"
    assert set(case["request"]) <= REQUEST_KEYS and {"method", "url"} <= set(case["request"])
    assert case["expect"] and set(case["expect"]) <= EXPECT_KEYS
    matched = case["expect"].get("matched")
    assert matched is None or (matched and set(matched) <= MATCHED_KEYS)
    assert "xfail" not in case or (isinstance(case["xfail"], str) and case["xfail"].strip())


def test_every_world_used_and_buildable() -> None:
    used = {c["world"] for c in cases()}
    assert used == set(world_specs()), f"unused worlds: {sorted(set(world_specs()) - used)}"
    for spec in world_specs().values():
        assert build_world(spec).apis
