"""Batch pre-screening for window staff (`checker screen`): many applications in, a notice for each
out (HTML to print, JSON for other systems), and a summary a bureau chief can read.

Inputs are streamed, one record at a time, so a batch of any size runs in constant memory:
- a folder of application files (YAML or JSON), each naming its matter (`matter:`) unless
  `--matter` gives one for all;
- a JSON Lines file, one application per line;
- a spreadsheet: a CSV file (UTF-8, a byte-order mark accepted), or an Excel workbook (.xlsx: its
  first sheet, streamed in read-only mode; the template's help sheets are not read), one
  application per row under a header row naming these columns (any may be left out): `matter`
  (or `bundle` for an event), `date`, `reference`, `locality`, `applicant_name`,
  `applicant_contact`, `applicant_phone`, `applicant_id_number`, `fact.<name>` (one column per
  fact; `fact.<id>.<name>` is read in rows of matter or event <id> only: a mixed batch's column for
  a fact its subjects declare differently), `materials` (IDs separated by `;`, e.g.
  `IB-01;IB-03/lease`, each optionally with attributes as
  `IB-02:form=original_and_copy:copies=1:valid_until=2030-01-01`), `promised` (IDs separated by
  `;`), `rongque` (yes/no). Rows may name different matters and events (a row fills `matter` or
  `bundle`, not both). `checker template` writes these columns for a matter, an event, or several.
  Each cell is read by its declared type as office software writes it (cells.py: 2026/12/3 and
  2026年12月3日 dates, 是/否 or 有/无, a choice by its Chinese or English label such as 租赁, 12,000
  and full-width digits, date cells); a row whose first cell starts with # is a note, not read.
A malformed record is reported with its file and line (a spreadsheet's bad cell with its line and
column, or in a workbook as the sheet names it: batch.xlsx:Sheet1!C7) and the batch goes on.

A record is known by its key (`submission_key`): MATTER/REFERENCE, or without a reference the
file and line it was read from. The key names its notice in the register and its files under
`notices/`; a key is used once per batch (a second record with it is refused, E024).
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import re
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from checker.run.compiler import CompiledMatter
from checker.errors import CheckerError, Location, Problem, column_letters
from checker.source.local import Office, choose_locality
from checker.source.model import OUTCOMES
from checker.notice.notice import Notice
from checker.shells.cells import COMMENT, RowCells, Unreadable, is_empty, read_text, sheet_application
from checker.shells.privacy import pseudonymise_ids
from checker.shells.register import RegisterError
from checker.notice.render import render
from checker.service import check
from checker.texts import t
from checker.workspace import MATTER_ID, Workspace
from checker.source.yamlsource import MAX_BYTES, byte_position, load_file, load_text, nested_too_deep, open_regular


@dataclass
class Record:
    """One application as read from the input, with where it came from."""

    where: Location
    source: str  # the file's absolute path, and the line in a JSONL or CSV file: names a record without a reference
    data: Any = None
    problems: list[Problem] = field(default_factory=list)
    from_sheet: bool = False  # a CSV or XLSX row: its cells are read once the matter's types are known
    cells: RowCells | None = None  # where each column's cell of the row is
    key: str = ""  # set once its matter is known: see submission_key
    file: str = ""  # its notice files under notices/, without the suffix


KEY_BYTES = 1000  # the register's limit on a key
NAME_BYTES = 200  # a file name, with room for the suffix (file systems allow 255 bytes)


def submission_key(matter_id: str, record: Record) -> tuple[str, str]:
    """The record's key in the register and its notice file name (MATTER/NAME).

    The key is MATTER/REFERENCE with the reference exactly as written (2026/001 and 2026 001
    are two submissions), or MATTER/SOURCE for a record without one (its file's absolute path, and
    line), with ID numbers pseudonymised (privacy.pseudonymise_ids). The file name is the
    reference, or the source file's name and line followed by a hash of the key, escaped so that
    different keys never share a file (`_escape`)."""
    ref = record.data.get("reference") if isinstance(record.data, dict) else None
    by_reference = isinstance(ref, str) and ref != ""
    ident = ref if by_reference else record.source
    key = _shorten(pseudonymise_ids(f"{matter_id}/{ident}"), KEY_BYTES)
    name = _escape(pseudonymise_ids(ident if by_reference else os.path.basename(record.source)))
    if not by_reference or len(name.encode()) > NAME_BYTES:  # the hash tells same-named sources apart
        name = _shorten(name, NAME_BYTES, always=key)
    return key, f"{matter_id}/{name}"


_UNSAFE = re.compile(r"[^\w.\-]|^\.")  # a leading dot would hide the file (or be . or ..)


def _escape(text: str) -> str:
    """`text` as a file name: letters, digits, `.`, `-` and `_` as they are, any other character
    (`/`, `%`, `~`, spaces...) as %XX of its UTF-8 bytes. Different texts give different names."""
    return _UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), text)


def _shorten(text: str, limit: int, always: str | None = None) -> str:
    """`text` if it has at most `limit` UTF-8 bytes; else (or whenever `always` is given) its
    end followed by `~` and a hash of the whole (of `always`), which keeps it unique."""
    if always is None and len(text.encode()) <= limit:
        return text
    tag = "~" + hashlib.sha256((always or text).encode()).hexdigest()[:16]
    room = limit - len(tag)
    tail = text[-room:]
    while len(tail.encode()) > room:
        tail = tail[1:]
    return tail + tag


def _source(path: Path) -> Callable[[int], str]:
    """The source of each line of `path`: its absolute path (resolved once) and the line."""
    where = str(path.resolve())
    return lambda line: f"{where}:{line}"


APPLICATION_SUFFIXES = (".yaml", ".yml", ".json")


def read_folder(folder: Path, follow_links: bool = False) -> Iterator[Record]:
    """The application files in `folder` (by their names: .yaml, .yml, .json; other files are
    not read). A link to a file outside the folder is not followed unless `follow_links`: a link
    planted in a drop folder must not have the checker read (and quote) some other file."""
    inside = folder.resolve()
    for path in sorted(p for p in folder.iterdir() if p.suffix in APPLICATION_SUFFIXES):
        shown = str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        if shown != str(path):  # a file name that is not UTF-8: it could not be printed or stored
            yield Record(Location(shown), shown, problems=[Problem(Location(shown), "E003",
                                                                   "the file name is not valid UTF-8", "rename it")])
            continue
        absolute = str(path.absolute())  # a link inside the folder is a submission of its own
        try:
            source = path
            if path.is_symlink():
                source = path.resolve()
                if not follow_links and not source.is_relative_to(inside):
                    raise CheckerError(Problem(Location(str(path)), "E001", "is a link to a file outside the folder: not read",
                                               "copy the file into the folder, or give --follow-links"))
            doc = load_file(source)
            yield Record(Location(str(path), 1, 1), absolute, doc.data)
        except CheckerError as e:
            yield Record(Location(str(path)), absolute,
                         problems=[Problem(Location(str(path), q.location.line, q.location.column), q.code, q.message, q.hint)
                                   if q.location.file == str(source) else q for q in e.problems])


def read_jsonl(path: Path) -> Iterator[Record]:
    """One record per line; a line that cannot be read (not UTF-8, too long, not JSON or YAML)
    is reported with its line and the next line is read."""
    source = _source(path)
    with open_regular(path) as f:
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
                yield Record(where, source(line_no), problems=[Problem(
                    where, "E002", f"line is larger than the {MAX_BYTES} byte limit", "each line is one application")])
                continue
            try:
                line = raw.decode("utf-8-sig")
            except UnicodeDecodeError as e:
                bad = Location(str(path), line_no, byte_position(raw, e.start)[1])
                yield Record(bad, source(line_no), problems=[Problem(bad, "E003", "not valid UTF-8 text",
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
                yield Record(where, source(line_no), problems=[Problem(where, p.code, p.message, p.hint)
                                                                for p in e.problems])
                continue
            yield Record(where, source(line_no), data)


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


# the columns of a spreadsheet row (besides `fact.NAME` and `applicant_KEY`): the first four are
# text read at once (they choose the matter and name the record); the others are read by type
# once the matter is known (cells.sheet_application)
TEXT_COLUMNS = ("matter", "bundle", "reference", "locality")
TYPED_COLUMNS = ("date", "materials", "promised", "rongque")


def _header_problem(header: list[str], where: Location) -> Problem | None:
    """A header that makes every row ambiguous: a column named twice."""
    named = [h for h in header if h]
    twice = sorted({h for h in named if named.count(h) > 1})
    if twice:
        return Problem(where, "A002", f"column(s) {', '.join(twice)} appear twice in the header",
                       "keep one of each: a row must say one thing for each column")
    return None


def sheet_record(header: list[str], values: list[Any] | tuple, cells: RowCells, where: Location,
                 source: str) -> Record | None:
    """One spreadsheet row (CSV or XLSX) as a record whose cells are read once its matter is known;
    None for an empty row and for a note (its first cell starts with #)."""
    if all(is_empty(v) for v in values):
        return None
    if values and isinstance(values[0], str) and values[0].lstrip().startswith(COMMENT):
        return None
    data: dict[str, Any] = {"facts": {}}
    applicant: dict[str, Any] = {}
    unknown: list[str] = []
    problems: list[Problem] = []
    for i, value in enumerate(values):
        if is_empty(value):
            continue
        column = header[i] if i < len(header) else ""
        if not column:
            unknown.append(f"(a cell in column {column_letters(i + 1)}, which has no header)")
        elif column in TEXT_COLUMNS:
            try:
                data[column] = read_text(value)
            except Unreadable as e:
                problems.append(Problem(cells.get(column, where), e.code, f"{column}: {e.message}", e.hint))
        elif column in TYPED_COLUMNS:
            data[column] = value
        elif column.startswith("fact."):
            data["facts"][column[5:]] = value
        elif column.startswith("applicant_"):
            applicant[column[len("applicant_"):]] = value
        else:
            unknown.append(column)
    if applicant:
        data["applicant"] = applicant
    if unknown:
        problems.append(Problem(where, "A002", f"unknown column(s) {', '.join(unknown)}",
                                "see `checker template MATTER` for the columns"))
    return Record(where, source, data, problems=problems, from_sheet=True, cells=cells)


_UNDECODABLE = re.compile("[\udc80-\udcff]")  # a byte that is not UTF-8, read with errors="surrogateescape"


def _undecodable(texts) -> bool:
    return any(isinstance(t, str) and _UNDECODABLE.search(t) for t in texts)


def read_csv(path: Path) -> Iterator[Record]:
    # bytes that are not UTF-8 (a spreadsheet saved as GBK) are kept as surrogates, so that the
    # row holding them is reported and the rest of the file is still read
    source = _source(path)
    with io.TextIOWrapper(open_regular(path), encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
        reader = csv.reader(f)
        first = Location(str(path), 1, 1)
        try:
            header = next(reader, [])
        except csv.Error as e:
            yield Record(first, source(1), problems=[_csv_problem(first, e)])
            return
        if _undecodable(header):
            yield Record(first, source(1), problems=[Problem(first, "E003", "the header row is not valid UTF-8 text",
                                                             "save the file as CSV UTF-8")])
            return
        header = [h.strip() for h in header]
        wrong = _header_problem(header, first)
        if wrong:
            yield Record(first, source(1), problems=[wrong])
            return
        columns = {h: i for i, h in enumerate(header, start=1) if h}
        line = reader.line_num
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as e:  # the row is lost, not the batch: the reader goes on at the next line
                line += 1  # the line the row starts in, after the last one read
                where = Location(str(path), line, 1)
                yield Record(where, source(line), problems=[_csv_problem(where, e)])
                line = reader.line_num
                continue
            line = reader.line_num
            where = Location(str(path), line, 1)
            if _undecodable(values):
                yield Record(where, source(line), problems=[Problem(where, "E003", "not valid UTF-8 text",
                                                                    "save the file as CSV UTF-8")])
                continue
            record = sheet_record(header, values, RowCells(str(path), line, columns), where, source(line))
            if record is not None:
                yield record


def _csv_problem(where: Location, error: csv.Error) -> Problem:
    if "field larger than field limit" in str(error):
        return Problem(where, "E002", f"a cell is larger than the {csv.field_size_limit()} character limit",
                       "a cell holds one value; put long lists in a JSON Lines batch")
    return Problem(where, "E001", f"not valid CSV: {error}", "save the file as CSV UTF-8")


# A workbook is a zip of XML parts. Its worksheets are streamed (read-only mode), but the shared
# strings and the styles are read whole: a part larger than this (uncompressed, as the zip
# declares it, which the zip reader holds it to) is refused before it is read.
XLSX_PART_BYTES = 256 * 1024 * 1024


def _xlsx_too_large(f) -> str | None:
    """The name of a part of the workbook read whole that is larger than XLSX_PART_BYTES, or None."""
    import zipfile
    with zipfile.ZipFile(f) as z:
        for info in z.infolist():
            if not info.filename.startswith("xl/worksheets/") and info.file_size > XLSX_PART_BYTES:
                return info.filename
    f.seek(0)
    return None


def read_xlsx(path: Path) -> Iterator[Record]:
    """The first sheet of a workbook (not the template's help sheets), first row the header, one
    application per row, streamed in read-only mode: the same columns and isolation as CSV, each
    problem at its cell (batch.xlsx:Sheet1!C7). Formulas count by their last computed value."""
    import warnings
    import openpyxl
    from checker.shells.template import TEMPLATE_SHEETS
    # what openpyxl says of parts it does not use (styles, extensions) is not about the applications
    warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\..*)?$")
    source = _source(path)
    whole = Location(str(path))
    unreadable = "save it from the spreadsheet program as an Excel workbook (.xlsx), without a password"
    with open_regular(path) as f:
        try:
            part = _xlsx_too_large(f)
            book = None if part else openpyxl.load_workbook(f, read_only=True, data_only=True)
        except Exception as e:  # whatever the zip or XML parsers say: the file is not a workbook
            yield Record(whole, source(0), problems=[Problem(whole, "E001", f"not a readable .xlsx workbook "
                                                             f"({type(e).__name__})", unreadable)])
            return
        if part:
            yield Record(whole, source(0), problems=[Problem(
                whole, "E002", f"the workbook's part {part} is larger than {XLSX_PART_BYTES // 2 ** 20} MiB uncompressed",
                "save a batch this large as CSV UTF-8")])
            return
        try:
            yield from _sheet_records(path, book, source, whole, unreadable, TEMPLATE_SHEETS)
        finally:
            book.close()


def _sheet_records(path: Path, book, source, whole: Location, unreadable: str, skipped) -> Iterator[Record]:
    sheet = next((s for s in book.worksheets if s.title not in skipped), None)
    if sheet is None:
        yield Record(whole, source(0), problems=[Problem(whole, "A002", "the workbook has no sheet of applications",
                                                         "put the applications on its first sheet")])
        return
    sheet.reset_dimensions()  # the size the file declares may be wrong: read every row there is
    rows = sheet.iter_rows(values_only=True)
    header: list[str] = []
    columns: dict[str, int] = {}
    limit = csv.field_size_limit()
    line = 0
    while True:
        line += 1
        where = Location(str(path), line, 1, sheet.title)
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as e:  # a damaged sheet: the parser cannot go on past it
            yield Record(where, source(line), problems=[Problem(where, "E001", "the sheet cannot be read from this row on "
                                                                f"({type(e).__name__})", unreadable)])
            return
        if any(isinstance(v, str) and len(v) > limit for v in values):
            yield Record(where, source(line), problems=[Problem(where, "E002", f"a cell is larger than the {limit} character limit",
                                                                "a cell holds one value")])
            if line == 1:
                return
            continue
        if line == 1:
            try:
                header = [read_text(v) for v in values]
            except Unreadable as e:
                header = []
                yield Record(where, source(1), problems=[Problem(where, e.code, f"header: {e.message}", e.hint)])
                return
            wrong = _header_problem(header, where)
            if wrong:
                yield Record(where, source(1), problems=[wrong])
                return
            columns = {h: i for i, h in enumerate(header, start=1) if h}
            continue
        record = sheet_record(header, values, RowCells(str(path), line, columns, sheet.title), where, source(line))
        if record is not None:
            yield record


def prepare_output(out: Path) -> None:
    """The output folder and its notices/ folder, created if missing (a register file may live
    in it); one that is a file or cannot be created is E004."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / "notices").mkdir(exist_ok=True)
    except OSError as e:
        what = "is a file, not a folder" if isinstance(e, FileExistsError) else f"cannot be created: {e.strerror}"
        raise CheckerError(Problem(Location(str(e.filename or out)), "E004", f"the output folder {what}",
                                   "give --out a folder (it is created if missing)")) from None


def read(source: Path, follow_links: bool = False) -> Iterator[Record]:
    if source.is_dir():
        return read_folder(source, follow_links)
    if source.suffix == ".jsonl":
        return read_jsonl(source)
    if source.suffix == ".csv":
        return read_csv(source)
    if source.suffix.lower() == ".xlsx":
        return read_xlsx(source)
    hint = "save the workbook as .xlsx" if source.suffix.lower() in (".xls", ".et", ".ods", ".xlsm") else \
        "give a folder of applications, a JSON Lines file, a CSV file or an Excel workbook"
    raise CheckerError(Problem(Location(str(source)), "E001", "not a folder, a .jsonl, .csv or .xlsx file", hint))


# the outcomes counted per matter, and per event (一件事) the event's `partial` too
COLUMNS = (*OUTCOMES, "partial")


@dataclass
class Summary:
    """Counts kept while screening: outcomes per matter, and per matter the materials the notices
    list, by name and ID, in the notice's own three lists: missing (required, not presented), to
    correct (presented, not in order) and possibly required (only if an open fact turns out so,
    therefore never counted as missing). Each list counts a material once per notice."""

    outcomes: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    missing: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    to_correct: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    possibly_required: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    names: dict[str, str] = field(default_factory=dict)
    material_names: dict[tuple[str, str], str] = field(default_factory=dict)  # (matter, material ID) -> its name
    unusable: int = 0
    total: int = 0

    # the summary's columns of materials: the notice's missing, defective and possibly_required
    MATERIAL_COLUMNS = ("most_missing", "most_to_correct", "possibly_required")

    def add(self, matter: str, name: str, notice: Notice) -> None:
        self.total += 1
        self.names[matter] = name
        self.outcomes[matter][notice.outcome] += 1
        for counts, items in ((self.missing, notice.missing), (self.to_correct, notice.defective),
                              (self.possibly_required, notice.possibly_required)):
            for mid in dict.fromkeys(item.id for item in items):
                counts[matter][mid] += 1
            for item in items:
                self.material_names[(matter, item.id)] = item.name.get("zh") or item.name.get("en") or ""

    def most(self, matter: str, counts: dict[str, Counter], n: int = 5) -> str:
        """The `n` materials counted most often, each as ID, name and count: `IB-05 委托书 (2)`."""
        return "; ".join(" ".join(filter(None, (mid, self.material_names.get((matter, mid)), f"({k})")))
                         for mid, k in counts[matter].most_common(n))

    def rows(self) -> list[dict]:
        out = []
        for matter in sorted(self.outcomes):
            c = self.outcomes[matter]
            row = {"matter": matter, "name": self.names[matter], "applications": sum(c.values())}
            row.update({k: c.get(k, 0) for k in COLUMNS})
            row["most_missing"] = self.most(matter, self.missing)
            row["most_to_correct"] = self.most(matter, self.to_correct)
            row["possibly_required"] = self.most(matter, self.possibly_required)
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
        fields = ["matter", "name", "applications", *COLUMNS, *self.MATERIAL_COLUMNS]
        with (folder / "summary.csv").open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=fields)
            w.writeheader()
            w.writerows(rows)
        head = "".join(f"<th>{html.escape(h)}</th>" for h in fields)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(r[h]))}</td>" for h in fields) + "</tr>" for r in rows)
        zh, en = t("screen.summary", "zh"), t("screen.summary", "en")
        (folder / "summary.html").write_text(
            f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{zh} {en}</title>'
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{border:1px solid #999;padding:.3em .6em}</style></head><body>"
            f"<h1>{zh} / {en}</h1><p>{html.escape(self.line())}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>\n",
            encoding="utf-8")


@dataclass
class Subject:
    """What a record was checked against: a matter (`checked` its CompiledMatter) or a bundle."""

    id: str
    name: str  # in Chinese, for the summary
    checked: Any


class Screener:
    """Checks records one by one; the workspace compiles each matter once, nothing else is kept per record."""

    def __init__(self, ws: Workspace, default_matter: str | None = None, local: str | Path | None = None,
                 office: Office | None = None, agency: str = ""):
        self.ws, self.default, self.local, self.office = ws, default_matter, local, office
        # without an office, the agency named on the command line (--agency) issues the notices
        self.agency = {"name": {"zh": agency, "en": agency}, "address": None, "hours": None, "phones": {}} \
            if agency and office is None else None
        self.localities: dict[str, Path | None | CheckerError] = {}  # by the locality a record names
        self.known = {m for m in ws.matter_ids() if MATTER_ID.fullmatch(m)}  # matters/ is read once, not for every record
        self.bundles = set(ws.bundle_ids())

    def matter(self, matter_id: str, locality: Path | None = None) -> CompiledMatter:
        """The matter compiled under a locality's rules (None: the national rules), once per run."""
        if matter_id not in self.known:
            raise CheckerError(Problem(Location(matter_id), "E020", f"unknown matter '{matter_id}'",
                                       "see `checker list`"))
        return self.ws.compiled(matter_id, locality)

    def locality(self, named: str, where: Location) -> Path | None:
        """The locality file for a record that names `named` ("": none), chosen once per run (the
        file system is not asked again for every record)."""
        if named not in self.localities:
            try:
                self.localities[named] = choose_locality(self.ws.root, office=self.office, local=self.local,
                                                         application=named)
            except CheckerError as e:
                self.localities[named] = e
        found = self.localities[named]
        if isinstance(found, CheckerError):  # said at this record: where it names the locality
            raise CheckerError([Problem(where, p.code, p.message, p.hint) for p in found.problems])
        return found

    def check(self, record: Record) -> tuple[Subject, Notice]:
        """The record's notice: a matter's, or an event's when the record names a bundle."""
        data = record.data
        if not isinstance(data, dict):
            raise CheckerError(Problem(record.where, "A001", "an application must be a mapping"))
        if record.from_sheet and data.get("bundle") and data.get("matter") and data["bundle"] != data["matter"]:
            raise CheckerError(Problem(record.cells.get("bundle", record.where), "A002",
                                       f"the row names a matter ({data['matter']}) and an event ({data['bundle']})",
                                       "fill one of the two columns: matter for a single matter, bundle for an event (一件事)"))
        if data.get("bundle") is not None or (self.default and self.ws.is_bundle(self.default) and "matter" not in data):
            return self._event(record, data)
        compiled, notice = self._matter(record, data)
        return Subject(compiled.matter.id, compiled.matter.name["zh"], compiled), notice

    def _event(self, record: Record, data: dict) -> tuple[Subject, Notice]:
        from checker.run.event import parse_event
        from checker.service import check_bundle
        bundle_id = data.get("bundle") or self.default
        if not isinstance(bundle_id, str) or bundle_id not in self.bundles:
            raise CheckerError(Problem(record.where, "E020", f"unknown bundle {bundle_id!r}", "see `checker list`"))
        named = data.get("locality")
        locality = self.locality(named if isinstance(named, str) else "", record.where)
        bundle = self.ws.bundle(bundle_id, locality)
        if record.from_sheet:
            data = sheet_application(data, bundle.form.facts, record.cells, record.where, bundle.id)
        app = parse_event(bundle, dict(data, bundle=bundle.id), where=record.where)
        notice = check_bundle(bundle, lambda mid: self.ws.compiled(mid, locality), app, office=self.office)
        if self.agency is not None:
            notice.office = self.agency
            for member in notice.members:
                if member.notice is not None:
                    member.notice.office = self.agency
        return Subject(bundle.id, bundle.name["zh"], bundle), notice

    def _matter(self, record: Record, data: dict) -> tuple[CompiledMatter, Notice]:
        matter_id = data.get("matter") or self.default
        if not matter_id:
            raise CheckerError(Problem(record.where, "A002", "the application names no matter",
                                       "add `matter:` or give --matter"))
        named = data.get("locality")
        named = named if isinstance(named, str) else ""
        compiled = self.matter(str(matter_id), self.locality(named, record.where))
        if record.from_sheet:
            data = sheet_application(data, compiled.matter.facts, record.cells, record.where, compiled.matter.id)
        notice = check(compiled, dict(data, matter=compiled.matter.id), where=record.where, office=self.office)
        if self.agency is not None:
            notice.office = self.agency
        return compiled, notice


class _Keys:
    """The keys screened so far in this run and where each was read, kept on disk (a temporary
    SQLite database, deleted when closed) so that a batch of any size runs in constant memory."""

    def __init__(self):
        self.db = sqlite3.connect("")
        self.db.execute("CREATE TABLE seen (key TEXT PRIMARY KEY, at TEXT NOT NULL)")

    def earlier(self, key: str, at: str) -> str | None:
        """Where `key` was seen before in this run; None the first time (and it is kept)."""
        row = self.db.execute("SELECT at FROM seen WHERE key = ?", (key,)).fetchone()
        if row is None:
            self.db.execute("INSERT INTO seen VALUES (?, ?)", (key, at))
        return row[0] if row else None


def screen(records: Iterator[Record], screener: Screener, out: Path, lang: str = "zh",
           on_notice: Callable[[Record, Subject, Notice], None] | None = None,
           on_problem: Callable[[Problem], None] | None = None,
           progress: Callable[[], None] | None = None, write_notices: bool = True) -> Summary:
    """Screen every record (one naming a bundle gets the event's one notice), writing
    out/notices/MATTER/NAME.html and .json (unless write_notices
    is false: a summary only), and return the summary. A bad record is reported through
    `on_problem` and the batch goes on; a RegisterError from `on_notice` (the register is lost)
    stops it: it is raised, and nothing more is screened."""
    notices = out / "notices"
    notices.mkdir(parents=True, exist_ok=True)
    summary = Summary()
    keys = _Keys()
    try:
        for record in records:
            try:
                if record.problems:
                    raise CheckerError(record.problems)
                subject, notice = screener.check(record)
                record.key, record.file = submission_key(subject.id, record)
                earlier = keys.earlier(record.key, str(record.where))
                if earlier is not None:
                    raise CheckerError(Problem(record.where, "E024", f"the submission key '{record.key}' is "
                                               f"already used in this batch, by the record at {earlier}",
                                               "give each application its own reference"))
                if on_notice is not None:
                    on_notice(record, subject, notice)
                if write_notices:
                    (notices / subject.id).mkdir(exist_ok=True)
                    (notices / f"{record.file}.json").write_text(render(notice, "json"), encoding="utf-8")
                    (notices / f"{record.file}.html").write_text(render(notice, "html", lang), encoding="utf-8")
                summary.add(subject.id, subject.name, notice)
            except RegisterError:
                raise  # the register is lost: not a problem of this record
            except CheckerError as e:
                summary.unusable += 1
                for p in e.problems:
                    if on_problem is not None:
                        on_problem(_at_cell(p if p.location.line else Problem(record.where, p.code, p.message, p.hint),
                                            record))
            if progress is not None:
                progress()
    finally:
        keys.db.close()
    summary.write(out)
    return summary


class Numbering:
    """`screen`'s on_notice that numbers each notice in a register (register.issue_notice), as
    `by` (a staff account; "" the command line's user), counting what this run numbered so that a
    run stopped by a lost register can say how far it got."""

    def __init__(self, register, by: str = ""):
        self.register, self.by = register, by
        self.numbered, self.last, self.at = 0, "", None

    def __call__(self, record: Record, subject: Subject, notice) -> None:
        """A matter's notice gets a number; an event's members each get theirs, under the event's
        key (KEY/MEMBER), and the event's notice carries them."""
        from checker.notice.event import EventNotice
        from checker.shells.register import issue_notice
        self.at = record.where
        issued = [(subject.id, record.key, notice)] if not isinstance(notice, EventNotice) else [
            (m.matter, f"{record.key}/{m.matter}", m.notice) for m in notice.members if m.notice is not None]
        for matter_id, key, each in issued:
            entry = issue_notice(self.register, matter_id, key, each, by=self.by)
            if entry is not None:
                self.numbered, self.last = self.numbered + 1, entry.number


# the field a problem of a whole record names at the start of its message, and the column it came from
_FIELD = re.compile(r"facts\.(?P<fact>[^.:\s]+)|facts: unknown field '(?P<unknown>[^']+)'|applicant\.(?P<who>\w+)"
                    r"|(?P<key>date|reference|locality|materials|promised|rongque)\b")
_CODE_COLUMNS = {"E026": "locality", "E027": "locality"}


def _at_cell(problem: Problem, record: Record) -> Problem:
    """A problem said of a spreadsheet row as a whole (the application schema names the field),
    moved to the cell of the field it names; others as they are."""
    if record.cells is None or problem.location != record.where:
        return problem
    found = _FIELD.match(problem.message)
    column = _CODE_COLUMNS.get(problem.code)
    if problem.code == "E020":
        column = "bundle" if "bundle" in problem.message else "matter"
    elif found and found["fact"]:
        column = f"fact.{found['fact']}"
    elif found and found["unknown"]:
        column = f"fact.{found['unknown']}"
    elif found and found["who"]:
        column = f"applicant_{found['who']}"
    elif found:
        column = found["key"]
    cell = record.cells.get(column) if column else None
    if cell is None and column and column.startswith("fact.") and isinstance(record.data, dict):
        owner = record.data.get("bundle") or record.data.get("matter")  # a mixed batch's fact.ID.NAME column
        cell = record.cells.get(f"fact.{owner}.{column[5:]}")
    return problem if cell is None else Problem(cell, problem.code, problem.message, problem.hint)
