"""atomic_write: replaces the whole file or nothing, keeps its mode, leaves no temp file behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from jobjournal.errors import JobJournalError
from jobjournal.vault.atomic import atomic_write


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_replaces_content_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "Agenda.md"
    target.write_bytes(b"old\n")
    atomic_write(target, "new ✓\r\n".encode())
    assert target.read_bytes() == "new ✓\r\n".encode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Agenda.md"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_keeps_the_mode_of_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "Agenda.md"
    target.write_bytes(b"old\n")
    target.chmod(0o640)
    atomic_write(target, b"new\n")
    assert _mode(target) == 0o640


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_a_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        atomic_write(tmp_path / "new.md", b"x")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "new.md") == 0o640


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_a_symlink_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_bytes(b"old\n")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    atomic_write(link, b"new\n")
    assert link.is_symlink()
    assert real.read_bytes() == b"new\n"


def test_parent_is_a_file_raises_and_writes_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "Notes"
    blocker.write_bytes(b"a file, not a folder")
    with pytest.raises(JobJournalError, match=r"^cannot write Agenda\.md: "):
        atomic_write(blocker / "Agenda.md", b"x")
    assert blocker.read_bytes() == b"a file, not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Notes"]


def test_target_is_a_folder_raises_and_removes_the_temp_file(tmp_path: Path) -> None:
    (tmp_path / "Agenda.md").mkdir()
    with pytest.raises(JobJournalError, match="cannot write Agenda.md"):
        atomic_write(tmp_path / "Agenda.md", b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Agenda.md"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_read_only_folder_raises_and_keeps_the_old_file(tmp_path: Path) -> None:
    folder = tmp_path / "vault"
    folder.mkdir()
    target = folder / "Agenda.md"
    target.write_bytes(b"old\n")
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who can write to read-only folders (root)")
        with pytest.raises(JobJournalError, match=r"^cannot write Agenda\.md: Permission denied"):
            atomic_write(target, b"new\n")
    finally:
        folder.chmod(0o700)
    assert target.read_bytes() == b"old\n"
    assert sorted(p.name for p in folder.iterdir()) == ["Agenda.md"]


def test_a_failure_while_writing_removes_the_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk can't be produced in a test: fail fsync, as ENOSPC would surface there."""
    target = tmp_path / "Agenda.md"
    target.write_bytes(b"old\n")

    def no_space(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(JobJournalError) as caught:
        atomic_write(target, b"new\n")
    assert caught.value.message == "cannot write Agenda.md: No space left on device"
    assert target.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Agenda.md"]
