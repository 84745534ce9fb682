"""``python -m parley.captions``: run the captions service until SIGINT/SIGTERM."""

from parley.captions.bootstrap import definition
from parley.chassis.service import run_service

if __name__ == "__main__":
    run_service(definition)
