"""A lean httpx transport for direct HTTP/1.1 connections, built on the standard library.

Project pages of popular packages are megabytes of JSON; httpx's default transport spends
about three times the CPU of `http.client` receiving them (a Python-level event per TLS
record), and the index client's threads share one GIL. httpx still does everything above
the wire: redirects, authentication, cookies, decoding, and proxies (a proxy from the
environment gets httpx's own transport). Imported lazily, like httpx.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from collections.abc import Iterable
from typing import NoReturn

import httpx

ADDRESS_TTL_SECONDS = 300.0  # a long-running app still notices an index that moved
_DEFAULT_PORTS = {"http": 80, "https": 443}
_Origin = tuple[str, str, int]  # scheme, host, port


class StdlibTransport(httpx.BaseTransport):
    """Pooled keep-alive connections per origin; each host is looked up once per transport
    (on some networks one DNS lookup in ~40 stalls for 5 s, and every new connection would
    pay that chance again). Failures surface as the httpx exceptions httpcore raises."""

    def __init__(self, ssl_context: ssl.SSLContext) -> None:
        self._ssl_context = ssl_context
        self._idle: dict[_Origin, list[http.client.HTTPConnection]] = {}
        self._addresses: dict[tuple[str, int], tuple[float, list[str]]] = {}
        self._lock = threading.Lock()
        self._resolve_lock = threading.Lock()
        self._closed = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        timeouts = request.extensions.get("timeout", {})
        url = request.url
        origin = (url.scheme, url.host, url.port or _DEFAULT_PORTS.get(url.scheme, 80))
        connection = self._idle_connection(origin)
        if connection is not None:
            try:
                return self._exchange(origin, connection, request)
            except httpx.RemoteProtocolError:
                pass  # the server dropped the idle connection: once more on a fresh one
        connection = self._connect(origin, timeouts.get("connect"), timeouts.get("read"))
        return self._exchange(origin, connection, request)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle = [connection for pool in self._idle.values() for connection in pool]
            self._idle.clear()
        for connection in idle:
            connection.close()

    # -- internals ------------------------------------------------------------------------------

    def _exchange(
        self, origin: _Origin, connection: http.client.HTTPConnection, request: httpx.Request
    ) -> httpx.Response:
        try:
            connection.putrequest(
                request.method,
                request.url.raw_path.decode("ascii"),
                skip_host=True,
                skip_accept_encoding=True,
            )
            for name, value in request.headers.raw:
                connection.putheader(name, value)
            connection.endheaders(request.read() or None)
            response = connection.getresponse()
            body = response.read()
        except Exception as error:
            connection.close()
            _raise_mapped(error, connecting=False)
        if response.will_close:
            connection.close()
        else:
            self._release(origin, connection)
        return httpx.Response(
            status_code=response.status,
            headers=response.getheaders(),
            stream=httpx.ByteStream(body),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": response.reason.encode()},
        )

    def _idle_connection(self, origin: _Origin) -> http.client.HTTPConnection | None:
        with self._lock:
            if self._closed:
                raise RuntimeError("Cannot send a request, as the client has been closed.")
            pool = self._idle.get(origin)
            return pool.pop() if pool else None

    def _release(self, origin: _Origin, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            if not self._closed:
                self._idle.setdefault(origin, []).append(connection)
                return
        connection.close()

    def _connect(
        self, origin: _Origin, connect_timeout: float | None, read_timeout: float | None
    ) -> http.client.HTTPConnection:
        scheme, host, port = origin
        try:
            sock = self._open_socket(host, port, connect_timeout)
            if scheme == "https":
                sock = self._ssl_context.wrap_socket(sock, server_hostname=host)
        except Exception as error:
            _raise_mapped(error, connecting=True)
        sock.settimeout(read_timeout)
        connection = http.client.HTTPConnection(host, port)
        connection.sock = sock
        connection.auto_open = 0  # never reconnect behind our back (without TLS, unpooled)
        return connection

    def _open_socket(self, host: str, port: int, timeout: float | None) -> socket.socket:
        """Connects like socket.create_connection: each address in turn, else the last error."""
        error: OSError | None = None
        for address in self._resolve(host, port):
            try:
                sock = socket.create_connection((address, port), timeout)
            except OSError as failure:
                error = failure
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        raise error or OSError(f"no address for {host}")

    def _resolve(self, host: str, port: int) -> list[str]:
        with self._resolve_lock:
            # A host never looked up has no entry: never compare against a made-up time, as the
            # monotonic clock starts near zero when the machine boots.
            known = self._addresses.get((host, port))
            if known is not None and time.monotonic() - known[0] <= ADDRESS_TTL_SECONDS:
                return known[1]
            found = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
            addresses = _unique(str(entry[4][0]) for entry in found)
            self._addresses[(host, port)] = (time.monotonic(), addresses)
            return addresses


def _raise_mapped(error: Exception, *, connecting: bool) -> NoReturn:
    """Raises the httpx exception httpcore would raise for this failure."""
    message = str(error) or type(error).__name__
    if isinstance(error, TimeoutError):  # socket.timeout
        raise (httpx.ConnectTimeout if connecting else httpx.ReadTimeout)(message) from error
    if connecting and isinstance(error, OSError):
        raise httpx.ConnectError(message) from error
    if isinstance(error, (http.client.HTTPException, ConnectionError)):
        # e.g. the server closed the connection without answering
        raise httpx.RemoteProtocolError(message) from error
    if isinstance(error, OSError):
        raise httpx.ReadError(message) from error
    raise error


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
