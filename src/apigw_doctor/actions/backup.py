"""The backup ``fix --apply`` writes before it changes anything, and the journal it keeps in it.

One JSON file per fix, named ``apigw-doctor-backup-<api id>-<stage>-<UTC time>.json``, written atomically (a
temporary file, fsync, rename, fsync of the directory) and rewritten the same way after every step, so that
at any instant the file on disk is either the old or the new version, never a torn one::

    {
      "format": "apigw-doctor/fix-backup", "version": 1, "created": "2026-11-22T05:01:02Z",
      "request": {"method": "GET", "url": "https://..."}, "cause": "NOT_DEPLOYED",
      "api": {"id": "petstore01", "kind": "REST", "region": "us-east-1"}, "stage": "prod",
      "stage_before": {... GetStage as AWS answered it, or null when the stage did not exist ...},
      "change": {... the ChangeSet: kind, steps, the deployment it replaces, the mapping or method it adds ...},
      "state": "backed-up" | "changing" | "changed" | "fixed" | "not-fixed" | "rolled-back" | "rollback-incomplete",
      "journal": [{"at": "...", "event": "CreateDeployment", "detail": "...", "captured": {"deployment_id": "..."}}],
      "snapshot": {... the API and the custom domains as an apigw-doctor snapshot (docs/snapshot.md) ...}
    }

``snapshot`` is the snapshot format itself: ``diagnose --source BACKUP`` reads it as it was before the fix.
``apigw-doctor rollback BACKUP`` reads the rest. ``docs/fix.md`` documents the file.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from ..errors import InputError
from ..files import write_atomic
from ..fix.changes import ChangeSet, Step

FORMAT = "apigw-doctor/fix-backup"
VERSION = 1
UNFINISHED = ("backed-up", "changing", "changed")
"""States of a fix that stopped before its verification ended (interrupted, or a crash)."""

JSON = dict[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class Backup:
    """A backup file as read back: its path and its document (``data``), with typed accessors."""

    path: str
    data: JSON

    @property
    def api_id(self) -> str:
        return str(self.data["api"]["id"])

    @property
    def api_kind(self) -> str:
        return str(self.data["api"]["kind"])

    @property
    def region(self) -> str:
        return str(self.data["api"]["region"])

    @property
    def stage(self) -> str:
        return str(self.data["stage"])

    @property
    def state(self) -> str:
        return str(self.data["state"])

    @property
    def stage_before(self) -> JSON | None:
        value = self.data.get("stage_before")
        return value if isinstance(value, dict) else None

    @property
    def change(self) -> JSON:
        value = self.data["change"]
        assert isinstance(value, dict)
        return value

    def steps_done(self) -> int:
        """How many steps of the change the journal records as made (they run in order)."""
        operations = [s["operation"] for s in self.change.get("steps", [])]
        done = 0
        for entry in self.data.get("journal", []):
            if (
                done < len(operations)
                and entry.get("event") == operations[done]
                and entry.get("detail")
                in (
                    "done",
                    "reused",
                )
            ):
                done += 1
        return done

    def changes(self) -> ChangeSet:
        """The ChangeSet the backup records (to resume it)."""
        data = dict(self.change)
        steps = tuple(Step.from_dict(s) for s in data.pop("steps"))
        data["notes"] = tuple(data.get("notes") or ())
        if data.get("method_added") is not None:
            data["method_added"] = tuple(data["method_added"])
        return ChangeSet(steps=steps, **data)

    def captured(self) -> dict[str, str]:
        """Every value captured by the steps that ran (``deployment_id``...)."""
        found: dict[str, str] = {}
        for entry in self.data.get("journal", []):
            found.update(entry.get("captured") or {})
        return found


def utc_stamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def backup_name(api_id: str, stage: str, now: datetime) -> str:
    """``apigw-doctor-backup-petstore01-prod-20261122T050102Z.json`` (characters unsafe in file names -> ``_``)."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", f"{api_id}-{stage}")
    return f"apigw-doctor-backup-{safe}-{now.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"


def change_to_dict(changes: ChangeSet) -> JSON:
    data = asdict(changes)
    data["steps"] = [_step(s) for s in changes.steps]
    return data


def _step(step: Step) -> JSON:
    return {
        "service": step.service,
        "operation": step.operation,
        "params": step.kwargs(_Placeholders()),
        "purpose": step.purpose,
        "capture": list(step.capture) if step.capture else None,
    }


class _Placeholders(dict[str, str]):
    """Leaves ``${name}`` placeholders in (they are filled at run time)."""

    def __missing__(self, key: str) -> str:
        return "${" + key + "}"


def new_backup(
    *,
    directory: str,
    now: datetime,
    method: str,
    url: str,
    changes: ChangeSet,
    stage_before: JSON | None,
    snapshot: JSON,
    tool: str,
) -> Backup:
    """Write the backup file (a new file: never overwrites one); an InputError when it cannot be written."""
    data: JSON = {
        "format": FORMAT,
        "version": VERSION,
        "created": utc_stamp(now),
        "tool": tool,
        "request": {"method": method, "url": url},
        "cause": changes.cause,
        "api": {"id": changes.api_id, "kind": changes.api_kind, "region": changes.region},
        "stage": changes.stage,
        "stage_before": stage_before,
        "change": change_to_dict(changes),
        "state": "backed-up",
        "journal": [],
        "snapshot": snapshot,
    }
    if not os.path.isdir(directory):
        raise InputError("the backup directory does not exist", directory)
    name = backup_name(changes.api_id, changes.stage, now)
    path = os.path.join(directory, name)
    for n in range(2, 100):  # two fixes in the same second: the second gets "-2", and so on
        if _write(path, data, exclusive=True):
            return Backup(path=path, data=data)
        path = os.path.join(directory, name.removesuffix(".json") + f"-{n}.json")
    raise InputError("too many backups with this name", path)


def record(
    backup: Backup, now: datetime, *, state: str | None = None, event: str | None = None, **extra: Any
) -> Backup:
    """The backup with a journal entry (``event``) and/or a new ``state``, written atomically in place."""
    data = dict(backup.data)
    if event is not None:
        entry: JSON = {"at": utc_stamp(now), "event": event}
        entry.update({k: v for k, v in extra.items() if v is not None})
        data["journal"] = [*data.get("journal", []), entry]
    if state is not None:
        data["state"] = state
    _write(backup.path, data)
    return Backup(path=backup.path, data=data)


def read_backup(path: str) -> Backup:
    """Read a backup file (InputError, located, when it is not one)."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise InputError("no such backup file", path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the backup ({getattr(exc, 'strerror', None) or exc})", path) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON ({exc.msg})", f"{path}:{exc.lineno}:{exc.colno}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(f'not an apigw-doctor fix backup (expected "format": "{FORMAT}")', path)
    if data.get("version") != VERSION:
        raise InputError(f"backup version {data.get('version')!r} is not supported (expected {VERSION})", path)
    for key in ("api", "stage", "change", "state", "snapshot"):
        if key not in data:
            raise InputError(f"the backup has no {key!r}", f"{path}#/{key}")
    return Backup(path=path, data=data)


def unfinished(directory: str, api_id: str, stage: str) -> list[Backup]:
    """Backups in ``directory`` of fixes to ``api_id``/``stage`` that stopped before their verification ended."""
    prefix = backup_name(api_id, stage, datetime.now(UTC)).rsplit("-", 1)[0] + "-"
    found = []
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    for name in names:
        if name.startswith(prefix) and name.endswith(".json"):
            try:
                backup = read_backup(os.path.join(directory, name))
            except InputError:
                continue
            if backup.state in UNFINISHED and backup.api_id == api_id and backup.stage == stage:
                found.append(backup)
    return found


def plain(value: Mapping[str, Any]) -> JSON:
    """A boto3 answer as plain JSON (dates as ISO text), without ``ResponseMetadata``."""
    text = json.dumps({k: v for k, v in value.items() if k != "ResponseMetadata"}, default=_iso, sort_keys=True)
    result: JSON = json.loads(text)
    return result


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _write(path: str, data: JSON, exclusive: bool = False) -> bool:
    """Write ``data`` to ``path`` atomically; with ``exclusive``, False (and nothing written) if it exists."""
    text = (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        return write_atomic(path, text, mode=0o600, overwrite=not exclusive)
    except OSError as exc:
        raise InputError(f"cannot write the backup ({exc.strerror or exc})", path) from None


__all__ = [
    "FORMAT",
    "UNFINISHED",
    "VERSION",
    "Backup",
    "backup_name",
    "change_to_dict",
    "new_backup",
    "plain",
    "read_backup",
    "record",
    "unfinished",
    "utc_stamp",
]
