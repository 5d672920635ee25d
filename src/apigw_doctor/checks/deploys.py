"""Stages, mappings and gateway responses as declared: what would leave a route unserved or misleading."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import HttpApi, RestApi
from .core import CheckFinding, CheckInput, CheckMeta, Snippet
from .snippets import language

HTTP_STAGE_NOT_DEPLOYED = CheckMeta(
    id="APIGW030",
    name="http-stage-not-deployed",
    severity="error",
    summary="an HTTP API stage has no AutoDeploy and no deployment",
    help="The stage serves nothing (404 Not Found), and later route changes never reach it.",
)
MAPPING_UNDEFINED_STAGE = CheckMeta(
    id="APIGW040",
    name="mapping-to-undefined-stage",
    severity="error",
    summary="a base-path or API mapping names a stage (or API) that is not defined",
    help="Requests through the custom domain cannot reach a stage that does not exist.",
)
MAPPING_STAGE_NONE = CheckMeta(
    id="APIGW041",
    name="mapping-stage-none",
    severity="warning",
    summary="a base-path mapping has stage (none)",
    help="Callers must then put the stage in the URL after the base path; URLs without it get 403.",
)
SAM_STAGE_STAGE = CheckMeta(
    id="APIGW070",
    name="sam-extra-stage",
    severity="warning",
    summary="SAM created its extra stage named 'Stage'",
    help="Without OpenApiVersion, SAM adds a stage named 'Stage' beside yours: URLs with /Stage/ work, and "
    "callers or docs that use it break when the setting changes.",
)
MAT_HIDDEN = CheckMeta(
    id="APIGW080",
    name="missing-auth-token-hidden",
    severity="warning",
    summary="a customised MISSING_AUTHENTICATION_TOKEN response hides what happened",
    help="Clients and monitoring can no longer tell a route miss from other errors when the response's "
    "x-amzn-ErrorType is overridden or its body drops the message.",
)


def http_stage_not_deployed(data: CheckInput) -> Iterator[CheckFinding]:
    for api in data.world.apis:
        if not isinstance(api, HttpApi) or not api.stages_known:
            continue
        for stage in api.stages:
            if stage.auto_deploy or stage.deployment_id is not None or api.deployments:
                continue
            yield CheckFinding(
                check_id=HTTP_STAGE_NOT_DEPLOYED.id,
                severity=HTTP_STAGE_NOT_DEPLOYED.severity,
                message=f"HTTP API {api.name or api.id}: stage {stage.name!r} has neither AutoDeploy nor a deployment; "
                "it serves no route (404 Not Found).",
                origin=stage.origin if stage.origin.source else api.origin,
                subject=f"{api.id}:stage:{stage.name}",
                fix=_auto_deploy(api),
            )


def _auto_deploy(api: HttpApi) -> Snippet:
    lang = language(api)
    text = {
        "terraform": "auto_deploy = true  # in the aws_apigatewayv2_stage",
        "cloudformation": "AutoDeploy: true  # in the AWS::ApiGatewayV2::Stage properties",
        "sam": "AutoDeploy: true  # in the AWS::ApiGatewayV2::Stage properties",
    }.get(lang, f"aws apigatewayv2 update-stage --api-id {api.id} --stage-name STAGE --auto-deploy")
    return Snippet(
        language=lang if lang in ("terraform", "cloudformation", "sam") else "shell",
        text=text,
        summary="deploy the stage automatically",
    )


def mappings(data: CheckInput) -> Iterator[CheckFinding]:
    world = data.world
    for domain in world.domains:
        for m in domain.mappings:
            api = world.api(m.api_id)
            origin = m.origin if m.origin.source else domain.origin
            where = f"{domain.name}/{m.base_path or '(none)'}"
            if api is None:
                continue
            if m.stage is None:
                yield CheckFinding(
                    check_id=MAPPING_STAGE_NONE.id,
                    severity=MAPPING_STAGE_NONE.severity,
                    message=f"{where} maps API {api.name or api.id} with stage (none): callers must write the stage "
                    f"after the base path ({where}/STAGE/...).",
                    origin=origin,
                    subject=f"{domain.name}:{m.base_path}",
                    fix=Snippet(language=language(api), text="give the mapping a stage", summary="map a stage"),
                )
            elif api.stages_known and api.stage(m.stage) is None:
                defined = ", ".join(s.name for s in api.stages) or "none"
                yield CheckFinding(
                    check_id=MAPPING_UNDEFINED_STAGE.id,
                    severity=MAPPING_UNDEFINED_STAGE.severity,
                    message=f"{where} maps stage {m.stage!r} of API {api.name or api.id}, which defines no such "
                    f"stage (stages: {defined}).",
                    origin=origin,
                    subject=f"{domain.name}:{m.base_path}",
                    fix=Snippet(language=language(api), text=f"stage: one of {defined}", summary="map a defined stage"),
                )


def sam_stage_stage(data: CheckInput) -> Iterator[CheckFinding]:
    for api in data.world.apis:
        if api.source_kind != "sam":
            continue
        stage = api.stage("Stage")
        if stage is None or len(api.stages) < 2:
            continue
        yield CheckFinding(
            check_id=SAM_STAGE_STAGE.id,
            severity=SAM_STAGE_STAGE.severity,
            message=f"API {api.name or api.id}: SAM created the extra stage 'Stage' beside "
            f"{', '.join(repr(s.name) for s in api.stages if s.name != 'Stage')}.",
            origin=stage.origin if stage.origin.source else api.origin,
            subject=f"{api.id}:stage:Stage",
            fix=Snippet(
                language="sam",
                text="Globals:\n  Api:\n    OpenApiVersion: 3.0.1\n",
                summary="set OpenApiVersion so SAM stops creating 'Stage'",
            ),
        )


def mat_hidden(data: CheckInput) -> Iterator[CheckFinding]:
    for api in data.world.apis:
        if not isinstance(api, RestApi):
            continue
        for g in api.gateway_responses:
            if g.type not in ("MISSING_AUTHENTICATION_TOKEN", "DEFAULT_4XX"):
                continue
            overrides = [n for n, _ in g.headers if n.lower() == "x-amzn-errortype"]
            bodies = [t for _, t in g.templates]
            drops = bool(bodies) and not any(
                "$context.error" in t or "Missing Authentication Token" in t for t in bodies
            )
            if not overrides and not drops:
                continue
            what = "overrides x-amzn-ErrorType" if overrides else "drops the error message from the body"
            yield CheckFinding(
                check_id=MAT_HIDDEN.id,
                severity=MAT_HIDDEN.severity,
                message=f"API {api.name or api.id}: the {g.type} gateway response {what}; a route miss can no "
                "longer be told from other errors.",
                origin=g.origin if g.origin.source else api.origin,
                subject=f"{api.id}:{g.type}",
                fix=Snippet(
                    language=language(api),
                    text='{"message":$context.error.messageString,"type":"$context.error.responseType"}',
                    summary="keep $context.error.* in the template and leave x-amzn-ErrorType alone",
                ),
            )
