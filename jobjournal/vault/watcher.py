"""Keeping the agenda current while the vault changes (README, "Git: history, backup and sync").

The Watcher holds one VaultState for the session. A watchdog observer reports file events from
its own thread; `notice()` sorts each by what it means (a note to re-read, a folder calling for a
rescan, the config, the agenda note itself) and wakes the Watcher's loop, which waits for a quiet
period, re-reads only what changed, and rewrites the agenda when its content differs. The loop
also wakes every `check_every` seconds to see whether the date (from the injectable `clock`)
has changed and whether the vault folder is still there.

No feedback loop, and no timers to prevent one: the agenda note is never read as a note, and
writing it compares content first, so the events of our own write end in a comparison. The
pipeline board is read for the cards the user moved, and only when it differs from the board
the watcher wrote last (board_note.py remembers it): its own writes end in a comparison too.
watchdog is imported only when `run()` starts: `jobjournal --help` doesn't pay for it.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from jobjournal.config import CONFIG_NAME, Config, load_config
from jobjournal.core.incremental import IncrementalBuild
from jobjournal.core.markdown import MarkdownRenderer
from jobjournal.errors import JobJournalError, VaultError
from jobjournal.vault.agenda_note import AgendaWriter, MarkedMeanwhile, generated_part
from jobjournal.vault.board_note import BoardWriter, is_own_write
from jobjournal.vault.reader import Vault, VaultState
from jobjournal.vault.scan import is_utf8_name, shown_name
from jobjournal.vault.user_edits import UserEdits, apply_user_edits

if TYPE_CHECKING:
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers.api import BaseObserver

    from jobjournal.core.model import Agenda

#: Events that say a file was looked at, not changed (`attrib`: a touch or a chmod).
READ_ONLY_EVENTS = frozenset({"opened", "closed_no_write", "attrib"})
#: How often the polling fallback looks at the whole vault, in seconds.
POLL_INTERVAL = 1.0
# What an event's path means to the watcher (see `classify`).
NOTE, RESCAN, CONFIG, AGENDA, VAULT_GONE = "note", "rescan", "config", "agenda", "vault gone"
BOARD = "board"
OVERFLOW = "event queue overflow"
#: Seconds after writing the agenda note and the board when an idle watcher looks at them once,
#: past the clock tick of the write (see agenda_note.Written)
LOOK_AFTER = 0.15


@dataclass(frozen=True)
class Regeneration:
    """One computation of the agenda: when, why, and what came of it."""

    at: datetime  # the clock's time
    today: date
    reason: str  # "start", "midnight", "Interviews/Acme.md (+2 more)", "rescan (…)", …
    changed: tuple[str, ...]  # the notes read again, added or removed (for `watch --commit`)
    written: bool  # False: the agenda note already said this
    agenda: Agenda
    summary: str  # the agenda's summary line (see render.summary_line)


def classify(
    root: str, config: Config, event_type: str, path: str, is_directory: bool
) -> tuple[str, str] | None:
    """What one event's path means: (NOTE | RESCAN | CONFIG | AGENDA | VAULT_GONE, vault-relative
    path), or None for what the agenda can't depend on (the scan's skip list, vault/scan.py)."""
    if event_type in READ_ONLY_EVENTS:
        return None
    if path == root:
        return (VAULT_GONE, "") if event_type in ("deleted", "moved") else None
    if not path.startswith(root + os.sep):
        return None
    rel = path[len(root) + 1 :].replace(os.sep, "/")
    if rel == CONFIG_NAME:
        return CONFIG, rel
    if rel == config.agenda.path:
        return AGENDA, rel
    if rel == config.board.path and config.board.enabled:
        return BOARD, rel
    templates = config.vault.templates
    if rel == templates or rel.startswith(templates + "/"):
        return None
    if any(part.startswith(".") for part in rel.split("/")):
        return None  # .git, .obsidian, .trash, .jobjournal, editor and sync temp files
    if (is_directory or rel.endswith(".md")) and not rel.isascii() and not is_utf8_name(rel):
        return RESCAN, shown_name(rel)  # a name that is not UTF-8: the scan reports it
    if is_directory:
        # a folder that appeared, left or moved may hold notes no event was sent for
        return (RESCAN, rel) if event_type in ("created", "deleted", "moved") else None
    return (NOTE, rel) if rel.endswith(".md") else None


def seconds_until_midnight(now: datetime) -> float:
    """Seconds from `now` to the next midnight (of `now`'s time zone, or local when naive)."""
    tomorrow = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), now.tzinfo)
    return max(0.0, (tomorrow - now).total_seconds())


def describe(paths: Iterable[str]) -> str:
    """"Interviews/Acme.md", or "Interviews/Acme.md (+2 more)"."""
    ordered = sorted(paths)
    more = f" (+{len(ordered) - 1} more)" if len(ordered) > 1 else ""
    return ordered[0] + more if ordered else "nothing"


@dataclass
class _Pending:
    """What the observer has reported since the loop last took a batch."""

    notes: set[str] = field(default_factory=set)
    rescan: list[str] = field(default_factory=list)  # why: the folders, or OVERFLOW
    config: bool = False
    agenda: bool = False
    board: bool = False
    vault_gone: bool = False
    first: float | None = None  # monotonic times of the first and the latest event
    last: float = 0.0

    def add(self, kind: str, rel: str) -> None:
        if kind == NOTE:
            self.notes.add(rel)
        elif kind == RESCAN and rel not in self.rescan:
            self.rescan.append(rel)
        elif kind == CONFIG:
            self.config = True
        elif kind == AGENDA:
            self.agenda = True
        elif kind == BOARD:
            self.board = True
        elif kind == VAULT_GONE:
            self.vault_gone = True
        self.last = time.monotonic()
        self.first = self.last if self.first is None else self.first


class Watcher:
    """Keeps one vault's agenda current until `stop()`. `run()` blocks (in a thread or in the
    main one); every regeneration goes to `on_regenerate`, one-line diagnostics to `report`."""

    def __init__(
        self,
        root: Path,
        config: Config,
        *,
        clock: Callable[[], datetime] = datetime.now,
        on_regenerate: Callable[[Regeneration], None] | None = None,
        report: Callable[[str], None] | None = None,
        quiet_period: float = 0.25,
        max_delay: float = 1.0,
        check_every: float = 1.0,
        observer_factory: Callable[[], BaseObserver] | None = None,
    ) -> None:
        self.root = root
        self.clock = clock
        self.on_regenerate = on_regenerate or (lambda _regeneration: None)
        self.report = report or (lambda _line: None)
        self.quiet_period = quiet_period
        self.max_delay = max_delay  # events that never pause still regenerate this often
        self.check_every = check_every
        self.observer_factory = observer_factory
        self.regenerations = 0  # agendas computed
        self.writes = 0  # agenda notes written (a computation may find nothing new)
        self.started = threading.Event()  # set once the first agenda is written
        self._state = VaultState(root, config)
        self._build = IncrementalBuild()  # each agenda recomputes only what the saves touched
        self._renderer = MarkdownRenderer()  # and rewrites only the lines of what changed
        self._board = BoardWriter(root)  # the board too
        self._agenda: AgendaWriter | None = None  # the agenda note as it was written
        self._look_at: float | None = None  # when to look at what was written (monotonic)
        self._root = str(root)
        self._root_id = _identity(root)
        self._vault: Vault | None = None
        self._today: date | None = None
        self._block: str | None = None  # the agenda last written, to restore it if edited
        self._failed = False  # the last regeneration failed: try again on the next event
        self._edits = UserEdits()  # what the last agenda showed of the user's edits
        self._written: str | None = None  # the generated part it last wrote (or found there)
        # a git operation half done in the vault's repository ("a rebase"), asked before each
        # write (None: no repository); and the one the agenda is being held back for
        self._busy: Callable[[], str | None] | None = None
        self._held: str | None = None
        self._lock = threading.Lock()
        self._pending = _Pending()
        self._wake = threading.Event()
        self._stop = threading.Event()

    @property
    def config(self) -> Config:
        return self._state.config

    def stop(self) -> None:
        """Ask `run()` to return; safe from any thread and from a signal handler."""
        self._stop.set()
        self._wake.set()

    def notice(self, event_type: str, src: str, dest: str = "", is_directory: bool = False
               ) -> None:
        """Record one file event (from the observer's thread); `dest` is a move's target."""
        found = [classify(self._root, self.config, event_type, src, is_directory)]
        if dest:
            found.append(classify(self._root, self.config, "created", dest, is_directory))
        meanings = [meaning for meaning in found if meaning is not None]
        if (not meanings and self._state.has_links and event_type not in READ_ONLY_EVENTS
                and src.startswith(self._root + os.sep)
                and not any(part.startswith(".") for part in src[len(self._root):].split(os.sep))):
            # a file a symbolic link names may be a note under the link's name
            meanings = [(RESCAN, "a file a link points to")]
        if meanings:
            with self._lock:
                for kind, rel in meanings:
                    self._pending.add(kind, rel)
            self._wake.set()

    def notice_overflow(self, *, quiet: bool = False) -> None:
        """Events were lost (the OS event queue overflowed): rescan the whole vault."""
        with self._lock:
            first = OVERFLOW not in self._pending.rescan  # watchdog logs an overflow twice
            self._pending.add(RESCAN, OVERFLOW)
        if first and not quiet:
            self.report("events were lost (the file event queue overflowed): rescanning the vault")
        self._wake.set()

    def run(self) -> None:
        """Write the agenda, then keep it current until `stop()`. A JobJournalError before the
        first agenda is written (a refused agenda note, an unwatchable folder) is raised, and so
        is VaultError when the vault folder disappears; anything else is reported, then survived."""
        log_handler = _WatchdogLog(self)
        logging.getLogger("watchdog").addHandler(log_handler)
        observer = None
        try:
            # watch first, then read: a save between the two is seen twice rather than never
            observer = self._start_observer()
            from jobjournal.git.repo import operations_of

            self._busy = operations_of(self.root)
            vault = self._state.refresh()
            try:
                self._regenerate("start", vault, ())
            except JobJournalError:
                raise
            except Exception as exc:  # a bug: say so, and try again on the next event
                self._report_bug(exc)
            self.started.set()
            while not self._stop.is_set():
                self._wake.wait(self._timeout())
                self._wake.clear()
                if self._stop.is_set():
                    break
                self._check_vault()
                try:
                    self._step()
                except VaultError:
                    raise  # the vault is gone: nothing left to watch
                except JobJournalError as exc:
                    self.report(f"error: {exc.message}")
                except Exception as exc:  # a bug must not stop the watcher: report it, go on
                    self._report_bug(exc)
        finally:
            logging.getLogger("watchdog").removeHandler(log_handler)
            if observer is not None:
                observer.stop()
                if observer.is_alive():
                    observer.join()

    def _report_bug(self, exc: Exception) -> None:
        self.report(f"error: {type(exc).__name__}: {exc} (a bug in jobjournal: please report "
                    "it; the watcher keeps going, and tries again at the next change)")

    def _timeout(self) -> float:
        with self._lock:
            first, last = self._pending.first, self._pending.last
        if first is not None:
            due = min(last + self.quiet_period, first + self.max_delay)
            return max(0.0, due - time.monotonic())
        # just past midnight, so that the clock reads the new date when the loop looks
        wait = min(self.check_every, seconds_until_midnight(self.clock()) + 0.01)
        if self._look_at is not None:
            wait = min(wait, max(0.0, self._look_at - time.monotonic()))
        return wait

    def _take(self) -> _Pending | None:
        """The pending batch once it has been quiet long enough (or has waited too long)."""
        with self._lock:
            pending, now = self._pending, time.monotonic()
            if pending.first is None:
                return None
            if not (now - pending.last >= self.quiet_period or pending.vault_gone
                    or now - pending.first >= self.max_delay):
                return None
            self._pending = _Pending()
            return pending

    def _step(self) -> None:
        batch = self._take()
        today = self.clock().date()
        assert self._vault is not None  # set by the first regeneration
        if batch is None:
            if today != self._today:
                self._regenerate("midnight", self._vault, ())
            elif self._held is not None and self._idle() and self._operation() is None:
                # (with events still gathering, their batch writes it, from the notes as they
                # are now, rather than this tick from the notes as they were)
                self._regenerate(f"after {self._held}", self._vault, ())
            elif self._look_at is not None and time.monotonic() >= self._look_at:
                # idle a while after writing: one look at what was written, so that the next
                # save finds the files trusted by their stat signature (see AgendaWriter)
                self._look_at = None
                self._agenda_writer(self.config).untouched()
                self._board.untouched(self.config)
            return
        if batch.vault_gone:
            self._check_vault(gone=True)
        files = self._state.files
        config_changed = batch.config and self._reload_config()
        full = config_changed or bool(batch.rescan)
        # what was held before: a note read again, added or removed gets a new FileState (or None)
        before = dict(files) if full else {path: files.get(path) for path in batch.notes}
        if full:
            vault = self._state.refresh()
        else:
            vault = self._state.update(batch.notes) if batch.notes else self._vault
        after = self._state.files
        paths = before.keys() | after.keys() if full else before.keys()
        changed = tuple(sorted(path for path in paths if before.get(path) is not after.get(path)))
        new_day = today != self._today
        if config_changed or changed or new_day or self._failed or not _same(vault, self._vault):
            reasons = [CONFIG_NAME] if config_changed else []
            if changed:
                reasons.append(describe(changed))
            elif batch.rescan:
                reasons.append(f"rescan ({', '.join(batch.rescan)})")
            if new_day:
                reasons.append("midnight")
            self._regenerate(", ".join(reasons) or "retry", vault, changed)
        elif batch.agenda and not self._own_agenda():
            self._agenda_edited(vault, today)
        elif batch.board:
            self._board_edited(vault, today)

    def _board_edited(self, vault: Vault, today: date) -> None:
        """The board changed: a card the user moved sets its note's status (with the agenda's
        ticks, see _apply), and the board is written again; our own writes end in the
        comparison with the board written last."""
        operation = self._operation()
        if operation is not None:  # it waits for the operation's end (see _step)
            self._held = self._held or operation
            return
        if not self._board.untouched(self.config) and not is_own_write(self.root, self.config):
            edits = self._apply(vault, today, always=True)  # the cards moved, and any tick
            self._regenerate(f"{self.config.board.path} edited", vault, (), edits)

    def _agenda_edited(self, vault: Vault, today: date) -> None:
        """Someone else edited, replaced or deleted the agenda note (our own writes end here
        too). What the user ticked or typed in it is applied, and the agenda regenerated; else
        its generated part is put back (our own writes compare equal: no write, no loop)."""
        operation = self._operation()
        if operation is not None:  # what it asks waits for the operation's end (see _step)
            self._held = self._held or operation
            return
        edits = self._apply(vault, today, always=True)
        assert edits is not None
        if edits.applied or edits.shown or self._edits.shown:
            self._regenerate(f"{self.config.agenda.path} edited", vault, (), edits)
            return
        if self._block is not None and self._agenda_writer(self.config).write(self._block, None):
            self.writes += 1
            self.report(f"{self.config.agenda.path} was changed outside jobjournal: restored")

    def _own_agenda(self) -> bool:
        """Whether the agenda note is the one written last (the event of our own write), with no
        line carried over in it: then there is nothing to see in it."""
        return (self._agenda_writer(self.config).untouched() and not self._edits.carried
                and not self._edits.shown)

    def _agenda_writer(self, config: Config) -> AgendaWriter:
        if self._agenda is None or self._agenda.relpath != config.agenda.path:
            self._agenda = AgendaWriter(self.root, config.agenda.path)
        return self._agenda

    def _apply(self, vault: Vault, today: date, *, always: bool = False) -> UserEdits | None:
        """Apply what the user did in the agenda note (vault/user_edits.py), finding the items
        it names in the agenda of `vault`; a failure is reported, and nothing applied. None,
        unless `always`, when the note holds just what the watcher wrote last and no line waits
        to be applied: then there is nothing to read."""
        cfg = vault.config
        if not always and self._written is not None and not self._edits.carried:
            if self._agenda_writer(cfg).untouched():
                return None  # the note is the one written last: nothing to read
            try:
                text = (self.root / cfg.agenda.path).read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError):
                text = None
            if text is not None and generated_part(text).replace("\r\n", "\n") == self._written:
                return None

        def current() -> Agenda:
            return self._build.build(vault.notes, today, cfg, paths=vault.paths,
                                     problems=vault.problems)

        try:
            edits = apply_user_edits(self.root, cfg, today, self.clock(), current=current)
        except JobJournalError as exc:
            self.report(f"error: {exc.message}")
            return UserEdits()
        for line in edits.applied:
            self.report(f"applied: {line}")
        return edits

    def _regenerate(self, reason: str, vault: Vault, changed: tuple[str, ...],
                    edits: UserEdits | None = None) -> None:
        now = self.clock()
        today = now.date()
        # set first: after a failure, try again on the next event, not on every tick
        self._vault, self._today, self._failed, self._block = vault, today, True, None
        operation = self._operation()
        if edits is None:
            # what the user ticked first (not while git is busy: it waits for the operation)
            edits = UserEdits() if operation is not None else self._apply(vault, today)
            if edits is None:  # nobody touched the agenda note since: what it showed stands
                edits = UserEdits(problems=self._edits.problems, marks=self._edits.marks)
        if edits.edited:  # the notes the ticks changed, read again at once
            vault = self._vault = self._state.update(edits.edited)
            changed = tuple(sorted({*changed, *edits.edited}))
        self._edits = edits
        cfg = vault.config
        built = self._build.build(
            vault.notes, today, cfg, paths=vault.paths, problems=vault.problems
        )
        agenda = edits.onto(built)
        block = self._renderer.render(agenda, cfg)
        self.regenerations += 1
        if operation is not None:
            # Writing now would get in git's way (a rebase stops on a changed file) or undo a
            # merge's work: held back, written on the first tick after the operation is done.
            if self._held is None:
                self.report(f"{operation} is in progress: {cfg.agenda.path} will be written "
                            "once it is done")
            self._held = operation
            return
        try:
            written = self._agenda_writer(cfg).write(block, last=self._written,
                                                     data=self._renderer.data)
        except MarkedMeanwhile:
            # the user ticked a line since: the agenda note's event is on its way, and its
            # regeneration applies the tick first; nothing is overwritten
            return
        self._board.write(cfg, vault.notes, built.items, vault.paths,
                          self._build.take_recomputed())
        self._block = self._written = block
        self._failed, self._held = False, None
        self._look_at = time.monotonic() + LOOK_AFTER
        self.writes += written
        self.on_regenerate(Regeneration(now, today, reason, changed, written, agenda,
                                        self._renderer.summary))

    def _idle(self) -> bool:
        """Whether no event waits to be taken."""
        with self._lock:
            return self._pending.first is None

    def _operation(self) -> str | None:
        """The git operation half done in the vault's repository, if any (see gitops)."""
        try:
            return self._busy() if self._busy is not None else None
        except OSError:
            return None  # the repository can't be looked at: nothing to wait for

    def _reload_config(self) -> bool:
        """Read `.jobjournal.toml` again; True when the settings changed. A bad config is
        reported in one line and the last good one kept."""
        try:
            config = load_config(self.root)
        except JobJournalError as exc:
            self.report(f"error: {exc.message} (keeping the previous settings)")
            return False
        if config == self._state.config:
            return False
        self._state = self._state.with_config(config)
        return True

    def _check_vault(self, *, gone: bool = False) -> None:
        if gone or _identity(self.root) != self._root_id:
            gone_why = "deleted, moved or unmounted"
            raise VaultError(f"the vault folder {self.root} is gone ({gone_why}): watch stopped")

    def _start_observer(self) -> BaseObserver:
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        handler = _event_handler(self)
        observer = self.observer_factory() if self.observer_factory else Observer()
        observer.schedule(handler, self._root, recursive=True)
        try:
            observer.start()
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EMFILE):
                raise VaultError(f"cannot watch {self.root}: {exc.strerror or exc}") from exc
            self.report(
                f"the system's limit on watched folders is reached ({exc.strerror or exc}): "
                f"looking for changes every {POLL_INTERVAL:g} s instead (on Linux, raise "
                "fs.inotify.max_user_watches to watch without polling)"
            )
            observer = PollingObserver(timeout=POLL_INTERVAL)
            observer.schedule(handler, self._root, recursive=True)
            observer.start()
        return observer


def _same(a: Vault, b: Vault) -> bool:
    """Whether two loads give the agenda the same input; cheap, as unchanged notes are the same
    objects (tuple comparison checks identity first)."""
    return (a.config, a.paths, a.notes, a.problems) == (b.config, b.paths, b.notes, b.problems)


def _identity(root: Path) -> tuple[int, int] | None:
    """The vault folder's (device, inode): it changes when the folder is replaced or unmounted."""
    try:
        st = os.stat(root)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None


def _event_handler(watcher: Watcher) -> FileSystemEventHandler:
    """A watchdog handler passing every event to `watcher.notice`."""
    from watchdog.events import FileSystemEventHandler

    class Handler(FileSystemEventHandler):
        def dispatch(self, event: FileSystemEvent) -> None:
            dest = getattr(event, "dest_path", "") or ""
            try:
                watcher.notice(
                    event.event_type, os.fsdecode(event.src_path), os.fsdecode(dest),
                    event.is_directory,
                )
            except Exception as exc:  # raised here, it would end watchdog's thread
                watcher.report(f"error: cannot handle {event!r}: {exc}; rescanning")
                watcher.notice_overflow(quiet=True)

    return Handler()


class _WatchdogLog(logging.Handler):
    """watchdog reports an overflowed event queue only in its log: that becomes a rescan, and
    its other warnings one line each (instead of Python's bare default output)."""

    def __init__(self, watcher: Watcher) -> None:
        super().__init__(logging.WARNING)
        self._watcher = watcher

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "overflow" in message.lower():
            self._watcher.notice_overflow()
        else:
            self._watcher.report(f"watchdog: {(message.splitlines() or ['?'])[0]}")
