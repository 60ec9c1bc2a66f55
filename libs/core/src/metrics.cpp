#include "metrics.hpp"

#include <sstream>

namespace kronos::core {

void Metrics::observe(const std::string& route, const std::string& method, unsigned status,
                      double seconds) {
    std::lock_guard lock(mutex_);
    ++requests_[{route, method, status}];
    auto& histogram = latency_[route];
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i]) {
            ++histogram.buckets[i];
        }
    }
    ++histogram.count;
    histogram.sum += seconds;
}

std::string Metrics::render(const std::string& service) const {
    std::lock_guard lock(mutex_);
    std::ostringstream out;
    out << "# HELP kronos_http_requests_total HTTP requests by route, method and status.\n"
        << "# TYPE kronos_http_requests_total counter\n";
    for (const auto& [key, count] : requests_) {
        const auto& [route, method, status] = key;
        out << "kronos_http_requests_total{service=\"" << service << "\",route=\"" << route
            << "\",method=\"" << method << "\",status=\"" << status << "\"} " << count << "\n";
    }
    out << "# HELP kronos_http_request_duration_seconds Time from request read to response.\n"
        << "# TYPE kronos_http_request_duration_seconds histogram\n";
    for (const auto& [route, histogram] : latency_) {
        const std::string labels = "service=\"" + service + "\",route=\"" + route + "\"";
        for (std::size_t i = 0; i < kBuckets.size(); ++i) {
            out << "kronos_http_request_duration_seconds_bucket{" << labels << ",le=\""
                << kBuckets[i] << "\"} " << histogram.buckets[i] << "\n";
        }
        out << "kronos_http_request_duration_seconds_bucket{" << labels << ",le=\"+Inf\"} "
            << histogram.count << "\n"
            << "kronos_http_request_duration_seconds_sum{" << labels << "} " << histogram.sum
            << "\n"
            << "kronos_http_request_duration_seconds_count{" << labels << "} " << histogram.count
            << "\n";
    }
    return out.str();
}

}  // namespace kronos::core
