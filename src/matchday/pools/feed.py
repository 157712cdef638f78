"""Prediction leagues and the live feed: which published messages end a match, and the message that tells every
API process a league was scored (so each pushes the new leaderboard to its own subscribers).

The process that *publishes* a final whistle scores it, once: an API process's embedded scheduler, or the Celery
worker's ``publish_feed``. Every API process receives the feed, but none scores what it merely received.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

SCORED = "prediction_leagues_scored"  # internal: no channel, no client ever sees it


def scored_message(league_ids: Iterable[int]) -> dict[str, Any]:
    return {"type": SCORED, "channels": [], "data": {"prediction_league_ids": sorted(set(league_ids))}}
