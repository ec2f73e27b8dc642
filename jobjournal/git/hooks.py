"""`jobjournal git install`: the hooks and the agenda's merge driver in a vault's repository
(README, "Git: history, backup and sync between devices").

- pre-commit refuses a commit of notes in which `jobjournal check` finds errors, naming them;
- post-merge, post-checkout, post-rewrite and post-commit (of a cherry-pick or a revert)
  regenerate the agenda and commit it at once (settle.py);
- the `jobjournal-agenda` merge driver merges the user's text around the agenda's markers 3-way
  (`git merge-file`) and writes the generated part between them fresh, so it never conflicts;
- the `jobjournal-note` merge driver merges two versions of a note like data (git/note_merge.py),
  for `*.md` in the vault's `.gitattributes` (the agenda's own line, later, wins for it);
- `info/exclude` gets the patterns of jobjournal's temp files, so git never picks one up.

Each hook is a short sh script running `"<python>" -m jobjournal git hook NAME` with the
interpreter jobjournal was installed with, so a virtualenv or pipx needs nothing on PATH. A hook
the user already had is moved aside to NAME.local, run first by ours with the same arguments and
input, and put back, byte for byte, by `--uninstall`.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from jobjournal.core.ticks import unite_marked_lines
from jobjournal.errors import JobJournalError, RefusalError
from jobjournal.git.repo import Repo, git_reason
from jobjournal.vault.agenda_note import generated_part, merge_agenda
from jobjournal.vault.atomic import TEMP_NAMES, atomic_write

HOOKS: dict[str, str] = {
    "pre-commit": "refuses a commit of notes in which `jobjournal check` finds errors",
    "post-merge": "regenerates the agenda after a merge or a pull",
    "post-checkout": "regenerates the agenda after switching branches",
    "post-rewrite": "regenerates the agenda after a rebase",
    "post-commit": "regenerates the agenda after a cherry-pick or a revert",
}
DRIVER = "jobjournal-agenda"
DRIVER_NAME = "jobjournal agenda note: the generated part is written fresh, never a conflict"
BOARD_DRIVER = "jobjournal-board"
BOARD_DRIVER_NAME = "jobjournal pipeline board: cards moved on either side kept, never a conflict"
NOTE_DRIVER = "jobjournal-note"
NOTE_DRIVER_NAME = "jobjournal notes: front matter merged key by key, Log entries united"
LOCAL_SUFFIX = ".local"
ATTRIBUTES = ".gitattributes"

_MANAGED = "# jobjournal: managed hook"
_MOVED = "# jobjournal: moved the hook that was here to "


# --- install and uninstall ------------------------------------------------------------------------


def install(repo: Repo, agenda: str, python: str, board: str | None = None) -> list[str]:
    """Install or bring up to date the hooks, the merge driver in the repository's config and the
    agenda's line in the vault's `.gitattributes`. Returns what changed, one line each: nothing
    when everything was in place already. Refuses, before changing anything, when a hook of the
    user's can't be moved aside because NAME.local exists too."""
    directory = hooks_dir(repo)
    plans = {name: _plan(directory, name) for name in HOOKS}
    done: list[str] = []
    directory.mkdir(parents=True, exist_ok=True)
    for name, (current, moved) in plans.items():
        path = directory / name
        if current is None and (path.exists() or path.is_symlink()):
            os.rename(path, directory / f"{name}{LOCAL_SUFFIX}")
            done.append(f"moved your {name} hook to {name}{LOCAL_SUFFIX}: ours runs it first")
        script = hook_script(name, python, repo.vault_path, moved=moved)
        if current == script and os.access(path, os.X_OK):
            continue
        atomic_write(path, script.encode("utf-8"))
        os.chmod(path, 0o755)
        done.append(f"{'updated' if current else 'installed'} the {name} hook in {directory}")
    for key, value in driver_settings(python, repo.vault_path).items():
        if repo.git("config", "--local", "--get", key, check=False).stdout.rstrip("\n") != value:
            repo.git("config", "--local", key, value)
            done.append(f"set {key} in the repository's config")
    notes = ensure_note_attribute(repo)
    boards = [] if board is None else ensure_attributes(
        repo, board, BOARD_DRIVER,
        "# The pipeline board is generated: merged by jobjournal's driver, never a conflict.")
    return done + notes + ensure_attributes(repo, agenda) + boards + ensure_excluded(repo)


def uninstall(repo: Repo) -> list[str]:
    """Remove our hooks, put back the ones they replaced, and remove the merge driver from the
    config. The `.gitattributes` line stays: without the driver git merges the agenda as text."""
    directory = hooks_dir(repo)
    done: list[str] = []
    for name in HOOKS:
        path, local = directory / name, directory / f"{name}{LOCAL_SUFFIX}"
        text = _managed_text(path)
        if text is None:
            continue
        path.unlink()
        if _MOVED in text and (local.exists() or local.is_symlink()):
            os.rename(local, path)
            done.append(f"put back your {name} hook")
            continue
        done.append(f"removed the {name} hook")
        if local.exists():
            done.append(f"left {local.name} in place: rename it to {name} for git to run it")
    for driver in (DRIVER, NOTE_DRIVER, BOARD_DRIVER):
        section = f"merge.{driver}"
        found = repo.git(
            "config", "--local", "--get-regexp", rf"^{re.escape(section)}\.", check=False
        )
        if found.stdout:
            repo.git("config", "--local", "--remove-section", section)
            done.append(f"removed [merge \"{driver}\"] from the repository's config")
    return done


def hooks_dir(repo: Repo) -> Path:
    """Where git looks for this repository's hooks (`core.hooksPath` respected). Refused when
    that is outside the repository: hooks there would run for every repository using it."""
    lines = repo.git("rev-parse", "--git-path", "hooks", "--git-common-dir").stdout.splitlines()
    hooks, common = (repo.top / lines[0]).resolve(), (repo.top / lines[1]).resolve()
    if not (hooks.is_relative_to(common) or hooks.is_relative_to(repo.top.resolve())):
        raise RefusalError(
            f"git's hooks folder is {hooks} (core.hooksPath), outside this repository, so hooks "
            "there run for other repositories too: jobjournal won't install into it. Point "
            "core.hooksPath at a folder of this repository (`git config core.hooksPath "
            ".git/hooks`), or use the pre-commit framework's jobjournal-check hook"
        )
    return hooks


def hook_script(name: str, python: str, vault_path: str, *, moved: bool) -> str:
    """The sh script for hook `name`. When the recorded interpreter is gone (the virtualenv was
    removed), it says so and still runs the user's own hook."""
    local = f"{name}{LOCAL_SUFFIX}"
    chained = (
        f"{_MOVED}{local}: it runs first, and `--uninstall` puts it back."
        if moved
        else f"# Your own {name} hook, if you want one, goes in {local}: it runs first."
    )
    return f"""#!/bin/sh
{_MANAGED}: it {HOOKS[name]}.
# Written by `jobjournal git install`; `jobjournal git install --uninstall` removes it.
{chained}
python={shlex.quote(python)}
here=$(dirname -- "$0")
if [ -x "$python" ]; then
    exec "$python" -m jobjournal git hook {name} --vault-path {shlex.quote(vault_path)} \\
        --hooks-dir "$here" -- "$@"
fi
echo "jobjournal: $python is gone: run \\`jobjournal git install\\` again" >&2
if [ -x "$here/{local}" ]; then
    exec "$here/{local}" "$@"
fi
"""


def driver_settings(python: str, vault_path: str) -> dict[str, str]:
    """The merge driver's config keys and values."""
    command = (
        f"{shlex.quote(python)} -m jobjournal git merge-agenda --vault-path "
        f"{shlex.quote(vault_path)} --marker-size %L %O %A %B %P"
    )
    note = f"{shlex.quote(python)} -m jobjournal git merge-note --marker-size %L %O %A %B %P"
    board = f"{shlex.quote(python)} -m jobjournal git merge-board %O %A %B %P"
    return {
        f"merge.{DRIVER}.name": DRIVER_NAME, f"merge.{DRIVER}.driver": command,
        f"merge.{NOTE_DRIVER}.name": NOTE_DRIVER_NAME, f"merge.{NOTE_DRIVER}.driver": note,
        f"merge.{BOARD_DRIVER}.name": BOARD_DRIVER_NAME, f"merge.{BOARD_DRIVER}.driver": board,
    }  # fmt: skip


def driver_options(python: str, vault_path: str) -> list[str]:
    """The driver as `git -c` options, for one command (works before `install` too)."""
    items = driver_settings(python, vault_path).items()
    return [arg for key, value in items for arg in ("-c", f"{key}={value}")]


def _plan(directory: Path, name: str) -> tuple[str | None, bool]:
    """(our hook's current text or None, whether a hook of the user's is, or will be, aside)."""
    path, local = directory / name, directory / f"{name}{LOCAL_SUFFIX}"
    text = _managed_text(path)
    if text is not None:
        return text, _MOVED in text
    if path.exists() or path.is_symlink():
        if local.exists() or local.is_symlink():
            raise RefusalError(
                f"{path} is your own hook and {local.name} exists too: jobjournal overwrites "
                f"neither; combine them into {local.name}, remove {name}, then install again"
            )
        return None, True
    return None, False


def _managed_text(path: Path) -> str | None:
    """The hook's text when it is one of ours; None for a missing hook or the user's own."""
    if path.is_symlink() or not path.is_file():
        return None
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return text if _MANAGED in text else None


# --- .gitattributes -------------------------------------------------------------------------------


def merge_attribute(repo: Repo, agenda: str) -> str:
    """The `merge` attribute git gives the agenda note, or another path (`unspecified` when
    none)."""
    out = repo.git("check-attr", "-z", "merge", "--", repo.prefix + agenda).stdout.split("\0")
    return out[2] if len(out) > 2 else "unspecified"


def attribute_pattern(relpath: str) -> str:
    """A .gitattributes pattern matching exactly this vault-relative path."""
    pattern = "/" + re.sub(r"([*?\[\\])", r"\\\1", relpath)
    if re.search(r'[\s"]', pattern):  # a pattern ends at whitespace unless C-quoted
        pattern = '"' + pattern.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return pattern


def ensure_attributes(
    repo: Repo, agenda: str, driver: str = DRIVER,
    comment: str = "# The agenda note is generated: merged by jobjournal's driver, never a "
    "conflict.",
) -> list[str]:
    """Append `<agenda> merge=jobjournal-agenda` (or another generated note's line, with its
    `driver`) to the vault's .gitattributes unless git already gives that path the driver; the
    file's existing bytes are kept as they are."""
    if merge_attribute(repo, agenda) == driver:
        return []
    path = repo.vault / ATTRIBUTES
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
    newline = b"\r\n" if b"\r\n" in data else b"\n"
    line = f"{attribute_pattern(agenda)} merge={driver}"
    lead = newline if data and not data.endswith(b"\n") else b""
    atomic_write(path, data + lead + comment.encode() + newline + line.encode() + newline)
    done = [f"added `{line}` to {repo.prefix}{ATTRIBUTES}: commit it, your other devices need it"]
    if merge_attribute(repo, agenda) != driver:
        done.append(
            f"warning: another attributes file still sets a different merge for {agenda}; "
            f"`git check-attr -a {repo.prefix}{agenda}` shows which"
        )
    return done


def ensure_note_attribute(repo: Repo) -> list[str]:
    """Put `*.md merge=jobjournal-note` first in the vault's .gitattributes unless git already
    gives notes that driver: first, so that every later line (the agenda's) still wins; the
    file's existing bytes follow as they were."""
    sample = repo.prefix + "A note.md"
    out = repo.git("check-attr", "-z", "merge", "--", sample).stdout.split("\0")
    if len(out) > 2 and out[2] == NOTE_DRIVER:
        return []
    path = repo.vault / ATTRIBUTES
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
    newline = b"\r\n" if b"\r\n" in data else b"\n"
    line = f"*.md merge={NOTE_DRIVER}"
    comment = "# Notes merge like data: front matter key by key, Log entries united."
    atomic_write(path, comment.encode() + newline + line.encode() + newline + data)
    return [f"added `{line}` to {repo.prefix}{ATTRIBUTES}: commit it, your other devices need it"]


# --- info/exclude ---------------------------------------------------------------------------------


def ensure_excluded(repo: Repo) -> list[str]:
    """Append jobjournal's temp-file patterns to the repository's `info/exclude` (shared by all
    its worktrees) unless they are there already; the file's existing bytes are kept."""
    path = repo.git_paths("info/exclude")[0]
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
    present = {line.strip() for line in data.decode("utf-8", "replace").splitlines()}
    missing = [pattern for pattern in TEMP_NAMES if pattern not in present]
    if not missing:
        return []
    newline = b"\r\n" if b"\r\n" in data else b"\n"
    lead = newline if data and not data.endswith(b"\n") else b""
    lines = ["# jobjournal's temp files, left beside a note by an interrupted write", *missing]
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, data + lead + b"".join(line.encode() + newline for line in lines))
    return [f"added jobjournal's temp files ({', '.join(missing)}) to {path}: git ignores them"]


# --- running the hooks ---------------------------------------------------------------------------


def run_chained(
    name: str, args: Sequence[str], directory: Path, stdin: bytes, own: Callable[[], int]
) -> int:
    """Run the user's NAME.local hook when there is one (executable, as git requires), with the
    same arguments and input, then ours (`own`); the exit status is the first failure's. A
    failing pre-commit.local stops there: the commit is refused already."""
    local = directory / f"{name}{LOCAL_SUFFIX}"
    status = 0
    if local.is_file() and os.access(local, os.X_OK):
        command = [str(local), *args]
        if os.name == "nt":  # Windows can't run a script itself; git's sh can
            command = ["sh", *command]
        status = subprocess.run(command, input=stdin, check=False).returncode
        if status != 0 and name == "pre-commit":
            return status
    own_status = own()
    return status or own_status


def staged_paths(repo: Repo) -> set[str]:
    """Vault-relative paths added, copied or modified in the commit being made (git gives the
    hook the right index, a temporary one for `git commit --only` or `-a`, in GIT_INDEX_FILE)."""
    out = repo.git(
        "diff", "--cached", "--name-only", "-z", "--no-renames", "--diff-filter=ACM"
    ).stdout
    return {rel for path in out.split("\0") if path and (rel := repo.in_vault(path)) is not None}


# --- the merge driver -----------------------------------------------------------------------------


def merge_agenda_versions(
    base: Path, ours: Path, theirs: Path, *, fresh: str | None, marker_size: int = 7
) -> int:
    """Merge three versions of the agenda note into `ours`, where git wants the result; return
    the number of conflicts (0: merged cleanly).

    The user's text around the markers is merged 3-way by `git merge-file`: edits in different
    places both stay; edits to the same lines get conflict markers there and only there.
    Between the markers goes `fresh`, the agenda generated now, or when None ours' generated
    part (the post-merge hook regenerates it anyway), holding the lines either side ticked or
    marked (core/ticks.py, `unite_marked_lines`): the post-merge hook applies them. A version
    without markers is the user's own note at that path: then the whole files are merged like
    any text."""
    texts = [_read_text(path) for path in (ours, base, theirs)]
    try:
        if any(text is None for text in texts):
            raise RefusalError("not UTF-8")
        outside = [merge_agenda(text, "") for text in texts]
    except RefusalError:
        data, conflicts = _merge_file(ours, base, theirs, marker_size)
        ours.write_bytes(data)
        return conflicts
    parts = [generated_part(text or "") for text in texts]
    block = fresh if fresh is not None else parts[0]
    # what the user ticked on either side survives, to be applied after the merge
    block = unite_marked_lines(block, parts[1], parts[0], parts[2])
    with tempfile.TemporaryDirectory(prefix="jobjournal-merge-") as tmp:
        paths = [Path(tmp, label) for label in ("ours", "base", "theirs")]
        for path, text in zip(paths, outside, strict=True):
            path.write_bytes(text.encode("utf-8"))
        data, conflicts = _merge_file(paths[0], paths[1], paths[2], marker_size)
    merged = data.decode("utf-8", "surrogateescape")
    try:
        result = merge_agenda(merged, block)
    except RefusalError:  # the marker lines themselves conflict: the user sorts that out
        result = merged
    ours.write_bytes(result.encode("utf-8", "surrogateescape"))
    return conflicts


def _read_text(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return None


def _merge_file(ours: Path, base: Path, theirs: Path, marker_size: int) -> tuple[bytes, int]:
    command = [
        "git", "merge-file", "--stdout", "--quiet", f"--marker-size={marker_size}",
        "-L", "ours", "-L", "base", "-L", "theirs", str(ours), str(base), str(theirs),
    ]  # fmt: skip
    try:
        result = subprocess.run(command, capture_output=True, check=False)
    except OSError as exc:
        raise JobJournalError(f"cannot run git merge-file: {exc}") from None
    if not 0 <= result.returncode <= 127:  # above: git's own error, not a count of conflicts
        text = subprocess.CompletedProcess(
            command, result.returncode, result.stdout.decode(errors="replace"),
            result.stderr.decode(errors="replace"),
        )  # fmt: skip
        raise JobJournalError(f"git merge-file failed: {git_reason(text)}")
    return result.stdout, result.returncode
