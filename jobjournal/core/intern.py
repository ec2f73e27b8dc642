"""One object per text: what many notes repeat (a key, a company, a status) is held once.

Notes share it in memory, dict lookups compare it by identity first, and a chunk of parsed notes
pickles it once. Unlike `sys.intern` (whose strings some Python versions never free), the table
is bounded: past SHARED_MAX texts it starts afresh, for a watcher that runs for days.
"""

from __future__ import annotations

SHARED_MAX = 50_000
#: text → the object held for it; `SHARED.get(text) or share(text)` spares a call on a hit
SHARED: dict[str, str] = {}


def share(text: str) -> str:
    """The object held for a text equal to `text` (itself, the first time)."""
    try:
        return SHARED[text]
    except KeyError:
        if len(SHARED) >= SHARED_MAX:
            SHARED.clear()
        SHARED[text] = text
        return text
