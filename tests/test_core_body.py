"""Note bodies (core/body.py): Log entries and dated tasks, read line by line or by markdown-it.

Each body here is read by `parse_body`, and by `read_by_lines` (the line reader alone), which
must give the same Body or decline (None); a plain body the line reader must read itself.
"""

from __future__ import annotations

import re
import sys
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobjournal.core import body
from jobjournal.core.body import Body, parse_body, read_by_lines
from jobjournal.core.model import Link, LogEntry, Task

from .test_fast_paths import note_bodies, reference_body

DANA = Link("Dana", None, True)


def entry(day: str, text: str, line: int, *links: Link) -> LogEntry:
    return LogEntry(date.fromisoformat(day), text, line, links)


def read(text: str, first_line: int = 5, *, plain: bool = False) -> Body:
    """parse_body's Body, checked against the line reader's (which must read it when plain)."""
    parsed = parse_body(text, first_line)
    by_lines = read_by_lines(text, first_line)
    if plain:
        assert by_lines is not None, "a plain body is read without markdown-it"
    if by_lines is not None:
        assert by_lines == parsed
    return parsed


# --- Log sections -------------------------------------------------------------------------------


def test_a_log_section_s_dated_items_are_contacts() -> None:
    text = "## Log\n- 2026-11-20 Called [[Dana]]\n- 2026-11-21: Sent CV\n- an undated remark\n"
    assert read(text, plain=True).log == (
        entry("2026-11-20", "Called [[Dana]]", 6, DANA), entry("2026-11-21", "Sent CV", 7))


def test_incoming_entries_and_status_records_are_told_apart() -> None:
    text = ("## Log\n- 2026-12-01 ← Dana called: onsite on the 8th\n- 2026-12-02 <- Dana again\n"
            "- 2026-12-03 status: applied → interviewing\n- 2026-12-04 Called Dana\n")
    log = read(text, plain=True).log
    assert [(e.text, e.incoming, e.records_status) for e in log] == [
        ("← Dana called: onsite on the 8th", True, False), ("<- Dana again", True, False),
        ("status: applied → interviewing", False, True), ("Called Dana", False, False)]


def test_an_underlined_log_heading_at_the_very_start() -> None:
    text = "Log\n===\n- 2026-11-20 Called\n"
    assert read(text).log == (entry("2026-11-20", "Called", 7),)


def test_an_underlined_log_heading_after_a_blank_first_line() -> None:
    text = "\nLog\n---\n- 2026-11-20 Called\n"
    assert read(text).log == (entry("2026-11-20", "Called", 8),)


def test_a_log_heading_after_text_that_lower_casing_lengthens() -> None:
    # "İ".lower() is two characters: offsets in the lower-cased text are not the text's
    for text, line in (("İİİİİİ\n\n## Log\n- 2026-11-20 Called\n", 8),
                       ("İİİİ\n\nLog\n===\n- 2026-11-20 Called\n", 9)):
        assert read(text).log == (entry("2026-11-20", "Called", line),)


def test_a_body_without_a_log_heading_has_no_contacts() -> None:
    text = "## Catalog\n- 2026-11-20 Called\n\n## Blog posts\n- 2026-11-21 Wrote\n"
    assert read(text) == Body()
    assert read_by_lines(text, 5) == Body()  # nothing to read: no markdown-it either


def test_without_the_log_only_tasks_are_read() -> None:
    text = "## Log\n- 2026-11-20 Called\n- [ ] Send CV 📅 2026-11-28\n"
    expected = Body(tasks=(Task(date(2026, 11, 28), "Send CV", 7),))
    assert parse_body(text, 5, with_log=False) == expected
    assert read_by_lines(text, 5, with_log=False) == expected


def test_a_bad_date_in_the_log_is_a_problem_at_its_line() -> None:
    text = "## Log\n- 2026-02-30 Called\n- 2026-11-20 Called again\n"
    parsed = read(text, plain=True)
    assert parsed.log == (entry("2026-11-20", "Called again", 7),)
    assert parsed.problems == [
        (6, "Log entry: '2026-02-30' is not a valid date (day is out of range for month)")]


# --- callouts (quotes) --------------------------------------------------------------------------


def test_a_callout_ending_the_body_holds_contacts() -> None:
    text = "## Log\n> - 2026-11-20 Called"
    assert read(text, plain=True).log == (entry("2026-11-20", "Called", 6),)


def test_a_callout_then_a_list() -> None:
    text = "## Log\n> [!note] Calls\n> - 2026-11-20 Called\n- 2026-11-22 Emailed\n"
    assert read(text, plain=True).log == (
        entry("2026-11-20", "Called", 7), entry("2026-11-22", "Emailed", 8))


def test_a_callout_written_without_spaces_after_the_markers() -> None:
    text = "## Log\n>- 2026-11-20 Called\n>- 2026-11-21 Met\n\nafter\n"
    assert read(text, plain=True).log == (
        entry("2026-11-20", "Called", 6), entry("2026-11-21", "Met", 7))


@pytest.mark.parametrize("lazy", ["the recruiter", "X"])
def test_a_line_after_a_callout_continues_its_last_item(lazy: str) -> None:
    text = f"## Log\n> - 2026-11-20 Called\n{lazy}\n"
    assert read(text).log == (entry("2026-11-20", f"Called {lazy}", 6),)


def test_a_callout_s_items_keep_their_lines() -> None:
    text = "## Log\n> [!info]\n> first call\n>\n> - 2026-11-20 Called\n> - 2026-11-21 Met\n"
    assert read(text, plain=True).log == (
        entry("2026-11-20", "Called", 9), entry("2026-11-21", "Met", 10))


# --- the Log-heading look-up agrees with its regex ----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "## Log\n", "Log\n===\n", "\nLog\n---\n", "#\nlog\n", "# \t\nlog", "#\n\n log",
        "catalog\n## Log", "log log\n# Log", "text # log", "a\n   #  log  ##\n", "  log\n  ---",
        "logbook\n#### LOG", "x log\n#\nlog\n", "   \n #\tlog", "####### log", "#log",
        "x\ny\n#\nlog", "\n   #\nlog", "x log\nLog\n===", "a\n  #\n\n  log",
    ],
)
def test_the_log_heading_look_up_agrees_with_its_regex(text: str) -> None:
    expected = body._LOG_HEADING.search(text) is not None
    assert body._has_log_heading(text, text.lower()) is expected


# --- what markdown-it sees that a line does not say ----------------------------------------------


def test_items_before_the_log_heading_are_not_contacts() -> None:
    text = "- 2026-11-19 Before the Log\n\n## Log\n- 2026-11-20 Called\n"
    assert read(text, plain=True).log == (entry("2026-11-20", "Called", 8),)


def test_a_blank_first_line_counts() -> None:
    assert read("\n## Log\n- 2026-11-20 Called\n", plain=True).log == (entry("2026-11-20", "Called", 7),)


def test_carriage_returns_end_lines_as_markdown_it_reads_them() -> None:
    text = "## Log\n- 2026-11-20 Called\r- 2026-11-21 Met\n"
    assert read(text).log == (entry("2026-11-20", "Called", 6), entry("2026-11-21", "Met", 7))


def test_a_nul_byte_is_the_replacement_character() -> None:
    assert read("## Log\n- 2026-11-20 Call\x00ed\n").log == (entry("2026-11-20", "Call\ufffded", 6),)


@pytest.mark.parametrize(
    "text",
    [
        "## Log\n```\n- 2026-11-19 in a code block\n```\n- 2026-11-20 Called\n",
        "```\n## Log\n- 2026-11-19 in a code block\n```\n## Log\n- 2026-11-20 Called\n",
        "~~~\n## Log\n```\n- 2026-11-19 in a code block\n~~~\n## Log\n- 2026-11-20 Called\n",
        "````\n## Log\n```\n- 2026-11-19 in a code block\n````\n## Log\n- 2026-11-20 Called\n",
        "```\n## Log\n``` text\n- 2026-11-19 in a code block\n```\n## Log\n- 2026-11-20 Called\n",
        "```\n## Log\n```  \n## Log\n- 2026-11-20 Called\n",
    ],
)
def test_code_blocks_hold_no_contacts(text: str) -> None:
    line = 5 + text.split("\n").index("- 2026-11-20 Called")
    assert read(text, plain=True).log == (entry("2026-11-20", "Called", line),)


def test_three_backticks_with_a_backtick_after_them_open_no_code_block() -> None:
    text = "```x`y\n## Log\n- 2026-11-20 Called\n"
    assert read(text).log == (entry("2026-11-20", "Called", 7),)


@pytest.mark.parametrize(
    ("item", "dated"),
    [
        ("- - 2026-11-20 Called", True),  # a list in the item: its own item is the entry
        ("- 1. 2026-11-20 Called", True),
        ("- x", False),
        ("- a remark, no date", False),
        ("- 2026-11-20 Called", True),
    ],
)
def test_the_first_block_of_an_item_decides(item: str, dated: bool) -> None:
    expected = (entry("2026-11-20", "Called", 6),) if dated else ()
    assert read(f"## Log\n{item}\n").log == expected


def test_plain_remarks_in_a_log_are_read_line_by_line() -> None:
    text = "## Log\n- a remark\n- x\n- 2026-11-20 Called\n"
    assert read(text, plain=True).log == (entry("2026-11-20", "Called", 8),)


# --- tasks ----------------------------------------------------------------------------------------


def task(day: str, text: str, line: int) -> Task:
    return Task(date.fromisoformat(day), text, line)


def test_an_emoji_without_a_date_is_a_problem_and_the_next_one_counts() -> None:
    parsed = read("- [ ] Send CV 📅 ⏳ 2026-11-28\n", plain=True)
    assert parsed.tasks == (task("2026-11-28", "Send CV 📅", 5),)
    assert parsed.problems == [(5, "task: 📅 is not followed by a date (YYYY-MM-DD)")]


def test_the_first_scheduled_date_counts() -> None:
    parsed = read("- [ ] Send CV ⏳ 2026-11-27 ⏳ 2026-11-29\n", plain=True)
    assert parsed.tasks == (task("2026-11-27", "Send CV", 5),)


@pytest.mark.parametrize("key", ["due", "scheduled"])
def test_a_bad_dataview_date_is_a_problem_at_its_line(key: str) -> None:
    parsed = read(f"intro\n- [ ] Send CV [{key}:: 2026-02-30]\n", plain=True)
    assert parsed.tasks == ()
    assert parsed.problems == [
        (6, "task: '2026-02-30' is not a valid date (day is out of range for month)")]


@pytest.mark.parametrize("key", ["start", "created", "completion", "cancelled"])
def test_other_dataview_dates_make_no_task(key: str) -> None:
    assert read(f"- [ ] Send CV [{key}:: 2026-11-20] [due:: x]\n").tasks == ()


# --- the line reader against markdown-it, on generated bodies -------------------------------------


@settings(max_examples=120, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(note_bodies(), st.integers(1, 40), st.booleans())
def test_generated_bodies_read_as_markdown_it_reads_them(
    text: str, first_line: int, with_log: bool
) -> None:
    # tests/test_fast_paths.py's bodies and reference, on a fixed sample: the same one every run
    expected = reference_body(text, first_line, with_log)
    parsed = parse_body(text, first_line, with_log=with_log)
    assert (parsed.log, parsed.tasks, parsed.problems) == (
        expected.log, expected.tasks, expected.problems)
    fast = read_by_lines(text, first_line, with_log=with_log)
    if fast is not None:
        assert (fast.log, fast.tasks, fast.problems) == (
            expected.log, expected.tasks, expected.problems)


# --- each turn the line reader takes, against markdown-it -----------------------------------------


def as_markdown_it_reads(text: str, *, plain: bool = False) -> Body:
    """parse_body's Body, which must be what markdown-it reads (tests/test_fast_paths.py's
    reference), as must the line reader's when it reads the body alone (it must when `plain`)."""
    expected = reference_body(text, 5)
    assert parse_body(text, 5) == expected
    by_lines = read_by_lines(text, 5)
    if plain:
        assert by_lines is not None, "a plain body is read without markdown-it"
    if by_lines is not None:
        assert by_lines == expected
    assert expected.log or expected.tasks, "each body here holds something to read"
    return expected


TASK = "- [ ] Send CV 📅 2026-11-28"
ENTRY = "- 2026-11-20 Called"

#: Bodies the line reader must read alone: each turn it takes on plain Markdown.
PLAIN_BODIES = [
    f"📅 in the first line\n\n## Tasks\n{TASK}\n",  # a task marker at the very start
    f"{TASK}\n\n## Notes\n1. a:: b\n",  # `::` after no `due`: the section is not read
    f"a\n# Title #\n1. a blog\n\n## Log\n{ENTRY}\n",  # a `#` on another line than the "log"
    f"## Notes\n1. a blog\n\n## Log\n{ENTRY}\n",
    f"## Log\n{ENTRY}\n\n## Notes\n1. ordered\n",  # a section after the Log's end, not read
    f"~~~ a`b\n## Log\n- 2026-11-19 in code\n~~~\n## Log\n{ENTRY}\n",  # a backtick in ~~~'s info
    f"## Log\n{ENTRY}\n  - 2026-11-21 Met\n",  # an item nested in an item
    f"## Log\n{ENTRY}\n  - 2026-11-21 Met  \n",
    f"## Log\n{ENTRY}\n  - 2026-11-21 Met MAX\n",
    f"## Log\n{ENTRY}\n  {TASK}\n",
    f"{TASK}\n  - b\n\n    more of b\n",  # a paragraph in a nested item
    f"{TASK}\n\n  more of it",  # a paragraph in the item, on the body's last line
    f"## Log\n- é\n{ENTRY}\n",  # a one-character item
    f"{TASK}\n```\n```X\n- [ ] in code 📅 2026-11-29\n```\n",  # text after a fence: no closing
    f"{TASK}\n```\n```\xa0\n- [ ] in code 📅 2026-11-29\n```\n",
    f"{TASK}\n```\n```X\n## Log\n{ENTRY}\n", f"{TASK}\n```\n```\xa0\n## Log\n{ENTRY}\n",
    f"{TASK}\n```\ncode\n```\nlazy text\n",  # a line after a fence continues no item
    f"{TASK}\n\n> - [ ] Ask Jo 📅 2026-11-29\n",  # items before a callout, then in it
    f"> ```\n> - [ ] in code 📅 2026-11-29\n> ```\n\n{TASK}\n",  # a fence in a callout
    f"## Log\n{ENTRY}\nX\n", f"## Log\n{ENTRY}\nback later  \n",  # lazy continuation lines
    f"## Log\n{ENTRY}\nback later X\n", f"## Log\n- a remark\nmore of it\n{ENTRY}\n",
    f"## Log\n- a\ufeffb\nlazy\n{ENTRY}\n", f"## Log\n{ENTRY}\nback\ufeffx\n",
    "- [ ] x\n- [ ] y\n- [ ] z 📅 2026-11-28\nlazy\n",
    f"## Log\n{ENTRY}  \n", "## Log\n- 2026-11-20 Called MAX\n",  # an item's last characters
    f"## Log\n{ENTRY}\n\nXavier called back\n",  # a paragraph after the list
    f"{TASK}\n\n  more\n\n  again\n",  # paragraphs in the item, after blank lines
    f"{TASK}\n\n      - [ ] in code 📅 2026-11-29\n",  # indented code in the item
    f"{TASK}\n  - b\n\n  more of it\n\n      - [ ] in code 📅 2026-11-29\n",
    f"text\n\n    indented code\n\n{TASK}\n",  # indented code after a paragraph
]

#: Bodies the line reader may hand to markdown-it, whole or a section of them.
OTHER_BODIES = [
    f"{TASK}\n\n<div>x</div>\n",  # an HTML block
    f"{TASK}\n\n  ```\n  code\n  ```\n",  # an indented fence
    f"##\tLog\n{ENTRY}\n", f"## Log\t\n{ENTRY}\n",  # a Log heading that is not written `## Log`
    f"{TASK}\n\n## Logistics\n- [ ] Ask Jo 📅 2026-11-29\n",  # found after a section was read
    f"## Log\n- 2026-02-30 Called\n{ENTRY}\n\n<div>x</div>\n",  # a problem, read by markdown-it
    "## Log\n- \xa02026-11-20 Called\n",  # an item starting with a no-break space
    f"## Log\n{ENTRY}\n### Calls\n1. ordered\n- 2026-11-21 Met\n",  # a section read by markdown-it
    "> ## Log\n> - 2026-11-20 Quoted\n\n## Log\n- 2026-11-21 Called\n",  # a Log heading quoted
    f"   {TASK}\n",  # an item indented by three spaces
    f"## Log\n{ENTRY}\n\xa0\nback later\n",  # a no-break space is not a blank line
    "- [ ] a\n      - [ ] b 📅 2026-11-28\n",  # six spaces: more of the item's text
    f"{TASK}\n  ```\n```\n## Tasks\n- [ ] in code 📅 2026-11-29\n",  # a fence in an item, then one
    "Log\n-\n- 2026-11-20 Called\n",  # a Log heading underlined by one `-`
    f"catalog\n\n> ## Log\n> - 2026-11-20 Quoted\n\n## Log\n{ENTRY}\n",  # "log" on three lines
    "    catalog\nLog\n===\n- 2026-11-20 Called\n",  # a line that starts with "Log"
    f"{TASK}\n  - b\n\n    more of b\n\n      - [ ] Ask Jo 📅 2026-11-29\n",  # an item in b
    f"> quoted\n\n   {TASK}\n", f"text\n\n   {TASK}\n", f"```\ncode\n```\n\n   {TASK}\n",
    f"> ```x`y\n> {TASK}\n",  # no fence: a backtick after the backticks
    f"{TASK}\n\n```x`y\n```\n## Log\n- 2026-11-20 in code\n",  # so the next line opens one
    f"## Log\n{ENTRY}\n\n`code` here\n",
]


@pytest.mark.parametrize("text", PLAIN_BODIES)
def test_plain_bodies_are_read_line_by_line_as_markdown_it_reads_them(text: str) -> None:
    as_markdown_it_reads(text, plain=True)


@pytest.mark.parametrize("text", OTHER_BODIES)
def test_other_bodies_are_read_as_markdown_it_reads_them(text: str) -> None:
    as_markdown_it_reads(text)


@pytest.mark.parametrize(("line", "text"), [
    ("- [ ] Send CV ⏫ 📅 2026-11-28", "Send CV"),
    ("- [ ] Send CV 🔼 🔽 ⏬ 🔺️ 📅 2026-11-28", "Send CV"),
    ("- [ ] Call Dana 🔁 every week 📅 2026-11-28", "Call Dana"),
    ("- [ ] Call Dana 📅 2026-11-28 🔁 every 2 weeks on Monday when done", "Call Dana"),
    ("- [ ] Send CV 🆔 abc123 ⛔ def,ghi_4 📅 2026-11-28", "Send CV"),
    ("- [ ] Send CV ➕ 2026-11-01 🛫 2026-11-02 📅 2026-11-28 ✅ 2026-11-03 ❌ 2026-11-04", "Send CV"),
    ("- [ ] Send CV 📅 2026-11-28 🏁 delete", "Send CV"),
    ("- [ ] Send CV [priority:: high] [repeat:: every week] [id:: abc] [due:: 2026-11-28]",
     "Send CV"),
    ("- [ ] Send CV (dependsOn:: abc) (onCompletion:: keep) [due:: 2026-11-28]", "Send CV"),
    ("- [ ] Ask about the Q&A ⏫ and the 🔁 every week stand-up 📅 2026-11-28",
     "Ask about the Q&A and the"),
])
def test_a_task_s_text_carries_none_of_its_tasks_metadata(line: str, text: str) -> None:
    # priorities, recurrence, ids, dependencies and the other dates are the Tasks plugin's
    # bookkeeping, not what to do
    parsed = read(line + "\n", plain=True)
    assert parsed.tasks == (task("2026-11-28", text, 5),)
    assert parsed.problems == []


def test_log_is_found_in_any_case_by_lowering_ascii_letters_only() -> None:
    """No character but L, O and G lower-cases to an l, an o or a g, nor matches one ignoring
    case: lowering the ASCII letters alone finds "log" wherever lowering all would."""
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert sorted(re.findall("[log]", every, re.IGNORECASE)) == sorted("LOGlog")
    lowered_all = every.lower()
    assert sum(lowered_all.count(letter) for letter in "log") == 6
    text = "## LoG\n- 2026-11-20 Called 📅 Ünïcödé İstanbul\nCatalog, BLOG, logged"
    assert body.lower_ascii(text) == (
        "## log\n- 2026-11-20 called 📅 Ünïcödé İstanbul\ncatalog, blog, logged")
    assert body.lower_ascii("\ud800 LOG") == "\ud800 log"  # a lone surrogate is kept as it is
    assert body.lower_ascii("ABC") == "abc"
