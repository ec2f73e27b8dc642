"""`.jobjournal.toml` (config.py): every number has a range, and a value outside it is an error
naming the key and the range, exit 2, before anything is read or written."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner

from jobjournal.cli.main import cli
from jobjournal.config import SCHEMA, Config, parse_config
from jobjournal.errors import ConfigError

from .conftest import VaultDir

#: (section, key, least, most) of every number in the schema.
RANGES = [
    ("agenda", "horizon_days", 0, 3650),
    ("followup", "grace_workdays", 0, 3650),
    ("followup", "no_decision_date_workdays", 0, 3650),
    ("followup", "min_gap_workdays", 0, 3650),
    ("followup", "application_workdays", 0, 3650),
    ("followup", "thank_you_days", 0, 3650),
    ("followup", "move_on_days", 0, 3650),
    ("insights", "weekly_goal", 0, 1000),
    ("git", "commit_delay_seconds", 0, 86400),
]


def test_every_number_of_the_schema_has_its_range_here() -> None:
    defaults = {(section, key): getattr(getattr(Config(), _attr(section)), key, None)
                for section, keys in SCHEMA.items() for key in keys}
    numbers = {place for place, value in defaults.items()
               if isinstance(value, int) and not isinstance(value, bool)}
    assert numbers == {(section, key) for section, key, _, _ in RANGES}


def _attr(section: str) -> str:
    return {"import": "import_", "vault.folders": "vault"}.get(section, section)


@pytest.mark.parametrize(("section", "key", "least", "most"), RANGES)
def test_a_number_is_read_within_its_range(section: str, key: str, least: int, most: int) -> None:
    for value in (least, most):
        config = parse_config({section: {key: value}})
        assert getattr(getattr(config, _attr(section)), key) == value


@pytest.mark.parametrize(("section", "key", "least", "most"), RANGES)
def test_a_number_outside_its_range_is_an_error_naming_key_and_range(
    section: str, key: str, least: int, most: int
) -> None:
    spelled = {least - 1: str(least - 1), most + 1: str(most + 1), 10**30: str(10**30),
               2.5: "2.5", True: "true", "5": '"5"', "a": '"a"'}
    for value, shown in [*spelled.items(), ([5], "a list"), ({"a": 5}, "a table")]:
        with pytest.raises(ConfigError) as refused:
            parse_config({section: {key: value}})
        assert str(refused.value) == (
            f".jobjournal.toml: [{section}] {key} must be a whole number from {least} to "
            f"{most}, not {shown}"
        )


def test_the_new_settings_have_their_defaults() -> None:
    config = parse_config({})
    assert config.followup.move_on_days == 30
    assert config.insights.weekly_goal == 5
    assert parse_config({"followup": {"move_on_days": 45}}).followup.move_on_days == 45


def test_a_huge_gap_in_the_config_is_refused_at_once(runner: CliRunner, vault: VaultDir) -> None:
    """It used to be accepted, and to take seconds per note counting two million workdays."""
    vault.config("[followup]\nmin_gap_workdays = 2000000\n")
    for number in range(11):
        vault.write(f"Interviews/Acme {number}.md", f"""\
            ---
            type: interview
            date: 2026-11-{number + 1:02d}
            decision_date: 2026-11-20
            ---
            ## Log
            - 2026-11-23 Called
            """)
    start = time.monotonic()
    result = runner.invoke(cli, ["agenda", "--vault", str(vault.root), "--today", "2026-11-26"])
    assert time.monotonic() - start < 2
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        "jobjournal: error: .jobjournal.toml: [followup] min_gap_workdays must be a whole number "
        "from 0 to 3650, not 2000000\n"
    )
    assert not (vault.root / "Agenda.md").exists()


@pytest.mark.parametrize("toml", ["[agenda]\nhorizon_days = 99999999\n",
                                  "[insights]\nweekly_goal = 1001\n",
                                  "[followup]\nmove_on_days = -1\n"])
def test_check_and_export_refuse_an_out_of_range_setting_too(
    runner: CliRunner, vault: VaultDir, toml: str
) -> None:
    vault.config(toml)
    for command in (["check"], ["export", "csv"]):
        result = runner.invoke(cli, [*command, "--vault", str(vault.root)])
        assert result.exit_code == 2, result.output
        assert "must be a whole number from 0 to" in result.stderr
        assert "internal error" not in result.stderr


def test_the_largest_settings_still_compute(runner: CliRunner, vault: VaultDir) -> None:
    """Ten years of workdays after the last day the notes may name stays in the calendar."""
    vault.config("""\
        [agenda]
        horizon_days = 3650
        [followup]
        grace_workdays = 3650
        no_decision_date_workdays = 3650
        min_gap_workdays = 3650
        application_workdays = 3650
        thank_you_days = 3650
        [calendar]
        workdays = ["sun"]
        holidays = "US"
        """)
    vault.write("Interviews/Late.md", """\
        ---
        type: interview
        date: 9000-12-30
        decision_date: 9000-12-31
        follow_up: 9000-12-31
        ---
        ## Log
        - 9000-12-31 Called
        """)
    vault.write("Applications/Late.md", "---\ntype: application\napplied: 9000-12-31\n---\n")
    vault.write("Referrals/Late.md", "---\ntype: referral\ndate: 9000-12-31\n---\n")
    vault.write("Contacts/Late.md", "---\ntype: contact\nstay_in_touch: 3650\n"
                "last_contact: 9000-12-31\n---\n")
    for command in (["agenda", "--json"], ["check"], ["export", "csv"], ["export", "ics"]):
        result = runner.invoke(cli, [*command, "--vault", str(vault.root),
                                     "--today", "9000-12-31"])
        assert result.exit_code in (0, 1), (command, result.output)
        assert "internal error" not in result.stderr


def test_me_names_the_user_and_is_one_line() -> None:
    assert Config().me.name == Config().me.email == ""
    me = parse_config({"me": {"name": " Sam Seeker ", "email": "sam@example.org"}}).me
    assert (me.name, me.email) == ("Sam Seeker", "sam@example.org")
    with pytest.raises(ConfigError, match=r"\[me\] name must be one line"):
        parse_config({"me": {"name": "Sam\nSeeker"}})
    with pytest.raises(ConfigError, match=r"\[me\] email must be a string"):
        parse_config({"me": {"email": 3}})
