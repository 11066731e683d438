"""Batch pre-screening for window staff (`checker screen`): many applications in, a notice for each
out (HTML to print, JSON for other systems), and a summary a bureau chief can read.

Inputs are streamed, one record at a time, so a batch of any size runs in constant memory:
- a folder of application files (YAML or JSON), each naming its matter (`matter:`) unless
  `--matter` gives one for all;
- a JSON Lines file, one application per line;
- a CSV file, one application per row, with these columns (any may be left out):
  `matter`, `date`, `reference`, `applicant_name`, `applicant_contact`, `fact.<name>` (one column
  per fact; bool as true/false/是/否/1/0, numbers, dates YYYY-MM-DD, enum values, a list of
  records as JSON), `materials` (IDs separated by `;`, e.g. `IB-01;IB-03/lease`, each optionally
  with attributes as `IB-02:form=original_and_copy:copies=1:valid_until=2030-01-01`),
  `promised` (IDs separated by `;`), `rongque` (true/false).
A malformed record is reported with its file and line and the batch goes on.
"""

from __future__ import annotations

import csv
import html
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from .compiler import CompiledMatter, compile_matter
from .errors import CheckerError, Location, Problem
from .loader import load_matter
from .model import OUTCOMES
from .notice import Notice
from .render import render
from .service import check
from .yamlsource import MAX_BYTES, byte_position, load_file, load_text, nested_too_deep


@dataclass
class Record:
    """One application as read from the input, with where it came from."""

    where: Location
    key: str  # a name for its output files and for the register
    data: Any = None
    problems: list[Problem] = field(default_factory=list)
    from_csv: bool = False  # fact cells are text until the matter's types are known


def _key(text: str) -> str:
    return re.sub(r"[^\w.\-]+", "_", text, flags=re.UNICODE).strip("_") or "application"


def read_folder(folder: Path) -> Iterator[Record]:
    for path in sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml", ".json")):
        try:
            doc = load_file(path)
            yield Record(Location(str(path), 1, 1), _key(path.stem), doc.data)
        except CheckerError as e:
            yield Record(Location(str(path)), _key(path.stem), problems=e.problems)


def read_jsonl(path: Path) -> Iterator[Record]:
    """One record per line; a line that cannot be read (not UTF-8, too long, not JSON or YAML)
    is reported with its line and the next line is read."""
    with path.open("rb") as f:
        line_no = 0
        while True:
            raw = f.readline(MAX_BYTES + 1)
            if not raw:
                return
            line_no += 1
            where = Location(str(path), line_no, 1)
            if len(raw) > MAX_BYTES and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):  # skip the rest of the over-long line
                    raw = f.readline(MAX_BYTES + 1)
                yield Record(where, f"line{line_no}", problems=[Problem(
                    where, "E002", f"line is larger than the {MAX_BYTES} byte limit", "each line is one application")])
                continue
            try:
                line = raw.decode("utf-8-sig")
            except UnicodeDecodeError as e:
                bad = Location(str(path), line_no, byte_position(raw, e.start)[1])
                yield Record(bad, f"line{line_no}", problems=[Problem(bad, "E003", "not valid UTF-8 text",
                                                                      "save it as UTF-8")])
                continue
            if not line.strip():
                continue
            try:
                data = _fast_json(line)
            except (ValueError, RecursionError):  # let the YAML loader say exactly what and where
                data = _NOT_JSON
            try:
                if data is _NOT_JSON:
                    data = load_text(line, f"{path}:{line_no}").data
            except CheckerError as e:
                yield Record(where, f"line{line_no}", problems=[Problem(where, p.code, p.message, p.hint)
                                                                for p in e.problems])
                continue
            ref = data.get("reference") if isinstance(data, dict) else None
            yield Record(where, _key(str(ref)) if ref else f"line{line_no}", data)


_NOT_JSON = object()


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise ValueError("duplicate key")
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _fast_json(line: str) -> Any:
    """Strict JSON (no duplicate keys, no NaN): the common case, several times faster than YAML.
    Data nested too deep is left to the YAML loader, which says where."""
    data = json.loads(line, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    if nested_too_deep(data):
        raise ValueError("nested too deep")
    return data


_TRUE = {"true", "1", "yes", "y", "是"}
_FALSE = {"false", "0", "no", "n", "否"}  # for bool columns only: "1" in a number column is 1


def typed(text: str | None, kind: str) -> Any:
    """A CSV cell read as the declared type; a cell that does not read stays text, so the
    application schema names the field and what it expects."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    low = text.lower()
    if kind == "bool":
        return True if low in _TRUE else False if low in _FALSE else text
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
        if kind == "list":
            return json.loads(text)
    except ValueError:
        return text
    return text


_ATTRIBUTE_KINDS = {"copies": "integer", "signed": "bool", "sealed": "bool"}


def _materials(text: str) -> list[dict]:
    out = []
    for item in filter(None, (s.strip() for s in text.split(";"))):
        mid, *attrs = item.split(":")
        entry: dict[str, Any] = {"id": mid.strip()}
        for a in attrs:
            k, _, v = a.partition("=")
            entry[k.strip()] = typed(v, _ATTRIBUTE_KINDS.get(k.strip(), "string"))
        out.append(entry)
    return out


_UNDECODABLE = re.compile("[\udc80-\udcff]")  # a byte that is not UTF-8, read with errors="surrogateescape"


def _undecodable(texts) -> bool:
    return any(isinstance(t, str) and _UNDECODABLE.search(t) for t in texts)


def read_csv(path: Path) -> Iterator[Record]:
    # bytes that are not UTF-8 (a spreadsheet saved as GBK) are kept as surrogates, so that the
    # row holding them is reported and the rest of the file is still read
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
        reader = csv.DictReader(f)
        if _undecodable(reader.fieldnames or []):
            where = Location(str(path), 1, 1)
            yield Record(where, "row1", problems=[Problem(where, "E003", "the header row is not valid UTF-8 text",
                                                          "save the file as CSV UTF-8")])
            return
        for row in reader:
            line = reader.line_num
            where = Location(str(path), line, 1)
            if _undecodable(t for v in row.values() for t in (v if isinstance(v, list) else [v])):
                yield Record(where, f"row{line}", problems=[Problem(where, "E003", "not valid UTF-8 text",
                                                                    "save the file as CSV UTF-8")])
                continue
            data: dict[str, Any] = {"facts": {}}
            applicant: dict[str, str] = {}
            for column, value in row.items():
                if column is None or value is None:
                    continue
                col = column.strip()
                if col == "matter" or col == "date" or col == "reference":
                    if value.strip():
                        data[col] = value.strip()
                elif col.startswith("fact."):
                    if value.strip():
                        data["facts"][col[5:]] = value  # typed once the matter is known
                elif col == "materials":
                    data["materials"] = _materials(value)
                elif col == "promised":
                    data["promised"] = [s.strip() for s in value.split(";") if s.strip()]
                elif col == "rongque":
                    data["rongque"] = typed(value, "bool") is True
                elif col.startswith("applicant_"):
                    if value.strip():
                        applicant[col[len("applicant_"):]] = value.strip()
                else:
                    data.setdefault("_unknown_columns", []).append(col)
            if applicant:
                data["applicant"] = applicant
            unknown = data.pop("_unknown_columns", [])
            if unknown:
                yield Record(where, f"row{line}", problems=[Problem(where, "A002", f"unknown column(s) {', '.join(unknown)}",
                                                                      "see `checker screen --help` for the columns")])
                continue
            ref = data.get("reference")
            yield Record(where, _key(ref) if ref else f"row{line}", data, from_csv=True)


def read(source: Path) -> Iterator[Record]:
    if source.is_dir():
        return read_folder(source)
    if source.suffix == ".jsonl":
        return read_jsonl(source)
    if source.suffix == ".csv":
        return read_csv(source)
    raise CheckerError(Problem(Location(str(source)), "E001", "not a folder, a .jsonl file or a .csv file",
                               "give a folder of applications, a JSON Lines file or a CSV file"))


@dataclass
class Summary:
    """Counts kept while screening: outcomes per matter and the most frequently missing materials."""

    outcomes: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    missing: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    names: dict[str, str] = field(default_factory=dict)
    unusable: int = 0
    total: int = 0

    def add(self, matter: str, name: str, notice: Notice) -> None:
        self.total += 1
        self.names[matter] = name
        self.outcomes[matter][notice.outcome] += 1
        for item in notice.missing + notice.defective + notice.possibly_required:
            self.missing[matter][item.id] += 1

    def rows(self) -> list[dict]:
        out = []
        for matter in sorted(self.outcomes):
            c = self.outcomes[matter]
            row = {"matter": matter, "name": self.names[matter], "applications": sum(c.values())}
            row.update({k: c.get(k, 0) for k in OUTCOMES})
            row["most_missing"] = "; ".join(f"{mid} ({n})" for mid, n in self.missing[matter].most_common(5))
            out.append(row)
        return out

    def line(self) -> str:
        total = Counter()
        for c in self.outcomes.values():
            total.update(c)
        parts = ", ".join(f"{k} {v}" for k, v in sorted(total.items()))
        return f"{self.total + self.unusable} application(s): {parts or 'none checked'}; unusable {self.unusable}"

    def write(self, folder: Path) -> None:
        rows = self.rows()
        fields = ["matter", "name", "applications", *OUTCOMES, "most_missing"]
        with (folder / "summary.csv").open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=fields)
            w.writeheader()
            w.writerows(rows)
        head = "".join(f"<th>{html.escape(h)}</th>" for h in fields)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(r[h]))}</td>" for h in fields) + "</tr>" for r in rows)
        (folder / "summary.html").write_text(
            '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>预审汇总 Screening summary</title>'
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{border:1px solid #999;padding:.3em .6em}</style></head><body>"
            f"<h1>预审汇总 / Screening summary</h1><p>{html.escape(self.line())}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>\n",
            encoding="utf-8")


class Screener:
    """Checks records one by one; compiled matters are cached, nothing else is kept per record."""

    def __init__(self, root: Path, default_matter: str | None = None, local: Path | None = None):
        self.root, self.default, self.local = root, default_matter, local
        self.compiled: dict[str, CompiledMatter | CheckerError] = {}

    def matter(self, matter_id: str) -> CompiledMatter:
        found = self.compiled.get(matter_id)
        if found is None:
            path = self.root / "matters" / f"{matter_id}.yaml"
            try:
                if not re.fullmatch(r"[a-z][a-z0-9-]*", matter_id) or not path.is_file():
                    raise CheckerError(Problem(Location(matter_id), "E020", f"unknown matter '{matter_id}'",
                                               "see `checker list`"))
                found = compile_matter(load_matter(path, self.root / "rules", self.local))
            except CheckerError as e:
                found = e
            self.compiled[matter_id] = found
        if isinstance(found, CheckerError):
            raise found
        return found

    def check(self, record: Record) -> tuple[CompiledMatter, Notice]:
        data = record.data
        if not isinstance(data, dict):
            raise CheckerError(Problem(record.where, "A001", "an application must be a mapping"))
        matter_id = data.get("matter") or self.default
        if not matter_id:
            raise CheckerError(Problem(record.where, "A002", "the application names no matter",
                                       "add `matter:` or give --matter"))
        compiled = self.matter(str(matter_id))
        if record.from_csv:
            facts = compiled.matter.facts
            data = dict(data, facts={k: typed(v, facts[k].type.kind) if k in facts else v
                                     for k, v in data.get("facts", {}).items()})
        return compiled, check(compiled, dict(data, matter=compiled.matter.id), where=record.where)


def screen(records: Iterator[Record], screener: Screener, out: Path, lang: str = "zh",
           on_notice: Callable[[Record, CompiledMatter, Notice], None] | None = None,
           on_problem: Callable[[Problem], None] | None = None,
           progress: Callable[[], None] | None = None, write_notices: bool = True) -> Summary:
    """Screen every record, writing out/notices/KEY.html and KEY.json (unless write_notices is
    false: a summary only), and return the summary."""
    notices = out / "notices"
    notices.mkdir(parents=True, exist_ok=True)
    summary = Summary()
    for record in records:
        try:
            if record.problems:
                raise CheckerError(record.problems)
            compiled, notice = screener.check(record)
            if on_notice is not None:
                on_notice(record, compiled, notice)
            if write_notices:
                (notices / f"{record.key}.json").write_text(render(notice, "json"), encoding="utf-8")
                (notices / f"{record.key}.html").write_text(render(notice, "html", lang), encoding="utf-8")
            summary.add(compiled.matter.id, compiled.matter.name["zh"], notice)
        except CheckerError as e:
            summary.unusable += 1
            for p in e.problems:
                if on_problem is not None:
                    on_problem(p if p.location.line else Problem(record.where, p.code, p.message, p.hint))
        if progress is not None:
            progress()
    summary.write(out)
    return summary
