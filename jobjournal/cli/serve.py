"""`jobjournal serve`: the calendar at /agenda.ics and the agenda as a page at /, on 127.0.0.1,
for calendar apps that subscribe by URL (README, "Your calendar"). What it answers, and how, is
cli/agenda_site.py, imported only when the command runs: the HTTP server's modules cost every
other command's start-up, `--help` included, a quarter of it.
"""

from __future__ import annotations

import signal
import sys
import threading
from types import FrameType

import click

from jobjournal.cli.common import vault_option, vault_root

HOST = "127.0.0.1"
#: The default port: free on most machines, and easy to remember (iCalendar is RFC 5545).
DEFAULT_PORT = 5545
CALENDAR_PATH = "/agenda.ics"
PAGE_PATHS = ("/", "/index.html")
CALENDAR_TYPE = "text/calendar; charset=utf-8"
PAGE_TYPE = "text/html; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"



def _stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@click.command("serve")
@vault_option
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True,
              help="The port on 127.0.0.1 (0: any free port, printed when it starts).")
@click.pass_context
def serve(ctx: click.Context, port: int) -> None:
    """Serve the calendar and the agenda on this computer, for calendar apps.

    Listens on 127.0.0.1 only (nothing outside this computer can connect)
    and answers, computed afresh from the notes on every request:

    \b
      /agenda.ics  the calendar `jobjournal export ics` writes: subscribe
                   to it by URL in Thunderbird, Apple Calendar or Evolution,
                   and it stays current as you edit your notes
      /            the agenda as a read-only web page

    A client that asks again while the notes and the day are unchanged is
    told so (HTTP 304) without a new download. Nothing is written into the
    vault. Ctrl-C stops it.

    \b
    Examples:
      jobjournal serve                 # http://127.0.0.1:5545/agenda.ics
      jobjournal serve --port 0        # any free port: the URL is printed
    """
    from jobjournal.vault import background

    root = vault_root(ctx)
    from jobjournal.config import load_config

    load_config(root)  # a bad config is refused now, not on the first request
    background.stop_deferring()  # cache writes at once: this command has no "after"
    from jobjournal.cli.agenda_site import make_server

    server = make_server(root, port)
    url = f"http://{HOST}:{server.server_address[1]}"
    click.echo(f"Serving {root} at {url}/ — calendar: {url}{CALENDAR_PATH} (Ctrl-C stops)")
    sys.stdout.flush()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)  # a service manager's stop is a Ctrl-C
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    click.echo("Stopped.", err=True)
