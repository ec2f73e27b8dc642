"""The command's output as the installed `jobjournal` writes it, in real processes: a reader that
goes away, a full disk, the terminal's width and colours."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import VaultDir

#: The installed command, from the virtualenv running the tests.
JOBJOURNAL = str(Path(sys.executable).with_name("jobjournal"))

INTERVIEW = """\
---
type: interview
company: Acme
role: Backend Engineer
date: 2026-11-10
status: interviewing
recruiter: "[[Dana Recruiter]]"
decision_date: 2026-11-18
---
## Log
- 2026-11-10 Onsite with [[Dana Recruiter]]
"""
BROKEN = "---\ntype: contact\nname: [unclosed\n---\n"


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The test process's environment, with caches and run-time files of the test's own."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("JOBJOURNAL_VAULT", "NO_COLOR", "COLUMNS", "LINES")}
    env.update(JOBJOURNAL_CACHE_DIR=str(tmp_path / "cache"),
               XDG_RUNTIME_DIR=str(tmp_path / "run"), **extra)
    (tmp_path / "run").mkdir(exist_ok=True)
    return env


def filled(vault: VaultDir) -> VaultDir:
    vault.write("Interviews/Acme.md", INTERVIEW)
    vault.write("Contacts/Broken.md", BROKEN)
    return vault


COMMANDS = [
    ["agenda", "--print"],
    ["agenda", "--json"],
    ["agenda"],
    ["export", "csv"],
    ["check"],
    ["--help"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_reader_that_went_away_ends_the_command_quietly(
    vault: VaultDir, tmp_path: Path, args: list[str]
) -> None:
    filled(vault)
    command = [JOBJOURNAL, *args, "--vault", str(vault.root)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=environment(tmp_path))
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the first byte is written
    errors = process.stderr.read().decode()
    assert process.wait(timeout=60) in (0, 141)
    assert errors == ""


def test_a_pipe_into_head_ends_quietly(vault: VaultDir, tmp_path: Path) -> None:
    for n in range(40):
        vault.write(f"Interviews/Acme {n}.md", INTERVIEW)
    script = f'{JOBJOURNAL} agenda --print --vault "$1" | head -n 1; echo "${{PIPESTATUS[0]}}" >&2'
    done = subprocess.run(["bash", "-c", script, "bash", str(vault.root)], capture_output=True,
                          text=True, env=environment(tmp_path), timeout=60)
    assert done.stdout.startswith("Agenda")
    assert done.stderr.strip() in ("0", "141")


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_full_disk_is_a_clear_error(vault: VaultDir, tmp_path: Path, args: list[str]) -> None:
    filled(vault)
    with open("/dev/full", "wb") as full:
        done = subprocess.run([JOBJOURNAL, *args, "--vault", str(vault.root)], stdout=full,
                              stderr=subprocess.PIPE, text=True, env=environment(tmp_path),
                              timeout=60)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        "jobjournal: error: cannot write the output (No space left on device)")
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr

