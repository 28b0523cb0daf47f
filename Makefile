# LeapSim: the README's two commands and their friends.
#   make run    install what is missing, build, run the default study and print its forecast
#   make test   the same set-up, then every test suite (release and sanitizer builds, pytest, a
#               brief run of each fuzzer)
#   make fuzz   each fuzzer for FUZZ_SECONDS (default 600)

PYTHON := /usr/bin/python3
VENV := .venv
JOBS ?= $(shell nproc)
RELEASE := build/release
SANITIZE := build/sanitize
FUZZ := build/fuzz
FUZZERS := scenario_fuzzer results_fuzzer
FUZZ_SECONDS ?= 600
FUZZ_BRIEF_SECONDS ?= 10
LEAPSIM := $(RELEASE)/apps/leapsim/leapsim
CMAKE_BUILD = cmake --build $(1) --parallel $(JOBS)

.PHONY: all deps build build-sanitize build-fuzz fuzz-seeds python-env run test test-cpp test-sanitize test-python test-fuzz fuzz bench bench-scaling format clean

all: build

deps:
	@bash scripts/install-deps.sh

$(RELEASE)/CMakeCache.txt: | deps
	cmake --preset release

$(SANITIZE)/CMakeCache.txt: | deps
	cmake --preset sanitize

$(FUZZ)/CMakeCache.txt: | deps
	cmake --preset fuzz

build: deps $(RELEASE)/CMakeCache.txt
	$(call CMAKE_BUILD,$(RELEASE))

build-sanitize: deps $(SANITIZE)/CMakeCache.txt
	$(call CMAKE_BUILD,$(SANITIZE))

build-fuzz: deps $(FUZZ)/CMakeCache.txt
	$(call CMAKE_BUILD,$(FUZZ)) --target $(FUZZERS)

# Seeds: every scenario file in the tree, and results files the release build writes.
fuzz-seeds: build
	$(PYTHON) fuzz/make_seeds.py --leapsim $(LEAPSIM) --out $(FUZZ)/seeds

# `import leapsim` in .venv/bin/python and in the Jupyter kernel "leapsim", no PYTHONPATH needed.
python-env: build
	@bash scripts/python-env.sh $(CURDIR)/$(VENV) $(CURDIR)/$(RELEASE)/python

run: build python-env
	mkdir -p results
	$(LEAPSIM) run scenarios/congtai-2019.yaml -o results/congtai-2019.h5 --force

test: test-cpp test-sanitize test-python test-fuzz

test-cpp: build
	ctest --preset release --parallel $(JOBS)

test-sanitize: build-sanitize
	ctest --preset sanitize --parallel $(JOBS)

test-python: build python-env
	LEAPSIM_BUILD_DIR=$(CURDIR)/$(RELEASE) $(VENV)/bin/python -m pytest -q tests/apps tests/python

# Each fuzzer over its regression inputs and seeds, then a few seconds of mutation.
test-fuzz: build-fuzz fuzz-seeds
	bash fuzz/run.sh $(FUZZ) $(FUZZ_BRIEF_SECONDS) brief

fuzz: build-fuzz fuzz-seeds
	bash fuzz/run.sh $(FUZZ) $(FUZZ_SECONDS)

bench: build
	$(RELEASE)/bench/bench_kernel --benchmark_counters_tabular=true
	$(RELEASE)/bench/bench_model --benchmark_counters_tabular=true

# Whole-program figures: 2 MPI ranks against 1 on Congtai, one national replication.
bench-scaling: build
	$(PYTHON) bench/scaling.py --build $(RELEASE)

format:
	find engine models apps tests bench python fuzz -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
