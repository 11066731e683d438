"""Spreadsheet cells read as an application: each value as office software writes it (a CSV cell's
text, or an XLSX cell's number, date or yes/no), read by the fact's declared type.

`checker screen` reads a CSV or XLSX row into raw cells (screen.py); once the record's matter is
known, `sheet_application` reads every cell by its type and names each cell that does not read,
saying what it holds and what would be right. The forms accepted, and nothing more, so that no
cell is guessed:

- dates: 2026-12-03, 2026/12/03, 2026/12/3, 2026.12.03, 2026年12月3日 (and a time of 0:00 after
  them); an XLSX date cell, or a date-and-time cell at midnight;
- yes/no: 是/否, 有/无, true/false, yes/no, y/n, 1/0 (any case; an XLSX TRUE/FALSE or 1/0 cell);
- enum values: the value's id, or its Chinese or English label as the matter file gives them
  (`value_labels`): 租赁 or leased; a text two values answer to is refused as ambiguous;
- numbers: 12000, 12,000 (commas between groups of three digits), 1.5, full-width digits
  (１２，０００); an XLSX number cell;
- a list of records: JSON, its records' fields read as above;
- `materials`: IDs separated by `;`, each with `:key=value` attributes (copies, signed, sealed,
  valid_until read by their types); `promised`: IDs separated by `;`; full-width `；：＝` too.
Text (names, ID numbers) is kept as written; a number cell holding a long number in a text column
(an ID number Excel turned into 1.10105E+17) is refused: Excel keeps only 15 digits of it.
"""

from __future__ import annotations

import datetime
import functools
import json
import math
import re
import unicodedata
from typing import Any

from checker.errors import CheckerError, Location, Problem, quoted
from checker.lang.functions import date_fault
from checker.lang.typecheck import Type
from checker.source.model import Fact, Text

COMMENT = "#"  # a row whose first cell starts with it is a note, not an application (the template's help and worked rows)
TRUE_WORDS = ("是", "有", "true", "yes", "y", "1")
FALSE_WORDS = ("否", "无", "false", "no", "n", "0")
DATE_FORMS = "2026-12-03, 2026/12/3, 2026.12.03, 2026年12月3日"
EXCEL_DIGITS = 15  # Excel keeps a number to 15 significant digits
MAX_NUMBER_TEXT = 40  # a longer text is no number a fact takes (and int() would refuse 4300 digits)


class Unreadable(ValueError):
    """A cell that does not read as its column's type: what is wrong, what would be right."""

    def __init__(self, message: str, hint: str = "", code: str = "A002"):
        super().__init__(message)
        self.message, self.hint, self.code = message, hint, code


def plain(text: str) -> str:
    """`text` as compared: full-width forms as their ASCII (NFKC: １２ is 12, ； is ;), without
    surrounding space, in one case."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- text ------------------------------------------------------------------------------------------

def read_text(value: Any) -> str:
    """A cell as text: a number as written (12, 1.5), a date as YYYY-MM-DD. A number too long for
    Excel to hold exactly (an ID number typed into a number cell) is refused: digits are lost."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise Unreadable(f"{value!r} is not text")
        if abs(value) >= 10 ** EXCEL_DIGITS:
            raise Unreadable(f"{value!r} is a number of more than {EXCEL_DIGITS} digits, which a spreadsheet "
                             "does not keep exactly", "format the column as text and type the value again")
        return str(int(value)) if value == int(value) else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


# --- yes/no ----------------------------------------------------------------------------------------

_BOOLS = {**{w: True for w in TRUE_WORDS}, **{w: False for w in FALSE_WORDS}}


def read_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in _BOOLS:  # as most cells are written: no need to normalise
        return _BOOLS[value]
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    found = _BOOLS.get(plain(read_text(value)))
    if found is None:
        raise Unreadable(f"{quoted(read_text(value))} is not yes or no",
                         "write 是 or 否 (also read: 有/无, true/false, yes/no, Y/N, 1/0)")
    return found


# --- numbers ---------------------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?|[+-]?\.\d+")
_INTEGER = re.compile(r"[+-]?(\d+|\d{1,3}(,\d{3})+)(\.0+)?")


def read_number(value: Any, kind: str = "number") -> int | float:
    """An integer or a number: a number cell, or text with an optional sign, digits (groups of
    three separated by commas, or none), and for a number a decimal part. A whole number is an int."""
    whole = kind == "integer"
    wanted = "a whole number" if whole else "a number"
    if isinstance(value, bool) or isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        raise Unreadable(f"{quoted(read_text(value))} is not {wanted}", f"write {wanted}, e.g. 12000")
    if isinstance(value, (int, float)):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= MAX_NUMBER_TEXT:
        return int(value)  # as most cells are written
    else:
        text = plain(read_text(value))
        if len(text) > MAX_NUMBER_TEXT or not (_INTEGER if whole else _NUMBER).fullmatch(text):
            hint = "write the digits, commas only between groups of three (12,000)"
            raise Unreadable(f"{quoted(read_text(value))} is not {wanted}", hint)
        text = text.replace(",", "")
        number = int(text.split(".")[0]) if whole else float(text)
    if isinstance(number, float):
        if not math.isfinite(number):
            raise Unreadable(f"{number!r} is not {wanted}")
        if number == int(number) and abs(number) < 2 ** 53:
            return int(number)
        if whole:
            raise Unreadable(f"{number!r} is not a whole number", "write a whole number")
    return number


# --- dates -----------------------------------------------------------------------------------------

_MIDNIGHT = r"(?:\s+0?0:00(?::00)?)?"
_DATE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _MIDNIGHT)
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_DATE_ZH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日" + _MIDNIGHT)


def read_date(value: Any) -> str:
    """A date as YYYY-MM-DD, from a date cell (a date-and-time at midnight is a date) or text in
    one of DATE_FORMS; a day that does not exist is A003, one the checker does not handle A005."""
    hint = f"write the date as YYYY-MM-DD (also read: {DATE_FORMS})"
    if isinstance(value, datetime.datetime):
        if value.time() != datetime.time():
            raise Unreadable(f"{value.isoformat(' ')} is a date and a time", "give the date alone")
        text = value.date().isoformat()
    elif isinstance(value, datetime.date):
        text = value.isoformat()
    elif isinstance(value, str):
        written = value if _ISO.fullmatch(value) else unicodedata.normalize("NFKC", value).strip()
        found = _DATE.fullmatch(written)
        year, month, day = (found.group(1), found.group(3), found.group(4)) if found else (None, None, None)
        if found is None and (found := _DATE_ZH.fullmatch(written)):
            year, month, day = found.groups()
        if found is None:
            raise Unreadable(f"{quoted(value.strip())} is not a date", hint)
        text = f"{year}-{int(month):02d}-{int(day):02d}"
    else:
        raise Unreadable(f"{quoted(read_text(value))} is not a date",
                         "format the cell as a date, or write the date as YYYY-MM-DD")
    fault = date_fault(text)
    written = quoted(value.strip() if isinstance(value, str) else text)
    if fault == "not a real date":
        raise Unreadable(f"{written} is not a real date", "write the real date", code="A003")
    if fault:
        raise Unreadable(f"{written} is {fault}", "write the real date", code="A005")
    return text


# --- enums -----------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1024)
def _answers(values: tuple[str, ...], labels: tuple[tuple[str, str], ...]) -> dict[str, tuple[str, ...]]:
    """Each text that names a value (its id, its Chinese and its English label, compared by
    `plain`) -> the values it names (two or more: the text is ambiguous)."""
    named: dict[str, list[str]] = {}
    for value, (zh, en) in zip(values, labels):
        for text in {plain(value), plain(zh), plain(en)} - {""}:
            named.setdefault(text, []).append(value)
    return {text: tuple(dict.fromkeys(found)) for text, found in named.items()}


def _label_key(values: tuple[str, ...], labels: dict[str, Text]) -> tuple[tuple[str, str], ...]:
    return tuple(((labels.get(v) or {}).get("zh", ""), (labels.get(v) or {}).get("en", "")) for v in values)


def choices_text(values: tuple[str, ...], labels: dict[str, Text]) -> str:
    """The allowed values for a message: each id with its labels, e.g. `leased (租赁)`."""
    out = []
    for v in values:
        words = [w for w in dict.fromkeys(((labels.get(v) or {}).get("zh", ""), (labels.get(v) or {}).get("en", "")))
                 if w and w != v]
        out.append(f"{v} ({', '.join(words)})" if words else v)
    return "; ".join(out)


def ambiguous_labels(values: tuple[str, ...], labels: dict[str, Text]) -> set[str]:
    """The texts (as `plain` compares them) that name more than one of the values."""
    return {text for text, found in _answers(values, _label_key(values, labels)).items() if len(found) > 1}


def read_enum(value: Any, values: tuple[str, ...], labels: dict[str, Text]) -> str:
    text = read_text(value)
    found = _answers(values, _label_key(values, labels)).get(plain(text), ())
    if len(found) == 1:
        return found[0]
    allowed = "allowed: " + choices_text(values, labels)
    if found:
        raise Unreadable(f"{quoted(text)} is ambiguous: it names {' and '.join(found)}", "write the value's id; " + allowed)
    raise Unreadable(f"{quoted(text)} is not an allowed value", allowed)


# --- any declared type -----------------------------------------------------------------------------

def read_value(value: Any, t: Type, labels: dict[str, Text] | None = None,
               field_specs: dict[str, dict] | None = None) -> Any:
    """A cell read as type `t` (None: empty); raises Unreadable."""
    if is_empty(value):
        return None
    kind = t.kind
    if kind == "bool":
        return read_bool(value)
    if kind in ("integer", "number"):
        return read_number(value, kind)
    if kind == "date":
        return read_date(value)
    if kind == "enum":
        return read_enum(value, t.values, labels or {})
    if kind == "list":
        return _read_records(value, t, field_specs or {})
    return read_text(value)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _read_records(value: Any, t: Type, field_specs: dict[str, dict]) -> Any:
    """A list of records written as JSON; each field given as text is read by its declared type
    (a record's "use": "冷藏保鲜" is its enum value `refrigerated`)."""
    shape = "[{" + ", ".join(f'"{name}": ...' for name, _ in t.fields[:3]) + "}]"
    if not isinstance(value, str):
        raise Unreadable(f"{quoted(read_text(value))} is not a list of records", f"write them as JSON: {shape}")
    try:
        records = json.loads(value, parse_constant=_no_constant)
    except (ValueError, RecursionError) as e:
        raise Unreadable(f"not valid JSON: {str(e)[:80]}", f"write the records as JSON: {shape}") from None
    if not isinstance(records, list):
        return records  # the application schema says what is wrong, naming the fact
    types = dict(t.fields)
    out = []
    for i, record in enumerate(records, start=1):
        if isinstance(record, dict):
            record = dict(record)
            for name, item in record.items():
                if name in types and isinstance(item, str) and types[name].kind != "string":
                    try:
                        record[name] = read_value(item, types[name], (field_specs.get(name) or {}).get("value_labels"))
                    except Unreadable as e:
                        raise Unreadable(f"record {i}, {name}: {e.message}", e.hint, e.code) from None
        out.append(record)
    return out


def read_fact(value: Any, fact: Fact) -> Any:
    return read_value(value, fact.type, fact.value_labels, fact.field_specs)


# --- a row as an application -----------------------------------------------------------------------

TEXT = Type("string")
ATTRIBUTE_TYPES = {"copies": Type("integer"), "signed": Type("bool"), "sealed": Type("bool"),
                   "valid_until": Type("date")}


def read_materials(value: Any) -> list[dict]:
    """`IB-01;IB-03/lease:form=copy:copies=1:valid_until=2030/1/1` as the application's materials."""
    out = []
    for item in filter(None, (s.strip() for s in unicodedata.normalize("NFKC", read_text(value)).split(";"))):
        mid, *attributes = item.split(":")
        entry: dict[str, Any] = {"id": mid.strip()}
        for attribute in attributes:
            key, _, written = (s.strip() for s in attribute.partition("="))
            try:
                entry[key] = read_value(written, ATTRIBUTE_TYPES.get(key, TEXT))
            except Unreadable as e:
                raise Unreadable(f"{entry['id']} {key}: {e.message}", e.hint, e.code) from None
        out.append(entry)
    return out


def read_ids(value: Any) -> list[str]:
    return [s.strip() for s in unicodedata.normalize("NFKC", read_text(value)).split(";") if s.strip()]


def sheet_application(data: dict, facts: dict[str, Fact], cells: "RowCells", where: Location,
                      subject: str = "") -> dict:
    """A row read by `screen` (raw cells under the application's keys) as the application, each cell
    read by its type; every cell that does not read is a problem at that cell, raised together.
    A `fact.ID.NAME` cell (a mixed batch's column for a fact its subjects declare differently) is
    fact NAME in a row of `subject` ID, and refused in any other row."""
    problems: list[Problem] = []

    def read(column: str, reader, value):
        try:
            return reader(value)
        except Unreadable as e:
            problems.append(Problem(cells.get(column, where), e.code, f"{column}: {e.message}", e.hint))
            return None

    out = {k: v for k, v in data.items() if k not in ("date", "facts", "materials", "promised", "rongque", "applicant")}
    readers = {"date": read_date, "materials": read_materials, "promised": read_ids, "rongque": read_bool}
    for key, reader in readers.items():
        if not is_empty(data.get(key)):
            value = read(key, reader, data[key])
            if value is not None:
                out[key] = value
    applicant = {}
    for key, value in (data.get("applicant") or {}).items():
        text = read(f"applicant_{key}", read_text, value)
        if text:
            applicant[key] = text
    if applicant:
        out["applicant"] = applicant
    out["facts"] = {}
    given = data.get("facts") or {}
    for column, value in given.items():
        owner, _, name = column.rpartition(".")
        wrong = _not_this_rows(column, owner, name, subject, given, cells)
        if wrong:
            problems.append(Problem(cells.get(f"fact.{column}", where), "A002", *wrong))
            continue
        fact = facts.get(name)
        # a column no fact has stays text: the application schema names it, with a suggestion
        typed = read(f"fact.{column}", read_text if fact is None else lambda v: read_fact(v, fact), value)
        if typed is not None:
            out["facts"][name] = typed
    if problems:
        raise CheckerError(sorted(problems))  # left to right, as the row reads
    return out


def _not_this_rows(column: str, owner: str, name: str, subject: str, given: dict, cells: "RowCells") -> tuple[str, str] | None:
    """Why a `fact.ID.NAME` cell is not read in this row (message, hint), or None: it is another
    subject's column, or the row gives the fact in `fact.NAME` too."""
    if not owner:
        return None
    if owner != subject:
        own = next((c for c in (f"fact.{subject}.{name}", f"fact.{name}") if c in cells.columns), None)
        return (f"fact.{column}: this column is for rows of {owner}, and this row is {subject}",
                f"leave it empty; this row's {name} goes in {own}" if own else "leave it empty in this row")
    if name in given:
        return f"fact.{column}: the row gives {name} twice, here and in fact.{name}", "keep one of the two"
    return None


class RowCells:
    """Where each column's cell of one row is (the columns' numbers are the header's, shared by
    every row): a CSV file's line and column number, or a workbook sheet's row and column."""

    __slots__ = ("file", "line", "columns", "sheet")

    def __init__(self, file: str, line: int, columns: dict[str, int], sheet: str = ""):
        self.file, self.line, self.columns, self.sheet = file, line, columns, sheet

    def get(self, column: str, default: Location | None = None) -> Location | None:
        number = self.columns.get(column)
        return default if number is None else Location(self.file, self.line, number, self.sheet)
