"""The collector design's ``config/`` folder beside the jobs: ``api.yaml`` (API-Football's address, key, timeout
and plan) and ``coverage.yaml`` (coverage targets per league, season and endpoint, alert thresholds in %).

``api.yaml``::

    api:                      # (the keys may also sit at the top level)
      base_url: "https://v3.football.api-sports.io"
      api_key_env: "API_FOOTBALL_KEY"   # the environment variable holding the key
      timeout: 30
    rate_limits: {daily_limit: 100, minute_limit: 10, minute_soft_limit: 8, emergency_stop_threshold: 5}

``minute_soft_limit`` is the per-minute rate the collector keeps to (under the provider's hard limit);
``emergency_stop_threshold``: with that many requests left in the day, only CRITICAL jobs still ask.

``coverage.yaml``::

    coverage_targets:         # a list, or a mapping of name -> entry
      - league_id: 39
        season: 2024
        endpoints:
          /fixtures: {min_fixtures_count: 380, max_lag_minutes: 60, required_fields: [referee]}
          /players: {min_players: 500}
    alert_thresholds: {coverage_warning: 95, coverage_critical: 90}

A job without a ``coverage_target`` of its own takes the entry of its endpoint, ``league`` and ``season``
params. The thresholds apply to every target that does not set ``warning_ratio``/``critical_ratio`` itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from matchday.errors import ConfigError
from matchday.fetch.quota import Priority
from matchday.ingest.yaml_files import read_yaml
from matchday.settings import Settings

API_FILE = "api.yaml"
COVERAGE_FILE = "coverage.yaml"


class RateLimits(BaseModel):
    model_config = ConfigDict(extra="forbid")
    daily_limit: int | None = Field(None, ge=0)
    minute_limit: int | None = Field(None, ge=0)
    minute_soft_limit: int | None = Field(None, ge=0)
    emergency_stop_threshold: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _soft_under_hard(self) -> RateLimits:
        if None not in (self.minute_soft_limit, self.minute_limit) and self.minute_soft_limit > self.minute_limit:
            raise ValueError("minute_soft_limit is over minute_limit")
        return self

    def provider_config(self) -> dict[str, Any]:
        """The matching ``providers.yaml`` entry: the soft per-minute limit is the one kept to."""
        minute = self.minute_soft_limit if self.minute_soft_limit is not None else self.minute_limit
        floor = self.emergency_stop_threshold
        thresholds = {p: floor for p in (Priority.HIGH, Priority.MEDIUM, Priority.LOW)} if floor else {}
        return {"daily_limit": self.daily_limit, "minute_limit": minute, "thresholds": thresholds}


class ApiFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    base_url: str | None = None
    api_key_env: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    timeout: float | None = Field(None, gt=0)
    rate_limits: RateLimits = Field(default_factory=RateLimits)

    @model_validator(mode="before")
    @classmethod
    def _nested(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("api"), dict):
            return {**data["api"], **{k: v for k, v in data.items() if k != "api"}}
        return data


class EndpointTargets(BaseModel):
    model_config = ConfigDict(extra="forbid")
    league_id: int | str | None = None
    season: int | str | None = None
    endpoints: dict[str, dict[str, Any]] = Field(default_factory=dict)


class AlertThresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")
    coverage_warning: float = Field(95, gt=0, le=100)  # % of a target: below it, warning
    coverage_critical: float = Field(90, gt=0, le=100)  # below it, critical

    @model_validator(mode="after")
    def _order(self) -> AlertThresholds:
        if self.coverage_critical > self.coverage_warning:
            raise ValueError("coverage_critical is over coverage_warning")
        return self


class CoverageFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    coverage_targets: list[EndpointTargets] | dict[str, EndpointTargets] = Field(default_factory=list)
    alert_thresholds: AlertThresholds | None = None

    def entries(self) -> list[tuple[tuple[Any, ...], EndpointTargets]]:
        """Each entry with its location in the file (for error lines)."""
        if isinstance(self.coverage_targets, dict):
            return [(("coverage_targets", name), e) for name, e in self.coverage_targets.items()]
        return [(("coverage_targets", i), e) for i, e in enumerate(self.coverage_targets)]


def _load(path: Path, model: type[BaseModel]) -> BaseModel | None:
    from matchday.ingest.job_config import _error  # the one file:line formatter

    if not path.exists():
        return None
    data, node = read_yaml(path)
    try:
        return model.model_validate(data or {})
    except ValidationError as exc:
        raise _error(path, node, exc) from None


def with_api_file(settings: Settings) -> Settings:
    """The settings with ``MATCHDAY_CONFIG_DIR``'s ``api.yaml`` applied (base URL, timeout, the key from the
    variable ``api_key_env`` names); settings given explicitly still win."""
    api = load_api_file(settings.config_dir) if settings.config_dir is not None else None
    if api is None:
        return settings
    given, update = settings.model_fields_set, {}
    if api.base_url and "api_football_base_url" not in given:
        update["api_football_base_url"] = api.base_url
    if api.timeout and "http_timeout_s" not in given:
        update["http_timeout_s"] = api.timeout
    if api.api_key_env and "api_football_key" not in given:
        update["api_football_key"] = os.environ.get(api.api_key_env) or None
    return settings.model_copy(update=update) if update else settings


def load_api_file(config_dir: Path) -> ApiFile | None:
    found = _load(config_dir / API_FILE, ApiFile)
    return found if isinstance(found, ApiFile) else None


def load_coverage_file(config_dir: Path) -> CoverageFile | None:
    found = _load(config_dir / COVERAGE_FILE, CoverageFile)
    return found if isinstance(found, CoverageFile) else None


def check_targets(config_dir: Path, coverage: CoverageFile) -> dict[tuple[str, str, str], Any]:
    """Every target of ``coverage.yaml`` validated as a ``CoverageTarget``, keyed by (endpoint, league, season)."""
    from matchday.ingest.job_config import CoverageTarget, _error, normalise_endpoint

    path = config_dir / COVERAGE_FILE
    targets: dict[tuple[str, str, str], Any] = {}
    node = None
    for where, entry in coverage.entries():
        for endpoint, raw in entry.endpoints.items():
            try:
                target = CoverageTarget.model_validate({**raw, "endpoint": endpoint})
            except ValidationError as exc:
                node = node or read_yaml(path)[1]
                raise _error(path, node, exc, (*where, "endpoints", endpoint)) from None
            key = (normalise_endpoint(endpoint), _text(entry.league_id), _text(entry.season))
            if key in targets:
                raise ConfigError(f"{path}: {'.'.join(map(str, where))}: a second target for {endpoint} "
                                  f"league {key[1]} season {key[2]}")
            targets[key] = target
    return targets


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def apply_coverage(registry: Any, targets: Mapping[tuple[str, str, str], Any],
                   thresholds: AlertThresholds | None) -> None:
    """A job without a target of its own takes ``coverage.yaml``'s for its endpoint, league and season; the
    alert thresholds (in %) become the ratios of every target that does not set its own."""
    for job_id, job in registry.jobs.items():
        target = job.coverage_target
        if target is None:
            params = {k: str(v) for k, v in job.params.items()}
            target = targets.get((job.endpoint, params.get("league", job.league or ""),
                                  params.get("season", job.season or "")))
        if target is not None and thresholds is not None:
            ratios = {"warning_ratio": thresholds.coverage_warning / 100,
                      "critical_ratio": thresholds.coverage_critical / 100}
            target = target.model_copy(update={k: v for k, v in ratios.items() if k not in target.model_fields_set})
        if target is not job.coverage_target:
            registry.jobs[job_id] = job.model_copy(update={"coverage_target": target})
