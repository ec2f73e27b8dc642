"""The commit being made, as the pre-commit hook checks it: the vault as staged (git's index),
which is what the commit will hold, rather than as it is in the working tree (README, "Git:
history, backup and sync between devices"). A broken note staged and then mended in the working
tree is refused; a good note staged with a broken working copy goes through; a note staged and
then deleted is still checked; the staged `.jobjournal.toml` is the one that counts.

Reading every staged note from git would cost a large vault seconds per commit: a note whose
working copy git knows to be the staged one is taken from the vault read through its parse
cache; only the others are read from the index, all in one `git cat-file --batch`.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path

from jobjournal.config import CONFIG_NAME, Config, config_from_text, load_config
from jobjournal.core.conflicts import conflict_marker_line
from jobjournal.core.parse import parse_note
from jobjournal.errors import ConfigError, JobJournalError
from jobjournal.git.repo import Repo
from jobjournal.vault.agenda_note import without_generated_part
from jobjournal.vault.cache import CachedVault
from jobjournal.vault.reader import FileState, Vault, VaultState
from jobjournal.vault.scan import Wanted

#: Modes of the index entries that are files (a symlink or a submodule is neither).
_FILES = ("100644", "100755")
#: The stamp of a note read from the index, which no file on disk has.
_FROM_INDEX = (0, 0, 0)


class Staged:
    """The vault's entries in the index: path (vault-relative) → (mode, object id, whether its
    working copy may stand for it: not marked assume-unchanged nor skip-worktree)."""

    def __init__(self, repo: Repo, root: Path) -> None:
        self.repo = repo
        self.root = root
        out = repo.git("ls-files", "--stage", "-v", "-z", "--", repo.spec(".")).stdout
        self.entries: dict[str, tuple[str, str, bool]] = {}
        for record in out.split("\0"):
            info, _, top_path = record.partition("\t")
            fields = info.split(" ")
            path = repo.in_vault(top_path)
            if len(fields) == 4 and fields[3] == "0" and path is not None:
                tag, mode, oid, _ = fields
                self.entries[path] = (mode, oid, tag == "H")

    def config(self) -> Config:
        """The staged `.jobjournal.toml`; the working tree's when none is staged."""
        entry = self.entries.get(CONFIG_NAME)
        if entry is None:
            return load_config(self.root)
        source = f"{self.repo.prefix}{CONFIG_NAME} (as staged)"
        try:
            text = self._blobs([entry[1]]).get(entry[1], b"").decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ConfigError(f"{source}: cannot read it (not UTF-8)") from None
        return config_from_text(text, source)

    def vault(self, config: Config) -> Vault:
        """The notes as staged, read as a scan of the working tree would read them."""
        wanted = Wanted(self.root, config)
        worktree = CachedVault.open(self.root, config)
        worktree.vault()
        known = worktree.state.files
        differ = self._differing()
        files: dict[str, FileState] = {}
        unread: dict[str, str] = {}
        for path, (mode, oid, trusted) in self.entries.items():
            if not wanted.named(path):
                continue
            if trusted and path not in differ and path in known:
                files[path] = known[path]
            elif mode in _FILES:
                unread[path] = oid
        blobs = self._blobs(unread.values())
        tasks_from_all = config.vault.tasks_from == "all"
        for path, oid in unread.items():
            if oid in blobs:
                note, problems = parse_note(path, blobs[oid], tasks_from_all=tasks_from_all)
                files[path] = FileState(_FROM_INDEX, note, tuple(problems))
        return VaultState(self.root, config, files).vault()

    def agenda_conflict(self, agenda: str) -> int | None:
        """The line of the first git conflict marker in the staged agenda note's text outside
        its generated part (the merge driver leaves them where your text conflicted)."""
        entry = self.entries.get(agenda)
        if entry is None:
            return None
        data = self._blobs([entry[1]]).get(entry[1], b"")
        return conflict_marker_line(without_generated_part(data.decode("utf-8", "replace")))

    def _differing(self) -> set[str]:
        """The vault's paths whose working copy is not the staged one (changed, deleted)."""
        out = self.repo.git("diff-files", "--name-only", "-z", "--", self.repo.spec(".")).stdout
        return {path for top in out.split("\0") if top and (path := self.repo.in_vault(top))}

    def _blobs(self, oids: Iterable[str]) -> dict[str, bytes]:
        """The contents of these objects, by id, read in one `git cat-file --batch`."""
        wanted = list(dict.fromkeys(oids))
        if not wanted:
            return {}
        try:
            result = subprocess.run(
                ["git", "cat-file", "--batch"], cwd=self.repo.top, capture_output=True,
                input="".join(f"{oid}\n" for oid in wanted).encode("ascii"), check=False,
            )  # fmt: skip
        except OSError as exc:
            raise JobJournalError(f"cannot run git cat-file: {exc}") from None
        if result.returncode != 0:
            reason = result.stderr.decode("utf-8", "replace").strip()
            raise JobJournalError(f"cannot read the staged notes: {reason}")
        found: dict[str, bytes] = {}
        data, position = result.stdout, 0
        for oid in wanted:
            end = data.index(b"\n", position)
            header = data[position:end].split(b" ")
            position = end + 1
            if len(header) == 3:  # `<oid> <type> <size>`, else `<oid> missing`
                size = int(header[2])
                found[oid] = data[position : position + size]
                position += size + 1
        return found
