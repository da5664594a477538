"""A stand-in for the npm registry on localhost, for the asset tests: no request leaves the machine.

It answers npm's two questions the dashboard asks: a package's metadata (``/<name>/<version>``:
its tarball's address and SHA-512 integrity) and the tarball itself (``/<name>@<version>.tgz``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def serve(tarballs: dict[str, bytes], corrupt: set[str] | None = None,
          hits: list[str] | None = None) -> Iterator[str]:
    """Serve ``tarballs`` (by ``name@version``); yields the registry's address.

    A spec in ``corrupt`` gets a tarball with a stray byte (its integrity no longer matches);
    every request path is appended to ``hits``.
    """
    corrupt = set() if corrupt is None else corrupt
    url = ""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if hits is not None:
                hits.append(self.path)
            path = self.path.replace("%2F", "/").replace("%2f", "/").lstrip("/")
            if path.endswith(".tgz"):
                spec = path[: -len(".tgz")]
                body = tarballs[spec] + (b"x" if spec in corrupt else b"")
            else:
                name, _, version = path.rpartition("/")
                data = tarballs[f"{name}@{version}"]
                digest = base64.b64encode(hashlib.sha512(data).digest()).decode()
                body = json.dumps({"dist": {"tarball": f"{url}{name}@{version}.tgz",
                                            "integrity": f"sha512-{digest}"}}).encode()
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield url
    finally:
        server.shutdown()
