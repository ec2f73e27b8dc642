"""`python -m jobjournal`: how the git hooks run jobjournal, with the interpreter recorded by
`jobjournal git install`, so a virtualenv or pipx install needs nothing on PATH."""

from jobjournal.cli.main import main

if __name__ == "__main__":
    main()
