"""``parley up`` with a registry of stand-in services (``fake_services/``), for these tests.

usage: run_fake_stack.py DATA_DIR HTTP_PORT READY_TIMEOUT_S NAME[:http] ...
(``PARLEY_REPLICAS`` in the environment: processes of each service)
"""

import os
import sys
from pathlib import Path

FAKES = str(Path(__file__).parent / "fake_services")
sys.path.insert(0, FAKES)

from parley.cli.crash_policy import CrashPolicy  # noqa: E402
from parley.cli.registry import Probe, Service  # noqa: E402
from parley.cli.stack import UpOptions, run_up  # noqa: E402


def service(arg: str) -> Service:
    name, _, probe = arg.partition(":")
    return Service(name, probe=Probe.HTTP_READYZ if probe == "http" else Probe.NATS_HEALTH)


data_dir, port, ready_timeout, *names = sys.argv[1:]
options = UpOptions(
    Path(data_dir),
    int(port),
    ready_timeout_s=float(ready_timeout),
    stop_timeout_s=5,
    crash_policy=CrashPolicy(max_restarts=2, first_delay_s=0.2),
    replicas=int(os.environ.get("PARLEY_REPLICAS", "1")),
)
env = dict(os.environ, PYTHONPATH=os.pathsep.join([FAKES, os.environ.get("PYTHONPATH", "")]))
sys.exit(run_up(options, env, registry=[service(name) for name in names]))
