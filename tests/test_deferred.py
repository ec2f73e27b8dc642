"""Cache writes left for after the output (jobjournal/vault/background.py; docs/design.md,
"Work after the output"): done by a detached child that never holds the command's output open,
and never trusted when that child dies half-way."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jobjournal.vault import background as deferred
from jobjournal.vault import cache

from .conftest import TODAY

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
generate = importlib.import_module("generate").generate  # benchmarks/generate.py

needs_fork = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks on Linux only")


def _python(
    code: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env=env, timeout=120, cwd=REPO)


def _wait_for(condition: object, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.02)
    return False


def test_without_the_command_deferred_work_is_done_at_once() -> None:
    assert deferred._tasks is None  # tests, watchers and library calls never enable it
    done: list[int] = []
    deferred.defer(lambda: done.append(1))
    assert done == [1]
    assert deferred.pending() == 0


@needs_fork
def test_deferred_work_runs_after_the_process_has_exited_and_left_its_pipes(
    tmp_path: Path,
) -> None:
    go, done = tmp_path / "go", tmp_path / "done"
    code = f"""
import os, sys, time
from jobjournal.vault import background as deferred

def task():
    deadline = time.monotonic() + 20
    while not os.path.exists({str(go)!r}) and time.monotonic() < deadline:
        time.sleep(0.01)
    open({str(done)!r}, "w").write("written")

deferred.enable()
deferred.defer(task)
print("the output")
deferred.finish()
raise SystemExit(3)
"""
    # capture_output: run() returns only once every holder of the pipes has closed them
    result = _python(code)
    assert (result.returncode, result.stdout, result.stderr) == (3, "the output\n", "")
    assert not done.exists()  # the task waits for `go`: the command did not wait for the task
    go.touch()
    assert _wait_for(done.exists)
    assert done.read_text() == "written"


def _vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    generate(root, cache.MIN_FILES + 50, seed=5, today=TODAY)
    when = time.time() - 3600  # not saved "just now": its parses may be kept
    for path in root.rglob("*.md"):
        os.utime(path, (when, when))
    return root


_RUN = """
import sys
from jobjournal.cli.main import main
sys.argv = ["jobjournal", *sys.argv[1:]]
main()
"""

_DIE_WHILE_WRITING = """
import os, pickle, signal, sys
from jobjournal.vault import cache

def dump(obj, file, protocol=None):  # the writer is killed half-way through its first file
    data = pickle.dumps(obj, protocol)
    file.write(data[: len(data) // 2])
    file.flush()
    os.kill(os.getpid(), signal.SIGKILL)

cache.pickle.dump = dump
from jobjournal.cli.main import main
sys.argv = ["jobjournal", *sys.argv[1:]]
main()
"""


@needs_fork
def test_the_command_writes_its_cache_after_its_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _vault(tmp_path)
    monkeypatch.setenv("JOBJOURNAL_CACHE_DIR", str(tmp_path / "cache"))
    env = dict(os.environ)
    args = ("agenda", "--json", "--today", TODAY.isoformat(), "--vault", str(root))
    expected = _python(_RUN, *args, "--no-cache", env=env).stdout
    cold = _python(_RUN, *args, env=env)
    assert (cold.returncode, cold.stdout) == (0, expected)
    files = cache.cache_files(root)
    assert files is not None
    assert _wait_for(lambda: all(path.exists() for path in files))
    assert _python(_RUN, *args, env=env).stdout == expected


@needs_fork
def test_a_cache_whose_writer_was_killed_half_way_is_never_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _vault(tmp_path)
    folder = tmp_path / "cache"
    monkeypatch.setenv("JOBJOURNAL_CACHE_DIR", str(folder))
    env = dict(os.environ)
    args = ("agenda", "--json", "--today", TODAY.isoformat(), "--vault", str(root))
    expected = _python(_RUN, *args, "--no-cache", env=env).stdout
    dying = _python(_DIE_WHILE_WRITING, *args, env=env)
    assert (dying.returncode, dying.stdout) == (0, expected)  # the output came first, whole
    assert _wait_for(lambda: folder.exists() and any(folder.iterdir()))
    time.sleep(0.2)  # the writer is gone (killed); nothing more comes
    files = cache.cache_files(root)
    assert files is not None
    assert not any(path.exists() for path in files)  # only a temporary file, never renamed
    # the next run reads every note again, prints the same and writes a whole cache
    from jobjournal.config import load_config

    run = cache.CachedVault.open(root, load_config(root))
    assert run.result("json", TODAY) is None
    assert run._load_parses() == ([], {})
    assert _python(_RUN, *args, env=env).stdout == expected
    assert _wait_for(lambda: all(path.exists() for path in files))
    assert _python(_RUN, *args, env=env).stdout == expected


# --- the end of the command ---------------------------------------------------------------------

_NOISY = (
    "import sys\n"
    "from jobjournal.vault import background\n"
    "class Noisy:\n"
    "    def __del__(self):\n"
    "        sys.stderr.write('freed\\n')\n"
    "background.enable()\n"
)


def test_what_is_kept_is_never_freed_one_by_one_and_the_process_ends_at_once() -> None:
    done = _python(_NOISY + "background.keep(Noisy())\n"
                   "print('out', end='')\n"
                   "background.finish()\n"
                   "background.exit_now(3)\n"
                   "print('not reached')\n")
    assert (done.returncode, done.stdout, done.stderr) == (3, "out", "")


@pytest.mark.parametrize("other", ["atexit", "thread"])
def test_the_process_ends_as_usual_when_something_else_runs_at_its_exit(other: str) -> None:
    """A function registered with atexit, or another thread, still runs: `exit_now` returns,
    and the interpreter ends the process (freeing what was kept)."""
    setup = {
        "atexit": "import atexit\natexit.register(lambda: sys.stderr.write('atexit ran\\n'))\n",
        "thread": "import threading, time\nthreading.Thread(target=lambda: (time.sleep(0.3),"
                  " sys.stderr.write('thread ran\\n'))).start()\n",
    }[other]
    done = _python(_NOISY + setup + "background.keep(Noisy())\n"
                   "background.exit_now(3)\n"
                   "print('went on', end='')\n"
                   "sys.exit(4)\n")
    assert (done.returncode, done.stdout) == (4, "went on")
    assert f"{'atexit' if other == 'atexit' else 'thread'} ran" in done.stderr
    assert "freed" in done.stderr


def test_nothing_is_kept_outside_the_command() -> None:
    import weakref

    class Thing:
        pass

    thing = Thing()
    gone = weakref.ref(thing)
    deferred.keep(thing)  # not enabled: a test, a library call
    del thing
    assert gone() is None


def test_the_command_prints_its_json_and_its_exit_status_as_before(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    generate(root, 30, seed=5, today=TODAY)
    env = {**os.environ, "JOBJOURNAL_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "jobjournal", "agenda", "--json", "--today", str(TODAY)]
    done = subprocess.run([*command, "--vault", str(root)], capture_output=True, text=True,
                          env=env, timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("{") and done.stdout.endswith("}\n")
    refused = subprocess.run([*command, "--vault", str(tmp_path / "nowhere")],
                             capture_output=True, text=True, env=env, timeout=120, cwd=REPO)
    assert refused.returncode == 2
    assert "no such folder" in refused.stderr
