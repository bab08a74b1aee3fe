# Loom: a thin Makefile over CMake. `make` lists the targets.
SHELL   := /bin/bash
BUILD   ?= build
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
CTEST_TIMEOUT ?= 600
TEST    ?=
# The workloads of `make sim` (arguments of `build/loom gemm` / `build/loom mlp`,
# see their --help), and of `make sim-tensor` (build/loom-sim --help).
SIM_GEMM ?= --m 64 --k 64 --n 64 --seed 1
SIM_MLP  ?= --batch 16 --d0 64 --d1 32 --d2 16 --seed 2
SIM_ARGS ?=
WAVES   ?= 0
# Arguments passed to loom-bench by `make bench` (see build/loom-bench --help).
BENCH_ARGS ?=
# `make regress`: random programs per configuration, which configurations.
SEEDS   ?= 20
ILLEGAL_SEEDS ?= 11
CONFIGS ?= tiny,small,medium
# `make cov`: CONFIGS when given, else the configurations with coverage models.
comma := ,
COV_CONFIGS = $(if $(filter file,$(origin CONFIGS)),tiny$(comma)small,$(CONFIGS))

# More loom-regress options for `make regress` / `make soak`, e.g.
# REGRESS_ARGS='--x-random --reset-mid --profile extreme' (docs/verification.md "Robustness").
REGRESS_ARGS ?=
# `make soak`: simulated cycles of successive tiny seeds.
SOAK_CYCLES ?= 10000000
SOAK_CONFIGS ?= tiny

.DEFAULT_GOAL := help
.PHONY: help deps configure build sim sim-tensor test test-one bench regress soak cov mutate lint synth waves clean

help:
	@echo "Loom - NeuronCore-style accelerator core, RTL co-simulated against a SystemC golden model"
	@echo ""
	@echo "  make sim            build, then run a GEMM (64x64x64) and a two-layer MLP on the whole core (P=8)"
	@echo "                      in co-simulation against the whole-core golden model, and print the reports;"
	@echo "                      WAVES=1 also writes FST waveforms; SIM_GEMM='--m 32 ...' / SIM_MLP=... for others"
	@echo "  make sim-tensor     the tensor subsystem alone (no sequencer) in co-simulation (SIM_ARGS=...)"
	@echo "  make test           build and run every test (unit, model, co-simulation, negative)"
	@echo "  make test-one TEST=<Suite.Test>   run one test, e.g. TEST=Configs/Directed.Identity/small"
	@echo "  make waves TEST=<Suite.Test>      run one test with tracing and open GTKWave"
	@echo "  make bench          simulation speed (RTL, golden model, co-sim, bare array, --threads) at P = 4..32,"
	@echo "                      utilization and predicted-vs-RTL cycles of GEMM / conv2d / MLP at P = 8, 16,"
	@echo "                      DMA bandwidth: tables, $(BUILD)/bench/bench.json, PNG plots (docs/performance.md);"
	@echo "                      BENCH_ARGS='--quick --sections util,dma' etc. (build/loom-bench --help)"
	@echo "  make regress        SEEDS=20 legal and ILLEGAL_SEEDS=11 illegal constrained-random programs per config"
	@echo "                      (CONFIGS=tiny,small,medium) in whole-core co-simulation, JOBS at a time;"
	@echo "                      table, JUnit XML and failure reports in $(BUILD)/regress/"
	@echo "  make cov            the regression on coverage-instrumented cores (SEEDS=20, CONFIGS=tiny,small, plus"
	@echo "                      injected-error seeds): line / toggle coverage HTML in $(BUILD)/cov/html, functional"
	@echo "                      coverage and the bins not hit; prints the figures"
	@echo "  make mutate         mutation self-check: the core with each deliberate fault, a short tiny regression"
	@echo "                      each (SEEDS=10 at most); every fault must be killed; table in $(BUILD)/mutate/summary.txt"
	@echo "                      REGRESS_ARGS='--x-random --reset-mid --profile extreme --window 500:50' for robustness runs"
	@echo "  make soak           successive random seeds (SOAK_CONFIGS=tiny) until SOAK_CYCLES=10000000 cycles are co-simulated"
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
	cmake --build $(BUILD) -j $(JOBS) --target loom
	@mkdir -p $(BUILD)/out
	$(BUILD)/loom gemm --mode cosim $(SIM_GEMM) --triage-dir $(BUILD)/out --json $(BUILD)/out/sim_gemm.json $(if $(filter 1,$(WAVES)),--waves $(BUILD)/out/sim_gemm.fst)
	$(BUILD)/loom mlp --mode cosim $(SIM_MLP) --triage-dir $(BUILD)/out --json $(BUILD)/out/sim_mlp.json $(if $(filter 1,$(WAVES)),--waves $(BUILD)/out/sim_mlp.fst)

sim-tensor: deps configure
	cmake --build $(BUILD) -j $(JOBS) --target loom-sim
	$(BUILD)/loom-sim --out-dir $(BUILD)/out $(if $(filter 1,$(WAVES)),--waves) $(SIM_ARGS)

test: build
	cd $(BUILD) && ctest -j $(JOBS) --timeout $(CTEST_TIMEOUT) --output-on-failure

test-one: build
	@test -n "$(TEST)" || { echo "usage: make test-one TEST=<Suite.Test>"; exit 2; }
	cd $(BUILD) && ctest --timeout $(CTEST_TIMEOUT) --output-on-failure -R '^$(TEST)$$'

bench: deps configure
	cmake --build $(BUILD) -j $(JOBS) --target loom-bench
	@mkdir -p $(BUILD)/bench
	set -o pipefail; $(BUILD)/loom-bench --out-dir $(BUILD)/bench $(BENCH_ARGS) | tee $(BUILD)/bench/bench.txt
	gnuplot -e "dir='$(BUILD)/bench'" scripts/bench_plot.gp
	@echo "bench: $(BUILD)/bench/ bench.txt, bench.json, utilization.png, speed.png"

regress: deps configure
	cmake --build $(BUILD) -j $(JOBS) --target loom-regress
	$(BUILD)/loom-regress --seeds $(SEEDS) --illegal-seeds $(ILLEGAL_SEEDS) --configs $(CONFIGS) --jobs $(JOBS) --out $(BUILD)/regress --junit $(BUILD)/regress/junit.xml $(REGRESS_ARGS)

soak: deps configure
	cmake --build $(BUILD) -j $(JOBS) --target loom-regress
	$(BUILD)/loom-regress --soak $(SOAK_CYCLES) --configs $(SOAK_CONFIGS) --jobs $(JOBS) --out $(BUILD)/soak --junit $(BUILD)/soak/junit.xml $(REGRESS_ARGS)

cov: deps configure
	SEEDS=$(SEEDS) CONFIGS=$(COV_CONFIGS) JOBS=$(JOBS) bash scripts/cov.sh $(BUILD)

# SEEDS given on the command line bounds each fault's seeds; 10 otherwise.
mutate: deps configure
	cmake --build $(BUILD) -j $(JOBS) --target loom-regress-mutants
	$(BUILD)/loom-regress-mutants --mutate --seeds $(if $(filter command line environment,$(origin SEEDS)),$(SEEDS),10) --jobs $(JOBS) --out $(BUILD)/mutate

waves: build
	@bash scripts/waves.sh "$(BUILD)" "$(TEST)"

lint: deps
	@bash scripts/lint.sh

synth: deps
	@bash scripts/synth.sh

clean:
	rm -rf $(BUILD)
