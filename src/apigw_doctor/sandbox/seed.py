"""The demo account: a realistic REST API with the classic "Missing Authentication Token" traps, built through
boto3 against a :class:`~apigw_doctor.sandbox.server.Sandbox`, and the URLs a user would call.

What :func:`seed_demo` builds, in the sandbox's region (us-east-1 by default). Ids are fixed: ``_custom_id_``
tags for the REST APIs, a seeded id generator for the rest, so the same moto gives the same ids every time.

* REST API ``petstore01`` (``petstore``, REGIONAL), built in three releases (:data:`RELEASES`): release 1 is
  deployed (``d1``) to stages ``prod`` and ``dev``; release 2 adds ``GET /pets/{petId}/photos`` and is
  deployed (``d2``) to ``dev`` only; release 3 adds ``GET /pets/{petId}/vaccinations`` to the working copy
  and is never deployed. ``/`` has no method. Lambda (AWS_PROXY) integrations; ``DELETE /pets/{petId}`` is
  AWS_IAM and ``POST /orders`` needs an API key.
* REST API ``webapp0001`` (``webapp``): only ``ANY /{proxy+}`` (HTTP_PROXY to a front-end), no method on
  ``/``, deployed to ``prod``.
* Custom domain ``api.example.com`` (REGIONAL) with base path ``v1`` mapped to ``petstore01``/``prod``.
* HTTP API ``orders-http``: ``GET /orders``, ``POST /orders`` (AWS_IAM), ``GET /orders/{id}``, one
  HTTP_PROXY integration, a ``$default`` stage with auto-deploy.

It follows moto.md §9.8: stages are moved to a new deployment with ``update_stage /deploymentId`` after a
``create_deployment()`` without ``stageName`` (redeploying with ``stageName=<existing>`` would wipe the stage's
settings in moto), parents are created before children, and a domain gets its mapping before anything reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .server import ACCOUNT_ID, SandboxError

if TYPE_CHECKING:
    from .server import Sandbox

API_ID = "petstore01"
PROXY_API_ID = "webapp0001"
DOMAIN = "api.example.com"
BASE_PATH = "v1"
STAGE = "prod"
DEV_STAGE = "dev"
RANDOM_SEED = 20240601
"""Seeds moto's id generator before building, so resource, deployment and HTTP API ids are stable."""


@dataclass(frozen=True, slots=True)
class Trap:
    """A request a user would make, and the cause apigw-doctor must name for it."""

    title: str
    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    expected_verdict: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoApi:
    """What :func:`seed_demo` built: ids, names and the traps."""

    api_id: str
    region: str
    stage: str
    """The stage the traps call (``prod``)."""
    stages: tuple[str, ...]
    domain: str
    base_path: str
    deployments: tuple[tuple[str, str], ...]
    """(stage, deployment id) of the main API: ``prod`` serves release 1, ``dev`` release 2."""
    proxy_api_id: str
    http_api_id: str
    traps: tuple[Trap, ...]

    @property
    def url(self) -> str:
        """The main API's default endpoint, ``https://{api_id}.execute-api.{region}.amazonaws.com``."""
        return execute_api(self.api_id, self.region)

    def deployment_of(self, stage: str) -> str:
        return dict(self.deployments)[stage]

    def trap(self, verdict: str) -> Trap:
        """The first trap expecting ``verdict`` (KeyError when none does)."""
        for trap in self.traps:
            if trap.expected_verdict == verdict:
                return trap
        raise KeyError(verdict)


@dataclass(frozen=True, slots=True)
class Route:
    """One method of the main API, as seeded."""

    path: str
    method: str
    function: str
    authorization: str = "NONE"
    api_key_required: bool = False


RELEASES: tuple[tuple[Route, ...], ...] = (
    (
        Route("/pets", "GET", "pets-list"),
        Route("/pets", "POST", "pets-create"),
        Route("/pets/{petId}", "GET", "pets-get"),
        Route("/pets/{petId}", "DELETE", "pets-delete", authorization="AWS_IAM"),
        Route("/orders", "POST", "orders-create", api_key_required=True),
    ),
    (Route("/pets/{petId}/photos", "GET", "pets-photos"),),
    (Route("/pets/{petId}/vaccinations", "GET", "pets-vaccinations"),),
)
"""The main API's methods by release: 1 is on prod and dev, 2 on dev only, 3 in the working copy only."""

HTTP_ROUTES: tuple[tuple[str, str], ...] = (
    ("GET /orders", "NONE"),
    ("POST /orders", "AWS_IAM"),
    ("GET /orders/{id}", "NONE"),
)


def execute_api(api_id: str, region: str) -> str:
    return f"https://{api_id}.execute-api.{region}.amazonaws.com"


def seed_demo(sandbox: Sandbox) -> DemoApi:
    """Build the demo account in ``sandbox`` (which must hold no demo yet: ``reset()`` first) and describe it."""
    region = sandbox.region
    apigw = sandbox.client("apigateway")
    if any(api["id"] in (API_ID, PROXY_API_ID) for api in apigw.get_rest_apis().get("items", [])):
        raise SandboxError(f"the sandbox already holds the demo APIs ({API_ID}, {PROXY_API_ID}): reset() it first")
    sandbox.seed_random(RANDOM_SEED)
    pets = _RestBuilder(apigw, region, API_ID, "petstore", "Pets and orders (apigw-doctor demo)")
    for route in RELEASES[0]:
        pets.method(route)
    d1 = pets.deploy("release 1")
    pets.stage(STAGE, d1, "production", variables={"lambdaAlias": "live"}, tracing=True)
    pets.stage(DEV_STAGE, d1, "development", variables={"lambdaAlias": "dev"})
    for route in RELEASES[1]:
        pets.method(route)
    d2 = pets.deploy("release 2: photos")
    pets.move_stage(DEV_STAGE, d2)
    for route in RELEASES[2]:
        pets.method(route)

    web = _RestBuilder(apigw, region, PROXY_API_ID, "webapp", "Single-page app behind a greedy proxy")
    web.proxy("/{proxy+}", "https://frontend.example.com/{proxy}")
    web.stage(STAGE, web.deploy("first release"), "production")

    apigw.create_domain_name(
        domainName=DOMAIN,
        regionalCertificateArn=f"arn:aws:acm:{region}:{ACCOUNT_ID}:certificate/8f0c2d6e-5a1b-4c3d-9e7f-0a1b2c3d4e5f",
        endpointConfiguration={"types": ["REGIONAL"]},
        securityPolicy="TLS_1_2",
    )
    apigw.create_base_path_mapping(domainName=DOMAIN, basePath=BASE_PATH, restApiId=API_ID, stage=STAGE)
    http_api_id = _http_api(sandbox.client("apigatewayv2"))
    return DemoApi(
        api_id=API_ID,
        region=region,
        stage=STAGE,
        stages=(STAGE, DEV_STAGE),
        domain=DOMAIN,
        base_path=BASE_PATH,
        deployments=((STAGE, d1), (DEV_STAGE, d2)),
        proxy_api_id=PROXY_API_ID,
        http_api_id=http_api_id,
        traps=traps(region, http_api_id),
    )


def traps(region: str, http_api_id: str) -> tuple[Trap, ...]:
    """The requests of the demo, each with the verdict API Gateway's behaviour implies."""
    rest = execute_api(API_ID, region)
    web = execute_api(PROXY_API_ID, region)
    http = execute_api(http_api_id, region)
    domain = f"https://{DOMAIN}/{BASE_PATH}"

    def trap(title: str, method: str, url: str, verdict: str) -> Trap:
        return Trap(title, method, url, (), verdict)

    return (
        trap("The stage left out of the URL", "GET", f"{rest}/pets", "STAGE_MISSING"),
        trap("A typo in the path", "GET", f"{rest}/{STAGE}/pest", "RESOURCE_NOT_FOUND"),
        trap("A POST-only method called with GET", "GET", f"{rest}/{STAGE}/orders", "METHOD_NOT_DEFINED"),
        trap(
            "A resource added after the last deployment",
            "GET",
            f"{rest}/{STAGE}/pets/7/vaccinations",
            "NOT_DEPLOYED",
        ),
        trap(
            "The root next to a {proxy+}, with no method of its own",
            "GET",
            f"{web}/{STAGE}/",
            "PROXY_PARENT_NOT_COVERED",
        ),
        trap(
            "A custom domain with the stage left in the path",
            "GET",
            f"{domain}/{STAGE}/pets",
            "STAGE_IN_CUSTOM_DOMAIN_PATH",
        ),
        trap("An AWS_IAM method called unsigned", "DELETE", f"{rest}/{STAGE}/pets/7", "IAM_UNSIGNED"),
        trap("A request that works", "GET", f"{rest}/{STAGE}/pets/7", "MATCHED"),
        trap("The same API through its custom domain", "GET", f"{domain}/pets", "MATCHED"),
        trap("An HTTP API route on its $default stage", "GET", f"{http}/orders/42", "MATCHED"),
        trap(
            "An HTTP API ($default stage) called with a stage name",
            "GET",
            f"{http}/{STAGE}/orders",
            "RESOURCE_NOT_FOUND",
        ),
    )


class _RestBuilder:
    """Creates one REST API's resources, methods, deployments and stages, parents first."""

    def __init__(self, apigw: Any, region: str, api_id: str, name: str, description: str) -> None:
        self.apigw, self.region, self.api_id = apigw, region, api_id
        api = apigw.create_rest_api(
            name=name,
            description=description,
            endpointConfiguration={"types": ["REGIONAL"]},
            tags={"_custom_id_": api_id, "team": name},
        )
        if api["id"] != api_id:
            raise SandboxError(f"moto ignored the _custom_id_ tag: the API is {api['id']}, not {api_id}")
        self.ids: dict[str, str] = {"/": api["rootResourceId"]}

    def resource(self, path: str) -> str:
        if path not in self.ids:
            parent, _, part = path.rpartition("/")
            made = self.apigw.create_resource(
                restApiId=self.api_id, parentId=self.resource(parent or "/"), pathPart=part
            )
            self.ids[path] = made["id"]
        return self.ids[path]

    def method(self, route: Route) -> None:
        resource_id = self.resource(route.path)
        self.apigw.put_method(
            restApiId=self.api_id,
            resourceId=resource_id,
            httpMethod=route.method,
            authorizationType=route.authorization,
            apiKeyRequired=route.api_key_required,
            requestParameters=_path_parameters(route.path),
        )
        function = f"arn:aws:lambda:{self.region}:{ACCOUNT_ID}:function:{route.function}"
        self.apigw.put_integration(
            restApiId=self.api_id,
            resourceId=resource_id,
            httpMethod=route.method,
            type="AWS_PROXY",
            integrationHttpMethod="POST",
            uri=f"arn:aws:apigateway:{self.region}:lambda:path/2015-03-31/functions/{function}/invocations",
        )

    def proxy(self, path: str, target: str) -> None:
        resource_id = self.resource(path)
        self.apigw.put_method(
            restApiId=self.api_id,
            resourceId=resource_id,
            httpMethod="ANY",
            authorizationType="NONE",
            requestParameters={"method.request.path.proxy": True},
        )
        self.apigw.put_integration(
            restApiId=self.api_id,
            resourceId=resource_id,
            httpMethod="ANY",
            type="HTTP_PROXY",
            integrationHttpMethod="ANY",
            uri=target,
            requestParameters={"integration.request.path.proxy": "method.request.path.proxy"},
        )

    def deploy(self, description: str) -> str:
        deployment_id: str = self.apigw.create_deployment(restApiId=self.api_id, description=description)["id"]
        return deployment_id

    def stage(
        self,
        name: str,
        deployment_id: str,
        description: str,
        *,
        variables: dict[str, str] | None = None,
        tracing: bool = False,
    ) -> None:
        self.apigw.create_stage(
            restApiId=self.api_id,
            stageName=name,
            deploymentId=deployment_id,
            description=description,
            variables=variables or {},
            tracingEnabled=tracing,
            tags={"env": name},
        )

    def move_stage(self, name: str, deployment_id: str) -> None:
        self.apigw.update_stage(
            restApiId=self.api_id,
            stageName=name,
            patchOperations=[{"op": "replace", "path": "/deploymentId", "value": deployment_id}],
        )


def _path_parameters(path: str) -> dict[str, bool]:
    names = [part[1:-1].rstrip("+") for part in path.split("/") if part.startswith("{")]
    return {f"method.request.path.{name}": True for name in names}


def _http_api(v2: Any) -> str:
    api = v2.create_api(Name="orders-http", ProtocolType="HTTP", Description="Orders (apigw-doctor demo)")
    api_id: str = api["ApiId"]
    integration = v2.create_integration(
        ApiId=api_id,
        IntegrationType="HTTP_PROXY",
        IntegrationMethod="ANY",
        IntegrationUri="https://orders.example.com/",
        PayloadFormatVersion="1.0",
    )
    for key, auth in HTTP_ROUTES:
        v2.create_route(
            ApiId=api_id,
            RouteKey=key,
            AuthorizationType=auth,
            Target=f"integrations/{integration['IntegrationId']}",
        )
    v2.create_stage(ApiId=api_id, StageName="$default", AutoDeploy=True)
    return api_id
