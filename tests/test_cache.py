"""The parse cache (docs/design.md, "The parse cache"): used when it can be trusted, thrown
away when it can't, never in the vault, and never changing what a command prints."""

from __future__ import annotations

import importlib
import os
import pickle
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from jobjournal.cli.main import cli
from jobjournal.core import parse
from jobjournal.vault import cache
from jobjournal.vault import reader as vault

from .conftest import TODAY, VaultDir

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
generate = importlib.import_module("generate").generate  # benchmarks/generate.py

ACME = "---\ntype: interview\ncompany: Acme\ndate: 2026-11-10\n---\n## Log\n- 2026-11-12 Called\n"
DANA = "---\ntype: contact\nstay_in_touch: 30\n---\n## Log\n- 2026-10-01 Coffee\n"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("JOBJOURNAL_CACHE_DIR", str(folder))
    monkeypatch.setattr(cache, "MIN_FILES", 0)  # small vaults get a cache too, here
    return folder


class Reads:
    """Counts the notes parsed (a cache hit parses none)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[str] = []
        original = parse.parse_note

        def counting(path: str, data: bytes, **kwargs: Any) -> Any:
            self.paths.append(path)
            return original(path, data, **kwargs)

        monkeypatch.setattr(parse, "parse_note", counting)

    def take(self) -> list[str]:
        paths, self.paths = sorted(self.paths), []
        return paths


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Reads:
    return Reads(monkeypatch)


def age(root: Path, seconds: float = 3600, *only: str) -> None:
    """Date notes back (all, or `only` these): a note saved the instant before a run is read
    again next time."""
    when = time.time() - seconds
    for path in [root / name for name in only] or root.rglob("*.md"):
        os.utime(path, (when, when))


def run(root: Path, *args: str, today: str = TODAY.isoformat()) -> Result:
    result = CliRunner().invoke(cli, [*args, "--today", today, "--vault", str(root)])
    assert result.exit_code in (0, 1), result.output
    return result


def agenda_json(root: Path, *args: str, today: str = TODAY.isoformat()) -> str:
    return run(root, "agenda", "--json", *args, today=today).stdout


def small_vault(vault: VaultDir) -> Path:
    vault.write("Interviews/Acme.md", ACME)
    vault.write("Contacts/Dana.md", DANA)
    vault.write("Notes/Ordinary.md", "Just a note.\n")
    age(vault.root)
    return vault.root


# --- hits --------------------------------------------------------------------------------------


def test_a_second_run_reads_no_note(vault: VaultDir, cache_dir: Path, reads: Reads) -> None:
    root = small_vault(vault)
    first = agenda_json(root)
    assert reads.take() == ["Contacts/Dana.md", "Interviews/Acme.md", "Notes/Ordinary.md"]
    assert agenda_json(root) == first
    assert reads.take() == []
    assert sorted(p.name.split(".", 1)[1] for p in cache_dir.iterdir()) == [
        "notes.pickle", "outputs.pickle"]


def test_a_first_run_stats_no_note_and_the_next_one_finds_them_unchanged(
    vault: VaultDir, cache_dir: Path, reads: Reads, monkeypatch: pytest.MonkeyPatch
) -> None:
    # with no cache yet, each note's stamp is taken as it is read: no stat pass over the vault
    root = small_vault(vault)

    from jobjournal.vault.reader import VaultState

    def no_stat(self: VaultState) -> None:
        raise AssertionError("a first run stats the vault")

    with monkeypatch.context() as patch:
        patch.setattr(VaultState, "stat", no_stat)
        first = agenda_json(root)
    assert reads.take() == ["Contacts/Dana.md", "Interviews/Acme.md", "Notes/Ordinary.md"]
    assert agenda_json(root) == first
    assert reads.take() == []


def test_export_reads_only_what_the_cache_does_not_hold(
    vault: VaultDir, cache_dir: Path, reads: Reads
) -> None:
    root = small_vault(vault)
    agenda_json(root)
    reads.take()
    first = run(root, "export", "csv").stdout
    assert reads.take() == []
    vault.write("Contacts/Dana.md", DANA.replace("30", "45"))
    age(root, 3600, "Contacts/Dana.md")
    second = run(root, "export", "csv").stdout
    assert reads.take() == ["Contacts/Dana.md"]
    assert "45 days" in second and second != first
    assert run(root, "export", "csv", "--no-cache").stdout == second
    assert reads.take() == ["Contacts/Dana.md", "Interviews/Acme.md", "Notes/Ordinary.md"]


def test_stamps_agree_however_they_are_taken_where_inodes_are_left_out(
    vault: VaultDir, cache_dir: Path, reads: Reads, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Windows: a folder listing's stat has no inode, os.fstat has one: stamps leave it out,
    # or the second run (stat by listing) would find every note of the first (fstat) changed
    from jobjournal.vault import scan

    monkeypatch.setattr(scan, "_INODES", False)
    root = small_vault(vault)
    first = agenda_json(root)
    assert len(reads.take()) == 3
    assert agenda_json(root, today="2026-12-20") != first  # computed again, from the cache
    assert reads.take() == []


def test_another_day_computes_again_from_the_cached_parses(
    vault: VaultDir, cache_dir: Path, reads: Reads
) -> None:
    root = small_vault(vault)
    agenda_json(root)
    reads.take()
    later = agenda_json(root, today="2026-12-20")
    assert reads.take() == []
    assert later == agenda_json(root, "--no-cache", today="2026-12-20")


def test_check_is_answered_from_the_cache_too(
    vault: VaultDir, cache_dir: Path, reads: Reads
) -> None:
    root = small_vault(vault)
    vault.write("Interviews/Broken.md", "---\ntype: interview\ndate: 2026-02-30\n---\n")
    age(root)
    first = run(root, "check")
    reads.take()
    second = run(root, "check")
    assert reads.take() == []
    assert (second.exit_code, second.stdout, second.stderr) == (
        first.exit_code, first.stdout, first.stderr)
    assert first.exit_code == 1


def test_the_agenda_note_is_written_the_same_from_the_cache(
    vault: VaultDir, cache_dir: Path
) -> None:
    root = small_vault(vault)
    first = run(root, "agenda")
    note = vault.read("Agenda.md")
    (root / "Agenda.md").unlink()
    second = run(root, "agenda")
    assert vault.read("Agenda.md") == note
    assert first.stdout.replace("unchanged", "updated") == second.stdout


# --- what is read again -------------------------------------------------------------------------


def test_a_changed_note_is_read_again(vault: VaultDir, cache_dir: Path, reads: Reads) -> None:
    root = small_vault(vault)
    agenda_json(root)
    reads.take()
    vault.write("Interviews/Acme.md", ACME.replace("2026-11-12", "2026-11-25"))
    age(root, 1800, "Interviews/Acme.md")  # a different mtime, still long ago
    changed = agenda_json(root)
    assert reads.take() == ["Interviews/Acme.md"]
    assert changed == agenda_json(root, "--no-cache")
    assert "2026-11-25" in changed or "Acme" in changed


def test_a_note_changed_without_a_new_mtime_is_read_again_when_its_size_or_inode_moved(
    vault: VaultDir, cache_dir: Path, reads: Reads
) -> None:
    root = small_vault(vault)
    agenda_json(root)
    reads.take()
    path = root / "Interviews/Acme.md"
    st = path.stat()
    replacement = root / "Interviews/.Acme.tmp"
    replacement.write_text(ACME.replace("Acme", "Acme Corp"), encoding="utf-8")
    os.replace(replacement, path)  # an editor saving by rename: a new inode
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    agenda_json(root)
    assert reads.take() == ["Interviews/Acme.md"]


def test_new_and_deleted_notes_are_seen(vault: VaultDir, cache_dir: Path, reads: Reads) -> None:
    root = small_vault(vault)
    agenda_json(root)
    reads.take()
    vault.write("Interviews/Globex.md", ACME.replace("Acme", "Globex"))
    (root / "Contacts/Dana.md").unlink()
    age(root, 3600, "Interviews/Globex.md")
    output = agenda_json(root)
    assert reads.take() == ["Interviews/Globex.md"]
    assert output == agenda_json(root, "--no-cache")


def test_a_note_saved_just_before_a_run_is_not_trusted_next_time(
    vault: VaultDir, cache_dir: Path, reads: Reads
) -> None:
    root = small_vault(vault)
    vault.write("Interviews/Acme.md", ACME)  # saved now: its stamp may not show a second save
    agenda_json(root)
    reads.take()
    agenda_json(root)
    assert reads.take() == ["Interviews/Acme.md"]


# --- what is thrown away --------------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "not a dict"])
def test_a_damaged_cache_is_thrown_away(
    vault: VaultDir, cache_dir: Path, reads: Reads, damage: str
) -> None:
    root = small_vault(vault)
    expected = agenda_json(root)
    reads.take()
    for path in cache_dir.iterdir():
        data = path.read_bytes()
        path.write_bytes({
            "garbage": b"\x80\x05not a pickle at all",
            "truncated": data[: len(data) // 2],
            "empty": b"",
            "not a dict": pickle.dumps(["a", "list"]),
        }[damage])
    assert agenda_json(root) == expected
    assert len(reads.take()) == 3
    assert agenda_json(root) == expected  # and it was written again, whole
    assert reads.take() == []


def test_a_cache_from_another_version_is_thrown_away(
    vault: VaultDir, cache_dir: Path, reads: Reads, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = small_vault(vault)
    monkeypatch.setattr(cache, "__version__", "0.0.1")
    expected = agenda_json(root)
    reads.take()
    monkeypatch.setattr(cache, "__version__", "0.0.2")
    assert agenda_json(root) == expected
    assert len(reads.take()) == 3
    monkeypatch.setattr(cache, "FORMAT", cache.FORMAT + 1)
    agenda_json(root)
    assert len(reads.take()) == 3


def test_a_cache_for_another_tasks_from_setting_is_thrown_away(
    vault: VaultDir, cache_dir: Path, reads: Reads
) -> None:
    root = small_vault(vault)
    vault.write("Notes/Todo.md", "- [ ] Call the bank 📅 2026-11-27\n")
    age(root, 3600, "Notes/Todo.md")
    typed_only = agenda_json(root)
    reads.take()
    vault.config('[vault]\ntasks_from = "all"\n')
    every_note = agenda_json(root)
    assert len(reads.take()) == 4
    assert "Call the bank" in every_note and "Call the bank" not in typed_only


def test_a_cache_file_of_someone_else_is_never_loaded(
    vault: VaultDir, cache_dir: Path, reads: Reads, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not hasattr(os, "getuid"):
        pytest.skip("no file owners here")
    root = small_vault(vault)
    agenda_json(root)
    reads.take()
    uid = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: uid + 1)
    agenda_json(root)
    assert len(reads.take()) == 3


def test_no_cache_neither_reads_nor_writes_the_cache(
    vault: VaultDir, cache_dir: Path, reads: Reads
) -> None:
    root = small_vault(vault)
    agenda_json(root, "--no-cache")
    assert not cache_dir.exists()
    agenda_json(root)
    reads.take()
    before = {p.name: p.read_bytes() for p in cache_dir.iterdir()}
    agenda_json(root, "--no-cache", today="2026-12-01")
    assert len(reads.take()) == 3
    assert {p.name: p.read_bytes() for p in cache_dir.iterdir()} == before


def test_a_small_vault_has_no_cache(
    vault: VaultDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOBJOURNAL_CACHE_DIR", str(tmp_path / "cache"))
    agenda_json(small_vault(vault))
    assert not (tmp_path / "cache").exists()


# --- where it lives -----------------------------------------------------------------------------


def test_the_cache_is_never_inside_the_vault(
    vault: VaultDir, monkeypatch: pytest.MonkeyPatch, reads: Reads
) -> None:
    monkeypatch.setattr(cache, "MIN_FILES", 0)
    root = small_vault(vault)
    before = vault.snapshot()
    monkeypatch.setenv("JOBJOURNAL_CACHE_DIR", str(root / ".cache" / "jobjournal"))
    assert cache.cache_files(root) is None
    first = agenda_json(root)
    second = agenda_json(root)
    assert first == second
    assert len(reads.take()) == 6  # no cache: read both times
    assert vault.snapshot() == before
    monkeypatch.setenv("JOBJOURNAL_CACHE_DIR", str(root))
    assert cache.cache_files(root) is None
    monkeypatch.delenv("JOBJOURNAL_CACHE_DIR")
    monkeypatch.setenv("HOME", str(root))  # a vault that is the home folder
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert cache.cache_files(root) is None


@pytest.mark.parametrize(("platform", "env", "expected"), [
    ("linux", {"XDG_CACHE_HOME": "/xdg"}, "/xdg/jobjournal"),
    ("linux", {"XDG_CACHE_HOME": "relative/ignored"}, "{home}/.cache/jobjournal"),
    ("linux", {}, "{home}/.cache/jobjournal"),
    ("darwin", {"XDG_CACHE_HOME": "/xdg"}, "{home}/Library/Caches/jobjournal"),
    ("win32", {"LOCALAPPDATA": "/local"}, "/local/jobjournal/Cache"),
    ("win32", {}, "{home}/AppData/Local/jobjournal/Cache"),
    ("linux", {"JOBJOURNAL_CACHE_DIR": "/override"}, "/override"),
])
def test_the_cache_folder_follows_the_platform(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, platform: str, env: dict[str, str],
    expected: str,
) -> None:
    for name in ("JOBJOURNAL_CACHE_DIR", "XDG_CACHE_HOME", "LOCALAPPDATA"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", platform)
    assert cache.cache_dir() == Path(expected.format(home=tmp_path))


def test_each_vault_has_its_own_cache_files(tmp_path: Path, cache_dir: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    files = cache.cache_files(one)
    assert files is not None and files != cache.cache_files(two)
    assert all(path.parent == cache_dir for path in files)
    (tmp_path / "link").symlink_to(one)
    assert cache.cache_files(tmp_path / "link") == files  # by the vault's real path


# --- the same output, however it is computed -------------------------------------------------------


def test_cached_uncached_and_parallel_runs_print_the_same(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "vault"
    generate(root, 300, seed=2, today=TODAY)
    age(root)
    monkeypatch.setenv("JOBJOURNAL_WORKERS", "1")
    serial = agenda_json(root, "--no-cache")
    run(root, "agenda", "--no-cache")
    serial_note = (root / "Agenda.md").read_text(encoding="utf-8")
    (root / "Agenda.md").unlink()
    monkeypatch.setenv("JOBJOURNAL_WORKERS", "2")
    monkeypatch.setattr(vault, "PARALLEL_MIN_FILES", 10)
    assert agenda_json(root, "--no-cache") == serial
    assert agenda_json(root) == serial  # cold: writes the cache
    assert agenda_json(root) == serial  # warm
    run(root, "agenda")
    assert (root / "Agenda.md").read_text(encoding="utf-8") == serial_note
    (root / "Agenda.md").unlink()
    run(root, "agenda")  # from the kept output
    assert (root / "Agenda.md").read_text(encoding="utf-8") == serial_note


def test_parses_kept_in_chunks_are_written_again_only_where_notes_changed(
    tmp_path: Path, cache_dir: Path, reads: Reads, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "vault"
    paths = generate(root, 300, seed=4, today=TODAY)
    age(root)
    monkeypatch.setenv("JOBJOURNAL_WORKERS", "2")
    monkeypatch.setattr(vault, "PARALLEL_MIN_FILES", 10)
    agenda_json(root)
    assert len(reads.take()) > 0  # this process's share; workers read the rest
    files = cache.cache_files(root)
    assert files is not None
    notes_file = files[0]
    shards = pickle.loads(notes_file.read_bytes())["shards"]
    assert len(shards) > 1
    changed = next(p for p in paths if p.startswith("Interviews/"))
    (root / changed).write_text((root / changed).read_text(encoding="utf-8") + "\n- x\n",
                                encoding="utf-8")
    age(root, 1800, changed)
    later = agenda_json(root, today="2026-12-02")
    assert reads.take() == [changed]
    after = pickle.loads(notes_file.read_bytes())["shards"]
    assert len(after) == len(shards)
    assert sum(blob not in shards for blob in after) == 1  # only the changed note's chunk
    cached = agenda_json(root, today="2026-12-03")
    assert reads.take() == []
    assert cached == agenda_json(root, "--no-cache", today="2026-12-03")
    assert later == agenda_json(root, "--no-cache", today="2026-12-02")
