"""The one bounded id type of every route: an id in a path or a query is 1 .. 2**31 - 1 (``store.keys.MAX_ID``),
else 422, so no value ever reaches a database that cannot hold it (2**63 was an OverflowError and a 500)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from matchday.store.keys import MAX_ID

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
MatchId = Annotated[int, Path(ge=1, le=MAX_ID, description="Internal match id.")]
TeamId = Annotated[int, Path(ge=1, le=MAX_ID, description="Internal team id.")]
PlayerId = Annotated[int, Path(ge=1, le=MAX_ID, description="Internal player id.")]
OptionalIdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
