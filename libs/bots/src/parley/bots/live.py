"""A Space's live channel (``/api/v1/spaces/{id}/live``, a WebSocket) as a bot reads it: every
JSON message ``{type, space_id, at, data}`` kept in order, and waits for the expected ones."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

Message = dict[str, Any]
Predicate = Callable[[Message], bool]


def live_url(base_url: str, space_id: str) -> str:
    origin = base_url.rstrip("/").replace("http://", "ws://", 1).replace("https://", "wss://", 1)
    return f"{origin}/api/v1/spaces/{quote(space_id, safe='')}/live"


class LiveChannel:
    def __init__(self, connection: ClientConnection, space_id: str) -> None:
        self.space_id = space_id
        self.connection = connection
        self.messages: list[Message] = []
        self.close_code: int | None = None
        self._changed = asyncio.Condition()
        self._reader = asyncio.create_task(self._read(), name=f"live-{space_id}")

    @classmethod
    async def open(
        cls, base_url: str, space_id: str, token: str | None, timeout_s: float = 15.0
    ) -> LiveChannel:
        """Open the channel, authenticated with the bearer token (anonymous without one)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        connection = await connect(
            live_url(base_url, space_id),
            additional_headers=headers,
            open_timeout=timeout_s,
            proxy=None,
        )
        return cls(connection, space_id)

    @property
    def closed(self) -> bool:
        return self._reader.done()

    async def _read(self) -> None:
        try:
            async for raw in self.connection:
                message = json.loads(raw)
                if isinstance(message, dict):
                    async with self._changed:
                        self.messages.append(message)
                        self._changed.notify_all()
        except (ConnectionClosed, ValueError):
            pass
        finally:
            self.close_code = self.connection.close_code
            async with self._changed:
                self._changed.notify_all()

    async def wait_for(
        self,
        message_type: str,
        predicate: Predicate | None = None,
        *,
        after: int = 0,
        timeout_s: float = 10.0,
    ) -> Message:
        """The first message of ``message_type`` (matching ``predicate``) from index ``after``
        on, waiting up to ``timeout_s`` for it; TimeoutError if none came."""

        def found() -> Message | None:
            for message in self.messages[after:]:
                if message.get("type") == message_type and (
                    predicate is None or predicate(message)
                ):
                    return message
            return None

        async with asyncio.timeout(timeout_s), self._changed:
            while (message := found()) is None:
                if self.closed:
                    raise ConnectionError(f"the live channel closed ({self.close_code})")
                await self._changed.wait()
            return message

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.connection.close()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader
