#include "server/logging.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

namespace rt::server {

namespace {

// Writes every byte of `data` to `fd`, retrying short writes and EINTR; gives up silently on any other error
// (there is nowhere left to report a failing stderr).
void WriteAll(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const auto n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            return;
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
}

// stderr through a buffer: lines collect in memory and go out in one write(2) when kFlushBytes have
// gathered, on flush (spdlog flushes every kFlushEvery, and at once for warnings and errors), and when the
// sink is destroyed at exit — so a normal shutdown writes every line. A crash loses at most the last
// kFlushEvery of info lines. Replaces the colour console sink, which writes and flushes each line: ~5 %
// of a redirect's CPU went to that write(2).
class BufferedStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
  public:
    static constexpr std::size_t kFlushBytes = 64 * 1024;

    ~BufferedStderrSink() override {
        std::lock_guard lock(mutex_);
        flush_();
    }

  protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t formatted;
        formatter_->format(msg, formatted);
        buffer_.append(formatted.data(), formatted.size());
        if (buffer_.size() >= kFlushBytes) flush_();
    }
    void flush_() override {
        WriteAll(STDERR_FILENO, buffer_.data(), buffer_.size());
        buffer_.clear();
    }

  private:
    std::string buffer_;
};

constexpr auto kFlushEvery = std::chrono::seconds(1);  // spdlog's periodic flush counts whole seconds

}  // namespace

void SetUpLogging(const std::string& level) {
    std::shared_ptr<spdlog::logger> logger;
    if (::isatty(STDERR_FILENO) != 0) {
        logger = spdlog::stderr_color_mt("reftrack");  // a person is watching: every line at once, in colour
    } else {
        logger = std::make_shared<spdlog::logger>("reftrack", std::make_shared<BufferedStderrSink>());
        logger->flush_on(spdlog::level::warn);
        spdlog::flush_every(kFlushEvery);
    }
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ level=%l %v", spdlog::pattern_time_type::utc);
    spdlog::set_level(spdlog::level::from_str(level));
}

}  // namespace rt::server
