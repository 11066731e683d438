"""The register as a ledger for chiefs (checker/shells/ledger.py): CSV and Excel, read back. The
entries are built by hand; every expected cell is worked out from them here."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime

import pytest
from openpyxl import load_workbook

from checker.shells.ledger import export_csv, export_xlsx, reference_of
from checker.shells.register import STATUSES, BadArgument, Entry
from checker.source.model import OUTCOMES
from checker.texts import t

IBR = "individual-business-registration"
NAMED = json.dumps({"outcome": "correct", "matter": {"id": IBR, "name": {"zh": "个体工商户登记",
                                                                        "en": "Individual business registration"}}},
                   ensure_ascii=False)
FORMULA = '=HYPERLINK("http://x","click")'


def entry(number: str, **fields) -> Entry:
    base = dict(number=number, agency="西城区市场监管局", kind="correct", year=2026, seq=1, matter=IBR,
                application_key=f"{IBR}/2026/001", application_digest="0" * 64, application_date="2026-03-02",
                outcome="correct", deadline=None, issued_at="2026-03-02T01:00:00+00:00", supersedes=None,
                status="closed", notice_json="{}", applicant="")
    return Entry(**(base | fields))


ENTRIES = [
    # the notice names its matter; issued at 23:30 UTC: 07:30 the next day in Beijing
    entry("西市监审补〔2026〕第0042号", notice_json=NAMED, applicant="王小明", applicant_id="110***********0021",
          deadline="2026-03-09", status="open", issued_at="2026-03-02T23:30:00+00:00", issued_by="cli:staff"),
    # no name on this notice: the matter's name from the other one; an applicant that is a formula
    entry("西市监审容〔2026〕第0007号", kind="rongque", outcome="rongque", status="supplied", applicant=FORMULA,
          application_key=f"bundle/R-9/{IBR}", application_date="2026-03-03", deadline="2026-03-06",
          issued_at="2026-03-03T02:00:00+00:00", supplied_at="2026-03-05T16:10:00+00:00", supplied_by="张三"),
    # a matter whose notice is unreadable: its id; texts starting with + - @
    entry("西市监审不〔2026〕第0001号", kind="redirect", outcome="redirect", matter="some-matter",
          application_key="some-matter/@ref", notice_json="not json", applicant="+86 10 1234", issued_by="-cli"),
]


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the file as UTF-8
    text = data.decode("utf-8-sig")
    assert text.count("\r\n") == text.count("\n")  # CRLF line ends
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_rows_in_chinese():
    assert read_csv(export_csv(ENTRIES, "zh")) == [
        ["文号", "事项", "申请人", "证件号", "申请日期", "结果", "状态", "期限", "签发时间", "签发人", "补齐时间",
         "登记人", "办件编号"],
        ["西市监审补〔2026〕第0042号", "个体工商户登记", "王小明", "110***********0021", "2026-03-02", "补正", "待补齐",
         "2026-03-09", "2026-03-03 07:30:00", "cli:staff", "", "", "2026/001"],
        ["西市监审容〔2026〕第0007号", "个体工商户登记", "'" + FORMULA, "", "2026-03-03", "容缺受理", "已补齐",
         "2026-03-06", "2026-03-03 10:00:00", "", "2026-03-06 00:10:00", "张三", "R-9"],
        ["西市监审不〔2026〕第0001号", "some-matter", "'+86 10 1234", "", "2026-03-02", "不予受理（不属本机关职权）",
         "无待补", "", "2026-03-02 09:00:00", "'-cli", "", "", "'@ref"],
    ]


def test_csv_in_english_and_in_another_time_zone():
    rows = read_csv(export_csv(ENTRIES[:2], "en", tz="UTC"))
    assert rows[0] == ["Document number", "Matter", "Applicant", "ID number", "Application date", "Outcome", "Status",
                       "Due by", "Issued at", "Issued by", "Supplied at", "Supply recorded by", "Reference"]
    assert rows[1][1:3] == ["Individual business registration", "王小明"]
    assert rows[1][5:9] == ["To supply or correct", "Awaiting materials", "2026-03-09", "2026-03-02 23:30:00"]
    assert rows[2][5:7] == ["Accepted, materials deferred", "Supplied"]
    assert len(read_csv(export_csv([], "zh"))) == 1  # the header alone


@pytest.mark.parametrize("text, written", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("a=b", "a=b"), ("1-2", "1-2"), ("王=", "王="), ("'=1", "'=1"),
])
def test_formulas_never_reach_a_spreadsheet_from_csv(text, written):
    row = read_csv(export_csv([entry("X审补〔2026〕第0001号", applicant=text, application_key=f"{IBR}/{text}")],
                              "zh"))[1]
    assert row[2] == written and row[12] == written


def test_every_outcome_and_status_has_words_in_both_languages():
    for lang in ("zh", "en"):
        words = [t(f"ledger.outcome.{o}", lang) for o in OUTCOMES] + [t(f"ledger.status.{s}", lang) for s in STATUSES]
        assert all(words) and len(set(words)) == len(words)


def test_xlsx_read_back():
    data = export_xlsx(ENTRIES, "en")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Register of notices"
    assert [c.value for c in sheet[1]] == ["Document number", "Matter", "Applicant", "ID number", "Application date",
                                           "Outcome", "Status", "Due by", "Issued at", "Issued by", "Supplied at",
                                           "Supply recorded by", "Reference"]
    assert all(c.font.b for c in sheet[1]) and not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:M4"  # 13 columns, a header and 3 notices
    # dates and times are date cells (the times in Beijing), shown as such
    assert sheet["E2"].is_date and sheet["E2"].value == datetime(2026, 3, 2)
    assert sheet["E2"].number_format == "yyyy-mm-dd"
    assert sheet["H2"].value == datetime(2026, 3, 9) and sheet["H4"].value is None
    assert sheet["I2"].value == datetime(2026, 3, 3, 7, 30) and sheet["I2"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert sheet["K3"].value == datetime(2026, 3, 6, 0, 10)
    assert [sheet["B2"].value, sheet["B3"].value, sheet["B4"].value] == [
        "Individual business registration", "Individual business registration", "some-matter"]
    assert [sheet["F4"].value, sheet["G3"].value, sheet["M3"].value] == [
        "Not accepted: another agency's", "Supplied", "R-9"]
    # a formula stays text: a string cell with Excel's quote prefix, and no <f> in the sheet
    for ref, text in (("C3", FORMULA), ("C4", "+86 10 1234"), ("J4", "-cli"), ("M4", "@ref")):
        assert sheet[ref].value == text and sheet[ref].data_type == "s" and sheet[ref].quotePrefix, ref
    assert not sheet["C2"].quotePrefix
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    # each column as wide as its widest value, plus 2; a Chinese character counts two
    widths = {c: sheet.column_dimensions[c].width for c in "ABCEI"}
    assert widths == {"A": 5 * 2 + 2 + 4 + 2 + 2 + 4 + 2 + 2,  # 西市监审补 〔 2026 〕 第 0042 号, plus 2
                      "B": len("Individual business registration") + 2,
                      "C": len(FORMULA) + 2,
                      "E": len("Application date") + 2,  # wider than a date (10)
                      "I": 19 + 2}  # a date and time


def test_xlsx_in_chinese_has_the_chinese_headers():
    sheet = load_workbook(io.BytesIO(export_xlsx(ENTRIES[:1], "zh"))).active
    assert sheet.title == "发文登记"
    assert [c.value for c in sheet[1]][:5] == ["文号", "事项", "申请人", "证件号", "申请日期"]
    assert [sheet["B2"].value, sheet["F2"].value, sheet["G2"].value] == ["个体工商户登记", "补正", "待补齐"]


def test_an_unknown_time_zone_is_a_bad_argument():
    with pytest.raises(BadArgument) as caught:
        export_xlsx(ENTRIES, "zh", tz="Mars/Olympus")
    assert caught.value.argument == "tz"


@pytest.mark.parametrize("matter, key, reference", [
    ("m", "m/2026/001", "2026/001"),  # a reference with a slash
    ("m", "b/R-9/m", "R-9"),  # an event's member
    ("m", "b/2026/9/m", "2026/9"),
    ("m", "m/x/m", "x/m"),  # the matter's own key first
    ("m", "m/", ""),
    ("m", "unexpected", "unexpected"),
])
def test_the_reference_is_read_from_the_key(matter, key, reference):
    assert reference_of(entry("X", matter=matter, application_key=key)) == reference
