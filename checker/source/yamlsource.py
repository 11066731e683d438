"""Load YAML or JSON safely, keeping the line and column of every value.

Rules are data, never code: only the standard scalar, sequence and mapping tags are accepted,
aliases are refused (they let a small file expand without bound), duplicate keys
are refused (a silent overwrite is a lost rule), and dates stay ISO strings so that every later
stage sees one representation.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from checker.errors import CheckerError, Location, Problem, fail

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64  # rule files nest about 8 deep; far deeper is a mistake or an attack

_STR = "tag:yaml.org,2002:str"
_SCALAR_TAGS = {
    _STR, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
}


@dataclass
class Document:
    """Plain data (dicts, lists, str, int, float, bool, None) plus where each part was written."""

    path: str
    data: Any
    marks: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    text: str = ""

    def where(self, path: tuple, *, key: bool = False) -> Location:
        """The location of the value at `path` (or of its key), falling back to the nearest parent."""
        probe = tuple(path)
        while True:
            if key and probe in self.key_marks:
                line, col = self.key_marks[probe]
                return Location(self.path, line, col)
            if probe in self.marks:
                line, col = self.marks[probe]
                return Location(self.path, line, col)
            if not probe:
                return Location(self.path, 1, 1)
            probe = probe[:-1]


# libyaml's safe loader when PyYAML was built with it (about ten times faster); node marks and
# tags are the same, and no Python object is ever constructed: _convert() builds plain data.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_NOT_REGULAR = ((stat.S_ISDIR, "is a directory, expected a YAML or JSON file"),
                (stat.S_ISFIFO, "is a named pipe (FIFO), not a regular file"),
                (stat.S_ISCHR, "is a device, not a regular file"),
                (stat.S_ISBLK, "is a device, not a regular file"),
                (stat.S_ISSOCK, "is a socket, not a regular file"))


def _require_regular(name: str, mode: int) -> None:
    if not stat.S_ISREG(mode):
        what = next((text for test, text in _NOT_REGULAR if test(mode)), "is not a regular file")
        raise fail(name, what, code="E001", hint="" if stat.S_ISDIR(mode) else "only regular files are read")


def open_regular(path: Path | str) -> BinaryIO:
    """Open a regular file for reading in binary mode, or raise CheckerError (E001).

    Anything else is refused: reading a FIFO blocks until some writer comes (forever, and with
    whatever lock the reader holds), a device such as /dev/zero has no end. The path is checked
    before it is opened, opened without blocking (O_NONBLOCK: opening a FIFO with no writer would
    block), and the opened descriptor checked again, so what is read is what was checked."""
    name = str(path)
    try:
        _require_regular(name, os.stat(name).st_mode)
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise fail(name, "file not found", code="E001") from None
    except OSError as e:
        raise fail(name, f"cannot read file: {e.strerror}", code="E001") from None
    try:
        _require_regular(name, os.fstat(fd).st_mode)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_text(path: Path | str) -> str:
    """Read a UTF-8 regular file with a size limit, turning OS errors into a clear problem."""
    with open_regular(path) as f:
        size = os.fstat(f.fileno()).st_size
        if size > MAX_BYTES:
            raise fail(str(path), f"file is {size} bytes, larger than the {MAX_BYTES} byte limit",
                       code="E002")
        try:  # never more than the limit: a file growing while it is read has no end
            raw = f.read(MAX_BYTES + 1)
        except OSError as e:
            raise fail(str(path), f"cannot read file: {e.strerror}", code="E001") from None
    if len(raw) > MAX_BYTES:
        raise fail(str(path), f"file is larger than the {MAX_BYTES} byte limit", code="E002")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line, column = byte_position(raw, e.start)
        raise fail(str(path), f"file is not valid UTF-8 text (byte 0x{raw[e.start]:02x})", code="E003",
                   line=line, column=column, hint="save it as UTF-8") from None


def byte_position(raw: bytes, index: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of the byte at `index` of UTF-8 text."""
    start = raw.rfind(b"\n", 0, index) + 1
    before = raw[start:index].decode("utf-8-sig" if start == 0 else "utf-8", errors="replace")
    return raw.count(b"\n", 0, index) + 1, len(before) + 1


def load_file(path: Path | str) -> Document:
    return load_text(read_text(path), str(path))


def load_text(text: str, name: str = "<string>") -> Document:
    """Parse one YAML (or JSON) document into a Document, or raise CheckerError."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise fail(name, f"input is larger than the {MAX_BYTES} byte limit", code="E002")
    try:
        node = _parse(text)
    except _TooDeep as e:
        raise fail(name, f"nested deeper than {MAX_DEPTH} levels", code="E017", line=e.line,
                   column=e.column, hint="flatten the structure") from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        msg = (e.problem or "invalid YAML").strip()
        if e.context:
            msg = f"{e.context.strip()}: {msg}"
        hint = ""
        if mark:
            line = text[text.rfind("\n", 0, mark.index) + 1:].split("\n", 1)[0]
            if "\t" in line[:len(line) - len(line.lstrip(" \t"))]:
                hint = "a tab in the indentation: YAML indents with spaces only"
        raise fail(name, f"YAML syntax error: {msg}", code="E010",
                   line=mark.line + 1 if mark else 0,
                   column=mark.column + 1 if mark else 0, hint=hint) from None
    except yaml.YAMLError as e:
        raise fail(name, f"YAML syntax error: {e}", code="E010") from None
    doc = Document(name, None, text=text)
    if node is None:
        doc.data = None
        return doc
    problems: list[Problem] = []
    doc.data = _convert(node, (), doc, problems, set())
    if problems:
        raise CheckerError(problems)
    return doc


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark):
        self.line, self.column = mark.line + 1, mark.column + 1


def _parse(text: str) -> yaml.Node | None:
    """The node tree of `text`. libyaml may refuse deep nesting while it scans ahead (PyYAML
    6.0.4 stops at 1,000 levels with a syntax error); on any error it reports, the pure-Python
    parser, which has no such limit, reads the text again so that too deep a structure is
    reported as such (E017) wherever it is."""
    try:
        return _compose_with(_Loader, text)
    except yaml.YAMLError:
        if _Loader is yaml.SafeLoader:
            raise
        try:
            _compose_with(yaml.SafeLoader, text)
        except _TooDeep:
            raise
        except yaml.YAMLError:
            pass
        raise


def _compose_with(loader_class, text: str) -> yaml.Node | None:
    loader = loader_class(text)
    try:
        return _compose(loader)
    finally:
        loader.dispose()


def _compose(loader) -> yaml.Node | None:
    """The document's node tree, built here from the parser's events rather than by the YAML
    library's composer, so that nesting past MAX_DEPTH is refused by us (E017) as soon as the
    level opens: the library's own limits differ by version (none before PyYAML 6.0.4, which stops
    libyaml at 1,000 flow levels with a syntax error, and the pure-Python composer recurses)."""
    loader.get_event()  # stream start
    node = None
    if not loader.check_event(yaml.StreamEndEvent):
        loader.get_event()  # document start
        node = _compose_node(loader, {}, 0)
        loader.get_event()  # document end
        if not loader.check_event(yaml.StreamEndEvent):
            event = loader.get_event()
            raise yaml.composer.ComposerError("expected a single document in the stream",
                                              node.start_mark, "but found another document",
                                              event.start_mark)
    loader.get_event()  # stream end
    return node


def _compose_node(loader, anchors: dict[str, yaml.Node], depth: int) -> yaml.Node:
    """One node and its children, as PyYAML's Composer builds it (an alias yields the anchored
    node itself, which _convert then reports)."""
    event = loader.get_event()
    if isinstance(event, yaml.AliasEvent):
        if event.anchor not in anchors:
            raise yaml.composer.ComposerError(None, None, f"found undefined alias {event.anchor!r}",
                                              event.start_mark)
        return anchors[event.anchor]
    if isinstance(event, yaml.ScalarEvent):
        tag = event.tag if event.tag not in (None, "!") else \
            loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
    else:
        if depth > MAX_DEPTH:
            raise _TooDeep(event.start_mark)
        sequence = isinstance(event, yaml.SequenceStartEvent)
        kind = yaml.SequenceNode if sequence else yaml.MappingNode
        tag = event.tag if event.tag not in (None, "!") else loader.resolve(kind, None, event.implicit)
        node = kind(tag, [], event.start_mark, None, flow_style=event.flow_style)
        if event.anchor is not None:
            anchors[event.anchor] = node
        end = yaml.SequenceEndEvent if sequence else yaml.MappingEndEvent
        while not loader.check_event(end):
            child = _compose_node(loader, anchors, depth + 1)
            node.value.append(child if sequence else (child, _compose_node(loader, anchors, depth + 1)))
        node.end_mark = loader.get_event().end_mark
        return node
    if event.anchor is not None:
        anchors[event.anchor] = node
    return node


def nested_too_deep(data: Any) -> bool:
    """Whether parsed JSON puts a value inside more than MAX_DEPTH lists and mappings, as the YAML
    loader counts. The JSON fast paths (API bodies, JSON Lines) check this themselves: how deep
    json.loads goes before a RecursionError depends on the Python version (far deeper on 3.13)."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return False


_ALIAS_REPORTED = -1  # kept in `seen` (which holds node ids, never negative) once an alias is reported


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _convert(node: yaml.Node, path: tuple, doc: Document, problems: list[Problem],
             seen: set[int]) -> Any:
    doc.marks[path] = _pos(node)
    if id(node) in seen:  # an alias: the composer hands back the anchored node itself
        if _ALIAS_REPORTED not in seen:  # one problem, however many aliases (a "billion laughs")
            seen.add(_ALIAS_REPORTED)
            line, col = _pos(node)
            problems.append(Problem(Location(doc.path, line, col), "E011",
                                    "anchors and aliases are not allowed: the value anchored here is reused",
                                    "write the value out in full"))
        return None
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node, doc, problems)
    if isinstance(node, yaml.SequenceNode):
        _check_tag(node, "tag:yaml.org,2002:seq", doc, problems)
        return [_convert(item, path + (i,), doc, problems, seen)
                for i, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        _check_tag(node, "tag:yaml.org,2002:map", doc, problems)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line, col = _pos(key_node)
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                problems.append(Problem(Location(doc.path, line, col), "E012",
                                        "mapping keys must be plain strings"))
                continue
            key = str(key_node.value)
            if key in out:
                first = doc.key_marks.get(path + (key,), (0, 0))
                problems.append(Problem(Location(doc.path, line, col), "E013",
                                        f"duplicate key '{key}'",
                                        f"first given at line {first[0]}; keep one"))
                continue
            doc.key_marks[path + (key,)] = (line, col)
            out[key] = _convert(value_node, path + (key,), doc, problems, seen)
        return out
    return None  # pragma: no cover - yaml has no other node kinds


def _check_tag(node: yaml.Node, expected: str, doc: Document, problems: list[Problem]) -> None:
    if node.tag != expected:
        line, col = _pos(node)
        problems.append(Problem(Location(doc.path, line, col), "E014",
                                f"tag '{node.tag}' is not allowed", "rules are plain data"))


def _scalar(node: yaml.ScalarNode, doc: Document, problems: list[Problem]) -> Any:
    tag, text = node.tag, node.value
    if tag not in _SCALAR_TAGS:
        _check_tag(node, _STR, doc, problems)
        return text
    if node.style == ">":
        return _fold_cjk(node, text, doc)
    if node.style in ("'", '"'):
        return text
    if tag == _STR:
        # YAML 1.1 reads 1e5 (no dot) as text; JSON and YAML 1.2 read it as a number
        if _EXPONENT.fullmatch(text):
            return _float(node, text, doc, problems)
        return text
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        low = text.lower()
        return {"true": True, "false": False}.get(low, text)
    if tag == "tag:yaml.org,2002:int":
        try:
            return int(text.replace("_", ""), 0)
        except ValueError:
            digits = sum(c.isdigit() for c in text)
            if digits > sys.get_int_max_str_digits() > 0:  # Python refuses to read it, and so do we
                line, col = _pos(node)
                problems.append(Problem(Location(doc.path, line, col), "E015",
                                        f"a number of {digits} digits is too large", "write a number"))
            return text
    if tag == "tag:yaml.org,2002:float":
        return _float(node, text, doc, problems)
    # timestamp: keep the ISO text; later stages validate the format
    return text


_EXPONENT = re.compile(r"[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)[eE][-+]?[0-9]+")


def _float(node: yaml.ScalarNode, text: str, doc: Document, problems: list[Problem]) -> Any:
    """A finite float; YAML's .nan and .inf (any spelling) and overflows are refused."""
    clean = text.replace("_", "")
    low = clean.lower().lstrip("+-")
    try:
        value = float("nan") if low == ".nan" else float("inf") if low == ".inf" else float(clean)
    except ValueError:
        return text
    if value != value or value in (float("inf"), float("-inf")):
        line, col = _pos(node)
        problems.append(Problem(Location(doc.path, line, col), "E015",
                                f"'{text}' is not a finite number", "write a number"))
    return value


_CJK = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]")


def _fold_cjk(node: yaml.ScalarNode, text: str, doc: Document) -> str:
    """Folded text (`>`) joins lines with a space; between two Chinese characters that space is
    an artefact of the line break (as in CJK typesetting), so it is dropped."""
    raw = doc.text[node.start_mark.index:node.end_mark.index].split("\n")[1:]
    lines = [line.strip() for line in raw if line.strip()]
    if not lines or text.rstrip("\n") != " ".join(lines):
        return text  # more than one paragraph or other structure: leave YAML's result
    out = lines[0]
    for line in lines[1:]:
        joiner = "" if _CJK.match(out[-1]) and _CJK.match(line[0]) else " "
        out += joiner + line
    return out + text[len(text.rstrip("\n")):]
