"""Password hashing (argon2id through pwdlib) and the strength rules a new password must pass.

The common-password list is Django's (20,000 passwords seen in breaches; BSD licence), shipped gzipped in
``matchday/data``. Verification of an unknown user still runs one argon2 verification against a dummy hash,
so a login takes the same time whether or not the account exists.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from matchday.errors import InvalidInput

MIN_LENGTH = 10
MAX_LENGTH = 128

# argon2id with OWASP's recommended minimum (19 MiB, 2 iterations, 1 lane): about 0.1 s per hash on one core
# here, where pwdlib's default (64 MiB, 3 iterations, 4 lanes) takes 0.5 s on a shared 2-core machine.
_hasher = PasswordHash((Argon2Hasher(time_cost=2, memory_cost=19456, parallelism=1),))


@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """Made when a server starts (``AccountsState.create``), not at import: every CLI start imports this module."""
    return _hasher.hash("matchday dummy password for unknown users")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    data = resources.files("matchday.data").joinpath("common-passwords.txt.gz").read_bytes()
    return frozenset(line.strip().lower() for line in gzip.decompress(data).decode().splitlines() if line.strip())


#: words of this site: a password built on them is among the first an attacker tries (NIST 800-63B 3.1.1.2)
SITE_WORDS = ("matchday",)


def _trivial(password: str) -> str | None:
    """Why a password is trivially guessable (one character or a short unit repeated, a run of consecutive
    characters), else None."""
    lowered = password.lower()
    if len(set(lowered)) <= 3:
        return "too repetitive: use more than three different characters"
    for unit in range(1, 5):
        if len(lowered) % unit == 0 and lowered == lowered[:unit] * (len(lowered) // unit):
            return "too repetitive: a few characters repeated"
    steps = {ord(b) - ord(a) for a, b in zip(lowered, lowered[1:], strict=False)}
    if steps in ({1}, {-1}):
        return "a run of consecutive characters (abcd..., 1234...)"
    return None


def check_strength(password: str, username: str = "", email: str = "") -> None:
    """Raise InvalidInput naming the rule a password breaks, as NIST SP 800-63B asks: its length, a common or
    breached password, a trivially repetitive or sequential one, or one containing the account's own words (its
    username, its email's name, the site's name) whatever their length."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"password too short: at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"password too long: at most {MAX_LENGTH} characters")
    lowered = password.lower()
    if lowered in common_passwords():
        raise InvalidInput("password is on the list of common or breached passwords; choose another")
    if reason := _trivial(password):
        raise InvalidInput(f"password is {reason}" if reason.startswith("a ") else f"password {reason}")
    local = email.lower().partition("@")[0]
    context = [word for word in (username.lower(), local, *SITE_WORDS) if len(word) >= 3]
    if any(word in lowered for word in context):
        raise InvalidInput("password must not contain the username, the email's name or the site's name")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """True when it matches; ``password_hash`` None (no such user) costs the same and is False."""
    if password_hash is None:
        _hasher.verify(password, dummy_hash())
        return False
    try:
        return _hasher.verify(password, password_hash)
    except Exception:  # noqa: BLE001 - a malformed stored hash never matches
        return False
