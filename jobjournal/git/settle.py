"""After a plain git operation, the hooks regenerate the agenda and commit it at once, so the
working tree stays as clean as git left it (README, "Git: history, backup and sync between
devices").

The commit is made with git's plumbing (`hash-object`, a temporary index, `commit-tree`,
`update-ref`): it holds the last commit plus the agenda note (with the pipeline board, and the
notes the agenda's ticks and the board's moved cards changed) and nothing else, whatever the user
has staged, and it works where `git commit` would refuse (git runs post-merge while MERGE_HEAD
still names the merge just committed). It is not made, and the regenerated agenda is left for
the user to commit, when:

- an operation is half done: a merge, rebase, cherry-pick, revert or bisect other than the one
  whose hook is running, or a cherry-pick of several commits before its last step;
- a file is unmerged or holds conflict markers;
- HEAD is detached (the commit would belong to no branch);
- the user changed the agenda note too (staged it, or edited their text around its markers):
  only a change of its generated part is jobjournal's to commit.

A repository with no identity (no `user.name`/`user.email`) still gets the commit, as
"jobjournal <jobjournal@localhost>": an agenda left modified would make the next pull refuse.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from jobjournal.errors import RefusalError
from jobjournal.git.repo import GitFailed, Repo, has_conflict_markers
from jobjournal.vault.agenda_note import merge_agenda

MESSAGE = "jobjournal: update agenda"
FALLBACK_NAME = "jobjournal"
FALLBACK_EMAIL = "jobjournal@localhost"


def busy(repo: Repo, finished: str | None) -> str | None:
    """What is half done ("a merge", "a rebase", "a cherry-pick"…), besides `finished`, the
    operation whose hook is running (git runs it before removing that operation's state)."""
    found = repo.operation_in_progress()
    if found is not None and found != finished:
        return found
    todo = repo.git_paths("sequencer/todo")[0]
    if todo.exists() and (finished not in ("a cherry-pick", "a revert") or _steps(todo) > 1):
        return "a cherry-pick or revert of several commits"  # its last step may settle
    return None


def _steps(todo: Path) -> int:
    """The steps a cherry-pick or revert of several commits has still to make, counting the one
    being made (git removes it from `sequencer/todo` after the hooks ran)."""
    try:
        lines = todo.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return 0
    return sum(1 for line in lines if line.strip() and not line.lstrip().startswith("#"))


def settle_agenda(
    repo: Repo, agenda: str, regenerate: Callable[[], Iterable[str]], *,
    finished: str | None = None, board: Callable[[], str | None] = lambda: None,
) -> str | None:
    """Apply the agenda's ticks and regenerate it (`regenerate()`, which returns the notes the
    ticks changed), and commit the agenda with those notes when it changed and may be committed;
    what to tell the user, or None when there is nothing to say. `finished` is the operation
    whose hook runs ("a merge", "a rebase", "a cherry-pick"): its state is still there, but it
    is done. `board()` names the pipeline board, once regenerated, when it is jobjournal's to
    commit along (not a note of the user's at that path): it goes with the agenda whatever it
    was before, being generated."""
    operation = busy(repo, finished)
    if operation is not None:
        return None  # the agenda waits for the operation's own end
    before = _head_text(repo, agenda)
    changed_before = repo.changes()
    notes = sorted(set(regenerate()))
    generated = [path for path in [board()] if path is not None]
    if not repo.changes([agenda, *generated, *notes]):
        return None
    why = _why_not(repo, agenda, before)
    mine = [note for note in notes if note in changed_before]
    if why is None and mine:
        why = f"the agenda's ticks changed {mine[0]}, which you had changed too: commit it yourself"
    if why is not None:
        return f"agenda regenerated, not committed: {why}"
    _commit_agenda(repo, agenda, [*generated, *notes])
    return f"agenda regenerated and committed ({MESSAGE})"


def _why_not(repo: Repo, agenda: str, head_text: str | None) -> str | None:
    if repo.branch() is None:
        return repo.detached("commit it")
    unmerged = repo.git("ls-files", "--unmerged", "-z").stdout
    if unmerged:
        return "files are unmerged: resolve them and commit"
    marked = [p for p in repo.changes() if has_conflict_markers(repo.vault / p)]
    if marked:
        return f"{marked[0]} holds git conflict markers: resolve them and commit"
    spec = repo.spec(agenda)
    if repo.git("diff", "--cached", "--quiet", "HEAD", "--", spec, check=False).returncode:
        return f"you staged changes to {agenda}: commit them with it"
    try:
        text = (repo.vault / agenda).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return f"cannot read {agenda}"
    mine = _yours(text)
    if head_text is None or mine is None or mine != _yours(head_text):
        return f"your own text in {agenda} changed too: commit it yourself"
    return None


def _yours(text: str) -> str | None:
    """The agenda note's text outside its generated part; None when its markers are broken."""
    try:
        return merge_agenda(text, "")
    except RefusalError:
        return None


def _head_text(repo: Repo, agenda: str) -> str | None:
    """The agenda note's text in the last commit; None when it has none."""
    found = repo.git("cat-file", "blob", f"HEAD:{repo.prefix}{agenda}", check=False)
    return found.stdout if found.returncode == 0 else None


def _commit_agenda(repo: Repo, agenda: str, notes: Sequence[str] = ()) -> None:
    """Commit the agenda note (and the `notes` its ticks changed) as they are in the working
    tree on top of HEAD, alone; the index's entries for them follow, every other entry stays as
    the user staged it."""
    paths = [repo.prefix + relpath for relpath in (agenda, *notes)]
    head = repo.git("rev-parse", "--verify", "HEAD").stdout.strip()
    temporary = repo.git_paths("jobjournal-index")[0]
    env = {**os.environ, "GIT_INDEX_FILE": str(temporary)}
    try:
        _plumb(repo, env, "read-tree", head)
        for path in paths:
            mode = repo.git("ls-tree", "HEAD", "--", path).stdout.split(" ", 1)[0] or "100644"
            blob = repo.git("hash-object", "-w", "--", path).stdout.strip()
            _plumb(repo, env, "update-index", "--add", "--cacheinfo", f"{mode},{blob},{path}")
        tree = _plumb(repo, env, "write-tree")
    finally:
        temporary.unlink(missing_ok=True)
    if repo.git("var", "GIT_COMMITTER_IDENT", check=False).returncode != 0:
        env = {**env, **{f"GIT_{who}_{what}": value for who in ("AUTHOR", "COMMITTER")
                         for what, value in (("NAME", FALLBACK_NAME),
                                             ("EMAIL", FALLBACK_EMAIL))}}  # fmt: skip
    env.pop("GIT_INDEX_FILE")
    commit = _plumb(repo, env, "commit-tree", tree, "-p", head, "-m", MESSAGE)
    repo.git("update-ref", "-m", f"commit: {MESSAGE}", "HEAD", commit, head)
    repo.git("update-index", "--add", "--", *paths)


def _plumb(repo: Repo, env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=repo.top, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise GitFailed(args, result)
    return result.stdout.strip()
