"""The vault on disk: finding and reading notes, the parse cache, parallel reading, locks, atomic
writes, the agenda note, and the watcher. Everything that touches the vault's files lives here."""
