"""The one router: a trie of route templates, matched the REST way or the HTTP API way.

Every feature (diagnose, the emulator, log triage, fleet checks) matches through this module.
Matching returns a value, never raises: a :class:`RouteMatch` or None.

REST APIs (``match_rest``) walk literal child, then ``{param}``, then ``{proxy+}``, backtracking
when a branch ends without the requested method; at a node the exact verb beats ``ANY``; a greedy
child needs at least one segment, so it never matches its own parent. A worked example, for the tree::

    /                 (no method)
    /part1            GET
    /part1/fixed      GET
    /{param+}         GET, OPTIONS

* ``GET /part1/random`` -> ``/{param+}`` with ``param=part1/random``: the literal ``part1`` has no
  ``random`` child, so the walk backtracks to the greedy sibling (AWS-validated, 2024-07-23).
* ``OPTIONS /part1`` -> ``/{param+}``: ``/part1`` exists but has no OPTIONS method.
* ``GET /`` -> None: ``/`` has no method and ``{param+}`` never matches its parent.

HTTP APIs (``match_http``) take any full match of route and method first (literal before
``{param}`` at each level, exact verb before ``ANY``), then the deepest greedy route, then ``$default``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from .paths import GREEDY, LITERAL, PARAM, Segments, param_name, segment_kind, template_parts

H = TypeVar("H")


class Node(Generic[H]):
    """One path position. ``handlers`` maps a method (or ``ANY``) to what serves it."""

    __slots__ = ("greedy", "handlers", "literal", "name", "param", "template")

    def __init__(self, template: str, name: str = "") -> None:
        self.template = template
        self.name = name
        self.literal: dict[str, Node[H]] = {}
        self.param: Node[H] | None = None
        self.greedy: Node[H] | None = None
        self.handlers: dict[str, H] = {}

    def handler(self, method: str) -> tuple[str, H] | None:
        h = self.handlers.get(method)
        if h is not None:
            return method, h
        h = self.handlers.get("ANY")
        if h is not None:
            return "ANY", h
        return None


@dataclass(frozen=True, slots=True)
class RouteMatch(Generic[H]):
    template: str
    """The resource path (REST) or route path (HTTP) that matched."""
    method: str
    """The method key that matched: the verb itself or ``ANY``."""
    handler: H
    path_parameters: tuple[tuple[str, str], ...]


class Trie(Generic[H]):
    """Route templates compiled once; each match is proportional to the path's depth, not the tree's size."""

    __slots__ = ("_nodes", "root")

    def __init__(self) -> None:
        self.root: Node[H] = Node("/")
        self._nodes: dict[str, Node[H]] = {"/": self.root}

    @classmethod
    def build(cls, routes: Iterable[tuple[str, str, H]]) -> Trie[H]:
        """Compile ``(path template, method, handler)`` triples. Later duplicates replace earlier ones."""
        trie: Trie[H] = cls()
        for path, method, handler in routes:
            trie.add(path, method, handler)
        return trie

    def add(self, path: str, method: str | None, handler: H | None) -> Node[H]:
        """Add ``path`` (and every ancestor); register ``handler`` under ``method`` when given."""
        node = self.root
        template = ""
        for part in template_parts(path):
            template += "/" + part
            kind = segment_kind(part)
            nxt: Node[H] | None
            if kind == LITERAL:
                nxt = node.literal.get(part)
                if nxt is None:
                    nxt = node.literal[part] = Node(template)
            elif kind == PARAM:
                nxt = node.param
                if nxt is None:
                    nxt = node.param = Node(template, param_name(part))
            else:
                nxt = node.greedy
                if nxt is None:
                    nxt = node.greedy = Node(template, param_name(part))
            node = nxt
            self._nodes.setdefault(template, node)
        if method is not None and handler is not None:
            node.handlers[method] = handler
        return node

    def node(self, template: str) -> Node[H] | None:
        """The node for an exact template (``/pets/{id}``), or None."""
        return self._nodes.get(template if template == "/" else "/" + "/".join(template_parts(template)))

    def templates(self) -> Iterable[str]:
        return self._nodes.keys()

    def nodes(self) -> Iterable[Node[H]]:
        return self._nodes.values()

    # -- REST ------------------------------------------------------------------------------------------
    def match_rest(self, segs: Segments, method: str) -> RouteMatch[H] | None:
        params: list[tuple[str, str]] = []
        found = _rest(self.root, segs, 0, method, params)
        if found is None:
            return None
        node, key, handler = found
        return RouteMatch(node.template, key, handler, tuple(params))

    # -- HTTP APIs -------------------------------------------------------------------------------------
    def match_http(self, segs: Segments, method: str) -> RouteMatch[H] | None:
        params: list[tuple[str, str]] = []
        full = _http_full(self.root, segs, 0, method, params)
        if full is not None:
            node, key, handler = full
            return RouteMatch(node.template, key, handler, tuple(params))
        best: list[tuple[int, Node[H], str, H, tuple[tuple[str, str], ...]]] = []
        _http_greedy(self.root, segs, 0, method, [], best)
        if best:
            _, node, key, handler, captured = best[0]
            return RouteMatch(node.template, key, handler, captured)
        return None


def _rest(
    node: Node[H], segs: Segments, i: int, method: str, params: list[tuple[str, str]]
) -> tuple[Node[H], str, H] | None:
    if i == len(segs.parts):
        h = node.handler(method)
        return (node, h[0], h[1]) if h else None
    lit = node.literal.get(segs.parts[i])
    if lit is not None:
        r = _rest(lit, segs, i + 1, method, params)
        if r is not None:
            return r
    var = node.param
    if var is not None:
        params.append((var.name, segs.parts[i]))
        r = _rest(var, segs, i + 1, method, params)
        if r is not None:
            return r
        params.pop()
    greedy = node.greedy
    if greedy is not None:
        h = greedy.handler(method)
        if h is not None:
            params.append((greedy.name, segs.tail(i)))
            return greedy, h[0], h[1]
    return None


def _http_full(
    node: Node[H], segs: Segments, i: int, method: str, params: list[tuple[str, str]]
) -> tuple[Node[H], str, H] | None:
    if i == len(segs.parts):
        h = node.handler(method)
        return (node, h[0], h[1]) if h else None
    lit = node.literal.get(segs.parts[i])
    if lit is not None:
        r = _http_full(lit, segs, i + 1, method, params)
        if r is not None:
            return r
    var = node.param
    if var is not None:
        params.append((var.name, segs.parts[i]))
        r = _http_full(var, segs, i + 1, method, params)
        if r is not None:
            return r
        params.pop()
    return None


def _http_greedy(
    node: Node[H],
    segs: Segments,
    i: int,
    method: str,
    params: list[tuple[str, str]],
    best: list[tuple[int, Node[H], str, H, tuple[tuple[str, str], ...]]],
) -> None:
    if i >= len(segs.parts):
        return
    greedy = node.greedy
    if greedy is not None:
        h = greedy.handler(method)
        if h is not None and (not best or i > best[0][0]):
            best[:] = [(i, greedy, h[0], h[1], (*params, (greedy.name, segs.tail(i))))]
    lit = node.literal.get(segs.parts[i])
    if lit is not None:
        _http_greedy(lit, segs, i + 1, method, params, best)
    var = node.param
    if var is not None:
        params.append((var.name, segs.parts[i]))
        _http_greedy(var, segs, i + 1, method, params, best)
        params.pop()


__all__ = ["GREEDY", "LITERAL", "PARAM", "Node", "RouteMatch", "Trie"]
