"""Evaluating Terraform expressions (:mod:`.syntax`) to :mod:`.values`, symbolic where they cannot be known.

What a name means (``var.x``, ``local.y``, ``aws_x.y.z``, ``count.index``, ``path.module``) is the
:class:`~.values.Scope`'s business (see :mod:`.module`); this module evaluates everything else: literals,
templates, collections, conditionals, operators and function calls (:mod:`.functions`, plus ``try`` and
``templatefile``, which need the scope).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...errors import InputError
from .functions import FUNCTIONS, PASS_THROUGH, resolve_path
from .hcl import parse_template, read_text
from .syntax import (
    Call,
    Conditional,
    Expr,
    GetAttr,
    Literal,
    ObjectExpr,
    Operation,
    Template,
    Traversal,
    TupleExpr,
    Unsupported,
)
from .values import (
    FileText,
    Key,
    Ref,
    Scope,
    Unknown,
    Value,
    get,
    is_known,
    number_of,
    reason_of,
    symbols,
    text_of,
    wrapped,
)


def evaluate(expr: Expr, scope: Scope) -> Value:
    """The value of ``expr`` in ``scope`` (symbolic where it cannot be known)."""
    if isinstance(expr, Literal):
        return expr.value
    if isinstance(expr, Template):
        values = [p if isinstance(p, str) else evaluate(p, scope) for p in expr.parts]
        if len(values) == 1:
            return values[0]
        text = "".join(text_of(v) for v in values)
        found = [s for v in values for s in symbols(v)]
        if found:
            display = expr.text[1:-1] if expr.text.startswith('"') else expr.text
            return Unknown(display, _reason(found), text)
        return text
    if isinstance(expr, Traversal):
        return _traversal(expr, scope)
    if isinstance(expr, TupleExpr):
        return [evaluate(item, scope) for item in expr.items]
    if isinstance(expr, ObjectExpr):
        out: dict[str, Value] = {}
        for item in expr.items:
            key = evaluate(item.key, scope)
            if isinstance(key, Ref | Unknown | list | dict):
                return Unknown(wrapped(expr.text), f"the key {item.key.text} is not known before apply")
            out[text_of(key)] = evaluate(item.value, scope)
        return out
    if isinstance(expr, Conditional):
        condition = evaluate(expr.condition, scope)
        if isinstance(condition, bool):
            return evaluate(expr.then if condition else expr.otherwise, scope)
        return _unknown(expr.text, condition, "the condition")
    if isinstance(expr, Operation):
        return _operation(expr, [evaluate(e, scope) for e in expr.operands])
    if isinstance(expr, Call):
        return _call(expr, scope)
    assert isinstance(expr, Unsupported)
    return Unknown(wrapped(expr.text), f"{expr.what} is not evaluated")


def _reason(found: list[Ref | Unknown] | tuple[Ref | Unknown, ...]) -> str:
    return reason_of(found[0])


def _unknown(text: str, value: Value, what: str) -> Unknown:
    found = symbols(value)
    if found:
        return Unknown(wrapped(text), _reason(found))
    return Unknown(wrapped(text), f"{what} is not a usable value ({text_of(value)!r})")


def _traversal(expr: Traversal, scope: Scope) -> Value:
    keys: list[Key] = []
    for step in expr.steps:
        if isinstance(step, GetAttr):
            keys.append(step.name)
            continue
        key = evaluate(step.key, scope)
        if isinstance(key, bool) or not isinstance(key, str | int | float):
            return _unknown(expr.text, key, f"the index {step.key.text}")
        keys.append(int(key) if isinstance(key, float) else key)
    if isinstance(expr.root, str):
        return scope.lookup(expr.root, tuple(keys), expr.text)
    return get(evaluate(expr.root, scope), tuple(keys), expr.text)


def _operation(expr: Operation, values: list[Value]) -> Value:
    op = expr.operator
    if any(not is_known(v) for v in values):
        return _unknown(expr.text, next(v for v in values if not is_known(v)), "an operand")
    if len(values) == 1:
        (value,) = values
        if op == "!" and isinstance(value, bool):
            return not value
        number = number_of(value)
        if op == "-" and number is not None:
            return -number
        return Unknown(wrapped(expr.text), f"{op} does not apply to {text_of(value)!r}")
    left, right = values
    if op in ("==", "!="):
        return (left == right) == (op == "==")
    if op in ("&&", "||") and isinstance(left, bool) and isinstance(right, bool):
        return (left and right) if op == "&&" else (left or right)
    a, b = number_of(left), number_of(right)
    if a is None or b is None:
        return Unknown(wrapped(expr.text), f"{op} needs numbers")
    if op in ("<", ">", "<=", ">="):
        return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
    if op in ("/", "%") and b == 0:
        return Unknown(wrapped(expr.text), "division by zero")
    result = {"+": a + b, "-": a - b, "*": a * b, "/": a / b, "%": a % b}.get(op)
    if result is None:
        return Unknown(wrapped(expr.text), f"operator {op} is not evaluated")
    return int(result) if isinstance(result, float) and result.is_integer() else result


def _call(expr: Call, scope: Scope) -> Value:
    name = expr.name
    if name == "try":
        for arg in expr.args:
            value = evaluate(arg, scope)
            if is_known(value):
                return value
        return Unknown(wrapped(expr.text), "no argument of try() is known before apply")
    if name == "templatefile":
        try:
            return _templatefile(expr, scope)
        except InputError as exc:
            return Unknown(wrapped(expr.text), str(exc))
    args = [evaluate(a, scope) for a in expr.args]
    if expr.expand and args and isinstance(args[-1], list):
        args = args[:-1] + args[-1]
    function = FUNCTIONS.get(name)
    if function is None:
        return Unknown(wrapped(expr.text), f"the function {name}() is not evaluated by apigw-doctor")
    if name not in PASS_THROUGH and any(not is_known(a) for a in args):
        unknown = _unknown(expr.text, next(a for a in args if not is_known(a)), "an argument")
        if name in ("jsonencode", "yamlencode") and len(args) == 1:
            return Unknown(unknown.display, unknown.reason, args[0])
        return unknown
    try:
        return function(args, scope)
    except InputError as exc:
        return Unknown(wrapped(expr.text), str(exc))
    except (TypeError, ValueError, LookupError, AttributeError, ArithmeticError, RecursionError) as exc:
        return Unknown(wrapped(expr.text), f"{name}() failed: {exc}")


def _templatefile(expr: Call, scope: Scope) -> Value:
    if len(expr.args) != 2:
        return Unknown(wrapped(expr.text), "templatefile() takes a path and a map of variables")
    path, variables = evaluate(expr.args[0], scope), evaluate(expr.args[1], scope)
    if not isinstance(path, str):
        return _unknown(expr.text, path, "the template path")
    if not isinstance(variables, dict):
        return _unknown(expr.text, variables, "the template variables")
    full = resolve_path(scope, path)
    template = parse_template(read_text(full, "a template file"), full)
    value = evaluate(template, TemplateScope(scope.base_dir, variables))
    if isinstance(value, Unknown) and isinstance(value.partial, str):
        return Unknown(wrapped(expr.text), value.reason, FileText(value.partial, full))
    return FileText(text_of(value), full) if isinstance(value, str) else value


@dataclass(frozen=True, slots=True)
class TemplateScope:
    """Inside ``templatefile()``: only the variables passed in."""

    base_dir: str
    variables: dict[str, Value]

    def lookup(self, root: str, keys: tuple[Key, ...], text: str) -> Value:
        if root not in self.variables:
            return Unknown(wrapped(text), f"the template uses {root}, which templatefile() does not pass")
        return get(self.variables[root], keys, text)
