"""``apigw-doctor rollback BACKUP`` (and the automatic rollback of ``fix --apply``): back to the backup.

What is undone is worked out from the backup and from what the account has *now*, not only from the journal,
so a fix interrupted anywhere (even between a call and its journal entry) is undone all the same:

* the stage: pointed back at the deployment it served (``update-stage /deploymentId``), or deleted when the
  fix created it;
* the method the fix added (``--allow-api-changes``): deleted, with its integration;
* the base-path (or API) mapping the fix created: deleted, if it still points where the fix pointed it.

Deployments the fix created are kept (a deployment is history: nothing serves it once the stage is back);
the report gives the command that deletes them. Then the stage is read again and compared with the backup
field by field (``lastUpdatedDate`` aside): the result is ``ROLLED BACK`` only when nothing differs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..diagnosis.commands import aws
from ..sources.live import LiveSource
from ..sources.live.session import Clients
from .backup import JSON, Backup, record
from .reads import FoundMapping, method_exists, read_mapping, read_stage

ROLLBACK_WRITES = frozenset({"UpdateStage", "DeleteStage", "DeleteMethod", "DeleteBasePathMapping", "DeleteApiMapping"})
IGNORED_FIELDS = frozenset({"lastUpdatedDate", "LastUpdatedDate"})
"""Stage fields a rollback cannot restore and does not compare: AWS sets them on every update."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Undo:
    """One call the rollback made."""

    operation: str
    detail: str
    error: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RollbackResult:
    result: str
    """``ROLLED BACK`` (the account equals the backup) or ``ROLLBACK INCOMPLETE`` (``differences`` say what)."""
    undone: tuple[Undo, ...] = ()
    differences: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    """Commands for what the rollback leaves on purpose (the deployments the fix created)."""

    @property
    def ok(self) -> bool:
        return self.result == "ROLLED BACK"


def rollback(
    backup: Backup, source: LiveSource, now: Callable[[], datetime], force: bool = False
) -> tuple[RollbackResult, Backup]:
    """Undo the fix recorded in ``backup``, verify the stage against it, and record the outcome in the file.

    A stage that serves a deployment the fix did not set (someone deployed after the fix) is left as is, and
    reported, unless ``force``: restoring the backup would then undo their change too.
    """
    writer = source.writer(ROLLBACK_WRITES)
    state = _State(backup, source, writer, force)
    state.stage()
    state.method()
    state.mapping()
    differences = tuple(state.differences + state.compare())
    result = RollbackResult(
        result="ROLLED BACK" if not differences else "ROLLBACK INCOMPLETE",
        undone=tuple(state.undone),
        differences=differences,
        kept=state.kept(),
    )
    backup = record(
        backup,
        now(),
        state="rolled-back" if result.ok else "rollback-incomplete",
        event="rollback",
        detail=result.result,
        undone=[f"{u.operation}: {u.detail}" + (f" ({u.error})" if u.error else "") for u in result.undone],
        differences=list(differences) or None,
    )
    return result, backup


class _State:
    def __init__(self, backup: Backup, source: LiveSource, writer: Clients, force: bool) -> None:
        self.backup = backup
        self.force = force
        self.rest = backup.api_kind == "REST"
        self.service = "apigateway" if self.rest else "apigatewayv2"
        self.source = source
        self.writer = writer
        self.read = source.client(self.service, backup.region)
        self.write = writer.client(self.service, backup.region)
        self.undone: list[Undo] = []
        self.differences: list[str] = []

    # -- the stage ------------------------------------------------------------------------------------------
    def get_stage(self) -> JSON | None:
        b = self.backup
        return read_stage(self.source, b.api_kind, b.region, b.api_id, b.stage)

    def stage(self) -> None:
        b = self.backup
        if b.change.get("kind") == "map":
            return  # a mapping fix leaves the stage alone
        before = b.stage_before
        now = self.get_stage()
        if before is None:
            if b.change.get("stage_created") and now is not None:
                self._call("DeleteStage", f"delete stage {b.stage!r}, which the fix created", self._delete_stage)
            return
        if now is None:
            self.differences.append(f"stage {b.stage!r} no longer exists: it was deleted after the fix")
            return
        key = "deploymentId" if self.rest else "DeploymentId"
        old, new = before.get(key), now.get(key)
        if old == new:
            return
        if old is None:
            self.differences.append(
                f"stage {b.stage!r} had no deployment before; AWS cannot detach one from a stage, so it keeps "
                f"serving {new}"
            )
            return
        if not self.force and not self._set_by_fix(str(new)):
            self.differences.append(
                f"stage {b.stage!r} now serves deployment {new}, which the fix did not set: it changed after the "
                f"fix, so it is left as is (rollback --force points it back at {old} anyway)"
            )
            return
        self._call(
            "UpdateStage",
            f"point stage {b.stage!r} back at deployment {old} (from {new})",
            lambda: self._point(str(old)),
        )

    def _set_by_fix(self, deployment_id: str) -> bool:
        """Whether the stage's deployment is the one the fix pointed it at (by id, or by the fix's description)."""
        b = self.backup
        if deployment_id in (b.captured().get("deployment_id"), b.change.get("target_deployment")):
            return True
        description = b.change.get("description") or ""
        if not description:
            return False
        try:
            if self.rest:
                got = self.read.get_deployment(restApiId=b.api_id, deploymentId=deployment_id).get("description")
            else:
                got = self.read.get_deployment(ApiId=b.api_id, DeploymentId=deployment_id).get("Description")
        except self.read.exceptions.NotFoundException:
            return False
        return bool(got == description)  # made by the fix, whose journal entry was lost to an interruption

    def _delete_stage(self) -> object:
        b = self.backup
        if self.rest:
            return self.write.delete_stage(restApiId=b.api_id, stageName=b.stage)
        return self.write.delete_stage(ApiId=b.api_id, StageName=b.stage)

    def _point(self, deployment_id: str) -> object:
        b = self.backup
        if self.rest:
            return self.write.update_stage(
                restApiId=b.api_id,
                stageName=b.stage,
                patchOperations=[{"op": "replace", "path": "/deploymentId", "value": deployment_id}],
            )
        return self.write.update_stage(ApiId=b.api_id, StageName=b.stage, DeploymentId=deployment_id)

    # -- the method and the mapping -------------------------------------------------------------------------
    def method(self) -> None:
        added = self.backup.change.get("method_added")
        if not added:
            return
        rid, path, http_method = added
        b = self.backup
        if not method_exists(self.source, b.region, b.api_id, rid, http_method):
            return  # never added (the fix stopped before), or already removed
        self._call(
            "DeleteMethod",
            f"delete {http_method} {path}, which the fix added",
            lambda: self.write.delete_method(restApiId=b.api_id, resourceId=rid, httpMethod=http_method),
        )

    def _mapping(self) -> tuple[str, FoundMapping | None]:
        """(the domain, the mapping at the fix's base path as it is now, or None)."""
        change = self.backup.change
        domain = str(change["domain"])
        kind = str(change.get("api_kind"))
        return domain, read_mapping(self.source, kind, self.backup.region, domain, str(change.get("base_path") or ""))

    def mapping(self) -> None:
        change = self.backup.change
        if change.get("kind") != "map":
            return
        api_id, stage, region = str(change["api_id"]), str(change["stage"]), self.backup.region
        domain, found = self._mapping()
        if found is None:
            return  # never made (the fix stopped before), or already deleted
        if (found.api_id, found.stage) != (api_id, stage):
            self.differences.append(
                f"{domain}/{found.key} now maps to {found.api_id}/{found.stage}, not what the fix made"
            )
            return
        detail = f"delete the mapping {domain}/{found.key} -> {api_id}/{stage}, which the fix created"
        key, mapping_id = found.key, found.mapping_id
        if mapping_id is not None:
            self._call(
                "DeleteApiMapping",
                detail,
                lambda: self.writer.client("apigatewayv2", region).delete_api_mapping(
                    ApiMappingId=mapping_id, DomainName=domain
                ),
            )
        else:
            self._call(
                "DeleteBasePathMapping",
                detail,
                lambda: self.writer.client("apigateway", region).delete_base_path_mapping(
                    domainName=domain, basePath=key
                ),
            )

    def mapping_left(self) -> list[str]:
        domain, found = self._mapping()
        return [] if found is None else [f"the mapping {domain}/{found.key} still exists"]

    # -- verification -----------------------------------------------------------------------------------------
    def compare(self) -> list[str]:
        """The stage now against the backup, field by field (``lastUpdatedDate`` aside)."""
        if self.backup.change.get("kind") == "map":
            return self.mapping_left()
        before = self.backup.stage_before
        now = self.get_stage()
        if before is None:
            return [] if now is None else [f"stage {self.backup.stage!r} still exists"]
        if now is None:
            return []  # already reported
        keys = sorted((set(before) | set(now)) - IGNORED_FIELDS)
        return [
            f"stage {self.backup.stage!r} {k}: {before.get(k)!r} in the backup, {now.get(k)!r} now"
            for k in keys
            if before.get(k) != now.get(k)
        ]

    def kept(self) -> tuple[str, ...]:
        b = self.backup
        created = b.captured().get("deployment_id")
        if not created:
            return ()
        before = b.stage_before or {}
        if not b.change.get("stage_created") and before.get("deploymentId" if self.rest else "DeploymentId") is None:
            return (f"deployment {created}, created by the fix, still serves stage {b.stage!r}",)
        if self.rest:
            command = aws(
                "apigateway",
                "delete-deployment",
                "--rest-api-id",
                b.api_id,
                "--deployment-id",
                created,
                region=b.region,
            )
        else:
            command = aws(
                "apigatewayv2", "delete-deployment", "--api-id", b.api_id, "--deployment-id", created, region=b.region
            )
        return (f"deployment {created}, created by the fix, is kept (nothing serves it); to delete it: {command}",)

    # -- calls --------------------------------------------------------------------------------------------------
    def _call(self, operation: str, detail: str, call: Callable[[], object]) -> None:
        from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

        try:
            call()
        except ClientError as exc:
            error = exc.response.get("Error", {})
            message = f"{error.get('Code', 'error')}: {error.get('Message', '')}".strip()
            self.undone.append(Undo(operation=operation, detail=detail, error=message))
            self.differences.append(f"{detail}: failed ({message})")
            return
        except BotoCoreError as exc:
            self.undone.append(Undo(operation=operation, detail=detail, error=str(exc)))
            self.differences.append(f"{detail}: failed ({exc})")
            return
        self.undone.append(Undo(operation=operation, detail=detail))


__all__ = ["ROLLBACK_WRITES", "RollbackResult", "Undo", "rollback"]
