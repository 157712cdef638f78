"""A push service stand-in: a real local HTTP server that takes Web Push POSTs as a browser vendor's push service
does (RFC 8030), checks each one's VAPID token (RFC 8292: ES256 signature by the key in ``k``, ``aud`` = this
origin, ``exp`` in the future and at most 24 hours ahead, a ``sub`` contact), refuses a bad one with 403, answers
410 for a subscription it has expired, and keeps what it received. ``Browser`` plays the subscribing browser: its
own P-256 key pair and auth secret, and the decryption of what arrives (RFC 8291, ``aes128gcm``)."""

from __future__ import annotations

import base64
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    claims: dict[str, Any]  # the verified VAPID token's claims
    vapid_key: str  # the ``k`` the push came with


@dataclass
class Browser:
    """A subscribing browser: what ``PushManager.subscribe()`` makes and ``PushSubscription.toJSON()`` shows."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    def to_json(self) -> dict[str, Any]:
        point = self.private_key.public_key().public_bytes(serialization.Encoding.X962,
                                                           serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": self.endpoint, "expirationTime": None,
                "keys": {"p256dh": b64url(point), "auth": b64url(self.auth)}}

    def decrypt(self, received: Received) -> dict[str, Any]:
        """What the service worker's ``event.data.json()`` reads."""
        assert received.headers["content-encoding"] == "aes128gcm"
        plain = http_ece.decrypt(received.body, private_key=self.private_key, auth_secret=self.auth,
                                 version="aes128gcm")
        return json.loads(plain)


class PushService:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refused: list[str] = []  # why a push was refused (403)
        self.gone: set[str] = set()  # paths answered with 410
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, why = service._check(self.path, headers, body)
                self.send_response(status)
                self.send_header("content-length", "0")
                if status == 201:
                    self.send_header("location", f"{service.origin}/message/{secrets.token_hex(4)}")
                self.end_headers()
                if why:
                    with service.lock:
                        service.refused.append(why)

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> PushService:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def endpoint(self, name: str) -> str:
        return f"{self.origin}/push/{name}"

    def _check(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str | None]:
        scheme, _, params = headers.get("authorization", "").partition(" ")
        parts = dict(p.split("=", 1) for p in params.split(",") if "=" in p)
        if scheme.lower() != "vapid" or "t" not in parts or "k" not in parts:
            return 403, "no vapid t=,k= authorization"
        try:
            key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(parts["k"]))
            claims = jwt.decode(parts["t"], key, algorithms=["ES256"], audience=self.origin,
                                options={"require": ["exp", "aud", "sub"]})
        except (ValueError, jwt.PyJWTError) as exc:
            return 403, f"bad VAPID token: {exc!r}"
        if claims["exp"] > time.time() + 24 * 3600:
            return 403, "exp more than 24 hours ahead"
        if not str(claims["sub"]).startswith(("mailto:", "https:")):
            return 403, "sub is no contact"
        if "ttl" not in headers:
            return 400, "no TTL header"
        if path in self.gone:
            return 410, None
        with self.lock:
            self.received.append(Received(path, headers, body, claims, parts["k"]))
        return 201, None

    def wait_for(self, count: int, timeout_s: float = 30.0) -> list[Received]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.05)
        with self.lock:
            return list(self.received)
