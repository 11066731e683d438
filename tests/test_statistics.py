"""A bureau chief's statistics (checker/shells/statistics.py): notices per week and month by
outcome, materials by name with "possibly required" kept apart, days to supply, the share accepted
on the first visit, and the SVG charts that draw them. Every expectation is worked out by hand
in the comments: calendars of 2026/2027, China time (UTC+8), proportions of a 200-pixel plot."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta, timezone

import pytest

from checker.shells.register import Entry, Register, issue_notice
from checker.shells.statistics import (PLOT_H, charts, materials_chart, nice_max, outcome_chart, percent,
                                       report_html, statistics)

IB, MR = "individual-business-registration", "marriage-registration"
NAMES = {IB: {"zh": "个体工商户设立登记", "en": "Individual business registration"},
         MR: {"zh": "结婚登记（内地居民）", "en": "Marriage registration (mainland residents)"}}
AGENT = ("IB-05", "委托代理人证明及代理人身份证复印件", "Agent authorisation and a copy of the agent's ID")
FORM = ("IB-01", "个体工商户开业（设立）登记申请书", "Registration application signed by the operator")
DECLARATION = ("MR-02", "签字声明", "Signed declaration")
MILITARY = ("MR-05", "军人婚姻登记证明", "Military marriage certificate")
SVG = "{http://www.w3.org/2000/svg}"


def _items(materials) -> list[dict]:
    return [{"id": i, "name": {"zh": zh, "en": en}, "form": "original"} for i, zh, en in materials]


def entry(number: str, kind: str, day: str, *, key: str | None = None, matter: str = IB, issued: str | None = None,
          supersedes: str | None = None, supplied: str | None = None, missing=(), defective=(), possibly=(),
          notice_json: str | None = None) -> Entry:
    """A register row written by hand: the stored notice carries only what the statistics read."""
    notice = {"outcome": kind, "matter": {"id": matter, "name": NAMES[matter]}, "missing": _items(missing),
              "defective": _items(defective), "possibly_required": _items(possibly)}
    return Entry(number=number, agency="某市市场监督管理局", kind=kind, year=int(day[:4]), seq=1, matter=matter,
                 application_key=key or f"{matter}/{number}", application_digest="0" * 64, application_date=day,
                 outcome=kind, deadline=None, issued_at=issued or f"{day}T02:00:00+00:00", supersedes=supersedes,
                 status="supplied" if supplied else "closed",
                 notice_json=notice_json if notice_json is not None else json.dumps(notice, ensure_ascii=False),
                 applicant="", supplied_at=supplied)


def by_period(rows) -> dict:
    return {(r.period, r.matter): {k: v for k, v in r.counts.items() if v} for r in rows}


# ---------------------------------------------------------------------------------- weeks and months

def test_weeks_and_months_across_the_year_boundary():
    """2026-01-01 is a Thursday and 2026 is not a leap year, so 2026-12-31 is a Thursday too: 2026
    has an ISO week 53, Monday 2026-12-28 to Sunday 2027-01-03, and 2027-W01 starts on Monday
    2027-01-04. 2026-12-27 is the Sunday of 2026-W52 (Monday 2026-12-21). A notice of Saturday
    2027-01-02 is in 2026-W53 but in the month 2027-01."""
    entries = [entry("A", "accept", "2026-12-27"), entry("B", "correct", "2026-12-28"),
               entry("C", "accept", "2026-12-31"), entry("D", "refuse", "2027-01-02"),
               entry("E", "accept", "2027-01-04"), entry("F", "rongque", "2027-01-04", matter=MR)]
    s = statistics(entries)
    assert by_period(s.weeks) == {("2026-W52", IB): {"accept": 1},
                                  ("2026-W53", IB): {"correct": 1, "accept": 1, "refuse": 1},
                                  ("2027-W01", IB): {"accept": 1}, ("2027-W01", MR): {"rongque": 1}}
    assert [r.start for r in s.weeks[:2]] == [date(2026, 12, 21), date(2026, 12, 28)]  # labelled by the Monday
    assert by_period(s.months) == {("2026-12", IB): {"accept": 2, "correct": 1},
                                   ("2027-01", IB): {"refuse": 1, "accept": 1}, ("2027-01", MR): {"rongque": 1}}
    table = s.outcome_table("week")
    assert table.columns[:3] == ["周", "周一", "事项"]
    assert table.rows[1] == ["2026-W53", "2026-12-28", "个体工商户设立登记", 1, 0, 1, 1, 0, 0, 3]


def test_weeks_without_a_notice_are_drawn_as_zeros_and_a_period_can_be_chosen():
    """2026-03-02 is a Monday (2026-01-05 is the first Monday, 56 days before): 2026-W10. Nothing
    in W11 (03-09): the chart still has it, at zero. date_from 2026-03-03 leaves out 03-02 and
    cuts W10, whose label is marked."""
    entries = [entry("A", "accept", "2026-03-02"), entry("B", "correct", "2026-03-16"), entry("C", "accept", "2026-03-04")]
    s = statistics(entries)
    assert [(label, sum(c.values())) for label, _, c in s.period_totals("week")] == [
        ("2026-W10", 2), ("2026-W11", 0), ("2026-W12", 1)]
    later = statistics(entries, date_from="2026-03-03", date_to=date(2026, 3, 31))
    assert later.notices == 2 and later.registered == 3
    assert [(label, sum(c.values())) for label, _, c in later.period_totals("week")] == [
        ("2026-W10", 1), ("2026-W11", 0), ("2026-W12", 1), ("2026-W13", 0), ("2026-W14", 0)]  # to Tue 03-31
    svg = outcome_chart(later, "week")
    assert "03-02*" in svg and "03-30*" in svg and "03-16*" not in svg


# ---------------------------------------------------------------------------------- materials

def test_a_missing_material_is_counted_by_name_and_possibly_required_apart():
    """Two notices lack the agent's authorisation (IB-05); one also has IB-01 to correct; the
    military certificate (MR-05) is only possibly required, twice: never missing."""
    entries = [entry("A", "correct", "2026-03-02", missing=[AGENT], defective=[FORM]),
               entry("B", "correct", "2026-03-03", missing=[AGENT]),
               entry("C", "correct", "2026-03-03", matter=MR, missing=[DECLARATION], possibly=[MILITARY]),
               entry("D", "accept", "2026-03-04", matter=MR, possibly=[MILITARY])]
    s = statistics(entries)
    assert [(m.id, m.name, m.missing, m.defective, m.possibly_required) for m in s.materials] == [
        ("IB-05", "委托代理人证明及代理人身份证复印件", 2, 0, 0),
        ("MR-02", "签字声明", 1, 0, 0),
        ("IB-01", "个体工商户开业（设立）登记申请书", 0, 1, 0),
        ("MR-05", "军人婚姻登记证明", 0, 0, 2)]
    svg = materials_chart(s)
    assert "IB-05 委托代理人证明及代理人身份证复印件" in svg and "MR-02 签字声明" in svg
    assert "MR-05" not in svg and "军人婚姻登记证明" not in svg and "IB-01" not in svg
    en = statistics(entries, lang="en")
    assert en.materials[0].name == "Agent authorisation and a copy of the agent's ID"
    assert "Agent authorisation and a copy of the agent&#x27;s ID" in materials_chart(en)
    rows = list(csv.reader(io.StringIO(s.materials_table().to_csv())))
    assert rows[0] == ["事项", "材料编号", "材料", "缺少", "需补正", "视情况需要"]
    assert rows[4] == ["结婚登记（内地居民）", "MR-05", "军人婚姻登记证明", "0", "0", "2"]


def test_a_material_listed_twice_on_one_notice_counts_once_and_an_unreadable_notice_is_counted():
    entries = [entry("A", "correct", "2026-03-02", missing=[AGENT, AGENT]),
               entry("B", "correct", "2026-03-02", notice_json="{not json")]
    s = statistics(entries)
    assert [(m.id, m.missing) for m in s.materials] == [("IB-05", 1)]
    assert s.notices == 2 and s.unreadable == 1
    assert "有 1 份通知书的内容无法读取" in report_html(s)


# ---------------------------------------------------------------------------------- days to supply

def test_days_from_a_correction_notice_to_the_supply_in_china_time():
    """A: issued 09:00 on 03-02 (01:00 UTC), supplied 10:00 on 03-05: 3 days.
    B: issued 23:30 on 03-02 (15:30 UTC), supplied 00:30 on 03-03 (16:30 UTC): the next day, 1.
    C: issued 03-02, superseded by a new submission recorded 03-12 (11:00 China time): 10 days.
    D: supplied on 03-09 and superseded on 03-20: the earlier, 7 days.
    E: nothing yet: awaited. F, an accept, is no correction."""
    entries = [entry("A", "correct", "2026-03-02", issued="2026-03-02T01:00:00+00:00", supplied="2026-03-05T02:00:00+00:00"),
               entry("B", "correct", "2026-03-02", issued="2026-03-02T15:30:00+00:00", supplied="2026-03-02T16:30:00+00:00"),
               entry("C", "correct", "2026-03-02", key="k/C", issued="2026-03-02T03:00:00+00:00"),
               entry("C2", "accept", "2026-03-12", key="k/C", issued="2026-03-12T03:00:00+00:00", supersedes="C"),
               entry("D", "correct", "2026-03-02", key="k/D", supplied="2026-03-09T02:00:00+00:00"),
               entry("D2", "accept", "2026-03-20", key="k/D", supersedes="D"),
               entry("E", "correct", "2026-03-03"), entry("F", "accept", "2026-03-03")]
    s = statistics(entries)
    assert s.supply_days == [1, 3, 7, 10] and s.awaiting == 1
    assert s.median_days == 5  # (3 + 7) / 2
    assert s.supply_distribution() == [("当天", 0), ("1天", 1), ("2天", 0), ("3天", 1), ("4–7天", 1),
                                       ("8–14天", 1), ("15–30天", 0), ("31天及以上", 0)]
    assert s.supply_note() == "中位数 5 天；已补齐 4 件，尚待补齐 1 件"
    # the supply of a notice of the period is found after the period too
    march_2 = statistics(entries, date_from="2026-03-02", date_to="2026-03-02")
    assert march_2.supply_days == [1, 3, 7, 10] and march_2.awaiting == 0


# ---------------------------------------------------------------------------------- the first visit

def test_the_share_accepted_on_the_first_visit_follows_each_submissions_chain():
    """Four submissions in March: k1 correct then accept (by the second visit, not the first);
    k2 accept at once; k3 correct, correct, accept (by neither); k4 refused. First visit: 1 of 4
    (25%); by the second: 2 of 4 (50%). k0 began in February: its March notice is no submission
    of March."""
    entries = [entry("0a", "correct", "2026-02-27", key="k0"), entry("0b", "accept", "2026-03-02", key="k0", supersedes="0a"),
               entry("1a", "correct", "2026-03-02", key="k1"), entry("1b", "accept", "2026-03-05", key="k1", supersedes="1a"),
               entry("2a", "accept", "2026-03-03", key="k2"),
               entry("3a", "correct", "2026-03-03", key="k3"), entry("3b", "correct", "2026-03-04", key="k3", supersedes="3a"),
               entry("3c", "rongque", "2026-03-06", key="k3", supersedes="3b"),
               entry("4a", "refuse", "2026-03-04", key="k4")]
    fv = statistics(entries, date_from="2026-03-01", date_to="2026-03-31").first_visit
    assert (fv.submissions, fv.first, fv.by_second) == (4, 1, 2)
    assert (fv.share_first, fv.share_by_second) == (0.25, 0.5)
    table = statistics(entries, date_from="2026-03-01", date_to="2026-03-31").first_visit_table()
    assert table.rows == [["首次申请即受理", 4, 1, "25.0%"], ["两次以内受理（首次或第二次申请时）", 4, 2, "50.0%"]]
    # the whole register: k0 counts too, accepted on its second visit
    every = statistics(entries).first_visit
    assert (every.submissions, every.first, every.by_second) == (5, 1, 3)


def test_percentages_round_half_up():
    assert percent(2, 3) == "67%" and percent(1, 3) == "33%" and percent(1, 8) == "13%"
    assert percent(1, 8, 1) == "12.5%" and percent(0, 5) == "0%" and percent(0, 0) == "–"


# ---------------------------------------------------------------------------------- nothing to count

def test_an_empty_register_says_no_notices_yet():
    s = statistics([])
    assert (s.notices, s.materials, s.supply_days, s.median_days) == (0, [], [], None)
    assert s.first_visit.share_first is None and s.period_totals("week") == []
    drawn = charts(s)
    for name, svg in drawn.items():
        ET.fromstring(svg)
        assert "还没有通知书" in svg, name
    for name, table in s.tables().items():
        assert table.rows == [] and "还没有通知书" in table.to_html(), name
    assert "No notices yet" in charts(statistics([], lang="en"))["week"]
    page = report_html(s)
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page


def test_a_period_without_notices_says_so():
    s = statistics([entry("A", "accept", "2026-03-02")], date_from="2026-04-01", date_to="2026-04-30")
    assert s.notices == 0 and s.registered == 1
    assert all("这段时间没有通知书" in svg for svg in charts(s).values())


def test_bad_dates_are_refused_with_what_is_wrong():
    with pytest.raises(ValueError, match="date_from must be a date written YYYY-MM-DD, not '2026-13-01'"):
        statistics([], date_from="2026-13-01")
    with pytest.raises(ValueError, match=r"date_from \(2026-04-02\) is after date_to \(2026-04-01\)"):
        statistics([], date_from="2026-04-02", date_to="2026-04-01")
    with pytest.raises(ValueError, match="unit must be one of week, month"):
        statistics([]).outcome_table("day")


# ---------------------------------------------------------------------------------- the charts

def test_nice_axis_tops():
    """Steps of 1, 2 or 5 × 10^k, at most five of them."""
    assert nice_max(4) == (4, 1) and nice_max(5) == (5, 1) and nice_max(6) == (6, 2) and nice_max(7) == (8, 2)
    assert nice_max(23) == (25, 5) and nice_max(100) == (100, 20) and nice_max(0) == (1, 1)


def test_the_stacked_bars_are_proportional_and_labelled():
    """W10: 4 accepted; W11: 1 accepted and 1 to correct. The tallest bar is 4, so the axis
    reaches 4 (steps of 1) and 4 notices are the plot's full 200 pixels: 1 notice is 50. The
    plot's bottom is at 48 + 200 = 248; in W11 the accepted segment sits on it (y 198) and the
    correction on top of it (y 148)."""
    entries = [entry(f"A{i}", "accept", "2026-03-02") for i in range(4)] + [
        entry("B", "accept", "2026-03-10"), entry("C", "correct", "2026-03-11")]
    svg = outcome_chart(statistics(entries), "week")
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-label").startswith("每周通知书（按处理结论）：")
    assert root.find(f"{SVG}title").text == "每周通知书（按处理结论）"
    bars = [(r.get("data-kind"), r.get("data-count"), float(r.get("y")), float(r.get("height")))
            for r in root.iter(f"{SVG}rect") if r.get("data-kind")]
    assert PLOT_H == 200
    assert bars == [("accept", "4", 48.0, 200.0), ("accept", "1", 198.0, 50.0), ("correct", "1", 148.0, 50.0)]
    texts = [el.text for el in root.iter(f"{SVG}text")]
    assert {"03-02", "03-09", "2026", "受理", "补正", "4", "2"} <= set(texts)
    assert "不符合条件" not in texts  # only the outcomes present are in the legend
    en = ET.fromstring(outcome_chart(statistics(entries, lang="en"), "month"))
    assert {"Accepted", "To supply or correct", "2026-03"} <= {el.text for el in en.iter(f"{SVG}text")}


def test_one_matters_chart():
    entries = [entry("A", "accept", "2026-03-02"), entry("B", "correct", "2026-03-02", matter=MR)]
    root = ET.fromstring(outcome_chart(statistics(entries), "week", matter=MR))
    assert [r.get("data-kind") for r in root.iter(f"{SVG}rect") if r.get("data-kind")] == ["correct"]
    assert root.find(f"{SVG}title").text == "每周通知书（按处理结论）（结婚登记（内地居民））"


def test_the_material_bars_are_proportional():
    """IB-05 missing twice, MR-02 once: the longest bar is the full 620 pixels, the other half."""
    entries = [entry("A", "correct", "2026-03-02", missing=[AGENT]), entry("B", "correct", "2026-03-02", missing=[AGENT]),
               entry("C", "correct", "2026-03-02", matter=MR, missing=[DECLARATION])]
    root = ET.fromstring(materials_chart(statistics(entries)))
    assert [(r.get("data-count"), float(r.get("width"))) for r in root.iter(f"{SVG}rect") if r.get("data-count")] == [
        ("2", 620.0), ("1", 310.0)]
    assert "个体工商户设立登记" in ET.tostring(root, encoding="unicode")  # two matters: each bar says its own


def test_every_chart_is_well_formed_and_accessible_and_the_page_has_each_as_a_table():
    entries = [entry("A", "correct", "2026-03-02", key="k", missing=[AGENT], supplied="2026-03-04T02:00:00+00:00"),
               entry("B", "accept", "2026-03-05", key="k", supersedes="A"), entry("C", "rongque", "2026-04-01")]
    s = statistics(entries)
    for name, svg in charts(s).items():
        root = ET.fromstring(svg)
        assert root.get("role") == "img" and root.get("aria-label") and root.find(f"{SVG}title").text, name
        assert root.find(f"{SVG}desc").text, name
    first = ET.fromstring(charts(s)["first_visit"])
    assert "50%" in [el.text for el in first.iter(f"{SVG}text")]  # C accepted at once, k on its second visit
    page = report_html(s)
    assert page.count("<svg") == 5 and page.count("<table>") == 5 and "<script" not in page
    assert "统计期间：… 至 …（按申请日期）" in page


# ---------------------------------------------------------------------------------- a real register

def test_real_notices_from_a_register(tmp_path):
    """Notices issued by the checker itself into a SQLite register: an agent files without the
    authorisation (IB-05: 补正), then with it (accepted, superseding); a couple brings nothing
    for marriage registration (补正: ID cards MR-01 and the declaration MR-02 missing; the
    military certificate MR-05 and the divorce or death papers MR-06 only possibly required),
    and their notice is marked supplied."""
    from checker.service import check
    from checker.workspace import Workspace
    from conftest import REPO

    ws = Workspace(REPO)
    owner = {"operator_id_number": "11010519491231002X", "premises_tenure": "owned", "filed_by_agent": True,
             "family_operation": False, "scope_needs_pre_approval": False, "scope_barred": False,
             "civil_servant_or_military": False}
    materials = [{"id": "IB-01", "form": "original", "copies": 1, "signed": True},
                 {"id": "IB-02", "form": "original_and_copy", "copies": 1},
                 {"id": "IB-03/title", "form": "original_and_copy", "copies": 1}]
    app = {"date": "2026-03-02", "reference": "A-2", "facts": owner, "materials": materials}
    with Register(tmp_path / "r.db", "某市市场监督管理局", "X") as reg:
        first = issue_notice(reg, IB, f"{IB}/A-2", check(ws.compiled(IB), app))
        app["materials"] = materials + [{"id": "IB-05", "form": "original_and_copy", "copies": 1, "signed": True}]
        second = issue_notice(reg, IB, f"{IB}/A-2", check(ws.compiled(IB), app))
        couple = issue_notice(reg, MR, f"{MR}/M-1", check(ws.compiled(MR), {"date": "2026-03-02", "reference": "M-1"}))
        supplied = reg.mark_supplied(couple.number)
        entries = reg.list(limit=None)
    assert (first.kind, second.kind, second.supersedes, couple.kind) == ("correct", "accept", first.number, "correct")
    s = statistics(entries)
    assert s.notices == 3
    assert by_period(s.weeks) == {("2026-W10", IB): {"accept": 1, "correct": 1}, ("2026-W10", MR): {"correct": 1}}
    assert [(m.id, m.missing, m.possibly_required) for m in s.materials] == [
        ("IB-05", 1, 0), ("MR-01", 1, 0), ("MR-02", 1, 0), ("MR-05", 0, 1), ("MR-06", 0, 1)]
    assert s.materials[0].name == "委托代理人证明及代理人身份证复印件"
    assert s.materials[0].matter_name == "个体工商户设立登记"
    svg = materials_chart(s)
    assert "MR-02 本人无配偶" in svg and "MR-05" not in svg and "MR-06" not in svg
    assert (s.first_visit.submissions, s.first_visit.first, s.first_visit.by_second) == (2, 0, 1)

    def china_day(stamp: str) -> date:
        return (datetime.fromisoformat(stamp) + timedelta(hours=8)).date()
    # both supplies came seconds after their notices: the same day, unless midnight fell between
    expected = sorted((china_day(b) - china_day(a)).days for a, b in
                      ((first.issued_at, second.issued_at), (couple.issued_at, supplied.supplied_at)))
    assert s.supply_days == expected and set(expected) <= {0, 1} and s.awaiting == 0
    assert datetime.fromisoformat(first.issued_at).tzinfo == timezone.utc
