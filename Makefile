# Loom: a thin Makefile over CMake. `make` lists the targets.
BUILD   ?= build
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
CTEST_TIMEOUT ?= 600
TEST    ?=
# Arguments passed to loom-sim by `make sim` (see build/loom-sim --help).
SIM_ARGS ?=
WAVES   ?= 0
# Arguments passed to loom-bench by `make bench` (see build/loom-bench --help).
BENCH_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help deps configure build sim test test-one bench lint synth waves clean

help:
	@echo "Loom - NeuronCore-style accelerator core, RTL co-simulated against a SystemC golden model"
	@echo ""
	@echo "  make sim            build and run the default co-simulated workload (GEMM 64x64x64, P=8)"
	@echo "                      WAVES=1 also writes an FST waveform; SIM_ARGS='--m 32 ...' for others"
	@echo "  make test           build and run every test (unit, model, co-simulation, negative)"
	@echo "  make test-one TEST=<Suite.Test>   run one test, e.g. TEST=Configs/Directed.Identity/small"
	@echo "  make waves TEST=<Suite.Test>      run one test with tracing and open GTKWave"
	@echo "  make bench          benchmarks at 100-cycle DRAM latency: DMA bandwidth, 256^3 GEMM utilization on the RTL core (table + JSON)"
	@echo "  make lint           verilator --lint-only -Wall on the RTL (P = 4, 8, 16)"
	@echo "  make synth          Yosys synthesis at P = 8: no latches, cell count per block"
	@echo "  make deps           install missing Debian packages (scripts/install-deps.sh)"
	@echo "  make clean          remove $(BUILD)/"

deps:
	@bash scripts/install-deps.sh

$(BUILD)/CMakeCache.txt: CMakeLists.txt cmake/LoomConfigs.cmake | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

configure: deps $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

sim: deps configure
	cmake --build $(BUILD) -j $(JOBS) --target loom-sim
	$(BUILD)/loom-sim --out-dir $(BUILD)/out $(if $(filter 1,$(WAVES)),--waves) $(SIM_ARGS)

test: build
	cd $(BUILD) && ctest -j $(JOBS) --timeout $(CTEST_TIMEOUT) --output-on-failure

test-one: build
	@test -n "$(TEST)" || { echo "usage: make test-one TEST=<Suite.Test>"; exit 2; }
	cd $(BUILD) && ctest --timeout $(CTEST_TIMEOUT) --output-on-failure -R '^$(TEST)$$'

bench: deps configure
	cmake --build $(BUILD) -j $(JOBS) --target loom-bench
	$(BUILD)/loom-bench --json $(BUILD)/bench/dma_bandwidth.json --out-dir $(BUILD)/bench $(BENCH_ARGS)

waves: build
	@bash scripts/waves.sh "$(BUILD)" "$(TEST)"

lint: deps
	@bash scripts/lint.sh

synth: deps
	@bash scripts/synth.sh

clean:
	rm -rf $(BUILD)
