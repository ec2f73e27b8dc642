"""Work split across forked processes, for the cold read of a large vault (docs/design.md,
"Parallel reading").

`run_chunks(work, count, others)` calls `work(index)` for every chunk index, in this process and
in `others` forked ones, and returns what each call gave, with its pickled bytes when it was done
elsewhere (pickled once, to travel, so a cache can keep them as they are). What comes back is
unpickled between this process's own chunks, so that little is left to do once all are done.

Why not a process pool: importing and starting one, and waiting for its processes to shut down,
costs a tenth of a second, as long as a process takes to read a thousand notes. Here:

- the chunks wait in a pipe, as 4-byte numbers that every process reads in turn: a read this
  small from a pipe is atomic, so each chunk is taken exactly once, and every process keeps taking
  them until the pipe is empty, so all finish together;
- a forked process sends each chunk's pickled result back through its own pipe, which this process
  drains between its own chunks, and leaves with `os._exit` when the queue is empty: nothing of
  the interpreter's shutdown, no finally clause of the code that forked it;
- a chunk whose result never came back (a process killed, or failing) is done here, so that a lost
  process costs time, never notes; an exception a chunk raised elsewhere is raised again here;
- a forked process dies with this one: the kernel kills it when its parent dies
  (`PR_SET_PDEATHSIG`), so a `kill -9` of the command leaves no process reading on for nobody.

Only where forking is safe: on Linux, while this process runs no other thread (see `can_fork`).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import struct
import sys
import threading
from collections.abc import Callable
from typing import Any

#: The most chunks one queue holds: their numbers must fit the pipe before anyone reads them.
MAX_CHUNKS = 8192
_NUMBER = struct.Struct("<I")
#: chunk index, then the length of the pickled result that follows
_HEADER = struct.Struct("<IQ")
_FAILED = 0xFFFFFFFF  # in place of a chunk index: the pickled exception follows
#: Hears, here, each chunk done wherever it was: its index and its value (as `run_chunks` gives it).
Done = Callable[[int, Any], None]


def can_fork() -> bool:
    """Whether work may go to forked processes: they start at once, with everything imported;
    but forking a process that runs other threads (a watcher's observer) can deadlock the
    child, so only when this process is alone."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def run_chunks(
    work: Callable[[int], Any], count: int, others: int, done: Done | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> list[tuple[Any, bytes | None]]:
    """(work(index), its pickled bytes or None) for every index in range(count), computed here
    and in `others` forked processes; the bytes are there when it was computed elsewhere.
    `done` hears each chunk finished, with its value, as soon as it is here: a chunk done
    elsewhere is heard between this process's own chunks. `meanwhile` is called here once the
    other processes have started, before this one takes chunks: work that needs none of the
    results (they take more chunks while it runs)."""
    if count > MAX_CHUNKS:
        raise ValueError(f"at most {MAX_CHUNKS} chunks, not {count}")
    results: list[tuple[Any, bytes | None]] = [(None, None)] * count
    finished = [False] * count
    try:
        queue_read, queue_write = os.pipe()
    except OSError:  # out of file descriptors: all of it here, as in one process
        others = 0
        queue_read = queue_write = -1
    children: dict[int, int] = {}  # the read end of each child's pipe → its pid
    try:
        if queue_write >= 0 and not _fill(queue_write, count):
            others = 0  # the pipe can't hold them all (a user over the pipe limit): all here
            os.close(queue_read)
            queue_read = -1
        for _ in range(others):
            if not _fork(work, queue_read, children):
                break  # no more processes to be had: fewer do the work
        if meanwhile is not None:
            meanwhile()
        pending = {fd: bytearray() for fd in children}
        while queue_read >= 0 and (index := _take(queue_read)) is not None:
            value = results[index] = (work(index), None)
            finished[index] = True
            if done is not None:
                done(index, value[0])
            _drain(pending, results, finished, done, wait=False)
        while pending:
            _drain(pending, results, finished, done, wait=True)
    except BaseException:
        for pid in children.values():  # nothing they do now would be used
            _kill(pid)
        raise
    finally:
        if queue_read >= 0:
            os.close(queue_read)
        for fd in children:
            _close_quietly(fd)
        for pid in children.values():
            _reap(pid)
    for index in range(count):
        if not finished[index]:  # its process was lost on the way (or never was): done here
            value = results[index] = (work(index), None)
            if done is not None:
                done(index, value[0])
    return results


def _fill(queue: int, count: int) -> bool:
    """Put every chunk number in the queue and close its writing end; False (the queue closed
    unfilled) when the pipe has no room for them all: a blocking write would wait forever."""
    numbers = b"".join(_NUMBER.pack(index) for index in range(count))
    _widen(queue)
    os.set_blocking(queue, False)
    try:
        written = os.write(queue, numbers)
    except BlockingIOError:
        written = 0
    finally:
        os.close(queue)  # once the numbers are taken, reads find the end of the pipe
    return written == len(numbers)


def _fork(work: Callable[[int], Any], queue: int, children: dict[int, int]) -> bool:
    """Start one more process taking chunks from `queue`; False when the system refuses one
    (a process or file limit, or no memory)."""
    try:
        result_read, result_write = os.pipe()
    except OSError:
        return False
    _widen(result_write)
    sys.stdout.flush()
    sys.stderr.flush()
    parent = os.getpid()
    die_with_parent = _death_signal_setter()
    try:
        pid = os.fork()
    except OSError:
        os.close(result_read)
        os.close(result_write)
        return False
    if pid == 0:  # pragma: no cover - the forked process: measured by coverage nowhere
        if die_with_parent is not None:
            die_with_parent()
        if os.getppid() != parent:
            os._exit(1)  # the parent died before the kernel was told to kill us with it
        os.close(result_read)
        for fd in children:
            os.close(fd)
        _child(work, queue, result_write)
    os.close(result_write)
    children[result_read] = pid
    return True


_PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>
_death_signal: Callable[[], None] | None = None


def _death_signal_setter() -> Callable[[], None] | None:
    """A function that asks the kernel to SIGKILL the calling process when its parent dies
    (Linux's prctl PR_SET_PDEATHSIG, through ctypes), made once, before forking, so that a forked
    process has nothing to load; None where there is no such call."""
    global _death_signal
    if _death_signal is None and sys.platform.startswith("linux"):
        try:
            import ctypes

            prctl = ctypes.CDLL(None, use_errno=True).prctl
        except (OSError, AttributeError, ImportError):
            return None
        prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong,
                          ctypes.c_ulong]
        prctl.restype = ctypes.c_int

        def set_death_signal() -> None:
            prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

        _death_signal = set_death_signal
    return _death_signal


def _child(work: Callable[[int], Any], queue: int, out: int) -> None:  # pragma: no cover
    """The forked process: take chunks until none is left, send each result, leave at once."""
    status = 0
    try:
        while (index := _take(queue)) is not None:
            try:
                result = pickle.dumps(work(index), pickle.HIGHEST_PROTOCOL)
            except BaseException as exc:  # sent back, to be raised where it can be reported
                _send(out, _FAILED, _pickled_exception(exc))
                status = 1
                break
            _send(out, index, result)
    except BaseException:
        status = 1
    finally:
        os._exit(status)


def _pickled_exception(exc: BaseException) -> bytes:
    """The exception's words, then the exception pickled (when it can be): some exceptions
    pickle but can't be unpickled (an __init__ with other arguments), and then the words do."""
    words = f"{type(exc).__name__}: {exc}".encode("utf-8", "replace")
    try:
        pickled = pickle.dumps(exc, pickle.HIGHEST_PROTOCOL)
    except Exception:
        pickled = b""
    return _NUMBER.pack(len(words)) + words + pickled


def _raise_sent(payload: bytes) -> None:
    """Raise, here, the exception a forked process sent (see `_pickled_exception`)."""
    (size,) = _NUMBER.unpack_from(payload)
    words = payload[_NUMBER.size : _NUMBER.size + size].decode("utf-8", "replace")
    try:
        exc = pickle.loads(payload[_NUMBER.size + size :])
    except Exception:
        exc = None
    if isinstance(exc, BaseException):
        raise exc
    raise RuntimeError(words)


def _take(queue: int) -> int | None:
    """The next chunk's index from the queue; None when it is empty."""
    data = os.read(queue, _NUMBER.size)
    return _NUMBER.unpack(data)[0] if data else None


def _send(out: int, index: int, data: bytes) -> None:  # pragma: no cover
    view = memoryview(_HEADER.pack(index, len(data)) + data)
    while view:
        view = view[os.write(out, view):]


def _drain(
    pending: dict[int, bytearray], results: list[tuple[Any, bytes | None]],
    finished: list[bool], done: Done | None, *, wait: bool,
) -> None:
    """Read what the children sent (waiting for some when `wait`); a pipe at its end leaves
    `pending`. Every whole result read goes into `results`."""
    ready, _, _ = select.select(list(pending), [], [], None if wait else 0)
    for fd in ready:
        data = os.read(fd, 1 << 20)
        if not data:
            del pending[fd]  # that child is gone: what it sent is all there will be
            continue
        buffer = pending[fd]
        buffer += data
        start = 0
        while len(buffer) - start >= _HEADER.size:
            index, length = _HEADER.unpack_from(buffer, start)
            end = start + _HEADER.size + length
            if len(buffer) < end:
                break
            payload = bytes(buffer[start + _HEADER.size : end])
            if index == _FAILED:
                _raise_sent(payload)
            value = pickle.loads(payload)
            start = end
            results[index] = (value, payload)
            finished[index] = True
            if done is not None:
                done(index, value)
        del buffer[:start]


def _widen(fd: int) -> None:
    """Give a result pipe room for many chunks (Linux; harmless where it can't)."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except OSError:
        pass  # above /proc/sys/fs/pipe-max-size: the default room does, draining more often


def _close_quietly(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
