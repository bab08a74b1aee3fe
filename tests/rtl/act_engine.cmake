# act_engine (docs/act.md) against C++ PSUM / SBUF memories and a reference
# of its timing contract, at three SBUF word widths: 8 (records in one word),
# 4 (records in two words, P = 8), 32 (many elements per word).
# Included from tests/rtl/CMakeLists.txt.
#   name  P  SbufBytes SbufWordBytes PsumBanks PsumEntries QueueDepth
set(LOOM_ACT_UT_w8  4  512  8 2 16 2)
set(LOOM_ACT_UT_w4  8 1024  4 4 32 2)
set(LOOM_ACT_UT_w32 4 1024 32 2 32 3)
loom_unit_variants(_act_variants "w8;w4;w32" "w8;w32")
foreach(v IN LISTS _act_variants)
  list(GET LOOM_ACT_UT_${v} 0 p)
  list(GET LOOM_ACT_UT_${v} 1 sb)
  list(GET LOOM_ACT_UT_${v} 2 wb)
  list(GET LOOM_ACT_UT_${v} 3 banks)
  list(GET LOOM_ACT_UT_${v} 4 entries)
  list(GET LOOM_ACT_UT_${v} 5 qd)
  add_executable(test_rtl_act_engine_${v} test_act_engine.cpp)
  target_compile_options(test_rtl_act_engine_${v} PRIVATE ${LOOM_RTL_UNIT_CXX_OPTIONS})
  target_link_libraries(test_rtl_act_engine_${v} PRIVATE loom_model_core GTest::gtest GTest::gtest_main)
  target_compile_definitions(test_rtl_act_engine_${v} PRIVATE
    LOOM_UT_P=${p} LOOM_UT_SB=${sb} LOOM_UT_WB=${wb} LOOM_UT_BANKS=${banks}
    LOOM_UT_ENTRIES=${entries} LOOM_UT_QD=${qd})
  verilate(test_rtl_act_engine_${v}
    PREFIX Vact_engine
    TOP_MODULE act_engine
    SOURCES ${LOOM_RTL_SOURCES}
    DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/verilated_act_engine_${v}
    VERILATOR_ARGS ${LOOM_RTL_UNIT_VERILATOR_ARGS}
      -GP=${p} -GSbufBytes=${sb} -GSbufWordBytes=${wb} -GPsumBanks=${banks}
      -GPsumEntries=${entries} -GQueueDepth=${qd})
  gtest_discover_tests(test_rtl_act_engine_${v} TEST_PREFIX ${v}. PROPERTIES LABELS unit)
endforeach()
