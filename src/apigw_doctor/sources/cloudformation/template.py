"""A CloudFormation template as a typed list of resources, each with its logical id, type, properties and line.

This is what the model is built from, and what template checks (issue 4 §2: deployments that will not
redeploy, a root without a method beside ``{proxy+}``, SAM's ``Stage`` stage...) read: every
:class:`TemplateResource` says where it is written (``Origin(file, "/Resources/<LogicalId>", line)``), and
:meth:`Template.origin` gives the file and line of anything inside one. For a SAM template expanded by
:mod:`.sam`, generated resources point back at the SAM resource that produced them (``generated_from``).

Properties stay as written (intrinsic functions in their long form ``{"Ref": ...}``, ``{"Fn::Sub": ...}``);
:mod:`.intrinsics` resolves them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import cast

from ...errors import InputError
from ...model import Origin
from ..document import fail, mapping, type_name
from .yaml_cfn import LineMap, escape, parse_text

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
YAML_SUFFIXES = (".yaml", ".yml", ".template")


@dataclass(frozen=True, slots=True)
class TemplateResource:
    """One entry of ``Resources``: ``properties`` as written (intrinsics unresolved)."""

    logical_id: str
    type: str
    properties: Mapping[str, object]
    depends_on: tuple[str, ...] = ()
    condition: str | None = None
    origin: Origin = field(default_factory=Origin)
    """``Origin(file, "/Resources/<LogicalId>", line)``; for a SAM-generated resource, its SAM resource's."""
    generated_from: str | None = None
    """The SAM resource (logical id) this one was generated from; None when it is written in the file."""

    @property
    def pointer(self) -> str:
        return f"/Resources/{escape(self.logical_id)}"


Locator = Callable[[TemplateResource, str], Origin]
"""Where a pointer under a resource (``"/Properties/StageName"``, ``""`` for the resource) is written."""


@dataclass(frozen=True, slots=True)
class Template:
    """A parsed template: its resources in file order, its sections, and where everything is written."""

    path: str
    data: Mapping[str, object]
    resources: tuple[TemplateResource, ...]
    lines: LineMap
    syntax: str = "yaml"
    locator: Locator | None = None
    """How origins under a resource are found (SAM expansion maps them back); None: this file's line map."""
    notes: tuple[str, ...] = ()
    """What reading the file could not take as given (SAM expansion's assumptions)."""
    _index: dict[str, TemplateResource] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update((r.logical_id, r) for r in self.resources)

    @property
    def is_sam(self) -> bool:
        """The template asks for the SAM transform (not yet expanded)."""
        return has_sam_transform(self.data)

    def resource(self, logical_id: str) -> TemplateResource | None:
        return self._index.get(logical_id)

    def of_type(self, *types: str) -> tuple[TemplateResource, ...]:
        return tuple(r for r in self.resources if r.type in types)

    def section(self, name: str) -> Mapping[str, object]:
        """``Parameters``, ``Conditions``, ``Mappings``...: the mapping, or empty when absent or not a mapping."""
        value = self.data.get(name)
        return cast(Mapping[str, object], value) if isinstance(value, dict) else {}

    def origin(self, resource: TemplateResource, pointer: str = "") -> Origin:
        """Where ``pointer`` (under the resource, e.g. ``/Properties/StageName``) is written."""
        if self.locator is not None:
            return self.locator(resource, pointer)
        full = resource.pointer + pointer
        return Origin(self.path, full, self.lines.line(full))

    def at(self, pointer: str) -> Origin:
        """Where a template-level pointer (``/Parameters/Stage``) is written."""
        return Origin(self.path, pointer, self.lines.line(pointer))


def has_sam_transform(data: Mapping[str, object]) -> bool:
    transform = data.get("Transform")
    names = transform if isinstance(transform, list) else [transform]
    return SAM_TRANSFORM in names


def is_template(data: object) -> bool:
    """``AWSTemplateFormatVersion``, the SAM transform, or ``Resources`` with an ``AWS::`` type."""
    if not isinstance(data, dict):
        return False
    if "AWSTemplateFormatVersion" in data or has_sam_transform(data):
        return True
    resources = data.get("Resources")
    if not isinstance(resources, dict):
        return False
    return any(
        isinstance(r, dict) and isinstance(r.get("Type"), str) and r["Type"].startswith("AWS::")
        for r in resources.values()
    )


def parse_template(text: str, path: str) -> Template | None:
    """``text`` -> a Template, or None when it is not a template (an OpenAPI file, a snapshot, a .tf file).

    Malformed text that names ``AWS::`` types is an InputError at ``path:line:col`` (worded as
    :mod:`..document` words it); other malformed text is left to the reader of its kind.
    """
    syntax = "json" if text.lstrip()[:1] in ("{", "[") else "yaml"
    try:
        try:
            data, lines, duplicates = parse_text(text, path, syntax)
        except InputError:
            if syntax != "json" or not path.lower().endswith(YAML_SUFFIXES):
                raise
            syntax = "yaml"
            data, lines, duplicates = parse_text(text, path, syntax)
    except InputError:
        if "AWS::" in text:
            raise
        return None  # not a template: the reader of its kind reports it
    if not is_template(data):
        return None
    assert isinstance(data, dict)
    for pointer, line, first in duplicates:
        if pointer.count("/") <= 2 or pointer.startswith("/Resources/"):
            key = pointer.rsplit("/", 1)[1].replace("~1", "/").replace("~0", "~")
            raise InputError(
                f"duplicate key {key!r} (also at line {first}): CloudFormation rejects a template that repeats a key",
                f"{path}:{line}",
            )
    return build_template(path, cast(dict[str, object], data), lines, syntax)


def build_template(
    path: str,
    data: dict[str, object],
    lines: LineMap,
    syntax: str,
    *,
    origins: Mapping[str, tuple[Origin, str | None]] | None = None,
    locator: Locator | None = None,
    notes: tuple[str, ...] = (),
) -> Template:
    """Check the template's shape (what CloudFormation refuses up front) and list its resources.

    ``origins`` (SAM expansion) gives a resource's origin and ``generated_from`` by logical id.
    """
    root = Origin(path, "", None)
    if "Resources" not in data:
        fail("a CloudFormation template needs 'Resources' (it has none)", root)
    at = Origin(path, "/Resources", lines.line("/Resources"))
    raw = mapping(data["Resources"], at, "'Resources'")
    if not raw:
        fail("'Resources' is empty: CloudFormation needs at least one resource", at)
    resources = []
    for logical_id, value in raw.items():
        pointer = f"/Resources/{escape(logical_id)}"
        origin, generated_from = Origin(path, pointer, lines.line(pointer)), None
        if origins is not None and logical_id in origins:
            origin, generated_from = origins[logical_id]
        resources.append(_resource(logical_id, value, origin, generated_from, lines, path))
    return Template(path, data, tuple(resources), lines, syntax, locator, notes)


def _resource(
    logical_id: str, value: object, origin: Origin, generated_from: str | None, lines: LineMap, path: str
) -> TemplateResource:
    if not logical_id.isalnum() or not logical_id.isascii():
        fail(f"logical id {logical_id!r} must be letters and digits only (CloudFormation rejects it)", origin)
    body = mapping(value, origin, f"resource {logical_id}")

    def where(key: str) -> Origin:
        if generated_from is not None:
            return origin
        pointer = f"{origin.pointer}/{key}"
        return Origin(path, pointer, lines.line(pointer))

    kind = body.get("Type")
    if not isinstance(kind, str) or not kind:
        fail(f"resource {logical_id} needs a 'Type' string, not {type_name(kind)}", where("Type"))
    properties = body.get("Properties")
    if properties is None:
        properties = {}
    props = mapping(properties, where("Properties"), f"'Properties' of {logical_id}")
    depends = body.get("DependsOn")
    depends_on: tuple[str, ...] = ()
    if isinstance(depends, str):
        depends_on = (depends,)
    elif isinstance(depends, list) and all(isinstance(d, str) for d in depends):
        depends_on = tuple(cast(list[str], depends))
    elif depends is not None:
        fail(f"'DependsOn' of {logical_id} must be a logical id or a list of them", where("DependsOn"))
    condition = body.get("Condition")
    if condition is not None and not isinstance(condition, str):
        fail(f"'Condition' of {logical_id} must be a condition name, not {type_name(condition)}", where("Condition"))
    return TemplateResource(logical_id, kind, props, depends_on, condition, origin, generated_from)


def relative_file(template_path: str, target: str) -> str:
    """A path written in a template (``./openapi.yaml``), relative to the template's directory."""
    if os.path.isabs(target):
        return target
    return os.path.normpath(os.path.join(os.path.dirname(template_path) or ".", target))
