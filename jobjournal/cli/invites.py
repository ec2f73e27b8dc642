"""`jobjournal import ics`: a calendar invite becomes an interview (or meeting) note, and the
same invite sent again (moved, cancelled) updates that note.

Thin: imports/invite.py reads the file, imports/invite_note.py decides what to write, the
editor (edit/editor.py) changes only the lines it must and vault/atomic.py writes; this layer
reads the disk and the clock, looks the vault through once (the note of the invite's UID, the
contact notes of the people it names, the titles taken) and reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from jobjournal.cli import common
from jobjournal.config import Config
from jobjournal.core.model import NoteType
from jobjournal.errors import JobJournalError, RefusalError
from jobjournal.imports.invite import Invite, InviteError, Person, read_invite

_UID_KEY = re.compile(rb"^\s*uid\s*:", re.MULTILINE)
_ADDRESSES = re.compile(r"[\s,;<>]+")


@dataclass
class _Found:
    """What the vault holds that the invite concerns."""

    notes: list[str] = field(default_factory=list)  # the notes whose `uid` is the invite's
    unreadable: list[str] = field(default_factory=list)  # notes naming it that can't be read
    contacts: dict[str, list[str]] = field(default_factory=dict)  # email → contact notes
    titles: dict[str, list[str]] = field(default_factory=dict)  # title key → notes


def refuse_options(*, force: bool, sheet: str | None) -> None:
    """Refuse the options of `import` that are for spreadsheets."""
    if force:
        raise click.BadParameter("it is for a spreadsheet: an invite is imported whole or not "
                                 "at all", param_hint="'--force'")
    if sheet is not None:
        raise click.BadParameter("it is for a workbook (xlsx): an invite has no sheets",
                                 param_hint="'--sheet'")


def import_ics(ctx: click.Context, today: date | None, file: Path, as_type: str | None,
               me: Sequence[str], dry_run: bool) -> None:
    """The `import ics` command (see its --help in cli/exchange.py)."""
    note_type = NoteType(as_type or NoteType.INTERVIEW.value)
    root, config = common.find_root(ctx)
    day = common.today_from(today)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise JobJournalError(f"cannot read {file} ({exc.strerror or exc})") from None
    addresses = _my_addresses(me or [config.me.email])
    if not addresses:
        click.echo("jobjournal: no [me] email in .jobjournal.toml and no --me: you are taken for "
                   "one of the guests (set [me] email, or pass --me YOUR@ADDRESS)", err=True)
    zone = config.calendar.timezone
    try:
        invite = read_invite(data, zone=zone, today=day, me=addresses)
    except InviteError as exc:
        raise JobJournalError(f"{file.name}: {exc}; nothing was imported") from None
    found = _look_through(root, config, invite)
    if found.unreadable and not found.notes:
        raise RefusalError(f"{found.unreadable[0]} seems to hold this invite (uid {invite.uid}) "
                           "but its front matter can't be read: fix it, then import again")
    if len(found.notes) > 1:
        raise RefusalError(f"{' and '.join(found.notes)} both have uid {invite.uid}: keep it in "
                           "one of them, then import again")
    now = datetime.combine(day, common.clock().time().replace(second=0))
    if found.notes:
        _update(root, found.notes[0], invite, zone, now, dry_run)
    elif invite.cancelled:
        click.echo(f"{file.name}: cancels an event no note holds (uid {invite.uid}): nothing "
                   "to do")
    else:
        _create(root, config, invite, note_type, found, now, dry_run)


def _my_addresses(given: Iterable[str]) -> list[str]:
    return [part.lower().removeprefix("mailto:") for text in given
            for part in _ADDRESSES.split(text) if "@" in part]


def _look_through(root: Path, config: Config, invite: Invite) -> _Found:
    """One pass over the vault's notes: each is read as bytes, and only one that may matter
    (a `uid:` key; an address of someone the invite names) has its front matter read."""
    from jobjournal.edit import editor as edit
    from jobjournal.vault.scan import name_key, scan

    people = [person for person in (invite.organizer, *invite.attendees)
              if person is not None and person.email]
    wanted = {person.email.encode("utf-8") for person in people}
    uid = invite.uid.encode("utf-8")
    found = _Found()
    for rel in scan(root, config):
        found.titles.setdefault(name_key(rel.rpartition("/")[2][:-3]), []).append(rel)
        try:
            data = (root / rel).read_bytes()
        except OSError:
            continue
        has_uid = _UID_KEY.search(data) is not None
        lowered = data.lower() if wanted else b""
        emails = [email for email in wanted if email in lowered]
        if not has_uid and not emails:
            continue
        try:
            front = edit.front_matter(edit.decode_note(data))
        except RefusalError:
            if has_uid and uid in data:
                found.unreadable.append(rel)
            continue
        if has_uid and str(front.get("uid", "")).strip() == invite.uid:
            found.notes.append(rel)
        if emails and str(front.get("type", "")).strip() == NoteType.CONTACT.value:
            for address in _my_addresses([str(front.get("email", "") or "")]):
                found.contacts.setdefault(address, []).append(rel)
    return found


def _linker(found: _Found) -> Any:
    def named(person: Person) -> str:
        notes = found.contacts.get(person.email)
        if not notes:
            return person.name
        path = min(notes, key=lambda rel: (len(rel), rel))[:-3]
        title = path.rpartition("/")[2]
        from jobjournal.vault.scan import name_key

        unique = len(found.titles.get(name_key(title), [])) == 1
        return f"[[{title if unique else path}]]"

    return named


def _create(root: Path, config: Config, invite: Invite, note_type: NoteType, found: _Found,
            now: datetime, dry_run: bool) -> None:
    from jobjournal.edit import editor as edit
    from jobjournal.edit.new_notes import NoteMaker
    from jobjournal.imports.invite_note import (
        add_invite_section,
        invite_section,
        invite_title,
        note_fields,
    )
    from jobjournal.imports.note_text import import_title
    from jobjournal.vault.scan import name_key

    title = invite_title(invite, note_type, import_title)
    taken = found.titles.get(name_key(title))
    if taken:
        day = invite.start.date() if isinstance(invite.start, datetime) else invite.start
        dated = f"{title} ({day.isoformat()})"
        if found.titles.get(name_key(dated)):
            raise RefusalError(f"{taken[0]} and {found.titles[name_key(dated)][0]} exist and "
                               "hold other events: rename one of them, then import again")
        click.echo(f"{taken[0]} exists and holds another event: the invite's note is "
                   f"named {dated!r}")
        title = dated
    rel = f"{config.vault.folders[note_type.value]}/{title}.md"
    fields = note_fields(invite, note_type, _linker(found))
    verb = "would create" if dry_run else "created"
    maker = NoteMaker(root, config, now)
    text = maker.render(note_type, title, [(key, edit.yaml_value(v)) for key, v in fields])
    text = add_invite_section(text, invite_section(invite))
    if not dry_run:
        maker.create(rel, text)
    click.echo(f"{verb} {rel}")
    for key, value in fields:
        click.echo(f"  {key}: {edit.yaml_value(value)}")
    if dry_run:
        click.echo("Dry run: nothing was written.")


def _update(root: Path, rel: str, invite: Invite, zone: str, now: datetime,
            dry_run: bool) -> None:
    from jobjournal.edit import editor as edit
    from jobjournal.imports.invite_note import Update, plan_update
    from jobjournal.vault.atomic import edit_file

    planned: list[Update] = []

    def change(data: bytes) -> bytes:
        update = plan_update(edit.front_matter(edit.decode_note(data)), invite, zone=zone,
                             now=now)
        planned[:] = [update]
        result = edit.edit_note(data, update.fields)
        for entry in update.entries:
            result = edit.edit_note(result, (), entry)
        return result

    if dry_run:
        try:
            change((root / rel).read_bytes())
        except OSError as exc:
            raise JobJournalError(f"cannot read {rel} ({exc.strerror or exc})") from None
        except RefusalError as exc:
            raise RefusalError(f"{rel} would be left unchanged: {exc.message}") from None
    else:
        edit_file(root / rel, rel, change)
    update = planned[0]
    if update.unchanged is not None:
        click.echo(f"{rel}: {update.unchanged}")
        return
    for key, value in update.fields:
        click.echo(f"{rel}: {key}: {edit.yaml_value(value)}")
    for entry in update.entries:
        click.echo(f"{rel}: - {entry}")
    if dry_run:
        click.echo("Dry run: nothing was written.")
