"""``python -m parley.identity``: run the identity service until SIGINT/SIGTERM."""

from parley.chassis.service import run_service
from parley.identity.bootstrap import definition

if __name__ == "__main__":
    run_service(definition)
