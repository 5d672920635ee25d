"""Sources: files -> the model. Raw dicts stop here; what leaves is frozen dataclasses.

:func:`load` reads any mix of snapshot files (``"format": "apigw-doctor/world"``), OpenAPI 3 files
(``openapi: 3.x``) and Swagger 2 files (``swagger: "2.0"``), JSON or YAML told apart by content, and
merges them into one :class:`World`. Bad input is an :class:`~apigw_doctor.errors.InputError` with a
location (``file``, ``file:line:col`` or ``file#/json/pointer``), never a traceback.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from ..errors import InputError
from ..model import World
from .cloudformation import load_template, read_template, template_kind
from .document import Document, read_document
from .openapi import API_KINDS, BASEPATH_MODES, check_options, load_openapi
from .snapshot import dumps_world, is_snapshot, load_snapshot, snapshot_schema, world_to_dict, write_snapshot
from .snapshot_format import FORMAT, VERSION
from .snapshot_read import world_from_dict
from .terraform import is_terraform_path, load_terraform, load_terraform_json

SNAPSHOT, OPENAPI3, SWAGGER2, TERRAFORM = "snapshot", "openapi3", "swagger2", "terraform"
FIX_BACKUP = "fix-backup"
FIX_BACKUP_FORMAT = "apigw-doctor/fix-backup"
"""A backup written by ``fix --apply``: its ``snapshot`` member is the account before the fix."""


def detect_kind(doc: Document) -> str:
    """``snapshot``, ``openapi3``, ``swagger2``, ``cloudformation``, ``sam`` or ``terraform``; else InputError."""
    data = doc.data
    if is_snapshot(data):
        return SNAPSHOT
    if data.get("format") == FIX_BACKUP_FORMAT and isinstance(data.get("snapshot"), dict):
        return FIX_BACKUP
    template = template_kind(data)
    if template is not None:
        return template
    if "openapi" in data:
        return OPENAPI3
    if "swagger" in data:
        return SWAGGER2
    if "terraform_version" in data:
        from .terraform.plan import is_terraform_json

        if is_terraform_json(data):
            return TERRAFORM
    if "format" in data:
        raise InputError(
            f'unknown "format" {data["format"]!r} (a snapshot has "format": "{FORMAT}")', f"{doc.path}#/format"
        )
    raise InputError(
        "not an API description: expected an OpenAPI 3 ('openapi: 3.x'), Swagger 2 "
        f"('swagger: \"2.0\"'), CloudFormation/SAM template, terraform show -json or apigw-doctor snapshot "
        f'("format": "{FORMAT}") file',
        doc.path,
    )


def load_file(path: str, *, basepath_mode: str = "split", api_kind: str | None = None) -> World:
    """One file -> a World (see :func:`load`)."""
    if is_terraform_path(path):
        return load_terraform(path)
    template = read_template(path)
    if template is not None:
        return load_template(template)
    doc = read_document(path)
    kind = detect_kind(doc)
    if kind == SNAPSHOT:
        return _stamp(world_from_dict(doc.data, doc.path), "snapshot")
    if kind == FIX_BACKUP:
        world = _stamp(world_from_dict(doc.data["snapshot"], doc.path), "snapshot")
        note = f"{doc.path} is the backup of a fix: the account as it was on {doc.data.get('created', '?')}."
        return dataclasses.replace(world, notes=(*world.notes, note))
    if kind == TERRAFORM:
        return load_terraform_json(doc)
    return _stamp(load_openapi(doc, basepath_mode=basepath_mode, api_kind=api_kind), "openapi")


def _stamp(world: World, kind: str) -> World:
    """Record where each API was read from (``source_kind``) when the reader did not."""
    apis = tuple(a if a.source_kind else dataclasses.replace(a, source_kind=kind) for a in world.apis)
    return dataclasses.replace(world, apis=apis)


def load(paths: Sequence[str], *, basepath_mode: str = "split", api_kind: str | None = None) -> World:
    """Load every file and merge the Worlds, in order.

    ``basepath_mode`` (``split``, ``prepend``, ``ignore``) and ``api_kind`` (``REST``, ``HTTP``, None to
    detect) apply to OpenAPI and Swagger files. An API that appears in two files is kept twice and the
    World gets a note: lookups by id find the first one.
    """
    basepath_mode, api_kind = check_options(basepath_mode, api_kind)
    world = World()
    where: dict[tuple[str, str], str] = {}
    notes: list[str] = []
    for path in paths:
        loaded = load_file(path, basepath_mode=basepath_mode, api_kind=api_kind)
        for api in loaded.apis:
            key = (api.id, api.region)
            if key in where:
                notes.append(
                    f"API {api.id} ({api.region}) appears in {where[key]} and in {path}: the first one is used"
                )
            else:
                where[key] = path
        world = world.merge(loaded)
    if notes:
        world = world.merge(World(notes=tuple(notes)))
    return world


__all__ = [
    "API_KINDS",
    "BASEPATH_MODES",
    "FORMAT",
    "VERSION",
    "Document",
    "detect_kind",
    "dumps_world",
    "load",
    "load_file",
    "load_snapshot",
    "read_document",
    "snapshot_schema",
    "world_from_dict",
    "world_to_dict",
    "write_snapshot",
]
