"""Demo and replay data is ephemeral: a run starts by clearing what the previous run of it left."""

from __future__ import annotations

from sqlalchemy import Connection, delete, select

from matchday.store.schema import (
    competitions,
    feed_events,
    match_events,
    match_formations,
    match_lineups,
    matches,
    odds_quotes,
    player_match_stats,
    seasons,
    shots,
    team_match_stats,
)


def clear_season(conn: Connection, competition_code: str, season: str) -> int:
    """Delete the season's matches (and what hangs off them), in the caller's write (``ingest.apply.writing``);
    returns how many matches went."""
    ids = conn.execute(select(matches.c.id).join(seasons, seasons.c.id == matches.c.season_id)
                       .join(competitions, competitions.c.id == matches.c.competition_id)
                       .where(competitions.c.code == competition_code, seasons.c.label == season)).scalars().all()
    for chunk in (ids[i:i + 900] for i in range(0, len(ids), 900)):
        for child in (feed_events, match_events, match_lineups, match_formations, odds_quotes,
                      team_match_stats, shots, player_match_stats):
            conn.execute(delete(child).where(child.c.match_id.in_(chunk)))
        conn.execute(delete(matches).where(matches.c.id.in_(chunk)))
    return len(ids)


def season_of(conn: Connection, competition_code: str, season: str) -> int | None:
    return conn.execute(select(seasons.c.id).join(competitions, competitions.c.id == seasons.c.competition_id)
                        .where(competitions.c.code == competition_code, seasons.c.label == season)).scalar()
