"""``python -m parley.scheduling``: run the scheduling service until SIGINT/SIGTERM."""

from parley.chassis.service import run_service
from parley.scheduling.bootstrap import definition

if __name__ == "__main__":
    run_service(definition)
