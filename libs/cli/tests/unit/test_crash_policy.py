from parley.cli.crash_policy import CrashPolicy, GiveUp, Restart

POLICY = CrashPolicy(max_restarts=3, first_delay_s=1.0, stable_after_s=60.0)


def test_restarts_back_off_exponentially() -> None:
    assert POLICY.after_crash(0, uptime_s=2) == Restart(attempt=1, delay_s=1.0)
    assert POLICY.after_crash(1, uptime_s=2) == Restart(attempt=2, delay_s=2.0)
    assert POLICY.after_crash(2, uptime_s=2) == Restart(attempt=3, delay_s=4.0)


def test_gives_up_after_the_last_restart_crashes_too() -> None:
    assert POLICY.after_crash(3, uptime_s=2) == GiveUp(crashes=4)


def test_a_crash_after_a_long_stable_run_counts_afresh() -> None:
    assert POLICY.after_crash(3, uptime_s=61) == Restart(attempt=1, delay_s=1.0)


def test_no_restarts_at_all_when_configured_so() -> None:
    assert CrashPolicy(max_restarts=0).after_crash(0, uptime_s=0) == GiveUp(crashes=1)
