"""The `jobjournal` command: click commands that wire the other layers together; no domain logic.

`main` holds the group and the one-shot commands, `edit`, `exchange` (export and import), `git`
and `watch` the others (imported only when they run); `common` the options every command shares.
"""
