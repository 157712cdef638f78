"""JWTs (PyJWT, HS256): short-lived access tokens and rotating refresh tokens, both tied to a session.

Every token names its session (``sid``, a refresh-token family). Revoking the session ends its access tokens
too: each authenticated request checks the session is still open, not only the signature.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from matchday.errors import Unauthorized
from matchday.store.keys import as_internal_id

ALGORITHM = "HS256"
ISSUER = "matchday"


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    session_id: str
    jti: str
    kind: str  # access | refresh | web
    expires_at: datetime


def issue(secret: str, kind: str, user_id: int, session_id: str, lifetime: timedelta,
          jti: str | None = None) -> tuple[str, str]:
    """A signed token and its id."""
    now = datetime.now(UTC)
    jti = jti or str(uuid.uuid4())
    claims = {"iss": ISSUER, "sub": str(user_id), "sid": session_id, "jti": jti, "typ": kind,
              "iat": int(now.timestamp()), "exp": int((now + lifetime).timestamp())}
    return jwt.encode(claims, secret, algorithm=ALGORITHM), jti


def decode(secret: str, token: str, kind: str) -> TokenClaims:
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], issuer=ISSUER,
                            options={"require": ["exp", "sub", "sid", "jti", "typ"]})
    except jwt.ExpiredSignatureError:
        raise Unauthorized("token expired") from None
    except jwt.PyJWTError:
        raise Unauthorized("invalid token") from None
    if claims.get("typ") != kind:
        raise Unauthorized(f"not an {kind} token" if kind == "access" else f"not a {kind} token")
    user_id = as_internal_id(str(claims["sub"]))  # the one bounded id: 2**70 is no user, not an overflow
    if user_id is None or user_id < 1:
        raise Unauthorized("invalid token")
    return TokenClaims(user_id, str(claims["sid"]), str(claims["jti"]), kind,
                       datetime.fromtimestamp(claims["exp"], UTC).replace(tzinfo=None))
