"""Shell completion, through click's own machinery: note types, statuses, note titles for `log`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.shell_completion import ShellComplete

from jobjournal.cli.main import cli

from .conftest import VaultDir

JOBJOURNAL = str(Path(sys.executable).with_name("jobjournal"))


def completions(args: list[str], incomplete: str) -> list[str]:
    complete = ShellComplete(cli, {}, "jobjournal", "_JOBJOURNAL_COMPLETE")
    return [item.value for item in complete.get_completions(args, incomplete)]


@pytest.fixture
def notes(vault: VaultDir, monkeypatch: pytest.MonkeyPatch) -> VaultDir:
    monkeypatch.delenv("JOBJOURNAL_VAULT", raising=False)
    vault.write("Interviews/Acme - Backend.md", "---\ntype: interview\ndate: 2026-11-10\n---\n")
    vault.write("Interviews/Globex.md", "---\ntype: interview\ndate: 2026-11-10\n---\n")
    vault.write("Contacts/Dana Recruiter.md", "---\ntype: contact\n---\n")
    vault.write("Templates/interview.md", "---\ntype: interview\n---\n")
    return vault


def test_commands_and_options() -> None:
    assert {"agenda", "check", "log", "new", "init"} <= set(completions([], ""))
    assert "--print" in completions(["agenda"], "--")


def test_note_types_for_new() -> None:
    assert completions(["new"], "") == ["contact", "interview", "application", "referral",
                                       "meeting"]
    assert completions(["new"], "in") == ["interview"]


def test_statuses_for_log() -> None:
    every = completions(["log", "acme", "Called", "--status"], "")
    assert every[:2] == ["active", "applied"] and "ghosted" not in every[:7]
    assert {"offer", "rejected", "withdrawn"} <= set(every)
    assert completions(["log", "acme", "--status"], "wi") == ["withdrawn"]


@pytest.mark.parametrize("where", ["--vault", "cwd"])
def test_note_titles_for_log(
    notes: VaultDir, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    args = ["log", "--vault", str(notes.root)] if where == "--vault" else ["log"]
    if where == "cwd":
        monkeypatch.chdir(notes.root / "Interviews")
    assert completions(args, "") == ["Acme - Backend", "Dana Recruiter", "Globex"]
    assert completions(args, "ac") == ["Acme - Backend"]
    assert completions(args, "zz") == []


def test_no_vault_completes_no_title_and_says_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("JOBJOURNAL_VAULT", raising=False)
    monkeypatch.chdir(tmp_path)
    assert completions(["log"], "") == []
    assert completions(["log", "--vault", str(tmp_path / "nowhere")], "") == []
    assert capsys.readouterr() == ("", "")


def test_bash_completion_in_a_real_process(notes: VaultDir, tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "JOBJOURNAL_VAULT"}
    env.update(_JOBJOURNAL_COMPLETE="bash_complete", COMP_WORDS="jobjournal log Dan",
               COMP_CWORD="2", JOBJOURNAL_CACHE_DIR=str(tmp_path / "cache"))
    done = subprocess.run([JOBJOURNAL], cwd=notes.root, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["plain,Dana Recruiter"]
    source = subprocess.run([JOBJOURNAL], env={**env, "_JOBJOURNAL_COMPLETE": "bash_source"},
                            capture_output=True, text=True, timeout=60)
    assert "_jobjournal_completion" in source.stdout
