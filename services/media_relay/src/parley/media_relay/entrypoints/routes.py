"""The media relay's side of the request/reply contract (``parley.contracts.api.media``):
every route of ``ROUTES`` in the service's queue group, and this worker's own subject for the
negotiations placement sends here."""

from __future__ import annotations

from faststream.nats import NatsRouter

from parley.chassis.handlers import RouteAnswers
from parley.chassis.idempotency import CommandOutcomes
from parley.contracts.api.media import ACTIVE_SPEAKERS, CLOSE_SESSION, NEGOTIATE
from parley.contracts.media import worker_negotiate_subject
from parley.media_relay.handlers import negotiate, sessions
from parley.media_relay.handlers.dependencies import MediaDeps

SERVICE = "media_relay"
CONTENDED = "the media session"


def build_routes(deps: MediaDeps, outcomes: CommandOutcomes) -> NatsRouter:
    answers = RouteAnswers(deps, queue=SERVICE, outcomes=outcomes, contended=CONTENDED)
    answers.answer(NEGOTIATE, negotiate.negotiate)
    answers.answer(CLOSE_SESSION, sessions.close_session)
    answers.answer(ACTIVE_SPEAKERS, sessions.active_speakers)
    # This worker's own subject. No other worker listens on it, so the queue group only tells
    # if two processes were started with the same worker id: then one of them, not both,
    # opens the session (two answers to one offer would leave a dead peer connection behind).
    answers.answer(
        NEGOTIATE,
        negotiate.negotiate_here,
        subject=worker_negotiate_subject(deps.worker.worker_id),
    )
    return answers.router
