"""A date-time with a UTC offset (`2026-12-08T15:00+01:00`, `…Z`: what a remote interview's
invitation says) is read in the vault's time zone, `[calendar] timezone`, wherever it is written:
front matter, Log entries, tasks. Its day is the local one."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobjournal.cli.main import cli
from jobjournal.config import load_config, parse_config
from jobjournal.core.body import parse_body
from jobjournal.core.parse import parse_note
from jobjournal.errors import ConfigError
from jobjournal.vault.reader import load_vault
from jobjournal.vault.watcher import Watcher

from .conftest import VaultDir
from .test_watch import DEADLINE, FakeClock, replace, wait_for

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning:watchdog")

BERLIN = '[calendar]\ntimezone = "Europe/Berlin"\n'
TOKYO = '[calendar]\ntimezone = "Asia/Tokyo"\n'


def test_the_time_zone_setting_is_an_iana_name() -> None:
    assert parse_config({"calendar": {"timezone": "Europe/Berlin"}}).calendar.timezone == (
        "Europe/Berlin")
    assert parse_config({}).calendar.timezone == ""
    for bad in ("Mars/Olympus", "../../etc/passwd", "CET+1", 5):
        with pytest.raises(ConfigError) as refused:
            parse_config({"calendar": {"timezone": bad}})
        assert "[calendar] timezone" in str(refused.value)


def test_front_matter_is_read_in_the_vault_s_time_zone() -> None:
    text = (b"---\ntype: interview\ndate: 2026-12-08T23:30-05:00\nmissed_call: 2026-12-01T08:00Z\n"
            b"follow_up: 2026-12-10T23:00Z\n---\n")
    note, problems = parse_note("Interviews/Remote.md", text, zone="Europe/Berlin")
    assert note is not None and not problems
    assert note.date == datetime(2026, 12, 9, 5, 30)  # the next morning in Berlin
    assert note.missed_call == datetime(2026, 12, 1, 9, 0)
    assert note.follow_up == date(2026, 12, 11)  # a day field keeps the local day
    tokyo, _ = parse_note("Interviews/Remote.md", text, zone="Asia/Tokyo")
    assert tokyo is not None and tokyo.date == datetime(2026, 12, 9, 13, 30)


def test_log_entries_and_tasks_are_read_in_the_vault_s_time_zone() -> None:
    body = ("## Log\n- 2026-12-01T23:30Z Called [[Dana]]\n- 2026-12-02 10:00-11:00 Interview\n"
            "- [ ] Send the slides [due:: 2026-12-03T23:30Z]\n")
    parsed = parse_body(body, 1, zone="Europe/Berlin")
    assert [entry.when for entry in parsed.log] == [datetime(2026, 12, 2, 0, 30),
                                                    datetime(2026, 12, 2, 10, 0)]
    assert parsed.log[1].text == "11:00 Interview"  # the end of a time range, not an offset
    assert [task.due for task in parsed.tasks] == [date(2026, 12, 4)]
    assert not parsed.problems


def test_the_agenda_shows_the_time_to_be_there(runner: CliRunner, vault: VaultDir) -> None:
    vault.config(BERLIN)
    vault.write("Interviews/Remote.md", """\
        ---
        type: interview
        company: Acme
        role: Backend
        hiring_manager: Jo
        date: 2026-12-08T15:00Z
        ---
        """)
    result = runner.invoke(cli, ["agenda", "--json", "--vault", str(vault.root),
                                 "--today", "2026-12-01"])
    assert result.exit_code == 0, result.output
    (item,) = [i for i in json.loads(result.stdout)["items"] if i["kind"] == "appointment"]
    assert (item["due"], item["at"]) == ("2026-12-08", "16:00")


def test_a_new_time_zone_reads_the_notes_again(tmp_path: Path, vault: VaultDir) -> None:
    """Cached parses are of one time zone: another one reads the notes again."""
    vault.write("Interviews/Remote.md", "---\ntype: interview\ndate: 2026-12-08T20:00Z\n---\n")
    vault.config(BERLIN)
    berlin = load_vault(vault.root, load_config(vault.root))
    vault.config(TOKYO)
    tokyo = load_vault(vault.root, load_config(vault.root))
    assert [n.date for n in berlin.notes] == [datetime(2026, 12, 8, 21, 0)]
    assert [n.date for n in tokyo.notes] == [datetime(2026, 12, 9, 5, 0)]


def test_the_cache_is_not_shared_between_time_zones(
    runner: CliRunner, vault: VaultDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jobjournal.vault import cache

    monkeypatch.setenv("JOBJOURNAL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "MIN_FILES", 1)
    vault.write("Interviews/Remote.md", "---\ntype: interview\ndate: 2026-12-08T20:00Z\n---\n")
    seen = []
    for config in (BERLIN, TOKYO, BERLIN):
        vault.config(config)
        result = runner.invoke(cli, ["agenda", "--json", "--vault", str(vault.root),
                                     "--today", "2026-12-01"])
        assert result.exit_code == 0, result.output
        seen += [(i["due"], i["at"]) for i in json.loads(result.stdout)["items"]
                 if i["kind"] == "appointment"]
    assert seen == [("2026-12-08", "21:00"), ("2026-12-09", "05:00"), ("2026-12-08", "21:00")]


@pytest.fixture
def runtime_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "run"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    return folder


def test_the_watcher_reads_notes_again_when_the_time_zone_changes(
    vault: VaultDir, runtime_dir: Path
) -> None:
    vault.config(BERLIN)
    vault.write("Interviews/Remote.md", "---\ntype: interview\ncompany: Acme\nrole: QA\n"
                "hiring_manager: Jo\ndate: 2026-12-08T20:00Z\n---\n")
    reports: list[str] = []
    watcher = Watcher(vault.root, load_config(vault.root), report=reports.append,
                      clock=FakeClock(datetime(2026, 12, 1, 12)), quiet_period=0.1)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        wait_for(watcher.started.is_set, "the first agenda")
        assert "21:00" in vault.read("Agenda.md")
        replace(vault, ".jobjournal.toml", TOKYO)
        wait_for(lambda: "05:00" in vault.read("Agenda.md"), "the Tokyo time")
    finally:
        watcher.stop()
        thread.join(DEADLINE)
    assert not reports, reports
