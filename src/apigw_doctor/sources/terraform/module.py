"""A Terraform module read from ``.tf`` files: its declarations, what each name means, its instances.

The typed resources are collected from it by :mod:`.collect`.

* **Files.** A file, or every ``*.tf`` in a directory (not its subdirectories). ``terraform.tfvars``,
  ``terraform.tfvars.json`` and ``*.auto.tfvars`` next to them set variables, as Terraform does.
  ``*.tf.json`` and override files are not read (a note says so).
* **Modules.** A ``module`` block whose ``source`` is a local directory (``./api``, ``../shared``) is read
  the same way, with its arguments as the variables; its resources' addresses get the ``module.api.``
  prefix and ``module.api.out`` evaluates the output. Registry and git modules are not read: their outputs
  stay symbolic. A module with ``count`` or ``for_each`` is not expanded.
* **Names.** ``var.x`` (tfvars, module argument, else the default), ``local.x``, ``path.module``,
  ``count.index``, ``each.key`` / ``each.value``; ``TYPE.NAME.attr`` is the configured argument when the
  resource sets it (``aws_api_gateway_stage.prod.stage_name`` is ``"prod"``), else a :class:`Ref`.
  ``data.*``, undeclared names and unread modules are :class:`Unknown`, with the reason. A whole resource
  (``for_each = { get = aws_api_gateway_method.get }``) is an object of its arguments and computed ids.
* **Instances.** ``count`` and ``for_each`` with values known here expand into ``TYPE.NAME[0]`` /
  ``TYPE.NAME["key"]``; otherwise the resource is skipped, with a note.
"""

from __future__ import annotations

import glob
import json
import os
from dataclasses import dataclass
from typing import TypeVar

from ...errors import InputError
from .expressions import evaluate
from .hcl import parse_file
from .syntax import Attribute, Block, Expr, HclFile, Literal, ObjectExpr, Traversal
from .values import Key, Ref, Unknown, Value, get, is_known, text_of, wrapped

META_ARGUMENTS = frozenset(("count", "for_each", "provider", "depends_on"))
META_BLOCKS = frozenset(("lifecycle", "provisioner", "connection"))
COMPUTED_ALIASES = {
    ("aws_apigatewayv2_stage", "id"): "name",
    ("aws_api_gateway_domain_name", "id"): "domain_name",
    ("aws_apigatewayv2_domain_name", "id"): "domain_name",
}
"""Computed attributes that equal a configured argument (an HTTP API stage's id is its name)."""
COMPUTED = {
    "aws_api_gateway_rest_api": ("id", "root_resource_id", "arn", "execution_arn"),
    "aws_apigatewayv2_api": ("id", "arn", "execution_arn", "api_endpoint"),
    "aws_api_gateway_stage": ("id", "arn", "invoke_url", "execution_arn"),
    "aws_apigatewayv2_stage": ("id", "arn", "invoke_url", "execution_arn"),
}
"""The attributes AWS computes that a whole-resource reference carries (``id`` and ``arn`` for the others)."""
MAX_DEPTH = 8
MAX_INSTANCES = 5_000
"""More instances of one resource than this (a runaway ``count``) are not expanded."""
K = TypeVar("K", str, tuple[str, str])
T = TypeVar("T", Block, Attribute)
_BUSY = Unknown("", "a cycle of references")


@dataclass(frozen=True, slots=True)
class Instance:
    address: str
    index: Key | None
    each_value: Value = None


class Module:
    """One module directory: its declarations, and lazy, memoised evaluation of every name in it."""

    def __init__(
        self, directory: str, files: list[HclFile], *, prefix: str, root_dir: str, parents: tuple[str, ...] = ()
    ) -> None:
        self.directory, self.prefix, self.root_dir = directory, prefix, root_dir
        self.parents = parents
        """The directories of the modules that call this one, outermost first (a module cannot include itself)."""
        self.notes: list[str] = []
        self.given: dict[str, Value] = {}
        """Variable values from .tfvars files (root module)."""
        self.inputs: dict[str, tuple[Expr, Scope]] = {}
        """Variable values from the module block (child modules), evaluated in the parent."""
        self.variables: dict[str, tuple[Block, str]] = {}
        self.locals: dict[str, tuple[Attribute, str]] = {}
        self.outputs: dict[str, tuple[Block, str]] = {}
        self.resources: dict[tuple[str, str], tuple[Block, str]] = {}
        self.modules: dict[str, tuple[Block, str]] = {}
        self.providers: list[Block] = []
        self.provider_region: tuple[Value, str] | None = None
        self._children: dict[str, Module | None] = {}
        self._memo: dict[tuple[str, ...], Value] = {}
        self._instances: dict[tuple[str, str], list[Instance] | Unknown] = {}
        for f in files:
            self._declare(f)

    def _declare(self, f: HclFile) -> None:
        for block in f.body.blocks:
            kind, labels = block.type, block.labels
            if kind == "locals":
                for attribute in block.body.attributes:
                    self._unique(self.locals, attribute.name, (attribute, f.path), "local value", attribute.line)
            elif kind == "variable" and labels:
                self._unique(self.variables, labels[0], (block, f.path), "variable", block.line)
            elif kind == "output" and labels:
                self._unique(self.outputs, labels[0], (block, f.path), "output", block.line)
            elif kind == "module" and labels:
                self._unique(self.modules, labels[0], (block, f.path), "module", block.line)
            elif kind == "resource" and len(labels) == 2:
                self._unique(self.resources, (labels[0], labels[1]), (block, f.path), "resource", block.line)
            elif kind == "provider" and labels and labels[0] == "aws":
                self.providers.append(block)

    @staticmethod
    def _unique(table: dict[K, tuple[T, str]], name: K, entry: tuple[T, str], what: str, line: int) -> None:
        if name in table:
            previous = table[name]
            shown = ".".join(name) if isinstance(name, tuple) else name
            raise InputError(
                f"{what} {shown} is declared twice (also at {previous[1]}:{previous[0].line})", f"{entry[1]}:{line}"
            )
        table[name] = entry

    # -- names -----------------------------------------------------------------------------------------
    def scope(self, instance: Instance | None = None) -> Scope:
        return Scope(self, instance)

    def memo(self, key: tuple[str, ...], compute: Scope, expr: Expr) -> Value:
        if key in self._memo:
            value = self._memo[key]
            return Unknown(wrapped(expr.text), "a cycle of references") if value is _BUSY else value
        self._memo[key] = _BUSY
        value = evaluate(expr, compute)
        self._memo[key] = value
        return value

    def variable(self, name: str, text: str) -> Value:
        if name in self.given:
            return self.given[name]
        if name in self.inputs:
            expr, scope = self.inputs[name]
            return scope.module.memo(("input", self.prefix, name), scope, expr)
        declared = self.variables.get(name)
        if declared is None:
            return Unknown(wrapped(text), f"variable {name} is not declared")
        default = declared[0].body.attribute("default")
        if default is None:
            return Unknown(wrapped(text), f"variable {name} has no default (set with -var or a .tfvars file)")
        return self.memo(("var", name), self.scope(), default.value)

    def local(self, name: str, text: str) -> Value:
        found = self.locals.get(name)
        if found is None:
            return Unknown(wrapped(text), f"local value {name} is not declared")
        return self.memo(("local", name), self.scope(), found[0].value)

    def output(self, module: str, name: str, text: str) -> Value:
        child = self.child(module)
        if child is None:
            return Unknown(wrapped(text), f"module.{module} is not read (only local modules are)")
        found = child.outputs.get(name)
        value = found[0].body.attribute("value") if found else None
        if value is None:
            return Unknown(wrapped(text), f"module.{module} has no output {name}")
        return child.memo(("output", name), child.scope(), value.value)

    def resource_value(self, rtype: str, name: str, keys: tuple[Key, ...], text: str) -> Value:
        block, _ = self.resources[(rtype, name)]
        instances = self.instances(rtype, name)
        if isinstance(instances, Unknown):
            return Unknown(wrapped(text), instances.reason)
        repeated = instances and instances[0].index is not None
        if repeated:
            if not keys:
                return Unknown(wrapped(text), f"{rtype}.{name} has several instances: index it")
            index, keys = keys[0], keys[1:]
            instance = next((i for i in instances if str(i.index) == str(index)), None)
            if instance is None:
                return Unknown(wrapped(text), f"{rtype}.{name} has no instance [{index!r}]")
        elif not instances:
            return Unknown(wrapped(text), f"{rtype}.{name} has no instances (count or for_each is empty)")
        else:
            instance = instances[0]
        if not keys:
            return self.whole(rtype, block, instance)
        if not isinstance(keys[0], str):
            return Unknown(wrapped(text), f"{instance.address}[{keys[0]!r}]: the resource is not a list")
        attr = COMPUTED_ALIASES.get((rtype, keys[0]), keys[0])
        value = self.argument(block, instance, attr)
        if value is None:
            if len(keys) > 1:
                return Unknown(wrapped(text), f"{instance.address}.{keys[0]} is known only after apply")
            return Ref(instance.address, keys[0])
        return get(value, keys[1:], text)

    def whole(self, rtype: str, block: Block, instance: Instance) -> Value:
        """A resource as an object (``for_each = {get = aws_api_gateway_method.get}``): its arguments and ids."""
        out: dict[str, Value] = {}
        for name in COMPUTED.get(rtype, ("id", "arn")):
            out[name] = Ref(instance.address, name)
        names = [a.name for a in block.body.attributes] + [b.type for b in block.body.blocks]
        for name in dict.fromkeys(names):
            value = self.argument(block, instance, COMPUTED_ALIASES.get((rtype, name), name))
            if value is not None:
                out[name] = value
        return out

    def argument(self, block: Block, instance: Instance, name: str) -> Value | None:
        """An instance's argument (a nested block: a list of objects); None when not configured."""
        attribute = block.body.attribute(name)
        if attribute is not None and name not in META_ARGUMENTS:
            return self.memo(("arg", instance.address, name), self.scope(instance), attribute.value)
        nested = block.body.blocks_of(name)
        if nested and name not in META_BLOCKS:
            return [self.block_value(b, instance) for b in nested]
        return None

    def block_value(self, block: Block, instance: Instance) -> Value:
        if block.type == "dynamic":
            return Unknown(f"dynamic {block.labels}", "a dynamic block is not expanded")
        scope = self.scope(instance)
        out: dict[str, Value] = {a.name: evaluate(a.value, scope) for a in block.body.attributes}
        for nested in block.body.blocks:
            value = out.setdefault(nested.type, [])
            if isinstance(value, list):
                value.append(self.block_value(nested, instance))
        return out

    # -- instances -------------------------------------------------------------------------------------
    def instances(self, rtype: str, name: str) -> list[Instance] | Unknown:
        key = (rtype, name)
        if key not in self._instances:
            self._instances[key] = Unknown("", "a cycle of references")
            self._instances[key] = self._expand(rtype, name)
        return self._instances[key]

    def _expand(self, rtype: str, name: str) -> list[Instance] | Unknown:
        block, _ = self.resources[(rtype, name)]
        address = f"{self.prefix}{rtype}.{name}"
        count, for_each = block.body.attribute("count"), block.body.attribute("for_each")
        if count is not None:
            value = evaluate(count.value, self.scope())
            number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
            if number is None or number < 0 or int(number) != number:
                return Unknown("", f"count = {count.value.text} is not known before apply")
            if number > MAX_INSTANCES:
                return Unknown(
                    "", f"count = {count.value.text} is {int(number)}: more than {MAX_INSTANCES} is not expanded"
                )
            return [Instance(f"{address}[{i}]", i) for i in range(int(number))]
        if for_each is not None:
            value = evaluate(for_each.value, self.scope())
            if isinstance(value, dict) and all(is_known(k) for k in value):
                return [Instance(f"{address}[{json.dumps(k)}]", k, v) for k, v in value.items()]
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return [Instance(f"{address}[{json.dumps(v)}]", text_of(v), v) for v in value]
            return Unknown("", f"for_each = {for_each.value.text} is not known before apply")
        return [Instance(address, None)]

    # -- child modules ---------------------------------------------------------------------------------
    def child(self, name: str) -> Module | None:
        if name not in self._children:
            self._children[name] = None
            self._children[name] = self._read_child(name)
        return self._children[name]

    def _read_child(self, name: str) -> Module | None:
        if name not in self.modules:
            return None
        block, path = self.modules[name]
        where = f"module.{name} ({path}:{block.line})"
        source_attr = block.body.attribute("source")
        source = source_attr.value.value if source_attr and isinstance(source_attr.value, Literal) else None
        if not isinstance(source, str) or not source.startswith(("./", "../")):
            self.notes.append(f"{where}: only local modules (./ or ../) are read; its resources are not seen")
            return None
        if block.body.attribute("count") or block.body.attribute("for_each"):
            self.notes.append(f"{where}: a module with count or for_each is not expanded; its resources are not seen")
            return None
        directory = os.path.normpath(os.path.join(self.directory, source))
        chain = (*self.parents, os.path.normpath(self.directory))
        if directory in chain:
            self.notes.append(f"{where}: {source} is a module that calls it: not read again")
            return None
        if len(chain) >= MAX_DEPTH:
            self.notes.append(f"{where}: modules nested deeper than {MAX_DEPTH} are not read")
            return None
        files = tf_files(directory)
        if not files:
            self.notes.append(f"{where}: {directory} has no .tf files")
            return None
        child = Module(
            directory,
            [parse_file(f) for f in files],
            prefix=f"{self.prefix}module.{name}.",
            root_dir=self.root_dir,
            parents=chain,
        )
        parent_scope = self.scope()
        skip = {"source", "version", "count", "for_each", "providers", "depends_on"}
        child.inputs = {a.name: (a.value, parent_scope) for a in block.body.attributes if a.name not in skip}
        child.provider_region = self._child_region(block)
        return child

    def _child_region(self, block: Block) -> tuple[Value, str] | None:
        providers = block.body.attribute("providers")
        alias = None
        if providers is not None and isinstance(providers.value, ObjectExpr):
            for item in providers.value.items:
                if isinstance(item.key, Literal) and item.key.value == "aws" and isinstance(item.value, Traversal):
                    names = item.value.names()
                    alias = names[1] if len(names) > 1 else None
        return self.region(alias)

    def region(self, alias: str | None) -> tuple[Value, str] | None:
        """(region value, the expression) of the aws provider ``alias`` (None: the default); None if unset."""
        for block in self.providers:
            alias_attr = block.body.attribute("alias")
            named = evaluate(alias_attr.value, self.scope()) if alias_attr else None
            if named == alias:
                region = block.body.attribute("region")
                return None if region is None else (evaluate(region.value, self.scope()), region.value.text)
        return self.provider_region


class Scope:
    """What names mean for one resource instance (or the module itself) in one module."""

    def __init__(self, module: Module, instance: Instance | None) -> None:
        self.module = module
        self.instance = instance

    @property
    def base_dir(self) -> str:
        return self.module.root_dir

    def lookup(self, root: str, keys: tuple[Key, ...], text: str) -> Value:
        m = self.module
        first = str(keys[0]) if keys else ""
        if root == "var" and first:
            return get(m.variable(first, text), keys[1:], text)
        if root == "local" and first:
            return get(m.local(first, text), keys[1:], text)
        if root == "path" and first in ("module", "root", "cwd"):
            if first == "module":
                return os.path.relpath(m.directory, m.root_dir)
            return "." if first == "root" else m.root_dir
        if root == "count" and first == "index" and self.instance and isinstance(self.instance.index, int):
            return self.instance.index
        if root == "each" and self.instance and isinstance(self.instance.index, str):
            if first == "key":
                return self.instance.index
            if first == "value":
                return get(self.instance.each_value, keys[1:], text)
        if root == "module" and len(keys) >= 2:
            return get(m.output(first, str(keys[1]), text), keys[2:], text)
        if root == "data":
            return Unknown(wrapped(text), f"data.{'.'.join(map(str, keys[:2]))} is a data source, read by Terraform")
        if (root, first) in m.resources:
            return m.resource_value(root, first, keys[1:], text)
        return Unknown(wrapped(text), f"{root}.{first} is not declared in the configuration read")


def tf_files(directory: str) -> list[str]:
    """The ``*.tf`` files Terraform reads as a directory's configuration, sorted (override files excluded)."""
    paths = sorted(glob.glob(os.path.join(glob.escape(directory), "*.tf")))
    return [p for p in paths if os.path.isfile(p) and not is_override(p)]


def is_override(path: str) -> bool:
    name = os.path.basename(path)
    return name == "override.tf" or name.endswith("_override.tf")
