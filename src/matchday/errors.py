"""Errors raised by matchday.

Hierarchy::

    MatchdayError
    ├── SourceError                 a provider's data could not be fetched or understood
    │   ├── FetchError              HTTP failed after retries (status, URL)
    │   │   ├── RateLimited         the provider said slow down (429) or our own quota is spent
    │   │   │   ├── QuotaExhausted  the known remaining quota is zero: the request is not sent
    │   │   │   └── PrioritySkipped the day's quota is below the threshold of the job's priority
    │   │   └── CircuitOpen         too many recent failures on this endpoint; not called
    │   ├── ProviderError           the provider answered with an error body (bad parameters, bad key)
    │   ├── ParseError              a provider value we do not understand (provider, field, value)
    │   └── UnreadableFile          a whole file cannot be read (encoding, missing columns, not JSON)
    ├── NotFound                    an id, code or name that is not in the store
    ├── Conflict                    a write that contradicts what is stored (a locked prediction: 409)
    ├── ConfigError                 a setting that cannot work
    ├── BadRequest                  400: a taken username, a duplicate favorite
    ├── InvalidInput                422: a rule the schema cannot express (weak password, unknown time zone)
    ├── Unauthorized                401: no credential, or a wrong, expired or revoked one
    ├── Forbidden                   403: a credential without the right (inactive user, not the owner)
    ├── TooManyAttempts             429 with Retry-After: our own limit on logins and registrations
    └── MailNotConfigured           503: an email is needed and no SMTP server is configured

API errors (later) carry ``status_code`` and ``error_code``; each class sets both here so one
handler renders every error the same way.
"""

from __future__ import annotations


class MatchdayError(Exception):
    status_code = 500
    error_code = "INTERNAL_ERROR"


class SourceError(MatchdayError):
    status_code = 502
    error_code = "SOURCE_ERROR"


class FetchError(SourceError):
    error_code = "FETCH_FAILED"


class RateLimited(FetchError):
    status_code = 429
    error_code = "RATE_LIMITED"


class QuotaExhausted(RateLimited):
    error_code = "QUOTA_EXHAUSTED"

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(message)


class PrioritySkipped(RateLimited):
    error_code = "PRIORITY_SKIPPED"


class CircuitOpen(FetchError):
    status_code = 503
    error_code = "CIRCUIT_OPEN"


class ProviderError(SourceError):
    """An error the provider reports inside its answer (often with HTTP 200): never data."""

    error_code = "PROVIDER_ERROR"

    def __init__(self, provider: str, errors: object, endpoint: str | None = None) -> None:
        self.provider, self.errors, self.endpoint = provider, errors, endpoint
        where = f" ({endpoint})" if endpoint else ""
        super().__init__(f"{provider}{where} answered with an error: {errors}")


class ParseError(SourceError):
    error_code = "PARSE_ERROR"

    def __init__(self, provider: str, field: str, value: object, reason: str = "unknown value") -> None:
        self.provider, self.field, self.value, self.reason = provider, field, value, reason
        super().__init__(f"{provider}: {reason} for {field}: {value!r}")

    @property
    def unknown_code(self) -> bool:
        """A value outside the provider's vocabulary (a status, event type, statistic ... not listed yet): it
        costs the one record that carries it, and `matchday status` counts it so the vocabulary can grow."""
        return self.reason.startswith("unknown")


class UnreadableFile(SourceError):
    error_code = "UNREADABLE_FILE"

    def __init__(self, location: str, reason: str) -> None:
        self.location, self.reason = location, reason
        super().__init__(f"{location}: {reason}")


class NotFound(MatchdayError):
    status_code = 404
    error_code = "NOT_FOUND"


class Conflict(MatchdayError):
    status_code = 409
    error_code = "CONFLICT"

    def __init__(self, message: str = "", error_code: str | None = None) -> None:
        super().__init__(message)
        if error_code:
            self.error_code = error_code


class ConfigError(MatchdayError):
    error_code = "CONFIG_ERROR"


class BadRequest(MatchdayError):
    """A request that cannot be honoured as asked (a taken username, a duplicate favorite)."""

    status_code = 400
    error_code = "BAD_REQUEST"


class InvalidInput(MatchdayError):
    """Input that fails a rule the schema cannot express (a weak password, an unknown time zone)."""

    status_code = 422
    error_code = "VALIDATION_ERROR"


class Unauthorized(MatchdayError):
    """No credential, or one that is wrong, expired or revoked."""

    status_code = 401
    error_code = "UNAUTHORIZED"
    headers = {"WWW-Authenticate": "Bearer"}


class Forbidden(MatchdayError):
    status_code = 403
    error_code = "FORBIDDEN"


class TooManyAttempts(MatchdayError):
    """Our own rate limit on a client (login, register): answered 429 with Retry-After."""

    status_code = 429
    error_code = "RATE_LIMITED"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.headers = {"Retry-After": str(max(1, retry_after_s))}


class MailNotConfigured(MatchdayError):
    """An email is needed and no SMTP server is configured (``MATCHDAY_SMTP_HOST``): answered 503."""

    status_code = 503
    error_code = "EMAIL_NOT_CONFIGURED"
