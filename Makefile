# Doorstep: `make run` to serve the demonstration place, `make test` to run
# every test. Both install what a fresh machine lacks, and only that.

SHELL := /bin/bash
CARGO_LEPTOS_VERSION := 0.3.10
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/version = "\(.*\)"/\1/p;}' Cargo.lock)
BINARYEN_VERSION := 132
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

export PATH := $(CURDIR)/.tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: run build test test-rust test-e2e measure measure-console simulate tools tools-build tools-e2e lint fmt clean

run: build
	@echo "Doorstep: http://127.0.0.1:3000 (SQLite file doorstep.db)"
	LEPTOS_SITE_ADDR=$${LEPTOS_SITE_ADDR:-127.0.0.1:3000} ./target/release/doorstep

build: tools-build
	cargo leptos build --release

test: tools-build tools-e2e
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory test-rust
	@$(MAKE) --no-print-directory build
	@$(MAKE) --no-print-directory test-e2e

test-rust:
	@if [ -z "$$DOORSTEP_TEST_POSTGRES_URL" ]; then \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  echo "!!! PostgreSQL tests are SKIPPED: DOORSTEP_TEST_POSTGRES_URL is not set."; \
	  echo "!!! e.g. DOORSTEP_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test"; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	fi
	cargo test -p app --features ssr
	cargo test -p server

test-e2e:
	cd end2end && npx playwright test

# First-load weight of a page (PAGE=/path to choose), from the release build.
measure: build
	cargo run -q -p server --example page_weight

# Time from opening the staff console to the first search result, in
# Chromium against the release build (median of RUNS=9).
measure-console: build tools-e2e
	cd end2end && node bench/console-search.mjs

# Suggestion quality, ingestion throughput, latency, memory and start-up
# (TOTAL=1000000 interactions by default).
simulate: build
	cargo run -q --profile sim -p server --example simulate

lint:
	cargo fmt --all --check
	cargo clippy -q -p app --features ssr --all-targets -- -D warnings
	cargo clippy -q -p app --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -q -p server --all-targets -- -D warnings

fmt:
	cargo fmt --all

# Tools, each installed only when missing or at the wrong version.
tools-build:
	@command -v cargo >/dev/null || { echo "Rust is needed: https://rustup.rs"; exit 1; }
	@rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@cargo leptos --version 2>/dev/null | grep -q "$(CARGO_LEPTOS_VERSION)" || \
	  cargo install cargo-leptos@$(CARGO_LEPTOS_VERSION) --locked --features no_downloads
	@wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)" || \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)
	@[ -x .tools/node_modules/.bin/wasm-opt ] || \
	  { mkdir -p .tools && npm install --prefix .tools --no-audit --no-fund --silent binaryen@$(BINARYEN_VERSION); }

tools-e2e:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@[ -d end2end/node_modules/@playwright/test ] || (cd end2end && npm ci --no-audit --no-fund)

clean:
	cargo clean
	rm -rf .tools end2end/node_modules
