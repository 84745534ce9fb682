"""Rejections leave the service as problem details with their slug and the right status."""

from __future__ import annotations

import pytest

from parley.chassis.bus import RequestContext
from parley.chassis.decider import TooMuchContention
from parley.chassis.errors import DomainError
from parley.chassis.handlers import as_domain_error, bind
from parley.identity.domain import errors as domain


@pytest.mark.parametrize(
    ("rejection", "status"),
    [
        (domain.InvalidInput("invalid-handle", "bad"), 422),
        (domain.NotAuthenticated("invalid-credentials", "no"), 401),
        (domain.NotAllowed("blocked", "no"), 403),
        (domain.UnknownUser("ghost"), 404),
        (domain.Conflict("handle-taken", "taken"), 409),
    ],
)
def test_each_kind_of_rejection_has_its_status(rejection: domain.Rejected, status: int) -> None:
    bus_error = as_domain_error(rejection)
    assert bus_error is not None
    problem = bus_error.to_problem()
    assert problem["status"] == status
    assert problem["type"] == rejection.slug
    assert problem["detail"] == rejection.detail


async def test_bound_handlers_raise_bus_errors() -> None:
    async def refuses(deps: object, payload: object, ctx: RequestContext) -> None:
        raise domain.UnknownUser("ghost")

    async def contended(deps: object, payload: object, ctx: RequestContext) -> None:
        raise TooMuchContention("usr_1")

    with pytest.raises(DomainError) as error:
        await bind(None, refuses)(None, RequestContext())  # type: ignore[arg-type]
    assert (error.value.status, error.value.type) == (404, "user-not-found")
    with pytest.raises(DomainError) as error:
        await bind(None, contended)(None, RequestContext())  # type: ignore[arg-type]
    assert (error.value.status, error.value.type) == (409, "busy")
