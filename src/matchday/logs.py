"""structlog configuration: console text by default, JSON lines in production (``MATCHDAY_LOG_JSON``)."""

from __future__ import annotations

import logging
import sys

import structlog

from matchday.settings import Settings


class _CurrentStderr:
    """Writes to whatever ``sys.stderr`` is at the time: a harness that swaps it for a while (Typer's CliRunner,
    pytest's capture) must not leave the logger holding its closed stream."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(settings: Settings) -> None:
    level = logging.getLevelNamesMapping().get(settings.log_level.upper(), logging.INFO)
    renderer = structlog.processors.JSONRenderer() if settings.log_json else structlog.dev.ConsoleRenderer(
        colors=False)
    structlog.configure(
        processors=[structlog.processors.add_log_level, structlog.processors.TimeStamper(fmt="iso", utc=True),
                    renderer],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=_CurrentStderr()),
        cache_logger_on_first_use=False,
    )
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(max(level, logging.WARNING))  # migrations speak only when asked
