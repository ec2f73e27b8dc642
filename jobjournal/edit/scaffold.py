"""`jobjournal init`: a new vault from the bundled template, optionally a git repository.

The template (`vault-template/` in the source tree, `jobjournal/vault-template` when installed) is
copied as it is, except its `examples/` folder: the example notes in it go into the vault's type
folders, with their `{{today±N}}` tokens replaced by dates relative to the day `init` runs, so a
fresh vault's agenda has something in every section.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

from jobjournal.config import load_config
from jobjournal.errors import JobJournalError, RefusalError
from jobjournal.vault.atomic import _umask

EXAMPLES_DIR = "examples"
FIRST_COMMIT_MESSAGE = "jobjournal: new vault"
#: Placed in a type folder that would otherwise be empty, so git (and so every device) keeps it.
KEEP_FILE = ".gitkeep"

# {{today}}, {{today+3}}, {{today-14}}: calendar days from the day the vault is created;
# {{workday+3}}, {{workday-12}}: Monday-to-Friday days, for interviews (never on a Sunday);
# {{workday+8:YYYYMMDD}}: the same day written as a calendar invite writes it (20261208).
_TODAY_TOKEN = re.compile(r"\{\{(today|workday)(?:([+-])(\d+))?(:YYYYMMDD)?\}\}")
# Used only when the user's git has no identity, so that `init --git` still makes its first commit.
_FALLBACK_IDENTITY = {"user.name": "jobjournal", "user.email": "jobjournal@localhost"}


def template_dir() -> Path:
    """The vault template: in the installed package, else the source tree's `vault-template/`."""
    package = Path(__file__).resolve().parent.parent  # the jobjournal package
    for candidate in (package / "vault-template", package.parent / "vault-template"):
        if (candidate / ".jobjournal.toml").is_file():
            return candidate
    raise JobJournalError(
        f"the vault template is missing (looked in {package / 'vault-template'}): "
        "reinstall jobjournal"
    )


def expand_today_tokens(text: str, today: date) -> str:
    """Replace `{{today±N}}` (calendar days) and `{{workday±N}}` (Monday to Friday) tokens
    with YYYY-MM-DD dates (YYYYMMDD after `:YYYYMMDD`, as in `{{workday+8:YYYYMMDD}}`)."""

    def replace(match: re.Match[str]) -> str:
        unit, sign, days, compact = match.groups()
        offset = int(days) if days else 0
        step = timedelta(days=-1 if sign == "-" else 1)
        day = today
        if unit == "today":
            day = today + offset * step
        while unit == "workday" and offset:
            day += step
            offset -= day.weekday() < 5
        return day.strftime("%Y%m%d") if compact else day.isoformat()

    return _TODAY_TOKEN.sub(replace, text)


def init_vault(
    target: Path, *, today: date, examples: bool = True,
    finish: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Create a vault at `target` from the template and return the files created, sorted.

    `target` must not exist yet or be an empty folder: a vault is never created over anything.
    It is made whole or not at all: built in a hidden folder beside `target` and renamed into
    place once complete (an empty folder that is there already is filled in place, and emptied
    again on failure), so a full disk or any other failure leaves nothing behind — not even
    the missing parent folders it made — and `init` can simply be run again. `finish(folder)`
    is called on the complete vault before it is put in place (the first agenda, git).
    """
    source = template_dir()
    try:
        _refuse_unless_empty(target)
        made = _make_parents(target.parent)
    except OSError as exc:
        raise JobJournalError(f"cannot create the vault in {target}: {exc.strerror or exc}"
                              ) from None
    fill_in_place = target.is_dir()
    building = target
    try:
        if not fill_in_place:
            building = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".new",
                                             dir=target.parent))
            os.chmod(building, 0o777 & ~_umask())  # as mkdir would have made it, not 0o700
        created = _copy_template(source, building, today=today, examples=examples)
        if finish is not None:
            finish(building)
        if not fill_in_place:
            os.rename(building, target)  # refused if something else took the name meanwhile
            created = [target / path.relative_to(building) for path in created]
        return created
    except BaseException as exc:
        _remove_what_was_made(building, emptied=fill_in_place, parents=made)
        if isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
        elif isinstance(exc, JobJournalError) and not isinstance(exc, RefusalError):
            reason = exc.message
        else:
            raise
        raise JobJournalError(f"cannot create the vault in {target}: {reason} (nothing was "
                              "left behind)") from None


def _make_parents(folder: Path) -> list[Path]:
    """Make `folder` and its missing parents; return those made, outermost first."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    made = []
    try:
        for path in reversed(missing):
            path.mkdir()
            made.append(path)
    except FileExistsError:
        pass  # made by someone else meanwhile: theirs
    except OSError:
        _remove_folders(made)
        raise
    return made


def _remove_what_was_made(building: Path, *, emptied: bool, parents: list[Path]) -> None:
    """Undo a vault half made: the folder it was built in (or, filled in place, what is in it),
    then the parent folders made for it. Best effort: a failure here must not hide the first."""
    if emptied:
        with contextlib.suppress(OSError):
            for entry in os.scandir(building):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
    else:
        shutil.rmtree(building, ignore_errors=True)
    _remove_folders(parents)


def _remove_folders(made: list[Path]) -> None:
    for path in reversed(made):  # innermost first; one holding something else stays
        with contextlib.suppress(OSError):
            path.rmdir()


def _copy_template(source: Path, target: Path, *, today: date, examples: bool) -> list[Path]:
    created: list[Path] = []
    for path in _files(source):
        relative = path.relative_to(source)
        if relative.parts[0] == EXAMPLES_DIR:
            continue
        created.append(_write(target / relative, path.read_bytes()))
    if examples:
        for path in _files(source / EXAMPLES_DIR):
            text = path.read_bytes().decode("utf-8")
            data = expand_today_tokens(text, today).encode("utf-8")
            created.append(_write(target / path.relative_to(source / EXAMPLES_DIR), data))
    for folder in load_config(target).vault.folders.values():
        directory = target / folder
        directory.mkdir(parents=True, exist_ok=True)
        if not any(directory.iterdir()):
            created.append(_write(directory / KEEP_FILE, b""))
    return sorted(created)


def _refuse_unless_empty(target: Path) -> None:
    if target.is_dir():
        if any(target.iterdir()):
            raise RefusalError(
                f"{target} is not empty: jobjournal init creates a vault only in a new or empty "
                "folder, so nothing of yours is overwritten"
            )
    elif target.exists() or target.is_symlink():
        raise RefusalError(
            f"{target} exists and is not a folder: choose a new folder for the vault"
        )


def _files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def _write(path: Path, data: bytes) -> Path:
    # Bytes, not text: the template's line endings reach the vault unchanged on every platform.
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def init_git(target: Path) -> list[str]:
    """Make `target` a git repository with jobjournal's hooks and merge driver, holding everything
    in it in one first commit; return warnings (hooks that could not be installed).

    The user's own git identity is used; only when git has none is the commit made as "jobjournal".
    """
    from jobjournal.git.hooks import install
    from jobjournal.git.repo import GIT_MISSING, open_repo

    if shutil.which("git") is None:
        raise JobJournalError(f"{GIT_MISSING}, or create the vault without --git")
    _git(target, "init", "--quiet")
    warnings: list[str] = []
    try:
        config = load_config(target)
        install(open_repo(target), config.agenda.path, sys.executable,
                config.board.path if config.board.enabled else None)
    except RefusalError as exc:  # e.g. a core.hooksPath shared by all the user's repositories
        warnings.append(f"no hooks installed: {exc.message}")
    _git(target, "add", "--all")
    identity: list[str] = []
    for key, fallback in _FALLBACK_IDENTITY.items():
        if not _git(target, "config", "--get", key, check=False).strip():
            identity += ["-c", f"{key}={fallback}"]
    # Only the template's own files: the pre-commit hook's check (another Python start) can wait.
    _git(
        target, "commit", "--quiet", "--no-verify", "--message", FIRST_COMMIT_MESSAGE,
        options=identity,
    )  # fmt: skip
    return warnings


def _git(cwd: Path, *args: str, options: Sequence[str] = (), check: bool = True) -> str:
    """Run `git [options] args` in `cwd`; a failure becomes one line naming the git command."""
    try:
        result = subprocess.run(
            ["git", *options, *args], cwd=cwd, capture_output=True, text=True, check=False
        )
    except OSError as exc:
        raise JobJournalError(f"cannot run git: {exc}") from None
    if check and result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        detail = lines[-1] if lines else f"exit code {result.returncode}"
        raise JobJournalError(f"git {args[0]} failed in {cwd}: {detail}")
    return result.stdout
