"""The `jobjournal` command: wires vault → rules → renderers together; no domain logic here.

Heavy modules (YAML, markdown-it, holidays) are imported inside the commands that need them,
so `jobjournal --help` starts as fast as click itself.
"""

from __future__ import annotations

import importlib
import os
import shlex
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from jobjournal import __version__
from jobjournal.cli import streams
from jobjournal.cli.common import (
    board_cards_of,
    clock,
    compute_agenda,
    find_root,
    fit,
    help_when_alone,
    list_commands_whole,
    no_cache_option,
    now_from,
    open_cached_vault,
    read_and_compute,
    screen,
    today_from,
    today_option,
    vault_option,
)
from jobjournal.errors import JobJournalError, RefusalError

if TYPE_CHECKING:
    from jobjournal.vault.user_edits import UserEdits

BUG_EXIT = 3
ISSUES_URL = "https://github.com/jobjournal/jobjournal/issues"


class JobJournalGroup(click.Group):
    """A JobJournalError becomes one line on stderr and its exit code; a crash says it's a bug.

    The commands of other modules are imported only when they run (or `--help` lists them):
    `jobjournal agenda` never loads what `watch`, `git` or `export` need.
    """

    #: command name → "module:object" in this package
    LAZY_COMMANDS = {
        "new": "edit:new",
        "log": "edit:log",
        "export": "exchange:export_command",
        "import": "exchange:import_command",
        "watch": "watch:watch",
        "git": "git:git_group",
        "show": "browse:show",
        "list": "browse:list_command",
        "serve": "serve:serve",
        "stats": "stats:stats",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY_COMMANDS})

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return help_when_alone(self, ctx, args)

    #: the first sentence of each lazy command's help, so that `--help` lists them without
    #: importing their modules (tests/test_speed_paths.py holds it to the commands' own)
    LAZY_HELP = {
        "new": "Create a note of TYPE named TITLE from its template, and print its path.",
        "log": "Record a contact with NOTE: add `- DATE TEXT` to its Log and set fields.",
        "export": "Export notes and follow-ups as csv, xlsx or ics.",
        "import": "Turn a tracking spreadsheet, saved as CSV or as an Excel workbook (xlsx), "
                  "into application notes, or a calendar invite (ics) into an interview note.",
        "watch": "Keep the agenda note current while you edit your notes.",
        "git": "Keep the vault in git: hooks, a merge driver for the agenda, and sync.",
        "show": "Show one note's fields and its items: kind, due date, why, and whom to "
                "contact (their note, phone and email).",
        "list": "List the notes as a table: title, type, status, company, role, and the next "
                "action with its due date.",
        "serve": "Serve the calendar and the agenda on this computer, for calendar apps.",
        "stats": "Show what works: the funnel from applications to offers, which sources "
                 "answer and how fast, your activity per week against [insights] weekly_goal, "
                 "and how long leads stay in each status.",
    }

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        list_commands_whole(self, ctx, formatter, known=self.LAZY_HELP)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = self.LAZY_COMMANDS.get(cmd_name)
        if where is None:
            return super().get_command(ctx, cmd_name)
        module, name = where.split(":")
        command = getattr(importlib.import_module(f".{module}", __package__), name)
        assert isinstance(command, click.Command) and command.name == cmd_name
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except JobJournalError as exc:
            click.echo(f"jobjournal: error: {exc.message}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except OSError as exc:
            if not streams.from_echo(exc):
                self._crashed(ctx, exc)
            ctx.exit(streams.output_failed(exc))  # the reader went away, or a full disk
        except Exception as exc:  # an unexpected crash is our bug, never the user's fault
            self._crashed(ctx, exc)

    @staticmethod
    def _crashed(ctx: click.Context, exc: Exception) -> NoReturn:
        """Say that it is a bug and how to report it, and exit with BUG_EXIT."""
        if os.environ.get("JOBJOURNAL_DEBUG"):
            import traceback  # only for a crash: it costs start-up time

            traceback.print_exc()
        click.echo(
            f"jobjournal: internal error: {type(exc).__name__}: {exc}\n"
            f"This is a bug in jobjournal {__version__}. Please report it at {ISSUES_URL} "
            "with the command you ran (set JOBJOURNAL_DEBUG=1 for the full traceback).",
            err=True,
        )
        ctx.exit(BUG_EXIT)


@click.group(cls=JobJournalGroup, context_settings={"help_option_names": ["-h", "--help"]})
@vault_option
@click.version_option(__version__, prog_name="jobjournal")
def cli() -> None:
    """Follow-ups for your job hunt, kept in plain Markdown notes.

    One note per contact, interview, application, referral or meeting, with YAML
    front matter, in a folder ("vault") you edit in Obsidian or any editor.
    jobjournal reads the vault, works out which follow-ups are due, and writes
    them into an agenda note (Agenda.md) in the same vault.

    \b
    Start here:
      jobjournal init ~/JobHunt     # a vault with templates and examples
      cd ~/JobHunt
      jobjournal agenda             # write Agenda.md and print a summary
      jobjournal agenda --print     # show the agenda in the terminal
      jobjournal agenda --json      # the same as JSON, for scripts
      jobjournal check              # list notes jobjournal cannot read

    `jobjournal COMMAND --help` tells more, with examples.
    """


@cli.command()
@click.argument("path", type=click.Path(file_okay=True, dir_okay=True, path_type=Path))
@click.option(
    "--git",
    "make_git",
    is_flag=True,
    help="Also make it a git repository, with jobjournal's hooks and merge driver "
    "(see `jobjournal git install`), and a first commit.",
)
@click.option("--no-examples", is_flag=True, help="Leave out the example notes.")
@click.option(
    "--ci",
    "ci_provider",
    type=click.Choice(["github", "gitlab"]),
    help="Also write a CI workflow that keeps the agenda current on phone-only days "
    "(see `jobjournal git ci`).",
)
def init(path: Path, make_git: bool, no_examples: bool, ci_provider: str | None) -> None:
    """Create a new vault at PATH: config, templates, Obsidian settings, example notes.

    PATH must not exist yet or be an empty folder, outside any other vault. The
    example notes are dated around today, so the first agenda shows every
    section; delete them when you start your own.

    \b
    Examples:
      jobjournal init ~/JobHunt --git            # with a git repository and a first commit
      jobjournal init ~/"Job hunt 2027" --no-examples   # a name with spaces, quoted
      jobjournal init ~/Phone-hunt --git --ci github   # and a CI workflow (phone-only days)
    """
    from jobjournal.core.markdown import render_markdown
    from jobjournal.edit.scaffold import init_git, init_vault
    from jobjournal.vault.agenda_note import write_agenda
    from jobjournal.vault.reader import enclosing_vault

    outer = enclosing_vault(path.expanduser().resolve().parent)
    if outer is not None:
        raise RefusalError(
            f"{path} is inside the vault {outer}: its notes would be read twice; "
            "choose a folder outside it"
        )

    if make_git:
        from jobjournal.git.repo import require_git

        # before copying anything: no half-made vault when git is missing
        require_git(", or create the vault without --git")
    today = today_from(None)
    from jobjournal.config import load_config
    from jobjournal.vault.reader import load_vault

    warnings: list[str] = []
    said: list[str] = []
    # The CI workflow goes at the top of the repository: the vault's own (with --git, or once you
    # run `git init` there), or the one the vault is made in.
    ci_top: Path | None = None
    ci_path = "."
    if ci_provider is not None and not make_git:
        from jobjournal.git.repo import enclosing_top

        ci_top = enclosing_top(path.expanduser().resolve())
        if ci_top is not None:
            ci_path = path.expanduser().resolve().relative_to(ci_top).as_posix()

    def finish(folder: Path) -> None:
        """The first agenda and the repository: made with the rest, before the vault is in
        place, so that a failure leaves nothing half made (see init_vault)."""
        vault = load_vault(folder, load_config(folder))
        agenda = compute_agenda(vault, today)
        write_agenda(folder, vault.config.agenda.path, render_markdown(agenda, vault.config))
        if ci_provider is not None:
            from jobjournal.cli.git import write_ci

            if ci_top is None:
                said.extend(write_ci(ci_provider, folder, ".", vault.config, None, force=False))
            else:  # refused now, else written once the vault is in place
                write_ci(ci_provider, ci_top, ci_path, vault.config, None, False, dry_run=True)
        from jobjournal.vault.board_note import write_board

        # remembered once the vault is at its place (its first run): not under this folder's name
        write_board(folder, vault.config, board_cards_of(vault, agenda), keep=False)
        if make_git:
            warnings.extend(init_git(folder))

    created = init_vault(path, today=today, examples=not no_examples, finish=finish)
    if ci_provider is not None and ci_top is not None:
        from jobjournal.cli.git import write_ci

        said = write_ci(ci_provider, ci_top, ci_path, load_config(path), None, force=False)
    for warning in warnings:
        click.echo(f"jobjournal: warning: {warning}", err=True)
    click.echo(f"Created a vault in {path} ({len(created)} files).")
    for line in said:
        click.echo(f"jobjournal: {line}" if line.startswith("warning: ") else line,
                   err=line.startswith("warning: "))  # fmt: skip
    click.echo("Open that folder as a vault in Obsidian, then run:")
    click.echo(f"  jobjournal agenda --vault {shlex.quote(str(path))}")


@cli.command()
@vault_option
@today_option
@click.option("--json", "as_json", is_flag=True, help="Print the agenda as JSON and write nothing.")
@click.option(
    "--print", "as_text", is_flag=True, help="Show the agenda in the terminal and write nothing."
)
@no_cache_option
@click.pass_context
def agenda(ctx: click.Context, today: Any, as_json: bool, as_text: bool, no_cache: bool) -> None:
    """Work out the follow-ups due and write them into the agenda note.

    The agenda note ([agenda] path in .jobjournal.toml, default Agenda.md) is
    rewritten only between its <!-- jobjournal:begin --> and
    <!-- jobjournal:end --> markers, and only when something changed. Notes
    jobjournal cannot read are listed under Problems; they never stop the run.

    First, what you did in the agenda note is written into your notes: a line
    you ticked ([x]) records the contact it asked for (a call returned, a
    thank-you sent…), and inline fields you typed on a line, like
    [decision_date:: 2026-12-15], are set on its note. A line that can't be
    applied stays ticked under Problems, with the reason, until it can.

    It also writes the pipeline board ([board] path, default Pipeline.md), a
    board for Obsidian's Kanban plugin: a card you dragged to another lane there
    sets that note's status first, with a `status:` record in its Log.

    With --json, print one JSON object (today, items, problems) for scripts;
    with --print, show the agenda in the terminal. Neither writes anything.

    \b
    Examples:
      jobjournal agenda                          # write Agenda.md, print a summary
      jobjournal agenda --print                  # show it here instead
      jobjournal agenda --json --today 2026-12-01 > agenda.json
    """
    if as_json and as_text:
        raise click.UsageError("choose one of --json and --print")
    from jobjournal.vault.cache import CachedVault
    from jobjournal.vault.reader import gc_paused

    day = today_from(today)
    mode = "json" if as_json else "print" if as_text else "note"
    shown = screen()
    # --print is laid out for this terminal: kept apart from one laid out for another
    kept_as = f"print:{shown.width}:{shown.color:d}" if as_text else mode
    root, config = find_root(ctx)
    # what the user ticked in the agenda and moved on the board goes first, when the note is
    # written (--json and --print write nothing, so they neither apply nor import any of it)
    edits: UserEdits | None = None
    if mode == "note":
        from jobjournal.vault.user_edits import apply_user_edits

        edits = apply_user_edits(root, config, day, datetime.combine(day, clock().time()))
        for line in edits.applied:
            click.echo(f"applied: {line}")
        kept_as = "note+board"
    # an agenda showing lines carried over from the agenda note is not the notes' alone
    edits_shown = edits is not None and edits.shown
    with gc_paused(freeze=True):  # a run makes thousands of lasting objects: see gc_paused
        run = CachedVault.open(root, config, use_cache=not no_cache)
        output: Any = None if edits_shown else run.result(kept_as, day)
        if output is None:
            from jobjournal.core.engine import depends_on_the_clock

            # only the agenda note shows the insights
            vault, result = read_and_compute(run, day, now_from(today), insights=mode == "note")
            # imported once the notes are read: in a first read of a large vault, while other
            # processes read (see read_vault)
            from jobjournal.core.render import render_json, render_terminal

            if as_json:
                output = render_json(result)
            elif as_text:
                output = render_terminal(result, width=shown.width, color=shown.color)
            else:
                from jobjournal.core.markdown import render_markdown
                from jobjournal.core.render import summary_line

                assert edits is not None  # applied above, for the note
                cards = board_cards_of(vault, result)
                result = edits.onto(result)
                output = (render_markdown(result, run.config), summary_line(result), cards)
            if not (depends_on_the_clock(result) or edits_shown):
                run.keep(kept_as, day, output)
        if mode == "note":
            from jobjournal.vault.agenda_note import write_agenda
            from jobjournal.vault.board_note import write_board

            block, summary, cards = output
            path = run.config.agenda.path
            written = write_agenda(run.root, path, block)
            write_board(run.root, run.config, cards)
            output = fit(f"{path} {'updated' if written else 'unchanged'}: {summary}", shown)
            output += "\n"
        # JSON holds no escape sequence to strip (it escapes every control character), and
        # looking for one through megabytes of it costs milliseconds
        click.echo(output, nl=False, color=as_json or shown.color)
        run.save()


@cli.command()
@vault_option
@today_option
@no_cache_option
@click.pass_context
def check(ctx: click.Context, today: Any, no_cache: bool) -> None:
    """Validate every note and list its problems, one per line.

    Each line reads `path:line: error: message` (or `warning:`), the path as
    seen from the current folder, so editors and CI can jump to it. Exits 1
    when there are errors, 0 when there are only warnings or nothing at all.
    Writes nothing.

    \b
    Examples:
      jobjournal check
      jobjournal check --vault ~/JobHunt || echo "some notes need fixing"
    """
    from jobjournal.vault.reader import gc_paused

    day = today_from(today)
    with gc_paused(freeze=True):  # a run makes thousands of lasting objects: see gc_paused
        run = open_cached_vault(ctx, use_cache=not no_cache)
        folder = _as_seen_from_here(run.root)
        prefix = "" if folder == os.curdir else folder + os.sep
        from jobjournal.vault.board_note import read_changes

        board_problems = read_changes(run.root, run.config).problems  # writes nothing
        kept = None if board_problems else run.result(f"check:{prefix}", day)
        if kept is None:
            from jobjournal.core.board import with_problems
            from jobjournal.core.check import check_report
            from jobjournal.core.engine import depends_on_the_clock

            vault, result = read_and_compute(run, day, now_from(today), insights=False)
            shown = with_problems(result, board_problems)
            report = check_report(shown.problems, vault.notes, folder, prefix)
            kept = ("\n".join(report.lines), report.summary, report.errors)
            if not depends_on_the_clock(result) and not board_problems:
                run.keep(f"check:{prefix}", day, kept)
        text, summary, errors = kept
        if text:
            click.echo(text)
        click.echo(summary, err=True)
        run.save()
    if errors:
        ctx.exit(1)


def _as_seen_from_here(folder: Path) -> str:
    """`folder` as an editor run in the current folder opens it: relative when one of the two
    holds the other (`.`, `..`, `Jobs/vault`), else absolute."""
    here = Path.cwd()
    if folder == here or folder.is_relative_to(here) or here.is_relative_to(folder):
        return os.path.relpath(folder, here)
    return str(folder)


def main() -> None:
    """Console-script entry point."""
    from jobjournal.vault import background as deferred  # (light: it loads what it needs later)

    deferred.enable()  # cache writes wait until the output is out (see vault/background.py)
    status: int | str | None = 0
    try:
        cli(prog_name="jobjournal")
    except SystemExit as done:
        status = done.code
    except OSError as exc:  # click writing its own output (`--help > /dev/full`)
        if not streams.from_echo(exc):
            raise
        status = streams.output_failed(exc)
    finally:
        status = streams.flush(status)  # a reader gone, or a full disk, even at the last flush
        deferred.finish()  # the output flushed, what was deferred goes to a child
    if status is None or isinstance(status, int):
        deferred.exit_now(status or 0)  # nothing left but freeing memory: skipped (or returns)
    sys.exit(status)


if __name__ == "__main__":  # pragma: no cover
    main()
