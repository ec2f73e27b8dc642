"""Mutation runs' own test settings, loaded as a pytest plugin (pyproject.toml, [tool.mutmut]).

A mutant runs every test that reaches it, so what each test costs is paid thousands of times:
- Hypothesis: a failing example is enough to kill a mutant, so none is shrunk; no mutant is
  killed for being slow (no deadline); each property tries at most MAX_EXAMPLES examples, the
  tests' own settings notwithstanding.
- Each test starts with the core's memo tables empty (`pytest_runtest_setup`), so that every
  test reaching a remembered function is one mutmut runs against its mutants.
- LEFT_OUT: tests that reach the core only through whole vaults and the command line (hostile
  files, fuzzing, speed paths, vault updates), seconds per mutant; the core's own tests stand in.
"""

from __future__ import annotations

from typing import Any

from hypothesis import Phase, settings

MAX_EXAMPLES = 25
LEFT_OUT = (
    "tests/test_hostile.py", "tests/test_fuzz.py", "tests/test_speed_paths.py",
    "tests/test_vault_updates.py",
    # properties whose examples are drawn inside the test, out of MAX_EXAMPLES's reach
    "tests/test_fast_paths.py::test_front_matter_shortcut_reads_what_pyyaml_reads",
)

settings.register_profile(
    "mutation", phases=(Phase.explicit, Phase.reuse, Phase.generate), deadline=None
)
settings.load_profile("mutation")


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    left_out = [item for item in items if item.nodeid.startswith(LEFT_OUT)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.nodeid.startswith(LEFT_OUT)]
    for item in items:
        test = getattr(item, "obj", None)
        own = getattr(test, "_hypothesis_internal_use_settings", None)
        if getattr(test, "hypothesis", None) is None or own is None:
            continue
        # a derandomized property is a fixed sample, sized by its test: it keeps its count
        most = own.max_examples if own.derandomize else MAX_EXAMPLES
        if own.max_examples > most or own.deadline or Phase.shrink in own.phases:
            test._hypothesis_internal_use_settings = settings(
                own, max_examples=min(own.max_examples, most), deadline=None,
                phases=[phase for phase in own.phases if phase is not Phase.shrink],
            )


def pytest_runtest_setup(item: Any) -> None:
    """Every test starts with the core's memo tables empty, as in a fresh process. A function
    behind a memo table runs only when its answer is not remembered, and mutmut runs against a
    function's mutants only the tests it saw reach that function: a test whose answers an
    earlier test had left in a table would never face them (the YAML loader, built once, was
    reached by one test in the whole suite)."""
    from jobjournal.core import dates, fields, frontmatter, links

    for table in (dates._READ, frontmatter._LINES, links._MADE):
        table.clear()
    for memo in (fields.meant_field, fields.coercers, frontmatter._yaml):
        memo.cache_clear()
