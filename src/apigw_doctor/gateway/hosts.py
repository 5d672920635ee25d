"""Host resolution: which API (or custom domain) a host name stands for."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .request import Request

_EXECUTE_API = re.compile(
    r"^(?P<api>[a-z0-9]+)(?:-(?P<vpce>vpce-[a-z0-9]+))?\.execute-api\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$"
)
_VPCE = re.compile(
    r"^(?P<vpce>vpce-[a-z0-9]+)-[a-z0-9]+(?:-[a-z0-9-]+)?\.execute-api\.(?P<region>[a-z0-9-]+)\.vpce\.amazonaws\.com$"
)


@dataclass(frozen=True, slots=True)
class HostInfo:
    kind: str
    """``execute-api``, ``vpce`` (a private API through a VPC endpoint) or ``custom-domain``."""
    host: str
    api_id: str | None = None
    region: str | None = None
    vpce_id: str | None = None


def execute_api_host(api_id: str, region: str) -> str:
    suffix = ".amazonaws.com.cn" if region.startswith("cn-") else ".amazonaws.com"
    return f"{api_id}.execute-api.{region}{suffix}"


def classify(request: Request) -> HostInfo:
    host = request.host.rstrip(".")
    m = _EXECUTE_API.match(host)
    if m:
        if m.group("vpce"):
            return HostInfo("vpce", host, m.group("api"), m.group("region"), m.group("vpce"))
        return HostInfo("execute-api", host, m.group("api"), m.group("region"))
    v = _VPCE.match(host)
    if v:
        api_id = request.header("x-apigw-api-id")
        region = v.group("region")
        if not api_id:
            inner = _EXECUTE_API.match((request.header("Host") or "").lower().split(":")[0])
            api_id = inner.group("api") if inner else None
        return HostInfo("vpce", host, api_id.lower() if api_id else None, region, v.group("vpce"))
    override = request.header("Host")
    if override and host in ("127.0.0.1", "localhost", "::1"):
        return classify(request.with_url(request.url.replace(request.host, override.split(":")[0].lower(), 1)))
    return HostInfo("custom-domain", host)
