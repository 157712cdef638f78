"""Prediction leagues and the live feed: which published messages end a match, and the message that tells every
API process a league was scored (so each pushes the new leaderboard to its own subscribers).

The process that *publishes* a final whistle scores it, once: an API process's embedded scheduler, or the Celery
worker's ``publish_feed``. Every API process receives the feed, but none scores what it merely received.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from matchday.pools.football import FINAL_RESULT_STATUSES

SCORED = "prediction_leagues_scored"  # internal: no channel, no client ever sees it


def final_whistles(messages: Iterable[dict[str, Any]]) -> list[int]:
    """Match ids whose ``match_status`` message reports a final result (finished, awarded), in order, once."""
    ids = [m["data"]["match_id"] for m in messages if m.get("type") == "match_status"
           and (m.get("data") or {}).get("status") in FINAL_RESULT_STATUSES and "match_id" in m["data"]]
    return list(dict.fromkeys(ids))


def scored_message(league_ids: Iterable[int]) -> dict[str, Any]:
    return {"type": SCORED, "channels": [], "data": {"prediction_league_ids": sorted(set(league_ids))}}
