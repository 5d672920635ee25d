"""Custom domains and their mappings: ``aws_api_gateway_domain_name`` / ``aws_apigatewayv2_domain_name``,
``aws_api_gateway_base_path_mapping`` (no ``base_path``: ``(none)``; no ``stage_name``: the stage comes from
the URL) and ``aws_apigatewayv2_api_mapping`` (``api_mapping_key`` may have several levels: ``orders/v1``).

A mapping to a domain the configuration does not declare still counts (the domain may be managed
elsewhere): the domain is assumed REGIONAL, with a note.
"""

from __future__ import annotations

from ...model import DomainName, Mapping, Origin
from .config import TerraformConfig, TfResource, string_value
from .link import Links, shown, string, strings, unknown_reason, where
from .values import Value

V1_DOMAIN = "aws_api_gateway_domain_name"
V2_DOMAIN = "aws_apigatewayv2_domain_name"
V1_MAPPING = "aws_api_gateway_base_path_mapping"
V2_MAPPING = "aws_apigatewayv2_api_mapping"
REST_API = "aws_api_gateway_rest_api"
HTTP_API = "aws_apigatewayv2_api"
STAGES = {"aws_api_gateway_stage": "stage_name", "aws_apigatewayv2_stage": "name"}


def domains(config: TerraformConfig, links: Links, notes: list[str]) -> list[DomainName]:
    declared: dict[str, tuple[TfResource, str]] = {}
    for d in config.of_type(V1_DOMAIN, V2_DOMAIN):
        name = string(d, "domain_name")
        if name is None:
            notes.append(f"{where(d)}: domain_name = {shown(d, 'domain_name')} is not known here: skipped")
            continue
        if d.type == V1_DOMAIN:
            types = [t.upper() for t in strings(d.block("endpoint_configuration").get("types"))]
            endpoint = types[0] if types else "EDGE"
        else:
            endpoint = (string_value(d.block("domain_name_configuration").get("endpoint_type")) or "REGIONAL").upper()
        declared.setdefault(name.lower(), (d, endpoint))
    mappings: dict[str, list[tuple[Mapping, TfResource]]] = {}
    for m in config.of_type(V1_MAPPING, V2_MAPPING):
        found = _mapping(m, links, notes)
        if found is not None:
            domain, mapping = found
            mappings.setdefault(domain.lower(), []).append((mapping, m))
    out = []
    for key in dict.fromkeys([*declared, *mappings]):
        mapped = tuple(mapping for mapping, _ in mappings.get(key, ()))
        if key in declared:
            d, endpoint = declared[key]
            out.append(
                DomainName(
                    name=string(d, "domain_name") or key,
                    endpoint_type=endpoint,
                    region=d.region,
                    mappings=mapped,
                    origin=d.origin,
                )
            )
            continue
        first = mappings[key][0][1]
        notes.append(f"{where(first)}: the domain {key} is not declared in this configuration: REGIONAL is assumed")
        out.append(DomainName(name=key, region=first.region, mappings=mapped, origin=Origin(first.origin.source)))
    return out


def _mapping(m: TfResource, links: Links, notes: list[str]) -> tuple[str, Mapping] | None:
    v1 = m.type == V1_MAPPING
    domain = _domain_name(m.value("domain_name"), links)
    api = links.key(m.value("api_id"), REST_API) if v1 else links.key(m.value("api_id"), REST_API, HTTP_API)
    stage_field = "stage_name" if v1 else "stage"
    stage_value = m.value(stage_field)
    stage = _stage_name(stage_value, links)
    problem = None
    if domain is None:
        problem = f"domain_name = {shown(m, 'domain_name')} ({unknown_reason(m.value('domain_name'))})"
    elif api is None:
        problem = f"api_id = {shown(m, 'api_id')} names no API of this configuration"
    elif stage is None and (stage_value is not None or not v1):
        problem = f"{stage_field} = {shown(m, stage_field)} ({unknown_reason(stage_value)})"
    if problem is not None or domain is None or api is None:
        notes.append(f"{where(m)}: {problem}: skipped")
        return None
    base = string(m, "base_path" if v1 else "api_mapping_key") or ""
    base = "" if base == "(none)" else base.strip("/")
    return domain, Mapping(base_path=base, api_id=api, stage=stage, source="v1" if v1 else "v2", origin=m.origin)


def _domain_name(value: Value, links: Links) -> str | None:
    found = links.target(value, V1_DOMAIN, V2_DOMAIN)
    if found is not None:
        return string(found[0], "domain_name")
    return value if isinstance(value, str) and value else None


def _stage_name(value: Value, links: Links) -> str | None:
    found = links.target(value, *STAGES)
    if found is not None:
        return string(found[0], STAGES[found[0].type])
    return string_value(value)
