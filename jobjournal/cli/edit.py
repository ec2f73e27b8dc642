"""`jobjournal new` and `jobjournal log`: create a note, record a contact.

Thin: command-line text becomes values here; templates.py fills in the template, editor.py
changes the note's text (only the lines it must), vault/atomic.py writes it (docs/design.md,
"Writing into the vault"). This layer alone reads the clock (through common.today_from, and
for the time of `{{time}}` and of a missed call).
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from jobjournal.cli import common, complete
from jobjournal.cli.common import find_root, today_from, today_option, vault_option
from jobjournal.core.dates import DateError, parse_when
from jobjournal.core.fields import COERCERS, FieldError
from jobjournal.core.model import CLOSED_STATUSES, INCOMING_MARKS, OPEN_STATUSES, NoteType, When
from jobjournal.edit.records import status_record
from jobjournal.errors import RefusalError

TYPES = tuple(t.value for t in NoteType)
STATUSES = tuple(sorted(OPEN_STATUSES)) + tuple(sorted(CLOSED_STATUSES))

# How `--set KEY=VALUE` reads VALUE, by key (docs/rules.md, "Notes and fields"); other keys: a
# date, a whole number, true/false, or text, whichever it looks like.
_WHEN_KEYS = frozenset({"date", "missed_call"})
_DAY_KEYS = frozenset({"follow_up", "last_contact", "decision_date", "respond_by", "applied"})
_SENT_KEYS = frozenset({"thank_you", "thanked"})
_COUNT_KEYS = frozenset({"candidates", "stay_in_touch"})
_LIST_KEYS = frozenset({"with", "tags"})
_TEXT_KEYS = frozenset({"company", "role", "relationship", "phone", "email", "stage", "recruiter",
                        "hiring_manager", "source", "contact", "referral", "from", "purpose",
                        "location", "url"})
_KEY = re.compile(r"^\w[\w .-]*$")
_DATE_SHAPED = re.compile(r"^\s*\d{4}-\d{2}-\d{2}")
_INT = re.compile(r"^-?\d+$")


# --- command-line text → values -----------------------------------------------------------------


def _when(value: str, param: str) -> When:
    try:
        return parse_when(value)
    except DateError as exc:
        raise click.BadParameter(str(exc), param_hint=param) from None


def _day(value: str, param: str) -> date:
    when = _when(value, param)
    return when.date() if isinstance(when, datetime) else when


def _status(value: str, param: str) -> str:
    status = value.strip().lower()
    if status not in STATUSES:
        raise click.BadParameter(
            f"unknown status {value!r}: use one of {', '.join(STATUSES)}", param_hint=param
        )
    return status


def _field_value(key: str, raw: str) -> object:
    """The value `--set KEY=RAW` means, typed so that it is written as YAML of the right kind."""
    text, param = raw.strip(), f"--set {key}"
    if not text:
        return None
    if key == "status":
        return _status(text, param)
    if key in _WHEN_KEYS:
        return _when(text, param)
    if key in _DAY_KEYS:
        return _day(text, param)
    if key in _SENT_KEYS:
        if text.lower() in ("true", "false", "skipped"):
            return text.lower() if text.lower() == "skipped" else text.lower() == "true"
        if not _DATE_SHAPED.match(text):
            raise click.BadParameter(f"{text!r}: write the day you sent it (YYYY-MM-DD), true, "
                                     "false, or skipped (no thank-you)", param_hint=param)
        return _day(text, param)
    if key in _COUNT_KEYS:
        try:  # what reading the note would say of it, and its range
            return COERCERS[key](text)
        except FieldError as exc:
            raise click.BadParameter(str(exc), param_hint=param) from None
    if key in _TEXT_KEYS or key in _LIST_KEYS:
        return text
    if _DATE_SHAPED.match(text):
        return _when(text, param)
    if _INT.match(text):
        return int(text)
    return text.lower() == "true" if text.lower() in ("true", "false") else text


def _settings(items: Sequence[str]) -> list[tuple[str, object]]:
    """`--set KEY=VALUE` options as (key, value); a list field collects every value given."""
    values: dict[str, object] = {}
    lists: dict[str, list[object]] = {}
    for item in items:
        key, equals, raw = item.partition("=")
        key = key.strip()
        if not equals or not _KEY.match(key):
            raise click.BadParameter(
                f"{item!r}: write KEY=VALUE, like --set company=Acme", param_hint="--set"
            )
        if key == "type":
            raise click.BadParameter("the type comes from TYPE; leave it out", param_hint="--set")
        value = _field_value(key, raw)
        if key in _LIST_KEYS:
            values[key] = lists.setdefault(key, [])
            lists[key] += [] if value is None else [value]
        elif key in values:
            raise click.BadParameter(f"{key} is given twice: keep one", param_hint="--set")
        else:
            values[key] = value
    return list(values.items())


# --- fields and note types ----------------------------------------------------------------------

#: Stands for the field `--thank-you` sets, which depends on the note's type.
THANKS = "--thank-you"


def note_type_of(front_matter: dict[Any, Any]) -> NoteType | None:
    """The jobjournal type a note's front matter gives it, read as the parser reads it."""
    raw = front_matter.get("type")
    return NoteType(raw.strip()) if isinstance(raw, str) and raw.strip() in TYPES else None


def fields_for(note_type: NoteType | None, fields: Sequence[tuple[str, object]], *,
               force: bool = False) -> list[tuple[str, object]]:
    """The (key, value) pairs to write on a note of this type: `--thank-you` becomes the type's
    thank-you field (`thank_you`, or `thanked` on a referral). Refused unless `force`: a key
    that looks like a slip for one of the type's fields (docs/rules.md, "Notes and fields"), and
    a field of other types only (`decision_date` on a contact), which the note would ignore.
    A note without a jobjournal type takes any key (`--thank-you` is then `thank_you`)."""
    from jobjournal.core.fields import KNOWN_FIELDS, meant_field, thanks_field

    fitted: dict[str, object] = {}
    for key, value in fields:
        if key == THANKS:
            found = "thank_you" if note_type is None else thanks_field(note_type)
            if found is None and not force:
                raise RefusalError(
                    f"--thank-you: {_a(note_type)} has no thank-you field (`thank_you` is an "
                    "interview's or a meeting's, `thanked` a referral's): record your thanks as "
                    "the Log entry's text")
            key = found or "thank_you"
        elif note_type is not None and key not in KNOWN_FIELDS[note_type] and not force:
            meant = meant_field(note_type, key)
            owners = [t.value + "s" for t in NoteType if key in KNOWN_FIELDS[t]]
            if meant is not None:
                raise RefusalError(f"`{key}` is not a field of {_a(note_type)}: did you mean "
                                   f"`{meant}`? (--force writes `{key}` as given)")
            if owners:
                raise RefusalError(
                    f"`{key}` is not a field of {_a(note_type)} (only of {_or(owners)}), so "
                    f"jobjournal would ignore it: leave it out (--force writes it anyway)")
        if key in fitted:
            raise RefusalError(f"`{key}` is given twice: keep one")
        fitted[key] = value
    return list(fitted.items())


def _or(words: Sequence[str]) -> str:
    """"interviews", "interviews or meetings", "a, b or c"."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _a(note_type: NoteType | None) -> str:
    """"an interview", "a contact"."""
    name = "note" if note_type is None else note_type.value
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


# --- the vault ----------------------------------------------------------------------------------


def resolve_note(query: str, paths: Sequence[str], root: Path) -> str:
    """NOTE as a path (with or without `.md`, any case), else a title (any case), else words
    found anywhere in exactly one title, in any order and any case ("frontend" finds "Hooli -
    Frontend Engineer"); words with a `/` are looked for in the path. Several matches are refused,
    naming them."""
    given = Path(query).expanduser()
    if given.suffix.lower() == ".md" and given.is_file():  # a path the shell completed
        real, base = os.path.realpath(given), os.path.realpath(root)
        if real.startswith(base.rstrip(os.sep) + os.sep):
            rel = Path(os.path.relpath(real, base)).as_posix()
            if rel in paths:
                return rel
    wanted = query.strip().replace("\\", "/").removeprefix("./")
    wanted = wanted[:-3] if wanted.lower().endswith(".md") else wanted
    if not wanted:
        raise click.BadParameter("give a note's title or path", param_hint="NOTE")
    if wanted + ".md" in paths:
        return wanted + ".md"
    folded = wanted.casefold()
    words = folded.split()
    stems = {path: path[:-3].casefold() for path in paths}
    matchers: tuple[Callable[[str], bool], ...] = (
        lambda stem: stem == folded,  # the path, any case
        lambda stem: stem.rpartition("/")[2] == folded or stem.endswith("/" + folded),  # title
        lambda stem: all(word in (stem if "/" in folded else stem.rpartition("/")[2])
                         for word in words),  # words anywhere in the title (or the path)
    )
    for match in matchers:
        found = [path for path, stem in stems.items() if match(stem)]
        if len(found) == 1:
            return found[0]
        if found:
            raise click.BadParameter(
                f"{query!r} matches {len(found)} notes: {', '.join(found)}; "
                "give more of the title, or the path", param_hint="NOTE")
    raise click.BadParameter(f"no note matches {query!r}{_closest(folded, paths)}",
                             param_hint="NOTE")


def _closest(folded: str, paths: Sequence[str]) -> str:
    """A "did you mean" naming the notes whose title (or its start) is most like the query."""

    def likeness(path: str) -> float:
        title = path.rpartition("/")[2][:-3].casefold()
        return max(difflib.SequenceMatcher(None, folded, text).ratio()
                   for text in (title, title[: len(folded)]))

    scored = sorted((-likeness(path), path) for path in paths)
    close = [path for score, path in scored[:3] if -score >= 0.6]
    if not close:
        return "; `jobjournal new TYPE TITLE` creates one"
    return "; did you mean " + " or ".join(f'"{path[:-3]}"' for path in close) + "?"


# --- the commands -------------------------------------------------------------------------------


def _note_type(_ctx: click.Context, _param: click.Parameter, value: str) -> NoteType:
    name = value.strip().lower()
    if name not in TYPES:
        close = difflib.get_close_matches(name, TYPES, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise click.BadParameter(f"unknown type {value!r}{hint}: use one of {', '.join(TYPES)}")
    return NoteType(name)


def _title(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    from jobjournal.edit.templates import safe_title

    try:
        return safe_title(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command()
@vault_option
@today_option
@click.argument("note_type", metavar="TYPE", callback=_note_type,
                shell_complete=complete.note_types)
@click.argument("title", callback=_title)
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE",
              help="Set a front-matter field (repeat for more; list fields like `with` and "
              "`tags` collect every value given).")
@click.option("--force", is_flag=True, help="Write a --set key that looks like a slip for one "
              "of the type's fields, or that only other types have.")
@click.pass_context
def new(ctx: click.Context, today: Any, note_type: NoteType, title: str,
        settings: tuple[str, ...], force: bool) -> None:
    """Create a note of TYPE named TITLE from its template, and print its path.

    TYPE is contact, interview, application, referral or meeting. The note is
    Templates/TYPE.md filled in as Obsidian's Templates plugin would ({{title}},
    {{date}}, {{time}}, {{date:FORMAT}}), written to the type's folder
    ([vault.folders] in .jobjournal.toml): `new interview "Acme - Backend"`
    makes Interviews/Acme - Backend.md. An existing note is never overwritten.

    \b
    Examples:
      jobjournal new contact "Robin Recruiter" --set company=Acme --set phone="+1 555 0100"
      jobjournal new interview "Acme - Backend" --set date=2026-12-03T10:00 \\
          --set recruiter="[[Robin Recruiter]]" --set with="[[Sam Lee]]"

    Dates are written as dates, links in quotes, text quoted only where YAML
    needs it. A title can't hold / \\ : * ? " < > | # ^ [ ] (they break file
    names or wikilinks). A key that looks like a slip for one of the type's
    fields (`dat` for `date`), or that only other types have, is refused
    unless you add --force.
    """
    from jobjournal.edit import editor as edit
    from jobjournal.edit.new_notes import NoteMaker

    fields = fields_for(note_type, _settings(settings), force=force)
    root, config = find_root(ctx)
    now = datetime.combine(today_from(today), datetime.now().time().replace(microsecond=0))
    maker = NoteMaker(root, config, now)
    if maker.template(note_type).builtin:
        click.echo(f"jobjournal: {maker.template_path(note_type)} not found: using a minimal "
                   f"{note_type.value} note", err=True)
    text = maker.render(note_type, title, [(key, edit.yaml_value(v)) for key, v in fields])
    rel = f"{config.vault.folders[note_type.value]}/{title}.md"
    maker.create(rel, text)
    click.echo(rel)


def _optional(check: Callable[[str, str], Any]) -> Callable[[click.Context, click.Parameter,
                                                                 str | None], Any]:
    def callback(_ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
        return None if value is None else check(value, param.opts[0])

    return callback


@click.command()
@vault_option
@today_option
@click.argument("note", shell_complete=complete.note_titles)
@click.argument("text", required=False)
@click.option("--date", "entry_date", metavar="YYYY-MM-DD", callback=_optional(_when),
              help="When the contact happened (default: now, with the time of day); a time "
              "may follow, as in 2026-11-26T15:30.")
@click.option("--decision-date", metavar="YYYY-MM-DD", callback=_optional(_day),
              help="Set decision_date: when they said they will decide.")
@click.option("--status", metavar="STATUS", callback=_optional(_status),
              shell_complete=complete.statuses,
              help=f"Set status: one of {', '.join(STATUSES)}; the change is recorded in the "
              "Log too (`status: interviewing → offer`, no contact).")
@click.option("--follow-up", metavar="YYYY-MM-DD", callback=_optional(_day),
              help="Set follow_up: the day you mean to get in touch next.")
@click.option("--thank-you", is_flag=True, help="Record your thanks as sent today: sets "
              "thank_you (thanked on a referral).")
@click.option("--incoming", is_flag=True, help="They contacted you: the entry starts with `← `, "
              "a contact that doesn't count as you calling too often.")
@click.option("--missed-call", is_flag=False, flag_value="now", metavar="[WHEN]",
              help="Record a call you missed (default: now) instead of a Log entry.")
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE",
              help="Set any front-matter field, as `new --set` does.")
@click.option("--force", is_flag=True, help="Write a field the note's type doesn't have, or a "
              "key that looks like a slip for one it has.")
@click.pass_context
def log(ctx: click.Context, today: Any, note: str, text: str | None, entry_date: When | None,
        decision_date: date | None, status: str | None, follow_up: date | None,
        thank_you: bool, incoming: bool, missed_call: str | None, settings: tuple[str, ...],
        force: bool) -> None:
    """Record a contact with NOTE: add `- DATE TEXT` to its Log and set fields.

    NOTE is a note's path, its title (any case), or words found in exactly one
    title ("frontend" finds "Hooli - Frontend Engineer").
    The entry goes at the end of the note's Log section (a `## Log` heading is
    added when there is none); only that line and the fields' lines change.

    \b
    Examples:
      jobjournal log acme "Called Dana, decision moved to Dec 5" --decision-date 2026-12-05
      jobjournal log "Dana Recruiter" "Sent my CV" --date 2026-11-24 --follow-up 2026-12-01
      jobjournal log acme "Dana called: onsite on Dec 8" --incoming
      jobjournal log acme --missed-call                 # a call you missed, now
      jobjournal log acme --missed-call 2026-11-26T09:40

    Without --date the entry is dated now, with the time of day
    (`- 2026-11-26T15:30 …`). A missed call adds no Log entry: the agenda shows
    a call-back until a later entry records that you called back (an entry with
    only a date, on the day of a call missed at a time, does not: it may have
    come before the call). A field the note's type doesn't have
    (--decision-date on a contact), or a --set key that looks like a slip for
    one it has (`dat` for `date`), is refused unless you add --force.
    """
    day = today_from(today)
    if missed_call is not None:
        if text is not None:
            raise click.UsageError("--missed-call records a call you missed and adds no Log "
                                   "entry: leave out TEXT (log the call back once you made it)")
        if entry_date is not None:
            raise click.UsageError("--date dates a Log entry; give the missed call's time as "
                                   "--missed-call WHEN")
        if incoming:
            raise click.UsageError("--incoming marks a Log entry, and a missed call adds none: "
                                   "leave out one of them")
    elif text is None or not text.strip():
        raise click.UsageError('give TEXT, what happened (like "Called Dana"), or '
                               "--missed-call [WHEN] for a call you missed")
    elif any(char in text for char in "\r\n"):
        raise click.BadParameter("a Log entry is one line", param_hint="TEXT")
    # the clock's time of day, to the minute: a missed call's, and an entry's dated today, so a
    # call returned from here clears a call-back missed earlier that day and no later one
    now = datetime.combine(day, common.clock().time().replace(second=0))
    fields: list[tuple[str, object]] = []
    if missed_call is not None:
        fields.append(("missed_call", now if missed_call == "now" else
                       _when(missed_call, "--missed-call")))
    fields += [(key, value) for key, value in (
        ("decision_date", decision_date), ("status", status), ("follow_up", follow_up),
        (THANKS, day if thank_you else None)) if value is not None]
    fields += _settings(settings)
    from jobjournal.edit import editor as edit

    if text is not None and incoming and not text.strip().startswith(INCOMING_MARKS):
        text = f"{INCOMING_MARKS[0]} {text.strip()}"
    entry = None if text is None else f"{edit.format_when(entry_date or now)} {text.strip()}"

    from jobjournal.vault.scan import scan

    root, config = find_root(ctx)
    rel = resolve_note(note, scan(root, config), root)
    from jobjournal.vault.atomic import edit_file

    written: list[tuple[str, object]] = []
    records: list[str] = []  # the status record, when the status changes

    def change(data: bytes) -> bytes:
        before = edit.front_matter(edit.decode_note(data))
        written[:] = fields_for(note_type_of(before), fields, force=force)
        record = status_record(before.get("status"), dict(written).get("status"))
        records[:] = [] if record is None else [f"{edit.format_when(entry_date or now)} {record}"]
        result = edit.edit_note(data, written, entry)
        return edit.edit_note(result, (), records[0]) if records else result

    edit_file(root / rel, rel, change)
    for line in ([] if entry is None else [entry]) + records:
        click.echo(f"{rel}: - {line}")
    for key, value in written:
        click.echo(f"{rel}: {key}: {edit.yaml_value(value)}")
