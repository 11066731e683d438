"""The register as a ledger (台账) for a chief: the notices as a CSV file or an Excel workbook, one
row per notice, in the words of the office rather than the register's codes.

The columns, in this order: 文号, 事项 (the matter's name as the notice gave it), 申请人, 证件号
(masked, as the register keeps it), 申请日期, 结果 and 状态 (in words), 期限 (the due date kept with
the notice), 签发时间 (local time in the hall), 签发人, 补齐时间 (local time), 登记人 (who recorded
the supply), 办件编号 (the application's reference). With lang="en" the headers and words are
English.

A text that a spreadsheet would read as a formula (one starting with = + - @, a tab or a carriage
return) is written with a leading `'` in the CSV file (OWASP's advice on CSV injection), and as
text with Excel's own quote prefix in the workbook (shown without the `'`, never evaluated).
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, timezone

from checker.shells.register import HALL_TZ, Entry, time_zone
from checker.texts import t, tx

COLUMNS = ("number", "matter", "applicant", "applicant_id", "application_date", "outcome", "status",
           "deadline", "issued_at", "issued_by", "supplied_at", "supplied_by", "reference")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_DATE_FORMAT, _TIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"


def headers(lang: str) -> list[str]:
    return [t(f"ledger.col.{c}", lang) for c in COLUMNS]


def rows(entries: Iterable[Entry], lang: str, tz: str = HALL_TZ) -> Iterable[list]:
    """Each notice's row: texts, `date`s (the application date, the due date) and naive local
    `datetime`s (issued, supplied); None where there is nothing. An unknown `tz` raises
    register.BadArgument."""
    zone, names = time_zone(tz), {}
    for e in entries:
        if e.matter not in names:
            name = matter_name(e, lang)
            if name != e.matter:  # a notice without the name: look again in the next one
                names[e.matter] = name
        yield [e.number, names.get(e.matter, e.matter), e.applicant or None, e.applicant_id or None,
               date.fromisoformat(e.application_date), t(f"ledger.outcome.{e.outcome}", lang),
               t(f"ledger.status.{e.status}", lang), date.fromisoformat(e.deadline) if e.deadline else None,
               _local(e.issued_at, zone), e.issued_by or None, _local(e.supplied_at, zone), e.supplied_by or None,
               reference_of(e)]


def matter_name(entry: Entry, lang: str) -> str:
    """The matter's name in `lang` from the notice as issued; its id if the notice has none."""
    try:
        name = json.loads(entry.notice_json).get("matter", {}).get("name")
    except (ValueError, AttributeError):
        return entry.matter
    return tx(name, lang) if isinstance(name, dict) and tx(name, lang) else entry.matter


def reference_of(entry: Entry) -> str:
    """The application's reference from its key: MATTER/REFERENCE, or an event member's
    BUNDLE/REFERENCE/MATTER (a reference may itself hold `/`)."""
    key, matter = entry.application_key, entry.matter
    if key.startswith(matter + "/"):
        return key[len(matter) + 1:]
    if key.endswith("/" + matter) and "/" in key[:-len(matter) - 1]:
        return key[:-len(matter) - 1].split("/", 1)[1]
    return key


def _local(instant: str | None, zone) -> datetime | None:
    """A UTC instant kept by the register as the hall's wall-clock time (naive: Excel has no zones)."""
    if not instant:
        return None
    moment = datetime.fromisoformat(instant)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(zone).replace(tzinfo=None)


def _inert(value):
    """A text that no spreadsheet takes for a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_csv(entries: Iterable[Entry], lang: str, tz: str = HALL_TZ) -> bytes:
    """The ledger as CSV: UTF-8 with a byte-order mark (so that Excel reads the Chinese), CRLF
    line ends, dates as YYYY-MM-DD and times as YYYY-MM-DD HH:MM:SS in the hall's time zone."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers(lang))
    for row in rows(entries, lang, tz):
        writer.writerow(["" if v is None else v.isoformat(sep=" ") if isinstance(v, datetime)
                         else v.isoformat() if isinstance(v, date) else _inert(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(entries: Iterable[Entry], lang: str, tz: str = HALL_TZ) -> bytes:
    """The ledger as an Excel workbook: the header row bold and frozen, an autofilter over the
    table, dates and times as real date cells, each column as wide as its widest value."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = t("ledger.sheet", lang)[:31]  # Excel's limit on a sheet's name
    head = headers(lang)
    sheet.append(head)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [_width(h) for h in head]
    for r, row in enumerate(rows(entries, lang, tz), start=2):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, datetime):
                cell.number_format, shown = _TIME_FORMAT, 19
            elif isinstance(value, date):
                cell.number_format, shown = _DATE_FORMAT, 10
            else:
                cell.data_type = "s"  # openpyxl would take a text starting with = for a formula
                cell.quotePrefix = value.startswith(_FORMULA_START)
                shown = _width(value)
            widths[c - 1] = max(widths[c - 1], shown)
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = min(width + 2, 60)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _width(text: str) -> int:
    """The width of `text` in a spreadsheet's columns: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
