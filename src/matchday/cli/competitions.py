"""`matchday competitions`: the stored competitions, and those no entry of the competition register names."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from matchday.cli.common import JsonOpt, app, console, print_json, store_engine
from matchday.competition_register import register
from matchday.store.competition_queries import competitions_overview


@app.command()
def competitions(
    unmapped: Annotated[bool, typer.Option(
        "--unmapped", help="Only competitions the register does not know: they loaded under a provider-prefixed "
                           "code (api-football.128 ...); add them to data/competition_register.json.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """The stored competitions with their seasons, matches and provider ids."""
    known = register().competitions
    with store_engine().connect() as conn:
        rows = competitions_overview(conn)
    for row in rows:
        row["registered"] = row["code"] in known
    if unmapped:
        rows = [r for r in rows if not r["registered"]]
    if as_json:
        print_json(rows)
        return
    table = Table(title="competitions the register does not know" if unmapped else "competitions")
    for column in ("code", "name", "country", "kind", "seasons", "matches", "provider ids", "registered"):
        table.add_column(column)
    for r in rows:
        ids = " ".join(f"{source}:{','.join(values)}" for source, values in r["provider_ids"].items())
        table.add_row(r["code"], r["name"], r["country"] or "", r["kind"], str(r["seasons"]), str(r["matches"]),
                      ids, "yes" if r["registered"] else "[yellow]no[/]")
    console.print(table)
    if unmapped and not rows:
        console.print("every stored competition is in the register")
