"""Work split across forked processes (jobjournal/parallel.py): every chunk done exactly once,
nothing lost when a process is, a failure elsewhere raised here."""

from __future__ import annotations

import os
import pickle
import time

import pytest

from jobjournal.vault import parallel

pytestmark = pytest.mark.skipif(
    not parallel.can_fork(), reason="forked work needs Linux and a single thread"
)


def _slow_here(parent: int, seconds: float):  # noqa: ANN202 - a test helper
    """Makes this process's chunks slow, so the forked ones surely take some."""
    def wait() -> None:
        if os.getpid() == parent:
            time.sleep(seconds)
    return wait


@pytest.mark.parametrize("others", [0, 1, 3])
def test_every_chunk_is_done_once_and_results_come_back_in_order(others: int) -> None:
    parent = os.getpid()
    slow = _slow_here(parent, 0.002)
    heard: dict[int, object] = {}

    def work(index: int) -> tuple[int, int, list[str]]:
        slow()
        return index, os.getpid(), ["x" * index]

    def done(index: int, value: object) -> None:
        assert index not in heard
        heard[index] = value

    results = parallel.run_chunks(work, 200, others, done)
    assert [value[0] for value, _ in results] == list(range(200))
    assert [value[2] for value, _ in results] == [["x" * i] for i in range(200)]
    # each chunk is heard once, with the very value returned for it
    assert sorted(heard) == list(range(200))
    assert all(heard[index] is value for index, (value, _) in enumerate(results))
    for value, blob in results:
        # a result from elsewhere comes with the bytes it travelled as; one made here without
        assert (blob is None) is (value[1] == parent)
        if blob is not None:
            assert pickle.loads(blob) == value
    if others:
        assert any(blob is not None for _, blob in results)


def test_the_chunks_of_a_process_that_dies_are_done_here() -> None:
    parent = os.getpid()
    slow = _slow_here(parent, 0.01)

    def work(index: int) -> int:
        if os.getpid() != parent and index % 3 == 0:
            os._exit(9)  # killed half-way through a chunk
        slow()
        return index * index

    results = parallel.run_chunks(work, 30, 2)
    assert [value for value, _ in results] == [i * i for i in range(30)]


def test_a_failure_elsewhere_is_raised_here() -> None:
    parent = os.getpid()
    slow = _slow_here(parent, 0.02)

    def work(index: int) -> int:
        if os.getpid() != parent:
            raise ValueError(f"chunk {index} is broken")
        slow()
        return index

    with pytest.raises(ValueError, match=r"chunk \d+ is broken"):
        parallel.run_chunks(work, 50, 1)


def test_an_exception_that_cannot_be_pickled_still_says_what_it_was() -> None:
    parent = os.getpid()
    slow = _slow_here(parent, 0.02)

    class Unpicklable(Exception):
        def __reduce__(self) -> tuple[object, ...]:
            raise TypeError("no")

    def work(index: int) -> int:
        if os.getpid() != parent:
            raise Unpicklable("deep trouble")
        slow()
        return index

    with pytest.raises(RuntimeError, match="Unpicklable: deep trouble"):
        parallel.run_chunks(work, 50, 1)


def test_large_results_travel_whole() -> None:
    parent = os.getpid()
    slow = _slow_here(parent, 0.01)

    def work(index: int) -> bytes:
        slow()
        return bytes([index]) * (3 << 20)  # larger than any pipe's room

    results = parallel.run_chunks(work, 6, 1)
    assert [value for value, _ in results] == [bytes([i]) * (3 << 20) for i in range(6)]
    assert any(blob is not None for _, blob in results)


def test_no_process_is_left_behind() -> None:
    before = _children()
    parallel.run_chunks(lambda index: index, 40, 3)
    assert _children() == before


def test_too_many_chunks_are_refused() -> None:
    with pytest.raises(ValueError, match="at most"):
        parallel.run_chunks(lambda index: index, parallel.MAX_CHUNKS + 1, 1)


def _children() -> set[int]:
    """The child processes of this one, zombies (not reaped) included (Linux)."""
    found = set()
    me = str(os.getpid())
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as file:
                    fields = file.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] == me:
                found.add(int(entry))
    return found



def test_when_no_process_can_be_started_everything_is_done_here(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse)
    heard: list[tuple[int, object]] = []
    results = parallel.run_chunks(lambda index: index + 1, 30, 2,
                                  lambda index, value: heard.append((index, value)))
    assert results == [(i + 1, None) for i in range(30)]
    assert sorted(heard) == [(i, i + 1) for i in range(30)]


def test_without_file_descriptors_to_spare_everything_is_done_here(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_pipe() -> tuple[int, int]:
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(os, "pipe", no_pipe)
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked without a pipe"))
    assert parallel.run_chunks(lambda index: -index, 12, 3) == [(-i, None) for i in range(12)]


def test_meanwhile_runs_here_once_while_the_others_take_chunks() -> None:
    parent = os.getpid()
    calls: list[int] = []

    def meanwhile() -> None:
        calls.append(os.getpid())
        time.sleep(0.3)  # the others take chunks meanwhile

    results = parallel.run_chunks(lambda index: index, 20, 1, meanwhile=meanwhile)
    assert calls == [parent]
    assert [value for value, _ in results] == list(range(20))
    assert any(blob is not None for _, blob in results)


class _TwoArguments(Exception):
    def __init__(self, what: str, where: int) -> None:
        super().__init__(f"{what} at {where}")


def test_an_exception_that_pickles_but_cannot_be_unpickled_still_says_what_it_was() -> None:
    parent = os.getpid()
    slow = _slow_here(parent, 0.02)

    def work(index: int) -> int:
        if os.getpid() != parent:
            raise _TwoArguments("bad chunk", index)
        slow()
        return index

    with pytest.raises(RuntimeError, match=r"_TwoArguments: bad chunk at \d+"):
        parallel.run_chunks(work, 50, 1)


def test_a_queue_pipe_too_small_for_every_chunk_number_means_all_of_it_here(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    import fcntl

    # a user over the pipe limit gets one-page pipes: 2,000 chunk numbers don't fit in one
    monkeypatch.setattr(parallel, "_widen", lambda fd: fcntl.fcntl(fd, 1031, 4096))
    before = _children()
    assert parallel.run_chunks(lambda index: index, 2000, 1) == [(i, None) for i in range(2000)]
    assert _children() == before


_KILLED_PARENT = """
import sys, time
from jobjournal.vault import parallel

def work(index):
    time.sleep(60)  # every process, this one too, is busy with a chunk when the kill comes

print("started", flush=True)
parallel.run_chunks(work, 8, 3)
"""


def _children_of(pid: int) -> set[int]:
    """The processes whose parent is `pid` (from /proc: no ps needed)."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as file:
                    fields = file.read().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry))
    return found


def _running(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie waiting to be reaped is not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as file:
            return file.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def test_the_other_processes_die_with_a_parent_killed_with_sigkill() -> None:
    """kill -9 of a cold run leaves no process reading on for nobody: each dies with it."""
    import signal
    import subprocess
    import sys

    parent = subprocess.Popen([sys.executable, "-c", _KILLED_PARENT], stdout=subprocess.PIPE,
                              text=True)
    workers: set[int] = set()
    try:
        assert parent.stdout is not None and parent.stdout.readline() == "started\n"
        deadline = time.monotonic() + 10
        while len(workers := _children_of(parent.pid)) < 3:
            assert time.monotonic() < deadline, f"only {len(workers)} processes started"
            time.sleep(0.02)
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 5
        while alive := {pid for pid in workers if _running(pid)}:
            assert time.monotonic() < deadline, f"{len(alive)} processes outlived their parent"
            time.sleep(0.02)
    finally:
        parent.kill()
        for pid in workers:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)
