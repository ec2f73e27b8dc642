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

The end of the command is quick too: what it made lives until the process ends (`keep`), and the
process ends at once (`exit_now`) rather than have the interpreter free every object one by one,
which costs a cold run of 10,000 notes tens of milliseconds, when nothing else is left to run
then: no other thread, no function registered to run at exit.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable

_tasks: list[Callable[[], None]] | None = None
_handed_over: list[list[Callable[[], None]]] = []
_kept: list[object] = []


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


def keep(*objects: object) -> None:
    """Hold these objects until the process ends, when the command collects work for after its
    output (see `enable`): it needs them no more, but dropping them now would free them one by
    one, which `exit_now` spares. Elsewhere (tests, a command that runs on), nothing is held."""
    if _tasks is not None:
        _kept.extend(objects)


def stop_deferring() -> None:
    """Do deferred work at once from now on, and what waits now: for a command that runs on
    (`serve`), whose output is never over and which must not fork while it runs threads."""
    global _tasks
    tasks, _tasks = _tasks or [], None
    _kept.clear()
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
    from jobjournal.vault.parallel import can_fork

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


def exit_now(status: int) -> None:
    """End the process with `status` at once, its output flushed, without the interpreter's
    freeing of every object, when nothing else would run at its exit: no other thread, and no
    function registered with `atexit` (a library's clean-up). Returns when it can't be so."""
    ncallbacks = getattr(atexit, "_ncallbacks", None)
    if ncallbacks is None or ncallbacks() or threading.active_count() != 1:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return  # reported by Python as it ends, as usual
    os._exit(status)


def finish() -> None:
    """The command is done: flush its output, then hand what was deferred to a child (an output
    that can't be flushed is reported by Python as usual when the process ends)."""
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
        sys.stderr.flush()
    run_pending()
