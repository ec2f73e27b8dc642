"""Two versions of jobjournal side by side: their cold runs on one generated vault, timed in turn
with the floor (README, "Benchmarks").

    python benchmarks/compare.py /tmp/before                     # that tree against this one
    python benchmarks/compare.py /tmp/before /tmp/after --notes 50000 --repeats 7

Each TREE is a folder holding a `jobjournal` package: a checkout, or an earlier version taken out
of git (`mkdir /tmp/before && git archive <commit> jobjournal | tar -x -C /tmp/before`). With one
tree, it is compared with the package of this checkout.

Why a script for it: the ratio to the floor moves with the machine (other work on it), so two
versions are only comparable when measured over the same minutes, and an A/B made by hand is easy
to get wrong. Here every run is `python -m jobjournal agenda --json` with its tree first on
`PYTHONPATH`, started in an empty folder (from a checkout, `python -m` would import the
`jobjournal` of the current folder instead) and checked to import that tree's package; with an
empty cache folder; on Linux, its detached cache writer waited for before the next run starts.
A run must print the agenda as JSON, or the comparison stops. Both trees
are byte-compiled first (where `PYTHONDONTWRITEBYTECODE` is set, an uncompiled tree pays for
compiling every module on every run). The floor and the trees take turns (floor, A, B, floor,
B, A, …), so that a machine whose speed drifts moves them all alike.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run as bench  # noqa: E402  (benchmarks/run.py: its child runner and the floor)
from generate import TODAY, generate  # noqa: E402


def _tree(text: str) -> Path:
    tree = Path(text).expanduser().resolve()
    if not (tree / "jobjournal" / "__init__.py").is_file():
        raise SystemExit(f"{text}: no jobjournal package in it (expected {tree}/jobjournal/)")
    return tree


def _check_imported(tree: Path, env: dict[str, str], cwd: Path) -> None:
    """Refuse to time a tree whose package is not the one `python -m jobjournal` imports (an
    install that puts itself ahead of PYTHONPATH)."""
    found = subprocess.run(
        [sys.executable, "-c", "import jobjournal; print(jobjournal.__file__)"],
        env=env, cwd=cwd, capture_output=True, text=True, check=True,
    ).stdout.strip()
    if not Path(found).resolve().is_relative_to(tree / "jobjournal"):
        raise SystemExit(f"with {tree} first on PYTHONPATH, Python imports {found} instead")


def _check_agenda(tree: Path, data: bytes) -> None:
    """Refuse a run that did not print an agenda (a version that fails would be timed as if it
    had worked)."""
    try:
        agenda = json.loads(data)
    except ValueError:
        agenda = None
    if not isinstance(agenda, dict) or "items" not in agenda:
        raise SystemExit(f"{tree}: `agenda --json` printed no agenda:\n{data[:500]!r}")


def compare(
    trees: list[Path], notes: int, repeats: int, *, seed: int = 7, today: date = TODAY
) -> str:
    """The comparison's table (Markdown), from `repeats` turns of the floor and each tree."""
    bench.SUBREAPER = bench._become_subreaper()
    workdir = Path(tempfile.mkdtemp(prefix="jobjournal-compare-"))
    try:
        vault = workdir / "vault"
        generate(vault, notes, seed=seed, today=today)
        empty = workdir / "here"
        empty.mkdir()
        base = {k: v for k, v in os.environ.items()
                if not k.startswith("JOBJOURNAL_") and k != "PYTHONPATH"}
        for tree in trees:
            if not compileall.compile_dir(tree / "jobjournal", quiet=1):
                raise SystemExit(f"{tree}/jobjournal could not be byte-compiled")
            _check_imported(tree, {**base, "PYTHONPATH": str(tree)}, empty)
        agenda = [sys.executable, "-m", "jobjournal", "agenda", "--json",
                  "--today", today.isoformat(), "--vault", str(vault)]
        floor: list[float] = []
        times: dict[Path, list[float]] = {tree: [] for tree in trees}
        outputs: dict[Path, set[bytes]] = {tree: set() for tree in trees}
        here = Path.cwd()
        os.chdir(empty)  # the runs' current folder: see the module's docstring
        try:
            for turn in range(repeats):
                _, _, data = bench.run_child(bench._measure("floor", str(vault)), sample=False)
                floor.append(json.loads(data))
                for tree in trees if turn % 2 == 0 else trees[::-1]:
                    cache = Path(tempfile.mkdtemp(dir=workdir))
                    env = {**base, "PYTHONPATH": str(tree), "JOBJOURNAL_CACHE_DIR": str(cache)}
                    wall, _, data = bench.run_child(agenda, env=env, sample=False)
                    _check_agenda(tree, data)
                    times[tree].append(wall)
                    outputs[tree].add(data)
        finally:
            os.chdir(here)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return _table(trees, notes, floor, times, outputs)


def _table(
    trees: list[Path], notes: int, floor: list[float], times: dict[Path, list[float]],
    outputs: dict[Path, set[bytes]],
) -> str:
    ms = bench._fmt_seconds
    yardstick = statistics.median(floor)
    lines = [
        f"jobjournal compared — {notes:,} notes, {os.cpu_count()} cores, Python "
        f"{sys.version.split()[0]}, {len(floor)} runs each, in turn\n",
        "| version | cold: agenda --json, no cache (median) | × floor | fastest | slowest |",
        "|---|---:|---:|---:|---:|",
        f"| floor: read every .md byte (os.walk, Python) | {ms(yardstick)} |  |  |  |",
    ]
    for tree in trees:
        runs = times[tree]
        median = statistics.median(runs)
        lines.append(f"| {tree} | {ms(median)} | {median / yardstick:.2f} | {ms(min(runs))} "
                     f"| {ms(max(runs))} |")
    first, last = (statistics.median(times[tree]) for tree in (trees[0], trees[-1]))
    lines.append(f"\n{trees[-1]} takes {abs(1 - last / first):.1%} "
                 f"{'less' if last <= first else 'more'} time than {trees[0]}.")
    seen = {tree: next(iter(found)) if len(found) == 1 else None
            for tree, found in outputs.items()}
    if any(value is None for value in seen.values()):
        lines.append("A version printed different outputs from one run to the next.")
    elif len(set(seen.values())) == 1:
        lines.append("Both printed the same agenda.")
    else:
        lines.append("They printed different agendas (the versions compute different things).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="+", metavar="TREE",
                        help="a folder holding a jobjournal package (one or two)")
    parser.add_argument("--notes", type=int, default=10_000,
                        help="notes in the generated vault (default 10000)")
    parser.add_argument("--repeats", type=int, default=11, help="runs of each (default 11)")
    parser.add_argument("--seed", type=int, default=7, help="generator seed (default 7)")
    parser.add_argument("--today", type=date.fromisoformat, default=TODAY,
                        help="the vault's and the runs' today (default 2026-11-26)")
    args = parser.parse_args(argv)
    if len(args.trees) > 2:
        parser.error("give one tree (compared with this checkout) or two")
    trees = [_tree(text) for text in args.trees]
    if len(trees) == 1:
        trees.append(_tree(str(HERE.parent)))
    if trees[0] == trees[1]:
        parser.error(f"{trees[0]} twice: give two different trees")
    if args.repeats < 1 or args.notes < 1:
        parser.error("--notes and --repeats must be at least 1")
    print(compare(trees, args.notes, args.repeats, seed=args.seed, today=args.today))
    return 0


if __name__ == "__main__":
    sys.exit(main())
