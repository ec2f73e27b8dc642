"""Work a command leaves for after its output, so that neither the user nor a script waits for it.

What is left for later: writing the parse cache (cache.py), which only the next run needs. When
jobjournal runs as the `jobjournal` command (`cli.main` calls `enable`), such work is collected
while the command runs; once its output is flushed, `finish` hands it to a forked child, detached
from the terminal, and the command ends without waiting for it. Everywhere else (tests, a library
call), and where forking is not possible, it is done at once, as if it had never been deferred.

Safe because a deferred write is a cache write: atomic (a temporary file renamed over the old one,
see `cache._write_atomically`), so a reader sees the old file or the new one; one killed half-way
leaves at most a stray temporary file, which no run reads. A run that starts before the child is
done finds the previous cache (or none) and reads what it must, as it would have anyway.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable

from jobjournal.vault.parallel import can_fork

_tasks: list[Callable[[], None]] | None = None
_handed_over: list[list[Callable[[], None]]] = []


def enable() -> None:
    """Collect work from now on, for `finish` (only the `jobjournal` command does this)."""
    global _tasks
    _tasks = []


def defer(task: Callable[[], None]) -> None:
    """Run `task` once the command's output is out; at once when nothing is being collected."""
    if _tasks is None:
        task()
    else:
        _tasks.append(task)


def stop_deferring() -> None:
    """Do deferred work at once from now on, and what waits now: for a command that runs on
    (`serve`), whose output is never over and which must not fork while it runs threads."""
    global _tasks
    tasks, _tasks = _tasks or [], None
    for task in tasks:
        task()


def pending() -> int:
    """How many tasks wait for `finish`."""
    return len(_tasks or ())


def run_pending() -> None:
    """Run what was deferred: in a forked child detached from the terminal (this process goes
    on, and may exit while the child works), or here and now when that can't be."""
    global _tasks
    tasks, _tasks = _tasks or [], None
    if not tasks:
        return
    if can_fork():
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError:
            pid = -1
        if pid == 0:  # the child: never returns
            code = 0
            try:
                os.setsid()  # out of the terminal's process group: Ctrl-C or a hang-up is ours
                null = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):  # nobody waits on our end of a pipe (`| jq`, a benchmark)
                    os.dup2(null, fd)
                # Work once the parent is gone (it exits at once): the pages both share are
                # then this process's alone, rather than copied while the parent still holds
                # them, so memory never peaks above the command's own.
                deadline = time.monotonic() + 2
                while os.getppid() == parent and time.monotonic() < deadline:
                    time.sleep(0.001)
                for task in tasks:
                    task()
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        if pid > 0:
            # Kept, not dropped: letting go of what the tasks hold would touch the count of
            # references of every object in it, copying the pages the child shares (time and
            # memory, just before this process exits).
            _handed_over.append(tasks)
            return
    for task in tasks:
        task()


def finish() -> None:
    """The command is done: flush its output, then hand what was deferred to a child (an output
    that can't be flushed is reported by Python as usual when the process ends)."""
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
        sys.stderr.flush()
    run_pending()
