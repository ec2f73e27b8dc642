"""The user's own git, run for jobjournal: the repository (`repo`), the hooks and merge driver
(`hooks`) and `jobjournal git sync` (`sync`)."""
