"""The infrastructure-code patch of a fix plan: located edits, as unified diffs, when the code is given.

    patch = iac_patch(plan, diagnosis, sources=("infra/",))
    patch.edits[0].file, patch.edits[0].line -> "infra/main.tf", 41
    patch.edits[0].text -> "--- infra/main.tf\\n+++ infra/main.tf\\n@@ -38,6 +38,13 @@ ...\\n+  triggers = {..."

``sources`` are what ``--iac-source PATH`` names: a CloudFormation/SAM template or Terraform (a ``.tf`` file or a
directory). They are read by the source readers, the ``check`` rules run on them, and the findings about the
diagnosed API (found by its origin, id, CloudFormation logical id or name) become edits for the cause:

* ``NOT_DEPLOYED`` and the API-side stage causes: the redeploy. Terraform ``triggers`` over every resource, method
  and integration + ``lifecycle { create_before_destroy = true }`` (APIGW001-003); CloudFormation, a deployment
  logical id ending with a hash of the methods (a new id is a new deployment) that ``DependsOn`` every method;
  SAM, ``AlwaysDeploy: true``; HTTP API stages, ``auto_deploy`` / ``AutoDeploy`` (APIGW030).
* ``BASE_PATH_UNMAPPED``: the base-path mapping (an API mapping for HTTP APIs), filled from the request and code.
* ``STAGE_ROOT_NO_METHOD``, ``PROXY_PARENT_NOT_COVERED``, ``METHOD_NOT_DEFINED``: the method, with the
  integration of the ``{proxy+}`` (or of a sibling method) copied, and the redeploy that publishes it.
* Causes on the client's side: no patch: the API is fine.

An edit is a diff when the file can be edited safely: a template is read back and checked again before its diff
is offered, a ``.tf`` file parsed again. Otherwise (JSON templates, plans and states, a check still failing) it
is the snippet at its file and line. Without sources the patch is the generic one for the code the API's tags
name (:func:`.iac.detect_iac`), and says so. Reading goes through the source readers; the rest is pure.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..diagnosis import Diagnosis
from ..errors import InputError
from ..model import HttpApi, Method, Resource, RestApi, World
from .iac import generic_snippet
from .iac_text import first_changed_line, unified_diff
from .plan import Plan

if TYPE_CHECKING:
    from ..checks import CheckFinding
    from ..sources.cloudformation import Template
    from ..sources.terraform import TerraformConfig

Api = RestApi | HttpApi
REDEPLOY, MAPPING, METHOD = "redeploy", "mapping", "method"
KINDS = {
    "NOT_DEPLOYED": REDEPLOY,
    "STAGE_UNKNOWN": REDEPLOY,
    "STAGE_MISSING": REDEPLOY,
    "BASE_PATH_UNMAPPED": MAPPING,
    "STAGE_ROOT_NO_METHOD": METHOD,
    "PROXY_PARENT_NOT_COVERED": METHOD,
    "METHOD_NOT_DEFINED": METHOD,
}
"""The API-side causes an infrastructure-code patch exists for, and which patch."""


@dataclass(frozen=True, slots=True, kw_only=True)
class IacEdit:
    file: str | None
    """None: a generic snippet (no source holds the API)."""
    line: int | None
    resource: str
    """The Terraform address or CloudFormation logical id the edit changes or adds."""
    summary: str
    text: str
    """A unified diff of ``file`` when ``diff``, else the snippet to write at ``file:line``."""
    diff: bool = False
    rule: str | None = None
    """The check the edit answers (``APIGW001``...), when there is one."""


@dataclass(frozen=True, slots=True, kw_only=True)
class IacPatch:
    language: str
    """``terraform``, ``cloudformation``, ``sam`` or ``none``."""
    cause: str = ""
    managed_by_evidence: tuple[str, ...] = ()
    edits: tuple[IacEdit, ...] = ()
    """In order; diffs of the same file apply one after the other."""
    notes: tuple[str, ...] = ()
    generic: bool = False
    """True when no given source holds the API: the snippet for the code the tags name, with placeholders."""
    sources: tuple[str, ...] = ()
    """The given source the edits were made against."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """What the patch is for, from the plan and the diagnosis."""

    cause: str
    kind: str
    api: Api | None
    stage: str | None
    host: str
    path: tuple[str, ...]
    """The path segments routed against the API (after the stage or base path)."""
    http_method: str
    first_segment: str
    """The request's first path segment: the base path a custom domain did not map."""


def target_of(plan: Plan, diagnosis: Diagnosis) -> Target:
    outcome = diagnosis.outcome
    res = outcome.resolution
    segments = [s for s in outcome.request.raw_path.split("/") if s]
    stage = outcome.stage.name if outcome.stage is not None else (res.stage if res is not None else None)
    return Target(
        cause=plan.verdict,
        kind=KINDS.get(plan.verdict, ""),
        api=outcome.api if isinstance(outcome.api, RestApi | HttpApi) else None,
        stage=stage,
        host=outcome.request.host,
        path=outcome.route_segments.parts if outcome.route_segments is not None else (),
        http_method=outcome.routed_method or outcome.request.method,
        first_segment=segments[0] if segments else "",
    )


def iac_patch(plan: Plan, diagnosis: Diagnosis, sources: tuple[str, ...] = ()) -> IacPatch:
    """The patch to the infrastructure code for the plan's cause (see the module's docstring).

    An unreadable or malformed source is an :class:`~apigw_doctor.errors.InputError` at its location.
    """
    detected = plan.iac
    evidence = detected.evidence if detected is not None else ()
    tagged = detected.managed_by if detected is not None and detected.managed_by else "none"
    head = IacPatch(language=tagged, cause=plan.verdict, managed_by_evidence=evidence)
    if plan.side == "none":
        return replace(head, notes=("The request already works: there is nothing to patch.",))
    if plan.side == "client":
        return replace(head, notes=("The API is fine: correct the request (no change to the infrastructure code).",))
    target = target_of(plan, diagnosis)
    if not target.kind:
        why = f"No infrastructure-code patch is made for {plan.verdict}: make the aws calls' change in the code."
        return replace(head, notes=(why,))
    notes: list[str] = []
    for src in [read_source(p) for p in sources]:
        found = src.find_api(target.api, target.host)
        if found is None:
            notes.append(src.missing(target.api))
            continue
        api, why = found
        draft = Draft(read=src.read)
        if src.config is not None:
            from .iac_terraform import terraform_edits

            terraform_edits(draft, src, src.config, api, target)
        else:
            from .iac_template import template_edits

            template_edits(draft, src, api, target)
        return IacPatch(
            language=src.language,
            cause=plan.verdict,
            managed_by_evidence=(*evidence, f"--iac-source {src.path} defines the API ({why})"),
            edits=tuple(draft.edits),
            notes=tuple(dict.fromkeys((*notes, *draft.notes))),
            sources=(src.path,),
        )
    generic = generic_edit(head.language, target, plan)
    if generic is None and target.api is None:
        why = (
            f"No API answers https://{target.host}/{target.first_segment} yet, so no tags tell which code to patch: "
            "give the code that should map it with --iac-source PATH."
        )
        return replace(head, notes=(*notes, why))
    if generic is None:
        return replace(
            head,
            notes=(
                *notes,
                "No infrastructure code manages the API as far as its tags tell, and "
                "none given holds it (--iac-source PATH): the aws calls are the fix.",
            ),
        )
    note = (
        f"This {head.language} patch is generic (the code named by the API's tags, with placeholders): give "
        "the code with --iac-source PATH for the change at its file and line, as a diff."
    )
    return replace(head, edits=(generic,), generic=True, notes=(*notes, note))


def generic_edit(language: str, target: Target, plan: Plan) -> IacEdit | None:
    """The patch for the code the tags name: what the request and plan tell, placeholders for the rest."""
    if language == "none":
        return None
    if target.kind == REDEPLOY and not isinstance(target.api, HttpApi):
        patch = plan.iac.patch if plan.iac is not None else None
        if patch is None:
            return None
        return IacEdit(
            file=None, line=None, resource="the deployment", summary=patch.summary, text=patch.text, rule="APIGW001"
        )
    found = generic_snippet(language, target)
    rule = "APIGW030" if target.kind == REDEPLOY else method_rule(target, "/" + "/".join(target.path))
    resource = "the stage" if target.kind == REDEPLOY else "(new)"
    return IacEdit(
        file=None,
        line=None,
        resource=resource,
        summary=found.summary,
        text=found.text,
        rule=rule if target.kind != MAPPING else None,
    )


# -- reading the sources ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Source:
    path: str
    language: str
    world: World
    findings: tuple[CheckFinding, ...]
    config: TerraformConfig | None = None
    template: Template | None = None
    """The template as written (SAM not expanded)."""

    def read(self, path: str) -> str:
        from ..sources.document import read_text
        from ..sources.terraform.hcl import read_text as read_tf

        return read_tf(path) if self.config is not None else read_text(path)

    def find_api(self, api: Api | None, host: str) -> tuple[Api, str] | None:
        """The source's API that is the diagnosed one, and how it was told; None when none is."""
        apis = self.world.apis
        if api is None:  # a custom-domain request: the API the domain maps there, else the only one
            domain = self.world.domain(host)
            ids = {m.api_id for m in domain.mappings} if domain is not None else set()
            hits = [a for a in apis if a.id in ids]
            if len(hits) == 1:
                return hits[0], f"{host} is mapped to it there"
            return (apis[0], "the only API it defines") if len(apis) == 1 else None
        tag = dict(api.tags).get("aws:cloudformation:logical-id")
        where = (os.path.abspath(api.origin.source), api.origin.pointer) if api.origin.source else None
        tests: tuple[tuple[Callable[[Api], bool], str], ...] = (
            (lambda a: where == (os.path.abspath(a.origin.source), a.origin.pointer), "the diagnosis read it there"),
            (lambda a: api.id_known and a.id_known and a.id == api.id, f"API id {api.id}"),
            (lambda a: a.id == tag, f"logical id {tag}, from the tag aws:cloudformation:logical-id"),
            (lambda a: bool(api.name) and a.name == api.name, f"API name {api.name!r}"),
        )
        for test, why in tests:
            hits = [a for a in apis if a.kind == api.kind and test(a)]
            if len(hits) == 1:
                return hits[0], why
        return None

    def missing(self, api: Api | None) -> str:
        defined = ", ".join(f"{a.name or a.id} ({a.origin.pointer or a.id})" for a in self.world.apis)
        if not defined:
            return f"{self.path} defines no API Gateway API: the patch could not be located there."
        wanted = "the API behind the custom domain"
        if api is not None:
            wanted = f"API {api.id}" + (f" ({api.name!r})" if api.name else "")
        return f"{self.path} does not define {wanted} (it defines {defined}): the patch could not be located there."


def read_source(path: str) -> Source:
    """A ``--iac-source``: read by the source readers, with the ``check`` findings on it."""
    from ..checks import CHECKS, CheckInput, run_checks
    from ..sources.cloudformation import CLOUDFORMATION, SAM, load_template_expanded, read_template
    from ..sources.document import read_document
    from ..sources.terraform import is_terraform_json, is_terraform_path, read_terraform, to_world

    if not os.path.exists(path):
        raise InputError("no such file or directory (--iac-source)", path)
    if is_terraform_path(path) or (not os.path.isdir(path) and _terraform_json(path, read_document, is_terraform_json)):
        config = read_terraform(path)
        world = to_world(config)
        return Source(
            path, "terraform", world, run_checks(CHECKS, CheckInput(world=world, terraform=(config,))), config
        )
    template = None if os.path.isdir(path) else read_template(path)
    if template is None:
        raise InputError("not a CloudFormation/SAM template nor Terraform (.tf files, a plan or a state)", path)
    world, expanded = load_template_expanded(template)
    findings = run_checks(CHECKS, CheckInput(world=world, templates=(expanded,)))
    return Source(path, SAM if template.is_sam else CLOUDFORMATION, world, findings, template=template)


def _terraform_json(path: str, read: Callable[[str], object], test: Callable[[dict[str, object]], bool]) -> bool:
    if not path.lower().endswith(".json"):
        return False
    data = getattr(read(path), "data", None)
    return isinstance(data, dict) and test(data)


# -- the edits, one after the other -------------------------------------------------------------------------
@dataclass
class Draft:
    """The edits so far, each made against the text the previous ones left (internal, mutable)."""

    read: Callable[[str], str]
    snippets_only: bool = False
    texts: dict[str, str] = field(default_factory=dict)
    originals: dict[str, str] = field(default_factory=dict)
    edits: list[IacEdit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    fallbacks: dict[int, str] = field(default_factory=dict)
    subjects: set[tuple[str, str]] = field(default_factory=set)
    """(check id, subject) of the findings the edits must remove: the re-check looks for them."""

    def text(self, path: str) -> str:
        if path not in self.texts:
            self.texts[path] = self.originals[path] = "" if self.snippets_only else self.read(path)
        return self.texts[path]

    def change(
        self,
        path: str,
        edit: Callable[[str], str | None],
        *,
        resource: str,
        summary: str,
        snippet: str,
        rule: str | None = None,
        line: int | None = None,
    ) -> None:
        """The diff that ``edit`` makes to ``path``; the snippet at ``line`` when it cannot be made."""
        old = self.text(path)
        new = None if self.snippets_only else edit(old)
        if new == old:
            return
        if new is None:
            self.edits.append(
                IacEdit(file=path, line=line, resource=resource, summary=summary, text=snippet, rule=rule)
            )
            return
        self.fallbacks[len(self.edits)] = snippet
        self.edits.append(
            IacEdit(
                file=path,
                line=first_changed_line(old, new),
                resource=resource,
                rule=rule,
                summary=summary,
                text=unified_diff(path, old, new),
                diff=True,
            )
        )
        self.texts[path] = new

    def changed(self) -> Iterator[tuple[str, str]]:
        yield from ((p, t) for p, t in self.texts.items() if t != self.originals[p])

    def unverified(self, path: str, why: str) -> None:
        """The diffs of ``path`` did not pass the re-check: the snippets instead, with the reason."""
        self.edits = [
            replace(e, diff=False, text=self.fallbacks.get(i, e.text)) if e.file == path and e.diff else e
            for i, e in enumerate(self.edits)
        ]
        self.texts[path] = self.originals[path]
        self.notes.append(f"{path}: the edits are shown as snippets: {why}")


def method_to_add(api: Api, target: Target) -> tuple[Resource, str, Method | None] | None:
    """(the resource, the method to add there, the method whose integration to copy)."""
    if not isinstance(api, RestApi):
        return None
    resource = resource_at(api, target.path)
    if resource is None:
        return None
    greedy = [r for r in api.resources if r.parent_path == resource.path and r.is_greedy and r.methods]
    if target.cause != "METHOD_NOT_DEFINED" and greedy:
        copy = next((m for m in greedy[0].methods if m.http_method == "ANY"), greedy[0].methods[0])
        return resource, "ANY" if copy.http_method == "ANY" else target.http_method, copy
    sibling = next((m for m in resource.methods if m.http_method != "OPTIONS"), None)
    return resource, target.http_method, sibling


def resource_at(api: RestApi, path: tuple[str, ...]) -> Resource | None:
    """The resource ``path`` routes to, literal segments first (``{x}`` takes any one segment)."""
    best: tuple[int, Resource] | None = None
    for r in api.resources:
        parts = [p for p in r.path.split("/") if p]
        if len(parts) != len(path) or r.is_greedy:
            continue
        pairs = list(zip(parts, path, strict=True))
        if all(p == s or (p.startswith("{") and p.endswith("}")) for p, s in pairs):
            score = sum(p == s for p, s in pairs)
            if best is None or score > best[0]:
                best = (score, r)
    return best[1] if best is not None else None


def only_stage(api: Api) -> str | None:
    names = [s.name for s in api.stages if s.name != "Stage" or len(api.stages) == 1]
    return names[0] if len(names) == 1 else None


def unique(name: str, taken: set[str]) -> str:
    found, n = name, 2
    while found in taken:
        found, n = f"{name}{n}", n + 1
    return found


def mapping_notes(draft: Draft, api: Api, stage: str | None, base: str) -> None:
    name = api.name or api.id
    if stage is None:
        stages = ", ".join(s.name for s in api.stages) or "none"
        draft.notes.append(f"API {name} has stages {stages}: write the one /{base} should reach in the mapping.")
    else:
        draft.notes.append(
            f"The new mapping serves API {name}, stage {stage} (its only stage): change them if /{base} "
            "should reach another API or stage."
        )


def method_rule(target: Target, path: str = "/") -> str | None:
    """The check that flags the missing method: APIGW010 for the root, APIGW011 for another parent."""
    if target.cause == "METHOD_NOT_DEFINED":
        return None
    return "APIGW010" if path == "/" else "APIGW011"


__all__ = [
    "KINDS",
    "Draft",
    "IacEdit",
    "IacPatch",
    "Source",
    "Target",
    "generic_edit",
    "iac_patch",
    "mapping_notes",
    "method_rule",
    "method_to_add",
    "only_stage",
    "read_source",
    "resource_at",
    "target_of",
    "unique",
]
