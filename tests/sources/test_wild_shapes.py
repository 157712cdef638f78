"""Shapes seen in real answers that are not among the shared samples (tests/regressions/<name>/, each with a
SOURCE.md saying where it came from). Each failed before its fix."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sqlalchemy import Engine

from matchday.services.tables import league_table
from tests.conftest import DATA, REPO
from tests.ingest.helpers import load
from tests.test_cli import matchday

REGRESSIONS = REPO / "tests" / "regressions"


def test_openfootball_scottish_split_rounds_are_the_league_s_second_phase(sqlite_engine: Engine) -> None:
    path = REGRESSIONS / "openfootball_split_rounds" / "2024-25" / "sco.1.json"
    [summary] = load(sqlite_engine, "openfootball", path)
    assert summary.status == "ok" and summary.quarantined == 0
    with sqlite_engine.connect() as conn:
        table = league_table(conn, "sco.1", "2024-25")
    # the excerpt holds matchday 33 and the five split rounds: every team has played 6, none are play-offs
    assert len(table.rows) == 12 and {r["played"] for r in table.rows} == {6}


def test_an_espn_key_event_of_unknown_type_costs_that_event_and_status_counts_it(tmp_path: Path) -> None:
    folder = REGRESSIONS / "espn_summary_unknown_key_event"
    loaded = matchday(tmp_path, "load", "espn", str(folder), "--json")
    assert loaded.returncode == 0, loaded.stderr
    [summary] = json.loads(loaded.stdout)
    assert (summary["status"], summary["new"], summary["quarantined"]) == ("ok", 1, 1)
    status = json.loads(matchday(tmp_path, "status", "--json").stdout)
    assert status["unknown_codes"] == [{"source": "espn", "field": "keyEvents.type.id", "code": "'99999'",
                                        "what": "unknown event type", "records": 1}]


def test_an_api_football_error_answer_fails_with_its_message_once(tmp_path: Path) -> None:
    answer = DATA / "api-samples" / "api-football" / "errors" / "teams_league-and-search_conflict.json"
    loaded = matchday(tmp_path, "load", "api-football", str(answer))
    assert loaded.returncode == 1
    message = "The League field cannot be used with the Search field."
    said = (loaded.stdout + loaded.stderr).replace("\n", "")
    assert said.count(message) == 1, said


def test_understat_pages_under_any_file_name_are_told_from_their_content(tmp_path: Path,
                                                                       sqlite_engine: Engine) -> None:
    pages = DATA / "api-samples" / "understat"
    for original, name in (("league_EPL_2020.html", "download.html"), ("match_14717.html", "page(1).html"),
                           ("team_Manchester_United_2020.html", "united.htm")):
        shutil.copyfile(pages / original, tmp_path / name)
    summaries = load(sqlite_engine, "understat", tmp_path)
    assert [(Path(s.location).name, s.status, s.quarantined) for s in summaries] == [
        ("download.html", "ok", 0), ("page(1).html", "ok", 0), ("united.htm", "ok", 0)]
    with sqlite_engine.connect() as conn:
        table = league_table(conn, "eng.1", "2020-21")  # the league page, saved mid-season
    assert len(table.rows) == 20 and table.rows[0]["played"] > 0


def test_sofascore_events_without_a_season_year_take_the_season_running_at_kick_off() -> None:
    from matchday.sources.sofascore import PROVIDER as SOFASCORE

    folder = REGRESSIONS / "sofascore_event_without_season"
    for name in ("event-17184989_no-season.json", "event-17184989_season-2.json"):
        parsed = SOFASCORE.parse("event", {}, (folder / name).read_bytes())
        [match] = parsed.matches
        # the U19 Friendly Games, played in a calendar year: its start (2026-09-30) places it in 2026
        assert parsed.problems == [] and match.season == "2026" and match.competition.code == "sofascore.856"


def test_an_espn_all_leagues_scoreboard_places_each_event_by_the_league_in_its_uid() -> None:
    from matchday.sources.espn import PROVIDER as ESPN

    body = (REGRESSIONS / "espn_all_leagues_scoreboard" / "scoreboard_all_excerpt.json").read_bytes()
    parsed = ESPN.parse("scoreboard", {}, body)
    assert parsed.problems == []
    assert [(m.competition.code, m.season) for m in parsed.matches] == [
        ("fifa.world", "2026"), ("fifa.world", "2026"), ("usa.1", "2026"), ("espn.99999", "2026-27")]


def test_one_unknown_code_costs_one_record_at_every_api_provider() -> None:
    from matchday.sources.api_football import PROVIDER as API_FOOTBALL
    from matchday.sources.sofascore import PROVIDER as SOFASCORE

    pen = DATA / "api-samples" / "api-football" / "fixtures_ids_1149519-1149523_PEN_with-embedded-events-lineups-" \
                                                  "statistics-players.json"
    doc = json.loads(pen.read_bytes())
    whole = API_FOOTBALL.parse("fixtures", {}, pen.read_bytes())
    doc["response"][0]["events"][0]["detail"] = "Goal From Space"
    doc["response"][0]["events"][0]["type"] = "Goal"
    parsed = API_FOOTBALL.parse("fixtures", {}, json.dumps(doc).encode())
    assert len(parsed.matches) == len(whole.matches) == 2
    [problem] = parsed.problems
    assert problem.field == "events.detail" and "'Goal From Space'" in problem.reason
    assert problem.reason.startswith(f"fixture {doc['response'][0]['fixture']['id']}: event 1 ('Goal'")
    assert len(parsed.matches[0].events) == len(whole.matches[0].events) - 1

    incidents = DATA / "api-samples" / "sofascore" / "capturer-envelope" / "event-17118211_incidents_trimmed.json"
    doc = json.loads(incidents.read_bytes())
    whole = SOFASCORE.parse("event/incidents", {"event": "17118211"}, incidents.read_bytes())
    body = doc.get("body", doc)
    body["incidents"] = [{"incidentType": "drone", "time": 12, "id": 1}, *body["incidents"]]
    parsed = SOFASCORE.parse("event/incidents", {"event": "17118211"}, json.dumps(doc).encode())
    [problem] = parsed.problems
    assert problem.field == "incidentType" and "'drone'" in problem.reason
    assert parsed.details[0].events == whole.details[0].events and parsed.details[0].partial


def _quarantined_codes(tmp_path: Path, source: str, path: Path) -> list[tuple[str, str]]:
    """Load ``path`` into a fresh store; the unknown codes ``matchday status`` counts for it."""
    env_db = tmp_path / "codes.db"
    from matchday.store.engine import make_engine
    from matchday.store.migrate import upgrade
    from matchday.store.queries import unknown_codes

    engine = make_engine(f"sqlite:///{env_db}")
    upgrade(engine)
    load(engine, source, path)
    with engine.connect() as conn:
        found = [(c["field"], c["code"]) for c in unknown_codes(conn)]
    engine.dispose()
    env_db.unlink()
    return found


def test_api_football_statistics_and_line_up_positions_of_unknown_codes_cost_one_record(tmp_path: Path) -> None:
    from matchday.sources.api_football import PROVIDER

    pen = DATA / "api-samples" / "api-football" / "fixtures_ids_1149519-1149523_PEN_with-embedded-events-lineups-" \
                                                  "statistics-players.json"
    whole = PROVIDER.parse("fixtures", {}, pen.read_bytes())
    doc = json.loads(pen.read_bytes())
    first = doc["response"][0]
    first["statistics"][0]["statistics"][0]["type"] = "Shots from Space"
    first["lineups"][1]["startXI"][3]["player"]["pos"] = "W"
    first["players"][0]["players"][2]["statistics"][0]["games"]["position"] = "Libero"
    parsed = PROVIDER.parse("fixtures", {}, json.dumps(doc).encode())
    assert len(parsed.matches) == 2
    assert [p.field for p in parsed.problems] == ["lineups.player.pos", "statistics.type", "players.games.position"]
    assert all(p.reason.startswith(f"fixture {first['fixture']['id']}: ") for p in parsed.problems)
    assert len(parsed.matches[0].lineups) == len(whole.matches[0].lineups) - 1
    assert len(parsed.matches[0].player_stats) == len(whole.matches[0].player_stats) - 1
    assert parsed.matches[0].stats[0].shots_on_target is None and whole.matches[0].stats[0].shots_on_target
    assert parsed.matches[1] == whole.matches[1]
    # the per-fixture answers: the item set aside, the answer marked partial (fills gaps, replaces nothing)
    stats = json.loads((DATA / "api-samples" / "api-football" / "fixtures-statistics_fixture-653808_team-33_type-"
                                                                "ball-possession.json").read_bytes())
    stats["response"][0]["statistics"].append({"type": "Vibes", "value": 3})
    part = PROVIDER.parse("fixtures/statistics", {}, json.dumps(stats).encode())
    [problem] = part.problems
    assert problem.field == "statistics.type" and "'Vibes'" in problem.reason
    assert part.details[0].parts[0].stats.possession == 39.0
    lineups = json.loads((DATA / "api-samples" / "api-football" / "fixtures-lineups_fixture-1149523.json").read_bytes())
    lineups["response"][0]["substitutes"][0]["player"]["pos"] = "Sweeper"
    part = PROVIDER.parse("fixtures/lineups", {}, json.dumps(lineups).encode())
    assert [p.field for p in part.problems] == ["lineups.player.pos"] and part.details[0].partial
    (tmp_path / "fixtures.json").write_text(json.dumps(doc))
    assert sorted(_quarantined_codes(tmp_path, "api-football", tmp_path / "fixtures.json")) == [
        ("lineups.player.pos", "'W'"), ("players.games.position", "'Libero'"),
        ("statistics.type", "'Shots from Space'")]


def test_football_data_org_unknown_codes_cost_one_match_or_table(tmp_path: Path) -> None:
    from matchday.sources.football_data_org import PROVIDER

    fdo = DATA / "api-samples" / "football-data-org" / "unwrapped"
    doc = json.loads((fdo / "teams-65-matches_competitions-PL-CL_2023-24.json").read_bytes())
    whole = PROVIDER.parse("teams/matches", {}, json.dumps(doc).encode())
    doc["matches"][0]["status"] = "ON_HOLD"
    doc["matches"][1]["stage"] = "GALACTIC_FINAL"
    doc["matches"][2]["score"]["duration"] = ["REGULAR"]  # not a code at all: named, costs that match only
    # a competition the register does not know takes its kind from its type: an unknown type costs the match
    doc["matches"][3]["competition"] |= {"id": 9999, "code": "XYZ", "type": "FRIENDLY_TOURNAMENT"}
    parsed = PROVIDER.parse("teams/matches", {}, json.dumps(doc).encode())
    assert len(parsed.matches) == len(whole.matches) - 4
    assert [p.field for p in parsed.problems] == ["status", "stage", "score.duration", "competition.type"]
    assert "not a code for score.duration" in parsed.problems[2].reason
    table = json.loads((fdo / "competitions-PL-standings_season-2025.json").read_bytes())
    whole_table = PROVIDER.parse("competitions/standings", {}, json.dumps(table).encode())
    table["standings"].append({**table["standings"][0], "type": "LAST_FIVE"})
    parsed = PROVIDER.parse("competitions/standings", {}, json.dumps(table).encode())
    [problem] = parsed.problems
    assert problem.field == "standings.type" and "'LAST_FIVE'" in problem.reason
    assert parsed.standings == whole_table.standings
    (tmp_path / "teams-65-matches.json").write_text(json.dumps(doc))
    assert sorted(_quarantined_codes(tmp_path, "football-data-org", tmp_path / "teams-65-matches.json")) == [
        ("competition.type", "'FRIENDLY_TOURNAMENT'"), ("stage", "'GALACTIC_FINAL'"), ("status", "'ON_HOLD'")]
