"""The pipeline board, `Pipeline.md`: a Kanban board of interviews and applications in the
format of the Obsidian Kanban plugin (README, "The pipeline board").

Pure functions: `board_cards` makes the cards from the notes and the agenda, `render_board`
writes them as the plugin writes a board, `read_board` reads a board back (as the plugin or the
user left it), and `board_moves` tells the cards the user moved since jobjournal last wrote the
board from the statuses changed in the notes (docs/design.md, "The remembered board").
`BoardMaker` gives what `board_cards` and `render_board` give, remembering its last board for
the next, so that a watcher's save costs what it changed (docs/design.md, "The incremental
build").
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass, replace
from datetime import date
from itertools import compress
from operator import attrgetter, is_not
from urllib.parse import unquote

from jobjournal.core.links import LinkIndex, parse_links
from jobjournal.core.markdown import identity_difference
from jobjournal.core.model import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Agenda,
    Item,
    Kind,
    Link,
    Note,
    NoteType,
    Problem,
    Severity,
)
from jobjournal.core.render import _wikilink_safe, escape_md, note_link

#: The lanes every board has, in pipeline order; a lane per other status found follows them.
LANES = (
    "applied", "scheduled", "interviewing", "completed", "waiting", "offer", "accepted",
    "rejected", "declined", "withdrawn", "ghosted", "cancelled", "closed",
)  # fmt: skip
#: Where a card goes when its note has no status.
DEFAULT_LANE = {NoteType.APPLICATION: "applied", NoteType.INTERVIEW: "scheduled"}
#: Every status a card may be moved to (an unknown status only through its own lane).
STATUSES = frozenset(LANES) | OPEN_STATUSES | CLOSED_STATUSES

#: A new board's front matter and settings, as the plugin writes them.
NEW_HEAD = "---\n\nkanban-plugin: basic\n\n---"
NEW_SETTINGS = '{"kanban-plugin":"basic"}'
SETTINGS_MARK = "%% kanban:settings"

_PLUGIN_KEY = re.compile(r"^kanban-plugin\s*:", re.MULTILINE)
_CARD = re.compile(r"^[-*+] \[(.)\] ?(.*)$")
_HEADING = re.compile(r"^#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_MAX_ITEMS = re.compile(r"^(.*?)\s*\((\d+)\)$")  # "applied (5)": the plugin's card limit
_MD_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+\.md)\)")
_FENCE = "```"
# A card as jobjournal writes it: a link, then nothing or ` · ` and what it says about the note.
_OWN_CARD = re.compile(r"(?:\[\[[^\[\]]+\]\]|\[[^\]]*\]\([^)\s]+\.md\))(?: · .*)?")


def lane_of(note: Note) -> str | None:
    """The lane of a note's card: its status, else its type's default; None for a note that has
    no card (not an interview or application)."""
    default = DEFAULT_LANE.get(note.type) if note.type is not None else None
    if default is None:
        return None
    return note.status or default


# --- the cards ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    """One note's card as jobjournal writes it."""

    path: str
    lane: str
    text: str  # what follows `- [ ] `
    order: tuple[date, str, str]  # where it goes among new cards of its lane


def board_cards(notes: Iterable[Note], items: Iterable[Item], index: LinkIndex
                ) -> tuple[Card, ...]:
    """A card for each interview and application: its link, company, role, and its next action
    (the first of its items in agenda order) with that item's date."""
    first = _first_items(tuple(items))
    return tuple(card for note in notes
                 if (card := card_of(note, first.get(note.path), index)) is not None)


def _first_items(items: Sequence[Item]) -> dict[str | None, Item]:
    """Each note's first item, in agenda order (under None: the vault's own item). Made in C:
    read backwards, a note's first item is set last."""
    return dict(zip(map(_note_of, reversed(items)), reversed(items), strict=True))


def card_of(note: Note, item: Item | None, index: LinkIndex) -> Card | None:
    """A note's card, given its first item; None for a note that has no card."""
    lane = lane_of(note)
    if lane is None:
        return None
    parts = [card_link(note.path, index)]
    parts += [escape_md(text) for text in (note.company, note.role) if text and text.strip()]
    if item is not None:
        parts.append(f"next: {escape_md(next_action(item))} @{{{item.due.isoformat()}}}")
    due = item.due if item is not None else date.max
    return Card(note.path, lane, " · ".join(parts), (due, note.title.casefold(), note.path))


#: A card's short name for its next action, by kind (a task says its own text).
_NEXT_ACTION = {
    Kind.CALL_BACK: "call back",
    Kind.GATHER_INFO: "ask for the missing details",
    Kind.THANK_YOU: "send a thank-you",
    Kind.ASK_DECISION_DATE: "ask when they decide",
    Kind.DECISION_FOLLOW_UP: "follow up on the decision",
    Kind.ASK_NEW_DATE: "ask for a new decision date",
    Kind.OFFER_DEADLINE: "answer the offer",
    Kind.APPLICATION_FOLLOW_UP: "follow up on the application",
    Kind.FOLLOW_UP: "follow up",
    Kind.MOVE_ON: "no answer: let it go?",
}


def next_action(item: Item) -> str:
    """What a card says its next step is."""
    if item.kind is Kind.APPOINTMENT:
        return "interview" + (f" at {item.at:%H:%M}" if item.at is not None else "")
    return _NEXT_ACTION.get(item.kind, item.text)


def card_link(path: str, index: LinkIndex) -> str:
    """`[[Title]]` when the title alone finds this note, else a link with its path."""
    title = path.rpartition("/")[2].removesuffix(".md")
    if _wikilink_safe(title) and index.resolve(Link(title, None, True)) == path:
        return f"[[{title}]]"
    return note_link(path, title)


# --- reading a board ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardCard:
    """A card as found on a board."""

    lane: str  # the lane's status: its title lower-cased, without a card limit
    text: str  # the card's first line, after its checkbox
    check: str  # the checkbox's mark
    line: int  # 1-based


@dataclass(frozen=True)
class Lane:
    status: str
    title: str  # as written, limit included: "applied (5)"
    line: int


@dataclass(frozen=True)
class Board:
    """A board as read from its file."""

    head: str | None  # the front matter, `---` lines included; None when there is none
    lanes: tuple[Lane, ...]
    cards: tuple[BoardCard, ...]
    settings: str | None  # the settings block's JSON, when it holds an object

    @property
    def plugin(self) -> bool:
        """Whether its front matter says it is a Kanban plugin board."""
        return self.head is not None and _PLUGIN_KEY.search(self.head) is not None

    def refusal(self) -> str | None:
        """Why jobjournal must leave this board alone (it may be the user's own note), or None."""
        if not self.plugin:
            return ("it has no `kanban-plugin:` front matter, so it may be your own note: "
                    "jobjournal leaves it alone; rename it or set [board] path to another note")
        if not any(lane.status in STATUSES for lane in self.lanes):
            return ("none of its lanes is named by a status (applied, scheduled, …): jobjournal "
                    "leaves it alone; delete it to have it written again")
        return None


def read_board(text: str) -> Board:
    """The front matter, lanes, cards and settings of a board (any line endings, a BOM)."""
    lines = text.removeprefix("\ufeff").splitlines()
    head, start = None, 0
    if lines and lines[0].rstrip() == "---":
        for n in range(1, len(lines)):
            if lines[n].rstrip() in ("---", "..."):
                head, start = "\n".join(lines[: n + 1]), n + 1
                break
    lanes: list[Lane] = []
    cards: list[BoardCard] = []
    settings = None
    fence: str | None = None
    n = start
    while n < len(lines):
        line = lines[n]
        if fence is not None:  # inside a code block: nothing counts
            if line.strip().startswith(fence):
                fence = None
        elif line.strip() == SETTINGS_MARK:
            settings = _settings(lines[n + 1:])
            break
        elif line.lstrip().startswith(("```", "~~~")):
            fence = line.lstrip()[:3]
        elif (heading := _HEADING.match(line)) is not None:
            title = heading.group(1).strip()
            limited = _MAX_ITEMS.match(title)
            status = (limited.group(1) if limited else title).strip().lower()
            lanes.append(Lane(status, title, n + 1))
        elif lanes and (card := _CARD.match(line)) is not None:
            cards.append(BoardCard(lanes[-1].status, card.group(2).strip(), card.group(1), n + 1))
        n += 1
    return Board(head, tuple(lanes), tuple(cards), settings)


def _settings(lines: Sequence[str]) -> str | None:
    """The JSON object in the settings block's fence, as written; None when there is none."""
    inside = [line.strip() for line in lines]
    if _FENCE not in inside:
        return None
    begin = inside.index(_FENCE)
    end = inside.index(_FENCE, begin + 1) if _FENCE in inside[begin + 1:] else len(inside)
    text = "\n".join(inside[begin + 1 : end]).strip()
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return text if isinstance(value, dict) and "\n" not in text else None


def card_target(card: BoardCard, index: LinkIndex) -> str | None:
    """The path of the note a card names: its first wikilink, or a Markdown link to a note."""
    for link in parse_links(card.text):
        return index.resolve(link)
    found = _MD_LINK.search(card.text)
    if found is not None:
        return index.resolve(Link(unquote(found.group(1)), None, True))
    return None


# --- writing a board ----------------------------------------------------------------------------


def render_board(cards: Iterable[Card], existing: Board | None = None) -> str:
    """The board's text, as the Kanban plugin writes it: front matter, a `## status` lane for
    every status in pipeline order (then one per other status found), each lane's cards, and the
    plugin's settings block last.

    From an `existing` board jobjournal keeps what the plugin or the user set there: its front
    matter, its settings, each lane's card limit, and the order and checkbox of the cards that
    stayed in their lane (so reordering cards changes nothing); new cards come after them.
    """
    by_lane: dict[str, list[Card]] = {lane: [] for lane in LANES}
    for card in sorted(cards, key=lambda c: c.order):
        by_lane.setdefault(card.lane, []).append(card)
    extra = sorted(lane for lane in by_lane if lane not in LANES)
    placed: dict[tuple[str, str], int] = {}
    checks: dict[str, str] = {}
    titles: dict[str, str] = {}
    if existing is not None:
        for found_lane in existing.lanes:
            titles.setdefault(found_lane.status, found_lane.title)
        for n, found in enumerate(existing.cards):
            placed.setdefault((found.lane, _card_key(found.text)), n)
            checks.setdefault(_card_key(found.text), found.check)
    head = existing.head if existing is not None and existing.plugin else NEW_HEAD
    settings = existing.settings if existing is not None and existing.settings else NEW_SETTINGS
    out = [head or NEW_HEAD, "\n\n"]
    for lane in [*LANES, *extra]:
        lane_cards = sorted(by_lane[lane], key=lambda c: placed.get(
            (lane, _card_key(c.text)), len(placed)))
        title = titles.get(lane, lane)
        out.append(f"## {title if _MAX_ITEMS.match(title) else lane}\n\n")
        out += [f"- [{checks.get(_card_key(c.text), ' ')}] {c.text}\n" for c in lane_cards]
        out.append("\n\n")
    out.append(f"\n\n{SETTINGS_MARK}\n{_FENCE}\n{settings}\n{_FENCE}\n%%")
    return "".join(out)


def board_text(cards: Iterable[Card], existing: str | None) -> str | None:
    """The board to write over the board text `existing` (None: no board yet), or None when that
    board is not jobjournal's to write (see Board.refusal)."""
    board = read_board(existing) if existing is not None else None
    if board is not None and board.refusal() is not None:
        return None
    return render_board(cards, board)


def _card_key(text: str) -> str:
    """What identifies a card across runs: the first link in it (its note)."""
    links = parse_links(text)
    if links:
        return links[0].target.lower()
    found = _MD_LINK.search(text)
    return unquote(found.group(1)).lower().removesuffix(".md") if found else text


# --- what the user changed ----------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """A card the user dragged to another lane: the note's status to set."""

    path: str
    status: str  # the new status (the lane's)
    before: str  # the lane the card was in


def board_moves(
    board: Board, remembered: Board | None, board_path: str, index: LinkIndex,
    lane_now: Callable[[str], str | None],
) -> tuple[tuple[Move, ...], tuple[Problem, ...]]:
    """The cards moved on `board` since jobjournal wrote `remembered`, and the problems found.

    `lane_now(path)` is the lane of the note's card as the note says now (None: no card). Without
    a `remembered` board, a card of jobjournal's shape naming no note is taken for one whose note
    was deleted (dropped quietly), and a card in another lane than its note's is reported. A card
    moved when its note still says what the board said is a move; a card moved while the note's
    status changed too stays where the note says (the note wins). A card in a lane that is not a
    status, a card naming no note, and a note carded twice are reported, never guessed.
    """
    problems: list[Problem] = []

    def report(line: int, message: str) -> None:
        problems.append(Problem(board_path, line, Severity.WARNING, message))

    before: dict[str, str] = {}
    if remembered is not None:
        for card in remembered.cards:
            path = card_target(card, index)
            if path is not None:
                before.setdefault(path, card.lane)
    known_lanes = STATUSES | {lane.status for lane in remembered.lanes} if remembered else STATUSES
    written = {_card_key(card.text) for card in remembered.cards} if remembered else None
    seen: dict[str, BoardCard] = {}
    twice: set[str] = set()
    for card in board.cards:
        path = card_target(card, index)
        if path is None and (_card_key(card.text) in written if written is not None
                             else _OWN_CARD.fullmatch(card.text)):
            continue  # its note was deleted (or renamed): the card simply goes
        if path is None or lane_now(path) is None:
            report(card.line, f"the card {_quoted(card.text)} names no interview or application "
                   "note: it is dropped (make a note for it with `jobjournal new`)")
        elif path in seen:
            twice.add(path)
            report(card.line, f"{_title(path)} has two cards: neither is taken as moved; the "
                   "board shows the note's status")
        else:
            seen[path] = card
    moves = []
    for path, card in seen.items():
        now = lane_now(path)
        if path in twice or card.lane == now:
            continue
        if card.lane not in known_lanes:
            report(card.line, f"{_title(path)} was moved to the lane {_quoted(card.lane)}, which "
                   f"is not a status: it stays {now}; drag it to a status's lane")
        elif path not in before:
            report(card.line, f"{_title(path)} is in the lane {card.lane} but its note says {now}, "
                   "and jobjournal has no record of having put it elsewhere: the note's status "
                   "stands; drag the card again to change it")
        elif card.lane == before[path]:
            continue  # the note changed, the board did not: the board follows the note
        elif now != before[path]:
            report(card.line, f"{_title(path)} was moved to {card.lane} on the board while its "
                   f"note's status changed to {now}: the note wins")
        else:
            moves.append(Move(path, card.lane, before[path]))
    return tuple(moves), tuple(problems)


def _title(path: str) -> str:
    return path.rpartition("/")[2].removesuffix(".md")


def _quoted(text: str) -> str:
    short = text if len(text) <= 60 else text[:57] + "…"
    return f'"{short}"'



def with_problems(agenda: Agenda, problems: Iterable[Problem]) -> Agenda:
    """The agenda with the board's problems among its own, in their order."""
    extra = tuple(problems)
    if not extra:
        return agenda
    from jobjournal.core.engine import problem_key

    return replace(agenda, problems=tuple(sorted((*agenda.problems, *extra), key=problem_key)))


def merge_boards(base: str, ours: str, theirs: str) -> str:
    """Two devices' boards merged: each card in the lane a side moved it to (ours, when both
    moved it), everything else as ours has it; a card only theirs has is added. The board is
    regenerated after the merge, which applies the moves and drops what no note backs."""
    boards = [read_board(text) for text in (base, ours, theirs)]
    if any(board.refusal() is not None for board in boards[1:]):
        return ours
    was, mine, other = ({_card_key(c.text): c.lane for c in board.cards} for board in boards)
    cards = []
    for n, card in enumerate(boards[1].cards):
        key = _card_key(card.text)
        lane = card.lane
        if key in other and other[key] != was.get(key, other[key]) and lane == was.get(key):
            lane = other[key]
        cards.append(Card(key, lane, card.text, (date.min, "", f"{n:09d}")))
    for n, card in enumerate(boards[2].cards):
        key = _card_key(card.text)
        if key not in mine and key not in was:
            cards.append(Card(key, card.lane, card.text, (date.min, "~", f"{n:09d}")))
    return render_board(cards, boards[1])


# --- the remembering board ----------------------------------------------------------------------


class BoardMaker:
    """`board_text(board_cards(notes, items, index), existing)`, remembering its last board for
    the next: a watcher writes one board after another, which differ by the few cards a save
    changed.

    A note's card is made again only when the note is not the very object it was (notes are
    frozen, and the vault hands back the same object for an unchanged file: compared in C) or its
    first item is not. When `existing` is the board it wrote last, only the lanes a changed card
    leaves or enters are laid out again, as `render_board` lays them out: the cards that stay
    keep their place and checkbox, the others follow in card order; the other lanes' lines are
    kept. Anything else (the first board, one the user edited, a card text or lane name that
    would not read back as written, two cards with one key) takes `board_text`, and what it
    wrote is read back to be remembered. `last` says which way the last board took.
    tests/test_board.py compares it with `board_text` over sequences of changes.
    """

    def __init__(self) -> None:
        self._paths: Sequence[str] | None = None
        self._index: LinkIndex | None = None
        self._notes: tuple[Note, ...] = ()
        self._items: tuple[Item, ...] = ()
        self._at: dict[str, int] = {}  # path → its place in `_notes`
        self._first: dict[str | None, Item] = {}
        self._cards: list[Card | None] = []
        self._text: str | None = None  # the last board, when it can be followed card by card
        self._head = self._settings = ""
        self._titles: dict[str, str] = {}
        self._rows: dict[str, list[str]] = {}  # lane → its cards' keys, in board order
        self._lane_text: dict[str, str] = {}  # lane → its cards' lines
        self._members: dict[str, set[str]] = {}  # lane → its cards' keys
        self._lines: dict[str, str] = {}  # key → its card's line
        self._by_key: dict[str, Card] = {}
        self._key_of: dict[str, str] = {}  # path → its card's key
        #: how the last board was made: "cards" (card by card) or "whole"
        self.last = ""

    def forget(self) -> None:
        """Start afresh at the next board (one that was not made: what it was told is lost)."""
        self._notes, self._cards, self._text = (), [], None

    def index_for(self, paths: Sequence[str]) -> LinkIndex:
        """A LinkIndex of these paths: the last one when the paths are the same."""
        if self._index is None or (paths is not self._paths and paths != self._paths):
            self._paths, self._index = paths, LinkIndex(paths)
            self._notes, self._cards = (), []  # every card links anew
        return self._index

    def board(self, notes: Sequence[Note], items: Sequence[Item], paths: Sequence[str],
              existing: str | None, recomputed: frozenset[str] | None = None) -> str | None:
        """What `board_text(board_cards(notes, items, LinkIndex(paths)), existing)` gives.
        `recomputed`, when known, holds every path whose note or items may differ from the last
        board's (`IncrementalBuild.take_recomputed`): the others are not looked at."""
        index = self.index_for(paths)
        items = tuple(items)
        first = _first_items(items)
        notes = tuple(notes)
        if recomputed is None or len(notes) != len(self._notes):
            # a note's first item can only have changed where the items did (compared in C)
            start, old_end, new_end = identity_difference(self._items, items)
            moved = {*map(_note_of, self._items[start:old_end]),
                     *map(_note_of, items[start:new_end])}
            changed = self._update_cards(notes, first, moved, index)
        else:
            changed = self._update_cards(notes, first, recomputed, index, told=True)
        self._items = items
        if existing is not None and existing == self._text and changed is not None:
            text = self._follow(changed)
            if text is not None:
                self.last = "cards"
                return text
        self.last = "whole"
        cards = [card for card in self._cards if card is not None]
        text = board_text(cards, existing)
        self._text = None
        if text is not None:
            self._remember(cards, text)
        return text

    def _update_cards(self, notes: tuple[Note, ...], first: dict[str | None, Item],
                      moved: Set[str | None], index: LinkIndex, *, told: bool = False
                      ) -> list[tuple[Card | None, Card | None]] | None:
        """Make the cards of `notes` (into `_cards`, in note order), again only for the notes
        that changed or whose first item did (among the notes of the items `moved`; `told`:
        the notes that changed are among those too); the (old, new) cards that differ, or None
        when the notes are not the last ones edited in place (then every card was made)."""
        old_notes, old_first, cards = self._notes, self._first, self._cards
        self._notes, self._first = notes, first
        if len(old_notes) != len(notes) or not cards:
            self._make_all(notes, first, index)
            return None
        places = self._at
        if told and all(path in places for path in moved):
            at = {places[path] for path in moved if path is not None}
        else:
            at = set(compress(range(len(notes)), map(is_not, old_notes, notes)))
        if any(old_notes[n].path != notes[n].path for n in at):
            self._make_all(notes, first, index)
            return None
        at.update(places[path] for path in moved
                  if path in places and first.get(path) is not old_first.get(path))
        changed = []
        for n in sorted(at):
            note = notes[n]
            card = card_of(note, first.get(note.path), index)
            if card != cards[n]:
                changed.append((cards[n], card))
                cards[n] = card
        return changed

    def _make_all(self, notes: tuple[Note, ...], first: dict[str | None, Item],
                  index: LinkIndex) -> None:
        self._cards = [card_of(note, first.get(note.path), index) for note in notes]
        self._at = {note.path: n for n, note in enumerate(notes)}

    def _follow(self, changed: list[tuple[Card | None, Card | None]]) -> str | None:
        """The board with these cards changed, laid out lane by lane from the last one; None
        when a change can't be followed so (then nothing remembered was changed)."""
        by_key, key_of, members = self._by_key, self._key_of, self._members
        gone = {old.path for old, _ in changed if old is not None}
        entering: dict[str, Card] = {}
        for _, new in changed:
            if new is None:
                continue
            key = _card_key(new.text)
            holder = by_key.get(key)
            if (key in entering or (holder is not None and holder.path not in gone)
                    or not _reads_back(new.text) or not _lane_reads_back(new.lane)):
                return None
            entering[key] = new
        lanes: set[str] = set()
        left: set[str] = set()
        for old, _ in changed:
            if old is not None:
                key = key_of.pop(old.path)
                del by_key[key]
                members[old.lane].discard(key)
                lanes.add(old.lane)
                left.add(key)
        for key, new in entering.items():
            by_key[key], key_of[new.path] = new, key
            members.setdefault(new.lane, set()).add(key)
            lanes.add(new.lane)
        rows, lines = self._rows, self._lines
        # a card keeps its checkbox (the line's fourth character), in its lane or another
        checks = {key: line[3] for key in left if (line := lines.pop(key, None))}
        for key, new in entering.items():
            lines[key] = f"- [{checks.get(key, ' ')}] {new.text}\n"
        for lane in lanes:
            keys = members.get(lane, set())
            kept = [key for key in rows.get(lane, ()) if key in keys]
            placed = set(kept)
            fresh = sorted((key for key in keys if key not in placed),
                           key=lambda key: by_key[key].order)
            if kept or fresh or lane in LANES:
                rows[lane] = kept + fresh
                self._lane_text[lane] = "".join(lines[key] for key in rows[lane])
            else:  # an empty lane of another status goes, with its title
                rows.pop(lane, None)
                self._lane_text.pop(lane, None)
                self._titles.pop(lane, None)
        self._text = self._layout()
        return self._text

    def _layout(self) -> str:
        """The board's text from what is remembered, as `render_board` writes it."""
        out = [self._head, "\n\n"]
        extra = sorted(lane for lane in self._rows if lane not in LANES)
        for lane in [*LANES, *extra]:
            title = self._titles.get(lane, lane)
            out.append(f"## {title if _MAX_ITEMS.match(title) else lane}\n\n")
            out.append(self._lane_text.get(lane, ""))
            out.append("\n\n")
        out.append(f"\n\n{SETTINGS_MARK}\n{_FENCE}\n{self._settings}\n{_FENCE}\n%%")
        return "".join(out)

    def _remember(self, cards: list[Card], text: str) -> None:
        """Remember the board `text` written from `cards`, when it reads back as written (each
        card in its lane, once, with its text); else remember nothing (the next board is made
        whole)."""
        board = read_board(text)
        keys = [_card_key(card.text) for card in board.cards]
        by_key = {_card_key(card.text): card for card in cards}
        if (len(set(keys)) != len(keys) or len(by_key) != len(cards) or set(keys) != by_key.keys()
                or any(by_key[key].text != found.text or by_key[key].lane != found.lane
                       for key, found in zip(keys, board.cards, strict=True))
                or board.head is None or board.settings is None
                or not all(_lane_reads_back(card.lane) for card in cards)):
            return
        rows: dict[str, list[str]] = {lane: [] for lane in LANES}
        for key, found in zip(keys, board.cards, strict=True):
            rows.setdefault(found.lane, []).append(key)
        titles: dict[str, str] = {}
        for lane in board.lanes:
            titles.setdefault(lane.status, lane.title)
        self._head, self._settings, self._titles, self._rows = (
            board.head, board.settings, titles, rows)
        self._lines = {key: f"- [{found.check}] {found.text}\n"
                       for key, found in zip(keys, board.cards, strict=True)}
        self._lane_text = {lane: "".join(self._lines[key] for key in keys)
                           for lane, keys in rows.items()}
        self._members = {lane: set(keys) for lane, keys in rows.items()}
        self._by_key = by_key
        self._key_of = {card.path: key for key, card in by_key.items()}
        if self._layout() == text:
            self._text = text


_note_of: Callable[[Item], str | None] = attrgetter("note")


def _reads_back(text: str) -> bool:
    """Whether a card line holding `text` reads back as that card: one line, no outer spaces."""
    return text == text.strip() and len(text.splitlines()) == 1


def _lane_reads_back(lane: str) -> bool:
    """Whether a lane's heading as render_board writes it reads back as that lane."""
    heading = _HEADING.match(f"## {lane}")
    if heading is None:
        return False
    title = heading.group(1).strip()
    limited = _MAX_ITEMS.match(title)
    return (limited.group(1) if limited else title).strip().lower() == lane
