"""Which accounts are suspended, so that their tokens stop working at once.

Tokens are verified offline, so the gateway must learn about suspensions itself. It subscribes
to identity's ``user_suspended`` / ``user_reinstated`` events (FastStream subscribers on the
gateway's broker, :func:`suspension_events`) and, once the broker has started them, asks
identity for the full list (:class:`SuspensionWatcher`), so nothing falls between the two;
events seen recently win over the list, which may come from a projection a moment behind them.
The list is re-read periodically to heal events missed while disconnected from NATS (core
subscriptions do not replay). Whoever holds something open for a user (the live channels: their
sockets) hears of each new suspension (:meth:`SuspendedUsers.on_suspension`) and closes it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable

from faststream.nats import NatsRouter
from faststream.nats.annotations import NatsMessage
from pydantic import ValidationError

from parley.chassis.bus import BusClient, RequestContext
from parley.chassis.errors import DomainError
from parley.chassis.logs import get_logger
from parley.contracts.api import identity
from parley.contracts.envelope import EventEnvelope
from parley.contracts.events.identity import CONTEXT, UserReinstated, UserSuspended
from parley.contracts.subjects import event_type_filter
from parley.gateway.tasks import cancel_and_wait

log = get_logger(__name__)


class SuspendedUsers:
    """The set of suspended user ids, from events and the occasional full list."""

    def __init__(
        self, *, event_grace_s: float = 120.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ids: set[str] = set()
        self._recent: dict[str, tuple[bool, float]] = {}  # user id -> (suspended, seen at)
        self._event_grace_s = event_grace_s
        self._clock = clock
        self._watchers: list[Callable[[str], None]] = []
        self.loaded = False

    def __contains__(self, user_id: object) -> bool:
        return user_id in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def on_suspension(self, watcher: Callable[[str], None]) -> None:
        """Call ``watcher(user_id)`` each time a user joins the set (an event or the list says
        so), e.g. to close what they still have open. It must not block or raise."""
        self._watchers.append(watcher)

    def apply_event(self, user_id: str, *, suspended: bool) -> None:
        self._recent[user_id] = (suspended, self._clock())
        self._set(user_id, suspended)

    def replace_all(self, suspended_ids: Iterable[str]) -> None:
        """Take the full list as truth, except for what events said in the grace period."""
        now = self._clock()
        self._recent = {
            user_id: seen
            for user_id, seen in self._recent.items()
            if seen[1] > now - self._event_grace_s
        }
        before, self._ids = self._ids, set(suspended_ids)
        for user_id, (suspended, _) in self._recent.items():
            self._set(user_id, suspended, announce=False)
        self.loaded = True
        for user_id in self._ids - before:
            self._announce(user_id)

    def _set(self, user_id: str, suspended: bool, *, announce: bool = True) -> None:
        if not suspended:
            self._ids.discard(user_id)
        elif user_id not in self._ids:
            self._ids.add(user_id)
            if announce:
                self._announce(user_id)

    def _announce(self, user_id: str) -> None:
        for watcher in self._watchers:
            try:
                watcher(user_id)
            except Exception:  # one watcher's bug must not keep the others from hearing it
                log.exception("suspensions.watcher_failed", user_id=user_id)


def suspension_events(users: SuspendedUsers) -> NatsRouter:
    """Subscribers applying identity's suspension events to ``users``. No queue group: every
    gateway process must see every event."""
    router = NatsRouter()
    for event, suspended in ((UserSuspended, True), (UserReinstated, False)):
        subject = event_type_filter(CONTEXT, event.event_type())
        router.subscriber(subject, title=f"{subject}:gateway")(_applier(users, suspended))
    return router


def _applier(users: SuspendedUsers, suspended: bool) -> Callable[[NatsMessage], Awaitable[None]]:
    async def apply(message: NatsMessage) -> None:
        user_id = _user_id_of(message.body)
        if user_id is None:
            log.warning("suspensions.unreadable_event", subject=message.raw_message.subject)
            return
        users.apply_event(user_id, suspended=suspended)
        log.info("suspensions.changed", user_id=user_id, suspended=suspended)

    return apply


class SuspensionWatcher:
    """Keeps :class:`SuspendedUsers` in step with identity's full list: loaded at start (once
    :func:`suspension_events` are subscribed), retried while identity is away, re-read every
    ``refresh_s``."""

    def __init__(
        self,
        bus: BusClient,
        suspended: SuspendedUsers,
        *,
        refresh_s: float,
        retry_s: float,
    ) -> None:
        self._bus = bus
        self._suspended = suspended
        self._refresh_s = refresh_s
        self._retry_s = retry_s
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._keep_loaded(), name="suspension-watcher")

    async def stop(self) -> None:
        if self._task is not None:
            await cancel_and_wait(self._task)

    async def _keep_loaded(self) -> None:
        retry_s = self._retry_s
        while True:
            if await self._load_once():
                if self._refresh_s <= 0:
                    return
                retry_s = self._retry_s
                await asyncio.sleep(self._refresh_s)
            else:  # back off to 10 times the base delay while identity stays away
                await asyncio.sleep(retry_s)
                retry_s = min(retry_s * 2, self._retry_s * 10)

    async def _load_once(self) -> bool:
        try:
            answer = await self._bus.call(
                identity.SUSPENDED_USERS, identity.Empty(), RequestContext()
            )
        except DomainError as error:  # identity not up yet, or failing: try again later
            log.warning("suspensions.load_failed", problem=error.type, detail=error.detail)
            return False
        except Exception:  # a bad answer or a closed connection must not end the watcher
            log.exception("suspensions.load_crashed")
            return False
        self._suspended.replace_all(answer.user_ids)
        log.info("suspensions.loaded", count=len(answer.user_ids))
        return True


def _user_id_of(body: bytes) -> str | None:
    try:
        user_id = EventEnvelope.model_validate_json(body).data.get("user_id")
    except ValidationError:
        user_id = None
    # Only the payload names the suspended user: the subject's aggregate could be the moderator.
    return user_id if isinstance(user_id, str) and user_id else None
