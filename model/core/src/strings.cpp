// Readable one-liners for commands and transactions.
#include <fmt/format.h>

#include "loom/pe_cmd.h"
#include "loom/txn.h"

namespace loom {

std::string PeCmd::to_string() const {
  switch (op) {
    case PeOp::kLdw:
      return fmt::format("LDW sbuf={:#x} K={} M={}", sbuf_addr, rows, cols);
    case PeOp::kMm:
      return fmt::format("MM sbuf={:#x} F={} bank={} off={} {}", sbuf_addr, cols, psum_bank,
                         psum_off, acc ? "acc" : "ovw");
  }
  return fmt::format("OP{} raw={:#018x}", unsigned(op), pack());
}

const char* channel_name(Channel c) {
  switch (c) {
    case Channel::kCmdAccept:
      return "cmd_accept";
    case Channel::kIssue:
      return "issue";
    case Channel::kLdwRetire:
      return "ldw_retire";
    case Channel::kMmRetire:
      return "mm_retire";
    case Channel::kSbufWrite:
      return "sbuf_write";
    case Channel::kPsumWrite:
      return "psum_write";
    case Channel::kDmaAccept:
      return "dma_accept";
    case Channel::kDmaComplete:
      return "dma_complete";
    case Channel::kDmaSbufRead:
      return "dma_sbuf_read";
    case Channel::kDramRead:
      return "dram_ar";
    case Channel::kDramWriteReq:
      return "dram_aw";
    case Channel::kDramWrite:
      return "dram_w";
    case Channel::kSeqDispatch:
      return "seq_dispatch";
    case Channel::kSeqIssue:
      return "seq_issue";
    case Channel::kSemUpdate:
      return "sem_update";
    case Channel::kActIssue:
      return "act_issue";
    case Channel::kActWrite:
      return "act_write";
    case Channel::kActDone:
      return "act_done";
    case Channel::kStatus:
      return "status";
  }
  return "unknown_channel";
}

std::string Txn::to_string() const {
  const std::string head = fmt::format("@{} {}", cycle, channel_name(channel));
  switch (channel) {
    case Channel::kCmdAccept:
    case Channel::kLdwRetire:
    case Channel::kMmRetire:
      return fmt::format("{} tag={}", head, tag);
    case Channel::kIssue:
      return fmt::format("{} tag={} op={}", head, tag,
                         data == uint64_t(PeOp::kLdw)  ? "LDW"
                         : data == uint64_t(PeOp::kMm) ? "MM"
                                                       : "?");
    case Channel::kSbufWrite:
      return fmt::format("{} part={} addr={:#x} data={:#018x} strb={:#x}", head, part, addr, data,
                         strb);
    case Channel::kPsumWrite:
      return fmt::format("{} part={} bank={} entry={} data={} ({:#010x}) {}", head, part, bank,
                         addr, int32_t(uint32_t(data)), data, strb ? "acc" : "ovw");
    case Channel::kDmaAccept:
      return fmt::format("{} queue={} desc={}", head, part, tag);
    case Channel::kDmaComplete:
      return fmt::format("{} queue={} desc={} code={}", head, part, tag, data);
    case Channel::kDmaSbufRead:
      return fmt::format("{} part={} addr={:#x}", head, part, addr);
    case Channel::kDramRead:
    case Channel::kDramWriteReq:
      return fmt::format("{} addr={:#x} len={}", head, addr, data);
    case Channel::kDramWrite:
      return fmt::format("{} addr={:#x} data={:#018x} strb={:#04x}{}", head, addr, data, strb,
                         tag ? " last" : "");
    case Channel::kSeqDispatch:  // the whole-core channels: the generic form below
    case Channel::kSeqIssue:
    case Channel::kSemUpdate:
    case Channel::kActIssue:
    case Channel::kActWrite:
    case Channel::kActDone:
    case Channel::kStatus:
      break;
  }
  return fmt::format("{} tag={} part={} bank={} addr={:#x} data={:#x} strb={:#x}", head, tag, part,
                     bank, addr, data, strb);
}

}  // namespace loom
