// AxiMem: the testbench DRAM, a cycle-based AXI4 slave memory model.
//
// A sparse byte memory behind the five AXI4 channels, with configurable
// latency, seeded random backpressure on every channel, out-of-order read
// bursts across IDs, error injection at address ranges and a protocol checker
// on the master's side. Every cycle the testbench reads outputs(), drives the
// master, and calls tick() with what the master drives: tick() is the rising
// edge that ends the cycle. docs/axi_mem.md describes the cycle semantics
// exactly.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace loom {

constexpr uint32_t kAxiMaxDataBytes = 64;  // 512-bit bus
constexpr uint32_t kAxiMaxBeats = 256;     // AXI4 INCR: AxLEN <= 255
constexpr uint64_t kAxiPageBytes = 4096;   // no burst crosses a 4 KiB boundary

// AXI4 response codes.
constexpr uint32_t kAxiOkay = 0;
constexpr uint32_t kAxiSlvErr = 2;
constexpr uint32_t kAxiDecErr = 3;

// AXI4 burst types (only INCR is legal here).
constexpr uint32_t kAxiBurstFixed = 0;
constexpr uint32_t kAxiBurstIncr = 1;
constexpr uint32_t kAxiBurstWrap = 2;

struct AxiMemConfig {
  uint32_t data_bytes = 8;  // bus width in bytes: 4, 8, 16, 32, 64
  // Cycles from the AR handshake to the first R beat being offered (>= 1).
  uint32_t read_latency = 100;
  // Cycles from the last W beat handshake (the AW's if W came first) to B
  // being offered (>= 1).
  uint32_t write_latency = 10;
  uint32_t max_reads = 16;   // outstanding read bursts accepted (AR ready low when full)
  uint32_t max_writes = 16;  // outstanding write bursts (from AW or first W, until B)
  // Backpressure / throughput, each a probability per cycle (1.0 = always
  // ready/valid when possible, 0.0 = never).
  double ar_ready = 1.0, aw_ready = 1.0, w_ready = 1.0, r_valid = 1.0, b_valid = 1.0;
  // R bursts of different IDs may come back out of order (never within one ID).
  bool reorder_reads = false;
  // Bursty mode (both > 0): the memory alternates between "on" periods, where
  // the probabilities above apply, and "off" periods, where no channel is
  // ready and no new R beat or B is offered (a held one stays). Each period's
  // length is drawn uniformly from [1, 2 * mean - 1] cycles.
  uint32_t burst_on = 0, burst_off = 0;
  uint64_t seed = 1;  // every random choice comes from this seed
  // [base, limit): a burst whose bytes touch the range gets `resp` (2 = SLVERR,
  // 3 = DECERR) on every R beat (reads) or on B (writes); a failed write
  // burst does not modify the memory.
  struct ErrorRange {
    uint64_t base, limit;
    uint8_t resp;
    bool reads, writes;
  };
  std::vector<ErrorRange> errors;
  bool throw_on_violation = true;  // tick() throws the first protocol violation
  // events() records every handshake; false: events() stays as it is (a
  // replica nobody reads the history of, e.g. predict_core()'s). Nothing
  // else depends on it: outputs, contents, checks and violations are the same.
  bool record_events = true;
};

struct AxiMasterOut {  // what the master drives in this cycle
  bool ar_valid = false;
  uint32_t ar_id = 0;
  uint64_t ar_addr = 0;
  uint32_t ar_len = 0;
  uint32_t ar_size = 0;
  uint32_t ar_burst = kAxiBurstIncr;
  bool r_ready = false;
  bool aw_valid = false;
  uint32_t aw_id = 0;
  uint64_t aw_addr = 0;
  uint32_t aw_len = 0;
  uint32_t aw_size = 0;
  uint32_t aw_burst = kAxiBurstIncr;
  bool w_valid = false;
  std::array<uint8_t, kAxiMaxDataBytes> w_data{};
  uint64_t w_strb = 0;
  bool w_last = false;
  bool b_ready = false;
};

struct AxiSlaveOut {  // what the memory drives in this cycle
  bool ar_ready = false, aw_ready = false, w_ready = false;
  bool r_valid = false;
  uint32_t r_id = 0;
  std::array<uint8_t, kAxiMaxDataBytes> r_data{};
  uint32_t r_resp = 0;
  bool r_last = false;
  bool b_valid = false;
  uint32_t b_id = 0;
  uint32_t b_resp = 0;
};

// One handshake. AR/AW: id, addr, len of the request. W/R: the burst's id and
// len, the beat's address (the AXI beat address: the start address for the
// first beat, the size-aligned address after), data, strb (W), resp (R), last.
// B: the burst's id, start address, len, resp. A W beat accepted before its AW
// gets id, addr and len filled in when the AW arrives.
struct AxiEvent {
  uint64_t cycle = 0;
  enum Kind { kAr, kAw, kW, kR, kB } kind = kAr;
  uint32_t id = 0;
  uint64_t addr = 0;
  uint32_t len = 0;
  std::array<uint8_t, kAxiMaxDataBytes> data{};
  uint64_t strb = 0;
  uint32_t resp = 0;
  bool last = false;
};

const char* axi_event_kind_name(AxiEvent::Kind k);

class AxiMem {
 public:
  // Throws std::invalid_argument for a configuration out of range.
  explicit AxiMem(const AxiMemConfig& cfg);

  // Outputs of the current cycle. They depend only on the memory's state
  // (registered outputs, no combinational path from the master's inputs), so
  // a testbench may call this before or after driving the master.
  const AxiSlaveOut& outputs() const { return out_; }
  // The rising edge that ends the current cycle: every valid && ready
  // handshake of this cycle (the master's `in` against outputs()) takes
  // effect, the protocol checker runs, then the next cycle's outputs are
  // computed. The state is complete and consistent when it throws.
  void tick(const AxiMasterOut& in);
  uint64_t cycle() const { return cycle_; }

  // Backdoor access (no timing): sparse memory of 4 KiB pages, unwritten
  // bytes read as 0.
  void write(uint64_t addr, const std::vector<uint8_t>& bytes);
  std::vector<uint8_t> read(uint64_t addr, size_t n) const;

  bool idle() const;  // nothing outstanding on any channel
  size_t outstanding_reads() const { return reads_.size(); }
  size_t outstanding_writes() const { return writes_.size() + bresps_.size(); }
  const std::vector<AxiEvent>& events() const { return events_; }  // every handshake, in order
  // cfg.record_events from now on (a copy carries the switch of its original).
  void set_record_events(bool on) { cfg_.record_events = on; }
  // Protocol violations by the master, one line each with the cycle. The first
  // one is also thrown as std::runtime_error from tick() (or check_end()) when
  // cfg.throw_on_violation.
  const std::vector<std::string>& violations() const { return violations_; }
  // At the end of a test: records a violation for W beats that never got
  // their AW (the one master error that needs the end to be seen).
  void check_end();
  // The system reset: every outstanding burst, W beat and response is
  // dropped (their handshakes never happen), outputs go low and the next
  // cycle's are drawn. The memory contents, the random generator, cycle(),
  // events() and violations() carry on (docs/axi_mem.md "Reset").
  void reset();
  const AxiMemConfig& config() const { return cfg_; }

 private:
  struct ReadBurst {
    uint32_t id = 0;
    uint64_t addr = 0;
    uint32_t len = 0;
    uint32_t size = 0;
    uint32_t resp = kAxiOkay;
    uint64_t first_cycle = 0;  // the earliest cycle its first beat may be offered
    uint32_t next_beat = 0;
    std::vector<uint8_t> data;  // (len + 1) * data_bytes, read at the AR handshake
  };
  struct WBeat {
    std::array<uint8_t, kAxiMaxDataBytes> data{};
    uint64_t strb = 0;
    bool last = false;
    uint64_t cycle = 0;  // of its handshake
    bool recorded = false;  // in events_ (cfg.record_events at its handshake)
    size_t event = 0;       // index in events_ if recorded
  };
  struct WriteBurst {
    bool has_aw = false;
    uint32_t id = 0;
    uint64_t addr = 0;
    uint32_t len = 0;
    uint32_t size = 0;
    bool bad = false;     // a protocol violation: SLVERR, no memory effect
    bool w_done = false;  // every W beat received
    std::vector<WBeat> beats;
  };
  struct BResp {
    uint32_t id = 0;
    uint64_t addr = 0;
    uint32_t len = 0;
    uint32_t resp = kAxiOkay;
    uint64_t first_cycle = 0;  // the earliest cycle B may be offered
  };

  bool chance(double p);
  void violation(const std::string& what);
  uint8_t* page(uint64_t addr);
  const uint8_t* page(uint64_t addr) const;
  uint32_t error_resp(uint64_t addr, uint32_t len, uint32_t size, bool write) const;
  // Checks an AR/AW request; returns false if it breaks the protocol.
  bool check_request(const char* ch, uint64_t addr, uint32_t len, uint32_t size, uint32_t burst);
  // Lane range [lo, hi] of beat `beat` of a burst.
  void beat_lanes(uint64_t addr, uint32_t size, uint32_t beat, uint32_t& lo, uint32_t& hi) const;
  uint64_t beat_addr(uint64_t addr, uint32_t size, uint32_t beat) const;
  void check_stability(const AxiMasterOut& in);
  void check_w_beat(WriteBurst& wb, uint32_t beat);
  void attach_aw(WriteBurst& wb);
  void accept_ar(const AxiMasterOut& in);
  void accept_aw(const AxiMasterOut& in);
  void accept_w(const AxiMasterOut& in);
  void retire_r();
  void retire_b();
  void complete_writes();
  void clear_r();
  void clear_b();
  void compute_outputs();
  bool w_can_accept() const;

  AxiMemConfig cfg_;
  std::mt19937_64 rng_;
  bool rng_used_ = true;  // some output depends on rng_ (see chance())
  uint64_t cycle_ = 0;
  AxiSlaveOut out_;
  AxiMasterOut prev_in_;
  AxiSlaveOut prev_out_;
  // The sparse memory; copied deeply, so a copy of an AxiMem is an
  // independent replica in the same state (the whole-core model runs one).
  struct Pages {
    using Page = std::array<uint8_t, kAxiPageBytes>;
    std::unordered_map<uint64_t, std::unique_ptr<Page>> map;
    Pages() = default;
    Pages(const Pages& o) { *this = o; }
    Pages& operator=(const Pages& o) {
      if (this == &o) return *this;
      map.clear();
      for (const auto& [k, v] : o.map)
        if (v) map.emplace(k, std::make_unique<Page>(*v));
      return *this;
    }
    Pages(Pages&&) noexcept = default;
    Pages& operator=(Pages&&) noexcept = default;
  };
  Pages pages_;

  std::vector<ReadBurst> reads_;   // accepted, in AR order, until RLAST
  int64_t r_current_ = -1;         // index in reads_ of the burst on R, or -1
  std::deque<WriteBurst> writes_;  // in AW / W order, until both are complete
  std::deque<BResp> bresps_;       // complete bursts waiting for their B
  std::vector<AxiEvent> events_;
  std::vector<std::string> violations_;
  bool thrown_ = false;
  bool stalled_ = true;        // bursty mode: in an off period (the first period is on)
  uint32_t period_left_ = 0;   // bursty mode: cycles left in this period
};

}  // namespace loom
