"""VaultState: parsed notes held by path and stat stamp; only changed files are read again."""

from __future__ import annotations

import os
import threading

import pytest

from jobjournal.config import Config, parse_config
from jobjournal.vault import reader as vault_module
from jobjournal.vault.reader import VaultState, load_note, load_vault

from .conftest import VaultDir

ACME = "---\ntype: interview\ncompany: Acme\ndate: 2026-11-10\n---\n"


def test_refresh_reuses_unchanged_notes_and_rereads_changed_ones(vault: VaultDir) -> None:
    vault.write("Interviews/Acme.md", ACME)
    vault.write("Interviews/Globex.md", ACME.replace("Acme", "Globex"))
    state = VaultState(vault.root, Config())
    first = {n.path: n for n in state.refresh().notes}
    path = vault.write("Interviews/Globex.md", ACME.replace("Acme", "Globex Corp"))
    os.utime(path, ns=(1, 1))  # a different stamp, whatever the clock's resolution
    second = {n.path: n for n in state.refresh().notes}
    assert second["Interviews/Acme.md"] is first["Interviews/Acme.md"]
    assert second["Interviews/Globex.md"].company == "Globex Corp"


def test_refresh_forgets_deleted_notes(vault: VaultDir) -> None:
    vault.write("Interviews/Acme.md", ACME)
    state = VaultState(vault.root, Config())
    assert len(state.refresh().notes) == 1
    (vault.root / "Interviews/Acme.md").unlink()
    assert state.refresh().notes == ()


def test_update_reads_only_the_given_paths(vault: VaultDir) -> None:
    vault.write("Interviews/Acme.md", ACME)
    state = VaultState(vault.root, Config())
    state.refresh()
    vault.write("Interviews/Globex.md", ACME.replace("Acme", "Globex"))
    vault.write("Interviews/Initech.md", ACME.replace("Acme", "Initech"))
    got = state.update(["Interviews/Globex.md"])
    assert [n.path for n in got.notes] == ["Interviews/Acme.md", "Interviews/Globex.md"]
    (vault.root / "Interviews/Acme.md").unlink()
    assert [n.path for n in state.update(["Interviews/Acme.md"]).notes] == ["Interviews/Globex.md"]


def test_update_applies_the_scan_skip_list(vault: VaultDir) -> None:
    config = parse_config({"vault": {"ignore": ["Archive/"]}})
    state = VaultState(vault.root, config)
    state.refresh()
    for path in [
        "Templates/interview.md",
        ".trash/Old.md",
        "Archive/Old.md",
        "Agenda.md",
        "Interviews/notes.txt",
    ]:
        vault.write(path, ACME)
    got = state.update(
        [
            "Templates/interview.md",
            ".trash/Old.md",
            "Archive/Old.md",
            "Agenda.md",
            "Interviews/notes.txt",
        ]
    )
    assert got.notes == ()


def test_update_matches_a_full_load(vault: VaultDir) -> None:
    state = VaultState(vault.root, Config())
    state.refresh()
    vault.write("Interviews/Acme.md", ACME)
    vault.write("Interviews/Acme (conflicted copy 2026-11-20).md", ACME)
    vault.write("Contacts/jane.md", "---\ntype: contact\n---\n")
    vault.write("Contacts/Jane.md", "---\ntype: contact\n---\n")
    changed = [
        "Interviews/Acme.md",
        "Interviews/Acme (conflicted copy 2026-11-20).md",
        "Contacts/jane.md",
        "Contacts/Jane.md",
    ]
    assert state.update(changed) == load_vault(vault.root, Config())


def test_a_first_refresh_takes_each_stamp_from_the_file_it_read(vault: VaultDir) -> None:
    vault.write("Interviews/Acme.md", ACME)
    vault.write("Notes/Plain.md", "Just a note.\n")
    state = VaultState(vault.root, Config())
    state.refresh()
    for path, held in state.files.items():
        st = os.stat(vault.root / path)
        assert held.stamp == (st.st_mtime_ns, st.st_size, st.st_ino)
    # and the next refresh, which stats, finds nothing changed: nothing is read again
    before = dict(state.files)
    state.refresh()
    assert all(state.files[path] is before[path] for path in before)


def test_a_note_gone_between_the_scan_and_its_read_is_left_out_quietly(vault: VaultDir) -> None:
    vault.write("Interviews/Acme.md", ACME)
    state = VaultState(vault.root, Config())
    result = state.refresh(paths=["Interviews/Acme.md", "Interviews/Gone.md"])
    assert list(state.files) == ["Interviews/Acme.md"]
    assert [note.path for note in result.notes] == ["Interviews/Acme.md"]
    assert result.problems == ()


def test_a_first_refresh_hands_the_scanned_paths_to_meanwhile(vault: VaultDir) -> None:
    vault.write("Interviews/Acme.md", ACME)
    vault.write("Notes/Plain.md", "Just a note.\n")
    seen: list[list[str]] = []
    state = VaultState(vault.root, Config())
    result = state.refresh(meanwhile=seen.append)
    assert seen == [["Interviews/Acme.md", "Notes/Plain.md"]]
    assert result.paths == ("Interviews/Acme.md", "Notes/Plain.md")


def test_a_note_is_read_whole_however_the_system_hands_it_over(
    vault: VaultDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = ACME + "## Log\n" + "".join(f"- 2026-11-{d:02} Called\n" for d in range(1, 29))
    path = vault.write("Interviews/Acme.md", text)
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: real_read(fd, min(n, 7)))  # short reads
    note, problems = load_note(vault.root, "Interviews/Acme.md")
    assert problems == [] and note is not None and len(note.log) == 28
    monkeypatch.undo()
    # a file that grew since it was statted is read to its end
    fd = os.open(path, os.O_RDONLY)
    try:
        assert vault_module._read_to_end(fd, 10) == text.encode()
    finally:
        os.close(fd)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_a_pipe_where_a_note_was_is_a_problem_not_a_hang(vault: VaultDir) -> None:
    vault.write("Interviews/Acme.md", ACME)
    os.mkfifo(vault.root / "Interviews" / "Pipe.md")
    state = VaultState(vault.root, Config())
    done: list[object] = []
    paths = ["Interviews/Acme.md", "Interviews/Pipe.md"]
    reader = threading.Thread(target=lambda: done.append(state.refresh(paths=paths)), daemon=True)
    reader.start()
    reader.join(10)
    assert not reader.is_alive(), "reading a pipe blocked"
    (result,) = done
    assert [n.path for n in result.notes] == ["Interviews/Acme.md"]
    assert [(p.path, p.message) for p in result.problems] == [
        ("Interviews/Pipe.md", "cannot read it (not a regular file)")]


def test_notes_opened_from_the_vault_folder_read_as_by_their_whole_paths(
    vault: VaultDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Notes are opened relative to the vault's folder where the system allows it; by their
    whole paths elsewhere: the same files either way, a note reached by a link, one gone
    since the scan and a folder nested deep included."""
    vault.write("Interviews/Acme.md", ACME)
    vault.write("Deep/er/still/Globex.md", ACME.replace("Acme", "Globex"))
    vault.write("Elsewhere/Real.md", ACME.replace("Acme", "Initech"))
    os.symlink(vault.root / "Elsewhere/Real.md", vault.root / "Interviews/Link.md")
    paths = [*VaultState(vault.root, Config()).scan(), "Interviews/Gone.md"]
    items = [(path, None) for path in paths]
    opened: list[int | None] = []
    real_load = vault_module._load

    def load(*args: object) -> object:
        opened.append(args[4] if len(args) > 4 else None)  # type: ignore[arg-type]
        return real_load(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(vault_module, "_load", load)
    relative = vault_module._read_chunk(str(vault.root), items, False)
    assert all(fd is not None for fd in opened)  # this system allows it
    opened.clear()
    monkeypatch.setattr(os, "supports_dir_fd", set())
    whole = vault_module._read_chunk(str(vault.root), items, False)
    assert opened and all(fd is None for fd in opened)
    assert relative == whole
    assert sorted(relative) == sorted(set(paths) - {"Interviews/Gone.md"})
    assert {state.note.company for state in relative.values() if state.note} == {
        "Acme", "Globex", "Initech"}


def test_notes_handed_over_as_they_arrive_are_those_the_vault_keeps(
    vault: VaultDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While several processes read, each chunk's notes are handed over as they arrive: every
    note the vault keeps, once, and never a sync tool's conflict copy, which it leaves out."""
    from jobjournal.vault import parallel

    if not parallel.can_fork():
        pytest.skip("forked reading needs Linux and a single thread")
    monkeypatch.setattr(vault_module, "PARALLEL_MIN_FILES", 10)
    monkeypatch.setenv("JOBJOURNAL_WORKERS", "2")
    for n in range(40):
        vault.write(f"Interviews/Acme {n}.md", ACME)
    vault.write("Interviews/Acme 3 (conflicted copy 2026-11-20).md", ACME)
    heard: list[str] = []
    state = VaultState(vault.root, Config())
    loaded = state.refresh(arrived=lambda notes: heard.extend(note.path for note in notes))
    assert sorted(heard) == sorted(note.path for note in loaded.notes)
    assert len(heard) == 40
    assert any("conflict copy" in problem.message for problem in loaded.problems)
