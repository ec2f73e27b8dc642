"""`jobjournal import ics` end to end: invites as Google Calendar, Outlook/Exchange, Zoom, Teams
and Calendly write them (tests/data/invites/) become notes on real vaults; the same invite again
(moved, cancelled, older) updates that note, and only the lines it must."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from jobjournal.cli.main import cli
from jobjournal.config import load_config
from jobjournal.core.model import Note, NoteType
from jobjournal.edit.editor import front_matter
from jobjournal.vault.reader import load_vault

from .conftest import VaultDir

INVITES = Path(__file__).parent / "data" / "invites"
TODAY = "2026-12-04"
ME = "alex.candidate@example.com"
CONFIG = f"""\
[calendar]
timezone = "Europe/Berlin"
[me]
email = "{ME}"
"""
OUTLOOK_UID = ("040000008200E00074C5B7101A82E00800000000B05C3A2B6F7BDC010000000000000000100000"
               "00D3A1F0E51B1E7A4C9A0C2B4F6E8D1A2B")
TEAMS_UID = ("040000008200E00074C5B7101A82E008000000007A4E1C9D2B7ADC0100000000000000001000000"
             "06C2E1A0B5F3D8E4A9B7C6D5E4F3A2B1C")
INITECH = "Interviews/Initech - Data Engineer - on-site interview.md"
TEAMS_LINK = (
    "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NzM5YjE0ZDAtMmE4Ny00ZTk1LWI2ZTQtYzQ1"
    "OWQ2MzA4YjFj%40thread.v2/0?context=%7b%22Tid%22%3a%2272f988bf-86f1-41af-91ab-2d7cd011db47%2"
    "2%2c%22Oid%22%3a%22b3c5e1a2-4d6f-4a8b-9c0d-1e2f3a4b5c6d%22%7d")


@pytest.fixture
def home(vault: VaultDir) -> VaultDir:
    vault.config(CONFIG)
    return vault


def run(runner: CliRunner, vault: VaultDir, file: Path | str, *args: str,
        today: str = TODAY) -> Result:
    path = file if isinstance(file, Path) else INVITES / file
    return runner.invoke(cli, ["import", "ics", str(path), "--vault", str(vault.root),
                               "--today", today, *args])


def fields(vault: VaultDir, rel: str) -> dict[Any, Any]:
    return front_matter(vault.read(rel))


def notes_of(vault: VaultDir) -> dict[str, Note]:
    return {note.path: note for note in load_vault(vault.root, load_config(vault.root)).notes}


def problems_of(runner: CliRunner, vault: VaultDir) -> list[str]:
    result = runner.invoke(cli, ["check", "--vault", str(vault.root), "--today", TODAY])
    return [line for line in result.output.splitlines() if ": warning: " in line
            or ": error: " in line]


# --- each client's invite, field by field -------------------------------------------------------

EXPECTED: dict[str, tuple[str, dict[str, Any]]] = {
    "google.ics": ("Interviews/Interview - Platform Engineer at Globex (final round).md", {
        "type": "interview", "status": "scheduled",
        "date": "2026-12-08T20:00",  # 14:00 in New York (EST) is 20:00 in Berlin
        "recruiter": "Dana Recruiter", "company": "Globex", "role": "Platform Engineer",
        "with": ["Dana Recruiter", "Priya Patel"],
        "location": "https://meet.google.com/xkq-wpnz-dta",
        "uid": "5v1q8b0m2k3hjd9c7e4f6g8h0i@google.com", "sequence": 0}),
    "outlook.ics": (INITECH, {
        "type": "interview", "status": "scheduled",
        "date": "2026-12-10T11:00",  # 10:00 in Exchange's "GMT Standard Time" (London)
        "recruiter": "Michael Bolton", "company": "Initech Ltd", "role": "Data Engineer",
        "with": ["Bill Lumbergh"],  # the meeting room is no guest
        "location": "Initech London, 4th floor, 1 Canal Street, London EC1A 1AA",
        "uid": OUTLOOK_UID, "sequence": 0}),
    "zoom.ics": ("Interviews/Acme Backend Interview.md", {
        "type": "interview", "status": "scheduled",
        "date": "2026-12-09T18:00",  # 09:00 in Los Angeles (PST)
        "recruiter": "Sam Lee",  # company and role are not stated plainly: left to the user
        "location": "https://acme.zoom.us/j/88812345678?pwd=bVdKZ3pQcW1nRk5aT2xHd0tUS3hOQT09",
        "uid": "20261209T090000-88812345678@zoom.us", "sequence": 0}),
    "calendly.ics": ("Interviews/30 Minute Phone Screen between Jordan Smith and Alex Candidate.md", {
        "type": "interview", "status": "scheduled",
        "date": "2026-12-11T17:00",  # 16:00 UTC
        "recruiter": "Jordan Smith", "with": ["Jordan Smith"],
        "location": "https://meet.google.com/hpz-qrta-kvm",
        "uid": "4f6a2c1e-9b8d-4e7f-a6c5-3d2b1a0f9e8d", "sequence": 0}),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_client_s_invite_becomes_an_interview_note(
        runner: CliRunner, home: VaultDir, name: str) -> None:
    rel, expected = EXPECTED[name]
    result = run(runner, home, name)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"created {rel}\n")
    assert fields(home, rel) == expected
    note = notes_of(home)[rel]
    assert note.log == () and note.tasks == ()  # the invite's text makes no entry nor task
    assert problems_of(runner, home) == []


def test_a_series_as_a_meeting_at_its_next_time(runner: CliRunner, home: VaultDir) -> None:
    """Teams, weekly on Wednesdays at 16:30 India time from Nov 18, six times, Dec 9 left out."""
    result = run(runner, home, "teams-series.ics", "--as", "meeting")
    assert result.exit_code == 0, result.output
    rel = "Meetings/Umbrella SRE hiring - weekly candidate check-in.md"
    assert fields(home, rel) == {
        "type": "meeting", "status": "scheduled", "date": "2026-12-16T12:00",
        "with": ["Ravi Kumar", "Meera Shah"],  # a meeting has no recruiter: its organizer is met
        "location": TEAMS_LINK, "uid": TEAMS_UID, "sequence": 0}
    assert problems_of(runner, home) == []


@pytest.mark.parametrize(("today", "expected"), [
    ("2026-11-01", "2026-11-18T12:00"),  # before the series: its first
    ("2026-12-02", "2026-12-02T12:00"),  # on the day of one
    ("2026-12-09", "2026-12-16T12:00"),  # Dec 9 is left out (EXDATE)
    ("2027-01-10", "2026-11-18T12:00"),  # all past: its first
])
def test_a_series_is_dated_at_its_next_occurrence_from_today(
        runner: CliRunner, home: VaultDir, today: str, expected: str) -> None:
    assert run(runner, home, "teams-series.ics", today=today).exit_code == 0
    rel = "Interviews/Umbrella SRE hiring - weekly candidate check-in.md"
    assert fields(home, rel)["date"] == expected


def test_a_series_imported_again_later_keeps_its_date(runner: CliRunner,
                                                        home: VaultDir) -> None:
    assert run(runner, home, "teams-series.ics").exit_code == 0
    before = home.snapshot()
    again = run(runner, home, "teams-series.ics", today="2026-12-20")
    assert again.exit_code == 0, again.output
    assert "nothing changed" in again.output
    assert home.snapshot() == before


def test_the_invite_s_text_goes_under_invite_as_plain_text(runner: CliRunner,
                                                            home: VaultDir) -> None:
    assert run(runner, home, "outlook.ics").exit_code == 0
    text = home.read(INITECH)
    assert text.endswith(
        "## Invite\n\n"
        "Organizer: Michael Bolton <michael.bolton@initech.example>  \n"
        "Guests: Bill Lumbergh <bill.lumbergh@initech.example>\n\n"
        "Dear Alex,\n\n"
        "Thank you for your interest in Initech. We would like to invite you to an on-site "
        "interview for the Data Engineer position.\n\n"
        "Role: Data Engineer\nCompany: Initech Ltd\n\n"
        "Agenda:\n"
        "\\- 10:00 Welcome and office tour\n"  # not a list item: no Log entry, no task
        "\\- 10:30 Technical interview with Bill Lumbergh\n"
        "\\# Please bring a photo ID to reception.\n\n"  # not a heading
        "Kind regards,\nMichael Bolton\nTalent Acquisition, Initech\n\n"
        "## Log\n")


def test_a_video_link_beside_the_text_when_the_place_is_given(runner: CliRunner,
                                                              home: VaultDir) -> None:
    data = (INVITES / "google.ics").read_bytes().replace(
        b"LOCATION:\r\n", b"LOCATION:Globex HQ\\, 4th floor\r\n")
    file = home.root.parent / "hybrid.ics"
    file.write_bytes(data)
    assert run(runner, home, file).exit_code == 0
    rel = EXPECTED["google.ics"][0]
    assert fields(home, rel)["location"] == "Globex HQ, 4th floor"
    assert "Video call: https://meet.google.com/xkq-wpnz-dta\n" in home.read(rel)


# --- people ----------------------------------------------------------------------------------------


def test_guests_are_linked_to_the_contact_note_with_their_email(runner: CliRunner,
                                                                 home: VaultDir) -> None:
    home.write("Contacts/Dana Recruiter.md", """\
        ---
        type: contact
        email: Dana.Recruiter@Globex.example
        ---
        """)
    home.write("Contacts/Priya Patel.md", "---\ntype: contact\nemail: priya@elsewhere.example\n---\n")
    home.write("Contacts/Other/Priya Patel.md", "---\ntype: contact\n---\n")  # same title
    home.write("Contacts/Sam.md", "---\ntype: contact\nemail: sam.lee@acme.example\n---\n")
    home.write("People/Priya P.md", "---\ntype: contact\nemail: priya.patel@globex.example\n---\n")
    home.write("Notes/Not a contact.md", "---\nemail: priya.patel@globex.example\n---\n")
    result = run(runner, home, "google.ics")
    assert result.exit_code == 0, result.output
    rel = EXPECTED["google.ics"][0]
    got = fields(home, rel)
    assert (got["recruiter"], got["with"]) == ("[[Dana Recruiter]]",
                                               ["[[Dana Recruiter]]", "[[Priya P]]"])
    assert '\nrecruiter: "[[Dana Recruiter]]"\n' in home.read(rel)  # quoted, as Obsidian wants
    note = notes_of(home)[rel]
    assert note.recruiter is not None and note.recruiter.name == "Dana Recruiter"


def test_a_contact_whose_title_is_not_unique_is_linked_by_its_path(runner: CliRunner,
                                                                   home: VaultDir) -> None:
    home.write("Contacts/Dana Recruiter.md", "---\ntype: contact\nemail: dana.recruiter@globex.example\n---\n")
    home.write("Archive/Dana Recruiter.md", "---\ntype: contact\n---\n")
    assert run(runner, home, "google.ics").exit_code == 0
    got = fields(home, EXPECTED["google.ics"][0])
    assert got["recruiter"] == "[[Contacts/Dana Recruiter]]"


def test_me_from_the_option_and_without_any(runner: CliRunner, vault: VaultDir) -> None:
    vault.config('[calendar]\ntimezone = "Europe/Berlin"\n')
    result = run(runner, vault, "calendly.ics", "--me", "ALEX.candidate@example.com")
    assert result.exit_code == 0, result.output
    rel = EXPECTED["calendly.ics"][0]
    assert fields(vault, rel)["with"] == ["Jordan Smith"]
    (vault.root / rel).unlink()
    result = run(runner, vault, "calendly.ics")
    assert result.exit_code == 0
    assert "no [me] email in .jobjournal.toml and no --me" in result.stderr
    assert fields(vault, rel)["with"] == ["Alex Candidate", "Jordan Smith"]


# --- the same invite again --------------------------------------------------------------------------

#: What a user does with the note after the import: their own words, a key moved, a comment.
HAND_EDITS = [
    ("status: scheduled\n", "status: scheduled   # the big one\nstage: onsite\n"),
    ("## Notes\n", "## Notes\n- ask about the on-call rota\n"),
    ("## Log\n", "## Log\n- 2026-12-02 Sent my portfolio to [[Michael Bolton]]\n"),
]


def edited_note(vault: VaultDir, *, crlf: bool) -> str:
    text = vault.read(INITECH)
    for old, new in HAND_EDITS:
        assert old in text
        text = text.replace(old, new, 1)
    if crlf:
        text = "\ufeff" + text.replace("\n", "\r\n")
    (vault.root / INITECH).write_bytes(text.encode("utf-8"))
    return text


@pytest.mark.parametrize("crlf", [False, True], ids=["LF", "CRLF+BOM"])
def test_a_reschedule_moves_the_date_and_logs_it_and_nothing_else(
        runner: CliRunner, home: VaultDir, crlf: bool) -> None:
    assert run(runner, home, "outlook.ics").exit_code == 0
    before = edited_note(home, crlf=crlf)
    result = run(runner, home, "outlook-reschedule.ics")
    assert result.exit_code == 0, result.output
    nl = "\r\n" if crlf else "\n"
    entry = "- 2026-12-03T12:15 ← Rescheduled to 2026-12-11T15:00 (was 2026-12-10T11:00)"
    expected = (before.replace(f"date: 2026-12-10T11:00{nl}", f"date: 2026-12-11T15:00{nl}")
                .replace(f"sequence: 0{nl}", f"sequence: 1{nl}")
                .replace(f"[[Michael Bolton]]{nl}", f"[[Michael Bolton]]{nl}{entry}{nl}"))
    assert expected != before
    assert (home.root / INITECH).read_bytes() == expected.encode("utf-8")
    assert result.output == (
        f"{INITECH}: date: 2026-12-11T15:00\n{INITECH}: sequence: 1\n{INITECH}: {entry}\n")
    note = notes_of(home)[INITECH]
    assert note.date == datetime(2026, 12, 11, 15, 0)
    assert note.log[-1].text == "← Rescheduled to 2026-12-11T15:00 (was 2026-12-10T11:00)"


def test_an_older_invite_changes_nothing(runner: CliRunner, home: VaultDir) -> None:
    assert run(runner, home, "outlook.ics").exit_code == 0
    assert run(runner, home, "outlook-reschedule.ics").exit_code == 0
    before = home.snapshot()
    result = run(runner, home, "outlook.ics")
    assert result.exit_code == 0, result.output
    assert result.output == (f"{INITECH}: this invite is older than the one the note records "
                             "(sequence 0 < 1): nothing changed\n")
    assert home.snapshot() == before


def test_the_same_invite_again_changes_nothing(runner: CliRunner, home: VaultDir) -> None:
    assert run(runner, home, "zoom.ics").exit_code == 0
    before = home.snapshot()
    result = run(runner, home, "zoom.ics", today="2026-12-06")
    assert result.exit_code == 0, result.output
    assert "the note already holds this invite: nothing changed" in result.output
    assert home.snapshot() == before


def test_a_cancellation_closes_the_note(runner: CliRunner, home: VaultDir) -> None:
    assert run(runner, home, "outlook.ics").exit_code == 0
    before = edited_note(home, crlf=False)
    result = run(runner, home, "outlook-cancel.ics")
    assert result.exit_code == 0, result.output
    entries = ["- 2026-12-03T16:40 ← Cancelled by Michael Bolton",
               "- 2026-12-03T16:40 status: scheduled → cancelled"]
    expected = (before.replace("status: scheduled   #", "status: cancelled   #")
                .replace("sequence: 0\n", "sequence: 2\n")
                .replace("[[Michael Bolton]]\n", "[[Michael Bolton]]\n" + "\n".join(entries) + "\n"))
    assert home.read(INITECH) == expected  # the time it was moved to last is not taken
    note = notes_of(home)[INITECH]
    assert note.status == "cancelled" and note.closed
    assert problems_of(runner, home) == []  # `cancelled` is a closed status, no slip
    again = run(runner, home, "outlook-cancel.ics")
    assert "nothing changed" in again.output and home.read(INITECH) == expected


def test_status_cancelled_in_a_request_cancels_too(runner: CliRunner, home: VaultDir) -> None:
    assert run(runner, home, "google.ics").exit_code == 0
    data = (INVITES / "google.ics").read_bytes().replace(
        b"STATUS:CONFIRMED", b"STATUS:CANCELLED").replace(b"SEQUENCE:0", b"SEQUENCE:1")
    file = home.root.parent / "cancelled.ics"
    file.write_bytes(data)
    result = run(runner, home, file)
    assert result.exit_code == 0, result.output
    got = fields(home, EXPECTED["google.ics"][0])
    assert (got["status"], got["sequence"]) == ("cancelled", 1)


def test_a_cancellation_of_an_unknown_invite_writes_nothing(runner: CliRunner,
                                                            home: VaultDir) -> None:
    before = home.snapshot()
    result = run(runner, home, "outlook-cancel.ics")
    assert result.exit_code == 0, result.output
    assert "cancels an event no note holds" in result.output
    assert home.snapshot() == before


def test_the_note_is_found_by_uid_wherever_it_was_moved(runner: CliRunner,
                                                        home: VaultDir) -> None:
    assert run(runner, home, "outlook.ics").exit_code == 0
    moved = home.root / "Archive" / "Initech onsite.md"
    moved.parent.mkdir()
    (home.root / INITECH).rename(moved)
    result = run(runner, home, "outlook-reschedule.ics")
    assert result.exit_code == 0, result.output
    assert not (home.root / INITECH).exists()
    assert fields(home, "Archive/Initech onsite.md")["date"] == "2026-12-11T15:00"


def test_two_notes_with_the_invite_s_uid_are_refused(runner: CliRunner, home: VaultDir) -> None:
    assert run(runner, home, "outlook.ics").exit_code == 0
    (home.root / "Interviews" / "Copy.md").write_bytes((home.root / INITECH).read_bytes())
    before = home.snapshot()
    result = run(runner, home, "outlook-reschedule.ics")
    assert result.exit_code == 2
    assert "both have uid" in result.stderr and "\n" not in result.stderr.strip()
    assert home.snapshot() == before


# --- dry runs, collisions, bad files ------------------------------------------------------------


def test_dry_run_writes_nothing(runner: CliRunner, home: VaultDir) -> None:
    before = home.snapshot()
    result = run(runner, home, "outlook.ics", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"would create {INITECH}\n  date: 2026-12-10T11:00\n")
    assert result.output.endswith("Dry run: nothing was written.\n")
    assert home.snapshot() == before
    assert run(runner, home, "outlook.ics").exit_code == 0
    before = home.snapshot()
    result = run(runner, home, "outlook-reschedule.ics", "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"{INITECH}: date: 2026-12-11T15:00\n" in result.output
    assert result.output.endswith("Dry run: nothing was written.\n")
    assert home.snapshot() == before


def test_a_title_taken_by_another_note_gets_the_day(runner: CliRunner, home: VaultDir) -> None:
    mine = home.write("Interviews/Acme Backend Interview.md", "---\ntype: interview\ndate: 2026-11-02\n---\n")
    original = mine.read_bytes()
    result = run(runner, home, "zoom.ics")
    assert result.exit_code == 0, result.output
    assert "Interviews/Acme Backend Interview.md exists and holds another event" in result.output
    assert mine.read_bytes() == original
    assert fields(home, "Interviews/Acme Backend Interview (2026-12-09).md")["uid"] == (
        "20261209T090000-88812345678@zoom.us")
    (home.root / "Interviews/Acme Backend Interview (2026-12-09).md").write_text("mine too")
    before = home.snapshot()
    result = run(runner, home, "zoom.ics")
    assert result.exit_code == 2
    assert "rename one of them" in result.stderr
    assert home.snapshot() == before


def test_floating_and_all_day_times(runner: CliRunner, home: VaultDir) -> None:
    floating = home.root.parent / "floating.ics"
    floating.write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
                         b"METHOD:PUBLISH\r\nBEGIN:VEVENT\r\nUID:f-1\r\nDTSTAMP:20261201T100000Z\r\n"
                         b"DTSTART:20261208T140000\r\nSUMMARY:Coffee with Riley\r\nEND:VEVENT\r\n"
                         b"END:VCALENDAR\r\n")
    assert run(runner, home, floating, "--as", "meeting").exit_code == 0
    assert fields(home, "Meetings/Coffee with Riley.md")["date"] == "2026-12-08T14:00"
    all_day = home.root.parent / "all-day.ics"
    all_day.write_bytes(floating.read_bytes().replace(b"UID:f-1", b"UID:f-2").replace(
        b"DTSTART:20261208T140000", b"DTSTART;VALUE=DATE:20261209").replace(
        b"Coffee with Riley", b"Onsite day"))
    assert run(runner, home, all_day).exit_code == 0
    assert fields(home, "Interviews/Onsite day.md")["date"] == "2026-12-09"
    assert notes_of(home)["Interviews/Onsite day.md"].date == date(2026, 12, 9)


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "it is empty"),
    (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\n", "it is not an iCalendar file ("),
    (b"Company,Role\r\nAcme,Backend\r\n", "is not an iCalendar file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "is not an iCalendar file"),
    (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "holds no event"),
    (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20261208T140000\r\nEND:VEVENT\r\n"
     b"BEGIN:VEVENT\r\nUID:b\r\nDTSTART:20261209T140000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
     "holds 2 different events"),
    (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20261208T140000\r\nEND:VEVENT\r\n"
     b"END:VCALENDAR\r\n", "has no UID"),
    (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
     "has no start time"),
    (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20261208T140000\r\nSEQUENCE:x\r\n"
     b"END:VEVENT\r\nEND:VCALENDAR\r\n", "SEQUENCE 'x' is not a whole number"),
])
def test_a_bad_file_is_a_clear_error(runner: CliRunner, home: VaultDir, data: bytes,
                                     reason: str) -> None:
    file = home.root.parent / "invite.ics"
    file.write_bytes(data)
    before = home.snapshot()
    result = run(runner, home, file)
    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line, result.stderr
    assert re.match(r"^jobjournal: error: invite\.ics: .*; nothing was imported$", line), line
    assert reason in line
    assert home.snapshot() == before


def test_a_missing_file_is_a_usage_error(runner: CliRunner, home: VaultDir) -> None:
    result = run(runner, home, home.root / "nope.ics")
    assert result.exit_code == 2 and "does not exist" in result.output


def test_the_example_vault_s_invite_with_its_templates(runner: CliRunner, tmp_path: Path) -> None:
    """`init`'s example invite, imported as the README shows it: the vault's own template, the
    organizer linked to the example contact by her address, and `check` quiet about the note."""
    from jobjournal.edit.scaffold import init_vault

    root = tmp_path / "JobHunt"
    init_vault(root, today=date(2026, 11, 26))
    config = root / ".jobjournal.toml"
    config.write_text(config.read_text("utf-8").replace('timezone = ""',
                                                        'timezone = "Europe/Berlin"'), "utf-8")
    result = runner.invoke(cli, ["import", "ics", str(root / "Invites/Globex - final round.ics"),
                                 "--vault", str(root), "--today", "2026-11-26",
                                 "--me", "you@example.com"])
    assert result.exit_code == 0, result.output
    rel = "Interviews/Interview - Platform Engineer at Globex (final round).md"
    got = front_matter((root / rel).read_text("utf-8"))
    assert {key: got[key] for key in ("date", "recruiter", "with", "company", "role", "location",
                                      "status", "uid", "sequence")} == {
        "date": "2026-12-08T17:00", "recruiter": "[[Dana Recruiter]]",
        "with": ["[[Dana Recruiter]]", "Priya Patel"], "company": "Globex",
        "role": "Platform Engineer", "location": "https://meet.google.com/gbx-fnal-rnd",
        "status": "scheduled", "uid": "7c2kq0f4m1r8s6t3u5v9w0x2y4@google.com", "sequence": 0}
    check = runner.invoke(cli, ["check", "--vault", str(root), "--today", "2026-11-26"])
    assert "final round" not in check.output, check.output


# --- the invite's text stays text ---------------------------------------------------------------

_MARKDOWN_BITS = ["#", "## Log", "- ", "* ", "+ ", "1. ", "2) ", "> ", "```", "~~~", "---", "===",
                  "- [ ] ", "📅 2026-12-01", "[due:: 2026-12-01]", "2026-11-20 ", "<!--", "<div>",
                  "%%", "| a |", "[x]: /y", "    ", "\t", "Log", "\\", "`", "_", " ", "text"]


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(st.lists(st.lists(st.sampled_from(_MARKDOWN_BITS), max_size=5).map("".join), max_size=12))
def test_no_line_of_an_invite_s_text_is_read_as_markdown(lines: list[str]) -> None:
    """Whatever the invite's text holds, the note made from it has no Log entry and no task of
    it, its Log heading is still its Log, and a Log entry added later lands there."""
    from jobjournal.core.parse import parse_note
    from jobjournal.edit.editor import append_log
    from jobjournal.edit.templates import builtin_template
    from jobjournal.imports.invite import Invite
    from jobjournal.imports.invite_note import add_invite_section, invite_section

    invite = Invite(uid="u", sequence=0, cancelled=False, summary="s",
                    start=datetime(2026, 12, 8, 14, 0), occurrence_of=None, series=(),
                    stamp=None, organizer=None, attendees=(), location=None, video=None,
                    company=None, role=None, description="\n".join(lines))
    template = builtin_template(NoteType.INTERVIEW).replace("date:\n", "date: 2026-12-08\n")
    text = add_invite_section(template, invite_section(invite))
    note, problems = parse_note("Interviews/x.md", text.encode("utf-8"), zone="UTC")
    assert note is not None and problems == []
    assert note.log == () and note.tasks == ()
    logged = append_log(text, "2026-12-09 Called Dana")
    note, _ = parse_note("Interviews/x.md", logged.encode("utf-8"), zone="UTC")
    assert note is not None and [entry.text for entry in note.log] == ["Called Dana"]
    assert logged.endswith("## Log\n- 2026-12-09 Called Dana\n")


@pytest.mark.parametrize(("line", "written"), [
    ("- 2026-12-01 Called", "\\- 2026-12-01 Called"),
    ("  * [ ] prepare 📅 2026-12-01", "\\* [ ] prepare 📅 2026-12-01"),
    ("12. Agenda", "12\\. Agenda"),
    ("3) Lunch", "3\\) Lunch"),
    ("[1]: https://example.com", "\\[1]: https://example.com"),
    ("<!-- hidden", "\\<!-- hidden"),
    ("Dial in %% then press #", "Dial in %\\% then press #"),  # an Obsidian comment hides the rest
    ("Just text: 10:00 at Acme", "Just text: 10:00 at Acme"),
    ("2026 plans", "2026 plans"),
])
def test_an_invite_s_line_as_plain_text(line: str, written: str) -> None:
    from jobjournal.imports.invite_note import plain_text

    assert plain_text(f"\n\n{line}\n\n\n\nend  \n\n") == [written, "", "end"]


# --- one occurrence of a series ----------------------------------------------------------------

SERIES_NOTE = "Interviews/Umbrella SRE hiring - weekly candidate check-in.md"


def one_occurrence(vault: VaultDir, original: str, start: str, *, method: str = "REQUEST") -> Path:
    """The Teams series' invite for one occurrence, as Exchange sends it when that one alone
    is moved or cancelled: the series' UID, a RECURRENCE-ID, no RRULE."""
    text = (INVITES / "teams-series.ics").read_bytes().decode("utf-8")
    text = re.sub(r"RRULE:[^\r]*\r\n|EXDATE;[^\r]*\r\n", "", text)
    text = text.replace("METHOD:REQUEST", f"METHOD:{method}").replace("SEQUENCE:0", "SEQUENCE:1")
    text = text.replace("DTSTART;TZID=India Standard Time:20261118T163000",
                        f"RECURRENCE-ID;TZID=India Standard Time:{original}\r\n"
                        f"DTSTART;TZID=India Standard Time:{start}")
    file = vault.root.parent / f"occurrence-{original}-{method}.ics"
    file.write_bytes(text.encode("utf-8"))
    return file


def test_one_occurrence_moved_moves_the_note_dated_at_it(runner: CliRunner,
                                                          home: VaultDir) -> None:
    assert run(runner, home, "teams-series.ics").exit_code == 0  # dated 2026-12-16T12:00
    result = run(runner, home, one_occurrence(home, "20261216T163000", "20261217T163000"))
    assert result.exit_code == 0, result.output
    got = fields(home, SERIES_NOTE)
    assert (got["date"], got["sequence"]) == ("2026-12-17T12:00", 1)
    assert "← Rescheduled to 2026-12-17T12:00 (was 2026-12-16T12:00)" in home.read(SERIES_NOTE)


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_another_occurrence_changed_leaves_the_note_alone(runner: CliRunner, home: VaultDir,
                                                          method: str) -> None:
    assert run(runner, home, "teams-series.ics").exit_code == 0
    before = home.snapshot()
    result = run(runner, home, one_occurrence(home, "20261223T163000", "20261224T163000",
                                              method=method))
    assert result.exit_code == 0, result.output
    verb = "cancels" if method == "CANCEL" else "changes"
    assert f"this invite {verb} one occurrence of a series, on 2026-12-23T12:00" in result.output
    assert home.snapshot() == before


def test_the_occurrence_the_note_is_dated_at_cancelled(runner: CliRunner,
                                                       home: VaultDir) -> None:
    assert run(runner, home, "teams-series.ics").exit_code == 0
    result = run(runner, home, one_occurrence(home, "20261216T163000", "20261216T163000",
                                              method="CANCEL"))
    assert result.exit_code == 0, result.output
    assert fields(home, SERIES_NOTE)["status"] == "cancelled"


def test_options_for_the_other_format_are_refused(runner: CliRunner, home: VaultDir) -> None:
    before = home.snapshot()
    result = run(runner, home, "zoom.ics", "--force")
    assert result.exit_code == 2 and "'--force'" in result.output
    sheet = home.root.parent / "jobs.csv"
    sheet.write_text("Company,Role\nAcme,Backend\n", "utf-8")
    for option in (["--as", "meeting"], ["--me", ME]):
        result = runner.invoke(cli, ["import", "csv", str(sheet), "--vault", str(home.root),
                                     *option])
        assert result.exit_code == 2 and f"'{option[0]}'" in result.output
    assert home.snapshot() == before
