# The training-registration system: local development, tests and deployment helpers.
# `make dev` runs the whole system locally; `make test` installs what it needs and
# runs every suite. Both work from a fresh clone.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
VENV_BIN := $(CURDIR)/$(VENV)/bin
EMULATORS := infra/local/emulators.sh
export PATH := $(VENV_BIN):$(HOME)/.cargo/bin:$(PATH)
export CARGO_TERM_COLOR ?= never

.PHONY: help tools test test-rust dev clean

help:
	@echo "make dev    run the whole system locally (emulators, functions, form, email viewer)"
	@echo "make test   install what is needed and run every test suite"

# The project virtualenv: cargo-lambda (with its zig) and aws-sam-cli, pinned.
$(VENV)/.installed: infra/requirements.txt
	python3 -m venv $(VENV)
	$(VENV_BIN)/pip install --quiet --disable-pip-version-check -r infra/requirements.txt
	touch $@

# The emulators' npm packages, pinned by infra/local/package-lock.json.
infra/local/node_modules/.installed: infra/local/package-lock.json
	cd infra/local && npm ci --no-audit --no-fund --engine-strict=false
	touch $@

tools: $(VENV)/.installed infra/local/node_modules/.installed

test: tools
	bash $(EMULATORS) run -- cargo test --workspace --locked

# Emulators, the table and the functions behind `cargo lambda watch`; Ctrl-C stops all.
dev: tools
	bash infra/local/dev.sh

clean:
	bash $(EMULATORS) stop || true
	cargo clean
