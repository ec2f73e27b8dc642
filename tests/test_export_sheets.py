"""The spreadsheets as a user opens them: a csv Excel reads by double-click (a byte-order mark,
formulas neutralised) and an xlsx that reads and prints well, each read back with the real
library (csv, openpyxl) and, when LibreOffice is installed, printed to PDF by it."""

from __future__ import annotations

import codecs
import csv
import io
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from jobjournal.cli.main import cli
from jobjournal.exports.csv_export import csv_cell, render_csv
from jobjournal.exports.table import NOTE_COLUMNS
from jobjournal.exports.xlsx import AGENDA_LAYOUT, NOTE_LAYOUT, OVERDUE_FILL, note_url

from .conftest import VaultDir

NOTES = {
    "Applications/Acme - Backend.md": """\
        ---
        type: application
        company: Acme — Berlin
        role: Backend Engineer
        applied: 2026-11-10
        status: applied
        contact: "[[Dana Recruiter]]"
        ---
        """,
    "Contacts/Dana Recruiter.md": """\
        ---
        type: contact
        company: Acme
        phone: "+1 555 0100"
        email: dana@acme.example
        ---
        """,
    "Applications/Formula.md": """\
        ---
        type: application
        company: "=HYPERLINK(\\"http://evil.example\\",\\"click\\")"
        role: "@SUM(A1)"
        location: "-2+3"
        salary: "+100k"
        applied: 2026-11-25
        ---
        """,
    "Interviews/Umbrella - SRE.md": """\
        ---
        type: interview
        company: Umbrella
        role: Site Reliability Engineer
        date: 2026-11-20T16:00
        status: scheduled
        recruiter: "[[Dana Recruiter]]"
        ---
        """,
    "Interviews/Initech - Data.md": """\
        ---
        type: interview
        company: Initech
        role: Data Engineer
        date: 2026-11-10T11:00
        decision_date: 2026-11-17
        candidates: 5
        status: completed
        ---
        """,
}


@pytest.fixture
def full(vault: VaultDir) -> VaultDir:
    for path, text in NOTES.items():
        vault.write(path, text)
    return vault


def run(runner: CliRunner, vault: VaultDir, *args: str, today: str = "2026-11-26") -> Result:
    return runner.invoke(cli, ["export", *args, "--vault", str(vault.root), "--today", today])


def csv_rows(data: bytes) -> dict[str, dict[str, str]]:
    rows = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    return {row["path"]: row for row in rows}


# --- csv ------------------------------------------------------------------------------------------


def test_csv_starts_with_a_bom_and_no_bom_leaves_it_out(runner: CliRunner,
                                                        full: VaultDir) -> None:
    with_bom = run(runner, full, "csv")
    assert with_bom.exit_code == 0, with_bom.output
    assert with_bom.stdout_bytes.startswith(codecs.BOM_UTF8 + b"type,title,")
    assert with_bom.stdout_bytes.count(codecs.BOM_UTF8) == 1
    without = run(runner, full, "csv", "--no-bom")
    assert without.exit_code == 0
    assert without.stdout_bytes.startswith(b"type,title,")
    assert with_bom.stdout_bytes == codecs.BOM_UTF8 + without.stdout_bytes
    # the dash is UTF-8, which the BOM tells Excel
    assert "Acme — Berlin".encode() in without.stdout_bytes


def test_csv_to_a_file_has_the_bom_too(runner: CliRunner, full: VaultDir,
                                       tmp_path: Path) -> None:
    out = tmp_path / "jobs.csv"
    assert run(runner, full, "csv", "-o", str(out)).exit_code == 0
    assert out.read_bytes().startswith(codecs.BOM_UTF8)
    assert run(runner, full, "csv", "--no-bom", "-o", str(out)).exit_code == 0
    assert out.read_bytes().startswith(b"type,")


def test_no_bom_is_only_for_csv(runner: CliRunner, full: VaultDir, tmp_path: Path) -> None:
    result = run(runner, full, "xlsx", "--no-bom", "-o", str(tmp_path / "jobs.xlsx"))
    assert result.exit_code == 2
    assert "--no-bom is for csv" in result.stderr
    assert not (tmp_path / "jobs.xlsx").exists()


def test_csv_neutralises_every_formula_start_and_keeps_numbers_and_dates(
    runner: CliRunner, full: VaultDir
) -> None:
    rows = csv_rows(run(runner, full, "csv").stdout_bytes)
    formula = rows["Applications/Formula.md"]
    assert formula["company"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert formula["role"] == "'@SUM(A1)"
    assert formula["location"] == "'-2+3"
    assert formula["salary"] == "'+100k"
    assert formula["applied"] == "2026-11-25"  # a date stays a date
    acme = rows["Applications/Acme - Backend.md"]
    assert acme["phone"] == "'+1 555 0100"  # a phone number is text
    assert acme["company"] == "Acme — Berlin" and acme["email"] == "dana@acme.example"
    initech = rows["Interviews/Initech - Data.md"]
    assert (initech["candidates"], initech["date"]) == ("5", "2026-11-10 11:00")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_each_formula_start_gets_a_quote(start: str) -> None:
    assert csv_cell(f"{start}1+1") == f"'{start}1+1"
    assert csv_cell(f"a{start}1") == f"a{start}1"  # only at the start


def test_numbers_and_dates_are_never_quoted() -> None:
    assert csv_cell(-5) == "-5"
    assert csv_cell(date(2026, 11, 20)) == "2026-11-20"
    assert csv_cell(datetime(2026, 11, 20, 9, 30)) == "2026-11-20 09:30"
    assert csv_cell(None) == ""
    data = render_csv(("a", "b", "c"), [("=x", -1, "\r\nnext")], bom=False)
    assert list(csv.reader(io.StringIO(data.decode(), newline=""))) == [
        ["a", "b", "c"], ["'=x", "-1", "'\r\nnext"]]


def test_csv_export_imports_back_without_the_quotes(runner: CliRunner, full: VaultDir,
                                                    tmp_path: Path) -> None:
    file = tmp_path / "jobs.csv"
    assert run(runner, full, "csv", "-o", str(file)).exit_code == 0
    empty = tmp_path / "empty"
    assert runner.invoke(cli, ["init", str(empty), "--no-examples"]).exit_code == 0
    result = runner.invoke(cli, ["import", "csv", str(file), "--vault", str(empty),
                                 "--today", "2026-11-26"])
    assert result.exit_code == 0, result.output
    contact = (empty / "Contacts" / "Dana Recruiter.md").read_text(encoding="utf-8")
    assert 'phone: "+1 555 0100"' in contact
    formula = next((empty / "Applications").glob("Formula*.md")).read_text(encoding="utf-8")
    assert "role: \"@SUM(A1)\"" in formula or "role: '@SUM(A1)'" in formula
    assert "'@" not in formula.replace("'@SUM(A1)'", "")


def test_header_is_unchanged_for_scripts(runner: CliRunner, full: VaultDir) -> None:
    data = run(runner, full, "csv", "--no-bom").stdout_bytes
    assert data.startswith((",".join(NOTE_COLUMNS) + "\r\n").encode())


# --- xlsx -----------------------------------------------------------------------------------------


@pytest.fixture
def book(runner: CliRunner, full: VaultDir, tmp_path: Path) -> Any:
    out = tmp_path / "jobs.xlsx"
    result = run(runner, full, "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.output
    return load_workbook(out)


def by_title(sheet: Any) -> dict[str, dict[str, Any]]:
    """The Notes sheet's rows by title, each as {header: cell}."""
    header = [cell.value for cell in sheet[1]]
    return {row[0].value: dict(zip(header, row, strict=True))
            for row in sheet.iter_rows(min_row=2)}


def test_xlsx_has_human_headers_the_printed_ones_first(book: Any) -> None:
    notes = [cell.value for cell in book["Notes"][1]]
    assert notes == [column.header for column in NOTE_LAYOUT]
    assert notes[:11] == ["Title", "Status", "Company", "Role", "Date", "Applied",
                          "Next action", "Due", "Contact", "Phone", "Warnings"]
    assert "next_action_due" not in notes and "Path" in notes
    agenda = [cell.value for cell in book["Agenda"][1]]
    assert agenda == [column.header for column in AGENDA_LAYOUT]
    assert agenda[:4] == ["Section", "Due", "Title", "What to do"]
    for sheet in book:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])


def test_xlsx_titles_link_to_their_notes_in_obsidian(book: Any) -> None:
    acme = by_title(book["Notes"])["Acme - Backend"]["Title"]
    assert acme.hyperlink.target == (
        "obsidian://open?vault=vault&file=Applications%2FAcme%20-%20Backend")
    agenda = {row[2].value: row[2] for row in book["Agenda"].iter_rows(min_row=2)}
    assert agenda["Umbrella - SRE"].hyperlink.target == (
        "obsidian://open?vault=vault&file=Interviews%2FUmbrella%20-%20SRE")


def test_note_url_percent_encodes_the_vault_and_the_path() -> None:
    assert note_url("Job hunt", "Interviews/Acme & Co - Backend #2.md") == (
        "obsidian://open?vault=Job%20hunt&file=Interviews%2FAcme%20%26%20Co%20-%20Backend%20%232")
    assert note_url("Stellensuche", "Kontakte/Jürgen.md") == (
        "obsidian://open?vault=Stellensuche&file=Kontakte%2FJ%C3%BCrgen")


def test_xlsx_warnings_are_the_note_s_problems(book: Any) -> None:
    notes = by_title(book["Notes"])
    umbrella = notes["Umbrella - SRE"]["Warnings"].value
    assert "the interview on 2026-11-20 is over but its status is still scheduled" in umbrella
    assert notes["Acme - Backend"]["Warnings"].value is None
    agenda = [row for row in book["Agenda"].iter_rows(min_row=2, values_only=True)
              if row[2] == "Umbrella - SRE"]
    warnings = AGENDA_LAYOUT.index(next(c for c in AGENDA_LAYOUT if c.key == "warnings"))
    assert agenda and all("still scheduled" in row[warnings] for row in agenda)


def test_xlsx_highlights_the_rows_due_before_today(book: Any) -> None:
    notes = by_title(book["Notes"])
    today = datetime(2026, 11, 26)
    late = {title for title, row in notes.items()
            if row["Due"].value is not None and row["Due"].value < today}
    assert "Initech - Data" in late  # the decision follow-up, due 2026-11-19
    for title, row in notes.items():
        fills = {cell.fill.fgColor.rgb for cell in row.values() if cell.fill.fill_type}
        assert fills == ({OVERDUE_FILL} if title in late else set()), title
    for row in book["Agenda"].iter_rows(min_row=2):
        due = row[1].value
        assert (row[0].fill.fgColor.rgb == OVERDUE_FILL) == (due.date() < today.date())


def test_xlsx_prints_landscape_a_page_wide_with_the_header_repeated(book: Any) -> None:
    for sheet, layout in ((book["Notes"], NOTE_LAYOUT), (book["Agenda"], AGENDA_LAYOUT)):
        setup = sheet.page_setup
        assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$1:$1"
        printed = sum(column.printed for column in layout)
        last = chr(ord("A") + printed - 1)
        assert sheet.print_area == f"'{sheet.title}'!$A$1:${last}${sheet.max_row}"


def test_xlsx_wraps_long_text_in_fitted_columns(book: Any) -> None:
    sheet = book["Notes"]
    notes = by_title(sheet)
    action = notes["Initech - Data"]["Next action"]
    assert len(action.value) > 100 and action.alignment.wrap_text
    assert sheet.column_dimensions[action.column_letter].width == 42  # 40 characters at most
    assert sheet.row_dimensions[action.row].height >= 3 * 15  # tall enough for its lines
    status = notes["Acme - Backend"]["Status"]
    assert sheet.column_dimensions[status.column_letter].width == len("scheduled") + 2


def test_xlsx_cells_are_typed_and_formulas_stay_text(book: Any) -> None:
    notes = by_title(book["Notes"])
    formula = notes["Formula"]
    assert formula["Company"].value == '=HYPERLINK("http://evil.example","click")'
    assert formula["Company"].data_type == "s" and formula["Company"].quotePrefix
    assert formula["Role"].value == "@SUM(A1)" and formula["Role"].data_type == "s"
    acme = notes["Acme - Backend"]
    assert acme["Phone"].value == "+1 555 0100" and acme["Phone"].data_type == "s"
    assert acme["Applied"].value == datetime(2026, 11, 10) and acme["Applied"].is_date
    assert acme["Applied"].number_format == "yyyy-mm-dd"
    initech = notes["Initech - Data"]
    assert initech["Due"].is_date and initech["Date"].value == datetime(2026, 11, 10, 11)
    assert initech["Candidates"].value == 5
    assert not acme["Company"].quotePrefix  # plain text is left as it is


# --- printed by LibreOffice -------------------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
POPPLER = shutil.which("pdfinfo") and shutil.which("pdftotext")


@pytest.mark.skipif(not (SOFFICE and POPPLER),
                    reason="LibreOffice (soffice) and poppler (pdfinfo, pdftotext) are needed to "
                           "print the workbook: apt-get install libreoffice-calc-nogui "
                           "poppler-utils")
def test_libreoffice_prints_each_sheet_landscape_a_page_wide(
    runner: CliRunner, full: VaultDir, tmp_path: Path
) -> None:
    for n in range(40):  # enough rows for several pages
        full.write(f"Applications/Company {n:02} - Engineer.md",
                   f"---\ntype: application\ncompany: Company {n:02}\nrole: Engineer\n"
                   f"applied: 2026-11-{n % 20 + 1:02}\nstatus: applied\n---\n")
    out = tmp_path / "jobs.xlsx"
    assert run(runner, full, "xlsx", "-o", str(out)).exit_code == 0
    assert SOFFICE is not None
    subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                   check=True, capture_output=True, timeout=120)
    pdf = tmp_path / "jobs.pdf"
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(pdf)], check=True,
                          capture_output=True, text=True).stdout
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    sizes = [line.split(":", 1)[1].split()[:3:2] for line in info.splitlines()
             if line.startswith("Page") and "size:" in line]
    assert len(sizes) == pages >= 3  # Notes on two pages or more, then Agenda
    assert all(float(width) > float(height) for width, height in sizes)  # landscape
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    printed = text.split("\f")[:pages]
    notes_pages = [page for page in printed if "Next action" in page]
    agenda_pages = [page for page in printed if "What to do" in page]
    # every page starts with its sheet's header, all of its printed columns: one page wide
    assert len(notes_pages) + len(agenda_pages) == pages and len(notes_pages) >= 2
    for page in notes_pages:
        assert all(column.header in page for column in NOTE_LAYOUT if column.printed)
        header = next(line for line in page.splitlines() if "Next action" in line)
        assert header.split()[:2] == ["Title", "Status"]
        assert "Path" not in header and "URL" not in header  # columns left off paper
    for page in agenda_pages:
        assert all(column.header in page for column in AGENDA_LAYOUT if column.printed)
    assert "Company 39 - Engineer" in notes_pages[-1]
    assert "@SUM(A1)" in "".join(notes_pages)  # printed as the text it is, never computed
