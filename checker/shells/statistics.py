"""Statistics for a bureau chief over one agency's register of issued notices, and the charts that
show them: pure functions over `register.Entry` rows (the caller reads the register, e.g.
`register.list(limit=None)`), and SVG drawn here, on the server, so that the pages need neither
JavaScript nor the internet.

What is counted, and how (each figure also as a `Table`, for an HTML table and for CSV):

- **Notices per week and per month, by outcome** (per matter in the tables). A notice belongs to
  the day of its application date (the reference date of the notice, whose year its number
  carries), not to the moment it was recorded. Weeks are ISO weeks (2026-W53 runs from Monday
  2026-12-28 to Sunday 2027-01-03), labelled by their Monday; months are calendar months.
- **Materials**, by the name the notice gives them (with their ID), each counted once per notice
  in three separate columns, as the notice keeps them apart: `missing` (required and not
  presented: to supply), `defective` (presented but to correct: form, copies, signature, seal,
  validity) and `possibly_required` (needed only if a fact the application leaves open turns out
  so; never counted as missing). The chart shows the most frequently missing.
- **Days from a 补正 notice to the supply**: calendar days in China Standard Time (UTC+8; the
  register keeps UTC) from the day the `correct` notice was issued to the day it was marked
  supplied, or to the day a changed submission superseded it, whichever came first. A notice
  with neither is still awaited (counted, not timed).
- **Accepted on the first visit** (一次性告知): of the submissions (application keys; each member
  of an event has its own) whose first notice falls in the period, the share whose first notice is
  `accept` or `rongque`; and the share accepted by the second visit (first or second notice).

An empty register, or a period without notices, gives empty tables and charts that say so, never
an error or a division by zero.
"""

from __future__ import annotations

import csv
import io
import re
import statistics as pystats
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from html import escape
from typing import Iterable

import orjson

from checker.shells.register import KIND_WORD, Entry
from checker.texts import t

# the outcomes of a registered notice, in the order they are stacked (from the bottom) and listed
KINDS = tuple(KIND_WORD)
ACCEPTED = ("accept", "rongque")
CHINA = timezone(timedelta(hours=8))  # China Standard Time, the same everywhere in China, no DST
UNITS = ("week", "month")
# days to supply, grouped: (first day, last day or None for "and more")
SUPPLY_BINS = ((0, 0), (1, 1), (2, 2), (3, 3), (4, 7), (8, 14), (15, 30), (31, None))

# Okabe & Ito's palette, told apart with every common colour-vision deficiency; stacked segments
# are also separated by a white line
COLOURS = {"accept": "#009E73", "rongque": "#56B4E9", "correct": "#E69F00", "refuse": "#D55E00",
           "redirect": "#CC79A7", "not_required": "#0072B2"}
BAR, TRACK, INK, GRID, MUTED = "#0072B2", "#E8E8E8", "#222222", "#D0D0D0", "#555555"
FONT = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif"
MAX_BARS = 53  # a chart shows at most the latest 53 weeks or months; its table has them all


# ---------------------------------------------------------------------------------- the figures

@dataclass(frozen=True)
class OutcomeRow:
    """The notices of one matter in one week or month, counted by outcome."""

    period: str  # 2026-W49 or 2026-12
    start: date  # the week's Monday, the month's first day
    matter: str
    matter_name: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class MaterialRow:
    """How many notices named one material of one matter, in each of the notice's three lists."""

    matter: str
    matter_name: str
    id: str
    name: str
    missing: int
    defective: int
    possibly_required: int


@dataclass(frozen=True)
class FirstVisit:
    """Submissions whose first notice falls in the period, and how many were accepted by which visit."""

    submissions: int
    first: int  # the first notice is accept or rongque
    by_second: int  # the first or the second notice is

    @property
    def share_first(self) -> float | None:
        return self.first / self.submissions if self.submissions else None

    @property
    def share_by_second(self) -> float | None:
        return self.by_second / self.submissions if self.submissions else None


@dataclass(frozen=True)
class Table:
    """A figure as a plain table: a title, the column headers and the rows (texts and numbers),
    with a note said under it; `rows_with_header()` for csv.writer, `to_csv()`, `to_html()`."""

    title: str
    columns: list[str]
    rows: list[list]
    note: str = ""
    empty: str = ""  # what to say when there are no rows

    def rows_with_header(self) -> list[list]:
        return [list(self.columns), *[list(r) for r in self.rows]]

    def to_csv(self) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(self.rows_with_header())
        return out.getvalue()

    def to_html(self) -> str:
        head = "".join(f'<th scope="col">{escape(c)}</th>' for c in self.columns)
        if self.rows:
            body = "".join("<tr>" + "".join(
                f'<td class="num">{v}</td>' if isinstance(v, (int, float)) else f"<td>{escape(str(v))}</td>"
                for v in row) + "</tr>" for row in self.rows)
        else:
            body = f'<tr><td colspan="{len(self.columns)}">{escape(self.empty)}</td></tr>'
        note = f"<p>{escape(self.note)}</p>" if self.note else ""
        return (f"<table><caption>{escape(self.title)}</caption><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>{note}")


@dataclass(frozen=True)
class Statistics:
    """The figures for one period (`date_from`..`date_to`, None: open) in one language."""

    lang: str
    date_from: date | None
    date_to: date | None
    registered: int  # all entries given, in any period
    notices: int  # those in the period
    weeks: list[OutcomeRow]
    months: list[OutcomeRow]
    materials: list[MaterialRow]  # most often missing first
    supply_days: list[int]  # one per supplied 补正 notice
    awaiting: int  # 补正 notices of the period not supplied (yet)
    first_visit: FirstVisit
    unreadable: int = 0  # notices whose stored JSON could not be read: outcomes counted, materials not
    matter_names: dict[str, str] = field(default_factory=dict)

    @property
    def empty_text(self) -> str:
        """What an empty chart says: no notices at all, or none in this period."""
        return t("stats.no_notices" if not self.registered else "stats.none_in_period", self.lang)

    def period_totals(self, unit: str, matter: str | None = None) -> list[tuple[str, date, dict[str, int]]]:
        """Every week or month from the first to the last of the period (those without a notice
        too, as zeros), with its notices by outcome, of one matter or of all."""
        rows = _rows_of(self, unit)
        if matter is not None:
            rows = [r for r in rows if r.matter == matter]
        if not rows and (self.date_from is None or self.date_to is None):
            return []
        first = _start(self.date_from, unit) if self.date_from else min(r.start for r in rows)
        last = _start(self.date_to, unit) if self.date_to else max(r.start for r in rows)
        sums: dict[date, Counter] = defaultdict(Counter)
        for r in rows:
            sums[r.start].update(r.counts)
        out, day = [], first
        while day <= last:
            out.append((_label(day, unit), day, {k: sums[day].get(k, 0) for k in KINDS}))
            day = _next(day, unit)
        return out

    @property
    def median_days(self) -> float | None:
        return pystats.median(self.supply_days) if self.supply_days else None

    def supply_distribution(self) -> list[tuple[str, int]]:
        """The days to supply in SUPPLY_BINS, each with its label."""
        counts = [0] * len(SUPPLY_BINS)
        for d in self.supply_days:
            counts[next(i for i, (lo, hi) in enumerate(SUPPLY_BINS) if lo <= d and (hi is None or d <= hi))] += 1
        return [(_bin_label(lo, hi, self.lang), n) for (lo, hi), n in zip(SUPPLY_BINS, counts)]

    # -- the tables

    def tables(self) -> dict[str, Table]:
        """Every figure as a table, by the name of its chart (see `charts`)."""
        return {"week": self.outcome_table("week"), "month": self.outcome_table("month"),
                "materials": self.materials_table(), "supply": self.supply_table(),
                "first_visit": self.first_visit_table()}

    def outcome_table(self, unit: str) -> Table:
        lang = self.lang
        week = unit == "week"
        lead = [t("stats.col.week", lang), t("stats.col.monday", lang)] if week else [t("stats.col.month", lang)]
        columns = [*lead, t("stats.col.matter", lang), *(t(f"stats.outcome.{k}", lang) for k in KINDS),
                   t("stats.col.total", lang)]
        rows = [[r.period, *([r.start.isoformat()] if week else []), r.matter_name,
                 *(r.counts.get(k, 0) for k in KINDS), r.total] for r in _rows_of(self, unit)]
        return Table(t(f"stats.title.{unit}", lang), columns, rows, empty=self.empty_text)

    def materials_table(self) -> Table:
        lang = self.lang
        columns = [t("stats.col.matter", lang), t("stats.col.material_id", lang), t("stats.col.material", lang),
                   t("stats.col.missing", lang), t("stats.col.defective", lang), t("stats.col.possibly", lang)]
        rows = [[m.matter_name, m.id, m.name, m.missing, m.defective, m.possibly_required] for m in self.materials]
        return Table(t("stats.title.materials_table", lang), columns, rows, note=t("stats.note.materials", lang),
                     empty=self.empty_text if not self.notices else t("stats.no_materials", lang))

    def supply_table(self) -> Table:
        lang = self.lang
        rows = [[label, n] for label, n in self.supply_distribution()] if self.supply_days else []
        columns = [t("stats.col.days", lang), t("stats.col.corrections", lang)]
        return Table(t("stats.title.supply", lang), columns, rows, note=self.supply_note(),
                     empty=self.empty_text if not self.notices else t("stats.no_supply", lang))

    def supply_note(self) -> str:
        lang = self.lang
        if not self.supply_days:
            return t("stats.awaiting", lang, n=self.awaiting) if self.awaiting else ""
        return t("stats.supply_summary", lang, median=_number(self.median_days), n=len(self.supply_days),
                 waiting=self.awaiting)

    def first_visit_table(self) -> Table:
        lang, fv = self.lang, self.first_visit
        rows = []
        if fv.submissions:
            rows = [[t("stats.first_visit", lang), fv.submissions, fv.first, percent(fv.first, fv.submissions, 1)],
                    [t("stats.by_second_visit", lang), fv.submissions, fv.by_second,
                     percent(fv.by_second, fv.submissions, 1)]]
        columns = [t("stats.col.measure", lang), t("stats.col.submissions", lang), t("stats.col.accepted", lang),
                   t("stats.col.share", lang)]
        return Table(t("stats.title.first_visit", lang), columns, rows, note=t("stats.note.first_visit", lang),
                     empty=self.empty_text)


def _rows_of(stats: Statistics, unit: str) -> list[OutcomeRow]:
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
    return stats.weeks if unit == "week" else stats.months


# ---------------------------------------------------------------------------------- computing

def statistics(entries: Iterable[Entry], *, date_from: date | str | None = None, date_to: date | str | None = None,
               lang: str = "zh") -> Statistics:
    """The figures of the notices whose application date is in date_from..date_to (both
    included; None: open), in `lang` (zh or en). Every entry given is read to follow a submission's
    chain (a 补正 notice of the period superseded after it), so pass the whole register, or all
    of one matter. `date_from` and `date_to` are dates or YYYY-MM-DD; a bad one is a ValueError."""
    start, end = _day(date_from, "date_from"), _day(date_to, "date_to")
    if start and end and start > end:
        raise ValueError(f"date_from ({start}) is after date_to ({end})")
    every = sorted(entries, key=lambda e: (e.issued_at, e.number))
    successor = {e.supersedes: e for e in every if e.supersedes}
    chosen = [e for e in every if (start is None or start <= _day(e.application_date, "application_date"))
              and (end is None or _day(e.application_date, "application_date") <= end)]

    names: dict[str, str] = {}
    per: dict[str, dict[tuple[date, str], Counter]] = {u: defaultdict(Counter) for u in UNITS}
    lists: dict[tuple[str, str], Counter] = defaultdict(Counter)
    material_names: dict[tuple[str, str], str] = {}
    unreadable = 0
    for e in chosen:
        notice = _notice(e)
        if notice is None:
            unreadable += 1
            notice = {}
        matter = notice.get("matter") if isinstance(notice.get("matter"), dict) else {}
        names[e.matter] = _text(matter.get("name"), lang) or names.get(e.matter) or e.matter
        day = _day(e.application_date, "application_date")
        for unit in UNITS:
            per[unit][(_start(day, unit), e.matter)][e.kind] += 1
        for column in ("missing", "defective", "possibly_required"):
            seen = set()
            for item in notice.get(column) or []:
                if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"] not in seen:
                    seen.add(item["id"])
                    key = (e.matter, item["id"])
                    lists[key][column] += 1
                    material_names[key] = _text(item.get("name"), lang) or material_names.get(key) or item["id"]

    def rows(unit: str) -> list[OutcomeRow]:
        return [OutcomeRow(_label(day, unit), day, matter, names[matter], {k: c.get(k, 0) for k in KINDS})
                for (day, matter), c in sorted(per[unit].items(), key=lambda kv: (kv[0][0], names[kv[0][1]]))]

    materials = sorted((MaterialRow(m, names[m], mid, material_names[(m, mid)], c["missing"], c["defective"],
                                    c["possibly_required"]) for (m, mid), c in lists.items()),
                       key=lambda r: (-r.missing, -r.defective, -r.possibly_required, r.matter_name, r.id))

    corrections = [e for e in chosen if e.kind == "correct"]
    supply = [d for d in (_days_to_supply(e, successor.get(e.number)) for e in corrections) if d is not None]
    firsts = [e for e in chosen if e.supersedes is None]  # each submission's first notice
    first = sum(e.kind in ACCEPTED for e in firsts)
    by_second = sum(e.kind in ACCEPTED or (e.number in successor and successor[e.number].kind in ACCEPTED)
                    for e in firsts)
    return Statistics(lang=lang, date_from=start, date_to=end, registered=len(every), notices=len(chosen),
                      weeks=rows("week"), months=rows("month"), materials=materials, supply_days=sorted(supply),
                      awaiting=len(corrections) - len(supply), first_visit=FirstVisit(len(firsts), first, by_second),
                      unreadable=unreadable, matter_names=names)


def _days_to_supply(notice: Entry, successor: Entry | None) -> int | None:
    """Calendar days (China time) from a 补正 notice to its supply: marked supplied, or a changed
    submission that superseded it, whichever came first; None while neither has happened."""
    ends = [_instant(notice.supplied_at)] if notice.supplied_at else []
    if successor is not None:
        ends.append(_instant(successor.issued_at))
    if not ends:
        return None
    return max(0, (_china_day(min(ends)) - _china_day(_instant(notice.issued_at))).days)


def _notice(entry: Entry) -> dict | None:
    """The stored notice as a dict, or None if it cannot be read."""
    try:
        data = orjson.loads(entry.notice_json)  # twice as fast as json (measured): a year of notices is read
    except (TypeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _text(value, lang: str) -> str:
    if isinstance(value, dict):
        text = value.get(lang) or value.get("zh") or value.get("en")
        return text if isinstance(text, str) else ""
    return value if isinstance(value, str) else ""


def _day(value, name: str) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{name} must be a date written YYYY-MM-DD, not {value!r}")


def _instant(text: str) -> datetime:
    """A register timestamp (UTC, ISO 8601); one without a zone is taken as UTC."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _china_day(moment: datetime) -> date:
    return moment.astimezone(CHINA).date()


def _start(day: date, unit: str) -> date:
    return day - timedelta(days=day.weekday()) if unit == "week" else day.replace(day=1)


def _next(day: date, unit: str) -> date:
    if unit == "week":
        return day + timedelta(days=7)
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _label(start: date, unit: str) -> str:
    if unit == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{start.year}-{start.month:02d}"


def _bin_label(lo: int, hi: int | None, lang: str) -> str:
    if hi is None:
        return t("stats.days_more", lang, n=lo)
    if lo == hi == 0:
        return t("stats.same_day", lang)
    if lo == hi:
        return t("stats.one_day", lang) if lo == 1 else t("stats.days", lang, n=lo)
    return t("stats.days_range", lang, lo=lo, hi=hi)


def percent(part: int, whole: int, decimals: int = 0) -> str:
    """part/whole as a percentage, rounded half up: percent(2, 3) == "67%"."""
    if not whole:
        return "–"
    scale = 10 ** decimals
    value = (200 * scale * part + whole) // (2 * whole)
    return f"{value / scale:.{decimals}f}%" if decimals else f"{value}%"


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


# ---------------------------------------------------------------------------------- the charts

def charts(stats: Statistics) -> dict[str, str]:
    """Every chart as an SVG text, by name (the same names as `Statistics.tables`)."""
    return {"week": outcome_chart(stats, "week"), "month": outcome_chart(stats, "month"),
            "materials": materials_chart(stats), "supply": supply_chart(stats),
            "first_visit": first_visit_chart(stats)}


def _svg(width: int, height: int, title: str, summary: str, body: list[str], lang: str) -> str:
    """An accessible SVG: role img, the title in <title>, what it shows in aria-label and <desc>."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title + t("colon", lang) + summary)}" '
            f'font-family="{escape(FONT)}" font-size="13" fill="{INK}">'
            f"<title>{escape(title)}</title><desc>{escape(summary)}</desc>"
            f'<rect width="{width}" height="{height}" fill="#FFFFFF"/>'
            f'<text x="16" y="26" font-size="17" font-weight="bold">{escape(title)}</text>'
            + "".join(body) + "</svg>")


def _text_el(x: float, y: float, text: str, *, size: int = 13, anchor: str = "start", colour: str = INK,
             weight: str = "normal") -> str:
    return (f'<text x="{_f(x)}" y="{_f(y)}" font-size="{size}" text-anchor="{anchor}" fill="{colour}"'
            + (f' font-weight="{weight}"' if weight != "normal" else "") + f">{escape(text)}</text>")


def _rect(x: float, y: float, width: float, height: float, fill: str, tip: str, count: int,
          kind: str = "") -> str:
    """A bar with its figure as a tooltip (<title>) and as data-count (data-kind: its outcome)."""
    data = f' data-kind="{kind}"' if kind else ""
    edge = ' stroke="#FFFFFF" stroke-width="1"' if kind else ""  # stacked segments: a white line between
    return (f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(width)}" height="{_f(height)}" fill="{fill}"{edge}{data} '
            f'data-count="{count}"><title>{escape(tip)}</title></rect>')


def _line(x1: float, y: float, x2: float, colour: str) -> str:
    return f'<line x1="{_f(x1)}" y1="{_f(y)}" x2="{_f(x2)}" y2="{_f(y)}" stroke="{colour}" stroke-width="1"/>'


def _f(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _empty_chart(title: str, message: str, lang: str, width: int = 720) -> str:
    return _svg(width, 120, title, message, [_text_el(width / 2, 76, message, size=16, anchor="middle", colour=MUTED)],
                lang)


def nice_max(value: int) -> tuple[int, int]:
    """The top of the axis and its step: the smallest step of 1, 2 or 5 × 10^k that reaches `value`
    in at most 5 steps, e.g. 4 → (4, 1), 7 → (8, 2), 23 → (25, 5)."""
    value = max(value, 1)
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if value <= 5 * step:
                top = -(-value // step) * step
                return top, step
        magnitude *= 10


def _width(text: str, size: float) -> float:
    """The width a text takes, roughly: a Chinese character is one em, a Latin letter about half."""
    return sum(size if ord(c) > 0x2E80 else size * 0.52 for c in text)


def _lines(text: str, size: float, room: float) -> list[str]:
    """`text` broken into lines that fit `room`: between words, or between Chinese characters."""
    lines, line = [], ""
    for token in re.findall(r"[\u2e80-\U0010ffff]|[^\s\u2e80-\U0010ffff]+\s*|\s+", text):
        if line and _width((line + token).rstrip(), size) > room:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    return [*lines, line.rstrip()] if line.strip() else lines


def _paragraph(x: float, y: float, text: str, room: float, *, size: int = 12,
               colour: str = MUTED) -> tuple[list[str], float]:
    """The text wrapped to `room` from the baseline y, and the baseline after its last line."""
    out = []
    for line in _lines(text, size, room):
        out.append(_text_el(x, y, line, size=size, colour=colour))
        y += size * 1.5
    return out, y


def _clip(text: str, size: float, room: float) -> str:
    if _width(text, size) <= room:
        return text
    while text and _width(text + "…", size) > room:
        text = text[:-1]
    return text + "…"


PLOT_H = 200  # the height of a vertical chart's plot area: a bar of the axis's top is this high


def _vertical_axis(x0: float, y0: float, plot_w: float, top: int, step: int, lang: str) -> list[str]:
    """Grid lines and their numbers, from 0 at y0 (the bottom) up to `top`."""
    out = []
    for v in range(0, top + 1, step):
        y = y0 - v / top * PLOT_H
        out.append(_line(x0, y, x0 + plot_w, GRID))
        out.append(_text_el(x0 - 6, y + 4, str(v), size=12, anchor="end", colour=MUTED))
    return out


def outcome_chart(stats: Statistics, unit: str = "week", matter: str | None = None) -> str:
    """A stacked bar per week or month (the latest MAX_BARS), one segment per outcome, with the
    total above each bar and a legend; of one matter or of all."""
    lang = stats.lang
    title = t(f"stats.title.{unit}", lang)
    if matter is not None:
        title += t("paren", lang, text=stats.matter_names.get(matter, matter))
    periods = stats.period_totals(unit, matter)
    if not any(sum(c.values()) for _, _, c in periods):
        return _empty_chart(title, stats.empty_text, lang)
    shown = periods[-MAX_BARS:]
    n = len(shown)
    slot = max(18.0, min(96.0, 660 / n))
    left, top_margin = 52, 48
    plot_w = slot * n
    width = int(left + plot_w + 24)
    width = max(width, 720)
    # a first or last week (month) that the period cuts is marked: its bar counts only some days
    cut = {i for i, (_, start, _) in enumerate(shown)
           if (i == 0 and stats.date_from and start < stats.date_from)
           or (i == n - 1 and stats.date_to and _next(start, unit) - timedelta(days=1) > stats.date_to)}
    y0 = top_margin + PLOT_H
    top, step = nice_max(max(sum(c.values()) for _, _, c in shown))
    body = _vertical_axis(left, y0, plot_w, top, step, lang)
    bar_w = slot * 0.72
    label_every = max(1, int(-(-44 // slot)))  # a label needs about 44 pixels
    year_shown = None
    for i, (label, start, counts) in enumerate(shown):
        x = left + i * slot + (slot - bar_w) / 2
        y = y0
        for kind in KINDS:
            if counts[kind]:
                h = counts[kind] / top * PLOT_H
                y -= h
                tip = f"{label} {t(f'stats.outcome.{kind}', lang)}{t('colon', lang)}{counts[kind]}"
                body.append(_rect(x, y, bar_w, h, COLOURS[kind], tip, counts[kind], kind))
        total = sum(counts.values())
        if total and slot >= 20:
            body.append(_text_el(x + bar_w / 2, y - 4, str(total), size=11, anchor="middle"))
        if i % label_every == 0:
            cx = x + bar_w / 2
            short = f"{start.month:02d}-{start.day:02d}" if unit == "week" else label
            short += "*" if i in cut else ""
            body.append(_text_el(cx, y0 + 16, short, size=11, anchor="middle", colour=MUTED))
            if unit == "week" and start.year != year_shown:
                body.append(_text_el(cx, y0 + 30, str(start.year), size=11, anchor="middle", colour=MUTED))
                year_shown = start.year
    body.append(_line(left, y0, left + plot_w, INK))
    note = t("stats.week_axis" if unit == "week" else "stats.month_axis", lang)
    if len(periods) > n:
        note += t("stats.latest", lang, n=n)
    if cut:
        note += t("stats.cut_week" if unit == "week" else "stats.cut_month", lang)
    lines, y = _paragraph(left, y0 + (48 if unit == "week" else 34), note, width - left - 16)  # weeks: a year line
    body += lines
    legend, x, y = [], 16.0, y + 10
    present = [k for k in KINDS if any(c[k] for _, _, c in shown)]
    for kind in present:
        word = t(f"stats.outcome.{kind}", lang)
        need = 22 + _width(word, 13) + 18
        if x + need > width - 8:
            x, y = 16.0, y + 22
        legend.append(f'<rect x="{_f(x)}" y="{_f(y - 11)}" width="14" height="14" fill="{COLOURS[kind]}"/>')
        legend.append(_text_el(x + 20, y + 1, word))
        x += need
    body += legend
    totals = Counter()
    for _, _, c in periods:
        totals.update(c)
    summary = t("stats.summary.outcomes", lang, n=sum(totals.values()), periods=len(periods),
                parts=t("semicolon", lang).join(f"{t(f'stats.outcome.{k}', lang)} {totals[k]}"
                                                for k in KINDS if totals[k]))
    return _svg(width, int(y + 16), title, summary, body, lang)


def materials_chart(stats: Statistics, top: int = 10) -> str:
    """The materials most often missing (required, not presented), by name, as horizontal bars;
    materials that were only possibly required or to correct are not in it (see the table)."""
    lang = stats.lang
    title = t("stats.title.materials", lang)
    rows = [m for m in stats.materials if m.missing][:top]
    if not rows:
        return _empty_chart(title, stats.empty_text if not stats.notices else t("stats.no_missing", lang), lang)
    width, left, bar_room = 720, 16, 620
    most = rows[0].missing
    several = len({m.matter for m in rows}) > 1  # then each material says its matter
    body, y = _paragraph(left, 46, t("stats.note.materials_chart", lang), width - 2 * left)
    y += 10
    for m in rows:
        matter = f"  {m.matter_name}" if several else ""
        label = _clip(f"{m.id} {m.name}", 13, width - 2 * left - _width(matter, 12))
        body.append(f'<text x="{left}" y="{y}">{escape(label)}<tspan font-size="12" fill="{MUTED}">{escape(matter)}'
                    "</tspan></text>")
        w = m.missing / most * bar_room
        tip = f"{m.matter_name}{t('colon', lang)}{m.id} {m.name}{t('colon', lang)}{m.missing}"
        body.append(_rect(left, y + 6, w, 18, BAR, tip, m.missing))
        body.append(_text_el(left + w + 6, y + 20, str(m.missing), weight="bold"))
        y += 50
    summary = t("stats.summary.materials", lang, items=t("semicolon", lang).join(
        f"{m.name} {m.missing}" for m in rows[:3]))
    return _svg(width, y - 10, title, summary, body, lang)


def supply_chart(stats: Statistics) -> str:
    """How many days after a 补正 notice the corrections came: a histogram, with the median."""
    lang = stats.lang
    title = t("stats.title.supply", lang)
    if not stats.supply_days:
        message = stats.empty_text if not stats.notices else t("stats.no_supply", lang)
        if stats.notices and stats.awaiting:
            message += t("semicolon", lang) + t("stats.awaiting", lang, n=stats.awaiting)
        return _empty_chart(title, message, lang)
    bins = stats.supply_distribution()
    left, top_margin, slot = 52, 72, 76
    plot_w = slot * len(bins)
    width = int(left + plot_w + 24)
    y0 = top_margin + PLOT_H
    top, step = nice_max(max(n for _, n in bins))
    body, _ = _paragraph(16, 48, stats.supply_note(), width - 32, size=13)
    body += _vertical_axis(left, y0, plot_w, top, step, lang)
    bar_w = slot * 0.8
    for i, (label, n) in enumerate(bins):
        x = left + i * slot + (slot - bar_w) / 2
        h = n / top * PLOT_H
        if n:
            body.append(_rect(x, y0 - h, bar_w, h, BAR, f"{label}{t('colon', lang)}{n}", n))
            body.append(_text_el(x + bar_w / 2, y0 - h - 4, str(n), size=11, anchor="middle"))
        body.append(_text_el(x + bar_w / 2, y0 + 16, label, size=11, anchor="middle", colour=MUTED))
    body.append(_line(left, y0, left + plot_w, INK))
    return _svg(width, y0 + 30, title, stats.supply_note(), body, lang)


def first_visit_chart(stats: Statistics) -> str:
    """The share accepted on the first visit as a big number, and both shares as bars."""
    lang, fv = stats.lang, stats.first_visit
    title = t("stats.title.first_visit", lang)
    if not fv.submissions:
        return _empty_chart(title, stats.empty_text, lang)
    width, left, bar_room = 720, 16, 520
    big = percent(fv.first, fv.submissions)
    beside = left + len(big) * 0.62 * 56 + 20  # bold digits and the percent sign are wider than _width guesses
    body = [_text_el(left, 100, big, size=56, weight="bold", colour=BAR)]
    body += _paragraph(beside, 82, t("stats.of_submissions", lang, part=fv.first, whole=fv.submissions),
                       width - beside - 16, size=16, colour=INK)[0]
    y = 132
    for word, part in ((t("stats.first_visit", lang), fv.first), (t("stats.by_second_visit", lang), fv.by_second)):
        body.append(_text_el(left, y, word))
        w = part / fv.submissions * bar_room
        body.append(f'<rect x="{left}" y="{y + 6}" width="{bar_room}" height="18" fill="{TRACK}"/>')
        body.append(_rect(left, y + 6, w, 18, BAR, f"{word}{t('colon', lang)}{part}/{fv.submissions}", part))
        body.append(_text_el(left + bar_room + 8, y + 20, percent(part, fv.submissions)
                             + t("paren", lang, text=f"{part}/{fv.submissions}"), weight="bold"))
        y += 50
    lines, y = _paragraph(left, y, t("stats.note.first_visit", lang), width - 2 * left)
    body += lines
    summary = t("stats.summary.first_visit", lang, first=percent(fv.first, fv.submissions),
                second=percent(fv.by_second, fv.submissions), n=fv.submissions)
    return _svg(width, int(y), title, summary, body, lang)


# ---------------------------------------------------------------------------------- one page

def report_sections(stats: Statistics) -> str:
    """Every chart, each followed by its table (in a <details>), as an HTML fragment: the
    console's statistics page and `report_html` both show these."""
    lang = stats.lang
    tables, drawn = stats.tables(), charts(stats)
    parts = []
    for name in ("first_visit", "week", "month", "materials", "supply"):
        parts.append(f'<section><figure>{drawn[name]}</figure><details><summary>{escape(t("stats.as_table", lang))}'
                     f"</summary>{tables[name].to_html()}</details></section>")
    unreadable = f"<p>{escape(t('stats.unreadable', lang, n=stats.unreadable))}</p>" if stats.unreadable else ""
    return unreadable + "".join(parts)


def report_summary(stats: Statistics) -> str:
    """The period and the number of notices counted, in one line."""
    lang = stats.lang
    span = t("stats.period", lang, start=stats.date_from.isoformat() if stats.date_from else "…",
             end=stats.date_to.isoformat() if stats.date_to else "…")
    return f"{span}{t('semicolon', lang)}{t('stats.counted', lang, n=stats.notices)}"


def report_html(stats: Statistics) -> str:
    """A whole page of every chart, each followed by its table: self-contained (no script, no
    file or address outside it), to print or to keep."""
    lang = stats.lang
    head = t("stats.page", lang)
    return (f'<!DOCTYPE html><html lang="{t("web.html_lang", lang)}"><head><meta charset="utf-8">'
            f"<title>{escape(head)}</title><style>body{{font-family:{FONT};margin:1.5em;color:{INK}}}"
            "figure{margin:0}section{margin:0 0 1.5em}table{border-collapse:collapse;margin:.5em 0}"
            "td,th{border:1px solid #999;padding:.25em .6em}td.num{text-align:right}td:first-child{white-space:nowrap}"
            "caption{text-align:left;font-weight:bold}"
            f"</style></head><body><h1>{escape(head)}</h1><p>{escape(report_summary(stats))}</p>"
            f"{report_sections(stats)}</body></html>\n")
