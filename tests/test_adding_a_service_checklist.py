"""Every directory under ``services/`` is in every place ``docs/adding-a-service.md`` names.

The checks are the rows of the doc's checklist table: each row's ``check`` is a function here,
and a check without a row (or a row without a check) fails too, so the page and the test
cannot drift apart. A service may skip part of a check only where the doc's "Where a service
differs" table says so, and an exemption that is no longer needed fails as well.

Static reads only (TOML, text, the AST): no service is imported or started.
"""

from __future__ import annotations

import ast
import fnmatch
import importlib.util
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from parley.cli.registry import SERVICES, Service
from parley.contracts import streams
from parley.contracts.registry import UnknownContext, events_of
from parley.contracts.routes import Routes

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "adding-a-service.md"
SERVICES_DIR = ROOT / "services"

STANDARD_FOLDERS = ("domain", "handlers", "policies", "projections", "queries", "entrypoints")
POLICY_MODULE = re.compile(r"when_[a-z0-9]+(?:_[a-z0-9]+)+\.py")
REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9._-]+")


def service_names() -> list[str]:
    return sorted(
        path.name
        for path in SERVICES_DIR.iterdir()
        if path.is_dir() and not path.name.startswith((".", "_"))
    )


# -- the doc's tables ----------------------------------------------------------------------------


def table_rows(heading: str) -> list[list[str]]:
    """The body rows of the first table under ``## <heading>`` (cells stripped)."""
    section = DOC.read_text().split(f"\n## {heading}\n", 1)
    assert len(section) == 2, f"{DOC.name} has no section '## {heading}'"
    rows = []
    for line in section[1].split("\n## ", 1)[0].splitlines():
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if set("".join(cells)) <= {"-", ":", " "}:
            continue  # the separator row
        rows.append(cells)
    return rows[1:]  # without the header


def backticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def documented_checks() -> list[str]:
    checks = []
    for row in table_rows("The checklist"):
        names = backticked(row[0])
        assert len(names) == 1, f"checklist row without one `check` name: {row}"
        checks.append(names[0])
    return checks


@dataclass(frozen=True)
class Exemption:
    service: str
    check: str
    items: frozenset[str]  # empty: the whole check


def documented_exemptions() -> dict[tuple[str, str], Exemption]:
    found = {}
    for row in table_rows("Where a service differs"):
        service, check, exempt = row[0], backticked(row[1])[0], row[2]
        items = frozenset() if exempt == "*all*" else frozenset(backticked(exempt))
        found[(service, check)] = Exemption(service, check, items)
    return found


# -- what the checks read -----------------------------------------------------------------------


@cache
def toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as file:
        return tomllib.load(file)


def root_pyproject() -> dict[str, Any]:
    return toml(ROOT / "pyproject.toml")


def requirement_names(requirements: list[str]) -> set[str]:
    names = set()
    for requirement in requirements:
        match = REQUIREMENT_NAME.match(requirement)
        if match:
            names.add(match.group().lower())
    return names


def distribution(service: str) -> str:
    return f"parley-{service.replace('_', '-')}"


def package_dir(service: str) -> Path:
    return SERVICES_DIR / service / "src" / "parley" / service


def registered(service: str) -> Service | None:
    return next((entry for entry in SERVICES if entry.name == service), None)


def owned_streams(service: str) -> list[streams.StreamSpec]:
    return [spec for spec in streams.ALL if spec.owner == service]


def context_of(service: str) -> str:
    """The context of the stream the service owns, else the service's name."""
    owned = owned_streams(service)
    return owned[0].context if owned else service


def source_files(service: str) -> Iterator[Path]:
    yield from sorted(package_dir(service).rglob("*.py"))


def mentions(path: Path, service: str) -> bool:
    """``path`` names the service in backticks: `svc`, `services/svc` or `services/svc/`."""
    return path.is_file() and bool(
        re.search(rf"`(?:services/)?{re.escape(service)}/?`", path.read_text())
    )


def module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


# -- the checks: one per checklist row, each the problems it finds -------------------------------

Problems = list[str]
Check = Callable[[str, frozenset[str]], Problems]
CHECKS: dict[str, Check] = {}


def check(name: str) -> Callable[[Check], Check]:
    def register(function: Check) -> Check:
        CHECKS[name] = function
        return function

    return register


@check("package")
def package(service: str, exempt: frozenset[str]) -> Problems:
    path = SERVICES_DIR / service / "pyproject.toml"
    if not path.is_file():
        return [f"no {path.relative_to(ROOT)}"]
    project = toml(path)
    problems = []
    name = project.get("project", {}).get("name")
    if name != distribution(service):
        problems.append(f"pyproject.toml names the project {name!r}, not {distribution(service)!r}")
    dependencies = requirement_names(project.get("project", {}).get("dependencies", []))
    sources = project.get("tool", {}).get("uv", {}).get("sources", {})
    for library in ("parley-contracts", "parley-chassis"):
        if library not in dependencies:
            problems.append(f"pyproject.toml does not depend on {library}")
        if sources.get(library) != {"workspace": True}:
            problems.append(f"pyproject.toml: no `{library} = {{ workspace = true }}` source")
    wheel = project.get("tool", {}).get("hatch", {}).get("build", {}).get("targets", {})
    if wheel.get("wheel", {}).get("packages") != ["src/parley"]:
        problems.append('pyproject.toml: the wheel must package ["src/parley"]')
    if not (package_dir(service) / "__init__.py").is_file():
        problems.append(f"no src/parley/{service}/__init__.py")
    if (SERVICES_DIR / service / "src" / "parley" / "__init__.py").exists():
        problems.append("src/parley/__init__.py exists: parley must stay a namespace package")
    return problems


@check("workspace")
def workspace(service: str, exempt: frozenset[str]) -> Problems:
    members = root_pyproject()["tool"]["uv"]["workspace"]["members"]
    if any(fnmatch.fnmatch(f"services/{service}", member) for member in members):
        return []
    return [f"services/{service} is not a member of [tool.uv.workspace] ({members})"]


@check("root-dependency")
def root_dependency(service: str, exempt: frozenset[str]) -> Problems:
    if distribution(service) in requirement_names(root_pyproject()["project"]["dependencies"]):
        return []
    return [f'root pyproject.toml: "{distribution(service)}" is not in [project] dependencies']


@check("uv-source")
def uv_source(service: str, exempt: frozenset[str]) -> Problems:
    if root_pyproject()["tool"]["uv"]["sources"].get(distribution(service)) == {"workspace": True}:
        return []
    return [f"root pyproject.toml: no `{distribution(service)} = {{ workspace = true }}` source"]


@check("lockfile")
def lockfile(service: str, exempt: frozenset[str]) -> Problems:
    for locked in toml(ROOT / "uv.lock").get("package", []):
        if locked.get("name") == distribution(service):
            if locked.get("source") == {"editable": f"services/{service}"}:
                return []
            return [f"uv.lock: {distribution(service)} is not the workspace's services/{service}"]
    return [f"uv.lock has no {distribution(service)}: run `uv lock`"]


@check("type-check")
def type_check(service: str, exempt: frozenset[str]) -> Problems:
    problems = []
    mypy_path = root_pyproject()["tool"]["mypy"]["mypy_path"].split(":")
    if f"services/{service}/src" not in mypy_path:
        problems.append(f"root pyproject.toml: services/{service}/src is not in mypy_path")
    typed = re.search(r"^TYPED_SOURCES\s*:=(.*)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    patterns = re.findall(r"[\w*./-]+/src\b", typed.group(1)) if typed else []
    if not any(fnmatch.fnmatch(f"services/{service}/src", pattern) for pattern in patterns):
        problems.append(f"Makefile: TYPED_SOURCES does not cover services/{service}/src")
    return problems


@check("parley-up")
def parley_up(service: str, exempt: frozenset[str]) -> Problems:
    if registered(service) is None:
        return [f'libs/cli/src/parley/cli/registry.py: no Service("{service}") in SERVICES']
    return []


@check("entry-point")
def entry_point(service: str, exempt: frozenset[str]) -> Problems:
    main = package_dir(service) / "__main__.py"
    if not main.is_file():
        return [f"no src/parley/{service}/__main__.py (parley up skips the service without it)"]
    if 'if __name__ == "__main__":' not in main.read_text():
        return ['__main__.py does not run anything under `if __name__ == "__main__":`']
    return []


@check("settings")
def settings(service: str, exempt: frozenset[str]) -> Problems:
    path = package_dir(service) / "settings.py"
    if not path.is_file():
        return [f"no src/parley/{service}/settings.py"]
    if not re.search(rf'service_name: str = "{re.escape(service)}"', path.read_text()):
        return [f'settings.py: no settings class with `service_name: str = "{service}"`']
    return []


def _assignments(module: ast.Module) -> dict[str, ast.expr]:
    """Module-level ``name = value`` (and ``name: type = value``), the last one winning."""
    found: dict[str, ast.expr] = {}
    for statement in module.body:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = statement.value
        elif (
            isinstance(statement, ast.AnnAssign)
            and statement.value is not None
            and isinstance(statement.target, ast.Name)
        ):
            found[statement.target.id] = statement.value
    return found


def _literal(service: str, module: ast.Module, node: ast.expr | None) -> object:
    """The literal ``node`` is, or the one a name is bound to in this module or in the module
    of the service it is imported from (``from parley.<svc>.x import SERVICE``)."""
    if isinstance(node, ast.Constant):
        return node.value
    if not isinstance(node, ast.Name):
        return None
    assigned = _assignments(module)
    if node.id in assigned:
        return _literal(service, module, assigned[node.id])
    for statement in module.body:
        if not isinstance(statement, ast.ImportFrom) or statement.module is None:
            continue
        if not statement.module.startswith(f"parley.{service}."):
            continue
        if any((alias.asname or alias.name) == node.id for alias in statement.names):
            relative = statement.module.removeprefix(f"parley.{service}.").replace(".", "/")
            source = package_dir(service) / f"{relative}.py"
            if source.is_file():
                other = ast.parse(source.read_text())
                return _literal(service, other, _assignments(other).get(node.id))
    return None


@check("bootstrap")
def bootstrap(service: str, exempt: frozenset[str]) -> Problems:
    path = package_dir(service) / "bootstrap.py"
    if not path.is_file():
        return [f"no src/parley/{service}/bootstrap.py"]
    module = ast.parse(path.read_text())
    definition = _assignments(module).get("definition")
    if not (
        isinstance(definition, ast.Call)
        and isinstance(definition.func, ast.Name)
        and definition.func.id == "ServiceDefinition"
    ):
        return ["bootstrap.py: no module-level `definition = ServiceDefinition(...)`"]
    problems = []
    name = next((k.value for k in definition.keywords if k.arg == "name"), None)
    if _literal(service, module, name) != service:
        problems.append(f'bootstrap.py: ServiceDefinition(name=...) is not "{service}"')
    main = package_dir(service) / "__main__.py"
    if main.is_file() and "run_service(definition)" not in main.read_text():
        problems.append("__main__.py does not call run_service(definition)")
    return problems


@check("folders")
def folders(service: str, exempt: frozenset[str]) -> Problems:
    problems = []
    for folder in STANDARD_FOLDERS:
        if f"{folder}/" in exempt:
            continue
        if not (package_dir(service) / folder / "__init__.py").is_file():
            problems.append(f"no package src/parley/{service}/{folder}/")
    policies = package_dir(service) / "policies"
    for module in sorted(policies.glob("*.py")) if policies.is_dir() else ():
        if module.name != "__init__.py" and not POLICY_MODULE.fullmatch(module.name):
            problems.append(f"policies/{module.name} is not named when_<event>_<action>.py")
    return problems


@check("migrations")
def migrations(service: str, exempt: frozenset[str]) -> Problems:
    entry = registered(service)
    folder = package_dir(service) / "migrations"
    if entry is not None and not entry.has_database:
        if folder.exists():
            return ["has migrations/ but is registered with has_database=False"]
        return []
    env = folder / "env.py"
    problems = []
    if not env.is_file():
        problems.append(f"no src/parley/{service}/migrations/env.py")
    elif "parley.chassis.migrations_env" not in env.read_text():
        problems.append("migrations/env.py does not run parley.chassis.migrations_env")
    first = [
        path
        for path in sorted((folder / "versions").glob("*.py"))
        if re.search(r"^down_revision\b.*=\s*None\s*$", path.read_text(), re.MULTILINE)
    ]
    if not first:
        problems.append("no first migration (down_revision = None) in migrations/versions/")
    for path in first:
        text = path.read_text()
        for helper in ("create_chassis_tables()", "drop_chassis_tables()"):
            if helper not in text:
                problems.append(f"migrations/versions/{path.name} does not call {helper}")
    return problems


@check("stream")
def stream(service: str, exempt: frozenset[str]) -> Problems:
    owned = owned_streams(service)
    stores_events = any("EventStore(" in path.read_text() for path in source_files(service))
    if stores_events and not owned:
        return [
            "makes an EventStore but owns no stream in libs/contracts/src/parley/contracts/"
            f'streams.py (a StreamSpec with owner="{service}" in ALL)'
        ]
    problems = []
    bootstrap = package_dir(service) / "bootstrap.py"
    text = bootstrap.read_text() if bootstrap.is_file() else ""
    for spec in owned:
        names = [name for name, value in vars(streams).items() if value is spec]
        if not any(re.search(rf"\b{name}\b", text) for name in names):
            problems.append(f"bootstrap.py: its stream {spec.name} is not in its definition")
    return problems


@check("events")
def events(service: str, exempt: frozenset[str]) -> Problems:
    problems = []
    for spec in owned_streams(service):
        try:
            declared = events_of(spec.context)
        except UnknownContext:
            declared = {}
        if not declared:
            problems.append(
                f"no events declared in libs/contracts/src/parley/contracts/events/"
                f"{spec.context}.py for its stream {spec.name}"
            )
    return problems


@check("routes")
def routes(service: str, exempt: frozenset[str]) -> Problems:
    context = context_of(service)
    contract = f"parley.contracts.api.{context}"
    serving = package_dir(service) / "entrypoints" / "routes.py"
    if not module_exists(contract):
        if serving.is_file():
            return [f"entrypoints/routes.py serves routes, but {contract} declares none"]
        return []
    declared = getattr(importlib.import_module(contract), "ROUTES", None)
    if not isinstance(declared, Routes) or declared.context != context:
        return [f'{contract} has no ROUTES = Routes("{context}")']
    problems = []
    if not serving.is_file():
        problems.append(f"no src/parley/{service}/entrypoints/routes.py serving {contract}")
    tests = sorted((SERVICES_DIR / service / "tests").rglob("*.py"))
    if not any("ROUTES.subjects()" in path.read_text() for path in tests):
        problems.append(
            "no test compares the subjects it serves with ROUTES.subjects() "
            "(route_subjects(parts) == ROUTES.subjects())"
        )
    return problems


@check("tests")
def has_tests(service: str, exempt: frozenset[str]) -> Problems:
    problems = []
    for kind in ("unit", "integration"):
        folder = SERVICES_DIR / service / "tests" / kind
        if not any(folder.rglob("test_*.py")):
            problems.append(f"no tests in services/{service}/tests/{kind}/")
    return problems


@check("service-readme")
def service_readme(service: str, exempt: frozenset[str]) -> Problems:
    path = SERVICES_DIR / service / "README.md"
    if not path.is_file():
        return [f"no services/{service}/README.md"]
    if path.read_text().splitlines()[:1] != [f"# {service}"]:
        return [f"services/{service}/README.md does not start with '# {service}'"]
    return []


@check("architecture")
def architecture(service: str, exempt: frozenset[str]) -> Problems:
    if mentions(ROOT / "docs" / "architecture.md", service):
        return []
    return [f"docs/architecture.md does not name `{service}`"]


@check("readme")
def readme(service: str, exempt: frozenset[str]) -> Problems:
    if mentions(ROOT / "README.md", service):
        return []
    return [f"README.md does not name `{service}`"]


@check("asyncapi")
def asyncapi(service: str, exempt: frozenset[str]) -> Problems:
    if (ROOT / "docs" / "asyncapi" / f"{service}.json").is_file():
        return []
    return [f"no docs/asyncapi/{service}.json: regenerate with `make asyncapi`"]


# -- the tests ----------------------------------------------------------------------------------


def test_the_doc_and_the_test_name_the_same_checks() -> None:
    documented = documented_checks()
    assert len(documented) == len(set(documented)), f"a check is listed twice: {documented}"
    assert set(documented) - set(CHECKS) == set(), "checklist rows this test does not check"
    assert set(CHECKS) - set(documented) == set(), "checks without a row in the checklist"


def test_exemptions_name_real_services_and_checks() -> None:
    for service, name in documented_exemptions():
        assert service in service_names(), f"exemption for unknown service {service!r}"
        assert name in CHECKS, f"exemption for unknown check {name!r}"


@pytest.mark.parametrize("service", service_names())
def test_the_service_is_everywhere_the_checklist_says(service: str) -> None:
    exemptions = documented_exemptions()
    missing = []
    for name in documented_checks():
        exemption = exemptions.get((service, name))
        if exemption is not None and not exemption.items:
            if not CHECKS[name](service, frozenset()):
                missing.append(f"[{name}] is exempt in the doc, but nothing is missing any more")
            continue
        items = exemption.items if exemption else frozenset()
        missing += [f"[{name}] {problem}" for problem in CHECKS[name](service, items)]
        if exemption is not None:
            needed = set(CHECKS[name](service, frozenset()))
            for item in sorted(items):
                if not any(item.rstrip("/") in problem for problem in needed):
                    missing.append(f"[{name}] exemption of {item} is not needed any more")
    assert not missing, (
        f"services/{service} is missing from places docs/adding-a-service.md names:\n  "
        + "\n  ".join(missing)
    )


def test_nothing_names_a_service_that_is_not_there() -> None:
    """The reverse: no stale place points at a service folder that does not exist."""
    present = set(service_names())
    libraries = {path.name for path in (ROOT / "libs").iterdir() if path.is_dir()}
    for spec in streams.ALL:
        assert spec.owner in present, f"stream {spec.name} is owned by a missing {spec.owner!r}"
    for entry in root_pyproject()["tool"]["mypy"]["mypy_path"].split(":"):
        assert (ROOT / entry).is_dir(), f"mypy_path names a missing {entry}"
    for name in requirement_names(root_pyproject()["project"]["dependencies"]):
        folder = name.removeprefix("parley-").replace("-", "_")
        assert folder in present | libraries, f"root dependency {name} has no folder"
