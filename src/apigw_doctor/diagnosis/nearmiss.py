"""Near misses, found rather than guessed: candidate paths drawn from the API's own route tree.

Each candidate is later walked through the gateway; only those that get past routing are offered.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from ..gateway.paths import Segments
from ..gateway.router import Node, Trie

H = TypeVar("H")


def distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment distance (one transposition counts 1), capped at ``limit + 1``."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


def similar(a: str, b: str) -> int | None:
    """How far ``a`` is from ``b`` as a typo: 0 for a case change, 1-2 edits, None when unrelated."""
    if a == b:
        return None
    if a.lower() == b.lower():
        return 0
    limit = 1 if max(len(a), len(b)) <= 4 else 2
    d = distance(a.lower(), b.lower(), limit)
    return d if d <= limit else None


def closest(word: str, options: Iterable[str]) -> list[tuple[int, str]]:
    """Options that look like typos of ``word``, nearest first."""
    scored = [(d, o) for o in options if (d := similar(word, o)) is not None]
    return sorted(scored)


def typo_paths(trie: Trie[H], segs: Segments, max_cost: int = 2) -> list[tuple[int, tuple[str, ...]]]:
    """Paths through ``trie`` that differ from ``segs`` by case changes or small edits in literal segments.

    Returns ``(cost, segments)`` pairs, cheapest first; the request's own segments stand in for
    ``{param}`` positions and greedy tails, so the result is a concrete path to try.
    """
    out: list[tuple[int, tuple[str, ...]]] = []
    _search(trie.root, segs.parts, 0, 0, max_cost, (), out)
    out.sort(key=lambda item: (item[0], item[1]))
    seen: set[tuple[str, ...]] = set()
    unique = []
    for cost, path in out:
        if path not in seen and path != segs.parts:
            seen.add(path)
            unique.append((cost, path))
    return unique[:10]


def _search(
    node: Node[H],
    parts: tuple[str, ...],
    i: int,
    cost: int,
    max_cost: int,
    acc: tuple[str, ...],
    out: list[tuple[int, tuple[str, ...]]],
) -> None:
    if len(out) > 200:
        return
    if i == len(parts):
        if cost > 0 and node.handlers:
            out.append((cost, acc))
        return
    seg = parts[i]
    for name, child in node.literal.items():
        if name == seg:
            _search(child, parts, i + 1, cost, max_cost, (*acc, name), out)
            continue
        d = similar(seg, name)
        if d is not None and cost + max(d, 1) <= max_cost:
            _search(child, parts, i + 1, cost + max(d, 1), max_cost, (*acc, name), out)
    if node.param is not None:
        _search(node.param, parts, i + 1, cost, max_cost, (*acc, seg), out)
    if node.greedy is not None and cost > 0 and node.greedy.handlers:
        out.append((cost, acc + parts[i:]))
