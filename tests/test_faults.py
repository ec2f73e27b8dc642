"""Faults a real machine has: writers racing, a process killed mid-write, a full disk,
a read-only vault, an agenda path leading out of the vault.

What must hold: the agenda note is always one whole agenda, with the user's text outside the
markers intact; a failed write leaves every file as it was and says why in one line (exit 2);
nothing is ever written outside the vault.

Mounting a tiny or read-only tmpfs needs root (or CAP_SYS_ADMIN): those tests are skipped where
it isn't permitted; the full disk is also shown without privileges, with RLIMIT_FSIZE.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import resource
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jobjournal.config import Config
from jobjournal.vault import atomic as fsio
from jobjournal.vault.agenda_note import BEGIN, END, write_agenda
from jobjournal.vault.locks import LockedError, agenda_lock, vault_lock
from jobjournal.vault.reader import load_vault

from .vault_snapshot import changes, snapshot

USER_HEAD = "---\ncssclass: wide\n---\n# Mine\n\nWritten by me, above.\n\n"
USER_TAIL = "\nWritten by me, below: keep it.\n"
CONTACT = "---\ntype: contact\nmissed_call: 2026-11-25\n---\n"
INTERVIEW = "---\ntype: interview\ndate: 2026-12-{day:02d}\ncompany: Acme {n}\n---\n"
DEADLINE = 30.0


@pytest.fixture(autouse=True)
def runtime_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Locks go to a runtime folder of the test's own, not the user's."""
    folder = tmp_path / "run"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    monkeypatch.setenv("JOBJOURNAL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("JOBJOURNAL_VAULT", raising=False)
    return folder


def make_vault(root: Path, notes: int = 3) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / ".jobjournal.toml").write_text("", encoding="utf-8")
    (root / "Contacts").mkdir(exist_ok=True)
    (root / "Contacts" / "Jane.md").write_text(CONTACT, encoding="utf-8")
    (root / "Interviews").mkdir(exist_ok=True)
    for n in range(notes):
        (root / "Interviews" / f"Acme {n}.md").write_text(
            INTERVIEW.format(day=1 + n % 28, n=n), encoding="utf-8")
    (root / "Agenda.md").write_text(f"{USER_HEAD}{BEGIN}\nold\n{END}\n{USER_TAIL}",
                                    encoding="utf-8")
    return root


def jobjournal(root: Path, *args: str, **options: object) -> subprocess.CompletedProcess[str]:
    """The real command, in a process of its own."""
    result: subprocess.CompletedProcess[str] = subprocess.run(
        [sys.executable, "-m", "jobjournal", "--vault", str(root), *args],
        capture_output=True, text=True, timeout=DEADLINE, **options,  # type: ignore[call-overload]
    )
    return result


def whole_agenda(text: str) -> str:
    """The generated block of one whole agenda note with the user's text intact (else fails)."""
    assert text.startswith(USER_HEAD + BEGIN + "\n"), text[:200]
    assert text.endswith(END + "\n" + USER_TAIL), text[-200:]
    assert text.count(BEGIN) == 1 and text.count(END) == 1
    block = text[len(USER_HEAD + BEGIN + "\n") : -len(END + "\n" + USER_TAIL)]
    assert block == "old\n" or re.match(r"# Agenda — 2026-\d\d-\d\d \(\w+day\)\n", block), block
    # all of it: down to the last table, time in status
    assert block == "old\n" or (block.rstrip("\n").endswith("|")
                                and "### Time in status" in block), block[-200:]
    return block


class Watch:
    """Reads the agenda note as fast as it can while others write it: every read must be whole."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.reads = 0
        self.failure: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                whole_agenda(self.path.read_text(encoding="utf-8"))
                self.reads += 1
        except BaseException as exc:
            self.failure = exc

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(DEADLINE)
        if self.failure is not None:
            raise self.failure
        assert self.reads > 0


# --- writers racing -----------------------------------------------------------------------------


def test_concurrent_agenda_commands_never_corrupt_the_agenda(tmp_path: Path) -> None:
    """Agenda runs for different days at once: each exits 0, and the note is always one whole
    agenda (of one of those days), with the user's text around it."""
    root = make_vault(tmp_path / "vault", notes=30)
    days = [f"2026-11-{day:02d}" for day in range(2, 30, 3)]
    watch = Watch(root / "Agenda.md")
    try:
        for _ in range(2):
            processes = [
                subprocess.Popen(
                    [sys.executable, "-m", "jobjournal", "--vault", str(root), "agenda",
                     "--today", day, "--no-cache"],
                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for day in days
            ]
            for process in processes:
                out, err = process.communicate(timeout=DEADLINE)
                assert process.returncode == 0, err
                assert out.startswith("Agenda.md "), out
    finally:
        watch.stop()
    block = whole_agenda((root / "Agenda.md").read_text(encoding="utf-8"))
    assert any(block.startswith(f"# Agenda — {day} ") for day in days)
    assert sorted(p.name for p in root.iterdir()) == [".jobjournal.toml", "Agenda.md",
                                                     "Contacts", "Interviews", "Pipeline.md"]
    assert (root / "Pipeline.md").read_text(encoding="utf-8").endswith("```\n%%")


def test_writers_in_threads_take_turns(tmp_path: Path) -> None:
    """Many writers in one process (each write takes the lock through its own open file): none
    sees the note change under it ("keeps changing"), and every read is whole."""
    root = make_vault(tmp_path / "vault")
    blocks = [f"# Agenda — 2026-11-{day:02d} (Thursday)\n\nday {day}\n\n### Time in status\n\n"
              "| offer | — |\n" for day in range(1, 17)]
    errors: list[BaseException] = []

    def write(block: str) -> None:
        try:
            for _ in range(15):
                write_agenda(root, "Agenda.md", block)
        except BaseException as exc:
            errors.append(exc)

    watch = Watch(root / "Agenda.md")
    threads = [threading.Thread(target=write, args=(block,)) for block in blocks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE)
    watch.stop()
    assert errors == []
    assert whole_agenda((root / "Agenda.md").read_text(encoding="utf-8")) in blocks
    assert sorted(p.name for p in root.iterdir()) == [".jobjournal.toml", "Agenda.md",
                                                     "Contacts", "Interviews"]


def test_a_writer_waits_for_the_lock_then_gives_up_in_one_line(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "vault")
    with agenda_lock(root):
        started = time.monotonic()
        with pytest.raises(LockedError, match="another jobjournal process has been writing"), \
                agenda_lock(root, timeout=0.2):
            pass
        assert 0.2 <= time.monotonic() - started < 5
    with agenda_lock(root, timeout=0.2):  # released: free again
        pass


def test_the_agenda_lock_is_not_the_watch_lock(tmp_path: Path) -> None:
    """A running watcher holds the watch lock for its whole life: `agenda` still writes."""
    root = make_vault(tmp_path / "vault")
    with vault_lock(root):
        result = jobjournal(root, "agenda", "--today", "2026-11-26")
    assert result.returncode == 0, result.stderr
    whole_agenda((root / "Agenda.md").read_text(encoding="utf-8"))


# --- kill -9 in the middle of a write -----------------------------------------------------------

_CHILD = """
import sys
from pathlib import Path
from jobjournal.vault.atomic import atomic_write
target, size = Path(sys.argv[1]), int(sys.argv[2])
payloads = [b"A" * size, b"B" * size]
print("ready", flush=True)
n = 0
while True:
    atomic_write(target, payloads[n % 2])
    n += 1
"""


def test_kill_9_mid_write_leaves_the_old_or_the_new_file(tmp_path: Path) -> None:
    """A child rewrites a big file over and over and is SIGKILLed at random moments: the file is
    always one whole version; the temp files left behind are hidden ones, never scanned."""
    root = make_vault(tmp_path / "vault")
    target = root / "Agenda.md"
    size = 24 * 2**20
    target.write_bytes(b"C" * size)
    wholes = {b"A" * size, b"B" * size, b"C" * size}
    rng = random.Random(8)
    leftovers_seen = 0
    for _ in range(12):
        child = subprocess.Popen([sys.executable, "-c", _CHILD, str(target), str(size)],
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(signal.SIGKILL)
        child.wait(DEADLINE)
        assert target.read_bytes() in wholes
        leftovers = [p.name for p in root.iterdir() if p.name.startswith(".Agenda.md.")]
        assert all(re.fullmatch(r"\.Agenda\.md\.[a-z0-9_]{8}\.tmp", name) for name in leftovers)
        leftovers_seen += bool(leftovers)
        for name in leftovers:  # they'd pile up: what the next agenda write cleans (see below)
            (root / name).unlink()
    assert leftovers_seen, "never killed in the middle of a write: the test proved nothing"


def test_temp_files_a_killed_write_left_are_ignored_then_cleaned_up(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "vault")
    stale = root / ".Agenda.md.k2j4_x9z.tmp"
    fresh = root / ".Agenda.md.q0w9e8r7.tmp"  # maybe another device's write, in progress
    other = root / ".Notes.md.k2j4_x9z.tmp"  # not the agenda's: not ours to remove
    for path in (stale, fresh, other):
        path.write_text("# Agenda — half of one", encoding="utf-8")
    hour_ago = time.time() - 3600
    os.utime(stale, (hour_ago, hour_ago))
    os.utime(other, (hour_ago, hour_ago))
    vault = load_vault(root, Config())
    assert vault.problems == () and ".Agenda.md.k2j4_x9z.tmp" not in vault.paths
    assert write_agenda(root, "Agenda.md", "# Agenda — 2026-11-26 (Thursday)\n")
    assert not stale.exists() and fresh.exists() and other.exists()


def test_the_folder_is_fsynced_after_the_rename(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Temp file written and fsynced, renamed over the note, then the folder fsynced: after a
    power cut the folder holds the new name (or the old file), never a name without data."""
    events: list[tuple[str, object]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        st = os.fstat(fd)
        events.append(("fsync-folder" if stat.S_ISDIR(st.st_mode) else "fsync-file",
                       st.st_ino))
        real_fsync(fd)

    def replace(src: str, dst: object) -> None:
        events.append(("replace", None))
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    folder = tmp_path / "vault"
    folder.mkdir()
    fsio.atomic_write(folder / "Agenda.md", b"new\n")
    assert [kind for kind, _ in events] == ["fsync-file", "replace", "fsync-folder"]
    assert events[2][1] == folder.stat().st_ino


# --- a full disk, a read-only vault -------------------------------------------------------------


@contextlib.contextmanager
def tmpfs(folder: Path, *options: str) -> Iterator[Path]:
    """A tmpfs mounted at `folder` for the block; skips the test where mounting isn't allowed."""
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs",
                              str(folder)], capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip() or 'not permitted'})")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def _fill(folder: Path) -> None:
    """Fill the file system holding `folder` to the last byte."""
    with open(folder / "filler.bin", "wb", buffering=0) as filler:
        chunk = b"\0" * 4096
        with contextlib.suppress(OSError):
            while True:
                filler.write(chunk)
        with contextlib.suppress(OSError):
            while True:
                filler.write(b"\0")


def _one_line_error(result: subprocess.CompletedProcess[str], reason: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert result.stdout == ""
    assert result.stderr == f"jobjournal: error: cannot write Agenda.md: {reason}\n"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="tmpfs")
def test_a_full_disk_is_one_clear_line_and_changes_nothing(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "size=256k") as disk:
        root = make_vault(disk / "vault")
        _fill(disk)
        before = snapshot(disk)
        result = jobjournal(root, "agenda", "--today", "2026-11-26")
        _one_line_error(result, "No space left on device")
        assert changes(before, snapshot(disk)) == []  # no temp file left either
        # reading still works on a full disk
        assert jobjournal(root, "agenda", "--json", "--today", "2026-11-26").returncode == 0
        assert jobjournal(root, "check", "--today", "2026-11-26").returncode == 0
        assert changes(before, snapshot(disk)) == []


def _file_size_limit(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # Python ignores SIGXFSZ: EFBIG


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="no RLIMIT_FSIZE")
def test_a_write_the_system_refuses_midway_changes_nothing(tmp_path: Path) -> None:
    """No privileges needed: a file-size limit makes the write fail after its first bytes, as
    a disk filling up does."""
    root = make_vault(tmp_path / "vault", notes=10)
    before = snapshot(root)
    result = jobjournal(root, "agenda", "--today", "2026-11-26",
                        preexec_fn=lambda: _file_size_limit(1024))
    _one_line_error(result, "File too large")
    assert changes(before, snapshot(root)) == []
    ok = jobjournal(root, "agenda", "--today", "2026-11-26")  # and all is well without the limit
    assert ok.returncode == 0, ok.stderr
    whole_agenda((root / "Agenda.md").read_text(encoding="utf-8"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="tmpfs")
def test_a_read_only_vault_is_one_clear_line_and_changes_nothing(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", "size=1m") as disk:
        root = make_vault(disk / "vault")
        remount = subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True,
                                 text=True, check=False)
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only: {remount.stderr.strip()}")
        before = snapshot(disk)
        result = jobjournal(root, "agenda", "--today", "2026-11-26")
        _one_line_error(result, f"its folder {root} can't be written to (Read-only file system)")
        logged = jobjournal(root, "log", "Jane", "Called back")
        assert (logged.returncode, logged.stderr) == (2, (
            "jobjournal: error: cannot write Jane.md: its folder "
            f"{root / 'Contacts'} can't be written to (Read-only file system)\n"))
        made = jobjournal(root, "new", "contact", "Joe")
        assert (made.returncode, made.stderr.splitlines()[-1]) == (2, (
            "jobjournal: error: cannot write Contacts/Joe.md: its folder "
            f"{root / 'Contacts'} can't be written to (Read-only file system)"))
        shown = jobjournal(root, "agenda", "--json", "--today", "2026-11-26")
        assert shown.returncode == 0, shown.stderr
        assert jobjournal(root, "check", "--today", "2026-11-26").returncode == 0
        assert changes(before, snapshot(disk)) == []


def test_a_read_only_agenda_note_is_refused_not_replaced(tmp_path: Path) -> None:
    """Agenda.md made read-only (chmod 444: the user froze it) is never replaced behind that:
    one clear line, exit 2, the note as it was. (Checked by its permission bits, so it holds for
    root too, whom the system lets write anything.)"""
    root = make_vault(tmp_path / "vault")
    agenda = root / "Agenda.md"
    agenda.chmod(0o444)
    before = snapshot(root)
    result = jobjournal(root, "agenda", "--today", "2026-11-26")
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr == (
        "jobjournal: error: Agenda.md is read-only (its permissions say so): jobjournal will not "
        "replace it; make it writable (chmod u+w Agenda.md) to have the agenda written, or set "
        "[agenda] path in .jobjournal.toml to another note\n")
    assert changes(before, snapshot(root)) == []
    assert stat.S_IMODE(agenda.stat().st_mode) == 0o444
    agenda.chmod(0o644)  # writable again: written as usual
    assert jobjournal(root, "agenda", "--today", "2026-11-26").returncode == 0
    whole_agenda(agenda.read_text(encoding="utf-8"))


# --- init on a full disk ------------------------------------------------------------------------


def _init(target: Path, **options: object) -> subprocess.CompletedProcess[str]:
    result: subprocess.CompletedProcess[str] = subprocess.run(
        [sys.executable, "-m", "jobjournal", "init", str(target)],
        capture_output=True, text=True, timeout=DEADLINE, **options,  # type: ignore[call-overload]
    )
    return result


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="tmpfs")
def test_init_on_a_full_disk_leaves_nothing_and_can_be_run_again(tmp_path: Path) -> None:
    """A disk that fills up halfway through `init` (here: a tiny tmpfs) leaves no half-made
    vault that a second `init` would refuse as "not empty"."""
    with tmpfs(tmp_path / "disk", "size=256k") as disk:
        target = disk / "hunt" / "vault"  # its parent is made too, and removed again
        with open(disk / "filler.bin", "wb") as filler:
            filler.write(b"\0" * (256 - 24) * 1024)  # room for part of the template only
        result = _init(target)
        assert result.returncode == 2, result.stderr
        assert result.stderr == (f"jobjournal: error: cannot create the vault in {target}: No "
                                 "space left on device (nothing was left behind)\n")
        assert sorted(os.listdir(disk)) == ["filler.bin"]
        (disk / "filler.bin").unlink()
        again = _init(target)
        assert again.returncode == 0, again.stderr
        assert (target / ".jobjournal.toml").is_file() and (target / "Agenda.md").is_file()
        assert sorted(os.listdir(disk)) == ["hunt"] and os.listdir(disk / "hunt") == ["vault"]


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="no RLIMIT_FSIZE")
@pytest.mark.parametrize("existing", [False, True])
def test_init_failing_midway_leaves_nothing(tmp_path: Path, existing: bool) -> None:
    """No privileges needed: a file-size limit makes a write fail after its first bytes, as a
    disk filling up does. An empty folder given to `init` is left empty."""
    target = tmp_path / "vault"
    if existing:
        target.mkdir()
    result = _init(target, preexec_fn=lambda: _file_size_limit(1024))
    assert result.returncode == 2, result.stderr
    assert result.stderr == (f"jobjournal: error: cannot create the vault in {target}: File too "
                             "large (nothing was left behind)\n")
    assert sorted(os.listdir(tmp_path)) == (["run", "vault"] if existing else ["run"])
    assert not existing or os.listdir(target) == []
    again = _init(target)
    assert again.returncode == 0, again.stderr
    assert (target / ".jobjournal.toml").is_file() and (target / "Agenda.md").is_file()
    assert sorted(os.listdir(tmp_path)) == ["run", "vault"]


# --- an agenda path leading out of the vault ----------------------------------------------------


@pytest.mark.parametrize("how", ["note", "folder", "config"])
def test_an_agenda_path_out_of_the_vault_is_refused(tmp_path: Path, how: str) -> None:
    """A symlinked note or folder, or `..` in the config: refused in one line, exit 2, and
    nothing written anywhere."""
    root = make_vault(tmp_path / "vault")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "Agenda.md").write_text(f"{BEGIN}\nnot yours\n{END}\n", encoding="utf-8")
    (root / "Agenda.md").unlink()
    if how == "note":
        (root / "Agenda.md").symlink_to(outside / "Agenda.md")
    elif how == "folder":
        (root / "Out").symlink_to(outside, target_is_directory=True)
        (root / ".jobjournal.toml").write_text('[agenda]\npath = "Out/Agenda.md"\n')
    else:
        (root / ".jobjournal.toml").write_text('[agenda]\npath = "../outside/Agenda.md"\n')
    before = snapshot(tmp_path)
    result = jobjournal(root, "agenda", "--today", "2026-11-26")
    assert result.returncode == 2, result.stderr
    assert result.stdout == "" and result.stderr.count("\n") == 1
    assert result.stderr.startswith("jobjournal: error: ")
    assert re.search(r"(leads outside|must be a path inside) the vault", result.stderr)
    assert changes(before, snapshot(tmp_path)) == []
