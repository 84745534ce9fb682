import io
from pathlib import Path

from parley.cli.crash_policy import CrashPolicy, GiveUp, Restart
from parley.cli.terminal import Terminal, crash_banner, describe_exit, describe_stop, prefixed


def test_exit_descriptions_name_the_signal() -> None:
    assert describe_exit(0) == "exit code 0"
    assert describe_exit(3) == "exit code 3"
    assert describe_exit(-9) == "killed by SIGKILL"
    assert describe_exit(-15) == "killed by SIGTERM"


def test_lines_are_prefixed_with_an_aligned_name() -> None:
    assert prefixed("room", 8, "hello") == "room     | hello"


def test_crash_banner_names_service_exit_code_log_lines_and_what_happens_next() -> None:
    banner = crash_banner(
        "identity",
        1,
        ["Traceback (most recent call last):", "RuntimeError: boom"],
        Path("/d/logs/identity.log"),
        Restart(attempt=2, delay_s=2.0),
        CrashPolicy(),
    )

    assert "SERVICE CRASHED: identity (exit code 1)" in banner
    assert "/d/logs/identity.log" in banner
    assert "!!   RuntimeError: boom" in banner
    assert "restarting identity in 2s (restart 2 of 3)" in banner


def test_giving_up_says_the_stack_stops() -> None:
    banner = crash_banner("room", -9, [], Path("room.log"), GiveUp(crashes=4), CrashPolicy())

    assert "room (killed by SIGKILL)" in banner
    assert "crashed 4 times in a row: stopping the stack" in banner


def test_progress_goes_to_stdout_and_alarms_to_stderr() -> None:
    out, err = io.StringIO(), io.StringIO()
    terminal = Terminal(out=out, err=err)
    terminal.fit(["gateway", "room"])

    terminal.say("ready")
    terminal.child("room", "line")
    terminal.alarm("!! boom")

    assert out.getvalue() == "parley  | ready\nroom    | line\n"
    assert err.getvalue() == "!! boom\n"


def test_stopping_on_sigterm_counts_as_clean_even_when_the_signal_is_re_raised() -> None:
    assert describe_stop(0) == "cleanly"
    assert describe_stop(-15) == "cleanly"
    assert describe_stop(1) == "uncleanly: exit code 1"
    assert describe_stop(-9) == "uncleanly: killed by SIGKILL"
