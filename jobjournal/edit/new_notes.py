"""Creating notes from the vault's templates, as `jobjournal new` and `import csv` do.

The template is filled in as Obsidian's core Templates plugin would (templates.py), each field is
set on its own line (editor.py), and the note is written complete and never over another
(vault/atomic.py; docs/design.md, "Writing into the vault").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jobjournal.config import Config
from jobjournal.core.model import NoteType
from jobjournal.edit import editor as edit
from jobjournal.edit.templates import builtin_template, obsidian_formats, render_template
from jobjournal.errors import JobJournalError, RefusalError
from jobjournal.vault.atomic import NewFiles, create_file


@dataclass(frozen=True)
class Template:
    text: str
    builtin: bool  # the vault has no Templates/TYPE.md: a minimal note of that type is used


class NoteMaker:
    """Makes notes for one vault at one moment; each template is read once."""

    def __init__(self, root: Path, config: Config, now: datetime) -> None:
        self.root, self.config, self.now = root, config, now
        settings = root / ".obsidian" / "templates.json"
        self.date_format, self.time_format = obsidian_formats(
            settings.read_text("utf-8", "replace") if settings.is_file() else None
        )
        self._templates: dict[NoteType, Template] = {}
        self._folders: set[str] = set()  # made, or found there

    def template_path(self, note_type: NoteType) -> str:
        return f"{self.config.vault.templates}/{note_type.value}.md"

    def template(self, note_type: NoteType) -> Template:
        """The vault's template for a type, else a built-in minimal one."""
        if note_type not in self._templates:
            source = self.template_path(note_type)
            try:
                found = Template(edit.decode_note((self.root / source).read_bytes()), False)
            except FileNotFoundError:
                found = Template(builtin_template(note_type), True)
            except OSError as exc:
                raise JobJournalError(f"cannot read {source} ({exc.strerror or exc})") from None
            except RefusalError as exc:
                raise JobJournalError(f"cannot read {source} ({exc.message})") from None
            self._templates[note_type] = found
        return self._templates[note_type]

    def render(
        self, note_type: NoteType, title: str, fields: Sequence[tuple[str, str]] = ()
    ) -> str:
        """The new note's text: its template filled in for `title`, with `fields` (key, YAML
        text) set; a template without `type` gets one."""
        text = render_template(
            self.template(note_type).text, title, self.now,
            date_format=self.date_format, time_format=self.time_format,
        )
        try:
            text = edit.set_fields(text, fields, defaults=[("type", note_type.value)])
        except RefusalError as exc:
            raise JobJournalError(
                f"{self.template_path(note_type)}, filled in: {exc.message}"
            ) from None
        return text

    def create(self, rel: str, text: str) -> None:
        """Write a new note at vault-relative `rel`, making its folder; never over a note."""
        self._folder(rel)
        create_file(self.root / rel, rel, text.encode("utf-8"))

    def add(self, files: NewFiles, rel: str, text: str) -> int:
        """Write a new note at `rel` among many (see NewFiles: it gets its name when `files`
        is flushed); its ticket. Its folder is made first, when missing."""
        self._folder(rel)
        return files.add(self.root / rel, rel, text.encode("utf-8"))

    def _folder(self, rel: str) -> None:
        folder = rel.rpartition("/")[0]
        if folder in self._folders:
            return
        try:
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise JobJournalError(f"cannot create {folder}/ ({exc.strerror or exc})") from None
        self._folders.add(folder)
