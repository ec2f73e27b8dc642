"""The hostile cases too big, or too strange, to commit as files (see README.md beside this file).

Each builder writes its case into a vault folder and returns the vault-relative paths it made.
tests/test_hostile.py calls them at test time; run this file to look at the cases by hand:

    python tests/data/hostile/generate.py /tmp/hostile-vault

Nothing here is committed as a big file: a 5 MB note in git would slow every clone, and a
symlink loop or a file named `~$x.md` in the repository would trouble checkouts and tools.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

#: A contact with a missed call: read, it gives one `call-back` item, so a test can see it was.
CONTACT = "---\ntype: contact\nmissed_call: 2026-11-25\n---\n"
MIB = 2**20


def _write(root: Path, rel: str, data: bytes | str) -> str:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return rel


# --- too big to commit ---------------------------------------------------------------------------


def huge_note(root: Path) -> list[str]:
    """A jobjournal note of 5 MB, over the 4 MiB limit: not read."""
    body = ("Pasted transcript of a very long call. " * 26 + "\n") * (5 * MIB // 1040 + 1)
    return [_write(root, "Notes/huge-5mb.md", CONTACT + body)]


def long_line(root: Path) -> list[str]:
    """2 MB on one line of the body (a pasted minified blob), under the limit: read."""
    return [_write(root, "Notes/long-line-2mb.md", CONTACT + "x" * (2 * MIB) + "\n")]


def long_value(root: Path) -> list[str]:
    """2 MB on one line of the front matter (a pasted blob as a value): read."""
    text = "---\ntype: contact\nmissed_call: 2026-11-25\nsummary: " + "y" * (2 * MIB) + "\n---\n"
    return [_write(root, "Notes/long-value-2mb.md", text)]


def huge_front_matter(root: Path) -> list[str]:
    """3.5 MB of front matter (300,000 keys), under the size limit."""
    keys = "".join(f"k{i}: v\n" for i in range(300_000))
    text = "---\ntype: contact\nmissed_call: 2026-11-25\n" + keys + "---\n"
    return [_write(root, "Notes/huge-front-matter.md", text)]


def deep_flow(root: Path) -> list[str]:
    """Flow lists nested 5,000 deep."""
    text = "---\ntype: contact\nmissed_call: 2026-11-25\nx: " + "[" * 5000 + "]" * 5000 + "\n---\n"
    return [_write(root, "Notes/deep-flow.md", text)]


def deep_block(root: Path) -> list[str]:
    """Block lists nested 5,000 deep, written compactly on one line (`- - - … x`)."""
    text = "---\ntype: contact\nmissed_call: 2026-11-25\nx:\n" + "- " * 5000 + "x\n---\n"
    return [_write(root, "Notes/deep-block.md", text)]


def deep_mapping(root: Path) -> list[str]:
    """Flow mappings nested 3,000 deep (`{a: {a: … }}`)."""
    text = "---\ntype: contact\nx: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n---\n"
    return [_write(root, "Notes/deep-mapping.md", text)]


def alias_bomb(root: Path) -> list[str]:
    """Billion laughs: nine levels of nine aliases each, 9⁹ values once expanded."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    text = "---\ntype: contact\nmissed_call: 2026-11-25\n" + "\n".join(lines) + "\n---\n"
    return [_write(root, "Notes/alias-bomb.md", text)]


# --- names that mean something to a sync tool, an editor or the OS -------------------------------

#: The conflict copies sync tools make of `Contacts/Jane.md`.
CONFLICT_COPIES = {
    "syncthing": "Jane.sync-conflict-20261120-123456-ABCDEFG.md",
    "dropbox": "Jane (Jane's conflicted copy 2026-11-20).md",
    # Nextcloud's desktop client: " (conflicted copy [user ]yyyy-MM-dd hhmmss)"
    "nextcloud": "Jane (conflicted copy 2026-11-20 123456).md",
    "nextcloud-user": "Jane (conflicted copy Jane Doe 2026-11-20 123456).md",
    "nextcloud-short": "Jane (conflict 2026-11-20 123456).md",
    "owncloud-old": "Jane_conflict-20261120-123456.md",
}


def conflict_copy(kind: str) -> Callable[[Path], list[str]]:
    def build(root: Path) -> list[str]:
        original = _write(root, "Contacts/Jane.md", CONTACT)
        return [original, _write(root, f"Contacts/{CONFLICT_COPIES[kind]}", CONTACT)]

    build.__doc__ = f"A {kind} conflict copy beside its original."
    return build


def case_collision(root: Path) -> list[str]:
    """`Jane.md` and `jane.md`: one file on macOS and Windows."""
    first = _write(root, "Contacts/Jane.md", CONTACT)
    if (root / "Contacts" / "jane.md").exists():
        raise OSError("this file system ignores case: the case can't be built here")
    return [first, _write(root, "Contacts/jane.md", CONTACT)]


def non_utf8_names(root: Path) -> list[str]:
    """A note and a folder named in latin-1 (`Société.md`, `Café/`), as an old zip tool or a
    network share leaves them: names no UTF-8 text can hold."""
    base = os.fsencode(root)
    os.makedirs(base + b"/Contacts", exist_ok=True)
    os.makedirs(base + "/Café/".encode("latin-1"), exist_ok=True)
    for name in ("/Contacts/Société.md", "/Café/Jane.md"):
        try:
            with open(base + name.encode("latin-1"), "wb") as file:
                file.write(CONTACT.encode())
        except OSError as exc:  # macOS and Windows refuse such names: nothing to test there
            raise OSError(f"this file system refuses names that are not UTF-8 ({exc})") from exc
    return ["Contacts/Soci\ufffdt\ufffd.md", "Caf\ufffd"]


def folder_named_md(root: Path) -> list[str]:
    """A folder named `Notes.md`, holding a note: walked, never read as a note itself."""
    return [_write(root, "Notes.md/inner.md", CONTACT)]


def dangling_symlink(root: Path) -> list[str]:
    (root / "Notes").mkdir(exist_ok=True)
    os.symlink("missing.md", root / "Notes" / "dangling.md")
    return ["Notes/dangling.md"]


def symlink_loop(root: Path) -> list[str]:
    """A link to itself, two links to each other, a folder linking to its parent."""
    notes = root / "Notes"
    notes.mkdir(exist_ok=True)
    os.symlink("loop.md", notes / "loop.md")
    os.symlink("b.md", notes / "a.md")
    os.symlink("a.md", notes / "b.md")
    os.symlink("..", notes / "up", target_is_directory=True)
    return [_write(root, "Notes/real.md", CONTACT), "Notes/loop.md", "Notes/a.md", "Notes/b.md"]


def symlink_outside(root: Path) -> list[str]:
    """A note and a folder linked from outside the vault: never read."""
    outside = root.parent / f"{root.name}-outside"
    outside.mkdir(exist_ok=True)
    (outside / "Secret.md").write_text(CONTACT, encoding="utf-8")
    (root / "Notes").mkdir(exist_ok=True)
    os.symlink(outside / "Secret.md", root / "Notes" / "Secret.md")
    os.symlink(outside, root / "Elsewhere", target_is_directory=True)
    return ["Notes/Secret.md", "Elsewhere"]


#: Editors' swap, backup and temp files, and an office suite's lock file, each holding a note.
EDITOR_FILES = (".Jane.md.swp", "4913", "Jane.md~", "Jane.md.tmp", ".#Jane.md", "~$Jane.md",
                ".Jane.md.k2j4_x9z.tmp", ".Jane.md.3f9a1c2b4d5e.new")


def editor_files(root: Path) -> list[str]:
    return [_write(root, f"Contacts/{name}", CONTACT) for name in EDITOR_FILES]


def fifo(root: Path) -> list[str]:
    """A named pipe called `pipe.md`: opening it to read would block for ever."""
    (root / "Notes").mkdir(exist_ok=True)
    os.mkfifo(root / "Notes" / "pipe.md")
    return ["Notes/pipe.md"]


#: Every generated case, by name.
BUILDERS: dict[str, Callable[[Path], list[str]]] = {
    "huge-5mb": huge_note,
    "long-line-2mb": long_line,
    "long-value-2mb": long_value,
    "huge-front-matter": huge_front_matter,
    "deep-nesting-flow": deep_flow,
    "deep-nesting-block": deep_block,
    "deep-nesting-mapping": deep_mapping,
    "alias-bomb": alias_bomb,
    **{f"conflict-copy-{kind}": conflict_copy(kind) for kind in CONFLICT_COPIES},
    "case-collision": case_collision,
    "non-utf8-names": non_utf8_names,
    "folder-named-md": folder_named_md,
    "dangling-symlink": dangling_symlink,
    "symlink-loop": symlink_loop,
    "symlink-outside": symlink_outside,
    "editor-files": editor_files,
    "fifo": fifo,
}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(f"usage: {argv[0]} FOLDER  (makes FOLDER/<case>/ for every generated case)")
        return 2
    target = Path(argv[1])
    for name, build in BUILDERS.items():
        folder = target / name
        folder.mkdir(parents=True)
        (folder / ".jobjournal.toml").write_text("", encoding="utf-8")
        print(f"{name}: {', '.join(build(folder))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
