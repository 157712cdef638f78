"""The simulator's live mode: a season up to today, and today's round played live on a fast clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from matchday.domain.match_clock import MatchScript
from matchday.domain.records import MatchRecord
from matchday.sources.live import script_for
from matchday.sources.simulator.generator import generate_season


def live_round(team_count: int, seed: int, season: str, kickoff: datetime, round_number: int | None = None,
               league: str = "sim.1") -> tuple[list[MatchRecord], list[MatchScript]]:
    """(the season's earlier rounds, finished; scripts of the live round, all kicking off at ``kickoff``).

    The live round is the first round dated on or after ``kickoff``'s date unless ``round_number`` says which.
    Its matches are moved to ``kickoff`` (today); later rounds are left out.
    """
    full = generate_season(team_count, seed, league, season).matches
    rounds = sorted({m.round_number for m in full if m.round_number})
    if round_number is None:
        upcoming = [m.round_number for m in full if m.match_date and m.match_date >= kickoff.date()]
        round_number = min(upcoming) if upcoming else rounds[-1]
    history = [m for m in full if (m.round_number or 0) < round_number]
    scripts = [script_for(replace(m, match_date=kickoff.date()), kickoff)
               for m in full if m.round_number == round_number]
    # the earlier rounds must lie before the live round even if the calendar was compressed
    shift = max((m.match_date for m in history), default=kickoff.date() - timedelta(days=7))
    if history and shift >= kickoff.date():
        delta = shift - kickoff.date() + timedelta(days=7)
        history = [replace(m, match_date=m.match_date - delta, kickoff_utc=m.kickoff_utc - delta) for m in history]
    return history, scripts
