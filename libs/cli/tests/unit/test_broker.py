from pathlib import Path

from parley.cli.broker import broker_url, nats_config


def test_the_broker_listens_on_loopback_with_jetstream_in_the_data_dir() -> None:
    config = nats_config(4999, Path("/d/nats/jetstream"))

    assert 'listen: "127.0.0.1:4999"' in config
    assert 'jetstream { store_dir: "/d/nats/jetstream" }' in config
    assert broker_url(4999) == "nats://127.0.0.1:4999"
