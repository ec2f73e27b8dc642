"""jobjournal: a follow-up tracker for job seekers, built on plain Markdown notes and git."""

__version__ = "0.1.0"
