"""Plain git stays clean with the hooks installed: after a pull (merge or rebase), a merge, a
rebase, a checkout, a cherry-pick or a stash pop, `git status` shows what git left and the
committed agenda is current. Real git, two clones of a bare origin, the hooks run by this
interpreter (the one `git install` records)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobjournal.cli.main import cli

MESSAGE = "jobjournal: update agenda"


@pytest.fixture(autouse=True)
def _clean_git(git_home: Path) -> Path:
    return git_home


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}: {result.stderr}{result.stdout}")
    return result


def out(cwd: Path, *args: str) -> str:
    return git(cwd, *args).stdout.strip()


def jj(*args: str) -> None:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output


def identify(repo: Path, name: str) -> None:
    git(repo, "config", "user.name", name)
    git(repo, "config", "user.email", f"{name.split()[0].lower()}@example.com")


def contact(name: str) -> str:
    """A note with a missed call: a call-back item whatever today is."""
    return f"---\ntype: contact\nmissed_call: 2026-11-20\n---\nAbout {name}.\n"


def add_note(repo: Path, name: str, *, regenerate: bool = True, message: str = "") -> None:
    """Commit a new contact; with `regenerate`, the agenda along with it (as `watch` would)."""
    path = repo / "Contacts" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(contact(name), encoding="utf-8")
    if regenerate:
        jj("agenda", "--vault", str(repo), "--no-cache")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--no-verify", "-m", message or name)


def agenda_at(repo: Path, rev: str = "HEAD") -> str:
    return out(repo, "show", f"{rev}:Agenda.md")


def status(repo: Path) -> str:
    return git(repo, "status", "--porcelain").stdout


@pytest.fixture
def clones(tmp_path: Path) -> tuple[Path, Path]:
    """Two clones of a bare origin, the hooks installed in both, the vault pushed."""
    origin, a, b = tmp_path / "origin.git", tmp_path / "a", tmp_path / "b"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch", "main", str(origin))
    jj("init", str(a), "--git", "--no-examples")
    identify(a, "Ann Laptop")
    git(a, "branch", "--move", "main")
    git(a, "remote", "add", "origin", str(origin))
    git(a, "push", "--quiet", "--set-upstream", "origin", "main")
    git(tmp_path, "clone", "--quiet", str(origin), str(b))
    identify(b, "Bea Phone")
    jj("git", "install", "--vault", str(b))
    assert status(b) == ""
    return a, b


@pytest.mark.parametrize("how", ["--no-rebase", "--rebase"])
def test_a_pull_leaves_the_tree_clean_and_the_next_pull_works(
    clones: tuple[Path, Path], how: str
) -> None:
    a, b = clones
    add_note(a, "Alice")
    git(a, "push", "--quiet")
    add_note(b, "Bob")

    pulled = git(b, "pull", how, "--no-edit", check=False)
    assert pulled.returncode == 0, pulled.stderr
    assert status(b) == "", pulled.stderr
    assert out(b, "log", "-1", "--format=%s") == MESSAGE
    committed = agenda_at(b)
    assert "Call back Alice" in committed and "Call back Bob" in committed

    add_note(a, "Carol")
    git(a, "push", "--quiet")
    again = git(b, "pull", how, "--no-edit", check=False)
    assert again.returncode == 0, again.stderr
    assert status(b) == ""
    assert all(f"Call back {n}" in agenda_at(b) for n in ("Alice", "Bob", "Carol"))


def branch_with_a_stale_agenda(repo: Path, branch: str, name: str) -> str:
    """A branch off main whose last commit adds a note without regenerating the agenda (a
    phone's commit); back on main afterwards. Returns that commit."""
    git(repo, "switch", "--quiet", "--create", branch, "main")
    add_note(repo, name, regenerate=False)
    commit = out(repo, "rev-parse", "HEAD")
    git(repo, "switch", "--quiet", "main")
    return commit


def assert_settled(repo: Path, *names: str) -> None:
    """Clean tree; the last commit is the agenda's, naming each of `names`."""
    assert status(repo) == ""
    assert out(repo, "log", "-1", "--format=%s") == MESSAGE
    assert all(f"Call back {name}" in agenda_at(repo) for name in names)


def test_a_merge_commits_the_regenerated_agenda(clones: tuple[Path, Path]) -> None:
    _, b = clones
    branch_with_a_stale_agenda(b, "phone", "Alice")
    add_note(b, "Bob")
    merged = git(b, "merge", "--no-edit", "phone", check=False)
    assert merged.returncode == 0, merged.stderr
    assert_settled(b, "Alice", "Bob")
    assert out(b, "log", "-1", "--format=%p", "HEAD~1").count(" ") == 1  # on top of the merge


def test_a_rebase_commits_the_regenerated_agenda(clones: tuple[Path, Path]) -> None:
    _, b = clones
    branch_with_a_stale_agenda(b, "phone", "Alice")
    add_note(b, "Bob")
    git(b, "switch", "--quiet", "phone")
    rebased = git(b, "rebase", "main", check=False)
    assert rebased.returncode == 0, rebased.stderr
    assert out(b, "branch", "--show-current") == "phone"
    assert_settled(b, "Alice", "Bob")
    assert not (b / ".git" / "rebase-merge").exists()


def test_a_checkout_commits_the_regenerated_agenda_on_that_branch(
    clones: tuple[Path, Path],
) -> None:
    _, b = clones
    branch_with_a_stale_agenda(b, "phone", "Alice")
    git(b, "checkout", "--quiet", "phone")
    assert_settled(b, "Alice")
    assert out(b, "rev-parse", "main") == out(b, "rev-parse", "origin/main")  # main untouched


def test_a_cherry_pick_commits_the_regenerated_agenda(clones: tuple[Path, Path]) -> None:
    _, b = clones
    picked = branch_with_a_stale_agenda(b, "phone", "Alice")
    result = git(b, "cherry-pick", picked, check=False)
    assert result.returncode == 0, result.stderr
    assert_settled(b, "Alice")
    assert out(b, "log", "-1", "--format=%s", "HEAD~1") == "Alice"


def test_a_cherry_pick_of_several_commits_commits_the_agenda_after_the_last(
    clones: tuple[Path, Path],
) -> None:
    _, b = clones
    git(b, "switch", "--quiet", "--create", "phone")
    add_note(b, "Alice", regenerate=False)
    add_note(b, "Bob", regenerate=False)
    git(b, "switch", "--quiet", "main")
    result = git(b, "cherry-pick", "main..phone", check=False)
    assert result.returncode == 0, result.stderr
    assert_settled(b, "Alice", "Bob")
    assert out(b, "log", "--format=%s", "-3") == f"{MESSAGE}\nBob\nAlice"  # once, at the end


def test_an_amend_commits_the_regenerated_agenda(clones: tuple[Path, Path]) -> None:
    _, b = clones
    add_note(b, "Alice", regenerate=False)
    git(b, "commit", "--quiet", "--amend", "--no-verify", "-m", "Alice, amended")
    assert_settled(b, "Alice")


def test_a_plain_commit_of_yours_is_left_alone(clones: tuple[Path, Path]) -> None:
    _, b = clones
    add_note(b, "Alice", regenerate=False)
    assert out(b, "log", "-1", "--format=%s") == "Alice"
    assert status(b) == ""


def test_a_stash_pop_leaves_your_changes_and_the_agenda_uncommitted(
    clones: tuple[Path, Path],
) -> None:
    a, b = clones
    add_note(a, "Alice")
    git(a, "push", "--quiet")
    note = b / "Contacts" / "Bob.md"
    note.parent.mkdir(parents=True, exist_ok=True)
    note.write_text(contact("Bob"), encoding="utf-8")
    jj("agenda", "--vault", str(b), "--no-cache")  # the agenda of your work in progress
    git(b, "stash", "push", "--include-untracked", "--quiet")
    git(b, "pull", "--no-rebase", "--no-edit")
    head = out(b, "rev-parse", "HEAD")
    popped = git(b, "stash", "pop", check=False)
    assert popped.returncode == 0, popped.stderr + popped.stdout
    assert out(b, "rev-parse", "HEAD") == head  # nothing committed over your work
    # git's stash merge gave the agenda to our driver: no conflict, and nothing of ours to
    # commit; the agenda follows Bob once he is committed
    assert status(b) in ("?? Contacts/Bob.md\n", " M Agenda.md\n?? Contacts/Bob.md\n")
    assert "<<<<<<<" not in (b / "Agenda.md").read_text(encoding="utf-8")

    git(b, "add", "--all")
    git(b, "commit", "--quiet", "-m", "Bob")
    add_note(a, "Carol")
    git(a, "push", "--quiet")
    pulled = git(b, "pull", "--no-rebase", "--no-edit", check=False)
    assert pulled.returncode == 0, pulled.stderr
    assert_settled(b, "Alice", "Bob", "Carol")


def test_your_staged_and_unstaged_work_stays_yours(clones: tuple[Path, Path]) -> None:
    _, b = clones
    branch_with_a_stale_agenda(b, "phone", "Alice")
    staged = b / "Contacts" / "Staged.md"
    staged.parent.mkdir(parents=True, exist_ok=True)
    staged.write_text(contact("Staged"), encoding="utf-8")
    git(b, "add", "--", "Contacts/Staged.md")
    (b / "Scratch.md").write_text("my own draft\n", encoding="utf-8")
    git(b, "merge", "--no-edit", "phone")
    assert out(b, "log", "-1", "--format=%s") == MESSAGE
    assert out(b, "show", "--name-only", "--format=", "HEAD") == "Agenda.md"
    assert status(b) == "A  Contacts/Staged.md\n?? Scratch.md\n"


def test_your_own_text_in_the_agenda_is_not_committed_for_you(clones: tuple[Path, Path]) -> None:
    _, b = clones
    branch_with_a_stale_agenda(b, "phone", "Alice")
    agenda = b / "Agenda.md"
    agenda.write_text("My own line.\n" + agenda.read_text(encoding="utf-8"), encoding="utf-8")
    merged = git(b, "merge", "--no-edit", "phone", check=False)
    assert "not committed: your own text in Agenda.md changed too" in merged.stderr
    assert out(b, "log", "-1", "--format=%s") == "Alice"  # the fast-forward, nothing more
    text = agenda.read_text(encoding="utf-8")
    assert text.startswith("My own line.\n") and "Call back Alice" in text


def test_nothing_is_committed_while_a_note_conflicts(clones: tuple[Path, Path]) -> None:
    a, b = clones
    for repo, word in ((a, "laptop"), (b, "phone")):
        add_note(repo, "Alice")
        note = repo / "Contacts" / "Alice.md"
        note.write_text(note.read_text(encoding="utf-8") + f"From the {word}.\n", encoding="utf-8")
        git(repo, "commit", "--quiet", "--no-verify", "--all", "-m", word)
    git(a, "push", "--quiet")
    head = out(b, "rev-parse", "HEAD")
    pulled = git(b, "pull", "--no-rebase", "--no-edit", check=False)
    assert pulled.returncode != 0
    assert out(b, "rev-parse", "HEAD") == head
    assert (b / ".git" / "MERGE_HEAD").exists()


def test_a_repository_without_identity_gets_the_commit_from_jobjournal(
    clones: tuple[Path, Path],
) -> None:
    _, b = clones
    commit = branch_with_a_stale_agenda(b, "phone", "Alice")
    git(b, "config", "--unset", "user.name")
    git(b, "config", "--unset", "user.email")
    if git(b, "var", "GIT_COMMITTER_IDENT", check=False).returncode == 0:
        pytest.skip("git works out an identity on this machine")
    git(b, "merge", "--ff-only", "phone")
    assert_settled(b, "Alice")
    assert out(b, "log", "-1", "--format=%an <%ae>") == "jobjournal <jobjournal@localhost>"
    assert out(b, "rev-parse", "HEAD~1") == commit


def test_a_detached_head_is_regenerated_not_committed(clones: tuple[Path, Path]) -> None:
    _, b = clones
    commit = branch_with_a_stale_agenda(b, "phone", "Alice")
    switched = git(b, "checkout", "--quiet", "--detach", "phone")
    assert "not committed: HEAD is detached" in switched.stderr
    assert "git switch phone" in switched.stderr
    assert out(b, "rev-parse", "HEAD") == commit
    assert status(b) == " M Agenda.md\n"


# --- the pipeline board ---------------------------------------------------------------------------


APPLICATION = "---\ntype: application\ncompany: Globex\napplied: 2026-11-20\n---\n"


def drag(repo: Path, title: str, lane: str) -> None:
    """Move a card to another lane as the Kanban plugin saves it, on a device without
    jobjournal (a phone), and commit that alone."""
    board = (repo / "Pipeline.md").read_text(encoding="utf-8")
    card = next(line for line in board.split("\n") if f"[[{title}]]" in line)
    board = board.replace(card + "\n", "").replace(f"## {lane}\n\n", f"## {lane}\n\n{card}\n")
    (repo / "Pipeline.md").write_text(board.replace("kanban-plugin: basic", "kanban-plugin: board"),
                                      encoding="utf-8")
    git(repo, "commit", "--quiet", "--no-verify", "-am", f"moved {title}")


def add_application(repo: Path, title: str) -> None:
    (repo / "Applications").mkdir(exist_ok=True)
    (repo / "Applications" / f"{title}.md").write_text(APPLICATION.replace("Globex", title),
                                                       encoding="utf-8")
    jj("agenda", "--vault", str(repo))
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--no-verify", "-m", title)


def test_a_pull_stays_clean_with_the_board_committed(clones: tuple[Path, Path]) -> None:
    a, b = clones
    assert "Pipeline.md" in out(a, "ls-files")  # the new vault's first commit holds it
    add_application(a, "Globex")
    git(a, "push", "--quiet")
    add_note(b, "Bob")
    pulled = git(b, "pull", "--no-rebase", "--no-edit", check=False)
    assert pulled.returncode == 0, pulled.stderr
    assert status(b) == ""
    assert "[[Globex]]" in out(b, "show", "HEAD:Pipeline.md")


def test_a_card_dragged_on_another_device_sets_the_status_after_a_pull(
    clones: tuple[Path, Path],
) -> None:
    a, b = clones
    add_application(a, "Globex")
    git(a, "push", "--quiet")
    git(b, "pull", "--quiet", "--no-rebase", "--no-edit")
    assert status(b) == ""
    drag(a, "Globex", "interviewing")
    git(a, "push", "--quiet")
    pulled = git(b, "pull", "--no-rebase", "--no-edit", check=False)
    assert pulled.returncode == 0, pulled.stderr
    assert status(b) == ""
    assert out(b, "log", "-1", "--format=%s") == MESSAGE
    note = out(b, "show", "HEAD:Applications/Globex.md")
    assert "status: interviewing" in note and "status: applied → interviewing" in note
    assert "## interviewing\n\n- [ ] [[Globex]]" in out(b, "show", "HEAD:Pipeline.md")


def test_cards_moved_on_both_devices_merge_without_a_conflict(clones: tuple[Path, Path]) -> None:
    a, b = clones
    add_application(a, "Globex")
    add_application(a, "Initech")
    git(a, "push", "--quiet")
    git(b, "pull", "--quiet", "--no-rebase", "--no-edit")
    drag(a, "Globex", "offer")
    git(a, "push", "--quiet")
    drag(b, "Initech", "rejected")
    pulled = git(b, "pull", "--no-rebase", "--no-edit", check=False)
    assert pulled.returncode == 0, pulled.stderr + pulled.stdout
    assert status(b) == ""
    assert "status: offer" in out(b, "show", "HEAD:Applications/Globex.md")
    assert "status: rejected" in out(b, "show", "HEAD:Applications/Initech.md")
    board = out(b, "show", "HEAD:Pipeline.md")
    assert "## offer\n\n- [ ] [[Globex]]" in board and "## rejected\n\n- [ ] [[Initech]]" in board
