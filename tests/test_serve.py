"""`jobjournal serve`, started for real and asked with a real HTTP client (http.client): content
types, the calendar read back by icalendar, the page escaped, ETag and 304, fresh answers after a
note changes, 127.0.0.1 only, nothing written into the vault, a clean stop on Ctrl-C."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from jobjournal.cli import agenda_site as site_module
from jobjournal.cli.agenda_site import AgendaSite, make_server
from jobjournal.cli.main import cli
from jobjournal.cli.serve import DEFAULT_PORT
from jobjournal.exports.ics import event_uid

from .conftest import VaultDir

INTERVIEW = """\
    ---
    type: interview
    company: Acme <script>alert(1)</script>
    role: Backend Engineer
    date: 2026-12-08T15:00Z
    recruiter: "[[Dana Recruiter]]"
    hiring_manager: Sam Lee
    ---
    """
CONTACT = """\
    ---
    type: contact
    relationship: recruiter
    email: dana@acme.example
    missed_call: 2026-11-03T10:00
    ---
    """
INTERVIEW_UID = event_uid("Interviews/Acme & Co <b>.md", "appointment")


class Served:
    """A `jobjournal serve --port 0` process and how to ask it."""

    def __init__(self, process: subprocess.Popen[str], port: int) -> None:
        self.process = process
        self.port = port

    def get(self, path: str, host: str = "127.0.0.1", method: str = "GET",
            **headers: str) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(host, self.port, timeout=10)
        try:
            connection.request(method, path, headers={k.replace("_", "-"): v
                                                      for k, v in headers.items()})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()


@pytest.fixture
def notes(vault: VaultDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> VaultDir:
    monkeypatch.setenv("JOBJOURNAL_CACHE_DIR", str(tmp_path / "cache"))
    vault.config('[calendar]\ntimezone = "Europe/Berlin"\n')
    vault.write("Interviews/Acme & Co <b>.md", INTERVIEW)
    vault.write("Contacts/Dana Recruiter.md", CONTACT)
    return vault


def start(vault: VaultDir, *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-c", "from jobjournal.cli.main import main; main()",
               "serve", "--vault", str(vault.root), *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


def stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    """Ctrl-C, then its exit code and what it said on stderr."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    try:
        _, err = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
    return process.returncode, err


@pytest.fixture
def served(notes: VaultDir) -> Iterator[Served]:
    process = start(notes, "--port", "0")
    assert process.stdout is not None
    line = process.stdout.readline()  # blocks until it listens (or ends)
    assert "http://127.0.0.1:" in line, (line, process.stderr.read() if process.stderr else "")
    port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
    try:
        yield Served(process, port)
    finally:
        code, err = stop(process)
        assert code == 0, err
        assert "Traceback" not in err and "Stopped." in err


def test_the_calendar_is_served_as_text_calendar_and_parses(served: Served) -> None:
    before = date.today()
    status, headers, body = served.get("/agenda.ics")
    after = date.today()
    assert status == 200
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert int(headers["Content-Length"]) == len(body)
    calendar = Calendar.from_ical(body)
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    interview = events[INTERVIEW_UID]
    assert interview["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    # an overdue call-back sits today (the served calendar is for today, by this machine's
    # clock: not the vault zone's date, which is another one for an hour of the day here)
    call_back = events[event_uid("Contacts/Dana Recruiter.md", "call-back")]
    assert call_back["DTSTART"].dt.date() in {before, after}


def test_the_page_is_html_with_every_note_text_escaped(served: Served) -> None:
    status, headers, body = served.get("/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    page = body.decode("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>" not in page and "<b>" not in page
    assert "Acme &amp; Co &lt;b&gt;" in page  # the title, escaped
    assert 'href="agenda.ics"' in page
    assert "mailto:dana@acme.example?" in page


def test_etag_and_if_none_match_give_304_until_a_note_changes(served: Served,
                                                               notes: VaultDir) -> None:
    for path in ("/agenda.ics", "/"):
        status, headers, body = served.get(path)
        tag = headers["ETag"]
        assert status == 200 and tag.startswith('"')
        again, again_headers, again_body = served.get(path, If_None_Match=tag)
        assert again == 304 and again_body == b"" and again_headers["ETag"] == tag
        assert served.get(path, If_None_Match=f'"other", W/{tag}')[0] == 304
        assert served.get(path, If_None_Match='"other"')[0] == 200
        assert served.get(path, method="HEAD", If_None_Match=tag)[0] == 304
    _, headers, first = served.get("/agenda.ics")
    before = Calendar.from_ical(first)
    # the interview is moved: the very next request answers with it moved
    path = notes.write("Interviews/Acme & Co <b>.md", INTERVIEW.replace("T15:00Z", "T17:30Z"))
    later = time.time() + 5  # a new modification time even on a coarse clock
    os.utime(path, (later, later))
    status, moved_headers, body = served.get("/agenda.ics", If_None_Match=headers["ETag"])
    assert status == 200 and moved_headers["ETag"] != headers["ETag"]
    old = {str(e["UID"]): e for e in before.walk("VEVENT")}[INTERVIEW_UID]
    new = {str(e["UID"]): e for e in Calendar.from_ical(body).walk("VEVENT")}[INTERVIEW_UID]
    assert new["DTSTART"].dt - old["DTSTART"].dt == timedelta(hours=2, minutes=30)
    assert int(new["SEQUENCE"]) > int(old["SEQUENCE"])
    assert new["DTSTAMP"].dt.timestamp() == int(later)


def test_unknown_paths_are_404(served: Served) -> None:
    status, headers, body = served.get("/Interviews/Acme.md")
    assert status == 404 and headers["Content-Type"] == "text/plain; charset=utf-8"
    assert b"/agenda.ics" in body


def test_it_listens_on_127_0_0_1_only(served: Served) -> None:
    assert served.get("/")[0] == 200
    # another address of this machine (127.0.0.2 is one on Linux, where all of 127/8 is
    # local): a server bound to every address would answer there too
    for address in _other_addresses():
        with pytest.raises(OSError):
            socket.create_connection((address, served.port), timeout=2).close()


def _other_addresses() -> list[str]:
    found = ["127.0.0.2"] if sys.platform.startswith("linux") else []
    try:
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.connect(("192.0.2.1", 9))  # no packet is sent: it only picks the way out
        address = str(probe.getsockname()[0])
        probe.close()
        if not address.startswith("127."):
            found.append(address)
    except OSError:
        pass
    return found


def test_serving_writes_nothing_into_the_vault(served: Served, notes: VaultDir) -> None:
    before = notes.snapshot()
    for path in ("/", "/agenda.ics", "/", "/agenda.ics"):
        assert served.get(path)[0] == 200
    assert notes.snapshot() == before


def test_a_busy_port_is_one_clear_error(served: Served, notes: VaultDir) -> None:
    process = start(notes, "--port", str(served.port))
    try:
        _, err = process.communicate(timeout=20)  # it ends by itself
    finally:
        stop(process)
    assert process.returncode == 2
    assert err.count("\n") == 1 and f"127.0.0.1:{served.port}" in err and "--port" in err


def test_the_etag_does_not_change_with_the_time_of_day(notes: VaultDir,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    site = AgendaSite(notes.root)
    moments = iter([datetime(2026, 12, 9, 8, 0), datetime(2026, 12, 9, 23, 59),
                    datetime(2026, 12, 10, 0, 1)])
    monkeypatch.setattr(site_module, "clock", lambda: next(moments))
    morning = site.answer("/agenda.ics", None).headers["ETag"]
    evening = site.answer("/agenda.ics", morning)
    assert evening.status == 304 and evening.headers["ETag"] == morning
    next_day = site.answer("/agenda.ics", morning)  # overdue items move to the new today
    assert next_day.status == 200 and next_day.headers["ETag"] != morning


def test_the_server_binds_loopback(notes: VaultDir) -> None:
    server = make_server(notes.root, 0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()


def test_help_has_an_example_and_the_default_port(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "jobjournal serve --port 0" in result.output
    assert str(DEFAULT_PORT) in result.output


def test_a_folder_that_is_no_vault_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["serve", "--vault", str(tmp_path)])
    assert result.exit_code == 2 and "jobjournal init" in result.output


