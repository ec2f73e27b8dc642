"""`jobjournal import csv` end to end on real vaults and real files: dialects, encodings, headers,
dates, bad rows, dry runs, re-imports, and a round trip through `export csv`."""

from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from jobjournal.cli.main import cli
from jobjournal.config import load_config
from jobjournal.core.model import Note
from jobjournal.imports.sheet_dates import AmbiguousDate, SheetDateError, parse_sheet_date
from jobjournal.vault.reader import load_vault

from .conftest import VaultDir

TRACKER = [
    ["Company", "Position", "Recruiter", "Phone", "Email", "Date Applied", "Status", "Notes",
     "Perks"],
    ["Acme", "Backend Engineer", "Dana Recruiter", "0612345678", "dana@acme.example",
     "2026-11-10", "Applied", "Referred by a friend", "Remote Fridays"],
    ["Globex", "SRE", "", "", "", "20/11/2026", "Interview", "", ""],
    ["Initech", "Data Engineer", "Dana Recruiter", "", "", "Nov 3, 2026", "Rejected", "", ""],
]


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",", *,
              encoding: str = "utf-8", bom: bool = False) -> Path:
    def quote(cell: str) -> str:
        if any(char in cell for char in (delimiter, '"', "\n")):
            return '"' + cell.replace('"', '""') + '"'
        return cell

    text = "\r\n".join(delimiter.join(quote(cell) for cell in row) for row in rows) + "\r\n"
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + text.encode(encoding))
    return path


def run_import(runner: CliRunner, vault: VaultDir, file: Path, *args: str) -> Result:
    return runner.invoke(cli, ["import", "csv", str(file), "--vault", str(vault.root),
                               "--today", "2026-11-26", *args])


def notes_of(vault: VaultDir) -> dict[str, Note]:
    loaded = load_vault(vault.root, load_config(vault.root))
    return {note.path: note for note in loaded.notes}


# --- dialects and encodings ---------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("bom", [False, True])
def test_each_delimiter_with_or_without_a_bom(runner: CliRunner, vault: VaultDir,
                                              tmp_path: Path, delimiter: str, bom: bool) -> None:
    rows = [*TRACKER, ["Umbrella", "Ops, Night Shift", "", "", "", "2026-11-01", "", "", ""]]
    file = write_csv(tmp_path / "tracker.csv", rows, delimiter, bom=bom)
    result = run_import(runner, vault, file)
    assert result.exit_code == 0, result.output
    name = {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]
    assert result.output.startswith(f"tracker.csv: {name}-separated, UTF-8, 4 rows\n")
    assert "row 2: created Applications/Acme - Backend Engineer.md, Contacts/Dana Recruiter.md\n" \
        in result.output
    assert "row 3: created Applications/Globex - SRE.md\n" in result.output
    assert "row 4: created Applications/Initech - Data Engineer.md\n" in result.output
    assert "Created 5 notes (4 applications, 1 contact); 0 rows skipped, 0 with problems." \
        in result.output
    notes = notes_of(vault)
    acme = notes["Applications/Acme - Backend Engineer.md"]
    assert (acme.company, acme.role, acme.applied, acme.status) == (
        "Acme", "Backend Engineer", date(2026, 11, 10), "applied")
    assert acme.contact is not None and acme.contact.name == "Dana Recruiter"
    dana = notes["Contacts/Dana Recruiter.md"]
    assert (dana.phone, dana.email, dana.company, dana.relationship) == (
        "0612345678", "dana@acme.example", "Acme", "recruiter")
    globex = notes["Applications/Globex - SRE.md"]
    assert (globex.applied, globex.status) == (date(2026, 11, 20), "interviewing")
    initech = notes["Applications/Initech - Data Engineer.md"]
    assert (initech.applied, initech.status) == (date(2026, 11, 3), "rejected")
    assert initech.contact is not None and initech.contact.name == "Dana Recruiter"
    assert notes["Applications/Umbrella - Ops, Night Shift.md"].role == "Ops, Night Shift"
    body = vault.read("Applications/Acme - Backend Engineer.md")
    assert "## Notes\n\nReferred by a friend\n\n- Perks: Remote Fridays\n" in body
    check = runner.invoke(cli, ["check", "--vault", str(vault.root), "--today", "2026-11-26"])
    assert check.exit_code == 0, check.output


def test_windows_1252_file_is_read_and_said_so(runner: CliRunner, vault: VaultDir,
                                               tmp_path: Path) -> None:
    rows = [["Company", "Role", "Date"], ["Société Générale", "Développeur", "2026-11-10"]]
    file = write_csv(tmp_path / "old.csv", rows, ";", encoding="cp1252")
    result = run_import(runner, vault, file)
    assert result.exit_code == 0, result.output
    assert "semicolon-separated, Windows-1252, 1 row" in result.output
    note = notes_of(vault)["Applications/Société Générale - Développeur.md"]
    assert note.company == "Société Générale"


def test_utf16_with_a_bom_as_excel_s_unicode_text(runner: CliRunner, vault: VaultDir,
                                                  tmp_path: Path) -> None:
    file = tmp_path / "unicode.txt"
    file.write_bytes("Company\tJob Title\nAcme\tBackend\n".encode("utf-16"))
    result = run_import(runner, vault, file)
    assert result.exit_code == 0, result.output
    assert "tab-separated, UTF-16" in result.output
    assert "Applications/Acme - Backend.md" in notes_of(vault)


# --- headers --------------------------------------------------------------------------------------


def test_odd_headers_in_odd_order(runner: CliRunner, vault: VaultDir, tmp_path: Path) -> None:
    rows = [
        ["E-mail", "  job_title ", "ORGANIZATION", "Contact Name", "application date", "Stage",
         "Comments", "Found Via", "URL", "Remote?", ""],
        ["sam@x.example", "Platform Lead", "Hooli", "Sam Lee", "2026-11-02", "Offer",
         "Line one\nLine two", "LinkedIn", "https://jobs.example/1", "yes", "stray"],
    ]
    file = write_csv(tmp_path / "odd.csv", rows)
    result = run_import(runner, vault, file)
    assert result.exit_code == 0, result.output
    assert ("columns: E-mail → email, job_title → role, ORGANIZATION → company, Contact Name → "
            "contact, application date → applied, Stage → status, Comments → notes, "
            "Found Via → source, URL → url, Remote? → note text, Column 11 → note text\n"
            ) in result.output
    notes = notes_of(vault)
    hooli = notes["Applications/Hooli - Platform Lead.md"]
    assert (hooli.status, hooli.source, hooli.applied) == ("offer", "LinkedIn", date(2026, 11, 2))
    assert hooli.url == "https://jobs.example/1"  # the posting's field, not a line of text
    sam = notes["Contacts/Sam Lee.md"]
    assert sam.email == "sam@x.example" and sam.relationship is None  # a contact, not a recruiter
    body = vault.read("Applications/Hooli - Platform Lead.md")
    assert ("## Notes\n\nLine one\nLine two\n\n- Remote?: yes\n- Column 11: stray\n") in body


def test_a_file_without_company_or_role_columns_is_refused(runner: CliRunner, vault: VaultDir,
                                                           tmp_path: Path) -> None:
    file = write_csv(tmp_path / "x.csv", [["Name", "Phone"], ["Dana", "555"]])
    result = run_import(runner, vault, file)
    assert result.exit_code == 2
    assert "no Company or Position column: its first row reads Name, Phone" in result.stderr


@pytest.mark.parametrize(("data", "message"), [
    (b"", "is empty"),
    (b"\n;;\n", "is empty"),
    (b"PK\x03\x04rest-of-a-zip", "is a workbook"),
    (b"Company,Role\nAc\x00me,x\n", "NUL bytes"),
    (b"Company,Role\n\x81\x8d\x90,x\n", "neither UTF-8 nor Windows-1252"),
])
def test_unreadable_files_exit_2(runner: CliRunner, vault: VaultDir, tmp_path: Path,
                                 data: bytes, message: str) -> None:
    file = tmp_path / "bad.csv"
    file.write_bytes(data)
    before = vault.snapshot()
    result = run_import(runner, vault, file)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output
    assert vault.snapshot() == before


def test_a_missing_file_is_a_usage_error(runner: CliRunner, vault: VaultDir,
                                         tmp_path: Path) -> None:
    result = run_import(runner, vault, tmp_path / "nope.csv")
    assert result.exit_code == 2 and "does not exist" in result.output


# --- bad rows -------------------------------------------------------------------------------------


def test_bad_rows_are_reported_and_the_rest_imported(runner: CliRunner, vault: VaultDir,
                                                      tmp_path: Path) -> None:
    rows = [
        ["Company", "Role", "Date", "Status", "Contact"],
        ["Acme", "Backend", "2026-11-10", "Applied", "Dana"],   # 2: created
        ["", "", "2026-11-10", "Applied", ""],                  # 3: no company or role
        ["Globex", "SRE", "03/04/2026", "", ""],                # 4: ambiguous date
        ["Initech", "Data", "2026-02-30", "", ""],              # 5: no such day
        ["Hooli", "Frontend", "someday", "", ""],               # 6: not a date
        ["Umbrella", "Ops", "2026-11-12", "On Hold", ""],       # 7: kept, with a warning
        ["Acme", "Backend", "2026-11-11", "", ""],              # 8: the same title again
        ["Wayne/Enterprises", "R&D [EU]", "", "", ""],          # 9: title made safe, no date
        ["Stark", "", "2026-11-13", "", "Dana"],                # 10: company only; Dana exists
        ["", "", "", "", ""],                                   # blank: silently passed over
        ["Tyrell", "AI", "2026-11-14", "", "", "extra"],        # 12: a cell past the header
    ]
    file = write_csv(tmp_path / "tracker.csv", rows)
    result = run_import(runner, vault, file)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()[2:]
    assert lines == [
        "row 2: created Applications/Acme - Backend.md, Contacts/Dana.md",
        "row 3: skipped: no company or role",
        'row 4: problem: ambiguous date 03/04/2026 — set [import] date_order = "DMY" (day '
        'first) or "MDY" (month first) in .jobjournal.toml',
        "row 5: problem: 2026-02-30 is not a valid date (day is out of range for month)",
        "row 6: problem: someday is not a date jobjournal can read (write it as 2026-11-20)",
        "row 7: created Applications/Umbrella - Ops.md",
        'row 7: warning: status "On Hold" is not a jobjournal status: kept as it is (it counts '
        "as open; jobjournal knows active, applied, completed, interviewing, offer, scheduled, "
        "waiting; closed: accepted, cancelled, closed, declined, ghosted, inactive, rejected, "
        "withdrawn)",
        "row 8: skipped: the same note as row 2 (Applications/Acme - Backend.md)",
        "row 9: created Applications/Wayne - Enterprises - R&D (EU).md",
        "row 9: warning: no application date: `applied` left empty (fill it in; `jobjournal "
        "check` reports it until then)",
        "row 10: created Applications/Stark.md",
        "row 12: created Applications/Tyrell - AI.md",
        "Created 6 notes (5 applications, 1 contact); 2 rows skipped, 3 with problems.",
    ]
    notes = notes_of(vault)
    assert notes["Applications/Umbrella - Ops.md"].status == "on hold"  # read as lower case
    assert "status: On Hold" in vault.read("Applications/Umbrella - Ops.md")
    stark = notes["Applications/Stark.md"]
    assert stark.contact is not None and stark.contact.target == "Dana"
    assert notes["Applications/Wayne - Enterprises - R&D (EU).md"].applied is None
    assert "- Column 6: extra" in vault.read("Applications/Tyrell - AI.md")


def test_rows_of_other_note_types_are_skipped(runner: CliRunner, vault: VaultDir,
                                              tmp_path: Path) -> None:
    rows = [["Type", "Company", "Role"], ["interview", "Acme", "Backend"],
            ["Application", "Globex", "SRE"], ["Full-time", "Initech", "Data"]]
    result = run_import(runner, vault, write_csv(tmp_path / "t.csv", rows))
    assert result.exit_code == 0, result.output
    assert "row 2: skipped: an interview, not an application (import creates applications; " \
        "add it with `jobjournal new interview`)" in result.output
    assert "row 3: created Applications/Globex - SRE.md" in result.output
    assert "- Type: Full-time" in vault.read("Applications/Initech - Data.md")


def test_an_existing_contact_is_linked_not_created(runner: CliRunner, vault: VaultDir,
                                                   tmp_path: Path) -> None:
    vault.write("People/dana recruiter.md", "---\ntype: contact\n---\n")
    rows = [["Company", "Role", "Recruiter", "Phone"], ["Acme", "Backend", "Dana Recruiter", "1"]]
    result = run_import(runner, vault, write_csv(tmp_path / "t.csv", rows))
    assert "row 2: created Applications/Acme - Backend.md\n" in result.output
    assert not (vault.root / "Contacts").exists()
    assert 'contact: "[[dana recruiter]]"' in vault.read("Applications/Acme - Backend.md")


# --- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "2026-11-20", "2026/11/20", "20/11/2026", "11/20/2026", "20.11.2026", "20-11-2026",
    "Nov 20, 2026", "November 20 2026", "20 Nov 2026", "20 November 2026", "20-Nov-26",
    "Fri, Nov 20, 2026", "11/20/2026 10:30", "2026-11-20T10:00", "20/11/26", "nov. 20th, 2026",
])
def test_spreadsheet_date_forms(text: str) -> None:
    assert parse_sheet_date(text) == date(2026, 11, 20)


def test_ambiguous_dates_follow_the_configured_order_never_a_guess() -> None:
    with pytest.raises(AmbiguousDate):
        parse_sheet_date("03/04/2026")
    assert parse_sheet_date("03/04/2026", "DMY") == date(2026, 4, 3)
    assert parse_sheet_date("03.04.2026", "MDY") == date(2026, 3, 4)
    assert parse_sheet_date("04/04/2026") == date(2026, 4, 4)  # the same either way
    with pytest.raises(SheetDateError, match="not a date in month/day/year order"):
        parse_sheet_date("20/11/2026", "MDY")
    assert parse_sheet_date("Nov 3, 2026", "DMY") == date(2026, 11, 3)  # names are never numeric


@pytest.mark.parametrize(("order", "expected"), [
    ("DMY", date(2026, 4, 3)), ("mdy", date(2026, 3, 4)),
])
def test_ambiguous_date_with_and_without_date_order(runner: CliRunner, vault: VaultDir,
                                                    tmp_path: Path, order: str,
                                                    expected: date) -> None:
    file = write_csv(tmp_path / "t.csv", [["Company", "Role", "Applied"], ["Acme", "SRE",
                                                                           "03/04/2026"]])
    without = run_import(runner, vault, file)
    assert without.exit_code == 0
    assert "row 2: problem: ambiguous date 03/04/2026 — set [import] date_order" in without.output
    assert not (vault.root / "Applications").exists()
    vault.config(f'[import]\ndate_order = "{order}"\n')
    with_order = run_import(runner, vault, file)
    assert with_order.exit_code == 0, with_order.output
    assert notes_of(vault)["Applications/Acme - SRE.md"].applied == expected


def test_a_bad_date_order_is_a_config_error(runner: CliRunner, vault: VaultDir,
                                            tmp_path: Path) -> None:
    vault.config('[import]\ndate_order = "YMD"\n')
    file = write_csv(tmp_path / "t.csv", [["Company"], ["Acme"]])
    result = run_import(runner, vault, file)
    assert result.exit_code == 2
    assert "[import] date_order must be" in result.stderr


# --- dry run, re-import, round trip -----------------------------------------------------------


def test_dry_run_writes_nothing(runner: CliRunner, vault: VaultDir, tmp_path: Path) -> None:
    file = write_csv(tmp_path / "tracker.csv", TRACKER)
    before = vault.snapshot()
    result = run_import(runner, vault, file, "--dry-run")
    assert result.exit_code == 0, result.output
    assert vault.snapshot() == before
    assert "row 2: would create Applications/Acme - Backend Engineer.md, " \
        "Contacts/Dana Recruiter.md\n" in result.output
    assert result.output.endswith("Dry run: would create 4 notes (3 applications, 1 contact); "
                                  "0 rows skipped, 0 with problems. Nothing was written.\n")
    # and the real import does what the dry run said
    real = run_import(runner, vault, file)
    assert real.output.replace("created", "would create").splitlines()[2:-1] == \
        result.output.splitlines()[2:-1]


def test_reimporting_the_same_file_changes_nothing(runner: CliRunner, vault: VaultDir,
                                                   tmp_path: Path) -> None:
    file = write_csv(tmp_path / "tracker.csv", TRACKER)
    assert run_import(runner, vault, file).exit_code == 0
    after_first = vault.snapshot()
    again = run_import(runner, vault, file)
    assert again.exit_code == 0
    assert vault.snapshot() == after_first
    assert "row 2: skipped: Applications/Acme - Backend Engineer.md exists" in again.output
    assert "Created 0 notes" in again.output


def test_import_uses_the_vault_s_templates(runner: CliRunner, tmp_path: Path) -> None:
    root = tmp_path / "hunt"
    assert runner.invoke(cli, ["init", str(root), "--no-examples"]).exit_code == 0
    file = write_csv(tmp_path / "t.csv", TRACKER)
    result = runner.invoke(cli, ["import", "csv", str(file), "--vault", str(root),
                                 "--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
    text = (root / "Applications" / "Acme - Backend Engineer.md").read_text(encoding="utf-8")
    assert text.startswith("---\ntype: application\nstatus: applied\ncompany: Acme\n"
                           "role: Backend Engineer\napplied: 2026-11-10\nsource:\n"
                           'contact: "[[Dana Recruiter]]"\n')
    assert "%% Acme - Backend Engineer, added 2026-11-26." in text
    assert "## Notes\n\nReferred by a friend\n\n- Perks: Remote Fridays\n\n## Log\n" in text
    contact = (root / "Contacts" / "Dana Recruiter.md").read_text(encoding="utf-8")
    assert 'phone: "0612345678"\nemail: dana@acme.example\n' in contact
    check = runner.invoke(cli, ["check", "--vault", str(root), "--today", "2026-11-26"])
    assert check.exit_code == 0, check.output


def test_round_trip_export_csv_then_import(runner: CliRunner, vault: VaultDir,
                                           tmp_path: Path) -> None:
    apps = {
        "Acme - Backend": ("Acme", "Backend Engineer", "applied", '"[[Dana Recruiter]]"'),
        "Globex - SRE": ("Globex", "SRE, Nights", "interviewing", "Sam Lee"),
        "Initech - Data": ("Initech", "Data Engineer", "rejected", ""),
        "Hooli": ("Hooli", "Frontend", "offer", ""),
    }
    for title, (company, role, status, contact) in apps.items():
        vault.write(f"Applications/{title}.md",
                    f'---\ntype: application\ncompany: {company}\nrole: "{role}"\n'
                    f"applied: 2026-11-1{len(title) % 10}\nstatus: {status}\n"
                    f"contact: {contact}\nlocation: {company} HQ\n"
                    f"url: https://{company.lower()}.example/jobs\nsalary: 90k-100k\n---\n")
    vault.write("Contacts/Dana Recruiter.md", "---\ntype: contact\ncompany: Acme\n---\n")
    exported = runner.invoke(cli, ["export", "csv", "--vault", str(vault.root), "--today",
                                   "2026-11-26"])
    assert exported.exit_code == 0
    file = tmp_path / "export.csv"
    file.write_bytes(exported.stdout_bytes)
    (tmp_path / "empty").mkdir()
    empty = VaultDir(tmp_path / "empty")
    imported = run_import(runner, empty, file)
    assert imported.exit_code == 0, imported.output
    assert "columns: type → type, title → title, company → company, role → role" \
        in imported.output
    assert "next_action → not imported (computed)" in imported.output

    def applications(notes: dict[str, Note]) -> set[tuple[str | None, ...]]:
        return {(n.title, n.company, n.role, n.status, str(n.applied),
                 n.contact.name if n.contact else None, n.location, n.url, n.salary)
                for n in notes.values() if n.type is not None and n.type.value == "application"}

    assert applications(notes_of(empty)) == applications(notes_of(vault))
    assert "Contacts/Dana Recruiter.md" in notes_of(empty)
    assert "row 6: skipped: a contact, not an application" in imported.output


def test_location_and_salary_columns_fill_their_fields(runner: CliRunner, vault: VaultDir,
                                                       tmp_path: Path) -> None:
    file = write_csv(tmp_path / "t.csv", [["Company", "Role", "City", "Salary Range", "Job Link"],
                                          ["Acme", "Backend", "Berlin", "70000", "acme.example"]])
    result = run_import(runner, vault, file)
    assert "City → location, Salary Range → salary, Job Link → url\n" in result.output
    acme = notes_of(vault)["Applications/Acme - Backend.md"]
    assert (acme.location, acme.salary, acme.url) == ("Berlin", "70000", "acme.example")
    assert 'salary: "70000"' in vault.read("Applications/Acme - Backend.md")  # text, as written


def test_a_title_column_alone_is_the_role(runner: CliRunner, vault: VaultDir,
                                          tmp_path: Path) -> None:
    file = write_csv(tmp_path / "t.csv", [["Employer", "Title"], ["Acme", "Backend"]])
    result = run_import(runner, vault, file)
    assert "columns: Employer → company, Title → role\n" in result.output
    assert notes_of(vault)["Applications/Acme - Backend.md"].role == "Backend"


def test_a_note_hidden_from_the_scan_is_still_never_overwritten(
    runner: CliRunner, vault: VaultDir, tmp_path: Path
) -> None:
    vault.config('[vault]\nignore = ["Applications/"]\n')
    mine = vault.write("Applications/ACME - Backend.md", "my own words\n")
    file = write_csv(tmp_path / "t.csv", [["Company", "Role", "Recruiter"],
                                          ["Acme", "Backend", "Dana"]])
    result = run_import(runner, vault, file)
    assert result.exit_code == 0, result.output
    assert "row 2: problem: Applications/ACME - Backend.md already exists: jobjournal never " \
        "overwrites a note" in result.output
    assert mine.read_text(encoding="utf-8") == "my own words\n"
    assert not (vault.root / "Contacts").exists()  # the row is left out whole


def test_a_template_in_crlf_without_a_notes_heading(runner: CliRunner, vault: VaultDir,
                                                    tmp_path: Path) -> None:
    vault.write_bytes("Templates/application.md",
                      b"---\r\ntype: application\r\nstatus: applied\r\napplied:\r\n---\r\n"
                      b"Added {{date}}.\r\n")
    file = write_csv(tmp_path / "t.csv", [["Company", "Role", "Perks"], ["Acme", "SRE", "1"]])
    assert run_import(runner, vault, file).exit_code == 0
    data = (vault.root / "Applications" / "Acme - SRE.md").read_bytes()
    assert data == (b"---\r\ntype: application\r\nstatus: applied\r\napplied:\r\n"
                    b"company: Acme\r\nrole: SRE\r\n---\r\nAdded 2026-11-26.\r\n\r\n"
                    b"## Notes\r\n\r\n- Perks: 1\r\n")


@pytest.mark.parametrize(("raw", "title"), [
    ("Acme - Backend", "Acme - Backend"),
    ("Acme/Globex - Sr. Engineer", "Acme - Globex - Sr. Engineer"),
    ("R&D [EU] #1", "R&D (EU) 1"),
    ('"Quoted" | piped', "'Quoted' - piped"),
    ("  ../../etc/passwd ", "etc - passwd"),
    ("Line\nbreak\ttab", "Line break tab"),
])
def test_import_titles_are_made_safe(raw: str, title: str) -> None:
    from jobjournal.imports.note_text import import_title

    assert import_title(raw) == title


@pytest.mark.parametrize("raw", ["", "//", "CON", "x" * 300])
def test_import_titles_that_cannot_be_made(raw: str) -> None:
    from jobjournal.imports.note_text import import_title

    with pytest.raises(ValueError):
        import_title(raw)


def test_a_title_above_the_header_row_is_passed_over(runner: CliRunner, vault: VaultDir,
                                                     tmp_path: Path) -> None:
    rows = [["My job search 2026", "", ""], ["", "", ""], ["Company", "Role", "Applied"],
            ["Acme", "SRE", "2026-11-02"]]
    result = run_import(runner, vault, write_csv(tmp_path / "t.csv", rows, ";"))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("t.csv: semicolon-separated, UTF-8, 1 row; the header is "
                                    "row 3\n")
    assert "row 4: created Applications/Acme - SRE.md" in result.output


def test_a_title_differing_only_in_unicode_normalisation_is_the_same_note(
    runner: CliRunner, vault: VaultDir, tmp_path: Path
) -> None:
    vault.write("Applications/Cafe\u0301 - SRE.md", "---\ntype: application\n---\n")
    file = write_csv(tmp_path / "t.csv", [["Company", "Role"], ["Caf\u00e9", "SRE"],
                                          ["CAFE\u0301", "sre"]])
    result = run_import(runner, vault, file)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2:] == [
        "row 2: skipped: Applications/Cafe\u0301 - SRE.md exists",
        "row 3: skipped: Applications/Cafe\u0301 - SRE.md exists",
        "Created 0 notes (0 applications, 0 contacts); 2 rows skipped, 0 with problems.",
    ]


# --- a file that doesn't parse cleanly ------------------------------------------------------------


def _sheet_with(tmp_path: Path, broken: str) -> Path:
    """Five rows; the third as given; the fifth with a cell over two lines, as it should be."""
    file = tmp_path / "tracker.csv"
    file.write_text(
        "Company,Role,Date,Notes\r\n"
        "Acme,Backend,2026-11-10,fine\r\n"
        f"{broken}\r\n"
        "Initech,Data,2026-11-12,\r\n"
        'Hooli,Frontend,2026-11-13,"line one\r\nline two"\r\n',
        encoding="utf-8", newline="")
    return file


@pytest.mark.parametrize(("broken", "reason"), [
    ('Globex,SRE,2026-11-11,"forgot to close',  # the quote before "line one" ends it
     "a quoted cell opened on this line runs on to line 5, where a quote ends it in the middle "
     "of a cell: a quote is missing or one too many"),
    ('Globex,"SRE" (night),2026-11-11,',
     'a quote in the middle of a cell (inside a quoted cell, write a quote as two: "")'),
])
def test_a_row_that_does_not_parse_imports_nothing_unless_forced(
    runner: CliRunner, vault: VaultDir, tmp_path: Path, broken: str, reason: str
) -> None:
    """A stray quote must not swallow the rows after it into one note while the report says
    all went well: the file is refused, naming the line; --force imports every other row."""
    file = _sheet_with(tmp_path, broken)
    before = vault.snapshot()
    for args in ((), ("--dry-run",)):
        result = run_import(runner, vault, file, *args)
        assert result.exit_code == 2, result.output
        assert result.stderr == (
            f"jobjournal: error: tracker.csv, line 3: {reason}; nothing was imported: fix the "
            "file, or pass --force to import every row that parses\n")
        assert result.stdout == ""
        assert vault.snapshot() == before
    forced = run_import(runner, vault, file, "--force")
    assert forced.exit_code == 0, forced.output
    assert forced.output.splitlines()[2:] == [
        f"line 3: problem: {reason}",
        "row 2: created Applications/Acme - Backend.md",
        "row 4: created Applications/Initech - Data.md",
        "row 5: created Applications/Hooli - Frontend.md",
        "Created 3 notes (3 applications, 0 contacts); 0 rows skipped, 1 with problems.",
    ]
    assert "- line one\n" not in vault.read("Applications/Hooli - Frontend.md")
    assert "line one\nline two" in vault.read("Applications/Hooli - Frontend.md")
    assert "Globex" not in "".join(vault.snapshot())


def test_a_quote_never_closed_is_named(runner: CliRunner, vault: VaultDir, tmp_path: Path) -> None:
    file = tmp_path / "t.csv"
    file.write_text('Company,Role,Applied,Notes\nAcme,SRE,2026-11-02,"open\n'
                    "Globex,SRE,2026-11-03,\nHooli,SRE,2026-11-04,\n", encoding="utf-8")
    result = run_import(runner, vault, file)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "jobjournal: error: t.csv, line 2: a quoted cell opened on this line is never closed, so "
        "every line after it would be read into that one cell; nothing was imported")
    forced = run_import(runner, vault, file, "--force")
    assert forced.exit_code == 0, forced.output
    assert forced.output.splitlines()[2:] == [
        "line 2: problem: a quoted cell opened on this line is never closed, so every line "
        "after it would be read into that one cell",
        "row 3: created Applications/Globex - SRE.md",
        "row 4: created Applications/Hooli - SRE.md",
        "Created 2 notes (2 applications, 0 contacts); 0 rows skipped, 1 with problems.",
    ]


def test_every_row_that_does_not_parse_is_named(runner: CliRunner, vault: VaultDir,
                                                tmp_path: Path) -> None:
    file = tmp_path / "t.csv"
    file.write_text('Company,Role\nAcme,"x"y\nGlobex,SRE\nHooli,"a"b\nInitech,Data\n',
                    encoding="utf-8")
    result = run_import(runner, vault, file)
    assert result.exit_code == 2
    assert result.stderr.endswith("(2 rows don't parse: lines 2, 4)\n")
    forced = run_import(runner, vault, file, "--force")
    assert forced.exit_code == 0, forced.output
    assert forced.output.endswith("Created 2 notes (2 applications, 0 contacts); 0 rows skipped, "
                                  "2 with problems.\n")


def test_the_folder_is_listed_once_and_no_temp_file_is_left(
    runner: CliRunner, vault: VaultDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big import costs one listing per folder, not one per note (the listing of a folder
    of thousands of notes, for each note, made an import of 20,000 rows take many minutes)."""
    import os

    rows = [["Company", "Role", "Contact"]] + [[f"Acme {n}", "SRE", f"Dana {n % 7}"]
                                               for n in range(600)]
    file = write_csv(tmp_path / "big.csv", rows)
    listed: list[str] = []
    real_listdir = os.listdir

    def listdir(path: Any = ".") -> list[str]:
        listed.append(os.fspath(path))
        return real_listdir(path)

    monkeypatch.setattr(os, "listdir", listdir)
    result = run_import(runner, vault, file)
    assert result.exit_code == 0, result.output
    assert result.output.endswith("Created 607 notes (600 applications, 7 contacts); 0 rows "
                                  "skipped, 0 with problems.\n")
    assert sorted(Path(path).name for path in listed) == ["Applications", "Contacts"]
    assert len(os.listdir(vault.root / "Applications")) == 600
    assert [p.name for p in vault.root.rglob(".*")] == [".jobjournal.toml"]  # no temp file
