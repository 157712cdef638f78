"""A stand-in for the shipped nginx, as a separate process: a reverse proxy that forwards every request to one
upstream, connecting from its own address, and appends the client's address to X-Forwarded-For exactly as
nginx's ``$proxy_add_x_forwarded_for`` does (``<header as received>, <client address>``).

    python -m tests.security.standin_proxy LISTEN_PORT UPSTREAM_PORT SOURCE_ADDRESS
"""

from __future__ import annotations

import http.client
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


def make_handler(upstream_port: int, source: str) -> type[BaseHTTPRequestHandler]:
    class Proxy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args: object) -> None:
            pass

        def _forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP | {"x-forwarded-for"}}
            received = self.headers.get("x-forwarded-for")
            client = self.client_address[0]
            headers["X-Forwarded-For"] = f"{received}, {client}" if received else client
            headers["X-Forwarded-Proto"] = "http"
            upstream = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=30,
                                                  source_address=(source, 0))
            try:
                upstream.request(self.command, self.path, body=body or None, headers=headers)
                answer = upstream.getresponse()
                payload = answer.read()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in HOP_BY_HOP | {"content-length"}:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            finally:
                upstream.close()

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

    return Proxy


def main() -> None:
    listen, upstream, source = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    ThreadingHTTPServer(("127.0.0.1", listen), make_handler(upstream, source)).serve_forever()


if __name__ == "__main__":
    main()
