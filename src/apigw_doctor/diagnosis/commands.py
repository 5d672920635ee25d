"""Copy-pasteable fixes: corrected URLs, curl lines and exact ``aws`` CLI commands."""

from __future__ import annotations

import shlex

from ..gateway import Outcome, Request
from ..gateway.hosts import execute_api_host
from ..model import HttpApi, Resource, RestApi

_SKIP_HEADERS = {"host", "content-length"}


def curl(
    request: Request,
    url: str | None = None,
    method: str | None = None,
    extra: tuple[str, ...] = (),
    drop: tuple[str, ...] = (),
) -> str:
    """A curl line for ``request`` (optionally at another URL / method), ``extra`` args appended."""
    method = (method or request.method).upper()
    parts = ["curl", "-i"]
    if method != "GET":
        parts += ["-X", method]
    parts.append(url or request.url)
    dropped = {d.lower() for d in drop} | _SKIP_HEADERS
    for name, value in request.headers:
        if name.lower() not in dropped:
            parts += ["-H", f"{name}: {value}"]
    return shlex.join(parts) + ("" if not extra else " " + " ".join(extra))


def sigv4_curl(request: Request, region: str, url: str | None = None) -> str:
    """curl (7.75+) signing the request with SigV4 from the usual environment variables."""
    extra = (
        '--aws-sigv4 "aws:amz:' + region + ':execute-api"',
        '--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"',
        '-H "x-amz-security-token: $AWS_SESSION_TOKEN"',
    )
    return curl(request, url, drop=("authorization",), extra=extra)


def url_on(outcome: Outcome, route_path: str, *, stage: str | None = None) -> str:
    """The URL of ``route_path`` through the same host and stage (or ``stage``) as ``outcome``'s request."""
    request = outcome.request
    res = outcome.resolution
    prefix = ""
    if res is not None:
        stage = stage if stage is not None else res.stage
        if res.via == "custom-domain":
            prefix = "/" + res.base_path if res.base_path else ""
            if res.mapping_stage is None and stage and res.api_kind == "REST":
                prefix += "/" + stage
        elif stage and stage != "$default":
            prefix = "/" + stage
    path = route_path if route_path.startswith("/") else "/" + route_path
    if path == "/" and prefix:
        path = "/"
    return request.with_path(prefix + path).url


def execute_api_url(api: RestApi | HttpApi, stage: str | None, route_path: str, query: str = "") -> str:
    prefix = f"/{stage}" if stage and stage != "$default" else ""
    return f"https://{execute_api_host(api.id, api.region)}{prefix}{route_path}" + (f"?{query}" if query else "")


def aws(*args: str, region: str) -> str:
    return shlex.join(["aws", *args, "--region", region])


def redeploy_rest(api: RestApi, stage: str, reason: str) -> str:
    return aws(
        "apigateway",
        "create-deployment",
        "--rest-api-id",
        api.id,
        "--stage-name",
        stage,
        "--description",
        f"apigw-doctor: {reason}",
        region=api.region,
    )


def point_stage(api: RestApi, stage: str, deployment_id: str) -> str:
    return aws(
        "apigateway",
        "update-stage",
        "--rest-api-id",
        api.id,
        "--stage-name",
        stage,
        "--patch-operations",
        f"op=replace,path=/deploymentId,value={deployment_id}",
        region=api.region,
    )


def redeploy_http(api: HttpApi, stage: str) -> tuple[str, ...]:
    return (
        aws(
            "apigatewayv2",
            "create-deployment",
            "--api-id",
            api.id,
            "--stage-name",
            stage,
            "--description",
            "apigw-doctor: deploy the current routes",
            region=api.region,
        ),
    )


def resource_id_var(api: RestApi, resource: Resource | None, path: str, var: str = "RESOURCE_ID") -> tuple[str, str]:
    """(a command setting ``$var`` or "", the value to pass): the resource id, looked up when unknown."""
    if resource is not None and resource.id:
        return "", resource.id
    query = f"items[?path=='{path}'].id"
    lookup = aws(
        "apigateway",
        "get-resources",
        "--rest-api-id",
        api.id,
        "--query",
        query,
        "--output",
        "text",
        region=api.region,
    )
    return f"{var}=$({lookup})", f"${var}"


def put_method(
    api: RestApi,
    resource: Resource | None,
    path: str,
    http_method: str,
    integration: tuple[str, ...],
    stage: str,
    reason: str,
) -> tuple[str, ...]:
    """put-method + put-integration + create-deployment for ``http_method`` on ``path``."""
    setter, rid = resource_id_var(api, resource, path)
    rid_arg = f'"{rid}"' if rid.startswith("$") else shlex.quote(rid)

    def cmd(*args: str) -> str:
        base = aws(*args, region=api.region)
        return base.replace("__RID__", rid_arg)

    cmds = [setter] if setter else []
    cmds.append(
        cmd(
            "apigateway",
            "put-method",
            "--rest-api-id",
            api.id,
            "--resource-id",
            "__RID__",
            "--http-method",
            http_method,
            "--authorization-type",
            "NONE",
        )
    )
    cmds.append(
        cmd(
            "apigateway",
            "put-integration",
            "--rest-api-id",
            api.id,
            "--resource-id",
            "__RID__",
            "--http-method",
            http_method,
            *integration,
        )
    )
    cmds.append(redeploy_rest(api, stage, reason))
    return tuple(cmds)


def cors_preflight(
    api: RestApi, resource: Resource | None, path: str, origin: str, method: str, stage: str
) -> tuple[str, ...]:
    """An OPTIONS method answering the preflight: MOCK integration, method and integration responses, deploy."""
    setter, rid = resource_id_var(api, resource, path)
    rid_arg = f'"{rid}"' if rid.startswith("$") else shlex.quote(rid)
    allow = {
        "Access-Control-Allow-Origin": f"'{origin}'",
        "Access-Control-Allow-Methods": f"'OPTIONS,{method}'",
        "Access-Control-Allow-Headers": "'Content-Type,Authorization,X-Api-Key,X-Amz-Date,X-Amz-Security-Token'",
    }
    declared = ",".join(f"method.response.header.{k}=false" for k in allow)
    values = "{" + ",".join(f'"method.response.header.{k}":"{v}"' for k, v in allow.items()) + "}"

    def c(*args: str) -> str:
        return aws(*args, region=api.region).replace("__RID__", rid_arg)

    common = ("--rest-api-id", api.id, "--resource-id", "__RID__", "--http-method", "OPTIONS")
    return (
        *([setter] if setter else []),
        c("apigateway", "put-method", *common, "--authorization-type", "NONE"),
        c(
            "apigateway",
            "put-integration",
            *common,
            "--type",
            "MOCK",
            "--request-templates",
            '{"application/json":"{\\"statusCode\\": 200}"}',
        ),
        c(
            "apigateway",
            "put-method-response",
            *common,
            "--status-code",
            "200",
            "--response-parameters",
            declared,
        ),
        c(
            "apigateway",
            "put-integration-response",
            *common,
            "--status-code",
            "200",
            "--response-parameters",
            values,
        ),
        redeploy_rest(api, stage, f"add the CORS preflight on {path}"),
    )
