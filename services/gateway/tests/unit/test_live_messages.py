"""Reading live messages: only what routing needs, the text kept as published."""

from __future__ import annotations

import pytest

from parley.contracts.api.room import NotificationPage
from parley.gateway.live import close_codes
from parley.gateway.live.messages import is_ping, read_event, snapshot


def test_the_text_is_kept_verbatim():
    payload = '{"type":"reactions","space_id":"sp_1","at":"x","data":{"counts":{"🔥":2}}}'

    event = read_event(payload.encode())

    assert event is not None
    assert (event.text, event.type, event.space_id, event.version) == (
        payload,
        "reactions",
        "sp_1",
        None,
    )
    assert event.droppable


def test_the_space_may_come_from_the_data_and_the_version_must_be_a_number():
    event = read_event(b'{"type":"you.removed","data":{"space_id":"sp_2","version":true}}')

    assert event is not None
    assert (event.space_id, event.version, event.droppable) == ("sp_2", None, False)
    assert read_event(b'{"type":"mic.changed","data":{"version":7}}').version == 7


@pytest.mark.parametrize("payload", [b"", b"nope", b"[1]", b'{"data":{}}', b'{"type":3}', b"\xff"])
def test_what_is_not_a_live_message_is_refused(payload):
    assert read_event(payload) is None


def test_a_snapshot_carries_its_version():
    page = NotificationPage(items=[], unread=3)

    event = snapshot("notifications.state", None, page)

    assert (event.type, event.version) == ("notifications.state", None)
    assert '"unread":3' in event.text


def test_pings():
    assert is_ping('{"type": "ping"}')
    assert not is_ping('{"type": "pong"}')
    assert not is_ping("ping")


@pytest.mark.parametrize(
    ("status", "code"),
    [(401, 4401), (403, 4403), (404, 4404), (409, 4409), (429, 1013), (503, 1013), (500, 1011)],
)
def test_close_codes_for_service_problems(status, code):
    assert close_codes.for_status(status) == code
