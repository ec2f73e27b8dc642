"""`jobjournal watch`: keep the agenda note current while the vault changes."""

from __future__ import annotations

import contextlib
import gc
import signal
import threading
import warnings
from collections.abc import Callable, Iterator
from types import FrameType
from typing import TYPE_CHECKING

import click

from jobjournal.cli.common import find_root, vault_option

if TYPE_CHECKING:
    from jobjournal.git.repo import AutoCommitter
    from jobjournal.vault.watcher import Regeneration, Watcher

#: Signals that stop the watcher cleanly: Ctrl-C, `kill`, the terminal closing.
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


@click.command()
@vault_option
@click.option(
    "-q", "--quiet", is_flag=True,
    help="Print nothing for each regeneration; errors still go to stderr.",
)
@click.option(
    "--commit", "commit", is_flag=True,
    help="Also commit changed notes to git after a quiet period ([git] commit_delay_seconds, "
    "default 60), in a commit naming them; never during a merge or rebase, never a file "
    "holding conflict markers.",
)
@click.pass_context
def watch(ctx: click.Context, quiet: bool, commit: bool) -> None:
    """Keep the agenda note current while you edit your notes.

    Runs until you press Ctrl-C. Save a note (in Obsidian or any other editor;
    creating, renaming, moving and deleting notes and folders count too) and
    within about a second the agenda note is worked out again; it is rewritten
    only when its content changes, so Obsidian, sync tools and git see no churn.
    At midnight it is rewritten for the new day, even if nothing changed.

    With --commit (in a git repository), the notes that changed are committed
    once they have been quiet for [git] commit_delay_seconds, with the agenda,
    in a commit naming them: "jobjournal: update Interviews/Acme.md (+2 more)".

    One line per regeneration: the time, what changed, and what is due:

    \b
      14:02:11  Interviews/Acme.md → Agenda.md updated: 1 call back · 2 upcoming

    A note jobjournal can't read shows up under Problems in the agenda and the
    watcher keeps going; so does a bad edit of .jobjournal.toml (the previous
    settings stay until it is fixed). Only one watch runs per vault (it holds a
    lock in your runtime folder, never in the vault): a second one says which
    process holds it and exits with status 2. The watcher always works with the
    real date; for another day, use `jobjournal agenda --today`.

    \b
    To keep it running in the background:
      nohup jobjournal watch --quiet --vault ~/JobHunt &
    or as a systemd user service or a launchd agent.
    """
    from jobjournal.vault.locks import vault_lock
    from jobjournal.vault.watcher import Watcher

    root, config = find_root(ctx)

    def show(regeneration: Regeneration) -> None:
        if not quiet:
            click.echo(regeneration_line(regeneration, watcher.config.agenda.path))

    def settle(regeneration: Regeneration) -> None:
        if regeneration.reason == "start":
            # the notes just loaded live as long as the process: keep them out of the cyclic
            # garbage collector's scans, which otherwise slow every regeneration of a big vault
            gc.freeze()

    hooks: list[Callable[[Regeneration], None]] = [settle, show]
    committer = None
    if commit:
        from jobjournal.git.repo import AutoCommitter

        # before the lock and the first load: a vault outside git is an error at once (exit 2)
        committer = AutoCommitter(root, config, report=lambda line: report(line))
        hooks.append(lambda regeneration: committer.notice(regeneration.changed))

    def on_regenerate(regeneration: Regeneration) -> None:
        for hook in hooks:
            hook(regeneration)

    def report(line: str) -> None:
        click.echo(f"{watcher.clock():%H:%M:%S}  {line}", err=True)

    watcher = Watcher(root, config, on_regenerate=on_regenerate, report=report)
    with vault_lock(root):
        if not quiet:
            click.echo(f"Watching {root} (Ctrl-C to stop)", err=True)
        with stop_on_signals(watcher), contextlib.suppress(KeyboardInterrupt), (
            warnings.catch_warnings()
        ):
            # watchdog warns (in several lines) when it adds a new folder's watch twice: harmless
            warnings.filterwarnings("ignore", category=RuntimeWarning, module="watchdog")
            with committing(committer, report):
                watcher.run()  # a Ctrl-C before the handlers were in place ends here too
    if not quiet:
        click.echo("Stopped.", err=True)


def regeneration_line(regeneration: Regeneration, agenda_path: str) -> str:
    """`14:02:11  Interviews/Acme.md (+2 more) → Agenda.md updated: 1 overdue · 2 upcoming`."""
    state = "updated" if regeneration.written else "unchanged"
    return (
        f"{regeneration.at:%H:%M:%S}  {regeneration.reason} → {agenda_path} {state}: "
        f"{regeneration.summary}"
    )


@contextlib.contextmanager
def committing(committer: AutoCommitter | None, report: Callable[[str], None]) -> Iterator[None]:
    """While the block runs, ask `committer` every second whether the changes it noticed have
    been quiet long enough to commit (its own thread: the watcher waits on filesystem events)."""
    if committer is None:
        yield
        return
    from jobjournal.errors import JobJournalError

    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(1.0):
            try:
                message = committer.poll()
            except JobJournalError as exc:
                report(f"error: {exc.message}")
                continue
            if message:
                report(f"committed: {message}")

    thread = threading.Thread(target=loop, name="jobjournal-commit", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@contextlib.contextmanager
def stop_on_signals(watcher: Watcher) -> Iterator[None]:
    """Turn Ctrl-C, SIGTERM and SIGHUP into `watcher.stop()` for the block (a clean exit 0, no
    traceback), then put the previous handlers back. Signals can only be caught in the main
    thread: elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(_signum: int, _frame: FrameType | None) -> None:
        watcher.stop()

    previous = {sig: signal.signal(sig, stop) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
