"""CloudFormation and SAM templates -> the model, for APIs that were never deployed.

* :func:`read_template` parses a file (YAML with short-form tags, or JSON) into a :class:`Template`, the typed
  list of resources with their lines, or None when the file is not a template.
* :func:`load_template` turns a template into a :class:`~apigw_doctor.model.World`: SAM templates are first
  expanded offline (:mod:`.sam`), then REST APIs (:mod:`.rest`), HTTP APIs (:mod:`.http`) and custom domains
  (:mod:`.domains`) are read with their intrinsics resolved where the template decides them (:mod:`.intrinsics`).
* :func:`expand_sam` is the expanded template on its own, for template checks.

Nothing heavy is imported here: PyYAML and aws-sam-translator load when a template is read or expanded.
See docs/sources-cloudformation.md.
"""

from __future__ import annotations

from ...model import Api, World
from ..document import read_text
from .template import SAM_TRANSFORM, Template, TemplateResource, has_sam_transform, is_template, parse_template

CLOUDFORMATION, SAM = "cloudformation", "sam"


def template_kind(data: object) -> str | None:
    """``sam``, ``cloudformation`` or None (not a template), from a parsed document's top level."""
    if not is_template(data):
        return None
    assert isinstance(data, dict)
    return SAM if has_sam_transform(data) else CLOUDFORMATION


def read_template(path: str) -> Template | None:
    """The template in ``path``; None when the file parses but is not a template (empty files included).

    An unreadable file or malformed text is an InputError, worded as for any other source file.
    """
    text = read_text(path)
    if not text.strip():
        return None
    return parse_template(text, path)


def expand_sam(template: Template, region: str | None = None) -> Template:
    """A SAM template expanded to CloudFormation (a plain template is returned as is)."""
    if not template.is_sam:
        return template
    from .sam import expand

    return expand(template, region)


def load_template(template: Template, region: str | None = None) -> World:
    """The APIs and custom domains ``template`` creates. ``region``: where the stack is (None: unknown)."""
    return load_template_expanded(template, region)[0]


def load_template_expanded(template: Template, region: str | None = None) -> tuple[World, Template]:
    """:func:`load_template`, and the template as CloudFormation sees it (SAM expanded): the checks read it."""
    from .domains import read_domains
    from .http import read_http_apis
    from .resources import Reader
    from .rest import read_rest_apis

    expanded = expand_sam(template, region)
    reader = Reader(expanded, region, SAM if template.is_sam else CLOUDFORMATION)
    apis: tuple[Api, ...] = (*read_rest_apis(reader), *read_http_apis(reader))
    domains = read_domains(reader)
    notes = list(expanded.notes)
    if not apis and not domains:
        notes.append(f"{template.path} creates no API Gateway REST or HTTP API and no custom domain")
    notes.extend(dict.fromkeys(reader.notes))
    return World(apis=apis, domains=domains, notes=tuple(notes)), expanded


__all__ = [
    "CLOUDFORMATION",
    "SAM",
    "SAM_TRANSFORM",
    "Template",
    "TemplateResource",
    "expand_sam",
    "is_template",
    "load_template",
    "load_template_expanded",
    "read_template",
    "template_kind",
]
