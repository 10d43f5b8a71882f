// Logging through spdlog, quiet by default: warnings and errors to stderr.
// `--log FILE` sends the log to FILE instead, `--log-format json` writes the
// JSON lines containerd reads back ({"level","msg","time"}), `--debug`
// lowers the level to debug.
#pragma once

#include <string>

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

// A command's fatal error: logged at error level (where clients look for
// it) and always printed to stderr.
void report_error(const std::string& message);

}  // namespace runtime
