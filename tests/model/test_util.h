// Helpers shared by the model tests: stimulus builders, seeds, comparisons.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "loom/configs.h"
#include "loom/model.h"
#include "loom/prediction.h"
#include "loom/stimulus.h"
#include "common/test_seed.h"

namespace loom::test {

// A copy of a named configuration (tests tweak fields such as cmd_depth).
inline Config cfg(const char* name) { return config_by_name(name); }

// Preloads rows[k][j] into SBUF[k][addr + j] (addr aligned to the word) with
// full-word writes, zero-padded to whole words.
inline void preload_rows(Stimulus& st, const Config& c, uint32_t addr,
                         const std::vector<std::vector<int8_t>>& rows) {
  const uint32_t wb = c.sbuf_word_bytes;
  const uint64_t full = wb >= 64 ? ~uint64_t(0) : (uint64_t(1) << wb) - 1;
  for (uint32_t k = 0; k < rows.size(); ++k) {
    for (uint32_t j = 0; j < rows[k].size(); j += wb) {
      SbufWrite w;
      w.part = k;
      w.addr = addr + j;
      w.data.assign(wb, 0);
      for (uint32_t b = 0; b < wb && j + b < rows[k].size(); ++b)
        w.data[b] = uint8_t(rows[k][j + b]);
      w.strb = full;
      st.preload.push_back(w);
    }
  }
}

// rows x cols matrix filled with one value.
inline std::vector<std::vector<int8_t>> filled(uint32_t rows, uint32_t cols, int8_t v) {
  return std::vector<std::vector<int8_t>>(rows, std::vector<int8_t>(cols, v));
}

inline void add_cmd(Stimulus& st, const PeCmd& cmd, uint32_t gap = 0) {
  st.cmds.push_back({cmd, gap});
}

// Transactions of one channel, in order.
inline std::vector<Txn> of_channel(const Prediction& p, Channel ch) {
  std::vector<Txn> out;
  for (const Txn& t : p.txns) {
    if (t.channel == ch) out.push_back(t);
  }
  return out;
}

// Gtest assertion that two predictions are identical, reporting the first
// differing transaction.
inline ::testing::AssertionResult same_prediction(const Prediction& a, const Prediction& b) {
  const size_t n = std::min(a.txns.size(), b.txns.size());
  for (size_t i = 0; i < n; ++i) {
    if (!(a.txns[i] == b.txns[i])) {
      return ::testing::AssertionFailure()
             << "transaction " << i << " differs:\n  expected " << a.txns[i].to_string()
             << "\n  actual   " << b.txns[i].to_string();
    }
  }
  if (a.txns.size() != b.txns.size()) {
    return ::testing::AssertionFailure()
           << "transaction counts differ: " << a.txns.size() << " vs " << b.txns.size()
           << (a.txns.size() > n ? "; first extra expected: " + a.txns[n].to_string()
                                 : "; first extra actual: " + b.txns[n].to_string());
  }
  if (a.end_cycle != b.end_cycle)
    return ::testing::AssertionFailure() << "end_cycle " << a.end_cycle << " vs " << b.end_cycle;
  if (a.macs != b.macs)
    return ::testing::AssertionFailure() << "macs " << a.macs << " vs " << b.macs;
  if (a.issue_cycle != b.issue_cycle) return ::testing::AssertionFailure() << "issue cycles differ";
  if (a.final_state.sbuf != b.final_state.sbuf)
    return ::testing::AssertionFailure() << "SBUF differs";
  if (a.final_state.sbuf_written != b.final_state.sbuf_written)
    return ::testing::AssertionFailure() << "SBUF written marks differ";
  if (a.final_state.psum != b.final_state.psum)
    return ::testing::AssertionFailure() << "PSUM differs";
  if (a.final_state.psum_written != b.final_state.psum_written)
    return ::testing::AssertionFailure() << "PSUM written marks differ";
  return ::testing::AssertionSuccess();
}

inline int32_t psum_at(const Prediction& p, const Config& c, uint32_t part, uint32_t bank,
                       uint32_t entry) {
  return p.final_state.psum[part][size_t(bank) * c.psum_entries + entry];
}

}  // namespace loom::test
