// The host CSR map of docs/csr.md: register offsets and fields, for every
// piece of C++ that drives the core's AXI4-Lite slave.
#pragma once

#include <cstdint>

namespace loom::csr {

enum Offset : uint32_t {
  kId = 0x000,
  kVersion = 0x004,
  kCtrl = 0x008,
  kStatus = 0x00c,
  kErrorCode = 0x010,
  kErrorIndex = 0x014,
  kIrqEnable = 0x018,
  kIrqStatus = 0x01c,
  kProgBaseLo = 0x020,
  kProgBaseHi = 0x024,
  kProgLen = 0x028,
  kWatchdog = 0x02c,
  kDramBaseLo = 0x030,
  kDramBaseHi = 0x034,
  kDramLimitLo = 0x038,
  kDramLimitHi = 0x03c,
  kPerfCycles = 0x100,  // each counter: _LO here, _HI at +4
  kPerfBusyPe = 0x108,
  kPerfBusyAct = 0x110,
  kPerfBusyDma = 0x118,
  kPerfBusySeq = 0x120,
  kPerfMacs = 0x128,
  kPerfDmaBytes = 0x130,
};

constexpr uint32_t kCtrlStart = 1u << 0;
constexpr uint32_t kCtrlSoftReset = 1u << 1;
constexpr uint32_t kStatusBusy = 1u << 0;
constexpr uint32_t kStatusDone = 1u << 1;
constexpr uint32_t kStatusError = 1u << 2;
constexpr uint32_t kIrqDone = 1u << 0;
constexpr uint32_t kIrqError = 1u << 1;

constexpr uint32_t kRespOkay = 0;
constexpr uint32_t kRespSlvErr = 2;

}  // namespace loom::csr
