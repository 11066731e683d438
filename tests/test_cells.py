"""Values as office software writes them (shells/cells.py): each accepted form read to the value
worked out by hand, and each form that would be a guess refused with what would be right."""

from __future__ import annotations

import datetime

import pytest

from checker.errors import CheckerError, Location
from checker.lang.typecheck import Type
from checker.shells.cells import (RowCells, Unreadable, read_materials, read_text, read_value,
                                  sheet_application)
from checker.source.model import Fact

BOOL, INTEGER, NUMBER, DATE, TEXT = Type("bool"), Type("integer"), Type("number"), Type("date"), Type("string")
TENURE = Type("enum", ("owned", "leased", "no_title_certificate"))
# as rules/premises.yaml labels them
TENURE_LABELS = {"owned": {"zh": "自有房产", "en": "owned"}, "leased": {"zh": "租赁", "en": "leased"},
                 "no_title_certificate": {"zh": "无产权证明（如集市、村集体用房）",
                                          "en": "no title certificate (market stall, village building, ...)"}}


@pytest.mark.parametrize("written", ["2026-12-03", "2026/12/03", "2026/12/3", "2026.12.03", "2026年12月3日",
                                     "2026 年 12 月 3 日", " 2026/12/3 ", "２０２６/１２/３", "2026/12/3 0:00",
                                     "2026-12-03 00:00:00", datetime.date(2026, 12, 3),
                                     datetime.datetime(2026, 12, 3, 0, 0)])
def test_a_date_in_each_form_an_office_writes_it(written):
    assert read_value(written, DATE) == "2026-12-03"


@pytest.mark.parametrize("written, words", [
    ("2026/12-03", "is not a date"),  # two different separators
    ("12/3/2026", "is not a date"),  # day and month in an order that could be either
    ("3/12/2026", "is not a date"),
    ("20261203", "is not a date"),
    ("2026-12-03 09:30", "is not a date"),
    (datetime.datetime(2026, 12, 3, 9, 30), "is a date and a time"),
    (46359, "is not a date"),  # an Excel day number in a cell not formatted as a date
    (True, "is not a date"),
])
def test_a_date_that_would_be_a_guess_is_refused(written, words):
    with pytest.raises(Unreadable) as e:
        read_value(written, DATE)
    assert words in e.value.message and e.value.code == "A002"
    assert "YYYY-MM-DD" in e.value.hint or "date alone" in e.value.hint


def test_a_day_that_does_not_exist_is_a003_and_one_out_of_range_a005():
    with pytest.raises(Unreadable) as e:
        read_value("2026/2/30", DATE)
    assert e.value.code == "A003" and e.value.message == "'2026/2/30' is not a real date"
    with pytest.raises(Unreadable) as e:
        read_value("9999年12月31日", DATE)
    assert e.value.code == "A005"


@pytest.mark.parametrize("written, value", [
    ("是", True), ("否", False), ("有", True), ("无", False), ("true", True), ("FALSE", False), ("Yes", True),
    ("no", False), ("Y", True), ("n", False), ("1", True), ("0", False), ("１", True), (" 是 ", True),
    (True, True), (False, False), (1, True), (0, False), (1.0, True),
])
def test_yes_or_no_in_each_unambiguous_form(written, value):
    assert read_value(written, BOOL) is value


@pytest.mark.parametrize("written", ["对", "错", "2", "maybe", "是的", 2, 0.5])
def test_anything_else_is_not_yes_or_no(written):
    with pytest.raises(Unreadable) as e:
        read_value(written, BOOL)
    assert "is not yes or no" in e.value.message and "是 or 否" in e.value.hint


@pytest.mark.parametrize("written, value", [
    ("租赁", "leased"), ("leased", "leased"), ("LEASED", "leased"), ("自有房产", "owned"), ("owned", "owned"),
    ("无产权证明（如集市、村集体用房）", "no_title_certificate"),
    ("无产权证明(如集市、村集体用房)", "no_title_certificate"),  # half-width brackets: the same label
    ("No title certificate (market stall, village building, ...)", "no_title_certificate"),
    ("no_title_certificate", "no_title_certificate"),
])
def test_a_choice_by_its_id_or_its_chinese_or_english_label(written, value):
    assert read_value(written, TENURE, TENURE_LABELS) == value


def test_an_unknown_choice_lists_the_allowed_values_with_their_labels():
    with pytest.raises(Unreadable) as e:
        read_value("租", TENURE, TENURE_LABELS)
    assert e.value.message == "'租' is not an allowed value"
    assert e.value.hint.startswith("allowed: owned (自有房产); leased (租赁); no_title_certificate (无产权证明")


def test_a_label_two_values_answer_to_is_refused_as_ambiguous():
    kind = Type("enum", ("shop", "stall"))
    labels = {"shop": {"zh": "店铺", "en": "stall"}, "stall": {"zh": "摊位", "en": "market stall"}}  # shop's en is stall's id
    with pytest.raises(Unreadable) as e:
        read_value("stall", kind, labels)
    assert "ambiguous: it names shop and stall" in e.value.message
    assert read_value("摊位", kind, labels) == "stall" and read_value("店铺", kind, labels) == "shop"


@pytest.mark.parametrize("written, kind, value", [
    ("12000", INTEGER, 12000), ("12,000", INTEGER, 12000), ("１２，０００", INTEGER, 12000), ("1,234,567", INTEGER, 1234567),
    ("-5", INTEGER, -5), ("+7", INTEGER, 7), ("12,000.00", INTEGER, 12000), (12000, INTEGER, 12000),
    (12000.0, INTEGER, 12000), ("1.5", NUMBER, 1.5), ("12,000.50", NUMBER, 12000.5), ("０.２５", NUMBER, 0.25),
    (".5", NUMBER, 0.5), ("3", NUMBER, 3), (2.75, NUMBER, 2.75),
])
def test_a_number_with_thousands_separators_or_full_width_digits(written, kind, value):
    got = read_value(written, kind)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize("written, kind", [
    ("12,00", INTEGER), ("1,2345", INTEGER), ("12.5", INTEGER), (12.5, INTEGER), ("abc", NUMBER), ("1e5", NUMBER),
    ("12 000", INTEGER), (True, INTEGER), ("1" * 41, INTEGER), ("nan", NUMBER), ("", INTEGER),
])
def test_a_number_that_does_not_read_is_refused(written, kind):
    if written == "":
        assert read_value(written, kind) is None  # an empty cell is no answer, not a wrong one
        return
    with pytest.raises(Unreadable) as e:
        read_value(written, kind)
    assert "is not a whole number" in e.value.message or "is not a number" in e.value.message


def test_text_is_kept_as_written_and_a_number_excel_cut_short_is_refused():
    assert read_value("11010519491231002X", TEXT) == "11010519491231002X"
    assert read_value(13800000000, TEXT) == "13800000000"  # a telephone number typed into a number cell
    assert read_text(datetime.datetime(2026, 3, 2)) == "2026-03-02"
    with pytest.raises(Unreadable) as e:
        read_value(1.10105194912310E+17, TEXT)  # an ID number Excel turned into a number
    assert "more than 15 digits" in e.value.message and "format the column as text" in e.value.hint


def test_records_are_json_and_their_fields_are_read_by_type():
    kind = Type("list", fields=(("plate", TEXT), ("use", Type("enum", ("ordinary", "refrigerated"))), ("tested", BOOL)))
    specs = {"use": {"value_labels": {"ordinary": {"zh": "普通", "en": "ordinary"},
                                      "refrigerated": {"zh": "冷藏保鲜", "en": "refrigerated"}}}}
    cell = '[{"plate": "京A12345", "use": "冷藏保鲜", "tested": "是"}, {"plate": "1", "use": "ordinary", "tested": false}]'
    assert read_value(cell, kind, None, specs) == [{"plate": "京A12345", "use": "refrigerated", "tested": True},
                                                   {"plate": "1", "use": "ordinary", "tested": False}]
    with pytest.raises(Unreadable) as e:
        read_value('[{"plate": "x", "use": "冷"}]', kind, None, specs)
    assert e.value.message == "record 1, use: '冷' is not an allowed value"
    with pytest.raises(Unreadable) as e:
        read_value('[{"plate": "x",}]', kind, None, specs)
    assert e.value.message.startswith("not valid JSON")


def test_materials_with_attributes_in_office_forms():
    assert read_materials("IB-01:form=original:copies=１:signed=是；IB-02:valid_until=2030/1/1;;IB-03/lease") == [
        {"id": "IB-01", "form": "original", "copies": 1, "signed": True},
        {"id": "IB-02", "valid_until": "2030-01-01"},
        {"id": "IB-03/lease"}]
    with pytest.raises(Unreadable) as e:
        read_materials("IB-01:copies=two")
    assert e.value.message == "IB-01 copies: 'two' is not a whole number"


def test_a_row_names_every_cell_that_does_not_read_at_once():
    facts = {"premises_tenure": Fact("premises_tenure", TENURE, {}, {}, value_labels=TENURE_LABELS),
             "filed_by_agent": Fact("filed_by_agent", BOOL, {}, {})}
    cells = RowCells("b.xlsx", 7, {"date": 2, "fact.premises_tenure": 5, "fact.filed_by_agent": 6, "rongque": 9}, "Sheet1")
    where = Location("b.xlsx", 7, 1, "Sheet1")
    good = sheet_application({"matter": "m", "date": "2026/3/2", "facts": {"premises_tenure": "租赁", "filed_by_agent": "否"},
                              "rongque": "是"}, facts, cells, where)
    assert good == {"matter": "m", "date": "2026-03-02", "facts": {"premises_tenure": "leased", "filed_by_agent": False},
                    "rongque": True}
    with pytest.raises(CheckerError) as e:
        sheet_application({"date": "2026/3/2", "facts": {"premises_tenure": "租", "filed_by_agent": "对"}, "rongque": "x"},
                          facts, cells, where)
    assert [str(p).split(" ")[0] for p in e.value.problems] == ["b.xlsx:Sheet1!E7:", "b.xlsx:Sheet1!F7:", "b.xlsx:Sheet1!I7:"]
    assert "fact.premises_tenure: '租' is not an allowed value" in str(e.value.problems[0])


def test_a_cell_location_is_shown_as_a_spreadsheet_names_it():
    assert str(Location("batch.xlsx", 7, 3, "Sheet1")) == "batch.xlsx:Sheet1!C7"
    assert str(Location("batch.xlsx", 2, 27, "申请")) == "batch.xlsx:申请!AA2"
    assert str(Location("batch.xlsx", 2, 52, "S")) == "batch.xlsx:S!AZ2"
    assert str(Location("batch.csv", 7, 3)) == "batch.csv:7:3"
