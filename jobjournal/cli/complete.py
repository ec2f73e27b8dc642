"""Shell completion of what click can't know by itself: note types, statuses, and the titles of
the vault's notes for `log`.

Completion is click's own: `eval "$(_JOBJOURNAL_COMPLETE=bash_source jobjournal)"` in `~/.bashrc`
(`zsh_source`, `fish_source` for the other shells). Each function here is a parameter's
`shell_complete`: called with what was typed so far, it returns what may follow. A vault that
can't be found or read completes nothing, silently: completion must never print an error into
the middle of a command line.
"""

from __future__ import annotations

import click
from click.shell_completion import CompletionItem

from jobjournal.core.model import CLOSED_STATUSES, OPEN_STATUSES, NoteType


def note_types(_ctx: click.Context, _param: click.Parameter, incomplete: str
               ) -> list[CompletionItem]:
    """contact, interview, application, referral, meeting."""
    typed = incomplete.lower()
    return [CompletionItem(t.value) for t in NoteType if t.value.startswith(typed)]


def statuses(_ctx: click.Context, _param: click.Parameter, incomplete: str
             ) -> list[CompletionItem]:
    """The statuses a note can have, open ones first."""
    typed = incomplete.lower()
    every = [*sorted(OPEN_STATUSES), *sorted(CLOSED_STATUSES)]
    return [CompletionItem(status) for status in every if status.startswith(typed)]


def note_titles(ctx: click.Context, _param: click.Parameter, incomplete: str
                ) -> list[CompletionItem]:
    """The titles of the vault's notes that start with what was typed (any case), as `log`
    finds a note by its title."""
    from jobjournal.errors import JobJournalError

    try:
        from jobjournal.cli.common import find_root
        from jobjournal.vault.scan import scan

        root, config = find_root(ctx)
        paths = scan(root, config)
    except (JobJournalError, OSError):
        return []
    typed = incomplete.casefold()
    titles = sorted({path.rpartition("/")[2].removesuffix(".md") for path in paths})
    return [CompletionItem(title) for title in titles if title.casefold().startswith(typed)]

