"""``python -m parley.clipping``: run the clipping service until SIGINT/SIGTERM."""

from parley.chassis.service import run_service
from parley.clipping.bootstrap import definition

if __name__ == "__main__":
    run_service(definition)
