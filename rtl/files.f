# RTL sources in compile order (read by CMake, lint and synthesis).
rtl/loom_pkg.sv
rtl/cmn_ram_nr1w.sv
rtl/cmn_fifo.sv
rtl/sbuf.sv
rtl/pe_mac.sv
rtl/act_lane.sv
rtl/csr_axil.sv
rtl/pe_array.sv
rtl/pe_ctrl.sv
rtl/psum.sv
rtl/dma_walk.sv
rtl/dma_pack.sv
rtl/dma_engine.sv
rtl/loom_tensor_top.sv
