"""Terraform as a source: ``.tf`` files (a file or a directory) and ``terraform show -json`` plans and states.

:func:`load_terraform` gives the World (the APIs as the configuration would create them, before any
apply); :func:`read_terraform` gives the typed resources behind it (:class:`TerraformConfig`), which
``apigw-doctor check`` reads for what only Terraform knows (``triggers``, ``depends_on``,
``create_before_destroy``, the line of each argument). See docs/sources-terraform.md.

Importing this package is cheap: python-hcl2 is imported only when a ``.tf`` file is parsed.
"""

from __future__ import annotations

import os
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...model import World
    from ..document import Document
    from .config import API_TYPES, Argument, TerraformConfig, TfResource
    from .plan import is_terraform_json
    from .values import FileText, Ref, Unknown, Value

_LAZY = {
    "API_TYPES": ".config",
    "Argument": ".config",
    "TerraformConfig": ".config",
    "TfResource": ".config",
    "is_terraform_json": ".plan",
    "FileText": ".values",
    "Ref": ".values",
    "Unknown": ".values",
    "Value": ".values",
}


def __getattr__(name: str) -> Any:
    """The types load on first use, so `is_terraform_path` costs nothing on the CLI's start-up path."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "API_TYPES",
    "Argument",
    "FileText",
    "Ref",
    "TerraformConfig",
    "TfResource",
    "Unknown",
    "Value",
    "is_terraform_json",
    "is_terraform_path",
    "load_terraform",
    "load_terraform_json",
    "read_terraform",
    "to_world",
]


def is_terraform_path(path: str) -> bool:
    """A ``.tf`` file, or a directory holding at least one (told apart without reading any file)."""
    if os.path.isdir(path):
        try:
            return any(name.lower().endswith(".tf") for name in os.listdir(path))
        except OSError:
            return False
    return path.lower().endswith(".tf")


def read_terraform(path: str) -> TerraformConfig:
    """The typed API Gateway resources of a ``.tf`` file, a directory of them, or a plan/state JSON file."""
    from .files import is_tf_path, read_hcl

    if is_tf_path(path) or os.path.isdir(path):
        return read_hcl(path)
    from ..document import read_document
    from .plan import read_json

    return read_json(read_document(path))


def to_world(config: TerraformConfig) -> World:
    from .resources import to_world as build

    return build(config)


def load_terraform(path: str) -> World:
    """A ``.tf`` file or a directory of them -> the World it would create."""
    from .files import read_hcl

    return to_world(read_hcl(path))


def load_terraform_json(doc: Document) -> World:
    """A ``terraform show -json`` plan or state, already read -> the World it describes."""
    from .plan import read_json

    return to_world(read_json(doc))
