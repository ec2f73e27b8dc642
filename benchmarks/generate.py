"""Generate a realistic vault of N notes for the benchmark (deterministic for a given seed).

The vault looks like years of a real job hunt: contacts, interviews, applications, referrals and
meetings (every field of docs/rules.md, "Notes and fields", in use; dates around `today`; most old
notes closed), each with a Notes section and often a Log; open and done tasks in both Tasks and
Dataview formats, some in callouts; fenced code blocks, some holding task-like lines that must not
count; ordinary notes (daily notes, reading notes, notes with another plugin's front matter); an
`.obsidian` folder and templates; keys of the user's own beside jobjournal's fields (`aliases`,
`created`, `linkedin`, `cssclasses`), as Obsidian's templates and properties add them; and a
sprinkling of notes with problems (broken YAML, impossible dates).

    python benchmarks/generate.py /tmp/vault-10k --notes 10000 [--seed 7] [--today 2026-11-26]
"""

from __future__ import annotations

import argparse
import os
import random
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

TODAY = date(2026, 11, 26)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = _words(
    "Dana Priya Sam Lee Chris Riley Jo Alex Morgan Taylor Jordan Casey Jamie Avery Quinn Robin "
    "Kim Noor Mateo Aisha Lukas Sofia Hiro Ines Omar Lena Tariq Mei Pablo Zoe Ravi Elena Tomas "
    "Yara Felix Amara Jonas Leila Arjun Hana Nils Maya Ivan Clara Kofi Sara Emil Nadia Theo"
)
LAST = _words(
    "Recruiter Talent Okafor Lindqvist Moreau Nakamura Silva Kowalski Haddad Fischer Rossi "
    "O'Brien Novak Jensen Costa Petrov Dubois Schmidt Tanaka Ahmed Larsen Garcia Müller Ivanova "
    "Bianchi Kaur Mensah Weber Horvat Santos Yilmaz Berg Walsh Romero Chen Park Laine Varga"
)
COMPANIES = _words(
    "Acme Globex Initech Umbrella Hooli Soylent Stark Wayne Tyrell Cyberdyne Aperture Massive "
    "Pied Piper Vandelay Wonka Oscorp Gringotts Monarch Nakatomi Dunder Mifflin Vehement "
    "Sirius Cybernetics Rekall Abstergo Veridian Blue Sun Ollivander Prestige Kwik-E-Mart"
)
ROLES = (
    "Backend Developer", "Frontend Engineer", "Data Engineer", "Platform Engineer",
    "Site Reliability Engineer", "Engineering Manager", "Product Engineer", "ML Engineer",
    "Security Engineer", "Developer Advocate", "QA Engineer", "Mobile Developer",
)
STAGES = ("phone-screen", "technical", "onsite", "final", "take-home", "culture-fit")
SOURCES = ("careers page", "LinkedIn", "referral", "recruiter", "job board", "meetup")
RELATIONSHIPS = ("recruiter", "hiring-manager", "referrer", "network", "other")
CLOSED = ("rejected", "withdrawn", "ghosted", "closed")
WORDS = _words(
    "team platform deploy on-call pairing design review culture roadmap budget hiring growth "
    "mentoring architecture latency customers migration kubernetes python typescript terraform "
    "observability incident remote office salary equity benefits interview feedback timeline "
    "question project launch scale reliability testing release cadence ownership stakeholders"
)
#: how a Log entry starts: mostly your own contacts; an incoming one (they contacted you) and a
#: status record (no contact) among them, so both kinds are read and counted everywhere
LOG_VERBS = (
    "Called", "Emailed", "Spoke with", "status: waiting, after talking to", "Left a voicemail for",
    "Met", "← Heard back from",
)


@dataclass
class _Plan:
    """What the generator knows while writing: names to link, and the files written so far."""

    rng: random.Random
    today: date
    contacts: list[str] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    files: dict[str, str] = field(default_factory=dict)

    def unique(self, folder: str, title: str) -> str:
        path, n = f"{folder}/{title}.md", 2
        while path.lower() in self.used:
            path, n = f"{folder}/{title} {n}.md", n + 1
        self.used.add(path.lower())
        return path

    def day(self, back: int, ahead: int = 0) -> date:
        return self.today + timedelta(days=self.rng.randint(-back, ahead))

    def person(self) -> str:
        return self.rng.choice(self.contacts) if self.contacts else "Dana Recruiter"

    def sentence(self, low: int = 6, high: int = 18) -> str:
        words = self.rng.choices(WORDS, k=self.rng.randint(low, high))
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _folder(plan: _Plan, base: str, when: date) -> str:
    """Notes older than a year are often archived by year, as people do."""
    if (plan.today - when).days > 365 and plan.rng.random() < 0.5:
        return f"Archive/{when.year}/{base}"
    return base


def _body(plan: _Plan, when: date, log_entries: int, tasks: int) -> str:
    rng = plan.rng
    out = ["## Notes"]
    for _ in range(rng.randint(1, 5)):
        out.append(f"- {plan.sentence()}")
        if rng.random() < 0.1:
            out.append(f"  - {plan.sentence(3, 8)}")  # a nested point
    if rng.random() < 0.4:
        out += ["", " ".join(plan.sentence(10, 30) for _ in range(rng.randint(1, 4)))]
    if rng.random() < 0.12:
        # a fence holding lines that look like tasks and a Log: a Markdown reader ignores them
        out += ["", "```python", "# - [ ] not a task 📅 2026-01-01", "## Log",
                "- 2020-01-01 not a log entry", "def f(x):", "    return x * 2", "```"]
    if rng.random() < 0.05:
        out += ["", "    indented code - [ ] nor this 📅 2026-02-02"]
    if tasks:
        out += ["", "## Tasks"]
        for _ in range(tasks):
            due = plan.day(60, 30).isoformat()
            # an old note's tasks are mostly done; a recent one's mostly open
            old = (plan.today - when).days > 60
            box = rng.choice("xxxxxxx- /" if old else "      x-/")
            text = rng.choice(("Send references", "Prepare questions", "Update CV",
                               "Write thank-you note", "Read the job ad again", "Ask about salary"))
            style = rng.random()
            if style < 0.6:
                line = f"- [{box}] {text} 📅 {due}"
            elif style < 0.8:
                line = f"- [{box}] {text} [due:: {due}]"
            elif style < 0.9:
                line = f"- [{box}] {text} ⏳ {due}"
            else:
                line = f"> [!todo]\n> - [{box}] {text} 📅 {due}"
            out.append(line)
    if log_entries:
        out += ["", "## Log"]
        days = sorted(when + timedelta(days=rng.randint(-20, 25)) for _ in range(log_entries))
        for day in days:
            if day > plan.today + timedelta(days=3):
                day = plan.today
            stamp = day.isoformat()
            if rng.random() < 0.15:
                stamp += f"T{rng.randint(8, 18):02d}:{rng.choice(('00', '15', '30', '45'))}"
            verb = rng.choice(LOG_VERBS)
            out.append(f"- {stamp} {verb} [[{plan.person()}]]: {plan.sentence(3, 10)}")
        if rng.random() < 0.2:
            out.append("- an undated remark about the process")
    if rng.random() < 0.2:
        out += ["", "## Links", f"- [[{plan.person()}]]", "- https://example.com/jobs/123"]
    return "\n".join(out) + "\n"


def _own_keys(plan: _Plan, name: str) -> list[str]:
    """Front-matter lines of the user's own that a typed note often carries too (jobjournal
    ignores them: none is a slip of one of its fields): about a third of the notes have one or
    two."""
    rng = plan.rng
    if rng.random() >= 0.35:
        return []
    made = plan.day(900, 0).isoformat()
    if rng.random() < 0.5:
        made += f"T{rng.randint(8, 20):02d}:{rng.randint(0, 59):02d}"
    choices = [f"created: {made}", "cssclasses:\n  - wide", f"aliases:\n  - {name}",
               f"linkedin: https://www.linkedin.com/in/{name.lower().replace(' ', '-')}"]
    return rng.sample(choices, rng.choice((1, 1, 2)))


def _yaml_list(key: str, values: list[str]) -> str:
    return f"{key}:\n" + "".join(f'  - "{v}"\n' for v in values)


def _contact(plan: _Plan) -> None:
    rng = plan.rng
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    path = plan.unique("Contacts", name)
    plan.contacts.append(path[len("Contacts/") : -3])
    company = rng.choice(COMPANIES)
    fm = ["type: contact", f"status: {rng.choice(('active', 'active', 'inactive'))}",
          f"company: {company}", f"role: {rng.choice(ROLES)}",
          f"relationship: {rng.choice(RELATIONSHIPS)}",
          f'phone: "+1 555 {rng.randint(1000, 9999)}"',
          f"email: {name.split()[0].lower()}@{company.lower()}.example"]
    if rng.random() < 0.3:
        fm.append(f"stay_in_touch: {rng.choice((14, 30, 60, 90))}")
    if rng.random() < 0.03:
        fm.append(f"missed_call: {plan.day(5).isoformat()}T{rng.randint(8, 18):02d}:30")
    if rng.random() < 0.1:
        fm.append(f"follow_up: {plan.day(10, 20).isoformat()}")
    fm.append("tags:\n  - contact")
    when = plan.day(900, 0)
    body = _body(plan, when, rng.choice((0, 0, 1, 2, 3)), rng.choice((0, 0, 0, 1)))
    plan.files[path] = "---\n" + "\n".join(fm + _own_keys(plan, name.split()[0])) + "\n---\n" + body


def _interview(plan: _Plan) -> None:
    rng = plan.rng
    company, role = rng.choice(COMPANIES), rng.choice(ROLES)
    when = plan.day(900, 30)
    path = plan.unique(_folder(plan, "Interviews", when), f"{company} - {role}")
    past = when < plan.today
    old = (plan.today - when).days > 60
    status = (rng.choice(CLOSED) if old and rng.random() < 0.85 else
              rng.choice(("completed", "waiting", "interviewing", "offer")) if past else
              "scheduled")
    stamp = when.isoformat() + (f"T{rng.randint(9, 17):02d}:00" if rng.random() < 0.6 else "")
    fm = ["type: interview", f"status: {status}", f"company: {company}", f"role: {role}",
          f"date: {stamp}", f"stage: {rng.choice(STAGES)}",
          f'recruiter: "[[{plan.person()}]]"']
    if rng.random() < 0.8:
        fm.append(f'hiring_manager: "[[{plan.person()}]]"')
    fm.append(_yaml_list("with", [f"[[{plan.person()}]]" for _ in range(rng.randint(1, 3))])
              .rstrip("\n"))
    if past and rng.random() < 0.7:
        fm.append(f"decision_date: {(when + timedelta(days=rng.randint(3, 14))).isoformat()}")
        fm.append(f"candidates: {rng.randint(2, 6)}")
    if past and rng.random() < 0.6:
        fm.append(f"thank_you: {(when + timedelta(days=1)).isoformat()}")
    if status == "offer":
        fm.append(f"respond_by: {plan.day(0, 10).isoformat()}")
    if rng.random() < 0.1:
        fm.append(f"follow_up: {plan.day(10, 20).isoformat()}")
    fm.append("tags:\n  - interview")
    body = _body(plan, when, rng.randint(0, 6), rng.choice((0, 0, 1, 2)))
    plan.files[path] = "---\n" + "\n".join(fm + _own_keys(plan, company)) + "\n---\n" + body


def _application(plan: _Plan) -> None:
    rng = plan.rng
    company, role = rng.choice(COMPANIES), rng.choice(ROLES)
    when = plan.day(900, 0)
    path = plan.unique(_folder(plan, "Applications", when), f"{company} - {role}")
    old = (plan.today - when).days > 45
    status = rng.choice(CLOSED) if old and rng.random() < 0.8 else rng.choice(
        ("applied", "applied", "interviewing", "waiting"))
    fm = ["type: application", f"status: {status}", f"company: {company}", f"role: {role}",
          f"applied: {when.isoformat()}", f"source: {rng.choice(SOURCES)}",
          f'contact: "[[{plan.person()}]]"']
    if rng.random() < 0.2:
        fm.append(f'referral: "[[{plan.person()}]]"')
    fm.append("tags:\n  - application")
    body = _body(plan, when, rng.choice((0, 1, 1, 2)), rng.choice((0, 0, 0, 1)))
    plan.files[path] = "---\n" + "\n".join(fm + _own_keys(plan, company)) + "\n---\n" + body


def _referral(plan: _Plan) -> None:
    rng = plan.rng
    who, company = plan.person(), rng.choice(COMPANIES)
    when = plan.day(900, 0)
    path = plan.unique(_folder(plan, "Referrals", when), f"{who} - {company}")
    fm = ["type: referral", f"status: {rng.choice(('active', 'closed'))}",
          f"date: {when.isoformat()}", f'from: "[[{who}]]"', f"company: {company}",
          f"role: {rng.choice(ROLES)}"]
    if rng.random() < 0.8:
        fm.append(f"thanked: {(when + timedelta(days=1)).isoformat()}")
    body = _body(plan, when, rng.choice((0, 1)), 0)
    plan.files[path] = "---\n" + "\n".join(fm + _own_keys(plan, company)) + "\n---\n" + body


def _meeting(plan: _Plan) -> None:
    rng = plan.rng
    who = plan.person()
    when = plan.day(900, 20)
    path = plan.unique(_folder(plan, "Meetings", when), f"Coffee with {who} {when.isoformat()}")
    fm = ["type: meeting", f"status: {'completed' if when < plan.today else 'scheduled'}",
          f"date: {when.isoformat()}T{rng.randint(8, 17):02d}:30",
          _yaml_list("with", [f"[[{who}]]"]).rstrip("\n"),
          f"purpose: {plan.sentence(3, 8)}"]
    if when < plan.today and rng.random() < 0.7:
        fm.append("thank_you: true")
    body = _body(plan, when, rng.choice((0, 1, 1)), rng.choice((0, 0, 1)))
    plan.files[path] = "---\n" + "\n".join(fm + _own_keys(plan, who)) + "\n---\n" + body


def _ordinary(plan: _Plan) -> None:
    """Daily notes, reading notes, another plugin's notes: no jobjournal type."""
    rng = plan.rng
    kind = rng.random()
    when = plan.day(1000, 0)
    if kind < 0.5:
        path = plan.unique(f"Daily/{when.year}", when.isoformat())
        text = f"# {when.isoformat()}\n\n" + _body(plan, when, 0, rng.choice((0, 0, 1)))
    elif kind < 0.8:
        path = plan.unique("Notes", " ".join(rng.choices(WORDS, k=3)).title())
        text = ("---\ntags: [reading]\naliases:\n  - " + rng.choice(WORDS) + "\n---\n"
                + "\n\n".join(plan.sentence(20, 60) for _ in range(rng.randint(2, 8))) + "\n")
    else:
        path = plan.unique("Books", " ".join(rng.choices(WORDS, k=2)).title())
        text = (f"---\ntype: book\nauthor: {rng.choice(FIRST)} {rng.choice(LAST)}\n"
                f"rating: {rng.randint(1, 5)}\n---\n" + plan.sentence(10, 40) + "\n")
    plan.files[path] = text


def _broken(plan: _Plan) -> None:
    """The odd note a real vault holds: broken YAML, an impossible date, a missing field."""
    rng = plan.rng
    path = plan.unique("Interviews", f"Broken {rng.randint(1, 10**6)}")
    plan.files[path] = rng.choice((
        "---\ntype: interview\ncompany: [Acme\ndate: 2026-11-10\n---\nbody\n",
        "---\ntype: interview\ndate: 2026-02-30\n---\n## Log\n- 2026-11-31 Called\n",
        "---\ntype: application\nstatus: aplied\n---\n",
    ))


#: Share of each kind of note, as in a long job hunt.
MIX = ((_contact, 0.22), (_interview, 0.16), (_application, 0.22), (_referral, 0.04),
       (_meeting, 0.09), (_ordinary, 0.265), (_broken, 0.005))


def generate(root: Path, notes: int, *, seed: int = 7, today: date = TODAY) -> list[str]:
    """Write a vault of `notes` notes at `root` (created; must be empty or missing); returns the
    vault-relative paths of the notes written, sorted."""
    rng = random.Random(seed)
    plan = _Plan(rng, today)
    for _ in range(max(5, notes // 20)):  # people first, so that links resolve
        if len(plan.files) < notes:
            _contact(plan)
    makers, weights = zip(*MIX, strict=True)
    while len(plan.files) < notes:
        rng.choices(makers, weights)[0](plan)
    root.mkdir(parents=True, exist_ok=True)
    if any(root.iterdir()):
        raise SystemExit(f"{root} is not empty")
    (root / ".jobjournal.toml").write_text('[agenda]\npath = "Agenda.md"\n', encoding="utf-8")
    (root / ".obsidian").mkdir()
    (root / ".obsidian" / "app.json").write_text("{}\n", encoding="utf-8")
    (root / "Templates").mkdir()
    (root / "Templates" / "interview.md").write_text(
        "---\ntype: interview\ndate: {{date}}\n---\n## Log\n", encoding="utf-8")
    folders: set[str] = set()
    for path, text in plan.files.items():
        folder = os.path.dirname(path)
        if folder not in folders:
            (root / folder).mkdir(parents=True, exist_ok=True)
            folders.add(folder)
        (root / path).write_text(text, encoding="utf-8")
    # saved a while ago, as a real vault's notes were (a note saved the instant before a run
    # is read again by the next one: see jobjournal/cache.py)
    saved = time.time() - 86_400
    for path in plan.files:
        os.utime(root / path, (saved, saved))
    return sorted(plan.files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path, help="folder to create the vault in (empty or missing)")
    parser.add_argument("--notes", type=int, default=1000, help="how many notes (default 1000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--today", type=date.fromisoformat, default=TODAY,
                        help="the date the vault is built around (default 2026-11-26)")
    args = parser.parse_args()
    paths = generate(args.root, args.notes, seed=args.seed, today=args.today)
    print(f"{len(paths)} notes written to {args.root}")


if __name__ == "__main__":
    main()
