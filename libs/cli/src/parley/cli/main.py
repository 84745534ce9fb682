"""``parley`` command line: ``parley up [--data-dir DIR] [--port PORT] [--replicas N]``,
``parley demo``, ``parley asyncapi``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from parley.cli.asyncapi import add_asyncapi_command, run_asyncapi_command
from parley.cli.demo import add_demo_command, run_demo_command
from parley.cli.stack import UpOptions, run_up

DEFAULT_HTTP_PORT = 8080


def build_parser(env: Mapping[str, str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="parley", description="Parley developer commands")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    up = commands.add_parser(
        "up",
        help="run the whole stack locally until Ctrl-C",
        description=(
            "Start an embedded nats-server (unless NATS_URL is set) and every installed "
            "service as its own process, wait until all are ready, print the URL and serve "
            "until Ctrl-C or SIGTERM."
        ),
    )
    up.add_argument(
        "--data-dir",
        type=Path,
        default=Path(env.get("PARLEY_DATA_DIR", ".parley")),
        help="state: NATS store, SQLite databases, token keys, logs (default: ./.parley)",
    )
    up.add_argument(
        "--port",
        type=int,
        default=int(env.get("PARLEY_HTTP_PORT", DEFAULT_HTTP_PORT)),
        help=f"public HTTP port of the gateway (default: PARLEY_HTTP_PORT or {DEFAULT_HTTP_PORT})",
    )
    up.add_argument(
        "--replicas",
        type=_at_least_one,
        default=env.get("PARLEY_REPLICAS", "1"),  # a string: argparse checks it like a flag
        metavar="N",
        help="processes of each service (default: PARLEY_REPLICAS or 1); gateway replicas "
        "listen on PORT, PORT+1, ...",
    )
    up.add_argument(
        "--ready-timeout",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="give up when a service is not ready this long after start (default: 120)",
    )
    up.add_argument(
        "--stop-timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="SIGKILL a service still running this long after SIGTERM (default: 10)",
    )
    add_demo_command(commands)
    add_asyncapi_command(commands)
    return parser


def options_from(args: argparse.Namespace) -> UpOptions:
    return UpOptions(
        data_dir=args.data_dir,
        http_port=args.port,
        ready_timeout_s=args.ready_timeout,
        stop_timeout_s=args.stop_timeout,
        replicas=args.replicas,
    )


def run(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    env = dict(os.environ) if env is None else env
    args = build_parser(env).parse_args(argv)
    if args.command == "up":
        return run_up(options_from(args), env)
    if args.command == "demo":
        return run_demo_command(args, env)
    if args.command == "asyncapi":
        return run_asyncapi_command(args)
    return 2  # pragma: no cover - argparse rejects unknown commands first


def _at_least_one(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main() -> None:
    sys.exit(run())


if __name__ == "__main__":
    main()
