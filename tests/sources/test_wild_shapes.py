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
