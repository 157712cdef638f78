"""The competition register: one competition is one competition whichever provider names it."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine, select

from matchday.competition_register import PROVIDERS, register
from matchday.sources.engsoccerdata import spec as engsoccerdata
from matchday.sources.football_data_uk import spec as football_data_uk
from matchday.sources.openfootball import spec as openfootball
from matchday.store.competition_queries import competitions_overview
from matchday.store.schema import competitions
from tests.conftest import DATA, FDUK
from tests.ingest.helpers import load

SAMPLES = DATA / "api-samples"
#: what the issue asks the register to cover, at least
REQUIRED = {
    "eng.1", "eng.2", "eng.3", "eng.4", "eng.5", "esp.1", "esp.2", "ger.1", "ger.2", "ita.1", "ita.2", "fra.1",
    "fra.2", "usa.1", "mex.1", "bra.1", "arg.1", "jpn.1", "ksa.1", "aus.1", "uefa.cl", "uefa.el", "uefa.ecl",
    "fifa.world", "uefa.euro", "conmebol.america", "caf.nations", "eng.fa_cup", "eng.league_cup",
    "esp.copa_del_rey", "ger.dfb_pokal", "ita.coppa_italia", "fra.coupe_de_france",
}


def test_the_register_covers_what_is_asked_and_names_where_each_id_came_from() -> None:
    reg = register()
    assert len(reg.competitions) >= 80 and set(reg.competitions) >= REQUIRED
    european_top_flights = [c for c in reg.competitions.values() if c.tier == 1 and c.country in {
        "Netherlands", "Portugal", "Belgium", "Turkey", "Greece", "Austria", "Switzerland", "Denmark", "Norway",
        "Sweden", "Poland", "Scotland", "Croatia", "Czech Republic", "Serbia", "Romania", "Ukraine"}]
    assert len(european_top_flights) == 17
    for entry in reg.competitions.values():
        assert entry.kind in ("league", "cup", "international") and entry.ids, entry.code
        assert set(entry.ids) <= set(PROVIDERS) and all(s in reg.sources for s in entry.sources.values())
        # every competition but the English play-offs (one data set's own) has its API-Football id
        assert entry.ids.get("api-football") or entry.code == "eng.playoffs", entry.code


def test_api_football_ids_match_the_providers_own_listing_in_the_samples() -> None:
    listed = json.loads((SAMPLES / "api-football" / "leagues_code-DE_current-true.json").read_bytes())
    by_id = {str(item["league"]["id"]): item["league"]["name"] for item in listed["response"]}
    reg = register()
    for code, name in (("ger.1", "Bundesliga"), ("ger.2", "2. Bundesliga"), ("ger.3", "3. Liga"),
                       ("ger.dfb_pokal", "DFB Pokal")):
        assert by_id[reg.id_at(code, "api-football")] == name


def test_the_file_sources_tables_agree_with_the_register() -> None:
    reg = register()
    for division, (code, _country) in football_data_uk.DIVISIONS.items():
        assert reg.lookup("football-data-uk", division).code == code
    for (_country, _league), (code, _c, file_code) in football_data_uk.EXTRA_LEAGUES.items():
        assert reg.lookup("football-data-uk", file_code).code == code
    for key, (code, *_rest) in openfootball.LEAGUES.items():
        found = reg.lookup("openfootball", key)
        assert found is None or found.code == code, key
    for stem, (pattern, *_rest) in engsoccerdata.FILES.items():
        found = reg.lookup("engsoccerdata", stem)
        assert found is None or found.code == pattern.format(tier=1), stem


def test_each_provider_s_samples_load_into_one_competition_each(sqlite_engine: Engine, tmp_path: Path) -> None:
    for provider in ("api-football", "football-data-org", "espn", "sofascore", "understat"):
        answers = [p for p in (SAMPLES / provider).rglob("*") if p.suffix in (".json", ".html")
                   and "errors" not in p.parts]
        assert all(s.status == "ok" for s in load(sqlite_engine, provider, *answers)), provider
    [fduk] = load(sqlite_engine, "football-data-uk", FDUK / "E0" / "2020-21.csv")
    [openfootball_] = load(sqlite_engine, "openfootball", DATA / "openfootball-football.json" / "2024-25" / "en.1.json")
    assert fduk.status == openfootball_.status == "ok"
    reg = register()
    with sqlite_engine.connect() as conn:
        rows = {r["code"]: r for r in competitions_overview(conn)}
        codes = [c for (c,) in conn.execute(select(competitions.c.code))]
    assert len(codes) == len(set(codes))
    # the Premier League, named by five providers, is one competition; so is the Champions League (three)
    assert {"api-football", "football-data-org", "understat"} <= set(rows["eng.1"]["provider_ids"])
    assert rows["eng.1"]["matches"] >= 760 and rows["eng.1"]["seasons"] >= 2
    assert {"api-football", "football-data-org", "sofascore"} <= set(rows["uefa.cl"]["provider_ids"])
    assert rows["fifa.world"]["provider_ids"]["espn"] == ["fifa.world"] and rows["usa.1"]["matches"] >= 1
    # nothing the register knows loaded under a provider-prefixed code (the old sofascore.24, api-football.128)
    for code, row in rows.items():
        if code in reg.competitions:
            continue
        provider, _, provider_id = code.partition(".")
        assert provider in ("api-football", "espn", "sofascore", "football-data-org"), code
        assert reg.lookup(provider, provider_id) is None, f"{code} is {reg.lookup(provider, provider_id).code}"
        assert row["provider_ids"].get(provider) == [provider_id]


def test_international_api_football_ids_match_a_recorded_listing() -> None:
    """Euro Championship 4, Africa Cup of Nations 6, Copa America 9: from a saved /leagues answer (SOURCE.md), and
    loading that answer creates no api-football.<id> competition."""
    from matchday.sources.api_football import PROVIDER

    path = Path(__file__).resolve().parent.parent / "regressions" / "api_football_leagues_international" / \
        "leagues_current-true_excerpt.json"
    listed = json.loads(path.read_bytes())
    by_id = {str(item["league"]["id"]): item["league"]["name"] for item in listed["response"]}
    reg = register()
    for code in ("uefa.euro", "caf.nations", "conmebol.america"):
        assert reg.id_at(code, "api-football") in by_id
        assert reg.competitions[code].sources["api-football"] == "apif-leagues-current-2024"
    parsed = PROVIDER.parse("leagues", {}, path.read_bytes())
    assert sorted(c.competition.code for c in parsed.competitions) == ["caf.nations", "conmebol.america", "uefa.euro"]
    assert "apif-clients" not in reg.sources
