"""One exception family for everything the user can fix; the CLI turns it into one line."""

from __future__ import annotations


class JobJournalError(Exception):
    """An error the user can act on: printed as one line on stderr, then exit with `exit_code`."""

    exit_code = 2

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class ConfigError(JobJournalError):
    """`.jobjournal.toml` is unreadable, or a key in it is unknown or has a bad value."""


class VaultError(JobJournalError):
    """No vault could be found, or the vault folder is unusable."""


class RefusalError(JobJournalError):
    """jobjournal refuses to write because it could lose the user's data."""
