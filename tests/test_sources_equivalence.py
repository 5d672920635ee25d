"""One API, four languages: an OpenAPI export, a CloudFormation template, a SAM template and Terraform (issue 4 §1).

The fixtures in ``tests/data/equivalence/`` all describe the REST API ``shop``, deployed to the stage ``prod``:

* ``openapi.yaml``: what ``aws apigateway get-export --export-type oas30 --parameters extensions=apigateway
  --accepts application/yaml --stage-name prod`` writes for it (the API ``k7q2m9x4z1`` in ``eu-west-1``);
* ``template.yaml``: CloudFormation, ``RestApi`` / ``Resource`` / ``Method`` / ``Deployment`` (depending on every
  method) / ``Stage`` / ``GatewayResponse``, with the three Lambda functions;
* ``sam.yaml``: an ``AWS::Serverless::Api`` (``StageName: prod``, ``OpenApiVersion`` set so SAM adds no ``Stage``
  stage) and three functions whose ``Api`` events make the routes;
* ``terraform/main.tf``: ``aws_api_gateway_*`` resources, one deployment redeployed through ``triggers``.

The API: ``/`` and ``/files`` without a method (a method-less parent under which ``/files/{proxy+}`` has ``ANY``),
``GET`` and ``POST /items`` (POST requires an API key), ``GET`` and ``DELETE /items/{id}`` (DELETE is AWS_IAM),
every method a Lambda proxy, and a customised ``MISSING_AUTHENTICATION_TOKEN`` gateway response (404, a JSON body
and a CORS header).

What is compared, ignoring origins:

* the whole REST API as the model holds it, through :func:`normalise`: the working copy (path -> method -> every
  field but the integration URI), each stage with what its deployment serves, the gateway responses, the
  authorizers, the endpoint type, API key source and the other API settings;
* the route table of the issue (path -> method -> (authorization type, API key required)), for the working copy
  and for what ``prod`` serves, spelled out in :data:`ROUTES`;
* which Lambda function each method reaches, read from each language's way of writing the integration URI;
* ``diagnose`` for every request of :data:`CASES`, after binding each World to the URL's API id (only the export
  has one): the verdict, the response (status, headers, body), the matched resource, method and path parameters,
  the trace, and every finding with its message and fix. The deployment a trace names and the integration URI a
  fix copies are each source's own: they are replaced by placeholders (see :func:`answer`).

What legitimately differs is asserted in :func:`test_what_legitimately_differs_is_what_each_language_cannot_say`
and :func:`test_without_openapi_version_sam_adds_the_stage_stage`, each with the reason.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any

import pytest

from apigw_doctor.binding import bind_unknown_ids
from apigw_doctor.diagnosis import Diagnosis, diagnose
from apigw_doctor.gateway import Request
from apigw_doctor.model import (
    Authorizer,
    GatewayResponse,
    Method,
    Resource,
    RestApi,
    RestDeployment,
    Stage,
    World,
)
from apigw_doctor.sources import load

DATA = Path(__file__).resolve().parent / "data" / "equivalence"
FILES = {
    "openapi": DATA / "openapi.yaml",
    "cloudformation": DATA / "template.yaml",
    "sam": DATA / "sam.yaml",
    "terraform": DATA / "terraform",
}
SOURCES = tuple(FILES)
API_ID, REGION, STAGE = "k7q2m9x4z1", "eu-west-1", "prod"
HOST = f"https://{API_ID}.execute-api.{REGION}.amazonaws.com"
SIGNED = (("Authorization", f"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/{REGION}/execute-api/aws4_request"),)

Routes = dict[str, dict[str, tuple[str, bool]]]

ROUTES: Routes = {
    "/": {},
    "/files": {},
    "/files/{proxy+}": {"ANY": ("NONE", False)},
    "/items": {"GET": ("NONE", False), "POST": ("NONE", True)},
    "/items/{id}": {"DELETE": ("AWS_IAM", False), "GET": ("NONE", False)},
}
"""The working copy and what ``prod`` serves, in every source (``/`` and ``/files`` have no method)."""

FUNCTIONS = {
    ("/files/{proxy+}", "ANY"): "files",
    ("/items", "GET"): "items",
    ("/items", "POST"): "items",
    ("/items/{id}", "DELETE"): "item",
    ("/items/{id}", "GET"): "item",
}
"""The Lambda function (``shop-<name>``) behind each method."""

MISSING_TOKEN = {
    "MISSING_AUTHENTICATION_TOKEN": {
        "type": "MISSING_AUTHENTICATION_TOKEN",
        "status": 404,
        "templates": [["application/json", '{"message": "no such route: $context.path"}']],
        "headers": [["Access-Control-Allow-Origin", "'*'"]],
    }
}


@pytest.fixture(scope="module")
def worlds() -> dict[str, World]:
    return {name: load([str(path)]) for name, path in FILES.items()}


def only(world: World) -> RestApi:
    assert len(world.apis) == 1, [a.id for a in world.apis]
    api = world.apis[0]
    assert isinstance(api, RestApi)
    return api


def served(api: RestApi, stage: str = STAGE) -> tuple[Resource, ...]:
    """What ``stage`` serves: its deployment's snapshot."""
    found = api.stage(stage)
    assert found is not None, stage
    deployment = api.deployment(found.deployment_id)
    assert deployment is not None and deployment.resources is not None, found.deployment_id
    return deployment.resources


def route_table(resources: tuple[Resource, ...]) -> Routes:
    return {r.path: {m.http_method: (m.authorization_type, m.api_key_required) for m in r.methods} for r in resources}


# -- the normaliser ---------------------------------------------------------------------------------------------
STRIPPED: dict[type, frozenset[str]] = {
    # What only a deployed API has (an id), or a reader's own account of where it read from (source_kind, notes).
    # The region is a template's guess until bound; the name is compared in the differences test. Deployments are
    # compared through the stages that serve them (their ids are each language's own names).
    RestApi: frozenset({"id", "name", "region", "id_known", "source_kind", "notes", "deployments"}),
    # Resource ids exist only in a deployed API: no file carries them.
    Resource: frozenset({"id"}),
    # Each language names the Lambda function its own way: compared through FUNCTIONS instead.
    Method: frozenset({"integration_uri"}),
    # A deployment's id, description and date are each language's own (see the differences test).
    RestDeployment: frozenset({"id", "description", "created"}),
    # Replaced by what the deployment serves (see normalise).
    Stage: frozenset({"deployment_id"}),
}
KEYED: dict[type, str] = {
    Resource: "path",
    # A resource's methods are a map in API Gateway (resourceMethods): their order carries no meaning, and the SAM
    # translator writes a definition's operations in its own order (POST before GET), so methods are keyed too.
    Method: "http_method",
    Stage: "name",
    GatewayResponse: "type",
    Authorizer: "id",
}


def plain(value: object) -> Any:
    """A model object as plain data, without origins and the fields of :data:`STRIPPED`; collections keyed."""
    if is_dataclass(value) and not isinstance(value, type):
        drop = STRIPPED.get(type(value), frozenset()) | {"origin"}
        return {f.name: plain(getattr(value, f.name)) for f in fields(value) if f.name not in drop}
    if isinstance(value, tuple):
        if value and type(value[0]) in KEYED:
            key = KEYED[type(value[0])]
            keyed = {getattr(v, key): plain(v) for v in value}
            assert len(keyed) == len(value), f"two {type(value[0]).__name__} with the same {key}"
            return keyed
        return [plain(v) for v in value]
    return value


def normalise(api: RestApi) -> dict[str, Any]:
    """The API without what legitimately differs between languages; each stage says what its deployment serves."""
    out: dict[str, Any] = plain(api)
    for stage in api.stages:
        deployment = api.deployment(stage.deployment_id)
        out["stages"][stage.name]["serves"] = plain(deployment) if deployment is not None else None
    return out


# -- the model --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("source", SOURCES)
def test_every_source_reads_the_same_routes_stage_and_gateway_response(worlds: dict[str, World], source: str) -> None:
    api = only(worlds[source])
    assert route_table(api.resources) == ROUTES
    assert [s.name for s in api.stages] == [STAGE] and api.stages_known
    assert route_table(served(api)) == ROUTES
    assert plain(api.gateway_responses) == MISSING_TOKEN
    assert {m.integration_type for r in api.resources for m in r.methods} == {"AWS_PROXY"}
    assert api.authorizers == ()
    assert (api.endpoint_type, api.api_key_source, api.disable_execute_api_endpoint) == ("EDGE", "HEADER", False)
    assert worlds[source].domains == ()


@pytest.mark.parametrize("source", [s for s in SOURCES if s != "openapi"])
def test_the_normalised_models_are_equal(worlds: dict[str, World], source: str) -> None:
    expected, got = normalise(only(worlds["openapi"])), normalise(only(worlds[source]))
    for key in sorted(expected.keys() | got.keys()):  # field by field, so a failure names the field
        assert got.get(key) == expected.get(key), key
    assert got == expected


BACKEND: dict[str, re.Pattern[str]] = {
    # The export: the real ARN, region and account resolved.
    "openapi": re.compile(
        rf"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"
        rf"arn:aws:lambda:{REGION}:123456789012:function:shop-(?P<name>[a-z]+)/invocations"
    ),
    # A template: !Sub with the region and the function's Arn, unknown before the stack exists, kept as written.
    "cloudformation": re.compile(
        r"arn:aws:apigateway:\$\{AWS::Region\}:lambda:path/2015-03-31/functions/"
        r"\$\{(?P<name>[A-Za-z]+)Function\.Arn\}/invocations"
    ),
    # Terraform: the data source's invoke_arn, unknown before apply, kept as the expression.
    "terraform": re.compile(r"\$\{data\.aws_lambda_function\.(?P<name>[a-z]+)\.invoke_arn\}"),
}
# SAM writes the same !Sub as the hand-written template (its generated URI for a function event).
BACKEND["sam"] = BACKEND["cloudformation"]


@pytest.mark.parametrize("source", SOURCES)
def test_every_method_reaches_the_same_function(worlds: dict[str, World], source: str) -> None:
    """The integration URIs differ only in how each language names the function: the function is the same."""
    api = only(worlds[source])
    for resources in (api.resources, served(api)):
        found = {}
        for r in resources:
            for m in r.methods:
                match = BACKEND[source].fullmatch(m.integration_uri or "")
                assert match is not None, (r.path, m.http_method, m.integration_uri)
                found[(r.path, m.http_method)] = match["name"].lower()
        assert found == FUNCTIONS


# -- what legitimately differs --------------------------------------------------------------------------------------
def test_what_legitimately_differs_is_what_each_language_cannot_say(worlds: dict[str, World]) -> None:
    apis = {name: only(world) for name, world in worlds.items()}
    openapi, cfn, sam, tf = apis["openapi"], apis["cloudformation"], apis["sam"], apis["terraform"]
    # Identity. Only the export carries the real API id and region (its server URL). An API defined in a template
    # or in Terraform has an id only once created: the readers name it by its logical id / address, id_known=False.
    # The region: a template does not say it (us-east-1 until bound); Terraform takes it from the provider.
    identity = {n: (a.id, a.region, a.id_known) for n, a in apis.items()}
    assert identity == {
        "openapi": (API_ID, REGION, True),
        "cloudformation": ("ShopApi", "us-east-1", False),
        "sam": ("ShopApi", "us-east-1", False),
        "terraform": ("aws_api_gateway_rest_api.shop", REGION, False),
    }
    # The name is the same everywhere (the export's title, Name, name); where each was read from is not.
    assert {n: (a.name, a.source_kind) for n, a in apis.items()} == {
        "openapi": ("shop", "openapi"),
        "cloudformation": ("shop", "cloudformation"),
        "sam": ("shop", "sam"),
        "terraform": ("shop", "terraform"),
    }
    # Deployments: one per source, serving prod. A file has no deployment id: the export's is the placeholder
    # "export", a template's its logical id (SAM's a hash of the definition, so a changed definition redeploys),
    # Terraform's its address. The descriptions: the loader's for the export, SAM's hash, the one written.
    deployments = {n: [(d.id, d.description) for d in a.deployments] for n, a in apis.items()}
    (sam_deployment,) = sam.deployments
    digest = sam_deployment.description.removeprefix("RestApi deployment id: ")
    assert re.fullmatch(r"[0-9a-f]{40}", digest) and sam_deployment.id == f"ShopApiDeployment{digest[:10]}"
    assert deployments == {
        "openapi": [("export", "exported stage prod")],
        "cloudformation": [("ShopDeployment", "shop release")],
        "sam": [(sam_deployment.id, f"RestApi deployment id: {digest}")],
        "terraform": [("aws_api_gateway_deployment.shop", "shop release")],
    }
    assert {n: [(s.name, s.deployment_id) for s in a.stages] for n, a in apis.items()} == {
        n: [(STAGE, d[0][0])] for n, d in deployments.items()
    }
    # The working copy. An export shows only what its stage serves: the loader uses that snapshot as the working
    # copy too (it cannot show undeployed changes), and says so. The template's deployment depends on every
    # method, so nothing is left out of its snapshot (no "does not depend on" note); Terraform takes a deployment
    # to serve the API as configured (its triggers redeploy it), and says so in the World's notes.
    assert openapi.deployments[0].resources == openapi.resources
    notes = {n: "\n".join(a.notes) for n, a in apis.items()}
    assert "export of stage 'prod'" in notes["openapi"]
    assert "the working copy and other stages are not visible" in notes["openapi"]
    # No export extension writes the endpoint type: the export assumes EDGE and says so. The others write nothing
    # either, and EDGE is API Gateway's default for them: the same EDGE, without a note.
    assert "EDGE (AWS's default) is assumed" in notes["openapi"]
    for name in ("cloudformation", "sam"):
        assert "ShopApi is read from a template" in notes[name]
        assert "its region is taken from the request's URL" in notes[name]
        assert "does not depend on" not in notes[name]
    assert "deployment ShopDeployment is taken to serve what the template defines" in notes["cloudformation"]
    assert f"SAM names deployment {sam_deployment.id} after a hash" in notes["sam"]
    assert "'Stage'" not in notes["sam"]  # OpenApiVersion is set: no extra stage (see the next test)
    assert tf.notes == ()
    world_notes = {n: "\n".join(w.notes) for n, w in worlds.items()}
    assert world_notes["openapi"] == world_notes["cloudformation"] == ""
    assert "is a SAM template, expanded offline with aws-sam-translator" in world_notes["sam"]
    assert "each deployment is taken to serve its API as configured" in world_notes["terraform"]
    # Origins: each object points into its own file (which is why they are ignored). SAM's generated stage and
    # gateway response point back at the AWS::Serverless::Api that made them, its methods at the function events.
    for name, api in apis.items():
        assert Path(api.origin.source).resolve().is_relative_to(DATA), name
    assert cfn.stages[0].origin.pointer == "/Resources/ProdStage"
    assert sam.stages[0].origin.pointer == sam.gateway_responses[0].origin.pointer == "/Resources/ShopApi"
    assert sam.resource("/items/{id}").method("DELETE").origin.pointer == (  # type: ignore[union-attr]
        "/Resources/ItemFunction/Properties/Events/DeleteItem"
    )
    assert tf.stages[0].origin.pointer == "aws_api_gateway_stage.prod"
    # No file carries resource ids (stripped by the normaliser all the same: a deployed API has them).
    assert {r.id for a in apis.values() for r in a.resources} == {None}


def test_without_openapi_version_sam_adds_the_stage_stage(worlds: dict[str, World], tmp_path: Path) -> None:
    """What SAM adds: without OpenApiVersion its deployment also carries StageName: Stage, a second stage serving
    the same routes. sam.yaml sets OpenApiVersion to stay equal to the others; without it, that is the difference."""
    text = (DATA / "sam.yaml").read_text()
    assert '      OpenApiVersion: "3.0.1"\n' in text
    variant = tmp_path / "sam.yaml"
    variant.write_text(text.replace('      OpenApiVersion: "3.0.1"\n', ""))
    api = only(load([str(variant)]))
    (deployment,) = api.deployments
    assert [(s.name, s.deployment_id) for s in api.stages] == [("Stage", deployment.id), (STAGE, deployment.id)]
    assert route_table(served(api, "Stage")) == ROUTES
    assert any("also creates the stage 'Stage' (OpenApiVersion is not set)" in n for n in api.notes)
    # Everything else is the same as the other sources.
    expected = normalise(only(worlds["openapi"]))
    got = normalise(api)
    assert got["stages"].pop("Stage") == expected["stages"][STAGE] | {"name": "Stage"}
    assert got == expected


# -- diagnose ---------------------------------------------------------------------------------------------------
def test_binding_gives_every_source_the_api_of_the_url(worlds: dict[str, World]) -> None:
    """The sources but the export have no API id: bound to the URL's, they are the same API (ids stay assumed)."""
    request = Request.from_url("GET", f"{HOST}/{STAGE}/items")
    for name, world in worlds.items():
        api = only(bind_unknown_ids(world, request))
        assert (api.id, api.region, api.id_known) == (API_ID, REGION, name == "openapi"), name
    assert bind_unknown_ids(worlds["openapi"], request) is worlds["openapi"]  # it already has the id


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


CASES = (
    Case("a hit", "GET", "/prod/items", "MATCHED", None, "GET /items"),
    Case("a path parameter", "GET", "/prod/items/42", "MATCHED", None, "GET /items/{id} id=42"),
    Case("the greedy proxy", "GET", "/prod/files/a/b.txt", "MATCHED", None, "ANY /files/{proxy+} proxy=a/b.txt"),
    Case("ANY covers POST", "POST", "/prod/files/upload", "MATCHED", None, "ANY /files/{proxy+} proxy=upload"),
    Case("a typo", "GET", "/prod/itemz", "RESOURCE_NOT_FOUND", 404),
    Case("a wrong method", "PUT", "/prod/items", "METHOD_NOT_DEFINED", 404),
    Case("the stage root", "GET", "/prod/", "STAGE_ROOT_NO_METHOD", 404),
    Case("the method-less parent", "GET", "/prod/files", "PROXY_PARENT_NOT_COVERED", 404),
    Case("an unsigned IAM call", "DELETE", "/prod/items/42", "IAM_UNSIGNED", 404, "DELETE /items/{id} id=42"),
    Case("a signed IAM call", "DELETE", "/prod/items/42", "MATCHED", None, "DELETE /items/{id} id=42", SIGNED),
    Case("a missing API key", "POST", "/prod/items", "API_KEY_MISSING", 403, "POST /items"),
    Case("an API key", "POST", "/prod/items", "MATCHED", None, "POST /items", (("x-api-key", "k"),)),
    Case("another stage", "GET", "/dev/items", "STAGE_UNKNOWN", 403),
    Case("no stage", "GET", "/items", "STAGE_MISSING", 403),
)


def answer(diagnosis: Diagnosis, api: RestApi) -> dict[str, object]:
    """What must agree across sources. Two things name each source's own objects, and are replaced by placeholders:
    the deployment that routed (named in the trace: "export", a logical id, an address; see the differences test),
    and the integration URI a fix copies into put-integration (a literal ARN, a !Sub, a Terraform expression: see
    BACKEND)."""
    o = diagnosis.outcome
    prod = api.stage(STAGE)
    proxy = api.resource("/files/{proxy+}")
    assert prod is not None and prod.deployment_id and proxy is not None and proxy.methods[0].integration_uri
    own = {
        f"deployment {prod.deployment_id}": "deployment <SOURCE_DEPLOYMENT>",
        f"--uri {shlex.quote(proxy.methods[0].integration_uri)}": "--uri <SOURCE_INTEGRATION_URI>",
        '--uri "$PROXY_URI"': "--uri <SOURCE_INTEGRATION_URI>",
    }

    def placeholders(text: str) -> str:
        for mine, placeholder in own.items():
            text = text.replace(mine, placeholder)
        return text

    # A literal ARN (the export) is copied into put-integration; an unresolved one (${Fn.Arn}, a Terraform
    # reference) is read from the deployed API first (PROXY_ID=/PROXY_URI= lines): the same fix either way.
    fixes = [
        (
            f.code,
            fix.summary,
            fix.url,
            fix.curl,
            tuple(placeholders(c) for c in fix.commands if not c.startswith(("PROXY_ID=", "PROXY_URI="))),
            fix.side,
        )
        for f in diagnosis.findings
        for fix in ((f.fix,) if f.fix else ()) + f.alternatives
    ]
    return {
        "verdict": diagnosis.verdict,
        "response": o.response,
        "failure": o.failure,
        "resolution": o.resolution,
        "matched": o.matched,
        "routed_method": o.routed_method,
        "used_working_copy": o.used_working_copy,
        "canary": o.canary,
        "trace": [(s.name, s.ok, s.rule, placeholders(s.detail)) for s in o.trace],
        "findings": [(f.code, f.message, f.verified, f.details) for f in diagnosis.findings],
        "fixes": fixes,
    }


def routed(diagnosis: Diagnosis) -> str | None:
    m = diagnosis.outcome.matched
    return " ".join([m.method, m.resource, *(f"{k}={v}" for k, v in m.path_parameters)]) if m else None


@pytest.mark.parametrize("case", CASES, ids=[c.title for c in CASES])
def test_diagnose_answers_the_same_from_every_source(worlds: dict[str, World], case: Case) -> None:
    request = Request.from_url(case.method, HOST + case.path, case.headers)
    answers = {}
    for name, world in worlds.items():
        bound = bind_unknown_ids(world, request)
        diagnosis = diagnose(request, bound)
        api = only(bound)
        answers[name] = answer(diagnosis, api)
        assert (diagnosis.verdict, diagnosis.outcome.response.status) == (case.verdict, case.status), name
        assert routed(diagnosis) == case.matched, name
        if diagnosis.outcome.stage is not None:  # what routed it: this source's own deployment of prod
            assert diagnosis.outcome.deployment_id == api.stage(STAGE).deployment_id, name  # type: ignore[union-attr]
    for name in SOURCES[1:]:
        for key, value in answers["openapi"].items():
            assert answers[name][key] == value, (name, key)
    # The placeholders did stand for something: the deployment step of every walk past the stage, and the fix that
    # copies the proxy's integration onto its method-less parent.
    shown = repr(answers["openapi"])
    assert ("<SOURCE_DEPLOYMENT>" in shown) == (case.verdict not in ("STAGE_UNKNOWN", "STAGE_MISSING"))
    assert ("<SOURCE_INTEGRATION_URI>" in shown) == (case.verdict == "PROXY_PARENT_NOT_COVERED")
    if case.verdict == "PROXY_PARENT_NOT_COVERED":
        for name in SOURCES[1:]:  # their URIs are unresolved in the file: the fix reads the deployed one
            assert any(
                c.startswith("PROXY_URI=$(aws apigateway get-integration") for c in _commands(worlds, name, request)
            )


def _commands(worlds: dict[str, World], name: str, request: Request) -> list[str]:
    d = diagnose(request, bind_unknown_ids(worlds[name], request))
    return [c for f in d.findings if f.fix for c in f.fix.commands]
