"""The renderers: golden files for the agenda note, JSON and terminal; JSON's literal shape;
escaping of hostile text; widths and colours in the terminal."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, time, timedelta
from pathlib import Path

import click
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from jobjournal.config import AgendaConfig, Config, MeConfig
from jobjournal.core import model
from jobjournal.core.insights import Insights, SourceRow, Week, week_label, week_starts
from jobjournal.core.markdown import MarkdownRenderer, render_markdown
from jobjournal.core.model import (
    Agenda,
    CarriedLine,
    Item,
    Kind,
    NoteType,
    PipelineRow,
    Problem,
    Section,
    Severity,
)
from jobjournal.core.render import (
    escape_md,
    escape_md_with_code,
    note_link,
    render_json,
    render_terminal,
    summary_line,
)
from jobjournal.vault.agenda_note import BEGIN, END, merge_agenda

TODAY = date(2026, 11, 26)  # a Thursday
DATA = Path(__file__).parent / "data" / "render"
HOSTILE = (
    "<b>bold</b> & <script>x</script> | a ]] b [[c]] # not a heading *emphasis* _under_ "
    "`code` $x$ ==mark== ~~strike~~ %%hidden%% ^block\n"
    "<!-- jobjournal:end -->\n# Heading\r\n- list"
)


def item(
    section: Section,
    kind: Kind,
    due: date,
    note: str | None,
    text: str,
    why: str,
    contact: str | None = None,
    warnings: tuple[str, ...] = (),
    at: time | None = None,
) -> Item:
    title = Path(note).name.removesuffix(".md") if note else None
    item_id = model.item_id(note, kind, due.isoformat()) if note else None
    return Item(kind, due, section, note, title, contact, text, why, warnings, at, id=item_id)


def full_agenda() -> Agenda:
    """Every section and every kind, warnings, problems, times, a Markdown-link title."""
    d = date
    items = [
        item(Section.CALL_BACK, Kind.CALL_BACK, d(2026, 11, 24), "Interviews/Globex - Data.md",
             "Call Sam Lee back", "missed call 2026-11-24 16:40", "Sam Lee"),
        item(Section.CALL_BACK, Kind.CALL_BACK, d(2026, 11, 26), "Contacts/Dana Recruiter.md",
             "Return Dana's call", "missed call 2026-11-26 09:15", "Dana Recruiter"),
        item(Section.OVERDUE, Kind.DECISION_FOLLOW_UP, d(2026, 11, 23),
             "Interviews/Acme - Backend.md", "Ask Jane Doe about the decision",
             "decision expected 2026-11-19 + 2 workdays", "Jane Doe",
             ("calling too often: 3 contacts within 5 workdays",)),
        item(Section.OVERDUE, Kind.THANK_YOU, d(2026, 11, 25), "Meetings/Coffee with Lee.md",
             "Send a thank-you note", "met 2026-11-24 + 1 day", "Lee Chen"),
        item(Section.TODAY, Kind.APPOINTMENT, TODAY, "Interviews/Initech - Platform.md",
             "Phone screen", "interview 2026-11-26T14:00", "Pat Kim", at=time(14, 0)),
        item(Section.TODAY, Kind.TASK, TODAY, "Applications/Hooli - SRE.md",
             "Send the portfolio link", "task due 2026-11-26"),
        item(Section.UPCOMING, Kind.APPLICATION_FOLLOW_UP, d(2026, 11, 27),
             "Applications/Hooli - SRE.md", "Follow up on the application",
             "applied 2026-11-18 + 7 workdays", "Ravi Patel"),
        item(Section.UPCOMING, Kind.APPOINTMENT, d(2026, 11, 30), "Meetings/Lunch with Ana.md",
             "Networking lunch", "meeting 2026-11-30T12:30", "Ana Ruiz", at=time(12, 30)),
        item(Section.UPCOMING, Kind.OFFER_DEADLINE, d(2026, 11, 30),
             "Interviews/Acme | Backend [2].md", "Answer the offer", "respond by 2026-11-30",
             "Jane Doe"),
        item(Section.UPCOMING, Kind.THANK_REFERRER, d(2026, 12, 1), "Referrals/Omar at Stark.md",
             "Thank Omar for the referral", "referred 2026-11-30 + 1 workday", "Omar Haddad"),
        item(Section.UPCOMING, Kind.FOLLOW_UP, d(2026, 12, 2), "Interviews/Wayne - Infra.md",
             "Call Bruce about next steps", "follow_up 2026-12-02", "Bruce Wayne",
             ("too soon: last contact 2026-11-25, wait 5 workdays (until 2026-12-02)",
              "interview 2026-11-20 is past but its status is still scheduled")),
        item(Section.UPCOMING, Kind.STAY_IN_TOUCH, d(2026, 12, 3), "Contacts/Kim Nguyen.md",
             "Check in with Kim", "last contact 2026-11-03 + 30 days", "Kim Nguyen"),
        item(Section.WAITING, Kind.DECISION_FOLLOW_UP, d(2026, 12, 3),
             "Interviews/Umbrella - QA.md", "Ask Lena about the decision",
             "decision expected 2026-12-01 + 2 workdays; 4 candidates", "Lena Park"),
        item(Section.NEEDS_INFO, Kind.MOVE_ON, TODAY, "Applications/Vandelay - Importer.md",
             "No answer from Art for 37 days since you followed up on Importer at Vandelay: let "
             "it play out — set status to ghosted (or record a new date) and put the energy into "
             "new leads", "last contact 2026-10-20, 37 days ago, after following up", "Art"),
        item(Section.NEEDS_INFO, Kind.ASK_DECISION_DATE, TODAY, "Interviews/Acme - Backend.md",
             "Record when the decision will be made and how many candidates",
             "interview 2026-11-17 has no decision_date", "Jane Doe"),
        item(Section.NEEDS_INFO, Kind.ASK_NEW_DATE, TODAY, "Interviews/Globex - Data.md",
             "No definitive answer: ask Sam Lee for a new date, record it as decision_date",
             "followed up 2026-11-24 after decision date 2026-11-20", "Sam Lee"),
        item(Section.NEEDS_INFO, Kind.GATHER_INFO, TODAY, "Interviews/Initech - Platform.md",
             "Ask Pat Kim about the hiring manager", "hiring_manager is empty", "Pat Kim"),
        item(Section.NEEDS_INFO, Kind.KEEP_SEARCHING, TODAY, None,
             "While you wait, keep networking and schedule more interviews",
             "nothing sent, held or received since 2026-11-19"),
        item(Section.LATER, Kind.STAY_IN_TOUCH, d(2027, 1, 15), "Contacts/Old Boss.md",
             "Check in with your old boss", "last contact 2026-10-16 + 91 days", "Old Boss"),
    ]  # fmt: skip
    problems = (
        Problem("Contacts/Broken.md", 3, Severity.ERROR, "broken YAML: mapping values not allowed"),
        Problem("Interviews/Foo.md", None, Severity.WARNING, 'unknown status "pending"'),
        Problem(None, None, Severity.WARNING, "no notes found under Templates"),
    )
    pipeline = (
        PipelineRow(NoteType.CONTACT, "active", 4),
        PipelineRow(NoteType.INTERVIEW, "scheduled", 2),
        PipelineRow(NoteType.INTERVIEW, "waiting", 1),
        PipelineRow(NoteType.INTERVIEW, "rejected", 1),
        PipelineRow(NoteType.INTERVIEW, "on hold", 1),
        PipelineRow(NoteType.APPLICATION, "applied", 3),
        PipelineRow(NoteType.APPLICATION, "", 1),
        PipelineRow(NoteType.REFERRAL, "", 1),
        PipelineRow(NoteType.MEETING, "completed", 1),
    )
    # the people with a note, a phone or an email: links, tel: and mailto: with a draft
    items[2] = replace(items[2], contact_note="Contacts/Jane Doe.md", company="Acme",
                       role="Backend Engineer")
    items[11] = replace(items[11], contact_note="Contacts/Kim Nguyen.md")
    items[15] = replace(items[15], contact_note="Contacts/Sam Lee.md", company="Globex")
    reach = {"Contacts/Jane Doe.md": ("+1 555 0142", "jane.doe@acme.example"),
             "Contacts/Kim Nguyen.md": (None, "kim@example.org"),
             "Contacts/Sam Lee.md": ("+44 20 7946 0958", None)}
    # a line the user marked "in progress", and two ticks that could not be applied
    marks = {items[5].id or "": "/"}
    carried = (
        CarriedLine("- [x] [[Interviews/Gone|Gone]]: Call back ✅ 2026-11-25 ^jj-0123456789",
                    "it matches no item of this agenda (the note changed, or is gone): "
                    "remove this line", "jj-0123456789"),
        CarriedLine("- [ ] Follow up [decision_date:: 2026-02-30] ^jj-abcdef0123",
                    "`decision_date`: 2026-02-30 is not a date", "jj-abcdef0123"),
    )
    return Agenda(TODAY, tuple(items), problems, pipeline, reach, carried, marks,
                  insights=full_insights())


def full_insights(source: str = "linkedin", status: str = "on hold") -> Insights:
    """Insights with every part filled: a met week, a missed one, a median of no data."""
    activity = [(2, 1, 0, 3), (0, 0, 0, 0), (5, 1, 1, 2), (3, 0, 1, 7), (1, 0, 0, 1),
                (4, 2, 0, 0), (0, 1, 0, 4), (1, 0, 0, 0)]
    return Insights(
        TODAY,
        funnel=(("applied", 12), ("answered", 5), ("interviews", 3), ("offers", 1),
                ("accepted", 0)),
        by_source=(SourceRow(source, 6, 2, 10.5), SourceRow("referral", 4, 3, 4.0),
                   SourceRow("unknown", 2, 0, None)),
        weekly=tuple(Week(week_label(monday), monday, *counts)
                     for monday, counts in zip(week_starts(TODAY), activity, strict=True)),
        time_in_status=(("applied", 9.0), ("scheduled", None), ("interviewing", 12.5),
                        ("completed", None), ("waiting", 3.0), ("offer", None), (status, 2.0)),
    )


def hostile_agenda() -> Agenda:
    """User text that tries to break the Markdown, forge the end marker, or hide things."""
    items = (
        Item(Kind.TASK, TODAY, Section.TODAY, "Interviews/Evil # ^x.md", "Evil # ^x",
             "Eve [[Mallory]] | *boss*", HOSTILE, "task due 2026-11-26", (HOSTILE,),
             contact_note="Contacts/Eve.md", company=HOSTILE, role=HOSTILE),
        Item(Kind.FOLLOW_UP, date(2026, 11, 20), Section.OVERDUE, "Interviews/<b>Bold</b>.md",
             "<b>Bold</b>", None, "<!-- jobjournal:begin -->", "follow_up 2026-11-20"),
    )  # fmt: skip
    problems = (Problem("Notes/x|y.md", 7, Severity.ERROR, HOSTILE),)
    pipeline = (PipelineRow(NoteType.INTERVIEW, 'odd|"status"\n# x', 2),)
    reach = {"Contacts/Eve.md": ("+1 (555) <b>0142</b> ]]", "eve&x?y#z (a)@evil.example <!--")}
    return Agenda(TODAY, items, problems, pipeline, reach, insights=full_insights(HOSTILE, HOSTILE))


def empty_agenda() -> Agenda:
    return Agenda(TODAY, (), ())


CASES: dict[str, Callable[[], Agenda]] = {
    "full": full_agenda,
    "hostile": hostile_agenda,
    "empty": empty_agenda,
}
RENDERERS: dict[str, Callable[[Agenda], str]] = {
    "md": lambda agenda: render_markdown(agenda, Config()),
    "json": render_json,
    "txt": lambda agenda: render_terminal(agenda, width=80, color=False),
}


@pytest.mark.parametrize("ext", RENDERERS)
@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, ext: str) -> None:
    """Compare with tests/data/render/<case>.<ext>; JJ_REGEN=1 rewrites them (then review them)."""
    rendered = RENDERERS[ext](CASES[case]())
    expected_file = DATA / f"{case}.{ext}"
    if os.environ.get("JJ_REGEN") == "1":
        DATA.mkdir(parents=True, exist_ok=True)
        expected_file.write_bytes(rendered.encode("utf-8"))
    if not expected_file.exists():
        pytest.fail(f"missing golden file {expected_file}: run with JJ_REGEN=1, then review it")
    assert rendered == expected_file.read_bytes().decode("utf-8")


def test_no_stale_golden_files() -> None:
    expected = {f"{case}.{ext}" for case in CASES for ext in RENDERERS}
    assert {p.name for p in DATA.iterdir()} == expected


@pytest.mark.parametrize("case", CASES)
def test_deterministic(case: str) -> None:
    for render in RENDERERS.values():
        assert render(CASES[case]()) == render(CASES[case]())
    assert render_terminal(CASES[case]()) == render_terminal(CASES[case]())


# --- JSON ------------------------------------------------------------------------------------


def test_json_shape_is_the_public_interface() -> None:
    agenda = Agenda(
        TODAY,
        (
            Item(Kind.DECISION_FOLLOW_UP, date(2026, 11, 24), Section.OVERDUE,
                 "Interviews/Acme - Backend.md", "Acme - Backend", "Jane Doe",
                 "Ask Jane Doe about the decision", "decision expected 2026-11-20 + 2 workdays",
                 ("calling too often",), contact_note="Contacts/Jane Doe.md"),
            Item(Kind.APPOINTMENT, date(2026, 12, 1), Section.UPCOMING, "Meetings/Ana.md", "Ana",
                 None, "Coffee", "meeting 2026-12-01T09:05", at=time(9, 5)),
            Item(Kind.KEEP_SEARCHING, TODAY, Section.NEEDS_INFO, None, None, None,
                 "Keep networking", "nothing new for 7 days"),
        ),
        (Problem("Contacts/Broken.md", 3, Severity.ERROR, "broken YAML"),
         Problem(None, None, Severity.WARNING, "über")),
        reach={"Contacts/Jane Doe.md": ("+1 555 0142", "jane@acme.com")},
    )  # fmt: skip
    text = render_json(agenda)
    assert text.endswith("}\n") and text.count("\n{") == 0
    assert "über" in text  # ensure_ascii=False
    assert json.loads(text) == {
        "today": "2026-11-26",
        "items": [
            {"section": "overdue", "kind": "decision-follow-up", "due": "2026-11-24",
             "note": "Interviews/Acme - Backend.md", "title": "Acme - Backend",
             "contact": "Jane Doe", "text": "Ask Jane Doe about the decision",
             "warnings": ["calling too often"],
             "why": "decision expected 2026-11-20 + 2 workdays", "days_overdue": 2, "at": None,
             "id": None, "contact_note": "Contacts/Jane Doe.md", "phone": "+1 555 0142",
             "email": "jane@acme.com", "time": None},
            {"section": "upcoming", "kind": "appointment", "due": "2026-12-01",
             "note": "Meetings/Ana.md", "title": "Ana", "contact": None, "text": "Coffee",
             "warnings": [], "why": "meeting 2026-12-01T09:05", "days_overdue": None,
             "at": "09:05", "id": None, "contact_note": None, "phone": None, "email": None,
             "time": "09:05"},
            {"section": "needs-info", "kind": "keep-searching", "due": "2026-11-26",
             "note": None, "title": None, "contact": None, "text": "Keep networking",
             "warnings": [], "why": "nothing new for 7 days", "days_overdue": None, "at": None,
             "id": None, "contact_note": None, "phone": None, "email": None, "time": None},
        ],
        "problems": [
            {"note": "Contacts/Broken.md", "line": 3, "severity": "error",
             "message": "broken YAML"},
            {"note": None, "line": None, "severity": "warning", "message": "über"},
        ],
    }  # fmt: skip
    assert list(json.loads(text)) == ["today", "items", "problems"]


def test_json_round_trips_every_item_in_order_later_included() -> None:
    agenda = full_agenda()
    data = json.loads(render_json(agenda))
    assert [(i["section"], i["kind"], i["due"], i["note"]) for i in data["items"]] == [
        (i.section.value, i.kind.value, i.due.isoformat(), i.note) for i in agenda.items
    ]
    assert data["items"][-1]["section"] == "later"
    assert len(data["problems"]) == len(agenda.problems)
    hostile = json.loads(render_json(hostile_agenda()))
    assert hostile["items"][0]["text"] == HOSTILE  # JSON carries user text unchanged


_TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
_MAYBE = st.none() | _TEXT
_PATHS = st.sampled_from(["C/Dana.md", "C/Émile.md", 'C/"Q".md', "Interviews/Acme.md"])
_ITEMS = st.builds(
    Item, st.sampled_from(Kind), st.dates(date(2000, 1, 1), date(2100, 1, 1)),
    st.sampled_from(Section), _MAYBE, _MAYBE, _MAYBE, _TEXT, _TEXT,
    st.lists(_TEXT, max_size=3).map(tuple), st.none() | st.times(),
    contact_note=st.none() | _PATHS, id=_MAYBE,
)
_PROBLEMS = st.builds(Problem, _MAYBE, st.none() | st.integers(0, 10**6),
                      st.sampled_from(Severity), _TEXT)
_REACH = st.dictionaries(_PATHS, st.tuples(_MAYBE, _MAYBE), max_size=3)


def reference_json(agenda: Agenda) -> str:
    """The --json text the obvious way: the documented shape as Python values, through
    json.dumps (what render_json's own writer must give, byte for byte)."""
    reach = agenda.reach or {}

    def item(i: Item) -> dict[str, object]:
        phone, email = reach.get(i.contact_note, (None, None)) if i.contact_note else (None, None)
        at = i.at.strftime("%H:%M") if i.at else None
        overdue = (agenda.today - i.due).days if i.section is Section.OVERDUE else None
        return {
            "section": i.section.value, "kind": i.kind.value, "due": i.due.isoformat(),
            "note": i.note, "title": i.title, "contact": i.contact, "text": i.text,
            "warnings": list(i.warnings), "why": i.why, "days_overdue": overdue, "at": at,
            "id": i.id, "contact_note": i.contact_note, "phone": phone, "email": email,
            "time": at,
        }

    return json.dumps({
        "today": agenda.today.isoformat(),
        "items": [item(i) for i in agenda.items],
        "problems": [{"note": p.path, "line": p.line, "severity": p.severity.value,
                      "message": p.message} for p in agenda.problems],
    }, ensure_ascii=False, indent=2) + "\n"


@settings(max_examples=300, deadline=None)
@given(st.dates(date(2000, 1, 1), date(2100, 1, 1)), st.lists(_ITEMS, max_size=4),
       st.lists(_PROBLEMS, max_size=3), _REACH)
def test_json_is_written_exactly_as_json_dumps_writes_it(
    today: date, items: list[Item], problems: list[Problem],
    reach: dict[str, tuple[str | None, str | None]],
) -> None:
    # render_json writes its text directly: it must be json.dumps's, byte for byte
    agenda = Agenda(today, tuple(items), tuple(problems), reach=reach)
    assert render_json(agenda) == reference_json(agenda)


# --- Markdown --------------------------------------------------------------------------------


def test_markdown_sections_in_order_later_left_out() -> None:
    text = render_markdown(full_agenda(), Config())
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Call back now", "## Overdue", "## Today", "## Upcoming", "## Waiting",
        "## Needs info", "## Problems", "## Pipeline",
    ]  # fmt: skip
    assert text.startswith("# Agenda — 2026-11-26 (Thursday)\n")
    assert "### Fri 27 Nov (tomorrow)" in text and "### Mon 30 Nov" in text
    assert "Old Boss" not in text  # `later`: JSON only
    assert "**3 days overdue**" in text and "**1 day overdue**" in text
    assert "[Acme \\| Backend \\[2\\]](Interviews/Acme%20%7C%20Backend%20%5B2%5D.md)" in text
    assert "[[Interviews/Acme - Backend|Acme - Backend]] (Jane Doe):" in text
    assert "- While you wait, keep networking" in text  # keep-searching: no link
    assert "**14:00** [[Interviews/Initech - Platform|Initech - Platform]] (Pat Kim)" in text


def test_markdown_horizon_comes_from_config() -> None:
    text = render_markdown(empty_agenda(), Config(agenda=AgendaConfig(horizon_days=21)))
    assert "Nothing in the next 21 days." in text


def _inline_text(tokens: Sequence[Token]) -> str:
    out = []
    for token in tokens:
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                out.append(child.content)
    return "".join(out)


def test_hostile_text_renders_as_text() -> None:
    """What Obsidian shows is the user's text itself: no HTML, no extra structure, no marker."""
    text = render_markdown(hostile_agenda(), Config())
    assert all(line.strip() not in (BEGIN, END) for line in text.splitlines())
    merge_agenda(None, text)  # accepted as a block: it holds no marker line
    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(text)
    types = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or ()}
    assert not types & {"html_block", "html_inline", "code_block"}
    # a name in backticks is shown as code (as a field name a message quotes is): nothing else
    codes = [c.content for t in tokens for c in t.children or () if c.type == "code_inline"]
    assert all(re.fullmatch(r"[A-Za-z_][\w-]*", code) for code in codes), codes
    assert [t.info for t in tokens if t.type == "fence"] == ["mermaid"]  # only ours
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert all(h.startswith(("Agenda", "Call", "Overdue", "Today", "Upcoming", "Waiting",
                             "Needs", "Problems", "Pipeline", "Funnel", "By source",
                             "Weekly activity", "Time in status")) for h in headings)  # fmt: skip
    shown = _inline_text(tokens)
    assert " ".join(HOSTILE.split()) in shown  # entities and escapes render back to the text
    assert "Eve [[Mallory]] | *boss*" in shown
    assert "<!-- jobjournal:begin -->" in shown
    assert "Evil # ^x" in shown and "<b>Bold</b>" in shown


def test_escape_md() -> None:
    assert escape_md("Jane Doe") == "Jane Doe"
    assert escape_md("a\nb\r\n\tc") == "a b c"
    assert escape_md("<!-- x -->") == "&lt;!-- x --&gt;"
    assert escape_md("A & B") == "A &amp; B"
    assert escape_md("*x* _y_ [[z]] a|b #tag `c` \\") == (
        "\\*x\\* \\_y\\_ \\[\\[z\\]\\] a\\|b \\#tag \\`c\\` \\\\"
    )
    assert escape_md("%%hide%%") == "%&#37;hide%&#37;"
    assert escape_md("\x1b[31mred\x07") == "[31mred".replace("[", "\\[")
    assert escape_md("safe\u202eevil") == "safeevil"


def test_escape_md_with_code_keeps_the_field_names_of_a_message() -> None:
    assert escape_md_with_code("application has no `applied` (when *you* applied)") == (
        "application has no `applied` (when \\*you\\* applied)")
    assert escape_md_with_code("add `applied: YYYY-MM-DD` or `status: ghosted`") == (
        "add `applied: YYYY-MM-DD` or `status: ghosted`")
    assert escape_md_with_code("the `---` on line 1") == "the `---` on line 1"
    assert escape_md_with_code("`dat` is no field: did you mean `date`?") == (
        "`dat` is no field: did you mean `date`?")
    # anything else quoted, the user's text above all, stays escaped text
    for span in ("`<!-- jobjournal:end -->`", "`%%x%%`", "`[[Jane]]`", "`a b`", "`*x*`",
                 "`date: <b>`", "`status:`", "`$x$`"):
        assert "`" not in escape_md_with_code(f"a {span} b").replace("\\`", "")
    assert escape_md_with_code("one ` alone") == "one \\` alone"
    assert escape_md_with_code("a\n`date`\tc") == "a `date` c"


def test_note_link() -> None:
    assert note_link("Interviews/Acme - Backend.md", "Acme - Backend") == (
        "[[Interviews/Acme - Backend|Acme - Backend]]"
    )
    assert note_link("Agenda notes.md") == "[[Agenda notes]]"
    assert note_link("Interviews/Acme | Backend.md") == (
        "[Acme \\| Backend](Interviews/Acme%20%7C%20Backend.md)"
    )
    assert note_link("Q&A/50% #1.md") == "[50% \\#1](Q%26A/50%25%20%231.md)"
    assert note_link("Odd\nname.md").startswith("[Odd name](Odd%0Aname.md")


# --- summary -------------------------------------------------------------------------------------


def test_summary_line() -> None:
    assert summary_line(full_agenda()) == (
        "2 call back · 2 overdue · 2 today · 6 upcoming · 1 waiting · 5 needs info"
        " · 5 problems (1 error)"
    )
    assert summary_line(empty_agenda()) == "nothing due"
    only_later = Agenda(TODAY, (full_agenda().items[-1],), ())
    assert summary_line(only_later) == "nothing due"
    warning = Problem("a.md", 1, Severity.WARNING, "w")
    assert summary_line(Agenda(TODAY, (), (warning,))) == "nothing due · 1 problem"
    error = Problem("a.md", 1, Severity.ERROR, "e")
    assert summary_line(Agenda(TODAY, (), (error, error))) == "nothing due · 2 problems (2 errors)"


# --- terminal ------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [80, 60, 40, 24])
@pytest.mark.parametrize("case", CASES)
def test_terminal_lines_fit_the_width(case: str, width: int) -> None:
    for color in (True, False):
        text = render_terminal(CASES[case](), width=width, color=color)
        assert text.endswith("\n")
        too_long = [line for line in text.splitlines() if len(click.unstyle(line)) > width]
        assert not too_long


def test_terminal_colour_only_when_asked() -> None:
    agenda = full_agenda()
    plain = render_terminal(agenda, color=False)
    coloured = render_terminal(agenda, color=True)
    assert "\x1b[" not in plain
    assert "\x1b[" in coloured
    assert click.unstyle(coloured) == plain


def test_terminal_strips_control_characters_from_user_text() -> None:
    evil = Item(Kind.TASK, TODAY, Section.TODAY, "a.md", "a\x1b]0;pwned\x07", None,
                "\x1b[2Jcleared", "task", ())  # fmt: skip
    text = render_terminal(Agenda(TODAY, (evil,), ()), color=False)
    assert "\x1b" not in text and "\x07" not in text
    assert "[2Jcleared" in text


# --- the remembering renderer against a fresh render --------------------------------------------

_POOL_ITEMS = [
    item(section, Kind.TASK, TODAY + timedelta(days=shift), f"N/{n}.md", f"do {n}", "why")
    for n, (section, shift) in enumerate(
        (s, d) for s in (Section.CALL_BACK, Section.OVERDUE, Section.TODAY, Section.UPCOMING,
                         Section.NEEDS_INFO, Section.LATER) for d in (-2, 0, 1, 3))
]
_POOL_ITEMS = [replace(i, contact=f"P{n % 3}", contact_note=f"C/P{n % 3}.md") if n % 2 else i
               for n, i in enumerate(_POOL_ITEMS)]
#: how to reach the pool's people: the kept renderer must notice when a phone or email changes
_POOL_REACH: list[dict[str, tuple[str | None, str | None]]] = [
    {}, {"C/P0.md": ("+1 555 0100", "p0@example.org")},
    {"C/P0.md": ("+1 555 0101", "p0@example.org"), "C/P1.md": (None, "p1@example.org")},
]


_POOL_PROBLEMS = [Problem(f"N/{n}.md", n, Severity.ERROR if n % 3 else Severity.WARNING, "bad")
                  for n in range(6)]
#: the marks the user gave lines, and the lines carried over: the kept renderer must follow them
_POOL_MARKS: list[dict[str, str]] = [
    {}, {_POOL_ITEMS[0].id or "": "/"}, {_POOL_ITEMS[0].id or "": ">", _POOL_ITEMS[5].id or "": "?"},
]
_POOL_CARRIED: list[tuple[CarriedLine, ...]] = [
    (), (CarriedLine("- [x] gone ^jj-0000000000", "matches no item", "jj-0000000000"),),
]


def _edited(objects: st.SearchStrategy[object]) -> st.SearchStrategy[tuple[int, int, list[object]]]:
    """An edit of a sequence: replace [start, start + length) with new objects."""
    return st.tuples(st.integers(0, 12), st.integers(0, 3), st.lists(objects, max_size=3))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.lists(_edited(st.sampled_from(_POOL_ITEMS)), min_size=1, max_size=8),
    st.lists(_edited(st.sampled_from(_POOL_PROBLEMS)), min_size=1, max_size=8),
    st.lists(st.sampled_from([0, 0, 0, 1]), min_size=8, max_size=8),
    st.lists(st.sampled_from([True, True, True, False]), min_size=8, max_size=8),
    st.lists(st.sampled_from([0, 0, 0, 1, 2]), min_size=8, max_size=8),
    st.lists(st.sampled_from(["", "", "", "Sam"]), min_size=8, max_size=8),
    st.lists(st.sampled_from([0, 0, 0, 1, 2]), min_size=8, max_size=8),
    st.lists(st.sampled_from([0, 0, 0, 1]), min_size=8, max_size=8),
)
def test_a_kept_renderer_writes_what_a_fresh_one_writes(
    item_edits: list[tuple[int, int, list[Item]]],
    problem_edits: list[tuple[int, int, list[Problem]]],
    days_on: list[int],
    in_order: list[bool],
    reaches: list[int],
    names: list[str],
    marks: list[int],
    carried: list[int],
) -> None:
    """Any sequence of agendas, each a few edits from the last (the same objects kept around the
    edits, as the incremental build keeps them; objects repeated; items in agenda order, or not,
    or in order after an agenda that was not), and
    sometimes a new day, another phone or email, another name signing the drafts, other marks on
    the user's lines or other lines carried over: a kept renderer writes what `render_markdown`
    writes."""
    renderer = MarkdownRenderer()
    items: list[Item] = []
    problems: list[Problem] = []
    today = TODAY
    for n in range(max(len(item_edits), len(problem_edits))):
        if n < len(item_edits):
            start, length, new = item_edits[n]
            items[start : start + length] = new
        if n < len(problem_edits):
            start, length, new_problems = problem_edits[n]
            problems[start : start + length] = new_problems
        today += timedelta(days=days_on[n])
        shown = sorted(items, key=lambda i: (i.section.order, i.due)) if in_order[n] else items
        agenda = Agenda(today, tuple(shown), tuple(problems), (), dict(_POOL_REACH[reaches[n]]),
                        _POOL_CARRIED[carried[n]], dict(_POOL_MARKS[marks[n]]))
        config = Config(me=MeConfig(name=names[n]))
        rendered = renderer.render(agenda, config)
        assert rendered == render_markdown(agenda, config)
        assert renderer.data == rendered.encode("utf-8")


def test_an_item_moved_far_writes_only_the_days_it_left_and_entered() -> None:
    """An item whose due date moves from the first day shown to the last (a follow-up logged):
    the runs of the days between are kept, not written again, and of the days it left and
    entered only the item itself is written; two items of one day that change places are
    written again."""
    days = [TODAY + timedelta(days=n) for n in range(1, 30)]
    items = [item(Section.UPCOMING, Kind.TASK, day, f"N/{n}.md", f"do {n}", "why")
             for n, day in enumerate(days)]
    renderer, config = MarkdownRenderer(), Config()

    def render(shown: list[Item]) -> None:
        agenda = Agenda(TODAY, tuple(shown), ())
        assert renderer.render(agenda, config) == render_markdown(agenda, config)

    render(items)
    assert renderer.written == len(items)
    moved = replace(items[0], due=days[-1])
    render([*items[1:], moved])
    assert renderer.written == 1  # the item alone
    twin = replace(items[5], note="N/twin.md", text="twin")
    render([*items[1:5], items[5], twin, *items[6:], moved])
    render([*items[1:5], twin, items[5], *items[6:], moved])  # in another order, one day
    assert renderer.written == 2
