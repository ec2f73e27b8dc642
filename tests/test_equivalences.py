"""Three fast paths of the vault layer, proven on real files against their plain references.

- Parallel reading (`vault/parallel.py`, `reader._read_all`) against reading in one process
  (`JOBJOURNAL_WORKERS=1`): generated vaults of random seed and size, with hostile notes from
  `tests/data/hostile` (corpus files, conflict copies, case collisions, symlinks, names that are
  not UTF-8) and random broken notes mixed in, read by 2 to 4 real forked processes. The Vault
  (notes, problems, paths), every FileState and `agenda --json --no-cache` are the same.
- The parse cache (`vault/cache.py`) against `--no-cache`: `agenda --json` on a vault, random
  edits (saves in place that keep the size and move the modification time by nanoseconds only,
  saves by rename, new, deleted and broken notes), then `agenda --json` again through the cache:
  it prints what `--no-cache` prints, reads only the notes edited, and a third run answered from
  the cached outputs prints it too.
- The watcher (`vault/watcher.py`) against a fresh run: a real Watcher with real watchdog events
  on a generated vault; after each random burst of edits (saves, and now and then new notes,
  deletions, renames, a new folder), once the watcher holds every file as it is on disk, the
  generated part of its agenda note is what `jobjournal agenda --no-cache` writes into a copy of
  the vault for the same day (the watcher's clock says 2026-11-26 noon, the run `--today`).

A comparison proves nothing when the shortcut is not taken, so the generators are made to land
on it, and each test counts the cases that took it and asserts a share of at least 80 % (the
examples are derandomized and use no example database: the share is the same on every run).
Taken, as measured:

- parallel reading, 27 of 30 cases: forked processes read for both the VaultState and the
  command (the threshold lowered to 35 files); the other 3 are vaults under it, read in one
  process by both sides. In 26 or 27 of them chunks pickled by the forked processes came back
  (on a busy machine this process may take every chunk of a small vault first);
- the cache, 30 of 30: the warm run read fewer notes than the vault holds (only those edited);
- the watcher, 15 of 18 bursts: VaultState.update, and an IncrementalBuild whose `last` is
  "update" (only what changed recomputed). The other three (two explicit examples, and every
  tenth burst) add, delete or rename notes, which starts the build afresh, or make a folder,
  which rescans the vault: proven against the same reference.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st

from jobjournal.cli.main import cli
from jobjournal.config import load_config
from jobjournal.core.incremental import IncrementalBuild
from jobjournal.vault import parallel
from jobjournal.vault import reader as vault_reader
from jobjournal.vault.agenda_note import generated_part
from jobjournal.vault.reader import VaultState
from jobjournal.vault.watcher import Watcher

from .conftest import TODAY, VaultDir
from .test_cache import Reads, agenda_json, cache_dir, generate, reads  # noqa: F401 - fixtures
from .test_hostile import generate as hostile
from .test_watch import DEADLINE, Running, runtime_dir, start  # noqa: F401 - fixtures

SHARE = 0.8
CORPUS = Path(__file__).parent / "data" / "hostile"
HOSTILE_FILES = sorted(path.name for path in CORPUS.glob("*.md") if path.name != "README.md")
#: Corpus files read as a note with a problem.
WARNED = ["duplicate-keys-same.md", "duplicate-keys.md", "template-placeholder-in-text.md",
          "templater-in-date.md", "yaml11-booleans.md"]
#: Hostile cases made at test time that are small enough to make in every example.
BUILDERS = [
    hostile.conflict_copy("syncthing"), hostile.conflict_copy("dropbox"), hostile.case_collision,
    hostile.dangling_symlink, hostile.symlink_loop, hostile.folder_named_md,
    hostile.non_utf8_names,
]
FOLDERS = ["Contacts", "Interviews", "Applications", "Referrals", "Meetings", "Notes"]
TYPES = ["contact", "interview", "application", "referral", "meeting"]
NS = 10**9
MISSED_CALL = b"---\ntype: contact\nmissed_call: 2026-11-25\n---\n"


@st.composite
def broken_notes(draw: st.DrawFn) -> bytes:
    """A note a parser must survive: a corpus file, or a typed note with random lines or bytes."""
    kind = draw(st.sampled_from(["corpus", "text", "bytes"]))
    if kind == "corpus":
        return (CORPUS / draw(st.sampled_from(HOSTILE_FILES))).read_bytes()
    head = f"---\ntype: {draw(st.sampled_from(TYPES))}\n"
    if kind == "text":
        lines = draw(st.lists(st.text(max_size=30), max_size=5))
        closing = draw(st.sampled_from(["---\n", "", "...\n"]))
        return (head + "\n".join(lines) + "\n" + closing + "## Log\n- 2026-11-20 x\n").encode(
            "utf-8", "surrogatepass")
    return head.encode() + draw(st.binary(max_size=120))


@st.composite
def note_texts(draw: st.DrawFn, others: list[bytes]) -> bytes:
    """What a save writes: another note's text (a realistic note), a contact with a random missed
    call or follow-up, a note read with a warning, or, now and then, a broken note."""
    kind = draw(st.sampled_from(["other", "other", "contact", "contact", "warned", "broken"]))
    if kind == "other" and others:
        return draw(st.sampled_from(others))
    if kind == "broken":
        return draw(broken_notes())
    if kind == "warned":  # read, with a warning: a note and a problem
        if draw(st.booleans()):
            return (CORPUS / draw(st.sampled_from(WARNED))).read_bytes()
        status = draw(st.sampled_from(["off", "pending", "on hold", "Waiting!"]))
        return f"---\ntype: contact\nmissed_call: 2026-11-25\nstatus: {status}\n---\n".encode()
    day = draw(st.dates(TODAY.replace(day=1), TODAY.replace(month=12, day=31))).isoformat()
    key = draw(st.sampled_from(["missed_call", "follow_up", "last_contact"]))
    return f"---\ntype: contact\n{key}: {day}\n---\n## Log\n- {day} Called [[Dana]]\n".encode()


def _note_paths(root: Path) -> list[str]:
    """The notes of a vault as the scan finds them."""
    return VaultState(root, load_config(root)).scan()


# --- parallel reading against one process ------------------------------------------------------


def test_reading_in_several_processes_gives_what_one_process_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not parallel.can_fork():
        pytest.skip("forked reading needs Linux and a single thread")
    monkeypatch.setattr(vault_reader, "PARALLEL_MIN_FILES", 35)  # read at call time
    forks: list[int] = []  # processes started by the current read
    real_fork = parallel._fork

    def counting_fork(*args: Any) -> bool:
        started = real_fork(*args)
        forks.append(started)
        return started

    monkeypatch.setattr(parallel, "_fork", counting_fork)
    taken: Counter[str] = Counter()
    real_build = IncrementalBuild.build

    def counting_build(self: IncrementalBuild, *args: Any, **kwargs: Any) -> Any:
        agenda = real_build(self, *args, **kwargs)
        taken["notes' results computed while read"] += self.taken_as_read
        return agenda

    monkeypatch.setattr(IncrementalBuild, "build", counting_build)
    examples = iter(range(10**6))

    def read(root: Path, workers: int) -> tuple[VaultState, Any, int]:
        monkeypatch.setenv("JOBJOURNAL_WORKERS", str(workers))
        forks.clear()
        state = VaultState(root, load_config(root))
        return state, state.refresh(), sum(forks)

    def agenda(root: Path, workers: int) -> tuple[str, int]:
        monkeypatch.setenv("JOBJOURNAL_WORKERS", str(workers))
        forks.clear()
        result = CliRunner().invoke(
            cli, ["agenda", "--json", "--no-cache", "--today", TODAY.isoformat(), "--vault",
                  str(root)])
        assert result.exit_code == 0, result.output
        return result.stdout, sum(forks)

    @settings(max_examples=30, deadline=None, derandomize=True, database=None)
    @given(
        seed=st.integers(0, 10**6), size=st.sampled_from(range(25, 110)),
        workers=st.sampled_from([2, 3, 4]),
        broken=st.lists(st.tuples(st.sampled_from(FOLDERS), broken_notes()), max_size=6),
        builders=st.lists(st.sampled_from(BUILDERS), max_size=3, unique=True),
    )
    def prop(seed: int, size: int, workers: int, broken: list[tuple[str, bytes]],
             builders: list[Callable[[Path], list[str]]]) -> None:
        root = tmp_path / f"vault-{next(examples)}"
        generate(root, size, seed=seed, today=TODAY)
        for n, (folder, data) in enumerate(broken):
            (root / folder).mkdir(exist_ok=True)
            (root / folder / f"Broken {n}.md").write_bytes(data)
        for build in builders:
            build(root)
        one_state, one, _ = read(root, 1)
        many_state, many, started = read(root, workers)
        assert many == one  # notes, problems and paths, in order
        assert many_state.files == one_state.files  # stamps too
        assert list(many_state.files) == list(one_state.files)
        assert not one_state.pickled
        serial, _ = agenda(root, 1)
        forked, started_by_command = agenda(root, workers)
        assert forked == serial
        taken["fast" if started and started_by_command else "one process"] += 1
        taken["chunks read elsewhere"] += bool(many_state.pickled)

    prop()
    cases = taken["fast"] + taken["one process"]
    assert taken["fast"] >= SHARE * cases, taken
    # the forked processes did read: their pickled chunks came back (at least once in all
    # these cases; on a busy machine this process may take every chunk of a small vault first)
    assert taken["chunks read elsewhere"] >= 1, taken
    # and the command's build took notes' items and warnings computed where they were read
    assert taken["notes' results computed while read"] >= 1, taken


# --- the parse cache against no cache ----------------------------------------------------------


class Edits:
    """Random edits made to a vault, every file written getting a modification time of its
    own, long enough ago that the cache trusts it (see cache.RACY_SECONDS)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: set[str] = set()
        self._next = 0

    def _stamp(self, rel: str, before: int | None) -> None:
        # a save in place moves the time by nanoseconds only (the same second, the same size
        # often: only the full stamp tells the two versions apart); a new file an hour ago
        self._next += 1
        when = before + self._next if before is not None else (
            os.stat(self.root).st_mtime_ns - 3600 * NS + self._next)
        os.utime(self.root / rel, ns=(when, when))
        self.written.add(rel)

    def save(self, rel: str, data: bytes, *, in_place: bool) -> None:
        path = self.root / rel
        before = path.stat().st_mtime_ns
        if in_place:
            with open(path, "r+b") as file:  # the same inode
                file.write(data)
                file.truncate()
        else:
            temp = path.with_name(path.name + ".tmp")
            temp.write_bytes(data)
            os.replace(temp, path)
        self._stamp(rel, before)

    def add(self, rel: str, data: bytes) -> None:
        (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
        (self.root / rel).write_bytes(data)
        self._stamp(rel, None)

    def delete(self, rel: str) -> None:
        (self.root / rel).unlink()
        self.written.discard(rel)


def _same_size_edit(data: bytes) -> bytes:
    """The note with one digit changed: a date moved, a count changed, the size the same."""
    for at in range(len(data) - 1, -1, -1):
        if 0x30 <= data[at] <= 0x38:
            return data[:at] + bytes([data[at] + 1]) + data[at + 1 :]
    return data[:-1] + b"x" if data else b"x"


@st.composite
def cache_edits(draw: st.DrawFn) -> list[tuple[str, int, Any]]:
    kinds = ["same size", "same size", "call day", "call day", "save", "rename save", "add",
             "delete", "break"]
    return draw(st.lists(
        st.tuples(st.sampled_from(kinds), st.integers(0, 10**6), note_texts([])),
        min_size=1, max_size=6,
    ))


CALLER = "Contacts/Dana Caller.md"
CALL = "---\ntype: contact\nmissed_call: 2026-11-1{day}\n---\n"


def test_a_warm_cache_prints_what_no_cache_prints(
    tmp_path: Path, cache_dir: Path, reads: Reads,  # noqa: F811 - fixtures
) -> None:
    taken: Counter[str] = Counter()
    examples = iter(range(10**6))

    @settings(max_examples=30, deadline=None, derandomize=True, database=None)
    @given(seed=st.integers(0, 10**6), size=st.integers(5, 80),
           broken=st.lists(broken_notes(), max_size=3), edits=cache_edits())
    def prop(seed: int, size: int, broken: list[bytes], edits: list[tuple[str, int, Any]]
             ) -> None:
        root = tmp_path / f"vault-{next(examples)}"
        generate(root, size, seed=seed, today=TODAY)
        change = Edits(root)
        change.add(CALLER, CALL.format(day=1).encode())  # a missed call: it shows in the agenda
        for n, data in enumerate(broken):
            change.add(f"Notes/Broken {n}.md", data)
        agenda_json(root)  # the cold run: writes the cache
        reads.take()
        change.written.clear()
        for n, (kind, pick, data) in enumerate(edits):
            notes = _note_paths(root)
            rel = notes[pick % len(notes)] if notes else None
            if kind == "add" or rel is None:
                change.add(f"{FOLDERS[pick % len(FOLDERS)]}/New {n}.md", data)
            elif kind == "delete":
                change.delete(rel)
            elif kind == "call day" and (root / CALLER).exists():
                # another day, the same size, in place: only the stamp's nanoseconds differ
                change.save(CALLER, CALL.format(day=2 + pick % 8).encode(), in_place=True)
            elif kind == "same size":
                change.save(rel, _same_size_edit((root / rel).read_bytes()), in_place=True)
            elif kind == "break":
                change.save(rel, b"---\ntype: interview\ndate: [\n---\n", in_place=True)
            else:
                change.save(rel, data, in_place=kind == "save")
        total = len(_note_paths(root))
        warm = agenda_json(root)
        read_warm = reads.take()
        assert warm == agenda_json(root, "--no-cache")
        reads.take()
        assert set(read_warm) <= change.written, "the cache did not answer for unchanged notes"
        assert agenda_json(root) == warm  # answered from the outputs the warm run kept
        assert reads.take() == []
        taken["fast" if len(read_warm) < total else "read all"] += 1

    prop()
    assert taken["fast"] >= SHARE * sum(taken.values()), taken


# --- the watcher against a fresh run -----------------------------------------------------------


class Instrumented:
    """What a running Watcher does, seen from outside: the steps it is in (a batch of events
    taken, read, built and written), how it read each batch (`update` or `refresh`), and how
    its IncrementalBuild went each time (`last`)."""

    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher
        self.begun = self.done = 0
        self.reads: list[str] = []
        self.builds: list[str] = []
        step, state, build = watcher._step, watcher._state, watcher._build

        def counted_step() -> None:
            self.begun += 1
            try:
                step()
            finally:
                self.done += 1

        def reading(name: str) -> Callable[..., Any]:
            original = getattr(state, name)

            def read(*args: Any, **kwargs: Any) -> Any:
                self.reads.append(name)
                return original(*args, **kwargs)

            return read

        original_build = build.build

        def counted_build(*args: Any, **kwargs: Any) -> Any:
            agenda = original_build(*args, **kwargs)
            self.builds.append(build.last)
            return agenda

        watcher._step = counted_step  # type: ignore[method-assign]
        state.update = reading("update")  # type: ignore[method-assign]
        state.refresh = reading("refresh")  # type: ignore[method-assign]
        build.build = counted_build  # type: ignore[method-assign]

    def settled(self, root: Path) -> bool:
        """Whether the watcher is between steps with nothing pending, holding every note as it
        is on disk (path and stat stamp): then its last step wrote the agenda of these notes."""
        begun = self.begun
        if self.done != begun or not self.watcher._idle():
            return False
        held = {path: state.stamp for path, state in dict(self.watcher._state.files).items()}
        on_disk = VaultState(root, self.watcher.config).stat()
        return held == on_disk and self.begun == begun == self.done


def _wait(condition: Callable[[], bool], timeout: float = DEADLINE) -> bool:
    """Poll until `condition` holds; False at the deadline (the caller says what went wrong)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


SAVES = ["save", "save", "save", "rename save", "rename save"]  # in place, or as editors do
STRUCTURE = ["add", "delete", "rename", "new folder"]


def bursts(texts: list[bytes], ops: list[str]) -> st.SearchStrategy[list[tuple[str, int, bytes]]]:
    """A burst of one to four edits: (what, which note, the text saved)."""
    return st.lists(st.tuples(st.sampled_from(ops), st.integers(0, 10**6), note_texts(texts)),
                    min_size=1, max_size=4)


@pytest.mark.filterwarnings("ignore::RuntimeWarning:watchdog")
def test_the_watcher_writes_what_a_fresh_run_writes(
    vault: VaultDir, start: Callable[..., Running], runner: CliRunner,  # noqa: F811 - fixture
    tmp_path: Path,
) -> None:
    root = vault.root
    (root / ".jobjournal.toml").unlink()
    paths = generate(root, 60, seed=5, today=TODAY)  # the watcher's clock: 2026-11-26, noon
    texts = [(root / path).read_bytes() for path in paths[:: len(paths) // 12]]
    running = start()
    seen = Instrumented(running.watcher)
    taken: Counter[str] = Counter()
    examples = iter(range(10**6))

    @settings(max_examples=16, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate])
    @given(saves=bursts(texts, SAVES), other=bursts(texts, STRUCTURE))
    @example(saves=[], other=[("add", 0, MISSED_CALL), ("rename", 1, b""), ("delete", 2, b"")])
    @example(saves=[], other=[("new folder", 3, MISSED_CALL), ("rename", 4, b""),
                              ("delete", 5, b"")])
    def prop(saves: list[tuple[str, int, bytes]], other: list[tuple[str, int, bytes]]) -> None:
        example = next(examples)
        # a burst of saves, but for the explicit examples and every tenth one: notes come, go
        # or move, or a folder appears
        burst = saves if saves and example % 10 != 9 else other
        reads_before, builds_before = len(seen.reads), len(seen.builds)
        for n, (kind, pick, data) in enumerate(burst):
            notes = _note_paths(root)
            rel = notes[pick % len(notes)]
            if kind == "save":
                vault.write_bytes(rel, data)
            elif kind == "rename save":
                temp = vault.write_bytes(f"{rel}.tmp", data)
                os.replace(temp, root / rel)
            elif kind == "add":
                added = posixpath.join(posixpath.dirname(rel), f"New {example}-{n}.md")
                vault.write_bytes(added, data)
            elif kind == "delete":
                (root / rel).unlink()
            elif kind == "rename":
                moved = posixpath.join(posixpath.dirname(rel), f"Moved {example}-{n}.md")
                os.replace(root / rel, root / moved)
            else:  # a folder appearing: a rescan
                vault.write_bytes(f"Contacts/Batch {example}/Person {n}.md", data)
        settled = _wait(lambda: seen.settled(root))
        fresh = tmp_path / f"fresh-{example}"
        shutil.copytree(root, fresh, symlinks=True)
        result = runner.invoke(
            cli, ["agenda", "--no-cache", "--today", TODAY.isoformat(), "--vault", str(fresh)])
        assert result.exit_code == 0, result.output
        expected = generated_part((fresh / "Agenda.md").read_text(encoding="utf-8"))
        assert generated_part(running.agenda()) == expected
        assert settled, "the watcher never held the notes as they are on disk"
        assert running.reports == [] and running.error is None
        how, built = seen.reads[reads_before:], seen.builds[builds_before:]
        fast = bool(built) and set(how) == {"update"} and set(built) == {"update"}
        taken["fast" if fast else f"{'+'.join(sorted(set(how)))}, built {set(built)}"] += 1

    prop()
    assert running.thread.is_alive()  # the watcher ran all along, in its own thread
    assert taken["fast"] >= SHARE * sum(taken.values()), taken
