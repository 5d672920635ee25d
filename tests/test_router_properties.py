"""Properties of the one router, on random resource trees (hypothesis).

* A request built from a route template matches that template and captures the values used.
* The trie agrees with a brute-force reference matcher written from the reference's rules, not from
  the trie: REST (reference 1.3) takes the lexicographically smallest per-segment kind sequence
  (literal < {param} < {proxy+}) among the templates that have the method or ANY, exact before ANY;
  HTTP APIs (reference 5) take a full match first (same order), then the deepest greedy route, then
  the ``$default`` route.

Part of the properties go through the public gateway (worlds built with ``tests/builders.py``),
the rest call :class:`Trie` directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from apigw_doctor.gateway import Gateway, Request
from apigw_doctor.gateway.paths import split
from apigw_doctor.gateway.router import Trie
from builders import http_api, rest_api, world

SETTINGS = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

MAX_DEPTH = 3
LITERALS = ("a", "b", "c", "d")
NOISE = ("x", "7", "A")
VALUES = st.text(alphabet="0123456789", min_size=1, max_size=3)
"""Parameter values: digits only, so they can never equal a literal segment."""
METHODS = ("GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS")
METHOD_KEYS = (*METHODS, "ANY")
LITERAL, PARAM, GREEDY = 0, 1, 2

REST_HOST = "https://abc123.execute-api.us-east-1.amazonaws.com"
HTTP_HOST = "https://h1abc.execute-api.us-east-1.amazonaws.com"
MAT = '{"message":"Missing Authentication Token"}'
NOT_FOUND = '{"message":"Not Found"}'

Tree = dict[str, frozenset[str]]
"""Resource template -> the method keys it has (possibly none, possibly ``ANY``)."""


class Hit(NamedTuple):
    template: str
    method: str
    params: dict[str, str]


# -- random trees ----------------------------------------------------------------------------------------
REST_VARIABLES = st.sampled_from([(), ("param",), ("greedy",)])
"""AWS allows one variable child per resource, single-segment or greedy (reference 1.2)."""
HTTP_VARIABLES = st.sampled_from([(), ("param",), ("greedy",), ("param", "greedy")])
ANY_METHODS = st.frozensets(st.sampled_from(METHOD_KEYS), max_size=3)
WITH_GET = ANY_METHODS.map(lambda ms: ms | {"GET"})
WITH_SOME = st.frozensets(st.sampled_from(METHOD_KEYS), min_size=1, max_size=3)


def _join(parent: str, part: str) -> str:
    return "/" + part if parent == "/" else f"{parent}/{part}"


def _grow(
    draw: st.DrawFn,
    tree: Tree,
    path: str,
    depth: int,
    methods: st.SearchStrategy[frozenset[str]],
    variables: st.SearchStrategy[tuple[str, ...]],
) -> None:
    tree[path] = draw(methods)
    if depth == MAX_DEPTH:
        return
    for literal in draw(st.lists(st.sampled_from(LITERALS), max_size=3 if depth == 0 else 2, unique=True)):
        _grow(draw, tree, _join(path, literal), depth + 1, methods, variables)
    kinds = draw(variables)
    if "param" in kinds:
        _grow(draw, tree, _join(path, f"{{p{depth}}}"), depth + 1, methods, variables)
    if "greedy" in kinds:
        tree[_join(path, f"{{g{depth}+}}")] = draw(methods)


@st.composite
def trees(
    draw: st.DrawFn, methods: st.SearchStrategy[frozenset[str]], variables: st.SearchStrategy[tuple[str, ...]]
) -> Tree:
    tree: Tree = {}
    _grow(draw, tree, "/", 0, methods, variables)
    return tree


@st.composite
def filled(draw: st.DrawFn, template: str) -> tuple[str, dict[str, str]]:
    """A request path built from ``template`` and the parameter values used."""
    out: list[str] = []
    params: dict[str, str] = {}
    for part in _parts(template):
        kind = _kind(part)
        if kind == LITERAL:
            out.append(part)
            continue
        value = draw(VALUES) if kind == PARAM else "/".join(draw(st.lists(VALUES, min_size=1, max_size=3)))
        params[_name(part)] = value
        out.append(value)
    return "/" + "/".join(out), params


SEGMENTS = st.sampled_from(LITERALS + NOISE)
"""Request segments: the trees' own vocabulary plus noise."""


@st.composite
def near_paths(draw: st.DrawFn, tree: Tree) -> list[str]:
    """A path shaped like one of the tree's templates, with its variables filled from the literal
    vocabulary (so literal and variable branches compete), then maybe cut or extended by a segment."""
    segs: list[str] = []
    for part in _parts(draw(st.sampled_from(sorted(tree)))):
        kind = _kind(part)
        if kind == LITERAL:
            segs.append(part)
        else:
            segs += draw(st.lists(SEGMENTS, min_size=1, max_size=1 if kind == PARAM else 3))
    edit = draw(st.sampled_from(("keep", "cut", "extend")))
    if edit == "cut":
        return segs[:-1]
    return [*segs, draw(SEGMENTS)] if edit == "extend" else segs


@st.composite
def scenarios(
    draw: st.DrawFn, methods: st.SearchStrategy[frozenset[str]], variables: st.SearchStrategy[tuple[str, ...]]
) -> tuple[Tree, list[str]]:
    """A random tree and a request path: random from the vocabulary, or near one of the templates."""
    tree = draw(trees(methods, variables))
    segs = draw(st.one_of(st.lists(SEGMENTS, max_size=5), near_paths(tree)))
    return tree, segs


# -- the brute-force reference matcher -------------------------------------------------------------------
def _parts(template: str) -> list[str]:
    return [p for p in template.split("/") if p]


def _kind(part: str) -> int:
    if part.startswith("{") and part.endswith("+}"):
        return GREEDY
    return PARAM if part.startswith("{") and part.endswith("}") else LITERAL


def _name(part: str) -> str:
    return part[1:-2] if _kind(part) == GREEDY else part[1:-1]


def kinds(template: str) -> tuple[int, ...]:
    return tuple(_kind(p) for p in _parts(template))


def template_match(template: str, segs: list[str]) -> dict[str, str] | None:
    """The parameters if ``template`` matches the segments; a greedy part needs at least one segment."""
    parts = _parts(template)
    params: dict[str, str] = {}
    for i, part in enumerate(parts):
        if i >= len(segs):
            return None
        kind = _kind(part)
        if kind == GREEDY:
            params[_name(part)] = "/".join(segs[i:])
            return params
        if kind == PARAM:
            params[_name(part)] = segs[i]
        elif part != segs[i]:
            return None
    return params if len(parts) == len(segs) else None


def _method_key(methods: Iterable[str], method: str) -> str | None:
    methods = set(methods)
    if method in methods:
        return method
    return "ANY" if "ANY" in methods else None


def reference_rest(tree: Tree, segs: list[str], method: str) -> Hit | None:
    """Every (resource, method) able to serve the request; the smallest kind sequence wins (ref 1.3)."""
    candidates: list[tuple[tuple[int, ...], Hit]] = []
    for template, methods in tree.items():
        key = _method_key(methods, method)
        params = template_match(template, segs)
        if key is not None and params is not None:
            candidates.append((kinds(template), Hit(template, key, params)))
    return min(candidates, key=lambda c: c[0])[1] if candidates else None


def reference_http(tree: Tree, segs: list[str], method: str) -> Hit | None:
    """Full match (kinds, then exact before ANY), else the deepest greedy route (ref 5)."""
    full: list[tuple[tuple[tuple[int, ...], bool], Hit]] = []
    greedy: list[tuple[tuple[int, tuple[int, ...], bool], Hit]] = []
    for template, methods in tree.items():
        params = template_match(template, segs)
        if params is None:
            continue
        for key in {m for m in methods if m in (method, "ANY")}:
            hit = Hit(template, key, params)
            ks = kinds(template)
            if ks and ks[-1] == GREEDY:
                greedy.append(((-len(ks), ks, key != method), hit))
            else:
                full.append(((ks, key != method), hit))
    if full:
        return min(full, key=lambda c: c[0])[1]
    return min(greedy, key=lambda c: c[0])[1] if greedy else None


# -- building what the router sees -----------------------------------------------------------------------
def route_specs(tree: Tree) -> list[str]:
    """Builder route strings; a resource without methods is declared bare (REST only)."""
    specs: list[str] = []
    for template, methods in sorted(tree.items()):
        specs += [f"{m} {template}" for m in sorted(methods)] or [template]
    return specs


def rest_gateway(tree: Tree) -> Gateway:
    return Gateway(world(rest_api("abc123", stages={"prod": route_specs(tree)})))


def http_gateway(tree: Tree, default_route: bool) -> Gateway:
    routes = [s for s in route_specs(tree) if " " in s] + (["$default"] if default_route else [])
    return Gateway(world(http_api("h1abc", stages={"$default": routes})))


def trie_of(tree: Tree) -> Trie[str]:
    trie: Trie[str] = Trie()
    for template, methods in tree.items():
        trie.add(template, None, None)
        for m in methods:
            trie.add(template, m, f"{m} {template}")
    return trie


def _hit(template: str, method: str, params: Iterable[tuple[str, str]]) -> Hit:
    return Hit(template, method, dict(params))


def _path(segs: list[str], trailing_slash: bool) -> str:
    return "/" + "/".join(segs) + ("/" if trailing_slash and segs else "")


def outranked(tree: Tree, template: str, segs: list[str]) -> bool:
    """True when an HTTP route of higher priority than ``template`` also serves GET on ``segs``."""
    best = reference_http(tree, segs, "GET")
    return best is None or best.template != template


# -- (a) a request built from a template matches it ----------------------------------------------------
@SETTINGS
@given(data=st.data())
def test_rest_request_from_template_matches_it(data: st.DataObject) -> None:
    tree = data.draw(trees(WITH_GET, REST_VARIABLES))
    template = data.draw(st.sampled_from(sorted(tree)))
    path, params = data.draw(filled(template))
    outcome = rest_gateway(tree).handle(Request.from_url("GET", f"{REST_HOST}/prod{path}"))
    assert outcome.matched is not None, (template, path)
    assert _hit(outcome.matched.resource, outcome.matched.method, outcome.matched.path_parameters) == Hit(
        template, "GET", params
    )


@SETTINGS
@given(data=st.data())
def test_http_request_from_template_matches_it(data: st.DataObject) -> None:
    tree = data.draw(trees(WITH_GET, HTTP_VARIABLES))
    template = data.draw(st.sampled_from(sorted(tree)))
    path, params = data.draw(filled(template))
    assume(not outranked(tree, template, _parts(path)))
    outcome = http_gateway(tree, default_route=True).handle(Request.from_url("GET", f"{HTTP_HOST}{path}"))
    assert outcome.matched is not None, (template, path)
    assert _hit(outcome.matched.resource, outcome.matched.method, outcome.matched.path_parameters) == Hit(
        template, "GET", params
    )


@SETTINGS
@given(data=st.data())
def test_trie_request_from_template_matches_it(data: st.DataObject) -> None:
    tree = data.draw(trees(WITH_GET, REST_VARIABLES))
    template = data.draw(st.sampled_from(sorted(tree)))
    path, params = data.draw(filled(template))
    found = trie_of(tree).match_rest(split(path), "GET")
    assert found is not None and found.handler == f"GET {template}"
    assert _hit(found.template, found.method, found.path_parameters) == Hit(template, "GET", params)


# -- (b) the trie agrees with the brute-force reference --------------------------------------------------
@SETTINGS
@given(scenario=scenarios(ANY_METHODS, REST_VARIABLES), method=st.sampled_from(METHODS), trailing_slash=st.booleans())
def test_rest_trie_agrees_with_reference(scenario: tuple[Tree, list[str]], method: str, trailing_slash: bool) -> None:
    tree, segs = scenario
    found = trie_of(tree).match_rest(split(_path(segs, trailing_slash)), method)
    got = None if found is None else _hit(found.template, found.method, found.path_parameters)
    assert got == reference_rest(tree, segs, method)
    assert found is None or found.handler == f"{found.method} {found.template}"


@SETTINGS
@given(scenario=scenarios(ANY_METHODS, REST_VARIABLES), method=st.sampled_from(METHODS), trailing_slash=st.booleans())
def test_rest_gateway_agrees_with_reference(
    scenario: tuple[Tree, list[str]], method: str, trailing_slash: bool
) -> None:
    tree, segs = scenario
    outcome = rest_gateway(tree).handle(Request.from_url(method, f"{REST_HOST}/prod{_path(segs, trailing_slash)}"))
    want = reference_rest(tree, segs, method)
    if want is None:
        assert outcome.matched is None
        assert (outcome.response.status, outcome.response.body) == (403, MAT)
        return
    assert outcome.matched is not None
    assert _hit(outcome.matched.resource, outcome.matched.method, outcome.matched.path_parameters) == want


@SETTINGS
@given(scenario=scenarios(WITH_SOME, HTTP_VARIABLES), method=st.sampled_from(METHODS), trailing_slash=st.booleans())
def test_http_trie_agrees_with_reference(scenario: tuple[Tree, list[str]], method: str, trailing_slash: bool) -> None:
    tree, segs = scenario
    trie: Trie[str] = Trie.build((t, m, f"{m} {t}") for t, ms in tree.items() for m in ms)
    found = trie.match_http(split(_path(segs, trailing_slash)), method)
    got = None if found is None else _hit(found.template, found.method, found.path_parameters)
    assert got == reference_http(tree, segs, method)


@SETTINGS
@given(scenario=scenarios(WITH_SOME, HTTP_VARIABLES), method=st.sampled_from(METHODS), default_route=st.booleans())
def test_http_gateway_agrees_with_reference(scenario: tuple[Tree, list[str]], method: str, default_route: bool) -> None:
    tree, segs = scenario
    outcome = http_gateway(tree, default_route).handle(Request.from_url(method, f"{HTTP_HOST}{_path(segs, False)}"))
    want = reference_http(tree, segs, method)
    if want is None and not default_route:
        assert outcome.matched is None
        assert (outcome.response.status, outcome.response.body) == (404, NOT_FOUND)
        return
    assert outcome.matched is not None
    if want is None:
        assert outcome.matched.resource == "$default"
        return
    assert _hit(outcome.matched.resource, outcome.matched.method, outcome.matched.path_parameters) == want


# -- the reference matcher itself, on the AWS-validated table (reference 1.3 and 5) ------------------------
def _tree(spec: Mapping[str, Iterable[str]]) -> Tree:
    return {t: frozenset(ms) for t, ms in spec.items()}


def test_reference_rest_reproduces_validated_table() -> None:
    options = _tree({"/": (), "/test": ("POST",), "/test/any": ("ANY",), "/{proxy+}": ("OPTIONS",)})
    assert reference_rest(options, ["test"], "OPTIONS") == Hit("/{proxy+}", "OPTIONS", {"proxy": "test"})
    assert reference_rest(options, ["test", "any"], "GET") == Hit("/test/any", "ANY", {})
    greedy = _tree({"/": (), "/part1": ("GET",), "/part1/hardcoded-value": ("GET",), "/{param+}": ("GET",)})
    assert reference_rest(greedy, ["part1", "random-value"], "GET") == Hit(
        "/{param+}", "GET", {"param": "part1/random-value"}
    )
    assert reference_rest(greedy, [], "GET") is None


def test_reference_http_reproduces_documented_table() -> None:
    routes = _tree(
        {"/pets/dog/1": ("GET",), "/pets/dog/{id}": ("GET",), "/pets/{proxy+}": ("GET",), "/{proxy+}": ("ANY",)}
    )
    assert reference_http(routes, ["pets", "dog", "1"], "GET") == Hit("/pets/dog/1", "GET", {})
    assert reference_http(routes, ["pets", "dog", "2"], "GET") == Hit("/pets/dog/{id}", "GET", {"id": "2"})
    assert reference_http(routes, ["pets", "cat", "1"], "GET") == Hit("/pets/{proxy+}", "GET", {"proxy": "cat/1"})
    assert reference_http(routes, ["test", "5"], "POST") == Hit("/{proxy+}", "ANY", {"proxy": "test/5"})
