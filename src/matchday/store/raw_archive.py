"""RAW: every provider response, its body gzip-compressed and stored once per content hash (sha256).

A response row holds the request (provider, endpoint, params: never the key), status, headers (auth removed),
when it was fetched, which body, and what parsing it gave: ``pending`` → ``ok`` | ``failed`` (the parser refused
it: kept and listed, nothing of it written) | ``error`` (an error body, not data).
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update

from matchday.store.match_writes import utcnow
from matchday.store.schema import raw_bodies, raw_responses


@dataclass(frozen=True)
class ArchivedResponse:
    id: int
    provider: str
    endpoint: str
    params: dict[str, Any]
    status: int
    fetched_at: datetime
    content_hash: str
    parse_status: str
    parse_error: str | None = None


PRUNED = "pruned"  # raw_bodies.encoding of a body the retention removed (the response's record stays)


def _insert_body_once(conn: Connection, content_hash: str, body: bytes) -> None:
    """Store a body once; a body the retention pruned is stored again when the same bytes come back."""
    values = {"content_hash": content_hash, "encoding": "gzip", "size": len(body),
              "body": gzip.compress(body, compresslevel=6), "created_at": utcnow()}
    if conn.dialect.name in ("postgresql", "sqlite"):
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        statement = dialect_insert(raw_bodies).values(values)
        conn.execute(statement.on_conflict_do_update(
            index_elements=[raw_bodies.c.content_hash],
            set_={"body": statement.excluded.body, "encoding": statement.excluded.encoding,
                  "size": statement.excluded.size, "created_at": statement.excluded.created_at},
            where=raw_bodies.c.encoding == PRUNED))
    elif conn.execute(select(raw_bodies.c.content_hash).where(raw_bodies.c.content_hash == content_hash)).first() \
            is None:
        conn.execute(insert(raw_bodies).values(values))


def archive(engine: Engine, provider: str, endpoint: str, params: Mapping[str, Any], url: str, status: int,
            headers: Mapping[str, str], body: bytes, job_run_id: int | None = None,
            parse_status: str = "pending") -> int:
    """Store one response (committed before anything parses it); returns its id."""
    content_hash = hashlib.sha256(body).hexdigest()
    with engine.begin() as conn:
        _insert_body_once(conn, content_hash, body)
        return conn.execute(insert(raw_responses).returning(raw_responses.c.id), {
            "provider": provider, "endpoint": endpoint, "params": dict(params), "url": url, "status": status,
            "headers": dict(headers), "fetched_at": utcnow(), "content_hash": content_hash, "job_run_id": job_run_id,
            "parse_status": parse_status}).scalar_one()


class BodyPruned(LookupError):
    """The archive's retention removed this body: re-parsing it needs the provider again."""


def body_of(engine: Engine, content_hash: str) -> bytes:
    with engine.connect() as conn:
        stored, encoding = conn.execute(select(raw_bodies.c.body, raw_bodies.c.encoding)
                                        .where(raw_bodies.c.content_hash == content_hash)).one()
    if encoding == PRUNED:
        raise BodyPruned(content_hash)
    return gzip.decompress(stored)


def prune_bodies(engine: Engine, older_than: datetime) -> int:
    """Drop the bodies whose every response was fetched before ``older_than``; the responses' records (request,
    status, headers, when) stay, so ``matchday reparse`` can say what it no longer has. Returns bodies pruned."""
    newest = (select(raw_responses.c.content_hash).group_by(raw_responses.c.content_hash)
              .having(func.max(raw_responses.c.fetched_at) < older_than))
    with engine.begin() as conn:
        return conn.execute(update(raw_bodies).where(raw_bodies.c.content_hash.in_(newest),
                                                     raw_bodies.c.encoding != PRUNED)
                            .values(body=b"", encoding=PRUNED, size=0)).rowcount


def mark(engine: Engine, response_id: int, parse_status: str, error: str | None = None) -> None:
    with engine.begin() as conn:
        conn.execute(update(raw_responses).where(raw_responses.c.id == response_id).values(
            parse_status=parse_status, parse_error=error[:4000] if error else None, parsed_at=utcnow()))


def _row(r: Any) -> ArchivedResponse:
    return ArchivedResponse(r.id, r.provider, r.endpoint, dict(r.params or {}), r.status, r.fetched_at,
                            r.content_hash, r.parse_status, r.parse_error)


def responses(engine: Engine, provider: str | None = None, since: datetime | None = None,
              statuses: tuple[str, ...] | None = None, limit: int | None = None) -> list[ArchivedResponse]:
    """Archived responses in fetch order (oldest first), filtered."""
    query = select(raw_responses).order_by(raw_responses.c.id)
    if provider:
        query = query.where(raw_responses.c.provider == provider)
    if since:
        query = query.where(raw_responses.c.fetched_at >= since)
    if statuses:
        query = query.where(raw_responses.c.parse_status.in_(statuses))
    if limit:
        query = query.limit(limit)
    with engine.connect() as conn:
        return [_row(r) for r in conn.execute(query)]


def requests_since(engine: Engine, provider: str, since: datetime, free: tuple[str, ...] = ()) -> int:
    """Requests archived for ``provider`` since then, those to its ``free`` endpoints (not counted against its
    quota, e.g. API-Football's ``status``) aside."""
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(raw_responses).where(
            raw_responses.c.provider == provider, raw_responses.c.fetched_at >= since,
            raw_responses.c.endpoint.not_in(free))).scalar_one()


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        responses_n = conn.execute(select(func.count()).select_from(raw_responses)).scalar_one()
        bodies_n = conn.execute(select(func.count()).select_from(raw_bodies)).scalar_one()
    return {"responses": responses_n, "bodies": bodies_n}


class StoreArchive:
    """The archive the collector's HTTP client is handed (``fetch.providers.Archive``): this store's tables."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def archive(self, provider: str, endpoint: str, params: Mapping[str, Any], url: str, status: int,
                headers: Mapping[str, str], body: bytes, job_run_id: int | None, parse_status: str) -> int:
        return archive(self.engine, provider, endpoint, params, url, status, headers, body, job_run_id, parse_status)

    def mark(self, response_id: int, parse_status: str, error: str | None = None) -> None:
        mark(self.engine, response_id, parse_status, error)

    def last_headers(self, provider: str, since: datetime) -> tuple[dict[str, str], datetime] | None:
        return last_headers(self.engine, provider, since)


def last_headers(engine: Engine, provider: str, since: datetime) -> tuple[dict[str, str], datetime] | None:
    """The headers of ``provider``'s latest archived answer since ``since``, and when it came: its own view of
    its quota, which a new process without Redis starts from."""
    with engine.connect() as conn:
        row = conn.execute(select(raw_responses.c.headers, raw_responses.c.fetched_at)
                           .where(raw_responses.c.provider == provider, raw_responses.c.fetched_at >= since)
                           .order_by(raw_responses.c.fetched_at.desc(), raw_responses.c.id.desc()).limit(1)).first()
    return (dict(row.headers or {}), row.fetched_at) if row is not None else None
