"""What jobjournal writes into a note's Log besides the user's own words: the record of a change
of status (docs/rules.md, "Body: the Log and tasks")."""

from __future__ import annotations


def status_record(old: object, new: object) -> str | None:
    """The Log's record of a change of status (`status: interviewing → offer`, or `status:
    offer` when there was none): not a contact, but the lead's timeline. None when the status
    does not change."""
    if new is None or not str(new).strip():
        return None
    before = old.strip() if isinstance(old, str) else ""
    if before.lower() == str(new).strip().lower():
        return None
    return f"status: {before} → {new}" if before else f"status: {new}"
