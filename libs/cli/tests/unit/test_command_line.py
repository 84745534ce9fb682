import socket
from pathlib import Path

from parley.cli.layout import Layout
from parley.cli.main import build_parser, options_from
from parley.cli.preflight import port_is_free
from parley.cli.stack import public_url


def test_defaults() -> None:
    options = options_from(build_parser({}).parse_args(["up"]))

    assert options.data_dir == Path(".parley")
    assert options.http_port == 8080


def test_environment_sets_defaults_and_flags_override_them() -> None:
    env = {"PARLEY_HTTP_PORT": "9000", "PARLEY_DATA_DIR": "/var/parley"}

    from_env = options_from(build_parser(env).parse_args(["up"]))
    from_flags = options_from(
        build_parser(env).parse_args(["up", "--port", "9100", "--data-dir", "/tmp/p"])
    )

    assert (from_env.http_port, from_env.data_dir) == (9000, Path("/var/parley"))
    assert (from_flags.http_port, from_flags.data_dir) == (9100, Path("/tmp/p"))


def test_the_printed_url_is_reachable_from_this_machine() -> None:
    assert public_url("127.0.0.1", 8080) == "http://127.0.0.1:8080"
    assert public_url("0.0.0.0", 8081) == "http://127.0.0.1:8081"
    assert public_url("parley.local", 80) == "http://parley.local:80"


def test_a_taken_port_is_not_free() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert not port_is_free("127.0.0.1", port)
    assert port_is_free("127.0.0.1", port)


def test_layout_is_absolute_and_names_each_log(tmp_path: Path) -> None:
    layout = Layout.at(tmp_path / "data")

    layout.create()

    assert layout.root.is_absolute()
    assert layout.log_file("room") == tmp_path / "data" / "logs" / "room.log"
    assert layout.nats_dir.is_dir()
    assert layout.keys_dir.is_dir()
