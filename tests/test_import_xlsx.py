"""`jobjournal import xlsx` end to end on real workbooks (written with openpyxl, and by
`export xlsx`): the first sheet or the one named, real dates, bad rows named by sheet and row,
dry runs, and the round trip through `export xlsx`."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from openpyxl import Workbook

from jobjournal.cli.main import cli
from jobjournal.config import load_config
from jobjournal.core.model import Note
from jobjournal.imports.xlsx_sheet import sheet_cell
from jobjournal.vault.reader import load_vault

from .conftest import VaultDir

HEADER = ["Company", "Position", "Recruiter", "Phone", "Email", "Date Applied", "Status",
          "Notes", "Candidates"]


def write_book(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def run_import(runner: CliRunner, vault: VaultDir, file: Path, *args: str) -> Result:
    return runner.invoke(cli, ["import", "xlsx", str(file), "--vault", str(vault.root),
                               "--today", "2026-11-26", *args])


def notes_of(root: Path) -> dict[str, Note]:
    return {note.path: note for note in load_vault(root, load_config(root)).notes}


TRACKER = [
    ["My job hunt, autumn 2026"],  # a title above the header is passed over
    [],
    HEADER,
    ["Acme", "Backend Engineer", "Dana Recruiter", 612345678, "dana@acme.example",
     datetime(2026, 11, 10), "Applied", "Referred by a friend", 5],
    ["Globex", "SRE", None, None, None, date(2026, 3, 4), "Interview", None, None],
    [],
    ["Initech", "Data Engineer", None, "+1 555 0100", None, "03/04/2026", "Rejected", None, None],
    ["Hooli", "Frontend", None, None, None, "someday", "Applied", None, None],
]


def test_a_workbook_imports_with_real_dates_as_dates(runner: CliRunner, vault: VaultDir,
                                                     tmp_path: Path) -> None:
    file = write_book(tmp_path / "tracker.xlsx", {"Tracker": TRACKER})
    result = run_import(runner, vault, file)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "tracker.xlsx: sheet Tracker, 4 rows; the header is row 3"
    assert lines[1].startswith("columns: Company → company, Position → role, Recruiter → "
                               "contact, Phone → phone, Email → email, Date Applied → applied")
    notes = notes_of(vault.root)
    acme = notes["Applications/Acme - Backend Engineer.md"]
    assert (acme.applied, acme.status, acme.company) == (date(2026, 11, 10), "applied", "Acme")
    # a real date is never read day-first or month-first: 4 March, as the cell says
    assert notes["Applications/Globex - SRE.md"].applied == date(2026, 3, 4)
    assert "- Candidates: 5" in vault.read("Applications/Acme - Backend Engineer.md")
    assert 'phone: "612345678"' in vault.read("Contacts/Dana Recruiter.md")
    # the rows that can't be imported are named by sheet and row; the others are created
    assert ("sheet Tracker, row 7: problem: ambiguous date 03/04/2026 — set [import] "
            'date_order = "DMY" (day first) or "MDY" (month first) in .jobjournal.toml'
            in lines)
    assert ("sheet Tracker, row 8: problem: someday is not a date jobjournal can read (write "
            "it as 2026-11-20)") in lines
    assert "Applications/Initech - Data Engineer.md" not in notes
    assert lines[-1] == ("Created 3 notes (2 applications, 1 contact); 0 rows skipped, 2 with "
                         "problems.")


def test_the_first_sheet_by_default_or_the_one_named(runner: CliRunner, vault: VaultDir,
                                                     tmp_path: Path) -> None:
    file = write_book(tmp_path / "book.xlsx", {
        "2026": [["Company", "Role"], ["Acme", "Backend"]],
        "2025": [["Employer", "Title"], ["Globex", "SRE"]],
    })
    first = run_import(runner, vault, file, "--dry-run")
    assert first.exit_code == 0, first.output
    assert "sheet 2026, row 2: would create Applications/Acme - Backend.md" in first.output
    named = run_import(runner, vault, file, "--sheet", "2025")
    assert named.exit_code == 0, named.output
    assert named.output.startswith("book.xlsx: sheet 2025, 1 row\n")
    assert list(notes_of(vault.root)) == ["Applications/Globex - SRE.md"]


def test_a_missing_sheet_is_refused_naming_the_sheets(runner: CliRunner, vault: VaultDir,
                                                      tmp_path: Path) -> None:
    file = write_book(tmp_path / "book.xlsx", {"Jobs": [["Company"], ["Acme"]], "Old": [[]]})
    result = run_import(runner, vault, file, "--sheet", "jobs")
    assert result.exit_code == 2
    assert result.stderr == ("jobjournal: error: book.xlsx has no sheet 'jobs': its sheets are "
                             "Jobs, Old (--sheet takes one of these names)\n")
    empty = run_import(runner, vault, file, "--sheet", "Old")
    assert empty.exit_code == 2
    assert "book.xlsx, sheet Old: the sheet is empty: no header row (other sheets: Jobs" \
        in empty.stderr


def test_dry_run_writes_nothing_and_says_what_the_import_does(
    runner: CliRunner, vault: VaultDir, tmp_path: Path
) -> None:
    file = write_book(tmp_path / "tracker.xlsx", {"Tracker": TRACKER})
    before = vault.snapshot()
    dry = run_import(runner, vault, file, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert vault.snapshot() == before
    assert dry.output.endswith("Dry run: would create 3 notes (2 applications, 1 contact); "
                               "0 rows skipped, 2 with problems. Nothing was written.\n")
    real = run_import(runner, vault, file)
    assert real.output.replace("created", "would create").splitlines()[2:-1] == \
        dry.output.splitlines()[2:-1]
    again = run_import(runner, vault, file)  # never overwrites: nothing more to do
    assert "sheet Tracker, row 4: skipped: Applications/Acme - Backend Engineer.md exists" \
        in again.output


def test_what_is_not_a_workbook_is_refused_in_one_line(runner: CliRunner, vault: VaultDir,
                                                       tmp_path: Path) -> None:
    fake = tmp_path / "jobs.xlsx"
    fake.write_text("Company,Role\nAcme,Backend\n", encoding="utf-8")
    result = run_import(runner, vault, fake)
    assert result.exit_code == 2
    assert result.stderr.startswith("jobjournal: error: jobs.xlsx is not an Excel workbook")
    assert "use `jobjournal import csv`" in result.stderr and result.stderr.count("\n") == 1
    csv_file = tmp_path / "jobs.csv"
    csv_file.write_text("Company,Role\nAcme,Backend\n", encoding="utf-8")
    sheet = runner.invoke(cli, ["import", "csv", str(csv_file), "--sheet", "x", "--vault",
                                str(vault.root)])
    assert sheet.exit_code == 2 and "--sheet is for xlsx" in sheet.stderr
    no_job = run_import(runner, vault, write_book(tmp_path / "b.xlsx", {"S": [["Name"], ["x"]]}))
    assert no_job.exit_code == 2
    assert "b.xlsx, sheet S: no Company or Position column" in no_job.stderr
    assert notes_of(vault.root) == {}


def test_a_sheet_whose_stated_size_is_wrong_is_read_whole(runner: CliRunner, vault: VaultDir,
                                                          tmp_path: Path) -> None:
    """Some programs write a sheet's size as "A1" whatever it holds; read as it says, the sheet
    would be its first cell alone."""
    right = write_book(tmp_path / "right.xlsx", {"S": [["Company", "Role"], ["Acme", "Backend"],
                                                       ["Globex", "SRE"]]})
    wrong = tmp_path / "wrong.xlsx"
    with zipfile.ZipFile(right) as source, zipfile.ZipFile(wrong, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data, count = re.subn(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1"/>',
                                      data)
                assert count == 1
            target.writestr(item, data)
    result = run_import(runner, vault, wrong)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("wrong.xlsx: sheet S, 2 rows\ncolumns: Company → company, "
                                    "Role → role\n")
    assert sorted(notes_of(vault.root)) == ["Applications/Acme - Backend.md",
                                            "Applications/Globex - SRE.md"]


def test_cells_read_as_the_text_a_csv_would_hold() -> None:
    assert sheet_cell(datetime(2026, 11, 20)) == "2026-11-20"
    assert sheet_cell(datetime(2026, 11, 20, 9, 30)) == "2026-11-20 09:30"
    assert sheet_cell(date(2026, 11, 20)) == "2026-11-20"
    assert (sheet_cell(5.0), sheet_cell(2.5), sheet_cell(7)) == ("5", "2.5", "7")
    assert (sheet_cell(None), sheet_cell(True)) == ("", "TRUE")
    assert sheet_cell("  '=1+1 ") == "=1+1"  # as export csv neutralised it
    assert sheet_cell("'quoted") == "'quoted"


def test_round_trip_export_xlsx_then_import(runner: CliRunner, vault: VaultDir,
                                            tmp_path: Path) -> None:
    apps = {
        "Acme - Backend": ("Acme", "Backend Engineer", "applied", '"[[Dana Recruiter]]"'),
        "Globex - SRE": ("Globex", "SRE, Nights", "interviewing", "Sam Lee"),
        "Initech - Data": ("Initech", "Data Engineer", "rejected", ""),
        "Hooli": ("Hooli", "Frontend", "offer", ""),
        "Formula": ("=1+1", "@SUM(A1)", "applied", ""),
    }
    for n, (title, (company, role, status, contact)) in enumerate(apps.items()):
        vault.write(f"Applications/{title}.md",
                    f'---\ntype: application\ncompany: "{company}"\nrole: "{role}"\n'
                    f"applied: 2026-11-1{n}\nstatus: {status}\ncontact: {contact}\n"
                    f"location: {title.split()[0]} HQ\nurl: https://{n}.example/jobs\n"
                    f"salary: 90k-100k\nfollow_up: 2026-12-0{n + 1}\n---\n")
    vault.write("Contacts/Dana Recruiter.md", '---\ntype: contact\ncompany: Acme\n'
                'phone: "+1 555 0100"\nemail: dana@acme.example\n---\n')
    vault.write("Interviews/Acme - Onsite.md", "---\ntype: interview\ncompany: Acme\n"
                "date: 2026-12-01T10:00\nstatus: scheduled\n---\n")
    out = tmp_path / "export.xlsx"
    exported = runner.invoke(cli, ["export", "xlsx", "-o", str(out), "--vault", str(vault.root),
                                   "--today", "2026-11-26"])
    assert exported.exit_code == 0, exported.output
    (tmp_path / "empty").mkdir()
    empty = VaultDir(tmp_path / "empty")
    imported = run_import(runner, empty, out)
    assert imported.exit_code == 0, imported.output
    assert "Next action → not imported (computed), Due → not imported (computed)" \
        in imported.output
    assert "sheet Notes, row" in imported.output and "with problems" in imported.output

    def applications(root: Path) -> set[tuple[object, ...]]:
        return {(n.title, n.company, n.role, n.status, n.applied, n.follow_up,
                 n.contact.name if n.contact else None, n.location, n.url, n.salary)
                for n in notes_of(root).values()
                if n.type is not None and n.type.value == "application"}

    assert applications(empty.root) == applications(vault.root)
    assert len(applications(empty.root)) == len(apps)
    dana = notes_of(empty.root)["Contacts/Dana Recruiter.md"]
    assert (dana.phone, dana.email) == ("+1 555 0100", "dana@acme.example")
    assert "Interviews/Acme - Onsite.md" not in notes_of(empty.root)  # only applications
    check = runner.invoke(cli, ["check", "--vault", str(empty.root), "--today", "2026-11-26"])
    assert check.exit_code == 0, check.output
