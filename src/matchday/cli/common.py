"""What every command group shares: the Typer app, consoles, the migrated store, JSON output, errors."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine

from matchday.cache import write_position
from matchday.errors import MatchdayError
from matchday.ingest.seed import seed_reference_data
from matchday.logs import configure_logging
from matchday.settings import get_settings
from matchday.store import job_registry
from matchday.store.engine import make_engine
from matchday.store.migrate import upgrade
from matchday.store.runs import mark_interrupted_runs

app = typer.Typer(help="matchday: football data you own. Load results, compute tables, serve them.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
console = Console()
errors = Console(stderr=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


@app.callback()
def _setup() -> None:
    configure_logging(get_settings())


def store_engine() -> Engine:
    """The configured store, migrated to the current schema (a no-op when it already is)."""
    settings = get_settings()
    engine = make_engine(settings.database_url)
    init_store(engine)
    write_position.attach(engine, settings.redis_url)  # the API processes learn of this process's writes
    return engine


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, default=str, ensure_ascii=False, indent=1) + "\n")


def fail(exc: MatchdayError) -> None:
    errors.print(f"[bold red]error:[/] {exc}", soft_wrap=True)  # a path or an id cut in two is no use
    raise typer.Exit(2)


def init_store(engine: Engine) -> None:
    """Apply migrations (the football store's and the users store's) and the packaged reference data
    (deduction ledger). Idempotent."""
    from matchday.accounts.store import upgrade_users, users_engine

    upgrade(engine)
    seed_reference_data(engine)
    with engine.begin() as conn:
        mark_interrupted_runs(conn, get_settings().load_run_lease_s)
    job_registry.release_dead_leases(engine, get_settings().job_lease_s)  # jobs of a process killed mid-run
    users = users_engine(get_settings(), engine)
    upgrade_users(users)
    if users is not engine:
        users.dispose()


def team_table(title: str, **options: Any) -> Table:
    """A table of teams for an 80-column terminal: no rules, one space between columns, so the team
    names (short, never cut) and the numbers fit and only the columns of words wrap."""
    return Table(title=title, box=None, pad_edge=False, collapse_padding=True, header_style="bold underline",
                 **options)
