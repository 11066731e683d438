"""The batch template (`checker template`): the columns `checker screen` reads for one matter or
one event (一件事), or for a mixed batch of several (each row naming its own), as a CSV file or an
Excel workbook for window staff to fill in, with each column's question, how to write it and the
values allowed, and a worked row filled from each subject's own examples. The web console serves
the same bytes as downloads.

The columns, in order: `matter` (an event's: `bundle`; a batch mixing matters and events has
both, and a row fills one), `date`, `reference`, `locality` (when the library has localities),
`applicant_name`, `applicant_contact`, `applicant_phone`, `applicant_id_number`, one `fact.NAME`
per fact (an event's: of its one form; in a mixed batch each subject's facts in its own order
after those of the subjects before it, a fact several ask once), `materials`, and `promised` /
`rongque` where a subject allows them. A fact that two subjects declare differently (its type,
its choices or their labels, its unit or range, who gives it) cannot share a column, whose help
and drop-down would be wrong for one of them: each subject then gets its own, `fact.ID.NAME`,
which `checker screen` reads only in that subject's rows. A row whose first cell starts with # is
a note `checker screen` never reads (cells.COMMENT): the CSV's second row says what each column
takes (and, in a mixed batch, which subjects ask it), and each worked row stays a note until its
# is deleted, so that a template sent back unchanged screens nothing and puts no example in the
register.

CSV: UTF-8 with a byte-order mark, so that Excel opens the Chinese correctly. XLSX: the header
frozen, a note on each column name, drop-down lists for yes/no and choices, date-formatted date
columns and text-formatted text columns (an ID number stays text), and a second sheet 说明 / Help;
`checker screen` reads the first sheet only.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from dataclasses import dataclass
from typing import Any, Sequence, Union

from checker.shells.cells import COMMENT, ambiguous_labels, plain
from checker.source.bundle import Bundle
from checker.source.model import Example, Fact, Matter, Text
from checker.run.application import PRESENTED_FORMS
from checker.texts import t, tx

Subject = Union[Matter, Bundle]

LISTS_SHEET = "lists"  # the hidden sheet holding the drop-down lists
# the sheets a template adds after its first: `checker screen` never reads them as applications
TEMPLATE_SHEETS = (t("template.help_sheet", "zh"), t("template.help_sheet", "en"), LISTS_SHEET)
APPLICANT_KEYS = ("name", "contact", "phone", "id_number")
MAX_ROWS = 1048576  # Excel's last row: drop-down lists and formats reach it
_ATTRIBUTE_ORDER = ("form", "copies", "signed", "sealed", "valid_until", "note")


@dataclass(frozen=True)
class Column:
    """One column of the template: its header (as `checker screen` reads it), how a cell is written
    (`kind`: id, date, text, bool, integer, number, enum, list, materials, promised, locality), what
    it holds in words, and the values allowed (each with its labels). On a sheet of several
    subjects, `asked_by` names the subjects (ids) whose rows fill a fact's column, and `owner` the
    one subject of a `fact.ID.NAME` column."""

    name: str
    kind: str
    question: Text
    choices: tuple[tuple[str, Text], ...] = ()
    fact: Fact | None = None
    asked_by: tuple[str, ...] = ()
    owner: str = ""


def _form(subject: Subject) -> Matter:
    return subject.form if isinstance(subject, Bundle) else subject


def _both(key: str) -> Text:
    return {lang: t(key, lang) for lang in ("zh", "en")}


def _subjects(subjects: Subject | Sequence[Subject]) -> list[Subject]:
    """One subject or several as a list, each once (the first time it is named)."""
    listed = [subjects] if isinstance(subjects, (Matter, Bundle)) else subjects
    once: dict[str, Subject] = {}
    for s in listed:
        once.setdefault(s.id, s)
    return list(once.values())


def template_columns(subjects: Subject | Sequence[Subject], localities: dict[str, Text] | None = None) -> list[Column]:
    """The columns of a batch of `subjects` (a matter, or a bundle: an event; or several, in the
    order given), in order; `localities` (id -> name) adds the `locality` column."""
    chosen = _subjects(subjects)
    forms = [_form(s) for s in chosen]
    columns = _id_columns(chosen)
    columns += [Column("date", "date", _both("template.date")),
                Column("reference", "text", _both("template.reference"))]
    if localities:
        columns.append(Column("locality", "locality", _both("template.locality"), tuple(sorted(localities.items()))))
    columns += [Column(f"applicant_{key}", "text", _both(f"template.applicant.{key}")) for key in APPLICANT_KEYS]
    columns += _fact_columns(chosen)
    pieces: dict[str, Text] = {}  # each material (or part) once, named as where it comes first
    promised: dict[str, Text] = {}
    for form in forms:
        for piece, name in _pieces(form):
            pieces.setdefault(piece, name)
        for m in form.materials:
            if m.promise_allowed is not False:
                promised.setdefault(m.id, m.name)
    columns.append(Column("materials", "materials", _both("template.materials"), tuple(pieces.items())))
    if promised:
        columns.append(Column("promised", "promised", _both("template.promised"), tuple(promised.items())))
    members = [m for s in chosen if isinstance(s, Bundle) for m in s.members]
    if any(form.rongque for form in forms) or any(m.matter.rongque for m in members):
        columns.append(Column("rongque", "bool", _both("template.rongque")))
    return columns


def _id_columns(subjects: list[Subject]) -> list[Column]:
    """`matter` and/or `bundle`: what a row names, with the ids this sheet is for."""
    out = []
    kinds = [("matter", [s for s in subjects if not isinstance(s, Bundle)]),
             ("bundle", [s for s in subjects if isinstance(s, Bundle)])]
    both = all(of_kind for _, of_kind in kinds)
    for head, of_kind in kinds:
        if not of_kind:
            continue
        if len(of_kind) == 1:
            one = of_kind[0]
            named = {lang: t(f"template.{head}", lang, id=one.id, name=tx(one.name, lang)) for lang in ("zh", "en")}
        else:
            named = {lang: t(f"template.{head}s", lang, ids=t("template.or", lang).join(
                f"{s.id}（{tx(s.name, lang)}）" if lang == "zh" else f"{s.id} ({tx(s.name, lang)})" for s in of_kind))
                for lang in ("zh", "en")}
        if both:
            named = {lang: f"{text}{t('template.sep', lang)}{t('template.one_id', lang)}" for lang, text in named.items()}
        out.append(Column(head, "id", named))
    return out


def _fact_columns(subjects: list[Subject]) -> list[Column]:
    """Each subject's facts in its own order after those of the subjects before it; a fact several
    declare alike once (asked by each), one they declare differently once for each (`fact.ID.NAME`)."""
    declared: dict[str, set] = {}
    for s in subjects:
        for name, fact in _form(s).facts.items():
            declared.setdefault(name, set()).add(_declaration(fact))
    mixed = len(subjects) > 1
    found: dict[str, tuple[Fact, list[str], str]] = {}  # column -> its fact, the subjects asking it, its owner
    for s in subjects:
        for name, fact in _form(s).facts.items():
            own = len(declared[name]) > 1
            column = f"fact.{s.id}.{name}" if own else f"fact.{name}"
            found.setdefault(column, (fact, [], s.id if own else ""))[1].append(s.id)
    columns = []
    for column, (fact, asked_by, owner) in found.items():
        kind = fact.type.kind if fact.type.kind in ("bool", "integer", "number", "date", "enum", "list") else "text"
        choices = tuple((v, fact.value_labels.get(v) or {"zh": v, "en": v}) for v in fact.type.values)
        columns.append(Column(column, kind, fact.question, choices, fact, tuple(asked_by) if mixed else (), owner))
    return columns


def _declaration(fact: Fact) -> tuple:
    """What a cell of the fact is read and checked as, and what its help says: two facts of one
    name share a column only where this is the same."""
    def canonical(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return (fact.type, canonical(fact.value_labels), canonical(fact.field_specs), fact.unit, fact.minimum,
            fact.maximum, fact.source if fact.source in ("agency", "declaration") else "applicant")


def split_facts(subjects: Sequence[Subject]) -> dict[str, list[tuple[str, str]]]:
    """The facts that the subjects declare differently, each with the subjects (ids) declaring it
    and how (`declared_as`): on their sheet each of these gets its own column `fact.ID.NAME`."""
    out: dict[str, list[tuple[str, str]]] = {}
    for column in _fact_columns(_subjects(subjects)):
        if column.owner:
            out.setdefault(column.fact.name, []).append((column.owner, declared_as(column.fact)))
    return out


def declared_as(fact: Fact) -> str:
    """A fact's declaration in a few words, for a message: `enum(owned 自有房产/owned, leased
    租赁/leased)`, `integer, unit 元`, `list of records (plate, total_mass)`."""
    kind = fact.type
    if kind.kind == "list":
        words = [f"list of records ({', '.join(name for name, _ in kind.fields)})"]
    elif kind.kind == "enum":
        words = ["enum(" + ", ".join(f"{v} {tx(fact.value_labels.get(v), 'zh')}/{tx(fact.value_labels.get(v), 'en')}"
                                     if fact.value_labels.get(v) else v for v in kind.values) + ")"]
    else:
        words = [str(kind)]
    if fact.unit:
        words.append(f"unit {fact.unit}")
    if fact.minimum is not None or fact.maximum is not None:
        words.append(f"from {_number(fact.minimum) if fact.minimum is not None else '...'} "
                     f"to {_number(fact.maximum) if fact.maximum is not None else '...'}")
    if fact.source in ("agency", "declaration"):
        words.append(f"from the {fact.source}")
    return ", ".join(words)


def _pieces(form: Matter) -> list[tuple[str, Text]]:
    """What may be presented: each material, or each part of one with alternatives, with its name."""
    out = []
    for m in form.materials:
        if not m.options:
            out.append((m.id, m.name))
            continue
        seen = set()
        for option in m.options:
            for part in option.parts:
                if part.id not in seen:
                    seen.add(part.id)
                    out.append((part.id, {lang: f"{tx(m.name, lang)}{'：' if lang == 'zh' else ': '}{tx(part.name, lang)}"
                                          for lang in ("zh", "en")}))
    return out


def _subject_name(subject: Subject, lang: str) -> str:
    return tx(subject.name, lang)


# --- what a column takes, in words -----------------------------------------------------------------

def _choice_word(column: Column, value: str, lang: str) -> str:
    """How the template writes a choice: its label in `lang`, or its id where that label would
    name another value too (the reader would refuse it as ambiguous)."""
    labels = dict(column.choices)
    word = tx(labels.get(value), lang) or value
    if plain(word) in ambiguous_labels(tuple(v for v, _ in column.choices), labels):
        return value
    return word


def _choice_words(column: Column, value: str, lang: str) -> str:
    """A choice as the help shows it: its label in `lang`, then in the other language where that
    differs (租赁 / leased); a label the reader would refuse as ambiguous is left out."""
    other = "en" if lang == "zh" else "zh"
    words = [_choice_word(column, value, lang)]
    second = _choice_word(column, value, other)
    if plain(second) != plain(words[0]):
        words.append(second)
    return " / ".join(words)


def _bool_word(value: bool, lang: str) -> str:
    return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")


def how_to_write(column: Column, lang: str) -> str:
    """How a cell of the column is written, with the values allowed."""
    sep, alt = t("template.sep", lang), t("template.or", lang)
    kind = column.kind
    if kind == "id":
        return ""
    if kind == "enum":
        text = t("template.kind.enum", lang, choices=alt.join(_choice_words(column, v, lang) for v, _ in column.choices))
    elif kind == "locality":
        text = t("template.kind.locality", lang, choices=alt.join(f"{v}（{tx(n, lang)}）" if lang == "zh" else f"{v} ({tx(n, lang)})"
                                                                     for v, n in column.choices))
    elif kind in ("materials", "promised"):
        choices = alt.join(f"{v} {tx(n, lang)}" for v, n in column.choices)
        forms = alt.join(f"{f}（{t('notice.form.' + f, lang)}）" if lang == "zh" else f"{f} ({t('notice.form.' + f, lang)})"
                         for f in PRESENTED_FORMS)
        text = t(f"template.kind.{kind}", lang, choices=choices, forms=forms)
    elif kind == "list":
        specs = column.fact.field_specs if column.fact else {}
        fields = alt.join(f'"{name}" {tx((specs.get(name) or {}).get("label"), lang)}'.rstrip()
                          for name, _ in column.fact.type.fields) if column.fact else ""
        text = t("template.kind.list", lang, fields=fields)
    else:
        text = t(f"template.kind.{kind}", lang)
    fact = column.fact
    if fact is not None:
        extra = []
        if fact.minimum is not None and fact.maximum is not None:
            extra.append(t("template.range", lang, low=_number(fact.minimum), high=_number(fact.maximum)))
        elif fact.minimum is not None:
            extra.append(t("template.at_least", lang, low=_number(fact.minimum)))
        elif fact.maximum is not None:
            extra.append(t("template.at_most", lang, high=_number(fact.maximum)))
        if fact.unit:
            extra.append(t("template.unit", lang, unit=fact.unit))
        if fact.source == "agency":
            extra.append(t("template.agency", lang))
        elif fact.source == "declaration":
            extra.append(t("template.declared", lang))
        text = sep.join([text, *extra])
    return text


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def column_help(column: Column, lang: str) -> str:
    """What the column holds and how to write it, in one text (a note on the header, a help cell),
    and on a sheet of several subjects whose rows fill it."""
    question, how = tx(column.question, lang), how_to_write(column, lang)
    text = question if not how else f"{question}【{how}】" if lang == "zh" else f"{question} [{how}]"
    whose = asked_by(column, lang)
    if whose:
        text += f"（{whose}）" if lang == "zh" else f" ({whose})"
    return text


def asked_by(column: Column, lang: str) -> str:
    """Whose rows fill the column, on a sheet of several subjects ("": every row, or one subject's sheet)."""
    if column.owner:
        return t("template.only_for", lang, id=column.owner)
    if column.asked_by:
        return t("template.asked_by", lang, ids=t("template.or", lang).join(column.asked_by))
    return ""


# --- the worked row --------------------------------------------------------------------------------

def worked_example(subject: Subject) -> Example | None:
    """The example the template's worked row shows: the first that a row can carry (no parameter
    values of its own), preferring one under the national rules."""
    usable = [e for e in subject.examples if not e.parameters]
    return next((e for e in usable if not e.locality and not e.application.get("locality")), None) or \
        next(iter(usable), None)


def worked_row(subject: Subject, columns: Sequence[Column], example: Example, lang: str = "zh",
               note: bool = True) -> list[Any]:
    """The example's application as a row of cells (text, numbers, and dates as datetime.date), as
    a person writes it: yes/no and choices in words of `lang`; on a sheet of several subjects the
    columns of the others left empty. With `note`, its first cell starts with # (a note, not read
    until the # is deleted)."""
    app = example.application
    facts = app.get("facts") or {}
    applicant = app.get("applicant") or {}
    head = "bundle" if isinstance(subject, Bundle) else "matter"
    row: list[Any] = []
    for column in columns:
        name = column.name
        if column.kind == "id":
            value: Any = subject.id if name == head else None
        elif name == "date":
            value = app.get("date")
        elif name == "reference":
            value = app.get("reference")
        elif name == "locality":
            value = example.locality or app.get("locality")
        elif name.startswith("applicant_"):
            value = applicant.get(name[len("applicant_"):])
        elif column.fact is not None:
            ours = column.owner == subject.id if column.owner else not column.asked_by or subject.id in column.asked_by
            value = facts.get(column.fact.name) if ours else None
        elif name == "materials":
            value = ";".join(_material(m, lang) for m in app.get("materials") or [])
        elif name == "promised":
            value = ";".join(app.get("promised") or [])
        elif name == "rongque":
            value = app.get("rongque")
        else:
            value = None
        row.append(_cell(column, value, lang))
    if note and row:
        row[0] = COMMENT + _as_text(row[0])
    return row


def _material(item: dict, lang: str) -> str:
    parts = [item["id"]]
    for key in _ATTRIBUTE_ORDER:
        value = item.get(key)
        if value is not None:
            parts.append(f"{key}={_bool_word(value, lang) if isinstance(value, bool) else value}")
    return ":".join(parts)


def _cell(column: Column, value: Any, lang: str) -> Any:
    if value is None or value == "":
        return None
    kind = column.kind
    if isinstance(value, bool):
        return _bool_word(value, lang)
    if kind == "date" and isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if kind == "enum":
        return _choice_word(column, value, lang)
    if kind == "list":
        return json.dumps(value, ensure_ascii=False)
    return value


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


Worked = Union[Example, tuple[Subject, Example]]  # an example of the one subject, or of the subject named


def _rows(subjects: list[Subject], columns: list[Column], examples: Sequence[Worked] | None,
          lang: str) -> list[list[Any]]:
    """The worked rows: each example given (one alone is the first subject's), else each subject's
    `worked_example`, in the subjects' order."""
    if examples is None:
        examples = [(s, e) for s in subjects if (e := worked_example(s)) is not None]
    pairs = [e if isinstance(e, tuple) else (subjects[0], e) for e in examples]
    return [worked_row(s, columns, e, lang) for s, e in pairs]


# --- the files -------------------------------------------------------------------------------------

# what a download of each format is (the web console's Content-Type)
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def template_for(ws, names: str | Sequence[str], fmt: str = "csv", lang: str = "zh", locality=None) -> bytes:
    """The template of a matter or an event of the library `ws` (a Workspace), or of a mixed batch
    of several (a list of names), under a locality's rules (None: the national ones), as
    `checker template` writes it and the web console serves it; CheckerError for an unknown matter
    or a broken rule file."""
    from checker.source.local import locality_rows
    chosen = [ws.bundle(name, locality) if ws.is_bundle(name) else ws.matter(name, locality)
              for name in ([names] if isinstance(names, str) else names)]
    localities = {row["id"]: row["name"] if isinstance(row["name"], dict) else {"zh": row["id"], "en": row["id"]}
                  for row in locality_rows(ws.files("local"))}
    return (write_xlsx if fmt == "xlsx" else write_csv)(chosen, lang, localities=localities)


def write_csv(subjects: Subject | Sequence[Subject], lang: str = "zh", examples: Sequence[Worked] | None = None,
              localities: dict[str, Text] | None = None) -> bytes:
    """The template as CSV (UTF-8 with a byte-order mark): the header, a note row saying what each
    column takes, and a worked row per example (default: each subject's `worked_example`), each a
    note. `examples`: those of the one subject, or (subject, example) pairs."""
    chosen = _subjects(subjects)
    columns = template_columns(chosen, localities)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([c.name for c in columns])
    helps = [column_help(c, lang) for c in columns]
    stop = "。" if lang == "zh" else ". "
    rows = t("template.rows_mixed" if len(chosen) > 1 else "template.rows", lang)
    helps[0] = f"{COMMENT} {helps[0]}{stop}{rows}{'' if lang == 'zh' else ' '}{t('template.forms', lang)}"
    w.writerow(helps)
    for row in _rows(chosen, columns, examples, lang):
        w.writerow([_as_text(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(subjects: Subject | Sequence[Subject], lang: str = "zh", examples: Sequence[Worked] | None = None,
               localities: dict[str, Text] | None = None) -> bytes:
    """The template as an Excel workbook: the applications' sheet (header frozen, a note on each
    column name, drop-down lists for yes/no and choices, date and text formats, the worked rows
    as notes), a help sheet, and the lists' hidden sheet."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    chosen = _subjects(subjects)
    columns = template_columns(chosen, localities)
    rows = _rows(chosen, columns, examples, lang)
    book = Workbook()
    sheet = book.active
    sheet.title = t("template.data_sheet", lang)
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    bold, note_font = Font(bold=True), Font(italic=True, color="808080")
    list_column = 0
    for i, column in enumerate(columns, start=1):
        letter = get_column_letter(i)
        head = sheet.cell(row=1, column=i, value=column.name)
        head.font = bold
        comment = Comment(column_help(column, lang), "checker")
        comment.width, comment.height = 320, 200
        head.comment = comment
        sheet.column_dimensions[letter].width = min(max(len(column.name) + 4, 14), 40)
        cell_format = "yyyy-mm-dd" if column.kind == "date" else \
            "@" if column.kind in ("text", "id", "list", "materials", "promised", "locality", "enum") else None
        if cell_format:
            sheet.column_dimensions[letter].number_format = cell_format
        words = _list_words(column, lang)
        if words:
            list_column += 1
            list_letter = get_column_letter(list_column)
            for r, word in enumerate(words, start=1):
                lists.cell(row=r, column=list_column, value=word).data_type = "s"
            check = DataValidation(type="list", formula1=f"{LISTS_SHEET}!${list_letter}$1:${list_letter}${len(words)}",
                                   allow_blank=True, showErrorMessage=True, errorStyle="warning",
                                   errorTitle=column.name, error=how_to_write(column, lang)[:255])
            check.add(f"{letter}2:{letter}{MAX_ROWS}")
            sheet.add_data_validation(check)
        for r, row in enumerate(rows, start=2):
            cell = sheet.cell(row=r, column=i, value=row[i - 1])
            if isinstance(row[i - 1], str):
                cell.data_type = "s"  # a text is never a formula, whatever it starts with
            if isinstance(row[i - 1], datetime.date):
                cell.number_format = "yyyy-mm-dd"
            cell.font = note_font
    sheet.freeze_panes = "A2"
    _help_sheet(book.create_sheet(t("template.help_sheet", lang), 1), chosen, columns, rows, lang, bold)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _list_words(column: Column, lang: str) -> list[str]:
    """A drop-down list's entries: yes/no, a fact's choices in words, the localities' ids."""
    if column.kind == "bool":
        return [_bool_word(True, lang), _bool_word(False, lang)]
    if column.kind == "enum":
        return [_choice_word(column, v, lang) for v, _ in column.choices]
    if column.kind == "locality":
        return [v for v, _ in column.choices]
    return []


def _help_sheet(sheet, subjects: list[Subject], columns: list[Column], rows: list[list[Any]], lang: str, bold) -> None:
    """Each column's name, question, how to write it and a worked value (the first worked row that
    fills it); on a sheet of several subjects, whose rows fill it."""
    from openpyxl.styles import Alignment
    wrap = Alignment(wrap_text=True, vertical="top")
    mixed = len(subjects) > 1
    names = t("template.or", lang).join(_subject_name(s, lang) for s in subjects)
    sheet.append([t("template.title_mixed" if mixed else "template.title", lang, name=names)])
    sheet["A1"].font = bold
    for key in ("template.rows_xlsx_mixed" if mixed else "template.rows_xlsx", "template.forms", "template.run"):
        sheet.append([t(key, lang)])
    sheet.append([])
    heads = ("column", "question", "how", "example", "asked_by") if mixed else ("column", "question", "how", "example")
    sheet.append([t(f"template.head.{k}", lang) for k in heads])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for i, column in enumerate(columns):
        shown = next((_as_text(row[i]) for row in rows if _as_text(row[i]).lstrip(COMMENT)), "")
        if column.kind == "id":
            shown = shown.lstrip(COMMENT)
        line = [column.name, tx(column.question, lang), how_to_write(column, lang), shown]
        sheet.append([*line, asked_by(column, lang)] if mixed else line)
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for letter, width in zip("ABCDE", (28, 50, 60, 40, 40)):
        sheet.column_dimensions[letter].width = width
