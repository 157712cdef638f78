"""The matches a model may learn from, as column arrays, and the moment each result became known.

A match is *predicted at* its kick-off (midnight of its date when the time is unknown) and its result is
*known at* kick-off + 3 h (the next midnight when the time is unknown). A model predicting at ``t`` may use
exactly the results with ``known_at <= t``: this rule is the whole of the leakage guard, and
:meth:`History.known_before` is the only way models get their data.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np

from matchday.predict.records import MatchRecord


def _seconds(moment: datetime) -> np.int64:
    return np.int64((moment - datetime(1970, 1, 1)).total_seconds())


class History:
    """Column arrays over match records, sorted by the moment each is predicted at."""

    def __init__(self, records: Sequence[MatchRecord]) -> None:
        self.records = sorted(records, key=lambda r: (r.predict_at, r.match_id))
        recs = self.records
        self.match_id = np.array([r.match_id for r in recs], dtype=np.int64)
        self.predict_at = np.array([_seconds(r.predict_at) for r in recs], dtype=np.int64)
        self.known_at = np.array([_seconds(r.known_at) for r in recs], dtype=np.int64)
        self.home = np.array([r.home_id for r in recs], dtype=np.int64)
        self.away = np.array([r.away_id for r in recs], dtype=np.int64)
        self.tier = np.array([r.tier for r in recs], dtype=np.int64)
        self.competition = np.array([r.competition for r in recs], dtype=object)
        self.season = np.array([r.season for r in recs], dtype=object)
        self.home_goals = np.array([np.nan if r.home_goals is None else r.home_goals for r in recs], dtype=float)
        self.away_goals = np.array([np.nan if r.away_goals is None else r.away_goals for r in recs], dtype=float)
        self.played = ~np.isnan(self.home_goals)
        self.index = {int(m): i for i, m in enumerate(self.match_id)}

    def __len__(self) -> int:
        return len(self.records)

    def known_before(self, moment: int, since: int | None = None) -> np.ndarray:
        """Indices of results known at ``moment`` (epoch seconds), optionally kicked off since ``since``."""
        mask = self.played & (self.known_at <= moment)
        if since is not None:
            mask &= self.predict_at >= since
        return np.flatnonzero(mask)

    def rows(self, indices: np.ndarray) -> list[MatchRecord]:
        return [self.records[i] for i in indices]


def epoch(moment: datetime) -> int:
    return int(_seconds(moment))


DAY = 86_400
