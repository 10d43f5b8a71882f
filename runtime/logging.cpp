#include "runtime/logging.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "cgroups/warnings.hpp"
#include "common/error.hpp"

namespace runtime {

namespace {

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
    // RFC 3339 in UTC to the second, as logrus writes runc's lines (its
    // default timestamp format, in both the text and the JSON formatter).
    static std::string format_time(spdlog::log_clock::time_point tp) {
        std::time_t t = spdlog::log_clock::to_time_t(tp);
        struct tm tm;
        ::gmtime_r(&t, &tm);
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
        return buf;
    }

    int fd_;
    bool json_;
};

LogOptions g_options;
int g_log_fd = 2;
std::shared_ptr<spdlog::logger> g_logger;

spdlog::logger& logger() {
    if (!g_logger) {
        auto sink = std::make_shared<LineSink>(g_log_fd, g_options.format == "json");
        g_logger = std::make_shared<spdlog::logger>("crun-lite", sink);
        g_logger->set_level(g_options.debug ? spdlog::level::debug : spdlog::level::warn);
        spdlog::set_default_logger(g_logger);
    }
    return *g_logger;
}

}  // namespace

void setup_logging(const LogOptions& options) {
    if (options.format != "text" && options.format != "json") {
        throw common::Error("--log-format: must be text or json, not \"" + options.format + "\"");
    }
    g_options = options;
    // The cgroup code's warnings (a joined cgroup that already holds
    // processes) go where the runtime logs.
    cgroups::set_warning_sink(&log_warn);
    if (!options.file.empty()) {
        int fd = ::open(options.file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd < 0) common::throw_errno("--log " + options.file);
        g_log_fd = fd;
    }
}

void log_warn(const std::string& message) { logger().warn("{}", message); }

void log_debug(const std::string& message) {
    if (g_options.debug) logger().debug("{}", message);
}

bool debug_enabled() { return g_options.debug; }

void report_error(const std::string& message) {
    logger().error("{}", message);
    // stderr always gets the error; when stderr is the log itself, once.
    if (g_log_fd != 2) {
        std::string line = "crun-lite: " + message + "\n";
        (void)!::write(2, line.data(), line.size());
    }
}

}  // namespace runtime
