# The two commands: `make run` and `make test`. Both install what is missing first.
BUILD_DIR   ?= build/release
DB          ?= sqlite://./var/reftrack.db
LISTEN      ?= 127.0.0.1:8080
JOBS        ?= 2

.PHONY: all bootstrap configure build run test bench screenshots format clean

all: build

bootstrap:
	@scripts/bootstrap

configure: bootstrap
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null

# The release binary at build/release/reftrack (tests and benchmarks are built beside it).
build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Seeds demo data on the first run, prints the URL and a fresh admin key, serves until Ctrl-C.
run: build
	@mkdir -p var
	@$(BUILD_DIR)/reftrack serve --demo --db $(DB) --listen $(LISTEN)

# Every test: unit, storage conformance, HTTP, end-to-end against the real binary.
test: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

# Micro-benchmarks, then the redirect beside nginx and conversion ingest beside SQLite's durable INSERT
# rate, in one run of a few minutes (docs/benchmarks.md). Installs wrk, nginx and sqlite3 when missing.
bench: build
	@BUILD_DIR=$(BUILD_DIR) scripts/bench

# Re-takes docs/screenshots/*.png (the README shows them) by running the browser tests.
screenshots: build
	@RT_SCREENSHOTS=$(CURDIR)/docs/screenshots tests/web/run_web_tests.sh $(BUILD_DIR)/reftrack

format:
	@find src tests bench \( -name "*.cpp" -o -name "*.hpp" \) | xargs clang-format -i

clean:
	@rm -rf build
