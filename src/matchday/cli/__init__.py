"""The ``matchday`` command: a thin face over the pipeline, the services and the queries.

One module per command group; importing them registers their commands on ``app``.
"""

from matchday.cli import backup, loading, quickstart, serving, status, tables, teams, workers  # noqa: F401
from matchday.cli.common import app

__all__ = ["app"]
