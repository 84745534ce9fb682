"""``python -m parley.media_relay``: run one relay worker until SIGINT/SIGTERM."""

from parley.chassis.service import run_service
from parley.media_relay.bootstrap import definition

if __name__ == "__main__":
    run_service(definition)
