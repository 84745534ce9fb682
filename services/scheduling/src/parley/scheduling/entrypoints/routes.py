"""Scheduling serves every route of its contract (``parley.contracts.api.scheduling.ROUTES``)."""

from __future__ import annotations

from faststream.nats import NatsRouter

from parley.chassis.handlers import RouteAnswers
from parley.chassis.idempotency import CommandOutcomes
from parley.contracts.api import scheduling as api
from parley.scheduling.handlers.cancel_scheduled_space import cancel_scheduled_space
from parley.scheduling.handlers.dependencies import SchedulingDeps
from parley.scheduling.handlers.get_scheduled_space import get_scheduled_space
from parley.scheduling.handlers.list_scheduled_spaces import list_scheduled_spaces
from parley.scheduling.handlers.reminders import clear_reminder, set_reminder
from parley.scheduling.handlers.schedule_space import schedule_space
from parley.scheduling.handlers.update_scheduled_space import update_scheduled_space


def routes(deps: SchedulingDeps, *, queue: str, outcomes: CommandOutcomes | None) -> NatsRouter:
    answers = RouteAnswers(deps, queue=queue, outcomes=outcomes, contended="this schedule")
    answers.answer(api.SCHEDULE_SPACE, schedule_space)
    answers.answer(api.UPDATE_SCHEDULED_SPACE, update_scheduled_space)
    answers.answer(api.CANCEL_SCHEDULED_SPACE, cancel_scheduled_space)
    answers.answer(api.SET_REMINDER, set_reminder)
    answers.answer(api.CLEAR_REMINDER, clear_reminder)
    answers.answer(api.GET_SCHEDULED_SPACE, get_scheduled_space)
    answers.answer(api.LIST_SCHEDULED_SPACES, list_scheduled_spaces)
    return answers.router
