"""`jobjournal init`: the vault template, its example notes and the first git commit."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
import yaml

from jobjournal.config import SCHEMA, Config, load_config
from jobjournal.edit.scaffold import (
    FIRST_COMMIT_MESSAGE,
    KEEP_FILE,
    expand_today_tokens,
    init_git,
    init_vault,
    template_dir,
)
from jobjournal.errors import JobJournalError, RefusalError

TODAY = date(2026, 11, 26)  # a Thursday
TYPE_FOLDERS = {
    "contact": "Contacts",
    "interview": "Interviews",
    "application": "Applications",
    "referral": "Referrals",
    "meeting": "Meetings",
}
COMMON_FIELDS = {"type", "status", "missed_call", "follow_up", "last_contact", "tags"}
#: The fields of each type, besides the common ones (docs/rules.md, "Notes and fields").
TYPE_FIELDS = {
    "contact": {"company", "role", "relationship", "phone", "email", "stay_in_touch"},
    "interview": {"company", "role", "date", "stage", "recruiter", "hiring_manager", "with"}
    | {"decision_date", "candidates", "thank_you", "respond_by", "location", "url", "salary"},
    "application": {"company", "role", "applied", "source", "contact", "referral"}
    | {"location", "url", "salary"},
    "referral": {"date", "from", "company", "role", "thanked"},
    "meeting": {"date", "with", "purpose", "thank_you", "location"},
}


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def relative_names(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in files_under(root)}


def front_matter(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    assert match, f"{path} has no front matter"
    data = yaml.safe_load(match.group(1))
    assert isinstance(data, dict), f"{path}: front matter is not a mapping"
    return data


def log_section(path: Path) -> list[str]:
    """The lines under the note's `## Log` heading, up to the next heading of level ≤ 2."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("## Log") + 1
    section = []
    for line in lines[start:]:
        if re.match(r"#{1,2} ", line):
            break
        section.append(line)
    return section


@pytest.fixture
def new_vault(tmp_path: Path) -> Path:
    target = tmp_path / "vault"
    init_vault(target, today=TODAY)
    return target


# --- the template ---------------------------------------------------------------------------------


def test_template_dir_holds_the_config_templates_and_examples() -> None:
    root = template_dir()
    assert (root / ".jobjournal.toml").is_file()
    assert {p.name for p in (root / "Templates").iterdir()} == {f"{t}.md" for t in TYPE_FIELDS}
    # the example notes, by type, and a calendar invite to try `import ics` on
    assert {p.name for p in (root / "examples").iterdir()} == {*TYPE_FOLDERS.values(), "Invites"}
    assert [p.name for p in (root / "examples" / "Invites").iterdir()] == [
        "Globex - final round.ics"]


def test_template_config_writes_out_every_default() -> None:
    assert load_config(template_dir()) == Config()
    text = (template_dir() / ".jobjournal.toml").read_text(encoding="utf-8")
    for section, keys in SCHEMA.items():
        for key in keys:  # (a setting with no default is written out commented)
            assert re.search(rf"^(# )?{key} = ", text, re.MULTILINE), f"[{section}] {key}"


@pytest.mark.parametrize("type_name", sorted(TYPE_FIELDS))
def test_note_template_has_every_field_and_an_empty_log(type_name: str) -> None:
    path = template_dir() / "Templates" / f"{type_name}.md"
    data = front_matter_of_template(path)
    assert data["type"] == type_name
    assert set(data) == COMMON_FIELDS | TYPE_FIELDS[type_name]
    assert data["status"]
    assert data["tags"] == [type_name]
    text = path.read_text(encoding="utf-8")
    assert "## Notes" in text
    assert all(not line.strip() for line in log_section(path)), "a template line would be a contact"
    assert "{{title}}" in text and "{{date}}" in text
    assert "{{today" not in text


def front_matter_of_template(path: Path) -> dict[str, object]:
    """Templates hold Obsidian's variables: quoted wherever YAML would misread them."""
    data = front_matter(path)
    for value in data.values():
        assert not isinstance(value, dict), f"{path}: an unquoted {{{{…}}}} became a mapping"
    return data


def test_obsidian_settings_enable_templates_and_property_types() -> None:
    obsidian = template_dir() / ".obsidian"
    assert json.loads((obsidian / "templates.json").read_text())["folder"] == "Templates"
    plugins = json.loads((obsidian / "core-plugins.json").read_text())
    assert plugins["templates"] is True and plugins["properties"] is True
    types = json.loads((obsidian / "types.json").read_text())["types"]
    assert types["date"] == types["missed_call"] == "datetime"
    for key in ("decision_date", "follow_up", "last_contact", "applied", "respond_by"):
        assert types[key] == "date", key
    # a date property would flag `true` and `skipped`, which these also hold
    assert types["thank_you"] == types["thanked"] == "text"
    assert types["location"] == types["url"] == types["salary"] == "text"
    assert types["candidates"] == types["stay_in_touch"] == "number"
    assert (types["uid"], types["sequence"]) == ("text", "number")  # a calendar invite's
    assert types["tags"] == "tags" and types["with"] == "multitext"
    every_field = COMMON_FIELDS.union(*TYPE_FIELDS.values())
    assert every_field <= set(types)


def test_gitattributes_keeps_line_endings_and_names_the_agenda_merge_driver() -> None:
    rules = [
        line.split()
        for line in (template_dir() / ".gitattributes").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert ["Agenda.md", "merge=jobjournal-agenda"] in rules
    assert ["*.md", "diff=markdown"] in rules
    assert not any(attr in ("text", "text=auto", "eol=lf", "eol=crlf") for r in rules for attr in r)


def test_gitignore_leaves_out_obsidian_workspace_and_trash() -> None:
    patterns = (template_dir() / ".gitignore").read_text().splitlines()
    for pattern in (".obsidian/workspace.json", ".obsidian/workspace-mobile.json", ".trash/"):
        assert pattern in patterns


# --- init_vault -----------------------------------------------------------------------------------


def test_init_copies_the_whole_template(tmp_path: Path) -> None:
    target = tmp_path / "vault"
    created = init_vault(target, today=TODAY)

    assert created == files_under(target)
    template = template_dir()
    expected = {name.removeprefix("examples/") for name in relative_names(template)}
    assert relative_names(target) == expected
    assert {
        ".jobjournal.toml",
        ".gitignore",
        ".gitattributes",
        ".obsidian/app.json",
        ".obsidian/core-plugins.json",
        ".obsidian/templates.json",
        ".obsidian/types.json",
        "Start here.md",
        "Templates/interview.md",
        "Contacts/Dana Recruiter.md",
    } <= expected
    assert not (target / "examples").exists()
    assert load_config(target) == Config()
    for path in files_under(template):
        name = path.relative_to(template).as_posix()
        if not name.startswith("examples/"):
            assert (target / name).read_bytes() == path.read_bytes(), name


def test_templates_are_copied_untouched(new_vault: Path) -> None:
    for path in (template_dir() / "Templates").iterdir():
        copied = new_vault / "Templates" / path.name
        assert copied.read_bytes() == path.read_bytes()
        assert "{{title}}" in copied.read_text(encoding="utf-8")


def test_examples_go_to_their_type_folders_with_dates_from_today(new_vault: Path) -> None:
    for path in files_under(new_vault):
        if path.relative_to(new_vault).parts[0] != "Templates":
            text = path.read_text(encoding="utf-8")
            assert "{{today" not in text and "{{workday" not in text, path
    dana = front_matter(new_vault / "Contacts/Dana Recruiter.md")
    assert dana["missed_call"] == f"{TODAY}T09:40"
    globex = front_matter(new_vault / "Interviews/Globex - Platform Engineer.md")
    assert globex["date"] == f"{expand_today_tokens('{{workday+3}}', TODAY)}T14:00"
    initech = front_matter(new_vault / "Interviews/Initech - Data Engineer.md")
    decided = expand_today_tokens("{{workday-7}}", TODAY)
    assert initech["decision_date"] == date.fromisoformat(decided)
    assert f"- [ ] Send portfolio to Dana before the onsite 📅 {TODAY}" in (
        new_vault / "Interviews/Globex - Platform Engineer.md"
    ).read_text(encoding="utf-8")


def test_every_example_note_is_valid_yaml_of_its_folders_type(new_vault: Path) -> None:
    examples = [p for p in files_under(new_vault) if p.parent.name in TYPE_FOLDERS.values()]
    assert {p.parent.name for p in examples} == set(TYPE_FOLDERS.values())
    for path in examples:
        data = front_matter(path)
        assert TYPE_FOLDERS[str(data["type"])] == path.parent.name, path
        assert set(data) <= COMMON_FIELDS | TYPE_FIELDS[str(data["type"])], path
        for value in data.values():
            # an unquoted [[link]] is read by YAML as a nested list: Obsidian wants links quoted
            items = value if isinstance(value, list) else [value]
            assert not any(isinstance(item, list) for item in items), path
        assert all(
            re.match(r"- \d{4}-\d{2}-\d{2} ", line) for line in log_section(path) if line.strip()
        ), f"{path}: every Log line starts with a date"


def test_no_examples_leaves_empty_type_folders(tmp_path: Path) -> None:
    target = tmp_path / "vault"
    created = init_vault(target, today=TODAY, examples=False)

    assert created == files_under(target)
    for folder in TYPE_FOLDERS.values():
        assert [p.name for p in (target / folder).iterdir()] == [KEEP_FILE]
    assert (target / "Templates/interview.md").is_file()
    assert (target / ".jobjournal.toml").is_file()
    assert not any("{{today" in p.read_text(encoding="utf-8") for p in created)


def test_non_empty_folder_is_refused_and_left_untouched(tmp_path: Path) -> None:
    target = tmp_path / "notes"
    target.mkdir()
    (target / "Diary.md").write_text("my own note\n", encoding="utf-8")

    with pytest.raises(RefusalError, match="not empty") as raised:
        init_vault(target, today=TODAY)

    assert raised.value.exit_code == 2
    assert [p.name for p in target.iterdir()] == ["Diary.md"]
    assert (target / "Diary.md").read_text(encoding="utf-8") == "my own note\n"


def test_hidden_file_makes_a_folder_non_empty(tmp_path: Path) -> None:
    target = tmp_path / "notes"
    (target / ".git").mkdir(parents=True)
    with pytest.raises(RefusalError):
        init_vault(target, today=TODAY)
    assert [p.name for p in target.iterdir()] == [".git"]


def test_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "vault"
    target.write_text("not a folder", encoding="utf-8")
    with pytest.raises(RefusalError, match="not a folder"):
        init_vault(target, today=TODAY)
    assert target.read_text(encoding="utf-8") == "not a folder"


def test_empty_folder_and_missing_parents_are_fine(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert init_vault(empty, today=TODAY)
    nested = tmp_path / "a" / "b" / "vault"
    assert init_vault(nested, today=TODAY, examples=False)
    assert (nested / ".jobjournal.toml").is_file()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{today}}", "2026-11-26"),
        ("date: {{today+3}}T14:00", "date: 2026-11-29T14:00"),
        ("- {{today-14}} Called", "- 2026-11-12 Called"),
        ("{{today+40}} {{today-30}}", "2027-01-05 2026-10-27"),
        ("{{workday+1}} {{workday+3}}", "2026-11-27 2026-12-01"),  # Thu → Fri; over the weekend
        ("{{workday-4}} {{workday-5}}", "2026-11-20 2026-11-19"),
        ("DTSTART:{{workday+3:YYYYMMDD}}T140000 {{today-1:YYYYMMDD}}",  # as an invite writes it
         "DTSTART:20261201T140000 20261125"),
        ("{{title}} {{date}} {{date:YYYY-MM-DD}}", "{{title}} {{date}} {{date:YYYY-MM-DD}}"),
    ],
)
def test_expand_today_tokens(text: str, expected: str) -> None:
    assert expand_today_tokens(text, TODAY) == expected


# --- init_git -------------------------------------------------------------------------------------


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_init_git_commits_everything_once(tmp_path: Path, git_home: Path) -> None:
    target = tmp_path / "vault"
    init_vault(target, today=TODAY)
    files = relative_names(target)
    init_git(target)

    assert git(target, "rev-list", "--count", "HEAD") == "1"
    assert git(target, "log", "-1", "--format=%s") == FIRST_COMMIT_MESSAGE
    assert git(target, "status", "--porcelain", "--ignored") == ""
    assert set(git(target, "ls-files").splitlines()) == files
    assert git(target, "log", "-1", "--format=%an <%ae>") == "jobjournal <jobjournal@localhost>"


def test_init_git_uses_the_users_identity(tmp_path: Path, git_home: Path) -> None:
    (git_home / ".gitconfig").write_text(
        "[user]\n\tname = Jane Seeker\n\temail = jane@example.com\n", encoding="utf-8"
    )
    target = tmp_path / "vault"
    init_vault(target, today=TODAY, examples=False)
    init_git(target)

    assert git(target, "log", "-1", "--format=%an <%ae>") == "Jane Seeker <jane@example.com>"
    assert git(target, "status", "--porcelain") == ""
    assert f"Contacts/{KEEP_FILE}" in git(target, "ls-files").splitlines()


def test_init_git_without_git_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "vault"
    init_vault(target, today=TODAY, examples=False)
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    with pytest.raises(JobJournalError, match="git is not installed"):
        init_git(target)
    assert not (target / ".git").exists()
