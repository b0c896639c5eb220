# Cổng Dân: every set-up step is here, so a fresh Debian machine needs only `make run` or `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
DEMO_DIR := target/demo
DEMO_DB := $(DEMO_DIR)/server.db
DEMO_ADDR ?= 127.0.0.1:8787

.PHONY: run test deps ui build seed lint fmt bindings bench bench-net bench-year bench-load bench-replicas bench-province fuzz clean-demo package screenshots

## run: the desktop app against a local demo server seeded with the real data in data/demo
run: deps ui
	$(CARGO) build -p congdan-server -p congdan-app
	@mkdir -p $(DEMO_DIR)
	@# (Re)seed when the database is missing or predates the demo key (seed --demo adds it).
	@[ -f $(DEMO_DB) ] && target/debug/congdan-server api-key list --db $(DEMO_DB) | grep -q '^demo' \
	  || target/debug/congdan-server seed --demo --db $(DEMO_DB) data/demo
	@target/debug/congdan-server serve --db $(DEMO_DB) --listen $(DEMO_ADDR) & server=$$!; \
	  trap 'kill $$server 2>/dev/null' EXIT; \
	  CONGDAN_SERVER=http://$(DEMO_ADDR) CONGDAN_API_KEY=congdan-demo-key target/debug/congdan-app

## test: every test (unit, integration against the real server, the server API suite on SQLite and on
## PostgreSQL, UI in Chromium, the real window under Xvfb)
test: deps ui lint
	$(CARGO) build --workspace --bins
	$(TEST_RUNNER)
	@# The server API suite again, on a throwaway PostgreSQL cluster (issue 11); chosen
	@# with a filter over the workspace build, as `-p congdan-server` would unify features
	@# differently and build the dependency tree a second time.
	CONGDAN_TEST_DB=postgres $(PG_API_RUNNER)
	cd ui && npm test --silent && npm run e2e --silent

ifeq ($(shell command -v cargo-nextest >/dev/null 2>&1 && echo yes),yes)
TEST_RUNNER = xvfb-run -a -s "-screen 0 1280x1024x24" $(CARGO) nextest run --workspace --no-fail-fast
PG_API_RUNNER = $(CARGO) nextest run --workspace --no-fail-fast -E 'package(congdan-server) & binary(api)'
else
TEST_RUNNER = xvfb-run -a -s "-screen 0 1280x1024x24" $(CARGO) test --workspace --no-fail-fast
PG_API_RUNNER = $(CARGO) test -p congdan-server --test api --no-fail-fast
endif

## deps: Debian packages, npm packages, and the Python Open311 clients of the interop tests (idempotent)
deps:
	@bash scripts/install-deps.sh
	@[ -x target/py/bin/python ] || python3 -m venv target/py
	@target/py/bin/pip install --quiet --disable-pip-version-check -r tests/interop/requirements.txt
	@# `npm install` (not `npm ci`): the lockfile pins every version but, written without
	@# registry addresses, lists no entries for other platforms' optional packages, which
	@# `npm ci` then refuses; `npm install` installs exactly the locked versions.
	@cd ui && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm install --no-audit --no-fund --loglevel=error; }

## ui: the web UI into ui/dist (the app embeds it at compile time)
ui:
	cd ui && npm run build --silent

## lint: formatting, clippy with -D warnings, docs, and generated TS bindings up to date
lint: bindings
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps --quiet

## bindings: regenerate ui/src/bindings from the Rust types and fail if they changed
bindings:
	$(CARGO) test --workspace --lib --quiet export_bindings >/dev/null
	@[ -z "$$(git status --porcelain -- ui/src/bindings)" ] || { git status --short -- ui/src/bindings; echo "ui/src/bindings is stale: commit the regenerated files"; exit 1; }

fmt:
	$(CARGO) fmt --all

## screenshots: the README pictures, from the real app window against a demo server (360 px and desktop)
screenshots: deps ui
	$(CARGO) build -p congdan-app -p congdan -p congdan-server -p congdan-tests --bin congdan-app --bin congdan --bin congdan-server --bin congdan-screenshots
	xvfb-run -a -s "-screen 0 1400x1000x24" target/debug/congdan-screenshots

## package: target/package/congdan-app_*.deb (Tauri's bundler, release build) and
## congdan-server_*.deb (binary, systemd unit, postinst creating the congdan user)
package: deps ui
	cd src-tauri && ../ui/node_modules/.bin/tauri build --bundles deb --ci --config packaging/deb.json
	$(CARGO) build --release -p congdan-server
	@mkdir -p target/package
	cp target/release/bundle/deb/congdan-app_*.deb target/package/
	scripts/package-server.sh target/release/congdan-server target/package
	@ls -l target/package/*.deb

## bench: speed and size figures written up in docs/BENCHMARKS.md
bench: deps ui
	$(CARGO) bench -p congdan-core --bench search
	$(CARGO) bench -p congdan-transit --bench transit
	$(CARGO) bench -p congdan-core --bench bus
	$(CARGO) build --profile release-app -p congdan-app
	@ls -l target/release-app/congdan-app | awk '{printf "app binary (release-app profile, stripped): %.1f MB\n", $$5/1048576}'
	$(CARGO) build --release -p congdan-server -p congdan-tests --bin congdan-server --bin congdan-bench-sync --bin congdan-bench-outbox
	CONGDAN_APP=target/release-app/congdan-app xvfb-run -a target/release/congdan-bench-sync
	target/release/congdan-bench-outbox
	$(CARGO) bench -p congdan-sources --bench cap
	$(CARGO) build --release -p congdan-tests --bin congdan-bench-alerts
	target/release/congdan-bench-alerts

## bench-net: time and bytes to news and to the whole catalogue through shaped links (2G, 3G, lossy,
## flapping), then queued reports with photos drained (100 on 3G and lossy, 10 on 2G, 1 on flapping)
bench-net:
	$(CARGO) build --release -p congdan-server -p congdan-tests --bin congdan-server --bin congdan-bench-net
	target/release/congdan-bench-net --submissions 0
	target/release/congdan-bench-net --skip-sync --profile 3g --profile lossy --submissions 100
	target/release/congdan-bench-net --skip-sync --profile 2g --submissions 10
	target/release/congdan-bench-net --skip-sync --profile flapping --submissions 1

## bench-year: a year of content on the device (100,000 news, 50,000 procedures, the HCMC buses):
## seed, first and second sync, open, news, search and bus times, database size (issue 12)
bench-year:
	$(CARGO) build --release -p congdan-server -p congdan-tests --bin congdan-server --bin congdan-bench-year
	target/release/congdan-bench-year

## bench-load: wrk against the release server beside nginx serving the same JSON (installs both if missing)
bench-load:
	$(CARGO) build --release -p congdan-server
	scripts/bench-load.sh

## bench-replicas: wrk through nginx against one, then two release servers on one PostgreSQL (issue 11)
bench-replicas:
	$(CARGO) build --release -p congdan-server
	scripts/bench-replicas.sh

## bench-province: a province's year (1,000,000 requests, 10,000 news items, the national catalogue)
## on SQLite, then copied into a throwaway PostgreSQL: sync, officer and Open311 list, lookup and
## news times on each engine, database sizes (issue 11; BENCH_ARGS e.g. "--requests 100000")
BENCH_ARGS ?=
bench-province:
	$(CARGO) build --release -p congdan-server -p congdan-tests --bin congdan-server --bin congdan-bench-province
	target/release/congdan-bench-province $(BENCH_ARGS)

## fuzz: each cargo-fuzz target for FUZZ_SECONDS (default 60) from the seed corpora in
## fuzz/corpus (new inputs go to target/fuzz-corpus; needs the nightly toolchain)
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := feed_parse catalogue_parse units_parse search_query sync_page cap_parse outage_parse open311_form gtfs_zip bus_network bundle_decode
fuzz:
	@command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked
	cd fuzz && for t in $(FUZZ_TARGETS); do \
	  mkdir -p ../target/fuzz-corpus/$$t && \
	  cargo +nightly fuzz run -O $$t ../target/fuzz-corpus/$$t corpus/$$t -- \
	    -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -print_final_stats=1 || exit 1; \
	done

clean-demo:
	rm -rf $(DEMO_DIR)
