"""Captions serves every route of its contract (``parley.contracts.api.captions.ROUTES``)."""

from __future__ import annotations

from faststream.nats import NatsRouter

from parley.captions.handlers.dependencies import CaptionsDeps
from parley.captions.handlers.get_transcript import get_transcript
from parley.captions.handlers.search_transcripts import search_transcripts
from parley.chassis.handlers import RouteAnswers
from parley.chassis.idempotency import CommandOutcomes
from parley.contracts.api import captions as api


def routes(deps: CaptionsDeps, *, queue: str, outcomes: CommandOutcomes) -> NatsRouter:
    answers = RouteAnswers(deps, queue=queue, outcomes=outcomes)
    answers.answer(api.GET_TRANSCRIPT, get_transcript)
    answers.answer(api.SEARCH_TRANSCRIPTS, search_transcripts)
    return answers.router
