# Parley developer entry points. `make` (or `make help`) lists them.

.DEFAULT_GOAL := help
SHELL := /bin/bash

# uv from PATH, else the copy `python3 -m pip install uv` puts next to python3.
UV := $(shell command -v uv >/dev/null 2>&1 && echo uv || echo python3 -m uv)
RUN := $(UV) run --frozen
TYPED_SOURCES := $(wildcard libs/*/src services/*/src)
PYTEST_ARGS ?=
# Tests run in two parts. Every test starts its own nats-server and databases (or its module's
# whole stack), so workers never share state: most run on TEST_WORKERS workers (pytest-xdist),
# a file's tests on one worker (so a module's stack starts once). Those that time what a
# listener hears (e.g. silenced within 200 ms, a word's caption within 2 s), a failover or a
# burst's outcomes under load (SERIAL_TESTS: paths and file globs) run one at a time afterwards, so that no second worker
# on two cores stretches their timing. PYTEST_ARGS (paths, -k, -x ...) runs just that, in one
# part. Each part prints its slowest tests.
TEST_WORKERS ?= 2
SERIAL_TESTS := libs/bots/tests/integration services/media_relay/tests/integration \
	tests-e2e/test_media*.py tests-e2e/test_captions.py tests-e2e/test_recording.py \
	tests-e2e/test_kill_one_replica.py tests-e2e/test_sign_up_burst.py \
	tests-e2e/browser/test_space_in_browser.py \
	tests-e2e/browser/test_replay_in_browser.py tests-e2e/browser/test_captions_in_browser.py

# The browser tests (tests-e2e/browser) drive Debian's chromium (with a colour emoji font, for
# the reactions); install them once with apt-get (sudo when not root; apt-get update only when
# the package lists don't know chromium yet). Where that is impossible the browser tests are
# skipped, saying why, and everything else runs.
CHROMIUM := /usr/bin/chromium
APT_INSTALL := env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	chromium fonts-noto-color-emoji
# The captions tests make their test speech with Debian's espeak-ng, installed the same
# way; where it cannot be, those tests are skipped, saying why.
ESPEAK := /usr/bin/espeak-ng
APT_INSTALL_ESPEAK := env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	espeak-ng
# The browser tests check every screen with axe-core, from npm (tools/axe/package-lock.json);
# without node and npm that check is skipped, saying why.
AXE := tools/axe/node_modules/axe-core/axe.min.js

.PHONY: help up test lint format bench clean deps asyncapi asyncapi-validate conformance

help: ## List the targets
	@echo "Parley: make <target>"
	@grep -E '^[a-z][a-z_-]*:.*## ' $(MAKEFILE_LIST) \
		| awk 'BEGIN {FS = ":.*## "} {printf "  %-18s %s\n", $$1, $$2}'

up: deps ## Run the whole stack locally (embedded NATS, SQLite) until Ctrl-C
	$(RUN) parley up

.PHONY: demo
demo: deps ## Run a scripted Space with bots (parley demo)
	$(RUN) parley demo

test: deps ## Run every test: unit, integration (real NATS/SQLite/PostgreSQL) and e2e
ifeq ($(strip $(PYTEST_ARGS)),)
	@status=0; \
	$(RUN) pytest -n $(TEST_WORKERS) --dist loadfile --durations=15 \
		$(foreach d,$(SERIAL_TESTS),'--ignore-glob=$(d)' '--ignore-glob=$(d)/*') || status=$$?; \
	$(RUN) pytest -n 0 --durations=15 $(SERIAL_TESTS) || status=$$?; \
	exit $$status
else
	$(RUN) pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)
endif

lint: deps ## ruff check, ruff format --check and mypy (strict)
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy $(TYPED_SOURCES)

format: deps ## Rewrite the code in place with ruff (imports and formatting)
	$(RUN) ruff check --fix --select I .
	$(RUN) ruff format .

asyncapi: deps ## Regenerate docs/asyncapi/ (each service's AsyncAPI document; parley asyncapi)
	$(RUN) parley asyncapi

# The official AsyncAPI parser, from npm (tools/asyncapi/package-lock.json), installed on first use.
ASYNCAPI_PARSER := tools/asyncapi/node_modules/.package-lock.json

asyncapi-validate: $(ASYNCAPI_PARSER) ## Validate docs/asyncapi/*.json with the AsyncAPI parser (npm)
	node tools/asyncapi/validate.mjs docs/asyncapi/*.json

$(ASYNCAPI_PARSER): tools/asyncapi/package.json tools/asyncapi/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "asyncapi-validate needs node >= 20 and npm" >&2; \
		exit 1; }
	npm ci --prefix tools/asyncapi --ignore-scripts --no-audit --no-fund

conformance: deps ## The gateway against its OpenAPI document: schemathesis on a whole stack (~2 min)
	$(RUN) pytest tests-e2e/test_gateway_conformance.py -k schemathesis -s $(PYTEST_ARGS)

bench: deps ## Run the benchmarks (bench/run.py; results in bench/results/)
	$(RUN) python bench/run.py

clean: ## Delete local state (.parley/: NATS store, databases, keys, logs) and caches
	rm -rf .parley .mypy_cache .ruff_cache .pytest_cache
	find . -name __pycache__ -type d -not -path './.venv/*' -prune -exec rm -rf {} +

deps: | $(CHROMIUM) $(ESPEAK) $(AXE) ## Install what is missing: uv, the locked dependencies, Debian's chromium and espeak-ng, axe-core
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv \
		|| python3 -m pip install --quiet --user uv
	$(UV) sync --frozen

$(CHROMIUM):
	@command -v apt-get >/dev/null 2>&1 || { echo "no apt-get: install chromium yourself" \
		"for the browser tests (they are skipped without it)" >&2; exit 0; }; \
	if [ "$$(id -u)" -eq 0 ]; then sudo=""; elif [ -t 0 ]; then sudo="sudo"; \
	else sudo="sudo -n"; fi; \
	echo "installing Debian's chromium for the browser tests (tests-e2e/browser)"; \
	$$sudo $(APT_INSTALL) || { $$sudo apt-get update && $$sudo $(APT_INSTALL); } \
		|| echo "could not install chromium: the browser tests will be skipped" >&2

$(ESPEAK):
	@command -v apt-get >/dev/null 2>&1 || { echo "no apt-get: install espeak-ng yourself" \
		"for the captions tests (they are skipped without it)" >&2; exit 0; }; \
	if [ "$$(id -u)" -eq 0 ]; then sudo=""; elif [ -t 0 ]; then sudo="sudo"; \
	else sudo="sudo -n"; fi; \
	echo "installing Debian's espeak-ng for the captions tests (test speech)"; \
	$$sudo $(APT_INSTALL_ESPEAK) || { $$sudo apt-get update && $$sudo $(APT_INSTALL_ESPEAK); } \
		|| echo "could not install espeak-ng: the captions speech tests will be skipped" >&2

$(AXE): tools/axe/package.json tools/axe/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "no npm: the browser tests' accessibility checks" \
		"(axe-core) will be skipped" >&2; exit 0; }; \
	npm ci --prefix tools/axe --ignore-scripts --no-audit --no-fund \
		|| echo "could not install axe-core: the accessibility checks will be skipped" >&2
