"""core/ticks.py, in process: reading the lines the user marked in the agenda, and uniting those
of both sides of a merge (the command-line and file behaviour is in tests/test_ticks.py)."""

from __future__ import annotations

from datetime import date

from jobjournal.core.ticks import marked_line, read_marked_lines, unite_marked_lines


def test_the_last_unescaped_id_and_the_inline_fields_on_either_side() -> None:
    line = marked_line("- [x] [[A]]: do \\[x:: 1\\] \\^jj-0000000000 [follow_up:: 2026-12-10] "
                       "^jj-0123456789 [candidates:: 4] ✅ 2026-11-25")
    assert line is not None
    assert (line.id, line.mark, line.ticked, line.cancelled, line.to_apply, line.done) == (
        "jj-0123456789", "x", True, False, True, date(2026, 11, 25))
    assert line.fields == (("follow_up", "2026-12-10"), ("candidates", "4"))
    link = marked_line("- [ ] note [recruiter:: [[Dana Recruiter]]] ^jj-0123456789-2")
    assert link is not None and link.id == "jj-0123456789-2"
    assert link.fields == (("recruiter", "[[Dana Recruiter]]"),) and link.to_apply
    assert marked_line("- plain bullet ^jj-0123456789") is None
    assert marked_line("- [x] ticked, no id") is None
    assert marked_line("- [x] escaped \\^jj-0123456789") is None
    assert marked_line("- [x] not an id: ^jj-0123456789g") is None


def test_marks_and_days() -> None:
    cancelled = marked_line("  * [-] a ❌ 2026-11-20 ^jj-aaaaaaaaaa")
    assert cancelled is not None and cancelled.cancelled and cancelled.to_apply
    assert cancelled.done == date(2026, 11, 20) and not cancelled.ticked
    other = marked_line("- [/] a ^jj-aaaaaaaaaa")
    assert other is not None and not other.to_apply and other.mark == "/"
    bad_day = marked_line("- [x] a ✅ 2026-02-30 ^jj-aaaaaaaaaa")
    assert bad_day is not None and bad_day.done is None
    open_line = marked_line("- [ ] a ^jj-aaaaaaaaaa")
    assert open_line is not None and not open_line.to_apply


def test_a_line_keeps_the_day_it_was_first_read_before_its_id() -> None:
    day = date(2026, 11, 26)
    ticked = marked_line("- [X] a [candidates:: 3] ^jj-aaaaaaaaaa [x:: y]")
    assert ticked is not None
    assert ticked.dated(day) == "- [X] a [candidates:: 3] ✅ 2026-11-26 ^jj-aaaaaaaaaa [x:: y]"
    cancelled = marked_line("- [-] a ^jj-aaaaaaaaaa")
    assert cancelled is not None and cancelled.dated(day) == "- [-] a ❌ 2026-11-26 ^jj-aaaaaaaaaa"
    kept = marked_line("- [x] a ✅ 2026-11-20 ^jj-aaaaaaaaaa")
    assert kept is not None and kept.dated(day) == kept.text
    fields = marked_line("- [ ] a [candidates:: 3] ^jj-aaaaaaaaaa")
    assert fields is not None and fields.dated(day) == fields.text


def test_a_line_read_alone_is_the_first() -> None:
    found = marked_line("- [x] call back ^jj-0123456789")
    assert found is not None and (found.number, found.mark) == (1, "x")


def test_only_the_lines_the_user_changed_are_read() -> None:
    text = ("- [X] a ^jj-aaaaaaaaaa\r\n- [ ] b ^jj-bbbbbbbbbb\n- [ ] c [due:: 1] ^jj-cccccccccc\r"
            "- [-] d ^jj-dddddddddd\n- [x] e, no id\n")
    found = read_marked_lines(text)
    assert [(m.id, m.number) for m in found] == [
        ("jj-aaaaaaaaaa", 1), ("jj-cccccccccc", 3), ("jj-dddddddddd", 4)]
    assert read_marked_lines("- [x] no id at all\n") == []


def test_a_merge_keeps_a_tick_new_on_either_side_and_drops_one_a_side_applied() -> None:
    def line(box: str, n: int) -> str:
        return f"- [{box}] item {n} ^jj-{n:010d}"

    base = "\n".join([line("x", 1), line("x", 2), line(" ", 3), line(" ", 4)]) + "\n"
    ours = "\n".join([line(" ", 3), line("x", 2), line("x", 4)]) + "\n"  # applied 1 (took it out)
    theirs = "\n".join([line("x", 1), line("x", 2), line("x", 3), line(" ", 4)]) + "\n"
    fresh = "\n".join([line(" ", 3), line(" ", 4), "- plain"]) + "\n"
    united = unite_marked_lines(fresh, base, ours, theirs)
    assert united == "\n".join([line("x", 3), line("x", 4), "- plain", line("x", 2)]) + "\n"
    # with ours' own generated part as the block: its marks are decided like the others
    assert unite_marked_lines(ours, base, ours, theirs) == "\n".join(
        [line("x", 3), line("x", 2), line("x", 4)]) + "\n"
    assert unite_marked_lines("", "", "", "") == ""
    # a line with no place in the block goes at its end: before its final line break, if any
    block = "\n".join([line(" ", 3), "- plain"])
    assert unite_marked_lines(block, base, ours, theirs) == "\n".join(
        [line("x", 3), "- plain", line("x", 2), line("x", 4)])
