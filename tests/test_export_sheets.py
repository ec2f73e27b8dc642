"""The spreadsheets as a user opens them: a csv Excel reads by double-click (a byte-order mark,
formulas neutralised) and an xlsx that reads and prints well, each read back with the real
library (csv, openpyxl) and, when LibreOffice is installed, printed to PDF by it."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from jobjournal.cli.main import cli
from jobjournal.exports.csv_export import csv_cell, render_csv
from jobjournal.exports.table import NOTE_COLUMNS

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
    from datetime import date, datetime

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
