"""The follow-up rules, one small pure function per item kind (docs/rules.md, "The rules").

Each rule is named after its kind (`decision-follow-up` → `decision_follow_up`), reads one note
and the RuleContext (today, the follow-up settings, working days, last contacts) and returns the
item it yields, or None. `note_items` runs them all for one note and applies the clauses that
span rules: a closed note keeps only CLOSED_NOTE_KINDS, and some items replace others of the same
note (REPLACEMENTS: a pending `follow-up` replaces REPLACED_BY_FOLLOW_UP, …). `keep_searching`
is the one rule about the whole vault. The engine builds the context, which places each item in
its section (`context.section_for`).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from jobjournal.core.model import (
    ANSWERED_MARK,
    ASKED_MARK,
    Item,
    Kind,
    LogEntry,
    Note,
    NoteType,
    Task,
    When,
    day_of,
)

if TYPE_CHECKING:
    from jobjournal.core.context import RuleContext

Rule = Callable[[Note, "RuleContext"], "Item | None"]

#: What you wrote down explicitly still stands on a closed note; nothing is computed.
CLOSED_NOTE_KINDS = frozenset({Kind.CALL_BACK, Kind.FOLLOW_UP, Kind.TASK})
#: Your own date replaces these computed items of the same note (docs/rules.md, "follow-up").
REPLACED_BY_FOLLOW_UP = frozenset(
    {Kind.DECISION_FOLLOW_UP, Kind.APPLICATION_FOLLOW_UP, Kind.ASK_NEW_DATE}
)
#: Letting a silent lead go replaces its computed next steps (docs/rules.md, "move-on").
REPLACED_BY_MOVE_ON = frozenset(
    {Kind.DECISION_FOLLOW_UP, Kind.ASK_NEW_DATE, Kind.ASK_DECISION_DATE,
     Kind.APPLICATION_FOLLOW_UP}
)
#: One next step at a time: asking for a new date now replaces "don't call before …".
REPLACED_BY_ASK_NEW_DATE = frozenset({Kind.DECISION_FOLLOW_UP})
#: Which item replaces which others of the same note, applied in this order by `note_items`
#: (your own date after the last contact wins over move-on).
REPLACEMENTS: tuple[tuple[Kind, frozenset[Kind]], ...] = (
    (Kind.FOLLOW_UP, REPLACED_BY_FOLLOW_UP | {Kind.MOVE_ON}),
    (Kind.MOVE_ON, REPLACED_BY_MOVE_ON),
    (Kind.ASK_NEW_DATE, REPLACED_BY_ASK_NEW_DATE),
)
#: keep-searching's "last 7 days", counted up to and including today.
KEEP_SEARCHING_DAYS = 7


# --- wording helpers ------------------------------------------------------------------------------


def fmt(when: When) -> str:
    """A date as the user writes it: `2026-11-26`, or `2026-11-26 09:40` with a time."""
    return when.strftime("%Y-%m-%d %H:%M") if isinstance(when, datetime) else when.isoformat()


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def join_words(words: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _blank(value: object) -> bool:
    return value is None or value is False or (isinstance(value, str) and not value.strip())


def _subject(note: Note) -> str:
    """What a note is about, in a few words: `Backend Engineer at Acme`, `Acme`, or its title."""
    company, role = (note.company or "").strip(), (note.role or "").strip()
    if company and role:
        return f"{role} at {company}"
    return company or role or note.title


def _asked(note: Note, ctx: RuleContext, mark: str, since: date | None = None) -> str:
    """What an item that asks something says once you asked: " (you asked on DAY)", from the
    latest Log entry of yours starting with `mark` (what ticking such an item in the agenda
    writes), dated from `since` to today; "" when there is none. The item stays until the field
    it needs is recorded."""
    days = [entry.day for entry in note.log
            if entry.text.startswith(mark) and entry.day <= ctx.today
            and (since is None or entry.day >= since)]
    if not days:
        return ""
    verb = "answered" if mark == ANSWERED_MARK else "asked"
    return f" (you {verb} on {fmt(max(days))})"


def _past_interview(note: Note, ctx: RuleContext) -> date | None:
    """The day of an interview that is over and not an offer: what the decision rules start from."""
    if note.type is not NoteType.INTERVIEW or note.date is None or note.status == "offer":
        return None
    held = day_of(note.date)
    return held if held < ctx.today else None


# --- the rules, in the order of docs/rules.md -----------------------------------------------------


def returns_call(entry: LogEntry, missed: When) -> bool:
    """Whether a contact entry returns a call missed at `missed`: for a timed call, a timed entry
    at or after its time, or any entry on a later day; for a date-only call, any entry on its day
    or later. A date-only entry on the day of a timed call may have come before it: when in doubt
    the call-back stays (a stale one costs a glance, a hidden one can cost the job)."""
    if not isinstance(missed, datetime):
        return entry.day >= missed
    if isinstance(entry.when, datetime):
        return entry.when >= missed
    return entry.day > missed.date()


def call_back(note: Note, ctx: RuleContext) -> Item | None:
    """call-back: a missed call that no Log entry returns (`returns_call`). Recruiters move on to
    the next candidate: return it now. A call dated after today has not happened yet and is left
    alone."""
    missed = note.missed_call
    if missed is None or day_of(missed) > ctx.today:
        return None
    if any(returns_call(entry, missed) for entry in ctx.contacts(note)):
        return None
    who = ctx.contact_of(note) or "the caller"
    return ctx.item(
        Kind.CALL_BACK, day_of(missed), note,
        text=f"Call back {who} now — missed call {fmt(missed)}: "
        "recruiters move on to the next candidate",
        why=f"missed call {fmt(missed)}", source=fmt(missed),
    )


def appointment(note: Note, ctx: RuleContext) -> Item | None:
    """appointment: an interview or meeting on date D ≥ today not yet `completed`, due on D,
    its time in `at`."""
    if note.type not in (NoteType.INTERVIEW, NoteType.MEETING) or note.date is None:
        return None
    day = day_of(note.date)
    if day < ctx.today or note.status == "completed":
        return None
    if note.type is NoteType.INTERVIEW:
        stage = f" ({note.stage})" if note.stage else ""
        text = (f"Interview for {_subject(note)}{stage} — at the end, ask how many candidates "
                "there are and when the decision will be made")
    else:
        who = ctx.contact_of(note)
        text = f"Meeting with {who}" if who else f"Meeting: {note.title}"
        text += f" — {note.purpose}" if note.purpose else ""
    return ctx.item(
        Kind.APPOINTMENT, day, note, text=text, why=f"{note.type.value} {fmt(note.date)}",
        at=note.date.time() if isinstance(note.date, datetime) else None, source=day.isoformat(),
    )


def gather_info(note: Note, ctx: RuleContext) -> Item | None:
    """gather-info: before an interview (D ≥ today), ask the first caller — the recruiter, your
    source on the company, the job and the hiring manager — for whichever of them is missing."""
    if note.type is not NoteType.INTERVIEW or note.date is None or day_of(note.date) < ctx.today:
        return None
    hiring_manager = note.hiring_manager.target if note.hiring_manager else None
    fields = {"company": note.company, "role": note.role, "hiring_manager": hiring_manager}
    missing = [key for key, value in fields.items() if _blank(value)]
    if not missing:
        return None
    who = ctx.links.person_name(note.recruiter) if note.recruiter else None
    what = join_words(["the " + key.replace("_", " ") for key in missing])
    return ctx.item(
        Kind.GATHER_INFO, ctx.today, note,
        text=f"Ask {who or 'the first caller'} about {what} before the interview on "
        f"{fmt(day_of(note.date))}" + _asked(note, ctx, ASKED_MARK),
        why=f"interview {fmt(note.date)}, no {join_words(missing)} recorded",
        source=day_of(note.date).isoformat(),
    )


def thank_you(note: Note, ctx: RuleContext) -> Item | None:
    """thank-you: within a week of an interview or meeting (D ≤ today ≤ D + 7) with no
    `thank_you` yet, due D + thank_you_days calendar days, not moved: a note can go out any day."""
    if note.type not in (NoteType.INTERVIEW, NoteType.MEETING) or note.date is None:
        return None
    held = day_of(note.date)
    if not held <= ctx.today <= held + timedelta(days=7) or not _blank(note.thank_you):
        return None
    days = ctx.followup.thank_you_days
    who = ctx.contact_of(note)
    return ctx.item(
        Kind.THANK_YOU, held + timedelta(days=days), note,
        text=f"Send a thank-you note{f' to {who}' if who else ''} for the {note.type.value} "
        f"on {fmt(held)}, then record it as thank_you",
        why=f"{note.type.value} {fmt(held)} + {plural(days, 'day')}", source=held.isoformat(),
    )


def ask_decision_date(note: Note, ctx: RuleContext) -> Item | None:
    """ask-decision-date: after an interview (not an offer) with no `decision_date`, find out
    when the decision will be made and how many candidates there are."""
    held = _past_interview(note, ctx)
    if held is None or note.decision_date is not None:
        return None
    who = ctx.contact_of(note) or "the recruiter"
    return ctx.item(
        Kind.ASK_DECISION_DATE, ctx.today, note,
        text=f"Ask {who} when the decision will be made and how many candidates are being "
        "considered; record them as decision_date and candidates"
        + _asked(note, ctx, ASKED_MARK, held),
        why=f"interview {fmt(held)}, no decision date given", source=held.isoformat(),
    )


def decision_follow_up(note: Note, ctx: RuleContext) -> Item | None:
    """decision-follow-up: a reasonable time after the decision date (decision_date +
    grace_workdays; interview + no_decision_date_workdays without one), and never sooner than
    min_gap_workdays after the last contact made since the interview. Not yet due → waiting."""
    held = _past_interview(note, ctx)
    if held is None:
        return None
    cfg = ctx.followup
    if note.decision_date is not None:
        n = cfg.grace_workdays
        due, why = ctx.workdays.add(note.decision_date, n), (
            f"decision expected {fmt(note.decision_date)} + {plural(n, 'workday')}")
    else:
        n = cfg.no_decision_date_workdays
        due, why = ctx.workdays.add(held, n), (
            f"interview {fmt(held)} + {plural(n, 'workday')}, no decision date given")
    last, gap = ctx.last_contact(note), cfg.min_gap_workdays
    if last is not None and last > held and ctx.workdays.add(last, gap) > due:
        due = ctx.workdays.add(last, gap)
        why = f"last contact {fmt(last)} + {plural(gap, 'workday')}"
    expected = (f"decision expected {fmt(note.decision_date)}" if note.decision_date
                else "no decision date given")
    if note.candidates is not None:
        expected += f", {plural(note.candidates, 'candidate')}"
    if due > ctx.today:
        text = f"Give it time to play out: {expected}; don't call before {fmt(due)}"
    else:
        who = ctx.contact_of(note)
        text = (f"Call{f' {who}' if who else ''} about the decision on {_subject(note)} "
                f"({expected}): you were called to participate, so don't apologise; "
                "if there is no definitive answer, ask for a new date")
    return ctx.item(Kind.DECISION_FOLLOW_UP, due, note, text=text, why=why,
                    source=(note.decision_date or held).isoformat())


def ask_new_date(note: Note, ctx: RuleContext) -> Item | None:
    """ask-new-date: you followed up after the decision date had passed (L ≥ decision_date +
    grace_workdays) with no `follow_up` set since: ask for a new date. Recording it as decision_date
    ends the item, since the new date lies after L."""
    if note.type is not NoteType.INTERVIEW or note.status == "offer" or note.decision_date is None:
        return None
    last = ctx.last_contact(note)
    passed = ctx.workdays.add(note.decision_date, ctx.followup.grace_workdays)
    if last is None or last < passed or (note.follow_up is not None and note.follow_up > last):
        return None
    who = ctx.contact_of(note)
    return ctx.item(
        Kind.ASK_NEW_DATE, ctx.today, note,
        text=f"No definitive answer yet: ask{f' {who}' if who else ''} for a new decision date, "
        "say you are still interested, and record it as decision_date; meanwhile keep searching"
        + _asked(note, ctx, ASKED_MARK, passed),
        why=f"last contact {fmt(last)}, after decision expected {fmt(note.decision_date)} "
        f"+ {plural(ctx.followup.grace_workdays, 'workday')}",
        source=note.decision_date.isoformat(),
    )


def offer_deadline(note: Note, ctx: RuleContext) -> Item | None:
    """offer-deadline: an interview at status `offer` with `respond_by` R, due R."""
    if note.type is not NoteType.INTERVIEW or note.status != "offer" or note.respond_by is None:
        return None
    return ctx.item(
        Kind.OFFER_DEADLINE, note.respond_by, note,
        text=f"Answer the offer for {_subject(note)} by {fmt(note.respond_by)}"
        + _asked(note, ctx, ANSWERED_MARK),
        why=f"respond_by {fmt(note.respond_by)} (offer deadline)",
        source=note.respond_by.isoformat(),
    )


def application_follow_up(note: Note, ctx: RuleContext) -> Item | None:
    """application-follow-up: an application still at `applied` (or no status), due
    application_workdays after it was sent or after the last contact, whichever is later."""
    if note.type is not NoteType.APPLICATION or note.applied is None:
        return None
    if note.status not in (None, "applied"):
        return None
    n = ctx.followup.application_workdays
    last = ctx.last_contact(note)
    if last is not None and last > note.applied:
        base, why = last, f"last contact {fmt(last)} + {plural(n, 'workday')}"
    else:
        base, why = note.applied, f"applied {fmt(note.applied)} + {plural(n, 'workday')}"
    who = ctx.contact_of(note)
    return ctx.item(
        Kind.APPLICATION_FOLLOW_UP, ctx.workdays.add(base, n), note,
        text=f"Follow up{f' with {who}' if who else ''} on your application for {_subject(note)}: "
        "say you are still interested and ask where it stands",
        why=why, source=note.applied.isoformat(),
    )


def thank_referrer(note: Note, ctx: RuleContext) -> Item | None:
    """thank-referrer: a referral on date R not yet `thanked`, due R + 1 workday."""
    if note.type is not NoteType.REFERRAL or note.date is None or not _blank(note.thanked):
        return None
    received = day_of(note.date)
    who = ctx.contact_of(note)
    return ctx.item(
        Kind.THANK_REFERRER, ctx.workdays.add(received, 1), note,
        text=f"Thank {who or 'your referrer'} for the referral ({_subject(note)}), "
        "then record it as thanked",
        why=f"referral {fmt(received)} + 1 workday", source=received.isoformat(),
    )


def stay_in_touch(note: Note, ctx: RuleContext) -> Item | None:
    """stay-in-touch: a contact to hear from every N days (N > 0), due N calendar days after the
    last contact, moved to a working day; due today when no contact was ever recorded."""
    n = note.stay_in_touch
    if note.type is not NoteType.CONTACT or n is None or n <= 0:
        return None
    who = ctx.contact_of(note) or note.title
    last = ctx.last_contact(note)
    if last is None:
        return ctx.item(
            Kind.STAY_IN_TOUCH, ctx.today, note,
            text=f"Get in touch with {who}: no contact recorded yet",
            why=f"stay_in_touch every {plural(n, 'day')}, no contact recorded",
        )
    return ctx.item(
        Kind.STAY_IN_TOUCH, ctx.workdays.roll(last + timedelta(days=n)), note,
        text=f"Get back in touch with {who}: it has been {plural(n, 'day')} since you last spoke",
        why=f"last contact {fmt(last)} + {plural(n, 'day')}", source=last.isoformat(),
    )


def follow_up_too_soon(note: Note, ctx: RuleContext) -> str | None:
    """follow-up warning: a pending `follow_up` under min_gap_workdays after the last contact."""
    last, wanted = ctx.last_contact(note), note.follow_up
    if wanted is None or last is None or last >= wanted:
        return None
    gap = ctx.followup.min_gap_workdays
    if wanted >= ctx.workdays.add(last, gap):
        return None
    return f"too soon: less than {plural(gap, 'workday')} after the last contact on {fmt(last)}"


def follow_up(note: Note, ctx: RuleContext) -> Item | None:
    """follow-up: your own next-contact date F, as written, on any note (closed ones too); done
    once a contact on or after F is recorded. It replaces the note's computed follow-ups
    (REPLACED_BY_FOLLOW_UP, applied by `note_items`) and warns when it comes too soon."""
    wanted = note.follow_up
    last = ctx.last_contact(note)
    if wanted is None or (last is not None and last >= wanted):
        return None
    who = ctx.contact_of(note)
    warning = follow_up_too_soon(note, ctx)
    return ctx.item(
        Kind.FOLLOW_UP, wanted, note,
        text=f"Follow up{f' with {who}' if who else ''} about {_subject(note)}, as you planned",
        why=f"follow_up {fmt(wanted)} (your date)",
        warnings=(warning,) if warning else (), source=wanted.isoformat(),
    )


def move_on(note: Note, ctx: RuleContext) -> Item | None:
    """move-on: you followed up (an interview: a contact on or after the day the decision was
    due, decision_date + grace_workdays, or without one, the interview + no_decision_date_workdays;
    an application: a contact after applying) and heard nothing for more than move_on_days
    calendar days since (the last contact, yours or theirs): let it play out and move on. It
    replaces the note's computed next steps (REPLACED_BY_MOVE_ON)."""
    last = ctx.last_contact(note)
    if last is None or note.status == "offer":
        return None
    cfg = ctx.followup
    if note.type is NoteType.INTERVIEW:
        if note.decision_date is not None:
            followed_up = ctx.workdays.add(note.decision_date, cfg.grace_workdays)
        elif note.date is not None:
            followed_up = ctx.workdays.add(day_of(note.date), cfg.no_decision_date_workdays)
        else:
            return None
        if last < followed_up:
            return None
    elif note.type is NoteType.APPLICATION:
        if note.applied is None or note.status not in (None, "applied") or last <= note.applied:
            return None
    else:
        return None
    silent = (ctx.today - last).days
    if silent <= cfg.move_on_days:
        return None
    who = ctx.contact_of(note)
    return ctx.item(
        Kind.MOVE_ON, ctx.today, note,
        text=f"No answer{f' from {who}' if who else ''} for {plural(silent, 'day')} since you "
        f"followed up on {_subject(note)}: let it play out — set status to ghosted (or record a "
        "new date) and put the energy into new leads",
        why=f"last contact {fmt(last)}, {plural(silent, 'day')} ago, after following up",
        source=last.isoformat(),
    )


def task(note: Note, ctx: RuleContext) -> tuple[Item, ...]:
    """task: every open dated task in the body, due on its date, worded as written; its source
    is its date and text (`task_source`), a second task alike being the `-2` one."""
    if not note.tasks:
        return ()
    return tuple(
        ctx.item(Kind.TASK, t.due, note, text=t.text, why=f"task {fmt(t.due)} (your date)",
                 source=source, nth=nth)
        for t, source, nth in task_sources(note.tasks)
    )


def task_sources(tasks: Iterable[Task]) -> list[tuple[Task, str, int]]:
    """Each task with its item's source (its date and text) and which of the note's tasks with
    that source it is (1, 2…, in the note's order)."""
    seen: dict[str, int] = {}
    found = []
    for t in sorted(tasks, key=lambda t: t.line):
        source = f"{t.due.isoformat()} {t.text}"
        seen[source] = seen.get(source, 0) + 1
        found.append((t, source, seen[source]))
    return found


def your_contacts(note: Note) -> list[LogEntry]:
    """The note's Log entries that are contacts you made: not incoming ones, not status records,
    and not those on the day of the note's own interview or meeting (that day's talk is the
    appointment, not calling)."""
    held = (day_of(note.date) if note.date is not None
            and note.type in (NoteType.INTERVIEW, NoteType.MEETING) else None)
    return [e for e in note.log
            if not (e.incoming or e.records_status) and (held is None or e.day != held)]


def search_activity(note: Note) -> tuple[bool, date | None]:
    """What one note tells keep-searching: whether it ends the search (an interview or
    application `accepted`), and the day of its search activity (an application sent, a meeting
    held, a referral received), if it has one."""
    if note.type in (NoteType.INTERVIEW, NoteType.APPLICATION) and note.status == "accepted":
        return True, None
    if note.type is NoteType.APPLICATION:
        when: When | None = note.applied
    elif note.type in (NoteType.MEETING, NoteType.REFERRAL):
        when = note.date
    else:
        return False, None
    return False, None if when is None else day_of(when)


def keep_searching(notes: Iterable[Note], ctx: RuleContext) -> Item | None:
    """keep-searching: no application sent, meeting held or referral received in the last
    KEEP_SEARCHING_DAYS days (today included) → keep networking and schedule more interviews.
    Once an interview or application is `accepted` the search is over, and the item goes."""
    activity = [search_activity(note) for note in notes]
    return keep_searching_given(
        any(over for over, _ in activity), {day for _, day in activity if day is not None}, ctx
    )


def keep_searching_given(
    search_over: bool, active_days: Container[date], ctx: RuleContext
) -> Item | None:
    """keep-searching, from what `search_activity` found in every note: whether any ended the
    search, and the days of their activity."""
    if search_over:
        return None
    since = ctx.today - timedelta(days=KEEP_SEARCHING_DAYS - 1)
    if any(since + timedelta(days=n) in active_days for n in range(KEEP_SEARCHING_DAYS)):
        return None
    return ctx.item(
        Kind.KEEP_SEARCHING, ctx.today, None,
        text="While you wait, keep networking and schedule more interviews: no application "
        f"sent, meeting held or referral received since {fmt(since)}",
        why=f"nothing new from {fmt(since)} to {fmt(ctx.today)}",
    )


#: The per-note rules (task, which yields several items, is applied separately).
NOTE_RULES: tuple[Rule, ...] = (
    call_back, appointment, gather_info, thank_you, ask_decision_date, decision_follow_up,
    ask_new_date, offer_deadline, application_follow_up, thank_referrer, stay_in_touch, follow_up,
    move_on,
)


#: The rules that can yield an item for a note of each type, in NOTE_RULES's order (each rule
#: still checks the type itself; tests/test_rules.py holds the others to yielding nothing).
RULES_FOR: dict[NoteType, tuple[Rule, ...]] = {
    NoteType.CONTACT: (call_back, stay_in_touch, follow_up),
    NoteType.INTERVIEW: (
        call_back, appointment, gather_info, thank_you, ask_decision_date, decision_follow_up,
        ask_new_date, offer_deadline, follow_up, move_on,
    ),
    NoteType.APPLICATION: (call_back, application_follow_up, follow_up, move_on),
    NoteType.REFERRAL: (call_back, thank_referrer, follow_up),
    NoteType.MEETING: (call_back, appointment, thank_you, follow_up),
}
#: The rules whose items a closed note keeps: a rule is named after its kind.
CLOSED_NOTE_RULES: tuple[Rule, ...] = tuple(
    rule for rule in NOTE_RULES if Kind(rule.__name__.replace("_", "-")) in CLOSED_NOTE_KINDS
)


def note_items(note: Note, ctx: RuleContext) -> list[Item]:
    """Every item one note yields: its tasks, and for a jobjournal note every rule, minus what a
    closed note does not get (its other rules are not even run, most notes of a long search
    being closed) and what another item of the note replaces (REPLACEMENTS)."""
    items = list(task(note, ctx))
    if note.type is None:  # an ordinary note: read only for its tasks
        return items
    rules = CLOSED_NOTE_RULES if note.closed else RULES_FOR[note.type]
    items += [item for rule in rules if (item := rule(note, ctx)) is not None]
    for kind, replaced in REPLACEMENTS:
        if any(item.kind is kind for item in items):
            items = [item for item in items if item.kind not in replaced]
    return items
