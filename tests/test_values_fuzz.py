"""Extreme values in every field of every type, in front matter and in Log and task lines:
reading, the rules (from scratch and incrementally), the agenda, `check` and the exports never
raise, every note is still read, and a note beside them still gets its item.

The values are the edges of what is read (1900-01-01, 9000-12-31, with times and UTC offsets that
move them across a day, read in time zones up to 14 hours from UTC) and what lies just past them (0001-01-01, 1899-12-31, 9000-12-32,
9999-12-31), and numbers of every shape (0, -1, huge, floats, booleans), each in every field.
"""

from __future__ import annotations

from datetime import date, datetime, time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobjournal.config import Config, parse_config
from jobjournal.core.check import check_report
from jobjournal.core.context import make_context
from jobjournal.core.dates import zone_info
from jobjournal.core.engine import build_agenda
from jobjournal.core.fields import COERCERS
from jobjournal.core.incremental import IncrementalBuild
from jobjournal.core.markdown import render_markdown
from jobjournal.core.model import Note, NoteType, Problem
from jobjournal.core.parse import parse_note
from jobjournal.core.render import render_json
from jobjournal.exports.csv_export import render_csv
from jobjournal.exports.ics import ALARM_HOUR, render_ics
from jobjournal.exports.table import AGENDA_COLUMNS, NOTE_COLUMNS, agenda_rows, note_rows

DAYS = ["0001-01-01", "1899-12-31", "1900-01-01", "2026-11-20", "9000-12-31", "9000-12-32",
        "9001-01-01", "9999-12-31"]
TIMES = ["", "T00:00", "T23:59", " 12:30", "T23:59:59Z", "T00:30+05:00", "T23:30-05:00",
         "T12:00+23:59", "T12:00-24:00"]
NUMBERS = ["0", "-1", "1", "3650", "3651", "10000", "10001", "5550142", "100000000000",
           "9" * 400, "2.5", "1e308", ".inf", ".nan", "-0", "+5", "true", "false", "null", "0x10",
           "1_000"]
DATES = [day + time for day in DAYS for time in TIMES]
#: what a front-matter value may be written as
VALUES = st.one_of(
    st.sampled_from(DATES), st.sampled_from(NUMBERS),
    st.sampled_from(DATES + NUMBERS).map(lambda v: f'"{v}"'),
    st.sampled_from(DAYS).map(lambda v: f'"[[{v}]]"'),
)
TODAYS = [date(1900, 1, 1), date(1900, 1, 6), date(2026, 11, 26), date(9000, 12, 25),
          date(9000, 12, 31)]
LARGEST = parse_config({
    "agenda": {"horizon_days": 3650},
    "followup": {key: 3650 for key in ("grace_workdays", "no_decision_date_workdays",
                                       "min_gap_workdays", "application_workdays",
                                       "thank_you_days", "move_on_days")},
    "calendar": {"workdays": ["sun"]},
})
CONFIGS = [Config(), LARGEST]
#: the machine's, and the zones furthest from UTC either way (+14:00, -11:00)
ZONES = ["", "UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"]
SENTINEL = "Contacts/Sentinel.md"


@st.composite
def hostile_notes(draw: st.DrawFn) -> bytes:
    """A jobjournal note of any type, extreme values in any of its fields and body lines."""
    note_type = draw(st.sampled_from([t.value for t in NoteType]))
    keys = draw(st.lists(st.sampled_from(sorted(COERCERS)), min_size=1, max_size=6, unique=True))
    lines = ["---", f"type: {note_type}"]
    lines += [f"{key}: {draw(VALUES)}" for key in keys]
    lines += ["---", "## Log"]
    for _ in range(draw(st.integers(0, 3))):
        lines.append(f"- {draw(st.sampled_from(DATES))} Called")
    for _ in range(draw(st.integers(0, 2))):
        day = draw(st.sampled_from(DAYS))
        lines.append(draw(st.sampled_from([
            f"- [ ] Write 📅 {day}", f"- [ ] Plan ⏳ {day}",
            f"- [ ] Ask [due:: {day}{draw(st.sampled_from(TIMES))}]",
        ])))
    return ("\n".join(lines) + "\n").encode()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(hostile_notes(), min_size=1, max_size=4),
       today=st.sampled_from(TODAYS), config=st.sampled_from(CONFIGS), zone=st.sampled_from(ZONES))
def test_extreme_values_never_stop_a_run(
    texts: list[bytes], today: date, config: Config, zone: str
) -> None:
    notes: list[Note] = []
    problems: list[Problem] = []
    for number, data in enumerate(texts):
        path = f"Notes/{number}.md"
        note, found = parse_note(path, data, zone=zone)
        assert note is not None, found  # a bad value is a bad field, never a lost note
        lines = data.count(b"\n") + 1
        assert all(p.line is not None and 1 <= p.line <= lines for p in found), found
        assert all(p.message and "\n" not in p.message for p in found), found
        notes.append(note)
        problems += found
    sentinel, _ = parse_note(SENTINEL, f"---\ntype: contact\nfollow_up: {today}\n---\n".encode())
    assert sentinel is not None
    notes.append(sentinel)

    agenda = build_agenda(notes, today, config, problems=problems)
    assert IncrementalBuild().build(notes, today, config, problems=problems) == agenda
    assert any(item.note == SENTINEL for item in agenda.items)
    render_markdown(agenda, config)
    render_json(agenda)
    check_report(agenda.problems, notes, "vault")
    ctx = make_context(notes, today, config)
    render_csv(NOTE_COLUMNS, note_rows(notes, agenda, ctx))
    render_csv(AGENDA_COLUMNS, agenda_rows(agenda))
    render_ics(notes, agenda, ctx, vault_name="vault", zone=zone_info(zone),
               modified={}, now=datetime.combine(today, time(ALARM_HOUR)))
