#include "http/server.hpp"

// <utility> before Asio: Boost 1.74's Asio relies on std::exchange without including it (g++ 12).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cassert>
#include <csignal>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/burst.hpp"
#include "http/problem.hpp"

namespace rt::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kReadChunk = 4096;
// After a response with Connection: close, unread client bytes are drained for a while before the
// socket closes, so the kernel does not answer them with a reset that destroys the response in flight.
constexpr auto kLingerTimeout = std::chrono::seconds(1);
constexpr std::size_t kLingerMaxBytes = 1024 * 1024;
constexpr auto kShutdownPoll = std::chrono::milliseconds(10);
constexpr auto kAcceptRetry = std::chrono::milliseconds(50);
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

std::string_view View(beast::string_view s) { return {s.data(), s.size()}; }

Method MethodOf(bhttp::verb verb) {
    switch (verb) {
        case bhttp::verb::get:
            return Method::kGet;
        case bhttp::verb::head:
            return Method::kHead;
        case bhttp::verb::post:
            return Method::kPost;
        case bhttp::verb::put:
            return Method::kPut;
        case bhttp::verb::patch:
            return Method::kPatch;
        case bhttp::verb::delete_:
            return Method::kDelete;
        case bhttp::verb::options:
            return Method::kOptions;
        default:
            return Method::kOther;
    }
}

char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = LowerAscii(c);
    return out;
}

// Headers whose value only the transport may decide.
bool IsTransportHeader(std::string_view name) {
    for (const std::string_view transport : {"content-length", "connection", "transfer-encoding", "keep-alive"}) {
        if (name.size() == transport.size() && std::equal(name.begin(), name.end(), transport.begin(),
                                                          [](char a, char b) { return LowerAscii(a) == b; })) {
            return true;
        }
    }
    return false;
}

// A header that cannot split the response: no CR, LF or NUL, a non-empty name without separators. One pass
// per string (find_first_of searches the set once per character).
bool IsSafeHeader(const Header& h) {
    const auto breaks_line = [](char c) { return c == '\r' || c == '\n' || c == '\0'; };
    return !h.name.empty() &&
           std::none_of(h.name.begin(), h.name.end(), [&](char c) { return c == ' ' || c == ':' || breaks_line(c); }) &&
           std::none_of(h.value.begin(), h.value.end(), breaks_line);
}

// A field value without its optional whitespace (RFC 9110 5.5).
std::string_view TrimOws(std::string_view value) {
    const auto ows = [](char c) { return c == ' ' || c == '\t'; };
    while (!value.empty() && ows(value.front())) value.remove_prefix(1);
    while (!value.empty() && ows(value.back())) value.remove_suffix(1);
    return value;
}

// Statuses whose responses carry no body, and so no Content-Length.
bool HasBody(int status) { return status != 204 && status != 304; }

// The transport's answer to a failed read, or 0 when the connection just closes (the client went
// away, a timeout, a server stop).
int StatusForReadError(const beast::error_code& ec) {
    if (ec == bhttp::error::body_limit) return 413;
    if (ec == bhttp::error::header_limit) return 431;
    if (ec.category() != bhttp::make_error_code(bhttp::error::bad_target).category()) return 0;
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) return 0;
    return 400;
}

std::string ReadErrorDetail(int status, const ServerOptions& options) {
    if (status == 413) return "the request body exceeds " + std::to_string(options.body_limit_bytes) + " bytes";
    if (status == 431) return "the request head exceeds " + std::to_string(options.header_limit_bytes) + " bytes";
    return "the request is not valid HTTP/1.1";
}

std::string RemoteIp(const tcp::socket& socket) {
    beast::error_code ec;
    auto address = socket.remote_endpoint(ec).address();
    if (ec) return "";
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6()).to_string();
    }
    return address.to_string();
}

Request ToRequest(bhttp::request<bhttp::string_body>&& msg, std::string remote_ip) {
    Request req;
    req.method = MethodOf(msg.method());
    req.target = std::string(View(msg.target()));
    const std::size_t q = req.target.find('?');
    req.path = req.target.substr(0, q);
    req.query = q == std::string::npos ? "" : req.target.substr(q + 1);
    for (const auto& field : msg)
        req.headers.push_back({Lower(View(field.name_string())), std::string(View(field.value()))});
    req.body = std::move(msg.body());
    req.remote_ip = std::move(remote_ip);
    return req;
}

// The head of `res` on the wire: status line and headers, with Content-Length and Connection decided here.
// HEAD keeps the GET response's headers and Content-Length; 204 and 304 have neither a length nor a body.
// Written here rather than by Beast's serializer: its buffer sequences cost ~13,000 instructions per
// response under callgrind, several times what writing the few lines into one string costs
// (docs/benchmarks.md). Beast still parses every request.
std::string WireHead(const Response& res, unsigned version, bool keep_alive) {
    std::string out;
    out.reserve(256);
    out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    out += std::to_string(res.status);
    out += ' ';
    out += View(bhttp::obsolete_reason(static_cast<bhttp::status>(res.status)));
    out += "\r\n";
    for (const auto& h : res.headers) {
        if (IsTransportHeader(h.name)) continue;
        if (!IsSafeHeader(h)) {
            spdlog::error("event=http_header_dropped reason=unsafe_characters status={}", res.status);
            continue;
        }
        out += h.name;
        out += ": ";
        out += TrimOws(h.value);  // as Beast's fields did: no leading or trailing spaces and tabs
        out += "\r\n";
    }
    // HTTP/1.1 keeps a connection open unless told otherwise, HTTP/1.0 closes it unless told otherwise.
    if (version == 10 && keep_alive) out += "Connection: keep-alive\r\n";
    if (version != 10 && !keep_alive) out += "Connection: close\r\n";
    if (HasBody(res.status)) {
        out += "Content-Length: ";
        out += std::to_string(res.body.size());
        out += "\r\n";
    }
    out += "\r\n";
    return out;
}

// What sessions share with the listener.
struct Shared;

// Guards delivery into the io_context: open until the server is destroyed, after which a Responder
// must not touch the (destroyed) io_context.
struct DeliveryGate {
    std::shared_mutex mu;
    bool open = true;
};

class Session;

struct Shared {
    ServerOptions options;
    Handler handler;
    AccessObserver observer;
    std::atomic<bool> stopping{false};
    std::shared_ptr<DeliveryGate> gate = std::make_shared<DeliveryGate>();
    std::mutex sessions_mu;
    std::unordered_map<const Session*, std::weak_ptr<Session>> sessions;

    // False when max_connections sessions are open.
    bool Register(const std::shared_ptr<Session>& session) {
        std::lock_guard lock(sessions_mu);
        if (sessions.size() >= options.max_connections) return false;
        sessions.emplace(session.get(), session);
        return true;
    }
    void Unregister(const Session* session) {
        std::lock_guard lock(sessions_mu);
        sessions.erase(session);
    }
    std::size_t SessionCount() {
        std::lock_guard lock(sessions_mu);
        return sessions.size();
    }
    std::vector<std::shared_ptr<Session>> LiveSessions() {
        std::vector<std::shared_ptr<Session>> out;
        std::lock_guard lock(sessions_mu);
        for (auto& [ptr, weak] : sessions) {
            if (auto s = weak.lock()) out.push_back(std::move(s));
        }
        return out;
    }
};

// The state behind every copy of one request's Responder: delivers the first answer to the session's
// strand; a later answer is dropped; no answer at all (every copy destroyed) answers 500.
class ResponseSlot {
  public:
    ResponseSlot(std::weak_ptr<Session> session, std::shared_ptr<DeliveryGate> gate)
        : session_(std::move(session)), gate_(std::move(gate)) {}
    ~ResponseSlot() {
        if (answered_.exchange(true)) return;
        spdlog::error("event=http_responder_dropped");
        Deliver(Problem(500, "the request was not answered"));
    }
    ResponseSlot(const ResponseSlot&) = delete;
    ResponseSlot& operator=(const ResponseSlot&) = delete;

    // False when the request was already answered.
    bool Answer(Response res) {
        if (answered_.exchange(true)) return false;
        Deliver(std::move(res));
        return true;
    }

  private:
    void Deliver(Response res);

    std::weak_ptr<Session> session_;
    std::shared_ptr<DeliveryGate> gate_;
    std::atomic<bool> answered_{false};
};

// One connection: reads requests, hands them to the handler, writes the answers in order. Every
// member is touched only on the session's strand (executor_), except executor_ itself.
class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket&& socket, Shared& shared)
        : shared_(shared), socket_(std::move(socket)), executor_(socket_.get_executor()), watchdog_(executor_) {}
    ~Session() { shared_.Unregister(this); }

    void Start() {
        net::dispatch(executor_, [self = shared_from_this()] { self->WaitForRequest(); });
    }
    // The server is stopping: a connection between requests closes now; others close after their
    // current response. Thread-safe.
    void NotifyStopping() {
        net::post(executor_, [self = shared_from_this()] {
            if (self->state_ == State::kIdle) self->Close();
        });
    }
    // Thread-safe.
    void ForceClose() {
        net::post(executor_, [self = shared_from_this()] { self->Close(); });
    }
    const net::any_io_executor& executor() const { return executor_; }
    // Thread-safe: posts `res` as the answer to the request the handler holds.
    void PostResponse(Response res) {
        net::post(executor_,
                  [self = shared_from_this(), res = std::move(res)]() mutable { self->OnResponse(std::move(res)); });
    }

  private:
    enum class State { kIdle, kReading, kAwaitingHandler, kWriting, kLingering, kClosed };

    void WaitForRequest();
    void OnFirstBytes(const beast::error_code& ec, std::size_t n);
    void ReadHeader();
    void OnHeader(const beast::error_code& ec);
    void ReadBody();
    void OnBody(const beast::error_code& ec);
    void OnReadError(const beast::error_code& ec);
    void Dispatch();
    void OnResponse(Response res);
    void Write(Response res, bool keep_alive);
    void OnWrite(const beast::error_code& ec);
    void Report();
    void ExpiresAfter(Clock::duration timeout) { SetDeadline(Clock::now() + timeout); }
    void ExpiresNever() { deadline_ = Clock::time_point::max(); }
    void SetDeadline(Clock::time_point deadline);
    void OnWatchdog(const beast::error_code& ec);
    void Linger();
    void DrainSome();
    void Close();

    Shared& shared_;
    tcp::socket socket_;
    const net::any_io_executor executor_;
    // One timer per connection enforces the deadline of whatever the connection waits for (the peer's bytes,
    // or the peer taking ours). Moving the deadline later is a store: the timer fires at the old time, finds
    // the new deadline and waits again. Beast's tcp_stream re-armed a timer for every read and write.
    net::steady_timer watchdog_;
    Clock::time_point deadline_ = Clock::time_point::max();  // max: none (the handler has the request)
    bool watchdog_armed_ = false;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    // The response being written: its head (WireHead) and body, sent together.
    std::string out_head_;
    std::string out_body_;
    State state_ = State::kIdle;
    bool first_request_ = true;
    // The request being served, for its response and its access record.
    Method method_ = Method::kOther;
    unsigned version_ = 11;
    bool request_keep_alive_ = false;
    bool response_keep_alive_ = false;
    std::string path_;
    std::string route_;
    std::string remote_ip_;  // "" until the first request asks
    int status_ = 0;
    std::size_t body_bytes_ = 0;
    Clock::time_point started_;
    std::size_t drained_bytes_ = 0;
    // Keeps the session alive while the handler holds its request (the Responder holds a weak_ptr).
    std::shared_ptr<Session> self_;
};

namespace {

// An answer delivered during a core::Burst, handed over when the burst ends.
struct Gathered {
    std::weak_ptr<Session> session;
    std::shared_ptr<DeliveryGate> gate;
    Response res;
};
thread_local std::vector<Gathered> t_gathered;

// Hands the answers gathered during this thread's burst to their sessions, with one post per server: the
// I/O thread that runs it posts each answer to its session's strand, which wakes no one (the posting thread
// runs the io_context). As Deliver does for one answer, a session is only held while its server's gate is
// held open (a session's last reference must not go after the server): answers to sessions gone since, or to
// a server destroyed since, are dropped.
void HandOverGathered() noexcept {
    auto items = std::move(t_gathered);
    t_gathered.clear();
    try {
        std::vector<bool> taken(items.size(), false);
        for (std::size_t first = 0; first < items.size(); ++first) {
            if (taken[first]) continue;
            const auto gate = items[first].gate;
            std::shared_lock lock(gate->mu);
            // Declared after the lock: the sessions it holds are let go before the gate is.
            std::vector<std::pair<std::shared_ptr<Session>, Response>> answers;
            for (std::size_t i = first; i < items.size(); ++i) {
                if (taken[i] || items[i].gate != gate) continue;
                taken[i] = true;
                if (!gate->open) continue;
                if (auto session = items[i].session.lock()) {
                    answers.emplace_back(std::move(session), std::move(items[i].res));
                }
            }
            if (answers.empty()) continue;
            const auto executor = answers.front().first->executor();
            net::post(executor, [answers = std::move(answers)]() mutable {
                for (auto& [session, res] : answers) session->PostResponse(std::move(res));
            });
        }
    } catch (const std::exception& e) {
        // Only allocation can throw here. A session whose answer was lost waits (its handler has the request,
        // so no deadline runs) until the client goes or the server stops.
        spdlog::error("event=http_answers_lost what=\"{}\"", e.what());
    }
}

}  // namespace

void ResponseSlot::Deliver(Response res) {
    if (core::Burst::Open()) {
        if (t_gathered.empty()) core::Burst::AtEnd(&HandOverGathered);
        t_gathered.push_back({session_, gate_, std::move(res)});
        return;
    }
    std::shared_lock lock(gate_->mu);
    if (!gate_->open) return;
    if (auto session = session_.lock()) session->PostResponse(std::move(res));
}

void Session::WaitForRequest() {
    if (state_ == State::kClosed) return;
    if (shared_.stopping) return Close();
    state_ = State::kIdle;
    if (buffer_.size() > 0) return ReadHeader();  // a pipelined request is already here
    ExpiresAfter(first_request_ ? shared_.options.header_timeout : shared_.options.idle_timeout);
    socket_.async_read_some(
        buffer_.prepare(kReadChunk),
        [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->OnFirstBytes(ec, n); });
}

void Session::OnFirstBytes(const beast::error_code& ec, std::size_t n) {
    if (state_ == State::kClosed) return;
    if (ec) return Close();
    buffer_.commit(n);
    ReadHeader();
}

void Session::ReadHeader() {
    state_ = State::kReading;
    started_ = Clock::now();
    first_request_ = false;
    method_ = Method::kOther;
    version_ = 11;
    path_.clear();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(shared_.options.header_limit_bytes));
    parser_->body_limit(shared_.options.body_limit_bytes);
    ExpiresAfter(shared_.options.header_timeout);
    bhttp::async_read_header(socket_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnHeader(ec); });
}

void Session::OnHeader(const beast::error_code& ec) {
    if (state_ == State::kClosed) return;
    if (parser_->is_header_done() || ec == bhttp::error::body_limit) {
        const auto& head = parser_->get();
        method_ = MethodOf(head.method());
        version_ = head.version();
        const std::string_view target = View(head.target());
        path_ = std::string(target.substr(0, target.find('?')));
    }
    if (ec) return OnReadError(ec);
    if (parser_->is_done()) return Dispatch();
    if (beast::iequals(parser_->get()[bhttp::field::expect], "100-continue")) {
        ExpiresAfter(shared_.options.body_timeout);
        net::async_write(socket_, net::buffer(kContinue.data(), kContinue.size()),
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (self->state_ == State::kClosed) return;
                             if (ec) return self->Close();
                             self->ReadBody();
                         });
        return;
    }
    ReadBody();
}

void Session::ReadBody() {
    ExpiresAfter(shared_.options.body_timeout);
    bhttp::async_read(socket_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnBody(ec); });
}

void Session::OnBody(const beast::error_code& ec) {
    if (state_ == State::kClosed) return;
    if (ec) return OnReadError(ec);
    Dispatch();
}

void Session::OnReadError(const beast::error_code& ec) {
    parser_.reset();
    const int status = StatusForReadError(ec);
    if (status == 0) return Close();
    Write(Problem(status, ReadErrorDetail(status, shared_.options)), false);
}

void Session::Dispatch() {
    request_keep_alive_ = parser_->get().keep_alive();
    if (remote_ip_.empty()) remote_ip_ = RemoteIp(socket_);  // a connection's peer never changes: one getpeername
    Request request = ToRequest(parser_->release(), remote_ip_);
    parser_.reset();
    ExpiresNever();
    state_ = State::kAwaitingHandler;
    self_ = shared_from_this();
    auto slot = std::make_shared<ResponseSlot>(weak_from_this(), shared_.gate);
    Responder respond = [slot](Response res) {
        if (!slot->Answer(std::move(res))) spdlog::error("event=http_responder_called_twice");
    };
    try {
        shared_.handler(std::move(request), std::move(respond));
    } catch (const std::exception& e) {
        spdlog::error("event=http_handler_threw what=\"{}\"", e.what());
        slot->Answer(Problem(500, "an internal error occurred"));
    } catch (...) {
        spdlog::error("event=http_handler_threw what=unknown");
        slot->Answer(Problem(500, "an internal error occurred"));
    }
}

void Session::OnResponse(Response res) {
    if (state_ != State::kAwaitingHandler) return;  // force-closed meanwhile
    self_.reset();
    Write(std::move(res), request_keep_alive_);
}

void Session::Write(Response res, bool keep_alive) {
    if (res.status < 200 || res.status > 599) {
        spdlog::error("event=http_bad_status status={} route={}", res.status, res.route);
        res = Problem(500, "an internal error occurred");
    }
    state_ = State::kWriting;
    response_keep_alive_ = keep_alive && !shared_.stopping;
    status_ = res.status;
    route_ = std::move(res.route);
    out_head_ = WireHead(res, version_, response_keep_alive_);
    out_body_.clear();
    if (HasBody(res.status) && method_ != Method::kHead) out_body_ = std::move(res.body);
    body_bytes_ = out_body_.size();
    ExpiresAfter(shared_.options.body_timeout);
    const std::array<net::const_buffer, 2> wire{net::buffer(out_head_), net::buffer(out_body_)};
    net::async_write(socket_, wire,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnWrite(ec); });
}

void Session::OnWrite(const beast::error_code& ec) {
    if (state_ == State::kClosed) return;
    out_head_.clear();
    out_body_ = std::string();  // a large body's memory goes back now, not at the next response
    if (ec) return Close();
    Report();
    if (!response_keep_alive_ || shared_.stopping) return Linger();
    WaitForRequest();
}

void Session::Report() {
    if (!shared_.observer) return;
    const AccessRecord record{method_, path_, route_, status_, body_bytes_, Clock::now() - started_};
    try {
        shared_.observer(record);
    } catch (const std::exception& e) {
        spdlog::error("event=http_observer_threw what=\"{}\"", e.what());
    }
}

void Session::SetDeadline(Clock::time_point deadline) {
    deadline_ = deadline;
    // A timer that fires at or before the deadline is left alone: OnWatchdog checks the deadline then.
    if (watchdog_armed_ && watchdog_.expiry() <= deadline_) return;
    watchdog_armed_ = true;
    watchdog_.expires_at(deadline_);  // a wait still pending ends with operation_aborted
    watchdog_.async_wait([weak = weak_from_this()](const beast::error_code& ec) {
        if (auto self = weak.lock()) self->OnWatchdog(ec);
    });
}

void Session::OnWatchdog(const beast::error_code& ec) {
    if (ec == net::error::operation_aborted) return;  // re-armed earlier, or closing: a newer wait decides
    watchdog_armed_ = false;
    if (state_ == State::kClosed || deadline_ == Clock::time_point::max()) return;
    if (Clock::now() >= deadline_) return Close();  // the pending read or write ends with operation_aborted
    SetDeadline(deadline_);
}

void Session::Linger() {
    state_ = State::kLingering;
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Close();
    buffer_.clear();
    drained_bytes_ = 0;
    ExpiresAfter(kLingerTimeout);
    DrainSome();
}

void Session::DrainSome() {
    socket_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                if (self->state_ == State::kClosed) return;
                                self->drained_bytes_ += n;
                                if (ec || self->drained_bytes_ > kLingerMaxBytes) return self->Close();
                                self->DrainSome();
                            });
}

void Session::Close() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    watchdog_.cancel();
    self_.reset();  // callers run inside a handler that holds its own reference
}

}  // namespace

class Server::Impl {
  public:
    Impl(ServerOptions options, Handler handler, AccessObserver observer)
        : strand_(net::make_strand(ioc_)), acceptor_(strand_), shutdown_timer_(strand_), accept_retry_(strand_) {
        shared_.options = std::move(options);
        shared_.handler = std::move(handler);
        shared_.observer = std::move(observer);
    }
    ~Impl() {
        assert(!running_);
        std::unique_lock lock(shared_.gate->mu);
        shared_.gate->open = false;
    }

    core::Result<void> Start();
    std::uint16_t port() const { return port_; }
    void Run();
    void Stop();

  private:
    void Accept();
    void OnAccept(const beast::error_code& ec, tcp::socket socket);
    void BeginShutdown();
    void PollShutdown(Clock::time_point deadline);
    void RunLoop();

    // Declared first, destroyed last: sessions destroyed with the io_context still unregister here.
    Shared shared_;
    std::atomic<bool> stop_requested_{false};
    std::atomic<bool> running_{false};
    std::uint16_t port_ = 0;
    bool refusing_ = false;  // at max_connections; on strand_
    net::io_context ioc_;
    // Serialises the listener: acceptor, signals, timers and the shutdown sequence.
    net::strand<net::io_context::executor_type> strand_;
    tcp::acceptor acceptor_;
    std::optional<net::signal_set> signals_;
    net::steady_timer shutdown_timer_;
    net::steady_timer accept_retry_;
};

core::Result<void> Server::Impl::Start() {
    const ServerOptions& o = shared_.options;
    const std::string where = o.host + ":" + std::to_string(o.port);
    beast::error_code ec;
    tcp::resolver resolver(ioc_);
    auto results = resolver.resolve(o.host, std::to_string(o.port), tcp::resolver::passive, ec);
    if (ec || results.empty()) return core::Fail(core::Error::Invalid("host", "cannot resolve " + o.host));
    const tcp::endpoint endpoint = results.begin()->endpoint();
    auto fail = [&](beast::error_code error) {
        beast::error_code ignored;
        acceptor_.close(ignored);
        return core::Fail(core::Error::Unavailable("cannot listen on " + where + ": " + error.message()));
    };
    if (acceptor_.open(endpoint.protocol(), ec)) return fail(ec);
    if (acceptor_.set_option(net::socket_base::reuse_address(true), ec)) return fail(ec);
    if (acceptor_.bind(endpoint, ec)) return fail(ec);
    if (acceptor_.listen(net::socket_base::max_listen_connections, ec)) return fail(ec);
    port_ = acceptor_.local_endpoint(ec).port();
    if (o.handle_signals) {
        signals_.emplace(strand_, SIGINT, SIGTERM);
        signals_->async_wait([this](const beast::error_code& e, int signal) {
            if (e) return;
            spdlog::info("event=http_signal signal={}", signal);
            Stop();
        });
    }
    spdlog::info("event=http_listening host={} port={}", o.host, port_);
    Accept();
    return {};
}

void Server::Impl::Accept() {
    acceptor_.async_accept(net::make_strand(ioc_),
                           net::bind_executor(strand_, [this](beast::error_code ec, tcp::socket socket) {
                               OnAccept(ec, std::move(socket));
                           }));
}

void Server::Impl::OnAccept(const beast::error_code& ec, tcp::socket socket) {
    if (shared_.stopping || ec == net::error::operation_aborted) return;
    if (ec) {
        spdlog::warn("event=http_accept_failed error=\"{}\"", ec.message());
        accept_retry_.expires_after(kAcceptRetry);
        accept_retry_.async_wait([this](const beast::error_code& e) {
            if (!e && !shared_.stopping) Accept();
        });
        return;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto session = std::make_shared<Session>(std::move(socket), shared_);
    if (shared_.Register(session)) {
        session->Start();
        refusing_ = false;
    } else if (!refusing_) {  // one line per episode, not per refused connection
        spdlog::warn("event=http_connections_refused reason=max_connections limit={}", shared_.options.max_connections);
        refusing_ = true;
    }
    Accept();
}

void Server::Impl::Run() {
    running_ = true;
    std::vector<std::thread> extra;
    for (std::size_t i = 1; i < shared_.options.io_threads; ++i) extra.emplace_back([this] { RunLoop(); });
    RunLoop();
    for (auto& t : extra) t.join();
    running_ = false;
    spdlog::info("event=http_stopped");
}

void Server::Impl::RunLoop() {
    for (;;) {
        try {
            ioc_.run();
            return;
        } catch (const std::exception& e) {
            spdlog::error("event=http_io_exception what=\"{}\"", e.what());
        }
    }
}

void Server::Impl::Stop() {
    if (stop_requested_.exchange(true)) return;
    net::post(strand_, [this] { BeginShutdown(); });
}

void Server::Impl::BeginShutdown() {
    shared_.stopping = true;
    beast::error_code ignored;
    acceptor_.close(ignored);
    accept_retry_.cancel();
    if (signals_) {  // a second signal now ends the process at once
        signals_->cancel(ignored);
        signals_->clear(ignored);
    }
    const auto sessions = shared_.LiveSessions();
    spdlog::info("event=http_stopping connections={}", sessions.size());
    for (const auto& s : sessions) s->NotifyStopping();
    PollShutdown(Clock::now() + shared_.options.shutdown_grace);
}

// Waits for every connection to finish, or the deadline to pass; then Run() runs out of work.
void Server::Impl::PollShutdown(Clock::time_point deadline) {
    if (shared_.SessionCount() == 0) return;
    if (Clock::now() >= deadline) {
        const auto sessions = shared_.LiveSessions();
        spdlog::warn("event=http_shutdown_forced connections={}", sessions.size());
        for (const auto& s : sessions) s->ForceClose();
        return;
    }
    shutdown_timer_.expires_after(kShutdownPoll);
    shutdown_timer_.async_wait([this, deadline](const beast::error_code&) { PollShutdown(deadline); });
}

Server::Server(ServerOptions options, Handler handler, AccessObserver observer)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(observer))) {}
Server::~Server() = default;
core::Result<void> Server::Start() { return impl_->Start(); }
std::uint16_t Server::port() const { return impl_->port(); }
void Server::Run() { impl_->Run(); }
void Server::Stop() { impl_->Stop(); }

}  // namespace rt::http
