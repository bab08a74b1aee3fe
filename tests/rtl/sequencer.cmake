# The sequencer (docs/sequencer.md) and its decoder, each on its own
# Verilated model. Included from tests/rtl/CMakeLists.txt (which sets
# LOOM_RTL_UNIT_CXX_OPTIONS and LOOM_RTL_UNIT_VERILATOR_ARGS).
set(LOOM_SEQ_SOURCES
  ${CMAKE_CURRENT_SOURCE_DIR}/../../rtl/cmn_fifo.sv
  ${CMAKE_CURRENT_SOURCE_DIR}/../../rtl/seq_decode.sv
  ${CMAKE_CURRENT_SOURCE_DIR}/../../rtl/seq_sem.sv
  ${CMAKE_CURRENT_SOURCE_DIR}/../../rtl/seq_fetch.sv
  ${CMAKE_CURRENT_SOURCE_DIR}/../../rtl/sequencer.sv)

# seq_decode against loom::decode() + loom::validate(), per configuration.
#   name    P  SbufBytes PsumBanks PsumEntries Semaphores
set(LOOM_SEQDEC_UT_tiny   4  1024 2  16  4)
set(LOOM_SEQDEC_UT_small  8  4096 4  64 16)
set(LOOM_SEQDEC_UT_medium 16 8192 4 128 32)
loom_unit_variants(_seqdec_variants "tiny;small;medium" "small")
foreach(v IN LISTS _seqdec_variants)
  list(GET LOOM_SEQDEC_UT_${v} 0 p)
  list(GET LOOM_SEQDEC_UT_${v} 1 sb)
  list(GET LOOM_SEQDEC_UT_${v} 2 banks)
  list(GET LOOM_SEQDEC_UT_${v} 3 entries)
  list(GET LOOM_SEQDEC_UT_${v} 4 sems)
  add_executable(test_rtl_seq_decode_${v} test_seq_decode.cpp)
  target_compile_options(test_rtl_seq_decode_${v} PRIVATE ${LOOM_RTL_UNIT_CXX_OPTIONS})
  target_link_libraries(test_rtl_seq_decode_${v} PRIVATE loom_model_core GTest::gtest
    GTest::gtest_main)
  target_compile_definitions(test_rtl_seq_decode_${v} PRIVATE LOOM_UT_P=${p} LOOM_UT_SB=${sb}
    LOOM_UT_BANKS=${banks} LOOM_UT_ENTRIES=${entries} LOOM_UT_SEMS=${sems})
  verilate(test_rtl_seq_decode_${v}
    PREFIX Vseq_decode
    TOP_MODULE seq_decode
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/../../rtl/seq_decode.sv
    DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/verilated_seq_decode_${v}
    VERILATOR_ARGS ${LOOM_RTL_UNIT_VERILATOR_ARGS}
      -GP=${p} -GSbufBytes=${sb} -GPsumBanks=${banks} -GPsumEntries=${entries}
      -GSemaphores=${sems})
  gtest_discover_tests(test_rtl_seq_decode_${v} TEST_PREFIX ${v}. PROPERTIES LABELS unit)
endforeach()

# sequencer against loom::AxiMem and C++ engine stubs (P 8, 4 KiB SBUF, 4
# banks of 64), at three fetch bus widths: 64 (the GEMM contract), 32 (two
# beats per instruction) and 512 bits (two instructions per beat).
loom_unit_variants(_seq_variants "64;32;512" "64;512")
foreach(dw IN LISTS _seq_variants)
  add_executable(test_rtl_sequencer_${dw} test_sequencer.cpp)
  target_compile_options(test_rtl_sequencer_${dw} PRIVATE ${LOOM_RTL_UNIT_CXX_OPTIONS})
  target_link_libraries(test_rtl_sequencer_${dw} PRIVATE loom_tb loom_model_core GTest::gtest
    GTest::gtest_main)
  math(EXPR db "${dw} / 8")
  target_compile_definitions(test_rtl_sequencer_${dw} PRIVATE LOOM_UT_DB=${db})
  verilate(test_rtl_sequencer_${dw}
    PREFIX Vsequencer
    TOP_MODULE sequencer
    SOURCES ${LOOM_SEQ_SOURCES}
    DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/verilated_sequencer_${dw}
    VERILATOR_ARGS ${LOOM_RTL_UNIT_VERILATOR_ARGS}
      -GP=8 -GSbufBytes=4096 -GPsumBanks=4 -GPsumEntries=64 -GAxiDataW=${dw})
  gtest_discover_tests(test_rtl_sequencer_${dw} TEST_PREFIX w${dw}. PROPERTIES LABELS unit)
endforeach()
