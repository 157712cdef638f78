"""The server's VAPID key pair (RFC 8292): made once, kept in a file only its owner may read, never printed or
served. Browsers get the public key (``applicationServerKey``); push services check every push's signature with it,
so every process that pushes (API processes, Celery workers) must read the same file."""

from __future__ import annotations

import base64
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid

from matchday.errors import MatchdayError


class VapidKeyError(MatchdayError):
    """The VAPID key file exists but holds no P-256 private key."""


@dataclass(frozen=True)
class VapidKeys:
    signer: Vapid  # signs each push's JWT (pywebpush takes it as is)
    public_key: str  # base64url of the uncompressed point: the browser's applicationServerKey

    def __repr__(self) -> str:  # never the private key, whatever logs the object
        return f"VapidKeys(public_key={self.public_key!r})"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _keys(private: ec.EllipticCurvePrivateKey) -> VapidKeys:
    point = private.public_key().public_bytes(serialization.Encoding.X962,
                                              serialization.PublicFormat.UncompressedPoint)
    return VapidKeys(Vapid(private), b64url(point))


def load(path: Path) -> VapidKeys | None:
    """The key pair in ``path``; None when there is no file yet."""
    try:
        pem = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        private = serialization.load_pem_private_key(pem, password=None)
    except ValueError as exc:
        raise VapidKeyError(f"{path} holds no PEM private key") from exc
    if not isinstance(private, ec.EllipticCurvePrivateKey) or private.curve.name != "secp256r1":
        raise VapidKeyError(f"{path} must hold a P-256 (prime256v1) key, as VAPID requires")
    return _keys(private)


def load_or_create(path: Path) -> tuple[VapidKeys, bool]:
    """The key pair in ``path``, made there first when there is none (mode 0600; two processes starting at once
    keep one key: the file appears whole, by a hard link that fails when another got there first). Returns
    (keys, created)."""
    found = load(path)
    if found is not None:
        return found, False
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".vapid-")
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), 0o600)
            out.write(pem)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temp, path)
        except FileExistsError:
            kept = load(path)
            assert kept is not None
            return kept, False
    finally:
        os.unlink(temp)
    return _keys(private), True
