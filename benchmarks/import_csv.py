"""How long `jobjournal import csv` takes, and how much memory it holds, on a big spreadsheet.

Writes a tracking spreadsheet of N rows (every row a new application; one row in five names a
recruiter, from a pool of 200, who gets a contact note once), makes a fresh vault with
`jobjournal init --no-examples`, and runs the real command in a process of its own. Prints the
wall time, the CPU time it used (on a busy machine the wall time also holds the time it
waited for a core), and its peak resident memory (its own, from the kernel, through
resource.getrusage after it exits).

    python benchmarks/import_csv.py --rows 20000              # a real import: the time counts
    python benchmarks/import_csv.py --rows 1000000 --dry-run  # a dry run: the memory counts

Everything goes into a temporary folder, removed at the end. Not run by the tests: it takes a
while and measures the machine as much as the code.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

COMPANIES = "Acme Globex Initech Umbrella Hooli Stark Wayne Tyrell Aperture Wonka".split()  # noqa: SIM905
ROLES = ("Backend Engineer", "SRE", "Data Engineer", "Frontend Developer", "Product Manager")
STATUSES = ("Applied", "Interviewing", "Rejected", "Offer", "Ghosted", "")
HEADER = ["Company", "Position", "Recruiter", "Phone", "Email", "Date Applied", "Status", "Notes",
          "Salary"]

#: Measures one command: its wall time and its peak resident set size (KiB on Linux).
_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
if done.returncode:
    sys.exit(done.stderr.decode(errors="replace") or f"exit {done.returncode}")
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
"""


def write_sheet(path: Path, rows: int, seed: int = 8) -> None:
    """A spreadsheet as people keep one: a row per application, a recruiter now and then."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as file:
        out = csv.writer(file)
        out.writerow(HEADER)
        for n in range(rows):
            recruiter = f"Recruiter {rng.randrange(200)}" if rng.random() < 0.2 else ""
            out.writerow([
                f"{rng.choice(COMPANIES)} {n}", rng.choice(ROLES), recruiter,
                f"06{rng.randrange(10**8):08d}" if recruiter else "",
                f"r{n}@example.com" if recruiter else "",
                f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}", rng.choice(STATUSES),
                "Referred by a friend; ask about the team" if n % 3 == 0 else "",
                f"{80 + n % 60}k",
            ])


def measure(*command: str) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak MiB) of one run of `command` in a process of its own."""
    done = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True,
                          text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(command[:4])}…: {done.stderr.strip()}")
    wall, cpu, peak_kib = done.stdout.split()
    return float(wall), float(cpu), int(peak_kib) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--dry-run", action="store_true", help="measure a dry run instead")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="jobjournal-import-"))
    try:
        sheet = folder / "tracker.csv"
        write_sheet(sheet, args.rows)
        vault = folder / "vault"
        jobjournal = [sys.executable, "-m", "jobjournal"]
        subprocess.run([*jobjournal, "init", str(vault), "--no-examples"], check=True,
                       capture_output=True)
        command = [*jobjournal, "import", "csv", str(sheet), "--vault", str(vault),
                   "--today", "2026-11-26", *(["--dry-run"] if args.dry_run else [])]
        wall, cpu, peak = measure(*command)
        notes = sum(1 for _ in vault.rglob("*.md"))
        size = sheet.stat().st_size / 2**20
        print(f"import csv{' --dry-run' if args.dry_run else ''}: {args.rows:,} rows "
              f"({size:.1f} MiB): {wall:.2f} s ({cpu:.2f} s of CPU), peak {peak:.0f} MiB, "
              f"{notes:,} notes in the vault after")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
