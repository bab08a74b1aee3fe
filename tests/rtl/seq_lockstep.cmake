# SequencerModel (loom/sequencer_model.h) in lock-step with the Verilated
# sequencer: every output pin compared every cycle (docs/model.md
# "Sequencer model"). Included from tests/rtl/CMakeLists.txt (which sets
# LOOM_RTL_UNIT_CXX_OPTIONS and LOOM_RTL_UNIT_VERILATOR_ARGS). Its own
# Verilated sequencer per fetch width, with the parameters the test gives
# the model (P 8, 4 KiB SBUF, 4 banks of 64, 16 semaphores, the rest the
# RTL's defaults).
loom_unit_variants(_lockstep_variants "64;32;512" "64")
foreach(dw IN LISTS _lockstep_variants)
  add_executable(test_rtl_seq_lockstep_${dw} test_seq_lockstep.cpp)
  target_compile_options(test_rtl_seq_lockstep_${dw} PRIVATE ${LOOM_RTL_UNIT_CXX_OPTIONS})
  target_link_libraries(test_rtl_seq_lockstep_${dw} PRIVATE loom_tb loom_model_core GTest::gtest
    GTest::gtest_main)
  math(EXPR db "${dw} / 8")
  target_compile_definitions(test_rtl_seq_lockstep_${dw} PRIVATE LOOM_UT_DB=${db})
  verilate(test_rtl_seq_lockstep_${dw}
    PREFIX Vsequencer
    TOP_MODULE sequencer
    SOURCES
      ${LOOM_SEQ_SOURCES}
    DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/verilated_seq_lockstep_${dw}
    VERILATOR_ARGS ${LOOM_RTL_UNIT_VERILATOR_ARGS}
      -GP=8 -GSbufBytes=4096 -GPsumBanks=4 -GPsumEntries=64 -GSemaphores=16 -GAxiDataW=${dw})
  gtest_discover_tests(test_rtl_seq_lockstep_${dw} TEST_PREFIX w${dw}. PROPERTIES LABELS unit)
endforeach()

# The same lock-step at tight fetch and queue parameters (a 256-bit bus:
# one beat per instruction; 4-instruction buffer, bursts of 2, one burst
# outstanding; queues of 1 / 2 / 1, one command in flight per stream), so
# credits, the burst limit and full queues / in-flight lists are exercised.
add_executable(test_rtl_seq_lockstep_tight test_seq_lockstep.cpp)
target_compile_options(test_rtl_seq_lockstep_tight PRIVATE ${LOOM_RTL_UNIT_CXX_OPTIONS})
target_link_libraries(test_rtl_seq_lockstep_tight PRIVATE loom_tb loom_model_core GTest::gtest
  GTest::gtest_main)
target_compile_definitions(test_rtl_seq_lockstep_tight PRIVATE LOOM_UT_DB=32
  "LOOM_UT_FETCH=4,2,1" "LOOM_UT_QUEUES=1,2,1,1")
verilate(test_rtl_seq_lockstep_tight
  PREFIX Vsequencer
  TOP_MODULE sequencer
  SOURCES
    ${LOOM_SEQ_SOURCES}
  DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/verilated_seq_lockstep_tight
  VERILATOR_ARGS ${LOOM_RTL_UNIT_VERILATOR_ARGS}
    -GP=8 -GSbufBytes=4096 -GPsumBanks=4 -GPsumEntries=64 -GSemaphores=16 -GAxiDataW=256
    -GFetchBufDepth=4 -GFetchBurstInstrs=2 -GFetchMaxBursts=1 -GPeQueueDepth=1
    -GActQueueDepth=2 -GDmaQueueDepth=1 -GInflightDepth=1)
gtest_discover_tests(test_rtl_seq_lockstep_tight TEST_PREFIX tight. PROPERTIES LABELS unit)
