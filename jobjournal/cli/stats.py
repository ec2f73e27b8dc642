"""`jobjournal stats`: the insights of the notes (README, "Insights")."""

from __future__ import annotations

from typing import Any

import click

from jobjournal.cli.common import (
    no_cache_option,
    open_cached_vault,
    read_vault,
    screen,
    today_from,
    today_option,
    vault_option,
)


@click.command()
@vault_option
@today_option
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object (today, funnel, by_source, weekly, weekly_goal, "
                   "time_in_status) for scripts.")
@no_cache_option
@click.pass_context
def stats(ctx: click.Context, today: Any, as_json: bool, no_cache: bool) -> None:
    """Show what works: the funnel from applications to offers, which sources
    answer and how fast, your activity per week against [insights] weekly_goal,
    and how long leads stay in each status. Computed from the notes alone;
    writes nothing.

    \b
    Examples:
      jobjournal stats
      jobjournal stats --today 2026-12-03 --json > stats.json
    """
    from jobjournal.core.insights import compute_insights
    from jobjournal.core.render_insights import render_insights_json, render_insights_terminal

    run = open_cached_vault(ctx, use_cache=not no_cache)
    vault = read_vault(run)
    found = compute_insights(vault.notes, today_from(today))
    goal = run.config.insights.weekly_goal
    if as_json:
        click.echo(render_insights_json(found, goal), nl=False)
    else:
        shown = screen()
        click.echo(render_insights_terminal(found, goal, width=shown.width, color=shown.color),
                   nl=False, color=shown.color)
    run.save()
