"""``parley demo``'s command line and the environment of the stack it starts for itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from parley.cli.demo_stack import ChildStack
from parley.cli.main import build_parser


def test_demo_defaults_to_20_listeners_for_30_seconds_on_a_stack_of_its_own() -> None:
    args = build_parser({}).parse_args(["demo"])

    assert (args.command, args.url, args.listeners, args.seconds) == ("demo", None, 20, 30.0)


def test_demo_options() -> None:
    argv = ["demo", "--url", "http://h:1", "--listeners", "3", "--seconds", "9"]
    args = build_parser({}).parse_args(argv)

    assert (args.url, args.listeners, args.seconds) == ("http://h:1", 3, 9.0)


@pytest.mark.parametrize("argv", [["--listeners", "0"], ["--seconds", "0"], ["--seconds", "x"]])
def test_demo_refuses_nonsense(argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser({}).parse_args(["demo", *argv])


def test_the_demo_stack_lets_bots_register_quickly_unless_told_otherwise(tmp_path: Path) -> None:
    env = {"PARLEY_DATA_DIR": "/elsewhere", "PARLEY_LOGIN_RATE_LIMIT": "5", "HOME": "/h"}

    stack = ChildStack(tmp_path, env)

    assert stack.env["PARLEY_REGISTER_RATE_LIMIT"] == "0"
    assert stack.env["PARLEY_LOGIN_RATE_LIMIT"] == "5"
    assert "PARLEY_DATA_DIR" not in stack.env
    assert stack.env["HOME"] == "/h"
    assert stack.url == f"http://127.0.0.1:{stack.port}"
