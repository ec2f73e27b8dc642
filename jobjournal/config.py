"""`.jobjournal.toml`: the schema as data, defaults, validation naming the bad key.

Every key, its default and its meaning: README, "Configuration".
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from jobjournal.core.model import NoteType
from jobjournal.errors import ConfigError

CONFIG_NAME = ".jobjournal.toml"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class AgendaConfig:
    path: str = "Agenda.md"
    horizon_days: int = 14


@dataclass(frozen=True)
class FollowupConfig:
    grace_workdays: int = 2
    no_decision_date_workdays: int = 5
    min_gap_workdays: int = 5
    application_workdays: int = 7
    thank_you_days: int = 1
    move_on_days: int = 30


@dataclass(frozen=True)
class CalendarConfig:
    workdays: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    holidays: str = ""  # "US", "GB", "DE-BY", …; empty: no public holidays
    timezone: str = ""  # an IANA name, "Europe/Berlin"; empty: the machine's


DEFAULT_FOLDERS: Mapping[str, str] = {
    "contact": "Contacts",
    "interview": "Interviews",
    "application": "Applications",
    "referral": "Referrals",
    "meeting": "Meetings",
}


@dataclass(frozen=True)
class BoardConfig:
    path: str = "Pipeline.md"  # the pipeline board, a Kanban plugin board
    enabled: bool = True


@dataclass(frozen=True)
class InsightsConfig:
    weekly_goal: int = 5  # applications sent, meetings held and referrals received in a week


@dataclass(frozen=True)
class VaultConfig:
    templates: str = "Templates"
    ignore: tuple[str, ...] = ()
    tasks_from: str = "typed"
    folders: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_FOLDERS))


@dataclass(frozen=True)
class GitConfig:
    commit_delay_seconds: int = 60


@dataclass(frozen=True)
class ImportConfig:
    #: how `import csv` reads a date like 03/04/2026: "DMY", "MDY", or None (reported, not guessed)
    date_order: str | None = None


@dataclass(frozen=True)
class MeConfig:
    name: str = ""  # signs the email drafts of the agenda's items
    email: str = ""  # the user's own address


@dataclass(frozen=True)
class CiConfig:
    #: the pip requirement the CI workflow installs (`jobjournal git ci`); empty: this version
    install: str = ""


@dataclass(frozen=True)
class Config:
    agenda: AgendaConfig = field(default_factory=AgendaConfig)
    followup: FollowupConfig = field(default_factory=FollowupConfig)
    calendar: CalendarConfig = field(default_factory=CalendarConfig)
    vault: VaultConfig = field(default_factory=VaultConfig)
    git: GitConfig = field(default_factory=GitConfig)
    import_: ImportConfig = field(default_factory=ImportConfig)
    insights: InsightsConfig = field(default_factory=InsightsConfig)
    me: MeConfig = field(default_factory=MeConfig)
    ci: CiConfig = field(default_factory=CiConfig)
    board: BoardConfig = field(default_factory=BoardConfig)

    def skipped_notes(self) -> tuple[str, ...]:
        """The generated notes, never read as notes: the agenda, and the board when it is on."""
        return (self.agenda.path, self.board.path) if self.board.enabled else (self.agenda.path,)


# --- value checks: each returns the normalised value or raises ValueError("must be …") ---------


#: The most days (or workdays) a setting may count: ten years. Bounded, so that every date the
#: rules compute stays inside the calendar.
MAX_DAYS = 3650


def _int(minimum: int, maximum: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not (
            minimum <= value <= maximum
        ):
            raise ValueError(
                f"must be a whole number from {minimum} to {maximum}, not {_as_toml(value)}")
        return value

    return check


_DAYS = _int(0, MAX_DAYS)


def _as_toml(value: Any) -> str:
    """A value as the TOML file spells it, for a message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, int | float):
        return repr(value)
    return "a table" if isinstance(value, dict) else "a list" if isinstance(value, list) else "that"


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


def _vault_relative(value: Any, *, md: bool = False) -> str:
    text = _str(value).strip().replace("\\", "/")
    path = PurePosixPath(text)
    if not text or path.is_absolute() or ".." in path.parts or text.startswith("~"):
        raise ValueError(
            "must be a path inside the vault, like " + ('"Agenda.md"' if md else '"Templates"')
        )
    if md and path.suffix != ".md":
        raise ValueError('must end in ".md"')
    return str(path)


def _agenda_path(value: Any) -> str:
    return _vault_relative(value, md=True)


def _folder(value: Any) -> str:
    return _vault_relative(value)


def _workdays(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"must be a non-empty list of day names from {list(WEEKDAYS)}")
    days = []
    for day in value:
        name = str(day).strip().lower()[:3]
        if name not in WEEKDAYS:
            raise ValueError(f"has {day!r}, which is not one of {list(WEEKDAYS)}")
        days.append(name)
    return tuple(sorted(set(days), key=WEEKDAYS.index))


def _holidays(value: Any) -> str:
    text = _str(value).strip()
    if not text:
        return ""
    import holidays  # heavy: only when a calendar is configured

    country, _, subdiv = text.upper().partition("-")
    try:
        holidays.country_holidays(country)
    except NotImplementedError:
        raise ValueError(
            f'has unknown country "{country}" (use a code like "US", "GB", "DE")'
        ) from None
    if subdiv:
        try:
            holidays.country_holidays(country, subdiv=subdiv)
        except NotImplementedError:
            raise ValueError(f'has unknown region "{subdiv}" for {country}') from None
    return f"{country}-{subdiv}" if subdiv else country


def _timezone(value: Any) -> str:
    name = _str(value).strip()
    if not name:
        return ""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(
            f'has unknown time zone "{name}" (use an IANA name like "Europe/Berlin" or '
            '"America/New_York", or "" for the machine\'s)'
        ) from None
    return name


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, not {_as_toml(value)}")
    return value


def _one_line(value: Any) -> str:
    text = _str(value)
    if "\n" in text or "\r" in text:
        raise ValueError("must be one line")
    return text.strip()


def _ignore(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise ValueError(
            'must be a list of gitignore-style patterns, like ["Archive/", "*.draft.md"]'
        )
    return tuple(value)


def _tasks_from(value: Any) -> str:
    if value not in ("typed", "all"):
        raise ValueError('must be "typed" or "all"')
    return str(value)


def _date_order(value: Any) -> str:
    order = _str(value).strip().upper()
    if order not in ("DMY", "MDY"):
        raise ValueError('must be "DMY" (day first, 03/04 is 3 April) or "MDY" (month first)')
    return order


#: The schema: section → key → check. Defaults come from the dataclasses above.
SCHEMA: Mapping[str, Mapping[str, Callable[[Any], Any]]] = {
    "agenda": {"path": _agenda_path, "horizon_days": _DAYS},
    "followup": {
        "grace_workdays": _DAYS,
        "no_decision_date_workdays": _DAYS,
        "min_gap_workdays": _DAYS,
        "application_workdays": _DAYS,
        "thank_you_days": _DAYS,
        "move_on_days": _DAYS,
    },
    "calendar": {"workdays": _workdays, "holidays": _holidays, "timezone": _timezone},
    "vault": {"templates": _folder, "ignore": _ignore, "tasks_from": _tasks_from},
    "vault.folders": {t.value: _folder for t in NoteType},
    "git": {"commit_delay_seconds": _int(0, 24 * 60 * 60)},
    "import": {"date_order": _date_order},
    "insights": {"weekly_goal": _int(0, 1000)},
    "me": {"name": _one_line, "email": _one_line},
    "ci": {"install": _one_line},
    "board": {"path": _agenda_path, "enabled": _bool},
}


def parse_config(data: Mapping[str, Any], source: str = CONFIG_NAME) -> Config:
    """Validate parsed TOML against SCHEMA; every error names the key and says what it must be."""
    values: dict[str, dict[str, Any]] = {section: {} for section in SCHEMA}
    for section, table in data.items():
        if section not in SCHEMA or section == "vault.folders":
            raise ConfigError(f"{source}: unknown section [{section}]")
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: [{section}] must be a table")
        for key, value in table.items():
            if section == "vault" and key == "folders":
                if not isinstance(value, dict):
                    raise ConfigError(f"{source}: [vault.folders] must be a table")
                for type_name, folder in value.items():
                    _store(values, "vault.folders", type_name, folder, source)
                continue
            _store(values, section, key, value, source)
    folders = {**DEFAULT_FOLDERS, **values.pop("vault.folders")}
    board = BoardConfig(**values["board"])
    if board.path == values["agenda"].get("path", AgendaConfig.path):
        raise ConfigError(f'{source}: [board] path must differ from [agenda] path ("{board.path}")')
    return Config(
        agenda=AgendaConfig(**values["agenda"]),
        followup=FollowupConfig(**values["followup"]),
        calendar=CalendarConfig(**values["calendar"]),
        vault=VaultConfig(**values["vault"], folders=folders),
        git=GitConfig(**values["git"]),
        import_=ImportConfig(**values["import"]),
        insights=InsightsConfig(**values["insights"]),
        me=MeConfig(**values["me"]),
        ci=CiConfig(**values["ci"]),
        board=board,
    )


def _store(
    values: dict[str, dict[str, Any]], section: str, key: str, value: Any, source: str
) -> None:
    checks = SCHEMA[section]
    if key not in checks:
        known = ", ".join(checks)
        raise ConfigError(f"{source}: unknown key [{section}] {key} (known keys: {known})")
    try:
        values[section][key] = checks[key](value)
    except ValueError as exc:
        raise ConfigError(f"{source}: [{section}] {key} {exc}") from None


def load_config(vault_root: Path) -> Config:
    """Read `<vault>/.jobjournal.toml`; a missing file means the defaults."""
    path = vault_root / CONFIG_NAME
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{CONFIG_NAME}: cannot read it ({exc})") from None
    return config_from_text(text)


def config_from_text(text: str, source: str = CONFIG_NAME) -> Config:
    """The settings a `.jobjournal.toml` holding `text` gives (`source` names it in errors)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML ({exc})") from None
    return parse_config(data, source)
