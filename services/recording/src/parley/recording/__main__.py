"""``python -m parley.recording``: run the recording service until SIGINT/SIGTERM."""

from parley.chassis.service import run_service
from parley.recording.bootstrap import definition

if __name__ == "__main__":
    run_service(definition)
