"""A progress line on stderr while a long read goes on.

Shown only when stderr is a terminal, and only once the read has taken longer than DELAY
seconds, so that a quick run prints nothing extra; never on stdout, which may carry `--json`.
Erased when the read ends, leaving the terminal as it was.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

#: Seconds a read must have taken before the line appears.
DELAY = 1.0
#: Seconds between two redraws.
INTERVAL = 0.1


class ProgressLine:
    """Callable as `progress(done, total)`; a context manager that erases the line at the end."""

    def __init__(
        self, label: str = "Reading notes", *, stream: TextIO | None = None, delay: float = DELAY
    ) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.delay = delay
        try:
            self.enabled = self.stream.isatty()
        except (AttributeError, ValueError):  # no stream, or a closed one
            self.enabled = False
        self._start = time.monotonic()
        self._drawn_at = 0.0
        self._width = 0  # of the line on screen, to erase it

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._start < self.delay or (now - self._drawn_at < INTERVAL and done < total):
            return
        self._drawn_at = now
        line = f"{self.label}… {done:,}/{total:,}"
        self._write("\r" + line.ljust(self._width))
        self._width = len(line)

    def close(self) -> None:
        """Erase the line, if one was drawn."""
        if self._width:
            self._write("\r" + " " * self._width + "\r")
            self._width = 0

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: carry on without the line
            self.enabled = False

    def __enter__(self) -> ProgressLine:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
