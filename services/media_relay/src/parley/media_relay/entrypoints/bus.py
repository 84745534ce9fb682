"""The media relay's side of the request/reply contract (``parley.contracts.api.media``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from pydantic import BaseModel

from parley.chassis.bus import BusRouter, RequestContext, Route
from parley.chassis.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    ServiceUnavailable,
)
from parley.chassis.handlers import bind, rejection_translator
from parley.contracts.api.media import CONTEXT, NegotiateMedia, SpaceRef
from parley.contracts.media import worker_negotiate_subject
from parley.media_relay.adapters.peers import BadOffer
from parley.media_relay.domain.placement import NoWorkers
from parley.media_relay.domain.roles import (
    MediaRefused,
    NotJoined,
    RemovedFromSpace,
    SpaceNotLive,
)
from parley.media_relay.handlers import negotiate, sessions
from parley.media_relay.handlers.dependencies import MediaDeps

_REFUSALS = rejection_translator(
    MediaRefused, {SpaceNotLive: Conflict, NotJoined: Forbidden, RemovedFromSpace: Forbidden}
)
_BAD_OFFER = rejection_translator(BadOffer, {BadOffer: InvalidInput})
_NO_WORKERS = rejection_translator(NoWorkers, {NoWorkers: ServiceUnavailable})


P = TypeVar("P", bound=BaseModel)
R = TypeVar("R")


def _translate(error: Exception) -> DomainError | None:
    return _REFUSALS(error) or _BAD_OFFER(error) or _NO_WORKERS(error)


def build_router(deps: MediaDeps) -> BusRouter:
    router = BusRouter(CONTEXT)

    def bound(
        handler: Callable[[MediaDeps, P, RequestContext], Awaitable[R]],
    ) -> Callable[[P, RequestContext], Awaitable[R]]:
        return bind(deps, handler, translate=_translate, contended="the media session")

    router.command("negotiate", NegotiateMedia)(bound(negotiate.negotiate))
    router.command("close_session", SpaceRef)(bound(sessions.close_session))
    router.query("active_speakers", SpaceRef)(bound(sessions.active_speakers))
    # This worker's own subject: negotiations that placement sent here.
    subject = worker_negotiate_subject(deps.worker.worker_id)
    router.routes.append(Route(subject, NegotiateMedia, bound(negotiate.negotiate_here)))
    return router
