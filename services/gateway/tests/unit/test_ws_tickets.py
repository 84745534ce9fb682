"""WebSocket tickets: signed, short-lived, single-use per gateway."""

from __future__ import annotations

import pytest

from parley.gateway.auth import Caller
from parley.gateway.problems import Problem
from parley.gateway.ws_tickets import WsTickets, ticket_key

ADA = Caller("usr_ada", "ada", moderator=True)
PEM = b"-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----\n"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def refused(tickets: WsTickets, ticket: str) -> str:
    with pytest.raises(Problem) as raised:
        tickets.redeem(ticket)
    assert raised.value.status == 401
    return raised.value.slug


def test_a_ticket_names_its_caller_once():
    tickets = WsTickets(ticket_key(None, PEM), 30, clock=Clock())
    issued = tickets.issue(ADA)

    assert issued.expires_in == 30
    assert tickets.redeem(issued.ticket) == ADA
    assert refused(tickets, issued.ticket) == "ticket-used"


def test_a_ticket_expires():
    clock = Clock()
    tickets = WsTickets(ticket_key(None, PEM), 30, clock=clock)
    issued = tickets.issue(ADA)

    clock.now += 30

    assert refused(tickets, issued.ticket) == "ticket-expired"


def test_tickets_of_a_deployment_work_on_all_its_gateways_and_no_other():
    issued = WsTickets(ticket_key(None, PEM), 30).issue(ADA)

    assert WsTickets(ticket_key(None, PEM), 30).redeem(issued.ticket) == ADA
    assert refused(WsTickets(ticket_key(None, PEM + b"x"), 30), issued.ticket) == "invalid-ticket"
    assert refused(WsTickets(ticket_key("s3cret", PEM), 30), issued.ticket) == "invalid-ticket"


def test_a_configured_secret_replaces_the_derived_key():
    assert ticket_key("s3cret", PEM) == ticket_key("s3cret", b"another key")
    assert ticket_key("s3cret", PEM) != ticket_key(None, PEM)


@pytest.mark.parametrize("ticket", ["", ".", "abc", "abc.def", "a.b.c", "Zm9v.bar"])
def test_malformed_tickets_are_invalid(ticket):
    assert refused(WsTickets(ticket_key(None, PEM), 30), ticket) == "invalid-ticket"


def test_redeemed_ids_are_forgotten_once_expired():
    clock = Clock()
    tickets = WsTickets(ticket_key(None, PEM), 30, clock=clock)
    for _ in range(5):
        tickets.redeem(tickets.issue(ADA).ticket)

    clock.now += 31
    tickets.redeem(tickets.issue(ADA).ticket)

    assert len(tickets._redeemed) == 1
