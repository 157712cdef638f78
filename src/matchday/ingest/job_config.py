"""Jobs as data: the collector's YAML job files and ``providers.yaml``, validated with Pydantic at start.

A job file holds ``jobs:`` (a list of job definitions), optional file-wide ``defaults:`` (any job field) and
optional ``leagues:`` (a list of ``{league, season, ...}`` entries): a job whose fields use ``{{ league }}`` or
``{{ season }}`` is expanded into one job per entry. ``{{ today }}`` (and ``{{ yesterday }}``, ``{{ tomorrow }}``,
``{{ today_compact }}`` as YYYYMMDD) are filled when the job runs. A bad file is refused with its file, line
and field; a dependency on an unknown job or a dependency cycle is an error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from croniter import croniter
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from matchday.errors import ConfigError
from matchday.fetch.quota import Priority, ProviderPlan
from matchday.ingest.config_files import ApiFile, apply_coverage, check_targets, load_api_file, load_coverage_file
from matchday.ingest.yaml_files import read_yaml

DEFAULT_PROVIDER = "api-football"
TEMPLATE = re.compile(r"\{\{\s*(\w+)\s*\}\}")
RUN_TIME_VARS = ("today", "yesterday", "tomorrow", "now", "today_compact")


class JobType(StrEnum):
    STATIC_BOOTSTRAP = "static_bootstrap"
    INCREMENTAL_DAILY = "incremental_daily"
    LIVE_LOOP = "live_loop"
    BACKFILL = "backfill"


class CronInterval(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["cron"]
    cron: str

    @field_validator("cron")
    @classmethod
    def _valid(cls, value: str) -> str:
        if not croniter.is_valid(value):
            raise ValueError(f"not a cron expression: {value!r}")
        return value

    def next_after(self, moment: datetime) -> datetime:
        return croniter(self.cron, moment).get_next(datetime)


class SecondsInterval(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["interval"]
    seconds: float = Field(gt=0)

    def next_after(self, moment: datetime) -> datetime:
        return moment + timedelta(seconds=self.seconds)


#: the collector design's names for the wanted count, by what is counted (each means ``min_count``)
COUNT_ALIASES = ("min_fixtures_count", "min_records", "min_players")


class CoverageTarget(BaseModel):
    """What a job should hold. The collector design's keys are accepted as written: ``min_fixtures_count``,
    ``min_records`` or ``min_players`` (one of them) are ``min_count``; ``endpoint``, ``league_id``, ``season``,
    ``date_range`` and ``live`` say what the target is about (the endpoint must be the job's)."""

    model_config = ConfigDict(extra="forbid")
    min_count: int | None = Field(None, ge=0)
    max_lag_minutes: float | None = Field(None, gt=0)
    required_fields: list[str] = Field(default_factory=list)
    warning_ratio: float = Field(0.9, gt=0, le=1)  # below it on count or completeness: warning
    critical_ratio: float = Field(0.5, gt=0, le=1)  # below it: critical (lag: over 1/ratio times the max)
    endpoint: str | None = None
    league_id: int | str | None = None
    season: int | str | None = None
    date_range: str | None = None
    live: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _design_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        given = [k for k in ("min_count", *COUNT_ALIASES) if data.get(k) is not None]
        if len(given) > 1:
            raise ValueError(f"give one wanted count, not {' and '.join(given)}")
        data = dict(data)
        for alias in COUNT_ALIASES:
            if alias in data:
                data["min_count"] = data.pop(alias)
        if isinstance(data.get("endpoint"), str):
            data["endpoint"] = normalise_endpoint(data["endpoint"])
        return data


class Pages(BaseModel):
    """Follow a paged endpoint: ask page 1, 2, ... (``param``) until a page has no records, at most ``max``."""

    model_config = ConfigDict(extra="forbid")
    param: str = "page"
    max: int = Field(20, ge=1, le=500)


def normalise_endpoint(value: str) -> str:
    """``/fixtures`` and ``fixtures`` are the same endpoint (the collector design writes the path)."""
    return value.strip().lstrip("/")


class TargetLayer(StrEnum):
    """How far a job's answers go: ``raw`` archives them only (``matchday reparse`` can load them later);
    ``raw+core`` also stores the records; ``raw+core+mart`` (the default) also recomputes coverage."""

    RAW = "raw"
    RAW_CORE = "raw+core"
    RAW_CORE_MART = "raw+core+mart"


class Filters(BaseModel):
    """``tracked_leagues``: the provider's league ids a live loop stores and polls (None: every league)."""

    model_config = ConfigDict(extra="forbid")
    tracked_leagues: list[int | str] | None = None

    def tracks(self, league_id: int | str | None) -> bool:
        return self.tracked_leagues is None or str(league_id) in {str(x) for x in self.tracked_leagues}


class JobDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")
    job_id: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.:\-]+$")
    provider: str = DEFAULT_PROVIDER  # the collector design's files name no provider: they are API-Football's
    type: JobType
    enabled: bool = True
    priority: Priority = Priority.MEDIUM
    endpoint: str
    params: dict[str, str | int | float | bool] = Field(default_factory=dict)
    interval: Annotated[CronInterval | SecondsInterval, Field(discriminator="type")] | None = None
    dependencies: list[str] = Field(default_factory=list)
    coverage_target: CoverageTarget | None = None
    pages: Pages | None = None  # a paged endpoint (API-Football odds, players): every page is a request
    # live loops: how often to ask which matches are live (default: the polling policy's discovery interval)
    discovery_seconds: float | None = Field(None, gt=0)
    live_interval_seconds: float | None = Field(None, gt=0)  # and how often a match in play is polled
    league: str | None = None  # the leagues entry this job was expanded from (its competition key)
    season: str | None = None
    target_layer: TargetLayer = TargetLayer.RAW_CORE_MART
    filters: Filters = Field(default_factory=Filters)

    @field_validator("endpoint")
    @classmethod
    def _endpoint(cls, value: str) -> str:
        return normalise_endpoint(value)

    @model_validator(mode="after")
    def _interval_needed(self) -> JobDefinition:
        target = self.coverage_target
        if target is not None and target.endpoint is not None and target.endpoint != self.endpoint:
            raise ValueError(f"coverage_target.endpoint {target.endpoint!r} is not the job's endpoint "
                             f"{self.endpoint!r}")
        if self.type in (JobType.LIVE_LOOP, JobType.INCREMENTAL_DAILY) and self.interval is None:
            raise ValueError(f"a {self.type} job needs an interval")
        for value in self.params.values():
            for name in TEMPLATE.findall(str(value)):
                if name not in RUN_TIME_VARS:
                    raise ValueError(f"unknown template variable {{{{ {name} }}}} in params")
        return self

    def resolved_params(self, now: datetime | None = None) -> dict[str, str]:
        """The params with ``{{ today }}`` & co. filled for a run now (UTC)."""
        now = now or datetime.now(UTC)
        values = {"today": now.date().isoformat(), "yesterday": (now.date() - timedelta(days=1)).isoformat(),
                  "tomorrow": (now.date() + timedelta(days=1)).isoformat(), "now": now.isoformat(),
                  "today_compact": now.strftime("%Y%m%d")}
        return {k: TEMPLATE.sub(lambda m: values[m.group(1)], str(v)) if isinstance(v, str) else
                (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in self.params.items()}


class ProviderConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    daily_limit: int | None = Field(None, ge=0)
    minute_limit: int | None = Field(None, ge=0)
    thresholds: dict[Priority, int] = Field(default_factory=dict)
    enabled: bool | None = None  # default: on, except a scraped provider (SofaScore, Understat): true to enable

    def plan(self) -> ProviderPlan:
        return ProviderPlan(self.daily_limit, self.minute_limit, dict(self.thresholds))


class JobFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    defaults: dict[str, Any] = Field(default_factory=dict)
    leagues: list[dict[str, str | int]] = Field(default_factory=list)
    jobs: list[dict[str, Any]]


@dataclass
class JobRegistry:
    jobs: dict[str, JobDefinition] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # job id → the file (and line) it came from
    providers: dict[str, ProviderConfig] = field(default_factory=dict)
    directory: Path | None = None
    api: ApiFile | None = None  # the config folder's api.yaml, when there is one
    scraped: set[str] = field(default_factory=set)  # providers that are scraped sites: off unless enabled

    def provider_enabled(self, name: str) -> bool:
        configured = self.providers.get(name, ProviderConfig()).enabled
        return configured if configured is not None else name not in self.scraped

    def enabled(self) -> list[JobDefinition]:
        return [j for j in self.jobs.values() if j.enabled and self.provider_enabled(j.provider)]

    def plans(self) -> dict[str, ProviderPlan]:
        return {name: cfg.plan() for name, cfg in self.providers.items()}

    def order(self, job_ids: list[str] | None = None) -> list[str]:
        """Job ids with every dependency before its dependents (topological, stable by id)."""
        wanted = sorted(job_ids if job_ids is not None else self.jobs)
        done: list[str] = []
        seen: set[str] = set()

        def visit(job_id: str) -> None:
            if job_id in seen:
                return
            seen.add(job_id)
            for dep in self.jobs[job_id].dependencies:
                visit(dep)
            done.append(job_id)

        for job_id in wanted:
            visit(job_id)
        return done


# ---- loading ----------------------------------------------------------------------------------------------

def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the YAML node at ``loc`` (a Pydantic error location), as deep as it can be followed."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if getattr(k, "value", None) == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            match = node.value[part]
        else:
            match = None
        if match is None:
            break
        node, line = match, match.start_mark.line + 1
    return line


def _error(path: Path, node: yaml.Node | None, exc: ValidationError, prefix: tuple[Any, ...] = ()) -> ConfigError:
    problems = []
    for err in exc.errors():
        loc = prefix + tuple(err["loc"])
        field_name = ".".join(str(p) for p in loc) or "(file)"
        problems.append(f"{path}:{_line_of(node, loc)}: {field_name}: {err['msg']}")
    return ConfigError("invalid job file\n" + "\n".join(problems))


def _expand(value: Any, variables: Mapping[str, Any]) -> Any:
    if isinstance(value, str):
        def fill(m: re.Match[str]) -> str:
            name = m.group(1)
            return str(variables[name]) if name in variables else m.group(0)
        return TEMPLATE.sub(fill, value)
    if isinstance(value, list):
        return [_expand(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: _expand(v, variables) for k, v in value.items()}
    return value


def _uses_league_vars(raw: Any) -> bool:
    """Whether a job names a variable of the leagues entries (anything but the run-time ones)."""
    text = yaml.safe_dump(raw)
    return any(name not in RUN_TIME_VARS for name in TEMPLATE.findall(text))


def _read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    return read_yaml(path)


def load_providers(path: Path) -> dict[str, ProviderConfig]:
    if not path.exists():
        return {}
    data, node = _read_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: expected a mapping of provider name to its plan")
    result = {}
    for name, value in data.items():
        try:
            result[str(name)] = ProviderConfig.model_validate(value or {})
        except ValidationError as exc:
            raise _error(path, node, exc, (name,)) from None
    return result


def load_job_file(path: Path) -> list[tuple[JobDefinition, int | None]]:
    data, node = _read_yaml(path)
    if data is None:
        return []
    try:
        parsed = JobFile.model_validate(data)
    except ValidationError as exc:
        raise _error(path, node, exc) from None
    jobs = []
    for index, raw in enumerate(parsed.jobs):
        merged = {**parsed.defaults, **raw}
        entries = parsed.leagues if _uses_league_vars(merged) else [{}]
        if not entries:
            raise ConfigError(f"{path}:{_line_of(node, ('jobs', index))}: jobs.{index}: uses {{{{ league }}}} or "
                              f"{{{{ season }}}} but the file has no leagues")
        for entry in entries:
            expanded = _expand(merged, entry)
            if entry:
                expanded.setdefault("league", str(entry.get("league")) if "league" in entry else None)
                expanded.setdefault("season", str(entry["season"]) if "season" in entry else None)
            try:
                jobs.append((JobDefinition.model_validate(expanded), _line_of(node, ("jobs", index))))
            except ValidationError as exc:
                raise _error(path, node, exc, ("jobs", index)) from None
    return jobs


def load_registry(directory: Path, known_providers: Mapping[str, Any] | None = None) -> JobRegistry:
    """Every ``*.yaml`` job file of the folder (``providers.yaml`` aside), checked as a whole, with the config
    folder's ``api.yaml`` and ``coverage.yaml`` (the folder's parent: ``config/jobs`` → ``config/``)."""
    providers = load_providers(directory / "providers.yaml")
    api = load_api_file(directory.parent)
    if api is not None and DEFAULT_PROVIDER not in providers:
        providers[DEFAULT_PROVIDER] = ProviderConfig.model_validate(api.rate_limits.provider_config())
    registry = JobRegistry(providers=providers, directory=directory, api=api,
                           scraped={name for name, p in (known_providers or {}).items()
                                    if getattr(getattr(p, "info", None), "scraped", False)})
    if not directory.exists():
        return registry
    for path in sorted(directory.glob("*.y*ml")):
        if path.stem == "providers":
            continue
        for job, line in load_job_file(path):
            where = f"{path}:{line}"
            if job.job_id in registry.jobs:
                raise ConfigError(f"{where}: job_id {job.job_id!r} is already defined at "
                                  f"{registry.sources[job.job_id]}")
            # a disabled job may name a provider not installed yet; an enabled one must be runnable
            if known_providers is not None and job.enabled and job.provider not in known_providers:
                raise ConfigError(f"{where}: provider: unknown provider {job.provider!r}; "
                                  f"available: {', '.join(sorted(known_providers)) or 'none installed'}")
            if known_providers is not None and job.provider in known_providers:
                endpoints = known_providers[job.provider].info.endpoints
                if job.endpoint not in endpoints:
                    raise ConfigError(f"{where}: endpoint: {job.provider} has no endpoint {job.endpoint!r}; "
                                      f"known: {', '.join(sorted(endpoints))}")
            registry.jobs[job.job_id] = job
            registry.sources[job.job_id] = where
    _check_dependencies(registry)
    coverage = load_coverage_file(directory.parent)
    if coverage is not None:
        apply_coverage(registry, check_targets(directory.parent, coverage), coverage.alert_thresholds)
    return registry


def _check_dependencies(registry: JobRegistry) -> None:
    for job_id, job in registry.jobs.items():
        for dep in job.dependencies:
            if dep not in registry.jobs:
                raise ConfigError(f"{registry.sources[job_id]}: dependencies: unknown job {dep!r}")
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(job_id: str, path: list[str]) -> None:
        if state.get(job_id) == 2:
            return
        if state.get(job_id) == 1:
            cycle = path[path.index(job_id):] + [job_id]
            raise ConfigError(f"{registry.sources[job_id]}: dependencies: cycle {' -> '.join(cycle)}")
        state[job_id] = 1
        for dep in registry.jobs[job_id].dependencies:
            visit(dep, [*path, job_id])
        state[job_id] = 2

    for job_id in sorted(registry.jobs):
        visit(job_id, [])
