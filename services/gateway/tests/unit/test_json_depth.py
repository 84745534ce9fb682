"""The nesting bound of JSON bodies (``parley.gateway.bodies``), and live pings that nest."""

from __future__ import annotations

import pytest

from parley.gateway.bodies import MAX_JSON_DEPTH, exceeds_depth
from parley.gateway.live.messages import is_ping


def nested_list(depth: int) -> object:
    value: object = "leaf"
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("value", "depth"),
    [("x", 0), (5, 0), (None, 0), ([], 1), ({}, 1), ({"a": [1, {"b": []}]}, 4), ([[], [[]]], 3)],
)
def test_depth_counts_lists_and_objects(value, depth):
    assert not exceeds_depth(value, depth)
    assert exceeds_depth(value, depth - 1) == (depth > 0)


def test_any_depth_is_safe_to_ask():
    assert exceeds_depth(nested_list(100_000), MAX_JSON_DEPTH)
    assert not exceeds_depth(nested_list(MAX_JSON_DEPTH), MAX_JSON_DEPTH)


def test_a_wide_shallow_value_is_within_the_bound():
    assert not exceeds_depth({"items": [[{"a": 1}] for _ in range(10_000)]}, 4)


def test_a_ping_nested_deeper_than_json_parses_is_not_a_ping_and_no_crash():
    assert not is_ping("[" * 2000 + "]" * 2000)
