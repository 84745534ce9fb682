"""``parley demo [--url URL] [--listeners N] [--seconds S]``: a scripted Space with bots over
real WebRTC (``parley.bots.scenario``), then a table of who heard what.

Without ``--url`` it first starts the stack (``parley up`` on a free port, in a temporary data
directory, see :mod:`parley.cli.demo_stack`) and stops it at the end. Exit code 0 when every
bot heard exactly what it should, 1 when one did not (or the demo could not run), 2 when the
stack could not start.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from parley.cli.demo_stack import ChildStack, StackFailed
from parley.cli.registry import Service, is_installed
from parley.cli.terminal import Terminal, failure_banner


def add_demo_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = commands.add_parser(
        "demo",
        help="run a scripted Space with bots and print who heard what",
        description=(
            "Register a host, two speakers and N listeners (bots), run a live Space in which "
            "the host and the speakers take turns playing 440, 660 and 880 Hz tones over "
            "WebRTC while everyone records, then print who heard what. Exits 1 if a bot "
            "missed a speaker (or heard one it should not have)."
        ),
    )
    demo.add_argument(
        "--url",
        help="a running Parley (its public URL); default: start one for the demo and stop it",
    )
    demo.add_argument("--listeners", type=_positive_int, default=20, help="default: 20")
    demo.add_argument(
        "--seconds",
        type=_positive_float,
        default=30.0,
        help="how long the three turns last together (default: 30)",
    )
    demo.add_argument(
        "--ready-timeout",
        type=_positive_float,
        default=180.0,
        metavar="SECONDS",
        help="give up when the stack it starts is not ready this long after start (180)",
    )


def run_demo_command(
    args: argparse.Namespace, env: Mapping[str, str], out: TextIO | None = None
) -> int:
    terminal = Terminal(out=out)
    try:
        return asyncio.run(_demo(args, env, terminal))
    except KeyboardInterrupt:
        terminal.say("interrupted")
        return 130


async def _demo(args: argparse.Namespace, env: Mapping[str, str], terminal: Terminal) -> int:
    if args.url:
        terminal.say(f"using the stack at {args.url}")
        return await _run_bots(args.url.rstrip("/"), args, terminal)
    if not is_installed(Service("media_relay")):
        terminal.alarm(failure_banner("the media relay is not installed: run `uv sync`"))
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="parley-demo-"))
    stack = ChildStack(workdir, env)
    code = 2
    try:
        terminal.say(f"starting the stack (parley up, output in {stack.output})")
        started = time.monotonic()
        await stack.start(args.ready_timeout)
        terminal.say(f"the stack is up at {stack.url} ({time.monotonic() - started:.1f}s)")
        code = await _run_bots(stack.url, args, terminal)
    except StackFailed as error:
        terminal.alarm(failure_banner(f"parley demo: {error}", stack.tail()))
    finally:
        terminal.say("stopping the stack")
        stopped = await stack.stop()
        if code == 0 and stopped == 0:
            shutil.rmtree(workdir, ignore_errors=True)
            terminal.say("the stack stopped")
        else:
            terminal.say(f"the stack stopped ({stopped}); its output and data are in {workdir}")
    return code


async def _run_bots(url: str, args: argparse.Namespace, terminal: Terminal) -> int:
    try:
        from parley.bots.scenario import DemoOptions, run_demo
    except ImportError as error:  # parley-bots is a separate package (aiortc, numpy)
        terminal.alarm(failure_banner(f"parley demo needs parley-bots: {error}"))
        return 2
    options = DemoOptions(url, listeners=args.listeners, seconds=args.seconds)
    try:
        result = await run_demo(options, terminal.say)
    except Exception as error:  # whatever broke, say what and where, then stop cleanly
        terminal.alarm(failure_banner(f"parley demo failed: {type(error).__name__}: {error}"))
        return 1
    terminal.say("")
    terminal.say("who heard what:")
    for line in result.table.splitlines():
        terminal.say(line)
    terminal.say(result.indicators)
    terminal.say("")
    if result.ok:
        listeners = sum(1 for hearing in result.hearings if hearing.role == "listener")
        terminal.say(
            f"every bot heard what it should: {_count(listeners, 'listener')} heard all "
            f"{len(result.turns)} stage members, and no one heard themselves"
        )
        return 0
    terminal.alarm(failure_banner("some bots did not hear what they should", result.failures))
    return 1


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}" + ("" if number == 1 else "s")


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value
