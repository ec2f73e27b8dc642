"""What the calendar export remembers about each event it wrote, so that `SEQUENCE` grows
whenever an event's content changes and at no other time (docs/design.md, "Calendar events").

Kept per vault in the user's cache folder (vault/cache.py, `cache_dir`), never in the vault:
`vault-<hash>.events.json`, holding for each UID the digest of the event's content as last
exported, the SEQUENCE it was given, and for a call-back the moment it was placed at.

- An event exported as before keeps its SEQUENCE: an unchanged vault exports the same bytes.
- An event whose content changed gets the larger of its old SEQUENCE + 1 and the minutes since
  2000-01-01 UTC by the clock. The clock's part keeps sequences growing when the file is lost
  (a cache folder can be emptied at any time) or when another device exported the vault too:
  a calendar that saw an older sequence still takes the update.
- A call-back sits at the moment it was first exported on its day, so refreshing the calendar
  does not move it (nor ring its alarm again); the next day it moves to that day's export.

With no place to keep it (the cache folder lies inside the vault), nothing is remembered:
SEQUENCE is the minutes since 2000 of the event's DTSTAMP (which grows when its note changes),
and a call-back sits at the export's moment.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from jobjournal.vault.cache import cache_dir

#: Sequences count minutes from here (an int32 holds them until the year 6000).
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
#: The largest SEQUENCE (RFC 5545: a signed 32-bit integer).
MAX_SEQUENCE = 2**31 - 1


def minutes_since_epoch(moment: datetime) -> int:
    """Whole minutes from EPOCH to an aware `moment` (0 before it, MAX_SEQUENCE at most)."""
    return min(MAX_SEQUENCE, max(0, int((moment - EPOCH).total_seconds() // 60)))


def memory_file(root: Path) -> Path | None:
    """Where the vault's event memory is kept, or None when that would be inside the vault."""
    real = os.path.realpath(root)
    folder = Path(os.path.realpath(cache_dir()))
    if folder == Path(real) or folder.is_relative_to(real):
        return None
    name = "vault-" + hashlib.sha256(os.fsencode(real)).hexdigest()[:32]
    return folder / f"{name}.events.json"


class EventMemory:
    """The remembered events of one vault (see the module's docstring). `clock` is the real
    time of the export (aware); safe to share between threads."""

    def __init__(self, path: Path | None, clock: datetime) -> None:
        self.path = path
        self.clock = clock
        self._lock = threading.Lock()
        self._changed = False
        self._events: dict[str, dict[str, Any]] = self._load() if path is not None else {}

    @classmethod
    def of_vault(cls, root: Path, clock: datetime) -> EventMemory:
        return cls(memory_file(root), clock)

    def _load(self) -> dict[str, dict[str, Any]]:
        assert self.path is not None
        try:
            data = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return {}  # none yet, or damaged: sequences still grow (see the docstring)
        events = data.get("events") if isinstance(data, dict) else None
        if not isinstance(events, dict):
            return {}
        return {uid: record for uid, record in events.items() if isinstance(record, dict)}

    def sequence(self, uid: str, digest: str, stamp: datetime) -> int:
        """The SEQUENCE of event `uid` whose content has `digest` (DTSTAMP `stamp`)."""
        if self.path is None:
            return minutes_since_epoch(stamp)
        with self._lock:
            record = self._events.get(uid, {})
            known = record.get("sequence")
            if record.get("digest") == digest and isinstance(known, int):
                return known
            previous = min(known + 1, MAX_SEQUENCE) if isinstance(known, int) else 0
            sequence = max(previous, minutes_since_epoch(self.clock))
            self._events[uid] = {**record, "digest": digest, "sequence": sequence}
            self._changed = True
            return sequence

    def moment(self, uid: str, day: date, now: datetime) -> datetime:
        """Where the call-back `uid` sits on `day`: where it was first put that day, else
        `now` (naive, in the vault's time zone, to the minute)."""
        now = now.replace(second=0, microsecond=0)
        if self.path is None:
            return now
        with self._lock:
            record = self._events.get(uid, {})
            if record.get("day") == day.isoformat():
                with contextlib.suppress(TypeError, ValueError):
                    return datetime.fromisoformat(record["moment"])
            self._events[uid] = {**record, "day": day.isoformat(), "moment": now.isoformat()}
            self._changed = True
            return now

    def save(self) -> None:
        """Write what changed, atomically. A memory that can't be written is no error: the next
        export gives the events it changed a sequence from the clock."""
        with self._lock:
            if self.path is None or not self._changed:
                return
            content = json.dumps({"events": self._events}, sort_keys=True).encode()
            with contextlib.suppress(OSError):
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".events-")
                try:
                    with os.fdopen(fd, "wb") as file:
                        file.write(content)
                    os.replace(temp, self.path)
                except OSError:
                    with contextlib.suppress(OSError):
                        os.unlink(temp)
                    raise
            self._changed = False
