"""`jobjournal git …`: install the hooks and the agenda's merge driver, sync, and the hidden
commands those hooks and that driver run. Wiring only: the work is in git/repo.py, git/sync.py
and git/hooks.py.

The hidden commands run where git runs hooks and merge drivers, at the top of the working tree,
and find the vault from `--vault-path`, relative to there, recorded at install time.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from jobjournal.cli.common import (
    board_cards_of,
    clock,
    compute_agenda,
    find_root,
    help_when_alone,
    list_commands_whole,
    today_from,
    vault_option,
)
from jobjournal.errors import JobJournalError

if TYPE_CHECKING:
    from jobjournal.config import Config


class _GitGroup(click.Group):
    """`jobjournal git` alone prints its help, and lists its commands in full."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return help_when_alone(self, ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        list_commands_whole(self, ctx, formatter)


@click.group("git", cls=_GitGroup)
def git_group() -> None:
    """Keep the vault in git: hooks, a merge driver for the agenda, and sync.

    \b
    Examples:
      jobjournal git install   # hooks and the agenda's merge driver, in the vault's repository
      jobjournal git sync      # commit, pull and push in one step
      jobjournal git ci github # a workflow that updates the agenda on phone-only days
    """


@git_group.command()
@vault_option
@click.option(
    "--uninstall",
    is_flag=True,
    help="Remove jobjournal's hooks and merge driver, and put back the hooks they replaced.",
)
@click.pass_context
def install(ctx: click.Context, uninstall: bool) -> None:
    """Set up the git hooks and the merge drivers in the vault's repository.

    \b
    pre-commit      refuses a commit of notes with errors (as `jobjournal check` finds
                    them), naming them; `git commit --no-verify` skips it
    post-merge, post-checkout, post-rewrite, post-commit
                    regenerate the agenda after a pull, a merge, a branch switch, a
                    rebase, a cherry-pick, and commit it at once ("jobjournal: update
                    agenda") unless an operation is half done, a file conflicts, HEAD is
                    detached, or you changed the agenda note yourself
    merge driver    the agenda note never conflicts: the text you wrote around its
                    markers is merged, the generated part is written afresh, keeping
                    the lines either device ticked (the post-merge hook applies them)
    board driver    the pipeline board (Pipeline.md) never conflicts: a card moved on
                    either device stays moved, and the board is regenerated
    note driver     notes merge like data (*.md merge=jobjournal-note): front matter
                    key by key (a key both devices changed differently is the only
                    conflict), Log entries of both devices united in date order
    info/exclude    jobjournal's temp files (.Agenda.md.k2j4_x9z.tmp, left by an
                    interrupted write) are ignored by git, .gitignore or not

    The hooks run jobjournal with this Python (its virtualenv or pipx needs nothing on
    PATH); run install again if you reinstall jobjournal elsewhere. A hook you already
    had moves to NAME.local and ours runs it first, with the same arguments and input;
    --uninstall puts it back. Running install twice changes nothing the second time.

    \b
    Examples:
      jobjournal git install
      jobjournal git install --uninstall --vault ~/JobHunt
    """
    from jobjournal.git.hooks import install as install_git
    from jobjournal.git.hooks import uninstall as uninstall_git
    from jobjournal.git.repo import open_repo

    root, config = find_root(ctx)
    repo = open_repo(root)
    board = config.board.path if config.board.enabled else None
    done = uninstall_git(repo) if uninstall else install_git(
        repo, config.agenda.path, sys.executable, board)
    for line in done:
        click.echo(line)
    if not done:
        click.echo("nothing to do: " + ("nothing of jobjournal's is installed" if uninstall else
                   "the hooks and the merge driver are in place"))  # fmt: skip


@git_group.command()
@vault_option
@click.pass_context
def sync(ctx: click.Context) -> None:
    """Commit the vault's changes, pull, and push, in one step.

    The commit holds every change in the vault (its message names the first note and
    how many more); changes you staged outside the vault stay staged. The pull is a
    merge (never a rebase), with the agenda's merge driver, so the agenda never
    conflicts; it is regenerated and committed at once. With no remote, it only
    commits. When a note conflicts, nothing is merged: it names the files, and the
    repository stays as it was.

    \b
    Examples:
      jobjournal git sync
      jobjournal git sync --vault ~/JobHunt
    """
    from jobjournal.git.hooks import DRIVER, driver_options, merge_attribute
    from jobjournal.git.repo import open_repo
    from jobjournal.git.sync import sync as sync_git

    root, config = find_root(ctx)
    agenda = config.agenda.path
    repo = open_repo(root)
    if merge_attribute(repo, agenda) != DRIVER:
        click.echo(
            f"jobjournal: warning: {agenda} has no merge=jobjournal-agenda line in .gitattributes, "
            "so it can conflict: run `jobjournal git install`",
            err=True,
        )

    def regenerate() -> tuple[str, ...]:
        try:
            return _regenerate(root, today_from(None))
        except JobJournalError as exc:
            click.echo(f"jobjournal: warning: agenda not regenerated: {exc.message}", err=True)
            return ()

    sync_git(
        repo,
        agenda,
        regenerate=regenerate,
        pull_options=driver_options(sys.executable, repo.vault_path),
        say=click.echo,
        board=config.board.path if config.board.enabled else None,
    )


@git_group.command("ci")
@vault_option
@click.argument("provider", type=click.Choice(["github", "gitlab"]))
@click.option(
    "--install",
    "install_spec",
    metavar="SPEC",
    help="The pip requirement the workflow installs, e.g. a git URL "
    "(default: [ci] install in .jobjournal.toml, else this version of jobjournal).",
)
@click.option("--force", is_flag=True, help="Replace a different workflow file already there.")
@click.pass_context
def ci(ctx: click.Context, provider: str, install_spec: str | None, force: bool) -> None:
    """Write a CI workflow that keeps the agenda current on phone-only days.

    On every push and every morning at 06:00 in the vault's time zone ([calendar]
    timezone, else this machine's), the workflow installs jobjournal, runs
    `jobjournal agenda` (applies your ticks, regenerates the agenda and the board)
    and commits what changed back as a bot, never in a loop. PROVIDER github writes
    .github/workflows/jobjournal.yml; gitlab writes .gitlab-ci.yml, or, when the
    repository has a .gitlab-ci.yml of its own, .gitlab/jobjournal.yml for it to
    include. A different file already there is replaced only with --force. What to
    allow on GitHub or GitLab so that it can push: README, "Phone-only days".

    \b
    Examples:
      jobjournal git ci github
      jobjournal git ci gitlab --install "git+https://github.com/you/jobjournal@v0.1.0"
    """
    from jobjournal.git.repo import open_repo

    root, config = find_root(ctx)
    repo = open_repo(root)
    said = write_ci(provider, repo.top, repo.vault_path, config, install_spec, force)
    for line in said:
        click.echo(f"jobjournal: {line}" if line.startswith("warning: ") else line,
                   err=line.startswith("warning: "))  # fmt: skip
    if said[0].startswith("wrote "):
        click.echo("Commit it and push: the workflow runs from that push on.")


def write_ci(
    provider: str, top: Path, vault_path: str, config: Config, install_spec: str | None,
    force: bool, *, dry_run: bool = False,
) -> list[str]:  # fmt: skip
    """`git ci` and `init --ci`: the workflow for the vault at `vault_path` in the repository at
    `top`, installing `install_spec`, else [ci] install, else this version."""
    from jobjournal.git.ci import check_install, default_install, vault_zone, write_workflow

    if install_spec is not None:
        install = check_install(install_spec, "--install")
    elif config.ci.install:
        install = check_install(config.ci.install, "[ci] install in .jobjournal.toml")
    else:
        install = default_install()
    zone = vault_zone(config.calendar.timezone)
    return write_workflow(
        provider, top, vault_path, install=install, zone=zone, force=force, dry_run=dry_run
    )


@git_group.command("hook", hidden=True)
@click.argument("name")
@click.option("--vault-path", default=".", help="The vault, relative to the working tree's top.")
@click.option("--hooks-dir", type=click.Path(path_type=Path), required=True)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def hook(
    ctx: click.Context, name: str, vault_path: str, hooks_dir: Path, args: tuple[str, ...]
) -> None:
    """Run by the hooks `jobjournal git install` writes: the user's NAME.local hook, then ours."""
    from jobjournal.git.hooks import HOOKS, run_chained

    if name not in HOOKS:
        raise click.BadParameter(f"must be one of {', '.join(HOOKS)}", param_hint="NAME")
    stdin = b"" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.buffer.read()
    root = Path.cwd() / vault_path

    def own() -> int:
        return _pre_commit(root) if name == "pre-commit" else _after(name, root, args)

    ctx.exit(run_chained(name, args, hooks_dir, stdin, own))


@git_group.command("merge-agenda", hidden=True)
@click.option("--vault-path", default=".", help="The vault, relative to the working tree's top.")
@click.option("--marker-size", type=int, default=7)
@click.argument("base", type=click.Path(path_type=Path))
@click.argument("ours", type=click.Path(path_type=Path))
@click.argument("theirs", type=click.Path(path_type=Path))
@click.argument("path", default="")
@click.pass_context
def merge_agenda_driver(
    ctx: click.Context, vault_path: str, marker_size: int, base: Path, ours: Path,
    theirs: Path, path: str,
) -> None:  # fmt: skip
    """The agenda's merge driver (`merge.jobjournal-agenda.driver`): %O %A %B %P."""
    from jobjournal.git.hooks import merge_agenda_versions

    fresh = _fresh_agenda(Path.cwd() / vault_path, vault_path, path)
    conflicts = merge_agenda_versions(base, ours, theirs, fresh=fresh, marker_size=marker_size)
    if conflicts:
        click.echo(
            f"jobjournal: {path}: your text around the agenda conflicts; resolve the "
            "<<<<<<< lines there (the agenda itself is regenerated)",
            err=True,
        )
        ctx.exit(1)


@git_group.command("merge-board", hidden=True)
@click.argument("base", type=click.Path(path_type=Path))
@click.argument("ours", type=click.Path(path_type=Path))
@click.argument("theirs", type=click.Path(path_type=Path))
@click.argument("path", default="")
def merge_board_driver(base: Path, ours: Path, theirs: Path, path: str) -> None:
    """The board's merge driver (`merge.jobjournal-board.driver`): %O %A %B %P. Never a
    conflict: the post-merge hook regenerates the board from the merged notes."""
    from jobjournal.core.board import merge_boards

    texts = [p.read_bytes().decode("utf-8", "replace") for p in (base, ours, theirs)]
    ours.write_bytes(merge_boards(*texts).encode("utf-8"))


@git_group.command("merge-note", hidden=True)
@click.option("--marker-size", type=int, default=7)
@click.argument("base", type=click.Path(path_type=Path))
@click.argument("ours", type=click.Path(path_type=Path))
@click.argument("theirs", type=click.Path(path_type=Path))
@click.argument("path", default="")
@click.pass_context
def merge_note_driver(
    ctx: click.Context, marker_size: int, base: Path, ours: Path, theirs: Path, path: str
) -> None:
    """The notes' merge driver (`merge.jobjournal-note.driver`): %O %A %B %P."""
    from jobjournal.git.note_merge import merge_note_versions

    conflicts = merge_note_versions(base, ours, theirs, marker_size=marker_size)
    if conflicts:
        click.echo(f"jobjournal: {path}: {conflicts} conflict{'s' * (conflicts != 1)}; resolve "
                   "the <<<<<<< lines there (`jobjournal check` lists them)", err=True)  # fmt: skip
        ctx.exit(min(conflicts, 127))


# --- what the hooks do ----------------------------------------------------------------------------


def _pre_commit(root: Path) -> int:
    """Refuse (1) when a note being committed has errors, as it is staged: the commit holds the
    staged versions, read with the staged config when there is one (git/staged.py)."""
    from jobjournal.config import CONFIG_NAME
    from jobjournal.git.hooks import staged_paths
    from jobjournal.git.repo import open_repo
    from jobjournal.git.staged import Staged

    if not root.is_dir():
        return 0  # this commit has no vault (yet, or any more)
    repo = open_repo(root)
    staged = {p for p in staged_paths(repo) if p.endswith(".md") or p == CONFIG_NAME}
    if not staged:
        return 0
    index = Staged(repo, root)
    try:
        config = index.config()
        vault = index.vault(config)
    except JobJournalError as exc:
        click.echo(f"jobjournal: commit refused: {exc.message}", err=True)
        return 1
    result = compute_agenda(vault, today_from(None))
    errors = [(p.path, p.line or 1, p.message) for p in result.problems
              if p.is_error and p.path in staged]  # fmt: skip
    agenda = config.agenda.path
    conflict = index.agenda_conflict(agenda) if agenda in staged else None
    if conflict is not None:
        errors.append((agenda, conflict, "git conflict markers in your text around the agenda: "
                       "resolve the merge conflict there"))  # fmt: skip
    if not errors:
        return 0
    for path, line, message in errors:
        click.echo(f"{repo.prefix}{path}:{line}: error: {message}", err=True)
    names = sorted({f"{repo.prefix}{path}" for path, _, _ in errors})
    click.echo(
        f"jobjournal: commit refused: {len(names)} note{'s' * (len(names) != 1)} with errors: "
        f"{', '.join(names)}. Fix them (`jobjournal check` lists every problem), or skip this "
        "check with `git commit --no-verify`",
        err=True,
    )
    return 1


def _after(name: str, root: Path, args: Sequence[str]) -> int:
    """post-merge, post-checkout (of a branch), post-rewrite (a rebase, an amend), post-commit (of
    a cherry-pick or a revert): regenerate the agenda and commit it at once when it changed
    (git/settle.py says when it may not). Never fails: the operation is done anyway."""
    from jobjournal.config import load_config
    from jobjournal.git.repo import open_repo
    from jobjournal.git.settle import settle_agenda

    if name == "post-checkout" and (len(args) < 3 or args[2] != "1" or args[0] == args[1]):
        return 0  # a file checkout, or a new branch at the same commit: no note changed
    if name == "post-rewrite" and tuple(args[:1]) not in (("rebase",), ("amend",)):
        return 0
    if not root.is_dir():
        return 0
    try:
        repo = open_repo(root)
        # git runs post-merge before it removes MERGE_HEAD, post-rewrite before it removes the
        # rebase's state, post-commit before it removes CHERRY_PICK_HEAD: each is done all the
        # same. Any other operation half done (a checkout within a rebase) waits for its end.
        finished = {"post-merge": "a merge", "post-rewrite": "a rebase"}.get(name)
        if name == "post-commit":
            finished = repo.operation_in_progress()
            if finished not in ("a cherry-pick", "a revert"):
                return 0  # a commit of your own: what it holds is yours to choose
        config = load_config(root)
        said = settle_agenda(
            repo, config.agenda.path, lambda: _regenerate(root, today_from(None)),
            finished=finished, board=lambda: _own_board(root, config),
        )
        if said is not None:
            click.echo(f"jobjournal: {said}", err=True)
    except JobJournalError as exc:
        click.echo(f"jobjournal: warning: agenda not regenerated: {exc.message}", err=True)
    return 0


def _own_board(root: Path, config: Config) -> str | None:
    """The board's path when there is one jobjournal wrote (to commit with the agenda)."""
    from jobjournal.vault.board_note import board_file, is_own_write

    if not config.board.enabled:
        return None
    try:
        present = board_file(root, config.board.path).is_file()
    except JobJournalError:
        return None
    return config.board.path if present and is_own_write(root, config) else None


def _fresh_agenda(root: Path, vault_path: str, path: str) -> str | None:
    """The agenda's generated part, computed now, for the merge driver; None (keep ours) when it
    can't be: a merge must not fail because the agenda couldn't be computed."""
    from jobjournal.config import load_config
    from jobjournal.core.markdown import render_markdown
    from jobjournal.vault.cache import load_cached_vault

    try:
        vault = load_cached_vault(root, load_config(root))
        prefix = "" if vault_path in ("", ".") else vault_path.rstrip("/") + "/"
        if path and path != prefix + vault.config.agenda.path:
            return None  # an old agenda path still in .gitattributes: not this vault's agenda
        return render_markdown(compute_agenda(vault, today_from(None)), vault.config)
    except Exception as exc:  # noqa: BLE001 - whatever it was, the merge goes on with ours
        click.echo(f"jobjournal: warning: {path}: kept this side's agenda ({exc})", err=True)
        return None


def _regenerate(root: Path, today: date) -> tuple[str, ...]:
    """Apply the agenda's ticks and the cards moved on the board to the notes, then write the
    vault's agenda note and board for `today`; the notes the ticks and the moves changed."""
    from jobjournal.config import load_config
    from jobjournal.core.markdown import render_markdown
    from jobjournal.vault.agenda_note import write_agenda
    from jobjournal.vault.board_note import write_board
    from jobjournal.vault.cache import load_cached_vault
    from jobjournal.vault.user_edits import apply_user_edits

    config = load_config(root)
    edits = apply_user_edits(root, config, today, datetime.combine(today, clock().time()))
    for line in edits.applied:
        click.echo(f"jobjournal: applied: {line}", err=True)
    vault = load_cached_vault(root, config)
    built = compute_agenda(vault, today)
    write_agenda(root, vault.config.agenda.path,
                 render_markdown(edits.onto(built), vault.config))
    write_board(root, config, board_cards_of(vault, built))
    return edits.edited


def _vault(ctx: click.Context) -> tuple[Path, str]:
    """The vault's folder and its agenda path, without reading every note."""
    root, config = find_root(ctx)
    return root, config.agenda.path
