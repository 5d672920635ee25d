"""Custom domains: ``AWS::ApiGateway::DomainName`` / ``BasePathMapping`` and ``AWS::ApiGatewayV2::DomainName`` /
``ApiMapping`` -> :class:`DomainName` with its :class:`Mapping` list.

A ``Ref`` to a domain resource is its name, a ``Ref`` to a stage resource is the stage's name (as
CloudFormation returns them). A base-path mapping without ``BasePath`` (or ``""``, ``(none)``) is the
catch-all; without ``Stage`` it is the ``(none)`` stage (the URL carries the stage after the base path).
A mapping to a domain the template does not create belongs to a domain made elsewhere: it is kept, with
REGIONAL assumed and a note.
"""

from __future__ import annotations

from ...model import ENDPOINT_TYPES, DomainName, Mapping, Origin
from ..document import fail
from .resources import (
    HTTP_API,
    HTTP_DOMAIN,
    HTTP_MAPPING,
    HTTP_STAGE,
    REST_API,
    REST_DOMAIN,
    REST_MAPPING,
    REST_STAGE,
    Reader,
)
from .template import TemplateResource
from .values import ResourceRef, as_text

DOMAIN_TYPES = (REST_DOMAIN, HTTP_DOMAIN)


def read_domains(reader: Reader) -> tuple[DomainName, ...]:
    defined: dict[str, tuple[str, str, Origin]] = {}
    """Domain resources by logical id: (name, endpoint type, origin)."""
    for res in reader.active(REST_DOMAIN, HTTP_DOMAIN):
        name = reader.text(res, "DomainName", reader.notes)
        if name is None:
            fail(f"{res.logical_id} needs a DomainName", res.origin)
        defined[res.logical_id] = (name.lower().rstrip("."), _endpoint_type(reader, res), res.origin)
    mappings: dict[str, list[Mapping]] = {name: [] for name, _, _ in defined.values()}
    for res in reader.active(REST_MAPPING, HTTP_MAPPING):
        domain, mapping = _mapping(reader, res, defined)
        mappings.setdefault(domain, []).append(mapping)
    out = []
    made_here = {name: (kind, origin) for name, kind, origin in defined.values()}
    for name, found in mappings.items():
        if name in made_here:
            kind, origin = made_here[name]
        else:
            kind, origin = "REGIONAL", found[0].origin
            reader.notes.append(
                f"{origin}: the domain {name} is not created by this template: its endpoint type is not known "
                "(REGIONAL is assumed) and it may have other mappings"
            )
        out.append(
            DomainName(name=name, endpoint_type=kind, region=reader.region, mappings=tuple(found), origin=origin)
        )
    return tuple(out)


def _endpoint_type(reader: Reader, res: TemplateResource) -> str:
    props = reader.props(res)
    if res.type == HTTP_DOMAIN:
        configs = props.get("DomainNameConfigurations")
        first = configs[0] if isinstance(configs, list) and configs else None
        kind = as_text(first.get("EndpointType")) if isinstance(first, dict) else None
        return (kind or "REGIONAL").upper()
    config = props.get("EndpointConfiguration")
    types = reader.texts(res, "EndpointConfiguration", config.get("Types")) if isinstance(config, dict) else ()
    if types:
        kind = types[0].upper()
        if kind not in ENDPOINT_TYPES:
            fail(
                f"endpoint type {kind!r} is not one of {', '.join(ENDPOINT_TYPES)}",
                reader.origin(res, "EndpointConfiguration"),
            )
        return kind
    regional = props.get("RegionalCertificateArn") is not None or props.get("RegionalCertificateName") is not None
    return "REGIONAL" if regional else "EDGE"


def _mapping(reader: Reader, res: TemplateResource, defined: dict[str, tuple[str, str, Origin]]) -> tuple[str, Mapping]:
    props = reader.props(res)
    v2 = res.type == HTTP_MAPPING
    domain_ref = reader.ref(res, "DomainName", DOMAIN_TYPES, required=True)
    if domain_ref is not None:
        domain = defined[domain_ref][0] if domain_ref in defined else domain_ref
    else:
        domain = (reader.text(res, "DomainName", reader.notes) or "").lower().rstrip(".")
    api_key = "ApiId" if v2 else "RestApiId"
    api = reader.ref(res, api_key, (HTTP_API, REST_API) if v2 else (REST_API,), required=v2)
    if api is None:
        api = reader.text(
            res, api_key, reader.notes, "an API defined elsewhere: requests through this mapping reach no API here"
        )
    if api is None:
        fail(f"{res.logical_id} needs a {api_key}", res.origin)
    stage = _stage(reader, res)
    if stage is None and v2:
        fail(f"{res.logical_id} needs a Stage", res.origin)
    key = as_text(props.get("ApiMappingKey" if v2 else "BasePath")) or ""
    if key == "(none)":
        key = ""
    return domain, Mapping(
        base_path=key.strip("/"), api_id=api, stage=stage, source="v2" if v2 else "v1", origin=res.origin
    )


def _stage(reader: Reader, res: TemplateResource) -> str | None:
    value = reader.props(res).get("Stage")
    if isinstance(value, ResourceRef):
        target = reader.template.resource(value.logical_id)
        assert target is not None
        if target.type not in (REST_STAGE, HTTP_STAGE) or value.attribute is not None:
            fail(f"Stage of {res.logical_id} names {value.text}, not a stage", reader.origin(res, "Stage"))
        return reader.text(target, "StageName", reader.notes)
    text = reader.text(res, "Stage", reader.notes) if value is not None else None
    return text or None
