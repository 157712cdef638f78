"""`matchday mcp`: the MCP server for AI assistants (stdio, or streamable HTTP)."""

from __future__ import annotations

from typing import Annotated

import typer

from matchday.cli.common import app, errors, store_engine
from matchday.settings import get_settings


@app.command()
def mcp(
    http: Annotated[bool, typer.Option("--http", help="Serve streamable HTTP instead of stdio.")] = False,
    host: Annotated[str, typer.Option(help="Address for --http.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port for --http.")] = 8765,
) -> None:
    """Serve the MCP server: read-only SQL, coverage, quotas, jobs, tables, fixtures, matches, teams, live."""
    from matchday.mcp_server import create_mcp_server

    server = create_mcp_server(get_settings(), store_engine())
    if http:
        errors.print(f"matchday MCP (streamable HTTP) on http://{host}:{port}/mcp")
        server.run("streamable-http", host=host, port=port)
    else:
        server.run("stdio")
