"""Hypothesis settings for mutation runs, loaded as a pytest plugin (pyproject.toml,
[tool.mutmut]): a failing example kills the mutant, so it is not shrunk, and a mutant is never
killed for being slow (no deadline). Tests that set these themselves keep their own."""

from hypothesis import Phase, settings

settings.register_profile(
    "mutation", phases=(Phase.explicit, Phase.reuse, Phase.generate), deadline=None
)
settings.load_profile("mutation")
