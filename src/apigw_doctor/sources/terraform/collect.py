"""A module's API Gateway resources as typed :class:`~.config.TfResource` instances, child modules included.

Each instance carries its evaluated arguments (nested blocks as lists of objects, as in Terraform's JSON),
the line of each argument, the resource addresses each argument mentions (``triggers``, ``depends_on``),
``create_before_destroy`` and the region of its provider. Resources whose ``count`` / ``for_each`` cannot
be expanded are skipped with a note.
"""

from __future__ import annotations

import json

from ...model import Origin
from .config import API_TYPES, DEFAULT_REGION, Argument, TfResource
from .expressions import evaluate
from .module import META_ARGUMENTS, META_BLOCKS, Instance, Module
from .syntax import Block, Body, Expr, Index, Literal, Traversal, walk
from .values import Unknown


def api_resources(m: Module) -> list[TfResource]:
    out: list[TfResource] = []
    for (rtype, name), (block, path) in m.resources.items():
        if rtype not in API_TYPES:
            continue
        instances = m.instances(rtype, name)
        if isinstance(instances, Unknown):
            m.notes.append(f"{m.prefix}{rtype}.{name} ({path}:{block.line}) is skipped: {instances.reason}")
            continue
        for instance in instances:
            out.append(_resource(m, rtype, name, block, path, instance))
    for name in m.modules:
        child = m.child(name)
        if child is not None:
            out.extend(api_resources(child))
            m.notes.extend(child.notes)
    return out


def _resource(m: Module, rtype: str, name: str, block: Block, path: str, instance: Instance) -> TfResource:
    arguments = []
    for attribute in block.body.attributes:
        if attribute.name not in META_ARGUMENTS:
            value = m.argument(block, instance, attribute.name)
            refs = references(m, attribute.value)
            expr = attribute.value
            arguments.append(Argument(attribute.name, value, attribute.line, expr.text, refs, expr))
    for dynamic in block.body.blocks_of("dynamic"):
        label = dynamic.labels[0] if dynamic.labels else "dynamic"
        reason = f'dynamic "{label}" blocks are not expanded'
        m.notes.append(f"{instance.address} ({path}:{dynamic.line}): {reason}; {label} is not known here")
        arguments.append(Argument(label, Unknown(f'dynamic "{label}"', reason), dynamic.line))
    for nested_type in dict.fromkeys(b.type for b in block.body.blocks):
        if nested_type in META_BLOCKS or nested_type == "dynamic":
            continue
        first = block.body.blocks_of(nested_type)[0]
        refs = tuple(r for b in block.body.blocks_of(nested_type) for r in _body_references(m, b.body))
        value = m.argument(block, instance, nested_type)
        arguments.append(Argument(nested_type, value, first.line, "", tuple(dict.fromkeys(refs))))
    depends = block.body.attribute("depends_on")
    lifecycle = block.body.blocks_of("lifecycle")
    cbd = lifecycle[0].body.attribute("create_before_destroy") if lifecycle else None
    cbd_value = evaluate(cbd.value, m.scope(instance)) if cbd else None
    return TfResource(
        address=instance.address,
        type=rtype,
        name=name,
        origin=Origin(path, instance.address, block.line),
        arguments=tuple(arguments),
        module=m.prefix.rstrip("."),
        index=instance.index,
        depends_on=references(m, depends.value) if depends else (),
        create_before_destroy=cbd_value if isinstance(cbd_value, bool) else None,
        region=_resource_region(m, block, instance),
    )


def _resource_region(m: Module, block: Block, instance: Instance) -> str:
    own = m.argument(block, instance, "region")
    if isinstance(own, str):
        return own
    provider = block.body.attribute("provider")
    alias = None
    if provider is not None and isinstance(provider.value, Traversal) and len(provider.value.names()) > 1:
        alias = provider.value.names()[1]
    found = m.region(alias)
    return found[0] if found and isinstance(found[0], str) else DEFAULT_REGION


def references(m: Module, expr: Expr) -> tuple[str, ...]:
    """The resource addresses ``expr`` mentions, in order: ``aws_api_gateway_method.get``, ``...r[0]``."""
    out: list[str] = []
    for node in walk(expr):
        if not isinstance(node, Traversal):
            continue
        names = node.names()
        if len(names) >= 2 and (names[0], names[1]) in m.resources:
            address = f"{m.prefix}{names[0]}.{names[1]}"
            step = node.steps[1] if len(node.steps) > 1 else None
            if isinstance(step, Index) and isinstance(step.key, Literal):
                address += f"[{json.dumps(step.key.value)}]"
            out.append(address)
    return tuple(dict.fromkeys(out))


def _body_references(m: Module, body: Body) -> list[str]:
    refs = [r for a in body.attributes for r in references(m, a.value)]
    return refs + [r for b in body.blocks for r in _body_references(m, b.body)]
