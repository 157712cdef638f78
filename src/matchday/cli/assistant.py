"""`matchday mcp`: the MCP server for AI assistants (stdio, or streamable HTTP)."""

from __future__ import annotations

from typing import Annotated

import typer

from matchday.cli.common import app, errors, fail, store_engine
from matchday.settings import get_settings


@app.command()
def mcp(
    http: Annotated[bool, typer.Option("--http", help="Serve streamable HTTP instead of stdio.")] = False,
    host: Annotated[str, typer.Option(help="Address for --http: this machine only unless told otherwise.")] = (
        "127.0.0.1"),
    port: Annotated[int, typer.Option(help="Port for --http.")] = 8765,
) -> None:
    """Serve the MCP server: read-only SQL, coverage, quotas, jobs, tables, fixtures, matches, teams, live."""
    from matchday.mcp_server import create_mcp_server
    from matchday.store import admin_keys

    engine = store_engine()
    if http:
        if not any(key["revoked_at"] is None for key in admin_keys.listed(engine)):
            errors.print("[bold red]error:[/] `matchday mcp --http` answers only requests bearing an admin API key "
                         "(`Authorization: Bearer <key>`), and there is none: create one with "
                         "`matchday admin create-key --name assistant`")
            raise typer.Exit(2)
        server = create_mcp_server(get_settings(), engine, http_url=f"http://{host}:{port}")
        errors.print(f"matchday MCP (streamable HTTP) on http://{host}:{port}/mcp "
                     f"(requests need `Authorization: Bearer <admin key>`)")
        server.run("streamable-http", host=host, port=port)
    else:
        create_mcp_server(get_settings(), engine).run("stdio")


@app.command("mcp-role")
def mcp_role(role: Annotated[str, typer.Option(help="Name of the role to create or update.")] = "matchday_assistant",
             ) -> None:
    """PostgreSQL: create the read-only role `matchday mcp` queries as (football tables only), print its URL."""
    from matchday.errors import MatchdayError
    from matchday.store.assistant_role import grant

    try:
        url = grant(store_engine(), role)
    except MatchdayError as exc:
        fail(exc)
    errors.print(f"role {role} can read the football tables only; set this for `matchday mcp` "
                 f"(its password is shown once):")
    print(f"MATCHDAY_MCP_DATABASE_URL={url}")
