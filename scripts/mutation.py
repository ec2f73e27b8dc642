"""Mutation testing of the pure core: run mutmut, then print the score and the survivors.

    python scripts/mutation.py                 # every core module; cached verdicts kept
    python scripts/mutation.py body dates      # these modules only, every mutant tested afresh
    python scripts/mutation.py --survivors     # test again every mutant not killed yet
    python scripts/mutation.py --report        # print the last results, run nothing

mutmut is configured in pyproject.toml ([tool.mutmut]): which files it mutates and which tests
it may run. It works in `mutants/` (kept out of git) and runs, for each mutant, only the tests
that reached the mutated function. A survivor is a change to the code that no test noticed:
`mutmut show <name>` prints its diff. Either a test is missing, or the change cannot alter
behaviour; docs/mutation.md records the score and the argument for each survivor kept.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = (
    "rules", "body", "frontmatter", "fields", "dates", "workdays", "links",
    "engine", "incremental", "context", "ticks",
)  # fmt: skip
MAX_CHILDREN = 2

# mutmut's exit codes per mutant (mutmut/stats.py): which count as the mutant found out
KILLED = {1, 3, 24, -24, 152, 255, 36, 37, -9, -11}  # failed, crashed, timed out, type error
SURVIVED = {0}
NO_TESTS = {5, 33}


def mutmut() -> str:
    """The mutmut beside this Python, else the one on PATH."""
    beside = Path(sys.executable).parent / "mutmut"
    return str(beside) if beside.exists() else (shutil.which("mutmut") or "mutmut")


def run(names: list[str]) -> int:
    """`mutmut run`: every mutant not tested yet, and each one named (or matched) again."""
    command = [mutmut(), "run", "--max-children", str(MAX_CHILDREN), *names]
    print("$", " ".join(command[:6]), "..." if len(command) > 6 else "", flush=True)
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # each mutant's fork would compile megabytes again
    return subprocess.run(command, cwd=ROOT, env=env).returncode


def verdicts(module: str) -> dict[str, int | None]:
    """Each mutant of a module and its exit code, from mutmut's record of the last runs."""
    meta = ROOT / "mutants" / "jobjournal" / "core" / f"{module}.py.meta"
    if not meta.exists():
        return {}
    exit_codes: dict[str, int | None] = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
    return exit_codes


def report(modules: list[str]) -> list[str]:
    """Print the score per module and overall, then the survivors; return the survivors."""
    survivors: list[str] = []
    untested: list[str] = []
    total_killed = total = 0
    print(f"\n{'module':<14}{'killed':>8}{'total':>8}{'score':>9}  survived  no tests  not run")
    for module in modules:
        codes = verdicts(module)
        killed = sum(code in KILLED for code in codes.values())
        alive = sorted(name for name, code in codes.items() if code in SURVIVED)
        none = sorted(name for name, code in codes.items() if code in NO_TESTS)
        not_run = sum(code is None for code in codes.values())
        survivors += alive
        untested += none
        total_killed += killed
        total += len(codes)
        score = f"{100 * killed / len(codes):.1f} %" if codes else "-"
        print(f"{module:<14}{killed:>8}{len(codes):>8}{score:>9}  {len(alive):>8}"
              f"  {len(none):>8}  {not_run:>7}")
    if total:
        print(f"{'all':<14}{total_killed:>8}{total:>8}{100 * total_killed / total:>7.1f} %")
    if survivors:
        print(f"\nSurvivors ({len(survivors)}): `mutmut show NAME` prints the change")
        print("\n".join(f"  {name}" for name in survivors))
    if untested:
        print(f"\nNo test reaches these ({len(untested)}):")
        print("\n".join(f"  {name}" for name in untested))
    return survivors + untested


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("modules", nargs="*", metavar="module",
                        help=f"core modules to test (default: all of {', '.join(MODULES)})")
    parser.add_argument("--survivors", action="store_true",
                        help="test again the mutants of the last runs that no test killed")
    parser.add_argument("--report", action="store_true",
                        help="print the score and survivors of the last runs, run nothing")
    args = parser.parse_args(argv)
    unknown = [module for module in args.modules if module not in MODULES]
    if unknown:
        parser.error(f"not a core module under mutation: {', '.join(unknown)}")
    modules = args.modules or list(MODULES)
    if args.survivors:
        names = [name for module in modules for name, code in verdicts(module).items()
                 if code not in KILLED]
        if not names:
            print("no mutant left alive")
    else:
        names = [f"jobjournal.core.{module}.*" for module in args.modules]
    if not args.report and (names or not args.survivors):
        code = run(names)
        if code != 0:
            print(f"mutmut run ended with exit code {code}", file=sys.stderr)
            return code
    report(modules)
    return 0


if __name__ == "__main__":
    sys.exit(main())
