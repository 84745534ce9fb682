"""Clipping serves every route of its contract (``parley.contracts.api.clipping.ROUTES``)."""

from __future__ import annotations

from faststream.nats import NatsRouter

from parley.chassis.handlers import RouteAnswers
from parley.chassis.idempotency import CommandOutcomes
from parley.clipping.handlers.create_clip import create_clip
from parley.clipping.handlers.dependencies import ClippingDeps
from parley.clipping.handlers.get_clip import get_clip
from parley.contracts.api import clipping as api


def routes(deps: ClippingDeps, *, queue: str, outcomes: CommandOutcomes) -> NatsRouter:
    answers = RouteAnswers(deps, queue=queue, outcomes=outcomes, contended="the clip")
    answers.answer(api.CREATE_CLIP, create_clip)
    answers.answer(api.GET_CLIP, get_clip)
    return answers.router
