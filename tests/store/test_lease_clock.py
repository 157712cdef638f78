"""Leases (outbox cursors, job runs) are written and compared by the database's clock: a process on a host whose
clock runs an hour ahead cannot take a lease another process still holds (on SQLite, one host, one clock)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, insert

from matchday.store import clock, job_registry, outbox
from matchday.store.migrate import upgrade
from matchday.store.schema import job_definitions


class _HourAhead(datetime):
    @classmethod
    def now(cls, tz=None):  # noqa: ANN001, ANN206 - datetime's signature
        return datetime.now(tz) + timedelta(hours=1)


@pytest.mark.postgres
@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_a_host_clock_ahead_does_not_steal_a_held_lease(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    upgrade(engine)
    assert outbox.claim(engine, "scoring", "host-a", lease_s=60) == 0
    with engine.begin() as conn:
        conn.execute(insert(job_definitions).values(
            job_id="daily", provider="api-football", job_type="incremental_daily", priority="HIGH", enabled=True,
            definition={}, source_file="jobs/daily.yaml", failures=0, skipped=0))
    assert job_registry.acquire(engine, "daily", "host-a", lease_s=60)
    for module in (clock, outbox, job_registry):  # host b's clock runs an hour ahead
        monkeypatch.setattr(module, "datetime", _HourAhead, raising=False)
    monkeypatch.setattr(outbox, "utcnow", lambda: datetime.utcnow() + timedelta(hours=1))  # noqa: DTZ003
    monkeypatch.setattr(job_registry, "utcnow", lambda: datetime.utcnow() + timedelta(hours=1))  # noqa: DTZ003
    assert outbox.claim(engine, "scoring", "host-b", lease_s=60) is None
    assert not job_registry.acquire(engine, "daily", "host-b", lease_s=60)
    # the holder keeps it: advancing extends the lease by the database's clock, not host b's
    assert outbox.advance(engine, "scoring", "host-a", 0, lease_s=60)
