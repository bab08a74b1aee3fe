// Bit-exact SBUF, PSUM and weight-bank semantics (docs/tensor_top.md).
#include "loom/functional.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace loom {

// --- SBUF -----------------------------------------------------------------

SbufState::SbufState(const Config& cfg)
    : bytes_(cfg.sbuf_bytes),
      mem_(cfg.partitions, std::vector<uint8_t>(cfg.sbuf_bytes, 0)),
      written_(cfg.partitions, std::vector<bool>(cfg.sbuf_bytes, false)) {}

void SbufState::check(uint32_t part, uint32_t addr, uint32_t n) const {
  if (part >= mem_.size() || uint64_t(addr) + n > bytes_) {
    throw std::out_of_range(fmt::format("SBUF access part={} addr={:#x} bytes={} outside {} x {}",
                                        part, addr, n, mem_.size(), bytes_));
  }
}

void SbufState::write(uint32_t part, uint32_t addr, const uint8_t* data, uint32_t n,
                      uint64_t strb) {
  check(part, addr, n);
  for (uint32_t i = 0; i < n; ++i) {
    if (i < 64 && ((strb >> i) & 1)) {
      mem_[part][addr + i] = data[i];
      written_[part][addr + i] = true;
    }
  }
}

void SbufState::read(uint32_t part, uint32_t addr, uint8_t* out, uint32_t n) const {
  check(part, addr, n);
  for (uint32_t i = 0; i < n; ++i) out[i] = mem_[part][addr + i];
}

uint8_t SbufState::byte(uint32_t part, uint32_t addr) const {
  check(part, addr, 1);
  return mem_[part][addr];
}

bool SbufState::written(uint32_t part, uint32_t addr) const {
  check(part, addr, 1);
  return written_[part][addr];
}

void SbufState::export_to(MemImage& img) const {
  img.sbuf = mem_;
  img.sbuf_written = written_;
}

// --- PSUM -----------------------------------------------------------------

PsumState::PsumState(const Config& cfg)
    : banks_(cfg.psum_banks),
      entries_(cfg.psum_entries),
      mem_(cfg.partitions, std::vector<int32_t>(size_t(cfg.psum_banks) * cfg.psum_entries, 0)),
      written_(cfg.partitions,
               std::vector<bool>(size_t(cfg.psum_banks) * cfg.psum_entries, false)) {}

size_t PsumState::index(uint32_t part, uint32_t bank, uint32_t entry) const {
  if (part >= mem_.size() || bank >= banks_ || entry >= entries_) {
    throw std::out_of_range(fmt::format("PSUM access part={} bank={} entry={} outside {}x{}x{}",
                                        part, bank, entry, mem_.size(), banks_, entries_));
  }
  return size_t(bank) * entries_ + entry;
}

int32_t PsumState::value(uint32_t part, uint32_t bank, uint32_t entry) const {
  return mem_[part][index(part, bank, entry)];
}

void PsumState::export_to(MemImage& img) const {
  img.psum = mem_;
  img.psum_written = written_;
}

// --- Weight banks -----------------------------------------------------------

WeightBanks::WeightBanks(uint32_t partitions) : p_(partitions) {
  for (Bank& b : banks_) b.w.assign(size_t(p_) * p_, 0);
}

uint32_t WeightBanks::load(uint32_t k, uint32_t m, const std::vector<std::vector<uint8_t>>& rows) {
  if (k > p_ || m > p_ || rows.size() < k) {
    throw std::invalid_argument(
        fmt::format("LDW K={} M={} with {} rows at P={}", k, m, rows.size(), p_));
  }
  const uint32_t b = uint32_t(ldw_count_ % 2);
  Bank& bank = banks_[b];
  bank.k = k;
  bank.m = m;
  std::fill(bank.w.begin(), bank.w.end(), int8_t(0));
  for (uint32_t r = 0; r < k; ++r) {
    if (rows[r].size() < m) throw std::invalid_argument("LDW row shorter than M");
    for (uint32_t c = 0; c < m; ++c) bank.w[size_t(r) * p_ + c] = static_cast<int8_t>(rows[r][c]);
  }
  cur_ = b;
  ++ldw_count_;
  return b;
}

std::vector<int32_t> WeightBanks::multiply(uint32_t f,
                                           const std::vector<std::vector<uint8_t>>& x) const {
  const Bank& bank = banks_[cur_];
  if (x.size() < bank.k) throw std::invalid_argument("MM: fewer moving rows than K");
  std::vector<uint32_t> acc(size_t(bank.m) * f, 0);
  for (uint32_t k = 0; k < bank.k; ++k) {
    if (x[k].size() < f) throw std::invalid_argument("MM: moving row shorter than F");
    for (uint32_t m = 0; m < bank.m; ++m) {
      const int32_t w = bank.w[size_t(k) * p_ + m];
      uint32_t* out = &acc[size_t(m) * f];
      for (uint32_t i = 0; i < f; ++i) {
        const int32_t prod = w * int32_t(static_cast<int8_t>(x[k][i]));  // |prod| <= 2^14
        out[i] += static_cast<uint32_t>(prod);
      }
    }
  }
  return std::vector<int32_t>(acc.begin(), acc.end());  // uint32 -> int32: two's complement
}

// --- Whole commands ----------------------------------------------------------

FunctionalCore::FunctionalCore(const Config& cfg)
    : cfg_(cfg), sbuf_(cfg), psum_(cfg), weights_(cfg.partitions) {}

void FunctionalCore::sbuf_write(const SbufWrite& w) {
  sbuf_.write(w.part, w.addr, w.data.data(), uint32_t(w.data.size()), w.strb);
}

std::vector<std::vector<uint8_t>> FunctionalCore::read_rows(uint32_t addr, uint32_t rows,
                                                            uint32_t n) const {
  std::vector<std::vector<uint8_t>> out(rows, std::vector<uint8_t>(n));
  for (uint32_t k = 0; k < rows; ++k) sbuf_.read(k, addr, out[k].data(), n);
  return out;
}

uint32_t FunctionalCore::ldw(const PeCmd& cmd) {
  return weights_.load(cmd.rows, cmd.cols, read_rows(cmd.sbuf_addr, cmd.rows, cmd.cols));
}

uint32_t FunctionalCore::mm(
    const PeCmd& cmd, const std::function<void(uint32_t m, uint32_t f, int32_t value)>& on_write) {
  return mm_each(cmd, [&](uint32_t m, uint32_t f, int32_t v) {
    if (on_write) on_write(m, f, v);
  });
}

void FunctionalCore::execute(const PeCmd& cmd) {
  if (cmd.op == PeOp::kLdw) {
    ldw(cmd);
  } else {
    mm(cmd, nullptr);
  }
}

MemImage FunctionalCore::image() const {
  MemImage img;
  sbuf_.export_to(img);
  psum_.export_to(img);
  return img;
}

uint64_t pack_bytes_le(const uint8_t* bytes, uint32_t n) {
  uint64_t v = 0;
  for (uint32_t i = 0; i < n && i < 8; ++i) v |= uint64_t(bytes[i]) << (8 * i);
  return v;
}

uint64_t pack_bytes_le(const std::vector<uint8_t>& bytes) {
  return pack_bytes_le(bytes.data(), uint32_t(bytes.size()));
}

}  // namespace loom
