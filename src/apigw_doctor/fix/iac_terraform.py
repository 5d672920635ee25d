"""Terraform edits of the IaC patch (:mod:`.iac_patch`): the deployment's ``triggers`` and ``lifecycle``, a method
on the root or a proxy's parent with the proxy's integration, a base-path (or API) mapping.

Blocks are found in the text by their header (``resource "TYPE" "NAME" {``), so edits chain; each edited file is
parsed again before its diff is offered. A plan or a state is not code: its edits are snippets.
"""

from __future__ import annotations

import re
import textwrap
from functools import partial
from typing import TYPE_CHECKING

from ..errors import InputError
from ..model import HttpApi
from . import iac_text as ed
from .iac_patch import (
    MAPPING,
    METHOD,
    REDEPLOY,
    Api,
    Draft,
    IacEdit,
    Source,
    Target,
    mapping_notes,
    method_rule,
    method_to_add,
    only_stage,
    unique,
)

if TYPE_CHECKING:
    from ..sources.terraform import TerraformConfig, TfResource

_TF_PARTS = ("aws_api_gateway_resource", "aws_api_gateway_method", "aws_api_gateway_integration")
_TF_AUTH = ("authorization", "authorizer_id", "api_key_required", "authorization_scopes")
_TF_INTEGRATION = (
    "type",
    "integration_http_method",
    "uri",
    "connection_type",
    "connection_id",
    "credentials",
    "timeout_milliseconds",
    "content_handling",
    "passthrough_behavior",
)


def _local(r: TfResource) -> str:
    return f"{r.type}.{r.name}"


def _refs(r: TfResource, *names: str) -> set[str]:
    return {x.split("[", 1)[0] for n in names if (a := r.argument(n)) is not None for x in a.references}


def _of(r: TfResource, api: TfResource) -> bool:
    refs = _refs(r, "rest_api_id", "api_id")
    return r.module == api.module and (_local(api) in refs or api.address in refs)


def _tf_id(r: TfResource) -> str:
    if r.index is None:
        return f"{_local(r)}.id"
    return f"{_local(r)}[*].id" if isinstance(r.index, int) else f"values({_local(r)})[*].id"


def terraform_edits(draft: Draft, src: Source, config: TerraformConfig, api: Api, target: Target) -> None:
    me = config.resource(api.origin.pointer)
    if me is None:
        draft.notes.append(f"{src.path}: {api.origin.pointer} is not a resource block that can be edited.")
        return
    if config.kind != "hcl":
        draft.snippets_only = True
        draft.notes.append(f"{src.path} is a Terraform {config.kind}, not code: write the edits in the .tf files.")
    added: tuple[str, ...] = ()
    if target.kind == METHOD:
        added = _tf_method(draft, config, api, me, target)
    if target.kind in (REDEPLOY, METHOD):
        _tf_redeploy(draft, src, config, api, me, target, added)
    if target.kind == MAPPING:
        _tf_mapping(draft, config, api, me, target)
    from ..sources.terraform.hcl import parse_text

    for path, text in list(draft.changed()):
        try:
            parse_text(text, path)
        except InputError as exc:
            draft.unverified(path, f"the edited file would not parse ({exc})")


def _tf_redeploy(
    draft: Draft, src: Source, config: TerraformConfig, api: Api, me: TfResource, target: Target, added: tuple[str, ...]
) -> None:
    if isinstance(api, HttpApi):
        stages = [s for s in config.of_type("aws_apigatewayv2_stage") if _of(s, me)]
        for s in [s for s in stages if target.stage in (None, s.value("name"))]:
            if s.value("auto_deploy") is True:
                draft.notes.append(f"{s.address} deploys automatically already: see its last deployment's status.")
                continue
            draft.change(
                s.origin.source,
                partial(ed.hcl_set, rtype=s.type, name=s.name, argument="auto_deploy", written="auto_deploy = true"),
                resource=s.address,
                summary="deploy every change of the API to the stage",
                rule="APIGW030",
                snippet="auto_deploy = true\n",
                line=s.origin.line,
            )
        return
    deps = [d for d in config.of_type("aws_api_gateway_deployment") if _of(d, me)]
    serving = {
        x
        for s in config.of_type("aws_api_gateway_stage")
        if _of(s, me) and s.value("stage_name") == target.stage
        for x in _refs(s, "deployment_id")
    }
    deps = [d for d in deps if _local(d) in serving] or deps
    parts = [_tf_id(r) for r in config.of_type(*_TF_PARTS) if _of(r, me)] + [f"{a}.id" for a in added]
    if me.argument("body") is not None:
        parts.append(f"{_local(me)}.body")
    triggers = ed.tf_triggers(dict.fromkeys(parts))
    if not deps:
        text = ed.tf_block("aws_api_gateway_deployment", "this", [("rest_api_id", f"{_local(me)}.id")])
        text = text[:-2] + textwrap.indent(triggers + ed.LIFECYCLE, "  ") + "}\n"
        draft.edits.append(
            IacEdit(
                file=None,
                line=None,
                resource="aws_api_gateway_deployment.this",
                rule="APIGW001",
                summary=f"deploy {me.address} (no deployment of it is in {src.path})",
                text=text,
            )
        )
        return
    for dep in deps:
        flagged = {f.check_id for f in src.findings if f.subject == dep.address}
        retrigger = bool(added) or bool(flagged & {"APIGW001", "APIGW002"})
        trig = dep.argument("triggers")
        if retrigger:
            draft.change(
                dep.origin.source,
                partial(ed.hcl_set, rtype=dep.type, name=dep.name, argument="triggers", written=triggers),
                resource=dep.address,
                summary="redeploy whenever a resource, method or integration changes",
                snippet=triggers,
                rule="APIGW001",
                line=trig.line if trig is not None else dep.origin.line,
            )
        if dep.create_before_destroy is not True and (retrigger or "APIGW003" in flagged):
            draft.change(
                dep.origin.source,
                partial(ed.hcl_lifecycle, rtype=dep.type, name=dep.name),
                resource=dep.address,
                summary="create the new deployment before the old one is destroyed",
                snippet=ed.LIFECYCLE,
                rule="APIGW003",
                line=dep.origin.line,
            )
        if not retrigger and "APIGW003" not in flagged:
            draft.notes.append(
                f"{dep.address} already redeploys when the API changes: `terraform apply` deploys the "
                "route; a route that is not in the code was added outside it (add it, or the next "
                "apply removes it)."
            )


def _tf_method(draft: Draft, config: TerraformConfig, api: Api, me: TfResource, target: Target) -> tuple[str, ...]:
    found = method_to_add(api, target)
    if found is None:
        draft.notes.append(f"No REST resource of {me.address} matches the request's path: add it in the code by hand.")
        return ()
    resource, http_method, copy = found
    if me.argument("body") is not None:
        like = (
            f"the same x-amazon-apigateway-integration as {copy.http_method} /...{{proxy+}}"
            if copy
            else "an integration"
        )
        draft.edits.append(
            IacEdit(
                file=me.origin.source,
                line=me.origin.line,
                resource=me.address,
                rule=None,
                summary=f"add {http_method} {resource.path} to the API's body",
                text=f"paths:\n  {resource.path}:\n    {_oas(http_method)}:  # {like}\n",
            )
        )
        return ()
    parent = None if resource.path != "/" else f"{_local(me)}.root_resource_id"
    if parent is None and (pr := config.resource(resource.origin.pointer)) is not None and pr.index is None:
        parent = f"{_local(pr)}.id"
    m = config.resource(copy.origin.pointer) if copy is not None else None
    integ = _tf_integration(config, m) if m is not None else None
    path = m.origin.source if m is not None else me.origin.source
    text = draft.text(path)
    slug = re.sub(r"\W+", "_", resource.path.strip("/")).strip("_") or "root"
    taken = ed.hcl_names(text, "aws_api_gateway_method") | ed.hcl_names(text, "aws_api_gateway_integration")
    name = unique(f"{slug}_{http_method.lower()}", taken)
    auth = [(a.name, a.text) for a in m.arguments if a.name in _TF_AUTH] if m is not None else []
    method = ed.tf_block(
        "aws_api_gateway_method",
        name,
        [
            ("rest_api_id", f"{_local(me)}.id"),
            ("resource_id", parent or "<the parent resource>.id"),
            ("http_method", f'"{http_method}"'),
            *(auth or [("authorization", '"NONE"')]),
        ],
    )
    copied = (
        [(a.name, a.text.replace("/{proxy}", "")) for a in integ.arguments if a.name in _TF_INTEGRATION]
        if integ
        else []
    )
    integration = ed.tf_block(
        "aws_api_gateway_integration",
        name,
        [
            ("rest_api_id", f"{_local(me)}.id"),
            ("resource_id", f"aws_api_gateway_method.{name}.resource_id"),
            ("http_method", f"aws_api_gateway_method.{name}.http_method"),
            *(copied or [("type", '"AWS_PROXY"'), ("integration_http_method", '"POST"'), ("uri", "<the backend>")]),
        ],
    )
    written = method + "\n" + integration
    ok = parent is not None and bool(copied)
    like = f" with the integration of {integ.address}" if integ is not None and copied else ""
    draft.change(
        path,
        lambda t: ed.hcl_append(t, written) if ok else None,
        resource=f"aws_api_gateway_method.{name}",
        summary=f"add {http_method} {resource.path}{like}",
        snippet=written,
        rule=method_rule(target, resource.path),
        line=(m or me).origin.line,
    )
    return (f"aws_api_gateway_method.{name}", f"aws_api_gateway_integration.{name}") if ok else ()


def _tf_integration(config: TerraformConfig, m: TfResource) -> TfResource | None:
    for i in config.of_type("aws_api_gateway_integration"):
        if i.module == m.module and (
            _local(m) in _refs(i, "http_method")
            or (_refs(i, "resource_id") == _refs(m, "resource_id") and i.value("http_method") == m.value("http_method"))
        ):
            return i
    return None


def _tf_mapping(draft: Draft, config: TerraformConfig, api: Api, me: TfResource, target: Target) -> None:
    v2, stage, base = isinstance(api, HttpApi), only_stage(api), target.first_segment
    domains = config.of_type("aws_apigatewayv2_domain_name" if v2 else "aws_api_gateway_domain_name")
    domain = next((d for d in domains if d.value("domain_name") == target.host and d.module == me.module), None)
    stages = config.of_type("aws_apigatewayv2_stage" if v2 else "aws_api_gateway_stage")
    key = "name" if v2 else "stage_name"
    s = next((s for s in stages if _of(s, me) and stage is not None and s.value(key) == stage), None)
    stage_ref = f"{_local(s)}.{key}" if s is not None else f'"{stage or "<stage>"}"'
    domain_ref = f"{_local(domain)}.domain_name" if domain is not None else f'"{target.host}"'
    path = domain.origin.source if domain is not None else me.origin.source
    rtype = "aws_apigatewayv2_api_mapping" if v2 else "aws_api_gateway_base_path_mapping"
    name = unique(re.sub(r"\W+", "_", base).strip("_") or "root", ed.hcl_names(draft.text(path), rtype))
    args = [("api_id", f"{_local(me)}.id"), ("stage" if v2 else "stage_name", stage_ref), ("domain_name", domain_ref)]
    if base:
        args.append(("api_mapping_key" if v2 else "base_path", f'"{base}"'))
    written = ed.tf_block(rtype, name, args)
    draft.change(
        path,
        lambda t: ed.hcl_append(t, written) if stage is not None else None,
        resource=f"{rtype}.{name}",
        summary=f"map https://{target.host}/{base} to {me.address}",
        snippet=written,
        rule=None,
    )
    mapping_notes(draft, api, stage, base)


def _oas(http_method: str) -> str:
    return "x-amazon-apigateway-any-method" if http_method == "ANY" else http_method.lower()


__all__ = ["terraform_edits"]
