"""`jobjournal check`'s report: one line per problem, as editors and CI read them, and the counts.

Pure: the problems of a build in, text and counts out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from jobjournal.core.model import Note, Problem


@dataclass(frozen=True)
class CheckReport:
    """The lines `check` prints, and what its summary counts."""

    lines: tuple[str, ...]
    notes: int  # jobjournal notes checked
    errors: int
    warnings: int

    @property
    def summary(self) -> str:
        """"12 notes checked: 1 error, 0 warnings"."""
        return (f"{_count(self.notes, 'note')} checked: {_count(self.errors, 'error')}, "
                f"{_count(self.warnings, 'warning')}")


def check_report(
    problems: Sequence[Problem], notes: Iterable[Note], vault: str, prefix: str = ""
) -> CheckReport:
    """Each problem as `path:line: severity: message` (`vault` stands for the path of a problem
    about the whole vault, and a problem without a line is on line 1), in the order given.
    `prefix` goes before each note's path: the vault's folder as seen from where the command
    runs, so that an editor opens the file the line names."""
    lines = []
    for problem in problems:
        where = prefix + problem.path if problem.path is not None else vault
        # one problem, one line: a newline or escape code in a file name can't split it
        where = "".join(c if c.isprintable() else repr(c)[1:-1] for c in where)
        lines.append(f"{where}:{problem.line or 1}: {problem.severity.value}: {problem.message}")
    errors = sum(problem.is_error for problem in problems)
    typed = sum(note.type is not None for note in notes)
    return CheckReport(tuple(lines), typed, errors, len(problems) - errors)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"
