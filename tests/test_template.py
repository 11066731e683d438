"""`checker template` and spreadsheets in `checker screen`: the round trip of issue 17 (for every
matter and event, the template's rows filled from the examples, as CSV and as XLSX, screened,
give each example's expected notice), the workbook's parts, XLSX input, and bad cells named."""

from __future__ import annotations

import csv
import datetime
import io
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from checker.shells.cli import app
from checker.shells.screen import Screener, read, screen
from checker.shells.template import template_columns, template_for, worked_example, write_csv, write_xlsx
from checker.source.local import locality_rows
from checker.tools.testing import compare, compare_event
from checker.workspace import Workspace
from conftest import REPO

IB = "individual-business-registration"
WS = Workspace(REPO)
LOCALITIES = {row["id"]: row["name"] for row in locality_rows(WS.files("local"))}
SUBJECTS = WS.matter_ids() + WS.bundle_ids()


def subject(name: str):
    return WS.bundle(name) if WS.is_bundle(name) else WS.matter(name)


def carried(name: str) -> list:
    """The examples a row can carry: all but those that set parameter values of their own."""
    return [e for e in subject(name).examples if not e.parameters]


def cli(*args):
    return CliRunner().invoke(app, [*map(str, args), "--root", str(REPO)])


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode()), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def undo_notes_csv(data: bytes, path: Path) -> Path:
    """The template as a person fills it from its worked rows: the help row dropped, each worked
    row's # deleted."""
    rows = csv_rows(data)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(rows[0])
        for row in rows[2:]:
            assert row[0].startswith("#")
            w.writerow([row[0][1:], *row[1:]])
    return path


def undo_notes_xlsx(data: bytes, path: Path) -> Path:
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    for row in range(2, sheet.max_row + 1):
        assert sheet.cell(row, 1).value.startswith("#")
        sheet.cell(row, 1).value = sheet.cell(row, 1).value[1:]
    book.save(path)
    return path


def screened(path: Path, tmp_path: Path) -> tuple[dict[int, object], list]:
    """Each row's notice by its row (line) number, and the problems, as `checker screen` gets them."""
    notices, problems = {}, []
    screen(read(path), Screener(WS), tmp_path / "out", on_notice=lambda r, s, n: notices.__setitem__(r.where.line, n),
           on_problem=problems.append, write_notices=False)
    return notices, problems


# --- the round trip --------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", SUBJECTS)
def test_every_example_written_into_the_template_screens_to_its_expected_notice(name, fmt, lang, tmp_path):
    examples = carried(name)
    assert examples, f"{name} has no example a row can carry"
    the = subject(name)
    if fmt == "csv":
        path = undo_notes_csv(write_csv(the, lang, examples, LOCALITIES), tmp_path / "batch.csv")
    else:
        path = undo_notes_xlsx(write_xlsx(the, lang, examples, LOCALITIES), tmp_path / "batch.xlsx")
    notices, problems = screened(path, tmp_path)
    assert problems == []
    assert sorted(notices) == list(range(2, 2 + len(examples)))  # one notice per row, rows 2, 3, ...
    differ = compare_event if WS.is_bundle(name) else compare
    failures = {e.name: d for row, e in enumerate(examples, start=2) if (d := differ(e.expect, notices[row]))}
    assert failures == {}


def test_the_round_trip_can_fail(tmp_path):
    """A row that says something else gets another notice, and the comparison says so."""
    the = WS.matter(IB)
    example = worked_example(the)
    data = write_csv(the, "zh", [example]).decode("utf-8-sig").replace(",自有房产,", ",租赁,")
    notices, _ = screened(undo_notes_csv(("\ufeff" + data).encode(), tmp_path / "b.csv"), tmp_path)
    assert "missing" in " ".join(compare(example.expect, notices[2]))  # leased premises: the lease is missing


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", [IB, "unemployment"])
def test_the_templates_own_worked_row_through_the_commands(name, fmt, tmp_path):
    """`checker template` as printed or written, its worked row's # deleted, `checker screen`d: the
    example's outcome, and the exit code of that outcome."""
    target = tmp_path / f"t.{fmt}"
    r = cli("template", name, "--format", fmt, *(["--output", target] if fmt == "xlsx" else []))
    assert r.exit_code == 0, r.output
    data = r.stdout_bytes if fmt == "csv" else target.read_bytes()
    batch = (undo_notes_csv if fmt == "csv" else undo_notes_xlsx)(data, tmp_path / f"batch.{fmt}")
    r = cli("screen", batch, "--out", tmp_path / "out")
    expected = worked_example(subject(name)).expect["outcome"]
    assert r.exit_code == (0 if expected == "accept" else 1), r.output
    [notice] = (tmp_path / "out" / "notices" / name).glob("*.json")
    assert json.loads(notice.read_text("utf-8"))["outcome"] == expected


def test_a_template_sent_back_unchanged_screens_nothing(tmp_path):
    for fmt in ("csv", "xlsx"):
        the = WS.matter(IB)
        data = write_csv(the) if fmt == "csv" else write_xlsx(the)
        (tmp_path / f"t.{fmt}").write_bytes(data)
        r = cli("screen", tmp_path / f"t.{fmt}", "--out", tmp_path / "out")
        assert r.exit_code == 0 and "0 application(s)" in r.output, r.output


# --- what the template holds -----------------------------------------------------------------------

def test_the_columns_are_those_screen_reads_in_order():
    names = [c.name for c in template_columns(WS.matter(IB))]
    assert names[:7] == ["matter", "date", "reference", "applicant_name", "applicant_contact", "applicant_phone",
                         "applicant_id_number"]
    assert sorted(names[7:-1]) == sorted(f"fact.{f}" for f in WS.matter(IB).facts) and names[-1] == "materials"
    event = [c.name for c in template_columns(WS.bundle("unemployment"), LOCALITIES)]
    assert event[:4] == ["bundle", "date", "reference", "locality"]
    assert "fact.separation_reason" in event  # a member's fact, on the event's one form
    hygiene = [c.name for c in template_columns(WS.matter("public-place-hygiene-licence"))]
    assert "promised" in hygiene  # where a written promise may replace materials


def test_the_csv_says_what_each_column_takes_and_shows_a_worked_row():
    rows = csv_rows(write_csv(WS.matter(IB), "zh"))
    header, helps, worked = rows[0], dict(zip(rows[0], rows[1])), dict(zip(rows[0], rows[2]))
    assert len(rows) == 3 and helps["matter"].startswith("# ")
    # the question from the rule file, then the choices in words, Chinese and English (rules/premises.yaml's labels)
    assert helps["fact.premises_tenure"] == ("经营场所是自有、租赁，还是没有房屋产权证明？【选一项：自有房产 / owned、租赁 / leased、"
                                             "无产权证明（如集市、村集体用房） / no title certificate (market stall, "
                                             "village building, ...)】")
    assert helps["fact.operator_stated_age"].endswith("【整数；0至150；单位：周岁】")
    assert "由受理机关核实" in helps["fact.scope_barred"]  # verified by the agency: usually left empty
    assert "IB-03/lease 经营场所使用证明：租赁协议" in helps["materials"]
    # the worked row: the first example of the matter file, in words of the language asked
    assert worked["matter"] == f"#{IB}" and worked["date"] == "2026-03-02"
    assert worked["fact.premises_tenure"] == "自有房产" and worked["fact.filed_by_agent"] == "否"
    assert worked["materials"].startswith("IB-01:form=original:copies=1:signed=是;")
    en = dict(zip(rows[0], csv_rows(write_csv(WS.matter(IB), "en"))[2]))
    assert en["fact.premises_tenure"] == "owned" and en["fact.filed_by_agent"] == "no"


def test_the_workbook_has_drop_downs_date_cells_a_frozen_header_and_help(tmp_path):
    book = openpyxl.load_workbook(io.BytesIO(write_xlsx(WS.matter(IB), "zh")))
    assert book.sheetnames == ["申请", "说明", "lists"] and book["lists"].sheet_state == "hidden"
    sheet = book["申请"]
    header = [c.value for c in sheet[1]]
    col = {name: i + 1 for i, name in enumerate(header)}
    assert sheet.freeze_panes == "A2"
    assert all(sheet.cell(1, i).comment is not None for i in col.values())
    assert "选一项：自有房产 / owned、租赁 / leased、" in sheet.cell(1, col["fact.premises_tenure"]).comment.text

    def drop_down(column: str) -> list[str]:
        letter = openpyxl.utils.get_column_letter(col[column])
        [check] = [d for d in sheet.data_validations.dataValidation if str(d.sqref).startswith(f"{letter}2:")]
        assert check.type == "list"
        sheet_name, cells = check.formula1.split("!")
        return [c.value for row in book[sheet_name][cells.replace("$", "")] for c in row]
    assert drop_down("fact.premises_tenure") == ["自有房产", "租赁", "无产权证明（如集市、村集体用房）"]
    assert drop_down("fact.filed_by_agent") == ["是", "否"]
    date = sheet.cell(2, col["date"])
    assert date.value == datetime.datetime(2026, 3, 2) and date.number_format == "yyyy-mm-dd"
    letter = openpyxl.utils.get_column_letter(col["fact.operator_id_number"])
    assert sheet.column_dimensions[letter].number_format == "@"  # an ID number typed there stays text
    assert sheet.cell(2, col["fact.operator_id_number"]).data_type == "s"
    helps = {row[0]: row for row in book["说明"].iter_rows(values_only=True) if row and row[0]}
    assert helps["fact.premises_tenure"][1] == "经营场所是自有、租赁，还是没有房屋产权证明？"
    assert helps["fact.premises_tenure"][3] == "自有房产"  # the worked value


def test_an_xlsx_template_needs_a_file_and_an_unknown_matter_is_named():
    r = cli("template", IB, "--format", "xlsx")
    assert r.exit_code == 2 and "--output" in r.output and "E004" in r.output and "Traceback" not in r.output
    r = cli("template", "individual-busines-registration")
    assert r.exit_code == 2 and "E020" in r.output and IB in r.output


# --- XLSX in, and bad cells ------------------------------------------------------------------------

HEADER = ["matter", "date", "reference", "fact.operator_id_number", "fact.premises_tenure", "fact.filed_by_agent",
          "fact.family_operation", "fact.scope_needs_pre_approval", "fact.scope_barred",
          "fact.civil_servant_or_military", "materials"]
OWNED = "IB-01:form=original:copies=1:signed=是;IB-02:form=original_and_copy:copies=1;IB-03/title:form=original_and_copy:copies=1"


def row(reference, tenure="自有房产", agent="否", date="2026/3/2"):
    return [IB, date, reference, "11010519491231002X", tenure, agent, "否", "无", "否", "否", OWNED]


def workbook(path: Path, rows: list[list], title: str = "Sheet1") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(HEADER)
    for r in rows:
        sheet.append(r)
    book.save(path)
    return path


def test_a_workbook_is_screened_row_by_row_and_a_bad_row_is_named_by_its_cells(tmp_path):
    bad = row("X-2", tenure="租", agent="对", date="2026/13/01")
    src = workbook(tmp_path / "batch.xlsx", [row("X-1"), bad, [], row("X-3", date=datetime.datetime(2026, 3, 2))])
    r = cli("screen", src, "--out", tmp_path / "out")
    assert r.exit_code == 1, r.output
    assert "3 application(s): accept 2; unusable 1" in r.output  # the empty row is no application
    lines = [line for line in r.output.splitlines() if line.startswith(str(src))]
    assert [line.split(": ")[0] for line in lines] == [f"{src}:Sheet1!B3", f"{src}:Sheet1!E3", f"{src}:Sheet1!F3"]
    assert "A003 application-date: date: '2026/13/01' is not a real date" in lines[0]  # there is no 13th month
    assert "fact.premises_tenure: '租' is not an allowed value (allowed: owned (自有房产); leased (租赁);" in lines[1]
    assert "fact.filed_by_agent: '对' is not yes or no" in lines[2]
    assert sorted(p.name for p in (tmp_path / "out" / "notices" / IB).glob("*.json")) == ["X-1.json", "X-3.json"]


def test_a_csv_bad_cell_is_named_by_line_and_column_and_the_batch_goes_on(tmp_path):
    src = tmp_path / "batch.csv"
    with src.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow([*HEADER, "fact.operator_stated_age"])
        w.writerow([*row("C-1", tenure="租赁"), ""])
        w.writerow([*row("C-2"), "200"])  # over the fact's maximum of 150: said by the schema, at its cell
        w.writerow([*row("C-3", date="2026年3月2日"), ""])
    r = cli("screen", src, "--out", tmp_path / "out")
    assert r.exit_code == 1 and "3 application(s): accept 1, correct 1; unusable 1" in r.output, r.output
    [line] = [line for line in r.output.splitlines() if line.startswith(str(src))]
    assert line.startswith(f"{src}:3:12: A002 ") and "facts.operator_stated_age" in line
    leased = json.loads((tmp_path / "out" / "notices" / IB / "C-1.json").read_text("utf-8"))
    # leased premises and only the owner's title certificate: the premises' proof is missing (its lease option)
    assert [m["id"] for m in leased["missing"]] == ["IB-03"]


def test_the_help_sheet_notes_and_datetimes_with_a_time(tmp_path):
    src = tmp_path / "batch.xlsx"
    workbook(src, [["# 说明", "whatever"], row("T-1", date=datetime.datetime(2026, 3, 2, 9, 30)), row("T-2")],
             title="申请")
    book = openpyxl.load_workbook(src)
    help_sheet = book.create_sheet("说明", 0)  # even put first, the help sheet is not read
    help_sheet.append(["not", "an", "application"])
    book.save(src)
    r = cli("screen", src, "--out", tmp_path / "out")
    [line] = [line for line in r.output.splitlines() if line.startswith(str(src))]
    assert line.startswith(f"{src}:申请!B3: A002 application-field: date: 2026-03-02 09:30:00 is a date and a time")
    assert "2 application(s): accept 1; unusable 1" in r.output


@pytest.mark.parametrize("content, words", [
    (b"not a zip at all", "not a readable .xlsx workbook"),
    (b"PK\x03\x04broken", "not a readable .xlsx workbook"),
])
def test_a_file_that_is_not_a_workbook_is_one_clear_line(content, words, tmp_path):
    src = tmp_path / "batch.xlsx"
    src.write_bytes(content)
    r = cli("screen", src, "--out", tmp_path / "out")
    assert r.exit_code == 1 and words in r.output and "Traceback" not in r.output, r.output
    assert "save it from the spreadsheet program" in r.output


def test_a_header_naming_a_column_twice_is_refused(tmp_path):
    src = tmp_path / "batch.csv"
    src.write_text("matter,date,date\n" + f"{IB},2026-03-02,2026-03-03\n", encoding="utf-8")
    r = cli("screen", src, "--out", tmp_path / "out")
    assert r.exit_code == 1 and f"{src}:1:1: A002" in r.output and "date appear twice" in r.output


def test_an_old_excel_file_is_refused_with_what_to_do(tmp_path):
    src = tmp_path / "batch.xls"
    src.write_bytes(b"\xd0\xcf\x11\xe0")
    r = cli("screen", src, "--out", tmp_path / "out")
    assert r.exit_code == 2 and "save the workbook as .xlsx" in r.output


# --- a mixed batch: one sheet for several matters and events ---------------------------------------

RFL, MLA, CR = "road-freight-licence", "minimum-living-allowance", "company-registration"
THREE = [IB, RFL, MLA]  # IB and RFL share filed_by_agent; RFL and MLA declare vehicles differently


def worked_pairs(names: list[str]) -> list[tuple]:
    """Every example a row can carry of each subject, as (subject, example), in the subjects' order."""
    return [(subject(name), e) for name in names for e in carried(name)]


def mixed_round_trip(names: list[str], fmt: str, lang: str, tmp_path: Path) -> tuple[list[tuple], dict, list]:
    pairs = worked_pairs(names)
    subjects = [subject(name) for name in names]
    if fmt == "csv":
        path = undo_notes_csv(write_csv(subjects, lang, pairs, LOCALITIES), tmp_path / "mixed.csv")
    else:
        path = undo_notes_xlsx(write_xlsx(subjects, lang, pairs, LOCALITIES), tmp_path / "mixed.xlsx")
    notices, problems = screened(path, tmp_path)
    return pairs, notices, problems


def differences(pairs: list[tuple], notices: dict) -> dict:
    """Each example whose row's notice is not the one it expects, with how it differs."""
    out = {}
    for row, (the, e) in enumerate(pairs, start=2):
        differ = compare_event if WS.is_bundle(the.id) else compare
        if d := differ(e.expect, notices[row]):
            out[(the.id, e.name)] = d
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_mixed_sheet_of_three_matters_screens_each_row_to_its_expected_notice(fmt, lang, tmp_path):
    pairs, notices, problems = mixed_round_trip(THREE, fmt, lang, tmp_path)
    assert {the.id for the, _ in pairs} == set(THREE) and problems == []
    assert sorted(notices) == list(range(2, 2 + len(pairs)))
    assert differences(pairs, notices) == {}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_example_of_the_library_on_one_sheet_screens_to_its_expected_notice(fmt, tmp_path):
    """Matters and events mixed (a row fills `matter` or `bundle`), and vehicles in the columns of
    the three subjects that declare it (two ways): every row gets the notice its example expects."""
    pairs, notices, problems = mixed_round_trip(SUBJECTS, fmt, "zh", tmp_path)
    assert problems == [] and sorted(notices) == list(range(2, 2 + len(pairs)))
    assert differences(pairs, notices) == {}
    # the split columns were filled, each only in its own subject's rows
    header = [c.name for c in template_columns([subject(n) for n in SUBJECTS], LOCALITIES)]
    rows = [worked for worked in csv_rows(write_csv([subject(n) for n in SUBJECTS], "zh", pairs, LOCALITIES))[2:]]
    filled = {owner: {pairs[i][0].id for i, r in enumerate(rows) if r[header.index(f"fact.{owner}.vehicles")]}
              for owner in (MLA, RFL, "open-freight-company")}
    # the allowance's examples that list vehicles set parameter values: no row carries them
    assert filled == {MLA: set(), RFL: {RFL}, "open-freight-company": {"open-freight-company"}}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_commands_write_a_mixed_sheet_whose_worked_rows_screen_to_their_outcomes(fmt, tmp_path):
    """`checker template A B C` (two matters and an event), each worked row's # deleted, `checker
    screen`ed: one notice per subject with its worked example's outcome."""
    names = [IB, "unemployment", MLA]
    target = tmp_path / f"t.{fmt}"
    r = cli("template", *names, "--format", fmt, *(["--output", target] if fmt == "xlsx" else []))
    assert r.exit_code == 0, r.output
    data = r.stdout_bytes if fmt == "csv" else target.read_bytes()
    batch = (undo_notes_csv if fmt == "csv" else undo_notes_xlsx)(data, tmp_path / f"batch.{fmt}")
    r = cli("screen", batch, "--out", tmp_path / "out")
    expected = {name: worked_example(subject(name)).expect["outcome"] for name in names}
    assert r.exit_code == (0 if set(expected.values()) == {"accept"} else 1), r.output
    assert "3 application(s)" in r.output and "unusable 0" in r.output
    for name in names:
        [notice] = (tmp_path / "out" / "notices" / name).glob("*.json")
        assert json.loads(notice.read_text("utf-8"))["outcome"] == expected[name], name


def test_a_mixed_sheets_columns_common_first_then_each_subjects_facts_in_its_order():
    ib, cr = WS.matter(IB), WS.matter(CR)
    columns = template_columns([ib, cr], LOCALITIES)
    names = [c.name for c in columns]
    assert names[:8] == ["matter", "date", "reference", "locality", "applicant_name", "applicant_contact",
                         "applicant_phone", "applicant_id_number"]
    shared = ("filed_by_agent", "premises_tenure", "scope_needs_pre_approval")  # both files ask these
    assert names[8:-1] == [f"fact.{f}" for f in ib.facts] + [f"fact.{f}" for f in cr.facts if f not in shared]
    assert names[-1] == "materials"  # neither takes a written promise for a material
    by_name = {c.name: c for c in columns}
    assert by_name["fact.premises_tenure"].asked_by == (IB, CR) and by_name["fact.has_trade_name"].asked_by == (IB,)
    # the other order puts the company's facts first; a subject named twice is there once
    again = [c.name for c in template_columns([cr, ib, cr])]
    assert again[7:7 + len(cr.facts)] == [f"fact.{f}" for f in cr.facts] and again.count("fact.premises_tenure") == 1
    # one subject: the sheet it always had, no one named
    assert [c.asked_by for c in template_columns(ib) if c.fact] == [()] * len(ib.facts)
    # an event with matters: both id columns first
    assert [c.name for c in template_columns([ib, WS.bundle("unemployment")])][:3] == ["matter", "bundle", "date"]


def test_a_fact_declared_two_ways_has_a_column_for_each_at_its_subjects_place():
    names = [c.name for c in template_columns([subject(n) for n in THREE])]
    assert "fact.vehicles" not in names
    rfl_facts = [f"fact.{f}" for f in WS.matter(RFL).facts if f != "filed_by_agent"]
    at = names.index(rfl_facts[0])
    assert names[at:at + len(rfl_facts)] == [f"fact.{RFL}.vehicles" if f == "fact.vehicles" else f for f in rfl_facts]
    assert names.index(f"fact.{MLA}.vehicles") > at + len(rfl_facts)  # among the allowance's facts, after


def test_the_mixed_csv_says_which_matters_ask_each_fact_and_has_a_worked_row_each():
    rows = csv_rows(write_csv([WS.matter(IB), WS.matter(CR)], "zh"))
    header, helps = rows[0], dict(zip(rows[0], rows[1]))
    assert helps["fact.premises_tenure"].endswith(f"（适用事项：{IB}、{CR}）")
    assert helps["fact.has_trade_name"].endswith(f"（适用事项：{IB}）")
    assert helps["matter"].startswith(f"# 事项编号，本表可填：{IB}（个体工商户设立登记）、{CR}（公司设立登记（有限责任公司））。")
    assert "从第3行起每行按一个事项的示例填写" in helps["matter"]
    assert "IB-03/lease 经营场所使用证明：租赁协议" in helps["materials"] and "CO-01 " in helps["materials"]  # both's materials
    assert len(rows) == 4 and [r[0] for r in rows[2:]] == [f"#{IB}", f"#{CR}"]
    ib_row, cr_row = (dict(zip(header, r)) for r in rows[2:])
    assert ib_row["fact.premises_tenure"] == "自有房产" and cr_row["fact.has_trade_name"] == ""  # IB's fact only
    cr_only = [f"fact.{f}" for f in WS.matter(CR).facts if f not in WS.matter(IB).facts]
    assert cr_only and all(ib_row[c] == "" for c in cr_only)  # a row leaves the other matter's columns empty
    assert any(cr_row[c] != "" for c in cr_only)
    en = dict(zip(header, csv_rows(write_csv([WS.matter(IB), WS.matter(CR)], "en"))[1]))
    assert en["fact.premises_tenure"].endswith(f" (asked by: {IB}, {CR})")


def test_the_mixed_workbook_help_sheet_names_whose_rows_fill_each_column():
    book = openpyxl.load_workbook(io.BytesIO(write_xlsx([subject(n) for n in THREE], "zh")))
    sheet = book["申请"]
    assert [sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)] == [f"#{n}" for n in THREE]
    helps = {row[0]: row for row in book["说明"].iter_rows(values_only=True) if row and row[0]}
    assert helps["列名"][4] == "适用事项"
    assert helps["fact.filed_by_agent"][4] == f"适用事项：{IB}、{RFL}"
    assert helps[f"fact.{MLA}.vehicles"][4].startswith(f"仅 {MLA} 的行填写")
    assert helps["matter"][3] == IB  # the first worked row's id, without its #
    header = [c.value for c in sheet[1]]
    comment = sheet.cell(1, header.index(f"fact.{RFL}.vehicles") + 1).comment.text
    assert comment.endswith(f"（仅 {RFL} 的行填写：各事项对此项的规定不同，分列填写）")


def test_template_for_takes_one_name_or_a_list():
    one = template_for(WS, IB)
    assert one == template_for(WS, [IB])  # the web console's call, unchanged
    assert csv_rows(template_for(WS, [IB, "unemployment"]))[0][:2] == ["matter", "bundle"]


def test_mixed_template_exit_codes(tmp_path):
    r = cli("template")
    assert r.exit_code == 2 and "E020" in r.output and "no matter or event named" in r.output and "Traceback" not in r.output
    r = cli("template", IB, "--all")
    assert r.exit_code == 2 and "not both" in r.output
    r = cli("template", IB, "individual-busines-registration")
    assert r.exit_code == 2 and "E020" in r.output and IB in r.output
    r = cli("template", "--all")
    assert r.exit_code == 0, r.output
    rows = csv_rows(r.stdout_bytes)
    assert rows[0][:2] == ["matter", "bundle"]
    assert sorted(r[0].lstrip("#") or r[1] for r in rows[2:]) == sorted(SUBJECTS)  # a worked row each
    assert f"fact.{MLA}.vehicles" in rows[0] and "note: fact vehicles is declared differently" in r.stderr


# --- a fact two matters declare differently, in a library of tiny matters --------------------------

def tiny_library(tmp_path: Path) -> Path:
    """shop-a and shop-b ask `age` alike and `kind` with different choices; shop-c asks `kind` with
    shop-a's choices under other labels."""
    from checker.codes import FORM, TINY, matter_head
    facts = TINY[len(matter_head("tiny", "小事项", "Tiny matter")):]
    assert "values: [shop, stall]" in facts and "stall: {zh: 摊位, en: stall}" in facts
    root = tmp_path / "library"
    (root / "matters").mkdir(parents=True)
    (root / "rules").mkdir()
    variants = {"shop-a": ("甲", facts),
                "shop-b": ("乙", facts.replace("[shop, stall]", "[shop, market]")
                           .replace("stall: {zh: 摊位, en: stall}", "market: {zh: 市场, en: market}")),
                "shop-c": ("丙", facts.replace("shop: {zh: 店铺, en: shop}", "shop: {zh: 门店, en: store}"))}
    for mid, (zh, body) in variants.items():
        (root / "matters" / f"{mid}.yaml").write_text(matter_head(mid, zh, mid) + body + "materials:\n" + FORM,
                                                       encoding="utf-8")
    return root


def test_a_fact_declared_differently_gets_a_column_for_each_matter_and_the_command_says_so(tmp_path):
    root = tiny_library(tmp_path)
    r = CliRunner().invoke(app, ["template", "shop-a", "shop-b", "shop-c", "--root", str(root)])
    assert r.exit_code == 0, r.output
    header = csv_rows(r.stdout_bytes)[0]
    assert header[7:11] == ["fact.age", "fact.shop-a.kind", "fact.shop-b.kind", "fact.shop-c.kind"]
    assert r.stderr.strip() == ("note: fact kind is declared differently (shop-a: enum(shop 店铺/shop, stall 摊位/stall); "
                                "shop-b: enum(shop 店铺/shop, market 市场/market); shop-c: enum(shop 门店/store, "
                                "stall 摊位/stall)): each has its own column, fact.shop-a.kind, fact.shop-b.kind, "
                                "fact.shop-c.kind")
    # the same choices under the same labels share a column
    r = CliRunner().invoke(app, ["template", "shop-a", "shop-a", "--root", str(root)])
    assert "fact.kind" in csv_rows(r.stdout_bytes)[0] and r.stderr == ""


def test_screen_reads_a_split_column_in_its_own_matters_rows_only(tmp_path):
    root = tiny_library(tmp_path)
    src = tmp_path / "batch.csv"
    header = ["matter", "reference", "fact.age", "fact.shop-a.kind", "fact.shop-b.kind", "materials", "date"]
    rows = [["shop-a", "R-1", "30", "摊位", "", "TM-01", "2026-03-02"],  # shop-a's stall: read
            ["shop-b", "R-2", "30", "", "市场", "TM-01", "2026-03-02"],  # shop-b's market: read
            ["shop-a", "R-3", "30", "市场", "", "TM-01", "2026-03-02"],  # a market is no choice of shop-a's
            ["shop-b", "R-4", "30", "店铺", "", "TM-01", "2026-03-02"]]  # shop-a's column in a row of shop-b
    with src.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    r = CliRunner().invoke(app, ["screen", str(src), "--out", str(tmp_path / "out"), "--root", str(root)])
    assert r.exit_code == 1 and "4 application(s): accept 2; unusable 2" in r.output, r.output
    lines = [line for line in r.output.splitlines() if line.startswith(str(src))]
    assert lines[0].startswith(f"{src}:4:4: A002 ") and "fact.shop-a.kind: '市场' is not an allowed value" in lines[0]
    assert lines[1] == (f"{src}:5:4: A002 application-field: fact.shop-a.kind: this column is for rows of shop-a, "
                        "and this row is shop-b (leave it empty; this row's kind goes in fact.shop-b.kind)")
    assert sorted(p.name for p in (tmp_path / "out" / "notices").glob("*/*.json")) == ["R-1.json", "R-2.json"]


def test_a_row_giving_a_fact_in_both_its_columns_or_naming_a_matter_and_an_event_is_refused(tmp_path):
    root = tiny_library(tmp_path)
    src = tmp_path / "batch.csv"
    src.write_text("matter,bundle,reference,fact.kind,fact.shop-a.kind,materials,date\n"
                   "shop-a,,T-1,shop,stall,TM-01,2026-03-02\n", encoding="utf-8")
    r = CliRunner().invoke(app, ["screen", str(src), "--out", str(tmp_path / "out"), "--root", str(root)])
    assert r.exit_code == 1 and f"{src}:2:5: A002" in r.output and "the row gives kind twice" in r.output, r.output
    src.write_text(f"matter,bundle,reference\n{IB},unemployment,B-1\n", encoding="utf-8")
    r = cli("screen", src, "--out", tmp_path / "out2")
    assert r.exit_code == 1 and f"{src}:2:2: A002" in r.output, r.output
    assert f"the row names a matter ({IB}) and an event (unemployment)" in r.output


def test_a_problem_the_schema_finds_in_a_split_column_is_named_at_its_cell(tmp_path):
    src = tmp_path / "batch.csv"
    src.write_text(f"matter,date,reference,fact.{RFL}.vehicles\n{RFL},2026-03-02,V-1,\"{{\"\"plate\"\": 1}}\"\n",
                   encoding="utf-8")
    r = cli("screen", src, "--out", tmp_path / "out")
    assert r.exit_code == 1 and f"{src}:2:4: A002 application-field: facts.vehicles: " in r.output, r.output
    assert "is not of type 'array'" in r.output  # a list of records, not one record
