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


# --- the terminal's width and colours -------------------------------------------------------------

LONG_ROLE = "Principal Backend Engineer for Payments, Ledgers and Very Long Titles Indeed"


def long_lines(vault: VaultDir) -> VaultDir:
    vault.write("Interviews/Acme.md", INTERVIEW.replace("Backend Engineer", LONG_ROLE))
    return vault


def on_terminal(args: list[str], tmp_path: Path, columns: int, **env: str) -> str:
    """What `jobjournal ARGS` shows on a terminal `columns` wide (a real pseudo-terminal)."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    process = subprocess.Popen([JOBJOURNAL, *args], stdin=follower, stdout=follower,
                               stderr=subprocess.PIPE, env=environment(tmp_path, **env))
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal's other end closed: all is read
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.wait(timeout=60) == 0, process.stderr.read() if process.stderr else ""
    return shown.decode().replace("\r\n", "\n")


def visible(line: str) -> str:
    import click

    return click.unstyle(line)


@pytest.mark.parametrize("columns", [160, 60])
def test_print_fits_the_terminal_s_width(vault: VaultDir, tmp_path: Path, columns: int) -> None:
    long_lines(vault)
    shown = on_terminal(["agenda", "--print", "--vault", str(vault.root), "--today", "2026-11-26"],
                        tmp_path, columns, TERM="xterm")
    widest = max(len(visible(line)) for line in shown.splitlines())
    assert columns - 40 < widest <= columns  # the width is used, and not passed
    lines = shown.splitlines()
    assert "Payments, Ledgers" in " ".join(" ".join(lines).split())


def test_print_is_coloured_on_a_terminal_only(vault: VaultDir, tmp_path: Path) -> None:
    long_lines(vault)
    args = ["agenda", "--print", "--vault", str(vault.root), "--today", "2026-11-26"]
    assert "\x1b[" in on_terminal(args, tmp_path, 100, TERM="xterm")
    assert "\x1b[" not in on_terminal(args, tmp_path, 100, TERM="xterm", NO_COLOR="1")
    assert "\x1b[" not in on_terminal(args, tmp_path, 100, TERM="dumb")
    piped = subprocess.run([JOBJOURNAL, *args], capture_output=True, text=True,
                           env=environment(tmp_path, TERM="xterm"), timeout=60)
    assert piped.returncode == 0 and "Agenda" in piped.stdout and "\x1b[" not in piped.stdout


def test_print_off_a_terminal_fits_columns(vault: VaultDir, tmp_path: Path) -> None:
    long_lines(vault)
    args = [JOBJOURNAL, "agenda", "--print", "--vault", str(vault.root), "--today", "2026-11-26"]
    for columns in (160, 80):
        done = subprocess.run(args, capture_output=True, text=True, timeout=60,
                              env=environment(tmp_path, COLUMNS=str(columns)))
        widest = max(len(line) for line in done.stdout.splitlines())
        assert columns - 40 < widest <= columns


def test_check_lines_are_never_wrapped(vault: VaultDir, tmp_path: Path) -> None:
    name = "Contacts/" + "A very long name " * 6 + ".md"
    vault.write(name, "---\ntype: contact\nmissed_call: 2026-02-30\n---\n")
    done = subprocess.run([JOBJOURNAL, "check", "--today", "2026-11-26"], cwd=vault.root,
                          capture_output=True, text=True, timeout=60,
                          env=environment(tmp_path, COLUMNS="60"))
    (line,) = done.stdout.splitlines()
    assert line.startswith(name + ":3: error: ") and len(line) > 60


def test_the_summary_wraps_at_the_terminal_s_width(vault: VaultDir, tmp_path: Path) -> None:
    for n in range(3):
        vault.write(f"Contacts/Jane {n}.md", "---\ntype: contact\nmissed_call: 2026-11-25\n---\n")
    vault.write("Interviews/Acme.md", INTERVIEW)
    vault.write("Contacts/Broken.md", BROKEN)
    args = ["agenda", "--vault", str(vault.root), "--today", "2026-11-26"]
    on_terminal(args, tmp_path, 200, TERM="xterm")  # written: both runs below say "unchanged"
    wide = on_terminal(args, tmp_path, 200, TERM="xterm")
    assert len(wide.splitlines()) == 1
    narrow = on_terminal(args, tmp_path, 40, TERM="xterm")
    lines = narrow.splitlines()
    assert len(lines) > 1 and all(len(line) <= 40 for line in lines)
    assert " ".join(" ".join(lines).split()) == " ".join(wide.split())
