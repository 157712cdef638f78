"""The admin API: an admin key is required (401 in the one error shape without it); crawl trigger → 202, status,
logs, coverage, quota; collector gauges on /metrics."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from matchday.server import create_server
from matchday.store import admin_keys
from tests.collector.conftest import APIF, collector_settings, write_jobs
from tests.collector.fake_provider import Reply
from tests.collector.test_runner import STANDINGS_JOB

STANDINGS = APIF / "standings_league-39_season-2022.json"


@pytest.fixture
def admin_client(tmp_path: Path, fake, sqlite_engine):  # noqa: ANN001, ANN201
    settings = collector_settings(tmp_path, fake, database_url=str(sqlite_engine.url), collect_in_serve=False)
    write_jobs(settings.jobs_dir, [STANDINGS_JOB], {"api-football": {"daily_limit": 100, "minute_limit": 10,
                                                                     "thresholds": {"LOW": 50}}})
    fake.script("/standings", Reply.file(STANDINGS))
    _key_id, key = admin_keys.create(sqlite_engine, "test")
    with TestClient(create_server(settings, sqlite_engine)) as client:
        yield client, key


def _assert_error_shape(response, status: int, code: str) -> None:  # noqa: ANN001
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"detail", "error_code", "timestamp", "path", "trace_id"}
    assert body["error_code"] == code


@pytest.mark.parametrize("path", ["/api/v1/admin/crawl/status", "/api/v1/admin/coverage", "/api/v1/admin/quota",
                                  "/api/v1/admin/crawl/logs?job_id=x"])
def test_admin_routes_need_an_admin_key(admin_client, path: str) -> None:
    client, key = admin_client
    _assert_error_shape(client.get(path), 401, "UNAUTHORIZED")
    _assert_error_shape(client.get(path, headers={"Authorization": "Bearer mdk_not-a-key"}), 401, "UNAUTHORIZED")
    _assert_error_shape(client.get(path, headers={"X-API-Key": key[:-2]}), 401, "UNAUTHORIZED")
    _assert_error_shape(client.post("/api/v1/admin/crawl/trigger", json={"job_id": "pl-standings"}), 401,
                        "UNAUTHORIZED")


def test_trigger_then_status_logs_coverage_and_quota(admin_client, fake) -> None:
    client, key = admin_client
    auth = {"Authorization": f"Bearer {key}"}
    accepted = client.post("/api/v1/admin/crawl/trigger", json={"job_id": "pl-standings"}, headers=auth)
    assert accepted.status_code == 202 and accepted.json()["job_id"] == "pl-standings"
    # the run happened after the 202 (TestClient waits for background tasks)
    assert fake.requests_to("/standings") == 1
    by_type = client.post("/api/v1/admin/crawl/trigger", json={"job_type": "incremental_daily",
                                                                "source": "api-football", "league_id": "39"},
                          headers={"X-API-Key": key})
    assert by_type.status_code == 202 and by_type.json()["job_ids"] == ["pl-standings"]
    _assert_error_shape(client.post("/api/v1/admin/crawl/trigger", json={"job_id": "nope"}, headers=auth), 404,
                        "NOT_FOUND")
    _assert_error_shape(client.post("/api/v1/admin/crawl/trigger", json={}, headers=auth), 422, "VALIDATION_ERROR")

    status = client.get("/api/v1/admin/crawl/status", params={"job_type": "incremental_daily", "status": "ok"},
                        headers=auth).json()
    assert [r["status"] for r in status["runs"]] == ["ok", "ok"] and status["runs"][0]["trigger"] == "api"
    assert status["jobs"][0]["job_id"] == "pl-standings" and status["jobs"][0]["last_status"] == "ok"
    logs = client.get("/api/v1/admin/crawl/logs", params={"job_id": "pl-standings"}, headers=auth).json()
    assert len(logs["runs"]) == 2 and any("HTTP 200" in line["message"] for line in logs["lines"])

    coverage = client.get("/api/v1/admin/coverage", headers=auth).json()["coverage"]
    assert [(r["competition"], r["season"], r["count"], r["status"]) for r in coverage] == [
        ("eng.1", "2022-23", 20, "ok")]
    quota = {p["provider"]: p for p in client.get("/api/v1/admin/quota", headers=auth).json()["providers"]}
    assert quota["api-football"]["daily_limit"] == 100 and quota["api-football"]["daily_remaining"] == 98
    assert quota["api-football"]["thresholds"]["LOW"] == 50

    metrics = client.get("/metrics").text
    assert 'matchday_coverage_status{competition="eng.1",endpoint="standings",job_id="pl-standings",' \
           'season="2022-23"} 0.0' in metrics
    assert 'matchday_quota_remaining{provider="api-football",window="daily"} 98.0' in metrics


def test_a_revoked_key_stops_working(admin_client, sqlite_engine) -> None:
    client, key = admin_client
    assert client.get("/api/v1/admin/quota", headers={"X-API-Key": key}).status_code == 200
    admin_keys.revoke(sqlite_engine, admin_keys.listed(sqlite_engine)[0]["id"])
    _assert_error_shape(client.get("/api/v1/admin/quota", headers={"X-API-Key": key}), 401, "UNAUTHORIZED")
