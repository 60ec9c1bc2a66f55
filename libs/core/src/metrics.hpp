#pragma once

// Request metrics in the Prometheus text format, served on GET /metrics of the service port
// (never routed by the gateway): requests by route, method and status, and a latency histogram
// by route.

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace kronos::core {

class Metrics {
  public:
    void observe(const std::string& route, const std::string& method, unsigned status,
                 double seconds);
    // Gauges supplied by the service at scrape time (for example pool use) are appended by
    // the caller; this renders the request metrics.
    std::string render(const std::string& service) const;

  private:
    static constexpr std::array<double, 11> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                        0.1,   0.25,   0.5,   1.0,  2.5};
    struct Histogram {
        std::array<std::uint64_t, kBuckets.size()> buckets{};
        std::uint64_t count = 0;
        double sum = 0;
    };

    mutable std::mutex mutex_;
    std::map<std::tuple<std::string, std::string, unsigned>, std::uint64_t> requests_;
    std::map<std::string, Histogram> latency_;
};

}  // namespace kronos::core
