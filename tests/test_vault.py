"""reader.py and scan.py: finding the vault, scanning it (its skip list), loading it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jobjournal.config import Config, parse_config
from jobjournal.core.model import NoteType, Severity
from jobjournal.errors import VaultError
from jobjournal.vault.reader import find_vault, load_note, load_vault
from jobjournal.vault.scan import scan

from .conftest import VaultDir

INTERVIEW = "---\ntype: interview\ndate: 2026-11-20\n---\n"
CONTACT = "---\ntype: contact\n---\n"
ORDINARY = "# Just a note\n"


def paths(vault: VaultDir, config: Config | None = None) -> list[str]:
    return scan(vault.root, config or Config())


# --- find_vault ----------------------------------------------------------------------------------


def test_explicit_folder_wins(tmp_path: Path, vault: VaultDir) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / ".jobjournal.toml").write_text("")
    assert find_vault(str(other), str(vault.root), vault.root) == other.resolve()


@pytest.mark.parametrize("how", ["--vault", "$JOBJOURNAL_VAULT"])
def test_a_folder_given_without_config_is_refused(tmp_path: Path, how: str) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    given = (str(plain), None) if how == "--vault" else (None, str(plain))
    with pytest.raises(VaultError) as raised:
        find_vault(*given, tmp_path)
    assert raised.value.message == (
        f"{how} {plain}: not a vault (it has no .jobjournal.toml): give the vault's folder, or "
        "make a new vault with `jobjournal init PATH`")


def test_explicit_path_that_is_missing_or_a_file(tmp_path: Path) -> None:
    with pytest.raises(VaultError, match="--vault .*nowhere: no such folder"):
        find_vault(str(tmp_path / "nowhere"), None, tmp_path)
    (tmp_path / "file.md").write_text("x")
    with pytest.raises(VaultError, match="file.md: not a folder"):
        find_vault(str(tmp_path / "file.md"), None, tmp_path)


def test_environment_variable_is_used_without_flag(tmp_path: Path) -> None:
    (tmp_path / "v").mkdir()
    (tmp_path / "v" / ".jobjournal.toml").write_text("")
    assert find_vault(None, str(tmp_path / "v"), tmp_path) == (tmp_path / "v").resolve()
    with pytest.raises(VaultError, match=r"\$JOBJOURNAL_VAULT .*gone: no such folder"):
        find_vault(None, str(tmp_path / "gone"), tmp_path)


def test_walks_up_to_the_folder_holding_the_config(vault: VaultDir) -> None:
    root = vault.root
    deep = root / "Interviews" / "2026"
    deep.mkdir(parents=True)
    assert find_vault(None, None, deep) == root.resolve()
    assert find_vault(None, "", root) == root.resolve()  # an empty variable counts as unset


def test_no_vault_found(tmp_path: Path) -> None:
    with pytest.raises(VaultError) as raised:
        find_vault(None, None, tmp_path)
    assert raised.value.message == "no vault here: run `jobjournal init PATH`, or pass --vault PATH"
    assert raised.value.exit_code == 2


# --- scan: what is skipped -----------------------------------------------------------------------


def test_scan_returns_sorted_posix_paths(vault: VaultDir) -> None:
    for path in ["b.md", "A/z.md", "A/B/c.md", "a b.md"]:
        vault.write(path, ORDINARY)
    assert paths(vault) == ["A/B/c.md", "A/z.md", "a b.md", "b.md"]


def test_dot_folders_and_dot_files_are_skipped_at_any_depth(vault: VaultDir) -> None:
    for path in [
        ".obsidian/x.md", ".trash/Old.md", ".git/x.md", ".stversions/Jane~1.md",
        "Contacts/.hidden.md", "Contacts/.#Jane.md", "Contacts/.sub/x.md", "Contacts/Jane.md",
    ]:
        vault.write(path, CONTACT)
    assert paths(vault) == ["Contacts/Jane.md"]


def test_templates_folder_and_agenda_note_are_skipped(vault: VaultDir) -> None:
    for path in ["Templates/interview.md", "Agenda.md", "Sub/Templates/x.md", "Sub/Agenda.md"]:
        vault.write(path, INTERVIEW)
    assert paths(vault) == ["Sub/Agenda.md", "Sub/Templates/x.md"]
    config = parse_config(
        {"vault": {"templates": "Sub/Templates"}, "agenda": {"path": "Sub/Agenda.md"}}
    )
    assert paths(vault, config) == ["Agenda.md", "Templates/interview.md"]


def test_ignore_patterns_use_gitignore_syntax(vault: VaultDir) -> None:
    for path in [
        "Archive/Old.md", "Notes/Archive/Old.md", "Ideas/a.draft.md", "Ideas/keep.draft.md",
        "Top.md", "Sub/Top.md", "Ideas/b.md",
    ]:
        vault.write(path, ORDINARY)
    patterns = ["Archive/", "*.draft.md", "!keep.draft.md", "/Top.md"]
    config = parse_config({"vault": {"ignore": patterns}})
    assert paths(vault, config) == ["Ideas/b.md", "Ideas/keep.draft.md", "Sub/Top.md"]


def test_only_markdown_files_are_read(vault: VaultDir) -> None:
    for path in [
        "a.txt", "b.markdown", "c.md.swp", "c.md~", "4913", "d.tmp", "~$e.md", "f.MD", "g.md",
        "Notes.md/inner.md",
    ]:
        vault.write(path, ORDINARY)
    os.mkfifo(vault.root / "pipe.md")  # reading it would hang
    # a folder named `x.md` is not a note, but the notes in it are
    assert paths(vault) == ["Notes.md/inner.md", "g.md"]


def test_symlinks_out_of_the_vault_are_skipped(tmp_path: Path, vault: VaultDir) -> None:
    root = vault.root
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(CONTACT)
    (root / "Linked").symlink_to(outside, target_is_directory=True)
    (root / "secret.md").symlink_to(outside / "secret.md")
    vault.write("Contacts/Jane.md", CONTACT)
    assert paths(vault) == ["Contacts/Jane.md"]


def test_symlink_loops_and_dangling_links_are_skipped(vault: VaultDir) -> None:
    root = vault.root
    vault.write("Contacts/Jane.md", CONTACT)
    (root / "Contacts" / "up").symlink_to(root, target_is_directory=True)
    (root / "Contacts" / "self").symlink_to(root / "Contacts", target_is_directory=True)
    (root / "loop.md").symlink_to(root / "loop.md")
    (root / "a.md").symlink_to(root / "b.md")
    (root / "b.md").symlink_to(root / "a.md")
    (root / "dangling.md").symlink_to(root / "missing.md")
    assert paths(vault) == ["Contacts/Jane.md"]


def test_a_file_reached_twice_is_read_once(vault: VaultDir) -> None:
    root = vault.root
    vault.write("Contacts/Jane.md", CONTACT)
    (root / "All").symlink_to(root / "Contacts", target_is_directory=True)  # walked first
    (root / "Jane link.md").symlink_to(root / "Contacts" / "Jane.md")
    (root / "Other.md").symlink_to(root / "Contacts" / "Jane.md")
    # the first path in the walk's sorted order wins
    assert paths(vault) == ["All/Jane.md"]


def test_a_symlink_inside_the_vault_is_followed(vault: VaultDir) -> None:
    root = vault.root
    vault.write("Archive/2025/Old.md", CONTACT)
    (root / "Old link.md").symlink_to(root / "Archive" / "2025" / "Old.md")
    assert paths(vault) == ["Archive/2025/Old.md"]
    config = parse_config({"vault": {"ignore": ["Archive/"]}})
    assert paths(vault, config) == ["Old link.md"]


def test_vault_reached_through_a_symlink(tmp_path: Path, vault: VaultDir) -> None:
    vault.write("Contacts/Jane.md", CONTACT)
    alias = tmp_path / "alias"
    alias.symlink_to(vault.root, target_is_directory=True)
    assert scan(alias, Config()) == ["Contacts/Jane.md"]


# --- load_vault ----------------------------------------------------------------------------------


def test_load_vault_end_to_end(vault: VaultDir) -> None:
    vault.config('[vault]\ntasks_from = "all"\n[agenda]\npath = "Home/Agenda.md"\n')
    vault.write("Interviews/Acme.md", INTERVIEW + "## Log\n- 2026-11-21 Called [[Jane]]\n")
    vault.write("Contacts/Jane.md", CONTACT)
    vault.write("Contacts/Broken.md", "---\ntype: contact\nstay_in_touch: often\n---\n")
    vault.write("Applications/Bad.md", "---\ntype: application\ncompany: [x\n---\n")
    vault.write("Chores.md", "- [ ] renew passport 📅 2026-12-01\n")
    vault.write("Diary.md", ORDINARY)
    vault.write("Home/Agenda.md", "---\ntype: agenda\ngenerated_by: jobjournal\n---\n")
    loaded = load_vault(vault.root)
    assert loaded.config.vault.tasks_from == "all"
    assert loaded.paths == (
        "Applications/Bad.md", "Chores.md", "Contacts/Broken.md", "Contacts/Jane.md", "Diary.md",
        "Interviews/Acme.md",
    )
    assert [(n.path, n.type) for n in loaded.notes] == [
        ("Chores.md", None),
        ("Contacts/Broken.md", NoteType.CONTACT),
        ("Contacts/Jane.md", NoteType.CONTACT),
        ("Interviews/Acme.md", NoteType.INTERVIEW),
    ]
    assert loaded.notes[3].log[0].links[0].target == "Jane"
    assert [(p.path, p.line, p.severity) for p in loaded.problems] == [
        ("Applications/Bad.md", 3, Severity.ERROR),  # where the `[` opens
        ("Contacts/Broken.md", 3, Severity.ERROR),
    ]


def test_problems_are_sorted_by_path_then_line(vault: VaultDir) -> None:
    vault.write("B.md", "---\ntype: interview\ndate: x\ncandidates: y\n---\n")
    vault.write("A.md", "---\ntype: referral\ndate: 2026-02-30\nthanked: 2026-13-01\n---\n")
    loaded = load_vault(vault.root, Config())
    assert [(p.path, p.line) for p in loaded.problems] == [
        ("A.md", 3), ("A.md", 4), ("B.md", 3), ("B.md", 4)
    ]


@pytest.mark.parametrize(
    "name",
    [
        "Jane.sync-conflict-20261120-123456-ABCDEFG.md",
        "Jane (conflicted copy 2026-11-20).md",
        "Jane (Jane's conflicted copy 2026-11-20).md",
        "Jane (Jane Doe’s MacBook’s conflicted copy 2026-11-20 (1)).md",
        "Jane (conflict 2026-11-20).md",
        "Jane (conflict 2026-11-20 123456).md",
        "Jane_conflict-20261120-123456.md",
    ],
)
def test_conflict_copy_of_a_jobjournal_note_is_dropped(vault: VaultDir, name: str) -> None:
    vault.write("Contacts/Jane.md", CONTACT)
    vault.write(f"Contacts/{name}", CONTACT)
    loaded = load_vault(vault.root, Config())
    assert [n.path for n in loaded.notes] == ["Contacts/Jane.md"]
    [problem] = loaded.problems
    assert (problem.path, problem.severity) == (f"Contacts/{name}", Severity.ERROR)
    assert "conflict copy of Contacts/Jane.md" in problem.message


def test_conflict_copy_of_a_broken_jobjournal_note_is_an_error(vault: VaultDir) -> None:
    vault.write("Jane.sync-conflict-20261120-123456-ABCDEFG.md", "---\ntype: contact\nx: [\n---\n")
    [problem] = load_vault(vault.root, Config()).problems
    assert problem.severity is Severity.ERROR and "conflict copy" in problem.message


def test_conflict_copy_of_an_ordinary_note_is_a_warning(vault: VaultDir) -> None:
    vault.write("Diary (conflicted copy 2026-11-20).md", "- [ ] x 📅 2026-11-28\n")
    loaded = load_vault(vault.root, parse_config({"vault": {"tasks_from": "all"}}))
    assert loaded.notes == ()  # its tasks would be the original's, twice
    assert [p.severity for p in loaded.problems] == [Severity.WARNING]


@pytest.mark.parametrize("name", ["Conflict resolution (conflict styles).md", "Sync conflicts.md"])
def test_titles_mentioning_conflicts_are_not_conflict_copies(vault: VaultDir, name: str) -> None:
    vault.write(name, CONTACT)
    loaded = load_vault(vault.root, Config())
    assert loaded.problems == () and len(loaded.notes) == 1


def test_names_differing_only_by_case_are_warned_about(vault: VaultDir) -> None:
    root = vault.root
    vault.write("Contacts/Jane.md", CONTACT)
    if (root / "Contacts" / "JANE.md").exists():
        pytest.skip("case-insensitive file system")
    vault.write("Contacts/jane.md", CONTACT)
    loaded = load_vault(root, Config())
    assert len(loaded.notes) == 2
    assert [(p.path, p.severity, p.message) for p in loaded.problems] == [
        ("Contacts/Jane.md", Severity.WARNING,
         "collides with Contacts/jane.md on macOS and Windows (the names differ only by case)"),
        ("Contacts/jane.md", Severity.WARNING,
         "collides with Contacts/Jane.md on macOS and Windows (the names differ only by case)"),
    ]


def test_names_differing_only_in_unicode_normalisation_are_warned_about(vault: VaultDir) -> None:
    """Composed and decomposed accents ("Café" in NFC and NFD) name one file on macOS."""
    composed, decomposed = "Contacts/Caf\u00e9.md", "Contacts/Cafe\u0301.md"
    vault.write(composed, CONTACT)
    vault.write(decomposed, CONTACT)
    if len(os.listdir(vault.root / "Contacts")) == 1:
        pytest.skip("a file system that normalises names")
    vault.write("Contacts/CAF\u00c9.md", CONTACT)  # and by case as well
    loaded = load_vault(vault.root, Config())
    assert len(loaded.notes) == 3
    assert sorted((p.path, p.message) for p in loaded.problems) == sorted([
        ("Contacts/CAF\u00c9.md",
         f"collides with {decomposed}, {composed} on macOS (the names differ only by case and "
         "in how their accented letters are encoded, their Unicode normalisation)"),
        (composed,
         f"collides with Contacts/CAF\u00c9.md, {decomposed} on macOS (the names differ only by "
         "case and in how their accented letters are encoded, their Unicode normalisation)"),
        (decomposed,
         f"collides with Contacts/CAF\u00c9.md, {composed} on macOS (the names differ only by "
         "case and in how their accented letters are encoded, their Unicode normalisation)"),
    ])
    (vault.root / "Contacts/CAF\u00c9.md").unlink()
    loaded = load_vault(vault.root, Config())
    assert sorted((p.path, p.severity, p.message) for p in loaded.problems) == sorted([
        (composed, Severity.WARNING, f"collides with {decomposed} on macOS (the names differ "
         "only in how their accented letters are encoded, their Unicode normalisation)"),
        (decomposed, Severity.WARNING, f"collides with {composed} on macOS (the names differ "
         "only in how their accented letters are encoded, their Unicode normalisation)"),
    ])


def test_files_over_4_mib_are_not_read(vault: VaultDir) -> None:
    padding = "x" * (4 * 2**20)
    vault.write("Interviews/Huge.md", INTERVIEW + padding)
    vault.write("Huge export.md", "# Export\n" + padding)
    vault.write("Interviews/Fine.md", INTERVIEW)
    loaded = load_vault(vault.root, Config())
    assert [n.path for n in loaded.notes] == ["Interviews/Fine.md"]
    assert [(p.path, p.severity) for p in loaded.problems] == [
        ("Huge export.md", Severity.WARNING),
        ("Interviews/Huge.md", Severity.ERROR),
    ]
    assert "4.0 MiB, over the 4 MiB limit" in loaded.problems[1].message
    assert "Huge export.md" in loaded.paths


def test_an_unreadable_file_is_a_problem_not_a_crash(vault: VaultDir) -> None:
    root = vault.root
    (root / "Gone.md").mkdir()  # read as a file, a folder fails with an OSError
    note, problems = load_note(root, "Gone.md")
    assert note is None
    assert [(p.path, p.line, p.severity) for p in problems] == [("Gone.md", 1, Severity.WARNING)]
    assert "cannot read it" in problems[0].message
    assert load_note(root, "Missing.md")[1][0].message.startswith("cannot read it")


def test_load_vault_reads_the_config_when_none_is_given(vault: VaultDir) -> None:
    vault.config('[vault]\ntemplates = "Meta"\n')
    vault.write("Meta/interview.md", "---\ntype: interview\n---\n")
    loaded = load_vault(vault.root)
    assert loaded.notes == () and loaded.problems == () and loaded.paths == ()


@pytest.mark.parametrize("processes", [1, 2])
def test_a_note_changed_within_its_clock_tick_is_read_again_by_a_rescan(
    vault: VaultDir, monkeypatch: pytest.MonkeyPatch, processes: int
) -> None:
    """A note modified as recently as the file system's clock can tell is not trusted by its
    stamp: a second save in the same tick, of the same size, keeps the stamp (git calls such
    files "racily clean"). So whichever process read it first."""
    from jobjournal.vault import parallel
    from jobjournal.vault import reader as vault_module
    from jobjournal.vault.reader import VaultState

    if processes > 1:
        if not parallel.can_fork():
            pytest.skip("forked reading needs Linux and a single thread")
        monkeypatch.setattr(vault_module, "PARALLEL_MIN_FILES", 10)
        for n in range(30):  # in the chunks before Jane's and after
            vault.write(f"Contacts/Bob {n}.md", CONTACT)
            vault.write(f"Contacts/Kim {n}.md", CONTACT)
    monkeypatch.setenv("JOBJOURNAL_WORKERS", str(processes))
    path = vault.write("Contacts/Jane.md", CONTACT)
    state = VaultState(vault.root, Config())
    first = state.refresh()
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    changed = text.replace("type: contact", "type: meeting")
    assert len(changed) == len(text)
    with open(path, "r+", encoding="utf-8") as file:
        file.write(changed)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    jane = "Contacts/Jane.md"
    assert [note.type for note in first.notes if note.path == jane] == [NoteType.CONTACT]
    again = state.refresh()
    assert [note.type for note in again.notes if note.path == jane] == [NoteType.MEETING]
    assert len(again.notes) == 1 + 60 * (processes > 1)
