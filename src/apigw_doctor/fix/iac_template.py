"""CloudFormation and SAM edits of the IaC patch (:mod:`.iac_patch`), on YAML templates.

* The redeploy: the deployment's logical id ends with a hash of the API's resources and methods (a new logical id
  is a new deployment; every ``Ref``, ``GetAtt``, ``Sub`` and ``DependsOn`` to it follows), and it ``DependsOn``
  every method; HTTP API stages get ``AutoDeploy: true``; SAM APIs ``AlwaysDeploy: true`` (or ``Globals.Api``).
* A method on the root or a proxy's parent, with the proxy's integration copied (SAM: a copy of the function's
  ``{proxy+}`` event), and a base-path mapping.

Positions come from the line map of the text being edited (parsed again for each edit). Each edited template is
read back, expanded and checked again before its diffs are offered; otherwise the snippets are. JSON templates
get snippets.
"""

from __future__ import annotations

import hashlib
import json
import re
import textwrap
from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from ..errors import InputError
from ..model import HttpApi
from . import iac_text as ed
from .iac import generic_snippet
from .iac_patch import (
    MAPPING,
    METHOD,
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
    from ..sources.cloudformation import Template, TemplateResource

_CFN_COPIED = ("AuthorizationType", "AuthorizerId", "ApiKeyRequired", "AuthorizationScopes", "Integration")
_HEX_TAIL = re.compile(r"[0-9A-Fa-f]{8,}$")


def template_edits(draft: Draft, src: Source, api: Api, target: Target) -> None:
    assert src.template is not None
    raw = src.template
    if raw.syntax == "json":
        draft.snippets_only = True
        draft.notes.append(f"{raw.path} is JSON: each edit is the snippet to write at its line (no diff).")
    written = raw.resource(api.id)
    sam_api = src.language == "sam" and (written is None or written.type.startswith("AWS::Serverless::"))
    if target.kind == MAPPING:
        _cfn_mapping(draft, src, api, target, sam_api)
    elif target.kind == METHOD and sam_api:
        _sam_event(draft, raw, api, target)
    elif target.kind == METHOD:
        added = _cfn_method(draft, raw, api, target)
        _cfn_redeploy(draft, src, api, target, force=added)
    elif sam_api:
        _sam_always_deploy(draft, raw, api, written)
    else:
        _cfn_redeploy(draft, src, api, target, force=False)
    _cfn_verify(draft, src)


def _parse(text: str, path: str) -> Template:
    from ..sources.cloudformation.template import parse_template

    template = parse_template(text, path)
    if template is None:
        raise InputError("the edited file is no longer a template", path)
    return template


def _cfn_verify(draft: Draft, src: Source) -> None:
    """Read each edited template back and check it again: the targeted findings are gone, no new error."""
    from ..checks import CHECKS, CheckInput, run_checks
    from ..sources.cloudformation import load_template_expanded

    before = {(f.check_id, f.subject) for f in src.findings}
    for path, text in list(draft.changed()):
        try:
            world, expanded = load_template_expanded(_parse(text, path))
        except InputError as exc:
            draft.unverified(path, f"the edited template would not load ({exc})")
            continue
        after = run_checks(CHECKS, CheckInput(world=world, templates=(expanded,)))
        bad = [
            f
            for f in after
            if (f.check_id, f.subject) in draft.subjects
            or (f.severity == "error" and (f.check_id, f.subject) not in before)
        ]
        if bad:
            draft.unverified(path, f"the edited template still fails {bad[0].check_id}: {bad[0].message}")


def _ref(value: object) -> str | None:
    return value.get("Ref") if isinstance(value, dict) and isinstance(value.get("Ref"), str) else None


def _yaml_set(text: str, path: str, parent: str, key: str, written: str) -> str | None:
    """``key`` (``written`` is ``key: ...``) in the mapping at JSON pointer ``parent``, created when missing."""
    lines = _parse(text, path).lines
    at = lines.exact(f"{parent}/{key}")
    if at is not None:
        return ed.yaml_replace(text, at, written)
    if (line := lines.exact(parent)) is not None:
        return ed.yaml_insert(text, line, written)
    up, name = parent.rsplit("/", 1)
    line = lines.exact(up)
    return ed.yaml_insert(text, line, f"{name}:\n" + textwrap.indent(written, "  "), last=True) if line else None


def _cfn_redeploy(draft: Draft, src: Source, api: Api, target: Target, *, force: bool) -> None:
    from ..sources.cloudformation.resources import HTTP_STAGE, REST_DEPLOYMENT, REST_STAGE

    assert src.template is not None
    path = src.template.path
    tpl = src.template if draft.snippets_only else _parse(draft.text(path), path)
    if isinstance(api, HttpApi):
        for s in tpl.of_type(HTTP_STAGE):
            name = s.properties.get("StageName")
            if _ref(s.properties.get("ApiId")) != api.id or target.stage not in (None, name):
                continue
            draft.subjects.add(("APIGW030", f"{api.id}:stage:{name}"))
            draft.change(
                path,
                partial(
                    _yaml_set, path=path, parent=f"{s.pointer}/Properties", key="AutoDeploy", written="AutoDeploy: true"
                ),
                resource=s.logical_id,
                summary="deploy every change of the API to the stage",
                rule="APIGW030",
                snippet="AutoDeploy: true\n",
                line=s.origin.line,
            )
        return
    deps = [d for d in tpl.of_type(REST_DEPLOYMENT) if _ref(d.properties.get("RestApiId")) == api.id]
    serving = {
        _ref(s.properties.get("DeploymentId"))
        for s in tpl.of_type(REST_STAGE)
        if s.properties.get("StageName") == target.stage
    }
    deps = [d for d in deps if d.logical_id in serving or d.properties.get("StageName") == target.stage] or deps
    if not deps:
        draft.notes.append(f"{path} has no AWS::ApiGateway::Deployment of {api.id}: it is deployed from elsewhere.")
    for dep in deps:
        flagged = {f.check_id for f in src.findings if f.subject == dep.logical_id}
        if force or "APIGW002" in flagged:
            _cfn_depends_on(draft, path, api, dep)
        if force or "APIGW001" in flagged:
            _cfn_rename(draft, path, api, dep)
        elif "APIGW002" not in flagged:
            draft.notes.append(
                f"{dep.logical_id} already changes with the API: deploying the stack deploys the "
                "route; a route that is not in the template was added outside it."
            )


def _api_parts(tpl: Template, api: Api, *types: str) -> list[TemplateResource]:
    return [r for r in tpl.of_type(*types) if _ref(r.properties.get("RestApiId")) == api.id]


def _cfn_depends_on(draft: Draft, path: str, api: Api, dep: TemplateResource) -> None:
    from ..sources.cloudformation.resources import REST_METHOD

    tpl = None if draft.snippets_only else _parse(draft.text(path), path)
    methods = [m.logical_id for m in _api_parts(tpl, api, REST_METHOD)] if tpl is not None else []
    listed = "DependsOn:\n" + "".join(f"  - {m}\n" for m in dict.fromkeys((*dep.depends_on, *methods)))
    draft.change(
        path,
        lambda t: _yaml_set(t, path, dep.pointer, "DependsOn", listed),
        resource=dep.logical_id,
        summary="create the deployment after every method of the API",
        snippet=listed,
        rule="APIGW002",
        line=dep.origin.line,
    )


def _cfn_rename(draft: Draft, path: str, api: Api, dep: TemplateResource) -> None:
    from ..sources.cloudformation.resources import REST_METHOD, REST_RESOURCE

    tpl = _parse(draft.text(path), path) if not draft.snippets_only else None
    parts = {r.logical_id: r.properties for r in _api_parts(tpl, api, REST_RESOURCE, REST_METHOD)} if tpl else {}
    digest = hashlib.sha1(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:10]
    new = (_HEX_TAIL.sub("", dep.logical_id) or "Deployment") + digest
    draft.subjects.update({("APIGW001", new), ("APIGW002", new)})
    draft.change(
        path,
        lambda t: _rename(t, path, dep.logical_id, new),
        resource=dep.logical_id,
        rule="APIGW001",
        summary=f"rename {dep.logical_id} to {new}: a new logical id makes CloudFormation create a new deployment",
        snippet=f"{new}:  # was {dep.logical_id}, and every !Ref / DependsOn to it\n",
        line=dep.origin.line,
    )
    draft.notes.append(
        f"{new} ends with a hash of the API's resources and methods: change the suffix again with "
        "every change to them (CDK does it for you), or move the API to SAM with AlwaysDeploy: true."
    )


def _rename(text: str, path: str, old: str, new: str) -> str:
    from ..sources.cloudformation.yaml_cfn import escape

    tpl = _parse(text, path)
    pointers = [f"/Resources/{escape(old)}", *_references(tpl.data, old, "")]
    return ed.yaml_token(text, [n for p in pointers if (n := tpl.lines.line(p)) is not None], old, new)


def _references(value: object, name: str, pointer: str) -> Iterator[str]:
    """Pointers of every ``Ref``, ``Fn::GetAtt``, ``Fn::Sub`` and ``DependsOn`` naming the resource ``name``."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from _references(item, name, f"{pointer}/{i}")
    if not isinstance(value, dict):
        return
    for k, v in value.items():
        p = f"{pointer}/{k.replace('~', '~0').replace('/', '~1')}"
        att = v[0] if isinstance(v, list) and v else (v.split(".", 1)[0] if isinstance(v, str) else None)
        if (
            (k == "Ref" and v == name)
            or (k == "Fn::GetAtt" and att == name)
            or (k == "Fn::Sub" and re.search(rf"\$\{{{name}[.}}]", json.dumps(v)))
        ):
            yield p
        elif k == "DependsOn" and (v == name or (isinstance(v, list) and name in v)):
            yield p if v == name else f"{p}/{v.index(name)}"
        yield from _references(v, name, p)


def _cfn_method(draft: Draft, raw: Template, api: Api, target: Target) -> bool:
    found = method_to_add(api, target)
    if found is None:
        draft.notes.append(f"No resource of {api.id} matches the request's path: add the method by hand.")
        return False
    resource, http_method, copy = found
    text = draft.text(raw.path)
    tpl = raw if draft.snippets_only else _parse(text, raw.path)
    pointer = resource.origin.pointer
    ref = f"!GetAtt {api.id}.RootResourceId" if resource.path == "/" else f"!Ref {pointer.rsplit('/', 1)[-1]}"
    props = [("RestApiId", f"!Ref {api.id}"), ("ResourceId", ref), ("HttpMethod", http_method)]
    source = copy.origin.pointer if copy is not None and copy.origin.pointer.count("/") == 2 else None
    for key in _CFN_COPIED if source is not None and not draft.snippets_only else ():
        if (line := tpl.lines.exact(f"{source}/Properties/{key}")) is not None:
            props.append((key, _copied(ed.yaml_copy(text, line))))
    if not any(k == "AuthorizationType" for k, _ in props):
        props.insert(3, ("AuthorizationType", "NONE"))
    slug = re.sub(r"\W", "", resource.path.title()) or "Root"
    name = unique(f"{slug}{http_method.title()}Method", {r.logical_id for r in tpl.resources})
    written = ed.cfn_resource(name, "AWS::ApiGateway::Method", props)
    ok = (resource.path == "/" or pointer.count("/") == 2) and any(k == "Integration" for k, _ in props)
    top = tpl.lines.exact("/Resources")
    like = f" with the integration of {source.rsplit('/', 1)[-1]}" if ok and source else ""
    rule = method_rule(target, resource.path)
    if rule is not None:
        draft.subjects.add((rule, f"{api.id}:{resource.path}"))
    draft.change(
        raw.path,
        lambda t: ed.yaml_insert(t, top, written, last=True) if ok and top else None,
        resource=name,
        summary=f"add {http_method} {resource.path}{like}",
        snippet=written,
        rule=rule,
        line=resource.origin.line,
    )
    return ok


def _copied(block: str) -> str:
    """A copied property's value: inline, or its block (without the proxy's path parameter mappings)."""
    head, _, rest = block.partition("\n")
    value = head.split(":", 1)[1].strip()
    if value:
        return value
    lines = textwrap.dedent(rest).splitlines(True)
    kept, skip = [], False
    for line in lines:
        if line.strip() and not line.startswith(" "):
            skip = line.split(":", 1)[0] in ("RequestParameters", "CacheKeyParameters")
        if not skip:
            kept.append(line.replace("/{proxy}", ""))
    return "".join(kept)


def _sam_event(draft: Draft, raw: Template, api: Api, target: Target) -> None:
    found = method_to_add(api, target)
    copy = found[2] if found is not None else None
    if found is None or copy is None or "/Events/" not in copy.origin.pointer or draft.snippets_only:
        snippet = generic_snippet("sam", target)
        draft.edits.append(
            IacEdit(file=raw.path, line=api.origin.line, resource=api.id, summary=snippet.summary, text=snippet.text)
        )
        draft.notes.append(
            "No function event to copy serves the proxy: write the event (or the path in the API's "
            "definition) yourself."
        )
        return
    resource, http_method, _ = found
    text = draft.text(raw.path)
    tpl = _parse(text, raw.path)
    events, key = copy.origin.pointer.rsplit("/", 1)
    at, line = tpl.lines.exact(events), tpl.lines.exact(copy.origin.pointer)
    if at is None or line is None:
        return
    block = ed.yaml_copy(text, line)
    taken = set(_at(tpl.data, events) or {})
    new_key = unique(key + (re.sub(r"\W", "", resource.path.title()) or "Root"), taken)
    block = re.sub(r"^[^:]+:", f"{new_key}:", block, count=1)
    block = re.sub(r"(?m)^(\s*Path:\s*).*$", rf"\g<1>{resource.path}", block, count=1)
    if copy.http_method != http_method:
        block = re.sub(r"(?m)^(\s*Method:\s*).*$", rf"\g<1>{http_method.lower()}", block, count=1)
    draft.change(
        raw.path,
        lambda t: ed.yaml_insert(t, at, block, last=True),
        resource=f"{events.split('/')[2]}.Events.{new_key}",
        snippet=block,
        rule=method_rule(target, resource.path),
        summary=f"add {http_method} {resource.path} to the function behind {key} (SAM redeploys on it)",
    )
    rule = method_rule(target, resource.path)
    if rule is not None:
        draft.subjects.add((rule, f"{api.id}:{resource.path}"))


def _at(data: object, pointer: str) -> dict[str, object] | None:
    for token in pointer.strip("/").split("/"):
        data = data.get(token.replace("~1", "/").replace("~0", "~")) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else None


def _sam_always_deploy(draft: Draft, raw: Template, api: Api, written: TemplateResource | None) -> None:
    if isinstance(api, HttpApi):
        draft.notes.append("SAM HTTP APIs deploy every change automatically ($default stage, auto-deploy).")
        return
    path, line = raw.path, (written.origin.line if written is not None else raw.at("/Globals").line)
    if written is not None:
        if written.properties.get("AlwaysDeploy") is True:
            draft.notes.append(f"{api.id} has AlwaysDeploy: true already: every stack deploy redeploys it.")
            return
        parent, resource = f"{written.pointer}/Properties", written.logical_id
    else:
        if (_at(raw.data, "/Globals/Api") or {}).get("AlwaysDeploy") is True:
            draft.notes.append("Globals.Api has AlwaysDeploy: true already: every stack deploy redeploys the API.")
            return
        parent, resource = "/Globals/Api", "Globals.Api"

    def edit(t: str) -> str | None:
        done = _yaml_set(t, path, parent, "AlwaysDeploy", "AlwaysDeploy: true")
        if done is not None or written is not None:
            return done
        at = _parse(t, path).lines.exact("/Resources") or 1
        lines = t.splitlines(True)
        lines[at - 1 : at - 1] = ["Globals:\n", "  Api:\n", "    AlwaysDeploy: true\n", "\n"]
        return "".join(lines)

    draft.change(
        path,
        edit,
        resource=resource,
        summary="redeploy the API on every stack deploy (SAM AlwaysDeploy)",
        snippet=f"# {parent.lstrip('/').replace('/', '.')}:\nAlwaysDeploy: true\n",
        line=line,
    )


def _cfn_mapping(draft: Draft, src: Source, api: Api, target: Target, sam_api: bool) -> None:
    from ..sources.cloudformation.resources import HTTP_DOMAIN, HTTP_STAGE, REST_DOMAIN, REST_STAGE

    assert src.template is not None
    path = src.template.path
    tpl = src.template if draft.snippets_only else _parse(draft.text(path), path)
    v2, stage, base = isinstance(api, HttpApi), only_stage(api), target.first_segment
    domain = next(
        (d for d in tpl.of_type(HTTP_DOMAIN if v2 else REST_DOMAIN) if d.properties.get("DomainName") == target.host),
        None,
    )
    stages = [
        s
        for s in tpl.of_type(HTTP_STAGE if v2 else REST_STAGE)
        if _ref(s.properties.get("ApiId" if v2 else "RestApiId")) == api.id
    ]
    s = next((s for s in stages if stage is not None and s.properties.get("StageName") == stage), None)
    stage_ref = f"!Ref {s.logical_id}" if s else (f"!Ref {api.id}.Stage" if sam_api and stage else stage or "<stage>")
    props = [("DomainName", f"!Ref {domain.logical_id}" if domain else target.host)]
    props += [("ApiMappingKey" if v2 else "BasePath", base)] if base else []
    props += [("ApiId" if v2 else "RestApiId", f"!Ref {api.id}"), ("Stage", stage_ref)]
    rtype = "AWS::ApiGatewayV2::ApiMapping" if v2 else "AWS::ApiGateway::BasePathMapping"
    name = unique(
        re.sub(r"\W", "", base.title()) + ("ApiMapping" if v2 else "BasePathMapping"),
        {r.logical_id for r in tpl.resources},
    )
    written = ed.cfn_resource(name, rtype, props)
    top = tpl.lines.exact("/Resources")
    draft.subjects.update({("APIGW040", f"{target.host}:{base}"), ("APIGW041", f"{target.host}:{base}")})
    draft.change(
        path,
        lambda t: ed.yaml_insert(t, top, written, last=True) if stage and top else None,
        resource=name,
        summary=f"map https://{target.host}/{base} to {api.id}",
        snippet=written,
        rule=None,
    )
    mapping_notes(draft, api, stage, base)
    if domain is None:
        draft.notes.append(f"{target.host} is not created in {path}: the mapping names it as text.")


__all__ = ["template_edits"]
