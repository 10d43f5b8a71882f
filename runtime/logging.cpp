#include "runtime/logging.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "common/error.hpp"

namespace runtime {

namespace {

bool g_logging_to_file = false;

// Appends one line per record, each written with a single write(2) on an
// O_APPEND fd so concurrent runtimes sharing a log file do not interleave.
class LineSink : public spdlog::sinks::base_sink<std::mutex> {
public:
    LineSink(int fd, bool json) : fd_(fd), json_(json) {}
    ~LineSink() override {
        if (fd_ > 2) ::close(fd_);
    }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        std::string level(spdlog::level::to_string_view(msg.level).data(),
                          spdlog::level::to_string_view(msg.level).size());
        if (level == "warning") level = "warn";
        std::string text(msg.payload.data(), msg.payload.size());
        std::string time = format_time(msg.time);
        std::string line;
        if (json_) {
            line = nlohmann::json{{"level", level}, {"msg", text}, {"time", time}}.dump() + "\n";
        } else {
            line = "time=\"" + time + "\" level=" + level + " msg=" + nlohmann::json(text).dump() + "\n";
        }
        (void)!::write(fd_, line.data(), line.size());
    }
    void flush_() override {}

private:
    static std::string format_time(spdlog::log_clock::time_point tp) {
        auto secs = std::chrono::time_point_cast<std::chrono::seconds>(tp);
        auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(tp - secs).count();
        std::time_t t = spdlog::log_clock::to_time_t(tp);
        struct tm tm;
        ::gmtime_r(&t, &tm);
        char buf[64];
        size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
        std::snprintf(buf + n, sizeof buf - n, ".%09lldZ", static_cast<long long>(nanos));
        return buf;
    }

    int fd_;
    bool json_;
};

}  // namespace

void setup_logging(const LogOptions& options) {
    if (options.format != "text" && options.format != "json") {
        throw common::Error("--log-format: must be text or json, not \"" + options.format + "\"");
    }
    int fd = 2;
    if (!options.file.empty()) {
        fd = ::open(options.file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd < 0) common::throw_errno("--log " + options.file);
        g_logging_to_file = true;
    }
    auto sink = std::make_shared<LineSink>(fd, options.format == "json");
    auto logger = std::make_shared<spdlog::logger>("crun-lite", sink);
    logger->set_level(options.debug ? spdlog::level::debug : spdlog::level::warn);
    spdlog::set_default_logger(logger);
}

void report_error(const std::string& message) {
    spdlog::error("{}", message);
    if (g_logging_to_file || !spdlog::default_logger() ||
        spdlog::default_logger()->name() != "crun-lite") {
        std::string line = "crun-lite: " + message + "\n";
        (void)!::write(2, line.data(), line.size());
    }
}

}  // namespace runtime
