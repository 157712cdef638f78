"""A live loop honours its job's ``target_layer``: ``raw`` archives the provider's answer and stores nothing (until
`matchday reparse`), ``raw+core`` stores and feeds without coverage, ``raw+core+mart`` recomputes coverage too."""

from __future__ import annotations

from sqlalchemy import func, select

from matchday.ingest.collector import discover_providers
from matchday.ingest.responses import reparse
from matchday.store.schema import coverage, matches, raw_responses
from tests.collector.conftest import APIF
from tests.collector.fake_provider import Reply

LIVE = APIF / "unwrapped" / "fixtures_live-all_2024-05-11.json"


def _job(job_id: str, layer: str) -> dict:
    return {"job_id": job_id, "provider": "api-football", "type": "live_loop", "priority": "CRITICAL",
            "endpoint": "/fixtures", "params": {"live": "all"}, "interval": {"type": "interval", "seconds": 15},
            "target_layer": layer, "coverage_target": {"max_lag_minutes": 1}}


def _count(engine, table, *where) -> int:  # noqa: ANN001
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def test_a_raw_live_loop_archives_only_and_reparse_stores_it_later(make_collector, fake) -> None:  # noqa: ANN001
    fake.script("/fixtures", Reply.file(LIVE))
    collector = make_collector([_job("live-raw", "raw")], {"api-football": {}})
    outcome = collector.run_job("live-raw")
    assert (outcome.status, outcome.requests, outcome.items) == ("ok", 1, 1)
    engine = collector.engine
    assert _count(engine, matches) == 0 and _count(engine, coverage) == 0
    assert _count(engine, raw_responses, raw_responses.c.parse_status == "pending") == 1
    assert [r.path for r in fake.received] == ["/fixtures"]
    collector.run_job("live-raw")  # every turn: the job's own request again, never a fan-out
    assert [r.query for r in fake.received] == [{"live": "all"}] * 2 and _count(engine, matches) == 0
    report = reparse(engine, discover_providers(), "api-football")
    assert (report.responses, report.duplicates, report.new) == (2, 1, 246) and _count(engine, matches) == 246


def test_raw_core_stores_without_coverage_and_raw_core_mart_computes_it(make_collector, fake) -> None:  # noqa: ANN001
    fake.script("/fixtures", Reply.file(LIVE))
    collector = make_collector([_job("live-core", "raw+core"), _job("live-mart", "raw+core+mart")],
                               {"api-football": {}})
    outcome = collector.run_job("live-core")
    assert outcome.status == "ok" and outcome.items == 246
    engine = collector.engine
    assert _count(engine, matches) == 246
    assert _count(engine, raw_responses, raw_responses.c.parse_status == "ok") == 1
    assert _count(engine, coverage) == 0
    assert collector.run_job("live-mart").status == "ok"
    assert _count(engine, coverage, coverage.c.job_id == "live-mart") > 0
    assert _count(engine, coverage, coverage.c.job_id == "live-core") == 0
