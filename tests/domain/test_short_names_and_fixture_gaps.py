"""Pure helpers behind two CLI answers: a team's short name, and the fixtures a round robin lacks."""

from __future__ import annotations

from matchday.domain.fixture_gaps import missing_meetings
from matchday.domain.short_names import short_team_name, without_club_form


def test_short_name_is_the_shortest_readable_name() -> None:
    assert short_team_name("Manchester City", ["Man City", "Manchester City FC"]) == "Man City"
    assert short_team_name("Brentford FC") == "Brentford"
    assert short_team_name("AFC Bournemouth", ["Bournemouth"]) == "Bournemouth"
    assert short_team_name("Manchester City", ["MCI", "City"]) == "City"  # codes are not names
    assert without_club_form("FC") == "FC" and without_club_form("Football Club Porto") == "Porto"


def test_missing_meetings_of_a_double_round_robin() -> None:
    teams = [1, 2, 3, 4]
    full = [(a, b) for a in teams for b in teams if a != b]
    assert missing_meetings(teams, full) == []
    partial = [m for m in full if m not in ((4, 3), (4, 2))]
    assert missing_meetings(teams, partial) == [(2, 4, 1), (3, 4, 1)]
    assert missing_meetings(teams, [(1, 2)]) == [(1, 3, 1), (1, 4, 1), (2, 3, 1), (2, 4, 1), (3, 4, 1)]
    assert missing_meetings([], []) == []
