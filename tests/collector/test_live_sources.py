"""Every provider with a live endpoint yields a live source for a live-loop job: the connector's own where it has
one (given the collector's fetch), else the generic one; a scraped provider's refuses unless enabled."""

from __future__ import annotations

import pytest

from matchday.errors import ConfigError
from matchday.ingest.collector import discover_providers
from matchday.ingest.live_jobs import ProviderLiveSource, make_live_source
from tests.collector.conftest import SAMPLES


def test_each_provider_gets_its_live_source() -> None:
    providers = discover_providers()
    asked: list[tuple[str, dict]] = []
    espn_body = (SAMPLES / "espn" / "scoreboard_fifa.world_2026-07-19T200209Z_STATUS_HALFTIME.json").read_bytes()

    def fetch(endpoint: str, params: dict) -> bytes:
        asked.append((endpoint, dict(params)))
        return espn_body

    espn = make_live_source(providers["espn"], "scoreboard", {"league": "fifa.world"}, fetch, 8.0)
    assert type(espn).__name__ == "EspnLive" and espn.leagues == ["fifa.world"] and espn.interval_s == 8.0
    found = espn.poll(None)
    assert asked == [("scoreboard", {"league": "fifa.world"})]
    final = found["760517"]
    assert (final.status.value, final.home_goals, final.away_goals) == ("halftime", 0, 0)  # the 2026 final at HT
    assert type(make_live_source(providers["api-football"], "fixtures", {"live": "all"}, fetch, 15.0)).__name__ \
        == "ApiFootballLive"
    generic = make_live_source(providers["football-data-org"], "matches", {"dateFrom": "2026-05-01"}, fetch, 60.0)
    assert isinstance(generic, ProviderLiveSource)
    with pytest.raises(ConfigError, match="scraped source"):
        make_live_source(providers["sofascore"], "events/live", {}, fetch, 10.0)
    assert type(make_live_source(providers["sofascore"], "events/live", {}, fetch, 10.0,
                                 allow_scraping=True)).__name__ == "SofaScoreLive"
