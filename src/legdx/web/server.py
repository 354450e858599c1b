"""Run the app under uvicorn with the settings a public port needs (``legdx serve``).

uvicorn times out an idle keep-alive connection but not a client that sends its request headers
one byte at a time, so one slow client could hold a connection for ever. The protocol below closes
a connection whose request headers are not complete within ``header_timeout`` seconds (a slow
body is cut by :class:`legdx.web.middleware.BodyLimitMiddleware`). The ``Server`` banner is off,
and uvicorn's own access log, which writes every path and so every record id, is replaced by the
``legdx.access`` log of route templates.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = ["HeaderTimeoutProtocol", "run"]


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol plus a deadline for the request line and headers of every request."""

    header_timeout: float = 10.0
    _header_timer: asyncio.TimerHandle | None = None

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:  # the request line and headers are in
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._arm()  # the next request on this keep-alive connection gets its own deadline


def run(app: Any, *, host: str, port: int, log_level: str, header_timeout: float) -> None:
    """Serve ``app`` on ``host:port`` until interrupted."""
    import uvicorn

    protocol = type("LegdxH11Protocol", (HeaderTimeoutProtocol,), {"header_timeout": header_timeout})
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=log_level,
        proxy_headers=False,
        server_header=False,
        access_log=False,
        http=protocol,
        timeout_keep_alive=5,
        limit_concurrency=256,
        timeout_graceful_shutdown=10,
    )
