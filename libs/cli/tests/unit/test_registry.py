from importlib.machinery import ModuleSpec
from pathlib import Path

from parley.cli.registry import SERVICES, Probe, Service, is_installed, split_installed


def finder_for(packages: dict[str, Path | None]):  # name -> package dir (None: not found)
    def find_spec(name: str) -> ModuleSpec | None:
        if name not in packages:
            return None
        spec = ModuleSpec(name, loader=None, is_package=True)
        spec.submodule_search_locations = [str(packages[name])]
        return spec

    return find_spec


def runnable_package(tmp_path: Path, name: str) -> Path:
    package = tmp_path / name
    package.mkdir()
    (package / "__main__.py").write_text("")
    return package


def test_a_package_with_a_main_module_is_installed(tmp_path: Path) -> None:
    find_spec = finder_for({"parley.room": runnable_package(tmp_path, "room")})

    assert is_installed(Service("room"), find_spec)


def test_a_missing_package_or_one_without_main_is_skipped(tmp_path: Path) -> None:
    half_written = tmp_path / "clipping"
    half_written.mkdir()
    find_spec = finder_for({"parley.clipping": half_written})

    assert not is_installed(Service("clipping"), find_spec)
    assert not is_installed(Service("room"), find_spec)


def test_a_finder_that_raises_means_not_installed() -> None:
    def find_spec(name: str) -> ModuleSpec | None:
        raise ModuleNotFoundError(name)

    assert not is_installed(Service("room"), find_spec)


def test_split_keeps_registry_order(tmp_path: Path) -> None:
    find_spec = finder_for(
        {
            "parley.gateway": runnable_package(tmp_path, "gateway"),
            "parley.identity": runnable_package(tmp_path, "identity"),
        }
    )

    present, missing = split_installed(SERVICES, find_spec)

    assert [s.name for s in present] == ["identity", "gateway"]
    assert "room" in [s.name for s in missing]


def test_the_registry_names_each_service_once_and_only_the_gateway_serves_http() -> None:
    names = [service.name for service in SERVICES]
    assert len(names) == len(set(names))
    assert [s.name for s in SERVICES if s.probe is Probe.HTTP_READYZ] == ["gateway"]
    assert [s.name for s in SERVICES if s.signs_tokens] == ["identity"]


def test_a_service_runs_as_its_module_and_reads_its_own_database_variable() -> None:
    service = Service("media_relay")

    assert service.module == "parley.media_relay"
    assert service.database_url_variable == "PARLEY_MEDIA_RELAY_DATABASE_URL"
