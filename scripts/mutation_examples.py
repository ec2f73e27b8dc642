"""Test mutants against the core's example tests alone: a quick check between two mutation
runs, when a full one would take too long (on a loaded machine, hours).

    python scripts/mutation_examples.py NAME...   # once `python scripts/mutation.py` made mutants/
    python scripts/mutation_examples.py --properties NAME...   # their properties too (slower)

For each mutant (`jobjournal.core.body.x__plain_items__mutmut_42`), the tests of its module's own
test file (tests/test_core_<module>.py) run in a child forked for it, with the mutant switched on
through MUTANT_UNDER_TEST, as mutmut runs them. A test failing kills the mutant, as in a mutation
run; a mutant that passes them may still be killed by the other tests a mutation run gives it.
Prints each mutant and the test that killed it, or "survived". Tests that fail on the code as
written in mutants/ (newer than it) are left out, and said so.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

MUTANTS = Path(__file__).resolve().parent.parent / "mutants"

Case = tuple[str, Callable[..., Any], dict[str, Any]]


def cases(module: str, properties: bool) -> list[Case]:
    """Each test of tests/test_core_<module>.py with each of its parameters: the examples, or
    the properties (Hypothesis tests)."""
    tests = importlib.import_module(f"tests.test_core_{module}")
    found: list[Case] = []
    for name, test in vars(tests).items():
        if not name.startswith("test_") or not callable(test):
            continue
        if hasattr(test, "hypothesis") != properties:
            continue
        calls: list[dict[str, Any]] = [{}]
        for mark in getattr(test, "pytestmark", []):
            if mark.name != "parametrize":
                continue
            names = mark.args[0]
            names = [n.strip() for n in names.split(",")] if isinstance(names, str) else names
            values = [getattr(v, "values", v) for v in mark.args[1]]
            calls = [{**call, **dict(zip(names, v if len(names) > 1 else (v,), strict=True))}
                     for call in calls for v in values]
        found += [(name, test, call) for call in calls]
    return found


def failing(mutant: str, tests: list[Case], *, first_only: bool = True) -> list[str]:
    """The tests that fail with the mutant switched on ("" for none: the code as written), the
    first only or all. They run in a child forked from this process, which has run none: the
    core's tables of what it read already (front-matter lines, links, dates) start empty for
    each mutant, as in a mutation run."""
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child: run the tests, write which failed, and leave at once
        os.close(read)
        os.environ["MUTANT_UNDER_TEST"] = mutant
        found = []
        for name, test, call in tests:
            try:
                test(**call)
            except BaseException as exc:  # pytest's own failures are BaseExceptions
                found.append(f"{name}{call!r} ({type(exc).__name__})")
                if first_only:
                    break
        os.write(write, "\n".join(found).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        found = pipe.read().decode()
    os.waitpid(child, 0)
    return found.split("\n") if found else []


def main(argv: list[str]) -> int:
    properties = "--properties" in argv
    names = [name for name in argv if name != "--properties"]
    os.chdir(MUTANTS)
    sys.path.insert(0, str(MUTANTS))  # the mutated core, and the tests as mutmut copied them
    os.environ["MUTANT_UNDER_TEST"] = ""
    by_module: dict[str, list[Case]] = {}
    for mutant in names:
        module = mutant.split(".")[2]
        if module not in by_module:
            tests = cases(module, False) + (cases(module, True) if properties else [])
            broken = failing("", tests, first_only=False)  # tests newer than mutants/ holds
            for test in broken:
                print(f"left out, it fails on the code as written: {test}", flush=True)
            by_module[module] = [case for case in tests
                                 if f"{case[0]}{case[2]!r}" not in {b.rsplit(" (", 1)[0]
                                                                  for b in broken}]
        found = failing(mutant, by_module[module])
        print(f"{mutant}: {'killed by ' + found[0] if found else 'survived'}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
