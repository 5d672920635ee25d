"""The snapshot format: round trips, strict reading, the JSON Schema, atomic writes."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from pathlib import Path

import jsonschema
import pytest

from apigw_doctor import model
from apigw_doctor.errors import InputError
from apigw_doctor.model import (
    NO_ORIGIN,
    Authorizer,
    Canary,
    Cors,
    DomainName,
    GatewayResponse,
    HttpApi,
    HttpDeployment,
    Mapping,
    Method,
    Origin,
    Resource,
    RestApi,
    RestDeployment,
    Route,
    Stage,
    World,
)
from apigw_doctor.sources import (
    dumps_world,
    load,
    load_snapshot,
    snapshot_schema,
    world_from_dict,
    world_to_dict,
    write_snapshot,
)
from apigw_doctor.sources.snapshot_format import FIELDS, REQUIRED

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SCHEMA = json.loads((ROOT / "src" / "apigw_doctor" / "data" / "snapshot.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def strip_origins(value: object) -> object:
    """The same objects with every origin cleared (snapshots re-locate origins to the snapshot file)."""
    if isinstance(value, tuple):
        return tuple(strip_origins(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: strip_origins(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if "origin" in changes:
            changes["origin"] = NO_ORIGIN
        return dataclasses.replace(value, **changes)
    return value


def full_world() -> World:
    """A World with every field of every object set to something other than its default."""
    o = Origin("live", "/x", 3)
    method = Method(
        http_method="GET",
        authorization_type="CUSTOM",
        api_key_required=True,
        integration_type="AWS",
        authorizer_id="tok",
        integration_uri="arn:aws:apigateway:eu-west-1:lambda:path/fn",
        origin=o,
    )
    resources = (
        Resource(path="/", id="root1", origin=o),
        Resource(path="/pets", methods=(method, Method(http_method="ANY", origin=o)), id="r2", origin=o),
        Resource(path="/pets/{id}", id="r3", methods=(Method(http_method="DELETE", authorization_type="AWS_IAM"),)),
        Resource(
            path="/pets/{id}/{proxy+}",
            id="r4",
            methods=(
                Method(
                    http_method="PATCH",
                    authorization_type="COGNITO_USER_POOLS",
                    integration_type="MOCK",
                    authorizer_id="pool",
                ),
            ),
        ),
    )
    rest = RestApi(
        id="a1b2c3d4e5",
        name="petstore",
        region="eu-west-1",
        account="123456789012",
        endpoint_type="PRIVATE",
        disable_execute_api_endpoint=True,
        api_key_source="AUTHORIZER",
        vpc_endpoint_ids=("vpce-1", "vpce-2"),
        resources=resources,
        deployments=(
            RestDeployment(
                id="d1", resources=resources[:2], description="first", created="2024-01-01T00:00:00Z", origin=o
            ),
            RestDeployment(id="d2", resources=None),
            RestDeployment(id="d3", resources=()),
        ),
        stages=(
            Stage(
                name="prod",
                deployment_id="d1",
                variables=(("b", "2"), ("a", "1")),
                canary=Canary(percent=12.5, deployment_id="d2", stage_variable_overrides=(("a", "9"),)),
                auto_deploy=True,
                last_deployment_status="ok",
                origin=o,
            ),
            Stage(name="none-yet", deployment_id=None),
        ),
        stages_known=False,
        gateway_responses=(
            GatewayResponse(
                type="MISSING_AUTHENTICATION_TOKEN",
                status=404,
                templates=(("application/json", '{"m":1}'), ("text/plain", "x")),
                headers=(("Access-Control-Allow-Origin", "'*'"),),
                origin=o,
            ),
            GatewayResponse(type="DEFAULT_4XX"),
        ),
        authorizers=(
            Authorizer(
                id="tok", name="token-auth", type="TOKEN", identity_sources=("method.request.header.X",), origin=o
            ),
            Authorizer(id="pool", name="cognito", type="COGNITO_USER_POOLS"),
            Authorizer(id="req", name="request", type="REQUEST", identity_sources=()),
        ),
        tags=(("team", "pets"), ("env", "prod")),
        origin=o,
        id_known=False,
        source_kind="live",
        notes=("a note", "another"),
    )
    routes = (
        Route(
            key="GET /orders/{id}",
            authorization_type="JWT",
            api_key_required=True,
            authorizer_id="jwt",
            target="integrations/abc",
            origin=o,
        ),
        Route(key="ANY /{proxy+}", authorization_type="AWS_IAM"),
        Route(key="$default", authorization_type="CUSTOM", authorizer_id="lam"),
    )
    http = HttpApi(
        id="h7k2m9p4q1",
        name="orders",
        region="us-east-2",
        account="210987654321",
        disable_execute_api_endpoint=True,
        routes=routes,
        deployments=(
            HttpDeployment(
                id="h1",
                routes=routes[:1],
                status="FAILED",
                auto_deployed=True,
                description="auto",
                created="2024-02-02T00:00:00Z",
                origin=o,
            ),
            HttpDeployment(id="h2"),
        ),
        stages=(Stage(name="$default", deployment_id="h1", auto_deploy=True, last_deployment_status="Failed: x"),),
        stages_known=False,
        cors=Cors(allow_origins=("https://a.example",), allow_methods=("GET",), allow_headers=("x-y",)),
        authorizers=(
            Authorizer(id="jwt", name="jwt", type="JWT", identity_sources=("$request.header.Authorization",)),
            Authorizer(id="lam", name="lam", type="REQUEST", identity_sources=("$request.querystring.t",)),
        ),
        tags=(("k", "v"),),
        origin=o,
        id_known=False,
        source_kind="live",
        notes=("n",),
    )
    domains = (
        DomainName(
            name="api.example.com",
            endpoint_type="EDGE",
            region="eu-west-1",
            origin=o,
            mappings=(
                Mapping(base_path="", api_id="h7k2m9p4q1", stage="$default", source="v2", origin=o),
                Mapping(base_path="orders/v2", api_id="a1b2c3d4e5", stage=None, source="v2"),
            ),
        ),
        DomainName(name="bare.example.com"),
    )
    return World(apis=(rest, http), domains=domains, notes=("world note",))


# -- round trips ---------------------------------------------------------------------------------------


def test_full_world_sets_every_field() -> None:
    """Guard for the round-trip test: every model field is non-default somewhere in ``full_world``."""
    world = full_world()
    seen: dict[type, set[str]] = {}

    def visit(value: object) -> None:
        if isinstance(value, tuple):
            for v in value:
                visit(v)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for f in dataclasses.fields(value):
                v = getattr(value, f.name)
                default = f.default if f.default is not dataclasses.MISSING else None
                if f.default is dataclasses.MISSING or v != default:
                    seen.setdefault(type(value), set()).add(f.name)
                visit(v)

    visit(world)
    for cls, names in seen.items():
        missing = {f.name for f in dataclasses.fields(cls)} - names
        assert not missing, f"{cls.__name__}: set {sorted(missing)} in full_world()"


@pytest.mark.parametrize("world", [full_world(), World()], ids=["full", "empty"])
def test_round_trip_through_dicts_and_text(world: World) -> None:
    data = world_to_dict(world)
    back = world_from_dict(data, "snap.json")
    assert strip_origins(back) == strip_origins(world)
    text = dumps_world(world)
    again = world_from_dict(json.loads(text), "snap.json")
    assert dumps_world(strip_origins(again)) == dumps_world(strip_origins(world))  # type: ignore[arg-type]
    assert text == dumps_world(world)


@pytest.mark.parametrize(
    "name", ["world.json", "petstore-rest-oas30.json", "petstore-rest-swagger.yaml", "orders-http-oas30.json"]
)
def test_round_trip_of_the_examples(name: str) -> None:
    world = load([str(EXAMPLES / name)])
    data = world_to_dict(world)
    VALIDATOR.validate(data)
    assert strip_origins(world_from_dict(data, "x.json")) == strip_origins(world)


def test_reading_gives_snapshot_origins() -> None:
    path = str(EXAMPLES / "world.json")
    world = load_snapshot(path)
    rest, http = world.apis
    assert isinstance(rest, RestApi) and isinstance(http, HttpApi)
    assert rest.origin == Origin(path, "/apis/0")
    assert rest.resources[2].methods[0].origin == Origin(path, "/apis/0/resources/2/methods/0")
    assert rest.deployments[0].resources is not None
    assert rest.deployments[0].resources[1].origin == Origin(path, "/apis/0/deployments/0/resources/1")
    assert rest.stages[0].origin == Origin(path, "/apis/0/stages/0")
    assert http.routes[1].origin == Origin(path, "/apis/1/routes/1")
    assert world.domains[1].mappings[0].origin == Origin(path, "/domains/1/mappings/0")


def test_world_example_content() -> None:
    world = load([str(EXAMPLES / "world.json")])
    rest = world.api("a1b2c3d4e5", "eu-west-1")
    assert isinstance(rest, RestApi)
    prod, dev = rest.stage("prod"), rest.stage("dev")
    assert prod is not None and dev is not None
    assert (prod.deployment_id, dev.deployment_id) == ("d1", "d2")
    assert prod.canary == Canary(percent=10.0, deployment_id="d2")
    d1, d2 = rest.deployment("d1"), rest.deployment("d2")
    assert d1 is not None and d1.resources is not None and d2 is not None and d2.resources is not None
    photos = "/pets/{petId}/photos"
    assert rest.resource(photos) is not None
    assert photos in {r.path for r in d2.resources} and photos not in {r.path for r in d1.resources}
    app = rest.resource("/app")
    assert app is not None and app.methods == ()
    http = world.apis[1]
    assert isinstance(http, HttpApi) and [s.name for s in http.stages] == ["$default"]
    api_domain, legacy = world.domains
    assert [(m.base_path, m.api_id, m.stage) for m in api_domain.mappings] == [
        ("v1", "a1b2c3d4e5", "prod"),
        ("", http.id, "$default"),
    ]
    assert [(m.base_path, m.api_id, m.stage, m.source) for m in legacy.mappings] == [
        ("shop", "a1b2c3d4e5", None, "v1"),
    ]


def test_docs_example_is_a_valid_snapshot(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "snapshot.md").read_text()
    blocks = re.findall(r"```json\n(.*?)```", text, re.S)
    assert blocks, "docs/snapshot.md has a JSON example"
    for block in blocks:
        data = json.loads(block)
        VALIDATOR.validate(data)
        world = world_from_dict(data, "docs.json")
        assert world.apis[0].id == "a1b2c3d4e5"


# -- the vocabulary stays in step: model, reader/writer, schema ----------------------------------------

KINDS = {
    "REST API": RestApi,
    "HTTP API": HttpApi,
    "resource": Resource,
    "method": Method,
    "REST deployment": RestDeployment,
    "route": Route,
    "HTTP deployment": HttpDeployment,
    "stage": Stage,
    "canary": Canary,
    "gateway response": GatewayResponse,
    "authorizer": Authorizer,
    "cors": Cors,
    "domain": DomainName,
    "mapping": Mapping,
    "origin": Origin,
}
SCHEMA_DEFS = {
    "REST API": "rest_api",
    "HTTP API": "http_api",
    "resource": "resource",
    "method": "method",
    "REST deployment": "rest_deployment",
    "route": "route",
    "HTTP deployment": "http_deployment",
    "stage": "stage",
    "canary": "canary",
    "gateway response": "gateway_response",
    "authorizer": "rest_authorizer",
    "cors": "cors",
    "domain": "domain",
    "mapping": "mapping",
    "origin": "origin",
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_fields_mirror_the_model_and_the_schema(kind: str) -> None:
    expected = {f.name for f in dataclasses.fields(KINDS[kind])} | ({"kind"} if kind.endswith("API") else set())
    assert set(FIELDS[kind]) == expected, "a model change needs the snapshot format updated"
    assert set(REQUIRED[kind]) <= FIELDS[kind]
    definition = SCHEMA["$defs"][SCHEMA_DEFS[kind]]
    assert set(definition["properties"]) == set(FIELDS[kind])
    assert set(definition["required"]) == set(REQUIRED[kind])


def test_writer_writes_every_field() -> None:
    data = world_to_dict(full_world())
    assert set(data) == FIELDS["world"]
    rest, http = data["apis"]  # type: ignore[misc]
    assert set(rest) == FIELDS["REST API"] and set(http) == FIELDS["HTTP API"]
    assert set(rest["resources"][1]["methods"][0]) == FIELDS["method"]
    assert set(rest["stages"][0]["canary"]) == FIELDS["canary"]
    assert set(http["deployments"][0]) == FIELDS["HTTP deployment"]


def test_model_exports_are_all_covered() -> None:
    classes = {getattr(model, name) for name in model.__all__ if isinstance(getattr(model, name), type)}
    assert classes - {World} <= set(KINDS.values())


# -- the JSON Schema -----------------------------------------------------------------------------------


def test_schema_is_valid_and_accepts_the_examples() -> None:
    assert snapshot_schema() == SCHEMA
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    VALIDATOR.validate(json.loads((EXAMPLES / "world.json").read_text()))
    VALIDATOR.validate(world_to_dict(full_world()))


def _bad(mutate: str) -> dict[str, object]:
    data = copy.deepcopy(world_to_dict(full_world()))
    exec(mutate, {}, {"d": data})
    return data


BAD = [
    ("del d['format']", "", "missing field 'format' in world"),
    ("d['format'] = 'apigw-doctor/other'", "/format", "expected 'format' to be 'apigw-doctor/world'"),
    ("d['version'] = 2", "/version", "snapshot version 2 is not one this apigw-doctor reads (expected 1)"),
    ("d['extra'] = 1", "/extra", "unknown field 'extra' in world (expected one of: apis, domains, format,"),
    ("d['apis'] = {}", "/apis", "expected a list for 'apis' in world, got a mapping"),
    ("d['apis'][0]['kind'] = 'WEBSOCKET'", "/apis/0/kind", "expected REST or HTTP for 'kind' in an API"),
    ("del d['apis'][0]['kind']", "/apis/0", "missing field 'kind' in an API (REST or HTTP)"),
    ("d['apis'][0] = []", "/apis/0", "expected an API (an object), got a list"),
    ("del d['apis'][0]['id']", "/apis/0", "missing field 'id' in REST API"),
    ("d['apis'][0]['stagez'] = []", "/apis/0/stagez", "unknown field 'stagez' in REST API"),
    ("d['apis'][0]['routes'] = []", "/apis/0/routes", "unknown field 'routes' in REST API"),
    ("d['apis'][0]['id'] = 7", "/apis/0/id", "expected a string for 'id' in REST API, got a number"),
    (
        "d['apis'][0]['account'] = False",
        "/apis/0/account",
        "expected a string or null for 'account' in REST API, got a boolean",
    ),
    (
        "d['apis'][0]['stages_known'] = 'no'",
        "/apis/0/stages_known",
        "expected true or false for 'stages_known' in REST API, got a string",
    ),
    (
        "d['apis'][0]['endpoint_type'] = 'EDGY'",
        "/apis/0/endpoint_type",
        "expected one of EDGE, REGIONAL, PRIVATE for 'endpoint_type' in REST API, got 'EDGY'",
    ),
    ("d['apis'][0]['tags'] = {'a': 1}", "/apis/0/tags/a", "expected a string for 'a' in 'tags' of REST API"),
    ("d['apis'][0]['notes'] = ['a', 2]", "/apis/0/notes/1", "expected a string in 'notes' of REST API, got a number"),
    (
        "d['apis'][0]['resources'][1]['methods'][0]['http_method'] = 'FETCH'",
        "/apis/0/resources/1/methods/0/http_method",
        "expected one of DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, ANY",
    ),
    (
        "d['apis'][0]['resources'][1]['methods'][0]['integration_type'] = 'LAMBDA'",
        "/apis/0/resources/1/methods/0/integration_type",
        "expected one of AWS, AWS_PROXY, HTTP, HTTP_PROXY, MOCK",
    ),
    (
        "d['apis'][0]['resources'][1]['methods'][0]['authorizer_id'] = 'gone'",
        "/apis/0/resources/1/methods/0/authorizer_id",
        "authorizer 'gone' is not in this API's authorizers",
    ),
    (
        "d['apis'][0]['resources'][1]['methods'][1]['http_method'] = 'GET'",
        "/apis/0/resources/1/methods/1",
        "method GET appears twice on /pets",
    ),
    (
        "del d['apis'][0]['resources'][1]",
        "/apis/0/resources/1",
        "resource /pets/{id} has no parent resource /pets (AWS creates every path part as a resource: list it too)",
    ),
    (
        "d['apis'][0]['resources'].append({'path': '/a b'})",
        "/apis/0/resources/4",
        "path segment 'a b' in /a b has characters AWS rejects ( )",
    ),
    (
        "d['apis'][0]['resources'].append({'path': '/pets/{name}'})",
        "/apis/0/resources/4",
        "two variable siblings under /pets: {id} and {name} (AWS allows one)",
    ),
    (
        "d['apis'][0]['resources'].append({'path': '/pets/{id}/{proxy+}/x'})",
        "/apis/0/resources/4",
        "greedy {proxy+} at /pets/{id}/{proxy+} cannot have children",
    ),
    ("d['apis'][0]['resources'].append({'path': '/pets'})", "/apis/0/resources/4", "resource /pets appears twice"),
    ("d['apis'][0]['resources'].append({'path': 'pets2'})", "/apis/0/resources/4", "path 'pets2' must start with '/'"),
    (
        "d['apis'][0]['deployments'][0]['resources'][1]['path'] = '/pets/{x'",
        "/apis/0/deployments/0/resources/1",
        "path segment '{x' in /pets/{x: a variable must be a whole segment",
    ),
    ("d['apis'][0]['deployments'][1]['id'] = 'd1'", "/apis/0/deployments/1", "deployment 'd1' appears twice"),
    (
        "d['apis'][0]['stages'][0]['deployment_id'] = 'd9'",
        "/apis/0/stages/0/deployment_id",
        "stage 'prod' points at deployment 'd9', which is not in this API's deployments",
    ),
    (
        "d['apis'][0]['stages'][0]['canary']['deployment_id'] = 'd9'",
        "/apis/0/stages/0/canary/deployment_id",
        "the canary of stage 'prod' points at deployment 'd9', which is not in this API's deployments",
    ),
    (
        "d['apis'][0]['stages'][0]['canary']['percent'] = 120",
        "/apis/0/stages/0/canary/percent",
        "expected a percentage (a number from 0 to 100) for 'percent' in canary, got 120",
    ),
    ("d['apis'][0]['stages'][0]['canary']['percent'] = True", "/apis/0/stages/0/canary/percent", None),
    (
        "del d['apis'][0]['stages'][0]['canary']['deployment_id']",
        "/apis/0/stages/0/canary",
        "missing field 'deployment_id' in canary",
    ),
    ("d['apis'][0]['stages'][1]['name'] = 'prod'", "/apis/0/stages/1", "stage 'prod' appears twice"),
    (
        "d['apis'][0]['gateway_responses'][0]['status'] = '404'",
        "/apis/0/gateway_responses/0/status",
        "expected an HTTP status (an integer from 100 to 599) or null for 'status' in gateway response, got '404'",
    ),
    (
        "d['apis'][0]['authorizers'][0]['type'] = 'JWT'",
        "/apis/0/authorizers/0/type",
        "expected one of TOKEN, REQUEST, COGNITO_USER_POOLS for 'type' in authorizer, got 'JWT'",
    ),
    ("d['apis'][0]['origin'] = {'source': 1}", "/apis/0/origin/source", "expected a string for 'source' in origin"),
    ("d['apis'][0]['origin']['line'] = 0", "/apis/0/origin/line", "expected a line number"),
    (
        "d['apis'][1]['routes'][0]['key'] = 'FETCH /x'",
        "/apis/1/routes/0",
        "route key 'FETCH /x' must be '$default' or 'METHOD /path'",
    ),
    (
        "d['apis'][1]['routes'][0]['key'] = 'GET /a/{p+}/b'",
        "/apis/1/routes/0",
        "greedy {p+} must be the last segment of an HTTP API route",
    ),
    ("d['apis'][1]['routes'][1]['key'] = '$default'", "/apis/1/routes/2", "route '$default' appears twice"),
    (
        "d['apis'][1]['routes'][0]['authorization_type'] = 'COGNITO_USER_POOLS'",
        "/apis/1/routes/0/authorization_type",
        "expected one of NONE, AWS_IAM, JWT, CUSTOM",
    ),
    (
        "d['apis'][1]['deployments'][0]['status'] = 'DONE'",
        "/apis/1/deployments/0/status",
        "expected one of PENDING, FAILED, DEPLOYED, SUCCEEDED for 'status' in HTTP deployment, got 'DONE'",
    ),
    (
        "d['apis'][1]['deployments'][0]['routes'] = 'all'",
        "/apis/1/deployments/0/routes",
        "expected a list or null for 'routes' in HTTP deployment, got a string",
    ),
    (
        "d['apis'][1]['cors'] = {'allow_origins': '*'}",
        "/apis/1/cors/allow_origins",
        "expected a list for 'allow_origins' in cors, got a string",
    ),
    ("d['apis'][1]['resources'] = []", "/apis/1/resources", "unknown field 'resources' in HTTP API"),
    ("d['apis'].append(copy.deepcopy(d['apis'][0]))", "/apis/2", "API 'a1b2c3d4e5 in eu-west-1' appears twice"),
    (
        "d['domains'][0]['mappings'][0]['base_path'] = '/v1'",
        "/domains/0/mappings/0/base_path",
        "base path '/v1' must not start or end with '/'",
    ),
    ("del d['domains'][0]['mappings'][0]['stage']", "/domains/0/mappings/0", "missing field 'stage' in mapping"),
    (
        "d['domains'][0]['mappings'][0]['source'] = 'v3'",
        "/domains/0/mappings/0/source",
        "expected one of v1, v2 for 'source' in mapping, got 'v3'",
    ),
    ("d['domains'][0]['mappings'][1]['base_path'] = ''", "/domains/0/mappings/1", "base path '(none)' appears twice"),
    ("d['domains'][1]['name'] = 'API.example.com'", "/domains/1", "domain 'api.example.com' appears twice"),
]


@pytest.mark.parametrize(("mutate", "pointer", "message"), BAD, ids=[b[0] for b in BAD])
def test_strict_reader(mutate: str, pointer: str, message: str | None) -> None:
    data = _bad(mutate.replace("copy.deepcopy", "__import__('copy').deepcopy"))
    with pytest.raises(InputError) as info:
        world_from_dict(data, "snap.json")
    assert info.value.location == "snap.json" + (f"#{pointer}" if pointer else "")
    if message is not None:
        assert info.value.message.startswith(message), info.value.message


@pytest.mark.parametrize(("mutate", "pointer", "message"), BAD[:16], ids=[b[0] for b in BAD[:16]])
def test_schema_rejects_what_the_reader_rejects(mutate: str, pointer: str, message: str | None) -> None:
    data = _bad(mutate.replace("copy.deepcopy", "__import__('copy').deepcopy"))
    assert list(VALIDATOR.iter_errors(data)), mutate


def test_optional_fields_take_model_defaults() -> None:
    data = {
        "format": "apigw-doctor/world",
        "version": 1,
        "apis": [
            {
                "kind": "REST",
                "id": "abc",
                "resources": [{"path": "/"}, {"path": "/a", "methods": [{"http_method": "GET"}]}],
                "stages": [{"name": "s"}],
            },
            {"kind": "HTTP", "id": "h", "authorizers": [{"id": "j", "type": "JWT"}]},
        ],
        "domains": [{"name": "d.example.com", "mappings": [{"base_path": "", "api_id": "abc", "stage": None}]}],
    }
    VALIDATOR.validate(data)
    world = world_from_dict(data, "s.json")
    rest, http = world.apis
    assert strip_origins(rest) == RestApi(
        id="abc",
        resources=(Resource(path="/"), Resource(path="/a", methods=(Method(http_method="GET"),))),
        stages=(Stage(name="s"),),
    )
    assert isinstance(http, HttpApi)
    assert http.authorizers[0].identity_sources == ("$request.header.Authorization",)
    assert strip_origins(world.domains[0]) == DomainName(
        name="d.example.com", mappings=(Mapping(base_path="", api_id="abc", stage=None),)
    )


# -- writing ---------------------------------------------------------------------------------------------


def test_write_snapshot_atomically_and_refuse_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "world.json"
    world = full_world()
    write_snapshot(world, str(path))
    text = path.read_text()
    assert text == dumps_world(world) and text.endswith("}\n")
    assert json.loads(text)["format"] == "apigw-doctor/world"
    with pytest.raises(InputError) as info:
        write_snapshot(World(), str(path))
    assert info.value.location == str(path)
    assert "already exists" in info.value.message and "--force" in info.value.message
    assert path.read_text() == text
    write_snapshot(World(), str(path), force=True)
    assert world_from_dict(json.loads(path.read_text()), str(path)) == World()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["world.json"]
    assert strip_origins(load_snapshot(str(path))) == World()


def test_write_snapshot_into_a_missing_directory(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "dir.json"
    with pytest.raises(InputError) as info:
        write_snapshot(World(), str(target))
    assert info.value.location == str(target) and info.value.message.startswith("cannot write the file")


def test_dumps_is_sorted_and_stable() -> None:
    text = dumps_world(full_world())
    assert text == dumps_world(full_world())
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert list(data["apis"][0]) == sorted(data["apis"][0])
    assert text.startswith('{\n  "apis": [\n    {\n      "account": "123456789012",')


def test_load_snapshot_refuses_other_files() -> None:
    path = str(EXAMPLES / "petstore-rest-oas30.json")
    with pytest.raises(InputError) as info:
        load_snapshot(path)
    assert info.value.location == path
    assert info.value.message.startswith("not an apigw-doctor snapshot")
