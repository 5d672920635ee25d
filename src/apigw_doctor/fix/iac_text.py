"""Editing infrastructure code as text (pure): what the located patches of :mod:`.iac_patch` are made of.

Each edit takes a file's text and returns the edited text, or None when it cannot be made safely (the caller then
shows the snippet at its line instead of a diff). Positions are found again in the text given, so edits to the
same file chain in any order. HCL blocks are found by their header and matched braces (strings, interpolations,
comments and heredocs skipped); YAML blocks by indentation.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

_HEREDOC = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_]*)[ \t]*\n")


def unified_diff(path: str, old: str, new: str) -> str:
    """``old`` -> ``new`` as a unified diff with ``path`` on both sides (``patch -p0`` or ``git apply -p0``)."""
    out: list[str] = []
    for line in difflib.unified_diff(old.splitlines(True), new.splitlines(True), path, path):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def first_changed_line(old: str, new: str) -> int:
    """The 1-based line where ``new`` starts to differ from ``old`` (past blank lines it adds)."""
    before, after = old.splitlines(), new.splitlines()
    i = next((n for n, (a, b) in enumerate(zip(before, after, strict=False)) if a != b), min(len(before), len(after)))
    while i < len(after) - 1 and not after[i].strip():
        i += 1
    return i + 1


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


# -- HCL --------------------------------------------------------------------------------------------------
def _skip_string(text: str, i: int) -> int:
    """The index after the string opened at ``text[i] == '"'`` (interpolations may hold strings)."""
    i += 1
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
        elif c == '"' or c == "\n":
            return i + 1 if c == '"' else i
        elif text.startswith(("${", "%{"), i):
            i = _hcl_scan(text, i + 1, newline=False) + 1
        else:
            i += 1
    return i


def _hcl_scan(text: str, pos: int, *, newline: bool) -> int:
    """From ``pos``: the index of the bracket closing the first one opened (``newline=False``), or of the first
    newline outside brackets (``newline=True``); strings, comments and heredocs are skipped. ``len(text)``: none."""
    depth, i, n = 0, pos, len(text)
    while i < n:
        c = text[i]
        heredoc = _HEREDOC.match(text, i) if c == "<" else None
        if c == '"':
            i = _skip_string(text, i)
            continue
        if heredoc is not None:
            end = re.compile(rf"^[ \t]*{heredoc.group(1)}[ \t]*$", re.M).search(text, heredoc.end())
            i = end.end() if end else n
            continue
        if c == "#" or text.startswith("//", i):
            found = text.find("\n", i)
            i = n if found < 0 else found
            continue
        if text.startswith("/*", i):
            found = text.find("*/", i + 2)
            i = n if found < 0 else found + 2
            continue
        if c in "{[(":
            depth += 1
        elif c in "}])":
            depth -= 1
            if depth <= 0 and not newline:
                return i
        elif c == "\n" and depth <= 0 and newline:
            return i
        i += 1
    return n


def _offset(lines: list[str], index: int) -> int:
    return sum(len(line) for line in lines[:index])


def _line_at(lines: list[str], offset: int) -> int:
    total = 0
    for i, line in enumerate(lines):
        total += len(line)
        if offset < total:
            return i
    return len(lines) - 1


def hcl_block(text: str, rtype: str, name: str) -> tuple[int, int] | None:
    """(index of the ``resource "TYPE" "NAME" {`` line, index of the line closing it), 0-based; None: not found,
    or written on one line."""
    header = re.compile(rf'^[ \t]*resource[ \t]+"{re.escape(rtype)}"[ \t]+"{re.escape(name)}"[ \t]*\{{', re.M)
    found = header.search(text)
    if found is None:
        return None
    close = _hcl_scan(text, found.start(), newline=False)
    lines = text.splitlines(True)
    start, end = _line_at(lines, found.start()), _line_at(lines, close)
    return None if close >= len(text) or end == start else (start, end)


def _hcl_argument(lines: list[str], block: tuple[int, int], argument: str) -> tuple[int, int] | None:
    """(first, last) line index of ``argument = ...`` (or a ``argument {`` block) directly inside ``block``."""
    start, end = block
    text = "".join(lines)
    pattern = re.compile(rf"^[ \t]*{re.escape(argument)}[ \t]*(=|\{{)")
    depth_indent = _child_indent(lines, start, end)
    for i in range(start + 1, end):
        if indent_of(lines[i]) == depth_indent and pattern.match(lines[i]):
            stop = _hcl_scan(text, _offset(lines, i) + lines[i].index(argument) + len(argument), newline=True)
            return i, _line_at(lines, max(stop - 1, 0))
    return None


def _child_indent(lines: list[str], start: int, end: int) -> int:
    for line in lines[start + 1 : end]:
        if line.strip():
            return indent_of(line)
    return indent_of(lines[start]) + 2


def indented(block: str, spaces: int) -> list[str]:
    return [(" " * spaces + line if line.strip() else "") + "\n" for line in block.splitlines()]


def hcl_set(text: str, rtype: str, name: str, argument: str, written: str) -> str | None:
    """Set ``argument`` (``written`` is ``argument = value`` or ``argument { ... }``, unindented) in a resource
    block: it replaces the argument where it is, else goes last in the block."""
    block = hcl_block(text, rtype, name)
    if block is None:
        return None
    lines = text.splitlines(True)
    new = indented(written, _child_indent(lines, *block))
    where = _hcl_argument(lines, block, argument)
    if where is None:
        lines[block[1] : block[1]] = new
    else:
        lines[where[0] : where[1] + 1] = new
    return "".join(lines)


def hcl_append(text: str, written: str) -> str:
    """A new block at the end of the file, after one blank line."""
    return text.rstrip("\n") + "\n\n" + written.rstrip("\n") + "\n"


def hcl_names(text: str, rtype: str) -> set[str]:
    return set(re.findall(rf'^[ \t]*resource[ \t]+"{re.escape(rtype)}"[ \t]+"([^"]+)"', text, re.M))


# -- YAML -------------------------------------------------------------------------------------------------
def yaml_block_end(lines: list[str], start: int) -> int:
    """The index after the last line of the block whose key is ``lines[start]``."""
    base, end = indent_of(lines[start]), start + 1
    opens_list = lines[start].rstrip().endswith(":") and not lines[start].lstrip().startswith("- ")
    for i in range(start + 1, len(lines)):
        if _blank(lines[i]):
            continue
        inner = indent_of(lines[i]) > base or (
            opens_list and lines[i].lstrip().startswith("- ") and indent_of(lines[i]) == base
        )
        if not inner:
            break
        end = i + 1
    return end


def yaml_child_indent(lines: list[str], start: int) -> int:
    end = yaml_block_end(lines, start)
    for line in lines[start + 1 : end]:
        if not _blank(line):
            return indent_of(line) if not line.lstrip().startswith("- ") else indent_of(line) + 2
    return indent_of(lines[start]) + 2


def yaml_insert(text: str, line: int, written: str, *, last: bool = False) -> str | None:
    """Insert ``written`` (unindented YAML) as the first (or ``last``) child of the key on 1-based ``line``."""
    lines = text.splitlines(True)
    start = line - 1
    if start >= len(lines) or not lines[start].split("#", 1)[0].rstrip().endswith(":"):
        return None  # a key with an inline value ({...}, a scalar): left to the snippet
    if lines[-1] and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    at = yaml_block_end(lines, start) if last else start + 1
    lines[at:at] = indented(written, yaml_child_indent(lines, start))
    return "".join(lines)


def yaml_replace(text: str, line: int, written: str) -> str:
    """Replace the key on 1-based ``line`` and its block with ``written`` (unindented), at the same indentation."""
    lines = text.splitlines(True)
    start = line - 1
    lines[start : yaml_block_end(lines, start)] = indented(written, indent_of(lines[start]))
    return "".join(lines)


def yaml_token(text: str, lines_at: Iterable[int], old: str, new: str) -> str:
    """Rename the name ``old`` to ``new`` on the given 1-based lines (not inside longer names, nor after ``::``)."""
    token = re.compile(rf"(?<![A-Za-z0-9:]){re.escape(old)}(?![A-Za-z0-9])")
    lines = text.splitlines(True)
    for line in set(lines_at):
        lines[line - 1] = token.sub(new, lines[line - 1])
    return "".join(lines)


def hcl_lifecycle(text: str, rtype: str, name: str) -> str | None:
    """``create_before_destroy = true`` in the resource's ``lifecycle`` block (added when there is none)."""
    block = hcl_block(text, rtype, name)
    if block is None:
        return None
    lines = text.splitlines(True)
    where = _hcl_argument(lines, block, "lifecycle")
    if where is None:
        return hcl_set(text, rtype, name, "lifecycle", LIFECYCLE)
    first, last = where
    for i in range(first, last + 1):
        if re.match(r"^[ \t]*create_before_destroy[ \t]*=", lines[i]):
            lines[i] = re.sub(r"=.*", "= true", lines[i].rstrip("\n")) + "\n"
            return "".join(lines)
    if first == last:
        return None  # a one-line lifecycle { ... }: left to the snippet
    lines[first + 1 : first + 1] = indented("create_before_destroy = true", indent_of(lines[first]) + 2)
    return "".join(lines)


def yaml_copy(text: str, line: int) -> str:
    """The key on 1-based ``line`` and its block, unindented (to write it elsewhere)."""
    lines = text.splitlines(True)
    block = lines[line - 1 : yaml_block_end(lines, line - 1)]
    cut = indent_of(block[0])
    return "".join(b[cut:] if b.strip() else "\n" for b in block)


# -- writing new code ------------------------------------------------------------------------------------
LIFECYCLE = "lifecycle {\n  create_before_destroy = true\n}\n"


def tf_block(rtype: str, name: str, arguments: Iterable[tuple[str, str]]) -> str:
    """``resource "TYPE" "NAME" { ... }`` with its arguments aligned as ``terraform fmt`` does."""
    pairs = list(arguments)
    width = max((len(k) for k, v in pairs if "\n" not in v), default=0)
    body = "".join(f"  {k.ljust(width)} = {v}\n" if "\n" not in v else f"  {k} = {v}\n" for k, v in pairs)
    return f'resource "{rtype}" "{name}" {{\n{body}}}\n'


def tf_triggers(references: Iterable[str]) -> str:
    listed = "".join(f"    {r},\n" for r in references)
    return f"triggers = {{\n  redeployment = sha1(jsonencode([\n{listed}  ]))\n}}\n"


def cfn_resource(logical_id: str, rtype: str, properties: Iterable[tuple[str, str]], depends_on: str = "") -> str:
    """A template resource in YAML (unindented); a property value with newlines is a nested block."""
    props = "".join(f"    {k}:\n{_shift(v, 6)}" if "\n" in v else f"    {k}: {v}\n" for k, v in properties)
    depends = f"  DependsOn: {depends_on}\n" if depends_on else ""
    return f"{logical_id}:\n  Type: {rtype}\n{depends}  Properties:\n{props}"


def _shift(block: str, spaces: int) -> str:
    return "".join(indented(block, spaces))


__all__ = [
    "LIFECYCLE",
    "cfn_resource",
    "first_changed_line",
    "hcl_append",
    "hcl_block",
    "hcl_lifecycle",
    "hcl_names",
    "hcl_set",
    "indent_of",
    "indented",
    "tf_block",
    "tf_triggers",
    "unified_diff",
    "yaml_block_end",
    "yaml_copy",
    "yaml_insert",
    "yaml_replace",
    "yaml_token",
]
