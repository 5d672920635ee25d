"""Terraform -> the model: .tf modules, expressions, origins and lines, plans and states, errors, and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from apigw_doctor.errors import InputError
from apigw_doctor.model import HttpApi, Method, RestApi, World
from apigw_doctor.sources import TERRAFORM, detect_kind, load, read_document
from apigw_doctor.sources.terraform import (
    Ref,
    TerraformConfig,
    TfResource,
    Unknown,
    Value,
    is_terraform_path,
    read_terraform,
)
from apigw_doctor.sources.terraform.values import text_of
from clirun import run

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "tf"
SHOP = DATA / "shop"
EXAMPLE = ROOT / "examples" / "terraform"


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of the first line of ``path`` containing ``needle`` (what SARIF will point at)."""
    for number, text in enumerate(path.read_text().splitlines(), 1):
        if needle in text:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def api_named(world: World, name: str) -> RestApi | HttpApi:
    found = [a for a in world.apis if a.name == name]
    assert len(found) == 1, [a.name for a in world.apis]
    return found[0]


def rest(world: World, name: str) -> RestApi:
    api = api_named(world, name)
    assert isinstance(api, RestApi)
    return api


def http(world: World, name: str) -> HttpApi:
    api = api_named(world, name)
    assert isinstance(api, HttpApi)
    return api


def method(api: RestApi, path: str, verb: str) -> Method:
    resource = api.resource(path)
    assert resource is not None, (path, [r.path for r in api.resources])
    found = resource.method(verb)
    assert found is not None, f"{verb} {path}"
    return found


def write(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
    return tmp_path


@pytest.fixture(scope="module")
def shop() -> World:
    return load([str(SHOP)])


@pytest.fixture(scope="module")
def shop_config() -> TerraformConfig:
    return read_terraform(str(SHOP))


# -- a realistic module: the tree, methods, stages, HTTP APIs, bodies, domains ----------------------------------

SHOP_TREE = [
    # (api, path, methods: (verb, authorization, integration type))
    ("shop-live", "/", ()),
    ("shop-live", "/{proxy+}", (("ANY", "NONE", "HTTP_PROXY"),)),
    ("shop-live", "/items", (("GET", "NONE", "AWS_PROXY"),)),
    ("shop-live", "/items/{itemId}", (("GET", "CUSTOM", None),)),
    ("shop-live", "/versions", ()),
    ("shop-live", "/versions/v1", (("GET", "NONE", "MOCK"),)),
    ("shop-live", "/versions/v2", (("GET", "NONE", "MOCK"),)),
    ("shop-live", "/admin", (("GET", "AWS_IAM", None),)),
    ("catalog", "/", ()),
    ("catalog", "/products", (("GET", "NONE", "AWS_PROXY"),)),
    ("catalog", "/products/{id}", (("DELETE", "AWS_IAM", "AWS_PROXY"),)),
    ("library", "/api/books", (("GET", "NONE", "HTTP_PROXY"),)),
    ("library", "/api/books/{id}", (("GET", "NONE", "HTTP_PROXY"),)),
]


@pytest.mark.parametrize(("api", "path", "methods"), SHOP_TREE, ids=[f"{a} {p}" for a, p, _ in SHOP_TREE])
def test_shop_resource_tree(shop: World, api: str, path: str, methods: tuple[tuple[str, str, str | None], ...]) -> None:
    resource = rest(shop, api).resource(path)
    assert resource is not None
    assert tuple((m.http_method, m.authorization_type, m.integration_type) for m in resource.methods) == methods


def test_shop_trees_are_exactly_the_configured_ones(shop: World) -> None:
    assert [r.path for r in rest(shop, "shop-live").resources] == sorted(
        {p for a, p, _ in SHOP_TREE if a == "shop-live"}
    )
    assert [r.path for r in rest(shop, "library").resources] == ["/", "/api", "/api/books", "/api/books/{id}"]


def test_shop_rest_api_fields(shop: World) -> None:
    api = rest(shop, "shop-live")
    assert (api.id, api.id_known, api.region, api.account) == (
        "aws_api_gateway_rest_api.shop",
        False,
        "eu-central-1",
        None,
    )
    assert (api.endpoint_type, api.api_key_source, api.tags) == ("REGIONAL", "HEADER", (("team", "shop"),))
    assert method(api, "/items/{itemId}", "GET").authorizer_id == "aws_api_gateway_authorizer.token"
    (authorizer,) = api.authorizers
    assert (authorizer.id, authorizer.type, authorizer.identity_sources) == (
        "aws_api_gateway_authorizer.token",
        "TOKEN",
        ("method.request.header.X-Token",),
    )
    assert method(api, "/items", "GET").integration_uri == "${data.aws_lambda_function.backend.invoke_arn}"
    assert method(api, "/{proxy+}", "ANY").integration_uri == "https://backend.example.com/{proxy}"
    (response,) = api.gateway_responses
    assert (response.type, response.status, response.templates) == (
        "MISSING_AUTHENTICATION_TOKEN",
        404,
        (("application/json", '{"message":"not found"}'),),
    )
    assert rest(shop, "library").endpoint_type == "EDGE"


def test_shop_stages_deployments_and_canary(shop: World) -> None:
    api = rest(shop, "shop-live")
    live, legacy = api.stages
    assert (live.name, live.deployment_id, live.variables) == (
        "live",
        "aws_api_gateway_deployment.shop",
        (("backend", "blue"),),
    )
    assert live.canary is not None
    assert (live.canary.percent, live.canary.deployment_id, live.canary.stage_variable_overrides) == (
        10.0,
        "aws_api_gateway_deployment.canary",
        (("backend", "green"),),
    )
    assert (legacy.name, legacy.deployment_id) == ("legacy", "aws_api_gateway_deployment.legacy")
    assert api.stages_known
    for deployment in api.deployments:
        assert deployment.resources == api.resources
    assert [d.description for d in api.deployments] == ["", "canary build", ""]


def test_shop_http_apis(shop: World) -> None:
    events = http(shop, "events")
    assert [(r.key, r.authorization_type, r.authorizer_id, r.target) for r in events.routes] == [
        ("GET /events", "NONE", None, "integrations/${aws_apigatewayv2_integration.events.id}"),
        (
            "POST /events",
            "JWT",
            "aws_apigatewayv2_authorizer.jwt",
            "integrations/${aws_apigatewayv2_integration.events.id}",
        ),
    ]
    assert [(s.name, s.deployment_id, s.auto_deploy) for s in events.stages] == [
        ("prod", "aws_apigatewayv2_deployment.events", False),
        ("$default", None, True),
    ]
    (deployment,) = events.deployments
    assert deployment.routes == events.routes
    assert events.cors is not None
    assert (events.cors.allow_origins, events.cors.allow_methods) == (("https://shop.example.com",), ("GET", "POST"))
    (jwt,) = events.authorizers
    assert (jwt.name, jwt.type, jwt.identity_sources) == ("cognito", "JWT", ("$request.header.Authorization",))
    quick = http(shop, "quick")
    assert [(r.key, r.target) for r in quick.routes] == [("$default", "${data.aws_lambda_function.backend.arn}")]
    assert [(s.name, s.auto_deploy) for s in quick.stages] == [("$default", True)]
    assert "socket" not in [a.name for a in shop.apis]


def test_shop_domains_and_mappings(shop: World) -> None:
    edge = shop.domain("shop.example.com")
    regional = shop.domain("events.example.com")
    assert edge is not None and regional is not None
    assert (edge.endpoint_type, edge.region) == ("EDGE", "us-east-1")
    assert [(m.base_path, m.api_id, m.stage, m.source) for m in edge.mappings] == [
        ("", "aws_api_gateway_rest_api.shop", None, "v1")
    ]
    assert (regional.endpoint_type, regional.region) == ("REGIONAL", "eu-central-1")
    assert [(m.base_path, m.api_id, m.stage, m.source) for m in regional.mappings] == [
        ("events/v2", "aws_apigatewayv2_api.events", "prod", "v2"),
        ("catalog", "aws_api_gateway_rest_api.catalog", "v1", "v2"),
    ]


SHOP_NOTES = [
    "aws_api_gateway_resource.extra (",
    "count = var.extra_count is not known before apply",
    "module.network (",
    "only local modules (./ or ../) are read",
    "aws_api_gateway_resource.orphan (",
    "rest_api_id = data.aws_api_gateway_rest_api.existing.id names no API of this configuration",
    'protocol_type = "WEBSOCKET": only HTTP APIs are read',
    "parent_id = module.network.root_resource_id is not a resource of this API",
    "body: data.aws_lambda_function.backend is a data source, read by Terraform",
]


@pytest.mark.parametrize("fragment", SHOP_NOTES)
def test_shop_what_stays_symbolic_is_noted(shop: World, fragment: str) -> None:
    notes = list(shop.notes) + [n for a in shop.apis for n in a.notes]
    assert any(fragment in n for n in notes), notes


# -- origins: file, resource address, line of the block --------------------------------------------------------

ORIGINS = [
    # (file, address, the line's text)
    ("main.tf", "aws_api_gateway_rest_api.shop", 'resource "aws_api_gateway_rest_api" "shop"'),
    ("main.tf", "aws_api_gateway_method.get_item", 'resource "aws_api_gateway_method" "get_item"'),
    ("main.tf", "aws_api_gateway_method.version[1]", 'resource "aws_api_gateway_method" "version"'),
    ("http.tf", 'aws_apigatewayv2_route.routes["POST /events"]', 'resource "aws_apigatewayv2_route" "routes"'),
    ("domains.tf", "aws_apigatewayv2_api_mapping.catalog", 'resource "aws_apigatewayv2_api_mapping" "catalog"'),
    ("modules/admin/main.tf", "module.admin.aws_api_gateway_method.admin", 'resource "aws_api_gateway_method" "admin"'),
]


@pytest.mark.parametrize(("file", "address", "text"), ORIGINS, ids=[o[1] for o in ORIGINS])
def test_origins_carry_file_address_and_line(shop_config: TerraformConfig, file: str, address: str, text: str) -> None:
    resource = shop_config.resource(address)
    assert resource is not None
    assert resource.origin.source == str(SHOP / file)
    assert resource.origin.pointer == address
    assert resource.origin.line == line_of(SHOP / file, text)


def test_model_objects_keep_their_origins(shop: World) -> None:
    api = rest(shop, "shop-live")
    get_item = method(api, "/items/{itemId}", "GET")
    line = line_of(SHOP / "main.tf", '"aws_api_gateway_method" "get_item"')
    assert str(get_item.origin) == f"{SHOP / 'main.tf'}:{line}#aws_api_gateway_method.get_item"
    assert api.stages[0].origin.line == line_of(SHOP / "main.tf", 'resource "aws_api_gateway_stage" "live"')
    edge = shop.domain("shop.example.com")
    assert edge is not None
    assert edge.mappings[0].origin.line == line_of(SHOP / "domains.tf", '"aws_api_gateway_base_path_mapping" "shop"')


def test_jsonencode_body_objects_sit_at_the_line_of_their_key(shop: World) -> None:
    catalog = rest(shop, "catalog")
    get = method(catalog, "/products", "GET")
    assert get.origin.source == str(SHOP / "bodies.tf")
    assert get.origin.pointer == "aws_api_gateway_rest_api.catalog/body/paths/~1products/get"
    assert get.origin.line == line_of(SHOP / "bodies.tf", "get = {")
    delete = method(catalog, "/products/{id}", "DELETE")
    assert delete.origin.line == line_of(SHOP / "bodies.tf", "delete = {")


def test_file_body_objects_sit_in_the_file(shop: World) -> None:
    get = method(rest(shop, "library"), "/api/books", "GET")
    assert (get.origin.source, get.origin.pointer) == (str(SHOP / "library-swagger.json"), "/paths/~1books/get")


# -- the typed resources behind the model (what `check` reads) ---------------------------------------------------


def test_deployment_triggers_depends_on_and_lifecycle(shop_config: TerraformConfig) -> None:
    deployment = shop_config.resource("aws_api_gateway_deployment.shop")
    assert deployment is not None
    triggers = deployment.argument("triggers")
    assert triggers is not None
    assert triggers.references == (
        "aws_api_gateway_resource.proxy",
        "aws_api_gateway_method.proxy",
        "aws_api_gateway_integration.proxy",
        "aws_api_gateway_method.list_items",
    )
    assert triggers.line == line_of(SHOP / "main.tf", "triggers = {")
    assert isinstance(triggers.value, dict) and isinstance(triggers.value["redeployment"], Unknown)
    assert deployment.depends_on == ("aws_api_gateway_integration.proxy", "aws_api_gateway_integration.list_items")
    assert deployment.create_before_destroy is True
    canary = shop_config.resource("aws_api_gateway_deployment.canary")
    assert canary is not None
    assert (canary.argument("triggers"), canary.create_before_destroy, canary.depends_on) == (None, None, ())
    catalog = shop_config.resource("aws_api_gateway_deployment.catalog")
    assert catalog is not None and catalog.argument("triggers") is not None
    assert catalog.argument("triggers").references == ("aws_api_gateway_rest_api.catalog",)  # type: ignore[union-attr]


def test_typed_resources_in_order_with_instances(shop_config: TerraformConfig) -> None:
    methods = [r.address for r in shop_config.of_type("aws_api_gateway_method")]
    assert methods == [
        "aws_api_gateway_method.proxy",
        "aws_api_gateway_method.list_items",
        "aws_api_gateway_method.get_item",
        "aws_api_gateway_method.version[0]",
        "aws_api_gateway_method.version[1]",
        "module.admin.aws_api_gateway_method.admin",
    ]
    version = shop_config.resource("aws_api_gateway_method.version[1]")
    assert version is not None
    assert (version.index, version.module, version.value("resource_id")) == (
        1,
        "",
        Ref("aws_api_gateway_resource.version[1]", "id"),
    )
    admin = shop_config.resource("module.admin.aws_api_gateway_method.admin")
    assert admin is not None and admin.module == "module.admin"
    assert admin.value("rest_api_id") == Ref("aws_api_gateway_rest_api.shop", "id")


# -- expressions: what resolves, what stays symbolic ------------------------------------------------------------

PRELUDE = """
variable "with_default" {
  default = "d"
}
variable "no_default" {}
variable "flag" {
  default = true
}
locals {
  name    = "shop"
  cycle_a = local.cycle_b
  cycle_b = local.cycle_a
}
module "remote" {
  source = "git::https://example.com/modules.git"
}
resource "aws_api_gateway_stage" "s" {
  stage_name = "prod"
}
resource "aws_apigatewayv2_stage" "v2" {
  name = "$default"
}
resource "aws_lambda_function" "f" {
  function_name = "f"
}
"""

EXPRESSIONS: list[tuple[str, str, Value]] = [
    ("literal", '"plain"', "plain"),
    ("number", "42", 42),
    ("variable default", '"${var.with_default}-x"', "d-x"),
    ("local", "local.name", "shop"),
    ("function", 'upper("a")', "A"),
    ("jsonencode", "jsonencode({a = 1, b = [true, null]})", '{"a":1,"b":[true,null]}'),
    ("conditional", 'var.flag ? "yes" : "no"', "yes"),
    ("arithmetic", "1 + 2 * 3", 7),
    ("format", 'format("%s-%d", "a", 2)', "a-2"),
    ("merge", "merge({a = 1}, {b = 2})", {"a": 1, "b": 2}),
    ("escaped interpolation", '"$${literal}"', "${literal}"),
    ("escapes", r'"a\"b\n\u00e9"', 'a"b\né'),
    (
        "object keys: bare, quoted, expression",
        '{ get = 1, "/p" = 2, (local.name) = 3 }',
        {"get": 1, "/p": 2, "shop": 3},
    ),
    ("index and negative", "[10, 20, 30][1] - -1", 21),
    ("heredoc", "<<-EOT\n    x ${var.with_default}\n    EOT", "x d\n"),
    ("configured argument of a resource", "aws_api_gateway_stage.s.stage_name", "prod"),
    ("HTTP API stage id is its name", "aws_apigatewayv2_stage.v2.id", "$default"),
    ("computed attribute", "aws_lambda_function.f.invoke_arn", Ref("aws_lambda_function.f", "invoke_arn")),
    ("file()", 'file("data.txt")', "hello\n"),
    ("templatefile()", 'templatefile("${path.module}/t.tftpl", { who = "you" })', "hi you\n"),
    ("try() falls back", 'try(data.aws_region.current.name, "fallback")', "fallback"),
]

SYMBOLIC: list[tuple[str, str, str]] = [
    ("variable without default", "var.no_default", "has no default"),
    ("data source", "data.aws_region.current.name", "is a data source"),
    ("remote module output", "module.remote.api_id", "only local modules are"),
    ("for expression", '[for s in ["a"] : upper(s)]', "a for expression is not evaluated"),
    ("unknown function", "timestamp()", "timestamp() is not evaluated"),
    ("undeclared resource", "aws_api_gateway_rest_api.nope.id", "is not declared"),
    ("cycle", "local.cycle_a", "cycle"),
    ("missing file", 'file("missing.json")', "no such file"),
    ("malformed YAML", 'yamldecode("a: [")', "yamldecode() failed: not YAML"),
    ("element of an empty list", "element([], 0)", "element() failed"),
    ("template variable not passed", 'templatefile("t.tftpl", {})', "which templatefile() does not pass"),
]


def evaluated(tmp_path: Path, expr: str) -> Value:
    write(tmp_path, {"main.tf": PRELUDE + f'resource "aws_api_gateway_rest_api" "t" {{\n  name = {expr}\n}}\n'})
    write(tmp_path, {"data.txt": "hello\n", "t.tftpl": "hi ${who}\n"})
    resource = read_terraform(str(tmp_path)).resource("aws_api_gateway_rest_api.t")
    assert resource is not None
    return resource.value("name")


@pytest.mark.parametrize(("title", "expr", "expected"), EXPRESSIONS, ids=[e[0] for e in EXPRESSIONS])
def test_expressions_resolve(tmp_path: Path, title: str, expr: str, expected: Value) -> None:
    assert evaluated(tmp_path, expr) == expected


@pytest.mark.parametrize(("title", "expr", "reason"), SYMBOLIC, ids=[e[0] for e in SYMBOLIC])
def test_expressions_stay_symbolic_with_a_reason(tmp_path: Path, title: str, expr: str, reason: str) -> None:
    value = evaluated(tmp_path, expr)
    assert isinstance(value, Unknown), value
    assert reason in value.reason


def test_partly_known_template_keeps_its_known_text(tmp_path: Path) -> None:
    value = evaluated(tmp_path, '"arn:${aws_lambda_function.f.arn}/*"')
    assert isinstance(value, Unknown)
    assert text_of(value) == "arn:${aws_lambda_function.f.arn}/*"


def test_dynamic_blocks_are_noted_not_guessed(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'resource "aws_api_gateway_rest_api" "a" {\n  name = "a"\n'
            '  dynamic "endpoint_configuration" {\n    for_each = var.types\n'
            "    content {\n      types = endpoint_configuration.value\n    }\n  }\n}\n"
        },
    )
    resource = read_terraform(str(tmp_path)).resource("aws_api_gateway_rest_api.a")
    assert resource is not None
    value = resource.value("endpoint_configuration")
    assert isinstance(value, Unknown) and "not expanded" in value.reason
    world = load([str(tmp_path)])
    assert any("aws_api_gateway_rest_api.a (" in n and 'dynamic "endpoint_configuration"' in n for n in world.notes)


def test_a_body_known_only_after_apply_is_noted(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'resource "aws_api_gateway_rest_api" "a" {\n'
            '  name = "a"\n  body = data.http.spec.response_body\n}\n'
        },
    )
    world = load([str(tmp_path)])
    assert [r.path for r in rest(world, "a").resources] == ["/"]
    (note,) = [n for n in rest(world, "a").notes if "body" in n]
    assert note == (
        f"aws_api_gateway_rest_api.a ({tmp_path / 'main.tf'}:1): body = data.http.spec.response_body cannot be read "
        "(data.http.spec is a data source, read by Terraform): its routes are not seen"
    )


def test_tfvars_override_defaults(tmp_path: Path) -> None:
    write(tmp_path, {"terraform.tfvars": 'with_default = "from-tfvars"\n', "x.auto.tfvars": "flag = false\n"})
    assert evaluated(tmp_path, '"${var.with_default}-${var.flag}"') == "from-tfvars-false"


REGIONS = [
    ("literal", 'provider "aws" {\n  region = "ap-south-1"\n}\n', "ap-south-1", None),
    ("variable default", 'variable "r" {\n  default = "sa-east-1"\n}\nprovider "aws" {\n  region = var.r\n}\n',
     "sa-east-1", "region = var.r"),
    ("none", "", "us-east-1", "sets no region: us-east-1 is assumed"),
    ("unknown", 'provider "aws" {\n  region = data.x.y.z\n}\n', "us-east-1", "is not known here: us-east-1 is assumed"),
]  # fmt: skip


@pytest.mark.parametrize(("title", "provider", "region", "note"), REGIONS, ids=[r[0] for r in REGIONS])
def test_region_from_the_provider(tmp_path: Path, title: str, provider: str, region: str, note: str | None) -> None:
    write(tmp_path, {"main.tf": provider + 'resource "aws_api_gateway_rest_api" "a" {\n  name = "a"\n}\n'})
    world = load([str(tmp_path)])
    assert world.apis[0].region == region
    region_notes = [n for n in world.notes if "aws provider" in n]
    assert (note is None and not region_notes) or (note is not None and any(note in n for n in region_notes))


INSTANCES = [
    ("count literal", 'count = 2\n  path_part = "p${count.index}"', ["/p0", "/p1"]),
    ("count zero", 'count = 0\n  path_part = "x"', []),
    ("for_each map", 'for_each = { a = "x", b = "y" }\n  path_part = each.value', ["/x", "/y"]),
    ("for_each set", 'for_each = toset(["m", "n"])\n  path_part = each.key', ["/m", "/n"]),
    ("count unknown", 'count = length(data.x.y.ids)\n  path_part = "x"', []),
]


@pytest.mark.parametrize(("title", "body", "paths"), INSTANCES, ids=[i[0] for i in INSTANCES])
def test_count_and_for_each(tmp_path: Path, title: str, body: str, paths: list[str]) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'resource "aws_api_gateway_rest_api" "a" {\n  name = "a"\n}\n'
            'resource "aws_api_gateway_resource" "r" {\n  rest_api_id = aws_api_gateway_rest_api.a.id\n'
            f"  parent_id = aws_api_gateway_rest_api.a.root_resource_id\n  {body}\n}}\n"
        },
    )
    world = load([str(tmp_path)])
    assert [r.path for r in rest(world, "a").resources if r.path != "/"] == paths
    if title == "count unknown":
        assert any("aws_api_gateway_resource.r (" in n and "skipped" in n for n in world.notes)


# -- plans and states -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan() -> World:
    return load([str(DATA / "plan.json")])


@pytest.fixture(scope="module")
def state() -> World:
    return load([str(DATA / "state.json")])


def test_plan_new_api_is_named_by_address_with_links_from_configuration(plan: World) -> None:
    api = rest(plan, "orders")
    assert (api.id, api.id_known, api.region) == ("aws_api_gateway_rest_api.orders", False, "ap-southeast-2")
    assert [r.path for r in api.resources] == ["/", "/orders", "/orders/{orderId}"]
    list_orders = method(api, "/orders", "GET")
    assert (list_orders.integration_type, list_orders.integration_uri) == (
        "AWS_PROXY",
        "${aws_lambda_function.orders.invoke_arn}",
    )
    assert method(api, "/orders/{orderId}", "GET").api_key_required
    assert [(s.name, s.deployment_id, s.variables) for s in api.stages] == [
        ("prod", "aws_api_gateway_deployment.orders", (("table", "orders"),))
    ]
    (deployment,) = api.deployments
    assert deployment.resources == api.resources
    assert list_orders.origin.source == str(DATA / "plan.json")
    assert list_orders.origin.pointer == "aws_api_gateway_method.list_orders"
    assert list_orders.origin.line == line_of(DATA / "plan.json", '"address": "aws_api_gateway_method.list_orders"')
    status = method(rest(plan, "public"), "/status", "GET")
    assert status.origin.pointer == "module.public.aws_api_gateway_method.get_status"
    assert status.origin.line == line_of(
        DATA / "plan.json", '"address": "module.public.aws_api_gateway_method.get_status"'
    )
    assert any("is a Terraform plan" in n for n in plan.notes)


def test_plan_existing_api_in_a_child_module_keeps_real_ids(plan: World) -> None:
    api = rest(plan, "public")
    assert (api.id, api.id_known, api.region, api.account) == ("k7t2x9q4w1", True, "ap-southeast-2", "210987654321")
    assert [(r.path, r.id) for r in api.resources] == [("/", "r00t1d"), ("/health", "h3a1th"), ("/status", None)]
    (deployment,) = api.deployments
    assert (deployment.id, deployment.resources) == ("dep001", None)
    assert any("not (re)created by this plan" in n for n in api.notes)
    assert api.stages[0].deployment_id == "dep001"


def test_state_real_ids_regions_accounts_and_domains(state: World) -> None:
    api = rest(state, "petstore")
    assert (api.id, api.id_known, api.region, api.account) == ("a1b2c3d4e5", True, "eu-west-1", "123456789012")
    assert [(r.path, r.id) for r in api.resources] == [
        ("/", "rt0001"),
        ("/pets", "ps0001"),
        ("/pets/{petId}", "pt0001"),
    ]
    assert method(api, "/pets/{petId}", "DELETE").authorization_type == "AWS_IAM"
    assert [(d.id, d.resources) for d in api.deployments] == [("dpl001", None)]
    assert [(s.name, s.deployment_id) for s in api.stages] == [("prod", "dpl001")]
    orders = http(state, "orders")
    assert (orders.id, orders.id_known, [r.key for r in orders.routes]) == (
        "q8w7e6r5t4",
        True,
        ["GET /orders/{orderId}"],
    )
    domain = state.domain("api.example.com")
    assert domain is not None
    assert [(m.base_path, m.api_id, m.stage, m.source) for m in domain.mappings] == [
        ("v1", "a1b2c3d4e5", "prod", "v1"),
        ("orders", "q8w7e6r5t4", "$default", "v2"),
    ]


def test_raw_tfstate_file(tmp_path: Path) -> None:
    raw = {
        "version": 4,
        "terraform_version": "1.7.5",
        "serial": 3,
        "lineage": "0c6a4b2e-7d1f-4c3a-9e8b-5f2d1a0b9c8d",
        "outputs": {},
        "resources": [
            {
                "mode": "managed",
                "type": "aws_api_gateway_rest_api",
                "name": "main",
                "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
                "instances": [
                    {
                        "schema_version": 0,
                        "attributes": {
                            "id": "z9y8x7w6v5",
                            "name": "raw",
                            "root_resource_id": "rootzz",
                            "execution_arn": "arn:aws:execute-api:us-west-2:111122223333:z9y8x7w6v5",
                        },
                    }
                ],
            },
            {
                "mode": "managed",
                "type": "aws_api_gateway_resource",
                "name": "items",
                "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
                "instances": [
                    {
                        "index_key": 0,
                        "attributes": {
                            "id": "it0000",
                            "parent_id": "rootzz",
                            "path_part": "items",
                            "rest_api_id": "z9y8x7w6v5",
                        },
                    }
                ],
            },
        ],
    }
    path = tmp_path / "terraform.tfstate"
    path.write_text(json.dumps(raw))
    api = rest(load([str(path)]), "raw")
    assert (api.id, api.region, [r.path for r in api.resources]) == ("z9y8x7w6v5", "us-west-2", ["/", "/items"])
    config = read_terraform(str(path))
    assert config.kind == "state"
    assert [r.address for r in config.resources] == [
        "aws_api_gateway_rest_api.main",
        "aws_api_gateway_resource.items[0]",
    ]


def test_detection(tmp_path: Path) -> None:
    assert detect_kind(read_document(str(DATA / "plan.json"))) == TERRAFORM
    assert detect_kind(read_document(str(DATA / "state.json"))) == TERRAFORM
    assert is_terraform_path(str(SHOP)) and is_terraform_path(str(SHOP / "main.tf"))
    assert is_terraform_path(str(tmp_path / "not-yet.tf"))
    assert not is_terraform_path(str(tmp_path)) and not is_terraform_path(str(DATA / "plan.json"))
    assert read_terraform(str(DATA / "plan.json")).kind == "plan"


# -- errors: one clear line with a location, never a traceback --------------------------------------------------

ERRORS: list[tuple[str, dict[str, str | bytes], str, str]] = [
    # (title, files, location suffix (relative to the directory), message fragment)
    ("syntax error", {"main.tf": 'resource "a" "b" {\n  x = \n}\n'}, "main.tf:2:7", "malformed HCL: unexpected"),
    ("unclosed block", {"main.tf": 'resource "a" "b" {\n  x = 1\n'}, "main.tf:3:1", "unexpected end of file"),
    ("unclosed string", {"main.tf": 'locals {\n  a = "x\n}\n'}, "main.tf:2:", "malformed HCL"),
    ("binary", {"main.tf": b"\x00\x01resource"}, "main.tf", "binary data"),
    ("not UTF-8", {"main.tf": b'locals {\n  a = "\xff"\n}\n'}, "main.tf", "not UTF-8"),
    (
        "declared twice",
        {
            "a.tf": 'resource "aws_api_gateway_rest_api" "x" {}\n',
            "b.tf": 'resource "aws_api_gateway_rest_api" "x" {}\n',
        },
        "b.tf:1",
        "resource aws_api_gateway_rest_api.x is declared twice (also at",
    ),
    (
        "bad HTTP method",
        {
            "main.tf": 'resource "aws_api_gateway_rest_api" "a" {}\nresource "aws_api_gateway_method" "m" {\n'
            "  rest_api_id = aws_api_gateway_rest_api.a.id\n"
            "  resource_id = aws_api_gateway_rest_api.a.root_resource_id\n"
            '  http_method = "GIT"\n  authorization = "NONE"\n}\n'
        },
        "main.tf:2#aws_api_gateway_method.m",
        "http_method 'GIT' is not one of",
    ),
    (
        "two variable siblings",
        {
            "main.tf": 'resource "aws_api_gateway_rest_api" "a" {}\n'
            + "".join(
                f'resource "aws_api_gateway_resource" "{n}" {{\n  rest_api_id = aws_api_gateway_rest_api.a.id\n'
                f'  parent_id = aws_api_gateway_rest_api.a.root_resource_id\n  path_part = "{{{n}}}"\n}}\n'
                for n in ("id", "name")
            )
        },
        "main.tf:7#aws_api_gateway_resource.name",
        "two variable siblings under /",
    ),
    (
        "malformed body file",
        {
            "main.tf": 'resource "aws_api_gateway_rest_api" "a" {\n  body = file("api.json")\n}\n',
            "api.json": '{"openapi": "3.0.1",\n  "paths": {,}}\n',
        },
        "api.json:2:13",
        "malformed JSON",
    ),
    (
        "body is not OpenAPI",
        {"main.tf": 'resource "aws_api_gateway_rest_api" "a" {\n  body = jsonencode({ hello = "world" })\n}\n'},
        "main.tf:1#aws_api_gateway_rest_api.a/body",
        "not an OpenAPI 3 or Swagger 2 definition",
    ),
    (
        "bad path in a jsonencode body",
        {
            "main.tf": 'resource "aws_api_gateway_rest_api" "a" {\n  body = jsonencode({\n    openapi = "3.0.1"\n'
            '    paths = {\n      "/a b" = {}\n    }\n  })\n}\n'
        },
        "main.tf:5#aws_api_gateway_rest_api.a/body/paths/~1a b",
        "has characters AWS rejects",
    ),
    (
        "malformed tfvars.json",
        {"main.tf": "", "terraform.tfvars.json": "{oops"},
        "terraform.tfvars.json:1:2",
        "malformed JSON",
    ),
    (
        "unclosed interpolation in a heredoc",
        {"main.tf": "locals {\n  a = <<EOT\n${x\nEOT\n}\n"},
        "main.tf:3",
        "never closed",
    ),
]


@pytest.mark.parametrize(("title", "files", "where", "message"), ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_are_located(
    tmp_path: Path, title: str, files: dict[str, str | bytes], where: str, message: str
) -> None:
    write(tmp_path, files)
    with pytest.raises(InputError) as info:
        load([str(tmp_path)])
    assert info.value.location is not None
    assert info.value.location.startswith(str(tmp_path / where)), info.value.location
    assert message in info.value.message, info.value.message


def test_missing_file_and_directory_without_tf_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load([str(tmp_path / "main.tf")])
    with pytest.raises(InputError, match=r"no \.tf files"):
        read_terraform(str(tmp_path))


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "main.tf"
    path.write_text("locals {}\n")
    path.chmod(0)
    try:
        with pytest.raises(InputError, match="permission denied"):
            load([str(path)])
    finally:
        path.chmod(0o644)


def test_plan_of_the_wrong_shape_is_located(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(
        json.dumps(
            {
                "format_version": "1.2",
                "terraform_version": "1.7.5",
                "planned_values": {"root_module": {"resources": {}}},
            }
        )
    )
    with pytest.raises(InputError) as info:
        load([str(path)])
    assert info.value.location == f"{path}#/planned_values/root_module/resources"


# -- robustness: big modules, runaway counts, cycles --------------------------------------------------------------


def big_module(n: int) -> str:
    parts = ['resource "aws_api_gateway_rest_api" "big" {\n  name = "big"\n}\n']
    for i in range(n):
        parent = (
            "aws_api_gateway_rest_api.big.root_resource_id"
            if i % 10 == 0
            else f"aws_api_gateway_resource.r{i - i % 10}.id"
        )
        parts.append(
            f'resource "aws_api_gateway_resource" "r{i}" {{\n  rest_api_id = aws_api_gateway_rest_api.big.id\n'
            f'  parent_id = {parent}\n  path_part = "p{i}"\n}}\n'
            f'resource "aws_api_gateway_method" "m{i}" {{\n  rest_api_id = aws_api_gateway_rest_api.big.id\n'
            f'  resource_id = aws_api_gateway_resource.r{i}.id\n  http_method = "GET"\n  authorization = "NONE"\n}}\n'
        )
    return "".join(parts)


def test_a_module_of_300_resources_loads(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": big_module(150)})
    config = read_terraform(str(tmp_path))
    assert len(config.resources) == 301
    api = rest(load([str(tmp_path)]), "big")
    assert len(api.resources) == 151
    assert api.resource("/p10/p15") is not None


def test_runaway_count_and_reference_cycles_end_with_notes(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": "locals {\n  a = local.b\n  b = local.a\n}\n"
            'resource "aws_api_gateway_rest_api" "x" {\n  name = local.a\n}\n'
            'resource "aws_api_gateway_resource" "many" {\n  count = 100000000\n'
            "  rest_api_id = aws_api_gateway_rest_api.x.id\n"
            '  parent_id = aws_api_gateway_rest_api.x.root_resource_id\n  path_part = "m"\n}\n'
            'module "self" {\n  source = "./"\n}\n'
        },
    )
    world = load([str(tmp_path)])
    assert [r.path for r in rest(world, "x").resources] == ["/"]
    assert any("more than 5000 is not expanded" in n for n in world.notes)
    assert any("is a module that calls it" in n for n in world.notes)


def test_hcl2_is_not_imported_until_a_tf_file_is_read() -> None:
    code = (
        "import sys\n"
        "import apigw_doctor.cli, apigw_doctor.sources, apigw_doctor.sources.terraform\n"
        "assert 'hcl2' not in sys.modules and 'lark' not in sys.modules, 'imported too early'\n"
        f"apigw_doctor.sources.load([{str(EXAMPLE / 'main.tf')!r}])\n"
        "assert 'hcl2' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# -- end to end: the CLI on the example module, the fixtures, a plan and a state ---------------------------------

EXECUTE_API = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
CLI_CASES = [
    # (title, source, method, url, verdict)
    ("root beside {proxy+}", EXAMPLE, "GET", "https://api.example.com/", "PROXY_PARENT_NOT_COVERED"),
    ("through the proxy", EXAMPLE, "GET", "https://api.example.com/anything/else", "MATCHED"),
    ("a method", EXAMPLE, "GET", "https://api.example.com/pets/7", "MATCHED"),
    ("IAM unsigned", EXAMPLE, "DELETE", "https://api.example.com/pets/7", "IAM_UNSIGNED"),
    ("API key", EXAMPLE, "POST", "https://api.example.com/pets", "API_KEY_MISSING"),
    ("HTTP API, multi-level mapping", EXAMPLE, "GET", "https://api.example.com/shop/v1/orders/7", "MATCHED"),
    ("JWT route, no token", EXAMPLE, "POST", "https://api.example.com/shop/v1/orders", "AUTHORIZER_IDENTITY_MISSING"),
    ("stage left out", EXAMPLE / "main.tf", "GET", f"{EXECUTE_API}/pets", "STAGE_MISSING"),
    ("stage case", EXAMPLE / "main.tf", "GET", f"{EXECUTE_API}/Prod/pets", "STAGE_UNKNOWN"),
    ("stage root", EXAMPLE / "main.tf", "GET", f"{EXECUTE_API}/prod/", "PROXY_PARENT_NOT_COVERED"),
    ("works", EXAMPLE / "main.tf", "GET", f"{EXECUTE_API}/prod/pets", "MATCHED"),
    ("shop: stage after a (none) mapping", SHOP, "GET", "https://shop.example.com/live/items", "MATCHED"),
    ("shop: module method, unsigned", SHOP, "GET", "https://shop.example.com/live/admin", "IAM_UNSIGNED"),
    ("shop: body-defined IAM method", SHOP, "DELETE", "https://events.example.com/catalog/products/1", "IAM_UNSIGNED"),
    ("shop: HTTP API stage", SHOP, "GET", "https://events.example.com/events/v2/events", "MATCHED"),
    ("plan: new API, bound", DATA / "plan.json", "GET",
     "https://n3wap1d000.execute-api.ap-southeast-2.amazonaws.com/prod/orders", "MATCHED"),
    ("plan: existing API by id", DATA / "plan.json", "GET",
     "https://k7t2x9q4w1.execute-api.ap-southeast-2.amazonaws.com/live/health", "MATCHED"),
    ("state: base path mapping", DATA / "state.json", "GET", "https://api.example.com/v1/pets", "MATCHED"),
    ("state: typo", DATA / "state.json", "GET", f"{EXECUTE_API}/prod/pest", "RESOURCE_NOT_FOUND"),
    ("state: HTTP API", DATA / "state.json", "GET", "https://q8w7e6r5t4.execute-api.eu-west-1.amazonaws.com/orders/7",
     "MATCHED"),
]  # fmt: skip


@pytest.mark.parametrize(("title", "source", "verb", "url", "verdict"), CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_cli_diagnose(title: str, source: Path, verb: str, url: str, verdict: str) -> None:
    code, out, err = run("diagnose", url, "-X", verb, "--source", str(source), "--format", "json")
    assert err == ""
    report = json.loads(out)
    assert report["verdict"] == verdict, [(f["code"], f["message"]) for f in report["findings"]]
    assert code == (0 if verdict == "MATCHED" else 1)


def test_cli_text_names_the_terraform_file_and_line() -> None:
    code, out, _ = run("diagnose", "https://api.example.com/", "--source", str(EXAMPLE), "--color", "never")
    assert code == 1
    assert "PROXY_PARENT_NOT_COVERED" in out
    line = line_of(EXAMPLE / "main.tf", 'resource "aws_api_gateway_rest_api"')
    assert f"{EXAMPLE / 'main.tf'}:{line}" in out
    assert "Terraform configuration, read as it would be applied" in " ".join(out.split())


def test_cli_broken_tf_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "main.tf"
    path.write_text('resource "aws_api_gateway_rest_api" "a" {\n  name = \n}\n')
    code, out, err = run("diagnose", f"{EXECUTE_API}/prod/", "--source", str(path))
    assert (code, out) == (2, "")
    assert err.strip() == f"apigw-doctor: error: {path}:2:10: malformed HCL: unexpected '}}' (expected a value)"


def test_typed_resources_are_plain_dataclasses() -> None:
    config = read_terraform(str(EXAMPLE))
    assert all(isinstance(r, TfResource) for r in config.resources)
    assert config.kind == "hcl" and config.source == str(EXAMPLE)


def test_public_names() -> None:
    import apigw_doctor.sources.terraform as terraform

    assert sorted(terraform.__all__) == [
        "API_TYPES",
        "Argument",
        "FileText",
        "Ref",
        "TerraformConfig",
        "TfResource",
        "Unknown",
        "Value",
        "is_terraform_json",
        "is_terraform_path",
        "load_terraform",
        "load_terraform_json",
        "read_terraform",
        "to_world",
    ]
    assert all(hasattr(terraform, name) for name in terraform.__all__)
