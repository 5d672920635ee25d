"""The HCL syntax the Terraform source reads: blocks, attributes and expressions, each with its line.

These nodes are what :mod:`.hcl` makes of python-hcl2's parse tree, so nothing past the parser depends on
python-hcl2's own classes. Every expression keeps its source ``text`` (for notes: what stays symbolic is
shown as written) and its 1-based ``line``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Literal:
    """``"plain"`` (no interpolation), ``12``, ``1.5``, ``true``, ``null``."""

    value: str | int | float | bool | None
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Template:
    """A quoted string or heredoc with interpolations: ``"${var.name}-api"`` -> ``(Traversal, "-api")``."""

    parts: tuple[str | Expr, ...]
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class GetAttr:
    name: str


@dataclass(frozen=True, slots=True)
class Index:
    key: Expr


Step = GetAttr | Index


@dataclass(frozen=True, slots=True)
class Traversal:
    """``aws_api_gateway_rest_api.main.id``, ``var.region``, ``aws_api_gateway_resource.r[0].id``.

    ``root`` is the first name, or an expression (``f(x).attr``, ``{a = 1}["a"]``).
    """

    root: str | Expr
    steps: tuple[Step, ...]
    text: str
    line: int

    def names(self) -> tuple[str, ...]:
        """The leading run of attribute names, root first: ``aws_x.y[0].id`` -> ``("aws_x", "y")``."""
        if not isinstance(self.root, str):
            return ()
        out = [self.root]
        for step in self.steps:
            if not isinstance(step, GetAttr):
                break
            out.append(step.name)
        return tuple(out)


@dataclass(frozen=True, slots=True)
class Call:
    """``jsonencode({...})``, ``file("x.json")``; ``expand`` is a final ``...`` argument."""

    name: str
    args: tuple[Expr, ...]
    expand: bool
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class TupleExpr:
    items: tuple[Expr, ...]
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class ObjectItem:
    key: Expr
    """A bare name (``get = ...``) is a :class:`Literal` key, as in Terraform."""
    value: Expr
    line: int


@dataclass(frozen=True, slots=True)
class ObjectExpr:
    items: tuple[ObjectItem, ...]
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Conditional:
    condition: Expr
    then: Expr
    otherwise: Expr
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Operation:
    """``!a``, ``-a`` (one operand) or ``a == b``, ``a && b``, ``a + b``... (two)."""

    operator: str
    operands: tuple[Expr, ...]
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Unsupported:
    """What the source does not evaluate: ``for`` expressions, splats, template directives."""

    what: str
    text: str
    line: int


Expr = Literal | Template | Traversal | Call | TupleExpr | ObjectExpr | Conditional | Operation | Unsupported


@dataclass(frozen=True, slots=True)
class Attribute:
    name: str
    value: Expr
    line: int


@dataclass(frozen=True, slots=True)
class Block:
    """``resource "aws_api_gateway_method" "get" { ... }``: type ``resource``, two labels, a body."""

    type: str
    labels: tuple[str, ...]
    body: Body
    line: int


@dataclass(frozen=True, slots=True)
class Body:
    attributes: tuple[Attribute, ...] = ()
    blocks: tuple[Block, ...] = ()

    def attribute(self, name: str) -> Attribute | None:
        for attribute in self.attributes:
            if attribute.name == name:
                return attribute
        return None

    def blocks_of(self, block_type: str) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.type == block_type)


@dataclass(frozen=True, slots=True)
class HclFile:
    path: str
    body: Body


def walk(expr: Expr) -> tuple[Expr, ...]:
    """``expr`` and every expression inside it, depth first."""
    out: list[Expr] = []
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(reversed(_children(node)))
    return tuple(out)


def _children(node: Expr) -> tuple[Expr, ...]:
    if isinstance(node, Template):
        return tuple(p for p in node.parts if not isinstance(p, str))
    if isinstance(node, Traversal):
        root = () if isinstance(node.root, str) else (node.root,)
        return root + tuple(s.key for s in node.steps if isinstance(s, Index))
    if isinstance(node, Call):
        return node.args
    if isinstance(node, TupleExpr):
        return node.items
    if isinstance(node, ObjectExpr):
        return tuple(e for item in node.items for e in (item.key, item.value))
    if isinstance(node, Conditional):
        return (node.condition, node.then, node.otherwise)
    if isinstance(node, Operation):
        return node.operands
    return ()
