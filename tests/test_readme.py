"""The README's commands stay true: the demo runs end to end, CI runs the test command, the
walkthrough and the quick call log run as written on the vault `init` makes, and so does
every other example of the README and of every command's --help."""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from jobjournal.cli.main import cli

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


def walkthrough_commands() -> list[str]:
    """The `jobjournal …` commands of "Five minutes with jobjournal", in order, each on one line
    (a `cd ~/JobHunt && ` before one is where the others run too)."""
    section = README.split("## Five minutes with jobjournal", 1)[1].split("\n## ", 1)[0]
    spans = (" ".join(span.split()) for span in re.findall(r"`([^`]+)`", section))
    return [span.removeprefix("cd ~/JobHunt && ") for span in spans
            if span.removeprefix("cd ~/JobHunt && ").startswith("jobjournal ")]


def quick_call_log_commands() -> list[str]:
    """The lines of the "A quick call log from the terminal" block."""
    block = README.split("A quick call log from the terminal:", 1)[1]
    return re.findall(r"```sh\n(.+?)\n```", block, re.DOTALL)[0].splitlines()


def run_as_written(commands: list[str], home: Path) -> None:
    """Each command in the vault folder (~ is `home`), as a user types it; every one must work.
    `watch` runs until stopped, so it is only started with --help."""
    runner = CliRunner()
    for command in commands:
        args = shlex.split(command.replace("~/", f"{home}/"))[1:]
        if args[0] == "watch":
            args.append("--help")
        result = runner.invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, f"{command}\n{result.output}"


def test_the_walkthrough_runs_as_written(git_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commands = walkthrough_commands()
    assert commands[0] == "jobjournal init ~/JobHunt --git"
    assert [c.split()[1] for c in commands[1:4]] == ["new", "log", "log"]
    assert "jobjournal check" in commands
    monkeypatch.chdir(git_home)
    run_as_written(commands[:1], git_home)
    monkeypatch.chdir(git_home / "JobHunt")  # step 5's `cd ~/JobHunt`: the vault is found here
    run_as_written(commands[1:], git_home)
    note = (git_home / "JobHunt" / "Interviews" / "Acme - Backend.md").read_text("utf-8")
    assert "decision_date: 2026-12-05" in note and "Called Dana, decision moved" in note
    assert [c.split()[1] for c in commands if c.split()[1] in ("show", "list")] == ["show", "list"]
    # acting from the agenda: whom to call, and an email already drafted
    agenda = (git_home / "JobHunt" / "Agenda.md").read_text("utf-8")
    assert "[[Contacts/Dana Recruiter|Dana Recruiter]] · [+1 555 0142](tel:+15550142) · " in agenda
    assert "(mailto:dana.recruiter@globex.example?subject=" in agenda


def test_the_quick_call_log_runs_as_written(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JOBJOURNAL_VAULT", raising=False)
    monkeypatch.chdir(tmp_path)
    run_as_written(["jobjournal init vault"], tmp_path)  # the example vault, as in the walkthrough
    monkeypatch.chdir(tmp_path / "vault")
    commands = quick_call_log_commands()
    assert [c.split()[1] for c in commands] == ["new", "log", "log"]
    run_as_written(commands, tmp_path)
    note = (tmp_path / "vault" / "Interviews" / "Acme - Backend.md").read_text("utf-8")
    assert "decision_date: 2026-12-05" in note


# --- every example runs as written ----------------------------------------------------------------
#
# The examples of the README (its `sh` blocks and the commands quoted in its text) and those of
# every command's --help, each run by bash as a user would type it, with the installed
# `jobjournal`, in a home folder of its own: one holding ~/JobHunt, made by
# `jobjournal init ~/JobHunt --git`, with the current folder there; or an empty one for the
# examples that begin with `jobjournal init`. The examples of one block run one after the other.

BIN = Path(sys.executable).parent
#: A token that is a placeholder of a synopsis (`PATH`, `KEY=VALUE`, `[--git]`), not an example.
_PLACEHOLDER = re.compile(r"^(\[.*|[A-Z]{2,}(=[A-Z]+)?…?|.*\\\|.*)$")
#: A line of a --help that is an example: indented in a `\b` block, starting with the command.
_HELP_EXAMPLE = re.compile(r"^ {4,}(cd \S+|(?:nohup )?jobjournal\b.*)$")
DEADLINE = 30.0


def readme_examples() -> list[tuple[str, ...]]:
    """Blocks of README examples: each `sh` block (but those of "Try it" and the benchmarks,
    tested above or too slow for a test), then each command quoted in the text."""
    blocks: list[tuple[str, ...]] = []
    for block in re.findall(r"```sh\n(.*?)```", README, flags=re.DOTALL):
        lines = tuple(line for line in block.splitlines()
                      if line.startswith("jobjournal ") or "=bash_source" in line)
        if lines and "pip install" not in block:
            blocks.append(lines)
    prose = re.sub(r"```.*?```", "", README, flags=re.DOTALL)
    for span in re.findall(r"`([^`]+)`", prose):
        command = " ".join(span.split())
        if not re.match(r"(cd \S+ && )?jobjournal ", command):
            continue
        if any(_PLACEHOLDER.match(token) for token in shlex.split(command.replace("\\|", "|"))):
            continue
        if (command,) not in blocks:
            blocks.append((command,))
    return blocks


def _commands(group: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """`group`'s path and those of every command under it, hidden ones left out."""
    found = [path]
    if isinstance(group, click.Group):
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            if command is not None and not command.hidden:
                found += _commands(command, (*path, name))
    return found


def help_text(path: tuple[str, ...]) -> str:
    """The --help of a command, as a terminal 80 columns wide shows it."""
    result = CliRunner().invoke(cli, [*path, "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.output


def help_examples(text: str) -> tuple[str, ...]:
    """The example lines of a --help, a line ending in `\\` joined with the next."""
    examples: list[str] = []
    lines = iter(text.splitlines())
    for line in lines:
        match = _HELP_EXAMPLE.match(line)
        if match:
            example = match.group(1)
            while example.endswith("\\"):
                example = example[:-1] + next(lines).strip()
            examples.append(example)
    return tuple(examples)


def every_command() -> list[tuple[str, ...]]:
    return _commands(cli)


def test_every_command_s_help_has_an_example() -> None:
    lacking = [" ".join(path) or "jobjournal" for path in every_command()
               if not help_examples(help_text(path))]
    assert lacking == []


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        found = command.get_command(click.Context(command), name)
        assert found is not None
        command = found
    return command


@pytest.mark.parametrize("group", [(), ("git",)], ids=lambda path: " ".join(("jobjournal", *path)))
def test_the_command_list_tells_each_command_whole(group: tuple[str, ...]) -> None:
    listed = " ".join(help_text(group).split("Commands:", 1)[1].split())
    assert "..." not in listed
    command = _command(group)
    assert isinstance(command, click.Group)
    for name in command.list_commands(click.Context(command)):
        sub = _command((*group, name))
        if not sub.hidden:
            first = " ".join(sub.get_short_help_str(limit=10_000).split())
            assert first.endswith(".") and f"{name} {first}" in listed


@pytest.fixture(scope="module")
def jobhunt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home folder holding ~/JobHunt, as `jobjournal init ~/JobHunt --git` makes it."""
    home = tmp_path_factory.mktemp("home")
    done = _run("jobjournal init ~/JobHunt --git", home, home)
    assert done.returncode == 0, done.stderr
    return home


def _environment(home: Path) -> dict[str, str]:
    leaks = ("JOBJOURNAL_VAULT", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "NO_COLOR",
             "GIT_CONFIG_GLOBAL", "EMAIL")
    env = {key: value for key, value in os.environ.items() if key not in leaks}
    env.update(HOME=str(home), PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
               XDG_CONFIG_HOME=str(home / ".config"), GIT_CONFIG_NOSYSTEM="1",
               XDG_RUNTIME_DIR=str(home / ".run"), JOBJOURNAL_CACHE_DIR=str(home / ".cache"))
    (home / ".run").mkdir(mode=0o700, exist_ok=True)
    return env


def _run(command: str, home: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=_environment(home),
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


def _watch_locks(home: Path) -> list[Path]:
    return sorted((home / ".run" / "jobjournal").glob("watch-*.lock"))


def _run_watch(command: str, home: Path, cwd: Path) -> None:
    """A watch runs until it is stopped: start it as written, wait until it holds its lock,
    stop it as `kill` would, and see it end cleanly (its lock let go)."""
    process = subprocess.Popen(["bash", "-c", command], cwd=cwd, env=_environment(home),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + DEADLINE
    pid = None
    while pid is None and time.monotonic() < deadline:
        for lock in _watch_locks(home):
            with contextlib.suppress(OSError, ValueError, IndexError):
                pid = int(lock.read_text().split()[0])
        time.sleep(0.05)
    try:
        assert pid is not None, f"{command}: no watch started"
        os.kill(pid, signal.SIGTERM)
        while _watch_locks(home) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _watch_locks(home) == [], f"{command}: the watch did not stop"
    finally:
        if process.poll() is None and pid is None:
            process.kill()
        _out, errors = process.communicate(timeout=DEADLINE)
    assert process.returncode == 0, errors
    assert "error" not in errors, errors


def _run_serve(command: str, home: Path, cwd: Path) -> None:
    """`serve` runs until it is stopped: start it as written, ask it for the calendar at the
    URL it prints, stop it with Ctrl-C (SIGINT) and see it end cleanly."""
    import urllib.request

    process = subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=cwd,
                               env={**_environment(home), "PYTHONUNBUFFERED": "1"},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               stdin=subprocess.DEVNULL)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # the URL, once it listens
        if not line and process.wait(timeout=DEADLINE) == 2:
            errors = process.stderr.read() if process.stderr else ""
            if "can't listen" in errors:
                pytest.skip(f"{command}: its port is taken on this machine: {errors.strip()}")
        url = re.search(r"calendar: (http://127\.0\.0\.1:\d+/agenda\.ics)", line)
        assert url, f"{command}: {line!r}"
        with urllib.request.urlopen(url.group(1), timeout=DEADLINE) as response:
            assert response.status == 200 and b"BEGIN:VCALENDAR" in response.read()
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        _out, errors = process.communicate(timeout=DEADLINE)
    assert process.returncode == 0, errors
    assert "error" not in errors and "Traceback" not in errors, errors


def run_examples(block: tuple[str, ...], jobhunt: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    if block[0].startswith("jobjournal init"):
        home.mkdir()
        cwd = home
    else:
        shutil.copytree(jobhunt, home, symlinks=True)
        cwd = home / "JobHunt"
    for command in block:
        folder = re.fullmatch(r"cd (\S+)", command)
        if folder:
            target = folder.group(1)
            cwd = cwd / (str(home) + target[1:] if target.startswith("~") else target)
        elif re.search(r"\bjobjournal watch\b", command):
            _run_watch(command, home, cwd)
        elif re.search(r"\bjobjournal serve\b", command) and "--help" not in command:
            _run_serve(command, home, cwd)
        else:
            done = _run(command, home, cwd)
            assert done.returncode == 0, f"{command}\n{done.stdout}{done.stderr}"
            assert "internal error" not in done.stderr, done.stderr


@pytest.mark.parametrize("block", readme_examples(), ids=" && ".join)
def test_a_readme_example_runs_as_written(
    block: tuple[str, ...], jobhunt: Path, tmp_path: Path
) -> None:
    run_examples(block, jobhunt, tmp_path)


@pytest.mark.parametrize("path", every_command(), ids=lambda path: " ".join(path) or "jobjournal")
def test_the_examples_of_a_help_run_as_written(
    path: tuple[str, ...], jobhunt: Path, tmp_path: Path
) -> None:
    examples = help_examples(help_text(path))
    assert examples
    run_examples(examples, jobhunt, tmp_path)
