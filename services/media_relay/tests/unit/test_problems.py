"""The relay's rejections: each carries its slug and status (the one error binding turns them
into problems), and each is declared on the route that may answer it."""

from __future__ import annotations

import pytest

from parley.chassis.bus import NOT_SIGNED_IN
from parley.chassis.handlers import as_domain_error
from parley.contracts.api.media import CLOSE_SESSION, NEGOTIATE
from parley.media_relay.adapters.peers import BadOffer
from parley.media_relay.domain.placement import NoWorkers
from parley.media_relay.domain.roles import NotJoined, RemovedFromSpace, SpaceNotLive

REJECTIONS = {
    "not joined": (NotJoined("join first"), 403, "not-joined"),
    "removed": (RemovedFromSpace("removed"), 403, "removed"),
    "not live": (SpaceNotLive("not live"), 409, "space-not-live"),
    "bad offer": (BadOffer("no audio"), 422, "bad-offer"),
    "no workers": (NoWorkers(), 503, "no-media-workers"),
}


@pytest.mark.parametrize(("rejection", "status", "slug"), REJECTIONS.values(), ids=REJECTIONS)
def test_a_rejection_is_a_problem_the_negotiate_route_declares(
    rejection: Exception, status: int, slug: str
) -> None:
    problem = as_domain_error(rejection)

    assert problem is not None
    assert (problem.status, problem.type) == (status, slug)
    assert problem.detail
    assert slug in NEGOTIATE.problems


def test_not_signed_in_is_declared_where_an_actor_is_required() -> None:
    assert NOT_SIGNED_IN == "unauthenticated"
    assert NOT_SIGNED_IN in NEGOTIATE.problems
    assert NOT_SIGNED_IN in CLOSE_SESSION.problems
