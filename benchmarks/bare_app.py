"""The baseline for benchmarks/api.py: bare Starlette endpoints returning fixed JSON bodies.

Bodies are read once at start from the folder in BARE_BODIES (one file per endpoint, named by its index),
so each baseline endpoint answers with exactly the bytes (and size) of the matchday endpoint it stands beside.
With BARE_PATHS (a JSON object: matchday path with its query → body file), every other path answers the body
matchday gave for it: the baseline of the miss-heavy mix, one dictionary lookup per request.
"""

from __future__ import annotations

import json
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


PATHS = {path: Path(file).read_bytes() for path, file in json.loads(Path(os.environ["BARE_PATHS"]).read_text()).items()
         } if os.environ.get("BARE_PATHS") else {}


async def _by_path(request) -> Response:  # noqa: ANN001
    query = request.url.query
    body = PATHS.get(request.url.path + (f"?{query}" if query else ""))
    return Response(body, media_type="application/json") if body is not None else Response(status_code=404)


app = Starlette(routes=[*(Route(f"/bare/{name}", _endpoint(body)) for name, body in BODIES.items()),
                        Route("/{rest:path}", _by_path)])
