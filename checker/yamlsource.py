"""Load YAML or JSON safely, keeping the line and column of every value.

Rules are data, never code: only the standard scalar, sequence and mapping tags are accepted,
aliases are refused (they let a small file expand without bound), duplicate keys
are refused (a silent overwrite is a lost rule), and dates stay ISO strings so that every later
stage sees one representation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import CheckerError, Location, Problem, fail

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


def read_text(path: Path | str) -> str:
    """Read a UTF-8 file with a size limit, turning OS errors into a clear problem."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise fail(str(path), "file not found", code="E001") from None
    except OSError as e:
        raise fail(str(path), f"cannot read file: {e.strerror}", code="E001") from None
    if p.is_dir():
        raise fail(str(path), "is a directory, expected a YAML or JSON file", code="E001")
    if size > MAX_BYTES:
        raise fail(str(path), f"file is {size} bytes, larger than the {MAX_BYTES} byte limit",
                   code="E002")
    try:
        with p.open("rb") as f:  # never more than the limit: /dev/zero or a growing file has no end
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
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
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
    finally:
        loader.dispose()
    doc = Document(name, None, text=text)
    if node is None:
        doc.data = None
        return doc
    problems: list[Problem] = []
    seen: set[int] = set()
    try:
        doc.data = _convert(node, (), doc, problems, seen)
    except _TooDeep:
        pass
    if problems:
        raise CheckerError(problems)
    return doc


class _TooDeep(Exception):
    pass


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
    if len(path) > MAX_DEPTH:
        line, col = _pos(node)
        problems.append(Problem(Location(doc.path, line, col), "E017",
                                f"nested deeper than {MAX_DEPTH} levels", "flatten the structure"))
        raise _TooDeep
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
