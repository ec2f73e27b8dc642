"""The `jobjournal-note` merge driver: notes merge like data (front matter key by key, Log
entries united), with real git between two clones of a bare origin, and run directly on
generated triples of notes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobjournal.git.hooks import NOTE_DRIVER
from jobjournal.git.note_merge import merge_note_versions, merge_notes
from tests.test_git import git, identify, jj, out

NOTE = "Interviews/Acme.md"
BASE = (
    "---\n"
    "type: interview\n"
    "company: Acme  # the Berlin office\n"
    'recruiter: "[[Dana Recruiter]]"\n'
    "date: 2026-11-20T10:00\n"
    "status: scheduled\n"
    "with:\n"
    '  - "[[Jane Doe]]"\n'
    "---\n"
    "Backend role.\n"
    "\n"
    "## Log\n"
    "- 2026-11-18 Applied through the site\n"
    "- 2026-11-19 ← Dana called: interview on the 20th\n"
    "\n"
    "## Questions\n"
    "- Team size?\n"
)


@pytest.fixture(autouse=True)
def _clean_git(git_home: Path) -> Path:
    return git_home


@pytest.fixture
def devices(tmp_path: Path) -> tuple[Path, Path]:
    """Two clones of a bare origin holding BASE, each with `jobjournal git install` run."""
    remote, a, b = tmp_path / "origin.git", tmp_path / "laptop", tmp_path / "phone"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch", "main", str(remote))
    assert jj("init", str(a), "--git", "--no-examples").returncode == 0
    identify(a, "Ann Laptop")
    git(a, "branch", "--move", "main")
    (a / NOTE).parent.mkdir(parents=True, exist_ok=True)
    (a / NOTE).write_bytes(BASE.encode())
    git(a, "add", "--all")
    git(a, "commit", "--quiet", "-m", "Acme")
    git(a, "remote", "add", "origin", str(remote))
    git(a, "push", "--quiet", "--set-upstream", "origin", "main")
    git(tmp_path, "clone", "--quiet", str(remote), str(b))
    identify(b, "Bea Phone")
    for device in (a, b):
        result = jj("git", "install", "--vault", str(device))
        assert result.returncode == 0, result.stderr
    return a, b


def edit(device: Path, data: bytes, message: str, *, push: bool) -> None:
    (device / NOTE).write_bytes(data)
    git(device, "commit", "--quiet", "-am", message)
    if push:
        git(device, "push", "--quiet")


def pull(device: Path) -> subprocess.CompletedProcess[str]:
    return git(device, "pull", "--quiet", "--no-rebase", "--no-edit", check=False)


def with_edits(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert old in text
        text = text.replace(old, new, 1)
    return text


LOG_END = "- 2026-11-19 ← Dana called: interview on the 20th\n"


# --- with real git --------------------------------------------------------------------------------


def test_install_registers_the_note_driver_before_the_agenda_line(devices: tuple[Path, Path]) -> None:
    a, _ = devices
    driver = out(a, "config", f"merge.{NOTE_DRIVER}.driver")
    assert driver.endswith(" -m jobjournal git merge-note --marker-size %L %O %A %B %P")
    assert out(a, "check-attr", "merge", "--", NOTE).endswith(f"merge: {NOTE_DRIVER}")
    assert out(a, "check-attr", "merge", "--", "Agenda.md").endswith("merge: jobjournal-agenda")


def test_install_adds_the_note_line_first_in_a_vault_without_it(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "--quiet")
    (repo / ".jobjournal.toml").write_text("")
    mine = b"Agenda.md merge=jobjournal-agenda\r\n*.log binary\r\n"
    (repo / ".gitattributes").write_bytes(mine)
    assert jj("git", "install", "--vault", str(repo)).returncode == 0
    data = (repo / ".gitattributes").read_bytes()
    board = (b"# The pipeline board is generated: merged by jobjournal's driver, never a "
             b"conflict.\r\n/Pipeline.md merge=jobjournal-board\r\n")
    assert data.endswith(b"\r\n*.md merge=jobjournal-note\r\n" + mine + board)
    assert out(repo, "check-attr", "merge", "--", "Pipeline.md").endswith("jobjournal-board")
    assert out(repo, "check-attr", "merge", "--", "People/Jane.md").endswith(NOTE_DRIVER)
    assert out(repo, "check-attr", "merge", "--", "Agenda.md").endswith("jobjournal-agenda")
    assert jj("git", "install", "--vault", str(repo)).stdout.startswith("nothing to do")
    assert jj("git", "install", "--uninstall", "--vault", str(repo)).returncode == 0
    assert git(repo, "config", f"merge.{NOTE_DRIVER}.driver", check=False).returncode == 1


def test_each_device_logs_a_call_and_changes_another_key_no_conflict(
    devices: tuple[Path, Path],
) -> None:
    a, b = devices
    laptop = with_edits(BASE, ("status: scheduled\n", "status: scheduled\ndecision_date: 2026-12-05\n"),
                        (LOG_END, LOG_END + "- 2026-11-21 Called Dana about the decision\n"))
    phone = with_edits(BASE, ("status: scheduled", "status: waiting"),
                       (LOG_END, LOG_END + "- 2026-11-20 Thanked Jane by mail\n"))
    edit(a, laptop.encode(), "laptop", push=True)
    edit(b, phone.encode(), "phone", push=False)

    pulled = pull(b)

    assert pulled.returncode == 0, pulled.stderr
    merged = (b / NOTE).read_bytes().decode()
    assert merged == with_edits(
        BASE,
        ("status: scheduled\n", "status: waiting\ndecision_date: 2026-12-05\n"),
        (LOG_END, LOG_END + "- 2026-11-20 Thanked Jane by mail\n"
                            "- 2026-11-21 Called Dana about the decision\n"),
    )
    assert out(b, "status", "--porcelain", "--", NOTE) == ""
    assert jj("check", "--vault", str(b)).returncode == 0


def test_both_change_one_key_differently_conflict_on_that_key_only(
    devices: tuple[Path, Path],
) -> None:
    a, b = devices
    laptop = with_edits(BASE, ("status: scheduled", "status: rejected"),
                        (LOG_END, LOG_END + "- 2026-11-25 They said no\n"))
    phone = with_edits(BASE, ("status: scheduled", "status: offer"),
                       ("company: Acme  # the", "company: Acme GmbH  # the"))
    edit(a, laptop.encode(), "laptop", push=True)
    edit(b, phone.encode(), "phone", push=False)

    pulled = pull(b)

    assert pulled.returncode != 0
    merged = (b / NOTE).read_text(encoding="utf-8")
    assert merged == with_edits(
        BASE,
        ("company: Acme  # the", "company: Acme GmbH  # the"),
        ("status: scheduled\n",
         "<<<<<<< ours\nstatus: offer\n=======\nstatus: rejected\n>>>>>>> theirs\n"),
        (LOG_END, LOG_END + "- 2026-11-25 They said no\n"),
    )
    assert out(b, "status", "--porcelain").startswith(f"UU {NOTE}")
    checked = jj("check", "--vault", str(b))
    assert checked.returncode != 0
    assert f"{NOTE}:6:" in checked.stdout + checked.stderr  # the `<<<<<<<` line
    assert "conflict markers" in checked.stdout + checked.stderr


def test_crlf_and_bom_notes_merge_byte_exact(devices: tuple[Path, Path]) -> None:
    a, b = devices

    def windows(text: str) -> bytes:
        return ("\ufeff" + text).replace("\n", "\r\n").encode()

    edit(a, windows(BASE), "CRLF", push=True)
    assert pull(b).returncode == 0
    edit(a, windows(with_edits(BASE, ("status: scheduled", "status: completed"))), "a", push=True)
    edit(b, windows(with_edits(BASE, (LOG_END, LOG_END + "- 2026-11-20 Went\n"))), "b", push=False)

    assert pull(b).returncode == 0
    assert (b / NOTE).read_bytes() == windows(
        with_edits(BASE, ("status: scheduled", "status: completed"),
                   (LOG_END, LOG_END + "- 2026-11-20 Went\n"))
    )


def test_a_file_that_is_no_note_merges_as_git_does(devices: tuple[Path, Path]) -> None:
    a, b = devices
    plain = "---\ntitle: Reading list\n---\nbooks\n"
    (a / "Reading.md").write_text(plain)
    git(a, "add", "Reading.md")
    git(a, "commit", "--quiet", "-m", "reading")
    git(a, "push", "--quiet")
    assert pull(b).returncode == 0
    for device, title in ((a, "Books"), (b, "Papers")):
        (device / "Reading.md").write_text(plain.replace("Reading list", title))
        git(device, "commit", "--quiet", "-am", title)
    git(a, "push", "--quiet")

    assert pull(b).returncode != 0  # git's own conflict: the whole line, as text
    assert (b / "Reading.md").read_text() == (
        "---\n<<<<<<< ours\ntitle: Papers\n=======\ntitle: Books\n>>>>>>> theirs\n---\nbooks\n"
    )


# --- the driver alone -----------------------------------------------------------------------------


def run_driver(tmp_path: Path, base: bytes, ours: bytes, theirs: bytes) -> tuple[bytes, int]:
    paths = [tmp_path / name for name in ("base", "ours", "theirs")]
    for path, data in zip(paths, (base, ours, theirs), strict=True):
        path.write_bytes(data)
    conflicts = merge_note_versions(paths[0], paths[1], paths[2])
    return paths[1].read_bytes(), conflicts


def test_a_note_both_sides_added_unites_their_logs(tmp_path: Path) -> None:
    ours = b"---\ntype: contact\n---\n## Log\n- 2026-11-02 Met at the fair\n"
    theirs = b"---\ntype: contact\n---\n## Log\n- 2026-11-01 Mailed\n"
    merged, conflicts = run_driver(tmp_path, b"", ours, theirs)
    assert conflicts == 0
    assert merged == b"---\ntype: contact\n---\n## Log\n- 2026-11-01 Mailed\n- 2026-11-02 Met at the fair\n"


def test_a_key_deleted_on_one_side_and_added_on_the_other(tmp_path: Path) -> None:
    base = BASE.encode()
    ours = with_edits(BASE, ('recruiter: "[[Dana Recruiter]]"\n', "")).encode()
    theirs = with_edits(BASE, ("status: scheduled\n", "status: scheduled\nstage: onsite\n"))
    merged, conflicts = run_driver(tmp_path, base, ours, theirs.encode())
    assert conflicts == 0
    assert merged.decode() == with_edits(
        BASE, ('recruiter: "[[Dana Recruiter]]"\n', ""),
        ("status: scheduled\n", "status: scheduled\nstage: onsite\n"),
    )


def test_an_entry_one_side_deleted_stays_deleted(tmp_path: Path) -> None:
    first = "- 2026-11-18 Applied through the site\n"
    ours = with_edits(BASE, (first, "- 2026-11-18 Applied through the careers site\n"))
    theirs = with_edits(BASE, (LOG_END, LOG_END + "- 2026-11-22 Mailed Jane\n"))
    merged, conflicts = run_driver(tmp_path, BASE.encode(), ours.encode(), theirs.encode())
    assert conflicts == 0
    assert merged.decode() == with_edits(ours, (LOG_END, LOG_END + "- 2026-11-22 Mailed Jane\n"))


def test_unparsable_versions_fall_back_to_git_merge_file(tmp_path: Path) -> None:
    broken = b"---\ntype: contact\nname: [unclosed\n---\nbody\n"
    ours = broken.replace(b"body", b"body by us")
    merged, conflicts = run_driver(tmp_path, broken, ours, broken)
    assert conflicts == 0 and merged == ours


# --- properties -----------------------------------------------------------------------------------

KEYS = ("status", "decision_date", "stage", "company", "role", "follow_up", "location")
VALUES = st.sampled_from(["waiting", "2026-12-05", "onsite", '"[[Jane Doe]]"', "Acme GmbH", "x y"])
DAYS = st.integers(min_value=1, max_value=28).map(lambda d: f"2026-11-{d:02d}")
WORDS = st.text(alphabet="abcdefghij ", min_size=1, max_size=12).map(str.strip).filter(bool)


def note(fields: dict[str, str], log: list[str], ending: str, bom: bool) -> bytes:
    lines = ["---", "type: interview", *(f"{k}: {v}" for k, v in fields.items()), "---",
             "Notes.", "", "## Log", *(f"- {entry}" for entry in log), "", "## Later", "text", ""]
    return (("\ufeff" if bom else "") + ending.join(lines)).encode()


@st.composite
def triples(draw: st.DrawFn) -> tuple[dict[str, str], list[str], dict[str, str], list[str],
                                      dict[str, str], list[str], str, bool]:
    keys = draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=6))
    base = {key: draw(VALUES) for key in keys}
    mine = draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=3))
    theirs_keys = [key for key in KEYS if key not in mine]
    yours = draw(st.lists(st.sampled_from(theirs_keys), unique=True, max_size=3)) if theirs_keys else []
    ours_fields = {**base, **{key: draw(VALUES) for key in mine}}
    theirs_fields = {**base, **{key: draw(VALUES) for key in yours}}
    entry = st.tuples(DAYS, WORDS).map(" ".join)
    log = sorted(draw(st.lists(entry, unique=True, max_size=4)))
    ours_log = sorted(log + [e + " (ours)" for e in draw(st.lists(entry, unique=True, max_size=3))])
    theirs_log = sorted(log + [e + " (theirs)" for e in draw(st.lists(entry, unique=True, max_size=3))])
    return (base, log, ours_fields, ours_log, theirs_fields, theirs_log,
            draw(st.sampled_from(["\n", "\r\n"])), draw(st.booleans()))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(triples())
def test_edits_of_different_keys_and_log_entries_never_conflict(
    tmp_path: Path, triple: tuple[dict[str, str], list[str], dict[str, str], list[str],
                                  dict[str, str], list[str], str, bool],
) -> None:
    base, log, ours, ours_log, theirs, theirs_log, ending, bom = triple
    merged, conflicts = merge_notes(note(base, log, ending, bom), note(ours, ours_log, ending, bom),
                                    note(theirs, theirs_log, ending, bom))
    assert conflicts == 0
    text = merged.decode()
    assert text.startswith("\ufeff---" if bom else "---")
    assert "\r\n" not in text.replace("\r\n", "") if ending == "\r\n" else "\r" not in text
    expected = {**base, **{k: v for k, v in ours.items() if base.get(k) != v},
                **{k: v for k, v in theirs.items() if base.get(k) != v}}
    for key, value in expected.items():
        assert f"{ending}{key}: {value}{ending}" in text
    entries = [line[2:] for line in text.split(ending) if line.startswith("- ")]
    assert sorted(set(ours_log) | set(theirs_log)) == sorted(entries)
    assert [e[:10] for e in entries] == sorted(e[:10] for e in entries)
    assert len(entries) == len(set(entries))
    if theirs == base and theirs_log == log:
        assert merged == note(ours, ours_log, ending, bom)


def test_theirs_in_other_line_endings_merges_in_ours(tmp_path: Path) -> None:
    base = "---\ntype: contact\n---\n## Log\n- 2026-11-01 a"  # no final newline
    ours = base + "\n- 2026-11-03 b"
    theirs = (base.replace("## Log", "Intro\n\n## Log") + "\n- 2026-11-02 c").replace("\n", "\r\n")
    merged, conflicts = run_driver(tmp_path, base.encode(), ours.encode(), theirs.encode())
    assert conflicts == 0
    assert merged == b"---\ntype: contact\n---\nIntro\n\n## Log\n- 2026-11-01 a\n- 2026-11-02 c\n- 2026-11-03 b"


def test_a_log_written_newest_first_stays_newest_first(tmp_path: Path) -> None:
    base = "---\ntype: contact\n---\n## Log\n- 2026-11-05 e\n- 2026-11-01 a\n"
    ours = base.replace("## Log\n", "## Log\n- 2026-11-07 o\n")
    theirs = base.replace("## Log\n", "## Log\n- 2026-11-06 t\n- 2026-11-05 again\n")
    merged, conflicts = run_driver(tmp_path, base.encode(), ours.encode(), theirs.encode())
    assert conflicts == 0
    assert merged.decode() == base.replace(
        "## Log\n- 2026-11-05 e\n", "## Log\n- 2026-11-07 o\n- 2026-11-06 t\n- 2026-11-05 e\n- 2026-11-05 again\n"
    )


@settings(max_examples=40, deadline=None)
@given(triples(), st.sampled_from(KEYS), VALUES, VALUES)
def test_one_key_both_changed_differently_is_the_only_conflict(
    triple: tuple[dict[str, str], list[str], dict[str, str], list[str],
                  dict[str, str], list[str], str, bool],
    key: str, mine: str, yours: str,
) -> None:
    base, log, ours, ours_log, theirs, theirs_log, ending, bom = triple
    if mine == yours or base.get(key) in (mine, yours):
        return
    ours, theirs = {**ours, key: mine}, {**theirs, key: yours}
    merged, conflicts = merge_notes(note(base, log, ending, bom), note(ours, ours_log, ending, bom),
                                    note(theirs, theirs_log, ending, bom))
    assert conflicts == 1
    lines = merged.decode().split(ending)
    start = lines.index("<<<<<<< ours")
    assert lines[start : start + 5] == [
        "<<<<<<< ours", f"{key}: {mine}", "=======", f"{key}: {yours}", ">>>>>>> theirs"
    ]
    resolved = ending.join(lines[:start] + [f"{key}: {mine}"] + lines[start + 5 :])
    # kept ours, the note holds what a clean merge of ours with theirs without that change holds
    # (a key only theirs added may stand elsewhere: after the key before it in theirs)
    again, none = merge_notes(note(base, log, ending, bom), note(ours, ours_log, ending, bom),
                              note({**theirs, key: base[key]} if key in base else
                                   {k: v for k, v in theirs.items() if k != key},
                                   theirs_log, ending, bom))
    assert none == 0
    assert sorted(again.decode().split(ending)) == sorted(resolved.split(ending))
