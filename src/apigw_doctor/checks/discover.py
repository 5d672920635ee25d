"""What ``check PATH...`` reads: PATHs walked for API sources, each source loaded on its own.

This is the one place of the checks that touches the file system; the checks themselves only see the
:class:`CheckInput` built here.

* **Finding sources.** A file PATH is a source. A directory is walked (``.git``, ``node_modules``,
  ``.terraform``, ``.venv``, ``__pycache__`` and SAM's build output ``.aws-sam`` are skipped) for
  ``*.yaml``, ``*.yml``, ``*.json`` and ``*.template`` files, and every directory holding ``*.tf`` files
  is **one** Terraform source (a module is its directory: a deployment in ``main.tf`` and its methods in
  ``api.tf`` belong together). For the same reason a ``*.tf`` file named on the command line stands for
  its directory. Which files are API sources is decided by content, by :mod:`apigw_doctor.sources`.
* **Loading.** Each source is loaded separately, so one bad file never hides the others:

  ========================  ===============================  ==========================================
  what loading says          a source found by walking         a source named on the command line
  ========================  ===============================  ==========================================
  an impossible route tree  ``refused``: the APIGW060 check reports it at its location
  not an API source         skipped silently                  exit 2 (skipped silently with
                                                               ``--skip-unknown``)
  unreadable, malformed     ``skipped FILE: reason``          exit 2 (a ``skipped`` line with
                                                               ``--skip-unknown`` when it cannot be parsed)
  an API source, broken     ``skipped FILE: reason``          exit 2
  a bug in a source         an APIGW000 finding at the file, the other files still load
  ========================  ===============================  ==========================================

  The directory named on the command line is explicit too: its own ``*.tf`` files are a named source.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields, is_dataclass, replace
from functools import cache
from typing import Any, cast

from ..errors import InputError
from ..model import Origin, World
from .core import CRASHED, CheckFinding

SKIP_DIRS = frozenset((".git", "node_modules", ".terraform", ".venv", "__pycache__", ".aws-sam"))
FILE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
TF_SUFFIX = ".tf"
UNKNOWN, UNPARSEABLE, SOURCE = "unknown", "unparseable", "source"


@dataclass(frozen=True, slots=True)
class Target:
    """A file, or a directory of ``*.tf`` files (one Terraform source); ``explicit`` when named as a PATH."""

    path: str
    explicit: bool


@dataclass(frozen=True, slots=True)
class Skipped:
    path: str
    reason: str

    def __str__(self) -> str:
        located = self.reason.startswith((f"{self.path}:", f"{self.path}#"))
        return f"skipped {self.reason}" if located else f"skipped {self.path}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Loaded:
    """Every source merged into one World, what AWS would refuse, and what could not be read."""

    world: World
    refused: tuple[tuple[str, Origin], ...]
    sources: tuple[str, ...]
    """The sources that were read (loaded or refused), in order."""
    skipped: tuple[Skipped, ...]
    crashes: tuple[CheckFinding, ...] = ()


def display_path(path: str, cwd: str | None = None) -> str:
    """``path`` as findings show it: relative to ``cwd`` when inside it (``./a/../b.yaml`` -> ``b.yaml``)."""
    cwd = cwd or os.getcwd()
    absolute = os.path.normpath(os.path.join(cwd, path))
    if absolute == cwd:
        return "."
    if absolute.startswith(cwd.rstrip(os.sep) + os.sep):
        return os.path.relpath(absolute, cwd)
    return absolute


def find_targets(paths: Sequence[str]) -> tuple[tuple[Target, ...], tuple[Skipped, ...]]:
    """The sources under ``paths`` (files and Terraform directories, each once), and unreadable directories."""
    found: dict[str, Target] = {}
    skipped: list[Skipped] = []
    for raw in paths:
        path = display_path(raw)
        if os.path.isdir(path):
            for target in _walk(path, skipped):
                _add(found, target)
        elif os.path.exists(path):
            module = (os.path.dirname(path) or ".") if path.endswith(TF_SUFFIX) else None
            _add(found, Target(module or path, explicit=True))
        else:
            raise InputError("no such file or directory", raw)
    return tuple(found.values()), tuple(skipped)


def _add(found: dict[str, Target], target: Target) -> None:
    known = found.get(target.path)
    if known is None or (target.explicit and not known.explicit):
        found[target.path] = target


def _walk(root: str, skipped: list[Skipped]) -> Iterator[Target]:
    def unreadable(exc: OSError) -> None:
        skipped.append(Skipped(display_path(exc.filename or root), f"cannot read the directory ({exc.strerror})"))

    for directory, dirnames, filenames in os.walk(root, onerror=unreadable):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        names = sorted(filenames)
        if any(n.endswith(TF_SUFFIX) for n in names):
            yield Target(os.path.normpath(directory), explicit=directory == root)
        for name in names:
            if name.lower().endswith(FILE_SUFFIXES):
                yield Target(os.path.normpath(os.path.join(directory, name)), explicit=False)


def load_targets(
    targets: Iterable[Target],
    load: Callable[[str], World],
    *,
    skip_unknown: bool = False,
    debug: bool = False,
) -> Loaded:
    """Load every target with ``load`` (``sources.load_file``) and merge what loads (see the module's table).

    A file found by walking that another source already read (a Terraform ``body = file("openapi.yaml")``,
    a template's ``BodyS3Location``) is not checked again on its own: its findings belong to that source.
    """
    from ..sources.validate import ImpossibleTree

    read: list[tuple[Target, World]] = []
    refused: list[tuple[str, Origin]] = []
    skipped: list[Skipped] = []
    crashes: list[CheckFinding] = []
    for target in targets:
        try:
            read.append((target, load(target.path)))
        except ImpossibleTree as exc:
            refused.append((exc.message, exc.origin))
            read.append((target, World()))
        except InputError as exc:
            kind = classify(target.path)
            if kind == UNKNOWN and (skip_unknown or not target.explicit):
                continue
            if target.explicit and not (skip_unknown and kind == UNPARSEABLE):
                raise
            skipped.append(Skipped(target.path, str(exc)))
        except Exception as exc:  # a bug in a source: a finding at the file, never an aborted run
            if debug:
                raise
            crashes.append(_crash(target.path, exc))
    walked = {t.path for t, _ in read if not t.explicit}
    part_of_another = _read_by_others(read) & walked if walked and len(read) > 1 else set()
    kept = [(t, w) for t, w in read if t.path not in part_of_another]
    world = World(
        apis=tuple(a for _, w in kept for a in w.apis),
        domains=tuple(d for _, w in kept for d in w.domains),
        notes=tuple(n for _, w in kept for n in w.notes),
    )
    return Loaded(world, tuple(refused), tuple(t.path for t, _ in kept), tuple(skipped), tuple(crashes))


def _read_by_others(read: Sequence[tuple[Target, World]]) -> set[str]:
    """The files some source read besides its own path (the origins of what it loaded)."""
    found: set[str] = set()
    for target, world in read:
        sources: set[str] = set()
        _origin_sources(world, sources)
        sources.discard(target.path)
        found |= sources
    return found


def _origin_sources(value: object, found: set[str]) -> None:
    if isinstance(value, Origin):
        found.add(value.source)
    elif isinstance(value, tuple):
        for item in value:
            _origin_sources(item, found)
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            _origin_sources(getattr(value, f.name), found)


def _crash(path: str, exc: Exception) -> CheckFinding:
    return CheckFinding(
        check_id=CRASHED.id,
        severity=CRASHED.severity,
        message=f"reading {path} failed: {type(exc).__name__}: {exc} (a bug in apigw-doctor: please report it "
        "with this file; the other files were checked)",
        origin=Origin(source=path),
        subject=f"load:{path}",
    )


def classify(path: str) -> str:
    """After a failed load: ``source`` (an API source, broken), ``unknown`` (parses, but is none) or
    ``unparseable`` (cannot be read or parsed, so no one can tell).

    The content is parsed leniently (any YAML tag is accepted) and handed to ``sources.detect_kind``.
    """
    from ..sources import Document, detect_kind

    if os.path.isdir(path):
        return SOURCE
    data = _lenient_read(path)
    if data is None:
        return UNPARSEABLE
    if not isinstance(data, dict):
        return UNKNOWN
    try:
        detect_kind(Document(path, {str(k): v for k, v in data.items()}, "yaml"))
    except InputError:
        return UNKNOWN
    return SOURCE


def _lenient_read(path: str) -> object | None:
    """The parsed content, any YAML tag read as plain data; None when the file cannot be read or parsed."""
    import yaml

    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
        if text.lstrip()[:1] in ("{", "["):
            try:
                return cast(object, json.loads(text))
            except ValueError:
                pass
        return cast(object, yaml.load(text, Loader=_lenient_loader()))  # a SafeLoader subclass: safe
    except (OSError, ValueError, yaml.YAMLError, RecursionError):
        return None


@cache
def _lenient_loader() -> Any:
    import yaml

    class Lenient(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        pass

    def plain(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> object:
        if isinstance(node, yaml.MappingNode):
            return loader.construct_mapping(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_scalar(node)  # type: ignore[arg-type]

    Lenient.add_multi_constructor("!", plain)
    return Lenient


def add_lines(findings: Iterable[CheckFinding]) -> tuple[CheckFinding, ...]:
    """Findings whose origin has a pointer but no line get the line the pointer names in the file (or
    its nearest ancestor's), so OpenAPI and snapshot findings point at a line too. Files that cannot be
    re-read keep their findings as they are."""
    maps: dict[str, Callable[[str], int | None] | None] = {}
    out: list[CheckFinding] = []
    for f in findings:
        o = f.origin
        if o.line is None and o.pointer and o.source and os.path.isfile(o.source):
            if o.source not in maps:
                maps[o.source] = _line_map(o.source)
            lookup = maps[o.source]
            line = lookup(o.pointer) if lookup is not None else None
            if line is not None:
                f = replace(f, origin=Origin(o.source, o.pointer, line))
        out.append(f)
    return tuple(out)


def _line_map(path: str) -> Callable[[str], int | None] | None:
    from ..sources.cloudformation.yaml_cfn import parse_text

    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
        syntax = "json" if text.lstrip()[:1] in ("{", "[") else "yaml"
        _, lines, _ = parse_text(text, path, syntax)
    except (OSError, ValueError, InputError, RecursionError):
        return None
    return lines.line
