"""One API, three sources: built live in the sandbox, written by ``apigw-doctor snapshot``, and exported.

The API is built through boto3 and deployed once to ``prod`` (no undeployed changes). It is then read:

* **live**: ``LiveSource(...).world_for_apis([id])``, boto3 against the sandbox;
* **snapshot**: the file the real ``apigw-doctor snapshot --api ID -o FILE`` command writes, through ``load``;
* **export**: ``get_export(exportType="oas30", parameters={"extensions": "apigateway"})`` written to a file,
  through ``load``; and the ``swagger`` variant.

Where the sources overlap they load to the same model: the API id and region, the single stage ``prod`` and
its deployed route table (path -> method -> (authorization type, API key required)), the authorizer's type
and identity source, and the customised gateway response. ``diagnose`` then gives the same verdict, response
status and body, and matched resource, method and path parameters for every request of :data:`CASES`.

What an export cannot carry, asserted below rather than ignored (and said by the export's own notes):

* **other stages**: an export is of one stage. This API has only ``prod``, so the stage set is the same and
  even the stage-missing and stage-unknown requests agree; with a second stage the export would call it
  unknown (the last test shows it);
* **the working copy**: an export shows the deployment; the loader uses it as the working copy too, so an
  undeployed route is NOT_DEPLOYED live and RESOURCE_NOT_FOUND in the export (the last test);
* **deployment and resource ids, dates**: the stage serves the deployment ``export``, resources have no ids;
* **authorizer ids**: an export names authorizers, so the id is the scheme's name (``tokens``);
* **the endpoint type**: no export extension writes it; the loader assumes EDGE and says so;
* **tags** and the live deployment's description.

The live snapshot of a deployment comes from ``apiSummary`` (auth and API-key flags only), so the integration
types there are unknown (None) where the export has them; the live working copy has them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from apigw_doctor.diagnosis import Diagnosis, diagnose
from apigw_doctor.gateway import Request
from apigw_doctor.model import RestApi, World
from apigw_doctor.sandbox import Sandbox
from apigw_doctor.sources import load, world_to_dict
from apigw_doctor.sources.live import LiveConfig, LiveSource
from clirun import run

API_ID = "shop000001"
REGION = "us-east-1"
STAGE = "prod"
HOST = f"https://{API_ID}.execute-api.{REGION}.amazonaws.com"
AUTHORIZER_URI = (
    f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/arn:aws:lambda:{REGION}:123456789012:"
    "function:auth/invocations"
)
SIGNED = (("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/execute-api/aws4_request"),)

Routes = dict[str, dict[str, tuple[str, bool]]]

DEPLOYED: Routes = {
    "/": {},
    "/admin": {"GET": ("CUSTOM", False)},
    "/files": {},
    "/files/{proxy+}": {"ANY": ("NONE", False)},
    "/items": {"GET": ("NONE", False)},
    "/items/{id}": {"DELETE": ("AWS_IAM", False), "GET": ("NONE", False)},
    "/orders": {"POST": ("NONE", True)},
}
"""What ``prod`` serves, with the method-less resources every source adds (``/``, ``/files``)."""


def build(apigw: Any) -> None:
    """The API of :data:`DEPLOYED`, with HTTP_PROXY integrations and a TOKEN authorizer, deployed to ``prod``."""
    api = apigw.create_rest_api(
        name="shop", endpointConfiguration={"types": ["REGIONAL"]}, tags={"_custom_id_": API_ID}
    )
    ids = {"/": api["rootResourceId"]}
    for path in DEPLOYED:
        if path != "/":
            parent, part = path.rsplit("/", 1)
            ids[path] = apigw.create_resource(restApiId=API_ID, parentId=ids[parent or "/"], pathPart=part)["id"]
    authorizer = apigw.create_authorizer(
        restApiId=API_ID,
        name="tokens",
        type="TOKEN",
        identitySource="method.request.header.X-Token",
        authorizerUri=AUTHORIZER_URI,
    )["id"]
    for path, methods in DEPLOYED.items():
        for verb, (auth, key) in methods.items():
            extra = {"authorizerId": authorizer} if auth == "CUSTOM" else {}
            apigw.put_method(
                restApiId=API_ID,
                resourceId=ids[path],
                httpMethod=verb,
                authorizationType=auth,
                apiKeyRequired=key,
                **extra,
            )
            apigw.put_integration(
                restApiId=API_ID,
                resourceId=ids[path],
                httpMethod=verb,
                type="HTTP_PROXY",
                integrationHttpMethod=verb,
                uri=f"https://backend.example.com{path}",
            )
    apigw.put_gateway_response(
        restApiId=API_ID,
        responseType="MISSING_AUTHENTICATION_TOKEN",
        statusCode="404",
        responseTemplates={"application/json": '{"message": "no such route"}'},
    )
    apigw.create_deployment(restApiId=API_ID, stageName=STAGE)


def read_live(sandbox: Sandbox) -> World:
    source = LiveSource(LiveConfig(region=REGION, endpoint_url=sandbox.endpoint_url), session=sandbox.session())
    return source.world_for_apis([API_ID])


def read_export(sandbox: Sandbox, export_type: str, path: Path) -> World:
    answer = sandbox.client("apigateway").get_export(
        restApiId=API_ID, stageName=STAGE, exportType=export_type, parameters={"extensions": "apigateway"}
    )
    path.write_bytes(answer["body"].read())
    return load([str(path)])


@dataclass(frozen=True)
class Sources:
    live: World
    snapshot: World
    oas30: World
    swagger: World

    @property
    def named(self) -> dict[str, World]:
        return {"live": self.live, "snapshot": self.snapshot, "oas30": self.oas30, "swagger": self.swagger}


@pytest.fixture(scope="module")
def sources(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sources]:
    """The API built once for the module and read from every source (the Worlds outlive moto's reset)."""
    sandbox.reset()
    folder = tmp_path_factory.mktemp("cross-source")
    build(sandbox.client("apigateway"))
    with pytest.MonkeyPatch.context() as env:  # the CLI reads its AWS settings from the environment
        for name in [n for n in os.environ if n.upper().startswith("AWS_")]:
            env.delenv(name)
        for name, value in sandbox.env({}).items():
            env.setenv(name, value)
        code, out, err = run("snapshot", "--api", API_ID, "-o", str(folder / "world.json"))
    assert code == 0, (out, err)
    yield Sources(
        live=read_live(sandbox),
        snapshot=load([str(folder / "world.json")]),
        oas30=read_export(sandbox, "oas30", folder / "oas30.json"),
        swagger=read_export(sandbox, "swagger", folder / "swagger.json"),
    )
    sandbox.reset()


def only(world: World) -> RestApi:
    assert len(world.apis) == 1
    api = world.apis[0]
    assert isinstance(api, RestApi)
    return api


def deployed_routes(api: RestApi, stage: str = STAGE) -> Routes:
    found = api.stage(stage)
    assert found is not None
    deployment = api.deployment(found.deployment_id)
    assert deployment is not None and deployment.resources is not None
    return {
        r.path: {m.http_method: (m.authorization_type, m.api_key_required) for m in r.methods}
        for r in deployment.resources
    }


# -- the model ------------------------------------------------------------------------------------------
def test_every_source_loads_the_same_api_stage_and_deployed_routes(sources: Sources) -> None:
    for name, world in sources.named.items():
        api = only(world)
        assert (api.id, api.region, api.name, api.id_known, api.stages_known) == (API_ID, REGION, "shop", True, True)
        assert [s.name for s in api.stages] == [STAGE], name
        assert deployed_routes(api) == DEPLOYED, name
        assert [(a.name, a.type, a.identity_sources) for a in api.authorizers] == [
            ("tokens", "TOKEN", ("method.request.header.X-Token",))
        ], name
        assert [(g.type, g.status, g.templates) for g in api.gateway_responses] == [
            ("MISSING_AUTHENTICATION_TOKEN", 404, (("application/json", '{"message": "no such route"}'),))
        ], name
        assert api.api_key_source == "HEADER" and not api.disable_execute_api_endpoint, name


def test_the_snapshot_file_holds_the_whole_live_world(sources: Sources) -> None:
    """Snapshot and live agree on everything, not only where the export overlaps: the working copy with its
    resource ids and integrations, the deployment ids, endpoint type and tags (only origins differ)."""
    assert without_origins(world_to_dict(sources.snapshot)) == without_origins(world_to_dict(sources.live))


def without_origins(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: without_origins(v) for k, v in data.items() if k != "origin"}
    if isinstance(data, list):
        return [without_origins(v) for v in data]
    return data


def test_what_an_export_cannot_carry_differs_as_documented(sources: Sources) -> None:
    live = only(sources.live)
    live_stage = live.stage(STAGE)
    assert live_stage is not None and live_stage.deployment_id not in (None, "export")
    assert all(r.id for r in live.resources)
    assert live.endpoint_type == "REGIONAL" and dict(live.tags)["_custom_id_"] == API_ID
    live_authorizer = live.authorizers[0].id
    assert live_authorizer != "tokens"
    for name in ("oas30", "swagger"):
        api = only(sources.named[name])
        stage = api.stage(STAGE)
        assert stage is not None and stage.deployment_id == "export", name  # no deployment id in a file
        assert [d.id for d in api.deployments] == ["export"], name
        assert all(r.id is None for r in api.resources), name  # no resource ids
        # The working copy is the deployment: an export cannot show undeployed changes.
        deployment = api.deployment("export")
        assert deployment is not None and deployment.resources == api.resources, name
        assert api.endpoint_type == "EDGE" and api.tags == (), name  # not in any export: EDGE assumed
        assert [a.id for a in api.authorizers] == ["tokens"], name  # the scheme name, not the authorizer id
        admin = api.resource("/admin")
        assert admin is not None and admin.methods[0].authorizer_id == "tokens", name
        notes = " ".join(api.notes)
        assert "export of stage 'prod'" in notes and "working copy and other stages are not visible" in notes, name
        assert "EDGE (AWS's default) is assumed" in notes, name
        # The export carries integration types; the live deployment (from apiSummary) does not, its working
        # copy does.
        assert {m.integration_type for r in api.resources for m in r.methods} == {"HTTP_PROXY"}, name
    live_deployment = live.deployment(live_stage.deployment_id)
    assert live_deployment is not None and live_deployment.resources is not None
    assert {m.integration_type for r in live_deployment.resources for m in r.methods} == {None}
    assert {m.integration_type for r in live.resources for m in r.methods} == {"HTTP_PROXY"}
    assert live.notes == ()


# -- diagnose -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    title: str
    method: str
    path: str
    verdict: str
    status: int | None
    matched: str | None = None
    """``METHOD /resource`` and its path parameters (``id=42``), as routed."""
    headers: tuple[tuple[str, str], ...] = ()


NO_SUCH_ROUTE = '{"message": "no such route"}'  # the customised MISSING_AUTHENTICATION_TOKEN response: 404
CASES = (
    Case("a hit", "GET", "/prod/items", "MATCHED", None, "GET /items"),
    Case("a path parameter", "GET", "/prod/items/42", "MATCHED", None, "GET /items/{id} id=42"),
    Case("a greedy proxy", "GET", "/prod/files/a/b/c.txt", "MATCHED", None, "ANY /files/{proxy+} proxy=a/b/c.txt"),
    Case("a typo", "GET", "/prod/itemz", "RESOURCE_NOT_FOUND", 404),
    Case("a wrong method", "PUT", "/prod/items", "METHOD_NOT_DEFINED", 404),
    Case("the stage root", "GET", "/prod/", "STAGE_ROOT_NO_METHOD", 404),
    Case("the stage root, no slash", "GET", "/prod", "STAGE_ROOT_NO_METHOD", 404),
    Case("the proxy's parent", "GET", "/prod/files", "PROXY_PARENT_NOT_COVERED", 404),
    Case("an unsigned IAM call", "DELETE", "/prod/items/42", "IAM_UNSIGNED", 404, "DELETE /items/{id} id=42"),
    Case("a signed IAM call", "DELETE", "/prod/items/42", "MATCHED", None, "DELETE /items/{id} id=42", SIGNED),
    Case("a missing API key", "POST", "/prod/orders", "API_KEY_MISSING", 403, "POST /orders"),
    Case("an API key", "POST", "/prod/orders", "MATCHED", None, "POST /orders", (("x-api-key", "k"),)),
    Case("no authorizer token", "GET", "/prod/admin", "AUTHORIZER_IDENTITY_MISSING", 401, "GET /admin"),
    Case("a trailing slash", "GET", "/prod/items/", "MATCHED", None, "GET /items"),
    Case("a double slash", "GET", "/prod//items", "MATCHED", None, "GET /items"),
    # The stage cases: this API has one stage and the export knows it, so they agree too (see the last test
    # for a stage the export cannot know).
    Case("no stage", "GET", "/items", "STAGE_MISSING", 403),
    Case("another stage", "GET", "/dev/items", "STAGE_UNKNOWN", 403),
    Case("the stage's case", "GET", "/Prod/items", "STAGE_UNKNOWN", 403),
)


Answer = tuple[str, int | None, str | None, tuple[str, str, tuple[tuple[str, str], ...]] | None, tuple[str, ...]]


def answer(diagnosis: Diagnosis) -> Answer:
    """What must agree across sources: verdict, status, body, matched resource, method and parameters, and
    every cause code in its rank."""
    o = diagnosis.outcome
    matched = (o.matched.resource, o.matched.method, o.matched.path_parameters) if o.matched else None
    return diagnosis.verdict, o.response.status, o.response.body, matched, tuple(f.code for f in diagnosis.findings)


@pytest.mark.parametrize("case", CASES, ids=[c.title for c in CASES])
def test_diagnose_answers_the_same_from_every_source(sources: Sources, case: Case) -> None:
    request = Request.from_url(case.method, HOST + case.path, case.headers)
    answers = {name: answer(diagnose(request, world)) for name, world in sources.named.items()}
    verdict, status, body, matched, _ = answers["live"]
    assert (verdict, status) == (case.verdict, case.status)
    routed = " ".join([matched[1], matched[0], *(f"{k}={v}" for k, v in matched[2])]) if matched else None
    assert routed == case.matched
    if status == 404:
        assert body == NO_SUCH_ROUTE
    assert answers["snapshot"] == answers["oas30"] == answers["swagger"] == answers["live"]


def test_other_stages_and_undeployed_changes_stay_out_of_the_export(sandbox: Sandbox, tmp_path: Path) -> None:
    """The differences an export has by nature: a second stage and an undeployed route are invisible to it."""
    apigw = sandbox.client("apigateway")
    build(apigw)
    prod = apigw.get_stage(restApiId=API_ID, stageName=STAGE)["deploymentId"]
    apigw.create_stage(restApiId=API_ID, stageName="dev", deploymentId=prod)
    root = next(r["id"] for r in apigw.get_resources(restApiId=API_ID)["items"] if r["path"] == "/")
    late = apigw.create_resource(restApiId=API_ID, parentId=root, pathPart="late")["id"]
    apigw.put_method(restApiId=API_ID, resourceId=late, httpMethod="GET", authorizationType="NONE")
    apigw.put_integration(restApiId=API_ID, resourceId=late, httpMethod="GET", type="MOCK")
    live = read_live(sandbox)
    exported = read_export(sandbox, "oas30", tmp_path / "prod.json")
    assert [s.name for s in only(live).stages] == ["dev", "prod"] and [s.name for s in only(exported).stages] == [
        "prod"
    ]
    assert deployed_routes(only(live)) == deployed_routes(only(exported)) == DEPLOYED

    def causes(world: World, path: str) -> list[str]:
        return [f.code for f in diagnose(Request.from_url("GET", HOST + path), world).findings]

    assert causes(live, "/dev/items") == ["MATCHED"]
    assert causes(exported, "/dev/items") == ["STAGE_UNKNOWN"]
    assert causes(live, "/prod/late")[0] == "NOT_DEPLOYED"
    assert "RESOURCE_NOT_FOUND" in causes(exported, "/prod/late")  # after the customised-response finding
    assert "NOT_DEPLOYED" not in causes(exported, "/prod/late")
    assert json.loads((tmp_path / "prod.json").read_text())["paths"].keys() == {
        p for p, methods in DEPLOYED.items() if methods
    }
