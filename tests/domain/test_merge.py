"""The merge rules (domain.merge), pure: what a stored match becomes from several sources' claims."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchday.domain.merge import (
    ALIAS_FILE,
    EARLIER_LOAD,
    FIELDS,
    Conflict,
    Precedence,
    claim_of,
    conflicts,
    dissent,
    field_sources,
    fields_of,
    from_json,
    mask_of,
    resolve,
    result_text,
    to_json,
    update_claim,
)

PRECEDENCE = Precedence(("football-data-uk", "api-football", "openfootball"),
                        {"fifa.world": ("openfootball",)}, {"round": ("openfootball",)})
TRUST = PRECEDENCE.trust("esp.1")
RESULT = {"status": "finished", "home_goals": 2, "away_goals": 1, "home_goals_ht": 1, "away_goals_ht": 0}
FIXTURE = {"status": "scheduled", "round": "Matchday 38", "round_number": 38, "kickoff_utc": datetime(2025, 5, 25, 19)}


def test_a_value_a_source_does_not_give_never_overwrites_a_known_one() -> None:
    stored = resolve({"football-data-uk": {**RESULT, "referee": "J Gil"}, "openfootball": FIXTURE}, TRUST).values
    assert (stored["status"], stored["home_goals"], stored["away_goals"], stored["home_goals_ht"]) == (
        "finished", 2, 1, 1)
    assert (stored["referee"], stored["round"], stored["round_number"]) == ("J Gil", "Matchday 38", 38)
    assert stored["kickoff_utc"] == datetime(2025, 5, 25, 19)


def test_status_only_moves_forward_whoever_is_more_trusted() -> None:
    # the less trusted source has the result: a more trusted fixture list never takes it back
    resolution = resolve({"football-data-uk": {"status": "scheduled"}, "openfootball": RESULT}, TRUST)
    assert (resolution.values["status"], resolution.values["home_goals"]) == ("finished", 2)
    assert resolution.chosen["status"] == resolution.chosen["home_goals"] == "openfootball"
    live = {"status": "live", "period": "second_half", "minute": 70, "home_goals": 1, "away_goals": 1}
    later = {"status": "live", "period": "second_half", "minute": 80, "home_goals": 2, "away_goals": 1}
    in_play = resolve({"api-football": live, "openfootball": later}, TRUST).values
    assert (in_play["minute"], in_play["home_goals"]) == (80, 2)  # the most advanced in-play statement
    ended = resolve({"api-football": later, "openfootball": RESULT}, TRUST).values
    assert (ended["status"], ended["period"], ended["minute"]) == ("finished", None, None)


def test_a_result_correction_needs_equal_or_higher_precedence_and_a_disagreement_is_a_conflict() -> None:
    other = {"status": "finished", "home_goals": 2, "away_goals": 2}
    claims = {"football-data-uk": RESULT, "openfootball": other}
    resolution = resolve(claims, TRUST)
    assert (resolution.values["home_goals"], resolution.values["away_goals"]) == (2, 1)
    assert conflicts(claims, resolution) == [Conflict("result", "football-data-uk", "2-1", "openfootball", "2-2")]
    # where openfootball is trusted more (the World Cup), its result is stored and fd's is the conflict
    world_cup = resolve(claims, PRECEDENCE.trust("fifa.world"))
    assert (world_cup.values["home_goals"], world_cup.values["away_goals"]) == (2, 2)
    assert conflicts(claims, world_cup) == [Conflict("result", "openfootball", "2-2", "football-data-uk", "2-1")]
    # the same source correcting itself is applied (equal precedence), and is no conflict
    corrected = update_claim(RESULT, other)
    assert (corrected["home_goals"], corrected["away_goals"], corrected["home_goals_ht"]) == (2, 2, 1)
    assert conflicts({"football-data-uk": corrected}, resolve({"football-data-uk": corrected}, TRUST)) == []


def test_agreeing_sources_and_sources_without_a_score_are_no_conflict() -> None:
    claims = {"football-data-uk": RESULT, "openfootball": {"status": "finished", "home_goals": 2, "away_goals": 1},
              "api-football": {"status": "finished"}}
    assert conflicts(claims, resolve(claims, TRUST)) == []
    fixture_only = {"football-data-uk": RESULT, "openfootball": FIXTURE}
    assert conflicts(fixture_only, resolve(fixture_only, TRUST)) == []


def test_explicit_statuses() -> None:
    postponed = {"status": "postponed"}
    assert resolve({"football-data-uk": FIXTURE, "openfootball": postponed}, TRUST).values["status"] == "postponed"
    # the source that postponed it reschedules it; a new kick-off of a stale statement still applies
    rescheduled = update_claim(postponed, {"status": "scheduled", "kickoff_utc": datetime(2025, 6, 1, 18)})
    assert rescheduled == {"status": "scheduled", "kickoff_utc": datetime(2025, 6, 1, 18)}
    # a match played after it was postponed elsewhere
    assert resolve({"football-data-uk": RESULT, "openfootball": postponed}, TRUST).values["status"] == "finished"
    # an abandoned match that is replayed goes on to its result
    assert resolve({"openfootball": {"status": "abandoned"}, "api-football": RESULT}, TRUST).values["status"] == (
        "finished")
    # an awarded result is a decision taken after the match: it stands over the score played, from any source,
    # and the played score is kept as a conflict
    awarded = {"status": "awarded", "home_goals": 3, "away_goals": 0}
    claims = {"openfootball": awarded, "football-data-uk": RESULT}
    resolution = resolve(claims, TRUST)
    assert (resolution.values["status"], resolution.values["home_goals"]) == ("awarded", 3)
    assert conflicts(claims, resolution) == [
        Conflict("result", "openfootball", "awarded 3-0", "football-data-uk", "2-1")]
    # a results file that can only say "finished" agrees with an awarded result of the same score
    same = {"openfootball": awarded, "football-data-uk": {"status": "finished", "home_goals": 3, "away_goals": 0}}
    assert conflicts(same, resolve(same, TRUST)) == []
    # two awarded results that differ: precedence decides
    other = {"openfootball": awarded, "football-data-uk": {"status": "awarded", "home_goals": 0, "away_goals": 3}}
    assert resolve(other, TRUST).values["away_goals"] == 3
    cancelled = {"openfootball": {"status": "cancelled"}, "football-data-uk": RESULT}
    assert conflicts(cancelled, resolve(cancelled, TRUST)) == [
        Conflict("result", "openfootball", "cancelled 2-1", "football-data-uk", "2-1")]


def test_a_sources_older_statement_never_takes_its_own_claim_back() -> None:
    stale = update_claim(RESULT, {"status": "scheduled", "referee": "J Gil"})
    assert stale == {**RESULT, "referee": "J Gil"}
    live = {"status": "live", "period": "second_half", "minute": 80, "home_goals": 2, "away_goals": 1}
    earlier = {"status": "live", "period": "first_half", "minute": 20, "home_goals": 0, "away_goals": 0}
    assert update_claim(live, earlier) == live
    final = update_claim(live, {"status": "finished", "home_goals": 2, "away_goals": 1})
    assert final == {"status": "finished", "home_goals": 2, "away_goals": 1}  # no period or minute once ended


def test_precedence_as_data() -> None:
    assert PRECEDENCE.key("football-data-uk") > PRECEDENCE.key("api-football") > PRECEDENCE.key("openfootball")
    assert PRECEDENCE.key("openfootball", "fifa.world") > PRECEDENCE.key("football-data-uk", "fifa.world")
    assert PRECEDENCE.key("openfootball", "esp.1", "round") > PRECEDENCE.key("football-data-uk", "esp.1", "round")
    # a source no list names ranks below the listed ones (by name: never equal), a pre-provenance load lowest
    assert PRECEDENCE.key("openfootball") > PRECEDENCE.key("zz-plugin") > PRECEDENCE.key("aa-plugin")
    assert PRECEDENCE.key("aa-plugin") > PRECEDENCE.key(EARLIER_LOAD)
    assert PRECEDENCE.name_key(ALIAS_FILE) > PRECEDENCE.name_key("football-data-uk") > PRECEDENCE.name_key(None)
    loaded = Precedence.from_data({"default": ["a", "b"], "competitions": {"x.1": ["b"]}})
    assert loaded.order("x.1") == ("b", "a") and loaded.order() == ("a", "b")
    with pytest.raises(ValueError, match="unknown match fields"):
        Precedence.from_data({"default": [], "fields": {"colour": ["a"]}})
    with pytest.raises(ValueError, match="must be a list"):
        Precedence.from_data({"default": "a"})


def test_provenance_round_trips_through_mask_and_dissent() -> None:
    claims = {"football-data-uk": RESULT, "openfootball": {**FIXTURE, "match_date": date(2025, 5, 25)}}
    resolution = resolve(claims, TRUST)
    for claim in claims.values():
        mask, differing = mask_of(claim), from_json(to_json(dissent(claim, resolution.values)))
        rebuilt = {name: differing.get(name, resolution.values[name]) for name in fields_of(mask)}
        assert rebuilt == claim
    assert dissent(claims["openfootball"], resolution.values) == {"status": "scheduled"}
    sources = field_sources(claims, resolution.values, TRUST)
    assert (sources["home_goals"], sources["round"], sources["status"]) == (
        "football-data-uk", "openfootball", "football-data-uk")
    assert claim_of((None,) * len(FIELDS)) == {}
    assert result_text("cancelled", None, None) == "cancelled" and result_text("finished", 0, 0) == "0-0"


STATUSES = ("scheduled", "postponed", "live", "halftime", "abandoned", "finished", "awarded", "cancelled")
claims_strategy = st.dictionaries(
    st.sampled_from(("football-data-uk", "api-football", "openfootball", "plugin")),
    st.fixed_dictionaries({"status": st.sampled_from(STATUSES)}, optional={
        "home_goals": st.integers(0, 5), "away_goals": st.integers(0, 5), "minute": st.integers(1, 90),
        "referee": st.sampled_from(("A", "B")), "round_number": st.integers(1, 38)}),
    min_size=1, max_size=4)


@settings(max_examples=60, derandomize=True)
@given(claims=claims_strategy, data=st.data())
def test_resolve_depends_on_the_claims_not_their_order(claims: dict, data: st.DataObject) -> None:
    shuffled = dict(data.draw(st.permutations(list(claims.items()))))
    first, second = resolve(claims, TRUST), resolve(shuffled, TRUST)
    assert first == second
    assert conflicts(claims, first) == conflicts(shuffled, second)
    # and no value any claim gives is lost: every field some claim gives is stored (period/minute once ended aside)
    for claim in claims.values():
        for name in claim:
            if name != "minute" or first.values["status"] not in ("finished", "awarded", "cancelled", "abandoned",
                                                                  "postponed"):
                assert first.values[name] is not None, name
