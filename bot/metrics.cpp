#include "bot/metrics.hpp"

#include <cstdio>

namespace linli {

namespace {
std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}
}  // namespace

void Metrics::webhook(const std::string& adapter, const char* result) {
  ++webhooks_[{adapter, result}];
}

void Metrics::decision(std::chrono::steady_clock::duration d) {
  double s = std::chrono::duration<double>(d).count();
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (s <= kBuckets[i]) ++buckets_[i];
  }
  ++count_;
  sum_ += s;
}

void Metrics::render(std::string& out) const {
  out += "# HELP linli_webhooks_total Webhook requests by adapter and result.\n";
  out += "# TYPE linli_webhooks_total counter\n";
  for (const auto& [key, n] : webhooks_) {
    out += "linli_webhooks_total{adapter=\"" + key.first + "\",result=\"" + key.second + "\"} " +
           std::to_string(n) + "\n";
  }
  out += "# HELP linli_decision_seconds From a webhook's arrival to the commit of its decision.\n";
  out += "# TYPE linli_decision_seconds histogram\n";
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    out += "linli_decision_seconds_bucket{le=\"" + number(kBuckets[i]) + "\"} " +
           std::to_string(buckets_[i]) + "\n";
  }
  out += "linli_decision_seconds_bucket{le=\"+Inf\"} " + std::to_string(count_) + "\n";
  out += "linli_decision_seconds_sum " + number(sum_) + "\n";
  out += "linli_decision_seconds_count " + std::to_string(count_) + "\n";
}

void append_metric(std::string& out, const char* name, const char* type, const char* help,
                   double value) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
         name + " " + number(value) + "\n";
}

void append_family(std::string& out, const char* name, const char* type, const char* help,
                   const char* label,
                   std::initializer_list<std::pair<const char*, std::uint64_t>> samples) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  for (const auto& [value, n] : samples) {
    out += std::string(name) + "{" + label + "=\"" + value + "\"} " + std::to_string(n) + "\n";
  }
}

}  // namespace linli
