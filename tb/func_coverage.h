// Functional coverage of the regression (docs/verification.md "Coverage"):
// named bins in groups, sampled from what a run did — its program (instruction
// kinds, shape classes, flags, DMA shapes, semaphore patterns), its DRAM
// profile (latency, backpressure) and the error code it ended with. The hit
// counts of many runs (one JSON file each) merge into one, and the report
// lists the bins no run hit. Every bin is declared up front, so a bin never
// hit is still in the report.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "loom/axi_mem.h"
#include "loom/configs.h"
#include "loom/isa.h"

namespace loom {

class FuncCoverage {
 public:
  FuncCoverage();  // every bin, none hit

  // The program as generated (before it runs): one count per match.
  void sample_program(const Config& cfg, const std::vector<Instr>& program);
  // The data DRAM's latencies and backpressure of the run.
  void sample_dram(const AxiMemConfig& dram);
  // The error code the core stopped with (kOk: END).
  void sample_end(CoreError code);

  // Adds the counts of `o` (same bins).
  void merge(const FuncCoverage& o);

  // {"group": {"bin": count, ...}, ...}
  nlohmann::json to_json() const;
  // Throws std::runtime_error on a group or bin this build does not declare.
  static FuncCoverage from_json(const nlohmann::json& j);

  // Count of one bin; throws std::out_of_range if it is not declared.
  uint64_t count(const std::string& group, const std::string& bin) const;
  size_t bins() const;
  size_t bins_hit() const;
  double percent() const { return bins() ? 100.0 * double(bins_hit()) / double(bins()) : 0.0; }
  // "group.bin" of every bin with a zero count, in declaration order.
  std::vector<std::string> unhit() const;
  // Per group hit / total, the total figure, then the bins not hit.
  std::string report() const;

 private:
  struct Group {
    std::string name;
    std::vector<std::string> bins;
    std::vector<uint64_t> counts;
  };
  void declare(const std::string& group, const std::vector<std::string>& bins);
  void declare_cross(const std::string& group, const std::vector<std::string>& a, const std::vector<std::string>& b);
  void hit(const std::string& group, const std::string& bin);  // throws std::out_of_range if undeclared
  uint64_t& slot(const std::string& group, const std::string& bin);

  std::vector<Group> groups_;
};

}  // namespace loom
