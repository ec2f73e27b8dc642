"""Standard output and error when they fail: a reader that went away, a disk that is full.

`jobjournal agenda --print | head` closes the pipe while jobjournal still writes: the command ends
quietly, as other Unix tools do (exit status 141, what a shell reports for a tool that a closed
pipe stopped; nothing on stderr). A full disk or another write error on standard output
(`> /dev/full`) is one clear line and exit status 2, never a crash.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from types import TracebackType

import click

#: 128 + SIGPIPE: the status a shell reports for a command stopped by a closed pipe.
READER_GONE_EXIT = 141
#: A usage, config or vault error, or a refusal, and an output that can't be written.
WRITE_ERROR_EXIT = 2


def from_echo(exc: BaseException) -> bool:
    """Whether `exc` was raised while `click.echo` wrote or flushed a stream (all of a command's
    output goes through it), as opposed to a file the command read or wrote."""
    trace: TracebackType | None = exc.__traceback__
    echo = click.utils.echo.__code__
    while trace is not None:
        if trace.tb_frame.f_code is echo:
            return True
        trace = trace.tb_next
    return False


def output_failed(exc: OSError) -> int:
    """The exit status for an output that could not be written, after saying why (unless the
    reader went away); what is still buffered for the streams is dropped, so that Python has
    nothing left to complain about when it exits."""
    if exc.errno == errno.EPIPE:
        _drop(sys.stdout, sys.stderr)
        return READER_GONE_EXIT
    _drop(sys.stdout)
    reason = exc.strerror or str(exc)
    with contextlib.suppress(OSError, ValueError):
        click.echo(f"jobjournal: error: cannot write the output ({reason})", err=True)
    return WRITE_ERROR_EXIT


def flush(status: int | str | None) -> int | str | None:
    """Flush standard output and error at the end of the command: `status`, or the status of an
    output that could not be written (see `output_failed`)."""
    if type(sys.stdout).__name__.lstrip("_") == "PacifyFlushWrapper":
        # click met a closed pipe outside a command (printing `--help`) and exited with 1
        _drop(sys.stdout, sys.stderr)
        return READER_GONE_EXIT
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except OSError as exc:
            return output_failed(exc)
        except ValueError:  # closed
            pass
    return status


def _drop(*streams: object) -> None:
    """Point the streams' file descriptors at the null device: what is still buffered, and any
    later write, goes nowhere instead of failing again."""
    for stream in streams:
        try:
            fd = stream.fileno()  # type: ignore[attr-defined]
        except (AttributeError, OSError, ValueError):
            continue  # not a real file (a test's captured output)
        with contextlib.suppress(OSError):
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, fd)
            os.close(null)
