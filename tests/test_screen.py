"""Batch pre-screening: folders, JSON Lines and CSV in; notices and a summary out; bad records
reported with file and line while the batch goes on."""

from __future__ import annotations

import csv
import json

from typer.testing import CliRunner

from checker.shells.cli import app
from conftest import REPO, notice_files

IB = "individual-business-registration"
OWNER_FACTS = {"operator_id_number": "11010519491231002X", "premises_tenure": "owned", "filed_by_agent": False,
               "family_operation": False, "scope_needs_pre_approval": False, "scope_barred": False,
               "civil_servant_or_military": False}
OWNER_MATERIALS = [{"id": "IB-01", "form": "original", "copies": 1, "signed": True},
                   {"id": "IB-02", "form": "original_and_copy", "copies": 1},
                   {"id": "IB-03/title", "form": "original_and_copy", "copies": 1}]


def run(*args):
    return CliRunner().invoke(app, ["screen", *map(str, args), "--root", str(REPO)])


def test_a_jsonl_batch_of_mixed_matters(tmp_path):
    lines = [
        {"matter": IB, "date": "2026-03-02", "reference": "A-1", "facts": OWNER_FACTS, "materials": OWNER_MATERIALS},
        {"matter": IB, "date": "2026-03-02", "reference": "A-2", "facts": dict(OWNER_FACTS, filed_by_agent=True),
         "materials": OWNER_MATERIALS},
        {"matter": "marriage-registration", "date": "2026-03-02", "reference": "M-1"},
    ]
    src = tmp_path / "batch.jsonl"
    src.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n{broken\n", encoding="utf-8")
    r = run(src, "--out", tmp_path / "out")
    assert r.exit_code == 1
    assert "4 application(s): accept 1, correct 2; unusable 1" in r.output
    assert f"{src}:4:1: E010" in r.output  # the broken line, by number; the batch went on
    notice = json.loads((tmp_path / "out" / "notices" / IB / "A-2.json").read_text("utf-8"))
    assert notice["outcome"] == "correct" and [m["id"] for m in notice["missing"]] == ["IB-05"]
    assert (tmp_path / "out" / "notices" / IB / "A-1.html").read_text("utf-8").startswith("<!DOCTYPE html>")
    rows = {row["matter"]: row for row in csv.DictReader((tmp_path / "out" / "summary.csv").open(encoding="utf-8"))}
    assert rows[IB]["applications"] == "2" and rows[IB]["accept"] == "1" and rows[IB]["correct"] == "1"
    assert rows[IB]["most_missing"] == "IB-05 委托代理人证明及代理人身份证复印件 (1)"
    assert "预审汇总" in (tmp_path / "out" / "summary.html").read_text("utf-8")


def test_the_summary_counts_possibly_required_materials_apart_and_names_each_material(tmp_path):
    """A couple with nothing for marriage registration: their ID cards (MR-01) and the signed
    declaration (MR-02) are missing; the military certificate (MR-05) and the divorce or death
    papers (MR-06) are needed only if what they have not said turns out so: possibly required,
    not missing. An agent without the authorisation and with the application form unsigned:
    IB-05 missing, IB-01 to correct (presented, not missing)."""
    unsigned = [dict(OWNER_MATERIALS[0], signed=False), *OWNER_MATERIALS[1:]]
    _jsonl(tmp_path / "b.jsonl", [
        {"matter": "marriage-registration", "date": "2026-03-02", "reference": "M-1"},
        {"matter": "marriage-registration", "date": "2026-03-02", "reference": "M-2"},
        {"matter": IB, "date": "2026-03-02", "reference": "A-3", "facts": dict(OWNER_FACTS, filed_by_agent=True),
         "materials": unsigned}])
    run(tmp_path / "b.jsonl", "--out", tmp_path / "out")
    rows = {row["matter"]: row for row in csv.DictReader((tmp_path / "out" / "summary.csv").open(encoding="utf-8"))}
    marriage = rows["marriage-registration"]
    assert marriage["most_missing"] == ("MR-01 本人居民身份证（男女双方各一） (2); "
                                        "MR-02 本人无配偶以及与对方当事人没有直系血亲和三代以内旁系血亲关系的签字声明 (2)")
    assert marriage["possibly_required"] == ("MR-05 军人婚姻登记证明（团级以上政治机关出具）及军人证件 (2); "
                                             "MR-06 离婚判决书或配偶居民死亡医学证明（推断）书 (2)")
    assert marriage["most_to_correct"] == ""
    assert rows[IB]["most_missing"] == "IB-05 委托代理人证明及代理人身份证复印件 (1)"
    assert rows[IB]["most_to_correct"] == "IB-01 个体工商户开业（设立）登记申请书 (1)"
    assert "possibly_required" in (tmp_path / "out" / "summary.html").read_text("utf-8")


def test_a_csv_batch_is_read_by_the_declared_types(tmp_path):
    src = tmp_path / "batch.csv"
    header = ["matter", "date", "reference", *[f"fact.{k}" for k in OWNER_FACTS], "materials"]
    owner = ["11010519491231002X", "owned", "否", "否", "否", "否", "否"]
    with src.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerow([IB, "2026-03-02", "C-1", *owner,
                    "IB-01:form=original:copies=1:signed=是;IB-02:form=original_and_copy:copies=1;"
                    "IB-03/title:form=original_and_copy:copies=1"])
        w.writerow([IB, "2026-02-30", "C-2", *owner, ""])
    r = run(src, "--out", tmp_path / "out")
    assert "2 application(s): accept 1; unusable 1" in r.output
    assert f"{src}:3:2: A003" in r.output  # the date cell: line 3, the second column


def test_a_folder_with_a_default_matter(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.yaml").write_text((REPO / "examples" / "individual-business-leased-agent.yaml").read_text("utf-8"),
                                     encoding="utf-8")
    (folder / "two.json").write_text(json.dumps({"date": "2026-03-02", "facts": OWNER_FACTS,
                                                 "materials": OWNER_MATERIALS}), encoding="utf-8")
    r = run(folder, "--matter", IB, "--out", tmp_path / "out")
    assert "2 application(s): accept 1, correct 1; unusable 0" in r.output
    assert notice_files(tmp_path / "out") == [f"{IB}/one.yaml~HASH.html", f"{IB}/one.yaml~HASH.json",
                                              f"{IB}/two.json~HASH.html", f"{IB}/two.json~HASH.json"]


def test_a_record_without_a_matter_and_an_unknown_matter(tmp_path):
    src = tmp_path / "b.jsonl"
    src.write_text('{"date": "2026-03-02"}\n{"matter": "no-such-matter", "date": "2026-03-02"}\n', encoding="utf-8")
    r = run(src, "--out", tmp_path / "out")
    assert "names no matter" in r.output and "unknown matter 'no-such-matter'" in r.output
    assert "unusable 2" in r.output and r.exit_code == 1


def _jsonl(path, lines):
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")


def test_screening_with_a_register_numbers_notices_once(tmp_path):
    db = tmp_path / "out" / "register.sqlite"
    src = tmp_path / "batch.jsonl"
    agent = {"matter": IB, "date": "2025-09-29", "reference": "A-2", "facts": dict(OWNER_FACTS, filed_by_agent=True),
             "materials": OWNER_MATERIALS}
    _jsonl(src, [{"matter": IB, "date": "2025-09-29", "reference": "A-1", "facts": OWNER_FACTS,
                  "materials": OWNER_MATERIALS}, agent])
    r = run(src, "--out", tmp_path / "out", "--db", db, "--abbr", "西市监")
    assert r.exit_code == 1, r.output
    a2 = json.loads((tmp_path / "out" / "notices" / IB / "A-2.json").read_text("utf-8"))
    assert a2["number"] == "西市监审补〔2025〕第0001号"
    # 5 working days after 2025-09-29 across National Day 2025: 10-13
    assert a2["deadline"]["notice_by"] == "2025-10-13"
    assert json.loads((tmp_path / "out" / "notices" / IB / "A-1.json").read_text("utf-8"))["number"] == "西市监审受〔2025〕第0001号"
    # re-screening the unchanged batch issues no new numbers
    run(src, "--out", tmp_path / "out", "--db", db, "--abbr", "西市监")
    listing = CliRunner().invoke(app, ["register", "list", "--db", str(db), "--abbr", "西市监"])
    assert listing.output.count("号") == 2
    # a corrected submission gets a new notice that refers to the earlier one
    agent["materials"] = OWNER_MATERIALS + [{"id": "IB-05", "form": "original_and_copy", "copies": 1, "signed": True}]
    _jsonl(src, [agent])
    run(src, "--out", tmp_path / "out", "--db", db, "--abbr", "西市监")
    again = json.loads((tmp_path / "out" / "notices" / IB / "A-2.json").read_text("utf-8"))
    assert again["outcome"] == "accept" and again["supersedes"] == "西市监审补〔2025〕第0001号"
    history = CliRunner().invoke(app, ["register", "show", f"{IB}/A-2", "--db", str(db), "--abbr", "西市监"])
    assert history.output.index("审补") < history.output.index("审受")
    shown = CliRunner().invoke(app, ["register", "show", "西市监审补〔2025〕第0001号", "--db", str(db),
                                     "--abbr", "西市监", "--format", "json"])
    assert json.loads(shown.output)["outcome"] == "correct"


def test_an_unreachable_register_is_one_clear_line(tmp_path):
    src = tmp_path / "b.jsonl"
    _jsonl(src, [{"matter": IB, "date": "2026-03-02"}])
    r = run(src, "--out", tmp_path / "out", "--db", "postgresql://nobody:secret@127.0.0.1:1/none")
    assert r.exit_code == 2 and "E022" in r.output and "secret" not in r.output and "Traceback" not in r.output


def test_the_batch_log_never_shows_a_full_id_number(tmp_path):
    # an ID number given as a number (not text) is refused, and the problem quotes the value: the
    # log of the batch (stderr) masks it, keeping the first 3 and last 4 digits
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"matter": IB, "date": "2026-03-02",
                                 "facts": {"operator_id_number": 110105194912310021}}) + "\n", encoding="utf-8")
    r = run(batch, "--out", tmp_path / "out")
    assert r.exit_code == 1
    assert "110***********0021" in r.output and "110105194912310021" not in r.output


def test_questions_before_a_decision_are_never_numbered(tmp_path):
    # every material present, but whether an agent files is not stated: a question, not a 补正;
    # the register numbers only the agency's notices
    db = tmp_path / "out" / "register.sqlite"
    src = tmp_path / "batch.jsonl"
    facts = {k: v for k, v in OWNER_FACTS.items() if k != "filed_by_agent"}
    _jsonl(src, [{"matter": IB, "date": "2025-09-29", "reference": "Q-1", "facts": facts, "materials": OWNER_MATERIALS},
                 {"matter": IB, "date": "2025-09-29", "reference": "A-1", "facts": OWNER_FACTS, "materials": OWNER_MATERIALS}])
    r = run(src, "--out", tmp_path / "out", "--db", db, "--abbr", "西市监")
    assert r.exit_code == 1, r.output
    q1 = json.loads((tmp_path / "out" / "notices" / IB / "Q-1.json").read_text("utf-8"))
    assert q1["outcome"] == "questions" and q1["number"] == "" and q1["missing"] == []
    assert json.loads((tmp_path / "out" / "notices" / IB / "A-1.json").read_text("utf-8"))["number"] == "西市监审受〔2025〕第0001号"
    listing = CliRunner().invoke(app, ["register", "list", "--db", str(db), "--abbr", "西市监"])
    assert listing.output.count("号") == 1 and "Q-1" not in listing.output


def test_the_agency_named_on_the_command_line_issues_the_notices(tmp_path):
    """Without an office, `--agency` names who issues the notices: the issue found it never
    reached them (the matter's department was printed instead)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.yaml").write_text((REPO / "examples" / "individual-business-leased-agent.yaml").read_text("utf-8"),
                                   encoding="utf-8")
    r = run(folder, "--out", tmp_path / "out", "--agency", "西城区市场监管局", "--abbr", "西市监",
            "--db", str(tmp_path / "r.db"))
    assert r.exit_code == 1  # a 补正 notice
    page = next((tmp_path / "out" / "notices" / IB).glob("*.html")).read_text("utf-8")
    assert "<dt>受理机关</dt><dd>西城区市场监管局</dd>" in page
    stored = json.loads(next((tmp_path / "out" / "notices" / IB).glob("*.json")).read_text("utf-8"))
    assert stored["office"]["name"] == {"zh": "西城区市场监管局", "en": "西城区市场监管局"}
