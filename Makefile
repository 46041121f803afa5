# The two commands: `make run` and `make test`. Both install what is missing first.
BUILD_DIR   ?= build/release
DB          ?= sqlite://./var/reftrack.db
LISTEN      ?= 127.0.0.1:8080
JOBS        ?= 2

.PHONY: all bootstrap configure build run test bench format clean

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

# Benchmarks (filled by later work; see docs/benchmarks.md).
bench: build
	@scripts/bench

format:
	@find src tests bench \( -name "*.cpp" -o -name "*.hpp" \) | xargs clang-format -i

clean:
	@rm -rf build
