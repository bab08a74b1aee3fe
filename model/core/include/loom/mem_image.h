// Whole-memory snapshots of SBUF and PSUM, compared at the end of a run.
#pragma once

#include <cstdint>
#include <vector>

#include "loom/configs.h"

namespace loom {

struct MemImage {
  // sbuf[p][byte], P x sbuf_bytes; zero after reset in the model. The RTL's
  // SBUF is uninitialised, so comparisons cover only bytes that were written
  // (sbuf_written[p][byte]).
  std::vector<std::vector<uint8_t>> sbuf;
  std::vector<std::vector<bool>> sbuf_written;
  // psum[p][bank * psum_entries + entry], int32; likewise psum_written.
  std::vector<std::vector<int32_t>> psum;
  std::vector<std::vector<bool>> psum_written;

  explicit MemImage(const Config& c)
      : sbuf(c.partitions, std::vector<uint8_t>(c.sbuf_bytes, 0)),
        sbuf_written(c.partitions, std::vector<bool>(c.sbuf_bytes, false)),
        psum(c.partitions, std::vector<int32_t>(size_t(c.psum_banks) * c.psum_entries, 0)),
        psum_written(c.partitions, std::vector<bool>(size_t(c.psum_banks) * c.psum_entries, false)) {}
  MemImage() = default;
};

}  // namespace loom
