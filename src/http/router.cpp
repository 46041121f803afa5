#include "http/router.hpp"

#include <algorithm>

#include "http/problem.hpp"

namespace rt::http {

namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t start = 1;  // paths begin with '/'
    while (start <= path.size()) {
        const std::size_t slash = std::min(path.find('/', start), path.size());
        out.push_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return out;
}

int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

const std::string& PathParams::Get(std::string_view name) const {
    for (const auto& [k, v] : values_) {
        if (k == name) return v;
    }
    static const std::string kEmpty;
    return kEmpty;
}

std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            const int hi = HexValue(text[i + 1]);
            const int lo = HexValue(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else if (text[i] == '+' && plus_is_space) {
            out.push_back(' ');
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> out;
    std::size_t start = 0;
    while (start < query.size()) {
        const std::size_t amp = std::min(query.find('&', start), query.size());
        const std::string_view pair = query.substr(start, amp - start);
        const std::size_t eq = pair.find('=');
        auto name = PercentDecode(pair.substr(0, eq), true);
        auto value = PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
        if (name && value && !name->empty()) out.emplace_back(std::move(*name), std::move(*value));
        start = amp + 1;
    }
    return out;
}

void Router::Add(Method method, std::string pattern, BlockingHandler handler, FastPath fast) {
    Route route{{method, pattern}, {}, std::move(handler), {}, std::move(fast)};
    for (auto s : SplitPath(pattern)) route.segments.emplace_back(s);
    routes_.push_back(std::move(route));
}

void Router::AddAsync(Method method, std::string pattern, AsyncHandler handler) {
    Route route{{method, pattern}, {}, {}, std::move(handler), {}};
    for (auto s : SplitPath(pattern)) route.segments.emplace_back(s);
    routes_.push_back(std::move(route));
}

bool Router::Match(const Route& route, const std::vector<std::string_view>& segments, PathParams& params) {
    if (route.segments.size() != segments.size()) return false;
    PathParams found;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const std::string& want = route.segments[i];
        if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
            auto value = PercentDecode(segments[i], false);
            if (!value || value->empty()) return false;
            found.Add(want.substr(1, want.size() - 2), std::move(*value));
        } else if (want != segments[i]) {
            return false;
        }
    }
    params = std::move(found);
    return true;
}

void Router::Dispatch(Request request, Responder respond) const {
    const auto segments = SplitPath(request.path);
    const Method wanted = request.method == Method::kHead ? Method::kGet : request.method;
    std::string allow;
    for (const auto& route : routes_) {
        PathParams params;
        if (!Match(route, segments, params)) continue;
        if (route.info.method != wanted) {
            allow += (allow.empty() ? "" : ", ") + std::string(ToString(route.info.method));
            if (route.info.method == Method::kGet) allow += ", HEAD";
            continue;
        }
        if (route.async_handler || route.fast) {
            // The answer may come after the router is gone (a writer draining at shutdown): copy the pattern.
            Responder named = [pattern = route.info.pattern, respond](Response res) {
                res.route = pattern;
                respond(std::move(res));
            };
            if (route.async_handler) return route.async_handler(request, params, std::move(named));
            if (route.fast(request, params, named)) return;
        }
        auto task = [&route, params = std::move(params), request = std::move(request), respond]() mutable {
            Response res = route.handler(request, params);
            res.route = route.info.pattern;
            respond(std::move(res));
        };
        if (!pool_.TrySubmit(std::move(task))) {
            Response busy = Problem(503, "the server is busy; retry shortly");
            busy.SetHeader("Retry-After", "1");
            busy.route = route.info.pattern;
            respond(std::move(busy));
        }
        return;
    }
    if (!allow.empty()) {
        Response res = Problem(405, "this path does not support " + std::string(ToString(request.method)));
        res.SetHeader("Allow", allow);
        respond(std::move(res));
        return;
    }
    respond(Problem(404, "no such path"));
}

std::vector<RouteInfo> Router::Routes() const {
    std::vector<RouteInfo> out;
    for (const auto& r : routes_) out.push_back(r.info);
    return out;
}

}  // namespace rt::http
