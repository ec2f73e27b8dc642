"""The user's own git, run for jobjournal: a vault's repository and `watch --commit`.
`git sync` is in sync.py; the hooks and the agenda's merge driver are in hooks.py.

Everything goes through the `git` command line, so the user's git version, config, credentials
and hooks all apply. Git runs at the top of the working tree (the vault may be a folder inside
it); paths handed to git are literal pathspecs (a note may be called `Acme [draft].md`); paths
shown to the user are relative to the vault.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from jobjournal.config import Config
from jobjournal.core.conflicts import conflict_marker_line
from jobjournal.errors import JobJournalError, VaultError
from jobjournal.vault.atomic import TEMP_NAMES

GIT_MISSING = "git is not installed (or not on PATH): install it from https://git-scm.com"
#: What it means when one of these exists in the git dir: an operation is half done.
IN_PROGRESS = (
    ("MERGE_HEAD", "a merge"),
    ("rebase-merge", "a rebase"),
    ("rebase-apply", "a rebase"),
    ("CHERRY_PICK_HEAD", "a cherry-pick"),
    ("REVERT_HEAD", "a revert"),
    ("BISECT_LOG", "a bisect"),
)
# Beyond this many characters of paths, they go to git on stdin (Windows allows 32k per command).
_ARGS_LIMIT = 8000


class GitFailed(JobJournalError):
    """A git command exited non-zero. The message is git's own reason; `result` has the rest."""

    def __init__(self, args: Sequence[str], result: subprocess.CompletedProcess[str]) -> None:
        super().__init__(f"git {args[0]} failed: {git_reason(result)}")
        self.result = result


def git_reason(result: subprocess.CompletedProcess[str]) -> str:
    """The line of git's output that says what went wrong (its last `fatal:` or `error:`)."""
    lines = [line.strip() for line in (result.stderr + result.stdout).splitlines() if line.strip()]
    for line in reversed(lines):
        for prefix in ("fatal: ", "error: "):
            if line.startswith(prefix):
                return line.removeprefix(prefix)
    # A hook of ours speaks last when it refuses: its line without its name.
    return lines[-1].removeprefix("jobjournal: ") if lines else f"exit code {result.returncode}"


def require_git(hint: str = "") -> None:
    """Raise unless a `git` command is on PATH; `hint` ends the message (", or …")."""
    if shutil.which("git") is None:
        raise JobJournalError(GIT_MISSING + hint)


def run_git(
    cwd: Path, *args: str, options: Sequence[str] = (), check: bool = True, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run `git [options] args` in `cwd` and capture its output; `check`: raise GitFailed.
    git asks for credentials on the terminal, never on stdin, which gets `stdin`."""
    try:
        result = subprocess.run(
            ["git", *options, *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            check=False,
        )
    except FileNotFoundError:
        raise JobJournalError(GIT_MISSING) from None
    except OSError as exc:
        raise JobJournalError(f"cannot run git: {exc}") from None
    if check and result.returncode != 0:
        raise GitFailed(args, result)
    return result


def has_conflict_markers(path: Path) -> bool:
    """Whether a text file holds a line git writes around a conflict (`<<<<<<<`, `>>>>>>>`);
    in a note, outside its fenced code blocks (where such a line is text)."""
    try:
        data = path.read_bytes()
    except OSError:  # deleted, a folder, unreadable: nothing to hold markers
        return False
    if b"\0" in data or (b"<<<<<<<" not in data and b">>>>>>>" not in data):
        return False
    text = data.decode("utf-8", "surrogateescape")
    return conflict_marker_line(text, markdown=path.suffix == ".md") is not None


def commit_message(paths: Sequence[str], agenda: str, board: str | None = None) -> str:
    """`jobjournal: update Interviews/Acme.md (+2 more)`: the first note changed, and how many
    others. The agenda (and the board) change along with almost every note, so they are named
    only when alone."""
    named = sorted(p for p in paths if p not in (agenda, board)) or [agenda]
    more = f" (+{len(named) - 1} more)" if len(named) > 1 else ""
    return f"jobjournal: update {named[0]}{more}"


@dataclass(frozen=True)
class Repo:
    """A vault inside a git working tree."""

    top: Path  # the top of the working tree: git runs here
    prefix: str  # the vault's folder relative to `top`, POSIX, ending in "/" ("" at the top)

    @property
    def vault(self) -> Path:
        return self.top / self.prefix if self.prefix else self.top

    @property
    def vault_path(self) -> str:
        """The vault relative to the top of the working tree: `.` or `Notes/Jobs`."""
        return self.prefix.rstrip("/") or "."

    def git(
        self, *args: str, options: Sequence[str] = (), check: bool = True, stdin: str = ""
    ) -> subprocess.CompletedProcess[str]:
        return run_git(self.top, *args, options=options, check=check, stdin=stdin)

    def git_with_paths(self, *args: str, specs: Sequence[str]) -> None:
        """`git args -- specs`; many paths go on stdin instead (`--pathspec-from-file`)."""
        if sum(len(spec) + 1 for spec in specs) < _ARGS_LIMIT:
            self.git(*args, "--", *specs)
        else:
            from_stdin = ("--pathspec-from-file=-", "--pathspec-file-nul")
            self.git(*args, *from_stdin, stdin="\0".join(specs))

    def spec(self, relpath: str) -> str:
        """A literal pathspec for a path relative to the vault (`.` is the vault itself)."""
        path = self.prefix + relpath if relpath != "." else self.vault_path
        return f":(literal){path}"

    def in_vault(self, top_path: str) -> str | None:
        """A path relative to the top, made relative to the vault; None when outside it."""
        return top_path[len(self.prefix) :] if top_path.startswith(self.prefix) else None

    def git_paths(self, *names: str) -> list[Path]:
        """`git rev-parse --git-path NAME` for each name: where git keeps it for this worktree."""
        args = [arg for name in names for arg in ("--git-path", name)]
        return [self.top / line for line in self.git("rev-parse", *args).stdout.splitlines()]

    def operation_in_progress(self) -> str | None:
        """"a merge", "a rebase", "a cherry-pick", "a revert" or "a bisect" when one is half done
        (any commit or checkout of ours would get in its way), else None."""
        return self.operations()()

    def operations(self) -> Callable[[], str | None]:
        """`operation_in_progress`, asking git where its markers are once: each answer after
        that costs a few stat calls (a watcher asks before every write)."""
        found = self.git_paths(*(name for name, _ in IN_PROGRESS))
        markers = [(path, what) for path, (_, what) in zip(found, IN_PROGRESS, strict=True)]

        def current() -> str | None:
            return next((what for path, what in markers if path.exists()), None)

        return current

    def branch(self) -> str | None:
        """The branch checked out; None when HEAD is detached."""
        name = self.git("symbolic-ref", "--quiet", "--short", "HEAD", check=False).stdout.strip()
        return name or None

    def branch_to_switch_to(self) -> str | None:
        """For a detached HEAD, the branch to go back to: one whose tip is HEAD, else the one the
        remote (`origin`, or the only one) checks out by default, else the default branch for new
        repositories (`init.defaultBranch`) when it exists, else the branch committed to last;
        None when the repository has no branch at all."""
        here = self.git("for-each-ref", "--points-at", "HEAD", "--format=%(refname:short)",
                        "refs/heads/").stdout.split("\n")  # fmt: skip
        if here[0]:
            return here[0]
        remotes = self.git("remote").stdout.split()
        remote = "origin" if "origin" in remotes else remotes[0] if len(remotes) == 1 else None
        if remote is not None:
            head = self.git("symbolic-ref", "--quiet", f"refs/remotes/{remote}/HEAD", check=False)
            name = head.stdout.strip().removeprefix(f"refs/remotes/{remote}/")
            if head.returncode == 0 and name:
                return name
        default = self.git("config", "--get", "init.defaultBranch", check=False).stdout.strip()
        if default and self.git(
            "show-ref", "--verify", "--quiet", f"refs/heads/{default}", check=False
        ).returncode == 0:
            return default
        latest = self.git("for-each-ref", "--sort=-committerdate", "--count=1",
                          "--format=%(refname:short)", "refs/heads/").stdout.strip()  # fmt: skip
        return latest or None

    def detached(self, then: str) -> str:
        """Why nothing is committed on a detached HEAD, and what to do before `then`."""
        branch = self.branch_to_switch_to()
        switch = f"git switch {branch}" if branch else "git switch --create BRANCH"
        return (
            "HEAD is detached (no branch is checked out), so a commit would belong to no "
            f"branch: switch to one (`{switch}`), then {then}"
        )

    def index_locked(self) -> bool:
        """Whether another git command holds the index (`index.lock`)."""
        return self.git_paths("index.lock")[0].exists()

    def changes(self, relpaths: Iterable[str] = (".",)) -> dict[str, str]:
        """The vault's paths, among `relpaths`, that differ from the last commit or are new and not
        ignored, with git's two-letter status (`??` for new), sorted by path; jobjournal's temp
        files (vault/atomic.py) never."""
        wanted = set(relpaths)
        specs = [self.spec(p) for p in wanted]
        many = sum(len(spec) + 1 for spec in specs) >= _ARGS_LIMIT
        if many:
            specs = [self.spec(".")]  # `git status` reads no paths from stdin: filter its answer
        if not specs:
            return {}
        # jobjournal's own temp files, whatever the ignore rules say: never committed
        temp = [f":(exclude,glob)**/{pattern}" for pattern in TEMP_NAMES]
        out = self.git(
            "status", "--porcelain", "-z", "--untracked-files=all", "--no-renames", "--", *specs,
            *temp, options=("--no-optional-locks",),  # the watcher's status never blocks the user
        ).stdout  # fmt: skip
        found: dict[str, str] = {}
        for entry in out.split("\0"):
            relpath = self.in_vault(entry[3:]) if len(entry) > 3 else None
            if relpath is not None and (not many or relpath in wanted):
                found[relpath] = entry[:2]
        return dict(sorted(found.items()))

    def commit(self, changes: dict[str, str], message: str) -> None:
        """Commit exactly these paths as they are in the working tree, and nothing else.

        `git commit --only` builds a temporary index from the last commit plus these paths, so
        whatever else the user has staged is neither committed nor lost; new files are first
        recorded with `--intent-to-add`, which stages no content. Our pre-commit hook, and any
        other, runs as usual."""
        new = [self.spec(p) for p, status in changes.items() if status == "??"]
        if new:
            self.git_with_paths("add", "--intent-to-add", specs=new)
        specs = [self.spec(p) for p in changes]
        try:
            self.git_with_paths("commit", "--quiet", "--only", "--message", message, specs=specs)
        except GitFailed:
            if new:  # leave the index as it was: those files untracked again
                self.git_with_paths("reset", "--quiet", specs=new)
            raise


def operations_of(vault: Path) -> Callable[[], str | None] | None:
    """Repo.operations of the repository holding `vault`; None when it is in none, or when git
    is missing or can't use it (nothing to wait for, then)."""
    try:
        return open_repo(vault).operations()
    except (JobJournalError, OSError, subprocess.SubprocessError):
        return None


def enclosing_top(folder: Path) -> Path | None:
    """The top of the working tree that `folder` (which need not exist yet) would be in; None when
    there is none, or no git."""
    existing = folder
    while not existing.is_dir() and existing != existing.parent:
        existing = existing.parent
    if shutil.which("git") is None:
        return None
    result = run_git(existing, "rev-parse", "--show-toplevel", check=False)
    return Path(result.stdout.strip()) if result.returncode == 0 and result.stdout.strip() else None


def open_repo(vault: Path) -> Repo:
    """The git repository holding `vault`, which may be a folder inside its working tree."""
    require_git()
    result = run_git(vault, "rev-parse", "--show-toplevel", "--show-prefix", check=False)
    if result.returncode != 0:
        if "not a git repository" in result.stderr:
            raise VaultError(
                f"{vault} is not in a git repository: run `git init` there, "
                "or create a new vault with `jobjournal init PATH --git`"
            )
        raise VaultError(f"git cannot use the repository of {vault}: {git_reason(result)}")
    top, prefix = (result.stdout.split("\n") + ["", ""])[:2]
    return Repo(Path(top), prefix)


class AutoCommitter:
    """`watch --commit`: commit the notes the watcher saw change once they have been quiet for
    `[git] commit_delay_seconds`, with the agenda, in a commit naming them.

    Call `notice(paths)` when notes change and `poll()` regularly (every second or so), from one
    thread or two (a notice waits while a commit is being made). Nothing is committed while a
    merge, rebase, cherry-pick, revert or bisect is half done, nor while another git command
    holds the index: the changes wait for a later poll. A file holding conflict markers is left
    out and reported. When the commit is refused (the pre-commit hook found a broken note), the
    reason is reported and the changes wait for the next notice.
    """

    def __init__(
        self,
        root: Path,
        config: Config,
        *,
        report: Callable[[str], None] = lambda _message: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.repo = open_repo(root)
        self.root = root
        self.delay = float(config.git.commit_delay_seconds)
        self.agenda = config.agenda.path
        self.board = config.board.path if config.board.enabled else None
        self._report = report
        self._clock = clock
        self._pending: set[str] = set()
        self._last_change: float | None = None
        self._refused = False  # the last commit was refused: wait for the next change
        self._blocked: str | None = None  # what was last said about waiting, to say it once
        self._lock = threading.Lock()

    @property
    def pending(self) -> frozenset[str]:
        """The vault-relative paths waiting to be committed."""
        return frozenset(self._pending)

    def notice(self, paths: Iterable[str | os.PathLike[str]], now: float | None = None) -> None:
        """Paths that changed (vault-relative, or absolute inside the vault): restart the wait."""
        with self._lock:
            self._notice(paths, now)

    def poll(self, now: float | None = None) -> str | None:
        """Commit when the changes have been quiet long enough; return the commit's message, or
        None when nothing was committed (nothing to do, not yet, or not now)."""
        with self._lock:
            return self._poll(now)

    def _notice(self, paths: Iterable[str | os.PathLike[str]], now: float | None) -> None:
        added = {rel for rel in map(self._relative, paths) if rel is not None}
        if added:
            self._pending |= added
            self._last_change = self._clock() if now is None else now
            self._refused = False

    def _poll(self, now: float | None) -> str | None:
        if not self._pending or self._last_change is None or self._refused:
            return None
        if (self._clock() if now is None else now) - self._last_change < self.delay:
            return None
        operation = self.repo.operation_in_progress()
        if operation is not None:
            self._say_once(f"not committing while {operation} is in progress")
            return None
        if self.repo.index_locked():
            return None  # another git command is at work: try again at the next poll
        if self.repo.branch() is None:
            self._say_once("not committing: " + self.repo.detached("the changes are committed"))
            return None
        self._blocked = None
        generated = {self.agenda} | ({self.board} if self.board else set())
        changes = self.repo.changes(sorted(self._pending | generated))
        for path in [p for p in changes if has_conflict_markers(self.root / p)]:
            self._report(f"not committing {path}: it holds git conflict markers; resolve them")
            del changes[path]
            self._pending.discard(path)
        if not set(changes) - generated:
            self._pending.clear()  # saved without a change (or reported): the agenda alone waits
            return None
        message = commit_message(list(changes), self.agenda, self.board)
        try:
            self.repo.commit(changes, message)
        except GitFailed as exc:
            if "index.lock" in exc.result.stderr:
                return None  # lost a race with another git command: try again at the next poll
            self._report(f"not committed: {exc.message}; will try again after the next change")
            self._refused = True
            return None
        self._pending.clear()  # committed, or found unchanged
        return message

    def _relative(self, path: str | os.PathLike[str]) -> str | None:
        candidate = Path(path)
        if candidate.is_absolute():
            for base in (self.root, self.root.resolve()):
                if candidate.is_relative_to(base):
                    candidate = candidate.relative_to(base)
                    break
            else:
                return None
        posix = PurePosixPath(*candidate.parts)
        if not posix.parts or ".." in posix.parts or posix.parts[0] == ".git":
            return None
        return str(posix)

    def _say_once(self, message: str) -> None:
        if message != self._blocked:
            self._blocked = message
            self._report(message)
