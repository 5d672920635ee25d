"""``terraform show -json`` output -> the typed resources: plans (``planned_values``) and states (``values``).

Each resource's origin is ``Origin(file, address, line)``, the line of its ``"address"`` key (1 in the
one-line files ``terraform show -json`` writes).

* **State** (``terraform show -json`` after apply): every value is known, ids included (``values.id``,
  ``root_resource_id``); resources link through real ids and APIs keep them (``id_known=True``). The region
  and account come from the ARNs. A raw ``terraform.tfstate`` (``"version": 4``) is read the same way.
* **Plan** (``terraform show -json plan.out``): ``planned_values`` has what will exist after apply, child
  modules included; values known only after apply are absent there, so each is taken from
  ``configuration`` as a :class:`Ref` to what its expression references (``parent_id`` ->
  ``aws_api_gateway_rest_api.main.root_resource_id``). ``resource_changes`` tells which deployments the
  plan (re)creates. The region comes from the aws provider's configuration (a constant or a variable).
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import cast

from ...errors import InputError
from ...model import Origin
from ..document import Document, fail, mapping, sequence
from .config import API_TYPES, DEFAULT_REGION, Argument, TerraformConfig, TfResource
from .hcl import read_text
from .link import account_and_region
from .values import Ref, Unknown, Value, wrapped

_REFERENCE = re.compile(
    r"(?P<address>(?P<type>[a-z][a-z0-9_]*)\.(?P<name>[A-Za-z_][\w-]*)(?:\[[^\]]+\])?)(?:\.(?P<attr>\w+))?"
)
_ADDRESS_KEY = re.compile(r'"address"\s*:\s*("(?:[^"\\]|\\.)*")')
_NOT_RESOURCES = frozenset(("var", "local", "module", "data", "each", "count", "path", "self", "terraform"))
JSON = dict[str, object]


def is_terraform_json(data: JSON) -> bool:
    """A ``terraform show -json`` plan or state, or a raw ``terraform.tfstate``."""
    if "terraform_version" not in data:
        return False
    return ("format_version" in data and ("planned_values" in data or "values" in data)) or (
        "lineage" in data and "resources" in data
    )


def read_json(doc: Document) -> TerraformConfig:
    data, origin = doc.data, Origin(doc.path, "")
    if "lineage" in data and "resources" in data:
        return TerraformConfig(doc.path, "state", tuple(_raw_state(doc)))
    plan = "planned_values" in data
    top = mapping(data["planned_values" if plan else "values"], origin.child("values"), "'values'")
    root = mapping(top.get("root_module", {}), origin.child("values", "root_module"), "'root_module'")
    reader = _Reader(doc, data if plan else {})
    resources = reader.module(root, "", origin.child("planned_values" if plan else "values", "root_module"))
    notes = []
    if plan and any(
        r.real_id is None for r in resources if r.type in ("aws_api_gateway_rest_api", "aws_apigatewayv2_api")
    ):
        notes.append(f"{doc.path} is a Terraform plan: APIs it creates have no id yet and are named by their address")
    if plan and reader.region_note:
        notes.append(reader.region_note)
    return TerraformConfig(doc.path, "plan" if plan else "state", tuple(resources), tuple(notes))


class _Reader:
    def __init__(self, doc: Document, plan: JSON) -> None:
        self.doc = doc
        self.plan = plan
        self.lines = address_lines(doc.path)
        self.actions: dict[str, tuple[str, ...]] = {}
        changes = plan.get("resource_changes")
        for change in changes if isinstance(changes, list) else []:
            if isinstance(change, dict) and isinstance(change.get("change"), dict):
                actions = change["change"].get("actions")
                if isinstance(actions, list):
                    self.actions[str(change.get("address"))] = tuple(str(a) for a in actions)
        configuration = plan.get("configuration")
        self.configuration = configuration if isinstance(configuration, dict) else {}
        self.region_note = ""
        self.provider_region = self._provider_region() if plan else None

    def module(self, module: JSON, address: str, origin: Origin) -> list[TfResource]:
        out = []
        for i, raw in enumerate(sequence(module.get("resources", []), origin.child("resources"), "'resources'")):
            item = mapping(raw, origin.child("resources", i), "a resource")
            rtype = item.get("type")
            if item.get("mode", "managed") == "managed" and isinstance(rtype, str) and rtype in API_TYPES:
                out.append(self.resource(item, address, origin.child("resources", i)))
        children = sequence(module.get("child_modules", []), origin.child("child_modules"), "'child_modules'")
        for i, raw in enumerate(children):
            child = mapping(raw, origin.child("child_modules", i), "a child module")
            out.extend(self.module(child, str(child.get("address", "")), origin.child("child_modules", i)))
        return out

    def resource(self, item: JSON, module: str, origin: Origin) -> TfResource:
        address = item.get("address")
        if not isinstance(address, str) or not isinstance(item.get("type"), str):
            fail("a resource without an 'address' and a 'type'", origin)
        values = mapping(item.get("values", {}), origin.child("values"), f"the values of {address}")
        expressions = self._expressions(module, address)
        arguments = []
        for name in dict.fromkeys([*values, *expressions]):
            value = _value(values.get(name))
            refs = _references(expressions.get(name), module)
            if value is None and refs:
                value = _symbol(refs[0])
            arguments.append(Argument(name, value, references=tuple(dict.fromkeys(r for r, _ in refs))))
        rtype = str(item["type"])
        depends = item.get("depends_on")
        real_id = values.get("id")
        resource = TfResource(
            address=address,
            type=rtype,
            name=str(item.get("name", "")),
            origin=Origin(self.doc.path, address, self.lines.get(address, 1)),
            arguments=tuple(arguments),
            module=module,
            index=cast(int | str | None, item.get("index")),
            depends_on=tuple(str(d) for d in depends) if isinstance(depends, list) else (),
            real_id=real_id if isinstance(real_id, str) and real_id else None,
            actions=self.actions.get(address),
        )
        return _with_region(resource, values, self.provider_region)

    def _expressions(self, module: str, address: str) -> dict[str, object]:
        """The configuration's expressions of a resource (by its address without instance keys)."""
        node = _object(self.configuration.get("root_module"))
        for call in re.findall(r"module\.([\w-]+)", module):
            node = _object(_object(_object(node.get("module_calls")).get(call)).get("module"))
        local = re.sub(r"\[[^\]]*\]$", "", address.removeprefix(module + ".") if module else address)
        resources = node.get("resources")
        for resource in resources if isinstance(resources, list) else []:
            if isinstance(resource, dict) and resource.get("address") == local:
                return _object(resource.get("expressions"))
        return {}

    def _provider_region(self) -> str | None:
        providers = self.configuration.get("provider_config")
        aws = providers.get("aws") if isinstance(providers, dict) else None
        expressions = aws.get("expressions") if isinstance(aws, dict) else None
        region = expressions.get("region") if isinstance(expressions, dict) else None
        if not isinstance(region, dict):
            self.region_note = f"{self.doc.path}: the aws provider sets no region: {DEFAULT_REGION} is assumed"
            return None
        if isinstance(region.get("constant_value"), str):
            return str(region["constant_value"])
        variables = self.plan.get("variables")
        for ref in _list(region.get("references")):
            name = str(ref).removeprefix("var.")
            found = variables.get(name) if isinstance(variables, dict) and str(ref).startswith("var.") else None
            if isinstance(found, dict) and isinstance(found.get("value"), str):
                return str(found["value"])
        self.region_note = f"{self.doc.path}: the aws provider's region is not known: {DEFAULT_REGION} is assumed"
        return None


def _object(value: object) -> JSON:
    return cast(JSON, value) if isinstance(value, dict) else {}


def _list(value: object) -> list[object]:
    return cast(list[object], value) if isinstance(value, list) else []


def address_lines(path: str) -> dict[str, int]:
    """Resource address -> line of its first ``"address"`` key in the file (``show -json`` prints one line: 1)."""
    try:
        text = read_text(path, "a JSON file")
    except InputError:
        return {}
    out: dict[str, int] = {}
    line, last = 1, 0
    for match in _ADDRESS_KEY.finditer(text):
        line += text.count("\n", last, match.start())
        last = match.start()
        try:
            address = json.loads(match.group(1))
        except ValueError:
            continue
        out.setdefault(address, line)
    return out


def _with_region(r: TfResource, values: JSON, provider_region: str | None) -> TfResource:
    own = values.get("region")
    region = own if isinstance(own, str) and own else (account_and_region(r)[1] or provider_region)
    return r if region is None else dataclasses.replace(r, region=region)


def _value(data: object) -> Value:
    if isinstance(data, dict):
        return {str(k): _value(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_value(v) for v in data]
    if data is None or isinstance(data, str | int | float | bool):
        return data
    return str(data)


def _references(expression: object, module: str) -> list[tuple[str, str | None]]:
    """``(address, attribute)`` of each resource an expression references, most specific first."""
    if isinstance(expression, list):
        return [ref for item in expression for ref in _references(item, module)]
    if not isinstance(expression, dict):
        return []
    found = []
    for ref in _list(expression.get("references")):
        match = _REFERENCE.fullmatch(str(ref))
        if match and match["type"] not in _NOT_RESOURCES:
            address = f"{module}.{match['address']}" if module else match["address"]
            found.append((address, match["attr"]))
        else:
            found.append((str(ref), None))
    nested = [ref for key, value in expression.items() if key != "references" for ref in _references(value, module)]
    return found + nested


def _symbol(ref: tuple[str, str | None]) -> Value:
    address, attribute = ref
    if attribute is None:
        return Unknown(wrapped(address), f"{address} is known only after apply")
    return Ref(address, attribute)


def _raw_state(doc: Document) -> list[TfResource]:
    """A ``terraform.tfstate`` file: ``resources[*].instances[*].attributes``."""
    origin = Origin(doc.path, "")
    reader = _Reader(doc, {})
    out = []
    for i, raw in enumerate(sequence(doc.data["resources"], origin.child("resources"), "'resources'")):
        item = mapping(raw, origin.child("resources", i), "a resource")
        rtype = item.get("type")
        if item.get("mode") != "managed" or not isinstance(rtype, str) or rtype not in API_TYPES:
            continue
        module = str(item.get("module", ""))
        base = f"{module + '.' if module else ''}{item['type']}.{item.get('name', '')}"
        for j, inst in enumerate(sequence(item.get("instances", []), origin.child("resources", i), "'instances'")):
            instance = mapping(inst, origin.child("resources", i, "instances", j), "an instance")
            key = instance.get("index_key")
            address = base if key is None else f"{base}[{key}]" if isinstance(key, int) else f'{base}["{key}"]'
            entry: JSON = {"address": address, "type": item["type"], "name": item.get("name", ""), "index": key}
            entry["values"] = instance.get("attributes", {})
            entry["depends_on"] = instance.get("dependencies", [])
            out.append(reader.resource(entry, module, origin.child("resources", i, "instances", j)))
    return out
