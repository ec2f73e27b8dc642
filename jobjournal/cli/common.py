"""Options and helpers shared by every command: --vault, --today, opening a vault, computing."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import click

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from jobjournal.config import Config
    from jobjournal.core.board import Card
    from jobjournal.core.incremental import IncrementalBuild
    from jobjournal.core.model import Agenda, Note
    from jobjournal.vault.cache import CachedVault
    from jobjournal.vault.reader import Vault

F = TypeVar("F", bound=Callable[..., Any])

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def help_when_alone(group: click.Group, ctx: click.Context, args: list[str]) -> list[str]:
    """`Group.parse_args`, except that the group alone (`jobjournal`, `jobjournal git`) prints its
    help and exits 0: asking what there is is no error."""
    if not args and not ctx.resilient_parsing:
        click.echo(ctx.get_help())
        ctx.exit(0)
    return click.Group.parse_args(group, ctx, args)


def list_commands_whole(group: click.Group, ctx: click.Context,
                        formatter: click.HelpFormatter,
                        known: Mapping[str, str] | None = None) -> None:
    """The group's "Commands" section, each with the first sentence of its help in full (click
    cuts it at the width of a line), wrapped to the terminal; `known` gives it for commands
    whose modules are not to be imported just to list them."""
    rows = []
    for name in group.list_commands(ctx):
        if known is not None and name in known:
            rows.append((name, known[name]))
            continue
        command = group.get_command(ctx, name)
        if command is not None and not command.hidden:
            rows.append((name, command.get_short_help_str(limit=10_000)))
    if rows:
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _remember_vault(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(dict)["vault"] = value


def _complete_folder(_ctx: click.Context, _param: click.Parameter, incomplete: str
                     ) -> list[CompletionItem]:
    from click.shell_completion import CompletionItem

    return [CompletionItem(incomplete, type="dir")]  # the shell lists the folders


def vault_option(func: F) -> F:
    """`--vault PATH`, accepted before or after the command name."""
    return click.option(
        "--vault",
        metavar="PATH",
        expose_value=False,
        is_eager=True,
        callback=_remember_vault,
        shell_complete=_complete_folder,
        help="The vault folder (default: $JOBJOURNAL_VAULT, else the nearest folder above "
        "the current one holding .jobjournal.toml).",
    )(func)


class DayParam(click.ParamType):  # type: ignore[type-arg]  # generic in newer click only
    """A calendar day written YYYY-MM-DD; a bad one is refused in plain words, with the form."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> date:
        if isinstance(value, date):
            return value
        from jobjournal.core.dates import DateError, parse_day

        text = str(value).strip()
        if not _DAY.fullmatch(text):  # a time or an offset has no place in a day either
            self.fail(f"{text!r} is not a date: write it as YYYY-MM-DD, like 2026-11-26",
                      param, ctx)
        try:
            return parse_day(text)
        except DateError as exc:  # the form is right, the day is not (2026-13-01, 2026-02-30)
            self.fail(str(exc), param, ctx)


def today_option(func: F) -> F:
    return click.option(
        "--today",
        type=DayParam(),
        metavar="YYYY-MM-DD",
        help="Compute as if today were this date (default: the real date).",
    )(func)


def clock() -> datetime:
    """The one place that reads the clock: the local date and time, to the second."""
    return datetime.now().replace(microsecond=0)


def today_from(value: date | None) -> date:
    """Today: the --today option's day, else the clock's."""
    return value if value is not None else clock().date()


def now_from(value: Any) -> datetime | None:
    """Now, for the rules: the clock's time, or None (the end of that day) with --today, so
    output for a given day stays the same."""
    return None if value is not None else clock()


class Screen(NamedTuple):
    """How standard output shows text (see `screen`)."""

    width: int  # columns to fit
    terminal: bool  # a terminal, not a file or a pipe
    color: bool  # whether to colour


def screen() -> Screen:
    """How standard output shows text: the width to fit (the terminal's; `$COLUMNS` when set;
    80 off a terminal), whether it is a terminal, and whether to colour: only on a terminal,
    and never when `NO_COLOR` is set or `TERM=dumb`."""
    width = _terminal_columns()
    try:
        on_terminal = sys.stdout.isatty()
    except (AttributeError, ValueError):  # no standard output, or a closed one
        on_terminal = False
    plain = bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb"
    return Screen(width, on_terminal, on_terminal and not plain)


def _terminal_columns(fallback: int = 80) -> int:
    """`shutil.get_terminal_size((80, 24)).columns`, without importing shutil (and with it
    bz2 and lzma) at every start: `$COLUMNS` when a positive number, else the terminal's width
    of the original standard output, else `fallback`."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
        if columns <= 0:
            columns = fallback
    return columns


def fit(summary: str, shown: Screen) -> str:
    """A summary (`a · b · c`) wrapped at the terminal's width between its parts, never within
    one; one line anywhere else, for scripts."""
    if not shown.terminal or len(summary) <= shown.width:
        return summary
    parts = summary.split(" · ")
    lines, line = [], parts[0]
    for part in parts[1:]:
        if len(line) + len(" · ") + len(part) <= shown.width:
            line += " · " + part
        else:
            lines.append(line + " ·")
            line = "  " + part
    return "\n".join([*lines, line])


def vault_root(ctx: click.Context) -> Path:
    """The vault's folder: --vault, else $JOBJOURNAL_VAULT, else the nearest folder above the
    current one holding .jobjournal.toml. The one place every command finds its vault."""
    from jobjournal.vault.reader import find_vault

    explicit = (ctx.obj or {}).get("vault")
    return find_vault(explicit, os.environ.get("JOBJOURNAL_VAULT") or None, Path.cwd())


def find_root(ctx: click.Context) -> tuple[Path, Config]:
    """The vault's folder (see `vault_root`) and its config."""
    from jobjournal.config import load_config

    root = vault_root(ctx)
    return root, load_config(root)


def open_vault(ctx: click.Context, *, use_cache: bool = True) -> Vault:
    """Find the vault and load its notes, through the parse cache unless `use_cache` is false."""
    return read_vault(open_cached_vault(ctx, use_cache=use_cache))


def no_cache_option(func: F) -> F:
    """`--no-cache`: read every note, neither using nor updating the parse cache."""
    return click.option(
        "--no-cache",
        is_flag=True,
        help="Read every note again, without the parse cache (which is left as it is).",
    )(func)


def open_cached_vault(ctx: click.Context, *, use_cache: bool = True) -> CachedVault:
    """Find the vault, load its config, stat its notes and load its cache."""
    from jobjournal.vault.cache import CachedVault

    root, config = find_root(ctx)
    return CachedVault.open(root, config, use_cache=use_cache)


def read_vault(
    run: CachedVault, build: IncrementalBuild | None = None, today: date | None = None
) -> Vault:
    """The vault's notes, read where the cache doesn't hold them, with a progress line on a
    terminal when that takes long. While other processes read (a first read of a large vault),
    this one gets `build` ready for these notes, when the caller runs one next, and, given the
    build's `today`, counts each chunk of notes toward it as it arrives (see
    IncrementalBuild.take)."""
    from jobjournal.cli.progress import ProgressLine

    def get_ready(paths: list[str]) -> None:
        from jobjournal.core import render  # noqa: F401 - imported now rather than after the read

        if build is not None:
            build.prepare(paths, run.config)

    arrived = None
    if build is not None and today is not None:
        paths = run.paths  # one list for every chunk: the build sees the same paths at once

        def arrived(notes: list[Note]) -> None:
            build.take(notes, today, run.config, paths)

    with ProgressLine() as progress:
        return run.vault(progress=progress, meanwhile=get_ready, arrived=arrived)


def read_and_compute(
    run: CachedVault, today: date, now: datetime | None = None, *, insights: bool = True
) -> tuple[Vault, Agenda]:
    """The vault's notes (see `read_vault`) and their agenda, with its insights unless
    `insights` is false (then None: for a caller that shows none). When other processes read
    the notes, this one counts each chunk of notes toward the build as it arrives."""
    from jobjournal.core.incremental import IncrementalBuild
    from jobjournal.vault import background

    # this command's only build: made ready while the notes are read
    build = IncrementalBuild(insights=insights)
    vault = read_vault(run, build, today)
    agenda = compute_agenda(vault, today, build, now=now)
    background.keep(build, run)  # what they hold is freed at the exit, all at once
    return vault, agenda


def compute_agenda(
    vault: Vault, today: date, build: IncrementalBuild | None = None, *,
    now: datetime | None = None,
) -> Agenda:
    """Run the rules over a loaded vault, with `build` (or a new one); `now` as `now_from`."""
    from jobjournal.core.incremental import IncrementalBuild
    from jobjournal.vault.reader import gc_paused

    with gc_paused():  # thousands of acyclic objects: collecting while making them only costs
        return (build or IncrementalBuild()).build(
            vault.notes, today, vault.config, paths=vault.paths, problems=vault.problems,
            now=now,
        )


def board_cards_of(vault: Vault, agenda: Agenda) -> tuple[Card, ...]:
    """The board's cards for a loaded vault and its agenda."""
    from jobjournal.core.board import board_cards
    from jobjournal.core.links import LinkIndex

    return board_cards(vault.notes, agenda.items, LinkIndex(vault.paths))
