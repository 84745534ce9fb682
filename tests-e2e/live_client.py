"""Live channels (WebSocket) as a client app uses them: a reader thread keeps every message,
and tests wait for the ones they expect with a deadline."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

Message = dict[str, Any]
Predicate = Callable[[dict[str, Any]], bool]


def ws_url(base_url: str, path: str, ticket: str | None = None) -> str:
    url = base_url.replace("http://", "ws://", 1).replace("https://", "wss://", 1) + path
    return f"{url}?ticket={quote(ticket)}" if ticket else url


def auth_headers(token: str | None = None, cookie: str | None = None) -> dict[str, str]:
    """``Authorization: Bearer`` for apps, the ``parley_token`` cookie for browsers."""
    headers = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if cookie:
        headers["Cookie"] = f"parley_token={cookie}"
    return headers


def open_connection(
    base_url: str,
    path: str,
    *,
    token: str | None = None,
    cookie: str | None = None,
    ticket: str | None = None,
) -> ClientConnection:
    return connect(
        ws_url(base_url, path, ticket),
        additional_headers=auth_headers(token, cookie),
        open_timeout=15,
        close_timeout=5,
        proxy=None,
        max_queue=None,  # the reader thread drains it; never let the server's writes stall
        legacy=True,  # a plain connection (closed by LiveSocket), not a context manager
    )


class LiveSocket:
    """One open live channel. ``messages`` is everything received, in order; ``arrived`` the
    ``time.perf_counter()`` at which each was read off the socket (for delays)."""

    def __init__(self, connection: ClientConnection, name: str = "") -> None:
        self.name = name
        self.connection = connection
        self.messages: list[Message] = []
        self.arrived: list[float] = []
        self.closed = False
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, name=f"live-{name}", daemon=True)
        self._reader.start()

    @classmethod
    def open(
        cls,
        base_url: str,
        path: str,
        *,
        name: str = "",
        token: str | None = None,
        cookie: str | None = None,
        ticket: str | None = None,
    ) -> LiveSocket:
        connection = open_connection(base_url, path, token=token, cookie=cookie, ticket=ticket)
        return cls(connection, name)

    def _read(self) -> None:
        try:
            for raw in self.connection:
                arrived = time.perf_counter()
                message = json.loads(raw)
                with self._changed:
                    self.messages.append(message)
                    self.arrived.append(arrived)
                    self._changed.notify_all()
        except (ConnectionClosed, OSError):
            pass
        finally:
            with self._changed:
                self.closed = True
                self._changed.notify_all()

    @property
    def close_code(self) -> int | None:
        return self.connection.close_code

    def snapshot(self) -> list[Message]:
        with self._changed:
            return list(self.messages)

    def of_type(self, kind: str) -> list[Message]:
        return [message for message in self.snapshot() if message.get("type") == kind]

    def types(self) -> list[str]:
        return [str(message.get("type")) for message in self.snapshot()]

    def wait_for(
        self,
        kind: str,
        where: Predicate = lambda data: True,
        *,
        after: int = 0,
        timeout_s: float = 10,
    ) -> tuple[int, Message]:
        """The first message of type ``kind`` at index >= ``after`` whose ``data`` satisfies
        ``where``, with its index; AssertionError after the deadline."""
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while True:
                for index in range(after, len(self.messages)):
                    message = self.messages[index]
                    if message.get("type") == kind and where(message.get("data") or {}):
                        return index, message
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (self.closed and not self._reader.is_alive()):
                    break
                self._changed.wait(min(remaining, 0.5))
        raise AssertionError(
            f"{self.name}: no {kind} message matching within {timeout_s}s "
            f"(closed={self.closed}, code={self.close_code}); got types {self.types()}\n"
            f"last messages: {json.dumps(self.snapshot()[-5:], ensure_ascii=False)[:3000]}"
        )

    def wait_until(self, check: Callable[[list[Message]], bool], timeout_s: float = 10) -> None:
        """Until ``check(messages)`` is true; AssertionError after the deadline."""
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while not check(self.messages):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"{self.name}: condition not met; types {self.types()}")
                self._changed.wait(min(remaining, 0.5))

    def wait_closed(self, timeout_s: float = 10) -> int | None:
        """The close code once the server has closed the socket."""
        self._reader.join(timeout_s)
        assert not self._reader.is_alive(), f"{self.name}: still open after {timeout_s}s"
        return self.close_code

    def close(self) -> None:
        self.connection.close()
        self._reader.join(10)


def refused_connection(
    base_url: str,
    path: str,
    *,
    token: str | None = None,
    timeout_s: float = 10,
) -> tuple[int | None, int | None, list[Message]]:
    """Try to open a live channel that must be refused: ``(http_status, close_code, messages)``.
    A server may refuse at the handshake (an HTTP status) or accept and close at once (a close
    code, with no state sent)."""
    try:
        connection = open_connection(base_url, path, token=token)
    except InvalidStatus as refused:
        return refused.response.status_code, None, []
    socket = LiveSocket(connection, "refused")
    try:
        code = socket.wait_closed(timeout_s)
    finally:
        socket.connection.close()
    return None, code, socket.snapshot()
