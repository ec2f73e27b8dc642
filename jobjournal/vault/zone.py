"""The vault's time zone as a named zone, for what must name it (a calendar's `TZID`).

Everywhere else a zone is an IANA name and "" means the machine's, which Python's own
conversions follow (they ask the C library). A calendar file needs the machine's zone *by name*:
from `$TZ`, else the zone file `/etc/localtime` links to, else `/etc/timezone` (Debian). A machine
whose zone has no name found that way gets None, and the caller writes UTC times instead.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jobjournal.config import Config

_ZONEINFO = "/zoneinfo/"


def vault_zone(config: Config) -> ZoneInfo | None:
    """`[calendar] timezone`, else the machine's zone when it can be named, else None."""
    name = config.calendar.timezone or machine_zone_name()
    return _zone(name) if name else None


def machine_zone_name() -> str | None:
    """The IANA name of the machine's time zone, or None when it can't be found."""
    candidates: list[str] = []
    tz = os.environ.get("TZ")
    if tz is not None:
        tz = tz.removeprefix(":")
        candidates.append(tz.rpartition(_ZONEINFO)[2] if _ZONEINFO in tz else tz)
        if not tz:
            candidates.append("UTC")  # an empty TZ means UTC to the C library
    else:
        try:
            target = os.path.realpath("/etc/localtime")
        except OSError:
            target = ""
        if _ZONEINFO in target:
            candidates.append(target.rpartition(_ZONEINFO)[2])
        with contextlib.suppress(OSError, UnicodeDecodeError):
            candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    for name in candidates:
        if name and _zone(name) is not None:
            return name
    return None


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
