"""The remediation plan of a diagnosis (pure): the side of the fix, the AWS calls in order, the blast radius.

    plan = build_plan(diagnosis, world, facts)        # world: the live World of the API (with its domains)
    plan.side -> "api";  plan.calls[0].operation -> "CreateDeployment";  plan.blast.routes_appear -> (...)

A client-side cause (wrong URL, method, stage, a missing signature or key) is fixed by the corrected request and
never by a change to the API. An API-side cause is fixed by the finding's own ``aws`` commands; the blast radius
says what else they touch: every stage they deploy or repoint, the custom-domain mappings and usage plans serving
those stages, the stage's canary, and every route a redeploy publishes (all undeployed changes, not only the one
the user wants). Nothing here reads AWS: the live reads are :mod:`.facts`.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, replace

from ..diagnosis import BY_CODE, Diagnosis, Finding, Fix
from ..drift import compute, diff
from ..drift_routes import deployed_table
from ..model import HttpApi, RestApi, World
from .iac import Iac, detect_iac

SIDES = ("auto", "client", "api")

RESOURCE_OPERATIONS = frozenset(
    {
        "create-resource",
        "delete-resource",
        "put-method",
        "delete-method",
        "put-integration",
        "delete-integration",
        "put-method-response",
        "put-integration-response",
        "update-rest-api",
        "create-route",
        "create-integration",
        "update-route",
    }
)
"""Operations that change the API's resources (methods, integrations, the API itself), not only a stage or a
domain: a later ``--allow-api-changes`` would be needed for them."""

CREATE_DEPLOYMENT_QUOTA = "CreateDeployment is limited to 1 request every 5 seconds per account"


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedCall:
    """One command of the plan, in order, as an ``aws`` CLI line."""

    command: str
    service: str | None
    """``apigateway`` / ``apigatewayv2``; None for a line that is not an ``aws`` call."""
    operation: str | None
    """The CLI operation (``create-deployment``); None when the line is not an ``aws`` call."""
    writes: bool
    changes_api_resources: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class StageImpact:
    stage: str
    change: str
    """``redeploy`` (a new deployment of the working copy), ``repoint`` (to an existing deployment), ``settings``
    (the same deployment, other settings: the canary removed, for example)."""
    deployment_before: str | None
    deployment_after: str | None
    """The deployment the stage will serve (None: created by the plan)."""
    sharing: tuple[str, ...] = ()
    """Other stages serving the same deployment before (``redeploy``) or the target (``repoint``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MappingImpact:
    domain: str
    base_path: str
    """``""`` is ``(none)``."""
    stage: str | None
    """None: the mapping takes the stage from the URL (every stage is served through it)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class UsagePlanImpact:
    id: str
    name: str
    stage: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CanaryImpact:
    stage: str
    deployment_id: str
    percent: float


@dataclass(frozen=True, slots=True, kw_only=True)
class UsagePlanFacts:
    """What :func:`.facts.usage_plans` read: each plan as (id, name, ((api id, stage), ...))."""

    plans: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = ()
    note: str | None = None
    """Why the usage plans are unknown (AccessDenied...), when they are."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BlastRadius:
    stages: tuple[StageImpact, ...] = ()
    mappings: tuple[MappingImpact, ...] = ()
    usage_plans: tuple[UsagePlanImpact, ...] = ()
    canary: tuple[CanaryImpact, ...] = ()
    routes_appear: tuple[str, ...] = ()
    routes_disappear: tuple[str, ...] = ()
    changes_going_live: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    method: str
    url: str
    verdict: str
    title: str
    message: str
    side: str
    """``client`` (the corrected request), ``api`` (a change to the API), ``none`` (nothing to fix)."""
    summary: str = ""
    corrected_url: str | None = None
    corrected_curl: str | None = None
    api_id: str | None = None
    region: str | None = None
    calls: tuple[PlannedCall, ...] = ()
    alternatives: tuple[Fix, ...] = ()
    blast: BlastRadius = BlastRadius()
    iac: Iac | None = None
    notes: tuple[str, ...] = ()

    @property
    def works(self) -> bool:
        return self.side == "none"


# -- building the plan -------------------------------------------------------------------------------------
def choose_side(finding: Finding, want: str = "auto") -> str:
    """``client`` or ``api``: what the plan changes, from the cause's side and the finding's fixes."""
    fix = finding.fix
    has_api = _api_fix(finding) is not None
    if want == "api" and has_api:
        return "api"
    if want == "client" or fix is None:
        return "client"
    cause_side = BY_CODE[finding.code].side
    if cause_side == "client":
        return "client"
    if cause_side == "api":
        return "api" if has_api else "client"
    client_ok = (fix.url is not None or fix.curl is not None) and finding.verified
    return "client" if client_ok or not has_api else "api"


def _api_fix(finding: Finding) -> Fix | None:
    """The first of the fix and its alternatives that changes the API (has commands)."""
    for f in (finding.fix, *finding.alternatives):
        if f is not None and f.commands and f.side in ("api", "either"):
            return f
    return None


def build_plan(
    diagnosis: Diagnosis,
    world: World,
    usage: UsagePlanFacts | None = None,
    want: str = "auto",
) -> Plan:
    """The plan for the rank-1 cause of ``diagnosis``; ``world`` is what the source read about its API."""
    request = diagnosis.outcome.request
    api = diagnosis.outcome.api
    head = Plan(
        method=request.method,
        url=request.url,
        verdict=diagnosis.verdict,
        title=BY_CODE["MATCHED"].title,
        message="The request already works: nothing to fix.",
        side="none",
        api_id=api.id if api is not None else None,
        region=api.region if api is not None else None,
        notes=diagnosis.notes,
    )
    if not diagnosis.fails:
        return head
    finding = diagnosis.findings[0]
    head = replace(head, title=BY_CODE[finding.code].title, message=finding.message)
    side = choose_side(finding, want)
    iac = detect_iac(api) if api is not None else None
    if side == "client":
        return _client_plan(finding, head, iac, diagnosis.notes, want)
    fix = _api_fix(finding)
    assert fix is not None
    live = (world.api(api.id, api.region) or api) if api is not None else None  # None: a domain no API answers
    calls = tuple(planned_call(c) for c in fix.commands)
    alternatives = tuple(a for a in (finding.fix, *finding.alternatives) if a is not None and a is not fix)
    notes = list(diagnosis.notes)
    notes.append("This plan changes nothing: it lists what a fix would do. Every call made to read it is read-only.")
    if any(c.operation == "create-deployment" for c in calls):
        notes.append(f"{CREATE_DEPLOYMENT_QUOTA}: space deployments at least 5 s apart.")
    if any(c.changes_api_resources for c in calls):
        notes.append(
            "Calls marked 'changes resources' alter the API's methods or integrations, not only a stage: "
            "applying them would need --allow-api-changes."
        )
    if usage is not None and usage.note:
        notes.append(usage.note)
    if iac is not None and iac.managed_by is not None:
        notes.append(
            f"The API is managed by {iac.managed_by}: an out-of-band change will be reverted by its next deploy. "
            "Change the infrastructure code first (the IaC patch); the aws calls are the stop-gap."
        )
    return replace(
        head,
        side="api",
        summary=fix.summary,
        calls=calls,
        alternatives=alternatives,
        blast=blast_radius(live, world, calls, usage) if live is not None else BlastRadius(),
        iac=iac,
        notes=tuple(dict.fromkeys(notes)),
    )


def _client_plan(finding: Finding, head: Plan, iac: Iac | None, notes: tuple[str, ...], want: str) -> Plan:
    fix = finding.fix
    more = list(notes)
    if fix is None or (fix.url is None and fix.curl is None):
        more.append("No corrected request could be derived: see `apigw-doctor diagnose` for the evidence.")
    else:
        more.append("The fix is on the client's side: the corrected request. Nothing in the API needs to change.")
    if _api_fix(finding) is not None and want != "client":
        more.append("The API could be changed instead (e.g. to add what the request asks for): run with --side api.")
    client_alts = tuple(a for a in finding.alternatives if a.url is not None or a.curl is not None)
    return replace(
        head,
        side="client",
        summary=fix.summary if fix is not None else "",
        corrected_url=fix.url if fix is not None else None,
        corrected_curl=fix.curl if fix is not None else None,
        alternatives=client_alts,
        iac=iac,
        notes=tuple(dict.fromkeys(more)),
    )


def planned_call(command: str) -> PlannedCall:
    """``aws apigateway create-deployment ...`` -> its service, operation and whether it writes."""
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    if "$(" in command and words and "=" in words[0] and not words[0].startswith("aws"):
        inner = command.split("$(", 1)[1]
        words = inner.split()
    if len(words) >= 3 and words[0] == "aws":
        service, op = words[1], words[2]
        writes = not op.startswith(("get-", "list-", "describe-", "export-", "lookup-"))
        return PlannedCall(
            command=command,
            service=service,
            operation=op,
            writes=writes,
            changes_api_resources=op in RESOURCE_OPERATIONS,
        )
    return PlannedCall(command=command, service=None, operation=None, writes=False, changes_api_resources=False)


def _arg(command: str, name: str) -> str | None:
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    for i, w in enumerate(words[:-1]):
        if w == name:
            return words[i + 1]
    return None


# -- the blast radius --------------------------------------------------------------------------------------
def blast_radius(
    api: RestApi | HttpApi, world: World, calls: tuple[PlannedCall, ...], usage: UsagePlanFacts | None
) -> BlastRadius:
    """Every stage the calls deploy or repoint, what serves those stages, and the routes that change on them."""
    stages: list[StageImpact] = []
    appear: list[str] = []
    disappear: list[str] = []
    going_live: list[str] = []
    added = _methods_added(api, calls)
    for call in calls:
        stage_name = _arg(call.command, "--stage-name")
        if stage_name is None or call.operation not in ("create-deployment", "update-stage"):
            continue
        stage = next((s for s in api.stages if s.name == stage_name), None)
        before = stage.deployment_id if stage is not None else None
        target = _target_deployment(call.command) if call.operation == "update-stage" else None
        if call.operation == "update-stage" and target is None:
            stages.append(
                StageImpact(stage=stage_name, change="settings", deployment_before=before, deployment_after=before)
            )
            continue
        shared_with = target if target is not None else before
        sharing = tuple(s.name for s in api.stages if s.name != stage_name and s.deployment_id == shared_with)
        stages.append(
            StageImpact(
                stage=stage_name,
                change="repoint" if target is not None else "redeploy",
                deployment_before=before,
                deployment_after=target,
                sharing=sharing if shared_with is not None else (),
            )
        )
        a, d, g = _route_changes(api, world, stage_name, before, target)
        appear += a + (added if target is None else [])
        disappear += d
        going_live += g
    names = {s.stage for s in stages}
    return BlastRadius(
        stages=tuple(stages),
        mappings=_mappings(api, world, names),
        usage_plans=_usage_plans(api, usage, names),
        canary=tuple(
            CanaryImpact(stage=s.name, deployment_id=s.canary.deployment_id, percent=s.canary.percent)
            for s in api.stages
            if s.name in names and s.canary is not None
        ),
        routes_appear=tuple(dict.fromkeys(appear)),
        routes_disappear=tuple(dict.fromkeys(disappear)),
        changes_going_live=tuple(dict.fromkeys(going_live)),
    )


def _target_deployment(command: str) -> str | None:
    ops = _arg(command, "--patch-operations") or ""
    if "path=/deploymentId" not in ops:
        return None
    for part in ops.split(","):
        if part.startswith("value="):
            return part.removeprefix("value=")
    return None


def _methods_added(api: RestApi | HttpApi, calls: tuple[PlannedCall, ...]) -> list[str]:
    """``METHOD /path`` of each put-method whose resource the API knows (by id)."""
    if not isinstance(api, RestApi):
        return []
    paths = {r.id: r.path for r in api.resources if r.id}
    out = []
    for call in calls:
        if call.operation != "put-method":
            continue
        rid, method = _arg(call.command, "--resource-id"), _arg(call.command, "--http-method")
        if method is not None:
            out.append(f"{method} {paths.get(rid or '', '(the resource of ' + (rid or '?') + ')')}")
    return out


def _route_changes(
    api: RestApi | HttpApi, world: World, stage: str, before: str | None, target: str | None
) -> tuple[list[str], list[str], list[str]]:
    """(appear, disappear, going live) on ``stage``: the working copy for a redeploy, ``target`` for a repoint."""
    if target is not None:
        old, new = deployed_table(api.deployment(before)), deployed_table(api.deployment(target))
        if new is None:
            return [], [], [f"the routes of deployment {target} are not known"]
        changes = diff(old or {}, new)
        return (
            [c.route for c in changes if c.what == "added"],
            [c.route for c in changes if c.what == "removed"],
            [c.line() for c in changes if c.what not in ("added", "removed")],
        )
    report = compute(World(apis=(api,), domains=world.domains), [api.id])
    items = [i for a in report.apis for s in a.stages if s.stage == stage for i in s.items]
    appear = [i.route for i in items if i.kind == "UNDEPLOYED_ROUTE" and i.route]
    disappear = [i.route for i in items if i.kind == "DELETED_BUT_LIVE" and i.route]
    live = [i.message for i in items if i.kind in ("AUTH_CHANGED", "API_KEY_CHANGED")]
    live += [i.message for i in items if i.kind == "SNAPSHOT_UNKNOWN"]
    if not any(s.name == stage for s in api.stages):
        appear = sorted({f"{m.http_method} {r.path}" for r in getattr(api, "resources", ()) for m in r.methods})
    return appear, disappear, live


def _mappings(api: RestApi | HttpApi, world: World, stages: set[str]) -> tuple[MappingImpact, ...]:
    return tuple(
        MappingImpact(domain=d.name, base_path=m.base_path, stage=m.stage)
        for d in world.domains
        for m in d.mappings
        if m.api_id == api.id and (m.stage is None or m.stage in stages)
    )


def _usage_plans(api: RestApi | HttpApi, usage: UsagePlanFacts | None, stages: set[str]) -> tuple[UsagePlanImpact, ...]:
    if usage is None:
        return ()
    return tuple(
        UsagePlanImpact(id=pid, name=name, stage=stage)
        for pid, name, api_stages in usage.plans
        for api_id, stage in api_stages
        if api_id == api.id and stage in stages
    )


__all__ = [
    "CREATE_DEPLOYMENT_QUOTA",
    "SIDES",
    "BlastRadius",
    "CanaryImpact",
    "MappingImpact",
    "Plan",
    "PlannedCall",
    "StageImpact",
    "UsagePlanFacts",
    "UsagePlanImpact",
    "blast_radius",
    "build_plan",
    "choose_side",
    "planned_call",
]
