#include "http/metrics.hpp"

#include <atomic>
#include <cassert>
#include <charconv>
#include <cmath>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <tuple>

namespace rt::http {

namespace {

constexpr std::string_view kUnmatched = "unmatched";
constexpr std::string_view kRequestsName = "http_requests_total";
constexpr std::string_view kDurationName = "http_request_duration_seconds";

enum class Kind { kCounter, kGauge, kGaugeFunction, kCounterFunction };

struct Histogram {
    // Per bucket, not cumulative; the last slot counts observations above the largest bound.
    std::array<std::atomic<std::uint64_t>, Metrics::kDurationBuckets.size() + 1> buckets{};
    std::atomic<std::uint64_t> sum_ns{0};

    void Observe(std::chrono::steady_clock::duration latency) {
        const double seconds = std::chrono::duration<double>(latency).count();
        std::size_t i = 0;
        while (i < Metrics::kDurationBuckets.size() && seconds > Metrics::kDurationBuckets[i]) ++i;
        buckets[i].fetch_add(1, std::memory_order_relaxed);
        const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(latency).count();
        sum_ns.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(ns, 0)), std::memory_order_relaxed);
    }
};

struct RequestKey {
    std::string route;
    Method method;
    int status;
};

struct RequestKeyView {
    std::string_view route;
    Method method;
    int status;
};

struct RequestKeyLess {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
        return std::tuple<std::string_view, Method, int>(a.route, a.method, a.status) <
               std::tuple<std::string_view, Method, int>(b.route, b.method, b.status);
    }
};

struct Named {
    Kind kind = Kind::kGauge;
    std::string help;
    std::atomic<std::uint64_t> counter{0};
    std::atomic<double> gauge{0};
    std::function<double()> read;
    std::function<std::uint64_t()> count;
};

bool IsMetricName(std::string_view name) {
    if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
    for (char c : name) {
        const bool ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':';
        if (!ok) return false;
    }
    return name != kRequestsName && name != kDurationName;
}

// A sample value: integers in full, others as the shortest round-trip decimal in fixed notation down
// to 1e-4 ("0.0005", not "5e-04"); NaN and infinities as Prometheus spells them.
void AppendNumber(std::string& out, double value) {
    if (std::isnan(value)) return out.append("NaN"), void();
    if (std::isinf(value)) return out.append(value > 0 ? "+Inf" : "-Inf"), void();
    char buf[32];
    constexpr double kExactIntegers = 9007199254740992.0;  // 2^53
    const auto res = std::trunc(value) == value && std::abs(value) < kExactIntegers
                         ? std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(value))
                         : std::to_chars(buf, buf + sizeof buf, value, std::chars_format::general);
    out.append(buf, res.ptr);
}

void AppendEscaped(std::string& out, std::string_view text, bool quote_too) {
    for (char c : text) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '"' && quote_too) {
            out += "\\\"";
        } else {
            out += c;
        }
    }
}

void AppendFamily(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
    out.append("# HELP ").append(name).append(" ");
    AppendEscaped(out, help, false);
    out.append("\n# TYPE ").append(name).append(" ").append(type).append("\n");
}

void AppendLabel(std::string& out, std::string_view name, std::string_view value, bool first) {
    out.append(first ? "" : ",").append(name).append("=\"");
    AppendEscaped(out, value, true);
    out.append("\"");
}

}  // namespace

struct Metrics::State {
    mutable std::shared_mutex mu;
    std::map<RequestKey, std::unique_ptr<std::atomic<std::uint64_t>>, RequestKeyLess> requests;
    std::map<std::string, std::unique_ptr<Histogram>, std::less<>> durations;
    std::map<std::string, std::unique_ptr<Named>, std::less<>> named;

    // The named metric, registered on first use; nullptr when `name` is invalid or has another kind.
    Named* FindOrAdd(std::string_view name, std::string_view help, Kind kind) {
        {
            std::shared_lock lock(mu);
            auto it = named.find(name);
            if (it != named.end()) return Checked(it->second.get(), kind);
        }
        if (!IsMetricName(name)) {
            assert(false && "invalid or reserved metric name");
            return nullptr;
        }
        std::unique_lock lock(mu);
        auto [it, added] = named.try_emplace(std::string(name), nullptr);
        if (added) {
            it->second = std::make_unique<Named>();
            it->second->kind = kind;
            it->second->help = std::string(help);
        }
        return Checked(it->second.get(), kind);
    }

    static Named* Checked(Named* metric, Kind kind) {
        const bool same = metric->kind == kind;
        assert(same && "metric registered as another kind");
        return same ? metric : nullptr;
    }
};

Metrics::Metrics() : state_(std::make_unique<State>()) {}
Metrics::~Metrics() = default;

void Metrics::ObserveRequest(std::string_view route, Method method, int status,
                             std::chrono::steady_clock::duration latency) {
    if (route.empty()) route = kUnmatched;
    const RequestKeyView key{route, method, status};
    std::atomic<std::uint64_t>* count = nullptr;
    Histogram* histogram = nullptr;
    {
        std::shared_lock lock(state_->mu);
        auto r = state_->requests.find(key);
        auto d = state_->durations.find(route);
        if (r != state_->requests.end() && d != state_->durations.end()) {
            count = r->second.get();
            histogram = d->second.get();
        }
    }
    if (count == nullptr) {
        std::unique_lock lock(state_->mu);
        auto r = state_->requests.try_emplace(RequestKey{std::string(route), method, status}, nullptr).first;
        if (!r->second) r->second = std::make_unique<std::atomic<std::uint64_t>>(0);
        auto d = state_->durations.try_emplace(std::string(route), nullptr).first;
        if (!d->second) d->second = std::make_unique<Histogram>();
        count = r->second.get();
        histogram = d->second.get();
    }
    count->fetch_add(1, std::memory_order_relaxed);
    histogram->Observe(latency);
}

void Metrics::SetGauge(std::string_view name, std::string_view help, double value) {
    if (Named* metric = state_->FindOrAdd(name, help, Kind::kGauge)) {
        metric->gauge.store(value, std::memory_order_relaxed);
    }
}

void Metrics::AddToCounter(std::string_view name, std::string_view help, std::uint64_t delta) {
    if (Named* metric = state_->FindOrAdd(name, help, Kind::kCounter)) {
        metric->counter.fetch_add(delta, std::memory_order_relaxed);
    }
}

void Metrics::SetGaugeFunction(std::string_view name, std::string_view help, std::function<double()> read) {
    Named* metric = state_->FindOrAdd(name, help, Kind::kGaugeFunction);
    if (metric == nullptr) return;
    std::unique_lock lock(state_->mu);
    metric->read = std::move(read);
}

void Metrics::SetCounterFunction(std::string_view name, std::string_view help, std::function<std::uint64_t()> read) {
    Named* metric = state_->FindOrAdd(name, help, Kind::kCounterFunction);
    if (metric == nullptr) return;
    std::unique_lock lock(state_->mu);
    metric->count = std::move(read);
}

std::string Metrics::Render() const {
    std::string out;
    std::shared_lock lock(state_->mu);

    AppendFamily(out, kRequestsName, "HTTP requests answered, by route pattern, method and status.", "counter");
    for (const auto& [key, count] : state_->requests) {
        out.append(kRequestsName).append("{");
        AppendLabel(out, "route", key.route, true);
        AppendLabel(out, "method", ToString(key.method), false);
        AppendLabel(out, "status", std::to_string(key.status), false);
        out.append("} ").append(std::to_string(count->load(std::memory_order_relaxed))).append("\n");
    }

    AppendFamily(out, kDurationName, "Time from a request's first byte to its response's last byte, by route.",
                 "histogram");
    for (const auto& [route, histogram] : state_->durations) {
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i <= kDurationBuckets.size(); ++i) {
            cumulative += histogram->buckets[i].load(std::memory_order_relaxed);
            out.append(kDurationName).append("_bucket{");
            AppendLabel(out, "route", route, true);
            out.append(",le=\"");
            if (i < kDurationBuckets.size()) {
                AppendNumber(out, kDurationBuckets[i]);
            } else {
                out.append("+Inf");
            }
            out.append("\"} ").append(std::to_string(cumulative)).append("\n");
        }
        const double sum = static_cast<double>(histogram->sum_ns.load(std::memory_order_relaxed)) / 1e9;
        out.append(kDurationName).append("_sum{");
        AppendLabel(out, "route", route, true);
        out.append("} ");
        AppendNumber(out, sum);
        out.append("\n").append(kDurationName).append("_count{");
        AppendLabel(out, "route", route, true);
        out.append("} ").append(std::to_string(cumulative)).append("\n");
    }

    for (const auto& [name, metric] : state_->named) {
        const bool counter = metric->kind == Kind::kCounter || metric->kind == Kind::kCounterFunction;
        AppendFamily(out, name, metric->help, counter ? "counter" : "gauge");
        out.append(name).append(" ");
        switch (metric->kind) {
            case Kind::kCounter:
                out.append(std::to_string(metric->counter.load(std::memory_order_relaxed)));
                break;
            case Kind::kGauge:
                AppendNumber(out, metric->gauge.load(std::memory_order_relaxed));
                break;
            case Kind::kGaugeFunction:
                AppendNumber(out, metric->read ? metric->read() : 0.0);
                break;
            case Kind::kCounterFunction:
                out.append(std::to_string(metric->count ? metric->count() : 0));
                break;
        }
        out.append("\n");
    }
    return out;
}

}  // namespace rt::http
