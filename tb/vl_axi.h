// The AXI4 pins of a Verilated master port <-> loom::AxiMem's pin structs.
// The port is named by a prefix at the call site (m_axi_ for the DMA,
// m_axi_if_ for the instruction fetch), so both ports and both tops share
// this code. Verilator-only (needs the model's header).
#pragma once

#include "loom/axi_mem.h"
#include "vl_bytes.h"

// Drive the slave's outputs `so` into the master port PFX of top `t`
// (data width `db` bytes).
#define LOOM_VL_AXI_READ_SLAVE(t, PFX, so, db)                   \
  do {                                                          \
    (t)->PFX##arready_i = (so).ar_ready;                        \
    (t)->PFX##rvalid_i = (so).r_valid;                          \
    (t)->PFX##rid_i = (so).r_id;                                \
    ::loom::SetBytes((t)->PFX##rdata_i, (so).r_data.data(), (db)); \
    (t)->PFX##rresp_i = (so).r_resp;                            \
    (t)->PFX##rlast_i = (so).r_last;                            \
  } while (0)

#define LOOM_VL_AXI_WRITE_SLAVE(t, PFX, so) \
  do {                                      \
    (t)->PFX##awready_i = (so).aw_ready;    \
    (t)->PFX##wready_i = (so).w_ready;      \
    (t)->PFX##bvalid_i = (so).b_valid;      \
    (t)->PFX##bid_i = (so).b_id;            \
    (t)->PFX##bresp_i = (so).b_resp;        \
  } while (0)

// Sample the master's read channels (AR, R ready) into AxiMasterOut `mo`.
#define LOOM_VL_AXI_READ_MASTER(t, PFX, mo) \
  do {                                      \
    (mo).ar_valid = (t)->PFX##arvalid_o;    \
    (mo).ar_id = (t)->PFX##arid_o;          \
    (mo).ar_addr = (t)->PFX##araddr_o;      \
    (mo).ar_len = (t)->PFX##arlen_o;        \
    (mo).ar_size = (t)->PFX##arsize_o;      \
    (mo).ar_burst = (t)->PFX##arburst_o;    \
    (mo).r_ready = (t)->PFX##rready_o;      \
  } while (0)

#define LOOM_VL_AXI_WRITE_MASTER(t, PFX, mo, db)                    \
  do {                                                             \
    (mo).aw_valid = (t)->PFX##awvalid_o;                           \
    (mo).aw_id = (t)->PFX##awid_o;                                 \
    (mo).aw_addr = (t)->PFX##awaddr_o;                             \
    (mo).aw_len = (t)->PFX##awlen_o;                               \
    (mo).aw_size = (t)->PFX##awsize_o;                             \
    (mo).aw_burst = (t)->PFX##awburst_o;                           \
    (mo).w_valid = (t)->PFX##wvalid_o;                             \
    ::loom::GetBytes((t)->PFX##wdata_o, (mo).w_data.data(), (db)); \
    (mo).w_strb = uint64_t((t)->PFX##wstrb_o);                     \
    (mo).w_last = (t)->PFX##wlast_o;                               \
    (mo).b_ready = (t)->PFX##bready_o;                             \
  } while (0)
