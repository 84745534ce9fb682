"""Recording serves every route of its contract (``parley.contracts.api.recording.ROUTES``)."""

from __future__ import annotations

from faststream.nats import NatsRouter

from parley.chassis.handlers import RouteAnswers
from parley.chassis.idempotency import CommandOutcomes
from parley.contracts.api import recording as api
from parley.recording.handlers.delete_recording import delete_recording
from parley.recording.handlers.dependencies import RecordingDeps
from parley.recording.handlers.get_recording import get_recording
from parley.recording.handlers.list_my_recordings import list_my_recordings
from parley.recording.handlers.record_play import record_play


def routes(deps: RecordingDeps, *, queue: str, outcomes: CommandOutcomes) -> NatsRouter:
    answers = RouteAnswers(deps, queue=queue, outcomes=outcomes, contended="the recording")
    answers.answer(api.GET_RECORDING, get_recording)
    answers.answer(api.LIST_MY_RECORDINGS, list_my_recordings)
    answers.answer(api.DELETE_RECORDING, delete_recording)
    answers.answer(api.RECORD_PLAY, record_play)
    return answers.router
