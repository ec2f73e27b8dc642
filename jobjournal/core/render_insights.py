"""Insights as text: the agenda note's part (Markdown, with a Mermaid `xychart-beta` chart), the
terminal's (`jobjournal stats`) and JSON (`jobjournal stats --json`). README, "Insights".

Pure functions of the Insights and the weekly goal: the same arguments give the same text.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

import click

from jobjournal.core.insights import Insights, Week, conversion
from jobjournal.core.render import _plain, escape_md

_STAGE_NAMES = {"applied": "applications sent", "answered": "answered",
                "interviews": "interviews", "offers": "offers", "accepted": "accepted"}
#: each stage's name for a count of one, in the terminal
_STAGE_NAME_ONE = {"applied": "application sent", "interviews": "interview", "offers": "offer"}


def _count(n: int, one: str, more: str) -> str:
    return f"{n} {one if n == 1 else more}"


def _days(value: float | None) -> str:
    """A median in days, as short as it is exact: `4`, `3.5`; `—` with no data."""
    if value is None:
        return "—"
    return f"{value:g}"


def _percent(rate: float | None) -> str:
    return "" if rate is None else f"{round(rate * 100)}%"


def _met(week: Week, goal: int) -> bool:
    return week.towards_goal >= goal


# --- JSON (a public interface: add fields, never rename or remove) ------------------------------


def insights_data(insights: Insights, goal: int) -> dict[str, Any]:
    """The insights as `stats --json` prints them."""
    return {
        "today": insights.today.isoformat(),
        "funnel": [{"stage": stage, "count": count} for stage, count in insights.funnel],
        "by_source": [{"source": row.source, "applications": row.applications,
                       "answered": row.answered, "rate": row.rate,
                       "median_days_to_answer": row.median_days_to_answer}
                      for row in insights.by_source],
        "weekly": [{"week": week.week, "applications": week.applications,
                    "meetings": week.meetings, "referrals": week.referrals,
                    "follow_ups": week.follow_ups} for week in insights.weekly],
        "weekly_goal": goal,
        "time_in_status": [{"status": status, "median_days": days}
                           for status, days in insights.time_in_status],
    }


def render_insights_json(insights: Insights, goal: int) -> str:
    """`insights_data` as one JSON object, indented, ending with a newline."""
    return json.dumps(insights_data(insights, goal), ensure_ascii=False, indent=2) + "\n"


# --- the agenda note ----------------------------------------------------------------------------


def insights_markdown(insights: Insights, goal: int) -> list[str]:
    """The insights' lines in the agenda note: the funnel with its conversion rates, the table
    by source, the weekly activity as a Mermaid bar chart against the goal (and as a table),
    the median time in each status."""
    lines = ["### Funnel", "",
             "Of the applications sent, how many were answered, got to interviews, offers and "
             "were accepted; each rate is of the stage before.", "",
             "| Stage | Count | Rate |", "|---|---:|---:|"]
    for (stage, count), rate in zip(insights.funnel, conversion(insights.funnel), strict=True):
        lines.append(f"| {_STAGE_NAMES[stage]} | {count} | {_percent(rate)} |")
    lines += ["", "### By source", "",
              "Which sources answer, and how fast (median days from applying to the first "
              "answer).", ""]
    if insights.by_source:
        lines += ["| Source | Applications | Answered | Rate | Median days to answer |",
                  "|---|---:|---:|---:|---:|"]
        lines += [f"| {escape_md(row.source)} | {row.applications} | {row.answered} | "
                  f"{_percent(row.rate)} | {_days(row.median_days_to_answer)} |"
                  for row in insights.by_source]
    else:
        lines.append("No applications sent yet.")
    lines += ["", "### Weekly activity", "",
              f"Applications sent, meetings held and referrals received each week (the bars), "
              f"against your goal of {goal} a week (the line).", ""]
    lines += _chart(insights, goal)
    lines += ["", "| Week | Applications | Meetings | Referrals | Follow-ups | Goal |",
              "|---|---:|---:|---:|---:|---|"]
    for week in insights.weekly:
        mark = "✅" if _met(week, goal) else f"{week.towards_goal} of {goal}"
        lines.append(f"| {week.week} | {week.applications} | {week.meetings} | "
                     f"{week.referrals} | {week.follow_ups} | {mark} |")
    lines += ["", "### Time in status", "",
              "Median days a note stayed in a status before it changed (from the status "
              "records in its Log).", "", "| Status | Median days |", "|---|---:|"]
    lines += [f"| {escape_md(status)} | {_days(days)} |"
              for status, days in insights.time_in_status]
    return lines


def _chart(insights: Insights, goal: int) -> list[str]:
    """The weekly activity as a Mermaid `xychart-beta`: a bar per week, the goal as a line."""
    counts = [week.towards_goal for week in insights.weekly]
    top = max([goal, *counts, 1])
    labels = ", ".join(f'"{week.week[5:]}"' for week in insights.weekly)
    return [
        "```mermaid",
        "xychart-beta",
        f'    title "Activity per week (goal: {goal})"',
        f"    x-axis [{labels}]",
        f'    y-axis "Applications, meetings, referrals" 0 --> {top}',
        f"    bar [{', '.join(map(str, counts))}]",
        f"    line [{', '.join([str(goal)] * len(counts))}]",
        "```",
    ]


# --- the terminal (`jobjournal stats`) ----------------------------------------------------------

_MIN_WIDTH = 24


def render_insights_terminal(insights: Insights, goal: int, *, width: int = 80,
                             color: bool = True) -> str:
    """The insights for a terminal, wrapped to `width` columns (at least 24), coloured only
    when `color`."""
    width = max(width, _MIN_WIDTH)
    lines: list[str] = []

    def style(text: str, **styles: Any) -> str:
        return click.style(text, **styles) if color and styles else text

    def add(text: str, indent: str = "", more: str = "    ", **styles: Any) -> None:
        wrapped = textwrap.wrap(_plain(text), width, initial_indent=indent,
                                subsequent_indent=" " * len(indent) + more,
                                break_on_hyphens=False)
        lines.extend(style(line, **styles) for line in wrapped or [""])

    def parts(texts: list[str], sep: str, indent: str = "  ") -> None:
        """Texts joined by `sep`, wrapped between them (within one only when it alone is too
        wide); continuation lines indented four more."""
        line, at = texts[0], indent
        for text in texts[1:]:
            if len(at) + len(line) + len(sep) + len(text) <= width:
                line += sep + text
            else:
                add(line + sep.rstrip(), at, "")
                line, at = text, indent + "    "
        add(line, at, "")

    add(f"Insights — {insights.today.isoformat()}", bold=True)
    lines.append("")
    add("Funnel", bold=True)
    steps = []
    for (stage, count), rate in zip(insights.funnel, conversion(insights.funnel), strict=True):
        name = _count(count, _STAGE_NAME_ONE.get(stage, _STAGE_NAMES[stage]),
                      _STAGE_NAMES[stage])
        steps.append(name + ("" if rate is None else f" ({_percent(rate)})"))
    parts(steps, " → ")
    lines.append("")
    add("By source", bold=True)
    if not insights.by_source:
        add("No applications sent yet.", "  ")
    for row in insights.by_source:
        median = row.median_days_to_answer
        fast = "" if median is None else f", first answer after {_days(median)} days (median)"
        add(f"{row.source}: {row.answered} of {row.applications} answered "
            f"({_percent(row.rate)}){fast}", "  ")
    lines.append("")
    add(f"Weekly activity (goal: {goal} applications, meetings and referrals)", bold=True)
    for week in insights.weekly:
        met = _met(week, goal)
        plain = "goal met" if met else f"{week.towards_goal} of {goal}"
        parts([f"{week.week}: {_count(week.applications, 'application', 'applications')}",
               _count(week.meetings, "meeting", "meetings"),
               _count(week.referrals, "referral", "referrals"),
               _count(week.follow_ups, "follow-up", "follow-ups") + f" — {plain}"], ", ")
        # wrapped uncoloured, then the verdict coloured: widths stay exact
        if lines[-1].endswith(plain):
            lines[-1] = lines[-1][: -len(plain)] + style(plain, fg="green" if met else "yellow")
    lines.append("")
    add("Time in status (median days)", bold=True)
    parts([f"{status} {_days(days)}" for status, days in insights.time_in_status], ", ")
    return "\n".join(lines) + "\n"

