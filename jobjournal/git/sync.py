"""`jobjournal git sync`: commit the vault's changes, pull with a merge and push, through the
git wrapper in repo.py (README, "Git: history, backup and sync between devices").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from jobjournal.errors import JobJournalError, RefusalError
from jobjournal.git.repo import GitFailed, Repo, commit_message, git_reason, has_conflict_markers


def sync(
    repo: Repo,
    agenda: str,
    *,
    regenerate: Callable[[], Iterable[str]],
    pull_options: Sequence[str] = (),
    say: Callable[[str], None],
    board: str | None = None,
) -> None:
    """Commit the vault's changes, pull (a merge, never a rebase) and push, telling `say` each
    step. `regenerate()` writes the agenda first (a phone, which can't run jobjournal, then gets
    today's), and again after a pull that brought changes (the post-merge hook may have done so
    already); that agenda is committed at once. `pull_options` are git options for the pull: the
    agenda's merge driver, so it works even before `jobjournal git install`.

    `regenerate()` applies the agenda's ticks first and returns the notes they changed: those
    are committed with the agenda.

    A pull that conflicts in a note is aborted, leaving the repository as it was before the
    pull, and the error names the files to resolve."""
    operation = repo.operation_in_progress()
    if operation is not None:
        raise RefusalError(
            f"{operation} is in progress: finish it (`git commit`, `git rebase --continue`) "
            "or abort it, then sync again"
        )
    branch = repo.branch()
    if branch is None:  # refused before anything is written or committed
        raise RefusalError(repo.detached("sync again"))
    regenerate()
    changes = repo.changes()
    marked = [p for p in changes if has_conflict_markers(repo.vault / p)]
    if marked:
        raise RefusalError(
            f"{_names(marked)} still hold{'s' * (len(marked) == 1)} git conflict markers "
            "(<<<<<<< lines): resolve them, then sync again"
        )
    if changes:
        message = commit_message(list(changes), agenda, board)
        repo.commit(changes, message)
        say(f"committed: {message}")
    else:
        say("nothing to commit")
    upstream = _upstream(repo, branch)
    if upstream is None:
        say("no remote: committed only (add one with `git remote add origin URL`, then sync again)")
        return
    remote, branch, tracking = upstream
    pulling = tracking or _remote_has_branch(repo, remote, branch)
    if pulling and _pull(repo, remote, branch, pull_options, say):
        notes = list(regenerate())  # the notes the pulled agenda's ticks and board changed
        agenda_changes = repo.changes([agenda, *([board] if board else []), *notes])
        if agenda_changes:
            repo.commit(agenda_changes, commit_message(list(agenda_changes), agenda, board))
            say(f"committed {', '.join(agenda_changes)}, regenerated after the pull")
    _push(repo, remote, branch, set_upstream=not tracking, say=say)


def _upstream(repo: Repo, branch: str) -> tuple[str, str, bool] | None:
    """(remote, branch, whether it is the branch's upstream already); None without a remote."""
    remote = repo.git("config", "--get", f"branch.{branch}.remote", check=False).stdout.strip()
    merge = repo.git("config", "--get", f"branch.{branch}.merge", check=False).stdout.strip()
    if remote and merge:
        return remote, merge.removeprefix("refs/heads/"), True
    remotes = repo.git("remote").stdout.split()
    if not remotes:
        return None
    if len(remotes) > 1:
        raise RefusalError(
            f"branch {branch} has no upstream and there are several remotes "
            f"({', '.join(remotes)}): choose one with `git push -u REMOTE {branch}`, then sync"
        )
    return remotes[0], branch, False


def _remote_has_branch(repo: Repo, remote: str, branch: str) -> bool:
    result = repo.git(
        "ls-remote", "--exit-code", "--heads", remote, f"refs/heads/{branch}", check=False
    )
    if result.returncode not in (0, 2):
        raise JobJournalError(f"cannot reach the remote {remote}: {git_reason(result)}")
    return result.returncode == 0


def _pull(
    repo: Repo, remote: str, branch: str, options: Sequence[str], say: Callable[[str], None]
) -> bool:
    """Pull with a merge; whether it brought anything."""
    before = _head(repo)
    # --ff: a merge commit when the branches diverged, whatever pull.ff or merge.ff say.
    args = ("pull", "--no-rebase", "--ff", "--no-edit", "--quiet", remote, branch)
    result = repo.git(*args, options=options, check=False)
    if result.returncode != 0:
        if repo.operation_in_progress() == "a merge":
            conflicted = repo.git("diff", "--name-only", "-z", "--diff-filter=U").stdout
            files = [repo.in_vault(p) or p for p in conflicted.split("\0") if p]
            repo.git("merge", "--abort")
            raise JobJournalError(
                f"the changes from {remote}/{branch} conflict with yours in {_names(files)}; "
                "nothing was merged, your repository is as it was. To resolve: "
                f"`git pull --no-rebase {remote} {branch}`, edit those files (look for <<<<<<< "
                "lines), `git commit`, then `jobjournal git sync` again"
            )
        raise GitFailed(args, result)
    after = _head(repo)
    say(f"pulled from {remote}/{branch}" if after != before else "already up to date")
    return after != before


def _push(
    repo: Repo, remote: str, branch: str, *, set_upstream: bool, say: Callable[[str], None]
) -> None:
    if not set_upstream:
        ahead = repo.git("rev-list", "--count", "@{upstream}..HEAD", check=False).stdout.strip()
        if ahead == "0":
            say("nothing to push")
            return
    # To the upstream's branch, which may be named unlike the local one.
    target = [remote, branch] if set_upstream else [remote, f"HEAD:refs/heads/{branch}"]
    args = ["push", "--quiet", *(["--set-upstream"] if set_upstream else []), *target]
    result = repo.git(*args, check=False)
    if result.returncode != 0:
        raise JobJournalError(
            f"push to {remote} failed: {git_reason(result)} (if it moved on meanwhile, "
            "run `jobjournal git sync` again)"
        )
    say(f"pushed to {remote}/{branch}")


def _head(repo: Repo) -> str:
    return repo.git("rev-parse", "--quiet", "--verify", "HEAD", check=False).stdout.strip()


def _names(paths: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(paths[:limit])
    return shown + (f" and {len(paths) - limit} more" if len(paths) > limit else "")
