"""Finding and reading ``.tf`` files: a file, or a directory's ``*.tf`` with its ``.tfvars``."""

from __future__ import annotations

import glob
import os

from ...errors import InputError
from ..document import parse_json
from .collect import api_resources
from .config import DEFAULT_REGION, TerraformConfig
from .expressions import evaluate
from .hcl import parse_file, read_text
from .module import Module, is_override, tf_files
from .values import Value

MAX_RESOURCES = 20_000
"""More API Gateway resource instances than this is refused (a runaway ``count``), not read for minutes."""


def is_tf_path(path: str) -> bool:
    """A ``.tf`` file, or a directory holding at least one."""
    if os.path.isdir(path):
        return bool(tf_files(path))
    return path.lower().endswith(".tf")


def _skipped(directory: str) -> list[str]:
    paths = glob.glob(os.path.join(glob.escape(directory), "*.tf.json"))
    paths += [p for p in glob.glob(os.path.join(glob.escape(directory), "*.tf")) if is_override(p)]
    return sorted(paths)


def tfvars(directory: str) -> dict[str, Value]:
    """Variable values from ``terraform.tfvars``, ``terraform.tfvars.json`` and ``*.auto.tfvars``, in that order."""
    values: dict[str, Value] = {}
    paths = [os.path.join(directory, "terraform.tfvars"), os.path.join(directory, "terraform.tfvars.json")]
    paths += sorted(glob.glob(os.path.join(glob.escape(directory), "*.auto.tfvars")))
    literals = Module(directory, [], prefix="", root_dir=directory).scope()
    for path in paths:
        if not os.path.isfile(path):
            continue
        if path.endswith(".json"):
            data = parse_json(read_text(path, "a .tfvars.json file"), path)
            if not isinstance(data, dict):
                raise InputError("the top level must be an object of variable values", path)
            values.update({str(k): v for k, v in data.items()})
            continue
        body = parse_file(path).body
        values.update({a.name: evaluate(a.value, literals) for a in body.attributes})
    return values


def read_hcl(path: str) -> TerraformConfig:
    """A ``.tf`` file or a directory of them -> the typed resources, with notes on what stays unknown."""
    try:
        return _read_hcl(path)
    except RecursionError:
        raise InputError("expressions or references nested too deeply to follow", path) from None


def _read_hcl(path: str) -> TerraformConfig:
    if os.path.isdir(path):
        directory, names = path, tf_files(path)
        if not names:
            raise InputError("no .tf files in this directory", path)
    else:
        directory, names = os.path.dirname(path) or ".", [path]
    root = Module(directory, [parse_file(p) for p in names], prefix="", root_dir=directory)
    notes: list[str] = []
    if os.path.isdir(path):
        root.given = tfvars(directory)
        notes.extend(
            f"{p} is not read (Terraform JSON syntax and override files are not supported)" for p in _skipped(path)
        )
    resources = api_resources(root)
    if len(resources) > MAX_RESOURCES:
        raise InputError(
            f"{len(resources)} API Gateway resource instances: more than {MAX_RESOURCES} is not read", path
        )
    notes.extend(dict.fromkeys(root.notes))
    if resources:
        notes.extend(_region_note(root, path))
        notes.append(
            f"{path} is Terraform configuration, read as it would be applied: APIs are named by their address "
            "(ids exist only after apply) and each deployment is taken to serve its API as configured (re-created "
            "after the last change, which is what `triggers` are for)"
        )
    return TerraformConfig(source=path, kind="hcl", resources=tuple(resources), notes=tuple(notes))


def _region_note(root: Module, path: str) -> list[str]:
    found = root.region(None)
    if found is None:
        return [f"{path}: the aws provider sets no region: {DEFAULT_REGION} is assumed (AWS_REGION is not read)"]
    value, text = found
    if not isinstance(value, str):
        return [f"{path}: the aws provider's region = {text} is not known here: {DEFAULT_REGION} is assumed"]
    return [] if text.strip('"') == value else [f"{path}: the aws provider's region is {value} (region = {text})"]
