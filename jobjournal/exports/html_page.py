"""The agenda as a read-only HTML page, for `jobjournal serve` (README, "Your calendar").

Pure: the same Agenda gives the same bytes. The sections, headings and wording are the agenda
note's (core/render.py); every piece of text from a note is escaped with `html.escape`, so a note
can neither inject markup nor script into the page. Each item links to its note in Obsidian and
to the person to contact (their phone as a `tel:` link, their email as a `mailto:` link with a
ready-to-send draft), as the agenda note does.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from html import escape
from urllib.parse import quote

from jobjournal.core.drafts import draft_for, mailto, tel
from jobjournal.core.model import Agenda, Item, NoteType, Section
from jobjournal.core.render import (
    _PROBLEMS_EXPLANATION,
    _SHOWN,
    _WEEKDAYS,
    _day_heading,
    _days_overdue,
    _pipeline_counts,
    _plural,
    _status_label,
    _upcoming_by_day,
    summary_line,
)

_STYLE = """\
body{font:16px/1.45 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}h3{font-size:1rem;margin-bottom:.25rem}
.why,.explain{color:#666;font-size:.9rem}.warning{color:#a15c00}.overdue{color:#b00020;font-weight:600}
.error{color:#b00020}li{margin:.35rem 0}"""


def render_html(agenda: Agenda, *, vault_name: str, horizon_days: int, me: str = "",
                calendar_url: str = "agenda.ics") -> str:
    """The agenda as a whole HTML document (UTF-8)."""
    today = agenda.today
    title = f"Agenda — {today.isoformat()} ({_WEEKDAYS[today.weekday()]})"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)} · {escape(vault_name)}</title>",
        f"<style>{_STYLE}</style></head>",
        "<body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(summary_line(agenda))}</p>",
        f'<p class="explain">From the vault {escape(vault_name)}, computed when this page was '
        f'loaded. Subscribe to the calendar: <a href="{escape(calendar_url)}">'
        f"{escape(calendar_url)}</a>.</p>",
    ]
    for section, heading, explanation, _ in _SHOWN:
        items = agenda.in_section(section)
        if not items:
            continue
        out.append(f"<h2>{escape(heading)}</h2>")
        out.append(f'<p class="explain">{escape(explanation.format(horizon=horizon_days))}</p>')
        if section is Section.UPCOMING:
            for day, day_items in _upcoming_by_day(items):
                out.append(f"<h3>{escape(_day_heading(day, today))}</h3>")
                out.append(_list(day_items, today, agenda.reach, vault_name, me))
        else:
            out.append(_list(items, today, agenda.reach, vault_name, me))
    if agenda.problems:
        out.append("<h2>Problems</h2>")
        out.append(f'<p class="explain">{escape(_PROBLEMS_EXPLANATION)}</p>')
        out.append("<ul>")
        for problem in agenda.problems:
            where = (problem.path or "vault") + (
                f":{problem.line}" if problem.line is not None else "")
            out.append(f'<li><code>{escape(where)}</code> <span class="{problem.severity.value}">'
                       f"{escape(problem.severity.value)}</span>: {escape(problem.message)}</li>")
        out.append("</ul>")
    counts = _pipeline_counts(agenda.pipeline)
    if counts:
        out.append("<h2>Pipeline</h2>")
        out.append("<ul>")
        for note_type in NoteType:
            parts = [f"{n} {_status_label(s)}" for (t, s), n in counts.items() if t is note_type]
            if parts:
                total = sum(n for (t, _), n in counts.items() if t is note_type)
                out.append(f"<li>{escape(note_type.value)}: {total} — "
                           f"{escape(', '.join(parts))}</li>")
        out.append("</ul>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def _list(items: tuple[Item, ...] | list[Item], today: date,
          reach: Mapping[str, tuple[str | None, str | None]], vault_name: str, me: str) -> str:
    return "<ul>\n" + "\n".join(_item(item, today, reach, vault_name, me)
                                for item in items) + "\n</ul>"


def _item(item: Item, today: date, reach: Mapping[str, tuple[str | None, str | None]],
          vault_name: str, me: str) -> str:
    parts = []
    if item.at is not None:
        parts.append(f"<strong>{item.at:%H:%M}</strong>")
    if item.note is not None and item.title is not None:
        parts.append(f'<a href="{escape(_obsidian(vault_name, item.note))}">'
                     f"{escape(item.title)}</a>")
    who = _person(item, reach, vault_name, me)
    if who:
        parts.append(f"({who})")
    head = " ".join(parts)
    line = f"{head}: {escape(item.text)}" if head else escape(item.text)
    days = _days_overdue(item, today)
    if days is not None:
        line += f' — <span class="overdue">{_plural(days, "day")} overdue</span>'
    if item.why:
        line += f'<br><span class="why">why: {escape(item.why)}</span>'
    for warning in item.warnings:
        line += f'<br><span class="warning">⚠ {escape(warning)}</span>'
    return f"<li>{line}</li>"


def _person(item: Item, reach: Mapping[str, tuple[str | None, str | None]], vault_name: str,
            me: str) -> str:
    parts = []
    if item.contact and item.contact != item.title:
        name = escape(item.contact)
        parts.append(f'<a href="{escape(_obsidian(vault_name, item.contact_note))}">{name}</a>'
                     if item.contact_note else name)
    phone, email = reach.get(item.contact_note, (None, None)) if item.contact_note else (
        None, None)
    if phone:
        uri = tel(phone)
        parts.append(f'<a href="{escape(uri)}">{escape(phone)}</a>' if uri else escape(phone))
    if email:
        uri = mailto(email, draft_for(item, me))
        parts.append(f'<a href="{escape(uri)}">{escape(email)}</a>')
    return " · ".join(parts)


def _obsidian(vault_name: str, path: str) -> str:
    return (f"obsidian://open?vault={quote(vault_name, safe='')}"
            f"&file={quote(path.removesuffix('.md'), safe='')}")
