"""vault/locks.py: a lock file lives only as long as its lock, and removing it never lets two
holders in at once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobjournal.cli.main import cli
from jobjournal.errors import JobJournalError
from jobjournal.vault.locks import agenda_lock, lock_dir, vault_lock

from .conftest import VaultDir


@pytest.fixture
def runtime_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "run"
    folder.mkdir()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    return folder


def left_behind() -> list[str]:
    folder = lock_dir()
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_no_lock_file_is_left_when_a_command_ends(
    vault: VaultDir, runtime_dir: Path, runner: CliRunner
) -> None:
    result = runner.invoke(cli, ["agenda", "--vault", str(vault.root), "--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
    assert (vault.root / "Agenda.md").is_file()
    assert lock_dir().parent == runtime_dir
    assert left_behind() == []


def test_no_lock_file_is_left_by_a_lock_let_go(vault: VaultDir, runtime_dir: Path) -> None:
    with vault_lock(vault.root) as watch, agenda_lock(vault.root) as agenda:
        assert watch.exists() and agenda.exists()
    assert left_behind() == []
    with pytest.raises(RuntimeError), agenda_lock(vault.root):
        raise RuntimeError("the block failed")
    assert left_behind() == []


def test_a_refused_second_watch_leaves_the_first_one_s_lock(
    vault: VaultDir, runtime_dir: Path
) -> None:
    with vault_lock(vault.root) as path:
        with pytest.raises(JobJournalError, match="another watch"), vault_lock(vault.root):
            pass
        assert path.exists()  # still the first watch's: the refused one removed nothing
        with pytest.raises(JobJournalError, match="another watch"), vault_lock(vault.root):
            pass
    assert left_behind() == []


@pytest.mark.parametrize("lock", [agenda_lock, vault_lock])
def test_one_holder_at_a_time_while_lock_files_come_and_go(
    vault: VaultDir, runtime_dir: Path, lock: object
) -> None:
    """Many threads take the same lock in turn (each its own open file, as separate processes
    would): a holder removes the file as it lets go, while others wait on it or open it anew.
    Never two holders at once."""
    inside: list[int] = []
    most = [0]
    errors: list[BaseException] = []
    guard = threading.Lock()

    def take(rounds: int) -> None:
        done = 0
        try:
            while done < rounds:
                try:
                    with lock(vault.root):  # type: ignore[operator]
                        with guard:
                            inside.append(1)
                            most[0] = max(most[0], len(inside))
                        for _ in range(50):  # a moment for another to (wrongly) get in
                            pass
                        with guard:
                            inside.pop()
                    done += 1
                except JobJournalError:  # the watch lock refuses rather than waits
                    continue
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=take, args=(60,)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert most[0] == 1
    assert left_behind() == []
