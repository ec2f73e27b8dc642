"""What `jobjournal serve` (cli/serve.py) answers: the calendar at /agenda.ics and the agenda
as a page at /, on 127.0.0.1, for calendar apps that subscribe by URL (README, "Your calendar").

Every request reads the vault through the parse cache (vault/cache.py: only changed notes are
read) and computes the agenda as `jobjournal export` does, so the served calendar is the
exported one. Each answer carries an `ETag` made from what the answer is computed from — the
notes' stat stamps, the day, the settings, the time zone and jobjournal's version — never from
the clock's time of day, so a client asking again with `If-None-Match` gets `304 Not Modified`
for as long as the vault and the day stay the same. Nothing is written into the vault (the
parse cache and the calendar's sequence numbers live in the cache folder). Requests are answered
in threads (ThreadingHTTPServer), computed one at a time.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jobjournal import __version__
from jobjournal.cli.common import clock
from jobjournal.cli.serve import (
    CALENDAR_PATH,
    CALENDAR_TYPE,
    HOST,
    PAGE_PATHS,
    PAGE_TYPE,
    TEXT_TYPE,
)
from jobjournal.errors import JobJournalError


@dataclass
class Answer:
    """One HTTP answer: status, headers, body."""

    status: HTTPStatus
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class AgendaSite:
    """What `serve` answers for the vault at `root`, computed fresh for each request."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()  # one computation at a time: the cache and the memory

    def answer(self, target: str, if_none_match: str | None) -> Answer:
        route = urlsplit(target).path
        if route != CALENDAR_PATH and route not in PAGE_PATHS:
            return _text(HTTPStatus.NOT_FOUND,
                         f"nothing at {route}: the agenda is at / and the calendar at "
                         f"{CALENDAR_PATH}")
        with self._lock:
            try:
                return self._compute(route == CALENDAR_PATH, if_none_match)
            except JobJournalError as exc:  # a config error: say it, as the command would
                return _text(HTTPStatus.INTERNAL_SERVER_ERROR, f"jobjournal: error: {exc.message}")

    def _compute(self, calendar: bool, if_none_match: str | None) -> Answer:
        from jobjournal.cli.exchange import calendar_bytes, compute_for_export
        from jobjournal.config import load_config
        from jobjournal.vault.cache import CachedVault
        from jobjournal.vault.zone import vault_zone

        config = load_config(self.root)
        run = CachedVault.open(self.root, config)
        vault = run.vault()
        today = clock().date()
        what = (__version__, "ics" if calendar else "html", today.isoformat(), repr(config),
                str(vault_zone(config)), sorted((run.stamps or {}).items()),
                run.state.scan_problems)
        tag = '"' + hashlib.sha256(repr(what).encode()).hexdigest()[:32] + '"'
        headers = {"ETag": tag, "Cache-Control": "no-cache"}
        if _matches(if_none_match, tag):
            return Answer(HTTPStatus.NOT_MODIFIED, headers)
        agenda, context = compute_for_export(vault, today)
        if calendar:
            body = calendar_bytes(run, vault, agenda, context)
            headers["Content-Type"] = CALENDAR_TYPE
            headers["Content-Disposition"] = 'inline; filename="agenda.ics"'
        else:
            from jobjournal.exports.html_page import render_html

            body = render_html(agenda, vault_name=self.root.name,
                               horizon_days=config.agenda.horizon_days, me=config.me.name,
                               calendar_url=CALENDAR_PATH.lstrip("/")).encode("utf-8")
            headers["Content-Type"] = PAGE_TYPE
        return Answer(HTTPStatus.OK, headers, body)


def _matches(if_none_match: str | None, tag: str) -> bool:
    """Whether an If-None-Match header names `tag` (weakly, as RFC 9110 asks for GET) or is *."""
    if not if_none_match:
        return False
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == tag:
            return True
    return False


def _text(status: HTTPStatus, message: str) -> Answer:
    return Answer(status, {"Content-Type": TEXT_TYPE}, (message + "\n").encode("utf-8"))


class _Handler(BaseHTTPRequestHandler):
    site: AgendaSite  # set on the subclass each server makes
    server_version = f"jobjournal/{__version__}"

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self._respond(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._respond(send_body=False)

    def _respond(self, *, send_body: bool) -> None:
        try:
            answer = self.site.answer(self.path, self.headers.get("If-None-Match"))
        except Exception as exc:  # our bug: one line for the client and the log; serve on
            answer = _text(HTTPStatus.INTERNAL_SERVER_ERROR,
                           f"jobjournal: internal error: {type(exc).__name__}: {exc}")
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        if answer.status is not HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if send_body and answer.body:
            self.wfile.write(answer.body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's name
        sys.stderr.write(f"jobjournal serve: {self.address_string()} {format % args}\n")


def make_server(root: Path, port: int) -> ThreadingHTTPServer:
    """A server for the vault at `root` on 127.0.0.1:`port` (0: any free port), not yet
    serving."""
    handler = type("Handler", (_Handler,), {"site": AgendaSite(root)})
    try:
        return ThreadingHTTPServer((HOST, port), handler)
    except OSError as exc:
        raise JobJournalError(
            f"can't listen on {HOST}:{port} ({exc.strerror or exc}): choose another port with "
            "--port N, or --port 0 for any free one") from None
