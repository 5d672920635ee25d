"""``fix --apply``: backup, the change, verification, and the rollback when the change did not take.

    result = Applier(source, backup_dir=".", rediagnose=..., now=...).run(plan, changes, diagnosis, world)
    result.result -> "FIXED" | "NOT FIXED" | "ROLLED BACK" | "ROLLBACK INCOMPLETE"

1. **Backup.** The API and the custom domains as read for the diagnosis (a snapshot), the stage exactly as
   ``GetStage`` answers, and the change about to be made go to a new file (:mod:`.backup`). If it cannot be
   written, nothing is changed.
2. **The change**, one call per :class:`~apigw_doctor.fix.changes.Step`, through clients allowed exactly those
   write operations and paced under the account's quotas (CreateDeployment: 1 per 5 s). Each step is recorded
   in the backup's journal. A deployment an earlier, interrupted fix created for the same stage and never
   used is reused rather than created again (:func:`~apigw_doctor.fix.changes.reusable_deployment`).
3. **Verification**: the stage (or mapping) is read again and must show the change; the request is diagnosed
   again from a fresh read of the account; with ``--probe``, one real request is sent.
4. **The result**: ``FIXED``; ``NOT FIXED`` when the cause is gone but the request still fails for another
   reason (the change stays, the next cause is reported); ``ROLLED BACK`` when a call failed, the stage does
   not show the change, or the same cause remains (unless ``--no-rollback``).

``checkpoint(name)`` is called at each point an interruption could happen (``backed-up``, ``step:<operation>``,
``changed``, ``verifying``): the tests inject faults there. An interruption leaves the backup's ``state`` saying
where it stopped; ``fix --apply`` again or ``rollback BACKUP`` continues from there.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..diagnosis import Diagnosis
from ..fix.changes import ChangeSet, Step, reusable_deployment
from ..gateway import Outcome
from ..model import World
from ..sources.live import LiveSource
from ..sources.snapshot import world_to_dict
from .backup import Backup, new_backup, record
from .probe import ProbeResult
from .reads import method_exists, read_mapping, read_stage
from .rollback import RollbackResult, rollback

APPLY_WRITES = frozenset(
    {
        "CreateDeployment",
        "UpdateStage",
        "CreateStage",
        "CreateBasePathMapping",
        "CreateApiMapping",
        "PutMethod",
        "PutIntegration",
        "PutMethodResponse",
        "PutIntegrationResponse",
    }
)
"""Every write operation ``fix --apply`` may send; its clients refuse any other before it is sent."""

Checkpoint = Callable[[str], None]
EARLIER = "made by the interrupted run"


@dataclass(frozen=True, slots=True, kw_only=True)
class StepResult:
    operation: str
    purpose: str
    status: str
    """``done``, ``reused`` (an earlier run's deployment), ``failed``."""
    detail: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Verification:
    stage_ok: bool
    """The stage (or mapping) shows the change when read again."""
    stage_detail: str
    verdict: str
    """The verdict of the diagnosis made again after the change."""
    still_failing: str | None = None
    """The rank-1 cause of that diagnosis when the request still fails."""
    message: str = ""
    probe: ProbeResult | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ApplyResult:
    result: str
    """``FIXED``, ``NOT FIXED``, ``ROLLED BACK`` or ``ROLLBACK INCOMPLETE``."""
    backup: str
    changes: ChangeSet
    steps: tuple[StepResult, ...] = ()
    verification: Verification | None = None
    rollback: RollbackResult | None = None
    reason: str = ""
    """Why it was rolled back, or what is still wrong."""

    @property
    def fixed(self) -> bool:
        return self.result == "FIXED"


class Applier:
    """Applies one ChangeSet the careful way. ``rediagnose()`` reads the account afresh and diagnoses again."""

    def __init__(
        self,
        source: LiveSource,
        *,
        backup_dir: str,
        rediagnose: Callable[[], Diagnosis],
        now: Callable[[], datetime],
        tool: str,
        probe: Callable[[], ProbeResult] | None = None,
        auto_rollback: bool = True,
        checkpoint: Checkpoint | None = None,
    ) -> None:
        self.source = source
        self.backup_dir = backup_dir
        self.rediagnose = rediagnose
        self.now = now
        self.tool = tool
        self.probe = probe
        self.auto_rollback = auto_rollback
        self.checkpoint: Checkpoint = checkpoint or (lambda _name: None)
        self.latest: Backup | None = None
        """The backup file as last written (the journal of the fix under way)."""

    # -- 1. backup ------------------------------------------------------------------------------------------
    def back_up(self, changes: ChangeSet, diagnosis: Diagnosis, world: World) -> Backup:
        """Write the backup (InputError, and nothing changed, when it cannot be written)."""
        request = diagnosis.outcome.request
        stage_before = None if changes.stage_created or changes.kind == "map" else self._get_stage(changes)
        api = world.api(changes.api_id, changes.region)
        keep = World(apis=(api,) if api is not None else (), domains=world.domains, notes=world.notes)
        return new_backup(
            directory=self.backup_dir,
            now=self.now(),
            method=request.method,
            url=request.url,
            changes=changes,
            stage_before=stage_before,
            snapshot=world_to_dict(keep),
            tool=self.tool,
        )

    def _get_stage(self, changes: ChangeSet) -> dict[str, Any] | None:
        return read_stage(self.source, changes.api_kind, changes.region, changes.api_id, changes.stage)

    # -- 2. change, 3. verify, 4. decide --------------------------------------------------------------------
    def run(self, changes: ChangeSet, diagnosis: Diagnosis, world: World) -> ApplyResult:
        backup = self.latest = self.back_up(changes, diagnosis, world)
        try:
            self.checkpoint("backed-up")
            return self._change_and_verify(backup, changes, world, diagnosis.outcome)
        except BaseException as exc:  # an interruption: say where it stopped, in the file, then let it go on
            self._interrupted(exc, backup)
            raise

    def resume(self, backup: Backup, diagnosis: Diagnosis, world: World) -> ApplyResult:
        """Finish the change of a fix interrupted part-way (state ``changing``), from its first step not made,
        in the same backup: the backup keeps the account as it was before the first step."""
        self.latest = backup
        try:
            return self._change_and_verify(
                backup,
                backup.changes(),
                world,
                diagnosis.outcome,
                start=backup.steps_done(),
                captured=backup.captured(),
            )
        except BaseException as exc:
            self._interrupted(exc, backup)
            raise

    def _interrupted(self, exc: BaseException, backup: Backup) -> None:
        with contextlib.suppress(Exception):  # the interruption matters more than this note
            record(self.latest or backup, self.now(), event="interrupted", detail=type(exc).__name__)
        exc.add_note(f"apigw-doctor: backup {backup.path}")

    def _record(self, backup: Backup, **entry: Any) -> Backup:
        """Record a state or journal entry in the backup file; keep the latest version for an interruption."""
        self.latest = record(backup, self.now(), **entry)
        return self.latest

    def _change_and_verify(
        self,
        backup: Backup,
        changes: ChangeSet,
        world: World,
        outcome: Outcome,
        start: int = 0,
        captured: dict[str, str] | None = None,
    ) -> ApplyResult:
        backup = self._record(
            backup, state="changing", event="resumed" if start else None, detail=f"at step {start + 1}"
        )
        writer = self.source.writer(APPLY_WRITES)
        captured = dict(captured or {})
        steps: list[StepResult] = []
        api = world.api(changes.api_id, changes.region)
        for index, step in enumerate(changes.steps):
            if index < start:
                steps.append(StepResult(operation=step.operation, purpose=step.purpose, status="done", detail=EARLIER))
                continue
            if start and step.operation == "PutMethod" and self._method_exists(step, changes.region):  # made before
                steps.append(StepResult(operation=step.operation, purpose=step.purpose, status="done", detail=EARLIER))
                backup = self._record(backup, event=step.operation, detail="done")
                continue
            reused = None
            if step.operation == "CreateDeployment" and not changes.stage_created and api is not None:
                reused = reusable_deployment(api, changes.stage, changes.deployment_before, outcome)
            if reused is not None and step.capture is not None:
                captured[step.capture[0]] = reused
                steps.append(
                    StepResult(
                        operation=step.operation,
                        purpose=step.purpose,
                        status="reused",
                        detail=f"deployment {reused}, created by an earlier run that stopped before using it",
                    )
                )
                backup = self._record(backup, event=step.operation, detail="reused", captured={step.capture[0]: reused})
                continue
            error = self._call(writer.client(step.service, changes.region), step, captured)
            if error is not None:
                steps.append(StepResult(operation=step.operation, purpose=step.purpose, status="failed", detail=error))
                backup = self._record(backup, event=step.operation, detail=f"failed: {error}")
                return self._roll_back(backup, changes, steps, None, f"{step.operation} failed: {error}")
            got = {step.capture[0]: captured[step.capture[0]]} if step.capture is not None else None
            steps.append(StepResult(operation=step.operation, purpose=step.purpose, status="done", detail=_said(got)))
            backup = self._record(backup, event=step.operation, detail="done", captured=got)
            self.checkpoint(f"step:{step.operation}")
        backup = self._record(backup, state="changed")
        self.checkpoint("changed")
        verification = self.verify(changes, captured)
        if not verification.stage_ok:
            return self._roll_back(backup, changes, steps, verification, verification.stage_detail)
        if verification.still_failing == changes.cause and changes.kind != "map":
            reason = f"the request still fails for the same cause ({changes.cause}): {verification.message}"
            return self._roll_back(backup, changes, steps, verification, reason)
        probe = verification.probe
        if verification.still_failing is None and (probe is None or probe.routed is not False):
            self._record(backup, state="fixed", event="verified", detail=verification.verdict)
            return ApplyResult(
                result="FIXED", backup=backup.path, changes=changes, steps=tuple(steps), verification=verification
            )
        reason = (
            f"{verification.still_failing}: {verification.message}"
            if verification.still_failing is not None
            else f"the probe still got {probe.summary() if probe else '?'}"
        )
        self._record(backup, state="not-fixed", event="verified", detail=reason)
        return ApplyResult(
            result="NOT FIXED",
            backup=backup.path,
            changes=changes,
            steps=tuple(steps),
            verification=verification,
            reason=reason,
        )

    def _method_exists(self, step: Step, region: str) -> bool:
        """A resumed PutMethod whose call went through before the interruption (AWS would answer Conflict)."""
        args = {k: str(v) for k, v in step.kwargs({}).items()}
        return method_exists(self.source, region, args["restApiId"], args["resourceId"], args["httpMethod"])

    def _call(self, client: Any, step: Step, captured: dict[str, str]) -> str | None:
        """Make one step's call; the error text when AWS refused it."""
        from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

        method = getattr(client, _snake(step.operation))
        try:
            response = method(**step.kwargs(captured))
        except ClientError as exc:
            error = exc.response.get("Error", {})
            return f"{error.get('Code', 'error')}: {error.get('Message', '')}".strip()
        except BotoCoreError as exc:
            return str(exc)
        if step.capture is not None:
            name, key = step.capture
            captured[name] = str(response.get(key, ""))
        return None

    def verify(self, changes: ChangeSet, captured: dict[str, str]) -> Verification:
        """Read the stage (or mapping) again, diagnose the request again, and probe it when asked."""
        self.checkpoint("verifying")
        expected = captured.get("deployment_id") or changes.target_deployment
        stage_ok, stage_detail = True, ""
        if changes.kind == "map":
            stage_ok, stage_detail = self._mapping_made(changes)
        else:
            now = self._get_stage(changes)
            served = (now or {}).get("deploymentId" if changes.api_kind == "REST" else "DeploymentId")
            if changes.api_kind == "HTTP" and changes.stage_created:
                stage_ok, stage_detail = now is not None, f"stage {changes.stage!r} exists"
            else:
                stage_ok = expected is not None and served == expected
                stage_detail = (
                    f"stage {changes.stage!r} serves deployment {served}"
                    if stage_ok
                    else f"stage {changes.stage!r} serves deployment {served}, not {expected}"
                )
        diagnosis = self.rediagnose()
        still = diagnosis.findings[0].code if diagnosis.fails and diagnosis.findings else None
        message = diagnosis.findings[0].message if still is not None else ""
        probe = self.probe() if self.probe is not None else None
        return Verification(
            stage_ok=stage_ok,
            stage_detail=stage_detail,
            verdict=diagnosis.verdict,
            still_failing=still,
            message=message,
            probe=probe,
        )

    def _mapping_made(self, changes: ChangeSet) -> tuple[bool, str]:
        domain, base_path = changes.domain or "", changes.base_path or ""
        where = f"{domain}/{base_path or '(none)'}"
        found = read_mapping(self.source, changes.api_kind, changes.region, domain, base_path)
        target = (found.api_id, found.stage) if found is not None else None
        if target == (changes.api_id, changes.stage):
            return True, f"{where} maps to {changes.api_id}/{changes.stage}"
        return False, f"{where} is not mapped to {changes.api_id}/{changes.stage} (found: {target})"

    def _roll_back(
        self,
        backup: Backup,
        changes: ChangeSet,
        steps: list[StepResult],
        verification: Verification | None,
        reason: str,
    ) -> ApplyResult:
        if not self.auto_rollback:
            self._record(backup, state="not-fixed", event="not rolled back", detail=reason)
            return ApplyResult(
                result="NOT FIXED",
                backup=backup.path,
                changes=changes,
                steps=tuple(steps),
                verification=verification,
                reason=reason + " (left as is: --no-rollback)",
            )
        undone, _ = rollback(backup, self.source, self.now)
        return ApplyResult(
            result="ROLLED BACK" if undone.ok else "ROLLBACK INCOMPLETE",
            backup=backup.path,
            changes=changes,
            steps=tuple(steps),
            verification=verification,
            rollback=undone,
            reason=reason,
        )


def _said(captured: dict[str, str] | None) -> str:
    return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in (captured or {}).items())


def _snake(operation: str) -> str:
    import re

    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()


__all__ = ["APPLY_WRITES", "Applier", "ApplyResult", "StepResult", "Verification"]
