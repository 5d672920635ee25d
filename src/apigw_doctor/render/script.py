"""``fix --script FILE``: the change of ``fix --apply`` as a bash script that uses the AWS CLI (pure).

    text = render_script(plan, changes, profile="ops")      # a ChangeSet (fix/changes.py) -> bash

The script does what ``fix --apply`` does, for a person to review and run elsewhere:

1. **backup**: ``get-stage``, ``get-deployments`` and the stage's export (REST) or routes (HTTP), or the domain's
   mappings for a ``map`` change, to ``apigw-doctor-backup-<api>-<stage>-<UTC time>/`` in the working directory;
2. **the change**: the ChangeSet's steps in order, each one :meth:`Step.shell` line, with its purpose echoed;
3. **verification**: the stage (or mapping) read again and compared with what the change should have made;
   a mismatch stops the script with exit 1;
4. **rollback**: the commands that undo the change, printed (never run) at the end, or on any failure after the
   change began, and saved as ``rollback.sh`` in the backup directory.

Every ``aws`` call goes through ``aws_``, which adds ``--region "$REGION"`` and, when ``PROFILE`` is set,
``--profile "$PROFILE"``; both come from ``AWS_REGION`` / ``AWS_PROFILE`` when those are set. Every value taken
from the account is quoted for bash (``shlex.quote``; ``${name}`` captures become ``"${NAME}"``).
"""

from __future__ import annotations

import re
import shlex
import textwrap
from dataclasses import dataclass

from .. import __version__
from ..fix.changes import ChangeSet
from ..fix.plan import Plan

WRAPPER = "aws_"
COMMENT_WIDTH = 100

_PRELUDE = """\
export AWS_PAGER=""
AWS_OPTS=(--region "$REGION")
if [[ -n "$PROFILE" ]]; then
  AWS_OPTS+=(--profile "$PROFILE")
fi
STARTED=0

aws_() {
  aws "${AWS_OPTS[@]}" "$@"
}

fail() {
  echo "apigw-doctor: verification failed: $*" >&2
  exit 1
}

quote() {
  if [[ $1 =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then
    printf '%s' "$1"
  else
    printf '%q' "$1"
  fi
}

command_line() {
  local line="" word
  for word in "$@"; do
    line+="$(quote "$word") "
  done
  printf '%s\\n' "${line% }"
}
"""

_EPILOGUE = """\
show_rollback() {
  echo "To roll back (not run by this script; also saved as $BACKUP_DIR/rollback.sh):"
  rollback_commands | sed 's/^/  /'
  {
    echo '#!/usr/bin/env bash'
    echo '# Undoes the change made by the apigw-doctor fix script whose backup is in this directory.'
    echo 'set -euo pipefail'
    rollback_commands
  } >"$BACKUP_DIR/rollback.sh"
}

on_exit() {
  local status=$?
  if [[ $status -ne 0 && $STARTED -eq 1 ]]; then
    echo "apigw-doctor: the script stopped (exit $status) after the change began." >&2
    show_rollback >&2
  fi
}
trap on_exit EXIT
"""


def render_script(plan: Plan, changes: ChangeSet, *, profile: str | None = None) -> str:
    """The bash script applying ``changes`` (the fix of ``plan``'s rank-1 cause) with the AWS CLI."""
    c = changes
    out = ["#!/usr/bin/env bash", *_header(plan, c), "set -euo pipefail", ""]
    out += [
        f'REGION="${{AWS_REGION:-{_default(c.region)}}}"',
        f'PROFILE="${{AWS_PROFILE:-{_default(profile or "")}}}"',
        *(f'{name.upper()}=""' for name in _captures(c)),
        _PRELUDE,
    ]
    out += ["rollback_commands() {", *(f"  {line}" for line in _rollback(c)), "}", "", _EPILOGUE]
    out += _backup(c)
    out += _change(c)
    out += _verify(c)
    out += [
        "",
        f"echo {_sq('Done: ' + c.summary)}",
        f"echo {_sq('Diagnose the request again: ' + _diagnose_line(plan))}",
        'echo "Backup: $PWD/$BACKUP_DIR"',
        "show_rollback",
    ]
    return "\n".join(out) + "\n"


def _diagnose_line(plan: Plan) -> str:
    words = ["apigw-doctor", "diagnose", plan.url] + ([] if plan.method == "GET" else ["-X", plan.method])
    return shlex.join(words)


# -- the header ----------------------------------------------------------------------------------------------
def _header(plan: Plan, c: ChangeSet) -> list[str]:
    lines = [f"apigw-doctor fix script: {c.cause} on {c.api_kind} API {c.api_id}, stage {c.stage!r}", ""]
    lines += [f"Request: {plan.method} {plan.url}"]
    lines += _para(f"{plan.verdict}: {plan.title}", "Cause:   ", " " * 9)
    lines += _para(plan.message, " " * 9, " " * 9)
    lines += _para(c.summary, "Change:  ", " " * 9)
    for n, step in enumerate(c.steps, 1):
        lines += _para(f"{n}. {_kebab(step.operation)}: {step.purpose}", " " * 9, " " * 12)
    if c.kind in ("redeploy", "method", "create-stage"):
        blast = plan.blast
        lines += [f"Publishes: {r}" for r in blast.routes_appear]
        lines += [f"Removes:   {r}" for r in blast.routes_disappear]
        for change in blast.changes_going_live:
            lines += _para(change, "Goes live: ", " " * 11)
    if plan.iac is not None and plan.iac.managed_by is not None:
        lines += _para(
            f"the API is managed by {plan.iac.managed_by}: its next deploy reverts this change. "
            "Change the infrastructure code too.",
            "WARNING: ",
            " " * 9,
        )
    for note in c.notes:
        lines += _para(note, "Note: ", " " * 6)
    if c.creates_deployment():
        lines += ["Note: CreateDeployment is limited to 1 request every 5 seconds per account."]
    lines += [
        "",
        "It backs up what it changes, makes the change, reads it back to verify it (exit 1 when it does not",
        "match) and prints the commands that undo it (it never runs them).",
        "Region and profile: AWS_REGION and AWS_PROFILE override REGION and PROFILE below.",
        f"Generated by apigw-doctor {__version__}. Review it before running it.",
    ]
    return [("# " + re.sub(r"[\r\n]+", " ", line)).rstrip() for line in lines] + [""]


def _para(text: str, first: str, indent: str) -> list[str]:
    text = " ".join(text.split())  # no newline may end the comment early
    wrapped = textwrap.wrap(text, COMMENT_WIDTH, initial_indent=first, subsequent_indent=indent, break_long_words=False)
    return wrapped or [first]


# -- 1. backup -----------------------------------------------------------------------------------------------
def _backup(c: ChangeSet) -> list[str]:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", f"{c.api_id}-{c.stage}")
    out = [
        "# -- 1. backup " + "-" * 40,
        f'BACKUP_DIR="apigw-doctor-backup-{safe}-$(date -u +%Y%m%dT%H%M%SZ)"',
        'mkdir -- "$BACKUP_DIR"',
        'echo "Backing up to $PWD/$BACKUP_DIR/"',
    ]
    rest = c.api_kind == "REST"
    svc, api = _service(c), _api_flag(c)
    if c.kind == "map":
        op, name = ("get-base-path-mappings", "base-path-mappings") if rest else ("get-api-mappings", "api-mappings")
        out.append(_save(f"{svc} {op} --domain-name {_sq(c.domain or '')}", name))
        return [*out, ""]
    if c.stage_created:
        out.append(_save(f"{svc} get-stages {api}", "stages"))
    else:
        out.append(_save(f"{svc} get-stage {api} --stage-name {_sq(c.stage)}", "stage"))
    out.append(_save(f"{svc} get-deployments {api}", "deployments"))
    if not rest:
        out.append(_save(f"{svc} get-routes {api}", "routes"))
    if rest and c.kind == "method":
        out.append(_save(f"{svc} get-resources {api} --embed methods", "resources"))
    if rest and not c.stage_created:
        out.append(
            f"{WRAPPER} apigateway get-export {api} --stage-name {_sq(c.stage)} --export-type oas30 "
            '--parameters extensions=apigateway "$BACKUP_DIR/export-oas30.json" >/dev/null'
        )
    return [*out, ""]


def _save(call: str, name: str) -> str:
    return f'{WRAPPER} {call} --output json >"$BACKUP_DIR/{name}.json"'


# -- 2. the change -------------------------------------------------------------------------------------------
def _change(c: ChangeSet) -> list[str]:
    out = ["# -- 2. the change " + "-" * 36, "STARTED=1"]
    total = len(c.steps)
    for n, step in enumerate(c.steps, 1):
        out.append(f"echo {_sq(f'[{n}/{total}] {step.purpose}')}")
        line = step.shell(WRAPPER)
        if step.capture is not None:
            var = step.capture[0].upper()
            out += [line, f'echo "      {step.capture[0].replace("_", " ")}: ${{{var}}}"']
        else:
            out.append(f'{line} >>"$BACKUP_DIR/changes.log"')
    return [*out, ""]


# -- 3. verification -----------------------------------------------------------------------------------------
def _verify(c: ChangeSet) -> list[str]:
    out = ["# -- 3. verification " + "-" * 34, 'echo "Verifying..."']
    rest = c.api_kind == "REST"
    svc, api = _service(c), _api_flag(c)
    if c.kind == "map":
        domain, base = c.domain or "", c.base_path or ""
        if rest:
            read = f"get-base-path-mapping --domain-name {_sq(domain)} --base-path {_sq(base or '(none)')}"
            query = "join('/', [restApiId, stage])"
        else:
            read = f'get-api-mapping --domain-name {_sq(domain)} --api-mapping-id "$API_MAPPING_ID"'
            query = "join('/', [ApiId, Stage])"
        where = f"{domain}/{base or '(none)'}"
        want = f"{c.api_id}/{c.stage}"
        return [
            *out,
            f"if ! MAPPED=$({WRAPPER} {svc} {read} --query {_sq(query)} --output text); then",
            f'  fail "the mapping {_dq(where)} does not exist"',
            "fi",
            f"if [[ $MAPPED != {_sq(want)} ]]; then",
            f'  fail "{_dq(where)} maps to $MAPPED, not {_dq(want)}"',
            "fi",
            f'echo "{_dq(where)} maps to $MAPPED"',
        ]
    label = f"stage {c.stage!r}"
    if not rest and c.stage_created:
        return [
            *out,
            f"if ! {WRAPPER} {svc} get-stage {api} --stage-name {_sq(c.stage)} --output json >/dev/null; then",
            f'  fail "{_dq(label)} does not exist"',
            "fi",
            f'echo "{_dq(label)} exists"',
        ]
    expected = _sq(c.target_deployment) if c.target_deployment is not None else '"$DEPLOYMENT_ID"'
    shown = _dq(c.target_deployment) if c.target_deployment is not None else "$DEPLOYMENT_ID"
    key = "deploymentId" if rest else "DeploymentId"
    return [
        *out,
        f"if ! SERVED=$({WRAPPER} {svc} get-stage {api} --stage-name {_sq(c.stage)} --query {key} --output text); then",
        f'  fail "{_dq(label)} cannot be read"',
        "fi",
        f"if [[ $SERVED != {expected} ]]; then",
        f'  fail "{_dq(label)} serves deployment $SERVED, not {shown}"',
        "fi",
        f'echo "{_dq(label)} serves deployment $SERVED"',
    ]


# -- 4. rollback ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class UndoCall:
    """One ``aws`` call that undoes part of a change: ``words`` follow ``aws`` (no ``--region``); a word may hold
    a ``${name}`` capture of the change's steps (``${deployment_id}``)."""

    words: tuple[str, ...]
    needs: str | None = None
    """The capture without which there is nothing to undo (the call that makes it did not run)."""
    optional: bool = False
    """Not needed to restore what was served (e.g. deleting the deployment the fix created)."""
    why: str = ""


def undo_calls(c: ChangeSet) -> tuple[tuple[UndoCall, ...], tuple[str, ...]]:
    """The calls that undo ``c``, in order, and what cannot be undone (as sentences)."""
    rest = c.api_kind == "REST"
    svc = _service(c)
    api = ("--rest-api-id" if rest else "--api-id", c.api_id)
    stage = ("--stage-name", c.stage)
    calls: list[UndoCall] = []
    cannot: list[str] = []
    words: tuple[str, ...]
    if c.kind == "map":
        domain = ("--domain-name", c.domain or "")
        if rest:
            words = (svc, "delete-base-path-mapping", *domain, "--base-path", c.base_path or "(none)")
            return (UndoCall(words=words, why="delete the mapping the fix created"),), ()
        words = (svc, "delete-api-mapping", *domain, "--api-mapping-id", "${api_mapping_id}")
        return (UndoCall(words=words, needs="api_mapping_id", why="delete the mapping the fix created"),), ()
    if c.stage_created:
        calls.append(UndoCall(words=(svc, "delete-stage", *api, *stage), why="delete the stage the fix created"))
    elif c.deployment_before is None:
        cannot.append(f"stage {c.stage!r} served no deployment before: AWS cannot detach one from a stage")
    elif rest:
        patch = f"op=replace,path=/deploymentId,value={c.deployment_before}"
        words = (svc, "update-stage", *api, *stage, "--patch-operations", patch)
        calls.append(UndoCall(words=words, why=f"point the stage back at {c.deployment_before}"))
    else:
        words = (svc, "update-stage", *api, *stage, "--deployment-id", c.deployment_before)
        calls.append(UndoCall(words=words, why=f"point the stage back at {c.deployment_before}"))
    if c.method_added is not None:
        rid, path, http_method = c.method_added
        words = (svc, "delete-method", *api, "--resource-id", rid, "--http-method", http_method)
        calls.append(UndoCall(words=words, why=f"delete {http_method} {path}, which the fix added"))
    if "deployment_id" in _captures(c) and not (c.stage_created and not rest):
        words = (svc, "delete-deployment", *api, "--deployment-id", "${deployment_id}")
        why = "delete the deployment the fix created, once no stage serves it"
        calls.append(UndoCall(words=words, needs="deployment_id", optional=True, why=why))
    return tuple(calls), tuple(cannot)


def _rollback(c: ChangeSet) -> list[str]:
    """The body of ``rollback_commands``: each undo command printed as one copy-pasteable line."""
    calls, cannot = undo_calls(c)
    out = [f"echo {_sq('# ' + line)}" for line in cannot]
    for call in calls:
        show = "command_line aws " + " ".join(shell_word(w) for w in call.words) + ' "${AWS_OPTS[@]}"'
        body = (
            [f"echo {_sq('# optional: ' + call.why)}", f"printf '# %s\\n' \"$({show})\""] if call.optional else [show]
        )
        if call.needs is None:
            out += body
        else:
            what = "the mapping" if call.needs == "api_mapping_id" else "the deployment"
            out += [f'if [[ -n "${call.needs.upper()}" ]]; then', *(f"  {line}" for line in body)]
            if not call.optional:
                out += ["else", f"  echo {_sq(f'# nothing to undo: {what} was not created')}"]
            out.append("fi")
    return out or ["echo '# nothing to undo'"]


def shell_word(word: str) -> str:
    """A word for bash; ``${name}`` captures become ``${NAME}`` in double quotes (as in :meth:`Step.shell`)."""
    if "$" not in word:
        return shlex.quote(word)
    parts = re.split(r"\$\{(\w+)\}", word)
    for i in range(0, len(parts), 2):
        parts[i] = _dq(parts[i])
    for i in range(1, len(parts), 2):
        parts[i] = "${" + parts[i].upper() + "}"
    return '"' + "".join(parts) + '"'


# -- helpers -------------------------------------------------------------------------------------------------
def _captures(c: ChangeSet) -> list[str]:
    return list(dict.fromkeys(s.capture[0] for s in c.steps if s.capture is not None))


def _service(c: ChangeSet) -> str:
    return "apigateway" if c.api_kind == "REST" else "apigatewayv2"


def _api_flag(c: ChangeSet) -> str:
    return f"{'--rest-api-id' if c.api_kind == 'REST' else '--api-id'} {_sq(c.api_id)}"


def _sq(text: str) -> str:
    """A literal word for bash (double-quoted when it holds ``'`` or ``$``: more readable, and no shellcheck
    SC2016 for a ``$default`` stage)."""
    return shlex.quote(text) if "'" not in text and "$" not in text else f'"{_dq(text)}"'


def _dq(text: str) -> str:
    """Literal text for the inside of a double-quoted bash string."""
    return re.sub(r'([\\"$`])', r"\\\1", text)


def _default(text: str) -> str:
    """Literal text for the default of ``"${NAME:-...}"``."""
    return re.sub(r'([\\"$`}])', r"\\\1", text)


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


__all__ = ["UndoCall", "render_script", "shell_word", "undo_calls"]
