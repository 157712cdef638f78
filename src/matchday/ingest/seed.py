"""Reference data shipped with the package: the point-deduction ledger."""

from __future__ import annotations

import csv
from datetime import date
from importlib import resources

from sqlalchemy import Engine

from matchday.domain.changes import EVERYTHING
from matchday.domain.records import DeductionRecord, TeamRef
from matchday.ingest.apply import writing
from matchday.store.deductions import write_deductions
from matchday.store.identity import Resolver


def packaged_deductions() -> list[DeductionRecord]:
    text = resources.files("matchday.data").joinpath("deductions.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return [
        DeductionRecord(row["competition"], row["season"], TeamRef(row["team"], row["country"], row["team"]),
                        int(row["points"]), date.fromisoformat(row["effective_date"]) if row["effective_date"]
                        else None, row["reason"])
        for row in rows
    ]


def seed_reference_data(engine: Engine) -> int:
    """Write the packaged deduction ledger (idempotent); returns how many entries were new."""
    with writing(engine) as (conn, changes):
        resolver = Resolver(conn, "matchday")
        new = write_deductions(conn, resolver, packaged_deductions())
        resolver.flush()
        if new:
            changes.tags.add(EVERYTHING)  # tables of any season may move
    return new
