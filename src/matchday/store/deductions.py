"""Point deductions: a dated ledger per season."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, insert, select

from matchday.domain.records import CompetitionRef, DeductionRecord
from matchday.store.identity import Resolver
from matchday.store.schema import point_deductions


def write_deductions(conn: Connection, resolver: Resolver, records: Sequence[DeductionRecord]) -> int:
    """Insert the deductions not stored yet; returns how many were new.

    An undated deduction (a season summary such as engsoccerdata's) is skipped where the team's season already
    has a ledger: the dated entries say the same thing in more detail, and counting both would double it.
    """
    new = 0
    for rec in records:
        comp_id = resolver.competition(CompetitionRef(rec.competition_code, rec.competition_code, rec.team.country))
        season_id = resolver.season(comp_id, rec.season)
        team_id = resolver.team(rec.team)
        stored = conn.execute(select(point_deductions.c.points, point_deductions.c.reason).where(
            point_deductions.c.season_id == season_id, point_deductions.c.team_id == team_id)).all()
        duplicate = (rec.points, rec.reason) in {tuple(row) for row in stored}
        if not duplicate and not (rec.effective_date is None and stored):
            conn.execute(insert(point_deductions), {"season_id": season_id, "team_id": team_id,
                                                    "points": rec.points, "effective_date": rec.effective_date,
                                                    "reason": rec.reason})
            new += 1
    return new
