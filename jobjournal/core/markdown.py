"""The agenda note's generated part, in Markdown (README, "The agenda").

`render_markdown(agenda, config)` is a pure function of its arguments. `MarkdownRenderer` gives the
same text to a caller that renders one agenda after another (the watcher), writing again only the
lines of what changed: an item's lines depend on the item, today, and how to reach its person
(the agenda's phones and emails, the name signing the drafts) alone, and a problem's on the
problem alone (docs/design.md, "The incremental build").
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from itertools import compress, count, pairwise
from operator import attrgetter, countOf, is_, is_not, ne
from typing import NamedTuple

from jobjournal.config import Config
from jobjournal.core.drafts import draft_for, mailto, tel
from jobjournal.core.model import (
    Agenda,
    CarriedLine,
    Item,
    NoteType,
    PipelineRow,
    Problem,
    Section,
    Severity,
)
from jobjournal.core.render import (
    _PROBLEMS_EXPLANATION,
    _SHOWN,
    _WEEKDAYS,
    _day_heading,
    _days_overdue,
    _pipeline_counts,
    _plural,
    _status_label,
    _status_order,
    escape_md,
    escape_md_with_code,
    note_link,
    summary_line,
    summary_of,
)
from jobjournal.core.render_insights import insights_markdown

#: A run of items: consecutive in the agenda, in one section, due on one day; where it starts
#: and ends in the agenda's items, its lines, and each item's lines.
_Run = tuple[Section, date, int, int, list[str], list[list[str]], "_Joined"]


class _Joined:
    """A run's lines joined with line feeds, and that text in UTF-8: made once per run."""

    __slots__ = ("data", "text")

    def __init__(self) -> None:
        self.text: str | None = None
        self.data: bytes | None = None


def _text_of(run: _Run) -> str:
    joined = run[6]
    if joined.text is None:
        joined.text = "\n".join(run[4])
    return joined.text
#: An item's lines (see `_md_item`), given the item.
_Lines = Callable[[Item], list[str]]
_section_and_due = attrgetter("section", "due")
_severity_of = attrgetter("severity")


def render_markdown(agenda: Agenda, config: Config) -> str:
    """The agenda note's generated part (what goes between the markers), ending with a newline.

    Every section is shown, with a "Nothing …" line when empty, so the note's layout is stable.
    `later` items (beyond the horizon) are left out.
    """
    today = agenda.today
    reach = _Reach(agenda.reach, config.me.name, agenda.marks)
    by_section: dict[Section, list[tuple[date, str]]] = {}
    for item in agenda.items:
        by_section.setdefault(item.section, []).append(
            (item.due, "\n".join(_md_item(item, today, reach))))
    return "\n".join(_layout(agenda, config, summary_line(agenda), by_section,
                             [_md_problem(problem) for problem in agenda.problems],
                             _md_pipeline(agenda, config)))


def _layout(
    agenda: Agenda, config: Config, summary: str,
    by_section: Mapping[Section, list[tuple[date, str]]], problems: list[str],
    pipeline: list[str],
) -> list[str]:
    """The note from its parts, as pieces to join with line feeds: each section's chunks (each
    the text of some of its lines), by due date (in the order given; those of `upcoming` under
    a heading per day), the problems' lines and the pipeline's."""
    today = agenda.today
    horizon = config.agenda.horizon_days
    out = [
        f"# Agenda — {today.isoformat()} ({_WEEKDAYS[today.weekday()]})",
        "",
        summary,
        "",
        "*Written by jobjournal: this part is rewritten on every run. "
        "Write your own notes above or below it.*",
    ]
    for section, heading, explanation, empty in _SHOWN:
        chunks = by_section.get(section, [])
        out += ["", f"## {heading}", "", explanation.format(horizon=horizon), ""]
        if not chunks:
            out.append(empty.format(horizon=horizon))
        elif section is Section.UPCOMING:
            days: dict[date, list[str]] = {}
            for due, text in chunks:
                days.setdefault(due, []).append(text)
            for n, day in enumerate(sorted(days)):
                out += ([] if n == 0 else [""]) + [f"### {_day_heading(day, today)}", ""]
                out += days[day]
        else:
            out += [text for _, text in chunks]
    out += ["", "## Problems", "", _PROBLEMS_EXPLANATION, ""]
    carried = [line for kept in agenda.carried for line in _md_carried(kept)]
    out += carried + problems if carried or problems else ["No problems found."]
    out += ["", "## Pipeline", "", "Notes by type and status.", ""]
    out += pipeline
    out.append("")  # the final newline, without copying the whole text again
    return out


class MarkdownRenderer:
    """`render_markdown`, remembering its last render for the next: a watcher renders one agenda
    after another, which differ by the few items and problems a save changed.

    It keeps the last agenda's items in runs (see `_Run`) with their lines, and the lines of its
    problems. The next agenda is compared with the last one from both ends, object by object (in
    C: the incremental build hands back the same Item and Problem objects for unchanged notes);
    only the runs and problems between the first and the last difference are written again, the
    others' lines are kept. A new day, or a changed phone, email or `[me] name`, writes every
    item again. The result is always
    `render_markdown`'s (tests/test_incremental.py compares them).
    """

    def __init__(self) -> None:
        self._today: date | None = None
        self._reach: _Reach | None = None
        self._items: tuple[Item, ...] = ()
        self._runs: list[_Run] = []
        self._problems: tuple[Problem, ...] = ()
        self._problem_lines: list[str] = []
        self._errors = 0
        self._pipeline: tuple[tuple[object, ...], list[str]] | None = None
        #: the summary line of the last render (`render.summary_line` of its agenda)
        self.summary = ""
        #: how many items the last render wrote (the others' lines were kept)
        self.written = 0
        #: the last render's text in UTF-8 (what `render` returned, encoded)
        self.data = b""
        self._problems_text: tuple[str, bytes] | None = None  # the problems' lines, joined

    def render(self, agenda: Agenda, config: Config) -> str:
        """The agenda note's generated part: see `render_markdown`."""
        reach = _Reach(agenda.reach, config.me.name, agenda.marks)
        if agenda.today != self._today or reach != self._reach:
            # an item's lines depend on today and on how to reach its person: write all again
            self._today, self._reach, self._items, self._runs = agenda.today, reach, (), []
        self.written = 0
        today = agenda.today

        def lines_of(item: Item) -> list[str]:
            self.written += 1
            return _md_item(item, today, reach)

        self._runs = _changed_runs(self._items, agenda.items, self._runs, lines_of)
        self._items = agenda.items
        self._update_problems(agenda.problems)
        shown = (agenda.pipeline, agenda.insights, config.insights.weekly_goal)
        if self._pipeline is None or self._pipeline[0] != shown:
            self._pipeline = (shown, _md_pipeline(agenda, config))
        by_section: dict[Section, list[tuple[date, str]]] = {}
        counts: dict[Section, int] = {}
        for run in self._runs:
            section, due, start, end = run[:4]
            by_section.setdefault(section, []).append((due, _text_of(run)))
            counts[section] = counts.get(section, 0) + end - start
        summary = self.summary = summary_of(
            counts, len(self._problems) + len(agenda.carried), self._errors)
        if self._problem_lines and self._problems_text is None:
            text = "\n".join(self._problem_lines)
            self._problems_text = (text, text.encode("utf-8"))
        pieces = _layout(agenda, config, summary, by_section,
                         [self._problems_text[0]] if self._problems_text else [],
                         self._pipeline[1])
        # its bytes too, from each run's bytes, made once (a kept run keeps its text and bytes):
        # the note's text encoded whole costs as much again as writing it (vault/agenda_note.py)
        encoded: dict[int, bytes] = {}
        for run in self._runs:
            joined = run[6]
            if joined.data is None:
                joined.data = _text_of(run).encode("utf-8")
            encoded[id(joined.text)] = joined.data
        if self._problems_text is not None:
            encoded[id(self._problems_text[0])] = self._problems_text[1]
        self.data = b"\n".join([encoded.get(id(piece)) or piece.encode("utf-8")
                                for piece in pieces])
        return "\n".join(pieces)

    def _update_problems(self, problems: tuple[Problem, ...]) -> None:
        old = self._problems
        start, old_end, new_end = identity_difference(old, problems)
        if start == old_end == new_end:
            return
        gone, come = old[start:old_end], problems[start:new_end]
        self._errors += (countOf(map(_severity_of, come), Severity.ERROR)
                         - countOf(map(_severity_of, gone), Severity.ERROR))
        self._problem_lines[start:old_end] = [_md_problem(problem) for problem in come]
        self._problems = problems
        self._problems_text = None


def identity_difference(old: tuple[object, ...], new: tuple[object, ...]) -> tuple[int, int, int]:
    """Where two sequences differ, comparing objects by identity from both ends: the first index
    that differs, and the ends of the differing parts in `old` and in `new` (all three equal
    when nothing differs)."""
    shortest = min(len(old), len(new))
    start = next(compress(count(), map(is_not, old, new)), shortest)
    if start == len(old) == len(new):
        return start, start, start
    same_end = next(compress(count(), map(is_not, reversed(old), reversed(new))), shortest)
    same_end = min(same_end, shortest - start)
    return start, len(old) - same_end, len(new) - same_end


def _changed_runs(
    old: tuple[Item, ...], new: tuple[Item, ...], runs: list[_Run], lines_of: _Lines
) -> list[_Run]:
    """The runs of `new`, given those of `old` (with their lines, as `lines_of` writes them):
    the runs before the part that differs are kept, those after it moved; within it, only the
    runs (section and day) that an item left or entered are made again, the others are moved as
    they are, and in a run made again only the items that are not the very objects they were
    are written again. (An item whose due date moved far would otherwise have every run between
    its two places written again.)"""
    start, old_end, new_end = identity_difference(old, new)
    if start == old_end == new_end:
        return runs
    if not runs:
        return list(_runs_of(new, 0, len(new), lines_of))
    starts = [run[2] for run in runs]
    # from the run holding the first item that differs through the run holding the first item
    # after the difference (two consecutive runs of one section and day are written as one)
    first = bisect_right(starts, start) - 1
    last = bisect_right(starts, min(old_end, len(old) - 1)) - 1
    first = max(0, first - 1)  # and the run before: an item entering at the start may join it
    shift = len(new) - len(old)
    region = runs[first][2], runs[last][3] + shift
    made = _runs_touched(old, new, (start, old_end, new_end), runs[first : last + 1], region,
                         lines_of)
    if made is None:  # items out of agenda order: the whole part is made again
        made = list(_runs_of(new, region[0], region[1], lines_of))
    moved = [(s, d, a + shift, b + shift, lines, each, joined)
             for s, d, a, b, lines, each, joined in runs[last + 1 :]]
    return [*runs[:first], *made, *moved]


def _runs_touched(
    old: tuple[Item, ...], new: tuple[Item, ...], differ: tuple[int, int, int],
    runs: list[_Run], region: tuple[int, int], lines_of: _Lines,
) -> list[_Run] | None:
    """The runs of `new[region]`, given the old `runs` of that region, where `old` and `new`
    differ as `identity_difference` says. A run (section and day) that no item left or entered (by
    identity: unchanged notes keep their Item objects) is kept as it is, once its place in `new`
    is seen to hold the very items it held; the others are made again. Every item of the region
    is written by one run or the other, in its order, so the result is right whatever the order
    of the items; None when the kept runs don't add up to the region (items out of agenda
    order), then the caller makes the whole region again."""
    start, old_end, new_end = differ
    old_part, new_part = old[start:old_end], new[start:new_end]
    left, entered = set(map(id, old_part)), set(map(id, new_part))
    touched = {(item.section, item.due) for item in new_part if id(item) not in left}
    touched.update((item.section, item.due) for item in old_part if id(item) not in entered)
    kept = {(run[0], run[1]): run for run in runs if (run[0], run[1]) not in touched}
    # the lines of the items of the runs made again, for those still there (by identity: both
    # agendas hold their items, so no id is reused)
    known = {id(item): lines for run in runs if (run[0], run[1]) in touched
             for item, lines in zip(old[run[2] : run[3]], run[5], strict=True)}

    def item_lines(item: Item) -> list[str]:
        lines = known.get(id(item))
        return lines_of(item) if lines is None else lines

    made: list[_Run] = []
    at, end = region
    for section, due in sorted({*kept, *touched}, key=_run_order):
        run = kept.get((section, due))
        if run is not None:
            size = run[3] - run[2]
            if all(map(is_, old[run[2] : run[3]], new[at : at + size])):
                made.append((section, due, at, at + size, run[4], run[5], run[6]))
            else:  # its items, in another order
                made += _runs_of(new, at, at + size, lines_of)
            at += size
            continue
        after = bisect_right(new, (section.order, due), at, end, key=_item_order)
        made += _runs_of(new, at, after, item_lines)
        at = after
    return made if at == end else None


def _run_order(key: tuple[Section, date]) -> tuple[int, date]:
    return key[0].order, key[1]


def _item_order(item: Item) -> tuple[int, date]:
    return item.section.order, item.due


def _runs_of(items: tuple[Item, ...], start: int, end: int, lines_of: _Lines) -> Iterator[_Run]:
    """The runs of `items[start:end]`, with their lines."""
    if start >= end:
        return
    keys = list(map(_section_and_due, items[start:end]))
    bounds = [0, *compress(range(1, len(keys)), map(ne, keys[1:], keys)), len(keys)]
    for a, b in pairwise(bounds):
        section, due = keys[a]
        each = list(map(lines_of, items[start + a : start + b]))
        yield (section, due, start + a, start + b, [line for lines in each for line in lines], each,
               _Joined())


class _Reach(NamedTuple):
    """What an item's lines need besides the item and today: how to reach each person to contact
    (Agenda.reach), the name that signs the email drafts, and the marks the user gave items'
    lines (Agenda.marks)."""

    table: Mapping[str, tuple[str | None, str | None]]
    me: str
    marks: Mapping[str, str]


def _person(item: Item, reach: _Reach) -> str:
    """Whom to contact, as a link to their note when it resolves, followed by their phone as a
    `tel:` link and their email as a `mailto:` link with a draft (each when known)."""
    parts = []
    if item.contact and item.contact != item.title:
        parts.append(note_link(item.contact_note, item.contact) if item.contact_note
                     else escape_md(item.contact))
    phone, email = reach.table.get(item.contact_note, (None, None)) if item.contact_note else (
        None, None)
    if phone:
        uri = tel(phone)
        parts.append(f"[{escape_md(phone)}]({uri})" if uri else escape_md(phone))
    if email:
        parts.append(f"[{escape_md(email)}]({mailto(email, draft_for(item, reach.me))})")
    return " · ".join(parts)


def _md_item(item: Item, today: date, reach: _Reach) -> list[str]:
    who = _person(item, reach)
    if item.note is not None:
        head = note_link(item.note, item.title) + (f" ({who})" if who else "")
    else:
        head = who
    if item.at is not None:
        head = f"**{item.at:%H:%M}** {head}".rstrip()
    line = f"- {head}: {escape_md(item.text)}" if head else f"- {escape_md(item.text)}"
    days = _days_overdue(item, today)
    if days is not None:
        line += f" — **{_plural(days, 'day')} overdue**"
    if item.id is not None:
        # a task line to tick, with its block id (hidden in reading view): see docs/design.md,
        # "Ticking the agenda"
        line = f"- [{reach.marks.get(item.id, ' ')}] {line[2:]} ^{item.id}"
    lines = [line]
    if item.why:
        lines.append(f"  - why: {escape_md_with_code(item.why)}")
    lines.extend(f"  - ⚠ {escape_md_with_code(warning)}" for warning in item.warnings)
    return lines


def _md_carried(kept: CarriedLine) -> list[str]:
    """A line the user marked that could not be applied: as they left it (it is read again next
    time), with the reason below it."""
    return [kept.line.strip(), f"  - ⚠ not applied: {escape_md_with_code(kept.reason)}"]


def _md_problem(problem: Problem) -> str:
    where = note_link(problem.path) if problem.path is not None else "vault"
    if problem.line is not None:
        where += f", line {problem.line}"
    mark = "❌" if problem.severity is Severity.ERROR else "⚠"
    return f"- {mark} **{problem.severity.value}** {where}: {escape_md_with_code(problem.message)}"


def _md_pipeline(agenda: Agenda, config: Config) -> list[str]:
    """The pipeline section: the notes by type and status, then the insights."""
    lines = _md_counts(agenda.pipeline)
    if agenda.insights is not None:
        lines += ["", *insights_markdown(agenda.insights, config.insights.weekly_goal)]
    return lines


def _md_counts(rows: Iterable[PipelineRow]) -> list[str]:
    counts = _pipeline_counts(rows)
    if not counts:
        return ["No jobjournal notes yet."]
    statuses = sorted({status for _, status in counts}, key=_status_order)
    types = sorted({t for t, _ in counts}, key=list(NoteType).index)
    header = ["Type", *(escape_md(_status_label(s)) for s in statuses), "Total"]
    lines = ["| " + " | ".join(header) + " |", "|---" + "|---:" * (len(header) - 1) + "|"]
    for note_type in types:
        cells = [str(counts.get((note_type, s), "")) for s in statuses]
        total = sum(n for (t, _), n in counts.items() if t is note_type)
        lines.append(f"| {note_type.value} | " + " | ".join([*cells, str(total)]) + " |")
    totals = [str(sum(n for (_, s2), n in counts.items() if s2 == s)) for s in statuses]
    lines.append("| **Total** | " + " | ".join([*totals, str(sum(counts.values()))]) + " |")
    return lines
