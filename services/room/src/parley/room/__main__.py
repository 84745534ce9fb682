"""``python -m parley.room``: run the room service until SIGINT/SIGTERM."""

from parley.chassis.service import run_service
from parley.room.bootstrap import definition

if __name__ == "__main__":
    run_service(definition)
