"""The Space-field rules room and scheduling share (``parley.contracts.space_fields``)."""

from __future__ import annotations

import pytest

from parley.contracts.rejections import InvalidInput
from parley.contracts.space_fields import (
    FieldProblem,
    check_description,
    check_title,
    check_topics,
    is_valid_id,
)


def test_a_title_is_stripped_and_1_to_70_characters_without_control_characters() -> None:
    assert check_title("  Tea time ") == "Tea time"
    assert check_title("x" * 70) == "x" * 70
    for bad in ("", "   ", "x" * 71, "tea\x00time"):
        with pytest.raises(FieldProblem) as problem:
            check_title(bad)
        assert problem.value.slug == "invalid-title"


def test_a_description_is_at_most_280_characters() -> None:
    assert check_description(" " + "d" * 280 + " ") == "d" * 280
    with pytest.raises(FieldProblem) as problem:
        check_description("d" * 281)
    assert problem.value.slug == "invalid-description"


def test_topics_are_lowercased_once_each_and_at_most_three() -> None:
    assert check_topics(["Jazz", "jazz ", "Blues", "Soul"]) == ("jazz", "blues", "soul")
    for bad in (["a", "b", "c", "d"], [""], ["t" * 31]):
        with pytest.raises(FieldProblem) as problem:
            check_topics(bad)
        assert problem.value.slug == "invalid-topics"


def test_ids_are_subject_safe() -> None:
    assert is_valid_id("sp_abc-1")
    assert not is_valid_id("sp.abc")
    assert not is_valid_id("sp abc")
    assert not is_valid_id("")


def test_a_broken_field_is_a_422_rejection_every_service_answers_alike() -> None:
    with pytest.raises(InvalidInput) as problem:
        check_title("")

    assert (problem.value.status, problem.value.slug) == (422, "invalid-title")
    assert isinstance(problem.value, FieldProblem)
