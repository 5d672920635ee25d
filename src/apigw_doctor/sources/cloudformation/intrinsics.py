"""Intrinsic functions, resolved where a template alone decides them, and kept symbolic where it does not.

What :meth:`Resolver.resolve` gives back for each form:

* ``Ref`` to a parameter with a ``Default``: the default (a ``CommaDelimitedList``/``List<...>`` as a list);
  to a resource: :class:`ResourceRef` (the consumer knows what a Ref to that type means: an API's id, a
  stage's name...); ``AWS::NoValue``: the key or item is dropped; ``AWS::Region``: the region when the
  caller gives one. Everything else (a parameter without a default, ``AWS::AccountId``, ``AWS::StackName``,
  ``AWS::Partition``...) is known only when a stack is created: :class:`Symbolic`.
* ``Fn::GetAtt``: :class:`ResourceRef` with the attribute (``RootResourceId`` is the API's root ``/``).
* ``Fn::Sub``: the text, with each ``${X}`` that cannot be resolved kept as written (``${UnknownParam}``,
  ``${Function.Arn}``), then :class:`Symbolic` naming what stayed.
* ``Fn::Join``, ``Fn::Select``, ``Fn::Split``, ``Fn::FindInMap``, ``Fn::Base64``, ``Fn::Length``,
  ``Fn::ToJsonString``: computed when every argument is known.
* ``Fn::If``: the branch its condition picks, when ``Conditions`` can be evaluated (``Fn::Equals``,
  ``Fn::And``, ``Fn::Or``, ``Fn::Not``, ``Condition`` over known values); otherwise symbolic, unless both
  branches resolve to the same value.
* ``Fn::ImportValue``, ``Fn::GetAZs``, ``Fn::Cidr``, ``Fn::Transform``: symbolic (another stack, the
  account, a macro).

Nothing is guessed: a symbolic value carries the text it stands for and why it could not be resolved.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping

from ...model import Origin
from ..document import fail
from .template import Template
from .values import (
    NO_VALUE,
    PLACEHOLDER,
    ResourceRef,
    Symbolic,
    as_text,
    comparable,
    has_symbols,
    show,
)

PSEUDO_PARAMETERS = (
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::NoValue",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
)
_LIST_TYPES = ("CommaDelimitedList", "List<")


class Resolver:
    """Resolves the intrinsic functions of one template (see the module's docstring)."""

    def __init__(self, template: Template, region: str | None = None) -> None:
        self.template = template
        self.region = region
        self.parameters = template.section("Parameters")
        self.mappings = template.section("Mappings")
        self.conditions = template.section("Conditions")
        self._condition_values: dict[str, bool | None] = {}
        self._evaluating: set[str] = set()

    # -- values ----------------------------------------------------------------------------------------
    def resolve(self, value: object, origin: Origin) -> object:
        """``value`` with every intrinsic function resolved or made symbolic; ``AWS::NoValue`` -> None."""
        try:
            out = self._resolve(value, origin)
        except RecursionError:
            fail("nested too deeply to resolve", origin)
        return None if out is NO_VALUE else out

    def _resolve(self, value: object, origin: Origin) -> object:
        if isinstance(value, dict):
            if len(value) == 1:
                ((key, arg),) = value.items()
                if key == "Ref" or key.startswith("Fn::"):
                    return self._function(key, arg, value, origin)
            out = {}
            for k, v in value.items():
                r = self._resolve(v, origin)
                if r is not NO_VALUE:
                    out[k] = r
            return out
        if isinstance(value, list):
            return [r for r in (self._resolve(v, origin) for v in value) if r is not NO_VALUE]
        return value

    def _function(self, key: str, arg: object, raw: dict[str, object], origin: Origin) -> object:
        if key == "Ref":
            if not isinstance(arg, str):
                fail(f"Ref needs a name, not {show(arg)}", origin)
            return self._ref(arg, origin)
        if key == "Fn::GetAtt":
            return self._get_att(arg, raw, origin)
        if key == "Fn::Sub":
            return self._sub(arg, raw, origin)
        if key == "Fn::If":
            return self._if(arg, raw, origin)
        simple = {
            "Fn::Join": self._join,
            "Fn::Select": self._select,
            "Fn::Split": self._split,
            "Fn::FindInMap": self._find_in_map,
            "Fn::Base64": self._base64,
            "Fn::Length": self._length,
            "Fn::ToJsonString": self._to_json,
        }.get(key)
        if simple is None:
            reasons = {
                "Fn::ImportValue": "an output exported by another stack",
                "Fn::GetAZs": "the account's availability zones",
                "Fn::Cidr": "computed by CloudFormation",
                "Fn::Transform": "a macro CloudFormation runs when the stack is created",
            }
            return Symbolic(show(raw), reasons.get(key, f"{key} is not an intrinsic function this tool evaluates"))
        result = simple(self._resolve(arg, origin))
        return Symbolic(result.text or show(raw), result.reason) if isinstance(result, Symbolic) else result

    def _ref(self, name: str, origin: Origin) -> object:
        if name == "AWS::NoValue":
            return NO_VALUE
        if name == "AWS::Region" and self.region is not None:
            return self.region
        if name in PSEUDO_PARAMETERS:
            return Symbolic(f"${{{name}}}", f"{name} is known only when the stack is created")
        if name in self.parameters:
            spec = self.parameters[name]
            if isinstance(spec, dict) and "Default" in spec:
                default = spec["Default"]
                kind = spec.get("Type")
                if isinstance(kind, str) and kind.startswith(_LIST_TYPES) and isinstance(default, str):
                    return [part.strip() for part in default.split(",")]
                return default
            return Symbolic(f"${{{name}}}", f"parameter {name} has no Default: its value is given at deploy time")
        if self.template.resource(name) is not None:
            return ResourceRef(name)
        fail(f"Ref to {name!r}, which is not a parameter or a resource of the template", origin)

    def _get_att(self, arg: object, raw: dict[str, object], origin: Origin) -> object:
        parts = arg.split(".", 1) if isinstance(arg, str) else arg
        if not isinstance(parts, list) or len(parts) != 2 or not isinstance(parts[0], str):
            fail(f"Fn::GetAtt needs [LogicalId, Attribute], not {show(arg)}", origin)
        name = parts[0]
        attribute = as_text(self._resolve(parts[1], origin))
        if self.template.resource(name) is None:
            fail(f"Fn::GetAtt of {name!r}, which is not a resource of the template", origin)
        if attribute is None or "${" in attribute:
            return Symbolic(show(raw), "the attribute's name is not known")
        return ResourceRef(name, attribute)

    def _sub(self, arg: object, raw: dict[str, object], origin: Origin) -> object:
        variables: Mapping[str, object] = {}
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
            text, variables = arg[0], arg[1]
        else:
            text = arg
        if not isinstance(text, str):
            fail(f"Fn::Sub needs a string (or [string, variables]), not {show(arg)}", origin)
        reasons: list[str] = []

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                value = self._resolve(variables[name], origin)
            elif "." in name and self.template.resource(name.split(".", 1)[0]) is not None:
                value = ResourceRef(*name.split(".", 1))
            else:
                value = self._ref(name, origin)
            text = as_text(value)
            if isinstance(value, Symbolic):
                reasons.append(value.reason)
            elif isinstance(value, ResourceRef):
                reasons.append(f"{value.text} exists only once the stack is created")
            elif text is None:
                reasons.append(f"${{{name}}} is not text")
            else:
                return text
            return match.group(0)

        out = PLACEHOLDER.sub(substitute, text)
        if reasons:
            return Symbolic(out, "; ".join(dict.fromkeys(reasons)))
        return out

    def _if(self, arg: object, raw: dict[str, object], origin: Origin) -> object:
        if not isinstance(arg, list) or len(arg) != 3 or not isinstance(arg[0], str):
            fail(f"Fn::If needs [Condition, value if true, value if false], not {show(arg)}", origin)
        decided = self.condition(arg[0], origin)
        if decided is not None:
            return self._resolve(arg[1] if decided else arg[2], origin)
        when_true, when_false = self._resolve(arg[1], origin), self._resolve(arg[2], origin)
        if when_true == when_false:
            return when_true
        return Symbolic(show(raw), f"condition {arg[0]} cannot be evaluated before the stack is created")

    @staticmethod
    def _join(arg: object) -> object:
        if not isinstance(arg, list) or len(arg) != 2 or not isinstance(arg[0], str):
            return Symbolic("", "Fn::Join needs [delimiter, list]")
        items = arg[1]
        if not isinstance(items, list):
            return Symbolic("", "the list to join is not known")
        texts = [as_text(i) for i in items]
        if any(t is None for t in texts):
            return Symbolic("", "an item of the list is not text")
        out = arg[0].join(t for t in texts if t is not None)
        if any(isinstance(i, ResourceRef | Symbolic) for i in items):
            return Symbolic(out, "some parts are known only when the stack is created")
        return out

    @staticmethod
    def _select(arg: object) -> object:
        if not isinstance(arg, list) or len(arg) != 2:
            return Symbolic("", "Fn::Select needs [index, list]")
        index, items = as_text(arg[0]), arg[1]
        if index is None or not index.isdigit() or not isinstance(items, list):
            return Symbolic("", "the index or the list is not known")
        if int(index) >= len(items):
            return Symbolic("", f"index {index} is past the end of the list")
        return items[int(index)]

    @staticmethod
    def _split(arg: object) -> object:
        if not isinstance(arg, list) or len(arg) != 2 or not isinstance(arg[0], str) or not arg[0]:
            return Symbolic("", "Fn::Split needs [delimiter, text]")
        if not isinstance(arg[1], str):
            return Symbolic("", "the text to split is not known")
        return arg[1].split(arg[0])

    def _find_in_map(self, arg: object) -> object:
        if not isinstance(arg, list) or len(arg) not in (3, 4):
            return Symbolic("", "Fn::FindInMap needs [MapName, TopLevelKey, SecondLevelKey]")
        keys = [as_text(a) if not isinstance(a, ResourceRef | Symbolic) else None for a in arg[:3]]
        default = arg[3].get("DefaultValue") if len(arg) == 4 and isinstance(arg[3], dict) else None
        if any(k is None for k in keys):
            return Symbolic("", "a key is known only when the stack is created")
        node: object = self.mappings
        for key in keys:
            if not isinstance(node, dict) or key not in node:
                if default is not None:
                    return default
                return Symbolic("", f"the mapping has no key {key!r}")
            node = node[key]
        return node

    @staticmethod
    def _base64(arg: object) -> object:
        if not isinstance(arg, str):
            return Symbolic("", "the text to encode is not known")
        return base64.b64encode(arg.encode()).decode()

    @staticmethod
    def _length(arg: object) -> object:
        return len(arg) if isinstance(arg, list) else Symbolic("", "the list is not known")

    @staticmethod
    def _to_json(arg: object) -> object:
        if has_symbols(arg):
            return Symbolic("", "some values are known only when the stack is created")
        return json.dumps(arg, separators=(",", ":"))

    # -- conditions ------------------------------------------------------------------------------------
    def condition(self, name: str, origin: Origin) -> bool | None:
        """The value of condition ``name``; None when it depends on something unknown before deployment."""
        if name in self._condition_values:
            return self._condition_values[name]
        if name not in self.conditions:
            fail(f"condition {name!r} is not defined in 'Conditions'", origin)
        if name in self._evaluating:
            fail(f"condition {name!r} refers to itself", origin)
        self._evaluating.add(name)
        try:
            value = self._evaluate(self.conditions[name], origin)
        finally:
            self._evaluating.discard(name)
        self._condition_values[name] = value
        return value

    def _evaluate(self, expr: object, origin: Origin) -> bool | None:
        if not isinstance(expr, dict) or len(expr) != 1:
            fail(f"a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition, not {show(expr)}", origin)
        ((key, arg),) = expr.items()
        if key == "Condition" and isinstance(arg, str):
            return self.condition(arg, origin)
        if not isinstance(arg, list):
            fail(f"{key} needs a list, not {show(arg)}", origin)
        if key == "Fn::Equals" and len(arg) == 2:
            left, right = (self._resolve(a, origin) for a in arg)
            if has_symbols(left) or has_symbols(right):
                return None
            return comparable(left) == comparable(right)
        values = [self._evaluate(a, origin) for a in arg]
        if key == "Fn::Not" and len(values) == 1:
            return None if values[0] is None else not values[0]
        if key == "Fn::And":
            return False if False in values else (None if None in values else True)
        if key == "Fn::Or":
            return True if True in values else (None if None in values else False)
        fail(f"{key} is not a condition function (Fn::Equals, Fn::And, Fn::Or, Fn::Not)", origin)
