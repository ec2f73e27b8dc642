"""The README's two set-up commands stay true: the demo runs end to end, CI runs the test command."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def try_it_commands() -> list[str]:
    """The two one-liners under "## Try it": the demo, then the tests."""
    section = README.split("## Try it", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_the_readme_has_two_setup_commands() -> None:
    demo, tests = try_it_commands()
    assert "pip install ." in demo and "jobjournal init demo-vault" in demo
    assert "pip install -e '.[test]'" in tests and "pytest" in tests


def test_the_demo_command_runs_end_to_end(tmp_path: Path) -> None:
    """Every jobjournal step of the demo one-liner, run as the installed program would be."""
    demo = try_it_commands()[0]
    steps = [shlex.split(step) for step in demo.split("&&")]
    jobjournal_steps = [step[1:] for step in steps if step[0].endswith("bin/jobjournal")]
    assert [step[0] for step in jobjournal_steps] == ["init", "agenda"]
    outputs = []
    for args in jobjournal_steps:
        result = subprocess.run(
            [sys.executable, "-m", "jobjournal", *args], cwd=tmp_path,
            capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    agenda = (tmp_path / "demo-vault" / "Agenda.md").read_text(encoding="utf-8")
    for heading in ("Call back now", "Overdue", "Upcoming", "Waiting", "Needs info", "Problems"):
        assert f"## {heading}" in agenda
    assert "Call back now" in outputs[-1] and "Dana Recruiter" in outputs[-1]


def test_ci_runs_the_readme_test_command() -> None:
    tests = try_it_commands()[1]
    pytest_args = tests.split("&&")[-1].split("python", 1)[1].strip()  # "-m pytest -q"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    commands = [line for line in ci if not line.lstrip().startswith("#")]
    assert any(f'/bin/python" {pytest_args}' in line for line in commands), commands
