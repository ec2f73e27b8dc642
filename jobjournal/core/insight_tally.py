"""The insights kept as counts, note by note: `insights.compute_insights` for a caller that
builds one agenda after another (the incremental build, docs/design.md).

An `InsightTally` holds each note's facts (`insights.note_facts`, for one today) and, from them,
counts: activities by kind and day, days spent by status, and each application's outcome (the
stage it reached, its source, its days to the answer) counted by stage and by source. Setting a
note's facts takes back its old counts and adds the new ones. An application's outcome depends on
the interview notes of its company too: a change to those recomputes the outcomes of that
company's applications alone, against the company's interviews sorted by day, once, when the
insights are next asked for (a first build sets every note, then asks once). A save that leaves
what a note tells the funnel as it was (a new Log entry) only moves its counts. The Insights are
then made from the counts, in time that does not grow with the vault (a few dozen sources,
the 56 days of the weeks shown, the distinct spell lengths).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from datetime import date, timedelta
from typing import NamedTuple

from jobjournal.core.insights import (
    ACTIVITIES,
    ANSWERED,
    STAGES,
    TIMED_STATUSES,
    ApplicationFacts,
    Insights,
    InterviewFacts,
    NoteFacts,
    SourceRow,
    Week,
    status_order,
    week_label,
    week_starts,
)


class _Outcome(NamedTuple):
    source: str
    stage: int
    days: int | None  # to the first answer


class _Company(NamedTuple):
    """A company's interviews by day, and from each on, the furthest stage any later one shows."""

    days: list[date]
    furthest: list[int]


class InsightTally:
    """Insights counted note by note (see the module); made for one today."""

    def __init__(self, today: date) -> None:
        self.today = today
        self._facts: dict[str, NoteFacts] = {}
        self._events: Counter[tuple[str, date]] = Counter()
        self._spells: dict[str, Counter[int]] = {}
        # the funnel: company → path → facts; the outcome of each application, and its counts
        self._applications: dict[str | None, dict[str, ApplicationFacts]] = {}
        self._interviews: dict[str, dict[str, InterviewFacts]] = {}
        self._companies: dict[str, _Company] = {}
        #: companies whose interviews changed: their applications' outcomes are made again when
        #: the insights are next asked for (a first build sets every note once, then asks once)
        self._stale: set[str] = set()
        self._outcomes: dict[str, _Outcome] = {}
        self._stages: Counter[int] = Counter()
        self._sources: dict[str, tuple[Counter[bool], Counter[int]]] = {}
        self._made: Insights | None = None

    def set(self, path: str, facts: NoteFacts | None) -> None:
        """The note at `path` now has these facts (None: it adds nothing, or is gone). A save
        that leaves what the note tells the funnel as it was (a new Log entry, most often) only
        moves its counts."""
        old = self._facts.get(path)
        if old == facts:
            return
        self._made = None
        if old is not None:
            self._count(old, -1)
            del self._facts[path]
        if facts is not None:
            self._facts[path] = facts
            self._count(facts, +1)
        old_app = old.application if old is not None else None
        new_app = facts.application if facts is not None else None
        if old_app != new_app and old_app is not None:
            self._forget_outcome(path)
            del self._applications[old_app.company][path]
        old_interview = old.interview if old is not None else None
        new_interview = facts.interview if facts is not None else None
        if old_interview != new_interview:
            # its company's applications' outcomes depend on its interviews
            if old_interview is not None:
                del self._interviews[old_interview.company][path]
                self._stale.add(old_interview.company)
            if new_interview is not None:
                self._interviews.setdefault(new_interview.company, {})[path] = new_interview
                self._stale.add(new_interview.company)
        if old_app != new_app and new_app is not None:
            self._applications.setdefault(new_app.company, {})[path] = new_app
            if new_app.company not in self._stale:
                self._add_outcome(path)

    def _count(self, facts: NoteFacts, sign: int) -> None:
        for event in facts.events:
            self._events[event] += sign
        spells = self._spells
        for status, days in facts.spells:
            counts = spells.get(status)
            if counts is None:  # not setdefault, whose new Counter would be made every time
                counts = spells[status] = Counter()
            counts[days] += sign

    def _index(self, company: str) -> None:
        interviews = sorted(self._interviews.get(company, {}).values(),
                            key=lambda interview: interview.day)
        if not interviews:
            self._companies.pop(company, None)
            self._interviews.pop(company, None)
            return
        furthest = [i.stage for i in interviews]
        for n in range(len(furthest) - 2, -1, -1):
            furthest[n] = max(furthest[n], furthest[n + 1])
        self._companies[company] = _Company([i.day for i in interviews], furthest)

    def _refresh(self) -> None:
        """The outcomes of the applications of the companies whose interviews changed."""
        for company in self._stale:
            self._index(company)
            for path in self._applications.get(company, {}):
                self._forget_outcome(path)
                self._add_outcome(path)
        self._stale.clear()

    def _add_outcome(self, path: str) -> None:
        app = self._facts[path].application
        assert app is not None
        stage, answer_day = app.stage, app.answer_day
        company = self._companies.get(app.company) if app.company is not None else None
        if company is not None:
            at = bisect_left(company.days, app.applied)
            if at < len(company.days):
                stage = max(stage, company.furthest[at])
                first = company.days[at]
                answer_day = first if answer_day is None else min(answer_day, first)
        if answer_day is not None:
            stage = max(stage, ANSWERED)
        days = None if answer_day is None else (answer_day - app.applied).days
        outcome = self._outcomes[path] = _Outcome(app.source, stage, days)
        self._tally(outcome, +1)

    def _forget_outcome(self, path: str) -> None:
        outcome = self._outcomes.pop(path, None)
        if outcome is not None:  # none yet for an application of a company still stale
            self._tally(outcome, -1)

    def _tally(self, outcome: _Outcome, sign: int) -> None:
        self._stages[outcome.stage] += sign
        counts = self._sources.get(outcome.source)
        if counts is None:  # not setdefault, whose new Counters would be made every time
            counts = self._sources[outcome.source] = (Counter(), Counter())
        answered, days = counts
        answered[outcome.stage >= ANSWERED] += sign
        if outcome.days is not None:
            days[outcome.days] += sign
        if not answered.total():
            del self._sources[outcome.source]

    def insights(self) -> Insights:
        """What `compute_insights` gives for the notes whose facts were set."""
        if self._made is None:
            self._refresh()
            self._made = self._make()
        return self._made

    def _make(self) -> Insights:
        reached = [sum(n for stage, n in self._stages.items() if stage >= at)
                   for at in range(len(STAGES))]
        rows = [SourceRow(source, answered.total(), answered[True], _median(days))
                for source, (answered, days) in self._sources.items()]
        weekly = []
        for monday in week_starts(self.today):
            week = [monday + timedelta(days=n) for n in range(7)]
            weekly.append(Week(week_label(monday), monday, *(
                sum(self._events[(activity, day)] for day in week) for activity in ACTIVITIES)))
        statuses = {*TIMED_STATUSES, *(s for s, days in self._spells.items() if days.total())}
        return Insights(
            today=self.today,
            funnel=tuple(zip(STAGES, reached, strict=True)),
            by_source=tuple(sorted(rows, key=lambda row: (-row.applications, row.source))),
            weekly=tuple(weekly),
            time_in_status=tuple((status, _median(self._spells.get(status, Counter())))
                                 for status in sorted(statuses, key=status_order)),
        )


def _median(counts: Counter[int]) -> float | None:
    """The median of the values counted (each as many times as its count), as
    `statistics.median` gives it, in float; None when there are none."""
    values = sorted((value, n) for value, n in counts.items() if n > 0)
    total = sum(n for _, n in values)
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]  # the middle place, or the two middle places
    found: list[int] = []
    seen = 0
    for value, n in values:
        while wanted and wanted[0] < seen + n:
            found.append(value)
            wanted.pop(0)
        seen += n
    return (found[0] + found[1]) / 2
