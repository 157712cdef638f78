"""Each match's lock time under a prediction league's rule (``domain.prediction_lock``), from the season's
matches in the football store."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection

from matchday.domain.prediction_lock import locks_at
from matchday.domain.prediction_scoring import ScoringRules
from matchday.pools import football
from matchday.pools.football import MatchInfo


def lock_times(infos: Iterable[MatchInfo], rules: ScoringRules) -> dict[int, datetime | None]:
    """match id → when predictions close (the matches of a round are given together for ``round_start``)."""
    infos = list(infos)
    by_round: dict[int | None, list[datetime | None]] = defaultdict(list)
    for info in infos:
        by_round[info.round_number].append(info.kickoff_utc)
    return {info.id: locks_at(info.kickoff_utc, by_round[info.round_number], rules.lock, rules.lock_minutes)
            for info in infos}


def lock_time(conn: Connection, match: MatchInfo, rules: ScoringRules) -> datetime | None:
    """One match's lock time (its round read from the store when the rule needs it)."""
    if rules.lock != "round_start":
        return lock_times([match], rules)[match.id]
    round_infos = [r["info"] for r in football.season_matches(conn, match.competition_id, match.season,
                                                              match.round_number)]
    return lock_times([*round_infos, match], rules)[match.id]
