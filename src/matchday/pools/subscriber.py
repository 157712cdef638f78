"""Prediction leagues on the change stream: results changed by any write (a load, a collector job, a reparse, a
live poll, the demo) mark the prediction leagues of their seasons and score them, once per delivery."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog
from sqlalchemy import Engine

from matchday.ingest.publish import Subscriber, results_of
from matchday.pools import feed, sync

log = structlog.get_logger(__name__)
NAME = "changes:scoring"


def scoring_subscriber(users: Engine, football_engine: Engine,
                       notify: Callable[[dict[str, Any]], None] | None = None) -> Subscriber:
    """``notify`` hands the "prediction leagues scored" message to the broker, so every API process pushes the new
    leaderboards to its members (None: nobody to tell in this process)."""

    def deliver(batch: list[tuple[int, dict[str, list[int]]]]) -> None:
        matches, seasons = results_of(batch)
        if not (matches or seasons):
            return
        results = sync.results_changed(users, football_engine, matches, seasons)
        if results and notify is not None:
            notify(feed.scored_message(r.prediction_league_id for r in results))

    return Subscriber(NAME, "changes", deliver)
