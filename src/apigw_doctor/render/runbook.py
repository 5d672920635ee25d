"""``fix --runbook FILE``: the incident as a Markdown record (pure: the clock is a parameter).

    text = render_runbook(diagnosis, plan, changes, result, now=now, tool="apigw-doctor 0.1.0")

Sections, in order: **Symptom** (the request as a curl line, API Gateway's answer), **The walk** (each step of
the request path, the failing one marked), **Cause** (code, title, message, evidence), **Change** (made, from the
:class:`ApplyResult`; or proposed, from the ChangeSet, the corrected request or the reason it is not applied),
**Verification**, **Rollback** and **Prevention** (the ``check`` rule that would have caught it in CI).

Text taken from the account or the request is escaped for Markdown; URLs, commands and code go in code spans
or fenced blocks whose fence is longer than any run of backticks inside.
"""

from __future__ import annotations

import re
import shlex
from datetime import UTC, datetime
from http import HTTPStatus
from typing import TYPE_CHECKING

from ..checks.catalogue import METAS
from ..diagnosis import Diagnosis, Finding
from ..diagnosis.commands import curl
from ..fix.changes import ChangeSet, Refusal
from ..fix.plan import Plan
from ..model import HttpApi
from .script import shell_word, undo_calls

if TYPE_CHECKING:
    from ..actions import ApplyResult

EVIDENCE = {
    "documented": "AWS's documentation says so",
    "observed": "seen on AWS, not documented",
    "inferred": "deduced from documented behaviour",
    "unconfirmed": "plausible, not confirmed on AWS",
    "assumed": "a fact the source lacked, assumed by the tool",
}

PREVENTION: dict[str, tuple[tuple[str, ...], str]] = {
    "NOT_DEPLOYED": (
        ("APIGW001", "APIGW002"),
        "a deployment that is never recreated when the API changes leaves new routes off the stage",
    ),
    "CANARY_ONLY": (("APIGW001",), "the canary's deployment and the stage's must both be redeployed on change"),
    "STAGE_ROOT_NO_METHOD": (("APIGW010",), "catches a root without a method beside a {proxy+}"),
    "PROXY_PARENT_NOT_COVERED": (("APIGW011", "APIGW010"), "a {proxy+} never serves its own parent"),
    "CORS_PREFLIGHT_NO_OPTIONS": (("APIGW020", "APIGW021"), "preflights need an OPTIONS method without auth"),
    "GATEWAY_RESPONSE_CUSTOMIZED": (("APIGW080",), "a customised response hides the real error"),
    "IAM_UNSIGNED": (("APIGW090",), "flags AWS_IAM methods, whose unsigned callers get this error"),
    "STAGE_IN_CUSTOM_DOMAIN_PATH": (("APIGW041",), "related: a mapping without a stage makes callers add it"),
}
"""Cause -> the ``check`` rules (checks/catalogue.py) that catch it in CI, and why. Causes absent here are
mistakes in the request (or choices in the account) that no check of the code can see."""

HTTP_PREVENTION: dict[str, tuple[tuple[str, ...], str]] = {
    "NOT_DEPLOYED": (("APIGW030",), "an HTTP API stage without AutoDeploy serves only what was deployed to it"),
}


def render_runbook(
    diagnosis: Diagnosis,
    plan: Plan,
    changes: ChangeSet | Refusal | None,
    result: ApplyResult | None,
    *,
    now: datetime,
    tool: str,
) -> str:
    """The incident record of one request: what happened, why, what was (or should be) done, how to prevent it."""
    o = diagnosis.outcome
    when = now.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    answer = f"{o.response.status}" if o.response.status is not None else "no answer"
    out = [
        f"# Incident: {_code(f'{o.request.method} {o.request.url}')} answered {answer}",
        "",
        f"- **Date:** {when}",
        f"- **Cause:** {_code(diagnosis.verdict)}" + (f" ({_md(plan.title)})" if diagnosis.fails else ""),
        f"- **Status:** {_status(plan, changes, result)}",
        f"- **Recorded by:** {_md(tool)}",
    ]
    out += _symptom(diagnosis)
    out += _walk(diagnosis)
    out += _cause(diagnosis)
    out += _change(plan, changes, result)
    out += _verification(plan, changes, result)
    out += _rollback(plan, changes, result)
    out += _prevention(diagnosis)
    return "\n".join(out).rstrip("\n") + "\n"


def _status(plan: Plan, changes: ChangeSet | Refusal | None, result: ApplyResult | None) -> str:
    if result is not None:
        return f"**{result.result}** (applied with `apigw-doctor fix --apply`)"
    if plan.works:
        return "the request works: nothing to fix"
    if plan.side == "client":
        return "open: the fix is the corrected request (nothing in the API changes)"
    if isinstance(changes, ChangeSet):
        return "open: change proposed, not applied"
    return "open: the change is not applied automatically"


# -- symptom and walk ----------------------------------------------------------------------------------------
def _symptom(d: Diagnosis) -> list[str]:
    o = d.outcome
    r = o.response
    out = ["", "## Symptom", "", "The request:", "", *_block(curl(o.request), "sh"), ""]
    if r.source == "none" or r.status is None:
        return [*out, "No answer: the host name does not resolve."]
    if r.source == "integration":
        return [*out, "API Gateway answers nothing itself: the request reaches the integration."]
    try:
        phrase = HTTPStatus(r.status).phrase
    except ValueError:
        phrase = ""
    head = [f"HTTP/1.1 {r.status} {phrase}".rstrip()]
    head += [f"{name}: {value}" for name in ("x-amzn-ErrorType", "www-authenticate") if (value := r.header(name))]
    out += ["API Gateway's answer:", "", *_block("\n".join([*head, "", r.body or ""]).rstrip("\n"), "http")]
    error_type = r.header("x-amzn-ErrorType")
    out += ["", f"Status {r.status}, `x-amzn-ErrorType`: " + (_code(error_type) if error_type else "none") + "."]
    if d.reported is not None:
        seen = "matches" if d.reported.consistent else "differs from"
        out += ["", f"What the client reported {seen} what the model expects."]
        out += [f"- {_md(e)}" for e in d.reported.explanations]
    return out


def _walk(d: Diagnosis) -> list[str]:
    out = ["", "## The walk", ""]
    failed = d.outcome.failed_step
    for n, step in enumerate(d.outcome.trace, 1):
        mark = "✓" if step.ok else "✗"
        line = f"{n}. {mark} **{_md(step.name)}**: {_md(step.detail)} *[{step.evidence.value}]*"
        out.append(line + (" **← fails here**" if step is failed else ""))
    if failed is None:
        out.append("Every step passes: the request reaches its integration.")
    return out


# -- cause -------------------------------------------------------------------------------------------------
def _cause(d: Diagnosis) -> list[str]:
    out = ["", "## Cause", ""]
    if not d.findings:
        return [*out, "None: API Gateway routes the request."]
    f = d.findings[0]
    out += [f"{_code(f.code)}: {_md(_title(f))}", "", _md(f.message), ""]
    level = f.evidence.value
    verified = (
        " Verified: the fix was walked through the same gateway model and gets past routing." if f.verified else ""
    )
    out.append(f"Evidence: **{level}** ({EVIDENCE.get(level, level)}).{verified}")
    if f.origin is not None and f.origin.source:
        out.append(f"Where: {_code(str(f.origin))}")
    out += [f"- {_md(detail)}" for detail in f.details]
    others = d.findings[1:]
    if others:
        out += ["", "Other candidates, less likely:", ""]
        out += [f"- {_code(o.code)}: {_md(o.message)}" for o in others]
    return out


def _title(f: Finding) -> str:
    from ..diagnosis import BY_CODE

    cause = BY_CODE.get(f.code)
    return cause.title if cause is not None else f.code


# -- change ------------------------------------------------------------------------------------------------
def _change(plan: Plan, changes: ChangeSet | Refusal | None, result: ApplyResult | None) -> list[str]:
    out = ["", "## Change", ""]
    if result is not None:
        c = result.changes
        out += [f"**Made** with `apigw-doctor fix --apply`: {_md(c.summary)}", ""]
        for n, step in enumerate(result.steps, 1):
            detail = f" ({_md(step.detail)})" if step.detail else ""
            out.append(f"{n}. {_code(step.operation)} **{step.status}**: {_md(step.purpose)}{detail}")
        if not result.steps:
            out.append("No call was made.")
        out += ["", f"Backup, written before the first call: {_code(result.backup)}"]
        return out + (_blast(plan) if c.kind in ("redeploy", "method", "create-stage") else []) + _iac(plan)
    if plan.works:
        return [*out, "None: the request already works."]
    if plan.side == "client":
        out += ["**The request**, not the API: " + _md(plan.summary or "see the cause."), ""]
        if plan.corrected_url:
            out.append(f"Corrected URL: {_code(plan.corrected_url)}")
        if plan.corrected_curl:
            out += ["", *_block(plan.corrected_curl, "sh")]
        for alt in plan.alternatives:
            out += ["", f"Or: {_md(alt.summary)}"] + (["", *_block(alt.curl, "sh")] if alt.curl else [])
        return out
    if isinstance(changes, ChangeSet):
        out += [f"**Proposed**, not applied: {_md(changes.summary)}", ""]
        lines = []
        for n, planned in enumerate(changes.steps, 1):
            lines += [f"# {n}. {planned.purpose}", planned.cli(changes.region)]
        out += [*_block("\n".join(lines), "sh"), "", "To apply it (backup, verification, rollback):", ""]
        out += _block(_apply_command(plan, changes), "sh")
    else:
        if isinstance(changes, Refusal):
            hint = f" ({_md(changes.hint)})" if changes.hint else ""
            out += [f"**Not applied automatically**: {_md(changes.reason.rstrip('.'))}{hint}.", ""]
        out += [f"Proposed: {_md(plan.summary)}", ""] if plan.summary else []
        commands = [c.command for c in plan.calls]
        out += _block("\n".join(commands), "sh") if commands else ["No AWS call was planned."]
    if not isinstance(changes, ChangeSet) or changes.kind in ("redeploy", "method", "create-stage"):
        out += _blast(plan)
    return out + _iac(plan)


def _blast(plan: Plan) -> list[str]:
    """What else the plan's calls touch (the stage, every route a redeploy publishes, the mappings serving it)."""
    b = plan.blast
    out = [
        f"- stage {_code(s.stage)}: {_md(s.deployment_before or '(none)')} → "
        + _md(s.deployment_after or "a new deployment")
        for s in b.stages
    ]
    out += [f"- appears: {_code(r)}" for r in b.routes_appear]
    out += [f"- disappears: {_code(r)}" for r in b.routes_disappear]
    out += [f"- goes live: {_md(r)}" for r in b.changes_going_live]
    out += [f"- custom domain {_code(f'{m.domain}/{m.base_path}')} serves the stage" for m in b.mappings]
    return ["", "What else it touches:", "", *out] if out else []


def _iac(plan: Plan) -> list[str]:
    iac = plan.iac
    if iac is None or iac.managed_by is None or iac.patch is None:
        return []
    return [
        "",
        f"The API is managed by {_md(iac.managed_by)}: its next deploy reverts an out-of-band change. "
        f"The lasting fix: {_md(iac.patch.summary)}",
        "",
        *_block(iac.patch.text.rstrip("\n"), iac.patch.language),
    ]


def _apply_command(plan: Plan, c: ChangeSet) -> str:
    words = ["apigw-doctor", "fix", plan.url] + ([] if plan.method == "GET" else ["-X", plan.method])
    if c.kind == "repoint" and c.target_deployment:
        words += ["--deployment", c.target_deployment]
    if c.kind == "map":
        words += ["--map-to", f"{c.api_id}/{c.stage}"]
    if c.kind == "create-stage":
        words += ["--side", "api"]
    if c.kind == "method":
        words += ["--side", "api", "--allow-api-changes"]
    return shlex.join([*words, "--apply"])


# -- verification and rollback -------------------------------------------------------------------------------
def _verification(plan: Plan, changes: ChangeSet | Refusal | None, result: ApplyResult | None) -> list[str]:
    out = ["", "## Verification", ""]
    if result is None:
        again = _code(shlex.join(["apigw-doctor", "diagnose", plan.url]))
        if plan.side == "client" and plan.corrected_url:
            check = _code(shlex.join(["apigw-doctor", "diagnose", plan.corrected_url]))
            return [*out, f"Nothing in the API changes. The corrected request, walked the same way: {check}."]
        if plan.works:
            return [*out, f"Not needed: the request already works ({again} says so)."]
        return [*out, f"Not applied: nothing was verified. After the change, run {again}."]
    v = result.verification
    if v is None:
        return [*out, f"Not reached: {_md(result.reason or 'the change stopped before it')}."]
    mark = "✓" if v.stage_ok else "✗"
    if v.stage_detail:
        out.append(f"- {mark} read again: {_md(v.stage_detail)}")
    if v.still_failing is None:
        out.append(f"- ✓ diagnosed again: {_code(v.verdict)} (the request now routes)")
    else:
        out.append(f"- ✗ diagnosed again: still fails with {_code(v.still_failing)}: {_md(v.message)}")
    if v.probe is not None:
        out.append(f"- probe {_code(v.probe.url)}: {_md(v.probe.summary())}")
    else:
        out.append("- probe: not sent (`--probe` was not given)")
    out += ["", f"Result: **{result.result}**" + (f": {_md(result.reason)}" if result.reason else "")]
    return out


def _rollback(plan: Plan, changes: ChangeSet | Refusal | None, result: ApplyResult | None) -> list[str]:
    out = ["", "## Rollback", ""]
    if result is not None:
        undone = result.rollback
        if undone is None:
            return [*out, "To undo the change, from its backup:", "", *_block(_rollback_cli(result.backup), "sh")]
        out += [f"Rolled back automatically: **{undone.result}**.", ""]
        out += [
            f"- {_code(u.operation)}: {_md(u.detail)}" + (f" **failed**: {_md(u.error)}" if u.error else "")
            for u in undone.undone
        ]
        out += [f"- differs from the backup: {_md(d)}" for d in undone.differences]
        out += [f"- {_with_command(k)}" for k in undone.kept]
        return out
    if not isinstance(changes, ChangeSet):
        return [*out, "Nothing to roll back: nothing in the API was changed."]
    calls, cannot = undo_calls(changes)
    lines = []
    for call in calls:
        line = " ".join(["aws", *(shell_word(w) for w in call.words), "--region", shlex.quote(changes.region)])
        lines += [f"# {'optional: ' if call.optional else ''}{call.why}", line]
    out += ["If the change is applied with `--apply`, its backup undoes it: `apigw-doctor rollback BACKUP`.", ""]
    out += ["Made by hand (or by `--script`), these commands undo it:", "", *_block("\n".join(lines), "sh")]
    out += [f"- {_md(c)}" for c in cannot]
    return out


def _with_command(text: str) -> str:
    """``... to delete it: aws ...``: the sentence escaped, the command in a code span."""
    sentence, sep, command = text.partition(": aws ")
    return _md(sentence) + (f": {_code('aws ' + command)}" if sep else "")


def _rollback_cli(backup: str) -> str:
    return shlex.join(["apigw-doctor", "rollback", backup])


# -- prevention --------------------------------------------------------------------------------------------
def _prevention(d: Diagnosis) -> list[str]:
    out = ["", "## Prevention", ""]
    if not d.fails:
        return [*out, "Nothing to prevent."]
    code = d.verdict
    api = d.outcome.api
    table = HTTP_PREVENTION if isinstance(api, HttpApi) else {}
    rules, why = table.get(code) or PREVENTION.get(code, ((), ""))
    if not rules:
        return [
            *out,
            f"No `apigw-doctor check` rule catches {_code(code)}: it is a mistake in the request (or a choice in "
            "the account), not in the API's code. Test the URLs clients use against the deployed stage.",
        ]
    metas = {m.id: m for m in METAS}
    out.append(f"`apigw-doctor check` catches this in CI before it ships ({_md(why)}):")
    out.append("")
    for rule in rules:
        meta = metas[rule]
        out.append(f"- **{meta.id}** {_code(meta.name)} ({meta.severity}): {_md(meta.summary)}")
    out += ["", "Run it on the templates or Terraform of the API (docs/checks.md, docs/ci.md):", ""]
    out += _block("apigw-doctor check infra/ --fail-on error", "sh")
    return out


# -- Markdown ----------------------------------------------------------------------------------------------
_SPECIAL = re.compile(r"([\\`*_\[\]<#|~&])")


def _md(text: str) -> str:
    """Plain text for Markdown: every character that could start markup escaped, on one line."""
    escaped = _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
    escaped = re.sub(r"^([-+=>])", r"\\\1", escaped)
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", escaped)


def _code(text: str) -> str:
    """An inline code span that holds ``text`` verbatim, whatever backticks it contains."""
    text = " ".join(str(text).split("\n"))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.endswith(" ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _block(text: str, language: str = "") -> list[str]:
    """A fenced code block whose fence is longer than any run of backticks in ``text``."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{language}", *text.split("\n"), fence]


__all__ = ["PREVENTION", "render_runbook"]
