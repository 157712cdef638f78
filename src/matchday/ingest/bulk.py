"""The write half of a columnar load unit: the twin of ``pipeline.write_parsed`` for a ``ColumnarParse``.

Same transaction, same load run, same quarantine; only the matches go through ``store.bulk_load``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine

from matchday.domain.changes import EVERYTHING
from matchday.ingest.apply import writing
from matchday.sources.columnar import ColumnarParse
from matchday.store.bulk_load import write_columns
from matchday.store.fk_check import checked_at_end
from matchday.store.identity import Resolver

if TYPE_CHECKING:
    from matchday.ingest.pipeline import UnitSummary


def write_columnar(engine: Engine, source_name: str, run_id: int, location: str, parsed: ColumnarParse,
                   summary: UnitSummary) -> None:
    with writing(engine, lambda: checked_at_end(engine)) as (conn, changes):
        resolver = Resolver(conn, source_name)
        counts = write_columns(conn, resolver, parsed, source_name)
        for alias in parsed.aliases:
            resolver.add_alias(alias)
        resolver.flush()
        everything = counts.tags_everything or bool(resolver.renamed_teams)
        summary.close_run(conn, run_id, source_name, location, counts, parsed.problems, parsed.rows_read,
                          parsed.not_matches)
        changes.add(counts.changes, counts.provenance_only)
        changes.seasons |= counts.bulk_seasons  # too many new matches to name: their seasons' results all moved
        if everything:
            changes.tags.add(EVERYTHING)
