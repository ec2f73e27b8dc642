"""The exported and the served calendar read by ical.js, the parser Thunderbird uses, under node:
every event icalendar reads is there with the same UID, summary, sequence and stamps, all-day
events are dates, and timed ones are in the vault's zone at the same instant.

ical.js is installed with npm into the pytest cache (once; then reused). Without node and npm the
tests are skipped, saying so; where the run must not skip them (`.ci/run` sets
JOBJOURNAL_REQUIRE_ICALJS=1), a failure to install fails them instead."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from jobjournal.cli.agenda_site import make_server
from jobjournal.cli.main import cli

from .conftest import VaultDir

ICALJS = "ical.js@2.2.1"
READER = """\
import ICAL from "ical.js";
import { readFileSync } from "node:fs";

const root = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));
for (const zone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const unix = (value) => (value ? value.toUnixTime() : null);
const events = root.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  const start = event.startDate;
  return {
    uid: event.uid,
    summary: event.summary,
    sequence: event.sequence,
    isDate: start.isDate,
    start: start.toString(),
    tzid: start.isDate ? null : start.zone.tzid,
    startUnix: start.isDate ? null : start.toUnixTime(),
    dtstamp: unix(component.getFirstPropertyValue("dtstamp")),
    lastModified: unix(component.getFirstPropertyValue("last-modified")),
    triggers: component.getAllSubcomponents("valarm").map(
      (alarm) => alarm.getFirstPropertyValue("trigger").toSeconds()),
  };
});
process.stdout.write(JSON.stringify(events));
"""


@pytest.fixture(scope="session")
def icaljs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding ical.js and the reader script (read.mjs)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    required = os.environ.get("JOBJOURNAL_REQUIRE_ICALJS") == "1"
    if node is None or npm is None:
        if required:
            pytest.fail("node and npm are required here (JOBJOURNAL_REQUIRE_ICALJS=1)")
        pytest.skip("node and npm are needed to read the calendar with ical.js")
    cache = getattr(request.config, "cache", None)
    folder = Path(cache.mkdir("icaljs")) if cache is not None else tmp_path_factory.mktemp("icaljs")
    if not (folder / "node_modules" / "ical.js" / "package.json").is_file():
        try:
            installed = subprocess.run(
                [npm, "install", "--no-audit", "--no-fund", "--no-save", "--prefix", str(folder),
                 ICALJS], capture_output=True, text=True, timeout=300, check=False)
        except subprocess.TimeoutExpired:
            installed = None
        if installed is None or installed.returncode != 0:
            why = "timed out" if installed is None else installed.stderr.strip()[-300:]
            if required:
                pytest.fail(f"npm could not install {ICALJS}: {why}")
            pytest.skip(f"npm could not install {ICALJS}: {why}")
    (folder / "read.mjs").write_text(READER, encoding="utf-8")
    return folder


def read_with_icaljs(folder: Path, data: bytes) -> list[dict[str, Any]]:
    done = subprocess.run(["node", str(folder / "read.mjs")], input=data, capture_output=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode()
    events: list[dict[str, Any]] = json.loads(done.stdout)
    return events


def assert_same_events(data: bytes, events: list[dict[str, Any]]) -> None:
    """What ical.js read is what icalendar reads."""
    calendar = Calendar.from_ical(data)
    expected = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    found = {event["uid"]: event for event in events}
    assert len(found) == len(events) == len(expected) > 3
    assert set(found) == set(expected)
    for uid, event in found.items():
        theirs = expected[uid]
        assert event["summary"] == str(theirs["SUMMARY"])
        assert event["sequence"] == int(theirs["SEQUENCE"])
        assert event["dtstamp"] == event["lastModified"] == int(theirs["DTSTAMP"].dt.timestamp())
        start = theirs["DTSTART"]
        if event["isDate"]:
            assert "TZID" not in start.params and event["start"] == start.dt.isoformat()
        else:
            assert event["tzid"] == start.params["TZID"] == "Europe/Berlin"
            assert event["startUnix"] == int(start.dt.timestamp())
        assert event["triggers"] == [int(a["TRIGGER"].dt.total_seconds())
                                     for a in theirs.walk("VALARM")]


@pytest.fixture
def notes(vault: VaultDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> VaultDir:
    monkeypatch.setenv("JOBJOURNAL_CACHE_DIR", str(tmp_path / "cache"))
    vault.config('[calendar]\ntimezone = "Europe/Berlin"\n')
    vault.write("Interviews/Acme - Backend.md", """\
        ---
        type: interview
        company: Acme
        role: Backend Engineer, "Core"; Platform
        date: 2026-12-08T15:00Z
        recruiter: "[[Dana Recruiter]]"
        ---
        """)
    vault.write("Interviews/Globex - Summer.md", """\
        ---
        type: interview
        company: Globex
        role: Platform
        date: 2026-07-01T09:30
        hiring_manager: Kim
        decision_date: 2026-07-10
        ---
        """)
    vault.write("Meetings/Coffee with Riley.md", """\
        ---
        type: meeting
        date: 2026-12-10
        with: ["[[Riley Engineer]]"]
        ---
        """)
    vault.write("Contacts/Dana Recruiter.md", """\
        ---
        type: contact
        missed_call: 2026-12-03T10:00
        ---
        """)
    return vault


def test_icaljs_reads_the_exported_calendar(icaljs: Path, notes: VaultDir,
                                             runner: CliRunner) -> None:
    result = runner.invoke(cli, ["export", "ics", "--vault", str(notes.root),
                                 "--today", "2026-12-09"])
    assert result.exit_code == 0, result.output
    events = read_with_icaljs(icaljs, result.stdout_bytes)
    assert_same_events(result.stdout_bytes, events)
    # summer and winter: the VTIMEZONE's two offsets, both applied
    starts = {e["summary"]: e["startUnix"] for e in events if not e["isDate"]}
    assert starts["Interview: Acme - Backend"] == 1796742000  # 2026-12-08 15:00 UTC
    assert starts["Interview: Globex - Summer"] == 1782891000  # 2026-07-01 07:30 UTC


def test_icaljs_reads_the_served_calendar(icaljs: Path, notes: VaultDir) -> None:
    server = make_server(notes.root, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1],
                                                timeout=10)
        connection.request("GET", "/agenda.ics")
        response = connection.getresponse()
        data = response.read()
        connection.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
    assert response.status == 200
    assert_same_events(data, read_with_icaljs(icaljs, data))
