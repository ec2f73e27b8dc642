"""`jobjournal watch` on real temporary vaults with real watchdog observers (no mocked events).

Most tests run the Watcher in a background thread and poll for the expected state with a
generous deadline; only the "nothing happens" test sleeps, because a stretch of time with nothing
in it is what it checks.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from jobjournal.cli.main import cli
from jobjournal.config import Config
from jobjournal.errors import VaultError
from jobjournal.vault.locks import vault_lock
from jobjournal.vault.watcher import (
    Regeneration,
    Watcher,
    classify,
    describe,
    seconds_until_midnight,
)

from .conftest import VaultDir

# watchdog warns when a new folder's watch is added twice (harmless: it is replaced)
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning:watchdog")

DEADLINE = 10.0  # seconds: generous, for slow CI machines; passing tests take a fraction of it
NOON = datetime(2026, 11, 26, 12, 0)


def missed_call(day: str = "2026-11-25") -> str:
    return f"---\ntype: contact\nmissed_call: {day}\n---\n"


def replace(vault: VaultDir, relpath: str, text: str) -> None:
    """Save a note in one step (temp file, then rename), so the watcher never sees it half
    written, however slow the machine running the test is."""
    temp = vault.write(f"{relpath}.tmp", text)
    os.replace(temp, vault.root / relpath)


def wait_for(condition: Callable[[], object], what: str, timeout: float = DEADLINE) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.02)


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Running:
    """A Watcher running in a background thread, with what it reported."""

    def __init__(self, vault: VaultDir, **options: Any) -> None:
        self.vault = vault
        self.regenerations: list[Regeneration] = []
        self.reports: list[str] = []
        self.error: BaseException | None = None
        options.setdefault("clock", FakeClock(NOON))
        options.setdefault("quiet_period", 0.1)  # the real 0.25 s only where it matters
        self.watcher = Watcher(
            vault.root, Config(), on_regenerate=self.regenerations.append,
            report=self.reports.append, **options,
        )
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        wait_for(lambda: self.watcher.started.is_set() or self.error, "the first agenda")
        assert self.error is None

    def _run(self) -> None:
        try:
            self.watcher.run()
        except BaseException as exc:
            self.error = exc

    def stop(self) -> None:
        self.watcher.stop()
        self.thread.join(DEADLINE)
        assert not self.thread.is_alive(), "the watcher did not stop"

    def regeneration(self, number: int) -> Regeneration:
        """The `number`th regeneration (1: at start), once it has been reported: the agenda
        note is written a moment before."""
        wait_for(lambda: len(self.regenerations) >= number, f"regeneration {number}")
        return self.regenerations[number - 1]

    def agenda(self) -> str:
        try:
            return self.vault.read("Agenda.md")
        except FileNotFoundError:
            return ""

    def wait_agenda(self, condition: Callable[[str], bool], what: str) -> None:
        wait_for(lambda: condition(self.agenda()), f"the agenda to show {what}")

    def wait_shows(self, text: str) -> None:
        self.wait_agenda(lambda agenda: text in agenda, repr(text))

    def wait_hides(self, text: str) -> None:
        self.wait_agenda(lambda agenda: text not in agenda, f"no {text!r}")


@pytest.fixture(autouse=True)
def runtime_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Watch locks go to a runtime folder of the test's own, not the user's."""
    folder = tmp_path / "run"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    return folder


@pytest.fixture
def start(vault: VaultDir) -> Iterator[Callable[..., Running]]:
    started: list[Running] = []

    def start(**options: Any) -> Running:
        started.append(Running(vault, **options))
        return started[-1]

    yield start
    for running in started:
        running.stop()


JANE = "[[Contacts/Jane|Jane]]"


def test_a_new_note_appears(vault: VaultDir, start: Callable[..., Running]) -> None:
    running = start()
    assert running.regenerations[0].reason == "start"
    vault.write("Contacts/Jane.md", missed_call())
    running.wait_shows(JANE)
    assert running.regeneration(2).reason == "Contacts/Jane.md"
    assert running.regeneration(2).changed == ("Contacts/Jane.md",)


def test_a_modified_note_is_read_again(vault: VaultDir, start: Callable[..., Running]) -> None:
    vault.write("Contacts/Jane.md", missed_call("2026-11-25"))
    running = start()
    assert "missed call 2026-11-25" in running.agenda()
    vault.write("Contacts/Jane.md", missed_call("2026-11-24"))
    running.wait_shows("missed call 2026-11-24")


def edit_in_place_keeping_the_stamp(path: Path, old: str, new: str) -> None:
    """Change `old` to `new` (as long) in the file itself, then put its modification time back:
    what a 1-second-stamp file system shows of two saves in one second, or `touch -r`."""
    assert len(old) == len(new)
    st = path.stat()
    data = path.read_bytes()
    with open(path, "r+b") as file:  # in place: the same inode, the same size
        file.write(data.replace(old.encode(), new.encode()))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = path.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (st.st_ino, st.st_size,
                                                                st.st_mtime_ns)


def test_an_edit_that_keeps_size_and_time_is_read_again(
    vault: VaultDir, start: Callable[..., Running]
) -> None:
    """An event for a note means reading it again, even when its stamp says nothing changed."""
    path = vault.write("Contacts/Jane.md", missed_call("2026-11-25"))
    running = start()
    assert "missed call 2026-11-25" in running.agenda()
    edit_in_place_keeping_the_stamp(path, "2026-11-25", "2026-11-24")
    running.wait_shows("missed call 2026-11-24")
    # (reported a moment after the agenda note is written)
    wait_for(lambda: ("Contacts/Jane.md",) in [r.changed for r in running.regenerations[1:]],
             "the regeneration to name the note")


@pytest.mark.parametrize("temp_name", [".Jane.md.swp", "Jane.md___jb_tmp___", "Jane.md.tmp"])
def test_a_save_by_rename_is_seen(
    vault: VaultDir, start: Callable[..., Running], temp_name: str
) -> None:
    """vim, JetBrains, Obsidian and sync tools write a temp file and rename it over the note."""
    vault.write("Contacts/Jane.md", missed_call("2026-11-25"))
    running = start()
    temp = vault.write(f"Contacts/{temp_name}", missed_call("2026-11-23"))
    os.replace(temp, vault.root / "Contacts/Jane.md")
    running.wait_shows("missed call 2026-11-23")
    assert running.regeneration(2).changed == ("Contacts/Jane.md",)


def test_a_deleted_note_goes(vault: VaultDir, start: Callable[..., Running]) -> None:
    vault.write("Contacts/Jane.md", missed_call())
    running = start()
    assert JANE in running.agenda()
    (vault.root / "Contacts/Jane.md").unlink()
    running.wait_hides(JANE)


def test_a_moved_note_follows_and_the_trash_is_ignored(
    vault: VaultDir, start: Callable[..., Running]
) -> None:
    vault.write("Contacts/Jane.md", missed_call())
    (vault.root / ".trash").mkdir()
    running = start()
    (vault.root / "Contacts/Jane.md").rename(vault.root / "Contacts/Janet.md")
    running.wait_shows("[[Contacts/Janet|Janet]]")
    assert JANE not in running.agenda()
    (vault.root / "Contacts/Janet.md").rename(vault.root / ".trash/Janet.md")  # Obsidian's delete
    running.wait_hides("Janet")


def test_new_folders_with_notes_are_seen(
    vault: VaultDir, start: Callable[..., Running], tmp_path: Path
) -> None:
    running = start()
    vault.write("Contacts/2026/Jane.md", missed_call())  # a new folder, then a note in it
    running.wait_shows("[[Contacts/2026/Jane|Jane]]")
    outside = tmp_path / "elsewhere" / "Archive"
    (outside / "Old").mkdir(parents=True)
    (outside / "Old" / "Bob.md").write_text(missed_call(), encoding="utf-8")
    (outside / "Old" / "Carl.md").write_text(missed_call(), encoding="utf-8")
    outside.rename(vault.root / "Archive")  # a whole tree moved in: no event for its notes
    running.wait_shows("[[Archive/Old/Bob|Bob]]")
    running.wait_shows("[[Archive/Old/Carl|Carl]]")


def test_a_burst_of_200_notes_costs_one_regeneration(
    vault: VaultDir, start: Callable[..., Running]
) -> None:
    running = start(quiet_period=0.25)
    for n in range(200):
        vault.write(f"Contacts/Person {n:03}.md", missed_call())
    wait_for(
        lambda: running.regenerations[-1].summary.startswith("200 call back"), "all 200 notes"
    )
    after_start = running.regenerations[1:]
    assert 1 <= len(after_start) <= 3, [r.reason for r in after_start]
    assert after_start[-1].written


def test_nothing_changes_nothing_is_written(
    vault: VaultDir, start: Callable[..., Running]
) -> None:
    """The watcher's own write, reads, and files the agenda can't depend on cause no write."""
    vault.write("Contacts/Jane.md", missed_call())
    vault.write(".git/HEAD", "ref: refs/heads/main\n")
    running = start(check_every=0.05)
    agenda = vault.root / "Agenda.md"
    before = agenda.stat()
    vault.read("Contacts/Jane.md")  # opened, closed without writing
    vault.write(".git/index", "x")
    vault.write(".obsidian/workspace.json", "{}")
    vault.write("Templates/contact.md", missed_call())
    vault.write("Contacts/photo.png", "png")
    vault.write("Contacts/.Jane.md.swp", "vim")
    vault.write("Contacts/~$Jane.md", "office lock file")
    time.sleep(2.0)  # the point of this test: a stretch of time in which nothing may happen
    after = agenda.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert running.watcher.regenerations == 1 and running.watcher.writes == 1
    assert running.reports == []


def test_an_edit_that_changes_nothing_due_leaves_the_agenda_alone(
    vault: VaultDir, start: Callable[..., Running]
) -> None:
    vault.write("Contacts/Jane.md", missed_call())
    running = start()
    before = (vault.root / "Agenda.md").stat()
    replace(vault, "Contacts/Jane.md", missed_call() + "\nMet her at the meetup.\n")
    assert not running.regeneration(2).written
    after = (vault.root / "Agenda.md").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_the_agenda_note_deleted_or_edited_by_hand_is_restored(
    vault: VaultDir, start: Callable[..., Running]
) -> None:
    vault.write("Contacts/Jane.md", missed_call())
    running = start()
    (vault.root / "Agenda.md").unlink()
    running.wait_shows(JANE)
    wait_for(lambda: running.reports, "the report")  # made just after the write
    assert running.reports == ["Agenda.md was changed outside jobjournal: restored"]
    mine = "My own line, kept.\n"
    vault.write("Agenda.md", mine + running.agenda().replace(JANE, "(edited)"))
    running.wait_agenda(lambda agenda: agenda.startswith(mine) and JANE in agenda, "it restored")
    assert running.watcher.regenerations == 1  # restored from memory: nothing recomputed


def test_a_broken_note_is_a_problem_and_the_watcher_goes_on(
    vault: VaultDir, start: Callable[..., Running]
) -> None:
    running = start()
    vault.write("Contacts/Broken.md", "---\ntype: contact\nmissed_call: [\n---\n")
    running.wait_agenda(
        lambda agenda: "## Problems" in agenda and "[[Contacts/Broken|Broken]]" in agenda,
        "the broken note under Problems",
    )
    vault.write("Contacts/Broken.md", missed_call())
    running.wait_shows("Call back Broken")
    assert running.error is None and running.thread.is_alive()


def test_a_crash_in_a_regeneration_is_one_line_and_the_watcher_goes_on(
    vault: VaultDir, start: Callable[..., Running], monkeypatch: pytest.MonkeyPatch
) -> None:
    from jobjournal.core.markdown import MarkdownRenderer

    running = start()
    calls = []

    render = MarkdownRenderer.render

    def render_crashing_once(renderer: MarkdownRenderer, *args: Any) -> str:
        calls.append(args)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return render(renderer, *args)

    monkeypatch.setattr(MarkdownRenderer, "render", render_crashing_once)
    replace(vault, "Contacts/Jane.md", missed_call())
    wait_for(lambda: running.reports, "the error")
    assert running.reports[0].startswith("error: RuntimeError: boom (a bug in jobjournal")
    assert JANE not in running.agenda()
    vault.write("Contacts/Bob.md", missed_call())  # the next change: both notes are there
    running.wait_shows(JANE)
    assert "[[Contacts/Bob|Bob]]" in running.agenda()


def test_the_agenda_is_rewritten_at_midnight(
    vault: VaultDir, start: Callable[..., Running]
) -> None:
    vault.write("Contacts/Bob.md", "---\ntype: contact\nfollow_up: 2026-11-27\n---\n")
    clock = FakeClock(datetime(2026, 11, 26, 23, 59, 59))
    running = start(clock=clock, check_every=0.05)
    assert "# Agenda — 2026-11-26" in running.agenda()
    clock.now = datetime(2026, 11, 27, 0, 0, 1)
    running.wait_shows("# Agenda — 2026-11-27")
    assert running.regeneration(2).reason == "midnight"
    assert running.regeneration(2).today.isoformat() == "2026-11-27"


def test_the_agenda_waits_while_a_git_operation_is_half_done(
    vault: VaultDir, start: Callable[..., Running], git_home: Path
) -> None:
    subprocess.run(["git", "init", "-q", str(vault.root)], check=True)
    running = start()
    before = running.agenda()
    rebase = vault.root / ".git" / "rebase-merge"  # what git keeps while a rebase stops
    rebase.mkdir()
    replace(vault, "Contacts/Jane.md", missed_call())
    wait_for(lambda: any("a rebase is in progress" in line for line in running.reports),
             "the agenda to be held back")
    assert running.agenda() == before  # nothing written in the middle of the rebase
    assert running.watcher.regenerations >= 2 and len(running.regenerations) == 1
    shutil.rmtree(rebase)  # the rebase is done: written on the next tick
    running.wait_shows(JANE)
    assert running.regeneration(2).written  # the first one reported since the start
    assert sum("in progress" in line for line in running.reports) == 1


def test_seconds_until_midnight() -> None:
    assert seconds_until_midnight(datetime(2026, 11, 26, 23, 59, 30)) == 30.0
    assert seconds_until_midnight(datetime(2026, 12, 31, 0, 0)) == 86400.0


def test_a_config_change_reloads_and_a_bad_one_keeps_the_last_good(
    vault: VaultDir, start: Callable[..., Running]
) -> None:
    vault.write("Private/Jane.md", missed_call())
    running = start()
    assert JANE.replace("Contacts", "Private") in running.agenda()
    vault.config("[vault]\nignore = 3\n")
    wait_for(lambda: running.reports, "a report of the bad config")
    assert "keeping the previous settings" in running.reports[0]
    assert "ignore" in running.reports[0] and len(running.reports[0].splitlines()) == 1
    vault.config('[vault]\nignore = ["Private/"]\n')
    running.wait_hides("Private/Jane")
    assert running.regeneration(2).reason.startswith(".jobjournal.toml")


def test_an_overflowed_event_queue_rescans_the_vault(
    vault: VaultDir, start: Callable[..., Running]
) -> None:
    """watchdog reports a kernel queue overflow (lost events) only in its log."""
    (vault.root / ".store").mkdir()
    (vault.root / "Contacts").symlink_to(vault.root / ".store")  # read through the link, but
    running = start()  # events come only for .store/, which the watcher ignores: they are "lost"
    vault.write(".store/Jane.md", missed_call())
    logging.getLogger("watchdog.observers.inotify_c").warning(
        "Inotify queue overflowed; filesystem events were lost"
    )
    running.wait_shows(JANE)
    assert any("overflowed" in line for line in running.reports)


def test_the_watch_limit_falls_back_to_polling(
    vault: VaultDir, start: Callable[..., Running]
) -> None:
    from watchdog.observers.polling import PollingObserver

    class NoWatchesLeft(PollingObserver):
        def start(self) -> None:
            raise OSError(errno.ENOSPC, "inotify watch limit reached")

    running = start(observer_factory=NoWatchesLeft)
    assert len(running.reports) == 1 and "max_user_watches" in running.reports[0]
    vault.write("Contacts/Jane.md", missed_call())
    running.wait_shows(JANE)


def test_the_vault_disappearing_stops_the_watcher(
    vault: VaultDir, start: Callable[..., Running]
) -> None:
    running = start(check_every=0.05)
    shutil.rmtree(vault.root)
    running.thread.join(DEADLINE)
    assert isinstance(running.error, VaultError)
    assert "is gone" in running.error.message


def test_a_second_watch_is_refused(
    vault: VaultDir, runner: CliRunner, tmp_path: Path
) -> None:
    link = tmp_path / "link to the vault"
    link.symlink_to(vault.root)
    with vault_lock(vault.root):
        for path in (vault.root, link):  # the lock is the folder's, whatever the path to it
            result = runner.invoke(cli, ["watch", "--vault", str(path)])
            assert result.exit_code == 2
            assert f"another watch (pid {os.getpid()}) is running on this vault" in result.stderr
    with vault_lock(vault.root):  # released: free again
        pass


def test_a_refused_agenda_note_stops_it_at_start(vault: VaultDir, runner: CliRunner) -> None:
    vault.write("Agenda.md", "My own agenda, no markers.\n")
    result = runner.invoke(cli, ["watch", "--vault", str(vault.root)])
    assert result.exit_code == 2
    assert "no jobjournal markers" in result.stderr
    assert vault.read("Agenda.md") == "My own agenda, no markers.\n"


def test_a_read_only_agenda_note_stops_it_at_start(vault: VaultDir, runner: CliRunner) -> None:
    path = vault.write("Agenda.md", "<!-- jobjournal:begin -->\nold\n<!-- jobjournal:end -->\n")
    path.chmod(0o444)
    result = runner.invoke(cli, ["watch", "--vault", str(vault.root)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].startswith("jobjournal: error: Agenda.md is read-only")
    assert vault.read("Agenda.md") == "<!-- jobjournal:begin -->\nold\n<!-- jobjournal:end -->\n"


def test_an_agenda_note_made_read_only_meanwhile_is_left_alone(
    vault: VaultDir, start: Callable[..., Running]
) -> None:
    running = start()
    agenda = vault.root / "Agenda.md"
    agenda.chmod(0o444)
    frozen = running.agenda()
    vault.write("Contacts/Jane.md", missed_call())
    wait_for(lambda: running.reports, "a report")
    assert running.reports[0].startswith("error: Agenda.md is read-only")
    assert running.agenda() == frozen and stat.S_IMODE(agenda.stat().st_mode) == 0o444
    agenda.chmod(0o644)
    vault.write("Contacts/Jane.md", missed_call("2026-11-24"))  # and once writable, it goes on
    running.wait_shows("missed call 2026-11-24")


def test_the_lock_stays_out_of_the_vault(vault: VaultDir, runtime_dir: Path) -> None:
    before = vault.snapshot()
    with vault_lock(vault.root) as path:
        assert path.parent == runtime_dir / "jobjournal"
        pid, folder = path.read_bytes().decode().splitlines()
        assert (int(pid), folder) == (os.getpid(), str(vault.root))
        assert vault.snapshot() == before
    assert not path.exists()  # released: removed, so no stale PID is ever shown


def test_a_lock_folder_someone_else_can_write_is_refused(
    vault: VaultDir, runtime_dir: Path
) -> None:
    (runtime_dir / "jobjournal").mkdir(mode=0o777)
    os.chmod(runtime_dir / "jobjournal", 0o777)
    with pytest.raises(VaultError, match="not a private folder"), vault_lock(vault.root):
        pass


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_it_cleanly(vault: VaultDir, signum: int) -> None:
    vault.write("Contacts/Jane.md", missed_call())
    command = [sys.executable, "-c", "from jobjournal.cli.main import main; main()"]
    process = subprocess.Popen(  # the environment holds the test's XDG_RUNTIME_DIR
        [*command, "watch", "--vault", str(vault.root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        wait_for(lambda: (vault.root / "Agenda.md").exists(), "the agenda")
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=DEADLINE)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "Stopped." in stderr
    assert "start → Agenda.md updated: 1 call back" in stdout


def test_classify_sorts_paths_by_what_they_mean() -> None:
    root, config = os.path.join(os.sep, "v"), Config()

    def meaning(event: str, rel: str, is_dir: bool = False) -> tuple[str, str] | None:
        return classify(root, config, event, os.path.join(root, *rel.split("/")), is_dir)

    assert meaning("modified", "Contacts/Jane.md") == ("note", "Contacts/Jane.md")
    assert meaning("opened", "Contacts/Jane.md") is None
    assert meaning("closed_no_write", "Contacts/Jane.md") is None
    assert meaning("modified", "Agenda.md") == ("agenda", "Agenda.md")
    assert meaning("modified", ".jobjournal.toml") == ("config", ".jobjournal.toml")
    assert meaning("created", "Contacts/2026", is_dir=True) == ("rescan", "Contacts/2026")
    assert meaning("modified", "Contacts", is_dir=True) is None
    for ignored in (".git/index", ".obsidian/app.json", ".trash/Jane.md", "Templates/contact.md",
                    "Contacts/Jane.md~", "Contacts/.Jane.md.swp", "Contacts/photo.png"):
        assert meaning("modified", ignored) is None, ignored
    assert classify(root, config, "deleted", root, True) == ("vault gone", "")


def test_describe() -> None:
    assert describe(["Interviews/Acme.md"]) == "Interviews/Acme.md"
    assert describe(["b.md", "a.md", "c.md"]) == "a.md (+2 more)"


def _drag_globex(vault: VaultDir, lane: str) -> None:
    """Move the Globex card to `lane` on the board, as the Kanban plugin saves a drag."""
    board = vault.read("Pipeline.md")
    card = next(line for line in board.split("\n") if "[[Globex]]" in line)
    replace(vault, "Pipeline.md",
            board.replace(card + "\n", "").replace(f"## {lane}\n\n", f"## {lane}\n\n{card}\n"))


def test_a_card_moved_on_the_board_sets_the_status_and_its_own_writes_cause_nothing(
    vault: VaultDir, start: Callable[..., Running], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JOBJOURNAL_CACHE_DIR", str(tmp_path / "cache"))
    vault.write("Applications/Globex.md", "---\ntype: application\napplied: 2026-11-20\n---\n")
    running = start(check_every=0.05)
    _drag_globex(vault, "offer")
    wait_for(lambda: "status: offer" in vault.read("Applications/Globex.md"), "the status")
    wait_for(lambda: len(running.regenerations) >= 2, "a regeneration")
    assert vault.read("Applications/Globex.md").rstrip("\n").endswith(
        " status: applied → offer")
    wait_for(lambda: "## offer\n\n- [ ] [[Globex]]\n" in vault.read("Pipeline.md"), "the card")
    settled = len(running.regenerations)
    time.sleep(1.0)  # the watcher's own writes of the note, the agenda and the board: no loop
    assert len(running.regenerations) == settled
    assert running.reports == ["applied: Applications/Globex.md: status: offer (moved on "
                               "Pipeline.md)"]


def test_a_card_moved_while_the_watcher_is_idle_sets_the_status(
    vault: VaultDir, start: Callable[..., Running], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A drag on the board alone (no agenda event in the same batch) is applied too."""
    monkeypatch.setenv("JOBJOURNAL_CACHE_DIR", str(tmp_path / "cache"))
    vault.write("Applications/Globex.md", "---\ntype: application\napplied: 2026-11-20\n---\n")
    running = start(check_every=0.05)
    for lane in ("offer", "rejected"):
        time.sleep(0.5)  # the events of the watcher's own writes come and go first
        _drag_globex(vault, lane)
        wait_for(lambda lane=lane: f"status: {lane}\n" in vault.read("Applications/Globex.md"),
                 f"the status {lane}")
    assert running.reports == [
        "applied: Applications/Globex.md: status: offer (moved on Pipeline.md)",
        "applied: Applications/Globex.md: status: rejected (moved on Pipeline.md)"]


def test_a_note_that_is_a_link_follows_the_file_it_names(
    vault: VaultDir, start: Callable[..., Running]
) -> None:
    """Saving the file a note's symbolic link names sends no event for the note: in a vault with
    links, the watcher scans again, as a fresh run reads."""
    vault.write("Contacts/jane-data", "---\ntype: contact\n---\n")
    (vault.root / "Contacts" / "Jane.md").symlink_to("jane-data")
    running = start()
    assert JANE not in running.agenda()
    replace(vault, "Contacts/jane-data", missed_call())
    running.wait_shows(JANE)


def test_two_links_to_one_file_are_one_note_as_in_a_fresh_run(
    vault: VaultDir, start: Callable[..., Running]
) -> None:
    """A second link to the same file is not read (the first in the scan's order wins), even
    when it is named as a sync tool's conflict copy: not reported as one either."""
    running = start()
    contacts = vault.root / "Contacts"
    contacts.mkdir(exist_ok=True)
    (contacts / "Jane.md").symlink_to("jane-data")
    copy = contacts / "Jane.sync-conflict-20261120-123456-ABCDEFG.md"
    copy.symlink_to("jane-data")
    copy.write_text(missed_call(), encoding="utf-8")  # through the link: jane-data is made
    running.wait_shows(JANE)
    time.sleep(0.5)  # whatever events are still on their way
    assert "conflict copy" not in running.agenda()


def test_a_board_rewritten_beyond_recognition_is_reported_even_after_a_move(
    vault: VaultDir, start: Callable[..., Running], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After a card was moved in the session, a board replaced by a note of the user's own is
    left alone and reported in the agenda, never overwritten."""
    monkeypatch.setenv("JOBJOURNAL_CACHE_DIR", str(tmp_path / "cache"))
    vault.write("Applications/Globex.md", "---\ntype: application\napplied: 2026-11-20\n---\n")
    running = start(check_every=0.05)
    _drag_globex(vault, "offer")
    wait_for(lambda: "status: offer\n" in vault.read("Applications/Globex.md"), "the status")
    time.sleep(0.5)  # the events of the watcher's own writes come and go first
    replace(vault, "Pipeline.md", "# My pipeline\n\nmy own notes\n")
    running.wait_shows("kanban-plugin")
    assert vault.read("Pipeline.md") == "# My pipeline\n\nmy own notes\n"
