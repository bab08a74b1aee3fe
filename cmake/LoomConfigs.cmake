# Named Loom configurations: the one place their dimensions are written.
# Everything else (Verilator -G parameters, the C++ header loom/configs.h used
# by the model and the testbench) is generated from these lists.

# AxiBytes: the DMA's AXI4 data width in bytes (AxiDataW / 8). The DMA moves
# one SBUF word per cycle, so a bus wider than the SBUF word is limited by the
# SBUF port: small and medium match the two (64 and 512 bits), tiny keeps a
# 256-bit bus on 8-byte words so that co-simulation covers DB > WB too.
# large is for `make bench` only (simulation speed at P = 32, models in
# loom_core_rtl_bench); trn for synthesis statistics and the model.
#          name    P   SbufBytes SbufWordBytes PsumBanks PsumEntries CmdDepth AxiBytes
set(LOOM_CONFIG_tiny   4    1024   8 2  16 4 32)
set(LOOM_CONFIG_small  8    4096   8 4  64 4  8)
set(LOOM_CONFIG_medium 16   8192  64 4 128 4 64)
set(LOOM_CONFIG_large  32  16384  64 4 256 4 64)
set(LOOM_CONFIG_trn    128 196608 64 8 512 4 64)
set(LOOM_CONFIG_NAMES tiny small medium large trn)
# Configurations the RTL is built and co-simulated at in `make test`.
set(LOOM_RTL_CONFIGS tiny small medium)
set(LOOM_DEFAULT_CONFIG small)
# Configurations with a coverage-instrumented core model (`make cov`).
set(LOOM_COV_CONFIGS tiny small)

function(loom_config_fields NAME OUT_PREFIX)
  list(GET LOOM_CONFIG_${NAME} 0 p)
  list(GET LOOM_CONFIG_${NAME} 1 sb)
  list(GET LOOM_CONFIG_${NAME} 2 wb)
  list(GET LOOM_CONFIG_${NAME} 3 banks)
  list(GET LOOM_CONFIG_${NAME} 4 entries)
  list(GET LOOM_CONFIG_${NAME} 5 depth)
  list(GET LOOM_CONFIG_${NAME} 6 axib)
  set(${OUT_PREFIX}_P ${p} PARENT_SCOPE)
  set(${OUT_PREFIX}_SB ${sb} PARENT_SCOPE)
  set(${OUT_PREFIX}_WB ${wb} PARENT_SCOPE)
  set(${OUT_PREFIX}_BANKS ${banks} PARENT_SCOPE)
  set(${OUT_PREFIX}_ENTRIES ${entries} PARENT_SCOPE)
  set(${OUT_PREFIX}_DEPTH ${depth} PARENT_SCOPE)
  set(${OUT_PREFIX}_AXIB ${axib} PARENT_SCOPE)
  math(EXPR axiw "${axib} * 8")
  set(${OUT_PREFIX}_AXIW ${axiw} PARENT_SCOPE)
endfunction()

# --- loom/configs.h ---------------------------------------------------------
set(LOOM_GEN_DIR ${CMAKE_BINARY_DIR}/gen)
set(_cfg_entries "")
foreach(name IN LISTS LOOM_CONFIG_NAMES)
  loom_config_fields(${name} c)
  string(APPEND _cfg_entries
    "    Config{\"${name}\", ${c_P}, ${c_SB}, ${c_WB}, ${c_BANKS}, ${c_ENTRIES}, ${c_DEPTH}, ${c_AXIB}},\n")
endforeach()
set(LOOM_CONFIG_TABLE "${_cfg_entries}")
configure_file(${CMAKE_SOURCE_DIR}/cmake/configs.h.in ${LOOM_GEN_DIR}/loom/configs.h @ONLY)
add_library(loom_configs INTERFACE)
target_include_directories(loom_configs INTERFACE ${LOOM_GEN_DIR})

# --- RTL models ---------------------------------------------------------------
# Verilator arguments working around Verilator 5.006 bugs at array size P.
function(loom_verilator_workarounds P OUT)
  set(args "")
  # Verilator 5.006 makes a loop of the copy of a wide sampled (assertion)
  # operand in _eval without declaring its index (verilator#4057, fixed in
  # 5.010): obs_psum_o is 2P words, over the default --reloop-limit of 40
  # from P = 32. No loops of copies there.
  if(P GREATER_EQUAL 32)
    list(APPEND args --reloop-limit 1000000)
  endif()
  set(${OUT} ${args} PARENT_SCOPE)
endfunction()

file(STRINGS ${CMAKE_SOURCE_DIR}/rtl/files.f _rtl_files REGEX "^[^#].*\\.sv$")
set(LOOM_RTL_SOURCES "")
foreach(f IN LISTS _rtl_files)
  list(APPEND LOOM_RTL_SOURCES ${CMAKE_SOURCE_DIR}/${f})
endforeach()

# loom_add_rtl_model(<model> CONFIG <config> [DEFINES d1 d2 ...] [COVERAGE])
# Adds the Verilated loom_tensor_top (class Vtensor_<model>) and a factory
# loom::make_rtl_dut_<model>() that returns it behind the Verilator-free
# loom::RtlDut interface (tb/rtl_dut.h) to the library loom_rtl. All models
# share one library so Verilator's runtime is compiled once; an executable
# links only the models it references.
function(loom_add_rtl_model MODEL)
  cmake_parse_arguments(A "COVERAGE" "CONFIG" "DEFINES" ${ARGN})
  loom_config_fields(${A_CONFIG} c)
  loom_verilator_workarounds(${c_P} workarounds)
  set(defs "")
  foreach(d IN LISTS A_DEFINES)
    list(APPEND defs +define+${d})
  endforeach()
  set(extra "")
  if(A_COVERAGE)
    set(extra COVERAGE)
  endif()
  if(NOT TARGET loom_rtl)
    add_library(loom_rtl STATIC)
    target_link_libraries(loom_rtl PUBLIC loom_tb_rtl)
    # Debug information of generated code costs much build time and no one
    # steps through it; the waves are the debugger.
    target_compile_options(loom_rtl PRIVATE -g0)
  endif()
  set(LOOM_MODEL ${MODEL})
  configure_file(${CMAKE_SOURCE_DIR}/tb/rtl_factory.cpp.in
                 ${LOOM_GEN_DIR}/rtl_factory_${MODEL}.cpp @ONLY)
  target_sources(loom_rtl PRIVATE ${LOOM_GEN_DIR}/rtl_factory_${MODEL}.cpp)
  verilate(loom_rtl
    PREFIX Vtensor_${MODEL}
    TOP_MODULE loom_tensor_top
    SOURCES ${LOOM_RTL_SOURCES}
    TRACE_FST ${extra}
    DIRECTORY ${CMAKE_BINARY_DIR}/verilated/${MODEL}
    VERILATOR_ARGS
      -O3 --assert -Wno-fatal -Wno-lint -Wno-style
      --x-assign unique --x-initial unique
      -GP=${c_P} -GSbufBytes=${c_SB} -GSbufWordBytes=${c_WB}
      -GPsumBanks=${c_BANKS} -GPsumEntries=${c_ENTRIES} -GCmdDepth=${c_DEPTH}
      -GAxiDataW=${c_AXIW}
      ${workarounds}
      ${defs}
      ${CMAKE_SOURCE_DIR}/rtl/loom.vlt)
endfunction()

# loom_add_core_model(<model> CONFIG <config> [DEFINES <define>...] [LIBRARY <lib>]
#                     [THREADS <n>] [COVERAGE])
# Adds the Verilated whole core, loom_core (class Vcore_<model>), and a
# factory loom::make_core_dut_<model>() returning it behind the
# Verilator-free loom::CoreDut interface (tb/core_dut.h), to the library
# loom_core_rtl, or to <lib> (created here if it does not exist, e.g. an
# EXCLUDE_FROM_ALL library of models that `make build` does not pay for).
# COVERAGE models get Verilator line and toggle coverage and go to
# loom_core_rtl_cov (EXCLUDE_FROM_ALL) unless LIBRARY is given: VM_COVERAGE
# is set per library, and instrumented models compile and run slower.
# THREADS: Verilator --threads <n> (default 1); the harness gives the model's
# VerilatedContext that many threads. Models of different thread counts may
# share a library: Verilator 5's runtime is always the multithreaded one and
# each context has its own thread pool.
function(loom_add_core_model MODEL)
  cmake_parse_arguments(A "COVERAGE" "CONFIG;LIBRARY;THREADS" "DEFINES" ${ARGN})
  loom_config_fields(${A_CONFIG} c)
  loom_verilator_workarounds(${c_P} workarounds)
  # --threads only when asked for, so the other models' Verilator command
  # lines (and so their generated code) stay as they were.
  set(LOOM_THREADS 1)
  set(threads "")
  if(A_THREADS)
    set(LOOM_THREADS ${A_THREADS})
    set(threads THREADS ${A_THREADS})
  endif()
  set(defs "")
  foreach(d IN LISTS A_DEFINES)
    list(APPEND defs +define+${d})
  endforeach()
  set(lib loom_core_rtl)
  set(cov "")
  if(A_COVERAGE)
    set(lib loom_core_rtl_cov)
    set(cov --coverage-line --coverage-toggle)
  endif()
  if(A_LIBRARY)
    set(lib ${A_LIBRARY})
  endif()
  if(NOT TARGET ${lib})
    if(A_COVERAGE)
      add_library(${lib} STATIC EXCLUDE_FROM_ALL)
    else()
      add_library(${lib} STATIC)
    endif()
    target_link_libraries(${lib} PUBLIC loom_tb_rtl)
    target_compile_options(${lib} PRIVATE -g0)
  endif()
  set(LOOM_MODEL ${MODEL})
  configure_file(${CMAKE_SOURCE_DIR}/tb/core_factory.cpp.in
                 ${LOOM_GEN_DIR}/core_factory_${MODEL}.cpp @ONLY)
  target_sources(${lib} PRIVATE ${LOOM_GEN_DIR}/core_factory_${MODEL}.cpp)
  verilate(${lib}
    PREFIX Vcore_${MODEL}
    TOP_MODULE loom_core
    SOURCES ${LOOM_RTL_SOURCES}
    TRACE_FST ${threads}
    DIRECTORY ${CMAKE_BINARY_DIR}/verilated_core/${MODEL}
    VERILATOR_ARGS
      -O3 --assert -Wno-fatal -Wno-lint -Wno-style
      --x-assign unique --x-initial unique
      -GP=${c_P} -GSbufBytes=${c_SB} -GSbufWordBytes=${c_WB}
      -GPsumBanks=${c_BANKS} -GPsumEntries=${c_ENTRIES} -GCmdDepth=${c_DEPTH}
      -GAxiDataW=${c_AXIW}
      ${workarounds}
      ${cov}
      ${defs}
      ${CMAKE_SOURCE_DIR}/rtl/loom.vlt)
endfunction()

# loom_add_pe_array_model(<model> P <p> [THREADS <n>] [LIBRARY <lib>] [DEFINES <define>...])
# Adds the Verilated bare P x P array, pe_array (class Vpe_array_<model>),
# and a factory loom::make_pe_array_<model>() returning it behind the
# Verilator-free loom::PeArrayDut interface (tb/pe_array_dut.h), to <lib>
# (default loom_pe_array_rtl, created here if it does not exist). The array
# alone is the ceiling of the whole core's simulation speed (`make bench`),
# so it gets the core models' optimisation and X flags, but no tracing
# (nothing to debug in a benchmark) and no configuration: P is the only
# parameter. THREADS as for loom_add_core_model.
function(loom_add_pe_array_model MODEL)
  cmake_parse_arguments(A "" "P;THREADS;LIBRARY" "DEFINES" ${ARGN})
  set(lib loom_pe_array_rtl)
  if(A_LIBRARY)
    set(lib ${A_LIBRARY})
  endif()
  set(LOOM_THREADS 1)
  set(threads "")
  if(A_THREADS)
    set(LOOM_THREADS ${A_THREADS})
    set(threads THREADS ${A_THREADS})
  endif()
  set(defs "")
  foreach(d IN LISTS A_DEFINES)
    list(APPEND defs +define+${d})
  endforeach()
  if(NOT TARGET ${lib})
    add_library(${lib} STATIC)
    target_link_libraries(${lib} PUBLIC loom_tb_rtl)
    target_compile_options(${lib} PRIVATE -g0)
  endif()
  set(LOOM_MODEL ${MODEL})
  set(LOOM_P ${A_P})
  configure_file(${CMAKE_SOURCE_DIR}/tb/pe_array_factory.cpp.in
                 ${LOOM_GEN_DIR}/pe_array_factory_${MODEL}.cpp @ONLY)
  target_sources(${lib} PRIVATE ${LOOM_GEN_DIR}/pe_array_factory_${MODEL}.cpp)
  # Only the array's own sources (in rtl/files.f order): a change elsewhere
  # in the RTL does not re-Verilate it.
  verilate(${lib}
    PREFIX Vpe_array_${MODEL}
    TOP_MODULE pe_array
    SOURCES ${CMAKE_SOURCE_DIR}/rtl/loom_pkg.sv ${CMAKE_SOURCE_DIR}/rtl/pe_mac.sv
            ${CMAKE_SOURCE_DIR}/rtl/pe_array.sv
    ${threads}
    DIRECTORY ${CMAKE_BINARY_DIR}/verilated_pe_array/${MODEL}
    VERILATOR_ARGS
      -O3 --assert -Wno-fatal -Wno-lint -Wno-style
      --x-assign unique --x-initial unique
      -GP=${A_P}
      ${defs}
      ${CMAKE_SOURCE_DIR}/rtl/loom.vlt)
endfunction()
