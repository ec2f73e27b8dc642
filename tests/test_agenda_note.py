"""The agenda note: only the part between the markers is ours; everything else,
line endings and BOM included, stays byte for byte; refusals leave the file untouched."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobjournal.errors import JobJournalError, RefusalError
from jobjournal.vault import agenda_note
from jobjournal.vault.agenda_note import (
    BEGIN,
    END,
    agenda_file,
    generated_part,
    merge_agenda,
    write_agenda,
)

BLOCK = "# Agenda — 2026-11-26 (Thursday)\n\n- [[Interviews/Acme|Acme]]: call Jane\n"
NEW_NOTE = f"---\ntype: agenda\ngenerated_by: jobjournal\n---\n{BEGIN}\n{BLOCK}{END}\n"
USER_NOTE = (
    "---\ntags: [job]\ncssclasses: wide   # my own\n---\n"
    "My notes above.\n\n"
    f"  {BEGIN}\t\n"
    "old agenda\n"
    f"{END}\n"
    "\nNotes below, no final newline"
)  # fmt: skip


@pytest.fixture
def root(tmp_path: Path) -> Path:
    vault = tmp_path / "vault"
    vault.mkdir()
    return vault


# --- merge_agenda (pure) -------------------------------------------------------------------------


@pytest.mark.parametrize("existing", [None, "", "\n", "  \r\n"])
def test_new_or_empty_note_gets_front_matter_and_markers(existing: str | None) -> None:
    assert merge_agenda(existing, BLOCK) == NEW_NOTE


def test_only_the_part_between_the_markers_changes() -> None:
    merged = merge_agenda(USER_NOTE, BLOCK)
    before, _, rest = USER_NOTE.partition("old agenda\n")
    assert merged == before + BLOCK + rest


def test_crlf_note_stays_crlf() -> None:
    crlf = USER_NOTE.replace("\n", "\r\n")
    merged = merge_agenda(crlf, BLOCK)
    assert merged.count("\r\n") == merged.count("\n")  # no bare LF anywhere
    assert merged == crlf.replace("old agenda\r\n", BLOCK.replace("\n", "\r\n"))


def test_bom_is_kept() -> None:
    assert merge_agenda("\ufeff" + USER_NOTE, BLOCK) == "\ufeff" + merge_agenda(USER_NOTE, BLOCK)
    assert merge_agenda("\ufeff", BLOCK) == "\ufeff" + NEW_NOTE


def test_markers_at_the_very_top_and_empty_between() -> None:
    assert merge_agenda(f"{BEGIN}\n{END}", BLOCK) == f"{BEGIN}\n{BLOCK}{END}"


def test_a_block_without_final_newline_gets_one() -> None:
    assert merge_agenda(None, BLOCK.rstrip("\n")) == NEW_NOTE


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("# My own agenda\n\n- buy milk\n", "no jobjournal markers"),
        (f"top\n{BEGIN}\nold\n", "1 begin and 0 end"),
        (f"top\n{END}\nold\n", "0 begin and 1 end"),
        (f"{END}\nold\n{BEGIN}\n", "end marker before the begin marker"),
        (f"{BEGIN}\n{BEGIN}\nold\n{END}\n", "2 begin and 1 end"),
        (f"{BEGIN}\nold\n{END}\n{END}\n", "1 begin and 2 end"),
        (f"text {BEGIN}\nold\n{END}\n", "0 begin and 1 end"),  # a marker is a whole line
    ],
)
def test_refuses_a_note_that_is_not_ours(text: str, reason: str) -> None:
    with pytest.raises(RefusalError, match=reason) as caught:
        merge_agenda(text, BLOCK)
    assert "[agenda] path" in caught.value.message and "\n" not in caught.value.message


def test_a_marker_line_in_the_block_is_a_bug() -> None:
    with pytest.raises(ValueError):
        merge_agenda(None, f"x\n {END}\n")


# --- write_agenda (files) -------------------------------------------------------------------------


def test_creates_a_new_note_and_its_folders(root: Path) -> None:
    assert write_agenda(root, "Journal/Job hunt/Agenda.md", BLOCK) is True
    assert (root / "Journal/Job hunt/Agenda.md").read_bytes() == NEW_NOTE.encode()


def test_fills_the_empty_file_obsidian_creates(root: Path) -> None:
    (root / "Agenda.md").write_bytes(b"")
    assert write_agenda(root, "Agenda.md", BLOCK) is True
    assert (root / "Agenda.md").read_text(encoding="utf-8") == NEW_NOTE


def test_user_text_and_front_matter_preserved_byte_for_byte(root: Path) -> None:
    path = root / "Agenda.md"
    path.write_bytes(USER_NOTE.encode())
    assert write_agenda(root, "Agenda.md", BLOCK) is True
    data = path.read_bytes()
    head, _, tail = USER_NOTE.encode().partition(b"old agenda\n")
    assert data == head + BLOCK.encode() + tail


def test_crlf_and_bom_file_on_disk(root: Path) -> None:
    path = root / "Agenda.md"
    original = b"\xef\xbb\xbf" + USER_NOTE.replace("\n", "\r\n").encode()
    path.write_bytes(original)
    write_agenda(root, "Agenda.md", BLOCK)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf---\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert data.replace(BLOCK.replace("\n", "\r\n").encode(), b"old agenda\r\n") == original


def test_no_write_when_unchanged(root: Path) -> None:
    assert write_agenda(root, "Agenda.md", BLOCK) is True
    before = os.stat(root / "Agenda.md")
    assert write_agenda(root, "Agenda.md", BLOCK) is False
    after = os.stat(root / "Agenda.md")
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert os.listdir(root) == ["Agenda.md"]  # no temp file left behind


def test_an_edit_saved_while_merging_is_kept(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An editor saving the note between our read and our write: the race can't be timed in a
    test, so the save happens inside the merge; the user's new text must survive."""
    path = root / "Agenda.md"
    path.write_text(USER_NOTE, encoding="utf-8")
    saved = USER_NOTE.replace("My notes above.", "My notes above, and a new line typed just now.")
    calls = []

    def merge_while_the_user_saves(existing: str | None, block: str) -> str:
        calls.append(existing)
        if len(calls) == 1:
            path.write_text(saved, encoding="utf-8")
        return merge_agenda(existing, block)

    monkeypatch.setattr(agenda_note, "merge_agenda", merge_while_the_user_saves)
    assert write_agenda(root, "Agenda.md", BLOCK) is True
    assert calls == [USER_NOTE, saved]
    assert path.read_text(encoding="utf-8") == merge_agenda(saved, BLOCK)


def test_a_note_that_never_stops_changing_is_left_alone(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = root / "Agenda.md"
    path.write_text(USER_NOTE, encoding="utf-8")

    def merge_while_the_user_saves(existing: str | None, block: str) -> str:
        path.write_text((existing or "") + "x", encoding="utf-8")
        return merge_agenda(existing, block)

    monkeypatch.setattr(agenda_note, "merge_agenda", merge_while_the_user_saves)
    with pytest.raises(JobJournalError, match="keeps changing"):
        write_agenda(root, "Agenda.md", BLOCK)
    assert path.read_text(encoding="utf-8").startswith(USER_NOTE)
    assert BLOCK not in path.read_text(encoding="utf-8")


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_mode_is_kept(root: Path) -> None:
    path = root / "Agenda.md"
    path.write_text(f"{BEGIN}\n{END}\n", encoding="utf-8")
    path.chmod(0o600)
    assert write_agenda(root, "Agenda.md", BLOCK) is True
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "content",
    [b"# My note\n\nmine\n", f"x\n{BEGIN}\nno end\n".encode(), b"caf\xe9 " + BEGIN.encode()],
)
def test_refusals_leave_the_file_unchanged(root: Path, content: bytes) -> None:
    path = root / "Agenda.md"
    path.write_bytes(content)
    before = os.stat(path)
    with pytest.raises(RefusalError, match=r"^Agenda\.md"):
        write_agenda(root, "Agenda.md", BLOCK)
    assert path.read_bytes() == content
    assert os.stat(path).st_mtime_ns == before.st_mtime_ns
    assert sorted(p.name for p in root.iterdir()) == ["Agenda.md"]


# --- agenda_file: where the agenda may live ------------------------------------------------------


def test_agenda_file_inside_the_vault(root: Path) -> None:
    assert agenda_file(root, "Agenda.md") == root.resolve() / "Agenda.md"
    assert agenda_file(root, "Notes/Agenda.md") == root.resolve() / "Notes/Agenda.md"


@pytest.mark.parametrize(
    ("relpath", "reason"),
    [
        ("../Agenda.md", "outside the vault"),
        ("Notes/../../Agenda.md", "outside the vault"),
        ("/tmp/Agenda.md", "relative to the vault"),
        ("Agenda.txt", 'ending in ".md"'),
        ("Agenda", 'ending in ".md"'),
        (".obsidian/Agenda.md", "hidden folder"),
        (".git/Agenda.md", "hidden folder"),
    ],
)
def test_agenda_file_refusals(root: Path, relpath: str, reason: str) -> None:
    with pytest.raises(RefusalError, match=reason):
        agenda_file(root, relpath)
    with pytest.raises(RefusalError):
        write_agenda(root, relpath, BLOCK)
    assert list(root.parent.glob("*.md")) == []
    assert list(root.iterdir()) == []


def test_agenda_path_that_is_a_folder_is_refused(root: Path) -> None:
    (root / "Agenda.md").mkdir()
    with pytest.raises(RefusalError, match="is a folder"):
        write_agenda(root, "Agenda.md", BLOCK)


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_symlink_out_of_the_vault_is_refused(root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.md"
    outside.write_text(f"{BEGIN}\n{END}\n", encoding="utf-8")
    (root / "Agenda.md").symlink_to(outside)
    with pytest.raises(RefusalError, match="outside the vault"):
        write_agenda(root, "Agenda.md", BLOCK)
    assert outside.read_text(encoding="utf-8") == f"{BEGIN}\n{END}\n"
    (root / "Notes").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(RefusalError, match="outside the vault"):
        agenda_file(root, "Notes/elsewhere.md")


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_symlink_inside_the_vault_is_followed_and_kept(root: Path) -> None:
    (root / "Real").mkdir()
    real = root / "Real/Agenda.md"
    real.write_text(f"{BEGIN}\n{END}\n", encoding="utf-8")
    (root / "Agenda.md").symlink_to(real)
    assert write_agenda(root, "Agenda.md", BLOCK) is True
    assert (root / "Agenda.md").is_symlink()
    assert real.read_text(encoding="utf-8") == f"{BEGIN}\n{BLOCK}{END}\n"


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_symlink_to_a_non_note_is_refused(root: Path) -> None:
    (root / "notes.txt").write_text("mine", encoding="utf-8")
    (root / "Agenda.md").symlink_to(root / "notes.txt")
    with pytest.raises(RefusalError, match="not a note"):
        write_agenda(root, "Agenda.md", BLOCK)
    assert (root / "notes.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_symlink_loop_is_refused(root: Path) -> None:
    (root / "Agenda.md").symlink_to(root / "Loop.md")
    (root / "Loop.md").symlink_to(root / "Agenda.md")
    with pytest.raises(RefusalError):
        write_agenda(root, "Agenda.md", BLOCK)


@pytest.mark.parametrize("existing", [None, "# Mine\n<!-- jobjournal:begin -->\r\nold\r\n<!-- jobjournal:end -->\r\n"])
def test_generated_part_is_what_merge_agenda_put_between_the_markers(existing: str | None) -> None:
    merged = merge_agenda(existing, "- one\n- two\n")
    newline = "\r\n" if existing and "\r\n" in existing else "\n"
    assert generated_part(merged) == f"- one{newline}- two{newline}"
    assert generated_part("# no markers here\n") == ""


# --- finding the marker lines quickly -----------------------------------------------------------

_PIECES = st.sampled_from([
    agenda_note.BEGIN, agenda_note.END, " ", "\t", "x", "- item", "<!-- jobjournal:", "\n",
    "\r\n", "\r", "\n\n",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join), st.data())
def test_marker_lines_are_found_as_the_pattern_finds_them(text: str, data: st.DataObject) -> None:
    # from the start, anywhere, or just before a marker (inside its line's leading spaces)
    markers = [n for n in range(len(text)) if text.startswith("<!--", n)]
    start = data.draw(st.one_of(
        st.just(0), st.integers(0, len(text)),
        st.sampled_from(markers or [0]).flatmap(lambda n: st.integers(max(0, n - 2), n)),
    ))
    for pattern, marker in ((agenda_note._BEGIN_LINE, agenda_note.BEGIN),
                            (agenda_note._END_LINE, agenda_note.END)):
        quick = agenda_note._marker_lines(pattern, marker, text, start)
        assert [m.span() for m in quick] == [m.span() for m in pattern.finditer(text, start)]
        assert [m.groups() for m in quick] == [m.groups() for m in pattern.finditer(text, start)]


# --- the agenda note as a watcher writes it again and again ----------------------------------

TICKABLE = "- [ ] [[Acme]]: call back ^jj-0123456789\n"


def test_a_writer_does_not_read_the_note_it_wrote_and_nobody_touched(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = agenda_note.AgendaWriter(root, "Agenda.md")
    assert writer.write(TICKABLE, None) and writer.untouched()
    path = root / "Agenda.md"
    old = path.stat().st_mtime_ns - 5_000_000_000  # as if written five seconds ago
    os.utime(path, ns=(old, old))
    writer._known = agenda_note.Written(path.read_text("utf-8"), agenda_note.signature(path))
    assert writer.untouched()  # one look at the text, long after its modification…
    reads: list[Path] = []
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self) or b"")
    assert writer.untouched()  # …and then its signature is enough
    assert writer.write(TICKABLE.replace("call back", "follow up"), TICKABLE) and reads == []


def test_a_tick_made_in_the_same_tick_of_the_clock_is_never_written_over(root: Path) -> None:
    """A tick keeps the note's size, and one made just after the write may keep its
    modification time: the text is compared, the tick seen, and the note not written over."""
    writer = agenda_note.AgendaWriter(root, "Agenda.md")
    writer.write(TICKABLE, None)
    path = root / "Agenda.md"
    before = path.stat()
    with open(path, "r+b") as note:  # the editor saves in place, as Obsidian does
        data = note.read().replace(b"- [ ] [[Acme]]", b"- [x] [[Acme]]")
        note.seek(0)
        note.write(data)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the same clock tick
    assert agenda_note.signature(path) == (before.st_ino, before.st_size, before.st_mtime_ns)
    assert not writer.untouched()
    with pytest.raises(agenda_note.MarkedMeanwhile):
        writer.write(TICKABLE.replace("call back", "follow up"), TICKABLE)
    assert "- [x] [[Acme]]" in path.read_text("utf-8")


def test_a_look_within_the_clock_tick_leaves_the_note_racy(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same text seen too soon after the write proves nothing about a change still to come
    within that tick: it is compared again the next time."""
    writer = agenda_note.AgendaWriter(root, "Agenda.md")
    writer.write(TICKABLE, None)
    path = root / "Agenda.md"
    before = path.stat()
    monkeypatch.setattr(agenda_note.time, "time_ns", lambda: before.st_mtime_ns + 1_000_000)
    assert writer.untouched()  # 1 ms after the write: the same text
    path.write_bytes(path.read_bytes().replace(b"- [ ] [[Acme]]", b"- [x] [[Acme]]"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # within that tick
    assert not writer.untouched()


@pytest.mark.parametrize("note", [
    None,
    f"# Mine\n\n{BEGIN}\nold\n{END}\n\nbelow\n",
    f"\ufeff---\ntype: agenda\n---\r\nabove\r\n{BEGIN}\r\nold\r\n{END}\r\nbelow",
    f"{BEGIN}\nold\n{END}",
])
def test_a_writer_writes_what_write_agenda_writes(root: Path, note: str | None) -> None:
    """Write after write, from what it remembers, the same bytes as `write_agenda` (the text
    around the generated part kept byte for byte, CRLF and BOM included)."""
    path = root / "Agenda.md"
    if note is not None:
        path.write_bytes(note.encode("utf-8"))
    writer = agenda_note.AgendaWriter(root, "Agenda.md")
    blocks = ["- one\n", "- two\n- three", "- two\n- three\n", "- ünïcödé — four\n", "- one\n"]
    for block in blocks:
        before = path.read_bytes() if path.exists() else None
        expected = agenda_note.merge_agenda(
            before.decode("utf-8") if before is not None else None, block).encode("utf-8")
        written = writer.write(block, None, data=block.encode("utf-8"))
        assert path.read_bytes() == expected
        assert written == (expected != before)
        assert writer.untouched()
