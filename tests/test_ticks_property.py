"""A property of the two-way agenda: random marks (ticks, cancels, other marks, good and bad
inline fields) on the agenda of a random vault (line endings, BOM, Log or none, tasks) never
change a byte of a note outside the lines they must, never lose a tick (each is applied or
carried over, still marked), and applying again changes no note."""

from __future__ import annotations

import difflib
import re
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobjournal.config import load_config
from jobjournal.core.engine import build_agenda
from jobjournal.core.markdown import render_markdown
from jobjournal.core.ticks import marked_line, read_marked_lines
from jobjournal.vault.agenda_note import generated_part, write_agenda
from jobjournal.vault.reader import load_vault
from jobjournal.vault.user_edits import apply_user_edits

TODAY = date(2026, 11, 26)
NOW = datetime(2026, 11, 26, 9, 30)
#: The front-matter keys a tick or the fields below may set.
KEYS = ("thank_you", "thanked", "status", "candidates", "follow_up", "decision_date")
FIELDS = ["", "", "", " [candidates:: 3]", " [follow_up:: 2026-12-10]",
          " [decision_date:: 2026-02-30]", " [status:: ghosted]", " [thanked:: 2026-11-20]"]


def _day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def _notes(draw: st.DrawFn) -> dict[str, str]:
    """A few notes of every type, dated around today, some with a Log or tasks."""
    notes: dict[str, str] = {}
    offsets = st.integers(-40, 10)
    if draw(st.booleans()):
        notes["Contacts/Dana.md"] = (
            f"---\ntype: contact\nmissed_call: {_day(draw(st.integers(-3, 0)))}T09:00\n"
            f"stay_in_touch: 30\n# a comment\n---\n")
    if draw(st.booleans()):
        held = draw(st.integers(-20, -1))
        notes["Interviews/Acme.md"] = (
            f"---\ntype: interview\ncompany: Acme\ndate: {_day(held)}\n"
            f"decision_date: {_day(held + 3)}\nrecruiter: \"[[Dana]]\"\nstatus: waiting\n---\n")
    if draw(st.booleans()):
        notes["Interviews/Initech.md"] = (
            f"---\ntype: interview\ndate: {_day(draw(st.integers(0, 5)))}T14:00\n"
            "recruiter: \"[[Pat]]\"\n---\n")
    if draw(st.booleans()):
        notes["Meetings/Coffee.md"] = (
            f"---\ntype: meeting\ndate: {_day(draw(st.integers(-6, 0)))}\n"
            "with: [\"[[Lee]]\"]\nthank_you:\n---\n")
    if draw(st.booleans()):
        notes["Referrals/Omar.md"] = (
            f"---\ntype: referral\ndate: {_day(draw(offsets))}\nfrom: \"[[Omar]]\"\n---\n")
    if draw(st.booleans()):
        notes["Applications/Hooli.md"] = (
            f"---\ntype: application\napplied: {_day(draw(st.integers(-40, -5)))}\n---\n")
    for path in list(notes):
        body = ""
        if draw(st.booleans()):
            body += f"\n## Log\n- {_day(draw(st.integers(-60, -1)))} Talked\n"
        if draw(st.booleans()):
            body += f"\n- [ ] Send the CV 📅 {_day(draw(st.integers(-2, 3)))}\n"
        if draw(st.booleans()):
            body += "\n## Notes\nkeep me\n"
        text = notes[path] + body
        if draw(st.booleans()):
            text = text.replace("\n", "\r\n")
        if draw(st.booleans()):
            text = "\ufeff" + text
        notes[path] = text
    return notes


@st.composite
def vaults_and_marks(draw: st.DrawFn) -> tuple[dict[str, str], list[tuple[str, str]]]:
    notes = _notes(draw)
    marks = [(draw(st.sampled_from(" xX-/")), draw(st.sampled_from(FIELDS))) for _ in range(12)]
    return notes, marks


def _write_agenda(root: Path) -> None:
    config = load_config(root)
    edits = apply_user_edits(root, config, TODAY, NOW)
    vault = load_vault(root, config)
    agenda = edits.onto(build_agenda(vault.notes, TODAY, config, paths=vault.paths,
                                     problems=vault.problems))
    write_agenda(root, config.agenda.path, render_markdown(agenda, config))


def _changeable(line: str) -> bool:
    """A line of a note that applying may replace: one of KEYS, or an open task."""
    bare = line.removeprefix("\ufeff")
    return bare.startswith(tuple(f"{key}:" for key in KEYS)) or bare.startswith("- [ ] ")


def _added(line: str) -> bool:
    """A line applying may add: one of KEYS, a Log entry or heading, a blank line, a ticked
    task."""
    return (line.startswith(tuple(f"{key}:" for key in KEYS)) or line.rstrip() in ("", "## Log")
            or re.match(r"- \d{4}-\d\d-\d\d", line) is not None or line.startswith("- [x] "))


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(vaults_and_marks())
def test_random_ticks_change_only_their_lines_and_are_never_lost(
    case: tuple[dict[str, str], list[tuple[str, str]]],
) -> None:
    notes, marks = case
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / ".jobjournal.toml").write_text("", encoding="utf-8")
        for path, text in notes.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(text.encode("utf-8"))
        _write_agenda(root)
        agenda_path = root / "Agenda.md"
        lines = agenda_path.read_text(encoding="utf-8").split("\n")
        marked: list[str] = []
        for n, line in enumerate(x for x in lines if x.startswith("- [ ] ") and "^jj-" in x):
            box, field = marks[n % len(marks)]
            at = lines.index(line)
            head, _, block_id = line[len("- [ ] "):].rpartition(" ^")
            lines[at] = f"- [{box}] {head}{field} ^{block_id}"
            marked.append(lines[at])
        agenda_path.write_text("\n".join(lines), encoding="utf-8")
        asked = [m for m in (marked_line(x) for x in marked) if m is not None and m.to_apply]

        _write_agenda(root)
        after = {path: (root / path).read_bytes().decode("utf-8") for path in notes}
        part = generated_part(agenda_path.read_text(encoding="utf-8"))
        carried = {line.id: line for line in read_marked_lines(part)}
        for line in asked:
            if line.id in carried:  # carried over: still marked as the user left it
                assert carried[line.id].mark == line.mark
                assert carried[line.id].fields == line.fields
            else:  # applied: its own note changed
                target = re.match(r"- \[.\] (?:\*\*\d\d:\d\d\*\* )?\[\[([^|\]]+)", line.text)
                assert target is not None, line.text
                note = target[1] + ".md"
                assert after[note] != notes[note], line.text
        for path, before in notes.items():
            _only_allowed_changes(before, after[path])

        # applying again changes no note (a line carried over may now give another reason: an
        # item another tick ended), and once more changes nothing at all
        again = {p: (root / p).read_bytes() for p in notes}
        _write_agenda(root)
        assert {p: (root / p).read_bytes() for p in again} == again
        settled = {p: (root / p).read_bytes() for p in [*notes, "Agenda.md"]}
        _write_agenda(root)
        assert {p: (root / p).read_bytes() for p in settled} == settled


def _only_allowed_changes(before: str, after: str) -> None:
    assert after.startswith("\ufeff") == before.startswith("\ufeff")
    crlf = "\r\n" in before
    old = before.splitlines(keepends=True)
    new = after.splitlines(keepends=True)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            assert all(_changeable(line) for line in old[i1:i2]), (old[i1:i2], new[j1:j2])
        if tag in ("replace", "insert"):
            for line in new[j1:j2]:
                assert _added(line.removeprefix("\ufeff")), (old[i1:i2], new[j1:j2])
                if line.endswith("\n"):
                    assert line.endswith("\r\n") == crlf, repr(line)
