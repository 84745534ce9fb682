from __future__ import annotations

import pytest

from parley.gateway.request_ids import request_id_of


def scope_with(request_id: bytes | None) -> dict:
    headers = [(b"x-request-id", request_id)] if request_id is not None else []
    return {"type": "http", "headers": headers}


@pytest.mark.parametrize("offered", [b"abc", b"0af7651916cd43dd8448eb211c80319c", b"a.b:c-d_e"])
def test_plain_ids_are_honoured(offered):
    assert request_id_of(scope_with(offered)) == offered.decode()


@pytest.mark.parametrize("offered", [None, b"", b"has space", b"x" * 129, b"new\nline"])
def test_other_ids_are_replaced(offered):
    assert request_id_of(scope_with(offered)).startswith("req_")


def test_the_id_is_stable_within_a_request():
    scope = scope_with(None)

    assert request_id_of(scope) == request_id_of(scope)
