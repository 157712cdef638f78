"""The ``matchday`` command: a thin face over the pipeline, the services and the queries.

One module per command group; importing them registers their commands on ``app``.
"""

from matchday.cli import (  # noqa: F401 - registers commands
    loading,
    predict,
    quickstart,
    serving,
    status,
    tables,
    teams,
)
from matchday.cli.common import app

__all__ = ["app"]
