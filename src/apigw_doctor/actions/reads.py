"""The reads ``fix --apply`` and ``rollback`` both make of the account, through the source's read-only clients:
a stage as AWS answers it, a custom-domain mapping by its base path, whether a method exists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..sources.live import LiveSource
from .backup import plain


@dataclass(frozen=True, slots=True, kw_only=True)
class FoundMapping:
    key: str
    """The base path as AWS names it (``(none)`` for the empty v1 base path)."""
    api_id: str | None
    stage: str | None
    mapping_id: str | None = None
    """v2 API mappings: the id DeleteApiMapping needs."""


def read_stage(source: LiveSource, api_kind: str, region: str, api_id: str, stage: str) -> dict[str, Any] | None:
    """GetStage as plain JSON (dates as text, no ResponseMetadata); None when the stage does not exist."""
    if api_kind == "REST":
        client = source.client("apigateway", region)
        try:
            return plain(client.get_stage(restApiId=api_id, stageName=stage))
        except client.exceptions.NotFoundException:
            return None
    client = source.client("apigatewayv2", region)
    try:
        return plain(client.get_stage(ApiId=api_id, StageName=stage))
    except client.exceptions.NotFoundException:
        return None


def read_mapping(source: LiveSource, api_kind: str, region: str, domain: str, base_path: str) -> FoundMapping | None:
    """The mapping of ``domain`` at ``base_path`` (v2 API mappings for an HTTP API, else v1), or None."""
    if api_kind == "HTTP":
        items = source.client("apigatewayv2", region).get_api_mappings(DomainName=domain).get("Items", [])
        found = next((m for m in items if m.get("ApiMappingKey", "") == base_path), None)
        if found is None:
            return None
        return FoundMapping(
            key=base_path, api_id=found.get("ApiId"), stage=found.get("Stage"), mapping_id=found.get("ApiMappingId")
        )
    client = source.client("apigateway", region)
    key = base_path or "(none)"
    try:
        got = client.get_base_path_mapping(domainName=domain, basePath=key)
    except client.exceptions.NotFoundException:
        return None
    return FoundMapping(key=key, api_id=got.get("restApiId"), stage=got.get("stage"))


def method_exists(source: LiveSource, region: str, api_id: str, resource_id: str, http_method: str) -> bool:
    client = source.client("apigateway", region)
    try:
        client.get_method(restApiId=api_id, resourceId=resource_id, httpMethod=http_method)
    except client.exceptions.NotFoundException:
        return False
    return True


__all__ = ["FoundMapping", "method_exists", "read_mapping", "read_stage"]
