// Observable transactions: what the RTL monitors emit and the golden model
// predicts. The scoreboard compares them channel by channel.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

namespace loom {

enum class Channel : uint8_t {
  kCmdAccept,  // tag: command accepted into the tensor-engine queue
  kIssue,      // tag, data = PeOp
  kLdwRetire,  // tag
  kMmRetire,   // tag
  kSbufWrite,  // part, addr (byte), data (bytes, little-endian), strb; words wider
               // than 8 bytes as 8-byte slices (append_sbuf_write)
  kPsumWrite,  // part, bank, addr (entry), data (int32 value as uint32), strb = accumulate
  // DMA (docs/dma.md). SBUF writes of loads use kSbufWrite, like the preload.
  kDmaAccept,    // part = queue, tag = descriptor index in the stimulus
  kDmaComplete,  // part = queue, tag = descriptor index, data = DmaCode
  kDmaSbufRead,  // store's SBUF word read request: part, addr (byte, aligned to the word)
  kDramRead,     // AR handshake: addr, data = len (beats - 1)
  kDramWriteReq, // AW handshake: addr, data = len
  // W beat handshake, one txn per 8-byte slice of the beat that has a strobe
  // set: addr = slice byte address, data = the 8 bytes (little-endian),
  // strb = the slice's 8 strobes, tag = wlast.
  kDramWrite,
  // The whole core (docs/core.md "Observation port"; instruction indices
  // are the program's, from 0).
  kSeqDispatch,  // the decode stage passes an instruction on: tag = index, part = queue (0 seq, 1 PE, 2 ACT, 3 DMA0, 4 DMA1)
  kSeqIssue,     // an engine queue pops its head (handshake or SYNC done): tag = index, part = queue (0 PE, 1 ACT, 2 DMA0, 3 DMA1)
  kSemUpdate,    // semaphore part takes value data at this edge
  kActIssue,     // tag = ACT issue count (wraps at 16 bits)
  kActWrite,     // ACT SBUF word write: part, addr, data, strb as kSbufWrite
  kActDone,      // an ACT completes
  kStatus,       // the sequencer's status levels change: data = busy | done << 1 | error << 2,
                 // addr = error code, tag = error index
};
inline constexpr int kNumChannels = 19;

const char* channel_name(Channel c);

struct Txn {
  uint64_t cycle = 0;
  Channel channel = Channel::kCmdAccept;
  uint32_t tag = 0;
  uint32_t part = 0;
  uint32_t bank = 0;
  uint32_t addr = 0;
  uint64_t data = 0;
  uint64_t strb = 0;

  // Everything but the cycle: what must match exactly.
  auto payload() const { return std::tie(channel, tag, part, bank, addr, data, strb); }
  bool same_payload(const Txn& o) const { return payload() == o.payload(); }
  bool operator==(const Txn& o) const { return cycle == o.cycle && same_payload(o); }

  // Canonical order of the expected stream: by cycle, then channel, then
  // partition (the order the monitors emit within one cycle).
  bool operator<(const Txn& o) const {
    return std::tie(cycle, channel, part) < std::tie(o.cycle, o.channel, o.part);
  }

  std::string to_string() const;
};

// Replaces `v` by v followed by `more`, sorted into exactly the order of
// std::stable_sort (Txn::operator<; equal keys keep their order, v's before
// more's). Transactions span a range of cycles about as long as they are
// many, so a stable counting sort by cycle, then a stable sort of each
// cycle's few transactions by (channel, part), is linear where stable_sort
// is n log n (the whole-core model sorts millions), and it needs no
// concatenated copy. Falls back to std::stable_sort for a sparse range.
void stable_sort_txns(std::vector<Txn>& v, const std::vector<Txn>& more = {});

// An SBUF word write of `word_bytes` bytes as kSbufWrite transactions: one
// per 8-byte slice of the word (Txn::data is 64 bits), slice s at byte
// address addr + 8s with the word's bytes and strobes 8s.. 8s+7; a word of 8
// bytes or fewer is one transaction. Model and monitor both use it.
void append_sbuf_write(std::vector<Txn>& out, uint64_t cycle, uint32_t part, uint32_t addr,
                       const uint8_t* data, uint32_t word_bytes, uint64_t strb,
                       Channel channel = Channel::kSbufWrite);

}  // namespace loom
