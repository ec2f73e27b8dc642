"""How long from saving a note to the agenda note written, while `jobjournal watch` runs.

Generates a vault of N notes (every note type, with Logs and tasks, three years of them in year
folders, the old ones mostly closed), runs `jobjournal watch` on it as a separate process, then
saves one note `--saves` times, each save changing what is due so the agenda must be rewritten,
and waits for each rewrite (the agenda note replaced) before the next save. Prints, per vault
size, the median and the worst latency from the save to the agenda written: the watcher's
250 ms quiet period is included, as it is part of what a user waits.

    python benchmarks/watch_latency.py                 # 100 and 10,000 notes, 20 saves each
    python benchmarks/watch_latency.py --notes 1000 --saves 50 --rename

Self-contained on purpose: it needs only an installed jobjournal.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path

COMPANIES = "Acme Globex Initech Umbrella Hooli Stark Wayne Tyrell Aperture Wonka".split()  # noqa: SIM905
PEOPLE = "Dana Sam Lee Priya Chris Riley Jo Alex Morgan Noor Mateo Aisha Lukas Sofia".split()  # noqa: SIM905
STAGES = ("phone-screen", "technical", "onsite", "final")
OPEN = {
    "contact": ("active", None), "interview": ("scheduled", "completed", "waiting"),
    "application": ("applied", None), "referral": (None,), "meeting": (None, "completed"),
}
CLOSED = ("rejected", "withdrawn", "declined", "closed")
#: notes this many days old or younger are the live part of the hunt; older ones are mostly closed
RECENT_DAYS = 45


def _body(rng: random.Random, when: date, today: date, recent: bool) -> str:
    lines = ["", "## Notes", "", f"Talked about the {rng.choice(COMPANIES)} platform team."]
    for _ in range(rng.randint(0, 2)):
        due = when + timedelta(days=rng.randint(1, 20))
        done = "x" if not recent or rng.random() < 0.5 else " "
        lines.append(f"- [{done}] Send the portfolio 📅 {due.isoformat()}")
    lines += ["", "## Log", ""]
    for _ in range(rng.randint(0, 3)):
        day = min(today, when + timedelta(days=rng.randint(0, 20)))
        lines.append(f"- {day.isoformat()} Called [[{rng.choice(PEOPLE)} Recruiter]]")
    return "\n".join(lines) + "\n"


def _note(rng: random.Random, today: date, kind: str, age: int) -> str:
    """One note about something `age` days ago: open if recent, else mostly closed."""
    when = today - timedelta(days=age)
    recent = age <= RECENT_DAYS or rng.random() < 0.03
    status = rng.choice(OPEN[kind]) if recent else rng.choice(CLOSED)
    fields = [f"type: {kind}", f"company: {rng.choice(COMPANIES)}"]
    if status:
        fields.append(f"status: {status}")
    person = f'"[[{rng.choice(PEOPLE)} Recruiter]]"'
    if kind == "contact":
        fields.append("relationship: recruiter")
        if recent and rng.random() < 0.3:
            fields.append(f"stay_in_touch: {rng.choice((14, 30, 60))}")
    elif kind == "interview":
        decision = when + timedelta(days=rng.randint(3, 10))
        fields += [
            f"date: {when.isoformat()}T{rng.randint(9, 17):02}:00", f"stage: {rng.choice(STAGES)}",
            "role: Backend Developer", f"recruiter: {person}", "hiring_manager: Sam Lee",
            f"decision_date: {decision.isoformat()}", f"candidates: {rng.randint(2, 8)}",
            f"thank_you: {when.isoformat()}",
        ]
    elif kind == "application":
        fields += [f"applied: {when.isoformat()}", "source: LinkedIn", "role: Backend Developer"]
    elif kind == "referral":
        fields += [f"date: {when.isoformat()}", f"from: {person}", f"thanked: {when.isoformat()}"]
    else:
        fields += [f"date: {when.isoformat()}", f"with: [{person}]", "thank_you: true"]
    return "---\n" + "\n".join(fields) + "\n---\n" + _body(rng, when, today, recent)


def generate(root: Path, notes: int, today: date, seed: int = 7) -> None:
    """A vault of `notes` notes: contacts, interviews, applications, referrals and meetings."""
    rng = random.Random(seed)
    (root / ".obsidian").mkdir(parents=True)
    (root / ".obsidian" / "app.json").write_text("{}\n", encoding="utf-8")
    (root / ".jobjournal.toml").write_text("", encoding="utf-8")
    (root / "Templates").mkdir()
    (root / "Templates" / "contact.md").write_text("---\ntype: contact\n---\n", encoding="utf-8")
    kinds = ["contact"] * 3 + ["interview"] * 2 + ["application"] * 3 + ["referral", "meeting"]
    for n in range(notes):
        kind = rng.choice(kinds)
        age = rng.randint(0, 3 * 365)  # three years of job hunting, the last weeks still open
        folder = root / f"{kind.title()}s" / str((today - timedelta(days=age)).year)
        folder.mkdir(parents=True, exist_ok=True)
        text = _note(rng, today, kind, age)
        (folder / f"{rng.choice(COMPANIES)} {rng.choice(PEOPLE)} {n:05}.md").write_text(
            text, encoding="utf-8"
        )


def measure(notes: int, saves: int, rename: bool, workdir: Path) -> dict[str, float]:
    root = workdir / f"vault-{notes}"
    today = date.today()
    generate(root, notes, today)
    target = root / "Contacts" / "Benchmark Recruiter.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("---\ntype: contact\n---\n", encoding="utf-8")
    agenda = root / "Agenda.md"
    command = [sys.executable, "-c", "from jobjournal.cli.main import main; main()"]
    started = time.perf_counter()
    watch = subprocess.Popen([*command, "watch", "--quiet", "--vault", str(root)])
    try:
        _wait(lambda: agenda.exists(), 600, "the first agenda", watch)
        startup = time.perf_counter() - started
        latencies = []
        for n in range(saves):
            # a missed call at another minute each time: the agenda's text changes every save
            yesterday = (today - timedelta(days=1)).isoformat()
            text = f"---\ntype: contact\nmissed_call: {yesterday}T09:{n % 60:02}\n---\n"
            time.sleep(0.5)  # saves apart, as a person makes them (not one debounced burst)
            before = agenda.stat().st_ino  # the agenda is replaced by a rename: a new inode
            saved = time.perf_counter()
            if rename:  # vim, JetBrains, sync tools: a temp file renamed over the note
                temp = target.with_name(target.name + "___jb_tmp___")
                temp.write_text(text, encoding="utf-8")
                os.replace(temp, target)
            else:
                target.write_text(text, encoding="utf-8")
            _wait(partial(_replaced, agenda, before), 30, f"the agenda after save {n + 1}", watch)
            latencies.append(time.perf_counter() - saved)
    finally:
        watch.send_signal(signal.SIGINT)
        watch.wait(30)
    return {
        "notes": notes,
        "startup": startup,
        "median": statistics.median(latencies),
        "worst": max(latencies),
    }


def _replaced(path: Path, inode: int) -> bool:
    return path.stat().st_ino != inode


def _wait(
    condition: Callable[[], bool], timeout: float, what: str, watch: subprocess.Popen[bytes]
) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if watch.poll() is not None:
            raise SystemExit(f"`jobjournal watch` exited ({watch.returncode}) before {what}")
        if time.perf_counter() > deadline:
            raise SystemExit(f"gave up waiting for {what} after {timeout:g} s")
        time.sleep(0.002)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, nargs="+", default=[100, 10_000])
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--rename", action="store_true", help="save by renaming a temp file")
    parser.add_argument("--keep", type=Path, help="generate the vaults here and keep them")
    args = parser.parse_args()
    style = "rename over the note" if args.rename else "write in place"
    print(f"{args.saves} saves per vault ({style}); latency = save → agenda written")
    print(f"{'notes':>7}  {'start-up':>9}  {'median':>8}  {'worst':>8}")
    with tempfile.TemporaryDirectory(prefix="jobjournal-watch-") as tmp:
        workdir = args.keep or Path(tmp)
        for notes in args.notes:
            r = measure(notes, args.saves, args.rename, workdir)
            print(
                f"{r['notes']:>7}  {r['startup']:>8.2f}s  {r['median'] * 1000:>6.0f}ms  "
                f"{r['worst'] * 1000:>6.0f}ms",
                flush=True,
            )


if __name__ == "__main__":
    main()
