"""`jobjournal show` and `jobjournal list`: one note with its items, and a table of notes."""

from __future__ import annotations

from typing import Any

import click

from jobjournal.cli.common import (
    now_from,
    open_cached_vault,
    read_and_compute,
    screen,
    today_from,
    today_option,
    vault_option,
)
from jobjournal.core.model import NoteType


@click.command()
@vault_option
@today_option
@click.argument("note")
@click.pass_context
def show(ctx: click.Context, today: Any, note: str) -> None:
    """Show one note's fields and its items: kind, due date, why, and whom to contact
    (their note, phone and email).

    NOTE is a path, a title, or words found in exactly one title, as for `log`.

    \b
    Example:
      jobjournal show "Acme - Backend"
      jobjournal show acme --today 2026-12-01
    """
    from jobjournal.cli.edit import resolve_note
    from jobjournal.core.browse import render_show
    from jobjournal.core.context import make_context

    run = open_cached_vault(ctx)
    day = today_from(today)
    vault, agenda = read_and_compute(run, day, now_from(today), insights=False)
    path = resolve_note(note, vault.paths, run.root)
    found = [n for n in vault.notes if n.path == path]
    problems = [p for p in agenda.problems if p.path == path]
    if not found and problems:
        raise click.BadParameter(f"{path} could not be read: {problems[0].message} (run "
                                 "`jobjournal check`)", param_hint="NOTE")
    if not found:
        raise click.BadParameter(f"{path} is not a jobjournal note: it has no `type` (one of "
                                 f"{', '.join(t.value for t in NoteType)})", param_hint="NOTE")
    context = make_context(vault.notes, day, vault.config, paths=vault.paths)
    shown = screen()
    click.echo(render_show(found[0], agenda, context.last_contact(found[0]), problems,
                           width=shown.width, color=shown.color), nl=False, color=shown.color)
    run.save()


@click.command(name="list")
@vault_option
@click.argument("note_type", metavar="[TYPE]", required=False,
                type=click.Choice([t.value for t in NoteType], case_sensitive=False))
@click.option("--status", metavar="S", help="Only notes with this status.")
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON list of objects (note, title, type, status, company, role, "
                   "next_action, due).")
@today_option
@click.pass_context
def list_command(ctx: click.Context, note_type: str | None, status: str | None, as_json: bool,
                 today: Any) -> None:
    """List the notes as a table: title, type, status, company, role, and the next
    action with its due date. TYPE (contact, interview, application, referral,
    meeting) and --status narrow it down.

    \b
    Example:
      jobjournal list
      jobjournal list interview --status scheduled
      jobjournal list application --json
    """
    from jobjournal.core.browse import list_rows, render_list, render_list_json

    run = open_cached_vault(ctx)
    vault, agenda = read_and_compute(run, today_from(today), now_from(today),
                                     insights=False)
    rows = list_rows(vault.notes, agenda, note_type=note_type.lower() if note_type else None,
                     status=status)
    if as_json:
        click.echo(render_list_json(rows), nl=False)
    else:
        shown = screen()
        click.echo(render_list(rows, width=shown.width, color=shown.color), nl=False,
                   color=shown.color)
    run.save()
