"""`matchday backup` and `matchday restore`: a consistent copy of the store, and putting one back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from matchday.cli.common import JsonOpt, app, console, fail, init_store, print_json
from matchday.errors import MatchdayError
from matchday.settings import get_settings
from matchday.store.backup import backup as backup_store
from matchday.store.backup import restore as restore_store
from matchday.store.engine import make_engine


@app.command()
def backup(
    path: Annotated[Path, typer.Argument(help="The backup file to write (replaced whole once complete).")],
    as_json: JsonOpt = False,
) -> None:
    """Back up the store while it serves: SQLite's online backup API, or pg_dump (custom format)."""
    try:
        result = backup_store(get_settings().database_url, path)
    except MatchdayError as exc:
        fail(exc)
    if as_json:
        print_json({"path": str(result.path), "kind": result.kind, "bytes": result.bytes})
    else:
        console.print(f"[green]backed up[/] the {result.kind} store to {result.path} ({result.bytes:,} bytes)")


@app.command()
def restore(
    path: Annotated[Path, typer.Argument(help="A file written by `matchday backup`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask before replacing the store.")] = False,
) -> None:
    """Replace the store with a backup (stop servers and workers first), then migrate it to this version."""
    url = get_settings().database_url
    if not yes:
        typer.confirm(f"Replace the store at {url} with {path}?", abort=True)
    try:
        result = restore_store(path, url)
        engine = make_engine(url)
        init_store(engine)  # a backup from an older version is brought up to this one's schema
        engine.dispose()
    except MatchdayError as exc:
        fail(exc)
    console.print(f"[green]restored[/] the {result.kind} store from {result.path}")
