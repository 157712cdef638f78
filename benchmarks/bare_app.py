"""The baseline for benchmarks/api.py: bare Starlette endpoints returning fixed JSON bodies.

Bodies are read once at start from the folder in BARE_BODIES (one file per endpoint, named by its index),
so each baseline endpoint answers with exactly the bytes (and size) of the matchday endpoint it stands beside.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

BODIES = {path.stem: path.read_bytes() for path in Path(os.environ["BARE_BODIES"]).glob("*.json")}


def _endpoint(body: bytes):  # noqa: ANN202 - a Starlette endpoint
    async def respond(_request) -> Response:  # noqa: ANN001
        return Response(body, media_type="application/json")

    return respond


app = Starlette(routes=[Route(f"/bare/{name}", _endpoint(body)) for name, body in BODIES.items()])
