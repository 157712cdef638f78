"""Health and metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request
from prometheus_client import CONTENT_TYPE_LATEST
from pydantic import BaseModel
from sqlalchemy import text
from starlette.responses import Response

from matchday import __version__

router = APIRouter(tags=["system"])


class Health(BaseModel):
    status: str
    database: str
    cache: str
    version: str


@router.get("/health", response_model=Health)
def health(request: Request) -> Health:
    """Liveness and the state of the store."""
    try:
        with request.app.state.read_engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        database = "ok"
    except Exception as exc:  # noqa: BLE001 - reported, not raised: health must answer
        database = f"error: {exc.__class__.__name__}"
    cache = type(request.app.state.cache.backend).__name__
    return Health(status="ok" if database == "ok" else "degraded", database=database, cache=cache,
                  version=__version__)


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    return Response(request.app.state.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
