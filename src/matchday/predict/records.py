"""The records a model learns from: one match (and when it is predicted, when its result is known), one
bookmaker's prices. Plain dataclasses, without numpy: the API's stores read them too (``store.predict_queries``),
and importing numpy there would cost every server start (``predict.history`` turns them into arrays)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

RESULT_DELAY = timedelta(hours=3)


@dataclass(frozen=True, slots=True)
class MatchRecord:
    match_id: int
    competition: str  # canonical code, e.g. eng.1
    tier: int  # 1 for a top flight, 2 for the division below ...
    season: str
    match_date: date
    kickoff_utc: datetime | None
    home_id: int
    away_id: int
    home_goals: int | None = None  # None: not played (yet)
    away_goals: int | None = None

    @property
    def predict_at(self) -> datetime:
        return self.kickoff_utc or datetime.combine(self.match_date, time())

    @property
    def known_at(self) -> datetime:
        if self.kickoff_utc is not None:
            return self.kickoff_utc + RESULT_DELAY
        return datetime.combine(self.match_date + timedelta(days=1), time())


@dataclass(frozen=True, slots=True)
class OddsRecord:
    """One bookmaker's 1X2 prices for a match (opening or closing) and, if given, over/under 2.5."""

    match_id: int
    bookmaker: str
    closing: bool
    price_home: float
    price_draw: float
    price_away: float
