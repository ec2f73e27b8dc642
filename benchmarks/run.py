"""The speed benchmark (README, "Benchmarks"): generated vaults, real command runs, one table.

    python benchmarks/run.py                        # 1k, 10k and 50k notes, 5 runs each
    python benchmarks/run.py --sizes 1000,10000 --repeats 7
    python benchmarks/run.py --sizes 50 --repeats 1 --skip-naive   # a smoke run

Every vault is generated (benchmarks/generate.py) into a temporary folder, never into the
repository. The installed jobjournal is byte-compiled first, as `pip install` does, so that an
editable install is measured as a user's copy runs. Workloads, each run --repeats times
(medians reported):

- floor: read every .md byte with os.walk, in Python: the yardstick of every ratio;
- stat: stat every file (what a warm run can't avoid);
- naive: python-frontmatter `load` and markdown-it on every whole body (what a first, obvious
  implementation would cost), fewer runs since it is slow;
- cold: `jobjournal agenda --json` as a subprocess with an empty cache folder (imports count),
  timed until that process exits: what a user or a script waits for. The cache is written
  after the output, by a detached child the command leaves behind (vault/background.py); on
  Linux this script adopts and waits for it before the next run, and the row "cold, until its
  detached cache writer is done too" times the whole (nothing is timed while such a writer runs);
- warm: the same with the cache a previous run left, nothing changed;
- warm, new day: the cache is there but `--today` moves on, so the agenda is computed again;
- watch: one note saved → agenda and board written: the real watcher (`vault/watcher.py`) on
  real file events, its quiet period set to zero, timed from the append to a note until it has
  written the agenda note and the pipeline board; a line after the table sets the sizes side by
  side;
- start-up: `jobjournal --help` beside `python -c "import click"`.

A ratio compares runs made over the same minutes: the floor, the cold run and the warm run are
timed in turn (floor, cold, warm, floor, …), and so are `import click` and `--help`, so that a
machine whose speed drifts while the benchmark runs (other work on it) moves both sides.

Peak memory is the most the command's process tree held at once (the sum of its processes'
proportional set sizes, sampled every 20 ms on Linux, in one more run that is not timed:
sampling takes CPU time from the command), or the process's own peak resident set from the
kernel when that is larger. The outputs of the cold, warm and single-process runs are compared
byte for byte. Nothing here is timed in CI: the test suite only
runs this script on a tiny vault to see that it completes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import TODAY  # noqa: E402

#: Goals (README, "Benchmarks"): ratios to the floor, milliseconds, megabytes.
COLD_GOAL = 6.0
WARM_GOAL = 1.6
WATCH_GOAL_MS = 50.0
STARTUP_GOAL = 2.0
MEMORY_GOAL_MB = 400.0
#: The vault size the goals are set for (cold and warm: this size and more).
GOAL_SIZE = 10_000


@dataclass
class Row:
    size: int | None
    workload: str
    seconds: list[float] = field(default_factory=list)
    peak_mb: float | None = None
    ratio_to: str = "floor"  # "floor", "click" or "" (no ratio)
    goal: str = ""
    check: Callable[[Row, dict[str, float]], bool] | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


# --- measuring a child process --------------------------------------------------------------


def _tree_memory(pid: int, page: int) -> int:
    """Memory of a process and its descendants, in bytes (Linux /proc; 0 elsewhere): the sum
    of their proportional set sizes, so that pages forked children share are counted once."""
    # Kept only when the tree is the same before and after, and no process in it is exiting:
    # a child forked, or a process freeing its pages as it exits, between two readings would
    # count the pages they share one and a half times (read in the parent before, they count
    # for all or half; in the child after, for half or all). An exiting process only frees.
    for _ in range(5):
        found = _tree(pid)
        total = 0
        for current in found:
            try:
                total += _pss(current, page)
            except (OSError, ValueError):
                continue
        if _tree(pid) == found and not any(_exiting(current) for current in found):
            return total
    return 0


def _exiting(pid: int) -> bool:
    """Whether a process is exiting (PF_EXITING in the flags of /proc/PID/stat)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
        return bool(int(fields[6]) & 0x4)
    except (OSError, ValueError, IndexError):
        return True  # gone


def _tree(pid: int) -> list[int]:
    """A process and its descendants (Linux /proc)."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            with open(f"/proc/{current}/task/{current}/children") as children:
                stack += [int(child) for child in children.read().split()]
        except (OSError, ValueError):
            continue
    return found


def _pss(pid: int, page: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    with open(f"/proc/{pid}/statm") as statm:  # no smaps_rollup: the resident set
        return int(statm.read().split()[1]) * page


def _become_subreaper() -> bool:
    """Linux: adopt this process's orphaned descendants (PR_SET_CHILD_SUBREAPER), so that the
    detached child a command leaves to write its cache can be waited for."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(36, 1, 0, 0, 0) == 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


SUBREAPER = False
#: Seconds from the start of the last run_child until every process it started had ended (its
#: deferred cache writer included), when that could be waited for; else None.
last_tree_seconds: float | None = None


def _reap_descendants() -> None:
    """Wait for the orphans this process adopted (a command's deferred cache writer)."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return
        except InterruptedError:
            continue


def run_child(
    args: Sequence[str], *, env: dict[str, str] | None = None, stdout: Path | None = None,
    sample: bool = True,
) -> tuple[float, float, bytes]:
    """Run a command; (wall seconds until it exits, peak resident MB of its tree, its stdout).
    Before returning, the processes it left behind (a deferred cache writer) are waited for,
    so that the next run never competes with them: see `last_tree_seconds`. Without `sample`,
    the tree's memory is not sampled (only the kernel's peak for the process is known)."""
    global last_tree_seconds
    page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
    out = open(stdout, "wb") if stdout else tempfile.TemporaryFile()  # noqa: SIM115
    with out:
        start = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.PIPE, env=env)
        peak = [0]
        done = threading.Event()

        def sample_tree() -> None:
            while not done.wait(0.02):
                peak[0] = max(peak[0], _tree_memory(proc.pid, page))

        sampler = threading.Thread(target=sample_tree, daemon=True)
        if sample:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        if sample:
            sampler.join()
        if SUBREAPER:
            _reap_descendants()
        last_tree_seconds = time.perf_counter() - start if SUBREAPER else None
        proc.returncode = os.waitstatus_to_exitcode(status)
        stderr = proc.stderr.read() if proc.stderr else b""
        if proc.stderr:
            proc.stderr.close()
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{stderr.decode()}")
        out.seek(0)
        data = out.read()
    # ru_maxrss is in KiB on Linux, bytes on macOS
    own = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return wall, max(peak[0], own) / 2**20, data


def _compile_package() -> None:
    """Byte-compile jobjournal where it is installed, as `pip install` does: otherwise, with
    PYTHONDONTWRITEBYTECODE set or a read-only checkout, an editable install compiles every
    module again on every run, which no installed copy does (click, the yardstick, is compiled)."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("jobjournal")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("jobjournal is not installed here: pip install -e . first")
    for folder in spec.submodule_search_locations:
        compileall.compile_dir(folder, quiet=1)


def _jobjournal() -> list[str]:
    script = Path(sys.executable).with_name("jobjournal")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from jobjournal.cli.main import main; main()"]


def _measure(kind: str, *args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--measure", kind, *args]


# --- in-process workloads, run in a child (`--measure KIND VAULT`) --------------------------


def _notes(root: str) -> list[str]:
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [os.path.join(folder, f) for f in files if f.endswith(".md")]
    return found


def measure_floor(root: str) -> float:
    """Read every .md byte under root (dot-folders skipped), as plainly as Python can."""
    start = time.perf_counter()
    total = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.endswith(".md"):
                with open(os.path.join(folder, name), "rb") as file:
                    total += len(file.read())
    return time.perf_counter() - start


def measure_stat(root: str) -> float:
    start = time.perf_counter()
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.endswith(".md"):
                os.stat(os.path.join(folder, name))
    return time.perf_counter() - start


def measure_naive(root: str) -> float:
    """python-frontmatter `load` on every file and markdown-it on every whole body."""
    start = time.perf_counter()
    import frontmatter
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    for path in _notes(root):
        try:
            post = frontmatter.load(path)
        except Exception:  # a broken note: the naive reader would have to skip it too
            continue
        md.parse(post.content)
    return time.perf_counter() - start


def measure_watch(root: str, today: str, saves: int) -> list[float]:
    """Per save: the time from appending a Log entry to a note until the watcher (the real one,
    `vault/watcher.py`, on real file events, without its quiet period) has written the agenda
    note and the pipeline board again. Between saves, its own writes' events are let pass.
    """
    import threading

    from jobjournal.cli.common import compute_agenda
    from jobjournal.config import load_config
    from jobjournal.core.markdown import render_markdown
    from jobjournal.vault.agenda_note import generated_part
    from jobjournal.vault.reader import load_vault
    from jobjournal.vault.watcher import Regeneration, Watcher

    day = date.fromisoformat(today)
    root_path = Path(root)
    config = load_config(root_path)
    done = threading.Event()
    ends: list[float] = []
    problems: list[str] = []

    def regenerated(_: Regeneration) -> None:
        ends.append(time.perf_counter())
        done.set()

    def reported(line: str) -> None:
        if line.startswith("error"):
            problems.append(line)

    watcher = Watcher(root_path, config, clock=lambda: datetime.combine(day, datetime.min.time()),
                      on_regenerate=regenerated, report=reported, quiet_period=0, max_delay=0)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    if not watcher.started.wait(600):
        raise SystemExit("watch: the watcher did not start")
    targets = sorted(os.path.relpath(p, root) for p in _notes(root)
                     if os.path.relpath(p, root).startswith(("Interviews/", "Contacts/")))
    step = max(1, len(targets) // max(1, saves))
    timings = []
    try:
        for n, path in enumerate(targets[::step][:saves]):
            _settle(watcher)
            done.clear()
            start = time.perf_counter()
            with open(os.path.join(root, path), "a", encoding="utf-8") as note:
                note.write(f"- {today} Called them again about it ({n})\n")
            if not done.wait(60):
                raise SystemExit(f"watch: no regeneration after saving {path}")
            timings.append(ends[-1] - start)
        _settle(watcher)
    finally:
        watcher.stop()
        thread.join(60)
    if problems:
        raise SystemExit("watch: " + "; ".join(problems))
    # what the watcher wrote must be what a fresh run writes
    fresh = render_markdown(compute_agenda(load_vault(root_path, config), day), config)
    written = generated_part((root_path / config.agenda.path).read_text("utf-8"))
    if fresh != written:
        raise SystemExit("watch: the agenda after single saves differs from a fresh build")
    return timings


def _settle(watcher: object, quiet: float = 0.3) -> None:
    """Wait until the watcher has done nothing for `quiet` seconds (the events of its own
    writes handled)."""
    count = -1
    while count != (count := getattr(watcher, "regenerations")):  # noqa: B009
        time.sleep(quiet)


def _measure_main(kind: str, args: list[str]) -> None:
    if kind == "floor":
        result: object = measure_floor(args[0])
    elif kind == "stat":
        result = measure_stat(args[0])
    elif kind == "naive":
        result = measure_naive(args[0])
    elif kind == "watch":
        result = measure_watch(args[0], args[1], int(args[2]))
    else:
        raise SystemExit(f"unknown measurement {kind}")
    print(json.dumps(result))


# --- the benchmark ----------------------------------------------------------------------------


@dataclass
class Timed:
    """One workload to time: its row, its command for run i, and how to run it (see _repeat)."""

    row: Row
    args: Callable[[int], list[str]]
    env: dict[str, str] | None = None
    before: Callable[[int], None] | None = None
    inner: bool = False
    outputs: list[bytes] | None = None
    tree: Row | None = None


def _repeat(
    row: Row, repeats: int, args: Callable[[int], list[str]], *, env: dict[str, str] | None = None,
    before: Callable[[int], None] | None = None, inner: bool = False,
    outputs: list[bytes] | None = None, tree: Row | None = None,
) -> None:
    """Run a child `repeats` times: its wall time, or the time it reports (`inner`); in `tree`,
    the time until every process it started had ended. Then once more, untimed, sampling the
    memory of its process tree: sampling takes CPU time from the command (on 2 cores, from the
    cores it runs on), so no timed run is sampled."""
    _alternate([Timed(row, args, env, before, inner, outputs, tree)], repeats)


def _alternate(workloads: Sequence[Timed], repeats: int) -> None:
    """`_repeat` for several workloads at once, one run of each in turn: a workload and the
    yardstick it is measured against (the floor, `import click`) are timed over the same
    minutes, so that a machine whose speed drifts (other work on it, its clock) moves both."""
    for i in range(repeats + 1):
        for timed in workloads:
            if timed.before is not None:
                timed.before(i)
            sampled = i == repeats
            wall, peak, data = run_child(timed.args(i), env=timed.env, sample=sampled)
            row = timed.row
            row.peak_mb = max(row.peak_mb or 0.0, peak)
            if sampled:
                continue
            if timed.inner:
                value = json.loads(data)
                row.seconds += value if isinstance(value, list) else [value]
            else:
                row.seconds.append(wall)
            if timed.tree is not None and last_tree_seconds is not None:
                timed.tree.seconds.append(last_tree_seconds)
            if timed.outputs is not None:
                timed.outputs.append(data)


def bench_size(
    size: int, workdir: Path, *, repeats: int, naive: bool, seed: int, today: date, saves: int
) -> list[Row]:
    vault = workdir / f"vault-{size}"
    # in a child, so that this process stays small: a child's peak memory counts what it
    # inherited before its exec
    subprocess.run([sys.executable, str(HERE / "generate.py"), str(vault), "--notes", str(size),
                    "--seed", str(seed), "--today", today.isoformat()], check=True,
                   stdout=subprocess.DEVNULL)
    day = today.isoformat()
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("JOBJOURNAL_")}
    agenda = [*_jobjournal(), "agenda", "--json", "--today", day, "--vault", str(vault)]
    rows: list[Row] = []

    floor = Row(size, "floor: read every .md byte (os.walk, Python)", ratio_to="")
    rows.append(floor)
    stat = Row(size, "stat every .md file")
    _repeat(stat, repeats, lambda i: _measure("stat", str(vault)), inner=True)
    rows.append(stat)
    if naive:
        row = Row(size, "naive: python-frontmatter + markdown-it on every body")
        _repeat(row, max(1, repeats // 3), lambda i: _measure("naive", str(vault)), inner=True)
        rows.append(row)

    outputs: list[bytes] = []
    cold_dir = workdir / f"cache-cold-{size}"

    def clear(_: int) -> None:
        shutil.rmtree(cold_dir, ignore_errors=True)

    # The goals are set for 10k notes and more (on 1k notes, starting Python is most of a run).
    goals = size >= GOAL_SIZE
    cold = Row(size, "cold: agenda --json, no cache")
    if goals:
        cold.goal = f"≤ {COLD_GOAL:g}× floor"
        cold.check = lambda r, f: r.median <= COLD_GOAL * f["floor"] and (
            size < 50_000 or (r.peak_mb or 0) <= MEMORY_GOAL_MB)
    if size >= 50_000:
        cold.goal += f", ≤ {MEMORY_GOAL_MB:g} MB"
    # what the user waits for ends with the command's process; its cache is written after
    # that by a detached child, timed apart here
    written = Row(size, "cold, until its detached cache writer is done too")
    warm_dir = workdir / f"cache-warm-{size}"
    warm_env = {**base_env, "JOBJOURNAL_CACHE_DIR": str(warm_dir)}
    run_child(agenda, env=warm_env)  # leaves the cache
    warm = Row(size, "warm: agenda --json, cache present, nothing changed")
    if goals:
        warm.goal = f"≤ {WARM_GOAL:g}× floor"
        warm.check = lambda r, f: r.median <= WARM_GOAL * f["floor"]
    # the floor, the cold run and the warm run in turn: their ratios compare the same minutes
    _alternate([
        Timed(floor, lambda i: _measure("floor", str(vault)), inner=True),
        Timed(cold, lambda i: agenda, {**base_env, "JOBJOURNAL_CACHE_DIR": str(cold_dir)},
              before=clear, outputs=outputs, tree=written),
        Timed(warm, lambda i: agenda, warm_env, outputs=outputs),
    ], repeats)
    rows.append(cold)
    if written.seconds:
        rows.append(written)

    serial = Row(size, "cold, one process (JOBJOURNAL_WORKERS=1)")
    _repeat(serial, max(1, repeats // 2), lambda i: agenda, env={
        **base_env, "JOBJOURNAL_CACHE_DIR": str(cold_dir), "JOBJOURNAL_WORKERS": "1"},
        before=clear, outputs=outputs)
    rows.append(serial)

    rows.append(warm)
    if len(set(outputs)) != 1:
        raise SystemExit(f"{size} notes: cold, single-process and warm outputs differ")

    def next_day(i: int) -> list[str]:
        later = (today + timedelta(days=i + 1)).isoformat()
        return [*agenda[:-4], "--today", later, "--vault", str(vault)]

    new_day = Row(size, "warm, new day: cache present, --today moved on")
    _repeat(new_day, repeats, next_day, env=warm_env)
    rows.append(new_day)

    watch = Row(size, "watch: one note saved → agenda and board written", ratio_to="")
    if size >= GOAL_SIZE:
        watch.goal = f"≤ {WATCH_GOAL_MS:g} ms"
        watch.check = lambda r, f: r.median <= WATCH_GOAL_MS / 1000
    _repeat(watch, 1, lambda i: _measure("watch", str(vault), day, str(saves)), inner=True)
    rows.append(watch)
    return rows


def bench_startup(repeats: int) -> list[Row]:
    click = Row(None, 'python -c "import click"', ratio_to="")
    helped = Row(None, "start-up: jobjournal --help", ratio_to="click",
                 goal=f"≤ {STARTUP_GOAL:g}× import click",
                 check=lambda r, f: r.median <= STARTUP_GOAL * f["click"])
    _alternate([Timed(click, lambda i: [sys.executable, "-c", "import click"]),
                Timed(helped, lambda i: [*_jobjournal(), "--help"])], repeats)
    return [click, helped]


def _fmt_seconds(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def table(rows: list[Row]) -> str:
    lines = ["| notes | workload | median | runs | peak memory | × floor | goal | met |",
             "|---:|---|---:|---:|---:|---:|---|---|"]
    floors: dict[int | None, dict[str, float]] = {}
    for row in rows:
        if row.workload.startswith("floor"):
            floors.setdefault(row.size, {})["floor"] = row.median
        if row.workload.startswith("python -c"):
            floors.setdefault(row.size, {})["click"] = row.median
    for row in rows:
        refs = floors.get(row.size, {})
        ratio = ""
        if row.ratio_to and row.ratio_to in refs:
            ratio = f"{row.median / refs[row.ratio_to]:.2f}"
            if row.ratio_to == "click":
                ratio += " × click"
        met = ""
        if row.check is not None:
            met = "yes" if row.check(row, refs) else "**no**"
        memory = f"{row.peak_mb:.0f} MB" if row.peak_mb else ""
        size = f"{row.size:,}" if row.size else ""
        lines.append(f"| {size} | {row.workload} | {_fmt_seconds(row.median)} | "
                     f"{len(row.seconds)} | {memory} | {ratio} | {row.goal} | {met} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000",
                        help="vault sizes in notes, comma-separated (default 1000,10000,50000)")
    parser.add_argument("--repeats", type=int, default=5, help="runs per workload (default 5)")
    parser.add_argument("--saves", type=int, default=20, help="saves in the watch workload")
    parser.add_argument("--skip-naive", action="store_true", help="leave out the naive baseline")
    parser.add_argument("--seed", type=int, default=7, help="generator seed (default 7)")
    parser.add_argument("--today", type=date.fromisoformat, default=TODAY,
                        help="the date the vaults are built around and computed for")
    parser.add_argument("--workdir", type=Path, help="where to put vaults and caches "
                        "(default: a new temporary folder, removed afterwards)")
    parser.add_argument("--measure", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        _measure_main(args.measure[0], args.measure[1:])
        return 0
    sizes = [int(s.replace("_", "").replace("k", "000")) for s in args.sizes.split(",") if s]
    repo = HERE.parent
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="jobjournal-bench-"))
    if workdir.resolve().is_relative_to(repo):
        raise SystemExit(f"{workdir} is inside the repository: pick a folder outside it")
    global SUBREAPER
    SUBREAPER = _become_subreaper()
    workdir.mkdir(parents=True, exist_ok=True)
    _compile_package()
    rows: list[Row] = []
    try:
        rows += bench_startup(args.repeats)
        for size in sizes:
            print(f"benchmarking {size:,} notes…", file=sys.stderr, flush=True)
            rows += bench_size(size, workdir, repeats=args.repeats, naive=not args.skip_naive,
                               seed=args.seed, today=args.today, saves=args.saves)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"jobjournal benchmark — {os.cpu_count()} cores, Python "
          f"{sys.version.split()[0]}, today {args.today}, seed {args.seed}\n")
    print(table(rows))
    saves = [row for row in rows if row.workload.startswith("watch")]
    if saves:
        print("\nOne saved note, by vault size: " + " · ".join(
            f"{row.size:,} notes {_fmt_seconds(row.median)}" for row in saves))
    return 0


if __name__ == "__main__":
    sys.exit(main())
