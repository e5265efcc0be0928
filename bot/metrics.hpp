#pragma once
// Counters and a latency histogram for GET /metrics, in the Prometheus text format. Updated on
// the io_context thread only; rendering reads the other parts' own stats.

#include <array>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <utility>

namespace linli {

class Metrics {
 public:
  // One webhook request and how it ended: "ok", "unauthorized", "bad_request", "error".
  void webhook(const std::string& adapter, const char* result);
  // From a webhook's arrival to the commit of its decisions.
  void decision(std::chrono::steady_clock::duration d);

  // Appends the counters and the histogram; the caller appends the gauges it owns.
  void render(std::string& out) const;

  // Buckets of the decision histogram, in seconds.
  static constexpr std::array<double, 12> kBuckets = {
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5};

 private:
  std::map<std::pair<std::string, std::string>, std::uint64_t> webhooks_;
  std::array<std::uint64_t, kBuckets.size()> buckets_{};
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

// One sample with its # HELP and # TYPE lines.
void append_metric(std::string& out, const char* name, const char* type, const char* help,
                   double value);
// A family of samples that differ in one label: name{label="value"} n.
void append_family(std::string& out, const char* name, const char* type, const char* help,
                   const char* label,
                   std::initializer_list<std::pair<const char*, std::uint64_t>> samples);

}  // namespace linli
