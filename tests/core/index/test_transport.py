"""The index client's HTTP transport: keep-alive reuse and servers that drop idle connections."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from uvtui.core.index.transport import ADDRESS_TTL_SECONDS, StdlibTransport


class Server(ThreadingHTTPServer):
    daemon_threads = True
    drop_after_answer = False
    connections = 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def setup(self) -> None:
        super().setup()
        self.server.connections += 1

    def do_GET(self) -> None:
        body = self.path.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = self.server.drop_after_answer  # without saying so

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(*, drop_after_answer: bool) -> Iterator[Server]:
    server = Server(("127.0.0.1", 0), Handler)
    server.drop_after_answer = drop_after_answer
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def get_all(server: Server, paths: list[str]) -> list[str]:
    url = f"http://127.0.0.1:{server.server_address[1]}"
    transport = StdlibTransport(httpx.create_ssl_context())
    with httpx.Client(transport=transport, timeout=5) as client:
        return [client.get(url + path).text for path in paths]


def test_connections_are_kept_alive() -> None:
    with serve(drop_after_answer=False) as server:
        assert get_all(server, ["/a", "/b", "/c"]) == ["/a", "/b", "/c"]
    assert server.connections == 1


def test_a_dropped_idle_connection_is_replaced() -> None:
    with serve(drop_after_answer=True) as server:
        assert get_all(server, ["/a", "/b", "/c"]) == ["/a", "/b", "/c"]
    assert server.connections == 3


def test_refused_connection_is_a_connect_error() -> None:
    with serve(drop_after_answer=False) as server:
        port = server.server_address[1]
    transport = StdlibTransport(httpx.create_ssl_context())
    with httpx.Client(transport=transport, timeout=5) as client, pytest.raises(httpx.ConnectError):
        client.get(f"http://127.0.0.1:{port}/")


def test_first_request_works_while_the_monotonic_clock_is_near_zero(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Right after a machine boots, time.monotonic() is below the address TTL."""
    clock = [1.5]
    monkeypatch.setattr("time.monotonic", lambda: clock[0])
    with serve(drop_after_answer=True) as server:
        assert get_all(server, ["/a"]) == ["/a"]
        clock[0] = 2.0
        assert get_all(server, ["/b"]) == ["/b"]


def test_addresses_are_looked_up_again_after_their_ttl(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [0.0]
    lookups: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def counting_getaddrinfo(host: str, *args: object) -> object:
        lookups.append(host)
        return real_getaddrinfo(host, *args)  # type: ignore[arg-type]

    monkeypatch.setattr("time.monotonic", lambda: clock[0])
    monkeypatch.setattr(socket, "getaddrinfo", counting_getaddrinfo)
    with serve(drop_after_answer=True) as server:
        # by name: connecting to the looked-up address does not count as a lookup of "localhost"
        url = f"http://localhost:{server.server_address[1]}"
        with httpx.Client(transport=StdlibTransport(httpx.create_ssl_context())) as client:
            client.get(url + "/a")
            clock[0] = ADDRESS_TTL_SECONDS  # still fresh
            client.get(url + "/b")
            clock[0] = ADDRESS_TTL_SECONDS + 1.0  # stale
            client.get(url + "/c")
    assert lookups.count("localhost") == 2
