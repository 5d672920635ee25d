"""Terraform files (HCL) -> :mod:`.syntax` nodes, with the line of every block, attribute and expression.

python-hcl2 parses the text (its Lark grammar, imported here only when a ``.tf`` file is read); this module
walks the raw parse tree and keeps what the source needs: block types and labels, attributes, and
expressions as :mod:`.syntax` nodes. Quoted strings, heredocs (``<<EOT``, ``<<-EOT``) and template files
(``templatefile``) become :class:`~.syntax.Template` nodes; their ``${...}`` interpolations are parsed as
expressions. A syntax error is an :class:`~apigw_doctor.errors.InputError` at ``file:line:col``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import InputError
from .. import document
from .syntax import (
    Attribute,
    Block,
    Body,
    Call,
    Conditional,
    Expr,
    GetAttr,
    HclFile,
    Index,
    Literal,
    ObjectExpr,
    ObjectItem,
    Operation,
    Step,
    Template,
    Traversal,
    TupleExpr,
    Unsupported,
)

if TYPE_CHECKING:
    from lark import Token, Tree

MAX_BYTES = 16 * 1024 * 1024
"""Larger files are refused: no Terraform module comes close."""
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_CLOSERS = {"RBRACE": "'}'", "RSQB": "']'", "RPAR": "')'", "EQ": "'='", "COMMA": "','"}
_VALUE_STARTS = frozenset(("DBLQUOTE", "INT_LITERAL", "NAME", "LSQB", "LBRACE"))


def read_text(path: str, what: str = "a Terraform (.tf) file") -> str:
    """The file's text; InputError when it is missing, unreadable, binary, not UTF-8 or too large."""
    return document.read_text(path, what, MAX_BYTES)


def parse_file(path: str) -> HclFile:
    return HclFile(path, parse_text(read_text(path), path))


def parse_text(text: str, path: str) -> Body:
    """Parse HCL text; InputError ``malformed HCL: ...`` at ``path:line:col`` on a syntax error."""
    return _Converter(text, 0, path).body(_parse_tree(text, path, 0))


def _parse_tree(text: str, path: str, line_offset: int) -> Tree[Token]:
    import hcl2
    from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

    if not hasattr(hcl2, "parses_to_tree"):
        version = getattr(hcl2, "__version__", "older")
        raise InputError(f"reading .tf files needs python-hcl2 8 or later (installed: {version})", path)
    try:
        tree: Tree[Token] = hcl2.parses_to_tree(text)
    except UnexpectedInput as exc:
        where = f"{path}:{exc.line + line_offset}:{exc.column}" if exc.line > 0 else path
        if isinstance(exc, UnexpectedToken):
            token = exc.token
            found = "end of file" if token.type == "$END" else repr(str(token.value).strip()[:30] or "end of line")
            detail = f"unexpected {found}" + _expected(exc.expected)
        elif isinstance(exc, UnexpectedCharacters):
            detail = f"unexpected character {exc.char!r}"
        elif isinstance(exc, UnexpectedEOF):
            detail = "unexpected end of file"
        else:
            detail = "syntax error"
        raise InputError(f"malformed HCL: {detail}", where) from None
    except LarkError as exc:
        raise InputError(f"malformed HCL: {exc}", path) from None
    except RecursionError:
        raise InputError("malformed HCL: nested too deeply", path) from None
    return tree


def _expected(expected: set[str]) -> str:
    """`` (expected '}')`` when the parser wanted a closing token, `` (expected a value)`` after ``=``."""
    if expected >= _VALUE_STARTS:
        return " (expected a value)"
    closers = sorted(_CLOSERS[e] for e in expected if e in _CLOSERS)
    if closers and all(e in _CLOSERS or e in ("NL_OR_COMMENT", "$END") for e in expected):
        return f" (expected {' or '.join(closers)})"
    return ""


def parse_template(text: str, path: str, line: int = 1) -> Literal | Template | Unsupported:
    """A template's text (a template file, a heredoc's body) -> a Literal, a Template or Unsupported.

    ``${expr}`` is an interpolation, ``$${`` and ``%%{`` are the escaped ``${`` and ``%{``; a ``%{ if }`` or
    ``%{ for }`` directive makes the whole template :class:`Unsupported`.
    """
    parts: list[str | Expr] = []
    buf: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text.startswith(("$${", "%%{"), i):
            buf.append(text[i + 1 : i + 3])
            i += 3
        elif text.startswith("%{", i):
            return Unsupported("a template directive (%{ if } / %{ for })", text, line)
        elif text.startswith("${", i):
            end = _closing_brace(text, i + 2)
            at = line + text.count("\n", 0, i)
            if end < 0:
                raise InputError("malformed template: '${' is never closed", f"{path}:{at}")
            inner = text[i + 2 : end]
            if inner.startswith("~"):
                inner = inner[1:]
                buf[:] = ["".join(buf).rstrip()]
            strip_after = inner.endswith("~")
            if strip_after:
                inner = inner[:-1]
            if buf:
                parts.append("".join(buf))
                buf = []
            parts.append(parse_expression(inner, path, at))
            i = end + 1
            if strip_after:
                while i < n and text[i].isspace():
                    i += 1
        else:
            buf.append(text[i])
            i += 1
    if buf:
        parts.append("".join(buf))
    return _template(parts, text, line)


def parse_expression(text: str, path: str, line: int = 1) -> Expr:
    """One expression (the inside of ``${...}``)."""
    wrapped = f"_ = (\n{text}\n)\n"
    tree = _parse_tree(wrapped, path, line - 2)
    attribute = _Converter(wrapped, line - 2, path).body(tree).attributes[0]
    return attribute.value


def _closing_brace(text: str, start: int) -> int:
    """The index of the ``}`` that closes an interpolation opened before ``start`` (-1: never closed)."""
    depth, i, n = 0, start, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c == "{":
            depth += 1
        elif c == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return -1


def _template(parts: list[str | Expr], text: str, line: int) -> Literal | Template:
    if all(isinstance(p, str) for p in parts):
        return Literal("".join(p for p in parts if isinstance(p, str)), text, line)
    return Template(tuple(parts), text, line)


def _unescape(raw: str) -> str:
    out: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c != "\\" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        nxt = raw[i + 1]
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif nxt in "uU":
            width = 4 if nxt == "u" else 8
            digits = raw[i + 2 : i + 2 + width]
            try:
                out.append(chr(int(digits, 16)) if len(digits) == width else raw[i : i + 2])
                i += 2 + width if len(digits) == width else 2
            except ValueError:
                out.append(raw[i : i + 2])
                i += 2
        else:
            out.append(raw[i : i + 2])
            i += 2
    return "".join(out)


def _heredoc(token: str) -> tuple[str, bool]:
    """``<<EOT\\nbody\\nEOT\\n`` -> (``body\\n``, trim); ``<<-`` removes the common indentation."""
    lines = token.replace("\r\n", "\n").split("\n")
    trim = lines[0].startswith("<<-")
    while lines and not lines[-1].strip():
        lines.pop()
    body = lines[1:-1]
    if trim:
        indents = [len(ln) - len(ln.lstrip(" \t")) for ln in body if ln.strip()]
        cut = min(indents, default=0)
        body = [ln[cut:] for ln in body]
    return "".join(ln + "\n" for ln in body), trim


class _Converter:
    """Raw Lark tree (python-hcl2's grammar) -> syntax nodes. Tokens are ``str`` subclasses; trees are not."""

    def __init__(self, text: str, line_offset: int, path: str) -> None:
        self.text = text
        self.offset = line_offset
        self.path = path

    def _line(self, node: Tree[Token] | Token) -> int:
        if isinstance(node, str):
            return (node.line or 1) + self.offset
        meta = node.meta
        return (meta.line if not meta.empty else 1) + self.offset

    def _text(self, node: Tree[Token]) -> str:
        meta = node.meta
        return "" if meta.empty else self.text[meta.start_pos : meta.end_pos].strip()

    @staticmethod
    def _trees(node: Tree[Token]) -> list[Tree[Token]]:
        return [c for c in node.children if not isinstance(c, str) and c.data != "new_line_or_comment"]

    @staticmethod
    def _name(node: Tree[Token] | Token) -> str:
        if isinstance(node, str):
            return str(node)
        return "".join(str(c) for c in node.children if isinstance(c, str))

    def body(self, tree: Tree[Token]) -> Body:
        if tree.data == "start":
            tree = self._trees(tree)[0]
        attributes: list[Attribute] = []
        blocks: list[Block] = []
        for child in self._trees(tree):
            if child.data == "attribute":
                trees = self._trees(child)
                attributes.append(Attribute(self._name(trees[0]), self.expr(trees[-1]), self._line(child)))
            elif child.data == "block":
                blocks.append(self.block(child))
        return Body(tuple(attributes), tuple(blocks))

    def block(self, tree: Tree[Token]) -> Block:
        trees = self._trees(tree)
        labels = []
        for label in trees[1:-1]:
            if label.data == "string":
                value = self.expr(label)
                labels.append(str(value.value) if isinstance(value, Literal) else self._text(label).strip('"'))
            else:
                labels.append(self._name(label))
        return Block(self._name(trees[0]), tuple(labels), self.body(trees[-1]), self._line(tree))

    def expr(self, tree: Tree[Token]) -> Expr:
        kind, text, line = str(tree.data), self._text(tree), self._line(tree)
        trees = self._trees(tree)
        if kind == "expr_term":
            return self.expr(trees[0])
        if kind == "identifier":
            return Traversal(self._name(tree), (), text, line)
        if kind == "literal_value":
            word = self._name(tree)
            return Literal(None if word == "null" else word == "true", text, line)
        if kind == "int_lit":
            return Literal(int(self._name(tree)), text, line)
        if kind == "float_lit":
            return Literal(float(self._name(tree)), text, line)
        if kind == "string":
            return self.string(tree, text, line)
        if kind in ("heredoc_template", "heredoc_template_trim"):
            body, _ = _heredoc(self._name(tree))
            inner = parse_template(body, self.path, line + 1)
            if isinstance(inner, Template):
                return Template(inner.parts, text, line)
            if isinstance(inner, Literal):
                return Literal(inner.value, text, line)
            return Unsupported(inner.what, text, line)
        if kind == "tuple":
            return TupleExpr(tuple(self.expr(t) for t in trees), text, line)
        if kind == "object":
            return ObjectExpr(tuple(self.object_item(t) for t in trees), text, line)
        if kind == "function_call":
            names = [self._name(t) for t in trees if t.data == "identifier"]
            arguments = [t for t in trees if t.data == "arguments"]
            args = tuple(self.expr(t) for t in self._trees(arguments[0])) if arguments else ()
            expand = bool(arguments) and any(isinstance(c, str) and c.type == "ELLIPSIS" for c in arguments[0].children)
            return Call("::".join(names), args, expand, text, line)
        if kind == "conditional":
            cond, then, otherwise = (self.expr(t) for t in trees)
            return Conditional(cond, then, otherwise, text, line)
        if kind == "binary_op":
            left, term = trees[0], trees[1]
            operator, right = self._trees(term)
            return Operation(self._name(operator), (self.expr(left), self.expr(right)), text, line)
        if kind == "unary_op":
            sign = next(str(c) for c in tree.children if isinstance(c, str))
            return Operation(sign, (self.expr(trees[0]),), text, line)
        if kind in ("index_expr_term", "get_attr_expr_term"):
            return self.traversal(self.expr(trees[0]), self.step(trees[1]), text, line)
        what = {
            "attr_splat_expr_term": "a splat expression (.*)",
            "full_splat_expr_term": "a splat expression ([*])",
            "for_tuple_expr": "a for expression",
            "for_object_expr": "a for expression",
        }.get(kind, f"an expression of kind {kind}")
        return Unsupported(what, text, line)

    def step(self, tree: Tree[Token]) -> Step:
        if tree.data == "get_attr":
            return GetAttr(self._name(self._trees(tree)[0]))
        if tree.data == "short_index":
            token = next(c for c in tree.children if isinstance(c, str) and c.type == "INT_LITERAL")
            return Index(Literal(int(token), str(token), self._line(tree)))
        return Index(self.expr(self._trees(tree)[0]))

    @staticmethod
    def traversal(base: Expr, step: Step, text: str, line: int) -> Traversal:
        if isinstance(base, Traversal):
            return Traversal(base.root, (*base.steps, step), text, line)
        return Traversal(base, (step,), text, line)

    def object_item(self, tree: Tree[Token]) -> ObjectItem:
        key_tree, value_tree = self._trees(tree)
        inner = self._trees(key_tree)
        key: Expr
        if not inner:
            key = Literal(self._name(key_tree.children[0]) if key_tree.children else "", "", self._line(tree))
        elif inner[0].data == "keyword":
            key = Literal(self._name(inner[0]), self._text(inner[0]), self._line(tree))
        else:
            term = inner[0]
            only = self._trees(term) if term.data == "expr_term" else []
            bare = len(term.children) == 1 and len(only) == 1 and only[0].data == "identifier"
            key = Literal(self._name(only[0]), self._text(term), self._line(tree)) if bare else self.expr(term)
        return ObjectItem(key, self.expr(value_tree), self._line(tree))

    def string(self, tree: Tree[Token], text: str, line: int) -> Expr:
        parts: list[str | Expr] = []
        for part in self._trees(tree):
            for child in part.children:
                if isinstance(child, str):
                    if child.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                        parts.append(str(child)[1:])
                    else:
                        parts.append(_unescape(str(child)))
                elif child.data == "interpolation":
                    parts.append(self.expr(self._trees(child)[0]))
                else:
                    return Unsupported("a template directive (%{ if } / %{ for })", text, line)
        merged: list[str | Expr] = []
        for p in parts:
            if isinstance(p, str) and merged and isinstance(merged[-1], str):
                merged[-1] += p
            else:
                merged.append(p)
        return _template(merged, text, line)
