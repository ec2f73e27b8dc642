"""Shared fixtures: a temporary vault you can write notes into, and a CLI runner."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

TODAY = date(2026, 11, 26)  # a Thursday


class VaultDir:
    """A real vault folder in tmp_path: `vault.write("Interviews/Acme.md", "...")`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / ".jobjournal.toml").write_text("", encoding="utf-8")

    def write(self, relpath: str, text: str, *, dedent: bool = True) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if dedent else text, encoding="utf-8")
        return path

    def write_bytes(self, relpath: str, data: bytes) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def config(self, text: str) -> None:
        (self.root / ".jobjournal.toml").write_text(textwrap.dedent(text), encoding="utf-8")

    def read(self, relpath: str) -> str:
        return (self.root / relpath).read_text(encoding="utf-8")

    def snapshot(self) -> dict[str, bytes]:
        """Every file's bytes, to show that a command changed nothing (or only what it should)."""
        return {
            str(p.relative_to(self.root)): p.read_bytes()
            for p in sorted(self.root.rglob("*"))
            if p.is_file() and not p.is_symlink()
        }


@pytest.fixture
def vault(tmp_path: Path) -> VaultDir:
    root = tmp_path / "vault"
    root.mkdir()
    return VaultDir(root)


#: Variables through which the machine's own git setup would leak into a test's repositories.
GIT_LEAKS = (
    "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_CONFIG_GLOBAL", "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL", "JOBJOURNAL_VAULT",
)  # fmt: skip


@pytest.fixture
def git_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Real git with nothing of the machine's configuration: an empty HOME of its own, no system
    config, no identity (tests that commit set one in their repository)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in GIT_LEAKS:
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.delenv("JOBJOURNAL_VAULT", raising=False)
    return CliRunner()
