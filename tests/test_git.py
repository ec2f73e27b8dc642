"""The git workflow: hooks, the agenda's merge driver, `watch --commit`'s committer
and `git sync`, with real git in temporary directories and hooks run by this interpreter."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from jobjournal.cli.main import cli
from jobjournal.config import load_config
from jobjournal.git.hooks import (
    DRIVER,
    attribute_pattern,
    hooks_dir,
    merge_agenda_versions,
)
from jobjournal.git.repo import AutoCommitter, commit_message, open_repo
from jobjournal.vault.agenda_note import BEGIN, END

ROOT = Path(__file__).resolve().parent.parent
HOOK_NAMES = ("pre-commit", "post-merge", "post-checkout", "post-rewrite", "post-commit")
@pytest.fixture(autouse=True)
def _clean_git(git_home: Path) -> Path:
    """Every test here runs git with none of the machine's configuration (conftest.git_home)."""
    return git_home


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}: {result.stderr}{result.stdout}")
    return result


def out(cwd: Path, *args: str) -> str:
    return git(cwd, *args).stdout.strip()


def identify(repo: Path, name: str = "Jane Seeker") -> None:
    git(repo, "config", "user.name", name)
    git(repo, "config", "user.email", f"{name.split()[0].lower()}@example.com")


def jj(*args: str) -> subprocess.CompletedProcess[str]:
    """jobjournal in-process; stdout and stderr apart, like a terminal shows them."""
    result = CliRunner().invoke(cli, list(args))
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def contact(name: str, missed: str = "2026-11-20") -> str:
    """A note with a missed call: a call-back item, whatever today is."""
    return f"---\ntype: contact\nmissed_call: {missed}\n---\nAbout {name}.\n"


def new_repo(path: Path, files: dict[str, str] | None = None) -> Path:
    """A repository at `path` with a plain vault in it, all committed; no hooks."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "--quiet", "--initial-branch", "main")
    identify(path)
    for relpath, text in {".jobjournal.toml": "", **(files or {})}.items():
        write(path / relpath, text)
    git(path, "add", "--all")
    git(path, "commit", "--quiet", "-m", "start")
    return path


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    """A bare repository standing in for the server two devices sync through."""
    path = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch", "main", str(path))
    return path


def laptop_and_phone(tmp_path: Path, remote: Path) -> tuple[Path, Path]:
    """Device A made with `init --git` and pushed; device B a clone with the hooks installed."""
    a, b = tmp_path / "a", tmp_path / "b"
    assert jj("init", str(a), "--git", "--no-examples").returncode == 0
    identify(a, "Ann Laptop")
    git(a, "branch", "--move", "main")  # whatever the default branch is called
    git(a, "remote", "add", "origin", str(remote))
    git(a, "push", "--quiet", "--set-upstream", "origin", "main")
    git(tmp_path, "clone", "--quiet", str(remote), str(b))
    identify(b, "Bea Phone")
    assert jj("git", "install", "--vault", str(b)).returncode == 0
    return a, b


# --- install --------------------------------------------------------------------------------------


def test_install_writes_hooks_driver_and_attribute_line_and_is_idempotent(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    result = jj("git", "install", "--vault", str(repo))
    assert result.returncode == 0, result.stderr

    hooks = repo / ".git" / "hooks"
    for name in HOOK_NAMES:
        script = (hooks / name).read_text(encoding="utf-8")
        assert script.startswith("#!/bin/sh\n")
        assert sys.executable in script and f" -m jobjournal git hook {name} " in script
        assert os.access(hooks / name, os.X_OK)
    driver = out(repo, "config", f"merge.{DRIVER}.driver")
    assert driver.startswith(f"{sys.executable} -m jobjournal git merge-agenda ")
    assert driver.endswith("%O %A %B %P")
    assert out(repo, "config", f"merge.{DRIVER}.name")
    assert out(repo, "check-attr", "merge", "--", "Agenda.md").endswith(f"merge: {DRIVER}")

    def state() -> dict[str, bytes]:
        files = [repo / ".git" / "config", repo / ".gitattributes", *sorted(hooks.iterdir())]
        return {str(p): p.read_bytes() + oct(p.stat().st_mode).encode() for p in files}

    before = state()
    again = jj("git", "install", "--vault", str(repo))
    assert again.returncode == 0
    assert again.stdout.startswith("nothing to do")
    assert state() == before


def test_install_adds_the_configured_agenda_to_gitattributes_keeping_its_bytes(
    tmp_path: Path,
) -> None:
    attributes = b"*.md diff=markdown\r\n# mine\r\n*.png binary"  # CRLF, no final newline
    repo = new_repo(tmp_path / "repo", {".jobjournal.toml": '[agenda]\npath = "Hunt/My Agenda.md"\n'})
    (repo / ".gitattributes").write_bytes(attributes)

    assert jj("git", "install", "--vault", str(repo)).returncode == 0
    data = (repo / ".gitattributes").read_bytes()
    notes = b"*.md merge=jobjournal-note\r\n"  # first, with its comment: the agenda's line wins
    assert data.startswith(b"# ") and data.index(notes) < data.index(attributes)
    assert data[data.index(notes) + len(notes) :].startswith(attributes + b"\r\n")
    assert data.endswith(b'"/Hunt/My Agenda.md" merge=jobjournal-agenda\r\n')
    assert out(repo, "check-attr", "merge", "--", "Hunt/My Agenda.md").endswith(DRIVER)
    assert out(repo, "check-attr", "merge", "--", "Other/Hunt/My Agenda.md").endswith(
        "jobjournal-note"
    )


@pytest.mark.parametrize(
    "path", ["Agenda.md", "Jobs/Agenda [gen].md", "My Agenda*.md", 'Odd "q" \\ #1?.md']
)
def test_attribute_pattern_matches_only_that_path(tmp_path: Path, path: str) -> None:
    git(tmp_path, "init", "--quiet")
    write(tmp_path / ".gitattributes", f"{attribute_pattern(path)} merge=found\n")

    def merge_of(name: str) -> str:
        return git(tmp_path, "check-attr", "-z", "merge", "--", name).stdout.split("\0")[2]

    assert merge_of(path) == "found"
    assert merge_of(f"Sub/{path}") == "unspecified"
    assert merge_of(path.replace(".md", "X.md")) == "unspecified"


def test_a_hook_of_yours_is_chained_and_uninstall_puts_it_back(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    marker = tmp_path / "ran"
    mine = hooks_dir(open_repo(repo)) / "pre-commit"
    original = f'#!/bin/sh\necho "$@" >> "{marker}"\nexit "${{FAIL:-0}}"\n'.encode()
    mine.write_bytes(original)
    mine.chmod(0o750)

    installed = jj("git", "install", "--vault", str(repo))
    assert "moved your pre-commit hook to pre-commit.local" in installed.stdout
    assert (mine.parent / "pre-commit.local").read_bytes() == original

    write(repo / "Contacts/Alice.md", contact("Alice"))
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "Alice")
    assert marker.exists()  # your hook ran, and ours let the good note through

    write(repo / "Contacts/Bob.md", contact("Bob"))
    git(repo, "add", "--all")
    refused = subprocess.run(
        ["git", "commit", "--quiet", "-m", "Bob"], cwd=repo, capture_output=True, text=True,
        env={**os.environ, "FAIL": "1"}, check=False,
    )  # fmt: skip
    assert refused.returncode != 0  # your hook failing still refuses the commit
    assert out(repo, "log", "-1", "--format=%s") == "Alice"

    uninstalled = jj("git", "install", "--vault", str(repo), "--uninstall")
    assert "put back your pre-commit hook" in uninstalled.stdout
    assert mine.read_bytes() == original
    assert stat.S_IMODE(mine.stat().st_mode) == 0o750
    assert not (mine.parent / "pre-commit.local").exists()
    assert not any((mine.parent / name).exists() for name in HOOK_NAMES[1:])
    assert git(repo, "config", "--get-regexp", "^merge\\.", check=False).stdout == ""


def test_install_refuses_when_your_hook_and_its_local_copy_both_exist(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    hooks = repo / ".git" / "hooks"
    (hooks / "post-merge").write_text("#!/bin/sh\necho one\n")
    (hooks / "post-merge.local").write_text("#!/bin/sh\necho two\n")
    before = sorted(p.name for p in hooks.iterdir())

    result = jj("git", "install", "--vault", str(repo))
    assert result.returncode == 2
    assert "post-merge.local exists too" in result.stderr
    assert sorted(p.name for p in hooks.iterdir()) == before  # nothing was installed


def test_install_uses_core_hooks_path(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    git(repo, "config", "core.hooksPath", ".githooks")
    assert jj("git", "install", "--vault", str(repo)).returncode == 0
    assert sorted(p.name for p in (repo / ".githooks").iterdir()) == sorted(HOOK_NAMES)


def test_pre_commit_hook_refuses_a_broken_note_and_names_it(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo", {"README.md": "not a vault\n"})
    vault = repo / "Jobs"  # the vault is a folder inside the repository
    write(vault / ".jobjournal.toml", "")
    assert jj("git", "install", "--vault", str(vault)).returncode == 0
    write(vault / "Interviews/Broken.md", "---\ntype: interview\ncompany: Acme\n---\n")  # no date
    git(repo, "add", "--all")

    refused = git(repo, "commit", "-m", "broken", check=False)
    assert refused.returncode != 0
    assert "Jobs/Interviews/Broken.md:" in refused.stderr
    assert "commit refused: 1 note with errors: Jobs/Interviews/Broken.md" in refused.stderr
    assert out(repo, "log", "-1", "--format=%s") == "start"

    # Only what is committed counts: the broken note, left out, doesn't block another one.
    git(repo, "reset", "--quiet")
    write(vault / "Contacts/Alice.md", contact("Alice"))
    git(repo, "add", "Jobs/Contacts/Alice.md")
    git(repo, "commit", "--quiet", "-m", "Alice")
    assert out(repo, "log", "-1", "--format=%s") == "Alice"


def test_not_a_git_repository_is_one_clear_line(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    write(plain / ".jobjournal.toml", "")
    for command in (["install"], ["sync"]):
        result = jj("git", *command, "--vault", str(plain))
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1
        assert "is not in a git repository: run `git init` there" in result.stderr


def test_git_missing_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "vault/.jobjournal.toml", "")
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    result = jj("git", "sync", "--vault", str(tmp_path / "vault"))
    assert result.returncode == 2
    assert "git is not installed" in result.stderr
    # init --git checks first, so no half-made vault is left behind
    assert jj("init", str(tmp_path / "new"), "--git").returncode == 2
    assert not (tmp_path / "new").exists()


def test_init_git_installs_the_hooks_in_a_clean_first_commit(tmp_path: Path) -> None:
    target = tmp_path / "hunt"
    assert jj("init", str(target), "--git").returncode == 0
    assert out(target, "rev-list", "--count", "HEAD") == "1"
    assert out(target, "status", "--porcelain") == ""
    assert all((target / ".git" / "hooks" / name).exists() for name in HOOK_NAMES)
    assert out(target, "config", f"merge.{DRIVER}.name")


def test_pre_commit_framework_hook_definition() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "jobjournal-check"
    assert hook["entry"] == "jobjournal check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert hook["always_run"] is True


# --- merging two devices --------------------------------------------------------------------------


def test_two_devices_merge_without_an_agenda_conflict(tmp_path: Path, remote: Path) -> None:
    a, b = laptop_and_phone(tmp_path, remote)

    write(a / "Contacts/Alice.md", contact("Alice"))
    assert jj("agenda", "--vault", str(a)).returncode == 0
    text = (a / "Agenda.md").read_text(encoding="utf-8")
    write(a / "Agenda.md", text.replace(BEGIN, "Laptop's note above.\n" + BEGIN))
    git(a, "add", "--all")
    git(a, "commit", "--quiet", "-m", "Alice")
    git(a, "push", "--quiet")

    write(b / "Contacts/Bob.md", contact("Bob"))
    assert jj("agenda", "--vault", str(b)).returncode == 0
    write(b / "Agenda.md", (b / "Agenda.md").read_text(encoding="utf-8") + "Phone's note below.\n")
    git(b, "add", "--all")
    git(b, "commit", "--quiet", "-m", "Bob")

    pulled = git(b, "pull", "--no-rebase", "--no-edit", check=False)
    assert pulled.returncode == 0, pulled.stderr + pulled.stdout
    assert out(b, "log", "-1", "--format=%s") == "jobjournal: update agenda"  # the hook's commit
    assert out(b, "log", "-1", "--format=%p", "HEAD~1").count(" ") == 1  # on the merge commit
    assert out(b, "status", "--porcelain") == ""
    agenda = (b / "Agenda.md").read_text(encoding="utf-8")
    assert "Call back Alice" in agenda and "Call back Bob" in agenda  # the post-merge hook regenerated it
    assert agenda.index("Laptop's note above.") < agenda.index(BEGIN)
    assert agenda.index(END) < agenda.index("Phone's note below.")
    assert "<<<<<<<" not in agenda


def test_a_rebase_replays_agendas_without_conflict_then_regenerates(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    assert jj("git", "install", "--vault", str(repo)).returncode == 0
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--no-verify", "-m", "install")

    def add_note_on(branch: str, name: str) -> None:
        git(repo, "switch", "--quiet", "--create", branch, "main")
        write(repo / f"Contacts/{name}.md", contact(name))
        assert jj("agenda", "--vault", str(repo)).returncode == 0
        git(repo, "add", "--all")
        git(repo, "commit", "--quiet", "--no-verify", "-m", name)

    add_note_on("laptop", "Alice")
    add_note_on("phone", "Bob")
    rebased = git(repo, "rebase", "laptop", check=False)  # replays the phone's agenda on the laptop's
    assert rebased.returncode == 0, rebased.stderr + rebased.stdout
    agenda = (repo / "Agenda.md").read_text(encoding="utf-8")
    assert "Call back Alice" in agenda and "Call back Bob" in agenda  # post-rewrite regenerated it


def write_three(tmp_path: Path, base: str, ours: str, theirs: str) -> tuple[Path, Path, Path]:
    return (
        write(tmp_path / "base", base), write(tmp_path / "ours", ours),
        write(tmp_path / "theirs", theirs),
    )  # fmt: skip


def agenda_note(above: str, generated: str, below: str) -> str:
    return f"---\ntype: agenda\n---\n{above}{BEGIN}\n{generated}{END}\n{below}"


def test_driver_merges_your_text_and_writes_the_fresh_agenda(tmp_path: Path) -> None:
    base, ours, theirs = write_three(
        tmp_path,
        agenda_note("Top.\n", "old\n", "Bottom.\n"),
        agenda_note("Top, edited by me.\n", "ours\n", "Bottom.\n"),
        agenda_note("Top.\n", "theirs\n", "Bottom.\nAdded by the phone.\n"),
    )
    assert merge_agenda_versions(base, ours, theirs, fresh="fresh\n") == 0
    assert ours.read_text() == agenda_note(
        "Top, edited by me.\n", "fresh\n", "Bottom.\nAdded by the phone.\n"
    )
    # Without a fresh agenda (it couldn't be computed) ours' generated part is kept.
    base, ours, theirs = write_three(
        tmp_path, agenda_note("", "old\n", ""), agenda_note("", "ours\n", ""),
        agenda_note("", "theirs\n", "x\n"),
    )  # fmt: skip
    assert merge_agenda_versions(base, ours, theirs, fresh=None) == 0
    assert ours.read_text() == agenda_note("", "ours\n", "x\n")


def test_driver_leaves_conflict_markers_only_where_your_text_conflicts(tmp_path: Path) -> None:
    base, ours, theirs = write_three(
        tmp_path,
        agenda_note("Plan: call Acme.\n", "old\n", "Bottom.\n"),
        agenda_note("Plan: call Acme on Monday.\n", "ours\n", "Bottom.\n"),
        agenda_note("Plan: call Acme on Friday.\n", "theirs\n", "Bottom, edited.\n"),
    )
    assert merge_agenda_versions(base, ours, theirs, fresh="fresh\n") == 1
    merged = ours.read_text()
    assert merged.count("<<<<<<< ours") == 1 and merged.count(">>>>>>> theirs") == 1
    assert merged.index(">>>>>>> theirs") < merged.index(BEGIN)
    assert f"{BEGIN}\nfresh\n{END}\nBottom, edited.\n" in merged


def test_driver_merges_a_note_without_markers_like_any_text(tmp_path: Path) -> None:
    base, ours, theirs = write_three(tmp_path, "a\nb\nc\n", "A\nb\nc\n", "a\nb\nC\n")
    assert merge_agenda_versions(base, ours, theirs, fresh="fresh\n") == 0
    assert ours.read_text() == "A\nb\nC\n"


# --- watch --commit -------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def committer(repo: Path, reports: list[str], clock: Clock) -> AutoCommitter:
    return AutoCommitter(repo, load_config(repo), report=reports.append, clock=clock)


QUICK = "[git]\ncommit_delay_seconds = 5\n"


def test_auto_commit_after_the_quiet_period_commits_only_those_notes(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo", {".jobjournal.toml": QUICK, "Agenda.md": "old\n"})
    write(repo / "Drafts/Mine.md", "staged by you\n")
    git(repo, "add", "Drafts/Mine.md")
    reports: list[str] = []
    clock = Clock()
    auto = committer(repo, reports, clock)

    write(repo / "Interviews/Acme.md", "---\ntype: interview\ndate: 2026-11-20\n---\n")
    write(repo / "Contacts/Jane.md", contact("Jane"))
    write(repo / "Agenda.md", "new\n")
    auto.notice(["Interviews/Acme.md"])
    clock.now += 3
    auto.notice([repo / "Contacts/Jane.md"])  # a later change restarts the wait
    clock.now += 4.9
    assert auto.poll() is None
    clock.now += 0.1
    assert auto.poll() == "jobjournal: update Contacts/Jane.md (+1 more)"

    assert out(repo, "log", "-1", "--format=%s") == "jobjournal: update Contacts/Jane.md (+1 more)"
    committed = out(repo, "show", "--name-only", "--format=", "HEAD").splitlines()
    assert committed == ["Agenda.md", "Contacts/Jane.md", "Interviews/Acme.md"]
    assert out(repo, "diff", "--cached", "--name-only") == "Drafts/Mine.md"  # still yours
    assert auto.poll(clock.now + 100) is None and reports == []


def test_auto_commit_waits_while_a_merge_is_in_progress(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo", {".jobjournal.toml": QUICK, "Contacts/Jane.md": "one\n"})
    git(repo, "switch", "--quiet", "-c", "other")
    write(repo / "Contacts/Jane.md", "two\n")
    git(repo, "commit", "--quiet", "-am", "two")
    git(repo, "switch", "--quiet", "main")
    write(repo / "Contacts/Jane.md", "three\n")
    git(repo, "commit", "--quiet", "-am", "three")
    assert git(repo, "merge", "other", check=False).returncode != 0  # a real conflict
    assert (repo / ".git" / "MERGE_HEAD").exists()
    head = out(repo, "rev-parse", "HEAD")

    reports: list[str] = []
    clock = Clock()
    auto = committer(repo, reports, clock)
    write(repo / "Contacts/Ann.md", contact("Ann"))
    auto.notice(["Contacts/Ann.md", "Contacts/Jane.md"])
    clock.now += 60
    assert auto.poll() is None
    assert auto.poll() is None
    assert reports == ["not committing while a merge is in progress"]  # said once
    assert out(repo, "rev-parse", "HEAD") == head

    git(repo, "merge", "--abort")
    assert auto.poll() == "jobjournal: update Contacts/Ann.md"


def test_auto_commit_skips_a_file_with_conflict_markers(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo", {".jobjournal.toml": QUICK})
    write(repo / "Contacts/Jane.md", "<<<<<<< ours\nJane\n=======\nJ.\n>>>>>>> theirs\n")
    write(repo / "Contacts/Ann.md", contact("Ann"))
    reports: list[str] = []
    clock = Clock()
    auto = committer(repo, reports, clock)
    auto.notice(["Contacts/Jane.md", "Contacts/Ann.md"])

    assert auto.poll(clock.now + 5) == "jobjournal: update Contacts/Ann.md"
    assert out(repo, "show", "--name-only", "--format=", "HEAD") == "Contacts/Ann.md"
    assert reports == [
        "not committing Contacts/Jane.md: it holds git conflict markers; resolve them"
    ]


def test_auto_commit_waits_for_index_lock(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo", {".jobjournal.toml": QUICK})
    write(repo / "Contacts/Ann.md", contact("Ann"))
    lock = repo / ".git" / "index.lock"
    lock.write_text("")
    reports: list[str] = []
    clock = Clock()
    auto = committer(repo, reports, clock)
    auto.notice(["Contacts/Ann.md"])

    assert auto.poll(clock.now + 10) is None
    lock.unlink()
    assert auto.poll(clock.now + 11) == "jobjournal: update Contacts/Ann.md"
    assert reports == []


def test_auto_commit_refused_by_the_hook_waits_for_the_next_change(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo", {".jobjournal.toml": QUICK})
    assert jj("git", "install", "--vault", str(repo)).returncode == 0
    broken = write(repo / "Interviews/Acme.md", "---\ntype: interview\n---\n")  # no date
    write(repo / "Contacts/Ann.md", contact("Ann"))
    reports: list[str] = []
    clock = Clock()
    auto = committer(repo, reports, clock)
    auto.notice(["Interviews/Acme.md", "Contacts/Ann.md"])

    assert auto.poll(clock.now + 5) is None
    assert len(reports) == 1 and "commit refused: 1 note with errors: Interviews/Acme.md" in reports[0]
    assert auto.poll(clock.now + 50) is None and len(reports) == 1  # no retry until a change
    assert out(repo, "log", "-1", "--format=%s") == "start"
    assert "?? Contacts/" in out(repo, "status", "--porcelain")  # the index as it was

    broken.write_text("---\ntype: interview\ndate: 2026-11-20\n---\n", encoding="utf-8")
    auto.notice(["Interviews/Acme.md"], now=clock.now + 60)
    assert auto.poll(clock.now + 65) == "jobjournal: update Contacts/Ann.md (+1 more)"
    assert out(repo, "status", "--porcelain", "--", "Contacts", "Interviews") == ""


def test_auto_commit_of_many_notes_passes_them_on_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("jobjournal.git.repo._ARGS_LIMIT", 100)
    repo = new_repo(tmp_path / "repo", {".jobjournal.toml": QUICK})
    names = [f"Contacts/Person {n}.md" for n in range(12)]
    for name in names:
        write(repo / name, contact(name))
    write(repo / "Contacts/Untold.md", contact("Untold"))
    clock = Clock()
    auto = committer(repo, [], clock)
    auto.notice(names)
    assert auto.poll(clock.now + 5) == "jobjournal: update Contacts/Person 0.md (+11 more)"
    assert out(repo, "status", "--porcelain", "--untracked-files=all") == "?? Contacts/Untold.md"


def test_commit_message_names_a_note_and_counts_the_rest() -> None:
    assert commit_message(["Agenda.md"], "Agenda.md") == "jobjournal: update Agenda.md"
    assert commit_message(["b.md", "Agenda.md", "a.md"], "Agenda.md") == (
        "jobjournal: update a.md (+1 more)"
    )


# --- sync -----------------------------------------------------------------------------------------


def test_sync_pushes_and_the_other_device_pulls(tmp_path: Path, remote: Path) -> None:
    a, b = laptop_and_phone(tmp_path, remote)

    write(a / "Contacts/Alice.md", contact("Alice"))
    synced = jj("git", "sync", "--vault", str(a))
    assert synced.returncode == 0, synced.stderr
    assert "committed: jobjournal: update Contacts/Alice.md" in synced.stdout
    assert "pushed to origin/main" in synced.stdout
    assert out(remote, "log", "-1", "--format=%s") == "jobjournal: update Contacts/Alice.md"

    write(b / "Contacts/Bob.md", contact("Bob"))
    synced = jj("git", "sync", "--vault", str(b))
    assert synced.returncode == 0, synced.stderr
    assert "pulled from origin/main" in synced.stdout
    assert out(b, "status", "--porcelain") == ""  # the regenerated agenda is committed too
    agenda = (b / "Agenda.md").read_text(encoding="utf-8")
    assert "Call back Alice" in agenda and "Call back Bob" in agenda

    synced = jj("git", "sync", "--vault", str(a))
    assert synced.returncode == 0, synced.stderr
    assert (a / "Contacts/Bob.md").exists()
    assert (a / "Agenda.md").read_text(encoding="utf-8") == agenda
    assert out(a, "status", "--porcelain") == ""


def test_sync_a_first_time_sets_the_upstream(tmp_path: Path, remote: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    git(repo, "remote", "add", "origin", str(remote))
    write(repo / "Contacts/Ann.md", contact("Ann"))
    synced = jj("git", "sync", "--vault", str(repo))
    assert synced.returncode == 0, synced.stderr
    assert out(repo, "rev-parse", "--abbrev-ref", "main@{upstream}") == "origin/main"
    assert out(remote, "log", "-1", "--format=%s") == "jobjournal: update Contacts/Ann.md"
    assert out(remote, "show", "--name-only", "--format=", "HEAD").splitlines() == [
        "Agenda.md", "Contacts/Ann.md", "Pipeline.md",
    ]  # the agenda and the board, regenerated first, go with it


def test_sync_without_a_remote_commits_only(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    write(repo / "Contacts/Ann.md", contact("Ann"))
    synced = jj("git", "sync", "--vault", str(repo))
    assert synced.returncode == 0
    assert "no remote: committed only" in synced.stdout
    assert out(repo, "status", "--porcelain") == ""


def test_sync_stops_on_a_conflict_in_a_note_and_names_it(tmp_path: Path, remote: Path) -> None:
    a, b = laptop_and_phone(tmp_path, remote)
    write(a / "Contacts/Jane.md", contact("Jane"))
    assert jj("git", "sync", "--vault", str(a)).returncode == 0
    assert jj("git", "sync", "--vault", str(b)).returncode == 0
    write(a / "Contacts/Jane.md", contact("Jane", missed="2026-11-23"))
    assert jj("git", "sync", "--vault", str(a)).returncode == 0
    write(b / "Contacts/Jane.md", contact("Jane", missed="2026-11-24"))

    synced = jj("git", "sync", "--vault", str(b))
    assert synced.returncode == 2
    assert "conflict with yours in Contacts/Jane.md" in synced.stderr
    assert synced.stderr.count("\n") == 1
    assert not (b / ".git" / "MERGE_HEAD").exists()
    assert out(b, "status", "--porcelain") == ""  # committed, and nothing half-merged
    assert "2026-11-24" in (b / "Contacts/Jane.md").read_text(encoding="utf-8")


def test_watch_commit_commits_changed_notes_after_the_quiet_period(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`jobjournal watch --commit`, a real process on a real repo: a saved note is committed
    once it has been quiet for [git] commit_delay_seconds, with a message naming it."""
    import sys
    import time

    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    (tmp_path / "run").mkdir(mode=0o700)
    vault = tmp_path / "vault"
    write(vault / ".jobjournal.toml", "[git]\ncommit_delay_seconds = 1\n")
    git(vault, "init", "-q")
    identify(vault)
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "start")
    process = subprocess.Popen(
        [sys.executable, "-m", "jobjournal", "watch", "--commit", "--vault", str(vault)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 10
        while not (vault / "Agenda.md").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        write(vault / "Contacts/Dana.md", contact("Dana"))
        while time.monotonic() < deadline:
            subjects = out(vault, "log", "--format=%s")
            if "Contacts/Dana.md" in subjects:
                break
            time.sleep(0.1)
        else:
            raise AssertionError(f"no commit naming the note: {subjects!r}")
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    assert out(vault, "log", "-1", "--format=%s") == "jobjournal: update Contacts/Dana.md"
    committed = out(vault, "show", "--name-only", "--format=", "HEAD").splitlines()
    assert "Contacts/Dana.md" in committed
    assert "committed: jobjournal: update Contacts/Dana.md" in stderr


def test_watch_commit_outside_git_is_a_clear_error(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    write(vault / ".jobjournal.toml", "")
    result = jj("watch", "--commit", "--vault", str(vault))
    assert result.returncode == 2
    assert result.stderr.startswith("jobjournal: error: ") and "git" in result.stderr


# --- a detached HEAD ------------------------------------------------------------------------------


def history(repo: Path) -> tuple[str, str, str]:
    """Everything a commit would leave behind: HEAD, every reflog, and unreachable commits."""
    unreachable = git(repo, "fsck", "--unreachable", "--no-reflogs", "--no-progress").stdout
    return (
        out(repo, "rev-parse", "HEAD"),
        git(repo, "reflog", "show", "--all", check=False).stdout,
        "\n".join(line for line in unreachable.splitlines() if "commit" in line),
    )


def test_sync_on_a_detached_head_refuses_before_committing_naming_the_branch_there(
    tmp_path: Path,
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "--quiet", "--initial-branch", "trunk")
    identify(repo)
    write(repo / ".jobjournal.toml", "")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "start")
    git(repo, "switch", "--quiet", "--detach")
    write(repo / "Contacts/Ann.md", contact("Ann"))
    before = history(repo)

    synced = jj("git", "sync", "--vault", str(repo))
    assert synced.returncode == 2
    (error,) = [line for line in synced.stderr.splitlines() if "error" in line]
    assert "HEAD is detached" in error and "`git switch trunk`" in error
    assert history(repo) == before  # no commit, not even one only the reflog remembers
    assert out(repo, "status", "--porcelain", "--untracked-files=all") == "?? Contacts/Ann.md"


def test_sync_on_a_detached_head_away_from_every_branch_names_origins_default(
    tmp_path: Path, remote: Path
) -> None:
    seed = new_repo(tmp_path / "seed", {"Contacts/Ann.md": contact("Ann")})
    git(seed, "branch", "--move", "develop")
    write(seed / "Contacts/Bob.md", contact("Bob"))
    git(seed, "add", "--all")
    git(seed, "commit", "--quiet", "-m", "Bob")
    git(seed, "push", "--quiet", str(remote), "develop")
    git(remote, "symbolic-ref", "HEAD", "refs/heads/develop")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", str(remote), str(clone))
    identify(clone)
    git(clone, "branch", "--quiet", "--move", "develop", "mine")  # no local branch named after it
    git(clone, "switch", "--quiet", "--detach", "HEAD~1")  # a commit no branch ends at
    write(clone / "Contacts/Cy.md", contact("Cy"))
    before = history(clone)

    synced = jj("git", "sync", "--vault", str(clone))
    assert synced.returncode == 2
    assert "`git switch develop`" in synced.stderr
    assert history(clone) == before


def test_sync_on_a_detached_head_without_a_remote_names_the_latest_branch(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    git(repo, "branch", "--move", "notes")
    write(repo / "Contacts/Ann.md", contact("Ann"))
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "Ann")
    git(repo, "switch", "--quiet", "--detach", "HEAD~1")
    before = history(repo)

    synced = jj("git", "sync", "--vault", str(repo))
    assert synced.returncode == 2
    assert "`git switch notes`" in synced.stderr and "main" not in synced.stderr
    assert history(repo) == before


def test_auto_commit_on_a_detached_head_waits_and_says_so_once(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo", {".jobjournal.toml": QUICK})
    git(repo, "branch", "--move", "trunk")
    git(repo, "switch", "--quiet", "--detach")
    reports: list[str] = []
    clock = Clock()
    auto = committer(repo, reports, clock)
    write(repo / "Contacts/Ann.md", contact("Ann"))
    auto.notice(["Contacts/Ann.md"])
    before = history(repo)

    assert auto.poll(clock.now + 10) is None
    assert auto.poll(clock.now + 20) is None
    assert history(repo) == before
    assert len(reports) == 1 and "HEAD is detached" in reports[0]
    assert "`git switch trunk`" in reports[0]

    git(repo, "switch", "--quiet", "trunk")
    assert auto.poll(clock.now + 30) == "jobjournal: update Contacts/Ann.md"


# --- jobjournal's temp files ----------------------------------------------------------------------

LEFTOVERS = (".Agenda.md.k2j4_x9z.tmp", "Contacts/.Ann.md.0123456789ab.new")


def test_temp_names_match_the_files_jobjournal_writes_beside_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fnmatch import fnmatchcase

    from jobjournal.vault.atomic import TEMP_NAMES, atomic_write, create_file

    made: list[str] = []
    replace, link = os.replace, os.link

    def replacing(source: str, target: str) -> None:
        made.append(Path(source).name)
        replace(source, target)

    def linking(source: str, target: str) -> None:
        made.append(Path(source).name)
        link(source, target)

    monkeypatch.setattr(os, "replace", replacing)
    monkeypatch.setattr(os, "link", linking)
    atomic_write(tmp_path / "Agenda.md", b"agenda\n")
    create_file(tmp_path / "Ann.md", "Ann.md", b"Ann\n")
    assert len(made) == 2
    assert all(any(fnmatchcase(name, pattern) for pattern in TEMP_NAMES) for name in made), made
    assert all(any(fnmatchcase(Path(p).name, t) for t in TEMP_NAMES) for p in LEFTOVERS)


def test_install_excludes_temp_files_in_the_common_info_exclude_once(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    tree = tmp_path / "tree"
    git(repo, "worktree", "add", "--quiet", "-b", "other", str(tree))
    exclude = repo / ".git" / "info" / "exclude"
    before = exclude.read_bytes() if exclude.exists() else b""

    installed = jj("git", "install", "--vault", str(tree))
    assert installed.returncode == 0, installed.stderr
    assert "info/exclude" in installed.stdout
    assert exclude.read_bytes().startswith(before)
    for name in LEFTOVERS:
        write(tree / name, "half written\n")
        assert git(tree, "check-ignore", "--quiet", name, check=False).returncode == 0, name
    write(tree / "Contacts/.notes.tmp", "yours\n")  # not one of jobjournal's
    assert git(tree, "check-ignore", "--quiet", "Contacts/.notes.tmp", check=False).returncode == 1

    after = exclude.read_bytes()
    assert jj("git", "install", "--vault", str(tree)).stdout.startswith("nothing to do")
    again = jj("git", "install", "--vault", str(repo))  # the other worktree shares the file
    assert again.returncode == 0 and "exclude" not in again.stdout
    assert exclude.read_bytes() == after


def test_sync_never_commits_jobjournal_temp_files(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo", {"README.md": "not a vault\n"})
    vault = repo / "Jobs"  # inside a repository of yours: no .gitignore from the vault template
    write(vault / ".jobjournal.toml", "")
    for name in LEFTOVERS:
        write(vault / name, "half written\n")
    write(vault / "Contacts/Ann.md", contact("Ann"))

    synced = jj("git", "sync", "--vault", str(vault))
    assert synced.returncode == 0, synced.stderr
    committed = out(repo, "show", "--name-only", "--format=", "HEAD").splitlines()
    assert committed == ["Jobs/.jobjournal.toml", "Jobs/Agenda.md", "Jobs/Contacts/Ann.md",
                         "Jobs/Pipeline.md"]
    untracked = out(repo, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert sorted(untracked) == sorted(f"?? Jobs/{name}" for name in LEFTOVERS)


def test_auto_commit_never_commits_jobjournal_temp_files(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo", {".jobjournal.toml": QUICK})
    for name in LEFTOVERS:
        write(repo / name, "half written\n")
    write(repo / "Contacts/Ann.md", contact("Ann"))
    clock = Clock()
    auto = committer(repo, [], clock)
    auto.notice([*LEFTOVERS, "Contacts/Ann.md"])

    assert auto.poll(clock.now + 5) == "jobjournal: update Contacts/Ann.md"
    assert out(repo, "show", "--name-only", "--format=", "HEAD") == "Contacts/Ann.md"


def test_auto_commit_commits_a_note_showing_conflict_markers_in_a_code_block(
    tmp_path: Path,
) -> None:
    repo = new_repo(tmp_path / "repo", {".jobjournal.toml": QUICK})
    example = "```diff\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> feature\n```\n"
    write(repo / "Contacts/Ann.md", contact("Ann") + "She asked how git shows a conflict:\n" + example)
    reports: list[str] = []
    clock = Clock()
    auto = committer(repo, reports, clock)
    auto.notice(["Contacts/Ann.md"])

    assert auto.poll(clock.now + 5) == "jobjournal: update Contacts/Ann.md"
    assert reports == []


# --- the pre-commit hook checks what is staged ----------------------------------------------------

BROKEN = "---\ntype: interview\ncompany: Acme\n---\n"  # no date: an error
MENDED = "---\ntype: interview\ncompany: Acme\ndate: 2026-11-20\n---\n"


def hooked_repo(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    repo = new_repo(tmp_path / "repo", files)
    assert jj("git", "install", "--vault", str(repo)).returncode == 0
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "install")
    return repo


def commit(repo: Path, message: str) -> subprocess.CompletedProcess[str]:
    return git(repo, "commit", "--quiet", "-m", message, check=False)


def test_pre_commit_checks_the_staged_note_not_its_working_copy(tmp_path: Path) -> None:
    repo = hooked_repo(tmp_path)
    note = write(repo / "Interviews/Acme.md", BROKEN)
    git(repo, "add", "Interviews/Acme.md")
    note.write_text(MENDED, encoding="utf-8")  # mended, but not staged: the commit holds BROKEN
    refused = commit(repo, "broken")
    assert refused.returncode != 0
    assert "Interviews/Acme.md:2: error: interview has no `date`" in refused.stderr
    assert out(repo, "log", "-1", "--format=%s") == "install"

    git(repo, "add", "Interviews/Acme.md")
    note.write_text(BROKEN, encoding="utf-8")  # broken again, but what is staged is good
    assert commit(repo, "mended").returncode == 0
    assert out(repo, "show", "HEAD:Interviews/Acme.md") + "\n" == MENDED


def test_pre_commit_checks_a_staged_note_deleted_from_the_working_tree(tmp_path: Path) -> None:
    repo = hooked_repo(tmp_path)
    note = write(repo / "Interviews/Acme.md", BROKEN)
    git(repo, "add", "Interviews/Acme.md")
    note.unlink()
    refused = commit(repo, "broken")
    assert refused.returncode != 0
    assert "commit refused: 1 note with errors: Interviews/Acme.md" in refused.stderr


def test_pre_commit_reads_the_staged_config_not_the_working_one(tmp_path: Path) -> None:
    repo = hooked_repo(tmp_path)
    config = repo / ".jobjournal.toml"
    config.write_text("[agenda\n", encoding="utf-8")  # being edited, not staged
    write(repo / "Contacts/Ann.md", contact("Ann"))
    git(repo, "add", "Contacts/Ann.md")
    allowed = commit(repo, "Ann")
    assert allowed.returncode == 0, allowed.stderr

    git(repo, "add", ".jobjournal.toml")  # a broken config staged is refused, named
    config.write_text("", encoding="utf-8")
    refused = commit(repo, "config")
    assert refused.returncode != 0
    assert "commit refused: .jobjournal.toml (as staged): not valid TOML" in refused.stderr

    # The staged config's settings count: here it leaves Drafts/ out of the vault.
    write(repo / ".jobjournal.toml", '[vault]\nignore = ["Drafts/"]\n')
    git(repo, "add", ".jobjournal.toml")
    config.write_text("", encoding="utf-8")
    write(repo / "Drafts/Acme.md", BROKEN)
    git(repo, "add", "Drafts/Acme.md")
    allowed = commit(repo, "drafts")
    assert allowed.returncode == 0, allowed.stderr


def test_pre_commit_refuses_conflict_markers_in_the_agenda_text_around_its_markers(
    tmp_path: Path,
) -> None:
    repo = hooked_repo(tmp_path)
    assert jj("agenda", "--vault", str(repo)).returncode == 0
    agenda = repo / "Agenda.md"
    generated = agenda.read_text(encoding="utf-8")
    mine = "<<<<<<< ours\nPlan: call Acme on Monday.\n=======\nPlan: call Acme on Friday.\n"
    conflicted = generated + mine + ">>>>>>> theirs\n"
    agenda.write_text(conflicted, encoding="utf-8")
    git(repo, "add", "Agenda.md")
    refused = commit(repo, "agenda")
    assert refused.returncode != 0
    line = generated.count("\n") + 1
    assert f"Agenda.md:{line}: error: git conflict markers" in refused.stderr
    assert "commit refused: 1 note with errors: Agenda.md" in refused.stderr

    # The same lines shown in a code block are text.
    agenda.write_text(generated + "```\n" + mine + ">>>>>>> theirs\n```\n", encoding="utf-8")
    git(repo, "add", "Agenda.md")
    allowed = commit(repo, "agenda")
    assert allowed.returncode == 0, allowed.stderr


def test_pre_commit_reads_from_the_index_a_note_git_is_told_not_to_look_at(
    tmp_path: Path,
) -> None:
    repo = hooked_repo(tmp_path)
    note = write(repo / "Interviews/Acme.md", BROKEN)
    git(repo, "add", "Interviews/Acme.md")
    git(repo, "update-index", "--assume-unchanged", "Interviews/Acme.md")
    note.write_text(MENDED, encoding="utf-8")  # git doesn't compare it: the index has BROKEN
    refused = commit(repo, "broken")
    assert refused.returncode != 0
    assert "commit refused: 1 note with errors: Interviews/Acme.md" in refused.stderr


def test_a_read_only_agenda_note_is_left_alone_by_the_hooks(tmp_path: Path) -> None:
    """After a branch switch the hook would regenerate the agenda; Agenda.md made read-only is
    left as it is, with a warning, and the switch goes through."""
    repo = new_repo(tmp_path / "repo", {"Contacts/Alice.md": contact("Alice")})
    assert jj("agenda", "--vault", str(repo)).returncode == 0
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "agenda")
    assert jj("git", "install", "--vault", str(repo)).returncode == 0
    git(repo, "switch", "--quiet", "-c", "other")
    write(repo / "Contacts/Bob.md", contact("Bob"))  # the agenda not regenerated: the same file
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "Bob")
    git(repo, "switch", "--quiet", "main")
    agenda = repo / "Agenda.md"
    agenda.chmod(0o444)  # the same in both branches: git leaves it (and its mode) alone
    before = agenda.read_bytes()
    switched = git(repo, "switch", "other")
    assert "jobjournal: warning: agenda not regenerated: Agenda.md is read-only" in switched.stderr
    assert agenda.read_bytes() == before and stat.S_IMODE(agenda.stat().st_mode) == 0o444
