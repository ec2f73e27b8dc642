"""`jobjournal export` and `jobjournal import`: the spreadsheet and the calendar that keep a job
search in one place, and the way in for people who already track their search in a spreadsheet.

Thin: the vault is loaded and the agenda computed as for `jobjournal agenda` (same notes, same
rules); `exports/` turns them into bytes, `imports/` a CSV file into planned notes; this layer
reads the clock and the disk and writes. openpyxl and icalendar are imported only by the format
that uses them, so `jobjournal --help` stays fast.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from jobjournal.cli.common import (
    find_root,
    no_cache_option,
    open_cached_vault,
    read_vault,
    today_from,
    today_option,
    vault_option,
)
from jobjournal.errors import JobJournalError, RefusalError

if TYPE_CHECKING:
    from jobjournal.config import Config
    from jobjournal.core.context import RuleContext
    from jobjournal.core.model import Agenda
    from jobjournal.imports.csv_import import Columns, Planner, RowPlan, Table
    from jobjournal.imports.xlsx_sheet import XlsxSheet
    from jobjournal.vault.cache import CachedVault
    from jobjournal.vault.reader import Vault

FORMATS = ("csv", "xlsx", "ics")


def compute_for_export(vault: Vault, today: date) -> tuple[Agenda, RuleContext]:
    """The agenda, as `jobjournal agenda` computes it, and the RuleContext of the same build."""
    from jobjournal.core.context import make_context
    from jobjournal.core.engine import build_agenda

    ctx = make_context(vault.notes, today, vault.config, paths=vault.paths)
    agenda = build_agenda(vault.notes, today, vault.config, paths=vault.paths,
                          problems=vault.problems, workdays=ctx.workdays)
    return agenda, ctx


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


@click.command("export", short_help="Export notes and follow-ups as csv, xlsx or ics.")
@vault_option
@today_option
@click.argument("fmt", metavar="FORMAT", type=click.Choice(FORMATS, case_sensitive=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="PATH",
              help="Write to this file (replaced if it exists) instead of standard output.")
@click.option("--no-bom", is_flag=True,
              help="csv: leave out the byte-order mark that tells Excel the file is UTF-8.")
@no_cache_option
@click.pass_context
def export_command(
    ctx: click.Context, today: Any, fmt: str, output: Path | None, no_bom: bool,
    no_cache: bool,
) -> None:
    """Export notes and follow-ups as a spreadsheet or a calendar (csv, xlsx, ics).

    \b
    FORMAT is one of:
      csv   one row per note: type, title, company, role, status, key dates,
            last contact, next action and its due date, contact person, path,
            phone, email, warnings (UTF-8 with a byte-order mark, so that Excel opens it by
            double-click; a header row; dates as 2026-11-20; text that a
            spreadsheet would run as a formula, like =1+1 or +1 555 0100,
            starts with ' to stay text)
      xlsx  an Excel workbook: that table as the "Notes" sheet and the due
            items, section by section, as the "Agenda" sheet; human headers
            (Next action, Due), real dates, a frozen header, filters, long
            text wrapped, each title a link that opens its note in Obsidian,
            rows due before today highlighted, each note's warnings; it
            prints landscape, a page wide, the header on every page
      ics   a calendar: interviews and meetings at their time (an hour long;
            all day when the note gives no time), and every follow-up as an
            all-day event on its due date with a reminder at 09:00; an
            overdue one on today (saying since when), a call-back at the
            moment of the export with a reminder at once

    csv and ics go to standard output unless -o PATH is given. An xlsx
    workbook is binary: give -o PATH, or redirect standard output to a file
    (it is refused on a terminal).

    Everything comes from the same notes and rules as `jobjournal agenda`, as
    of --today. Times in the calendar are in the vault's time zone
    ([calendar] timezone, else the machine's), described in the file. Each
    event keeps its identity from one export to the next (it is derived from
    the note's path and the kind of follow-up), so importing a newer file, or
    subscribing to it, updates events instead of duplicating them; renaming a
    note makes new ones. An event is stamped with the time its note last
    changed, and its sequence number grows when it changes, so calendars
    take the update; a vault that did not change exports the same bytes.
    Nothing is written into the vault (the sequence numbers are remembered
    in jobjournal's cache folder). To subscribe by URL: jobjournal serve.

    \b
    Examples:
      jobjournal export csv > jobs.csv
      jobjournal export csv --no-bom -o jobs.csv   # for tools that want no BOM
      jobjournal export xlsx -o jobs.xlsx
      jobjournal export ics -o jobs.ics        # import it, or subscribe to it
    """
    fmt = fmt.lower()
    if no_bom and fmt != "csv":
        raise click.BadParameter(f"--no-bom is for csv: an {fmt} file has no byte-order mark",
                                 param_hint="'--no-bom'")
    if output is not None and output.suffix.lower() == ".md":
        raise RefusalError(f"{output} looks like a note: jobjournal never writes an export over "
                           "one (choose a name ending in .csv, .xlsx or .ics)")
    if fmt == "xlsx" and output is None and _stdout_is_terminal():
        raise JobJournalError("an xlsx workbook is binary and would garble the terminal: give "
                              "-o PATH (like -o jobs.xlsx), or redirect it: "
                              "jobjournal export xlsx > jobs.xlsx")
    run = open_cached_vault(ctx, use_cache=not no_cache)
    vault = read_vault(run)
    agenda, context = compute_for_export(vault, today_from(today))
    from jobjournal.exports.table import AGENDA_COLUMNS, NOTE_COLUMNS, agenda_rows, note_rows

    rows = note_rows(vault.notes, agenda, context)
    if fmt == "csv":
        from jobjournal.exports.csv_export import render_csv

        data = render_csv(NOTE_COLUMNS, rows, bom=not no_bom)
        what = f"{len(rows)} notes"
    elif fmt == "xlsx":
        from jobjournal.exports.xlsx import agenda_sheet, notes_sheet, render_xlsx

        items = agenda_rows(agenda)
        data = render_xlsx([notes_sheet(NOTE_COLUMNS, rows), agenda_sheet(AGENDA_COLUMNS, items)],
                           created=datetime.combine(agenda.today, datetime.min.time()),
                           today=agenda.today, vault_name=vault.root.name)
        what = f"{len(rows)} notes, {len(items)} agenda items"
    else:
        data = calendar_bytes(run, vault, agenda, context)
        events = data.count(b"BEGIN:VEVENT")
        what = f"{events} event{'s' * (events != 1)}"
    if output is None:
        click.echo(data, nl=False)  # bytes go to the binary stream, as they are
    else:
        from jobjournal.vault.atomic import atomic_write

        atomic_write(output, data)
        click.echo(f"{output}: {what}")
    _mention_problems(agenda)


def calendar_bytes(run: CachedVault, vault: Vault, agenda: Agenda, context: RuleContext) -> bytes:
    """The vault's calendar as of `agenda.today` (exports/ics.py): timed events in the vault's
    time zone, each event's DTSTAMP its note's modification time, sequences and call-backs'
    moments remembered outside the vault. The one place the calendar reads the clock."""
    from jobjournal.exports.ics import ALARM_HOUR, render_ics
    from jobjournal.vault.event_memory import EventMemory
    from jobjournal.vault.zone import vault_zone

    clock = datetime.now(UTC).replace(microsecond=0)
    zone = vault_zone(vault.config)
    local = clock.astimezone(zone).replace(tzinfo=None)
    # the export's moment, where a call-back goes: now, or 09:00 of another day's --today
    now = local if local.date() == agenda.today else datetime.combine(
        agenda.today, time(ALARM_HOUR))
    modified = {path: datetime.fromtimestamp(stamp[0] / 1e9, UTC).replace(microsecond=0)
                for path, stamp in (run.stamps or {}).items()}
    memory = EventMemory.of_vault(vault.root, clock)
    data = render_ics(vault.notes, agenda, context, vault_name=vault.root.name, zone=zone,
                      modified=modified, now=now, memory=memory)
    memory.save()
    return data


def _mention_problems(agenda: Agenda) -> None:
    errors = {problem.path for problem in agenda.problems if problem.is_error}
    if errors:
        count = len(errors)
        click.echo(f"jobjournal: {count} note{'s' * (count != 1)} could not be read in full and "
                   "may be missing or incomplete: run `jobjournal check`", err=True)


# --- import -------------------------------------------------------------------------------------


@click.command("import")
@vault_option
@today_option
@click.argument("fmt", metavar="FORMAT",
                type=click.Choice(("csv", "xlsx", "ics"), case_sensitive=False))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True,
              help="Show what would be created (or changed), and write nothing.")
@click.option("--force", is_flag=True,
              help="Import the rows that parse even when some don't (a stray quote).")
@click.option("--sheet", "sheet_name", metavar="NAME",
              help="xlsx: the sheet to import (default: the workbook's first).")
@click.option("--as", "as_type", type=click.Choice(("interview", "meeting")),
              help="ics: the type of note an invite becomes (default: interview).")
@click.option("--me", "me", multiple=True, metavar="EMAIL",
              help="ics: your address in the invite (default: [me] email in .jobjournal.toml).")
@click.pass_context
def import_command(
    ctx: click.Context, today: Any, fmt: str, file: Path, dry_run: bool, force: bool,
    sheet_name: str | None, as_type: str | None, me: tuple[str, ...],
) -> None:
    """Turn a tracking spreadsheet, saved as CSV or as an Excel workbook
    (xlsx), into application notes, or a calendar invite (ics) into an
    interview note.

    Each row with a company or a role becomes Applications/COMPANY - ROLE.md
    (the folders are [vault.folders] in .jobjournal.toml), made from
    Templates/application.md, with its date applied, status, source and
    contact; a named contact gets a linked note of their own in Contacts/
    (with phone and email) unless a note with that name exists. The other
    columns, and the notes column, go into the note's text. Try it with
    --dry-run first.

    \b
    Columns are recognised by their usual names, in any order and any case:
      company: Company, Employer, Organization
      role:    Position, Role, Job Title, Title
      contact: Contact, Recruiter, Contact Name; Phone; Email, E-mail
      applied: Date Applied, Applied, Application Date, Date
      status:  Status, Stage (Applied, Interviewing, Offer, Rejected,
               Withdrawn… become jobjournal statuses)
      also:    Notes, Comments, Source, Link, URL, Follow-up, Last Contact

    A workbook is read from its first sheet, or the one --sheet names; its
    dates are read as the dates they are. A workbook that `jobjournal export
    xlsx` wrote imports back to the same applications (its Notes sheet).

    A CSV file may be comma, semicolon or tab separated, UTF-8 with or without
    a BOM (or Windows-1252, as older Excel versions save it). Dates may be
    written 2026-11-20, 20/11/2026, 11/20/2026, 20.11.2026, Nov 20, 2026 or
    20 Nov 2026; one like 03/04/2026, which reads both ways, follows
    [import] date_order ("DMY" or "MDY") in .jobjournal.toml, and without it
    is reported, never guessed.

    Every row is reported: created, skipped (and why), or a problem that
    kept it out. A note is never overwritten and a title that exists is
    skipped, so importing the same file again changes nothing, and after
    fixing a problem it creates just what was left out.

    A file that doesn't parse cleanly (a quote opened and never closed, which
    would swallow every row after it) imports nothing: the line is named, and
    --force imports every other row. Exit status 0, or 2 when the file can't
    be read at all or doesn't parse.

    \b
    Examples:
      jobjournal export csv > jobs.csv                # a spreadsheet to import from
      jobjournal import csv jobs.csv --dry-run        # what it would create
      jobjournal import csv jobs.csv
      jobjournal export xlsx -o jobs.xlsx             # a workbook to import from
      jobjournal import xlsx jobs.xlsx --sheet Notes --dry-run

    \b
    An invite (ics), as Google Calendar, Outlook, Zoom, Teams or Calendly send
    it, becomes Interviews/SUMMARY.md (--as meeting: Meetings/SUMMARY.md):
    date in your time zone ([calendar] timezone), uid and sequence, with (the
    guests but you), recruiter (its organizer), location or the video-call
    link, company and role where the invite states them, and its text under
    `## Invite`. A guest whose address is a contact note's email is linked to
    it. The same invite sent again updates that note, and only that: a new
    time moves its date, a cancellation sets status cancelled, each with a
    Log entry; an older one (a lower SEQUENCE) changes nothing. A series
    becomes one note, at its next time from today.

    \b
    Examples:
      jobjournal import ics "Invites/Globex - final round.ics" --me you@example.com
      jobjournal import ics "Invites/Globex - final round.ics" --as meeting --dry-run
    """
    if fmt.lower() == "ics":
        from jobjournal.cli.invites import import_ics, refuse_options

        refuse_options(force=force, sheet=sheet_name)
        import_ics(ctx, today, file, as_type, me, dry_run)
        return
    if as_type is not None or me:
        raise click.BadParameter("it is for a calendar invite (import ics)",
                                 param_hint="'--as'" if as_type is not None else "'--me'")
    from jobjournal.imports.csv_import import map_columns
    from jobjournal.imports.csv_sheet import DELIMITERS, read_sheet

    fmt = fmt.lower()
    if sheet_name is not None and fmt != "xlsx":
        raise click.BadParameter("--sheet is for xlsx: a CSV file has one sheet",
                                 param_hint="'--sheet'")
    root, config = find_root(ctx)
    if fmt == "xlsx":
        from jobjournal.imports.xlsx_sheet import read_xlsx_sheet

        _import_workbook(read_xlsx_sheet(file, file.name, sheet_name), root, config, today,
                         dry_run)
        return
    sheet = read_sheet(file, file.name)
    columns = map_columns(sheet.header)
    if "company" not in columns.fields and "role" not in columns.fields:
        raise JobJournalError(f"{file.name}: no Company or Position column: its first row reads "
                              f"{', '.join(sheet.header)}")
    if sheet.broken and not force:
        first, lines = sheet.broken[0], [str(broken.line) for broken in sheet.broken]
        more = f" ({len(lines)} rows don't parse: lines {', '.join(lines)})" if lines[1:] else ""
        raise JobJournalError(
            f"{file.name}, line {first.line}: {first.reason}; nothing was imported: fix the "
            f"file, or pass --force to import every row that parses{more}")
    rows = sheet.row_count
    above = f"; the header is row {sheet.header_row}" if sheet.header_row > 1 else ""
    click.echo(f"{file.name}: {DELIMITERS[sheet.delimiter]}-separated, {sheet.encoding}, "
               f"{rows} row{'s' * (rows != 1)}{above}")
    click.echo(f"columns: {columns.describe(sheet.header)}")
    tally = _Tally(dry_run)
    for broken in sheet.broken:  # with --force: left out, the rest imported
        click.echo(f"line {broken.line}: problem: {broken.reason}")
        tally.problems += 1
    _plan_and_create(sheet, columns, root, config, today, tally)


def _import_workbook(workbook: XlsxSheet, root: Path, config: Config, today: Any,
                     dry_run: bool) -> None:
    """`import xlsx`: the workbook's sheet, as `import csv` imports a CSV file."""
    from jobjournal.imports.csv_import import map_columns

    name, sheet_name = workbook.path.name, workbook.sheet
    columns = map_columns(workbook.header)
    if "company" not in columns.fields and "role" not in columns.fields:
        raise JobJournalError(f"{name}, sheet {sheet_name}: no Company or Position column: "
                              f"its header row ({workbook.header_row}) reads "
                              f"{', '.join(workbook.header)}")
    rows = workbook.row_count
    above = f"; the header is row {workbook.header_row}" if workbook.header_row > 1 else ""
    click.echo(f"{name}: sheet {sheet_name}, {rows} row{'s' * (rows != 1)}{above}")
    click.echo(f"columns: {columns.describe(workbook.header)}")
    _plan_and_create(workbook, columns, root, config, today, _Tally(dry_run, sheet_name))


def _plan_and_create(sheet: Table, columns: Columns, root: Path, config: Config, today: Any,
                     tally: _Tally) -> None:
    """Plan every row and report it, creating its notes unless this is a dry run."""
    from jobjournal.imports.csv_import import Planner
    from jobjournal.imports.note_text import import_title
    from jobjournal.vault.scan import name_key, scan

    titles = {name_key(path.rpartition("/")[2].removesuffix(".md")): path
              for path in scan(root, config)}
    planner = Planner(sheet, columns, titles=titles, folders=config.vault.folders,
                      date_order=config.import_.date_order, make_title=import_title)
    if tally.dry_run:
        for plan in planner.plan():
            tally.report(plan)
    else:
        _create_all(planner, root, config, today, tally)
    click.echo(tally.summary())


class _Tally:
    """What the import did so far: each row's report printed as soon as it is known, and the
    counts the summary needs (a sheet of a million rows is never held whole)."""

    def __init__(self, dry_run: bool, sheet: str | None = None) -> None:
        self.dry_run, self.sheet = dry_run, sheet
        self.applications = self.contacts = self.skipped = self.problems = 0

    def report(self, plan: RowPlan) -> None:
        from jobjournal.core.model import NoteType

        for line in plan.report(dry_run=self.dry_run, sheet=self.sheet):
            click.echo(line)
        applications = sum(note.type is NoteType.APPLICATION for note in plan.creates)
        self.applications += applications
        self.contacts += len(plan.creates) - applications
        self.skipped += plan.skipped is not None
        self.problems += plan.problem is not None

    def summary(self) -> str:
        notes = self.applications + self.contacts
        made = (f"{notes} note{'s' * (notes != 1)} ({self.applications} "
                f"application{'s' * (self.applications != 1)}, {self.contacts} "
                f"contact{'s' * (self.contacts != 1)})")
        rest = (f"{self.skipped} row{'s' * (self.skipped != 1)} skipped, {self.problems} with "
                "problems")
        if self.dry_run:
            return f"Dry run: would create {made}; {rest}. Nothing was written."
        return f"Created {made}; {rest}."


def _create_all(planner: Planner, root: Path, config: Config, today: Any, tally: _Tally) -> None:
    """Write every row's notes, many at a time (see NewFiles in vault/atomic.py): a row is
    reported once its notes have their names; one that could not be written makes the rest
    of its row a problem."""
    from jobjournal.edit.new_notes import NoteMaker
    from jobjournal.imports.note_text import render_note
    from jobjournal.vault.atomic import NewFiles

    now = datetime.combine(today_from(today), datetime.now().time().replace(microsecond=0))
    maker = NoteMaker(root, config, now)
    waiting: list[tuple[RowPlan, list[int], str | None]] = []  # a plan, its tickets, a problem

    def flush(files: NewFiles) -> None:
        failed = files.flush()
        for plan, tickets, problem in waiting:
            done = []
            for note, ticket in zip(plan.creates, tickets, strict=False):
                if ticket in failed:
                    problem = problem or failed[ticket].message
                    break
                done.append(note)
            tally.report(replace(plan, creates=tuple(done), problem=problem) if problem else plan)
        waiting.clear()

    with NewFiles() as files:
        for plan in planner.plan():
            tickets: list[int] = []
            problem = None
            try:
                for note in plan.creates:
                    tickets.append(maker.add(files, note.path, render_note(maker, note)))
            except JobJournalError as exc:
                problem = exc.message
            waiting.append((plan, tickets, problem))
            if files.full:
                flush(files)
        flush(files)
