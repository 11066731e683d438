"""Rewrite rule files (matters, shared rule sets, local settings) in one canonical form.

Why: when every file puts its keys in the same order and is laid out the same way, a diff of a
rule file shows a change of meaning, never a change of layout, and reviewers and tools find each
part where they expect it. The formatter never changes what a file says: comments are kept with
the entry they precede or follow, list items and author-chosen names (facts, parameters,
templates) keep their order, quoted text stays quoted (dates stay strings), and the result is
checked to load to exactly the same data as the input.

How, in two passes:

1. Block mappings are reordered as text. Each entry (a key and its value) is a run of whole lines,
   together with the blank and comment lines just above it; the runs are permuted into the
   canonical key order. Comments therefore move with the key they describe, which ruamel's
   comment model (a comment hangs on the *preceding* node) would not guarantee.
2. The result is loaded in ruamel.yaml round-trip mode, flow mappings such as
   `{en: ..., zh: ...}` are reordered in place, and the document is dumped with one style:
   2-space indentation, `- ` two columns under its key, unicode kept as written, lines never
   re-wrapped, null written `null`, no trailing spaces, one final newline.

Formatting its own output again changes nothing.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.representer import RoundTripRepresenter

from checker.source.yamlsource import load_text, read_text

KINDS = ("matter", "ruleset", "local", "bundle")
FOLDER_KINDS = {"matters": "matter", "rules": "ruleset", "local": "local", "bundles": "bundle"}

# Canonical key order of each kind of mapping; keys not listed keep their relative order after these.
ORDERS: dict[str, tuple[str, ...]] = {
    "matter": ("matter", "name", "code", "department", "level", "type", "licensing", "basis",
               "procedure_basis", "time_limit",
               "fee", "handling", "rongque", "sources", "note", "include", "parameters", "flow",
               "facts", "derived", "rules", "materials", "examples"),
    "ruleset": ("ruleset", "name", "description", "parameters", "facts", "derived", "templates",
                "rules"),
    "local": ("local", "name", "part_of", "source", "matters"),
    "bundle": ("bundle", "name", "basis", "sources", "note", "facts", "members", "documents", "examples"),
    "member": ("matter", "when", "when_text", "after", "produced", "facts", "given", "note"),
    "document": ("id", "name", "materials", "note"),
    "bundle_example": ("name", "source", "locality", "application", "expect"),
    "bundle_expect": ("outcome", "members", "missing", "defective", "produced", "waiting", "info_needed"),
    "fact": ("type", "values", "value_labels", "fields", "unit", "minimum", "maximum", "question",
             "label", "from", "remark", "record_only", "note", "confidence", "cite"),
    "material": ("id", "use", "name", "form", "copies", "when", "why", "standard", "source",
                 "basis", "alternatives", "checks", "secondary", "promise_allowed", "shared",
                 "effective_from", "effective_until", "remark", "note", "confidence", "cite"),
    "rule": ("id", "when", "qualifies_from", "outcome", "stage", "redirect_to", "reason", "basis", "effective_from",
             "effective_until", "remark", "note", "confidence", "cite"),
    "derived": ("type", "values", "unit", "value", "when", "otherwise", "label", "note",
                "confidence", "cite"),
    "parameter": ("type", "values", "unit", "value", "changes", "local", "label", "note",
                  "confidence", "cite"),
    "step": ("step", "kind", "name", "actor", "time_limit", "note"),
    "example": ("name", "source", "locality", "parameters", "application", "expect"),
    "application": ("matter", "bundle", "date", "reference", "applicant", "facts", "materials", "promised",
                    "rongque"),
    "expect": ("outcome", "reasons", "missing", "defective", "deferred", "exempt", "info_needed",
               "declared", "verified", "accepted", "promised", "promise_offered", "derived", "computed",
               "time_limit", "deadline", "rongque_due"),
}
TEXT_ORDER = ("zh", "en", "url")

# What the value under a key is. "named:X": a mapping whose keys the author chose (kept in their
# order), each value an X; "list:X": a list of X; "data": application data, left exactly as
# written; anything else not given here is "text": any {zh, en, url} mapping inside is put in
# that order.
_SECTIONS = {
    "parameters": "named:parameter", "facts": "named:fact", "derived": "named:derived",
    "materials": "list:material", "rules": "list:rule", "flow": "list:step",
    "examples": "list:example",
}
CHILDREN: dict[str, dict[str, str]] = {
    "matter": _SECTIONS,
    "ruleset": {**_SECTIONS, "templates": "named:material"},
    "local": {"matters": "data"},
    "bundle": {"facts": "named:fact", "members": "list:member", "documents": "list:document",
               "examples": "list:bundle_example"},
    "member": {"produced": "data", "facts": "data", "given": "data"},
    "document": {"materials": "data"},
    "bundle_example": {"application": "application", "expect": "bundle_expect"},
    "bundle_expect": {"members": "data", "waiting": "data"},
    "fact": {"value_labels": "named:text", "fields": "named:text"},
    "example": {"parameters": "data", "application": "application", "expect": "expect"},
    "application": {"applicant": "data", "facts": "data", "materials": "data", "promised": "data"},
    "expect": {"derived": "data", "computed": "data", "deadline": "data"},
}


class FormatError(Exception):
    """The formatter could not produce an equivalent canonical text (a bug, never an input error)."""


def format_file(path: Path | str) -> tuple[str, str]:
    """(original text, formatted text) of a rule file; its kind comes from its folder's name."""
    p = Path(path)
    kind = FOLDER_KINDS.get(p.parent.name)
    if kind is None:
        raise ValueError(f"{path}: cannot tell the kind of rule file from its folder "
                         f"'{p.parent.name}' (expected one of {', '.join(FOLDER_KINDS)})")
    original = read_text(p)
    return original, format_text(original, kind, name=str(path))


def format_text(text: str, kind: str, *, name: str = "<string>") -> str:
    """The canonical form of a rule file of `kind` ("matter", "ruleset", "local" or "bundle").

    Raises CheckerError for text the project's loader refuses (syntax errors, duplicate keys,
    anchors, tags), and FormatError if the result would not load to the same data.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind '{kind}', expected one of {', '.join(KINDS)}")
    before = load_text(text, name).data  # refuses what the checker refuses, with file:line:col
    src = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    out = _finish(_dump(_reorder_lines(src, kind), kind))
    try:
        after = load_text(out, name).data
    except Exception as e:  # pragma: no cover - a formatter bug
        raise FormatError(f"{name}: the formatted text does not load: {e}") from e
    if after != before:  # pragma: no cover - a formatter bug
        raise FormatError(f"{name}: formatting would change the data; file left as it is")
    return out


# ---------------------------------------------------------------------------------------------
# the context of a node: which order applies to it, and to its children


def _child_ctx(ctx: str, key: Any) -> str:
    if ctx == "data":
        return "data"
    if ctx.startswith("named:"):
        return ctx[len("named:"):]
    return CHILDREN.get(ctx, {}).get(key, "text") if isinstance(key, str) else "text"


def _item_ctx(ctx: str) -> str:
    if ctx == "data":
        return "data"
    if ctx.startswith("list:"):
        return ctx[len("list:"):]
    return "text"


def _permutation(ctx: str, keys: list[Any]) -> list[int] | None:
    """Indexes of `keys` in canonical order, or None when the mapping keeps its order."""
    if ctx in ORDERS:
        order = ORDERS[ctx]
    elif ctx == "text" and keys and all(isinstance(k, str) and k in TEXT_ORDER for k in keys):
        order = TEXT_ORDER
    else:
        return None
    rank = {k: i for i, k in enumerate(order)}
    perm = sorted(range(len(keys)),
                  key=lambda i: (rank.get(keys[i], len(order)) if isinstance(keys[i], str)
                                 else len(order), i))
    return None if perm == list(range(len(keys))) else perm


# ---------------------------------------------------------------------------------------------
# pass 1: block mappings reordered as runs of whole lines


class _Representer(RoundTripRepresenter):
    """Writes null as `null`: `when: null` (a template's condition lifted: always) says so,
    where ruamel's default `when:` would look like a value left out."""


_Representer.add_representer(
    type(None), lambda rep, _data: rep.represent_scalar("tag:yaml.org,2002:null", "null"))


def _rt() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Representer = _Representer
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    return yaml


def _block(node: Node) -> bool:
    return isinstance(node, (MappingNode, SequenceNode)) and not node.flow_style


_BLOCK_HEADER = re.compile(r"[|>][0-9+-]*")


class _Lines:
    def __init__(self, text: str):
        self.lines = text.split("\n")

    def last(self, node: Node) -> int:
        """The last line holding any of `node` (its trailing blank and comment lines excluded)."""
        if isinstance(node, ScalarNode):
            start, end = node.start_mark, node.end_mark
            if node.style in ("|", ">"):
                last = end.line if end.column > 0 else end.line - 1
                header = _BLOCK_HEADER.match(self.lines[start.line][start.column:])
                if not (header and "+" in header.group(0)):  # keep-chomping owns its blank lines
                    while last > start.line and not self.lines[last].strip():
                        last -= 1
                return last
            if node.value == "" and node.style is None and start.index == end.index:
                return self._before(start.line, start.column)  # empty value: marked at next token
            return end.line if end.column > 0 else end.line - 1
        if not _block(node):
            end = node.end_mark
            return end.line if end.column > 0 else end.line - 1
        if not node.value:  # pragma: no cover - block collections are never empty
            return node.start_mark.line
        if isinstance(node, MappingNode):
            key, value = node.value[-1]
            return max(self.last(key), self.last(value))
        return self.last(node.value[-1])

    def _before(self, line: int, column: int) -> int:
        """The last line with content before position (line, column)."""
        if line < len(self.lines) and self.lines[line][:column].strip():
            return line
        line -= 1
        while line > 0 and (not self.lines[line].strip()
                            or self.lines[line].lstrip().startswith("#")):
            line -= 1
        return max(line, 0)

    def render(self, node: Node, ctx: str, lead: list[str]) -> list[str]:
        """`lead` (the blank and comment lines just above `node`) and the lines from `node`'s
        first line to self.last(node), reordered where needed."""
        if isinstance(node, MappingNode):
            return self._mapping(node, ctx, lead)
        out: list[str] = list(lead)
        pos = node.start_mark.line
        item_ctx = _item_ctx(ctx)
        for item in node.value:
            if _block(item):
                out += self.lines[pos:item.start_mark.line]  # above the `- `: the item's own
                out += self.render(item, item_ctx, [])
                pos = self.last(item) + 1
        return out + self.lines[pos:self.last(node) + 1]

    def _mapping(self, node: MappingNode, ctx: str, lead: list[str]) -> list[str]:
        entries: list[tuple[list[str], list[str]]] = []  # (blank and comment lines above, entry)
        keys: list[Any] = []
        prev = node.value[0][0].start_mark.line - 1
        for key, value in node.value:
            first, key_end = key.start_mark.line, self.last(key)
            end = max(key_end, self.last(value))
            keys.append(key.value if isinstance(key, ScalarNode) else None)
            if _block(value) and value.start_mark.line > key_end:
                body = (self.lines[first:key_end + 1]
                        + self.render(value, _child_ctx(ctx, keys[-1]),
                                      self.lines[key_end + 1:value.start_mark.line])
                        + self.lines[self.last(value) + 1:end + 1])
            elif _block(value):
                body = (self.lines[first:value.start_mark.line]
                        + self.render(value, _child_ctx(ctx, keys[-1]), [])
                        + self.lines[self.last(value) + 1:end + 1])
            else:
                body = self.lines[first:end + 1]
            entries.append((list(lead) if not entries else self.lines[prev + 1:first], body))
            prev = end
        perm = _permutation(ctx, keys)
        if perm is None or not self._movable(node):
            return [line for lead, body in entries for line in lead + body]
        column = node.value[0][0].start_mark.column
        prefix = self.lines[node.value[0][0].start_mark.line][:column]  # "  - " in a list item
        out: list[str] = []
        for position, index in enumerate(perm):
            lead, body = entries[index]
            body = list(body)
            if position == 0 and index != 0:
                while lead and not lead[0].strip():
                    lead = lead[1:]  # no blank line between a parent key and its first entry
                if prefix.strip():  # the comments go above the list item's `- `
                    dash = " " * (len(prefix) - len(prefix.lstrip()))
                    lead = [dash + line.lstrip() if line.strip() else line for line in lead]
                body[0] = prefix + body[0][column:]
            elif index == 0 and position != 0:
                body[0] = " " * column + body[0][column:]
            out += lead + body
        return out

    def _movable(self, node: MappingNode) -> bool:
        """Each key is a one-line scalar starting its own line at one column (a list item's
        first key may follow its `- `)."""
        column = node.value[0][0].start_mark.column
        for i, (key, _value) in enumerate(node.value):
            mark = key.start_mark
            if not isinstance(key, ScalarNode) or mark.column != column or self.last(key) != mark.line:
                return False
            before = self.lines[mark.line][:column]
            if before.strip() and (i > 0 or before.strip() != "-"):
                return False
        return True


def _reorder_lines(text: str, kind: str) -> str:
    root = _rt().compose(text)
    if not isinstance(root, MappingNode) or not _block(root) or not root.value:
        return text
    lines = _Lines(text)
    first, last = root.start_mark.line, lines.last(root)
    out = lines.lines[:first] + lines.render(root, kind, []) + lines.lines[last + 1:]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# pass 2: ruamel.yaml round trip; flow mappings reordered in place; one style


def _reorder_data(obj: Any, ctx: str) -> None:
    if isinstance(obj, CommentedMap):
        keys = list(obj.keys())
        perm = _permutation(ctx, keys)
        if perm is not None:
            for i in perm:
                obj.move_to_end(keys[i])
        for key, value in obj.items():
            _reorder_data(value, _child_ctx(ctx, key))
    elif isinstance(obj, CommentedSeq):
        item_ctx = _item_ctx(ctx)
        for value in obj:
            _reorder_data(value, item_ctx)


def _dump(text: str, kind: str) -> str:
    yaml = _rt()
    data = yaml.load(text)
    if not isinstance(data, CommentedMap):  # empty, or not a rule file: layout left alone
        return text
    _reorder_data(data, kind)
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def _finish(text: str) -> str:
    """No trailing spaces (except inside literal or folded text, where they are content) and one
    final newline."""
    lines = text.split("\n")
    keep: set[int] = set()
    root = _rt().compose(text) if text.strip() else None
    stack = [root] if root is not None else []
    finder = _Lines(text)
    while stack:
        node = stack.pop()
        if isinstance(node, ScalarNode):
            if node.style in ("|", ">"):
                keep.update(range(node.start_mark.line + 1, finder.last(node) + 1))
        elif isinstance(node, MappingNode):
            stack += [part for pair in node.value for part in pair]
        elif isinstance(node, SequenceNode):
            stack += node.value
    lines = [line if i in keep else line.rstrip() for i, line in enumerate(lines)]
    out = "\n".join(lines).rstrip("\n")
    return out + "\n" if out else ""
