# coopdao build and test entry points. Every target installs what it is missing
# (Python venv, npm packages, solc) and is safe to re-run; stamp files keep
# re-runs fast. Needs only python3.11, node 20 and npm on the machine.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := $(CURDIR)/.venv
PY := $(VENV)/bin/python
BROWNIE := $(VENV)/bin/brownie
RUFF := $(VENV)/bin/ruff
SOLC_VERSION := 0.8.37

# Project tools first: brownie starts the chains by bare name (`anvil`,
# `ganache-cli`), and picks its backend from that name, so they must be found
# on PATH (this checkout's node_modules/.bin), not given as absolute paths.
export PATH := $(VENV)/bin:$(CURDIR)/node_modules/.bin:$(PATH)

# Stamps live inside the folders they describe, so deleting a folder resets it.
VENV_STAMP := $(VENV)/.coopdao-installed
NPM_STAMP := $(CURDIR)/node_modules/.coopdao-installed
SOLCX_DIR := $(if $(SOLCX_BINARY_PATH),$(SOLCX_BINARY_PATH),$(HOME)/.solcx)
SOLC_BIN := $(SOLCX_DIR)/solc-v$(SOLC_VERSION)
TOOL_LINKS := $(VENV)/bin/anvil $(VENV)/bin/ganache $(VENV)/bin/ganache-cli

# Local networks (defined in brownie-config.yaml): Anvil by default, Ganache second.
ANVIL_NETWORK := anvil
GANACHE_NETWORK := ganache-cli
TEST_ARGS ?=

# Run brownie with a chain on a free loopback port (or $COOP_CHAIN_PORT if set).
# (pytest exit 5, "no tests collected", fails the target like any other error.)
# Contracts are compiled first and quietly (their list is shown only if compiling fails), and brownie's
# banner line, which names the wrong version (1.22.0 for 1.22.2), is left out.
define brownie_on_chain
port="$${COOP_CHAIN_PORT:-$$($(PY) $(CURDIR)/toolchain/free_port.py)}"; \
mkdir -p build; $(BROWNIE) compile > build/compile.log 2>&1 || { cat build/compile.log; exit 1; }; \
echo "== brownie $(1) on network $(2), 127.0.0.1:$$port"; \
COOP_CHAIN_PORT="$$port" $(BROWNIE) $(1) --network $(2) | grep --line-buffered -v '^Brownie v[0-9.]* - Python development framework'
endef

.PHONY: help install venv node compiler tools browser lint analyze compile test test-anvil test-ganache fuzz bench \
	demo clean distclean

help:
	@echo "make install       venv (.venv, pip -e .[dev]) + npm ci + solc $(SOLC_VERSION) + chain tools"
	@echo "make lint          ruff check"
	@echo "make analyze       Slither over contracts/: fails on a high or medium finding not in slither-triage.yaml;"
	@echo "                   and the storage layout behind the proxies must extend contracts/storage-layout.json"
	@echo "make compile       brownie compile"
	@echo "make test          lint, static analysis, then the contract tests on Anvil"
	@echo "make test-ganache  the contract tests on Ganache (hardfork shanghai)"
	@echo "make fuzz          the stateful test long on Anvil: FUZZ_STEPS=$(FUZZ_STEPS) steps (coin, hook and fee token), ~10 min"
	@echo "make bench         gas of coopdao against a stock OpenZeppelin governor (~5 min), then the reading side at"
	@echo "                   10,000 members (its history built once, ~10 min, then ~15 min): BENCHMARKS.md"
	@echo "make demo          coop demo: a cooperative's first year on a fresh local Anvil"
	@echo "make clean         remove build output; distclean also removes .venv and node_modules"

install: venv node compiler tools
	@$(VENV)/bin/pip check
	@echo "install: ok"

venv: $(VENV_STAMP)
$(VENV_STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	PYTHONWARNINGS=ignore $(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

node: $(NPM_STAMP)
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --no-update-notifier
	@touch $@

# The compiler lives in py-solc-x's folder (~/.solcx), outside the checkout:
# CI gets a new HOME each run, so this target is a file there, not a stamp here.
# A launcher another checkout wrote runs that checkout's files (gone, or other versions): write ours.
compiler: $(SOLC_BIN)
	@if grep -qs '^# coopdao-solc-wrapper' $(SOLC_BIN) \
	  && ! grep -qsF ' $(CURDIR)/toolchain/solc-wrapper.js ' $(SOLC_BIN); then \
	  $(PY) toolchain/install_solc.py --smoke; fi
$(SOLC_BIN): toolchain/install_solc.py toolchain/solc-wrapper.js $(VENV_STAMP) $(NPM_STAMP)
	$(PY) toolchain/install_solc.py --smoke
	@touch $@

# Headless Chromium for the HTML report's test, from Debian's package `chromium` (CI runs as root on a
# fresh machine); only the test targets need it. Where it cannot be installed (no root, no sudo, no apt)
# it says so and goes on, and the report's test then fails naming `make browser`.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if ! command -v apt-get >/dev/null; then sudo=none; \
	  elif [ "$$(id -u)" -eq 0 ]; then sudo=; \
	  elif command -v sudo >/dev/null; then sudo=sudo; \
	  else sudo=none; fi; \
	  if [ "$$sudo" = none ]; then \
	    echo "browser: /usr/bin/chromium is missing and cannot be installed here (Debian's chromium, as root);" \
	      "the HTML report's test fails without it" >&2; \
	  else \
	    $$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q; \
	    $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; \
	  fi; \
	fi

# anvil/ganache in the venv too, for `source .venv/bin/activate` users.
tools: $(TOOL_LINKS)
$(TOOL_LINKS): $(VENV)/bin/%: $(NPM_STAMP) | $(VENV_STAMP)
	@ln -sfn $(CURDIR)/node_modules/.bin/$* $@

lint: $(VENV_STAMP)
	$(RUFF) check .

# Slither (from PyPI, in the venv) with the project's compiler; every high or medium finding must be triaged.
analyze: install
	$(PY) toolchain/slither_gate.py --solc $(SOLC_BIN)
	$(PY) toolchain/storage_layout.py --solc $(SOLC_BIN)

# Also refreshes the artifacts the `coop` CLI ships (toolchain/export_artifacts.py). Always everything:
# brownie's incremental build can keep a contract whose imports changed with its old metadata hash.
compile: install
	$(BROWNIE) compile --all
	@if [ -f toolchain/export_artifacts.py ]; then $(PY) toolchain/export_artifacts.py; fi

test: lint analyze test-anvil

test-anvil: install browser
	@$(call brownie_on_chain,test $(TEST_ARGS),$(ANVIL_NETWORK))

# Ganache cannot run at base fee 0: pay a 1 wei tip over its base fee
# (see brownie-config.yaml).
test-ganache: export COOP_PRIORITY_FEE ?= 1 wei
test-ganache: install browser
	@$(call brownie_on_chain,test $(TEST_ARGS),$(GANACHE_NETWORK))

# The stateful test (tests/test_stateful.py) long, by hand: at least FUZZ_STEPS steps in all, a third for each
# payment kind, in longer examples; it prints steps, examples, payments and time per kind. Not part of `make test`,
# which runs it short.
FUZZ_STEPS ?= 10000
fuzz: export COOP_FUZZ_STEPS = $(FUZZ_STEPS)
fuzz: install
	@$(call brownie_on_chain,test tests/test_stateful.py::test_random_member_and_assembly_actions $(TEST_ARGS),$(ANVIL_NETWORK))

# The benchmark on a fresh Anvil of its own (a free loopback port), stopped afterwards; BENCH_ARGS sizes it
# (--members, --resolutions, --votes). It writes BENCHMARKS.md and BENCHMARKS.json. Then the reading side
# (toolchain/reading_bench.py, sized by READING_ARGS) on an Anvil of its own, whose history it builds once
# and keeps in build/bench; it writes the section "Reading at scale" of BENCHMARKS.md.
BENCH_ARGS ?=
READING_ARGS ?=
bench: compile
	@port="$$($(PY) $(CURDIR)/toolchain/free_port.py)"; \
	anvil --host 127.0.0.1 --port $$port --hardfork shanghai --block-base-fee-per-gas 0 \
	  --gas-limit 30000000 --silent & pid=$$!; trap "kill $$pid" EXIT; \
	for _ in $$(seq 100); do $(PY) -c "import socket; socket.create_connection(('127.0.0.1', $$port), 1)" \
	  2>/dev/null && break; sleep 0.1; done; \
	$(PY) toolchain/bench.py --rpc-url http://127.0.0.1:$$port $(BENCH_ARGS)
	$(PY) toolchain/reading_bench.py $(READING_ARGS)

# `coop demo` starts a fresh Anvil of its own (not the embedded chain `coop node` keeps) and stops it.
demo: install
	$(VENV)/bin/coop demo

clean:
	rm -rf build reports .pytest_cache .hypothesis .ruff_cache *.egg-info
	find . -path ./node_modules -prune -o -path ./.venv -prune -o \
	  -name __pycache__ -type d -print0 | xargs -0 rm -rf

distclean: clean
	rm -rf .venv node_modules
