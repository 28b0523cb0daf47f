# LeapSim: the README's two commands and their friends.
#   make run    install what is missing, build, run the default study and print its forecast
#   make test   the same set-up, then every test suite (release and sanitizer builds, pytest)

PYTHON := /usr/bin/python3
VENV := .venv
JOBS ?= $(shell nproc)
RELEASE := build/release
SANITIZE := build/sanitize
LEAPSIM := $(RELEASE)/apps/leapsim/leapsim
CMAKE_BUILD = cmake --build $(1) --parallel $(JOBS)

.PHONY: all deps build build-sanitize python-env run test test-cpp test-sanitize test-python bench bench-scaling format clean

all: build

deps:
	@bash scripts/install-deps.sh

$(RELEASE)/CMakeCache.txt: | deps
	cmake --preset release

$(SANITIZE)/CMakeCache.txt: | deps
	cmake --preset sanitize

build: deps $(RELEASE)/CMakeCache.txt
	$(call CMAKE_BUILD,$(RELEASE))

build-sanitize: deps $(SANITIZE)/CMakeCache.txt
	$(call CMAKE_BUILD,$(SANITIZE))

# `import leapsim` in .venv/bin/python and in the Jupyter kernel "leapsim", no PYTHONPATH needed.
python-env: build
	@bash scripts/python-env.sh $(CURDIR)/$(VENV) $(CURDIR)/$(RELEASE)/python

run: build python-env
	mkdir -p results
	$(LEAPSIM) run scenarios/congtai-2019.yaml -o results/congtai-2019.h5 --force

test: test-cpp test-sanitize test-python

test-cpp: build
	ctest --preset release --parallel $(JOBS)

test-sanitize: build-sanitize
	ctest --preset sanitize --parallel $(JOBS)

test-python: build python-env
	LEAPSIM_BUILD_DIR=$(CURDIR)/$(RELEASE) $(VENV)/bin/python -m pytest -q tests/apps tests/python

bench: build
	$(RELEASE)/bench/bench_kernel --benchmark_counters_tabular=true
	$(RELEASE)/bench/bench_model --benchmark_counters_tabular=true

# Whole-program figures: 2 MPI ranks against 1 on Congtai, one national replication.
bench-scaling: build
	$(PYTHON) bench/scaling.py --build $(RELEASE)

format:
	find engine models apps tests bench python -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
