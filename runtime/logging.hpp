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

void setup_logging(const LogOptions& options);

// A command's fatal error: logged at error level (where clients look for
// it) and always printed to stderr.
void report_error(const std::string& message);

}  // namespace runtime
