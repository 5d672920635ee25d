"""The typed view of a Terraform configuration, plan or state: the API Gateway resources, one per instance.

This is what the Terraform source turns into the model (:mod:`.resources`) and what ``apigw-doctor check``
reads for Terraform-only questions (does a deployment's ``triggers`` cover every method? is it
``create_before_destroy``? does it ``depends_on`` the methods?). Values follow Terraform's JSON output:
nested blocks are lists of objects (``endpoint_configuration = [{"types": ["REGIONAL"]}]``); what is
known only after apply is a :class:`~.expressions.Ref` or :class:`~.expressions.Unknown`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...model import Origin
from .syntax import Expr
from .values import Value

REST_TYPES = (
    "aws_api_gateway_rest_api",
    "aws_api_gateway_resource",
    "aws_api_gateway_method",
    "aws_api_gateway_integration",
    "aws_api_gateway_authorizer",
    "aws_api_gateway_deployment",
    "aws_api_gateway_stage",
    "aws_api_gateway_gateway_response",
    "aws_api_gateway_domain_name",
    "aws_api_gateway_base_path_mapping",
)
HTTP_TYPES = (
    "aws_apigatewayv2_api",
    "aws_apigatewayv2_route",
    "aws_apigatewayv2_stage",
    "aws_apigatewayv2_deployment",
    "aws_apigatewayv2_authorizer",
    "aws_apigatewayv2_domain_name",
    "aws_apigatewayv2_api_mapping",
)
API_TYPES = frozenset(REST_TYPES + HTTP_TYPES)
"""The resource types the source reads; every other resource is only a target of references."""

DEFAULT_REGION = "us-east-1"
SOURCE_KINDS = {"hcl": "terraform", "plan": "terraform-plan", "state": "terraform-state"}
"""The model's ``source_kind`` of the APIs read from each kind of Terraform input."""


@dataclass(frozen=True, slots=True)
class Argument:
    """One argument (or nested block) of a resource, as configured.

    ``value`` is evaluated (:mod:`.expressions`); ``text`` is the expression as written (``""`` from JSON
    plans and states); ``references`` the resource addresses it mentions (``aws_api_gateway_method.get``),
    which is how ``triggers`` and ``depends_on`` are checked; ``line`` the 1-based line of the argument
    (None from JSON).
    """

    name: str
    value: Value
    line: int | None = None
    text: str = ""
    references: tuple[str, ...] = ()
    expr: Expr | None = None
    """The expression's syntax (.tf files only), e.g. to find the line of a key inside ``jsonencode({...})``."""


@dataclass(frozen=True, slots=True)
class TfResource:
    """One instance of an API Gateway resource.

    ``address`` is Terraform's (``aws_api_gateway_resource.pets``, ``aws_api_gateway_resource.r[0]``,
    ``module.api.aws_api_gateway_method.get["GET"]``); ``origin`` is ``Origin(file, address, line)``: the
    line of the resource block (.tf), or of its ``"address"`` key (plans and states). ``real_id`` is the
    id AWS gave it, known only in states and in plans of existing resources. ``actions`` are a plan's
    planned actions (``("create",)``, ``("delete", "create")``...).
    """

    address: str
    type: str
    name: str
    origin: Origin
    arguments: tuple[Argument, ...] = ()
    module: str = ""
    """``""`` for the root module, ``module.api`` (plans: ``module.api[0]``) for a child."""
    index: int | str | None = None
    depends_on: tuple[str, ...] = ()
    create_before_destroy: bool | None = None
    region: str = DEFAULT_REGION
    real_id: str | None = None
    actions: tuple[str, ...] | None = None

    @property
    def key(self) -> str:
        """How other objects name this one in the model: the real id when known, else the address."""
        return self.real_id or self.address

    def argument(self, name: str) -> Argument | None:
        for argument in self.arguments:
            if argument.name == name:
                return argument
        return None

    def value(self, name: str) -> Value:
        """The argument's value; None when it is not set."""
        argument = self.argument(name)
        return None if argument is None else argument.value

    def block(self, name: str) -> dict[str, Value]:
        """The first nested block ``name`` as a mapping (``{}`` when absent or symbolic)."""
        value = self.value(name)
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return value[0]
        return value if isinstance(value, dict) else {}


@dataclass(frozen=True, slots=True)
class TerraformConfig:
    """Everything read from one ``--source``: a ``.tf`` file, a directory, or a plan or state JSON file."""

    source: str
    kind: str
    """``hcl`` (.tf files), ``plan`` or ``state`` (``terraform show -json``)."""
    resources: tuple[TfResource, ...]
    notes: tuple[str, ...] = ()

    def of_type(self, *types: str) -> tuple[TfResource, ...]:
        return tuple(r for r in self.resources if r.type in types)

    def resource(self, address: str) -> TfResource | None:
        for r in self.resources:
            if r.address == address:
                return r
        return None


def string_value(value: Value) -> str | None:
    """A known string (numbers and booleans as Terraform prints them); None for anything else."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return None
