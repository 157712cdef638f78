"""`matchday admin`: admin API keys (create, list, revoke)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from matchday.cli.common import JsonOpt, app, console, errors, print_json, store_engine
from matchday.store import admin_keys

admin_app = typer.Typer(help="Admin API keys: the credential of /api/v1/admin/*.", no_args_is_help=True)
app.add_typer(admin_app, name="admin")


@admin_app.command("create-key")
def create_key(name: Annotated[str, typer.Option(help="Who or what the key is for.")] = "admin",
               as_json: JsonOpt = False) -> None:
    """Create an admin API key. It is shown once: only its hash is stored."""
    key_id, key = admin_keys.create(store_engine(), name)
    if as_json:
        print_json({"id": key_id, "name": name, "key": key})
        return
    console.print(f"admin key {key_id} ({name}) — shown once, store it now:\n\n    {key}\n")
    console.print("use it as `Authorization: Bearer <key>` or `X-API-Key: <key>` on /api/v1/admin/*")


@admin_app.command("list-keys")
def list_keys(as_json: JsonOpt = False) -> None:
    """Admin keys (prefixes only: the keys themselves are not stored)."""
    rows = admin_keys.listed(store_engine())
    if as_json:
        print_json(rows)
        return
    table = Table(title="admin keys")
    for column in ("id", "name", "prefix", "created", "last used", "revoked"):
        table.add_column(column)
    for r in rows:
        table.add_row(str(r["id"]), r["name"], r["prefix"] + "…", str(r["created_at"]), str(r["last_used_at"] or ""),
                      str(r["revoked_at"] or ""))
    console.print(table)


@admin_app.command("revoke-key")
def revoke_key(key_id: Annotated[int, typer.Argument(help="The key's id (`matchday admin list-keys`).")]) -> None:
    """Revoke an admin key: it stops working at once."""
    if not admin_keys.revoke(store_engine(), key_id):
        errors.print(f"[bold red]error:[/] no active admin key {key_id}")
        raise typer.Exit(2)
    console.print(f"admin key {key_id} revoked")
