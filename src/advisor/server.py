"""`advisor serve`: uvicorn with a guard against slow and idle clients, and a descriptor budget.

Uvicorn has no deadline for receiving request headers (its issue #157): a connection that
sends nothing, or trickles a header a byte at a time, is held forever, and enough of them
exhaust the process's file descriptors. The guard, a subclass of uvicorn's httptools
protocol (the approach of xorbitsai/inference PR 5213), closes a connection whose request
headers are not complete `header_timeout` seconds after it opened or after its previous
response; uvicorn's own keep-alive timeout closes idle connections between requests. At
most `max_connections` are open at once: a new one past the cap closes the connection that
has waited longest without a request, so a flood of idle sockets cannot lock out a probe.
bench/servers.py measured this against Hypercorn and Granian (figures in docs/SERVERS.md).

Past the headers, a request's body must arrive whole within `body_timeout` seconds (408
otherwise): a body trickled a byte at a time no longer holds its connection, and at the cap a
connection still waiting for its body can be closed to make room, like an idle one. The
request line and headers are capped in bytes and in number (431 past either) before the
parser keeps them: a 50 MB header costs its socket reads, not the parser's copies.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import resource
import sys
from typing import Any

import uvicorn
from uvicorn.config import LOGGING_CONFIG
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.supervisors import Multiprocess

from advisor.config import Settings, shared_metrics_dir

__all__ = ["DESCRIPTOR_RESERVE", "GuardedConfig", "GuardedHttpProtocol", "raise_descriptor_limit", "serve"]

# Descriptors kept free of client connections: index files, the model, database pools, logs.
DESCRIPTOR_RESERVE = 256
WORKER_HEALTHCHECK_SECONDS = 120
log = logging.getLogger("advisor.server")


def raise_descriptor_limit() -> int:
    """Raise this process's soft limit on open files to its hard limit; the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 16)
    if target > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):  # some platforms cap below the hard limit; keep what we have
            pass
    return soft


def connection_cap(wanted: int | None, descriptors: int) -> int:
    """Open connections allowed: what was asked for, within the descriptors left over."""
    room = max(32, descriptors - DESCRIPTOR_RESERVE)
    return min(wanted, room) if wanted else room


GIL_SWITCH_SECONDS = 0.001


class GuardedConfig(uvicorn.Config):
    """uvicorn's Config plus the guard's limits (an instance pickles to the worker processes)."""

    def __init__(
        self,
        *args: Any,
        header_timeout: float,
        max_connections: int,
        body_timeout: float = 30.0,
        max_header_bytes: int = 65_536,
        max_headers: int = 100,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = header_timeout
        self.max_connections = max_connections
        self.body_timeout = body_timeout
        self.max_header_bytes = max_header_bytes
        self.max_headers = max_headers

    def load(self) -> None:
        """Runs in each worker process, before it serves: its interpreter's switch interval too.

        The query encoder, FAISS and SQLite release the GIL while they work, and each needs it
        back to hand its result over. Python's default gives the holder 5 ms before it must let
        go, which a request then waits on at every hand-over; 1 ms cut the 32-client p95 of
        /api/chat by 6-19% in three A/B runs on this 2-core machine (same code, one setting).
        """
        sys.setswitchinterval(GIL_SWITCH_SECONDS)
        super().load()


class GuardedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with header and body deadlines, header caps and a cap on
    open connections."""

    def __init__(self, config: uvicorn.Config, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self.header_timeout = float(getattr(config, "header_timeout", 10.0))
        self.body_timeout = float(getattr(config, "body_timeout", 30.0))
        self.max_connections = int(getattr(config, "max_connections", 0)) or None
        self.max_header_bytes = int(getattr(config, "max_header_bytes", 65_536))
        self.max_headers = int(getattr(config, "max_headers", 100))
        self._deadline: asyncio.TimerHandle | None = None  # for the request headers
        self._body_deadline: asyncio.TimerHandle | None = None
        self._waiting_since = 0.0  # when it last started waiting for request headers, or a body
        self._reading_headers = True  # between one request's end and the next one's headers
        self._header_bytes = 0  # bytes of the request line and headers read so far
        self._header_count = 0
        self._refused = False  # answered 408 or 431 and closed: whatever else arrives is dropped

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        full = self.max_connections is not None and len(self.connections) >= self.max_connections
        if full and not self._make_room():
            self.transport = transport  # connection_lost closes it
            log.warning("connection cap of %d reached with every connection busy", self.max_connections)
            transport.write(b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n"
                            b"connection: close\r\n\r\n")  # fmt: skip
            transport.close()
            return
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self._disarm_body()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused or self.parser is None:
            return
        self._arm()  # the first bytes of the next request on a kept-alive connection start the clock
        if self._reading_headers:
            room = self.max_header_bytes - self._header_bytes
            self._header_bytes += min(len(data), max(room, 0))
            if len(data) > room:  # the parser sees no more of the headers than the cap allows
                if room > 0:
                    super().data_received(data[:room])
                if self._reading_headers:
                    self._refuse(431, "Request Header Fields Too Large", "request headers too large",
                                 {"max_bytes": self.max_header_bytes})  # fmt: skip
                    return
                data = data[room:]
                if self._refused or self.parser is None or not data:
                    return
        super().data_received(data)

    def on_message_begin(self) -> None:
        self._header_count = 0
        super().on_message_begin()

    def on_header(self, name: bytes, value: bytes) -> None:
        if self._refused:
            return
        self._header_count += 1
        if self._header_count > self.max_headers:
            self._refuse(431, "Request Header Fields Too Large", "too many request headers",
                         {"max_headers": self.max_headers})  # fmt: skip
            return
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        if self._refused:
            return
        self._disarm()
        self._reading_headers, self._header_bytes = False, 0
        super().on_headers_complete()
        if self.cycle is not None and self.cycle.more_body and not self.cycle.response_complete:
            self._waiting_since = self.loop.time()  # now waiting for the body
            self._body_deadline = self.loop.call_later(self.body_timeout, self._body_expired)

    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if self._refused:
            return
        self._disarm_body()
        self._reading_headers = True
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._waiting_since = self.loop.time()  # now idle: uvicorn's keep-alive timeout runs

    def handle_websocket_upgrade(self) -> None:
        self._disarm()
        super().handle_websocket_upgrade()

    # -----------------------------------------------------------------------------

    def _awaiting_headers(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _awaiting_body(self) -> bool:
        return self.cycle is not None and self.cycle.more_body and not self.cycle.response_complete

    def _arm(self) -> None:
        if self._deadline is None and self._awaiting_headers():
            self._waiting_since = self.loop.time()
            self._deadline = self.loop.call_later(self.header_timeout, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _disarm_body(self) -> None:
        if self._body_deadline is not None:
            self._body_deadline.cancel()
            self._body_deadline = None

    def _expire(self) -> None:
        self._deadline = None
        if self.transport is not None and not self.transport.is_closing() and self._awaiting_headers():
            self.transport.close()

    def _body_expired(self) -> None:
        self._body_deadline = None
        if self.transport is not None and not self.transport.is_closing() and self._awaiting_body():
            self._refuse(408, "Request Timeout", "request body not received in time",
                         {"body_timeout_seconds": self.body_timeout})  # fmt: skip

    def _refuse(self, status: int, reason: str, message: str, detail: dict[str, Any]) -> None:
        """Answer with a JSON error (unless a response has begun) and close the connection."""
        self._refused = True
        self._disarm()
        self._disarm_body()
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True  # the app, if it waits for the body, hears a disconnect
            self.cycle.message_event.set()
        if self.cycle is None or not self.cycle.response_started or self.cycle.response_complete:
            body = json.dumps({"error": message, "detail": detail}).encode()
            self.transport.write(
                f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
                f"content-length: {len(body)}\r\nconnection: close\r\n\r\n".encode()
                + body
            )
        self.transport.close()

    def _make_room(self) -> bool:
        """Close the connection that has waited longest for a request or for its body; False if
        every connection is busy answering one."""
        waiting = [
            c for c in self.connections
            if isinstance(c, GuardedHttpProtocol) and (c._awaiting_headers() or c._awaiting_body())
        ]  # fmt: skip
        if not waiting:
            return False
        oldest = min(waiting, key=lambda c: c._waiting_since)
        if oldest._awaiting_body() and oldest.cycle is not None:
            oldest.cycle.disconnected = True
            oldest.cycle.message_event.set()
        oldest.transport.close()
        self.connections.discard(oldest)  # its descriptor is freed as the loop closes it
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's logging, plus the app's JSON access lines on stdout (uvicorn's own are off)."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["plain"] = {"format": "%(message)s"}
    config["handlers"]["advisor"] = {"class": "logging.StreamHandler", "formatter": "plain",
                                     "stream": "ext://sys.stdout"}  # fmt: skip
    config["loggers"]["advisor"] = {"handlers": ["advisor"], "level": "INFO", "propagate": False}
    return config


def serve(settings: Settings, host: str, port: int, workers: int) -> None:
    """Run the app under the guarded uvicorn until interrupted."""
    descriptors = raise_descriptor_limit()
    proxies = settings.trusted_proxy_list
    config = GuardedConfig(
        "advisor.api:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        http=GuardedHttpProtocol,
        timeout_keep_alive=int(settings.keep_alive_timeout),
        header_timeout=settings.header_timeout,
        body_timeout=settings.body_timeout,
        max_header_bytes=settings.max_header_bytes,
        max_headers=settings.max_headers,
        max_connections=connection_cap(settings.max_connections, descriptors),
        # X-Forwarded-For counts only from the proxies named; otherwise the socket peer is the
        # client (uvicorn's default would trust it from 127.0.0.1, whoever connects there).
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        log_config=log_config(),
        access_log=False,  # the app's JSON access log replaces uvicorn's (which shows raw paths)
        log_level="info",
        # A worker busy importing torch and loading the model cannot answer the supervisor's
        # ping; uvicorn's 5 s default killed every worker in a loop on a loaded 2-core machine.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )
    server = uvicorn.Server(config)
    if workers > 1:
        with shared_metrics_dir(settings.prometheus_multiproc_dir):
            Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        server.run()
