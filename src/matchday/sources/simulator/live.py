"""The simulator's live mode: a season up to today, and today's match days played live on a fast clock."""

from __future__ import annotations

from collections.abc import Sequence
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
    history, scripts, _later = live_rounds(team_count, seed, season, [kickoff], round_number, league)
    return history, scripts


def live_rounds(team_count: int, seed: int, season: str, kickoffs: Sequence[datetime],
                round_number: int | None = None, league: str = "sim.1",
                ) -> tuple[list[MatchRecord], list[MatchScript], list[MatchRecord]]:
    """(earlier rounds, finished; scripts of ``len(kickoffs)`` consecutive rounds, the k-th all kicking off at
    ``kickoffs[k]``; the rounds after them, not yet played and dated after the last live one).

    The first live round is the first round dated on or after the first kick-off's date unless ``round_number``
    says which; the calendar is shifted where needed so the earlier rounds lie before it and the later after."""
    full = generate_season(team_count, seed, league, season).matches
    rounds = sorted({m.round_number for m in full if m.round_number})
    if round_number is None:
        upcoming = [m.round_number for m in full if m.match_date and m.match_date >= kickoffs[0].date()]
        round_number = min(upcoming) if upcoming else rounds[-len(kickoffs)]
    live_numbers = [r for r in rounds if r >= round_number][:len(kickoffs)]
    history = [m for m in full if (m.round_number or 0) < round_number]
    scripts = [script_for(replace(m, match_date=kickoff.date()), kickoff)
               for number, kickoff in zip(live_numbers, kickoffs, strict=False)
               for m in full if m.round_number == number]
    # the earlier rounds must lie before the live ones even if the calendar was compressed
    shift = max((m.match_date for m in history), default=kickoffs[0].date() - timedelta(days=7))
    if history and shift >= kickoffs[0].date():
        delta = shift - kickoffs[0].date() + timedelta(days=7)
        history = [replace(m, match_date=m.match_date - delta, kickoff_utc=m.kickoff_utc - delta) for m in history]
    unplayed = generate_season(team_count, seed, league, season, played_until=datetime.min).matches
    later = [m for m in unplayed if (m.round_number or 0) > (live_numbers[-1] if live_numbers else round_number)]
    last = max(kickoffs[:len(live_numbers)] or kickoffs)
    first_later = min((m.kickoff_utc for m in later if m.kickoff_utc), default=None)
    if first_later is not None and first_later <= last:
        delta = timedelta(days=(last.date() - first_later.date()).days + 7)
        later = [replace(m, match_date=m.match_date + delta, kickoff_utc=m.kickoff_utc + delta) for m in later]
    return history, scripts, later
