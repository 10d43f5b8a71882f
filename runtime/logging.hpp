// Logging through spdlog, quiet by default: warnings and errors to stderr.
// `--log FILE` sends the log to FILE instead, `--log-format json` writes the
// JSON lines containerd reads back ({"level","msg","time"}), `--debug`
// lowers the level to debug. Lines are runc's (logrus's) shapes:
//   time="2026-01-02T03:04:05Z" level=debug msg="..."
//   {"level":"debug","msg":"...","time":"2026-01-02T03:04:05Z"}
#pragma once

#include <string>
#include <type_traits>

namespace runtime {

struct LogOptions {
    std::string file;
    std::string format = "text";  // text | json
    bool debug = false;
};

// Checks the options and opens the log file; the spdlog logger itself is
// built on the first record, so a quiet `run` never pays for it.
void setup_logging(const LogOptions& options);

// The only way the rest of the runtime logs: spdlog and fmt are compiled
// into logging.cpp alone instead of into every file that logs a line.
void log_warn(const std::string& message);
void log_debug(const std::string& message);

// Whether `--debug` was given. A message that costs something to build is
// built only then: log_debug([&] { return "cgroup: " + path; }).
bool debug_enabled();
template <class MakeMessage>
    requires std::is_invocable_r_v<std::string, MakeMessage>
void log_debug(MakeMessage&& make) {
    if (debug_enabled()) log_debug(std::string(make()));
}

// A command's fatal error: logged at error level (where clients look for
// it) and always printed to stderr.
void report_error(const std::string& message);

}  // namespace runtime
