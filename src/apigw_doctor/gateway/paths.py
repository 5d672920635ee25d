"""Path splitting and route templates, shared by the REST and HTTP API routers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Segments:
    """The non-empty segments of a raw path, with where each sits in ``raw``.

    Empty segments (``//``, a trailing ``/``) are skipped for matching, as API Gateway does,
    but a greedy ``{proxy+}`` value is cut from ``raw`` so inner double slashes survive.
    """

    raw: str
    parts: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.parts)

    def tail(self, i: int) -> str:
        """The raw text from segment ``i`` to the last segment (trailing slash dropped)."""
        return self.raw[self.starts[i] : self.ends[-1]] if i < len(self.parts) else ""

    def drop(self, n: int) -> Segments:
        return Segments(self.raw, self.parts[n:], self.starts[n:], self.ends[n:])

    def as_path(self) -> str:
        """The normalised path (``/a/b``), ``/`` when empty."""
        return "/" + "/".join(self.parts)


def split(raw: str) -> Segments:
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(raw)
    while i < n:
        if raw[i] == "/":
            i += 1
            continue
        j = raw.find("/", i)
        if j < 0:
            j = n
        parts.append(raw[i:j])
        starts.append(i)
        ends.append(j)
        i = j
    return Segments(raw, tuple(parts), tuple(starts), tuple(ends))


LITERAL, PARAM, GREEDY = 0, 1, 2


def segment_kind(part: str) -> int:
    if part.startswith("{") and part.endswith("}"):
        return GREEDY if part.endswith("+}") else PARAM
    return LITERAL


def param_name(part: str) -> str:
    return part[1:-2] if part.endswith("+}") else part[1:-1]


def template_parts(path: str) -> tuple[str, ...]:
    return tuple(p for p in path.split("/") if p)


def fill_template(template: str, values: dict[str, str]) -> str:
    """``/pets/{id}`` + ``{"id": "7"}`` -> ``/pets/7``. Missing values keep a readable placeholder."""
    out = []
    for part in template_parts(template):
        kind = segment_kind(part)
        out.append(part if kind == LITERAL else values.get(param_name(part), part))
    return "/" + "/".join(out)


def rename_params(template: str, captured: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """Give captured values (in path order) the parameter names ``template`` uses."""
    names = [param_name(p) for p in template_parts(template) if segment_kind(p) != LITERAL]
    if len(names) != len(captured):
        return captured
    return tuple((name, value) for name, (_, value) in zip(names, captured, strict=True))
