"""Reading a template's API Gateway resources: resolved properties, references between them, notes.

:class:`Reader` is shared by the REST, HTTP API and domain readers: it resolves each resource's
``Properties`` once, drops resources whose ``Condition`` is false, groups children under the API they
name (``RestApiId`` / ``ApiId``), follows ``DependsOn`` and references to tell what a deployment is
sure to snapshot, and words the notes for what stays symbolic.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from ...model import Origin
from ..document import fail, type_name
from .intrinsics import Resolver
from .template import Template, TemplateResource
from .values import ResourceRef, Symbolic, as_text, references
from .yaml_cfn import escape

DEFAULT_REGION = "us-east-1"

REST_API = "AWS::ApiGateway::RestApi"
REST_RESOURCE = "AWS::ApiGateway::Resource"
REST_METHOD = "AWS::ApiGateway::Method"
REST_AUTHORIZER = "AWS::ApiGateway::Authorizer"
REST_DEPLOYMENT = "AWS::ApiGateway::Deployment"
REST_STAGE = "AWS::ApiGateway::Stage"
REST_GATEWAY_RESPONSE = "AWS::ApiGateway::GatewayResponse"
REST_DOMAIN = "AWS::ApiGateway::DomainName"
REST_MAPPING = "AWS::ApiGateway::BasePathMapping"
HTTP_API = "AWS::ApiGatewayV2::Api"
HTTP_ROUTE = "AWS::ApiGatewayV2::Route"
HTTP_STAGE = "AWS::ApiGatewayV2::Stage"
HTTP_DEPLOYMENT = "AWS::ApiGatewayV2::Deployment"
HTTP_AUTHORIZER = "AWS::ApiGatewayV2::Authorizer"
HTTP_DOMAIN = "AWS::ApiGatewayV2::DomainName"
HTTP_MAPPING = "AWS::ApiGatewayV2::ApiMapping"

MISSING: object = object()
"""No value given: read the property itself."""
TRUE_TEXT, FALSE_TEXT = ("true", "True", "TRUE"), ("false", "False", "FALSE")


class Reader:
    """One template's resources, with resolved properties (see the module's docstring)."""

    def __init__(self, template: Template, region: str | None = None, source_kind: str = "cloudformation") -> None:
        self.template = template
        self.source_kind = source_kind
        """``cloudformation``, or ``sam`` for a template expanded from SAM (the model's ``source_kind``)."""
        self.resolver = Resolver(template, region)
        self.region = region or DEFAULT_REGION
        self.region_known = region is not None
        self.notes: list[str] = []
        """Template-wide notes (resources skipped by conditions, domains outside the template...)."""
        self._props: dict[str, dict[str, object]] = {}
        self._direct: dict[str, frozenset[str]] = {}
        self._active: dict[str, bool] = {}

    # -- resources -------------------------------------------------------------------------------------
    def active(self, *types: str) -> tuple[TemplateResource, ...]:
        """Resources of these types that the stack creates (a false ``Condition`` leaves one out)."""
        return tuple(r for r in self.template.of_type(*types) if self.is_active(r))

    def is_active(self, resource: TemplateResource) -> bool:
        found = self._active.get(resource.logical_id)
        if found is not None:
            return found
        created = True
        if resource.condition is not None:
            value = self.resolver.condition(resource.condition, self.origin(resource, "/Condition", prop=False))
            created = value is not False
            if value is None:
                self.notes.append(
                    f"{resource.origin}: {resource.logical_id} exists only if condition {resource.condition} holds, "
                    "which depends on values known only when the stack is created: it is read as created"
                )
        self._active[resource.logical_id] = created
        return created

    def props(self, resource: TemplateResource) -> dict[str, object]:
        """``Properties`` with intrinsic functions resolved (see :mod:`.intrinsics`)."""
        found = self._props.get(resource.logical_id)
        if found is None:
            value = self.resolver.resolve(dict(resource.properties), self.origin(resource))
            found = cast(dict[str, object], value) if isinstance(value, dict) else {}
            self._props[resource.logical_id] = found
        return found

    def origin(self, resource: TemplateResource, *keys: str | int, prop: bool = True) -> Origin:
        """Where ``Properties/<keys...>`` (or ``<keys...>`` with ``prop=False``) of ``resource`` is written."""
        pointer = "/Properties" if prop and keys else ""
        pointer += "".join(f"/{escape(str(k))}" for k in keys)
        return self.template.origin(resource, pointer)

    def children(self, parent_type: str, key: str, types: tuple[str, ...]) -> dict[str, list[TemplateResource]]:
        """Resources of ``types`` grouped by the ``parent_type`` resource their ``key`` (``RestApiId``) names.

        A child whose key is not a Ref to a resource of the template belongs to an API defined elsewhere:
        it is left out, with a note.
        """
        out: dict[str, list[TemplateResource]] = {}
        for child in self.active(*types):
            parent = self.ref(child, key, (parent_type,), required=True)
            if parent is None:
                value = self.props(child).get(key)
                self.notes.append(
                    f"{child.origin}: {child.logical_id} ({child.type}) belongs to the API {as_text(value)}, "
                    "which is not defined in this template: it is not read"
                )
                continue
            out.setdefault(parent, []).append(child)
        return out

    # -- typed properties --------------------------------------------------------------------------------
    def ref(
        self, resource: TemplateResource, key: str, types: tuple[str, ...], *, required: bool = False
    ) -> str | None:
        """The logical id a Ref (or GetAtt) in ``key`` names, checked against ``types``; None if not a Ref.

        A Ref to a resource of another type is an error (CloudFormation would fail to create the stack).
        """
        value = self.props(resource).get(key)
        if value is None:
            if required:
                fail(f"{resource.logical_id} ({resource.type}) needs '{key}'", self.origin(resource))
            return None
        if not isinstance(value, ResourceRef):
            return None
        target = self.template.resource(value.logical_id)
        assert target is not None
        if target.type not in types:
            fail(
                f"{key} of {resource.logical_id} names {value.logical_id}, a {target.type}; expected "
                + " or ".join(types),
                self.origin(resource, key),
            )
        return value.logical_id

    def text(self, resource: TemplateResource, key: str, notes: list[str], consequence: str = "") -> str | None:
        """``Properties[key]`` as text; a symbolic value keeps its text (``${Stage}``) and adds a note."""
        value = self.props(resource).get(key)
        if value is None:
            return None
        text = as_text(value)
        if text is None:
            fail(f"{key} of {resource.logical_id} must be text, not {type_name(value)}", self.origin(resource, key))
        if isinstance(value, ResourceRef | Symbolic):
            self.symbolic(resource, key, value, notes, consequence or f"it is kept as the text {text!r}")
        return text

    def concrete(self, resource: TemplateResource, key: str, notes: list[str], consequence: str) -> str | None:
        """``Properties[key]`` when the template decides it; None (and a note saying ``consequence``) if not."""
        value = self.props(resource).get(key)
        if value is None:
            return None
        if isinstance(value, ResourceRef | Symbolic):
            self.symbolic(resource, key, value, notes, consequence)
            return None
        text = as_text(value)
        if text is None:
            fail(f"{key} of {resource.logical_id} must be text, not {type_name(value)}", self.origin(resource, key))
        return text

    def symbolic(
        self, resource: TemplateResource, key: str, value: ResourceRef | Symbolic, notes: list[str], consequence: str
    ) -> None:
        reason = value.reason if isinstance(value, Symbolic) else f"a reference to {value.logical_id}"
        notes.append(f"{self.origin(resource, key)}: {key} is {value.text} ({reason}): {consequence}")

    def flag(self, resource: TemplateResource, key: str, default: bool = False) -> bool:
        """A boolean property (CloudFormation also takes the strings ``"true"`` and ``"false"``)."""
        value = self.props(resource).get(key)
        if value is None or isinstance(value, ResourceRef | Symbolic):
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value in TRUE_TEXT + FALSE_TEXT:
            return value in TRUE_TEXT
        fail(f"{key} of {resource.logical_id} must be true or false, not {value!r}", self.origin(resource, key))

    def texts(self, resource: TemplateResource, key: str, value: object = MISSING) -> tuple[str, ...]:
        """A list property (or one text) as texts; symbolic items keep their text. ``value``: one inside ``key``."""
        value = self.props(resource).get(key) if value is MISSING else value
        if value is None:
            return ()
        items = value if isinstance(value, list) else [value]
        out = []
        for item in items:
            text = as_text(item)
            if text is None:
                fail(f"{key} of {resource.logical_id} must be a list of text", self.origin(resource, key))
            out.append(text)
        return tuple(out)

    def pairs(self, resource: TemplateResource, key: str, value: object = MISSING) -> tuple[tuple[str, str], ...]:
        """A map of text to text (stage variables, response parameters); symbolic values keep their text."""
        value = self.props(resource).get(key) if value is MISSING else value
        if value is None:
            return ()
        if not isinstance(value, dict):
            fail(
                f"{key} of {resource.logical_id} must be a mapping, not {type_name(value)}", self.origin(resource, key)
            )
        out = []
        for name, item in cast(Mapping[str, object], value).items():
            text = as_text(item)
            if text is None:
                fail(f"{key}.{name} of {resource.logical_id} must be text", self.origin(resource, key, name))
            out.append((name, text))
        return tuple(out)

    def tags(self, resource: TemplateResource) -> tuple[tuple[str, str], ...]:
        """``Tags``: a list of ``{Key, Value}`` (AWS::ApiGateway) or a mapping (AWS::ApiGatewayV2)."""
        value = self.props(resource).get("Tags")
        if isinstance(value, dict):
            return self.pairs(resource, "Tags")
        out = []
        for item in value if isinstance(value, list) else ():
            if isinstance(item, dict):
                key, text = as_text(item.get("Key")), as_text(item.get("Value"))
                if key is not None and text is not None:
                    out.append((key, text))
        return tuple(out)

    # -- dependencies ------------------------------------------------------------------------------------
    def depends_on(self, resource: TemplateResource) -> frozenset[str]:
        """Every resource CloudFormation creates before ``resource``: DependsOn and references, transitively."""
        seen: set[str] = set()
        stack = list(self._direct_deps(resource))
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            target = self.template.resource(name)
            if target is not None:
                stack.extend(self._direct_deps(target))
        return frozenset(seen)

    def _direct_deps(self, resource: TemplateResource) -> frozenset[str]:
        found = self._direct.get(resource.logical_id)
        if found is None:
            names = set(resource.depends_on) | references(resource.properties)
            found = frozenset(n for n in names if self.template.resource(n) is not None)
            self._direct[resource.logical_id] = found
        return found
