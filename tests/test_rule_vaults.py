"""`jobjournal agenda --json --today D` on small vaults built for each rule of docs/rules.md.

Each case is a vault (files) and the items it must yield, as (section, kind, due, note, contact).
The vault-wide keep-searching item is left out unless a case is about it.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobjournal.cli.main import cli

from .conftest import VaultDir

T = "2026-11-26"  # a Thursday


def interview(**fields: str) -> str:
    base = {
        "type": "interview",
        "company": "Acme",
        "role": "Backend",
        "hiring_manager": "Sam Lee",
        "recruiter": '"[[Dana Recruiter]]"',
    }
    base.update(fields)
    body = base.pop("body", "")
    front = "".join(f"{k}: {v}\n" for k, v in base.items() if v is not None)
    return f"---\n{front}---\n{body}"


CASES = [
    (
        "call-back",
        {
            "Contacts/Dana Recruiter.md": "---\ntype: contact\nrelationship: recruiter\nmissed_call: 2026-11-26T09:40\n---\n"
        },
        [("call-back", "call-back", "2026-11-26", "Contacts/Dana Recruiter.md", "Dana Recruiter")],
    ),
    (
        "call-back-returned-later-that-day",
        {
            "Contacts/Dana Recruiter.md": "---\ntype: contact\nmissed_call: 2026-11-26T09:40\n---\n"
            "## Log\n- 2026-11-26T10:15 Called Dana back\n"
        },
        [],
    ),
    (
        "call-back-date-only-entry-on-the-day-of-a-timed-call-does-not-return-it",
        {
            "Contacts/Dana Recruiter.md": "---\ntype: contact\nmissed_call: 2026-11-25T09:40\n---\n"
            "## Log\n- 2026-11-25 Called back\n"
        },
        [("call-back", "call-back", "2026-11-25", "Contacts/Dana Recruiter.md", "Dana Recruiter")],
    ),
    (
        "call-back-date-only-entry-the-next-day-returns-it",
        {
            "Contacts/Dana Recruiter.md": "---\ntype: contact\nmissed_call: 2026-11-25T09:40\n---\n"
            "## Log\n- 2026-11-26 Called back\n"
        },
        [],
    ),
    (
        "call-back-entry-before-the-call-does-not-count",
        {
            "Contacts/Dana Recruiter.md": "---\ntype: contact\nmissed_call: 2026-11-26T09:40\n---\n"
            "## Log\n- 2026-11-26T08:00 Sent CV\n"
        },
        [("call-back", "call-back", "2026-11-26", "Contacts/Dana Recruiter.md", "Dana Recruiter")],
    ),
    (
        "call-back-returned-from-another-note",
        {
            "Contacts/Dana Recruiter.md": "---\ntype: contact\nmissed_call: 2026-11-24\n---\n",
            "Meetings/Coffee.md": "---\ntype: meeting\ndate: 2026-11-10\nthank_you: true\n---\n"
            "## Log\n- 2026-11-25 Called [[Dana Recruiter]] back\n",
        },
        [],
    ),
    (
        "appointment-upcoming",
        {"Interviews/Acme.md": interview(date="2026-11-30T14:00", status="scheduled")},
        [("upcoming", "appointment", "2026-11-30", "Interviews/Acme.md", "Dana Recruiter")],
    ),
    (
        "appointment-beyond-horizon-is-later",
        {"Interviews/Acme.md": interview(date="2026-12-20")},
        [("later", "appointment", "2026-12-20", "Interviews/Acme.md", "Dana Recruiter")],
    ),
    (
        "gather-info",
        {"Interviews/Acme.md": interview(date="2026-11-30", role=None, hiring_manager=None)},
        [
            ("upcoming", "appointment", "2026-11-30", "Interviews/Acme.md", "Dana Recruiter"),
            ("needs-info", "gather-info", "2026-11-26", "Interviews/Acme.md", "Dana Recruiter"),
        ],
    ),
    (
        "thank-you-due-today",
        {
            "Meetings/Coffee with Pat.md": '---\ntype: meeting\ndate: 2026-11-25\nwith: ["[[Pat]]"]\n---\n'
        },
        [("today", "thank-you", "2026-11-26", "Meetings/Coffee with Pat.md", "Pat")],
    ),
    (
        "thank-you-sent",
        {"Meetings/Coffee.md": "---\ntype: meeting\ndate: 2026-11-25\nthank_you: true\n---\n"},
        [],
    ),
    (
        "thank-you-gone-after-a-week",
        {"Meetings/Coffee.md": "---\ntype: meeting\ndate: 2026-11-18\n---\n"},
        [],
    ),
    (
        "ask-decision-date",
        {"Interviews/Acme.md": interview(date="2026-11-24", thank_you="2026-11-24")},
        [
            ("waiting", "decision-follow-up", "2026-12-01", "Interviews/Acme.md", "Dana Recruiter"),
            (
                "needs-info",
                "ask-decision-date",
                "2026-11-26",
                "Interviews/Acme.md",
                "Dana Recruiter",
            ),
        ],
    ),
    (
        "decision-follow-up-overdue",
        {"Interviews/Acme.md": interview(date="2026-11-10", decision_date="2026-11-18")},
        [("overdue", "decision-follow-up", "2026-11-20", "Interviews/Acme.md", "Dana Recruiter")],
    ),
    (
        "decision-follow-up-weekend-roll",
        {"Interviews/Acme.md": interview(date="2026-11-10", decision_date="2026-11-20")},
        [("overdue", "decision-follow-up", "2026-11-24", "Interviews/Acme.md", "Dana Recruiter")],
    ),
    (
        "ask-new-date-replaces-the-decision-follow-up",
        {
            "Interviews/Acme.md": interview(
                date="2026-11-10",
                decision_date="2026-11-18",
                body="## Log\n- 2026-11-24 Called Dana, no news yet\n",
            )
        },
        [("needs-info", "ask-new-date", "2026-11-26", "Interviews/Acme.md", "Dana Recruiter")],
    ),
    (
        "follow-up-replaces-and-warns",
        {
            "Interviews/Acme.md": interview(
                date="2026-11-10",
                decision_date="2026-11-18",
                follow_up="2026-11-27",
                body="## Log\n- 2026-11-24 Called Dana, no news yet\n",
            )
        },
        [("upcoming", "follow-up", "2026-11-27", "Interviews/Acme.md", "Dana Recruiter")],
    ),
    (
        "move-on-after-a-long-silence",
        {
            "Interviews/Acme.md": interview(
                date="2026-09-24",
                decision_date="2026-10-01",
                body="## Log\n- 2026-10-20 Called Dana, no news yet\n"
                "- 2026-11-20 status: interviewing → waiting\n",
            )
        },
        [("needs-info", "move-on", "2026-11-26", "Interviews/Acme.md", "Dana Recruiter")],
    ),
    (
        "ghosted-is-closed",
        {
            "Interviews/Acme.md": interview(
                date="2026-09-24",
                decision_date="2026-10-01",
                status="ghosted",
                follow_up="2026-12-01",
                body="## Log\n- 2026-10-20 Called Dana, no news yet\n",
            )
        },
        [("upcoming", "follow-up", "2026-12-01", "Interviews/Acme.md", "Dana Recruiter")],
    ),
    (
        "cancelled-is-closed",
        {
            "Interviews/Acme.md": interview(
                date="2026-11-20",
                status="cancelled",
                body="## Log\n- 2026-11-18 ← Cancelled by Dana Recruiter\n",
            )
        },
        [],
    ),
    (
        "offer-deadline",
        {
            "Interviews/Acme.md": interview(
                date="2026-11-10", status="offer", respond_by="2026-11-30"
            )
        },
        [("upcoming", "offer-deadline", "2026-11-30", "Interviews/Acme.md", "Dana Recruiter")],
    ),
    (
        "closed-keeps-only-what-you-wrote",
        {
            "Interviews/Acme.md": interview(
                date="2026-11-10",
                status="rejected",
                follow_up="2026-12-01",
                body="- [ ] Ask for feedback 📅 2026-11-27\n",
            )
        },
        [
            ("upcoming", "task", "2026-11-27", "Interviews/Acme.md", "Dana Recruiter"),
            ("upcoming", "follow-up", "2026-12-01", "Interviews/Acme.md", "Dana Recruiter"),
        ],
    ),
    (
        "application-follow-up",
        {
            "Applications/Globex.md": "---\ntype: application\ncompany: Globex\napplied: 2026-11-20\n"
            'contact: "[[Lee Hiring]]"\n---\n'
        },
        [
            (
                "upcoming",
                "application-follow-up",
                "2026-12-01",
                "Applications/Globex.md",
                "Lee Hiring",
            )
        ],
    ),
    (
        "thank-referrer",
        {
            "Referrals/Pat.md": '---\ntype: referral\ndate: 2026-11-25\nfrom: "[[Pat Referrer]]"\n---\n'
        },
        [("today", "thank-referrer", "2026-11-26", "Referrals/Pat.md", "Pat Referrer")],
    ),
    (
        "stay-in-touch",
        {
            "Contacts/Old Boss.md": "---\ntype: contact\nstay_in_touch: 30\n---\n## Log\n- 2026-10-20 Lunch\n"
        },
        [("overdue", "stay-in-touch", "2026-11-19", "Contacts/Old Boss.md", "Old Boss")],
    ),
    (
        "stay-in-touch-never-contacted",
        {"Contacts/Old Boss.md": "---\ntype: contact\nstay_in_touch: 30\n---\n"},
        [("today", "stay-in-touch", "2026-11-26", "Contacts/Old Boss.md", "Old Boss")],
    ),
    (
        "task-in-an-ordinary-note-is-ignored-by-default",
        {"Daily/2026-11-26.md": "- [ ] Print CV 📅 2026-11-27\n"},
        [],
    ),
]


@pytest.mark.parametrize(("files", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule_vault(
    runner: CliRunner, vault: VaultDir, files: dict[str, str], expected: list[tuple[str, ...]]
) -> None:
    for path, text in files.items():
        vault.write(path, text, dedent=False)
    result = runner.invoke(cli, ["agenda", "--json", "--today", T, "--vault", str(vault.root)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    got = [
        (i["section"], i["kind"], i["due"], i["note"], i["contact"])
        for i in data["items"]
        if i["kind"] != "keep-searching"
    ]
    assert got == expected
    assert [p for p in data["problems"] if p["severity"] == "error"] == []


def test_follow_up_too_soon_carries_a_warning(runner: CliRunner, vault: VaultDir) -> None:
    vault.write(
        "Interviews/Acme.md",
        interview(
            date="2026-11-10",
            decision_date="2026-11-18",
            follow_up="2026-11-27",
            body="## Log\n- 2026-11-24 Called Dana, no news yet\n",
        ),
        dedent=False,
    )
    data = json.loads(
        runner.invoke(cli, ["agenda", "--json", "--today", T, "--vault", str(vault.root)]).stdout
    )
    (item,) = [i for i in data["items"] if i["kind"] == "follow-up"]
    assert len(item["warnings"]) == 1 and "2026-11-24" in item["warnings"][0]


def test_keep_searching(runner: CliRunner, vault: VaultDir) -> None:
    vault.write("Contacts/Pat.md", "---\ntype: contact\n---\n", dedent=False)
    data = json.loads(
        runner.invoke(cli, ["agenda", "--json", "--today", T, "--vault", str(vault.root)]).stdout
    )
    assert [(i["section"], i["kind"], i["due"], i["note"], i["title"]) for i in data["items"]] == [
        ("needs-info", "keep-searching", T, None, None)
    ]
    vault.write(
        "Applications/Globex.md", "---\ntype: application\napplied: 2026-11-24\n---\n", dedent=False
    )
    data = json.loads(
        runner.invoke(cli, ["agenda", "--json", "--today", T, "--vault", str(vault.root)]).stdout
    )
    assert "keep-searching" not in [i["kind"] for i in data["items"]]


def test_tasks_from_all_reads_ordinary_notes(runner: CliRunner, vault: VaultDir) -> None:
    vault.config('[vault]\ntasks_from = "all"\n')
    vault.write("Daily/2026-11-26.md", "- [ ] Print CV 📅 2026-11-27\n", dedent=False)
    data = json.loads(
        runner.invoke(cli, ["agenda", "--json", "--today", T, "--vault", str(vault.root)]).stdout
    )
    tasks = [
        (i["kind"], i["due"], i["note"], i["text"]) for i in data["items"] if i["kind"] == "task"
    ]
    assert len(tasks) == 1 and tasks[0][:3] == ("task", "2026-11-27", "Daily/2026-11-26.md")
    assert "Print CV" in tasks[0][3]


def test_holidays_move_due_dates(runner: CliRunner, vault: VaultDir) -> None:
    # 2026-11-26 is Thanksgiving in the US: the referral's +1 workday skips it (and is due Fri).
    vault.config('[calendar]\nholidays = "US"\n')
    vault.write("Referrals/Pat.md", "---\ntype: referral\ndate: 2026-11-25\n---\n", dedent=False)
    data = json.loads(
        runner.invoke(cli, ["agenda", "--json", "--today", T, "--vault", str(vault.root)]).stdout
    )
    (item,) = [i for i in data["items"] if i["kind"] == "thank-referrer"]
    assert (item["section"], item["due"]) == ("upcoming", "2026-11-27")


def test_probable_typos_are_warnings_in_check_and_the_agenda(
    runner: CliRunner, vault: VaultDir
) -> None:
    vault.write(
        "Interviews/Acme.md",
        interview(date="2026-11-10", decision_date="2026-11-09", status="rejected",
                  missed_call="2026-11-27T09:00", body="## Log\n- 2026-11-27 Called Dana\n"),
        dedent=False,
    )
    vault.write("Applications/Globex.md", "---\ntype: application\napplied: 2026-12-26\n---\n",
                dedent=False)
    result = runner.invoke(cli, ["check", "--today", T, "--vault", str(vault.root)])
    assert result.exit_code == 0, result.output  # warnings only
    lines = result.stdout.splitlines()
    assert [line.split(": warning: ")[0].rsplit("/", 2)[-2:] for line in lines] == [
        ["Applications", "Globex.md:3"], ["Interviews", "Acme.md:8"],
        ["Interviews", "Acme.md:10"], ["Interviews", "Acme.md:13"]]
    assert all("probably a typo" in line for line in lines)
    data = json.loads(runner.invoke(
        cli, ["agenda", "--json", "--today", T, "--vault", str(vault.root)]).stdout)
    assert sum("probably a typo" in p["message"] for p in data["problems"]) == 4


def test_a_missed_call_later_than_the_clock_says_is_a_typo(
    runner: CliRunner, vault: VaultDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import datetime

    from jobjournal.cli import common

    monkeypatch.setattr(common, "clock", lambda: datetime(2026, 11, 26, 21, 40, 5))
    vault.write("Contacts/Dana.md", "---\ntype: contact\nmissed_call: 2026-11-26T22:25\n---\n",
                dedent=False)
    result = runner.invoke(cli, ["check", "--vault", str(vault.root)])
    assert "missed_call 2026-11-26 22:25 is later than now (21:40): probably a typo" in (
        result.stdout)
    result = runner.invoke(cli, ["check", "--today", T, "--vault", str(vault.root)])
    assert "probably a typo" not in result.stdout  # with --today, now is the end of that day


def test_a_warning_the_clock_takes_back_is_not_reused_from_the_cache(
    runner: CliRunner, vault: VaultDir, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from datetime import datetime

    from jobjournal.cli import common
    from jobjournal.vault import cache

    monkeypatch.setenv("JOBJOURNAL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "MIN_FILES", 0)  # a cache for this small vault too
    now = [datetime(2026, 11, 26, 21, 40, 5)]
    monkeypatch.setattr(common, "clock", lambda: now[0])
    note = vault.write("Contacts/Dana.md",
                       "---\ntype: contact\nmissed_call: 2026-11-26T22:25\n---\n", dedent=False)
    hour_ago = time.time() - 3600  # saved long enough ago for the cache to trust it
    os.utime(note, (hour_ago, hour_ago))
    for command in (["check"], ["agenda", "--json"]):
        now[0] = datetime(2026, 11, 26, 21, 40, 5)
        first = runner.invoke(cli, [*command, "--vault", str(vault.root)])
        assert "later than now (21:40)" in first.stdout
        now[0] = datetime(2026, 11, 26, 22, 30, 0)
        later = runner.invoke(cli, [*command, "--vault", str(vault.root)])
        assert "later than now" not in later.stdout, command
