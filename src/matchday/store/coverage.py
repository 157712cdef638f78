"""MART: coverage rows (per job, competition, season, endpoint) and the store counts they are computed from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, and_, func, select

from matchday.store.match_writes import utcnow
from matchday.store.schema import competitions, coverage, job_definitions, matches, seasons


def match_counts(engine: Engine, competition: str, season: str, fields: Sequence[str]) -> tuple[int, dict[str, int]]:
    """Matches stored for a competition (code) and season, and how many have each of ``fields`` set."""
    columns = [f for f in fields if f in matches.c]
    with engine.connect() as conn:
        query = (select(func.count(), *[func.count(matches.c[f]) for f in columns])
                 .select_from(matches.join(competitions, matches.c.competition_id == competitions.c.id)
                              .join(seasons, matches.c.season_id == seasons.c.id))
                 .where(competitions.c.code == competition, seasons.c.label == season))
        row = conn.execute(query).one()
    return row[0], dict(zip(columns, row[1:], strict=True))


def write(engine: Engine, rows: Sequence[dict[str, Any]]) -> None:
    """Replace the coverage rows of the same (job, competition, season, endpoint)."""
    if not rows:
        return
    with engine.begin() as conn:
        for row in rows:
            key = and_(coverage.c.job_id == row["job_id"], coverage.c.competition == row["competition"],
                       coverage.c.season == row["season"], coverage.c.endpoint == row["endpoint"])
            if conn.execute(select(coverage.c.id).where(key)).first() is None:
                conn.execute(coverage.insert().values(**row))
            else:
                conn.execute(coverage.update().where(key).values(**row))


def rows_of_job(engine: Engine, job_id: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(coverage).where(coverage.c.job_id == job_id)).mappings()]


def rows(engine: Engine, competition: str | None = None, season: str | None = None) -> list[dict[str, Any]]:
    """Coverage rows with the job's last success (for the lag as of now)."""
    query = (select(coverage, job_definitions.c.last_success_at)
             .select_from(coverage.outerjoin(job_definitions, coverage.c.job_id == job_definitions.c.job_id))
             .order_by(coverage.c.competition, coverage.c.season, coverage.c.endpoint, coverage.c.job_id))
    if competition:
        query = query.where(coverage.c.competition == competition)
    if season:
        query = query.where(coverage.c.season == season)
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def now() -> Any:
    return utcnow()
